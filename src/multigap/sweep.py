"""Tc(η, g) maps: chunked, resumable sweeps on serial, local-process or Dask executors.

A map is the critical temperature (SPEC §4) on the outer product of a grid of Lifshitz
parameters η (dimensionless) and active-band couplings g = g₃₃ (dimensionless), optionally with
the bare phonon energy ω₀ (meV) as a third axis.  The band structure of the model is computed
once in the calling process and shipped to the workers; each worker solves one *chunk* of grid
points in a fixed order.

Chunks are defined by the grid alone: the points are numbered with η fastest, then g, then ω₀,
and chunk k holds points ``k*chunk_size … (k+1)*chunk_size - 1``.  Inside a chunk the Tc root
search of a point starts from the Tc of the previous point of the same (g, ω₀) row (a warm
start, when :func:`multigap.tc.solve_tc` accepts ``guess=``); across chunks nothing is shared.
The starting estimate of every point is stored (variable ``start_guess``), so that the numbers
are identical whatever the executor and the number of workers, and :func:`recompute_point`
reproduces any stored value bit for bit from the file's own metadata.

Three executors share one signature ``(func, tasks, *, workers=None, scheduler=None)`` and
yield ``(task_index, result)`` pairs as tasks finish (the habit of QuTiP's ``serial_map`` /
``parallel_map``): :func:`serial_map`, :func:`process_map` (the default; all cores through
:class:`concurrent.futures.ProcessPoolExecutor`, no server) and :func:`dask_map`
(``dask.distributed``: a LocalCluster, or an existing cluster at ``tcp://HOST:PORT``).

With ``out`` given, every finished chunk is written at once to ``<out>.parts/chunk_XXXXX.npz``
(atomically: temporary file + :func:`os.replace`) next to a ``manifest.json`` that identifies
the computation (resolved model, grids, μ mode, tolerance, chunking, package version).  Running
the same call again resumes: finished chunks are loaded, never recomputed.  At the end the map
is written to ``out`` as NetCDF4 (:func:`multigap.io.write_dataset`, again atomically) and the
parts folder is removed.

Units: η and g dimensionless, ω₀ / ω̃₀ / μ in meV, Tc in K.  The core physics modules never
import this one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
import json
import math
import multiprocessing
import os
import shutil
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike, NDArray

from . import __version__
from .errors import InputError, ModelError, MultigapError
from .io import model_from_dataset, read_dataset, write_dataset
from .model import Model, dumps_model
from .problem import MU_MODES, cached_bands, pairing_problem
from .tc import TcResult, solve_tc

if TYPE_CHECKING:
    from .bands import BandStructure

try:  # advisory lock on the parts folder (POSIX); released by the kernel if the run is killed
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "EXECUTORS",
    "STATUS_CODES",
    "STATUS_MEANINGS",
    "SweepRun",
    "compute_map",
    "dask_map",
    "process_map",
    "recompute_point",
    "run_map",
    "serial_map",
]

#: Grid points per chunk when ``chunk_size`` is not given (≈ 0.5–1.5 s of work per chunk).
DEFAULT_CHUNK_SIZE = 40

#: Integer codes of the ``status`` variable.
STATUS_CODES: dict[str, int] = {"converged": 0, "below_floor": 1, "failed": 2}
STATUS_MEANINGS = " ".join(STATUS_CODES)

#: Seconds to wait for a Dask scheduler at a ``tcp://`` address before giving up.
CONNECT_TIMEOUT = 5.0

#: Errors that make one grid point "failed" instead of stopping the sweep: the solver's own
#: (ConvergenceError, ModelError, …) and numerical breakdowns.  Anything else is a bug and
#: propagates (the chunks finished so far are kept on disk).
_POINT_FAILURES: tuple[type[BaseException], ...] = (
    MultigapError,
    ArithmeticError,
    np.linalg.LinAlgError,
)

_FORMAT = "multigap.sweep/1"
_VARIABLES = ("tc", "mu", "mu0", "omega", "status", "iterations", "start_guess")
_FLOAT_VARS = ("tc", "mu", "mu0", "omega", "start_guess")
_UNIT_SYSTEM = "lengths nm, wave numbers 1/nm, energies meV, temperatures K, masses m_e"

Executor = Callable[..., Generator[tuple[int, Any], None, None]]


# ------------------------------------------------------------------------------------ executors


def serial_map(
    func: Callable[[Any], Any], tasks: Sequence[Any], *, workers: int | None = None, scheduler: Any = None
) -> Generator[tuple[int, Any], None, None]:
    """Run ``func`` on each task in this process, in order.

    Parameters
    ----------
    func : callable
        A picklable function of one task.
    tasks : sequence
        The tasks.
    workers : int, optional
        Ignored (one worker: this process).
    scheduler : None
        Must be None.

    Yields
    ------
    (int, object)
        The task's position in ``tasks`` and ``func(task)``.
    """
    if scheduler is not None:
        raise InputError(
            f"scheduler = {scheduler!r}: the serial executor takes no scheduler; use executor='dask'"
        )
    for i, task in enumerate(tasks):
        yield i, func(task)


def _process_context() -> multiprocessing.context.BaseContext:
    """Start workers from a fork server that has imported this module once (cheap and thread-safe)."""
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([__name__])
        return ctx
    return multiprocessing.get_context("spawn")  # pragma: no cover - Windows


def _n_workers(workers: int | None) -> int:
    if workers is None:
        return os.cpu_count() or 1
    if isinstance(workers, bool) or not isinstance(workers, int | np.integer) or workers < 1:
        raise InputError(f"workers = {workers!r}: must be a positive integer (or None for all cores)")
    return int(workers)


def process_map(
    func: Callable[[Any], Any], tasks: Sequence[Any], *, workers: int | None = None, scheduler: Any = None
) -> Generator[tuple[int, Any], None, None]:
    """Run ``func`` on the tasks in local worker processes (no server to start).

    Parameters
    ----------
    func : callable
        A picklable, module-level function of one task.
    tasks : sequence
        Picklable tasks.
    workers : int, optional
        Number of processes; default all cores (:func:`os.cpu_count`), never more than tasks.
    scheduler : None
        Must be None.

    Yields
    ------
    (int, object)
        The task's position and ``func(task)``, in order of completion.  Closing the iterator
        (or an exception) cancels the tasks not started yet.
    """
    if scheduler is not None:
        raise InputError(
            f"scheduler = {scheduler!r}: the process executor takes no scheduler; use executor='dask'"
        )
    n = min(_n_workers(workers), len(tasks))
    if n == 0:
        return
    pool = ProcessPoolExecutor(max_workers=n, mp_context=_process_context())
    try:
        pending = {pool.submit(func, task): i for i, task in enumerate(tasks)}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                try:
                    result = fut.result()
                except BrokenProcessPool as exc:
                    raise RuntimeError(
                        "a sweep worker process died (killed, out of memory, or - when this runs from "
                        "a script - the script lacks the `if __name__ == '__main__':` guard that "
                        "worker processes need); use executor='serial' to see the error in-process"
                    ) from exc
                yield pending.pop(fut), result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _dask_client(scheduler: Any, workers: int | None) -> tuple[Any, list[Any]]:
    """A ``dask.distributed.Client`` for ``scheduler`` and the objects this call must close, in order."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise InputError("executor 'dask' needs dask.distributed: pip install 'multigap[dask]'") from None
    if isinstance(scheduler, Client):
        return scheduler, []
    if scheduler is None or scheduler == "local":
        cluster = LocalCluster(
            n_workers=_n_workers(workers), threads_per_worker=1, processes=True, dashboard_address=":0"
        )
        try:
            client = Client(cluster)
        except BaseException:
            cluster.close()
            raise
        return client, [client, cluster]
    if not isinstance(scheduler, str) or not scheduler.strip():
        raise InputError(
            f"scheduler = {scheduler!r}: must be 'local', an address like 'tcp://HOST:PORT' "
            "or a dask.distributed.Client"
        )
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(
            f"scheduler = {scheduler!r}: no Dask scheduler answered within {CONNECT_TIMEOUT:g} s "
            f"({type(exc).__name__}); start one with 'dask scheduler' and workers with "
            f"'dask worker {scheduler}', or use scheduler='local'"
        ) from None
    return client, [client]


def dask_map(
    func: Callable[[Any], Any], tasks: Sequence[Any], *, workers: int | None = None, scheduler: Any = None
) -> Generator[tuple[int, Any], None, None]:
    """Run ``func`` on the tasks on a Dask cluster.

    Parameters
    ----------
    func : callable
        A picklable, module-level function of one task (the workers must have ``multigap``
        installed).
    tasks : sequence
        Picklable tasks.
    workers : int, optional
        Worker processes of a LocalCluster (default all cores); ignored for an existing cluster.
    scheduler : str or dask.distributed.Client, optional
        ``"local"`` (default): start a ``LocalCluster(n_workers=workers, threads_per_worker=1)``
        for this call.  ``"tcp://HOST:PORT"``: connect to a running scheduler (an
        :class:`~multigap.errors.InputError` if none answers within ``CONNECT_TIMEOUT`` s).
        A ``Client``: use it as is (it is left open).

    Yields
    ------
    (int, object)
        The task's position and ``func(task)``, in order of completion.
    """
    client, owned = _dask_client(scheduler, workers)
    futures: list[Any] = []
    try:
        if not tasks:
            return
        from dask.distributed import as_completed

        futures = client.map(func, list(tasks), pure=False)
        index = {fut.key: i for i, fut in enumerate(futures)}
        for fut, result in as_completed(futures, with_results=True):
            yield index[fut.key], result
    finally:
        if futures:
            client.cancel(futures)
        for obj in owned:  # the client first, then the LocalCluster it runs on
            obj.close()


#: The executors by name (the ``executor`` argument of :func:`compute_map`).
EXECUTORS: dict[str, Executor] = {"serial": serial_map, "processes": process_map, "dask": dask_map}


# ---------------------------------------------------------------------------------- one chunk


@dataclass(frozen=True)
class _Chunk:
    """The work of one chunk: points ``start … stop - 1`` of the flattened grid."""

    index: int
    model: Model
    bands: BandStructure
    mu_mode: str
    rtol: float
    warm_start: bool
    eta: NDArray[np.float64]
    g: NDArray[np.float64]
    omega0: NDArray[np.float64] | None
    row: NDArray[np.int64]  # (g, ω₀) row of each point: warm starts never cross rows


def _solve_chunk(chunk: _Chunk) -> dict[str, NDArray]:
    """Solve the points of one chunk in order; a failing point is recorded, not raised."""
    n = chunk.eta.size
    out: dict[str, NDArray] = {name: np.full(n, np.nan) for name in _FLOAT_VARS}
    out["status"] = np.full(n, STATUS_CODES["failed"], dtype=np.int8)
    out["iterations"] = np.full(n, -1, dtype=np.int32)
    messages = [""] * n
    warned = [""] * n
    use_guess = chunk.warm_start and "guess" in inspect.signature(solve_tc).parameters
    previous: float | None = None
    for i in range(n):
        if i > 0 and chunk.row[i] != chunk.row[i - 1]:
            previous = None
        guess = previous if use_guess else None
        out["start_guess"][i] = 0.0 if guess is None else guess
        kwargs: dict[str, Any] = {} if guess is None else {"guess": guess}
        try:
            problem = pairing_problem(
                chunk.model,
                float(chunk.eta[i]),
                g=float(chunk.g[i]),
                omega0=None if chunk.omega0 is None else float(chunk.omega0[i]),
                bands=chunk.bands,
            )
            out["mu0"][i] = problem.mu0
            out["omega"][i] = problem.omega
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")  # counted per point, never printed by workers
                result = solve_tc(problem, mu_mode=chunk.mu_mode, rtol=chunk.rtol, **kwargs)
            warned[i] = "\n".join(sorted({f"{w.category.__name__}: {w.message}" for w in caught}))
        except _POINT_FAILURES as exc:
            messages[i] = f"{type(exc).__name__}: {exc}"
            previous = None
            continue
        out["tc"][i] = result.tc
        out["mu"][i] = result.mu
        out["omega"][i] = result.omega
        out["iterations"][i] = result.iterations
        out["status"][i] = STATUS_CODES.get(result.status, STATUS_CODES["converged"])
        previous = result.tc if result.status == "converged" and result.tc > 0 else None
    out["message"] = np.array(messages, dtype=str)
    out["warning"] = np.array(warned, dtype=str)
    return out


# ------------------------------------------------------------------------------- grids & files


def _grid(name: str, values: ArrayLike) -> NDArray[np.float64]:
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    if arr.ndim != 1 or arr.size == 0:
        raise InputError(f"{name} = {values!r}: must be a non-empty 1-D sequence of numbers")
    if not np.all(np.isfinite(arr)):
        raise InputError(f"{name}: contains non-finite values ({arr[~np.isfinite(arr)][:3].tolist()})")
    if np.unique(arr).size != arr.size:
        raise InputError(f"{name}: contains repeated values; every grid value must be distinct")
    return arr


def _describe_grid(arr: NDArray | None) -> str:
    if arr is None:
        return "None"
    if arr.size == 1:
        return f"[{arr[0]!r}]"
    return f"<{arr.size} values in [{arr.min():g}, {arr.max():g}]>"


def _json_roundtrip(obj: Any) -> Any:
    return json.loads(json.dumps(obj, sort_keys=True))


def _manifest(
    model: Model,
    eta: NDArray,
    g: NDArray,
    omega0: NDArray | None,
    mu_mode: str,
    rtol: float,
    chunk_size: int,
    warm_start: bool,
) -> dict[str, Any]:
    """Everything that determines the numbers of a map (and nothing that does not)."""
    return _json_roundtrip(
        {
            "format": _FORMAT,
            "multigap_version": __version__,
            "model_toml": dumps_model(model),
            "eta": eta.tolist(),
            "g": g.tolist(),
            "omega0": None if omega0 is None else omega0.tolist(),
            "mu_mode": mu_mode,
            "rtol": rtol,
            "chunk_size": chunk_size,
            "warm_start": warm_start,
        }
    )


def _differences(old: Any, new: dict[str, Any]) -> list[str]:
    if not isinstance(old, dict):
        return ["format"]
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))


def _atomic_write(path: Path, write: Callable[[Any], None], suffix: str = ".tmp") -> None:
    """Write a file through ``write(fileobj)`` to a temporary name, fsync, then rename over ``path``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _chunk_path(parts: Path, index: int) -> Path:
    return parts / f"chunk_{index:05d}.npz"


def _save_chunk(parts: Path, index: int, arrays: dict[str, NDArray]) -> None:
    _atomic_write(_chunk_path(parts, index), lambda fh: np.savez(fh, **arrays))  # type: ignore[arg-type]


def _load_chunk(parts: Path, index: int, size: int) -> dict[str, NDArray] | None:
    """A finished chunk, or None if absent or unreadable (then it is computed again)."""
    path = _chunk_path(parts, index)
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
    except (OSError, ValueError, EOFError):
        return None
    needed = (*_VARIABLES, "message", "warning")
    if any(k not in arrays or arrays[k].shape != (size,) for k in needed):
        return None
    return arrays


@contextlib.contextmanager
def _locked(parts: Path) -> Iterator[None]:
    """Hold an exclusive lock on the parts folder, so two runs never write the same chunks."""
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    with open(parts / ".lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise InputError(
                f"out: another run is writing {str(parts)!r} right now; wait for it or choose another out"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _prepare_parts(parts: Path, manifest: dict[str, Any], overwrite: bool) -> None:
    """Create or check ``<out>.parts`` (called with the lock held)."""
    for f in parts.glob(".*.tmp"):  # left by a run that was killed while writing a chunk
        f.unlink()
    mpath = parts / "manifest.json"
    if mpath.is_file():
        try:
            old = json.loads(mpath.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            old = None
        diff = _differences(old, manifest)
        if diff and not overwrite:
            raise InputError(
                f"out: {str(parts)!r} holds chunks of a different computation (differs in: "
                f"{', '.join(diff)}); pass overwrite=True to discard them, or choose another out"
            )
        if not diff:
            return
        for f in parts.glob("chunk_*.npz"):
            f.unlink()
    text = json.dumps(manifest, sort_keys=True, indent=1)
    _atomic_write(mpath, lambda fh: fh.write(text.encode("utf-8")))


# ----------------------------------------------------------------------------------- dataset


def _var(dims: tuple[str, ...], data: NDArray, units: str, long_name: str, **extra: Any) -> xr.Variable:
    return xr.Variable(dims, data, attrs={"units": units, "long_name": long_name, **extra})


def _build_dataset(
    model: Model,
    manifest: dict[str, Any],
    shape: tuple[int, int, int],
    flat: dict[str, NDArray],
    n_chunks: int,
    command: str,
) -> xr.Dataset:
    """Arrays on the flattened grid (η fastest, then g, then ω₀) -> the labelled map."""
    eta = np.asarray(manifest["eta"], dtype=float)
    g = np.asarray(manifest["g"], dtype=float)
    has_w = manifest["omega0"] is not None
    dims: tuple[str, ...] = ("eta", "g", "omega0") if has_w else ("eta", "g")

    def grid(name: str) -> NDArray:
        cube = flat[name].reshape(shape).transpose(2, 1, 0)  # (ω₀, g, η) -> (η, g, ω₀)
        return cube if has_w else cube[:, :, 0]

    a = model.active_band
    data_vars = {
        "tc": _var(dims, grid("tc"), "K", "critical temperature Tc (0: below the floor; NaN: failed)"),
        "mu": _var(dims, grid("mu"), "meV", "chemical potential mu at Tc"),
        "mu0": _var(dims, grid("mu0"), "meV", "normal-state chemical potential mu0 = E_L + eta*dE at T = 0"),
        "omega": _var(dims, grid("omega"), "meV", "pairing cutoff omega~0 (Migdal-softened phonon energy)"),
        "status": _var(
            dims,
            grid("status"),
            "1",
            "outcome of the Tc search",
            flag_values=np.array(list(STATUS_CODES.values()), dtype=np.int8),
            flag_meanings=STATUS_MEANINGS,
        ),
        "iterations": _var(
            dims, grid("iterations"), "1", "eigenvalue evaluations of the Tc search (-1: failed)"
        ),
        "start_guess": _var(
            dims,
            grid("start_guess"),
            "K",
            "Tc estimate the root search started from (warm start; 0: default start omega~0/(20 k_B))",
        ),
    }
    coords = {
        "eta": _var(("eta",), eta, "1", f"Lifshitz parameter eta = (mu0 - E_L)/dE of band {a}"),
        "g": _var(("g",), g, "1", f"intraband coupling g = g_{a}{a} of the active band {a}"),
    }
    if has_w:
        coords["omega0"] = _var(
            ("omega0",), np.asarray(manifest["omega0"], dtype=float), "meV", "bare phonon energy omega0"
        )
    messages = Counter(m for m in flat["message"].tolist() if m)
    warned = Counter(w for entry in flat["warning"].tolist() if entry for w in entry.split("\n"))
    attrs = {
        "title": f"Tc(eta, g) map of model {model.name}",
        "model_name": model.name,
        "model_toml": manifest["model_toml"],
        "active_band": int(a),
        "multigap_version": manifest["multigap_version"],
        "unit_system": _UNIT_SYSTEM,
        "mu_mode": manifest["mu_mode"],
        "rtol": float(manifest["rtol"]),
        "warm_start": int(manifest["warm_start"]),
        "chunk_size": int(manifest["chunk_size"]),
        "n_chunks": int(n_chunks),
        "chunking": (
            "grid points numbered with eta fastest, then g"
            + (", then omega0" if has_w else "")
            + "; chunk k = points k*chunk_size ... (k+1)*chunk_size-1, solved in order, warm starts "
            "only between consecutive points of one chunk and one (g"
            + (", omega0" if has_w else "")
            + ") row"
        ),
        "command": command,
        "n_failed": int(np.count_nonzero(flat["status"] == STATUS_CODES["failed"])),
        "failure_messages": json.dumps(dict(sorted(messages.items())), ensure_ascii=False),
        "n_warned": int(sum(1 for entry in flat["warning"].tolist() if entry)),
        "warning_counts": json.dumps(dict(sorted(warned.items())), ensure_ascii=False),
        "sweep_manifest": json.dumps(manifest, sort_keys=True),
    }
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


# ----------------------------------------------------------------------------------- the sweep


@dataclass(frozen=True)
class SweepRun:
    """A finished map and how it was obtained.

    Attributes
    ----------
    dataset : xarray.Dataset
        The map (the same content as the file at ``path``).
    path : Path or None
        The NetCDF4 file written, if ``out`` was given.
    chunks_total : int
        Number of chunks of the grid.
    chunks_computed : int
        Chunks solved by this call.
    chunks_reused : int
        Chunks loaded from an earlier, interrupted run (or all of them when ``out`` was
        already complete).
    n_failed : int
        Grid points with status ``failed``.
    wall_time : float
        Seconds this call took.
    executor : str
        The executor used (``serial``, ``processes``, ``dask``).
    """

    dataset: xr.Dataset
    path: Path | None
    chunks_total: int
    chunks_computed: int
    chunks_reused: int
    n_failed: int
    wall_time: float
    executor: str


def resolve_executor(executor: str | None, scheduler: Any) -> str:
    """The executor name for ``executor``/``scheduler`` (default: processes, or dask with a scheduler)."""
    if executor is None:
        return "processes" if scheduler is None else "dask"
    if executor not in EXECUTORS:
        raise InputError(f"executor = {executor!r}: must be one of {', '.join(EXECUTORS)}")
    if scheduler is not None and executor != "dask":
        raise InputError(f"scheduler = {scheduler!r}: only the 'dask' executor takes a scheduler")
    return executor


def run_map(
    model: Model,
    eta: ArrayLike,
    g: ArrayLike,
    *,
    omega0: float | ArrayLike | None = None,
    mu_mode: str = "fixed",
    out: str | Path | None = None,
    executor: str | None = None,
    workers: int | None = None,
    scheduler: Any = None,
    chunk_size: int | None = None,
    rtol: float = 1e-10,
    warm_start: bool = True,
    progress: bool = True,
    overwrite: bool = False,
    command: str | None = None,
) -> SweepRun:
    """Compute a Tc(η, g) map and report how (see :func:`compute_map` for the parameters).

    Returns
    -------
    SweepRun
        The Dataset plus the number of chunks computed and reused by this call.
    """
    t0 = time.perf_counter()
    if not isinstance(model, Model):
        raise InputError(f"model = {model!r}: must be a multigap Model (e.g. multigap.preset('A'))")
    if mu_mode not in MU_MODES:
        raise InputError(f"mu_mode = {mu_mode!r}: must be one of {', '.join(MU_MODES)}")
    if not (isinstance(rtol, float | int) and 0 < rtol < 1e-2):
        raise InputError(f"rtol = {rtol!r}: must be a number in (0, 0.01)")
    name = resolve_executor(executor, scheduler)
    if name != "serial":
        _n_workers(workers)  # validate early
    eta_arr = _grid("eta", eta)
    g_arr = _grid("g", g)
    w_arr: NDArray | None = None
    if omega0 is not None:
        w_in = np.asarray(omega0, dtype=float)
        if w_in.ndim == 0:  # a fixed override: fold it into the model (its TOML then says so)
            try:
                model = dataclasses.replace(
                    model, pairing=dataclasses.replace(model.pairing, omega0=float(w_in))
                )
            except ModelError as exc:
                raise InputError(f"omega0 = {omega0!r}: {exc}") from None
        else:
            w_arr = _grid("omega0", w_in)
            if np.any(w_arr <= 0):
                raise InputError(f"omega0: every value must be > 0 meV (got {float(w_arr.min())!r})")
    for value in g_arr.tolist():
        try:
            model.with_g(value)
        except ModelError as exc:
            raise InputError(f"g = {value!r}: {exc}") from None
    if chunk_size is None:
        chunk_size = DEFAULT_CHUNK_SIZE
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int | np.integer) or chunk_size < 1:
        raise InputError(f"chunk_size = {chunk_size!r}: must be a positive integer (grid points per chunk)")
    chunk_size = int(chunk_size)
    warm_start = bool(warm_start)
    rtol = float(rtol)

    manifest = _manifest(model, eta_arr, g_arr, w_arr, mu_mode, rtol, chunk_size, warm_start)
    if command is None:
        command = (
            f"multigap.sweep.compute_map(model={model.name!r}, eta={_describe_grid(eta_arr)}, "
            f"g={_describe_grid(g_arr)}, omega0={_describe_grid(w_arr)}, mu_mode={mu_mode!r}, "
            f"rtol={rtol!r}, chunk_size={chunk_size})"
        )
    shape = (1 if w_arr is None else w_arr.size, g_arr.size, eta_arr.size)
    n_points = math.prod(shape)
    n_chunks = -(-n_points // chunk_size)
    bounds = [(k * chunk_size, min((k + 1) * chunk_size, n_points)) for k in range(n_chunks)]

    path = None if out is None else Path(out).expanduser()
    parts = None if path is None else path.with_name(path.name + ".parts")
    if path is not None and path.is_dir():
        raise InputError(f"out = {str(path)!r}: is a folder; give a file name such as map.nc")
    if path is not None and parts is not None and path.exists():
        old_ds: xr.Dataset | None = None
        old_manifest = None
        with contextlib.suppress(InputError, ValueError):
            old_ds = read_dataset(path)
            old_manifest = json.loads(str(old_ds.attrs.get("sweep_manifest", "null")))
        diff = _differences(old_manifest, manifest)
        if not diff and old_ds is not None:  # already complete: nothing to compute
            if parts.is_dir():  # left by a run killed between writing out and cleaning up
                with contextlib.suppress(InputError), _locked(parts):
                    shutil.rmtree(parts, ignore_errors=True)
            n_failed = int(old_ds.attrs.get("n_failed", 0))
            return SweepRun(old_ds, path, n_chunks, 0, n_chunks, n_failed, time.perf_counter() - t0, name)
        if not overwrite:
            raise InputError(
                f"out = {str(path)!r}: exists and holds a different map (differs in: {', '.join(diff)}); "
                "pass overwrite=True to replace it, or choose another out"
            )
        path.unlink()

    results: dict[int, dict[str, NDArray]] = {}
    with contextlib.ExitStack() as stack:
        if path is not None and parts is not None:
            try:
                parts.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise InputError(
                    f"out = {str(path)!r}: cannot create {str(parts)!r} ({exc.strerror})"
                ) from None
            stack.enter_context(_locked(parts))
            for f in parts.parent.glob(f".{path.name}.*.tmp.nc"):  # a final write that was killed
                f.unlink()
            _prepare_parts(parts, manifest, overwrite)
            for k, (start, stop) in enumerate(bounds):
                loaded = _load_chunk(parts, k, stop - start)
                if loaded is not None:
                    results[k] = loaded
        n_reused = len(results)

        todo = [k for k in range(n_chunks) if k not in results]
        bands = cached_bands(model)
        iw, ig, ie = np.unravel_index(np.arange(n_points), shape)
        row = np.ravel_multi_index((iw, ig), shape[:2])
        tasks = [
            _Chunk(
                index=k,
                model=model,
                bands=bands,
                mu_mode=mu_mode,
                rtol=rtol,
                warm_start=warm_start,
                eta=eta_arr[ie[bounds[k][0] : bounds[k][1]]],
                g=g_arr[ig[bounds[k][0] : bounds[k][1]]],
                omega0=None if w_arr is None else w_arr[iw[bounds[k][0] : bounds[k][1]]],
                row=row[bounds[k][0] : bounds[k][1]],
            )
            for k in todo
        ]
        from tqdm.auto import tqdm

        bar = stack.enter_context(
            tqdm(
                total=n_chunks,
                initial=n_reused,
                unit="chunk",
                desc=f"Tc map {model.name} ({n_points} points)",
                disable=not progress,
            )
        )
        n_failed_run = 0
        stream = EXECUTORS[name](_solve_chunk, tasks, workers=workers, scheduler=scheduler)
        with contextlib.closing(stream):
            for position, arrays in stream:
                k = todo[position]
                if parts is not None:
                    _save_chunk(parts, k, arrays)
                results[k] = arrays
                n_failed_run += int(np.count_nonzero(arrays["status"] == STATUS_CODES["failed"]))
                bar.update(1)
                if n_failed_run:
                    bar.set_postfix(failed=n_failed_run)

        flat = {
            key: np.concatenate([results[k][key] for k in range(n_chunks)])
            for key in (*_VARIABLES, "message", "warning")
        }
        ds = _build_dataset(model, manifest, shape, flat, n_chunks, command)
        if path is not None:
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp.nc")
            try:
                write_dataset(ds, tmp)
                os.replace(tmp, path)
            finally:
                with contextlib.suppress(OSError):
                    tmp.unlink()
    if parts is not None:
        shutil.rmtree(parts, ignore_errors=True)
    return SweepRun(
        ds, path, n_chunks, len(todo), n_reused, int(ds.attrs["n_failed"]), time.perf_counter() - t0, name
    )


def compute_map(
    model: Model,
    eta: ArrayLike,
    g: ArrayLike,
    *,
    omega0: float | ArrayLike | None = None,
    mu_mode: str = "fixed",
    out: str | Path | None = None,
    executor: str | None = None,
    workers: int | None = None,
    scheduler: Any = None,
    chunk_size: int | None = None,
    rtol: float = 1e-10,
    warm_start: bool = True,
    progress: bool = True,
    overwrite: bool = False,
    command: str | None = None,
) -> xr.Dataset:
    """Critical temperature on an (η, g) grid (paper Figs. 8–11), chunked and resumable.

    Parameters
    ----------
    model : Model
        The model; its band structure is computed once here and shipped to the workers.
    eta : array_like, 1-D
        Lifshitz parameters η = (μ₀ − E_L)/ΔE (dimensionless), distinct values.
    g : array_like, 1-D
        Active-band couplings g = g₃₃ (dimensionless), distinct, each < 0.5 with softening.
    omega0 : float or array_like, optional
        Bare phonon energy ω₀ in meV: a number replaces the model's ω₀ (and is written into the
        stored model), a 1-D array adds a third dimension ``omega0``.  Default: the model's.
    mu_mode : {"fixed", "density"}
        Chemical potential at Tc (SPEC §4): μ = μ₀, or the normal-state density of μ₀ kept.
    out : str or Path, optional
        NetCDF4 file to write.  Finished chunks go to ``<out>.parts/`` as they finish; running
        the same call again resumes from them (and returns ``out`` at once if it is complete).
    executor : {"processes", "serial", "dask"}, optional
        Where chunks run.  Default ``"processes"`` (all cores, no server), or ``"dask"`` when
        ``scheduler`` is given.  Results are identical, bit for bit, for every executor and
        number of workers.
    workers : int, optional
        Worker processes (``processes`` and a Dask LocalCluster); default all cores.
    scheduler : str or dask.distributed.Client, optional
        For ``executor="dask"``: ``"local"`` (default, a LocalCluster), ``"tcp://HOST:PORT"``
        (an existing cluster) or a Client.
    chunk_size : int, optional
        Grid points per chunk (default :data:`DEFAULT_CHUNK_SIZE`).  It is part of the
        computation's identity: warm starts run inside a chunk, so resuming needs the same value.
    rtol : float
        Relative tolerance of every Tc.
    warm_start : bool
        Start each Tc search from the previous point's Tc within a chunk (≈ 25 % fewer
        eigenvalue evaluations; changes results only within ``rtol``).
    progress : bool
        Show a tqdm progress bar over chunks (on stderr).
    overwrite : bool
        Replace an ``out`` (or ``<out>.parts``) made by a different computation; without it such
        a file is refused.  Chunks of the same computation are reused either way.
    command : str, optional
        The command line to record in ``attrs["command"]`` (the CLI passes its own); default a
        description of this call.

    Returns
    -------
    xarray.Dataset
        Dimensions ``eta``, ``g`` (and ``omega0``).  Variables ``tc`` (K; 0 below the floor, NaN
        when failed), ``mu``, ``mu0``, ``omega`` (meV), ``status`` (0 converged, 1 below_floor,
        2 failed; CF ``flag_values``/``flag_meanings``), ``iterations``, ``start_guess`` (K).
        Attributes: resolved ``model_toml``, ``multigap_version``, ``mu_mode``, ``rtol``,
        chunking, ``command``, ``n_failed`` and ``failure_messages`` (JSON: message -> count),
        and ``sweep_manifest`` (the identity used for resuming).

    Raises
    ------
    InputError
        Invalid grids or options; an ``out`` holding a different map (without ``overwrite``);
        another run writing the same ``out``; no Dask scheduler at the address given.
    """
    return run_map(
        model,
        eta,
        g,
        omega0=omega0,
        mu_mode=mu_mode,
        out=out,
        executor=executor,
        workers=workers,
        scheduler=scheduler,
        chunk_size=chunk_size,
        rtol=rtol,
        warm_start=warm_start,
        progress=progress,
        overwrite=overwrite,
        command=command,
    ).dataset


def recompute_point(
    source: str | Path | xr.Dataset, eta: float, g: float, omega0: float | None = None
) -> TcResult:
    """Recompute one point of a stored map from the file's own metadata (model, μ mode, rtol).

    Parameters
    ----------
    source : str, Path or xarray.Dataset
        A map written by :func:`compute_map` (or the Dataset it returned).
    eta : float
        Lifshitz parameter η (dimensionless).
    g : float
        Active-band coupling g = g₃₃ (dimensionless).
    omega0 : float, optional
        Bare phonon energy ω₀ (meV); required if the map has an ``omega0`` dimension.

    Returns
    -------
    TcResult
        For a grid point, the search starts from the stored ``start_guess``, so ``tc``, ``mu``
        and ``iterations`` equal the stored values exactly; off the grid it starts cold.

    Raises
    ------
    InputError
        If ``source`` is not a map made by this module, or ``omega0`` is missing / superfluous.
    """
    ds = read_dataset(source) if isinstance(source, str | Path) else source
    try:
        manifest = json.loads(str(ds.attrs["sweep_manifest"]))
    except (KeyError, ValueError):
        raise InputError(
            "source: not a Tc map from multigap.sweep (attrs 'sweep_manifest' missing)"
        ) from None
    model = model_from_dataset(ds)
    has_w = "omega0" in ds.dims
    if has_w and omega0 is None:
        raise InputError("omega0 = None: this map has an omega0 dimension; pass the point's omega0 (meV)")
    if not has_w and omega0 is not None:
        raise InputError(
            f"omega0 = {omega0!r}: this map has no omega0 dimension (its model's omega0 is used)"
        )
    where = {"eta": float(eta), "g": float(g)}
    if has_w:
        where["omega0"] = float(omega0)  # type: ignore[arg-type]
    guess = 0.0
    index = {}
    for dim, value in where.items():
        hits = np.flatnonzero(ds[dim].values == value)
        if hits.size != 1:
            break
        index[dim] = int(hits[0])
    else:
        guess = float(ds["start_guess"].isel(index).values)
    problem = pairing_problem(model, float(eta), g=float(g), omega0=omega0, bands=cached_bands(model))
    kwargs: dict[str, Any] = {"guess": guess} if guess > 0 else {}
    return solve_tc(problem, mu_mode=str(manifest["mu_mode"]), rtol=float(manifest["rtol"]), **kwargs)
