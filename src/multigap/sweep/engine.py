"""The sweep engine: a chunked, resumable, executor-agnostic run over a flat list of points.

Maps, cuts and paths all reduce to the same thing: a flat list of points (η, g[, ω₀]) with a
*row* label each, solved (:mod:`multigap.sweep.points`) in fixed-size chunks.

* Chunk k holds points ``k*chunk_size … (k+1)*chunk_size - 1`` of the list.
* Inside a chunk the points are solved level by level (:func:`warm_start_levels`): every
  :data:`WARM_STRIDE`-th point of a row cold, the others from ln Tc interpolated between solved
  neighbours of the same row (:func:`interpolated_guess`); the points of a level are solved
  together (:func:`~multigap.sweep.points.solve_points`, ``theory.solve_tc_many``).  Across
  chunks and rows nothing is shared.  The start of every point is stored (``start_guess``),
  and a point gives the same bits alone as in its level, so the numbers are identical whatever
  the executor and the number of workers, and any point can be recomputed alone from the
  stored file.
* With a parts folder (``out`` given), each finished chunk is written at once, self-identifying
  and checksummed (:mod:`multigap.sweep.store`); running the same computation again loads the
  chunks that verify and computes only the others.

The engine never looks at the theory: it ships :class:`~multigap.sweep.points.PointSettings`
to the workers and stores whatever :func:`~multigap.sweep.points.schema` says.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import math
import os
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .. import __version__
from ..errors import InputError, ModelError
from ..io import read_dataset, write_dataset
from ..model import dumps_model
from ..problem import MU_MODES
from ..status import Status
from ..theories import theory_attrs
from .assemble import MANIFEST_ATTR, MANIFEST_FORMAT, SweepRun
from .executors import EXECUTORS, n_workers, resolve_executor
from .points import DEFAULT_RTOL, QUANTITIES, PointSettings, schema, solve_points
from .store import ChunkStore, manifest_differences, parts_folder

if TYPE_CHECKING:  # not at run time: sweep workers import this module (solve_chunk) without xarray
    import xarray as xr

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_RTOL",
    "Chunk",
    "EngineResult",
    "RunControl",
    "base_manifest",
    "execute",
    "run_engine",
    "interpolated_guess",
    "solve_chunk",
    "warm_start_levels",
]

#: Points per chunk when ``chunk_size`` is not given (≈ 0.1–0.3 s of Tc work per chunk: the
#: points of a chunk share their Newton rounds, so larger chunks cost less per point).
DEFAULT_CHUNK_SIZE = 256

#: Largest accepted relative tolerance (a looser one is not a Tc).
MAX_RTOL = 1e-2


@dataclass(frozen=True)
class Chunk:
    """The work of one chunk: points ``start … stop - 1`` of the flat list."""

    index: int
    settings: PointSettings
    warm_start: bool
    eta: NDArray[np.float64]
    g: NDArray[np.float64]
    omega0: NDArray[np.float64] | None
    row: NDArray[np.int64]  # warm starts never cross rows


#: Warm-start stride inside one row of a chunk (a power of 2): see :func:`warm_start_levels`.
WARM_STRIDE = 4


def warm_start_levels(row: NDArray, warm_start: bool = True) -> NDArray[np.int64]:
    """The level of each point of a chunk: points of one level are solved together.

    Within each run of consecutive points of one row (positions j = 0 … m−1), level 0 — every
    :data:`WARM_STRIDE`-th point from the first — starts cold; the others are filled in by
    bisection (j = 2, 6, … at level 1, the odd j at level 2), each starting from ln Tc
    interpolated between the solved points either side, or from the nearest one after the
    run's last cold point (:func:`interpolated_guess`).  Without warm starts every point is
    at level 0.

    Examples
    --------
    >>> warm_start_levels(np.array([0, 0, 0, 0, 0, 0, 1, 1])).tolist()
    [0, 2, 1, 2, 0, 2, 0, 2]
    """
    levels = np.zeros(row.size, dtype=np.int64)
    if not warm_start:
        return levels
    depth = WARM_STRIDE.bit_length() - 1
    bounds = np.flatnonzero(np.diff(row)) + 1
    for run in np.split(np.arange(row.size), bounds):
        for j in range(1, run.size):
            if j % WARM_STRIDE:
                levels[run[j]] = depth - ((j & -j).bit_length() - 1)  # depth − trailing zeros of j
    return levels


def interpolated_guess(position: int, known: dict[int, float]) -> float | None:
    """A warm start at ``position`` from solved neighbours {position: Tc > 0 (K)} of its run.

    Lagrange interpolation of ln Tc in the position over the nearest one or two solved points
    on each side (cubic with two each side, linear with one); from one side only, the
    nearest value; None (a cold start) without neighbours.
    """
    order = sorted(known)
    cut = bisect.bisect_left(order, position)
    left = order[max(cut - 2, 0) : cut][::-1]
    right = [j for j in order[cut : cut + 3] if j > position][:2]
    if not left and not right:
        return None
    if not left or not right:
        return known[(left or right)[0]]
    nodes = left + right
    log_tc = 0.0
    for j in nodes:
        basis = 1.0
        for k in nodes:
            if k != j:
                basis *= (position - k) / (j - k)
        log_tc += basis * math.log(known[j])
    return math.exp(log_tc)


def solve_chunk(chunk: Chunk) -> dict[str, NDArray]:
    """Solve the points of one chunk (module level: it runs in worker processes).

    Points are solved level by level (:func:`warm_start_levels`); the points of a level go
    to :func:`~multigap.sweep.points.solve_points` together, so a theory whose
    ``solve_tc_many`` shares work between points (BCS does) pays the per-evaluation overhead
    once per level instead of once per point.  A point's record is what
    :func:`~multigap.sweep.points.solve_point` gives it with its ``start_guess``.
    """
    settings = chunk.settings
    variables = schema(settings)
    n = chunk.eta.size
    out = {var.name: var.empty(n, settings.n_bands) for var in variables}
    levels = warm_start_levels(chunk.row, chunk.warm_start)
    run_of = np.concatenate([[0], np.cumsum(np.diff(chunk.row) != 0)])
    start_of_run = {int(r): int(np.flatnonzero(run_of == r)[0]) for r in np.unique(run_of)}
    solved: dict[int, dict[int, float]] = {int(r): {} for r in np.unique(run_of)}  # run -> {pos: Tc}
    for level in range(int(levels.max()) + 1 if n else 0):
        members = np.flatnonzero(levels == level).tolist()
        guesses = []
        for i in members:
            r = int(run_of[i])
            guesses.append(None if level == 0 else interpolated_guess(i - start_of_run[r], solved[r]))
        omega0 = [None if chunk.omega0 is None else float(chunk.omega0[i]) for i in members]
        records = solve_points(
            settings, chunk.eta[members].tolist(), chunk.g[members].tolist(), omega0, guesses
        )
        for i, values in zip(members, records, strict=True):
            for name, value in values.items():
                out[name][i] = value
            tc = float(values.get("tc_mf", values["tc"]))
            if values["status"] == Status.CONVERGED.code and tc > 0:
                r = int(run_of[i])
                solved[r][i - start_of_run[r]] = tc
    for var in variables:
        if var.dtype == "U":
            out[var.name] = out[var.name].astype(str)
    return out


@dataclass(frozen=True)
class RunControl:
    """How a sweep runs, checked once by :func:`check_options` and handed down unchanged.

    ``chunk_size`` and ``warm_start`` are part of the computation's identity (recorded in the
    manifest); the others only say where the chunks run, whether a progress bar shows and
    whether an ``out`` of another computation may be replaced.
    """

    executor: str
    chunk_size: int
    warm_start: bool
    workers: int | None
    scheduler: Any
    progress: bool
    overwrite: bool


@dataclass(frozen=True)
class EngineResult:
    """Arrays over the flat point list and how they were obtained."""

    arrays: dict[str, NDArray]
    n_chunks: int
    computed: int
    reused: int
    rejected: int
    executor: str


def require_model(model: Any) -> None:
    """Refuse anything but a :class:`~multigap.model.Model` (the one check of every runner)."""
    from ..model import Model

    if not isinstance(model, Model):
        raise InputError(f"model = {model!r}: must be a multigap Model (e.g. multigap.preset('A'))")


def check_g(model: Any, values: Iterable[float], label: str = "g") -> None:
    """Refuse a coupling g = g_aa the model cannot take (each value through ``model.with_g``)."""
    for value in values:
        try:
            model.with_g(value)
        except ModelError as exc:
            raise InputError(f"{label} = {value!r}: {exc}") from None


def check_options(
    *,
    model: Any,
    mu_mode: str,
    rtol: float,
    chunk_size: int | None,
    quantities: Sequence[str],
    executor: str | None,
    scheduler: Any,
    workers: int | None,
    warm_start: bool,
    progress: bool,
    overwrite: bool,
    default_executor: str | None = None,
) -> tuple[RunControl, tuple[str, ...]]:
    """Validate the options shared by every runner; returns (how it runs, quantities in order).

    ``default_executor`` is the executor when neither ``executor`` nor ``scheduler`` is given
    (None: :func:`~multigap.sweep.executors.resolve_executor`'s default, ``"processes"``).
    """
    if mu_mode not in MU_MODES:
        raise InputError(f"mu_mode = {mu_mode!r}: must be one of {', '.join(MU_MODES)}")
    if isinstance(rtol, bool) or not (isinstance(rtol, float | int) and 0 < rtol < MAX_RTOL):
        raise InputError(f"rtol = {rtol!r}: must be a number in (0, {MAX_RTOL:g})")
    if executor is None and scheduler is None:
        executor = default_executor
    name = resolve_executor(executor, scheduler)
    if name != "serial":
        n_workers(workers)  # validate early
    size = DEFAULT_CHUNK_SIZE if chunk_size is None else chunk_size
    if isinstance(size, bool) or not isinstance(size, int | np.integer) or size < 1:
        raise InputError(f"chunk_size = {chunk_size!r}: must be a positive integer (points per chunk)")
    if isinstance(quantities, str):
        quantities = (quantities,)
    unknown = [q for q in quantities if q not in QUANTITIES]
    if unknown:
        raise InputError(f"quantities = {list(quantities)!r}: each must be one of {', '.join(QUANTITIES)}")
    ordered = tuple(q for q in QUANTITIES if q in quantities or q == "tc")
    require_model(model)
    control = RunControl(
        executor=name, chunk_size=int(size), warm_start=bool(warm_start), workers=workers,
        scheduler=scheduler, progress=progress, overwrite=overwrite,
    )  # fmt: skip
    return control, ordered


def check_theory(settings: PointSettings) -> None:
    """Refuse what the theory cannot do before any point runs."""
    theory, bound = settings.theory, settings.bound
    if "gaps" in settings.quantities and not theory.has_gaps:
        raise InputError(f"quantities: theory {theory.name!r} does not compute gaps; drop 'gaps'")
    if bound is not None:
        bound.check(theory)


def _chunks(
    settings: PointSettings,
    eta: NDArray,
    g: NDArray,
    omega0: NDArray | None,
    row: NDArray,
    bounds: list[tuple[int, int]],
    todo: list[int],
    warm_start: bool,
) -> list[Chunk]:
    return [
        Chunk(
            index=k,
            settings=settings,
            warm_start=warm_start,
            eta=eta[bounds[k][0] : bounds[k][1]],
            g=g[bounds[k][0] : bounds[k][1]],
            omega0=None if omega0 is None else omega0[bounds[k][0] : bounds[k][1]],
            row=row[bounds[k][0] : bounds[k][1]],
        )
        for k in todo
    ]


def run_engine(
    settings: PointSettings,
    eta: NDArray,
    g: NDArray,
    omega0: NDArray | None,
    row: NDArray,
    *,
    manifest: dict[str, Any],
    parts: Path | None,
    control: RunControl,
    desc: str,
) -> EngineResult:
    """Solve every point of a flat list, chunk by chunk, reusing verified chunks under ``parts``.

    Parameters
    ----------
    settings : PointSettings
        What every point computes.
    eta, g : ndarray
        η and g of each point (1-D, equal length).
    omega0 : ndarray or None
        ω₀ of each point (meV), or None for the model's.
    row : ndarray of int
        Row label of each point; warm starts run only between consecutive points of one row.
    manifest : dict
        The computation's identity (written to the parts folder and into every chunk).
    parts : Path or None
        Parts folder for resuming; None: nothing is written.
    control : RunControl
        Chunk size, warm starts, executor, workers, scheduler, progress bar, overwrite (as
        for :func:`multigap.sweep.run_map`).
    desc : str
        Label of the progress bar.

    Returns
    -------
    EngineResult
        Arrays over the flat list (one per variable of :func:`~multigap.sweep.points.schema`).
    """
    n_points, chunk_size, executor = eta.size, control.chunk_size, control.executor
    n_chunks = max(1, math.ceil(n_points / chunk_size))
    bounds = [(k * chunk_size, min((k + 1) * chunk_size, n_points)) for k in range(n_chunks)]
    results: dict[int, dict[str, NDArray]] = {}
    with contextlib.ExitStack() as stack:
        store = (
            None
            if parts is None
            else stack.enter_context(ChunkStore(parts, manifest, overwrite=control.overwrite))
        )
        if store is not None:
            for k, b in enumerate(bounds):
                loaded = store.load(k, b)
                if loaded is not None:
                    results[k] = loaded
        reused = len(results)
        todo = [k for k in range(n_chunks) if k not in results]
        tasks = _chunks(settings, eta, g, omega0, row, bounds, todo, control.warm_start)
        from tqdm.auto import tqdm

        bar = stack.enter_context(
            tqdm(total=n_chunks, initial=reused, unit="chunk", desc=desc, disable=not control.progress)
        )
        failed = 0
        stream = EXECUTORS[executor](solve_chunk, tasks, workers=control.workers, scheduler=control.scheduler)
        with contextlib.closing(stream):
            for position, arrays in stream:
                k = todo[position]
                if store is not None:
                    store.save(k, bounds[k], arrays)
                results[k] = arrays
                failed += int(np.count_nonzero(arrays["status"] == Status.FAILED.code))
                bar.update(1)
                if failed:
                    bar.set_postfix(failed=failed)
        rejected = 0 if store is None else store.rejected
    names = [var.name for var in schema(settings)]
    flat = {name: np.concatenate([results[k][name] for k in range(n_chunks)]) for name in names}
    return EngineResult(flat, n_chunks, len(todo), reused, rejected, executor)


def base_manifest(settings: PointSettings, control: RunControl, *, kind: str) -> dict[str, Any]:
    """The part of a computation's identity common to maps, cuts and paths (JSON-ready).

    Everything that determines the numbers and nothing that does not: the resolved model, the
    theory and bound with their options, the quantities, μ modes, tolerance, chunking and the
    package version.  Runners add their points.
    """
    return {
        "format": MANIFEST_FORMAT,
        "kind": kind,
        "multigap_version": __version__,
        "model_toml": dumps_model(settings.model),
        **theory_attrs(settings.theory, settings.bound),
        "quantities": list(settings.quantities),
        "mu_mode": settings.mu_mode,
        "gap_mu_mode": settings.gap_mu_mode,
        "rtol": float(settings.rtol),
        "chunk_size": control.chunk_size,
        "warm_start": control.warm_start,
    }


def _json_roundtrip(obj: Any) -> Any:
    return json.loads(json.dumps(obj, sort_keys=True))


def _complete_out(path: Path, manifest: dict[str, Any], overwrite: bool) -> xr.Dataset | None:
    """The dataset at ``path`` if it is this computation, finished; else None (or refuse)."""
    old_ds: xr.Dataset | None = None
    old_manifest = None
    with contextlib.suppress(InputError, ValueError, OSError):
        old_ds = read_dataset(path)
        old_manifest = json.loads(str(old_ds.attrs.get(MANIFEST_ATTR, "null")))
    diff = manifest_differences(old_manifest, manifest)
    if not diff and old_ds is not None:
        return old_ds
    if not overwrite:
        raise InputError(
            f"out = {str(path)!r}: exists and holds a different result (differs in: {', '.join(diff)}); "
            "pass overwrite=True to replace it, or choose another out"
        )
    path.unlink()
    return None


def _write_final(ds: xr.Dataset, path: Path) -> None:
    """Write the finished dataset atomically (temporary name in the same folder, then rename)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp.nc")
    try:
        write_dataset(ds, tmp)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def open_output(
    settings: PointSettings,
    manifest: dict[str, Any],
    out: str | Path | None,
    control: RunControl,
    t0: float,
) -> tuple[dict[str, Any], Path | None, Path | None, SweepRun | None]:
    """The start every sweep shares (plain or adaptive): check the theory, resolve ``out``.

    Returns the manifest in its JSON form, the output file and its parts folder (None without
    ``out``), and the finished run when ``out`` already holds this computation (then nothing
    is computed; parts left by a run killed after writing ``out`` are removed, under their
    lock).  Temporary files of a killed final write are removed.
    """
    check_theory(settings)
    manifest = _json_roundtrip(manifest)
    path = None if out is None else Path(out).expanduser()
    parts = None if path is None else parts_folder(path)
    if path is not None and path.is_dir():
        raise InputError(f"out = {str(path)!r}: is a folder; give a file name such as map.nc")
    if path is not None and parts is not None and path.exists():
        done = _complete_out(path, manifest, control.overwrite)
        if done is not None:
            n_chunks = int(done.attrs.get("n_chunks", 1))
            if parts.is_dir():  # left by a run killed between writing out and cleaning up
                with contextlib.suppress(InputError), ChunkStore(parts, manifest):
                    shutil.rmtree(parts, ignore_errors=True)
            n_failed, elapsed = int(done.attrs.get("n_failed", 0)), time.perf_counter() - t0
            finished = SweepRun(done, path, n_chunks, 0, n_chunks, n_failed, elapsed, control.executor)
            return manifest, path, parts, finished
    if path is not None:
        for f in path.parent.glob(f".{path.name}.*.tmp.nc"):  # a final write that was killed
            f.unlink()
    return manifest, path, parts, None


def close_output(ds: xr.Dataset, path: Path | None, parts: Path | None) -> None:
    """The end every sweep shares: write ``ds`` to ``path`` atomically, remove the parts."""
    if path is not None:
        _write_final(ds, path)
    if parts is not None:
        shutil.rmtree(parts, ignore_errors=True)


def execute(
    settings: PointSettings,
    eta: NDArray,
    g: NDArray,
    omega0: NDArray | None,
    row: NDArray,
    *,
    manifest: dict[str, Any],
    build: Callable[[EngineResult], xr.Dataset],
    out: str | Path | None,
    control: RunControl,
    desc: str,
) -> SweepRun:
    """Run a sweep end to end: reuse a finished ``out``, resume from its parts, write it.

    ``build`` turns the engine's flat arrays into the labelled Dataset.  Parameters as for
    :func:`run_engine`; ``out`` is the NetCDF4 file (its parts folder is ``<out>.parts``).
    """
    t0 = time.perf_counter()
    manifest, path, parts, done = open_output(settings, manifest, out, control, t0)
    if done is not None:
        return done
    result = run_engine(
        settings, eta, g, omega0, row, manifest=manifest, parts=parts, control=control, desc=desc
    )
    ds = build(result)
    close_output(ds, path, parts)
    return SweepRun(
        ds, path, result.n_chunks, result.computed, result.reused, int(ds.attrs["n_failed"]),
        time.perf_counter() - t0, result.executor, result.rejected,
    )  # fmt: skip


def make_settings(
    model: Any,
    *,
    theory: Any,
    theory_options: dict[str, Any] | None,
    bound: Any,
    bound_options: dict[str, Any] | None,
    quantities: tuple[str, ...],
    mu_mode: str,
    gap_mu_mode: str,
    rtol: float,
) -> PointSettings:
    """Resolve the theory and bound by name (with options) and the band structure, once."""
    from ..problem import cached_bands
    from ..theories import get_bound, get_theory

    require_model(model)
    if gap_mu_mode not in MU_MODES:
        raise InputError(f"mu_mode = {gap_mu_mode!r}: must be one of {', '.join(MU_MODES)}")
    return PointSettings(
        model=model,
        bands=cached_bands(model),
        theory=get_theory(theory, **(theory_options or {})),
        bound=get_bound(bound, **(bound_options or {})),
        quantities=quantities,
        mu_mode=mu_mode,
        gap_mu_mode=gap_mu_mode,
        rtol=float(rtol),
    )


def grid(name: str, values: Any, *, distinct: bool = True) -> NDArray[np.float64]:
    """A non-empty, finite 1-D float array (distinct values for grid axes)."""
    try:
        arr = np.atleast_1d(np.asarray(values, dtype=float))
    except (TypeError, ValueError, OverflowError):  # OverflowError: an int beyond the float range
        raise InputError(f"{name} = {values!r}: must be a non-empty 1-D sequence of numbers") from None
    if arr.ndim != 1 or arr.size == 0:
        raise InputError(f"{name} = {values!r}: must be a non-empty 1-D sequence of numbers")
    if not np.all(np.isfinite(arr)):
        raise InputError(f"{name}: contains non-finite values ({arr[~np.isfinite(arr)][:3].tolist()})")
    if distinct and np.unique(arr).size != arr.size:
        raise InputError(f"{name}: contains repeated values; every grid value must be distinct")
    return arr


def describe(arr: NDArray | None) -> str:
    """A short description of an array for recorded commands."""
    if arr is None:
        return "None"
    if arr.size == 1:
        return f"[{arr[0]!r}]"
    return f"<{arr.size} values in [{arr.min():g}, {arr.max():g}]>"
