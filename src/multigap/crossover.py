"""BCS–BEC crossover diagnostics of each band: E_F, Δ/E_F and the pair size k_F ξ_pair.

For band n with edge E_L,n (its minimum):

* Fermi energy from the edge, E_F,n = μ₀ − E_L,n (μ₀: normal-state chemical potential at
  T = 0); the band is empty in the normal state when E_F,n ≤ 0, and then none of the
  diagnostics below is defined (status ``skipped``, never a number).
* Δ_n/E_F,n with Δ_n the band's Fermi-surface-averaged gap at T = 0
  (:func:`multigap.observables.band_gaps`).
* k_F ξ_pair: the size of the pair wave function φ_k = u_k v_k = Δ/2E_k,
  ξ_pair² = ∫d²k |∇_k φ_k|² / ∫d²k φ_k², for a 2D parabolic band with the band's E_F,n, its
  chemical potential in the superconducting state μ_n = μ − E_L,n and the gap Δ_n (the
  pairing cutoff is left out: its sharp edge would make ∇φ singular; the measure is
  independent of the mass anisotropy).  With m = μ_n/Δ_n,

      (k_F ξ_pair)² = 4 (E_F/Δ) N(m)/D(m),  D(m) = π/2 + arctan m,
      N(m) = 1/(2u) − 1/(4u²) + (m/8)[π/2 + arctan m + m(m² − 1)/u²],  u = m² + 1.

  BCS limit (μ ≈ E_F ≫ Δ): k_F ξ_pair → E_F/(√2 Δ); BEC limit (μ → −E_b/2):
  (k_F ξ_pair)² → (2/3) E_F/|μ|.
* Regime: ``BEC`` where μ_n < 0 (the condensate's chemical potential lies below the band:
  pairs are bound states), ``BCS`` where k_F ξ_pair ≥ 2π (a pair spans more than a Fermi
  wavelength), ``crossover`` in between.  The boundaries are conventions.

Units: energies in meV; the ratios are dimensionless.

Examples
--------
>>> round(pair_size(e_f=1e4, mu=1e4, gap=1.0) / (1e4 / 2**0.5), 4)  # BCS: E_F/(√2 Δ)
1.0
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import InputError
from .observables import band_gaps
from .status import Status

if TYPE_CHECKING:
    from .gaps import GapResult
    from .problem import PairingProblem

__all__ = [
    "BandCrossover",
    "pair_size",
    "regime",
    "band_crossover",
    "crossover_diagnostics",
    "crossover_arrays",
    "BCS_PAIR_SIZE",
    "REGIMES",
]

#: k_F ξ_pair above which a band is in the BCS regime (a pair spans a Fermi wavelength).
BCS_PAIR_SIZE = 2.0 * math.pi
#: Regime labels, from weak to strong pairing.
REGIMES = ("BCS", "crossover", "BEC")


def pair_size(e_f: float, mu: float, gap: float) -> float:
    """k_F ξ_pair of a 2D parabolic band (dimensionless; module docstring).

    Parameters
    ----------
    e_f : float
        Fermi energy of the normal state from the band edge, meV (> 0).
    mu : float
        Chemical potential of the superconducting state from the band edge, meV (any sign).
    gap : float
        Gap Δ, meV (> 0).

    Examples
    --------
    >>> round(pair_size(1.0, -50.0, 0.01) ** 2 * 50.0, 3)  # BEC: (2/3) E_F/|μ|
    0.667
    """
    if not (e_f > 0 and gap > 0 and math.isfinite(mu)):
        raise InputError(f"pair_size(e_f={e_f!r}, mu={mu!r}, gap={gap!r}): needs e_f > 0, gap > 0, finite mu")
    m = mu / gap
    if m < -10.0:  # BEC side: the closed form cancels; N(m) = Σ_k (−1)^k C(k+2,2)/((2k+2)(2k+3)) m^(−2−2k)
        inv2 = 1.0 / (m * m)
        num = sum(
            (-1) ** k * (k + 1) * (k + 2) / 2 * inv2 ** (k + 1) / ((2 * k + 2) * (2 * k + 3))
            for k in range(24)
        )
        den = math.atan(-1.0 / m)
    else:
        u = m * m + 1.0
        at = math.atan(m)
        num = (
            1.0 / (2.0 * u)
            - 1.0 / (4.0 * u * u)
            + 0.125 * m * (0.5 * math.pi + at + m * (m * m - 1.0) / (u * u))
        )
        den = 0.5 * math.pi + at
    return math.sqrt(4.0 * e_f / gap * num / den)


def regime(mu: float, kf_xi_pair: float) -> str:
    """``BEC`` if μ − E_L < 0, ``BCS`` if k_F ξ_pair ≥ 2π, else ``crossover``."""
    if mu < 0:
        return "BEC"
    return "BCS" if kf_xi_pair >= BCS_PAIR_SIZE else "crossover"


@dataclass(frozen=True)
class BandCrossover:
    """Crossover diagnostics of one band at T = 0.

    Attributes
    ----------
    band : int
        1-based band index.
    e_f : float
        μ₀ − E_L,n, meV (NaN where the band is empty).
    mu : float
        μ − E_L,n in the superconducting state, meV.
    gap : float
        Fermi-surface-averaged gap Δ_n, meV.
    gap_over_e_f, kf_xi_pair : float
        Δ_n/E_F,n and k_F ξ_pair (NaN unless ``status`` is converged).
    regime : str
        ``BCS``, ``crossover``, ``BEC``, or empty where undefined.
    status : Status
        ``converged``; ``skipped`` (band empty in the normal state); ``normal`` (no gap).
    message : str
        Why a diagnostic is undefined (empty otherwise).
    """

    band: int
    e_f: float
    mu: float
    gap: float
    gap_over_e_f: float
    kf_xi_pair: float
    regime: str
    status: Status
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: undefined numbers are None, units in the key names."""
        d = asdict(self)

        def num(x: float) -> float | None:
            return x if math.isfinite(x) else None

        return {
            "band": self.band,
            "E_F_meV": num(d["e_f"]),
            "mu_from_edge_meV": num(d["mu"]),
            "gap_meV": num(d["gap"]),
            "gap_over_E_F": num(d["gap_over_e_f"]),
            "kF_xi_pair": num(d["kf_xi_pair"]),
            "regime": self.regime or None,
            "status": str(self.status),
            "message": self.message,
        }


def _diagnose(band: int, e_f: float, mu: float, gap: float, normal: bool = False) -> BandCrossover:
    """Diagnostics of one band from E_F,n, μ_n (both from the band edge, meV) and Δ_n (meV)."""
    nan = math.nan
    if normal:
        return BandCrossover(band, e_f if e_f > 0 else nan, mu, 0.0, nan, nan, "", Status.NORMAL,
                             f"band {band}: normal state (no gap), pair size undefined")  # fmt: skip
    if not math.isfinite(gap):
        return BandCrossover(band, e_f if e_f > 0 else nan, mu, gap, nan, nan, "", Status.FAILED,
                             f"band {band}: no gap was computed")  # fmt: skip
    if not e_f > 0:
        return BandCrossover(band, nan, mu, gap, nan, nan, "", Status.SKIPPED,
                             f"band {band} is empty in the normal state (mu0 - E_L = {e_f:.4g} meV <= 0): "
                             "E_F, Delta/E_F and k_F xi_pair are undefined")  # fmt: skip
    if not gap > 0:
        return BandCrossover(band, e_f, mu, gap, nan, nan, "", Status.NORMAL,
                             f"band {band}: gap {gap:.3g} meV, pair size undefined")  # fmt: skip
    kx = pair_size(e_f, mu, gap)
    return BandCrossover(band, e_f, mu, gap, gap / e_f, kx, regime(mu, kx), Status.CONVERGED)


def band_crossover(problem: PairingProblem, result: GapResult, band: int) -> BandCrossover:
    """Diagnostics of the 1-based ``band`` from a T = 0 gap solution (see module docstring).

    Parameters
    ----------
    problem : PairingProblem
    result : GapResult
        Gaps at T = 0 (μ mode ``density`` for the physical μ of the condensate).
    band : int
        1-based band index.

    Examples
    --------
    >>> from multigap import preset
    >>> from multigap.gaps import solve_gaps
    >>> from multigap.problem import pairing_problem
    >>> p = pairing_problem(preset("A"), -0.5, g=0.3)
    >>> band_crossover(p, solve_gaps(p), 3).status   # band 3 empty below its edge
    <Status.SKIPPED: 'skipped'>
    """
    if not 1 <= band <= problem.bands.n_bands:
        raise InputError(f"band = {band!r}: must be in 1 … {problem.bands.n_bands}")
    e_l = float(problem.bands.band_edges[band - 1, 0])
    if result.status == "normal":
        return _diagnose(band, problem.mu0 - e_l, result.mu - e_l, 0.0, normal=True)
    gap = float(band_gaps(problem, result).mean[band - 1])
    return _diagnose(band, problem.mu0 - e_l, result.mu - e_l, gap)


def crossover_diagnostics(problem: PairingProblem, result: GapResult) -> list[BandCrossover]:
    """:func:`band_crossover` of every band (1 … n_bands)."""
    return [band_crossover(problem, result, n) for n in range(1, problem.bands.n_bands + 1)]


def crossover_arrays(
    band_bottoms: ArrayLike, mu0: ArrayLike, mu: ArrayLike, gap: ArrayLike, normal: ArrayLike | None = None
) -> dict[str, NDArray[Any]]:
    """The diagnostics of many points at once (e.g. along an η-cut), shape (band, point).

    Parameters
    ----------
    band_bottoms : array_like, shape (band,)
        E_L,n, meV.
    mu0, mu : array_like, shape (point,)
        Normal-state μ₀ and the condensate's μ at T = 0, meV.
    gap : array_like, shape (band, point)
        Fermi-surface-averaged gaps Δ_n at T = 0, meV (NaN: not computed).
    normal : array_like of bool, shape (point,), optional
        Where the gap solution is the normal state.

    Returns
    -------
    dict
        ``e_f``, ``mu_edge`` (μ − E_L,n), ``gap_over_e_f``, ``kf_xi_pair`` (float, NaN where
        undefined), ``regime`` (int8: index into :data:`REGIMES`, −1 where undefined) and
        ``status`` (int8 :class:`~multigap.status.Status` codes).

    Examples
    --------
    >>> out = crossover_arrays([0.0, 50.0], [40.0], [39.0], [[2.0], [1.0]])
    >>> out["status"].tolist()   # band 2 lies above mu0: empty
    [[0], [4]]
    """
    bottoms = np.atleast_1d(np.asarray(band_bottoms, dtype=float))
    mu0_a = np.atleast_1d(np.asarray(mu0, dtype=float))
    mu_a = np.atleast_1d(np.asarray(mu, dtype=float))
    gap_a = np.asarray(gap, dtype=float).reshape(bottoms.size, mu0_a.size)
    norm = np.zeros(mu0_a.size, bool) if normal is None else np.asarray(normal, dtype=bool).reshape(-1)
    shape = gap_a.shape
    out: dict[str, NDArray[Any]] = {
        k: np.full(shape, np.nan) for k in ("e_f", "mu_edge", "gap_over_e_f", "kf_xi_pair")
    }
    out["regime"] = np.full(shape, -1, dtype=np.int8)
    out["status"] = np.zeros(shape, dtype=np.int8)
    for n in range(shape[0]):
        for i in range(shape[1]):
            d = _diagnose(n + 1, mu0_a[i] - bottoms[n], mu_a[i] - bottoms[n], gap_a[n, i], bool(norm[i]))
            out["e_f"][n, i], out["mu_edge"][n, i] = d.e_f, d.mu
            out["gap_over_e_f"][n, i], out["kf_xi_pair"][n, i] = d.gap_over_e_f, d.kf_xi_pair
            out["regime"][n, i] = REGIMES.index(d.regime) if d.regime else -1
            out["status"][n, i] = d.status.code
    return out
