"""Self-consistent gaps Δ_n(q) jointly with the number equation (paper eqs. 6–7, docs/theory.md#gaps).

Δ_n(q) = Σ_n' ∫ dq'/(2π) g_nn' Ĩ^{nn'}(q,q') F_n'(q'; μ, Δ, T) Δ_n'(q'),
ρ = 2 Σ_n ∫ dq/(2π) ∫ dk_x/(2π) v²   (standard BCS form; mode ``density`` keeps ρ = ρ(μ₀, T = 0)).

With the factorised overlaps every solution has the form Δ_n(q) = X_n(q)·c_n.  On the quadrature
nodes of one μ the factors are compressed by an SVD (X_n ≈ Y_n V_nᵀ), so the unknowns are the
few numbers z_n = V_nᵀ c_n and μ; they are found with MINPACK's hybrid Powell method
(:func:`scipy.optimize.root`, ``hybr``), warm-started from the Tc eigenvector scaled to the BCS
gap.  The q nodes follow μ: after each converged pass they are rebuilt at the new μ and the
solve is repeated (warm) until μ stops moving.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy import optimize

from .constants import BCS_GAP_RATIO, HBAR2_2ME, KB
from .errors import ConvergenceError, InputError, NormalStateCollapse
from .kernels import gap_kernel
from .model import TC_FLOOR_MIN, check_finite, check_real
from .overlap import factor_basis
from .problem import MU_MODES, PairingProblem, density_on_states
from .states import ZERO_T_RESOLUTION, BandStates
from .status import Status
from .tc import TcResult, solve_tc

__all__ = ["GapResult", "solve_gaps"]

_SVD_RTOL = 1e-12


@dataclass(frozen=True, eq=False)
class GapResult:
    """Self-consistent gaps and diagnostics.

    Attributes
    ----------
    temperature : float
        Temperature, K.
    mu : float
        Chemical potential in the superconducting state, meV.
    mu0 : float
        Normal-state chemical potential at T = 0, meV.
    omega : float
        Pairing cutoff ω̃₀, meV.
    mu_mode : str
        ``"density"`` (μ solved with the number equation) or ``"fixed"`` (μ = μ₀).
    status : str
        ``"converged"`` or ``"normal"`` (T ≥ Tc or Tc below the floor: all gaps 0).
    converged : bool
        Whether the solve met its tolerance.
    iterations : int
        Residual evaluations, all passes.
    passes : int
        Number of q-grid rebuilds.
    residual : float
        Largest relative residual of the gap and number equations at the solution.
    states : list of BandStates
        Quadrature states of the final pass.
    coefficients : list of ndarray
        c_n, with Δ_n(q) = X_n(q)·c_n in meV at any q.
    tc : TcResult
        The critical temperature used for the warm start.
    method : str
    """

    temperature: float
    mu: float
    mu0: float
    omega: float
    mu_mode: str
    status: str
    converged: bool
    iterations: int
    passes: int
    residual: float
    states: list[BandStates] = field(repr=False)
    coefficients: list[NDArray[np.float64]] = field(repr=False)
    tc: TcResult = field(repr=False)
    method: str = "hybr on SVD-compressed gap coefficients and mu; q grid rebuilt at mu"

    @property
    def mu_shift(self) -> float:
        """μ − μ₀ in meV."""
        return self.mu - self.mu0

    def gap_on_nodes(self) -> list[NDArray[np.float64]]:
        """Δ_n(q) in meV at each band's quadrature nodes."""
        return [st.factors @ c for st, c in zip(self.states, self.coefficients, strict=True)]


def _compress(x: NDArray) -> tuple[NDArray, NDArray]:
    """X ≈ Y Vᵀ with orthonormal V (r × r'), dropping singular values below _SVD_RTOL·max."""
    v = factor_basis(x, _SVD_RTOL)
    return x @ v, v


def _solve_on_grid(
    problem: PairingProblem,
    states: list[BandStates],
    mu: float,
    coeffs: list[NDArray],
    kt: float,
    density: float | None,
    tol: float,
) -> tuple[list[NDArray], float, float, int, bool, str]:
    """One hybr solve of the gap (and number) equations on fixed quadrature states.

    Returns the coefficients c_n, μ, the largest residual, evaluations, success and message.
    """
    n_b = problem.bands.n_bands
    comp = [_compress(st.factors) for st in states]
    offs = np.concatenate([[0], np.cumsum([y.shape[1] for y, _ in comp])]).astype(int)
    cross = [[comp[i][1].T @ comp[j][1] for j in range(n_b)] for i in range(n_b)]
    z0 = np.concatenate([comp[n][1].T @ coeffs[n] for n in range(n_b)])
    zscale = max(float(np.max(np.abs(z0))), 1e-300)
    calls = 0
    # relative residual of the number equation; for an empty system (μ₀ below every band) the
    # density of one pairing shell, 2N₀·ω̃, sets the scale instead
    n0 = problem.bands.mass_x / (4.0 * np.pi * HBAR2_2ME)
    density_scale = density if density else 2.0 * n0 * problem.omega

    def unpack(x: NDArray) -> list[NDArray]:
        return [x[offs[n] : offs[n + 1]] * zscale for n in range(n_b)]

    def resid(x: NDArray) -> NDArray:
        nonlocal calls
        calls += 1
        z = unpack(x[:-1])
        m = mu + x[-1] * problem.omega
        deltas = [comp[n][0] @ z[n] for n in range(n_b)]
        b = []
        for n, st in enumerate(states):
            f = gap_kernel(st.energy - m, deltas[n], kt, problem.omega, problem.bands.mass_x, problem.n_nodes)
            b.append(comp[n][0].T @ (st.weight * f * deltas[n]))
        out = [
            z[i] - sum(problem.g[i, j] * (cross[i][j] @ b[j]) for j in range(n_b) if problem.g[i, j] != 0)
            for i in range(n_b)
        ]
        r = np.concatenate(out) / zscale
        if density is None:
            return np.append(r, 0.0)
        rho = density_on_states(problem, states, m, kt, deltas)
        return np.append(r, (rho - density) / density_scale)

    x0 = np.append(z0 / zscale, 0.0)
    if density is None:
        sol = optimize.root(lambda x: resid(np.append(x, 0.0))[:-1], x0[:-1], method="hybr", tol=tol)
        x_sol = np.append(sol.x, 0.0)
    else:
        sol = optimize.root(resid, x0, method="hybr", tol=tol)
        x_sol = sol.x
    residual = float(np.max(np.abs(resid(x_sol))))
    z = unpack(x_sol[:-1])
    new_coeffs = [comp[n][1] @ z[n] for n in range(n_b)]
    return (
        new_coeffs,
        float(mu + x_sol[-1] * problem.omega),
        residual,
        calls,
        bool(sol.success),
        str(sol.message),
    )


def _normal(problem: PairingProblem, tc: TcResult, temperature: float, mu_mode: str, kt: float) -> GapResult:
    """The normal-state answer: all gaps 0, μ = μ₀, status ``normal``."""
    states = problem.states(problem.mu0, max(kt, ZERO_T_RESOLUTION * problem.omega))
    r = states[0].factors.shape[1] if states else 0
    return GapResult(
        temperature=temperature, mu=problem.mu0, mu0=problem.mu0, omega=problem.omega,
        mu_mode=mu_mode, status=str(Status.NORMAL), converged=True, iterations=0, passes=0, residual=0.0,
        states=states, coefficients=[np.zeros(r) for _ in range(problem.bands.n_bands)], tc=tc,
    )  # fmt: skip


def solve_gaps(
    problem: PairingProblem,
    *,
    temperature: float = 0.0,
    mu_mode: str = "density",
    tc: TcResult | None = None,
    tol: float = 1e-10,
    max_passes: int = 8,
) -> GapResult:
    """Solve the gap equation (and, in mode ``density``, the number equation).

    Parameters
    ----------
    problem : PairingProblem
        Bands, couplings, cutoff, μ₀.
    temperature : float
        Temperature in K: 0 (default) or >= :data:`~multigap.model.TC_FLOOR_MIN` (1e-20 K).
    mu_mode : {"density", "fixed"}
        ``density`` (default): μ is solved jointly so that the density equals the normal-state
        density of μ₀ at T = 0.  ``fixed``: μ = μ₀.
    tc : TcResult, optional
        A Tc result of the same problem (fixed μ) for the warm start; computed if omitted.
    tol : float
        Tolerance of the nonlinear solve (relative, on the unknowns).
    max_passes : int
        Largest number of q-grid rebuilds.

    Returns
    -------
    GapResult
        All gaps zero with status ``normal`` when T ≥ Tc, Tc is below the floor, or (mode
        ``density``) μ₀ lies below every band so that there are no electrons to pair.

    Raises
    ------
    NormalStateCollapse
        (a :class:`~multigap.errors.ConvergenceError`) when the solve ends in the normal state
        (all gaps 0) below Tc.
    ConvergenceError
        When the solver fails, or a value is not finite
        (:class:`~multigap.errors.NonFiniteError`).

    Notes
    -----
    Gaps carry a sign: with a repulsive (negative) interband coupling the gaps of coupled bands
    have opposite signs (s± pairing), so a negative Δ_n — and a negative 2Δ_n/k_BTc — is a
    valid result, not an error; its magnitude is the gap of band n.
    """
    if mu_mode not in MU_MODES:
        raise InputError(f"mu_mode = {mu_mode!r}: must be one of {', '.join(MU_MODES)}")
    temperature = check_real("temperature", temperature, low=0.0, error=InputError)
    if 0.0 < temperature < TC_FLOOR_MIN:  # k_BT so small that E/k_BT overflows in the kernels
        raise InputError(
            f"temperature = {temperature!r} K: must be 0 or >= {TC_FLOOR_MIN:g} K (use 0 for T = 0)"
        )
    kt = KB * temperature
    tc = solve_tc(problem) if tc is None else tc
    floor_scale = ZERO_T_RESOLUTION * problem.omega
    if tc.tc <= temperature or tc.spectrum is None:
        return _normal(problem, tc, temperature, mu_mode, kt)
    density = None
    if mu_mode == "density":
        st0 = problem.states(problem.mu0, floor_scale)
        density = density_on_states(problem, st0, problem.mu0, 0.0)
        if density == 0.0:  # μ₀ below every band: no electrons, nothing to condense
            return _normal(problem, tc, temperature, mu_mode, kt)
    # warm start: the Tc eigenvector, scaled to the BCS gap of the dominant band
    scale0 = BCS_GAP_RATIO / 2.0 * KB * tc.tc * math.sqrt(max(0.0, 1.0 - (temperature / tc.tc) ** 3))
    coeffs = [c * scale0 for c in tc.spectrum.coefficients]
    mu = problem.mu0
    calls = 0
    passes = 0
    residual = math.inf
    states: list[BandStates] = []
    moved = math.inf
    while passes < max_passes:
        passes += 1
        states = problem.states(mu, max(kt, floor_scale))
        coeffs, new_mu, residual, n_calls, ok, message = _solve_on_grid(
            problem, states, mu, coeffs, kt, density, tol
        )
        calls += n_calls
        moved, mu = abs(new_mu - mu), new_mu
        if not ok and residual > 1e-6:
            raise ConvergenceError(
                f"gap equation did not converge at T = {temperature} K (pass {passes}): {message} "
                f"(largest residual {residual:.3g} after {calls} evaluations)"
            )
        if moved <= 1e-9 * max(problem.omega, 1.0):
            break
    else:
        raise ConvergenceError(
            f"gap equation: mu still moving after {max_passes} q-grid rebuilds (last step {moved:.3g} meV)"
        )
    check_finite(
        f"gap equation at T = {temperature} K", mu=mu, residual=residual, gaps=np.concatenate(coeffs)
    )
    # final states at the converged mu
    states = problem.states(mu, max(kt, floor_scale))
    peak = max(float(np.max(np.abs(st.factors @ c))) for st, c in zip(states, coeffs, strict=True))
    if peak < 1e-6 * scale0:
        raise NormalStateCollapse(
            f"gap equation collapsed to the normal state at T = {temperature} K although Tc = {tc.tc:.6g} K"
        )
    return GapResult(
        temperature=temperature, mu=mu, mu0=problem.mu0, omega=problem.omega, mu_mode=mu_mode,
        status=str(Status.CONVERGED), converged=True, iterations=calls, passes=passes, residual=residual,
        states=states, coefficients=coeffs, tc=tc,
    )  # fmt: skip
