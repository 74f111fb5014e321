"""Critical temperature from the linearised multi-band gap equation (paper eq. 8, docs/theory.md#tc).

Δ_n(q) = Σ_n' ∫ dq'/(2π) g_nn' Ĩ^{nn'}(q,q') K_n'(q'; μ, T) Δ_n'(q').

Because the overlaps factorise, Ĩ^{nn'}(q,q') = X_n(q)·X_n'(q') (a Gram matrix over z nodes),
the operator's non-zero spectrum is that of a small symmetric matrix

    H = Lᵀ (g ⊗ 1) L,   L = blockdiag(L_n),   L_n L_nᵀ = C_n = Σ_q w K_n(q) X_n(q) X_n(q)ᵀ,

whose size is n_bands × rank, independent of the number of q nodes.  Tc is the temperature at
which its largest eigenvalue λ(T) equals 1, found by a safeguarded Newton iteration on ln T with
the Hellmann–Feynman slope dλ/d ln T.  The gap shape at Tc is Δ_n(q) = X_n(q)·c_n at any q
(Nyström interpolation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.linalg import lapack

from .constants import KB
from .errors import ConvergenceError, InputError
from .kernels import pair_susceptibility, pair_susceptibility_derivatives, pair_susceptibility_reference
from .problem import MU_MODES, PairingProblem, density_on_states, normal_mu
from .states import KINK_DEPTH_DERIVATIVE, BandStates

if TYPE_CHECKING:
    from .model import Model

__all__ = [
    "TcResult",
    "LinearizedSpectrum",
    "critical_temperature",
    "leading_eigenvalue",
    "solve_tc",
    "tc_slopes",
]

STATUS_CONVERGED = "converged"
STATUS_BELOW_FLOOR = "below_floor"
_NEWTON_FINAL = 1e-6  # last Newton step (in ln T) accepted without a confirming evaluation
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
    the gap coefficients c = (g ⊗ 1) L v / λ.  A relative jitter of 1e-13 keeps the Cholesky
    factorisation defined for rank-deficient C_n (bands whose densities barely vary with q).
    """
    c = np.stack(
        [st.factors.T @ ((st.weight * k)[:, None] * st.factors) for st, k in zip(states, kernel, strict=True)]
    )
    n_b, r, _ = c.shape
    jitter = 1e-13 * np.maximum(np.trace(c, axis1=1, axis2=2) / r, 1e-300)
    chol = np.empty_like(c)
    eye = np.eye(r)
    for n in range(n_b):
        chol[n], info = lapack.dpotrf(c[n] + jitter[n] * eye, lower=1, clean=1)
        if info != 0:  # pragma: no cover - C_n + jitter is positive definite
            raise ConvergenceError(
                f"Cholesky factorisation of band {n + 1}'s kernel matrix failed (info {info})"
            )
    h = problem.g[:, None, :, None] * np.einsum("iab,jac->ibjc", chol, chol)  # H_ij = g_ij L_iᵀ L_j
    size = n_b * r
    vals, vecs, _, _, info = lapack.dsyevr(h.reshape(size, size), compute_v=1, range="I", il=size, iu=size)
    if info != 0:  # pragma: no cover
        raise ConvergenceError(f"symmetric eigensolver (LAPACK dsyevr) failed (info {info})")
    lam = float(vals[0])
    v = vecs[:, 0].reshape(n_b, r)
    lv = np.einsum("iab,ib->ia", chol, v)
    coeffs_arr = problem.g @ lv / lam if lam != 0 else lv
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
    λ = g ln(1.13 ω/T)), so 2–5 evaluations usually suffice.

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
        Changes the iteration count, not the answer (beyond ``rtol``).

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
    if mu_mode not in MU_MODES:
        raise InputError(f"mu_mode = {mu_mode!r}: must be one of {', '.join(MU_MODES)}")
    density = None
    if mu_mode == "density":
        st0 = problem.states(problem.mu0, 1e-9 * problem.omega)
        density = density_on_states(problem, st0, problem.mu0, 0.0)
    calls = 0
    state_cache: dict[tuple[float, int], list[BandStates]] = {}

    def evaluate(x: float) -> tuple[float, float, float, LinearizedSpectrum]:
        nonlocal calls
        calls += 1
        kt = math.exp(x)
        mu = problem.mu0 if density is None else normal_mu(problem, density, kt, problem.mu0)
        # q nodes graded to k_BT rounded down to a power of 4: shared by nearby temperatures
        level = math.floor(x / math.log(4.0))
        key = (mu, level)
        if key not in state_cache:
            state_cache[key] = problem.states(mu, 4.0**level)
        spec = leading_eigenvalue(
            problem, mu, kt, reference=reference, with_slope=True, states=state_cache[key]
        )
        return spec.eigenvalue - 1.0, spec.log_temperature_slope(), mu, spec

    def result(x: float, mu: float, spec: LinearizedSpectrum, status: str) -> TcResult:
        below = status == STATUS_BELOW_FLOOR
        return TcResult(
            tc=0.0 if below else math.exp(x) / KB,
            status=status,
            converged=True,
            mu=mu,
            mu0=problem.mu0,
            omega=problem.omega,
            eigenvalue=spec.eigenvalue,
            iterations=calls,
            mu_mode=mu_mode,
            floor=problem.tc_floor,
            spectrum=None if below else spec,
            method=METHOD,
        )

    x_floor = math.log(KB * problem.tc_floor)
    x_max = math.log(problem.omega * 1e6)
    if guess is not None and guess > 0 and math.isfinite(guess):
        x = min(max(math.log(KB * guess), x_floor), x_max)
    else:
        x = math.log(problem.omega / 20.0)
    lo = hi = None  # ln k_BT with λ > 1 (lo) and λ < 1 (hi)
    for _ in range(200):
        r, slope, mu, spec = evaluate(x)
        if r >= 0:
            lo = x
        else:
            hi = x
            if x <= x_floor:
                return result(x, mu, spec, STATUS_BELOW_FLOOR)
        step = -r / slope if slope < 0 else (math.log(4.0) if r > 0 else -math.log(4.0))
        x_new = x + max(min(step, 16.0), -16.0)
        if lo is not None and hi is not None and not min(lo, hi) < x_new < max(lo, hi):
            x_new = 0.5 * (lo + hi)
        if r == 0.0 or abs(x_new - x) <= rtol:
            return result(x, mu, spec, STATUS_CONVERGED)
        if abs(step) <= _NEWTON_FINAL and x_new == x + step:
            # quadratic convergence: the Newton root x + step is exact to ~step² ≪ rtol
            return result(x_new, mu, spec, STATUS_CONVERGED)
        if x_new > x_max:
            raise ConvergenceError(
                f"Tc search: eigenvalue {r + 1:.6g} > 1 even at k_BT = {math.exp(x):.6g} meV; "
                "couplings too large for the linearised gap equation"
            )
        x = max(x_new, x_floor)
    raise ConvergenceError(f"Tc search did not converge in {calls} evaluations (bracket {lo}, {hi})")


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
