"""Derived quantities: Fermi-surface-averaged gaps, gap ratios, Δ₃/Δ₂ and the isotope coefficient.

* Band gap Δ_n (docs/theory.md#ratios): the Fermi-surface average of Δ_n(q) with weight 1/k_x(q) (the DOS at
  μ), over the occupied q of band n; where band n has no Fermi surface, Δ_n at its band minimum.
* Gap ratios 2Δ_n/(k_B Tc).
* Isotope coefficient α = −d ln Tc/d ln M = ½ ∂ln Tc/∂ln ω₀ at fixed g and η (ω₀ ∝ M^(−1/2)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .constants import KB
from .errors import InputError
from .gaps import GapResult, solve_gaps
from .problem import PairingProblem, pairing_problem
from .quadrature import graded_nodes
from .tc import solve_tc, tc_slopes

if TYPE_CHECKING:
    from .model import Model

__all__ = [
    "BandGaps",
    "GapSummary",
    "band_gaps",
    "zero_temperature_gaps",
    "isotope_coefficient",
    "isotope_from_problem",
]


@dataclass(frozen=True, eq=False)
class BandGaps:
    """Per-band gap summary, meV.

    The gaps are signed: with a repulsive (negative) interband coupling, coupled bands pair
    with opposite signs (s± state), so a negative gap is a valid result whose magnitude is the
    band's gap; only the relative sign between bands is physical (the overall sign is a gauge).

    Attributes
    ----------
    mean : ndarray
        Fermi-surface average of Δ_n(q) with weight 1/k_x(q); Δ_n at the band minimum where
        band n has no Fermi surface.
    minimum, maximum : ndarray
        Extremes of Δ_n(q) over the occupied q (the Fermi surface), or the band-minimum value.
    has_fermi_surface : ndarray of bool
        Whether μ lies above the band's minimum.
    """

    mean: NDArray[np.float64]
    minimum: NDArray[np.float64]
    maximum: NDArray[np.float64]
    has_fermi_surface: NDArray[np.bool_]


def _fermi_sea_nodes(problem: PairingProblem, band: int, mu: float) -> tuple[NDArray, NDArray] | None:
    """q nodes and weights ∝ dq/k_x(q) over the occupied part of ``band``; None if empty."""
    bands = problem.bands
    lo = bands.band_edges[band, 0]
    if mu <= lo:
        return None
    q_max = np.pi / bands.period
    e_ends = bands.energies(np.array([0.0, q_max]))[band]
    q_min_end = 0.0 if e_ends[0] <= e_ends[1] else q_max
    q_f = bands.crossing(band, mu)
    span = q_f - q_min_end
    if span == 0.0:
        return None
    # q = q_F − span·t², graded towards t = 0 (the Fermi point, 1/√ weight there)
    t, w = graded_nodes(np.array([1.0]), np.array([1e-6]), 16)
    t, w = t[0], w[0]
    q = q_f - span * t * t
    e = bands.energies(q)[band]
    depth = np.maximum(mu - e, 0.0)
    ok = depth > 0
    weight = np.zeros_like(q)
    weight[ok] = w[ok] * 2.0 * abs(span) * t[ok] / np.sqrt(depth[ok])
    if not np.sum(weight) > 0:  # μ within rounding of the band minimum: no resolvable sea
        return None
    return q, weight


def band_gaps(problem: PairingProblem, result: GapResult) -> BandGaps:
    """Fermi-surface-averaged gaps (docs/theory.md#ratios) of a gap solution, meV."""
    n_b = problem.bands.n_bands
    mean, lo, hi, has = np.zeros(n_b), np.zeros(n_b), np.zeros(n_b), np.zeros(n_b, bool)
    for n in range(n_b):
        sea = _fermi_sea_nodes(problem, n, result.mu)
        if sea is None:
            e_lo = problem.bands.band_edges[n, 0]
            q_min = problem.bands.crossing(n, e_lo)
            val = float(problem.bands.overlap_factors(np.array([q_min]), band=n)[0] @ result.coefficients[n])
            mean[n] = lo[n] = hi[n] = val
            continue
        q, w = sea
        d = problem.bands.overlap_factors(q, band=n) @ result.coefficients[n]
        has[n] = True
        mean[n] = float(np.dot(w, d) / np.sum(w))
        lo[n], hi[n] = float(d.min()), float(d.max())
    return BandGaps(mean=mean, minimum=lo, maximum=hi, has_fermi_surface=has)


@dataclass(frozen=True, eq=False)
class GapSummary:
    """Gaps at one temperature with Tc and the ratios the paper plots.

    Attributes
    ----------
    tc : float
        Critical temperature, K (fixed μ = μ₀, docs/theory.md#ratios).
    gaps : BandGaps
        Per-band gaps, meV.
    ratios : ndarray
        2Δ_n/(k_B Tc) (dimensionless; NaN where Tc = 0), signed like Δ_n: a negative ratio
        is the s± sign of a band paired against the others by a repulsive interband coupling.
    mu, mu0 : float
        Chemical potential with gaps and normal-state μ₀, meV.
    result : GapResult
        The full solution (gap coefficients, states, diagnostics).
    """

    tc: float
    gaps: BandGaps
    ratios: NDArray[np.float64]
    mu: float
    mu0: float
    result: GapResult = field(repr=False)

    @property
    def mu_shift(self) -> float:
        """μ − μ₀, meV."""
        return self.mu - self.mu0

    def anisotropy(self, upper: int = 3, lower: int = 2) -> float:
        """Δ_upper/Δ_lower (1-based bands; the paper's Δ₃/Δ₂ by default).

        ±inf when the lower gap vanishes (or the ratio exceeds the float range).
        """
        num, den = float(self.gaps.mean[upper - 1]), float(self.gaps.mean[lower - 1])
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            return float(np.float64(num) / np.float64(den))

    def as_dict(self) -> dict[str, object]:
        """JSON-ready summary, units in the key names."""
        return {
            "tc_K": self.tc,
            "temperature_K": self.result.temperature,
            "gaps_meV": self.gaps.mean.tolist(),
            "gaps_min_meV": self.gaps.minimum.tolist(),
            "gaps_max_meV": self.gaps.maximum.tolist(),
            "has_fermi_surface": self.gaps.has_fermi_surface.tolist(),
            "gap_ratios": [None if not math.isfinite(x) else x for x in self.ratios.tolist()],
            "mu_meV": self.mu,
            "mu0_meV": self.mu0,
            "mu_shift_meV": self.mu_shift,
            "omega_meV": self.result.omega,
            "mu_mode": self.result.mu_mode,
            "status": self.result.status,
            "converged": self.result.converged,
            "iterations": self.result.iterations,
            "residual": self.result.residual,
        }


def summarize(problem: PairingProblem, result: GapResult) -> GapSummary:
    """Band gaps and gap ratios of a gap solution."""
    gaps = band_gaps(problem, result)
    tc = result.tc.tc
    ratios = 2.0 * gaps.mean / (KB * tc) if tc > 0 else np.full(gaps.mean.shape, np.nan)
    return GapSummary(tc=tc, gaps=gaps, ratios=ratios, mu=result.mu, mu0=result.mu0, result=result)


def zero_temperature_gaps(
    model: Model,
    *,
    eta: float,
    g: float | None = None,
    mu_mode: str = "density",
    temperature: float = 0.0,
    interband: float | ArrayLike | None = None,
    omega0: float | None = None,
    n_nodes: int | None = None,
) -> GapSummary:
    """Gaps of ``model`` at Lifshitz parameter η (T = 0 unless ``temperature`` is given, K).

    Parameters as in :func:`multigap.problem.pairing_problem`; ``mu_mode`` ``density``
    (default) solves the number equation jointly, ``fixed`` keeps μ = μ₀.  Gaps and ratios are
    signed (a negative value is the s± sign under a repulsive interband coupling, see
    :class:`BandGaps`).  Out-of-range arguments raise :class:`~multigap.errors.InputError` or
    :class:`~multigap.errors.ModelError` (ranges in :mod:`multigap.model`).
    """
    problem = pairing_problem(model, eta, g=g, interband=interband, omega0=omega0, n_nodes=n_nodes)
    return summarize(problem, solve_gaps(problem, temperature=temperature, mu_mode=mu_mode))


def isotope_from_problem(
    problem: PairingProblem, *, method: str = "hellmann-feynman", step: float = 1e-3
) -> float:
    """Isotope coefficient α = ½ ∂ln Tc/∂ln ω (fixed μ, fixed g), dimensionless.

    Parameters
    ----------
    problem : PairingProblem
    method : {"hellmann-feynman", "finite-difference"}
        Exact slope from the leading eigenpair at Tc (default), or a central difference of
        ln Tc in ln ω with relative step ``step``.

    Returns
    -------
    float
        α; NaN when Tc is below the floor (undefined).
    """
    tc = solve_tc(problem)
    if tc.tc <= 0:
        return math.nan
    if method == "hellmann-feynman":
        return 0.5 * tc_slopes(problem, tc)["dlnTc_dlnω"]
    if method == "finite-difference":
        up = solve_tc(problem.with_omega(problem.omega * math.exp(step)), rtol=1e-13).tc
        dn = solve_tc(problem.with_omega(problem.omega * math.exp(-step)), rtol=1e-13).tc
        if up <= 0 or dn <= 0:
            return math.nan
        return 0.5 * (math.log(up) - math.log(dn)) / (2.0 * step)
    raise InputError(f"method = {method!r}: must be 'hellmann-feynman' or 'finite-difference'")


def isotope_coefficient(
    model: Model,
    *,
    eta: float,
    g: float | None = None,
    interband: float | ArrayLike | None = None,
    omega0: float | None = None,
    n_nodes: int | None = None,
    method: str = "hellmann-feynman",
) -> float:
    """Isotope coefficient α = ½ ∂ln Tc/∂ln ω₀ of ``model`` at η (fixed g, fixed μ = μ₀).

    Single-band BCS gives ½; at a 2D band edge (0 < μ < ω̃₀) ¼.  NaN when Tc is below the floor.
    """
    problem = pairing_problem(model, eta, g=g, interband=interband, omega0=omega0, n_nodes=n_nodes)
    return isotope_from_problem(problem, method=method)
