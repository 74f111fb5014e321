"""Tc(η, g[, ω₀]) maps on the sweep engine, and recomputing one stored point.

A map is the outer product of a grid of Lifshitz parameters η, active-band couplings g = g_aa
and optionally bare phonon energies ω₀ (meV).  Its points are numbered with η fastest, then g,
then ω₀; one (g, ω₀) row is a row of warm starts.  See :mod:`multigap.sweep.engine` for
chunking and resuming, :mod:`multigap.sweep.points` for the variables.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike, NDArray

from ..errors import InputError, ModelError
from ..io import model_from_dataset, read_dataset
from ..model import Model
from ..problem import cached_bands, pairing_problem
from ..theories import get_theory
from .adaptive import DEFAULT_TOL, execute_adaptive
from .assemble import MANIFEST_ATTR, SweepRun, common_attrs, scale_vars, sweep_variables, var
from .engine import (
    DEFAULT_RTOL,
    EngineResult,
    RunControl,
    base_manifest,
    check_g,
    check_options,
    describe,
    execute,
    grid,
    make_settings,
)
from .points import COLD_START, PointSettings

if TYPE_CHECKING:
    from ..tc import TcResult
    from ..theories import PairingTheory, TcBound

__all__ = ["GRID_ATOL", "GRID_RTOL", "compute_map", "recompute_point", "run_map"]

#: Relative tolerance with which :func:`recompute_point` recognises a grid value (a value read
#: back from text or recomputed by ``np.linspace`` may differ from the stored one by a few ulp).
GRID_RTOL = 1e-9
#: Absolute tolerance of the same match (for grid values at or near 0).
GRID_ATOL = 1e-12


def _omega_axis(model: Model, omega0: float | ArrayLike | None) -> tuple[Model, NDArray | None]:
    """A fixed ω₀ is folded into the model (its TOML then says so); an array is a third axis."""
    if omega0 is None:
        return model, None
    w_in = np.asarray(omega0, dtype=float)
    if w_in.ndim == 0:
        try:
            return dataclasses.replace(
                model, pairing=dataclasses.replace(model.pairing, omega0=float(w_in))
            ), None
        except ModelError as exc:
            raise InputError(f"omega0 = {omega0!r}: {exc}") from None
    w_arr = grid("omega0", w_in)
    if np.any(w_arr <= 0):
        raise InputError(f"omega0: every value must be > 0 meV (got {float(w_arr.min())!r})")
    return model, w_arr


def _map_dataset(
    settings: PointSettings,
    result: EngineResult,
    manifest: dict[str, Any],
    shape: tuple[int, int, int],
    command: str,
    control: RunControl,
) -> xr.Dataset:
    """Arrays over the flat grid (η fastest, then g, then ω₀) -> the labelled map."""
    has_w = manifest["omega0"] is not None
    dims: tuple[str, ...] = ("eta", "g", "omega0") if has_w else ("eta", "g")

    def layout(flat: NDArray) -> NDArray:
        cube = flat.reshape(shape + flat.shape[1:])
        cube = np.moveaxis(cube, (0, 1, 2), (2, 1, 0))  # (ω₀, g, η, …) -> (η, g, ω₀, …)
        return cube if has_w else cube[:, :, 0]

    a = settings.model.active_band
    coords = {
        "eta": var(
            ("eta",), np.asarray(manifest["eta"]), "1", f"Lifshitz parameter eta = (mu0 - E_L)/dE of band {a}"
        ),
        "g": var(
            ("g",), np.asarray(manifest["g"]), "1", f"intraband coupling g = g_{a}{a} of the active band {a}"
        ),
    }
    if has_w:
        coords["omega0"] = var(
            ("omega0",), np.asarray(manifest["omega0"]), "meV", "bare phonon energy omega0"
        )
    if "gaps" in settings.quantities:
        coords["band"] = var("band", np.arange(1, settings.n_bands + 1), "1", "subband index n (1-based)")
    data = {**sweep_variables(settings, result.arrays, dims, layout), **scale_vars(settings)}
    attrs = common_attrs(
        settings, result.arrays, manifest, title=f"Tc(eta, g) map of model {settings.model.name}",
        command=command, chunk_size=control.chunk_size, n_chunks=result.n_chunks,
        warm_start=control.warm_start,
    )  # fmt: skip
    attrs["chunking"] = (
        "grid points numbered with eta fastest, then g" + (", then omega0" if has_w else "")
        + "; chunk k = points k*chunk_size ... (k+1)*chunk_size-1; in each run of one chunk and one (g"
        + (", omega0" if has_w else "") + ") row every 4th point starts cold, the others from ln Tc "
        "interpolated between solved neighbours (start_guess)"
    )  # fmt: skip
    return xr.Dataset(data, coords=coords, attrs=attrs)


def run_map(
    model: Model,
    eta: ArrayLike,
    g: ArrayLike,
    *,
    omega0: float | ArrayLike | None = None,
    mu_mode: str = "fixed",
    theory: str | PairingTheory = "bcs",
    theory_options: dict[str, Any] | None = None,
    bound: str | TcBound | None = None,
    bound_options: dict[str, Any] | None = None,
    quantities: Sequence[str] = ("tc",),
    gap_mu_mode: str = "density",
    out: str | Path | None = None,
    executor: str | None = None,
    workers: int | None = None,
    scheduler: Any = None,
    chunk_size: int | None = None,
    rtol: float = DEFAULT_RTOL,
    warm_start: bool = True,
    progress: bool = True,
    overwrite: bool = False,
    command: str | None = None,
    adaptive: bool = False,
    levels: int = 3,
    adaptive_tol: float = DEFAULT_TOL,
) -> SweepRun:
    """Compute a Tc(η, g) map and report how (:func:`compute_map` returns only the Dataset).

    Parameters
    ----------
    model : Model
        The model; its band structure is computed once here and shipped to the workers.
    eta : array_like, 1-D
        Lifshitz parameters η = (μ₀ − E_L)/ΔE (dimensionless), distinct values.
    g : array_like, 1-D
        Active-band couplings g = g_aa (dimensionless), distinct, each < 0.5 with softening.
    omega0 : float or array_like, optional
        Bare phonon energy ω₀ in meV: a number replaces the model's ω₀ (and is written into
        the stored model), a 1-D array adds a third dimension ``omega0``.
    mu_mode : {"fixed", "density"}
        Chemical potential at Tc: μ = μ₀, or the normal-state density of μ₀ kept.
    theory, theory_options : str or PairingTheory, dict
        The pairing theory by name (:func:`multigap.theories.get_theory`; default ``"bcs"``).
    bound, bound_options : str or TcBound, dict
        A bound on Tc by name (:func:`multigap.theories.get_bound`); then ``tc`` is the
        bounded Tc and ``tc_mf``, ``tc_bound`` are stored too.
    quantities : sequence of {"tc", "gaps", "alpha"}
        What each point computes (default ``("tc",)``); ``gaps`` adds a ``band`` dimension.
    gap_mu_mode : {"density", "fixed"}
        Chemical potential of the gap solve (with ``"gaps"``).
    out : str or Path, optional
        NetCDF4 file to write.  Finished chunks go to ``<out>.parts/`` as they finish (each
        with its identity and checksum); the same call again resumes from the chunks that
        verify (and returns ``out`` at once if it is complete).
    executor : {"processes", "serial", "dask"}, optional
        Where chunks run; default ``"processes"``, or ``"dask"`` when ``scheduler`` is given.
        Results are identical, bit for bit, for every executor and number of workers.
    workers : int, optional
        Worker processes (``processes`` and a Dask LocalCluster); default all cores.
    scheduler : str or dask.distributed.Client, optional
        For ``executor="dask"``: ``"local"``, ``"tcp://HOST:PORT"`` or a Client.
    chunk_size : int, optional
        Points per chunk (default :data:`~multigap.sweep.DEFAULT_CHUNK_SIZE`).  Part of the
        computation's identity: warm starts run inside a chunk.
    rtol : float
        Relative tolerance of every Tc.
    warm_start : bool
        Start the Tc searches from ln Tc interpolated between solved neighbours of the same
        chunk and row (every 4th point cold; see :func:`multigap.sweep.engine.warm_start_levels`).
    progress : bool
        A tqdm progress bar over chunks (stderr).
    overwrite : bool
        Replace an ``out`` (or ``<out>.parts``) made by a different computation.
    command : str, optional
        The command line to record in ``attrs["command"]``.
    adaptive : bool
        Compute the grid adaptively (:mod:`multigap.sweep.adaptive`): every
        2^(levels−1)-th point first, then refine cells level by level where the corners'
        statuses differ, at the dome's top, and where linear interpolation would be off by
        more than ``adaptive_tol``.  The map is stored on the full grid; points not computed
        carry status ``interpolated`` and the interpolated ``tc`` (never drawn or counted as
        computed).  Resumable and identical across executors like any map; not with an
        ``omega0`` axis.
    levels : int
        Refinement levels of an adaptive map (1: the plain grid).
    adaptive_tol : float
        Largest estimated interpolation error (K) of a cell left unrefined.

    Returns
    -------
    SweepRun
        The Dataset (see :func:`compute_map`) plus the chunks computed, reused and rejected by
        this call.

    Examples
    --------
    >>> from multigap import preset
    >>> run = run_map(preset("A"), [0.5, 1.0], [0.3], executor="serial", progress=False)
    >>> run.chunks_computed, run.dataset["tc"].dims
    (1, ('eta', 'g'))
    """
    control, quants = check_options(
        model=model, mu_mode=mu_mode, rtol=rtol, chunk_size=chunk_size, quantities=quantities,
        executor=executor, scheduler=scheduler, workers=workers, warm_start=warm_start,
        progress=progress, overwrite=overwrite,
    )  # fmt: skip
    eta_arr, g_arr = grid("eta", eta), grid("g", g)
    model, w_arr = _omega_axis(model, omega0)
    check_g(model, g_arr.tolist())
    settings = make_settings(
        model, theory=theory, theory_options=theory_options, bound=bound, bound_options=bound_options,
        quantities=quants, mu_mode=mu_mode, gap_mu_mode=gap_mu_mode, rtol=rtol,
    )  # fmt: skip
    manifest = {
        **base_manifest(settings, control, kind="map"),
        "eta": eta_arr.tolist(),
        "g": g_arr.tolist(),
        "omega0": None if w_arr is None else w_arr.tolist(),
    }
    if command is None:
        command = (
            f"multigap.sweep.compute_map(model={model.name!r}, eta={describe(eta_arr)}, "
            f"g={describe(g_arr)}, omega0={describe(w_arr)}, mu_mode={mu_mode!r}, "
            f"theory={settings.theory.name!r}, rtol={float(rtol)!r}, chunk_size={control.chunk_size})"
        )
    shape = (1 if w_arr is None else w_arr.size, g_arr.size, eta_arr.size)
    iw, ig, ie = np.unravel_index(np.arange(int(np.prod(shape))), shape)
    row = np.ravel_multi_index((iw, ig), shape[:2])
    final_command = command

    def build(result: EngineResult) -> xr.Dataset:
        return _map_dataset(settings, result, manifest, shape, final_command, control)

    if adaptive:
        if w_arr is not None:
            raise InputError("adaptive = True: not with an omega0 axis (give one omega0, or none)")
        if isinstance(levels, bool) or not isinstance(levels, int | np.integer) or not 1 <= levels <= 12:
            raise InputError(f"levels = {levels!r}: must be an integer from 1 to 12")
        if isinstance(adaptive_tol, bool) or not (
            isinstance(adaptive_tol, float | int) and math.isfinite(adaptive_tol) and adaptive_tol > 0
        ):
            raise InputError(f"adaptive_tol = {adaptive_tol!r}: must be a positive number (K)")
        manifest["adaptive"] = {"levels": int(levels), "tol": float(adaptive_tol)}
        return execute_adaptive(
            settings, eta_arr, g_arr, levels=int(levels), tol=float(adaptive_tol), manifest=manifest,
            build=build, out=out, control=control,
            desc=f"adaptive Tc map {model.name} ({eta_arr.size * g_arr.size} points)",
        )  # fmt: skip

    return execute(
        settings, eta_arr[ie], g_arr[ig], None if w_arr is None else w_arr[iw], row,
        manifest=manifest, build=build, out=out, control=control,
        desc=f"Tc map {model.name} ({eta_arr.size * g_arr.size * shape[0]} points)",
    )  # fmt: skip


def compute_map(model: Model, eta: ArrayLike, g: ArrayLike, **options: Any) -> xr.Dataset:
    """Critical temperature on an (η, g) grid (paper Figs. 8–11), chunked and resumable.

    Parameters
    ----------
    model : Model
        The model; its band structure is computed once here and shipped to the workers.
    eta : array_like, 1-D
        Lifshitz parameters η = (μ₀ − E_L)/ΔE (dimensionless), distinct values.
    g : array_like, 1-D
        Active-band couplings g = g_aa (dimensionless), distinct, each < 0.5 with softening.
    **options
        Keyword arguments of :func:`run_map` (``omega0``, ``mu_mode``, ``theory``,
        ``theory_options``, ``bound``, ``bound_options``, ``quantities``, ``gap_mu_mode``,
        ``out``, ``executor``, ``workers``, ``scheduler``, ``chunk_size``, ``rtol``,
        ``warm_start``, ``progress``, ``overwrite``, ``command``).

    Returns
    -------
    xarray.Dataset
        Dimensions ``eta``, ``g`` (and ``omega0``, ``band``).  Variables ``tc`` (K; 0 below the
        floor, NaN when failed), ``status`` (int8 :class:`~multigap.status.Status` codes, CF
        ``flag_values``/``flag_meanings``), ``mu``, ``mu0``, ``omega`` (meV), ``iterations``,
        ``start_guess`` (K), each theory/bound diagnostic, ``message``, ``warning``; scalars
        ``E_L``, ``dE`` (meV).  Attributes: resolved ``model_toml``, ``theory``,
        ``theory_options``, ``bound``, μ modes, ``rtol``, chunking, ``command``, ``n_failed``,
        ``failure_messages``, ``sweep_manifest``.

    Raises
    ------
    InputError
        Invalid grids or options; an ``out`` holding a different map (without ``overwrite``);
        another run writing the same ``out``; no Dask scheduler at the address given.

    Examples
    --------
    >>> from multigap import preset
    >>> ds = compute_map(preset("A"), [0.5, 1.0], [0.3, 0.4], executor="serial", progress=False)
    >>> ds["tc"].shape, ds.attrs["theory"]
    ((2, 2), 'bcs')
    """
    return run_map(model, eta, g, **options).dataset


def _grid_index(ds: xr.Dataset, where: dict[str, float]) -> dict[str, int] | None:
    """Index of a grid point within :data:`GRID_RTOL`/:data:`GRID_ATOL`, or None off the grid."""
    index = {}
    for dim, value in where.items():
        hits = np.flatnonzero(np.isclose(ds[dim].values, value, rtol=GRID_RTOL, atol=GRID_ATOL))
        if hits.size != 1:
            return None
        index[dim] = int(hits[0])
    return index


def recompute_point(
    source: str | Path | xr.Dataset, eta: float, g: float, omega0: float | None = None
) -> TcResult:
    """Recompute one point of a stored map from the file's own metadata (model, theory, μ mode, rtol).

    Parameters
    ----------
    source : str, Path or xarray.Dataset
        A map written by :func:`compute_map` (or the Dataset it returned).
    eta : float
        Lifshitz parameter η (dimensionless).
    g : float
        Active-band coupling g = g_aa (dimensionless).
    omega0 : float, optional
        Bare phonon energy ω₀ (meV); required if the map has an ``omega0`` dimension.

    Returns
    -------
    TcResult
        The theory's (mean-field) Tc.  For a grid point (matched within :data:`GRID_RTOL`) the
        search starts from the stored ``start_guess``, so ``tc``, ``mu`` and ``iterations``
        equal the stored values exactly (for a map without a bound); off the grid it starts cold.

    Raises
    ------
    InputError
        If ``source`` is not a map made by this module, or ``omega0`` is missing / superfluous.

    Examples
    --------
    >>> from multigap import preset
    >>> ds = compute_map(preset("A"), [0.5, 1.0], [0.3], executor="serial", progress=False)
    >>> recompute_point(ds, 1.0, 0.3).tc == float(ds["tc"].sel(eta=1.0, g=0.3))
    True
    """
    ds = read_dataset(source) if isinstance(source, str | Path) else source
    try:
        manifest = json.loads(str(ds.attrs[MANIFEST_ATTR]))
        theory = get_theory(str(manifest["theory"]), **json.loads(str(manifest["theory_options"])))
    except (KeyError, ValueError, TypeError):
        raise InputError(
            f"source: not a Tc map from multigap.sweep (attrs {MANIFEST_ATTR!r} missing)"
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
    index = _grid_index(ds, where)
    guess = COLD_START
    if index is not None:  # the stored grid values, not the ones passed (they may differ by ulp)
        where = {dim: float(ds[dim].values[i]) for dim, i in index.items()}
        guess = float(ds["start_guess"].isel(index).values)
    problem = pairing_problem(
        model, where["eta"], g=where["g"], omega0=where.get("omega0"), bands=cached_bands(model)
    )
    return theory.solve_tc(
        problem,
        mu_mode=str(manifest["mu_mode"]),
        rtol=float(manifest["rtol"]),
        guess=guess if guess > COLD_START else None,
    )
