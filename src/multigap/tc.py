"""Critical temperature from the linearised multi-band gap equation (paper eq. 8, docs/theory.md#tc).

Δ_n(q) = Σ_n' ∫ dq'/(2π) g_nn' Ĩ^{nn'}(q,q') K_n'(q'; μ, T) Δ_n'(q').

Because the overlaps factorise, Ĩ^{nn'}(q,q') = X_n(q)·X_n'(q') (a Gram matrix over z nodes),
the operator's non-zero spectrum is that of a small symmetric matrix

    H = Lᵀ (g ⊗ 1) L,   L = blockdiag(L_n),   L_n L_nᵀ = C_n = Σ_q w K_n(q) X_n(q) X_n(q)ᵀ,

whose size is at most n_bands × rank, independent of the number of q nodes.  Each band's
factors span only k_n of the rank directions (a basis V_n per band, computed once per model:
:attr:`~multigap.tabulated.TabulatedBands.band_bases`), so C_n is taken as the k_n × k_n matrix
V_nᵀ C_n V_n, and per point the trailing columns of L_n that carry nothing (≤ 1e-14) are left
out: H has Σ k_n rows at most (12-band superlattice: ~46 of 12 × 19).  Tc is the temperature at
which its largest eigenvalue λ(T) equals 1, found by a safeguarded Newton iteration on ln T with
the Hellmann–Feynman slope dλ/d ln T.  The gap shape at Tc is Δ_n(q) = X_n(q)·c_n at any q
(Nyström interpolation).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.linalg import lapack

from .constants import KB
from .errors import ConvergenceError, InputError, MultigapError, NonFiniteError
from .kernels import pair_susceptibility, pair_susceptibility_derivatives, pair_susceptibility_reference
from .problem import MU_MODES, PairingProblem, density_on_states, normal_mu
from .states import GRADING_BASE, KINK_DEPTH_DERIVATIVE, ZERO_T_RESOLUTION, BandStates, band_states_many
from .status import Status

if TYPE_CHECKING:
    from .model import Model

__all__ = [
    "TcResult",
    "LinearizedSpectrum",
    "critical_temperature",
    "leading_eigenvalue",
    "solve_tc",
    "solve_tc_many",
    "tc_slopes",
]

STATUS_CONVERGED = str(Status.CONVERGED)
STATUS_BELOW_FLOOR = str(Status.BELOW_FLOOR)
#: Last Newton step (in ln T) taken as the root without a confirming evaluation.  The error it
#: leaves is κ δ² + ε δ (κ = |λ''/2λ'|, ε the relative error of the Hellmann–Feynman slope of the
#: discretised λ, whose s-nodes move with T).  Measured on model A: κ ≤ 0.12 (60 random points);
#: ε = 2.4e-4 with the coarsest quadrature (n_q = 4; secant vs slope at η = 0, g = 0.19), where a
#: step of 8.8e-6 left 1.3e-9.  So δ is capped at 1e-6, not at √(rtol/κ) (tried: 7 % fewer
#: evaluations on model A's map, but 1e-9 errors at n_q = 4).
_NEWTON_FINAL = 1e-6
METHOD = "safeguarded Newton on ln T, Hellmann-Feynman slope of the factorised operator's eigenvalue"


@dataclass(frozen=True, eq=False)
class LinearizedSpectrum:
    """Leading eigenpair of the linearised gap operator at one (μ, T).

    Attributes
    ----------
    eigenvalue : float
        Largest eigenvalue λ (dimensionless); λ = 1 at Tc.
    states : list of BandStates
        The quadrature states used.
    kernel : list of ndarray
        K_n(q) at the states' nodes, nm.
    coefficients : list of ndarray
        c_n such that the gap shape is Δ_n(q) = X_n(q)·c_n (arbitrary normalisation,
        max_n,q |Δ| = 1 on the nodes, positive on the dominant band).
    """

    eigenvalue: float
    states: list[BandStates]
    kernel: list[NDArray[np.float64]]
    coefficients: list[NDArray[np.float64]]
    kernel_dlnt: list[NDArray[np.float64]] | None = None

    def log_temperature_slope(self) -> float:
        """dλ/d ln T at fixed μ (Hellmann–Feynman): λ Σ w ∂K/∂lnT Δ² / Σ w K Δ².

        Needs ``kernel_dlnt`` (``leading_eigenvalue(..., with_slope=True)``).
        """
        if self.kernel_dlnt is None:
            raise InputError("log_temperature_slope needs leading_eigenvalue(..., with_slope=True)")
        num = den = 0.0
        for st, gap, k, dk in zip(
            self.states, self.gap_on_nodes(), self.kernel, self.kernel_dlnt, strict=True
        ):
            wg = st.weight * gap * gap
            den += float(np.dot(wg, k))
            num += float(np.dot(wg, dk))
        return self.eigenvalue * num / den if den > 0 else 0.0

    def gap_on_nodes(self) -> list[NDArray[np.float64]]:
        """Δ_n(q) on each band's nodes (same normalisation as ``coefficients``)."""
        return [st.factors @ c for st, c in zip(self.states, self.coefficients, strict=True)]


def _spectrum(
    problem: PairingProblem,
    states: list[BandStates],
    kernel: list[NDArray],
    kernel_dlnt: list[NDArray] | None = None,
) -> LinearizedSpectrum:
    """Leading eigenpair of (g ⊗ 1)·C, C = blockdiag(C_n), C_n = Σ_q w K X Xᵀ (Cholesky C_n = L_n L_nᵀ).

    The eigenvalues equal those of the symmetric H = Lᵀ (g ⊗ 1) L; an eigenvector v of H gives
    the gap coefficients c ∝ (g ⊗ 1) L v (normalised afterwards).  A relative jitter of 1e-13
    keeps the Cholesky factorisation defined for rank-deficient C_n (bands whose densities
    barely vary with q).
    Where the bands give per-band factor bases V_n, C_n is taken in them (k_n × k_n; see
    :func:`_top_eigenpairs`): the same computation as a point of :func:`solve_tc_many`.
    """
    bases = _band_bases(problem, states)
    wk = np.concatenate([st.weight * kn for st, kn in zip(states, kernel, strict=True)])
    c = _kernel_matrices(states, wk, bases, 1)
    bad = np.array([not np.all(np.isfinite(c))])
    lam_arr, lv_arr = _top_eigenpairs(c, bases, problem.g[None], bad)
    if bad[0]:
        raise ConvergenceError("Cholesky factorisation or eigensolver of the kernel matrices failed")
    lam = float(lam_arr[0])
    lv = lv_arr[0]
    # c ∝ (g ⊗ 1) L v (the 1/λ of the eigen-relation only scales it, and λ ≈ 0 would overflow)
    coeffs_arr = problem.g @ lv if lam != 0 else lv
    gaps = [st.factors @ cc for st, cc in zip(states, coeffs_arr, strict=True)]
    peaks = [float(np.abs(gp).max()) if gp.size else 0.0 for gp in gaps]
    peak = peaks.index(max(peaks))
    norm = gaps[peak][np.argmax(np.abs(gaps[peak]))] if gaps[peak].size else 0.0
    coeffs = [cc / norm if norm != 0.0 else cc for cc in coeffs_arr]
    return LinearizedSpectrum(
        eigenvalue=lam, states=states, kernel=kernel, coefficients=coeffs, kernel_dlnt=kernel_dlnt
    )


def leading_eigenvalue(
    problem: PairingProblem,
    mu: float,
    kt: float,
    *,
    reference: bool = False,
    with_slope: bool = False,
    states: list[BandStates] | None = None,
) -> LinearizedSpectrum:
    """Leading eigenpair of the linearised gap operator at chemical potential μ (meV), k_BT (meV).

    Parameters
    ----------
    problem : PairingProblem
    mu, kt : float
        Chemical potential and k_BT, meV.
    reference : bool
        Integrate every K_n(q) by adaptive quadrature (slow; for tests).
    with_slope : bool
        Also keep ∂K/∂ln T, for :meth:`LinearizedSpectrum.log_temperature_slope`.
    states : list of BandStates, optional
        Quadrature states to use (default ``problem.states(mu, kt)``).
    """
    states = problem.states(mu, kt) if states is None else states
    sizes = np.cumsum([st.q.size for st in states])[:-1]
    a = np.concatenate([st.energy for st in states]) - mu
    dk_t = None
    if reference:
        k = pair_susceptibility_reference(a, kt, problem.omega, problem.bands.mass_x)
        if with_slope:  # the slope only steers the iteration: the fast derivative is enough
            _, dk_t, _ = pair_susceptibility_derivatives(
                a, kt, problem.omega, problem.bands.mass_x, problem.n_nodes
            )
    elif with_slope:
        k, dk_t, _ = pair_susceptibility_derivatives(
            a, kt, problem.omega, problem.bands.mass_x, problem.n_nodes
        )
    else:
        k = pair_susceptibility(a, kt, problem.omega, problem.bands.mass_x, problem.n_nodes)
    return _spectrum(problem, states, np.split(k, sizes), None if dk_t is None else np.split(dk_t, sizes))


@dataclass(frozen=True, eq=False)
class TcResult:
    """Critical temperature and diagnostics.

    Attributes
    ----------
    tc : float
        Critical temperature, K (0 when below ``floor``).
    status : str
        ``"converged"`` or ``"below_floor"``.
    converged : bool
        True when the root search met its tolerance (also for ``below_floor``: a valid answer).
    mu : float
        Chemical potential at Tc, meV.
    mu0 : float
        Normal-state chemical potential at T = 0, meV.
    omega : float
        Pairing cutoff ω̃₀, meV.
    eigenvalue : float
        λ at the last evaluated temperature (within ~1e-6 of 1 when converged: Tc is the Newton
        root from there; λ(floor) < 1 when below floor).
    iterations : int
        Function evaluations of the root search.
    mu_mode : str
        ``"fixed"`` or ``"density"``.
    floor : float
        The Tc floor used, K.
    method : str
        Description of the algorithm.
    spectrum : LinearizedSpectrum or None
        Leading eigenpair at Tc (gap shape); None below the floor.
    extras : dict
        Theory-specific scalar diagnostics (see ``PairingTheory.diagnostics`` in
        :mod:`multigap.theories`); empty for BCS.
    """

    tc: float
    status: str
    converged: bool
    mu: float
    mu0: float
    omega: float
    eigenvalue: float
    iterations: int
    mu_mode: str
    floor: float
    method: str = METHOD
    spectrum: LinearizedSpectrum | None = field(default=None, repr=False)
    extras: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """Plain-data summary (JSON-ready), units in the key names."""
        return {
            "tc_K": self.tc,
            "status": self.status,
            "converged": self.converged,
            "mu_meV": self.mu,
            "mu0_meV": self.mu0,
            "omega_meV": self.omega,
            "eigenvalue": self.eigenvalue,
            "iterations": self.iterations,
            "mu_mode": self.mu_mode,
            "tc_floor_K": self.floor,
            **self.extras,
        }


def solve_tc(
    problem: PairingProblem,
    *,
    mu_mode: str = "fixed",
    rtol: float = 1e-10,
    reference: bool = False,
    guess: float | None = None,
) -> TcResult:
    """Critical temperature of a pairing problem.

    Safeguarded Newton iteration on x = ln k_BT for λ(T) = 1, with the exact slope dλ/d ln T
    from the leading eigenpair (Hellmann–Feynman); once a sign change is bracketed, steps that
    leave the bracket are replaced by bisection.  λ − 1 is close to linear in ln T (BCS:
    λ = g ln(1.13 ω/T)), so 2–5 evaluations usually suffice.  This is
    :func:`solve_tc_many` for one problem (the same bits as that problem in any batch).

    Parameters
    ----------
    problem : PairingProblem
        Bands, couplings, cutoff, μ₀, floor.
    mu_mode : {"fixed", "density"}
        ``fixed``: μ = μ₀ at every T.  ``density``: μ(T) keeps the normal-state density of μ₀
        at T = 0.
    rtol : float
        Relative tolerance on Tc.
    reference : bool
        Use the slow adaptive-quadrature kernels (independent check of the fast path).
    guess : float, optional
        Starting estimate of Tc in K (e.g. a neighbouring grid point's); default ω̃₀/(20 k_B).
        0 (a neighbour below the floor) starts at the floor.  Changes the iteration count, not
        the answer (beyond ``rtol``).

    Returns
    -------
    TcResult
        Tc = 0 with status ``below_floor`` if λ(T_floor) < 1 (a valid answer, not an error).

    Raises
    ------
    ConvergenceError
        If no temperature with λ < 1 is found below 1e6 ω̃₀/k_B (unbounded coupling), or the
        iteration does not converge.
    """
    (out,) = solve_tc_many([problem], mu_mode=mu_mode, rtol=rtol, reference=reference, guesses=[guess])
    if isinstance(out, BaseException):
        raise out
    return out


#: Relative size of the diagonal shift that keeps the Cholesky factorisation of a
#: rank-deficient kernel matrix defined: C_n + jitter · tr(C_n)/rank · 1.
_JITTER = 1e-13

#: Per point, the columns k: of band n's Cholesky factor L̂_n are dropped from H when
#: γ_n ‖L̂_n[k:, k:]‖_F² ≤ this × max_m γ_m max diag(Ĉ_m), γ_n = max_j |g_nj| (the band's
#: largest coupling): band n's kernel matrix then changes by a positive semi-definite matrix at
#: most that large, so the operator (g ⊗ 1)C changes by ≲ 1e-14 of its largest coupling-weighted
#: block — ~1e-14 relative to λ near Tc, where λ ≈ 1 is of that size (a λ ≪ 1 far below the
#: floor may change by more relative to itself).  Weighting by the couplings keeps the columns
#: of a strongly coupled band whose kernel matrix is small beside a weakly coupled large one
#: (a review's counter-example: unweighted, λ moved by 4.6e-10).  Bands far from μ have nearly
#: singular K-weighted kernel matrices: 12 bands, H of ~46 instead of 65 rows.  (0 keeps every
#: column.)
_TAIL_RTOL = 1e-14

#: Most Newton/bisection evaluations of one Tc search.
MAX_EVALUATIONS = 200


class _Search:
    """The safeguarded Newton iteration of one Tc search, one evaluation at a time."""

    def __init__(self, problem: PairingProblem, mu_mode: str, rtol: float, guess: float | None) -> None:
        self.problem, self.mu_mode, self.rtol = problem, mu_mode, rtol
        self.density: float | None = None
        if mu_mode == "density":
            st0 = problem.states(problem.mu0, ZERO_T_RESOLUTION * problem.omega)
            self.density = density_on_states(problem, st0, problem.mu0, 0.0)
        self.calls = 0
        self.states: dict[tuple[float, int], list[BandStates]] = {}
        self.x_floor = math.log(KB * problem.tc_floor)
        self.x_max = math.log(problem.omega * 1e6)
        if guess is not None and guess > 0 and math.isfinite(guess):
            self.x = min(max(math.log(KB * guess), self.x_floor), self.x_max)
        elif guess == 0:  # a result below the floor: one evaluation confirms it
            self.x = self.x_floor
        else:
            self.x = math.log(problem.omega / 20.0)
        self.lo: float | None = None  # ln k_BT with λ > 1
        self.hi: float | None = None  # ln k_BT with λ < 1

    def point(self) -> tuple[float, float, tuple[float, int]]:
        """(μ, k_BT, states key) of the next evaluation; μ(T) solved here in mode density."""
        kt = math.exp(self.x)
        p = self.problem
        mu = p.mu0 if self.density is None else normal_mu(p, self.density, kt, p.mu0)
        # q nodes graded to k_BT rounded down to a power of 4: shared by nearby temperatures
        return mu, kt, (mu, math.floor(self.x / math.log(GRADING_BASE)))

    def result(self, x: float, mu: float, spec: LinearizedSpectrum, status: str) -> TcResult:
        below = status == STATUS_BELOW_FLOOR
        p = self.problem
        return TcResult(
            tc=0.0 if below else math.exp(x) / KB,
            status=status,
            converged=True,
            mu=mu,
            mu0=p.mu0,
            omega=p.omega,
            eigenvalue=spec.eigenvalue,
            iterations=self.calls,
            mu_mode=self.mu_mode,
            floor=p.tc_floor,
            spectrum=None if below else spec,
            method=METHOD,
        )

    def advance(
        self, r: float, slope: float, mu: float, spec: Callable[[], LinearizedSpectrum]
    ) -> TcResult | None:
        """Take λ − 1 = ``r`` and dλ/d ln T = ``slope`` at the current x: a result, or None to go on."""
        self.calls += 1
        x = self.x
        if r >= 0:
            self.lo = x
        else:
            self.hi = x
            if x <= self.x_floor:
                return self.result(x, mu, spec(), STATUS_BELOW_FLOOR)
        lo, hi = self.lo, self.hi
        step = -r / slope if slope < 0 else (math.log(GRADING_BASE) if r > 0 else -math.log(GRADING_BASE))
        x_new = x + max(min(step, 16.0), -16.0)
        if lo is not None and hi is not None and not min(lo, hi) < x_new < max(lo, hi):
            x_new = 0.5 * (lo + hi)
        if r == 0.0 or abs(x_new - x) <= self.rtol:
            return self.result(x, mu, spec(), STATUS_CONVERGED)
        if abs(step) <= _NEWTON_FINAL and x_new == x + step:
            # quadratic convergence: the Newton root x + step is exact to ~step² ≪ rtol
            return self.result(x_new, mu, spec(), STATUS_CONVERGED)
        if x_new > self.x_max:
            raise ConvergenceError(
                f"Tc search: eigenvalue {r + 1:.6g} > 1 even at k_BT = {math.exp(x):.6g} meV; "
                "couplings too large for the linearised gap equation"
            )
        if self.calls >= MAX_EVALUATIONS:
            raise ConvergenceError(
                f"Tc search did not converge in {self.calls} evaluations (bracket {lo}, {hi})"
            )
        self.x = max(x_new, self.x_floor)
        return None


@dataclass(frozen=True, eq=False)
class _Batch:
    """Leading eigenpairs of many points' linearised operators, from one flat evaluation."""

    states: list[list[BandStates]]
    starts: NDArray[np.intp]  # first flat state of each point
    kernel: NDArray[np.float64]
    kernel_dlnt: NDArray[np.float64]
    eigenvalue: NDArray[np.float64]
    coefficients: NDArray[np.float64]  # (point, band, rank), unnormalised
    gap: NDArray[np.float64]  # Δ on every flat state (same normalisation as coefficients)
    slope: NDArray[np.float64]  # dλ/d ln T

    def spectrum(self, i: int) -> LinearizedSpectrum:
        """Point i's eigenpair as a :class:`LinearizedSpectrum` (gap normalised as _spectrum does)."""
        states = self.states[i]
        sizes = np.cumsum([st.q.size for st in states])[:-1]
        sl = slice(int(self.starts[i]), int(self.starts[i]) + sum(st.q.size for st in states))
        gaps = np.split(self.gap[sl], sizes)
        peaks = [float(np.abs(gp).max()) if gp.size else 0.0 for gp in gaps]
        peak = peaks.index(max(peaks))
        norm = gaps[peak][np.argmax(np.abs(gaps[peak]))] if gaps[peak].size else 0.0
        coeffs = [cc / norm if norm != 0.0 else cc for cc in self.coefficients[i]]
        return LinearizedSpectrum(
            eigenvalue=float(self.eigenvalue[i]),
            states=states,
            kernel=np.split(self.kernel[sl], sizes),
            coefficients=coeffs,
            kernel_dlnt=np.split(self.kernel_dlnt[sl], sizes),
        )


class _LazySpectrum(LinearizedSpectrum):
    """A point's :class:`LinearizedSpectrum` in a batch, unpacked on first use.

    A sweep of Tc only needs λ; the per-band states, kernels and normalised gap coefficients
    (for gaps, α, bounds) are split out of the batch's flat arrays when first read.
    """

    def __init__(self, batch: _Batch, index: int) -> None:
        object.__setattr__(self, "eigenvalue", float(batch.eigenvalue[index]))
        object.__setattr__(self, "_source", (batch, index))
        object.__setattr__(self, "_full", None)

    def _unpacked(self) -> LinearizedSpectrum:
        full = object.__getattribute__(self, "_full")
        if full is None:
            batch, index = object.__getattribute__(self, "_source")
            full = batch.spectrum(index)
            object.__setattr__(self, "_full", full)
        return full

    states = property(lambda self: self._unpacked().states)  # type: ignore[assignment]
    kernel = property(lambda self: self._unpacked().kernel)  # type: ignore[assignment]
    coefficients = property(lambda self: self._unpacked().coefficients)  # type: ignore[assignment]
    kernel_dlnt = property(lambda self: self._unpacked().kernel_dlnt)  # type: ignore[assignment]


def _band_bases(problem: PairingProblem, states: Sequence[BandStates]) -> list[NDArray[np.float64] | None]:
    """Each band's reduced factor basis V_n (rank × k_n), or None (the whole factor space).

    The bases come from the band structure (``band_bases``, computed once per model: see
    :class:`~multigap.tabulated.TabulatedBands`) and are used when the states carry their
    factors in them (``BandStates.reduced``); the choice depends on the bands alone, so a point
    gives the same bits in any batch.
    """
    bases = getattr(problem.bands, "band_bases", None)
    if bases is None or any(
        st.reduced is None or st.reduced.shape[1] != v.shape[1] for st, v in zip(states, bases, strict=True)
    ):
        return [None] * len(states)
    return list(bases)


def _top_eigenpairs(
    c: NDArray[np.float64],
    bases: list[NDArray[np.float64] | None],
    g: NDArray[np.float64],
    bad: NDArray[np.bool_],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """λ and L v (per band, in the common factor space) of a stack of points.

    ``c[p, n]`` is band n's kernel matrix Ĉ_n = V_nᵀ C_n V_n (k_n × k_n, jittered) padded with
    the identity to the largest k (:func:`_kernel_matrices`), ``bases[n]`` its basis V_n
    (None: the identity).  With Ĉ_n = L̂_n L̂_nᵀ (one stacked Cholesky) and P_n = V_n L̂_n, the
    operator's non-zero spectrum is that of H_ij = g_ij P_iᵀ P_j, of size Σ k_n (12-band
    superlattice: 65 rows instead of 12 × 19).  Per point, the trailing columns of each L̂_n
    whose block is negligible (:data:`_TAIL_RTOL`) are left out of H (12 bands: ~46 rows
    remain).  The top eigenpair of each H comes from LAPACK ``dsyevr``; returns λ and P_n v_n
    (points × bands × rank).  Every step is per point: a point gives the same bits in any batch.
    """
    n_p, n_b, m, _ = c.shape
    dims = np.array([m if v is None else v.shape[1] for v in bases])
    real = np.arange(m) < dims[:, None]  # (band, column): inside the band's k_n
    try:
        chol = np.linalg.cholesky(c)
    except np.linalg.LinAlgError:  # pragma: no cover - C_n + jitter is positive definite
        chol = np.empty_like(c)
        for i in range(n_p):
            try:
                chol[i] = np.linalg.cholesky(c[i])
            except np.linalg.LinAlgError:
                bad[i], chol[i] = True, np.eye(m)
    if bases[0] is None:
        p_bands = chol
    else:
        v_pad = np.zeros((n_b, bases[0].shape[0], m))
        for n, v in enumerate(bases):
            v_pad[n, :, : dims[n]] = v
        p_bands = v_pad @ chol  # P_n (points × bands × rank × m; zero outside k_n)
    # columns of L̂_n kept per point: all up to the first whose trailing block is negligible
    tails = _cholesky_tails(chol * (real[:, :, None] & real[:, None, :]))
    diag = np.where(real, np.diagonal(c, axis1=2, axis2=3), -np.inf)
    weight = np.max(np.abs(g), axis=2)  # (points, bands): γ_n = max_j |g_nj|
    scale = np.max(weight * np.max(diag, axis=2), axis=1)  # max_m γ_m max diag Ĉ_m
    unweighted = ~(scale > 0)  # all couplings 0: the kernel matrices alone decide
    weight[unweighted] = 1.0
    scale = np.where(unweighted, np.max(diag, axis=(1, 2)), scale)
    kept = np.argmax(weight[:, :, None] * tails <= _TAIL_RTOL * scale[:, None, None], axis=2)
    keep = np.arange(m) < kept[:, :, None]  # (points, bands, m); never beyond k_n (tail 0)
    p_all = np.swapaxes(p_bands, 1, 2).reshape(n_p, -1, n_b * m)
    band_of = np.repeat(np.arange(n_b), m)  # band of each row of H
    lam = np.full(n_p, np.nan)
    vecs = np.zeros((n_p, n_b * m))
    for j in np.flatnonzero(~bad):  # H_ij = g_ij P_iᵀ P_j on the kept columns, point by point
        rows = np.flatnonzero(keep[j])
        p_j, rows_band = p_all[j].take(rows, axis=1), band_of.take(rows)
        h_j = g[j].take(rows_band, axis=0).take(rows_band, axis=1) * (p_j.T @ p_j)
        vals, vec, _, _, info = lapack.dsyevr(h_j, compute_v=1, range="I", il=rows.size, iu=rows.size)
        if info != 0:  # pragma: no cover
            bad[j] = True
            continue
        lam[j], vecs[j, rows] = vals[0], vec[:, 0]
    lv = np.asarray((p_bands @ vecs.reshape(n_p, n_b, m, 1))[..., 0], dtype=np.float64)
    return lam, lv


def _cholesky_tails(chol: NDArray[np.floating[Any]]) -> NDArray[np.float64]:
    """‖L[k:, k:]‖_F² for k = 0 … m of a stack of lower-triangular m × m factors (… × (m + 1)).

    Dropping the columns k: of L changes L Lᵀ by L[k:, k:] L[k:, k:]ᵀ (positive semi-definite),
    whose norm is at most this.  L being lower triangular, L[k:, k:] holds the whole columns
    k: of L, so this is the sum of their squared norms.
    """
    columns = np.einsum("...ij,...ij->...j", chol, chol)  # squared norm of each column
    tails = np.zeros((*columns.shape[:-1], columns.shape[-1] + 1))
    tails[..., :-1] = np.cumsum(columns[..., ::-1], axis=-1)[..., ::-1]
    return tails


def _factors(st: BandStates, basis: NDArray[np.float64] | None) -> NDArray[np.float64]:
    """The factors the kernel matrix is built from: reduced (``basis`` given) or whole."""
    if basis is None:
        return st.factors
    assert st.reduced is not None  # _band_bases checked it
    return st.reduced


def _kernel_matrices(
    states: Sequence[BandStates],
    wk: NDArray[np.float64],
    bases: list[NDArray[np.float64] | None],
    n_points: int,
) -> NDArray[np.float64]:
    """Ĉ_n = Σ_q w K X̂_n X̂_nᵀ + jitter of every (point, band): points × bands × k × k.

    ``states`` are the flat (point, band) states, ``wk`` w·K on their concatenated nodes;
    X̂_n are the reduced factors where ``bases[n]`` is given, else the factors.  The jitter is
    :data:`_JITTER` × tr/rank (rank = the common factor space's, so that the reduced and the
    full matrices get the same shift).  Bands with k_n below the largest k are padded with the
    identity (block diagonal: their Cholesky factor is L̂_n ⊕ 1).
    """
    n_b = len(bases)
    r = states[0].factors.shape[1]
    dims = [r if v is None else v.shape[1] for v in bases]
    m = max(dims)
    sizes = [st.q.size for st in states]
    ends = np.cumsum(sizes).tolist()
    groups: dict[tuple[int, int], list[int]] = {}
    for j, size in enumerate(sizes):  # (band, node count) -> its flat (point, band) indices
        groups.setdefault((j % n_b, size), []).append(j)
    out = np.zeros((n_points, n_b, m, m))
    for (n, size), flat in groups.items():
        # one stacked product per group, whose every matrix is computed as alone (same shapes
        # and strides: the same bits in any batch)
        x = np.stack([_factors(states[j], bases[n]) for j in flat])
        wk_g = wk[np.array([ends[j] - size for j in flat])[:, None] + np.arange(size)]
        out[np.array(flat) // n_b, n, : dims[n], : dims[n]] = np.swapaxes(x, 1, 2) @ (wk_g[..., None] * x)
    trace = np.stack([np.trace(out[:, n, :k, :k], axis1=1, axis2=2) for n, k in enumerate(dims)], axis=1)
    diagonal = np.arange(m)
    out[..., diagonal, diagonal] += np.where(
        diagonal < np.array(dims)[:, None], _JITTER * np.maximum(trace / r, 1e-300)[..., None], 1.0
    )
    return out


def _evaluate_batch(
    problems: Sequence[PairingProblem],
    mus: Sequence[float],
    kts: Sequence[float],
    states: list[list[BandStates]],
    reference: bool,
) -> _Batch:
    """λ, the gap and dλ/d ln T of many points sharing one band structure and ``n_nodes``.

    Every reduction is per point (per band) and independent of the other points, so a point
    gives the same bits in any batch.  C_n = Σ_q w K X Xᵀ, C_n + jitter = L_n L_nᵀ,
    H = Lᵀ (g ⊗ 1) L (see :func:`_spectrum`).
    """
    p0 = problems[0]
    n_b = p0.bands.n_bands
    flat = [st for point in states for st in point]
    counts = np.array([st.q.size for st in flat])
    energy = np.concatenate([st.energy for st in flat])
    weight = np.concatenate([st.weight for st in flat])
    factors = np.concatenate([st.factors for st in flat])
    per_point = counts.reshape(len(problems), n_b).sum(axis=1)
    starts = np.concatenate([[0], np.cumsum(per_point)[:-1]]).astype(np.intp)
    mu_s = np.repeat(np.asarray(mus, dtype=float), per_point)
    kt_s = np.repeat(np.asarray(kts, dtype=float), per_point)
    om_s = np.repeat(np.array([p.omega for p in problems]), per_point)
    a = energy - mu_s
    mass_x = p0.bands.mass_x
    k, dk_t, _ = pair_susceptibility_derivatives(a, kt_s, om_s, mass_x, p0.n_nodes)
    if reference:  # the slope only steers the iteration: the fast derivative is enough
        k = np.concatenate(
            [
                pair_susceptibility_reference(a[b : b + n], kt, p.omega, mass_x)
                for b, n, kt, p in zip(starts, per_point, kts, problems, strict=True)
            ]
        )
    r = factors.shape[1]
    bases = _band_bases(p0, states[0])
    c = _kernel_matrices(flat, weight * k, bases, len(problems))
    g = np.stack([p.g for p in problems])
    # a point with non-finite numbers (or a failed factorisation) gets λ = NaN, not the batch
    bad = ~(np.all(np.isfinite(g), axis=(1, 2)) & np.all(np.isfinite(c), axis=(1, 2, 3)))
    c[bad], g[bad] = np.eye(c.shape[2]), np.eye(n_b)
    lam, lv = _top_eigenpairs(c, bases, g, bad)
    # gap coefficients c ∝ (g ⊗ 1) L v, normalised later (1/λ would only scale them, and overflow
    # for λ ≈ 0: a band whose kernel matrix vanishes is left out of H, see _top_eigenpairs)
    coeffs = np.where((lam != 0)[:, None, None], np.einsum("pij,pja->pia", g, lv), lv)
    owner = np.repeat(np.arange(len(flat)), counts)  # flat (point, band) group of each state
    gap = np.einsum("sa,sa->s", factors, coeffs.reshape(len(flat), r)[owner])
    # the slope is a ratio: scale each point's gap to max |Δ| = 1 first (no overflow when λ ≈ 0)
    peak = np.maximum.reduceat(np.abs(gap), starts)
    unit = gap / np.repeat(np.where(peak > 0, peak, 1.0), per_point)
    wg = weight * unit * unit
    num = np.add.reduceat(wg * dk_t, starts)
    den = np.add.reduceat(wg * k, starts)
    slope = np.where(den > 0, lam * num / np.where(den > 0, den, 1.0), 0.0)
    return _Batch(states, starts, k, dk_t, lam, coeffs, gap, slope)


def solve_tc_many(
    problems: Sequence[PairingProblem],
    *,
    mu_mode: str = "fixed",
    rtol: float = 1e-10,
    reference: bool = False,
    guesses: Sequence[float | None] | None = None,
) -> list[TcResult | BaseException]:
    """Critical temperatures of many pairing problems, their Newton iterations run side by side.

    Each problem runs exactly the iteration of :func:`solve_tc` (the same evaluations, the
    same bits); what is shared is the work of one iteration: the quadrature states of all
    problems that need new ones are built in one call, and the pair susceptibilities, kernel
    matrices and eigenproblems of every problem still iterating are evaluated together
    (problems sharing a band structure and ``n_nodes``).  Python overhead per evaluation is
    then paid once per batch instead of once per point.

    Parameters
    ----------
    problems : sequence of PairingProblem
    mu_mode, rtol, reference
        As for :func:`solve_tc`.
    guesses : sequence of float or None, optional
        Starting estimate of each Tc (K), as for :func:`solve_tc`; None entries start cold.

    Returns
    -------
    list of TcResult or exception
        One entry per problem: its result, or the error its search raised (a
        :class:`~multigap.errors.ConvergenceError`, an :class:`~multigap.errors.InputError` of
        the μ solve, …): one failing problem does not stop the others.

    Examples
    --------
    >>> from multigap import preset
    >>> from multigap.problem import pairing_problem
    >>> m = preset("A")
    >>> out = solve_tc_many([pairing_problem(m, eta, g=0.4) for eta in (0.5, 1.0)])
    >>> [round(r.tc) for r in out]
    [157, 251]
    """
    if mu_mode not in MU_MODES:
        raise InputError(f"mu_mode = {mu_mode!r}: must be one of {', '.join(MU_MODES)}")
    n = len(problems)
    guesses = [None] * n if guesses is None else list(guesses)
    if len(guesses) != n:
        raise InputError(f"guesses: {len(guesses)} values for {n} problems")
    out: list[TcResult | BaseException | None] = [None] * n
    searches: dict[int, _Search] = {}
    for i, (problem, guess) in enumerate(zip(problems, guesses, strict=True)):
        try:
            searches[i] = _Search(problem, mu_mode, rtol, guess)
        except _SEARCH_FAILURES as exc:
            out[i] = exc
    while searches:
        todo: dict[int, tuple[float, float, tuple[float, int]]] = {}
        for i, search in list(searches.items()):
            try:
                todo[i] = search.point()
            except _SEARCH_FAILURES as exc:
                out[i] = exc
                del searches[i]
        groups: dict[tuple[int, int], list[int]] = {}
        for i in todo:
            p = searches[i].problem
            groups.setdefault((id(p.bands), p.n_nodes), []).append(i)
        for members in groups.values():
            missing = [i for i in members if todo[i][2] not in searches[i].states]
            if missing:
                built = band_states_many(
                    searches[missing[0]].problem.bands,
                    [todo[i][0] for i in missing],
                    [searches[i].problem.omega for i in missing],
                    [4.0 ** todo[i][2][1] for i in missing],
                    searches[missing[0]].problem.n_nodes,
                )
                for i, st in zip(missing, built, strict=True):
                    searches[i].states[todo[i][2]] = st
            batch = _evaluate_batch(
                [searches[i].problem for i in members],
                [todo[i][0] for i in members],
                [todo[i][1] for i in members],
                [searches[i].states[todo[i][2]] for i in members],
                reference,
            )
            for j, i in enumerate(members):
                try:
                    if not (math.isfinite(batch.eigenvalue[j]) and math.isfinite(batch.slope[j])):
                        raise NonFiniteError(
                            "non-finite eigenvalue of the linearised gap equation at "
                            f"k_BT = {todo[i][1]:.6g} meV (non-finite couplings or bands?)"
                        )
                    done = searches[i].advance(
                        float(batch.eigenvalue[j]) - 1.0,
                        float(batch.slope[j]),
                        todo[i][0],
                        functools.partial(_LazySpectrum, batch, j),
                    )
                except _SEARCH_FAILURES as exc:
                    out[i] = exc
                    del searches[i]
                    continue
                if done is not None:
                    out[i] = done
                    del searches[i]
    return [r for r in out if r is not None]


#: Errors that end one search of :func:`solve_tc_many` (recorded for that problem only).
_SEARCH_FAILURES: tuple[type[BaseException], ...] = (MultigapError, ArithmeticError, np.linalg.LinAlgError)


def tc_slopes(problem: PairingProblem, result: TcResult) -> dict[str, float]:
    """Exact logarithmic slopes of Tc at fixed μ (Hellmann–Feynman on the leading eigenpair).

    At Tc, λ(T, ω) = 1, so d ln Tc/d ln ω = −(∂λ/∂ln ω)/(∂λ/∂ln T) with
    ∂λ/∂p = λ Σ w (∂K/∂p) Δ² / Σ w K Δ² over all states (Δ the eigenvector on the nodes).

    Returns
    -------
    dict
        ``dlnλ_dlnT`` and ``dlnλ_dlnω`` at Tc and ``dlnTc_dlnω`` (dimensionless).
    """
    if result.spectrum is None or result.tc <= 0:
        raise InputError("tc_slopes needs a converged Tc above the floor")
    kt = KB * result.tc
    # ∂K/∂ω is 1/√-singular at the shell edges: grade the q nodes deeper there
    states = problem.states(result.mu, kt, KINK_DEPTH_DERIVATIVE)
    spec = leading_eigenvalue(problem, result.mu, kt, states=states)
    num_t = num_w = den = 0.0
    for st, gap in zip(spec.states, spec.gap_on_nodes(), strict=True):
        k, dk_t, dk_w = pair_susceptibility_derivatives(
            st.energy - result.mu, kt, problem.omega, problem.bands.mass_x, problem.n_nodes
        )
        wg = st.weight * gap * gap
        den += float(np.dot(wg, k))
        num_t += float(np.dot(wg, dk_t))
        num_w += float(np.dot(wg, dk_w))
    return {
        "dlnλ_dlnT": num_t / den,
        "dlnλ_dlnω": num_w / den,
        "dlnTc_dlnω": -num_w / num_t,
    }


def critical_temperature(
    model: Model,
    *,
    eta: float,
    g: float | None = None,
    mu_mode: str = "fixed",
    interband: float | ArrayLike | None = None,
    omega0: float | None = None,
    n_nodes: int | None = None,
) -> TcResult:
    """Critical temperature of ``model`` at Lifshitz parameter η (docs/theory.md#tc).

    Parameters
    ----------
    model : Model
        The superlattice model (bands are computed once per lattice and cached).
    eta : float
        Lifshitz parameter η = (μ₀ − E_L)/ΔE (dimensionless).
    g : float, optional
        Active-band coupling g = g₃₃; default the model's.
    mu_mode : {"fixed", "density"}
        μ = μ₀ (default) or μ(T) at the normal-state density of μ₀.
    interband : float or array_like, optional
        Common interband coupling, or the full matrix.
    omega0 : float, optional
        Bare phonon energy ω₀, meV.
    n_nodes : int, optional
        Quadrature nodes per panel (default ``model.numerics.n_q``).

    Returns
    -------
    TcResult
    """
    from .problem import pairing_problem

    problem = pairing_problem(model, eta, g=g, interband=interband, omega0=omega0, n_nodes=n_nodes)
    return solve_tc(problem, mu_mode=mu_mode)
