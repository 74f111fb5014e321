"""Chunk store: finished chunks on disk, each one self-identifying and checksummed.

A resumable run keeps its finished chunks in a *parts folder* ``<out>.parts/`` next to the
output file::

    <out>.parts/
        .lock                advisory lock (fcntl): one run per folder at a time
        manifest.json        the run's identity (what determines the numbers)
        chunk_00000.npz      chunk 0: its arrays + an identity record
        ...

Every chunk file carries its own identity — the SHA-256 of the run's manifest, the chunk's
index and its slice ``[start, stop)`` of the flat point list — and a SHA-256 checksum over its
arrays (names, dtypes, shapes and bytes).  :meth:`ChunkStore.load` returns a chunk only if all
of these match the run being resumed; anything else (a torn or truncated file, values changed
after writing, another chunk's or another run's file copied over it, a folder in its place,
chunks left by a different run whose manifest was deleted) is *rejected*: counted, removed and
computed again, never used.  The manifest file is a convenience for messages ("this folder holds
another computation"); correctness does not depend on it.

All files are written atomically (temporary file, ``fsync``, :func:`os.replace`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError

try:  # advisory lock on the parts folder (POSIX); released by the kernel if the run is killed
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "IDENTITY_KEY",
    "ChunkStore",
    "arrays_checksum",
    "atomic_write",
    "manifest_differences",
    "manifest_hash",
    "parts_folder",
]

#: Name of the identity record inside a chunk file (a JSON string; never a data variable).
IDENTITY_KEY = "__identity__"
#: Name of the manifest file in a parts folder.
MANIFEST_NAME = "manifest.json"
#: Name of the lock file in a parts folder.
LOCK_NAME = ".lock"
#: Suffix of temporary files (removed when a run starts: left by a run that was killed).
TMP_SUFFIX = ".tmp"


def parts_folder(out: Path) -> Path:
    """The parts folder of an output file: ``<out>.parts`` next to it."""
    return out.with_name(out.name + ".parts")


def manifest_hash(manifest: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of a manifest in canonical JSON form (sorted keys, no spaces).

    Examples
    --------
    >>> manifest_hash({"b": 1, "a": [1.5]}) == manifest_hash({"a": [1.5], "b": 1})
    True
    """
    text = json.dumps(manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def arrays_checksum(arrays: Mapping[str, NDArray]) -> str:
    """SHA-256 (hex) over named arrays: each name, dtype, shape and the C-ordered bytes, by name.

    Examples
    --------
    >>> a = arrays_checksum({"x": np.zeros(2)})
    >>> a == arrays_checksum({"x": np.zeros(2)}), a == arrays_checksum({"x": np.ones(2)})
    (True, False)
    """
    digest = hashlib.sha256()
    for name in sorted(arrays):
        arr = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}|{arr.dtype.str}|{arr.shape}|".encode())
        digest.update(arr.tobytes())
    return digest.hexdigest()


def manifest_differences(old: Any, new: Mapping[str, Any]) -> list[str]:
    """Keys whose values differ between two manifests (``["unreadable manifest"]`` if not a dict)."""
    if not isinstance(old, dict):
        return ["unreadable manifest"]
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))


def atomic_write(path: Path, write: Callable[[IO[bytes]], object]) -> None:
    """Write ``path`` through ``write(fileobj)`` to a temporary name, fsync, then rename over it.

    Raises
    ------
    InputError
        If the file cannot be written (a full disk, a read-only folder): one line naming it.
    """
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TMP_SUFFIX)
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        _discard(tmp)
        raise InputError(f"out: cannot write {str(path)!r} ({exc.strerror or exc})") from None
    except BaseException:
        _discard(tmp)
        raise


def _discard(tmp: str | None) -> None:
    if tmp is not None:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _remove(path: Path) -> None:
    """Remove a file, link or folder found where a chunk should be."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


class ChunkStore:
    """The parts folder of one run: lock, manifest, verified chunks.

    Parameters
    ----------
    parts : Path
        The folder (created if missing).
    manifest : mapping
        The run's identity (JSON-ready).  Its hash is written into every chunk.
    overwrite : bool
        Replace a folder that holds another computation's manifest; without it such a folder
        is refused with an :class:`~multigap.errors.InputError`.

    Notes
    -----
    Use as a context manager: entering takes the lock (an ``InputError`` if another run holds
    it), removes temporary files of killed runs and writes the manifest.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> folder = Path(tempfile.mkdtemp()) / "m.nc.parts"
    >>> with ChunkStore(folder, {"grid": [1, 2]}) as store:
    ...     store.save(0, (0, 2), {"tc": np.array([1.0, 2.0])})
    ...     store.load(0, (0, 2))["tc"].tolist(), store.load(1, (2, 4)), store.rejected
    ([1.0, 2.0], None, 0)
    """

    def __init__(self, parts: Path, manifest: Mapping[str, Any], *, overwrite: bool = False) -> None:
        self.parts = Path(parts)
        self.manifest = dict(manifest)
        self.hash = manifest_hash(self.manifest)
        self.overwrite = overwrite
        #: Chunk files found but not used (failed verification); each is computed again.
        self.rejected = 0
        #: Why each rejected chunk was rejected: index -> reason.
        self.reasons: dict[int, str] = {}
        self._stack = contextlib.ExitStack()

    # ------------------------------------------------------------------------------ lifecycle
    def __enter__(self) -> ChunkStore:
        try:
            self.parts.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"out: cannot create {str(self.parts)!r} ({exc.strerror})") from None
        if not self.parts.is_dir():
            raise InputError(f"out: {str(self.parts)!r} exists and is not a folder; remove it")
        self._stack.enter_context(self._locked())
        try:
            for f in self.parts.glob(f".*{TMP_SUFFIX}"):  # left by a run killed while writing
                _remove(f)
            self._write_manifest()
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold an exclusive lock on the folder, so two runs never write the same chunks."""
        if fcntl is None:  # pragma: no cover - Windows
            yield
            return
        lock = self.parts / LOCK_NAME
        try:
            fh = open(lock, "w")  # held for the whole run
        except OSError as exc:
            raise InputError(
                f"out: cannot open the lock file {str(lock)!r} ({exc.strerror or exc}); remove it"
            ) from None
        with fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise InputError(
                    f"out: another run is writing {str(self.parts)!r} right now; "
                    "wait for it or choose another out"
                ) from None
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _write_manifest(self) -> None:
        """Check an existing manifest (refuse another computation), then write ours."""
        path = self.parts / MANIFEST_NAME
        if path.is_file():
            try:
                old = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError, UnicodeDecodeError):
                old = None  # unreadable: the chunks still verify one by one
            diff = manifest_differences(old, self.manifest)
            if not diff:
                return
            if old is not None and not self.overwrite:
                raise InputError(
                    f"out: {str(self.parts)!r} holds chunks of a different computation (differs in: "
                    f"{', '.join(diff)}); pass overwrite=True to discard them, or choose another out"
                )
            if old is not None:  # overwrite: the other computation's chunks go
                for f in self.parts.glob("chunk_*.npz"):
                    _remove(f)
        elif path.exists():
            _remove(path)
        text = json.dumps(self.manifest, sort_keys=True, indent=1)
        atomic_write(path, lambda fh: fh.write(text.encode("utf-8")))

    # --------------------------------------------------------------------------------- chunks
    def path(self, index: int) -> Path:
        """File of chunk ``index``."""
        return self.parts / f"chunk_{index:05d}.npz"

    def identity(self, index: int, bounds: tuple[int, int], checksum: str) -> dict[str, Any]:
        """The identity record of a chunk (stored in the file under :data:`IDENTITY_KEY`)."""
        return {
            "manifest_sha256": self.hash,
            "index": int(index),
            "start": int(bounds[0]),
            "stop": int(bounds[1]),
            "sha256": checksum,
        }

    def save(self, index: int, bounds: tuple[int, int], arrays: Mapping[str, NDArray]) -> None:
        """Write one finished chunk atomically, with its identity and checksum."""
        record = self.identity(index, bounds, arrays_checksum(arrays))
        payload = {**arrays, IDENTITY_KEY: np.array(json.dumps(record, sort_keys=True))}
        path = self.path(index)
        if path.is_dir() and not path.is_symlink():
            _remove(path)
        atomic_write(path, lambda fh: np.savez(fh, **payload))  # type: ignore[arg-type]

    def load(self, index: int, bounds: tuple[int, int]) -> dict[str, NDArray] | None:
        """Chunk ``index`` if its file exists and verifies; None otherwise.

        A file that exists but does not verify is removed, counted in :attr:`rejected` and
        its reason kept in :attr:`reasons`.
        """
        path = self.path(index)
        if not path.exists() and not path.is_symlink():
            return None
        arrays, reason = self._read(path, index, bounds)
        if reason:
            self.rejected += 1
            self.reasons[index] = reason
            _remove(path)
            return None
        return arrays

    def _read(self, path: Path, index: int, bounds: tuple[int, int]) -> tuple[dict[str, NDArray], str]:
        if not path.is_file() or path.is_symlink():
            return {}, "not a regular file"
        try:
            with open(path, "rb") as fh, np.load(fh, allow_pickle=False) as data:
                arrays = {key: data[key] for key in data.files}
        except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile) as exc:
            return {}, f"unreadable ({type(exc).__name__})"
        raw = arrays.pop(IDENTITY_KEY, None)
        try:
            record = json.loads(str(raw)) if raw is not None else None
        except ValueError:
            record = None
        if not isinstance(record, dict):
            return {}, "no identity record"
        expected = self.identity(index, bounds, arrays_checksum(arrays))
        for key in ("manifest_sha256", "index", "start", "stop", "sha256"):
            if record.get(key) != expected[key]:
                what = "checksum" if key == "sha256" else key
                return {}, f"{what} does not match"
        return arrays, ""
