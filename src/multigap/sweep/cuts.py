"""η-cuts at fixed g (paper Figs. 6–7): Tc, T = 0 gaps, gap ratios, Δ_a/Δ_{a−1} and α along η.

One home for cuts: :func:`run_cut` runs on the same chunked, resumable, executor-agnostic engine
as maps and paths (:mod:`multigap.sweep.engine`), with the same failure policy and variables
(:mod:`multigap.sweep.points`).  Tc is solved at μ = μ₀ (``tc_mu_mode = "fixed"``, the
paper's convention); the gaps at T = 0 with the number equation (``mu_mode = "density"``,
default) or at μ = μ₀.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike, NDArray

from ..datasets import anisotropy_bands, with_pairing_overrides
from ..errors import InputError, ModelError
from ..model import Model
from ..problem import pairing_problem
from .assemble import common_attrs, scale_vars, sweep_variables, var
from .engine import (
    DEFAULT_RTOL,
    EngineResult,
    RunControl,
    base_manifest,
    check_options,
    describe,
    execute,
    grid,
    make_settings,
)
from .points import GAP_TEMPERATURE, PointSettings

if TYPE_CHECKING:
    from ..theories import PairingTheory, TcBound

__all__ = ["CUT_QUANTITIES", "MISSING_VALUES", "run_cut"]

#: What a cut computes per η unless told otherwise.
CUT_QUANTITIES = ("tc", "gaps", "alpha")

#: Chemical potential of the Tc search of a cut (the paper's convention: μ = μ₀).
CUT_TC_MU_MODE = "fixed"

#: What NaN means in cuts (stored as ``attrs["missing_values"]``).
MISSING_VALUES = (
    "NaN marks a value that is not defined, never a silent failure: where status is 'below_floor' "
    "(Tc under numerics.tc_floor, reported as tc = 0) the gap solve is skipped (gap_status "
    "'skipped') and gap, gap_min, gap_max, gap_ratio, mu_shift, anisotropy and alpha are NaN; "
    "where a solver raised, status, gap_status or alpha_status is 'failed' and the variable "
    "'message' holds why; anisotropy is also NaN where the lower gap is exactly 0.  A negative "
    "gap is an s+- state (a repulsive interband coupling), not an error"
)


def _active_g(model: Model) -> float:
    a = model.active_band - 1
    return float(model.pairing.g[a][a])


def _cut_dataset(
    settings: PointSettings,
    result: EngineResult,
    manifest: dict[str, Any],
    eta: NDArray,
    command: str,
    control: RunControl,
) -> xr.Dataset:
    """Arrays over η -> the labelled cut (``omega`` is one number: g and ω₀ are fixed)."""
    m = settings.model
    data = sweep_variables(settings, result.arrays, ("eta",), lambda flat: flat, skip=("omega",))
    omega = pairing_problem(m, float(eta[0]), bands=settings.bands).omega
    data["omega"] = var((), omega, "meV", "pairing cutoff omega~_0 (Migdal-softened)")
    data |= scale_vars(settings)
    a, g = m.active_band, _active_g(m)
    pair = anisotropy_bands(m)
    up, lo = pair if pair is not None else (0, 0)
    attrs = common_attrs(
        settings, result.arrays, manifest,
        title=f"Tc, gaps and isotope coefficient of model {m.name} against eta at g_{a}{a} = {g:.6g}",
        command=command, chunk_size=control.chunk_size, n_chunks=result.n_chunks,
        warm_start=control.warm_start,
    )  # fmt: skip
    attrs |= {
        "g": g,
        "mu_mode": settings.gap_mu_mode,  # as in version 0.1 cuts: the gap solve's mode
        "temperature_K": GAP_TEMPERATURE,
        "anisotropy_upper": up,
        "anisotropy_lower": lo,
        "missing_values": MISSING_VALUES,
    }
    coords = {
        "eta": var("eta", eta, "1", "Lifshitz parameter eta = (mu0 - E_L)/dE"),
        "band": var("band", np.arange(1, settings.n_bands + 1), "1", "subband index n (1-based)"),
    }
    return xr.Dataset(data, coords=coords, attrs=attrs)


def run_cut(
    model: Model,
    eta: ArrayLike,
    *,
    g: float | None = None,
    mu_mode: str = "density",
    interband: float | ArrayLike | None = None,
    omega0: float | None = None,
    n_nodes: int | None = None,
    theory: str | PairingTheory = "bcs",
    theory_options: dict[str, Any] | None = None,
    bound: str | TcBound | None = None,
    bound_options: dict[str, Any] | None = None,
    quantities: Sequence[str] = CUT_QUANTITIES,
    out: str | Path | None = None,
    executor: str | None = None,
    workers: int | None = None,
    scheduler: Any = None,
    chunk_size: int | None = None,
    rtol: float = DEFAULT_RTOL,
    warm_start: bool = True,
    progress: bool = False,
    overwrite: bool = False,
    command: str | None = None,
) -> xr.Dataset:
    """Tc, T = 0 gaps, gap ratios, Δ_a/Δ_{a−1} and the isotope coefficient along η at fixed g.

    The data of paper Figs. 6 and 7.  For each η one pairing problem is built and reused: Tc at
    μ = μ₀ (the theory's ``solve_tc``), α (``theory.isotope``), and the gaps at T = 0
    (``theory.solve_gaps`` started from that Tc).

    Parameters
    ----------
    model : Model
        The model.
    eta : array_like
        Lifshitz parameters η (dimensionless), 1-D.
    g : float, optional
        Active-band coupling g = g_aa (dimensionless); default the model's (1/4 for A, 1/3 for B).
    mu_mode : {"density", "fixed"}
        Chemical potential of the gap solve: from the number equation (default) or μ = μ₀.
    interband, omega0, n_nodes
        Pairing overrides (:func:`multigap.datasets.with_pairing_overrides`): interband
        coupling(s), ω₀ (meV), quadrature nodes per panel.  The stored model has them applied.
    theory, theory_options, bound, bound_options
        The pairing theory and an optional bound on Tc, by name (see :func:`run_map`).
    quantities : sequence of {"tc", "gaps", "alpha"}
        Default all three.
    out, overwrite, chunk_size, rtol, warm_start, command
        As for :func:`multigap.sweep.compute_map` (a cut with ``out`` is resumable too).
    executor : {"serial", "processes", "dask"}, optional
        Default ``"serial"`` (``"dask"`` with a ``scheduler``): cuts are short.
    workers, scheduler, progress
        As for :func:`multigap.sweep.compute_map`; ``progress`` is off by default.

    Returns
    -------
    xarray.Dataset
        Coordinates ``eta`` and ``band``; ``tc(eta)`` (K, 0 below the floor), ``status(eta)``
        (int8 Status codes), ``mu``, ``mu0`` (meV), ``iterations``, ``start_guess``; scalars
        ``omega``, ``E_L``, ``dE`` (meV); with gaps ``gap``, ``gap_min``, ``gap_max`` (band,
        eta; meV), ``gap_ratio`` (2Δ_n/k_BTc), ``has_fermi_surface``, ``mu_shift``,
        ``anisotropy`` (Δ_a/Δ_{a−1}, the paper's Δ₃/Δ₂), ``gap_status``; with alpha ``alpha``
        and ``alpha_status``; ``message`` (why a stage failed).  A negative gap means an s±
        state (repulsive interband coupling).  Attributes as for maps plus ``g``, ``mu_mode``
        (of the gaps), ``anisotropy_upper``/``_lower``, ``missing_values``.

    Raises
    ------
    InputError
        For an empty or non-finite η, an unknown ``mu_mode`` or theory, an invalid override.

    Examples
    --------
    >>> from multigap import preset
    >>> cut = run_cut(preset("A"), [1.0], g=0.4, quantities=("tc",))
    >>> round(float(cut["tc"][0]))
    251
    """
    control, quants = check_options(
        model=model, mu_mode=mu_mode, rtol=rtol, chunk_size=chunk_size, quantities=quantities,
        executor=executor, scheduler=scheduler, workers=workers, warm_start=warm_start,
        progress=progress, overwrite=overwrite, default_executor="serial",
    )  # fmt: skip
    eta_arr = grid("eta", eta, distinct=False)
    try:
        m = with_pairing_overrides(model, g=g, interband=interband, omega0=omega0, n_nodes=n_nodes)
    except (ModelError, TypeError, ValueError) as exc:
        raise InputError(f"pairing overrides: {exc}") from None
    settings = make_settings(
        m, theory=theory, theory_options=theory_options, bound=bound, bound_options=bound_options,
        quantities=quants, mu_mode=CUT_TC_MU_MODE, gap_mu_mode=mu_mode, rtol=rtol,
    )  # fmt: skip
    manifest = {
        **base_manifest(settings, control, kind="cut"),
        "eta": eta_arr.tolist(),
    }
    if command is None:
        command = (
            f"multigap.sweep.run_cut(model={m.name!r}, eta={describe(eta_arr)}, g={_active_g(m)!r}, "
            f"mu_mode={mu_mode!r}, theory={settings.theory.name!r})"
        )
    final_command = command

    def build(result: EngineResult) -> xr.Dataset:
        return _cut_dataset(settings, result, manifest, eta_arr, final_command, control)

    g_arr = np.full(eta_arr.size, _active_g(m))
    return execute(
        settings, eta_arr, g_arr, None, np.zeros(eta_arr.size, dtype=np.int64),
        manifest=manifest, build=build, out=out, control=control,
        desc=f"eta cut {m.name}, g = {_active_g(m):.4g}",
    ).dataset  # fmt: skip
