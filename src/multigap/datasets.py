"""Labelled results: Model -> :class:`xarray.Dataset` for every tabulated quantity.

This is the layer between the physics core (``bands``, ``dos``, ``overlap``, …) and the outside
world (``io``, ``figures``, ``cli``).  Each function computes one family of results for a model
and returns a Dataset in which

* every variable and coordinate has ``attrs["units"]`` and ``attrs["long_name"]``;
* ``ds.attrs["model_toml"]`` is the fully resolved model (:func:`multigap.model.dumps_model`),
  ``ds.attrs["model_name"]`` its name, ``ds.attrs["multigap_version"]`` the package version —
  so :func:`multigap.io.model_from_dataset` can rebuild the model and recompute the result.

Datasets comparing several models (:func:`cutoff_dataset`) have a ``model`` dimension and store
the models as ``model_toml_0``, ``model_toml_1``, … in the same order.

Pairing results (:func:`tc_point_dataset`, :func:`gaps_point_dataset`,
:func:`isotope_point_dataset`; η cuts are :func:`multigap.sweep.run_cut`) store the model
*with* the active coupling g and any overrides applied (:func:`with_pairing_overrides`), so the
stored model alone reproduces every number.
Values that are not defined (gaps where Tc is below the floor, α where Tc = 0) are NaN and the
reason is in a ``status`` variable; ``attrs["missing_values"]`` says which.

The core modules never import this one.  xarray is imported when a Dataset is built, not with
the module: sweep workers use :func:`anisotropy_bands` without it.  Units: nm, 1/nm, meV, K,
m_e (docs/theory.md#units).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from . import __version__
from .bands import KronigPenneyBands, band_structure, lifshitz_scale
from .errors import InputError
from .model import Model, dumps_model
from .problem import with_pairing_overrides  # its home (no xarray needed); re-exported
from .status import Status, status_flag_attrs

if TYPE_CHECKING:  # xarray itself is imported by the functions that build Datasets, so that
    # a sweep worker (which needs only anisotropy_bands, via multigap.sweep.points) never imports it
    import xarray as xr

    from .observables import GapSummary
    from .tc import TcResult

__all__ = [
    "DEFAULT_FERMI_ETAS",
    "anisotropy_bands",
    "bands_dataset",
    "cutoff_dataset",
    "dos_dataset",
    "eta_grid",
    "fermi_surface_dataset",
    "gaps_point_dataset",
    "isotope_point_dataset",
    "model_attrs",
    "overlap_dataset",
    "tc_point_dataset",
    "with_pairing_overrides",
]

#: The three Lifshitz parameters of the Fermi-surface panels of paper Fig. 3, chosen as its
#: caption describes them: η₁ just above the band edge (a small new pocket of the active band),
#: η₂ just below the neck opening (a large closed pocket) and η₃ > 1 (open, 1D-like surface).
DEFAULT_FERMI_ETAS: tuple[float, float, float] = (0.1, 0.9, 1.5)

UNIT_SYSTEM = "lengths nm, wave numbers 1/nm, energies meV, temperatures K, masses m_e"


def model_attrs(model: Model) -> dict[str, str | int]:
    """Dataset attributes that identify a single-model result (resolved TOML and version)."""
    return {
        "model_name": model.name,
        "model_toml": dumps_model(model),
        "active_band": int(model.active_band),
        "multigap_version": __version__,
        "unit_system": UNIT_SYSTEM,
    }


def _var(
    dims: str | tuple[str, ...], data: ArrayLike, units: str, long_name: str, **extra: str
) -> xr.Variable:
    import xarray as xr

    return xr.Variable(dims, np.asarray(data), attrs={"units": units, "long_name": long_name, **extra})


def _band_coord(n_bands: int) -> xr.Variable:
    return _var("band", np.arange(1, n_bands + 1), "1", "subband index n (1-based)")


def _scale_vars(bands: KronigPenneyBands, model: Model) -> dict[str, xr.Variable]:
    e_l, width = lifshitz_scale(bands, model.active_band)
    return {
        "E_L": _var((), e_l, "meV", f"band edge E_L = min_q E_{model.active_band}(q) of the active band"),
        "dE": _var((), width, "meV", f"transverse dispersion dE = max - min of E_{model.active_band}(q)"),
        "period": _var((), bands.period, "nm", "superlattice period d = sum of layer thicknesses"),
    }


def _as_1d(name: str, values: ArrayLike) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    if arr.ndim != 1 or arr.size == 0:
        raise InputError(f"{name} = {values!r}: must be a non-empty 1-D sequence of numbers")
    if not np.all(np.isfinite(arr)):
        raise InputError(f"{name}: contains non-finite values")
    return arr


def bands_dataset(model: Model, n_q: int = 201) -> xr.Dataset:
    """Exact subbands E_n(q) on a uniform grid of the first Brillouin zone.

    Parameters
    ----------
    model : Model
        The superlattice (and ``model.n_bands``, ``model.active_band``).
    n_q : int
        Number of q points, uniform on [−π/d, π/d] with both ends (>= 2).

    Returns
    -------
    xarray.Dataset
        Coordinates ``band`` (1 … n), ``q`` (1/nm), ``edge`` ("min", "max"); variables
        ``energy(band, q)`` (meV), ``band_edges(band, edge)`` (meV), scalars ``E_L`` and ``dE``
        (meV, active band) and ``period`` (nm).
    """
    import xarray as xr

    if isinstance(n_q, bool) or not isinstance(n_q, (int, np.integer)) or n_q < 2:
        raise InputError(f"n_q = {n_q!r}: must be an integer >= 2")
    bands = band_structure(model)
    q_max = np.pi / bands.period
    q = np.linspace(-q_max, q_max, int(n_q))
    ds = xr.Dataset(
        {
            "energy": _var(("band", "q"), bands.energies(q), "meV", "subband energy E_n(q)"),
            "band_edges": _var(("band", "edge"), bands.band_edges, "meV", "band minimum and maximum over q"),
            **_scale_vars(bands, model),
        },
        coords={
            "band": _band_coord(bands.n_bands),
            "q": _var("q", q, "1/nm", "Bloch wave number q = k_z in the first Brillouin zone"),
            "edge": _var("edge", np.array(["min", "max"]), "1", "band edge"),
        },
        attrs={**model_attrs(model), "title": f"Subbands E_n(q) of model {model.name}"},
    )
    return ds


def dos_dataset(model: Model, eta: ArrayLike) -> xr.Dataset:
    """Partial and total density of states (relative to N₀ = m_x/(2πħ²)) against η.

    Parameters
    ----------
    model : Model
        The model; its active band defines E_L, ΔE and η = (μ − E_L)/ΔE.
    eta : array_like
        Lifshitz parameters η (dimensionless), 1-D.

    Returns
    -------
    xarray.Dataset
        Coordinates ``eta``, ``band``; variables ``dos_partial(band, eta)`` and ``dos_total(eta)``
        (both N/N₀, dimensionless, per spin), ``energy(eta)`` = μ(η) (meV), scalars ``E_L``, ``dE``,
        ``period`` and ``E_neck`` (the η = 1 Lifshitz point, meV).  Exactly at a van Hove point
        (η = 1) ``dos_total`` is +inf.
    """
    import xarray as xr

    from . import dos

    eta = _as_1d("eta", eta)
    bands = band_structure(model)
    partial, total = dos.dos_vs_eta(bands, model.active_band, eta)
    mu = np.atleast_1d(dos.eta_to_mu(bands, model.active_band, eta))
    points = dos.lifshitz_points(bands, model.active_band)
    return xr.Dataset(
        {
            "dos_partial": _var(
                ("band", "eta"), partial, "1", "partial density of states N_n(mu)/N_0 per spin"
            ),
            "dos_total": _var(
                "eta", total, "1", "total density of states N(mu)/N_0 per spin (+inf at a van Hove point)"
            ),
            "energy": _var("eta", mu, "meV", "chemical potential mu = E_L + eta dE"),
            "E_neck": _var((), points["E_neck"], "meV", "neck-opening Lifshitz point E_L + dE (eta = 1)"),
            **_scale_vars(bands, model),
        },
        coords={
            "eta": _var("eta", eta, "1", "Lifshitz parameter eta = (mu - E_L)/dE"),
            "band": _band_coord(bands.n_bands),
        },
        attrs={
            **model_attrs(model),
            "title": f"Density of states of model {model.name} against the Lifshitz parameter",
        },
    )


def eta_grid(
    eta_min: float = -1.0, eta_max: float = 2.0, n_eta: int = 301, refine: bool = True
) -> np.ndarray:
    """A grid of Lifshitz parameters, optionally refined towards the Lifshitz points η = 0 and 1.

    The DOS jumps at η = 0 and diverges logarithmically at η = 1; a uniform grid shows the
    peak only as high as its spacing allows.  With ``refine`` the points η = 0, 1 ± 10^-k
    (k = 2 … 6) that fall inside [η_min, η_max] are added to the uniform grid.

    Parameters
    ----------
    eta_min, eta_max : float
        Range of η (dimensionless), ``eta_min < eta_max``.
    n_eta : int
        Points of the uniform part (>= 2).
    refine : bool
        Add the points near the Lifshitz points.

    Returns
    -------
    ndarray
        Sorted, unique η values.
    """
    if not (np.isfinite(eta_min) and np.isfinite(eta_max) and eta_min < eta_max):
        raise InputError(f"eta range [{eta_min!r}, {eta_max!r}]: need finite eta_min < eta_max")
    if isinstance(n_eta, bool) or not isinstance(n_eta, (int, np.integer)) or n_eta < 2:
        raise InputError(f"n_eta = {n_eta!r}: must be an integer >= 2")
    eta = np.linspace(eta_min, eta_max, int(n_eta))
    if refine:
        offsets = 10.0 ** -np.arange(2.0, 7.0)
        extra = np.concatenate([[0.0, 1.0], 1.0 - offsets, 1.0 + offsets, offsets, -offsets])
        eta = np.concatenate([eta, extra[(extra >= eta_min) & (extra <= eta_max)]])
    return np.unique(eta)


def fermi_surface_dataset(
    model: Model, etas: ArrayLike = DEFAULT_FERMI_ETAS, n_points: int = 200
) -> xr.Dataset:
    """Fermi-surface contours ε_n(k_x, q) = μ(η) in the (k_x, q) plane at a few η.

    Each contour segment (one connected piece of one band's Fermi surface, as returned by
    :func:`multigap.dos.fermi_surface`) is stored as a row padded with NaN to a common length.

    Parameters
    ----------
    model : Model
        The model.
    etas : array_like
        Lifshitz parameters η (dimensionless); default :data:`DEFAULT_FERMI_ETAS` = (0.1, 0.9, 1.5).
    n_points : int
        Points per contour segment requested from :func:`multigap.dos.fermi_surface`.

    Returns
    -------
    xarray.Dataset
        Coordinates ``eta``, ``segment``, ``point``; variables ``kx(eta, segment, point)`` and
        ``kz(eta, segment, point)`` (1/nm, NaN-padded), ``segment_band(eta, segment)`` (1-based
        band of each segment, 0 for padding), ``segment_closed(eta, segment)`` (1: closed pocket),
        ``energy(eta)`` = μ (meV), ``E_L``, ``dE``, ``period``.
    """
    import xarray as xr

    from . import dos

    etas = _as_1d("etas", etas)
    bands = band_structure(model)
    mu = np.atleast_1d(dos.eta_to_mu(bands, model.active_band, etas)).astype(float)
    per_eta = [dos.fermi_surface(bands, float(m), n_points=n_points) for m in mu]
    n_seg = max([len(s) for s in per_eta] + [1])
    n_pt = max([np.size(c.kx) for segs in per_eta for c in segs] + [1])
    kx = np.full((etas.size, n_seg, n_pt), np.nan)
    kz = np.full((etas.size, n_seg, n_pt), np.nan)
    seg_band = np.zeros((etas.size, n_seg), dtype=np.int64)
    seg_closed = np.zeros((etas.size, n_seg), dtype=np.int8)
    for i, segs in enumerate(per_eta):
        for j, c in enumerate(segs):
            kx[i, j, : np.size(c.kx)] = c.kx
            kz[i, j, : np.size(c.q)] = c.q
            seg_band[i, j] = int(c.band)  # 1-based
            seg_closed[i, j] = int(bool(c.closed))
    return xr.Dataset(
        {
            "kx": _var(("eta", "segment", "point"), kx, "1/nm", "Fermi contour k_x (NaN-padded)"),
            "kz": _var(("eta", "segment", "point"), kz, "1/nm", "Fermi contour q = k_z (NaN-padded)"),
            "segment_band": _var(
                ("eta", "segment"), seg_band, "1", "subband index n of each segment (0: padding)"
            ),
            "segment_closed": _var(
                ("eta", "segment"),
                seg_closed,
                "1",
                "1 for a closed pocket, 0 for a curve ending on the zone edge",
            ),
            "energy": _var("eta", mu, "meV", "chemical potential mu = E_L + eta dE"),
            **_scale_vars(bands, model),
        },
        coords={
            "eta": _var("eta", etas, "1", "Lifshitz parameter eta = (mu - E_L)/dE"),
            "segment": _var("segment", np.arange(n_seg), "1", "contour segment"),
            "point": _var("point", np.arange(n_pt), "1", "point along a segment"),
        },
        attrs={**model_attrs(model), "title": f"Fermi surfaces of model {model.name}"},
    )


def overlap_dataset(model: Model, n_q: int = 101) -> xr.Dataset:
    """Pair-overlap integrals Ĩ^{nn'}(q, q') on a q grid and their Brillouin-zone averages.

    Parameters
    ----------
    model : Model
        The model (its ``numerics.n_z`` sets the z quadrature).
    n_q : int
        Points of the uniform q grid on [−π/d, π/d] (both ends) for ``overlap``, and the number
        of q points passed to :func:`multigap.overlap.mean_overlap_matrix` for ``mean_overlap``.

    Returns
    -------
    xarray.Dataset
        Coordinates ``band``, ``band2`` (n, n′ = 1 …), ``q``, ``q2`` (1/nm); variables
        ``overlap(band, band2, q, q2)`` and ``mean_overlap(band, band2)`` (dimensionless; 1 for a
        vanishing superlattice potential), plus ``E_L``, ``dE``, ``period``.
    """
    import xarray as xr

    from . import overlap

    if isinstance(n_q, bool) or not isinstance(n_q, (int, np.integer)) or n_q < 2:
        raise InputError(f"n_q = {n_q!r}: must be an integer >= 2")
    bands = band_structure(model)
    q_max = np.pi / bands.period
    q = np.linspace(-q_max, q_max, int(n_q))
    tensor = overlap.overlap_tensor(bands, q)
    mean = overlap.mean_overlap_matrix(bands, int(n_q))
    return xr.Dataset(
        {
            "overlap": _var(
                ("band", "band2", "q", "q2"),
                tensor,
                "1",
                "pair overlap I^{nn'}(q,q') = (1/d) int |psi_nq|^2 |psi_n'q'|^2 dz",
            ),
            "mean_overlap": _var(
                ("band", "band2"), mean, "1", "Brillouin-zone average of I^{nn'}(q,q') over q and q'"
            ),
            **_scale_vars(bands, model),
        },
        coords={
            "band": _band_coord(bands.n_bands),
            "band2": _var("band2", np.arange(1, bands.n_bands + 1), "1", "subband index n' (1-based)"),
            "q": _var("q", q, "1/nm", "Bloch wave number q = k_z"),
            "q2": _var("q2", q, "1/nm", "Bloch wave number q' = k_z'"),
        },
        attrs={**model_attrs(model), "title": f"Pair-overlap integrals of model {model.name}"},
    )


def cutoff_dataset(models: Sequence[Model], g: ArrayLike) -> xr.Dataset:
    """Migdal-softened pairing cutoff ω̃₀ against the active-band coupling g, for several models.

    For each model and each g the active band's coupling is set to g (:meth:`Model.with_g`) and
    the cutoff the solvers use is reported: ω̃₀ = ω₀ √(1 − 2 max_n g_nn) (paper eq. 1,
    :func:`multigap.model.omega_tilde`); with the presets' g₁₁ = g₂₂ = 0.10 it is flat for
    g < 0.10.  Without softening ω̃₀ = ω₀.

    Parameters
    ----------
    models : sequence of Model
        Models to compare (e.g. the presets A and B).
    g : array_like
        Active-band couplings (dimensionless); with softening max g_nn must stay < 0.5.

    Returns
    -------
    xarray.Dataset
        Coordinates ``model`` (names) and ``g``; variables ``omega_tilde(model, g)``, ``omega0(model)``
        and ``dE(model)`` (active-band width, for comparison), all meV; ``g_others(model)``, the
        largest intraband coupling of the other bands (dimensionless).  The models are stored as
        ``attrs["model_toml_<i>"]``.

    Raises
    ------
    ModelError
        If some g makes max g_nn >= 0.5 with softening on.
    """
    import xarray as xr

    models = list(models)
    if not models:
        raise InputError("models = []: give at least one model")
    g = _as_1d("g", g)
    omega = np.array([[m.with_g(float(gi)).pairing.omega for gi in g] for m in models])
    widths = [lifshitz_scale(band_structure(m), m.active_band)[1] for m in models]
    attrs: dict[str, str | int] = {
        "title": "Migdal-softened phonon cutoff against the active-band coupling g",
        "multigap_version": __version__,
        "unit_system": UNIT_SYSTEM,
    }
    for i, m in enumerate(models):
        attrs[f"model_toml_{i}"] = dumps_model(m)
    return xr.Dataset(
        {
            "omega_tilde": _var(
                ("model", "g"), omega, "meV", "softened phonon cutoff omega~_0 = omega_0 sqrt(1 - 2 max g_nn)"
            ),
            "omega0": _var("model", [m.pairing.omega0 for m in models], "meV", "bare phonon energy omega_0"),
            "dE": _var("model", widths, "meV", "active-band transverse dispersion dE"),
            "g_others": _var(
                "model",
                [
                    max([m.pairing.g[k][k] for k in range(m.n_bands) if k != m.active_band - 1] + [0.0])
                    for m in models
                ],
                "1",
                "largest intraband coupling of the other bands (omega~_0 is flat below it)",
            ),
        },
        coords={
            "model": _var("model", np.array([m.name for m in models]), "1", "model name"),
            "g": _var("g", g, "1", "active-band intraband coupling g = g_aa"),
        },
        attrs=attrs,
    )


# ----------------------------------------------------------------------------- pairing results
#: What NaN means in the pairing Datasets (stored as ``attrs["missing_values"]``).
MISSING_VALUES = (
    "NaN marks a value that is not defined, never a silent failure: alpha is NaN where Tc is below "
    "numerics.tc_floor (status 'below_floor', reported as tc = 0)"
)


def anisotropy_bands(model: Model) -> tuple[int, int] | None:
    """The (upper, lower) bands of the gap anisotropy Δ_upper/Δ_lower (1-based).

    The paper's Δ₃/Δ₂: the active band over the band below it; ``(1, 2)`` when the active band
    is the first; None for a one-band model.
    """
    a = int(model.active_band)
    if a >= 2:
        return a, a - 1
    return (1, 2) if model.n_bands >= 2 else None


def _anisotropy(summary: GapSummary, bands: tuple[int, int] | None) -> float:
    if bands is None or summary.gaps.mean[bands[1] - 1] == 0.0:
        return math.nan
    return summary.anisotropy(*bands)


def _active_g(model: Model) -> float:
    a = model.active_band - 1
    return float(model.pairing.g[a][a])


def _pairing_coords(model: Model, eta: float) -> dict[str, xr.Variable]:
    a = model.active_band
    return {
        "eta": _var((), float(eta), "1", "Lifshitz parameter eta = (mu0 - E_L)/dE"),
        "g": _var((), _active_g(model), "1", f"active-band intraband coupling g = g_{a}{a}"),
    }


def _pairing_attrs(model: Model, title: str, **extra: str | int | float) -> dict[str, str | int | float]:
    return {**model_attrs(model), "title": title, **extra}


def _str_var(dims: str | tuple[str, ...], values: Sequence[str] | str, long_name: str) -> xr.Variable:
    return _var(dims, np.asarray(values, dtype=str), "1", long_name)


def _status_var(status: str, long_name: str) -> xr.Variable:
    """A scalar status as its int8 code with CF flags, like the status of maps, cuts and paths."""
    import xarray as xr

    attrs = {"units": "1", "long_name": long_name, **status_flag_attrs()}
    return xr.Variable((), np.int8(Status(status).code), attrs=attrs)


def tc_point_dataset(model: Model, eta: float, result: TcResult) -> xr.Dataset:
    """One critical temperature as a Dataset (for ``multigap tc --out``).

    Parameters
    ----------
    model : Model
        The model the result was computed from, with every override applied
        (:func:`with_pairing_overrides`).
    eta : float
        Lifshitz parameter η (dimensionless).
    result : TcResult
        From :func:`multigap.critical_temperature` ``(model, eta=eta, …)``.

    Returns
    -------
    xarray.Dataset
        Scalars ``tc`` (K; 0 below the floor), ``status``, ``mu``, ``mu0``, ``omega`` (meV),
        ``eigenvalue``, ``iterations``, ``tc_floor`` (K); scalar coordinates ``eta`` and ``g``.
    """
    import xarray as xr

    return xr.Dataset(
        {
            "tc": _var((), result.tc, "K", "critical temperature (0 when below the floor)"),
            "status": _status_var(result.status, "Tc solver status: converged | below_floor"),
            "mu": _var((), result.mu, "meV", "chemical potential at Tc"),
            "mu0": _var((), result.mu0, "meV", "normal-state chemical potential mu0 = E_L + eta dE at T = 0"),
            "omega": _var((), result.omega, "meV", "pairing cutoff omega~_0 (Migdal-softened)"),
            "eigenvalue": _var(
                (), result.eigenvalue, "1", "leading eigenvalue of the linearised gap equation"
            ),
            "iterations": _var((), result.iterations, "1", "eigenvalue evaluations of the Tc search"),
            "tc_floor": _var((), result.floor, "K", "Tc floor: smaller Tc are reported as 0"),
        },
        coords=_pairing_coords(model, eta),
        attrs=_pairing_attrs(
            model,
            f"Critical temperature of model {model.name}",
            mu_mode=result.mu_mode,
            converged=int(result.converged),
            method=result.method,
        ),
    )


def gaps_point_dataset(model: Model, eta: float, summary: GapSummary) -> xr.Dataset:
    """Band gaps at one (η, T) as a Dataset (for ``multigap gaps --out``).

    Parameters
    ----------
    model : Model
        The model the result was computed from, every override applied.
    eta : float
        Lifshitz parameter η (dimensionless).
    summary : GapSummary
        From :func:`multigap.zero_temperature_gaps` ``(model, eta=eta, …)``.

    Returns
    -------
    xarray.Dataset
        Coordinate ``band``; ``gap``, ``gap_min``, ``gap_max`` (band; meV), ``gap_ratio`` (band;
        2Δ_n/k_BTc, NaN when Tc = 0), ``has_fermi_surface`` (band; 1/0), scalars ``tc``,
        ``temperature`` (K), ``mu``, ``mu0``, ``mu_shift``, ``omega`` (meV), ``anisotropy``
        (Δ_upper/Δ_lower, bands in attrs), ``status``, ``residual``, ``iterations``.
    """
    import xarray as xr

    res = summary.result
    pair = anisotropy_bands(model)
    up, lo = pair if pair is not None else (0, 0)
    gaps = summary.gaps
    return xr.Dataset(
        {
            "gap": _var(
                "band", gaps.mean, "meV", "band gap: Fermi-surface average of Delta_n(q), weight 1/k_x"
            ),
            "gap_min": _var("band", gaps.minimum, "meV", "smallest Delta_n(q) on the Fermi surface"),
            "gap_max": _var("band", gaps.maximum, "meV", "largest Delta_n(q) on the Fermi surface"),
            "gap_ratio": _var("band", summary.ratios, "1", "gap ratio 2 Delta_n/(k_B Tc)"),
            "has_fermi_surface": _var(
                "band",
                gaps.has_fermi_surface.astype(np.int8),
                "1",
                "1 if mu lies above the band minimum (else the gap is Delta_n at the band minimum)",
            ),
            "tc": _var((), summary.tc, "K", "critical temperature at mu = mu0 (0 when below the floor)"),
            "temperature": _var((), res.temperature, "K", "temperature of the gap solution"),
            "mu": _var((), summary.mu, "meV", "chemical potential with the gaps"),
            "mu0": _var((), summary.mu0, "meV", "normal-state chemical potential at T = 0"),
            "mu_shift": _var((), summary.mu_shift, "meV", "mu - mu0"),
            "omega": _var((), res.omega, "meV", "pairing cutoff omega~_0 (Migdal-softened)"),
            "anisotropy": _var((), _anisotropy(summary, pair), "1", f"gap anisotropy Delta_{up}/Delta_{lo}"),
            "status": _status_var(res.status, "gap solver status: converged | normal"),
            "residual": _var(
                (), res.residual, "1", "largest relative residual of the gap and number equations"
            ),
            "iterations": _var((), res.iterations, "1", "residual evaluations of the gap solver"),
        },
        coords={**_pairing_coords(model, eta), "band": _band_coord(gaps.mean.size)},
        attrs=_pairing_attrs(
            model,
            f"Superconducting gaps of model {model.name}",
            mu_mode=res.mu_mode,
            converged=int(res.converged),
            anisotropy_upper=up,
            anisotropy_lower=lo,
            method=res.method,
        ),
    )


def isotope_point_dataset(model: Model, eta: float, alpha: float, tc: TcResult, method: str) -> xr.Dataset:
    """One isotope coefficient as a Dataset (for ``multigap isotope --out``).

    Parameters
    ----------
    model : Model
        The model, every override applied.
    eta : float
        Lifshitz parameter η (dimensionless).
    alpha : float
        α = ½ ∂ln Tc/∂ln ω₀ (dimensionless; NaN when Tc is below the floor).
    tc : TcResult
        The critical temperature at μ = μ₀ of the same problem.
    method : str
        How α was computed (``"hellmann-feynman"`` or ``"finite-difference"``).

    Returns
    -------
    xarray.Dataset
        Scalars ``alpha``, ``tc`` (K), ``status``, ``mu0``, ``omega`` (meV).
    """
    import xarray as xr

    return xr.Dataset(
        {
            "alpha": _var(
                (), alpha, "1", "isotope coefficient alpha = (1/2) dln Tc/dln omega0 (NaN if Tc = 0)"
            ),
            "tc": _var((), tc.tc, "K", "critical temperature at mu = mu0 (0 when below the floor)"),
            "status": _status_var(tc.status, "Tc solver status: converged | below_floor"),
            "mu0": _var((), tc.mu0, "meV", "normal-state chemical potential at T = 0"),
            "omega": _var((), tc.omega, "meV", "pairing cutoff omega~_0 (Migdal-softened)"),
        },
        coords=_pairing_coords(model, eta),
        attrs=_pairing_attrs(
            model,
            f"Isotope coefficient of model {model.name}",
            isotope_method=method,
            missing_values=MISSING_VALUES,
        ),
    )
