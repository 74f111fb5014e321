"""Superfluid stiffness of the multiband mean-field state and the BKT bound on Tc.

The superlattice is two-dimensional: free along the wires (x), periodic across them (z).  Its
mean-field (BCS) state at temperature T has the superfluid weight, for i ∈ {x, z},

    D^{ii} = Σ_n ∫ d²k/(2π)² [ (1/ħ²) ∂²ξ_n/∂k_i² · (1 − (ξ/E) tanh(E/2k_BT))
                               − (2/ħ²) (∂ξ_n/∂k_i)² (−∂f/∂E) ],

with ξ = E_n(q) + ħ²k_x²/2m_x − μ, E = √(ξ² + Δ_n(q)²) inside the pairing shell |ξ| < ω̃₀ and
E = |ξ| outside, Δ_n(q) and μ from the finite-temperature gap solver
(:func:`multigap.gaps.solve_gaps`, with the number equation in μ mode ``density``), and
f(E) = 1/(e^{E/k_BT} + 1).  The first (diamagnetic) term is the band curvature weighted by the
occupation — ħ²/m_x along x, the exact Kronig–Penney curvature ∂²E_n/∂q² along z — and the
second (paramagnetic) term counts thermally excited quasiparticles.  The phase stiffness of
pairs (charge 2e, mass 2m) is J^{ii} = ħ²D^{ii}/4 (meV), J = √(J^{xx} J^{zz}) for the
anisotropic plane.  Equivalently J^{ii} = ∂²Ω/∂Q_i² for a condensate whose pairs carry momentum
Q (a uniform phase twist), with the gap held as a function of the pair's relative momentum
(:func:`twisted_free_energy`; the tests check one against the other).

Berezinskii–Kosterlitz–Thouless: vortex pairs unbind, and phase coherence is lost, at the
temperature where k_BT = (π/2) J(T) (the universal jump of Nelson and Kosterlitz).
:func:`bkt_temperature` solves this on [0, min(T_MF, (π/2)J(0)/k_B)] by a bracketed root
search; :class:`BKTBound` is the ``"bkt"`` bound of :mod:`multigap.theories`:
Tc = min(T_MF, T_BKT).  Between T_BKT and T_MF pairs exist without phase coherence (the
preformed-pair, or pseudogap, region).

What is left out: the interband (quantum-geometric) part of the superfluid weight — the
current operator's matrix elements between different subbands — which is of relative order
Δ/(band separation); the vortex renormalisation of J(T) (the bound uses the bare mean-field J).

Units: energies and J in meV, temperatures in K, densities in 1/nm², momenta in 1/nm.

Examples
--------
>>> from multigap import preset
>>> from multigap.problem import pairing_problem
>>> from multigap.stiffness import superfluid_stiffness
>>> s = superfluid_stiffness(pairing_problem(preset("A"), 1.0, g=0.4))
>>> s.jxx > s.jzz > 0
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize

from .constants import HBAR2_2ME, KB
from .errors import ConvergenceError, InputError, MultigapError, NormalStateCollapse
from .kernels import occupation
from .model import check_real
from .quadrature import graded_nodes
from .states import ZERO_T_RESOLUTION
from .status import Status
from .theories import BoundResult, PairingTheory, TcBound, get_theory

if TYPE_CHECKING:
    from .bands import BandStructure
    from .gaps import GapResult
    from .problem import PairingProblem
    from .tc import TcResult

__all__ = [
    "Stiffness",
    "BKTResult",
    "BKTBound",
    "band_derivatives",
    "stiffness_from_gaps",
    "superfluid_stiffness",
    "twisted_free_energy",
    "bkt_temperature",
    "BKT_RTOL",
    "BOUND_RTOL",
    "MAX_TEMPERATURE",
]

#: Default relative tolerance of T_BKT (bracketed root search).
BKT_RTOL = 1e-6
#: Default relative tolerance of T_BKT in :class:`BKTBound` (maps, cuts): one gap solve fewer.
BOUND_RTOL = 1e-4
#: Largest temperature (K) :func:`superfluid_stiffness` accepts: k_BT = 8.6 eV, far above every
#: mean-field Tc (k_BTc < ω̃₀) of the models; beyond it the thermal tails overflow (k_BT·60 in
#: ξ², at T ~ 1e150 K) and the state is normal anyway (J = 0).
MAX_TEMPERATURE = 1e5
#: Thermal tails are integrated up to |ξ| = edge + _TAIL k_BT (e^{-60} neglected).
_TAIL = 60.0
#: Largest number of gap solves spent looking for a collapse below a failed temperature.
_COLLAPSE_PROBES = 6
#: Relative step of the finite-difference band derivatives used when a band structure has no
#: ``energy_derivatives`` method (central differences; error ~ step² and rounding/step²).
_FD_STEP = 1e-4


def band_derivatives(
    bands: BandStructure, q: ArrayLike, band: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """∂E_n/∂q (meV nm) and ∂²E_n/∂q² (meV nm²) of one 0-based band at q (1/nm).

    Uses the band structure's ``energy_derivatives`` when it has one (exact for
    :class:`~multigap.tabulated.TabulatedBands` and :class:`~multigap.analytic.ParabolicBands`),
    central finite differences of ``energies`` otherwise.
    """
    q = np.atleast_1d(np.asarray(q, dtype=float))
    exact = getattr(bands, "energy_derivatives", None)
    if exact is not None:
        d1, d2 = exact(q, band)
        return np.asarray(d1, dtype=float), np.asarray(d2, dtype=float)
    h = _FD_STEP * math.pi / bands.period
    e0 = bands.energies(q, band=band)
    ep = bands.energies(q + h, band=band)
    em = bands.energies(q - h, band=band)
    return (ep - em) / (2.0 * h), (ep - 2.0 * e0 + em) / (h * h)


# ----------------------------------------------------------------------- k_x quadrature


def _grading(s0: NDArray, width: NDArray | float) -> NDArray:
    """Width in s of a structure of energy width ``width`` at s0 (ξ = a + s², dξ = 2s ds)."""
    w = np.broadcast_to(np.asarray(width, dtype=float), s0.shape)
    return w / (np.sqrt(s0 * s0 + w) + s0)


@dataclass(frozen=True)
class _SGrid:
    """Nodes in s = ħk_x/√(2m_x) ≥ 0 for many states: s, weights, ξ, and the shell mask."""

    s: NDArray[np.float64]
    w: NDArray[np.float64]
    xi: NDArray[np.float64]
    inside: NDArray[np.bool_]


def _s_grid(a: NDArray, delta: NDArray, kt: float, omega: float, n_nodes: int) -> _SGrid:
    """Quadrature in s for the states a = E_n(q) − μ, split at the shell edges and Fermi point.

    Segments: below the shell (ξ < −ω, graded towards its edge), the shell either side of the
    Fermi point (graded towards it with the smallest of 2k_BT and Δ), and, for T > 0, the
    thermal tail above the shell up to ξ = max(a, ω) + 60 k_BT.
    """
    s_lo = np.sqrt(np.maximum(-omega - a, 0.0))
    s_p = np.sqrt(np.maximum(-a, 0.0))
    s_hi = np.sqrt(np.maximum(omega - a, 0.0))
    d = np.abs(delta)
    fine = np.minimum(np.where(d > 0, d, np.inf), 2.0 * kt if kt > 0 else np.inf)
    fine = np.where(np.isfinite(fine), fine, ZERO_T_RESOLUTION * omega)
    edge = 2.0 * kt if kt > 0 else omega
    segs = [
        (s_lo, -1.0, s_lo, _grading(s_lo, edge)),  # below the shell
        (s_p, -1.0, s_p - s_lo, _grading(s_p, fine)),  # shell, below the Fermi point
        (s_p, 1.0, np.maximum(s_hi - s_p, 0.0), _grading(s_p, fine)),  # shell, above it
    ]
    if kt > 0:
        s_top = np.sqrt(np.maximum(a, omega) + _TAIL * kt - a)
        segs.append((s_hi, 1.0, s_top - s_hi, _grading(s_hi, 2.0 * kt)))
    s_parts, w_parts = [], []
    for s0, sign, length, scale in segs:
        u, w = graded_nodes(length, np.maximum(scale, 1e-300), n_nodes)
        s_parts.append(s0[:, None] + sign * u)
        w_parts.append(w)
    s = np.concatenate(s_parts, axis=1)
    w = np.concatenate(w_parts, axis=1)
    xi = a[:, None] + s * s
    return _SGrid(s=s, w=w, xi=xi, inside=np.abs(xi) < omega)


def _minus_fermi_derivative(e: NDArray, kt: float) -> NDArray:
    """−∂f/∂E = sech²(E/2k_BT)/(4k_BT) in 1/meV (0 at T = 0, where every E > 0 here)."""
    if kt <= 0:
        return np.zeros_like(e)
    t = np.tanh(e / (2.0 * kt))
    return (1.0 - t * t) / (4.0 * kt)


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True, eq=False)
class Stiffness:
    """Phase stiffness of the mean-field state at one temperature.

    Attributes
    ----------
    temperature : float
        K.
    jxx, jzz : float
        J^{xx} = ħ²D^{xx}/4 and J^{zz}, meV (x along the wires, z across them).
    jxx_bands, jzz_bands : ndarray
        Contributions of each band, meV (they sum to ``jxx``, ``jzz``).
    density : float
        Electron density (both spins), 1/nm².
    density_bands : ndarray
        Density of each band, 1/nm².
    mu : float
        Chemical potential of the state, meV.
    mass_x : float
        Mass along x, m_e.
    status : Status
        ``converged`` (gapped state) or ``normal`` (T ≥ T_MF: J = 0 exactly, per band too; the
        Kubo terms cancel there by the f-sum rule, so they are not summed).
    gaps : GapResult
        The gap solution the stiffness was computed from.
    """

    temperature: float
    jxx: float
    jzz: float
    jxx_bands: NDArray[np.float64]
    jzz_bands: NDArray[np.float64]
    density: float
    density_bands: NDArray[np.float64]
    mu: float
    mass_x: float
    status: Status
    gaps: GapResult = field(repr=False)

    @property
    def j(self) -> float:
        """J = √(J^{xx} J^{zz}), meV (0 when either is ≤ 0)."""
        return math.sqrt(self.jxx * self.jzz) if self.jxx > 0 and self.jzz > 0 else 0.0

    @property
    def galilean_jxx(self) -> float:
        """ħ²n/(4m_x), meV: J^{xx} at T = 0 for a free direction (all electrons superfluid)."""
        return HBAR2_2ME * self.density / (2.0 * self.mass_x)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary, units in the key names."""
        return {
            "temperature_K": self.temperature,
            "jxx_meV": self.jxx,
            "jzz_meV": self.jzz,
            "j_meV": self.j,
            "jxx_bands_meV": self.jxx_bands.tolist(),
            "jzz_bands_meV": self.jzz_bands.tolist(),
            "density_nm-2": self.density,
            "density_bands_nm-2": self.density_bands.tolist(),
            "mu_meV": self.mu,
            "status": str(self.status),
        }


def stiffness_from_gaps(problem: PairingProblem, result: GapResult) -> Stiffness:
    """J^{xx}, J^{zz} (meV) of a gap solution (Kubo formula, module docstring).

    Parameters
    ----------
    problem : PairingProblem
        The problem the gaps were solved for.
    result : GapResult
        Gaps Δ_n(q), μ and temperature (its quadrature states carry the q integral).

    Returns
    -------
    Stiffness
        In the normal state (``result.status == "normal"``) J^{xx} = J^{zz} = 0 exactly, per
        band too, with the density still computed.
    """
    normal = result.status == "normal"
    jxx, jzz, dens = _kubo_bands(problem, result, stiffness=not normal)
    return Stiffness(
        temperature=result.temperature,
        jxx=float(jxx.sum()),
        jzz=float(jzz.sum()),
        jxx_bands=jxx,
        jzz_bands=jzz,
        density=float(dens.sum()),
        density_bands=dens,
        mu=result.mu,
        mass_x=problem.bands.mass_x,
        status=Status.NORMAL if normal else Status.CONVERGED,
        gaps=result,
    )


def _kubo_bands(
    problem: PairingProblem, result: GapResult, *, stiffness: bool = True
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Per band: J^{xx}, J^{zz} (meV; zeros unless ``stiffness``) and the density (1/nm²).

    The Kubo sum of the module docstring, term by term.  In the normal state the two terms
    cancel (f-sum rule) up to quadrature error — the tests check that cancellation here, while
    :func:`stiffness_from_gaps` reports exactly 0 there.
    """
    kt = KB * result.temperature
    mass_x = problem.bands.mass_x
    cx = math.sqrt(mass_x / HBAR2_2ME) / math.pi  # ∫dk_x/(2π) = cx ∫_0^∞ ds (both signs of k_x)
    deltas = result.gap_on_nodes()
    n_b = problem.bands.n_bands
    jxx, jzz, dens = np.zeros(n_b), np.zeros(n_b), np.zeros(n_b)
    for n, (st, d) in enumerate(zip(result.states, deltas, strict=True)):
        if st.q.size == 0:
            continue
        a = st.energy - result.mu
        occ = occupation(a, d, kt, problem.omega, mass_x, problem.n_nodes)  # 1/nm, both spins
        d1, d2 = band_derivatives(problem.bands, st.q, n)
        dens[n] = float(np.dot(st.weight, occ))
        if not stiffness:
            continue
        para0 = para2 = np.zeros(st.q.size)
        if kt > 0:
            grid = _s_grid(a, d, kt, problem.omega, problem.n_nodes)
            e = np.sqrt(grid.xi**2 + np.where(grid.inside, d[:, None] ** 2, 0.0))
            mf = grid.w * _minus_fermi_derivative(e, kt)
            para0 = np.sum(mf, axis=1)  # ∫ds (−f')
            para2 = np.sum(mf * grid.s**2, axis=1)  # ∫ds s²(−f')
        # (∂ξ/∂k_x)² = 4 (ħ²/2m_e)/m_x · s²; the factor 2 counts both quasiparticle branches
        jzz[n] = 0.25 * float(np.dot(st.weight, d2 * occ - 2.0 * cx * d1 * d1 * para0))
        jxx[n] = 0.25 * float(
            np.dot(st.weight, (2.0 * HBAR2_2ME / mass_x) * occ - 8.0 * cx * HBAR2_2ME / mass_x * para2)
        )
    return jxx, jzz, dens


def _gap_result(
    problem: PairingProblem,
    theory: PairingTheory,
    temperature: float,
    mu_mode: str,
    tc: TcResult | None,
) -> GapResult:
    if not theory.has_gaps:
        raise InputError(f"theory {theory.name!r} does not compute gaps: no superfluid stiffness")
    summary = theory.solve_gaps(problem, temperature=temperature, mu_mode=mu_mode, tc=tc)
    return summary.result


def superfluid_stiffness(
    problem: PairingProblem,
    *,
    temperature: float = 0.0,
    theory: str | PairingTheory = "bcs",
    mu_mode: str = "density",
    tc: TcResult | None = None,
) -> Stiffness:
    """Phase stiffness J^{xx}, J^{zz} (meV) of the mean-field state at ``temperature`` (K).

    Parameters
    ----------
    problem : PairingProblem
        Bands, couplings, cutoff, μ₀.
    temperature : float
        K, 0 … :data:`MAX_TEMPERATURE` (1e5 K).
    theory : str or PairingTheory
        A theory with finite-temperature gaps (default ``"bcs"``).
    mu_mode : {"density", "fixed"}
        μ of the gap solve: number equation at the density of μ₀ (default: the condensate at
        fixed density, the physical state whose stiffness is measured) or μ = μ₀ (the default
        of ``tc``; pass ``fixed`` to match a Tc at μ₀).
    tc : TcResult, optional
        The theory's Tc of ``problem`` (warm start of the gap solve); computed if omitted.

    Returns
    -------
    Stiffness
        Status ``normal`` (and J = 0 exactly) at T ≥ Tc.

    Raises
    ------
    InputError
        If ``temperature`` is negative, not a number or above :data:`MAX_TEMPERATURE`.

    Examples
    --------
    >>> import numpy as np
    >>> from multigap.analytic import ParabolicBands
    >>> from multigap.problem import PairingProblem
    >>> p = PairingProblem(bands=ParabolicBands([0.0], period=0.05), g=np.array([[0.3]]),
    ...                    omega=50.0, mu0=200.0)
    >>> s = superfluid_stiffness(p)
    >>> bool(abs(s.jxx / s.galilean_jxx - 1) < 1e-8)
    True
    """
    temperature = check_real("temperature (K)", temperature, low=0.0, high=MAX_TEMPERATURE, error=InputError)
    th = get_theory(theory)
    return stiffness_from_gaps(problem, _gap_result(problem, th, temperature, mu_mode, tc))


def twisted_free_energy(problem: PairingProblem, result: GapResult, q_pair: float) -> float:
    """Mean-field grand potential per area (meV/nm², up to a Q-independent constant) with pair
    momentum Q = ``q_pair`` (1/nm) along z, at the gaps and μ of ``result``.

    The pairs (q + Q/2, −q + Q/2) keep the gap Δ_n(q) of their relative momentum q, so
    J^{zz} = ∂²Ω/∂Q² at Q = 0.  With ξ_± = E_n(±q + Q/2) + s² − μ, ξ_s = (ξ_+ + ξ_-)/2,
    ξ_a = (ξ_+ − ξ_-)/2, E_s = √(ξ_s² + Δ²) and E_± = E_s ± ξ_a:
    Ω = Σ_n ∫d²k/(2π)² [ξ_s − E_s − k_BT ln(1 + e^{−E_+/k_BT}) − k_BT ln(1 + e^{−E_-/k_BT})].
    This is the independent check of the Kubo formula (finite differences in Q).
    """
    kt = KB * result.temperature
    mass_x = problem.bands.mass_x
    cx = math.sqrt(mass_x / HBAR2_2ME) / math.pi
    total = 0.0
    for n, (st, d) in enumerate(zip(result.states, result.gap_on_nodes(), strict=True)):
        if st.q.size == 0:
            continue
        a = st.energy - result.mu
        grid = _s_grid(a, d, kt, problem.omega, problem.n_nodes)
        ep = problem.bands.energies(st.q + 0.5 * q_pair, band=n)
        em = problem.bands.energies(st.q - 0.5 * q_pair, band=n)
        shift = 0.5 * (ep + em) - st.energy  # ξ_s − ξ at the same relative momentum
        xi_a = (0.5 * (ep - em))[:, None]
        xi_s = grid.xi + shift[:, None]
        e_s = np.sqrt(xi_s**2 + np.where(grid.inside, d[:, None] ** 2, 0.0))
        if kt > 0:
            thermal = -kt * (np.logaddexp(0.0, -(e_s + xi_a) / kt) + np.logaddexp(0.0, -(e_s - xi_a) / kt))
        else:
            thermal = np.minimum(e_s + xi_a, 0.0) + np.minimum(e_s - xi_a, 0.0)
        per_state = np.sum(grid.w * (xi_s - e_s + thermal), axis=1)
        total += cx * float(np.dot(st.weight, per_state))
    return total


# ------------------------------------------------------------------------- BKT criterion


@dataclass(frozen=True, eq=False)
class BKTResult:
    """Solution of k_BT = (π/2) J(T).

    Attributes
    ----------
    tc_bkt : float
        T_BKT, K (0 where there is no superfluid at T = 0).
    tc_mf : float
        Mean-field Tc the search was bounded by, K.
    zero : Stiffness or None
        The stiffness at T = 0 (None when T_MF = 0).
    evaluations : int
        Gap solves at T > 0 done by the root search.
    status : Status
        ``converged``, ``below_floor`` (T_MF = 0) or ``normal`` (no condensate at T = 0).
    message : str
    """

    tc_bkt: float
    tc_mf: float
    zero: Stiffness | None
    evaluations: int
    status: Status
    message: str = ""


def _collapsed(exc: ConvergenceError) -> bool:
    """Whether the gap solver found only the normal state (μ-mode density above its own Tc)."""
    return isinstance(exc, NormalStateCollapse)


def bkt_temperature(
    problem: PairingProblem,
    *,
    theory: str | PairingTheory = "bcs",
    tc: TcResult | None = None,
    mu_mode: str = "density",
    rtol: float = BKT_RTOL,
) -> BKTResult:
    """T_BKT (K): the root of k_BT = (π/2) J(T), J = √(J^{xx}J^{zz}), below the mean-field Tc.

    Parameters
    ----------
    problem : PairingProblem
    theory : str or PairingTheory
        A theory with finite-temperature gaps (default ``"bcs"``).
    tc : TcResult, optional
        The theory's mean-field Tc of ``problem`` (computed if omitted).
    mu_mode : {"density", "fixed"}
        μ of the gap solves (default: number equation).
    rtol : float
        Relative tolerance on T_BKT.

    Returns
    -------
    BKTResult
        T_BKT ≤ min(T_MF, (π/2)J(0)/k_B) by construction: J(T) = 0 at T_MF, and the search
        brackets the first sign change of k_BT − (π/2)J(T) on that interval.

    Examples
    --------
    >>> from multigap import preset
    >>> from multigap.problem import pairing_problem
    >>> r = bkt_temperature(pairing_problem(preset("A"), 0.2, g=0.4))
    >>> 0 < r.tc_bkt < r.tc_mf
    True
    """
    th = get_theory(theory)
    if not th.has_gaps:
        raise InputError(f"theory {th.name!r} does not compute gaps: no BKT temperature")
    tc = th.solve_tc(problem) if tc is None else tc
    t_mf = float(tc.tc)
    if t_mf <= 0:
        return BKTResult(0.0, 0.0, None, 0, Status.BELOW_FLOOR, "mean-field Tc below the floor")
    zero = stiffness_from_gaps(problem, _gap_result(problem, th, 0.0, mu_mode, tc))
    if zero.status is Status.NORMAL or zero.j <= 0:
        return BKTResult(0.0, t_mf, zero, 0, Status.NORMAL, "no condensate at T = 0 (J = 0)")
    half_pi = 0.5 * math.pi
    known: dict[float, float] = {0.0: -half_pi * zero.j}
    condensed = [0.0]  # temperatures with a condensate (J > 0)
    collapsed: list[float] = []  # temperatures where the gap solver found only the normal state
    calls = 0

    def stiffness_at(t: float) -> float:
        nonlocal calls
        calls += 1
        j = stiffness_from_gaps(problem, _gap_result(problem, th, t, mu_mode, tc)).j
        condensed.append(t)
        return j

    def stiffness_or_zero(t: float) -> float:
        """J(t), or 0 where the state is normal: the solver collapsed there or at a lower T.

        With the number equation the condensate can vanish below T_MF (μ = μ₀); there the gap
        solver collapses or, close to T_MF, fails to converge.  A failure is read as J = 0 only
        when a collapse at or below t shows that the state is normal (searched by bisection
        between the last temperature with a condensate and t, at most
        :data:`_COLLAPSE_PROBES` solves); otherwise it is raised.
        """
        try:
            return stiffness_at(t)
        except ConvergenceError as exc:
            if _collapsed(exc):
                collapsed.append(t)
                return 0.0
            if any(c <= t for c in collapsed):
                return 0.0
            lo, hi = max(c for c in condensed if c < t), t
            for _ in range(_COLLAPSE_PROBES):
                mid = 0.5 * (lo + hi)
                try:
                    stiffness_at(mid)
                    lo = mid
                except ConvergenceError as inner:
                    if _collapsed(inner):
                        collapsed.append(mid)
                        return 0.0
                    hi = mid
            raise

    def resid(t: float) -> float:
        if t in known:
            return known[t]
        if t >= t_mf:
            return KB * t
        known[t] = KB * t - half_pi * stiffness_or_zero(t)
        return known[t]

    t_cap = half_pi * zero.j / KB
    hi = min(t_mf, t_cap)
    lo = 0.0
    if resid(hi) < 0:  # J grew with T up to t_cap (not expected in mean field): go on to T_MF
        lo, hi = hi, t_mf
    root = optimize.brentq(resid, lo, hi, xtol=rtol * hi * 1e-3, rtol=max(rtol, 4.5e-16), maxiter=200)
    return BKTResult(float(root), t_mf, zero, calls, Status.CONVERGED)


# ---------------------------------------------------------------------------------- bound


@dataclass(frozen=True)
class BKTBound(TcBound):
    """Berezinskii–Kosterlitz–Thouless bound on Tc: Tc = min(T_MF, T_BKT).

    T_BKT solves k_BT = (π/2)J(T) with the mean-field stiffness J = √(J^{xx}J^{zz})
    (:func:`bkt_temperature`).  For an isolated plane T_BKT is the transition; for weakly
    coupled stacked planes the true Tc lies between T_BKT and T_MF, close to T_BKT.

    Options
    -------
    mu_mode : {"density", "fixed"} or None
        μ of the gap solves of J(T) and of the T = 0 diagnostics: the number equation at the
        density of μ₀, or μ = μ₀.  Default None: the μ mode of the mean-field Tc it bounds
        (``TcResult.mu_mode``; ``fixed`` for ``tc`` and maps unless ``--mu-mode density``), so
        that T_MF and J(T) share one convention.  ``fixed`` is about 5x faster.
    rtol : float
        Relative tolerance of T_BKT (default :data:`BOUND_RTOL`, 1e-4).
    active_band : int or None
        1-based band of the crossover diagnostics (default: the problem's active band).

    Examples
    --------
    >>> from multigap import preset
    >>> from multigap.problem import pairing_problem
    >>> from multigap.theories import get_bound, get_theory
    >>> p = pairing_problem(preset("A"), 0.2, g=0.4)
    >>> theory = get_theory("bcs")
    >>> r = get_bound("bkt").apply(p, theory, theory.solve_tc(p))
    >>> r.tc == r.tc_bound < r.tc_mf
    True
    """

    name: ClassVar[str] = "bkt"
    title: ClassVar[str] = "Berezinskii-Kosterlitz-Thouless bound k_B T = (pi/2) J(T)"
    diagnostics: ClassVar[Mapping[str, tuple[str, str]]] = {
        "j0": ("meV", "phase stiffness J = sqrt(Jxx Jzz) at T = 0"),
        "jxx0": ("meV", "phase stiffness Jxx along the wires at T = 0"),
        "jzz0": ("meV", "phase stiffness Jzz across the wires at T = 0"),
        "e_f": ("meV", "Fermi energy of the active band from its edge, mu0 - E_L (NaN: empty band)"),
        "gap_over_e_f": ("1", "Delta/E_F of the active band at T = 0 (NaN: empty band)"),
        "kf_xi_pair": ("1", "k_F xi_pair of the active band at T = 0 (NaN: empty band)"),
    }
    needs_gaps: ClassVar[bool] = True

    mu_mode: str | None = None
    rtol: float = BOUND_RTOL
    active_band: int | None = None

    def __post_init__(self) -> None:
        if self.mu_mode not in (None, "density", "fixed"):
            raise InputError(f"bound bkt: mu_mode = {self.mu_mode!r}: must be 'density', 'fixed' or None")
        if not 0 < float(self.rtol) < 0.1:
            raise InputError(f"bound bkt: rtol = {self.rtol!r}: must be in (0, 0.1)")

    def apply(self, problem: PairingProblem, theory: PairingTheory, tc: TcResult) -> BoundResult:
        """Tc = min(T_MF, T_BKT) with J at T = 0 and the active band's crossover diagnostics."""
        from .crossover import band_crossover

        self.check(theory)
        nan = {name: math.nan for name in self.diagnostics}
        t_mf = float(tc.tc)
        try:
            mode = str(self.mu_mode or getattr(tc, "mu_mode", None) or "density")
            res = bkt_temperature(problem, theory=theory, tc=tc, mu_mode=mode, rtol=self.rtol)
        except (MultigapError, ArithmeticError, np.linalg.LinAlgError) as exc:
            return BoundResult(math.nan, t_mf, math.nan, Status.FAILED, nan, f"BKT bound: {exc}")
        if res.status is Status.BELOW_FLOOR:
            return BoundResult(0.0, t_mf, 0.0, Status.BELOW_FLOOR, nan, res.message)
        extras = dict(nan)
        zero = res.zero
        assert zero is not None
        extras.update(j0=zero.j, jxx0=zero.jxx, jzz0=zero.jzz)
        band = self.active_band or problem.active_band
        if band is not None and zero.status is Status.CONVERGED:
            # NaN where the band is empty (see multigap.crossover for the status and its reason)
            diag = band_crossover(problem, zero.gaps, band)
            if diag.status is Status.CONVERGED:
                extras.update(e_f=diag.e_f, gap_over_e_f=diag.gap_over_e_f, kf_xi_pair=diag.kf_xi_pair)
        return BoundResult(min(t_mf, res.tc_bkt), t_mf, res.tc_bkt, Status.CONVERGED, extras)
