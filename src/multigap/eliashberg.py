"""Multi-band Migdal–Eliashberg theory on the superlattice states (imaginary frequency axis).

The electrons are the states (n, q, k_x) of the pairing problem: subband energies E_n(q) and
free motion along x, ξ = E_n(q) + ħ²k_x²/2m_x − μ.  The self-energies depend on
(n, q, iω_m) but not on k_x (the interaction is local along the wires); in Nambu notation
G⁻¹ = iω_m Z τ₀ − (ξ + χ) τ₃ − φ τ₁.  One Einstein mode of energy Ω = ω̃₀ (the cutoff of the
BCS solver) couples the states with the kernel

    λ_nn'(q, q'; ω_m − ω_m') = λ_nn' Ĩ^{nn'}(q, q') Ω² / (Ω² + (ω_m − ω_m')²),

and a Coulomb pseudopotential μ* Ĩ^{nn'}(q, q') acts below the Matsubara cutoff ω_c.  The k_x
integral runs over the whole band (no Fermi-surface restriction): with s = ħk_x/√(2m_x),
b = E − μ + χ and z = b − i√((ωZ)² + φ²) it is elementary,

    ħ√(2/m_x) ∫₀^∞ ds 1/((b + s²)² + E²) = (π/2) ħ√(2/m_x) Im(z^{−1/2}) / E,
    ħ√(2/m_x) ∫₀^∞ ds (b + s²)/((b + s²)² + E²) = (π/2) ħ√(2/m_x) Re(z^{−1/2}),

so that every state contributes through three "bubbles" (odd A_Z, even A_χ, pair P).  A
constant density of states without particle–hole asymmetry (the textbook Einstein problem)
is the same machinery with A_Z = sgn ω, A_χ = 0, P = 1/|ωZ|.  Because the overlaps factorise,
Ĩ^{nn'}(q, q') = X_n(q)·X_n'(q'), the self-energies are ω(Z − 1) = X_n(q)·Y_n(m),
χ = X_n(q)·C_n(m) and the linearised φ = X_n(q)·Φ_n(m): the unknowns live on
(band, Matsubara frequency, overlap rank), never on q × q.

Tc is the temperature at which the largest eigenvalue of the linearised φ equation (Z and χ
from the self-consistent normal state) equals 1, found by a bracketing root search on ln T.
The normal-state sums for Z and χ include every Matsubara frequency: inside the cutoff with the
self-consistent self-energies, beyond it with bare bubbles (summed explicitly up to twice the
cutoff, then as an integral), so that Tc at μ* = 0 does not depend on the cutoff.  The φ
equation is cut at ω_c = 2πk_BT·N (N positive frequencies, N ≥ cutoff·Ω/(2πk_BT)); μ* given at
the scale Ω is rescaled to ω_c by 1/μ*(ω_c) = 1/μ* − ln(ω_c/Ω) (Morel–Anderson).

Couplings (option ``coupling``): ``"g"`` (default) reads the problem's g_nn' as the BCS couplings
of the paper and uses the symmetric λ_nn' = g_nn' √(Z_n Z_n') with Z_n = 1 + Σ_m λ_nm (solved by
fixed-point iteration, :func:`lambda_from_g`); for one band λ = g/(1 − g), i.e. the paper's
g = λ/(1 + λ).  ``"lambda"`` uses g_nn' as λ_nn' directly.

The q nodes (:func:`wire_states`) are placed for these integrands — Fermi point graded down to
k_BT, breakpoints where E_n(q) = μ ± 4^k Ω — on the same band structure and overlap factors
as the BCS solver (whose nodes serve its sharp-cutoff kinks).

Chemical potential: ``mu_mode="fixed"`` keeps μ = μ₀; ``"density"`` solves μ(T) from the
number equation of the interacting normal state (Z and χ included, :func:`_interacting_density`).
Below Tc (:meth:`EliashbergTheory.solve_gaps`, :func:`constant_dos_gap`) the nonlinear equations
are solved on the same (band, frequency, rank) unknowns and the gap edges come from Padé
continuation (:mod:`multigap.eliashberg_pade`).

Low temperatures: the plain Matsubara grid holds at most ``max_matsubara`` positive
frequencies, so it resolves k_BT ≥ cutoff·Ω/(2π·max_matsubara) (:meth:`EliashbergTheory.lowest_tc`).
Below that temperature the answer is status ``below_floor`` with the floor reported — never a
number from an under-resolved grid: the Tc search never evaluates below the floor.

Limits: ``max_matsubara`` ≤ :data:`MAX_MATSUBARA` (2048) and ``cutoff`` ≤ :data:`MAX_CUTOFF`
(1000 Ω), so that one temperature costs bounded memory (the kernels are N × N and 3N × 4N
arrays of N = max_matsubara frequencies: measured peak 1.7 GB and 10 s per temperature for
model A at N = 2048 in μ mode ``density``, 0.5 GB at N = 1024); larger values raise
:class:`~multigap.errors.InputError`.

Units: energies meV, temperatures K, couplings dimensionless.

References: G. M. Eliashberg, Sov. Phys. JETP 11, 696 (1960); P. B. Allen and B. Mitrović,
Solid State Phys. 37, 1 (1982); F. Marsiglio, Ann. Phys. 417, 168102 (2020) (review, imaginary
axis); P. Morel and P. W. Anderson, Phys. Rev. 125, 1263 (1962); P. B. Allen and R. C. Dynes,
Phys. Rev. B 12, 905 (1975); F. Marsiglio, Phys. Rev. B 98, 024523 (2018) (weak coupling).

Examples
--------
>>> from multigap.eliashberg import constant_dos_tc
>>> res = constant_dos_tc(1.0, 20.0)                 # λ = 1, Ω = 20 meV, μ* = 0
>>> round(res.tc, 1), res.status
(26.6, 'converged')
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize
from scipy.linalg import lapack
from scipy.sparse.linalg import LinearOperator, eigsh

from .bands import BandStructure
from .constants import HBAR2_2ME, KB
from .eliashberg_pade import PADE_POINTS, gap_edges
from .errors import ConvergenceError, InputError
from .kernels import prefactor
from .model import DEFAULT_TC_FLOOR, check_count, check_real
from .problem import MU_MODES, PairingProblem
from .quadrature import graded_nodes
from .states import GRADING_BASE, ZERO_T_RESOLUTION, grading_level
from .status import Status
from .tc import TcResult
from .theories import PairingTheory

if TYPE_CHECKING:
    from .observables import GapSummary

__all__ = [
    "EliashbergTheory",
    "ConstantDosResult",
    "constant_dos_tc",
    "lambda_from_g",
    "allen_dynes_tc",
    "constant_dos_gap",
    "ConstantDosGap",
    "solve_gaps_eliashberg",
    "GAP_TC_FRACTION",
    "wire_states",
    "morel_anderson",
    "STRONG_COUPLING_CONSTANT",
    "DEFAULT_CUTOFF",
    "DEFAULT_MAX_MATSUBARA",
    "MIN_MATSUBARA",
    "MAX_MATSUBARA",
    "MAX_CUTOFF",
    "COUPLINGS",
]

#: Matsubara cutoff ω_c in units of Ω (default of ``cutoff``).
DEFAULT_CUTOFF = 15.0
#: Largest number of positive Matsubara frequencies of the plain grid (sets the lowest Tc).
DEFAULT_MAX_MATSUBARA = 1024
#: Smallest number of positive Matsubara frequencies (strong coupling, k_BT ≳ Ω).
MIN_MATSUBARA = 32
#: Largest accepted ``max_matsubara``: memory grows as N² (model A, μ mode density, one
#: temperature: N = 1024 → 0.5 GB, 2048 → 1.7 GB and 10 s; 4096 would be ~6 GB).
MAX_MATSUBARA = 2048
#: Smallest and largest accepted Matsubara cutoff, units of Ω.  A larger cutoff only raises the
#: floor cutoff·Ω/(2π·max_matsubara): at 1000 it is k_BT = 0.078 Ω even with MAX_MATSUBARA.
MIN_CUTOFF = 2.0
MAX_CUTOFF = 1000.0
#: Coupling conventions: ``g`` (BCS couplings, λ = g√(ZZ)) or ``lambda`` (λ given directly).
COUPLINGS = ("g", "lambda")
#: Allen–Dynes strong-coupling constant C in k_BTc → C √λ Ω (λ → ∞, Einstein spectrum, μ* = 0);
#: value from M. K.-H. Kiessling, B. L. Altshuler, E. A. Yuzbashyan, arXiv:2409.02121 (2024).
STRONG_COUPLING_CONSTANT = 0.1827262477

_METHOD = (
    "Eliashberg (imaginary axis, full bandwidth): largest eigenvalue of the linearised "
    "gap equation = 1, Brent on ln T"
)
_NORMAL_TOL = 1e-13  # relative change of the normal self-energies at convergence
_NORMAL_MAXITER = 500
_TAIL_NODES = 24  # Gauss–Legendre nodes of the bare tail integral beyond twice the cutoff
_ENERGY_RATIO = 4.0  # q breakpoints at the crossings of μ ± Ω·4^k ...
_ENERGY_DECADES = 8  # ... for k < 8
_DENSE_LIMIT = 64  # eigenproblems up to this size are solved densely (LAPACK), larger by Lanczos
_MATRIX_LIMIT = 64  # ... with the matrix assembled up to this size, by products beyond


def morel_anderson(mu_star: float, omega_c: float, omega: float) -> float:
    """μ* given at the scale ``omega`` rescaled to the cutoff ``omega_c``: 1/μ*_c = 1/μ* − ln(ω_c/ω).

    Parameters
    ----------
    mu_star : float
        Coulomb pseudopotential at the scale ω (dimensionless, ≥ 0).
    omega_c, omega : float
        Matsubara cutoff and phonon energy, meV.

    Raises
    ------
    InputError
        If μ* ln(ω_c/ω) ≥ 1 (the rescaled pseudopotential diverges).

    Examples
    --------
    >>> round(morel_anderson(0.1, 15.0, 1.0), 4)
    0.1371
    """
    if mu_star == 0.0:
        return 0.0
    denom = 1.0 - mu_star * math.log(omega_c / omega)
    if denom <= 0.0:
        raise InputError(
            f"mu_star = {mu_star!r}: μ* ln(ω_c/Ω) = {mu_star * math.log(omega_c / omega):.3g} ≥ 1, "
            "the pseudopotential at the Matsubara cutoff diverges; lower mu_star or the cutoff"
        )
    return mu_star / denom


def lambda_from_g(g: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Symmetric Eliashberg couplings λ_nn' = g_nn' √(Z_n Z_n') with Z_n = 1 + Σ_m λ_nm.

    The BCS couplings g of the paper are the Eliashberg couplings divided by the mass
    renormalisation (for one band g = λ/(1 + λ)).  The fixed point z = 1 + √z ⊙ (g √z) is
    iterated from z = 1 (it converges geometrically for the couplings of the paper, g_nn ≤ 0.49).

    Parameters
    ----------
    g : array_like, shape (n, n)
        Symmetric BCS couplings (dimensionless).

    Returns
    -------
    lam : ndarray, shape (n, n)
        λ_nn' (symmetric).
    z : ndarray, shape (n,)
        Z_n = 1 + Σ_m λ_nm.

    Raises
    ------
    InputError
        If the fixed point does not exist (couplings too large) or has Z ≤ 0.

    Examples
    --------
    >>> lam, z = lambda_from_g([[0.4]])
    >>> round(float(lam[0, 0]), 12), round(float(z[0]), 12)
    (0.666666666667, 1.666666666667)
    """
    gm = np.atleast_2d(np.asarray(g, dtype=float))
    z = np.ones(gm.shape[0])
    for _ in range(10000):
        rz = np.sqrt(z)
        z_new = 1.0 + rz * (gm @ rz)
        if not np.all(np.isfinite(z_new)) or np.any(z_new <= 0) or z_new.max() > 1e12:
            break
        if np.max(np.abs(z_new - z)) <= 1e-15 * np.max(z_new):
            rz = np.sqrt(z_new)
            return gm * np.outer(rz, rz), z_new
        z = z_new
    raise InputError(
        f"g = {gm.tolist()!r}: no mass renormalisation Z_n = 1 + Σ_m g_nm √(Z_n Z_m) exists "
        "(couplings too large for coupling='g'); give λ directly with coupling='lambda'"
    )


def allen_dynes_tc(lam: float, omega: float, mu_star: float = 0.0) -> float:
    """Allen–Dynes k_BTc (meV) of an Einstein spectrum (ω_log = ω̄₂ = Ω, so f₂ = 1).

    k_BTc = f₁ f₂ (Ω/1.2) exp[−1.04(1 + λ)/(λ − μ*(1 + 0.62λ))], f₁ = [1 + (λ/Λ₁)^{3/2}]^{1/3},
    Λ₁ = 2.46(1 + 3.8μ*) (P. B. Allen and R. C. Dynes, Phys. Rev. B 12, 905 (1975)).

    Examples
    --------
    >>> round(allen_dynes_tc(1.0, 20.0), 4)
    2.2484
    """
    lam1 = 2.46 * (1.0 + 3.8 * mu_star)
    f1 = (1.0 + (lam / lam1) ** 1.5) ** (1.0 / 3.0)
    return f1 * omega / 1.2 * math.exp(-1.04 * (1.0 + lam) / (lam - mu_star * (1.0 + 0.62 * lam)))


# ----------------------------------------------------------------------------- states


@dataclass(frozen=True)
class _States:
    """Electron states of the Eliashberg sums, per band.

    ``pref`` is ħ√(2/m_x) (nm·√meV) for wire states with free motion along x, or None for
    "flat" states (a constant density of states over an infinite, particle–hole symmetric
    band; one state per band of unit weight).
    """

    weight: list[NDArray[np.float64]]  # (n_q,) per band; Σ w f ≈ ∫dq/(2π) f
    energy: list[NDArray[np.float64]]  # a = E_n(q) − μ, meV
    factors: list[NDArray[np.float64]]  # (n_q, r) overlap factors X_n(q)
    pref: float | None
    q: list[NDArray[np.float64]] | None = None  # nodes in [0, π/d] (wire states), 1/nm

    @property
    def n_bands(self) -> int:
        return len(self.weight)

    @property
    def rank(self) -> int:
        return int(self.factors[0].shape[1])


def _bubbles(
    st: _States, n: int, w_abs: NDArray, chi: NDArray | None, *, pair: bool
) -> tuple[NDArray, NDArray, NDArray | None]:
    """A_Z (for ω > 0), A_χ and P = pair bubble of band n's states at |ωZ| = ``w_abs``.

    Shapes (n_q, n_freq).  A_Z·π = ∫ dk W/((ξ+χ)² + W²) (k_x integral normalised to the 2D
    density of states N₀), A_χ·π = ∫ (ξ+χ)/(...), P·π = ∫ 1/(...)  (normal state, φ = 0).
    """
    if st.pref is None:
        a_z = np.ones_like(w_abs)
        a_chi = np.zeros_like(w_abs)
        p = 1.0 / w_abs if pair else None
        return a_z, a_chi, p
    b = st.energy[n][:, None] + (0.0 if chi is None else chi)
    # 1/√(b − iE) = (u + iv)/|z| with u = √((|z| + b)/2), v = √((|z| − b)/2), uv = E/2:
    # the larger of u, v from its square root, the other from uv = E/2 (no cancellation)
    mod = np.hypot(b, w_abs)
    big = np.sqrt(0.5 * (mod + np.abs(b)))
    small = 0.5 * w_abs / big
    pos = b >= 0
    u = np.where(pos, big, small)
    v = np.where(pos, small, big)
    scale = st.pref / mod
    a_z = scale * v
    a_chi = scale * u
    p = a_z / w_abs if pair else None
    return a_z, a_chi, p


def _project(st: _States, n: int, values: NDArray) -> NDArray:
    """Σ_q w X_n(q) values(q, m): shape (n_freq, r)."""
    return values.T @ (st.weight[n][:, None] * st.factors[n])


def _convolve(lam: NDArray, kern: NDArray, v: NDArray) -> NDArray:
    """Σ_k λ_nk Σ_j K_mj v_kjr for v of shape (n_b, N, r)."""
    kv = np.matmul(kern, v)  # (n_b, N, r): K applied per band
    return np.tensordot(lam, kv, axes=(1, 0))


def _einstein(omega: float, x: NDArray) -> NDArray:
    """Ω²/(Ω² + x²)."""
    return omega * omega / (omega * omega + x * x)


@dataclass
class _NormalState:
    """Self-consistent normal state at one temperature on N positive Matsubara frequencies."""

    kt: float
    freqs: NDArray[np.float64]  # ω_m, m = 0..N−1, meV
    y_z: NDArray[np.float64]  # (n_b, N, r): ω_m (Z − 1) = X·y_z
    y_chi: NDArray[np.float64]  # (n_b, N, r): χ = X·y_chi
    iterations: int

    def z_on(self, st: _States, n: int) -> NDArray:
        return 1.0 + (st.factors[n] @ self.y_z[n].T) / self.freqs[None, :]

    def chi_on(self, st: _States, n: int) -> NDArray:
        return st.factors[n] @ self.y_chi[n].T


def _bare_tail(st: _States, lam: NDArray, omega: float, kt: float, freqs: NDArray) -> tuple[NDArray, NDArray]:
    """Contributions of all |ω_m'| ≥ ω_c to ω(Z − 1) and χ with bare bubbles (Z = 1, χ = 0).

    The frequencies ω_c ≤ ω' < 2ω_c are summed explicitly; beyond 2ω_c (where the summand is
    smooth on the scale 2πk_BT) the sum is (1/2πk_BT)∫dω (midpoint rule, relative error
    ~(πk_BT/2ω_c)²/6), integrated by Gauss–Legendre in u with ω = 2ω_c/u².
    """
    n_f = freqs.size
    extra = math.pi * kt * (2.0 * np.arange(n_f, 2 * n_f) + 1.0)
    w_c2 = 2.0 * math.pi * kt * 2 * n_f
    u, wu = np.polynomial.legendre.leggauss(_TAIL_NODES)
    u = 0.5 * (u + 1.0)
    wu = 0.5 * wu
    w_int = w_c2 / (u * u)
    dw = wu * 2.0 * w_c2 / u**3 / (2.0 * math.pi * kt)  # sum weights replacing Σ_m'
    grid = np.concatenate([extra, w_int])
    weights = np.concatenate([np.ones(n_f), dw])
    km = _einstein(omega, freqs[:, None] - grid[None, :])
    kp = _einstein(omega, freqs[:, None] + grid[None, :])
    n_b, r = st.n_bands, st.rank
    tail_z = np.zeros((n_b, n_f, r))
    tail_chi = np.zeros((n_b, n_f, r))
    for n2 in range(n_b):
        w_abs = np.broadcast_to(grid, (st.weight[n2].size, grid.size))
        a_z, a_chi, _ = _bubbles(st, n2, w_abs, None, pair=False)
        bz = _project(st, n2, a_z) * weights[:, None]
        bc = _project(st, n2, a_chi) * weights[:, None]
        tz = (km - kp) @ bz
        tc = (km + kp) @ bc
        for n1 in range(n_b):
            tail_z[n1] += lam[n1, n2] * tz
            tail_chi[n1] += lam[n1, n2] * tc
    pi_t = math.pi * kt
    return pi_t * tail_z, -pi_t * tail_chi


def _normal_state(
    st: _States,
    lam: NDArray,
    omega: float,
    kt: float,
    n_f: int,
    with_chi: bool,
    start: _NormalState | None = None,
) -> _NormalState:
    """Solve ω(Z − 1) and χ on N = ``n_f`` positive frequencies by fixed-point iteration.

    ``start``: a normal state at another temperature (same states), interpolated in ω_m as the
    first iterate (a warm start: fewer iterations, the same fixed point).
    """
    freqs: NDArray[np.float64] = math.pi * kt * (2.0 * np.arange(n_f, dtype=float) + 1.0)
    diff = freqs[:, None] - freqs[None, :]
    summ = freqs[:, None] + freqs[None, :]
    km, kp = _einstein(omega, diff), _einstein(omega, summ)
    k_odd, k_even = km - kp, km + kp
    tail_z, tail_chi = _bare_tail(st, lam, omega, kt, freqs)
    n_b, r = st.n_bands, st.rank
    pi_t = math.pi * kt
    y_z = np.zeros((n_b, n_f, r))
    y_chi = np.zeros((n_b, n_f, r))
    if start is not None and start.y_z.shape[0::2] == (n_b, r):
        for n in range(n_b):
            for k in range(r):
                # ω(Z − 1) and χ are smooth in ω; beyond the old grid they are held constant
                y_z[n, :, k] = np.interp(freqs, start.freqs, start.y_z[n, :, k])
                y_chi[n, :, k] = np.interp(freqs, start.freqs, start.y_chi[n, :, k])
    ns = _NormalState(kt, freqs, y_z, y_chi, 0)
    for it in range(1, _NORMAL_MAXITER + 1):
        bz = np.empty((n_b, n_f, r))
        bc = np.empty((n_b, n_f, r))
        for n in range(n_b):
            w_abs = freqs[None, :] * ns.z_on(st, n)
            chi = ns.chi_on(st, n) if with_chi else None
            a_z, a_chi, _ = _bubbles(st, n, w_abs, chi, pair=False)
            bz[n] = _project(st, n, a_z)
            bc[n] = _project(st, n, a_chi)
        conv_z = _convolve(lam, k_odd, bz)
        new_z = pi_t * conv_z + tail_z
        if with_chi:
            conv_c = _convolve(lam, k_even, bc)
            new_chi = -pi_t * conv_c + tail_chi
        else:
            new_chi = y_chi
        scale_z = max(float(np.max(np.abs(new_z))), 1e-300)
        scale_c = max(float(np.max(np.abs(new_chi))), omega * 1e-300)
        change = max(
            float(np.max(np.abs(new_z - ns.y_z))) / scale_z,
            float(np.max(np.abs(new_chi - ns.y_chi))) / max(scale_c, 1e-12 * omega),
        )
        ns = _NormalState(kt, freqs, new_z, new_chi, it)
        if change <= _NORMAL_TOL:
            return ns
    raise ConvergenceError(
        f"Eliashberg normal state at k_BT = {kt:.6g} meV did not converge in {_NORMAL_MAXITER} "
        f"iterations (last relative change {change:.3g})"
    )


@dataclass(frozen=True)
class _Spectrum:
    """Leading eigenvalue of the linearised φ equation and what the diagnostics need."""

    eigenvalue: float
    normal: _NormalState
    phi: NDArray[np.float64]  # (n_b, N, r) Φ_n(m), φ_n(q, iω_m) = X_n(q)·Φ_n(m)
    mu_star_c: float
    omega_c: float


def _n_matsubara(omega: float, kt: float, cutoff: float) -> int:
    """Positive Matsubara frequencies N ≥ cutoff·Ω/(2πk_BT) (at least MIN_MATSUBARA).

    The ratio is shaved by 1e-12 relative before rounding up, so that k_BT at the floor
    (exp(log(floor)) differs from it by an ulp or so) gets N = max_matsubara, not one more.

    Raises
    ------
    InputError
        If N would exceed :data:`MAX_MATSUBARA` (k_BT below every resolvable floor): the grid's
        N × N kernels would exhaust memory.
    """
    ratio = cutoff * omega / (2.0 * math.pi * kt)
    if not ratio <= MAX_MATSUBARA * (1.0 + 1e-9):
        raise InputError(
            f"Eliashberg: k_BT = {kt:.6g} meV needs {ratio:.4g} Matsubara frequencies at cutoff "
            f"{cutoff:g} Ω (Ω = {omega:.6g} meV); at most {MAX_MATSUBARA} are allowed — the lowest "
            f"temperature resolved is {_lowest_kt(omega, cutoff, MAX_MATSUBARA) / KB:.4g} K"
        )
    return max(MIN_MATSUBARA, math.ceil(ratio * (1.0 - 1e-12)))


def _leading(
    st: _States,
    lam: NDArray,
    omega: float,
    kt: float,
    *,
    mu_star: float,
    cutoff: float,
    with_chi: bool,
    start: _NormalState | None = None,
    normal: _NormalState | None = None,
) -> _Spectrum:
    """Largest eigenvalue of the linearised φ equation at k_BT = ``kt`` (meV).

    ``start``: a normal state at a nearby temperature, to warm-start the normal-state iteration;
    ``normal``: the converged normal state itself (on these states, at this temperature).
    """
    n_f = _n_matsubara(omega, kt, cutoff)
    ns = normal if normal is not None else _normal_state(st, lam, omega, kt, n_f, with_chi, start)
    freqs = ns.freqs
    omega_c = 2.0 * math.pi * kt * n_f
    mu_c = morel_anderson(mu_star, omega_c, omega)
    k_even = _einstein(omega, freqs[:, None] - freqs[None, :]) + _einstein(
        omega, freqs[:, None] + freqs[None, :]
    )
    n_b, r = st.n_bands, st.rank
    # C_n(m) = Σ_q w X Xᵀ P (r × r, positive semi-definite) and its Cholesky factor
    chol = np.empty((n_b, n_f, r, r))
    eye = np.eye(r)
    for n in range(n_b):
        w_abs = freqs[None, :] * ns.z_on(st, n)
        chi = ns.chi_on(st, n) if with_chi else None
        _, _, p = _bubbles(st, n, w_abs, chi, pair=True)
        assert p is not None
        x = st.factors[n]
        wx = st.weight[n][:, None] * x
        c = np.einsum("qr,qs,qm->mrs", wx, x, p, optimize=True)
        tr = np.trace(c, axis1=1, axis2=2) / r
        for m in range(n_f):
            cm = c[m] + 1e-13 * max(tr[m], 1e-300) * eye
            chol[n, m], info = lapack.dpotrf(cm, lower=1, clean=1)
            if info != 0:  # pragma: no cover - C + jitter is positive definite
                raise ConvergenceError(f"Cholesky factorisation of the pair bubble failed (info {info})")
    pi_t = math.pi * kt
    size = n_b * n_f * r

    def apply_kernel(v: NDArray) -> NDArray:  # v: (n_b, N, r) -> K v (bands ⊗ frequencies)
        out = _convolve(lam, k_even, v)
        if mu_c != 0.0:
            out -= 2.0 * mu_c * np.sum(v, axis=(0, 1))[None, None, :]
        return pi_t * out

    def matvec(flat: NDArray) -> NDArray:
        v = flat.reshape(n_b, n_f, r)
        lv = np.matmul(chol, v[..., None])[..., 0]
        return np.matmul(apply_kernel(lv)[..., None, :], chol)[..., 0, :].reshape(-1)

    h: Any
    if size <= _MATRIX_LIMIT:
        # H = Lᵀ K L: blocks πT (λ_nk K_mj − 2μ*_c) L_nmᵀ L_kj
        kern = pi_t * (lam[:, None, :, None] * k_even[None, :, None, :] - 2.0 * mu_c)
        gram = np.einsum("nmsr,kjst->nmrkjt", chol, chol, optimize=True)
        h = (kern[:, :, None, :, :, None] * gram).reshape(size, size)
        h = 0.5 * (h + h.T)
    else:
        h = LinearOperator((size, size), matvec=matvec, dtype=float)
    if size <= _DENSE_LIMIT:
        vals, vecs = np.linalg.eigh(h)
        val, vec = float(vals[-1]), vecs[:, -1]
    else:
        vals, vecs = eigsh(h, k=1, which="LA", tol=1e-14, v0=np.ones(size))
        val, vec = float(vals[0]), vecs[:, 0]
    phi = np.einsum("nmrs,nms->nmr", chol, vec.reshape(n_b, n_f, r))
    return _Spectrum(val, ns, phi, mu_c, omega_c)


@dataclass(frozen=True)
class _TcSearch:
    tc: float  # K (0 below the floor)
    status: Status
    eigenvalue: float
    iterations: int
    floor: float
    spectrum: _Spectrum | None


def _find_tc(
    evaluate: Callable[[float], _Spectrum],
    *,
    omega: float,
    floor_k: float,
    rtol: float,
    guess: float | None,
) -> _TcSearch:
    """Root of ln λ_max(ln k_BT) = 0: bracket from the guess by secant steps, then Brent.

    ln λ_max is close to linear in ln T, so the secant through the last two evaluations points
    at the root; steps are limited to [ln 2/4, 4 ln 2]·1.1 (overshooting on purpose, to bracket),
    and never go below the floor: λ_max(floor) < 1 is a valid answer (``below_floor``).
    """
    calls = 0
    cache: dict[float, _Spectrum] = {}

    def f(x: float) -> float:
        nonlocal calls
        if x not in cache:
            calls += 1
            cache[x] = evaluate(math.exp(x))
        val = cache[x].eigenvalue
        return math.log(val) if val > 0 else -50.0

    x_floor = math.log(KB * floor_k)
    x_max = math.log(omega * 1e4)
    if guess is not None and math.isfinite(guess) and guess > 0:
        x0 = math.log(KB * guess)
    else:
        x0 = math.log(omega / 20.0)
    # never below the floor (an under-resolved grid, and N > max_matsubara frequencies)
    x0 = min(max(x0, x_floor), x_max)
    f0 = f(x0)
    ln2 = math.log(2.0)
    x1 = x0 + (ln2 if f0 > 0 else -ln2)
    for _ in range(200):
        x1 = min(max(x1, x_floor), x_max)
        f1 = f(x1)
        if (f1 > 0) != (f0 > 0) or f1 == 0.0:
            break
        if f1 < 0 and x1 <= x_floor:
            return _TcSearch(0.0, Status.BELOW_FLOOR, cache[x1].eigenvalue, calls, floor_k, None)
        if f1 > 0 and x1 >= x_max:
            raise ConvergenceError(
                f"Eliashberg Tc search: eigenvalue > 1 even at k_BT = {math.exp(x1):.6g} meV"
            )
        direction = 1.0 if f1 > 0 else -1.0
        slope = (f1 - f0) / (x1 - x0) if x1 != x0 else 0.0
        step = -f1 / slope if slope < 0 else direction * 4 * ln2
        below = slope < 0 and x1 - f1 / slope < x_floor
        step = direction * min(max(abs(step), ln2 / 4), 4 * ln2) * 1.1
        x0, f0 = x1, f1
        # a root predicted below the floor: one evaluation at the floor decides
        x1 = x_floor if below else x1 + step
    else:  # pragma: no cover
        raise ConvergenceError("Eliashberg Tc search: no bracket found in 200 evaluations")
    lo, hi = (x0, x1) if f0 > 0 else (x1, x0)
    if f(lo) == 0.0:
        hi = lo
    x = optimize.brentq(f, lo, hi, xtol=max(rtol, 1e-14), rtol=1e-15) if hi != lo else lo
    spec = cache[x] if x in cache else evaluate(math.exp(x))
    return _TcSearch(math.exp(x) / KB, Status.CONVERGED, spec.eigenvalue, calls, floor_k, spec)


def _lowest_kt(omega: float, cutoff: float, max_matsubara: int) -> float:
    """Lowest k_BT (meV) at which N = cutoff·Ω/(2πk_BT) ≤ max_matsubara."""
    return cutoff * omega / (2.0 * math.pi * max_matsubara)


def _check_options(mu_star: Any, cutoff: Any, max_matsubara: Any) -> tuple[float, float, int]:
    """The options as (float, float, int) within their ranges, else :class:`InputError`.

    mu_star: a real ≥ 0; cutoff: a real in [MIN_CUTOFF, MAX_CUTOFF] (units of Ω);
    max_matsubara: an integer in [MIN_MATSUBARA, MAX_MATSUBARA]; and μ* ln(cutoff) < 1.
    Text, bools and other non-numbers are refused (never a ValueError from ``float``).
    """
    mu_star = check_real("mu_star", mu_star, low=0.0, error=InputError)
    cutoff = check_real(
        "cutoff (Matsubara cutoff, units of Ω)", cutoff, low=MIN_CUTOFF, high=MAX_CUTOFF, error=InputError
    )
    max_matsubara = check_count(
        "max_matsubara", max_matsubara, MIN_MATSUBARA, MAX_MATSUBARA, error=InputError
    )
    if mu_star > 0 and mu_star * math.log(cutoff) >= 1.0:
        raise InputError(
            f"mu_star = {mu_star!r}, cutoff = {cutoff!r}: μ* ln(cutoff) ≥ 1, the rescaled "
            "pseudopotential diverges; lower one of them"
        )
    return mu_star, cutoff, max_matsubara


def _q_nodes(
    bands: BandStructure, n: int, mu: float, omega: float, kt: float, n_nodes: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Nodes in [0, π/d] and weights (Σ w f = ∫₀^{π/d} dq f) of band n for the Eliashberg sums."""
    q_max = math.pi / bands.period
    lo, hi = (float(x) for x in bands.band_edges[n])
    v_max = max(hi - lo, 1e-300) * bands.period  # bound on |dE/dq|
    q_f = bands.crossing(n, mu)
    dist = max(lo - mu, mu - hi, 0.0)
    # grading scale at each breakpoint: the Fermi point at k_BT (or μ's distance from the band)
    points: dict[float, float] = {0.0: q_max, q_max: q_max}
    for k in range(_ENERGY_DECADES):
        for e in (mu - omega * _ENERGY_RATIO**k, mu + omega * _ENERGY_RATIO**k):
            if lo < e < hi:
                points.setdefault(bands.crossing(n, e), q_max)
    points[q_f] = min(max(kt, dist) / v_max, q_max)
    pts = sorted(points)
    lengths, scales, origins, signs = [], [], [], []
    for a, b in itertools.pairwise(pts):
        half = 0.5 * (b - a)
        if half > 0:
            lengths += [half, half]
            scales += [points[a], points[b]]
            origins += [a, b]
            signs += [1.0, -1.0]
    u, w = graded_nodes(np.array(lengths), np.array(scales), n_nodes)
    q = (np.array(origins)[:, None] + np.array(signs)[:, None] * u).ravel()
    w = w.ravel()
    keep = w > 0
    order = np.argsort(q[keep], kind="stable")
    return q[keep][order], w[keep][order]


def wire_states(bands: BandStructure, mu: float, omega: float, kt: float, n_nodes: int = 8) -> _States:
    """The subband states (n, q) with their overlap factors, on q nodes for the Eliashberg sums.

    The states and factors X_n(q) are those of the BCS solver (the same band structure); the
    nodes differ because the integrands do: no sharp shell edges at μ ± ω̃₀, but a Fermi-point
    structure of width ~πk_BT and tails over the whole band.  Each band is split at its Fermi
    point (graded towards it down to k_BT) and at the crossings of μ ± 4^k Ω (k = 0…7), with
    ``n_nodes`` Gauss–Legendre nodes per geometric panel (:func:`multigap.quadrature.graded_nodes`).

    Parameters
    ----------
    bands : BandStructure
    mu, omega, kt : float
        Chemical potential, phonon energy Ω and k_BT, meV.
    n_nodes : int
        Gauss–Legendre nodes per panel.
    """
    both = getattr(bands, "energies_and_factors", None)
    weight, energy, factors, nodes = [], [], [], []
    for n in range(bands.n_bands):
        q, w = _q_nodes(bands, n, mu, omega, kt, n_nodes)
        nodes.append(q)
        if both is not None:
            e, x = both(q, n)
        else:
            e, x = bands.energies(q, band=n), bands.overlap_factors(q, band=n)
        weight.append(w / math.pi)
        energy.append(np.asarray(e, dtype=float) - mu)
        factors.append(np.asarray(x, dtype=float))
    return _States(weight=weight, energy=energy, factors=factors, pref=prefactor(bands.mass_x), q=nodes)


def _interacting_density(
    st: _States,
    ns: _NormalState,
    lam: NDArray,
    omega: float,
    mass_x: float,
    n_nodes: int,
    with_chi: bool,
    phi: NDArray | None = None,
) -> float:
    """Electron density (1/nm², both spins) of the interacting normal state (Z, χ) at ``ns.kt``.

    n = Σ_nq w [N⁰(a) + δN], N⁰ the Fermi-function occupation (:func:`multigap.kernels.occupation`
    with Δ = 0) and, per spin, δn_k = −k_BT Σ_m [ε̃/((ωZ)² + ε̃²) − ξ/(ω² + ξ²)] (ε̃ = ξ + χ),
    whose k_x integral is −πk_BT Σ_{m≥0} [Re z^{−1/2} − Re z₀^{−1/2}] (z = a + χ − iωZ,
    z₀ = a − iω; with gaps ``phi`` (φ = X·phi below the cutoff) ωZ becomes √((ωZ)² + φ²) in z).
    The sum decays only like ω^{−3/2} (χ of the deep bands stays finite up to
    their depth), so it runs over the N frequencies of ``ns``, 3N more where ω(Z − 1) and χ are
    continued by their equations with bare bubbles, and beyond ω_end = 8πk_BT N as an integral
    (Gauss–Legendre in u, ω = ω_end/u²) with ω(Z − 1) and χ from the same equations, the part of
    the frequency sum beyond ω_end done as ∫Λ(ω − ω')B(ω')dω' ≈ B(ω) Ω [π/2 + arctan((ω − ω_end)/Ω)].
    """
    from .kernels import occupation

    kt, freqs = ns.kt, ns.freqs
    n_f = freqs.size
    ext = math.pi * kt * (2.0 * np.arange(n_f, 4 * n_f) + 1.0)
    omega_end = 2.0 * math.pi * kt * 4 * n_f
    u, wu = np.polynomial.legendre.leggauss(_TAIL_NODES)
    u, wu = 0.5 * (u + 1.0), 0.5 * wu
    w_int = omega_end / (u * u)
    sum_w = wu * 2.0 * omega_end / u**3 / (2.0 * math.pi * kt)  # weights replacing Σ_m
    grid = np.concatenate([freqs, ext])  # explicit frequencies
    n_b, r = st.n_bands, st.rank
    bz = np.empty((n_b, grid.size, r))
    bc = np.empty((n_b, grid.size, r))
    bz_i = np.empty((n_b, w_int.size, r))
    bc_i = np.empty((n_b, w_int.size, r))
    for n in range(n_b):
        chi = ns.chi_on(st, n) if with_chi else None
        w_in = freqs[None, :] * ns.z_on(st, n)
        if phi is None:
            a_z, a_chi, _ = _bubbles(st, n, w_in, chi, pair=False)
        else:
            ph = st.factors[n] @ phi[n].T
            _, a_chi, p = _bubbles(st, n, np.sqrt(w_in * w_in + ph * ph), chi, pair=True)
            assert p is not None
            a_z = p * w_in
        bz[n, :n_f], bc[n, :n_f] = _project(st, n, a_z), _project(st, n, a_chi)
        a_z, a_chi, _ = _bubbles(st, n, np.broadcast_to(ext, (st.weight[n].size, ext.size)), None, pair=False)
        bz[n, n_f:], bc[n, n_f:] = _project(st, n, a_z), _project(st, n, a_chi)
        a_z, a_chi, _ = _bubbles(
            st, n, np.broadcast_to(w_int, (st.weight[n].size, w_int.size)), None, pair=False
        )
        bz_i[n], bc_i[n] = _project(st, n, a_z), _project(st, n, a_chi)
    pi_t = math.pi * kt
    # ω(Z − 1) and χ on the extension (explicit sums over the explicit frequencies)
    km = _einstein(omega, ext[:, None] - grid[None, :])
    kp = _einstein(omega, ext[:, None] + grid[None, :])
    y_ext = pi_t * _convolve(lam, km - kp, bz)
    c_ext = -pi_t * _convolve(lam, km + kp, bc)
    # ... and at the integral nodes: explicit part plus the continuum beyond ω_end
    km = _einstein(omega, w_int[:, None] - grid[None, :])
    kp = _einstein(omega, w_int[:, None] + grid[None, :])
    near = 0.5 * omega * (0.5 * math.pi + np.arctan((w_int - omega_end) / omega))[:, None]
    far = 0.5 * omega * (0.5 * math.pi - np.arctan((w_int + omega_end) / omega))[:, None]
    cont_z = np.tensordot(lam, (near - far) * bz_i, axes=(1, 0))
    cont_c = np.tensordot(lam, (near + far) * bc_i, axes=(1, 0))
    y_int = pi_t * _convolve(lam, km - kp, bz) + cont_z
    c_int = -pi_t * _convolve(lam, km + kp, bc) - cont_c
    all_f = np.concatenate([grid, w_int])
    weights = np.concatenate([np.ones(grid.size), sum_w])
    y_all = np.concatenate([ns.y_z, y_ext, y_int], axis=1)
    c_all = np.concatenate([ns.y_chi, c_ext, c_int], axis=1) if with_chi else np.zeros_like(y_all)
    total = 0.0
    for n in range(n_b):
        x = st.factors[n]
        a = st.energy[n][:, None]
        b = a + x @ c_all[n].T
        w_abs = all_f[None, :] + x @ y_all[n].T
        if phi is not None:  # gapped: (ωZ)² → (ωZ)² + φ² below the cutoff
            ph = x @ phi[n].T
            w_abs[:, :n_f] = np.sqrt(w_abs[:, :n_f] ** 2 + ph * ph)
        mod = np.hypot(b, w_abs)
        mod0 = np.hypot(a, all_f[None, :])
        # Re (b − iW)^{−1/2} = √((|z| + b)/2)/|z|; for b < 0 via uv = W/2 (no cancellation)
        re_int = np.where(
            b >= 0, np.sqrt(0.5 * (mod + np.abs(b))), 0.5 * w_abs / np.sqrt(0.5 * (mod + np.abs(b)))
        )
        re_0 = np.where(
            a >= 0, np.sqrt(0.5 * (mod0 + np.abs(a))), 0.5 * all_f / np.sqrt(0.5 * (mod0 + np.abs(a)))
        )
        delta = (re_int / mod - re_0 / mod0) @ weights
        d_n = -2.0 * kt * math.sqrt(mass_x / HBAR2_2ME) * delta
        occ0 = occupation(st.energy[n], 0.0, kt, omega, mass_x, n_nodes)
        total += float(np.dot(st.weight[n], occ0 + d_n))
    return total


def _bare_density(st: _States, kt: float, omega: float, mass_x: float, n_nodes: int) -> float:
    """Non-interacting density (1/nm², both spins) on the states at k_BT = ``kt`` (0 allowed)."""
    from .kernels import occupation

    return float(
        sum(
            np.dot(w, occupation(a, 0.0, kt, omega, mass_x, n_nodes))
            for w, a in zip(st.weight, st.energy, strict=True)
        )
    )


# ----------------------------------------------------------------------------- constant DOS


@dataclass(frozen=True)
class ConstantDosResult:
    """Tc of the constant-DOS Einstein problem.

    Attributes
    ----------
    tc : float
        Critical temperature, K (0 with status ``below_floor``).
    status : Status
        ``converged`` or ``below_floor`` (Tc below ``floor``, the lowest Tc the grid resolves).
    lam : ndarray
        λ_nn' (dimensionless).
    omega_e : float
        Einstein energy Ω, meV.
    mu_star : float
        Coulomb pseudopotential at the scale Ω.
    cutoff : float
        Matsubara cutoff in units of Ω.
    z : ndarray
        Z_n(iπk_BTc) per band (NaN below the floor).
    iterations : int
        Eigenvalue evaluations of the root search.
    floor : float
        Lowest Tc resolved (K).
    n_matsubara : int
        Positive Matsubara frequencies at Tc (0 below the floor).
    """

    tc: float
    status: str
    lam: NDArray[np.float64]
    omega_e: float
    mu_star: float
    cutoff: float
    z: NDArray[np.float64]
    iterations: int
    floor: float
    n_matsubara: int = 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary (units in the key names)."""
        return {
            "tc_K": self.tc,
            "status": str(self.status),
            "tc_over_omega": KB * self.tc / self.omega_e,
            "lambda": self.lam.tolist(),
            "omega_e_meV": self.omega_e,
            "mu_star": self.mu_star,
            "cutoff": self.cutoff,
            "Z": self.z.tolist(),
            "iterations": self.iterations,
            "tc_floor_K": self.floor,
            "n_matsubara": self.n_matsubara,
        }


def _lambda_matrix(lam: float | ArrayLike) -> NDArray[np.float64]:
    arr = np.atleast_2d(np.asarray(lam, dtype=float))
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.size == 0:
        raise InputError(f"lambda = {lam!r}: must be a number or a square matrix")
    if not np.all(np.isfinite(arr)) or not np.allclose(arr, arr.T, rtol=0, atol=1e-12):
        raise InputError(f"lambda = {arr.tolist()!r}: must be a finite symmetric matrix")
    if np.any(arr < 0) or np.max(np.linalg.eigvalsh(arr)) <= 0:
        raise InputError(f"lambda = {arr.tolist()!r}: couplings must be >= 0 with a positive eigenvalue")
    return arr


def constant_dos_tc(
    lam: float | ArrayLike,
    omega_e: float,
    mu_star: float = 0.0,
    cutoff: float = DEFAULT_CUTOFF,
    *,
    max_matsubara: int = DEFAULT_MAX_MATSUBARA,
    tc_floor: float = DEFAULT_TC_FLOOR,
    rtol: float = 1e-10,
    guess: float | None = None,
) -> ConstantDosResult:
    """Tc of the textbook Einstein problem with a constant density of states (one or more bands).

    Same kernels, normal-state solver and root search as :class:`EliashbergTheory`, with each
    band a single "flat" state of unit density of states over an infinite, particle–hole
    symmetric band (χ = 0; the couplings λ_nn' include the densities of states).

    Parameters
    ----------
    lam : float or array_like
        λ (one band) or a symmetric λ_nn' matrix (dimensionless).
    omega_e : float
        Einstein energy Ω, meV (> 0).
    mu_star : float
        Coulomb pseudopotential at the scale Ω (same for every band pair), rescaled to the
        Matsubara cutoff (Morel–Anderson).
    cutoff : float
        Matsubara cutoff in units of Ω (2 … :data:`MAX_CUTOFF` = 1000).
    max_matsubara : int
        Largest number of positive Matsubara frequencies (sets the lowest Tc resolved;
        32 … :data:`MAX_MATSUBARA` = 2048).
    tc_floor : float
        Tc below max(tc_floor, lowest resolved) is reported as 0 with status ``below_floor``.
    rtol : float
        Relative tolerance on Tc.
    guess : float, optional
        Starting Tc estimate, K.

    Returns
    -------
    ConstantDosResult

    Examples
    --------
    >>> r = constant_dos_tc([[1.0, 0.1], [0.1, 0.5]], 20.0, mu_star=0.1)
    >>> r.status, r.tc > 0
    ('converged', True)
    """
    lm = _lambda_matrix(lam)
    omega_e = check_real("omega_e (Einstein energy, meV)", omega_e, positive=True, error=InputError)
    mu_star, cutoff, max_matsubara = _check_options(mu_star, cutoff, max_matsubara)
    n_b = lm.shape[0]
    ones = [np.ones(1) for _ in range(n_b)]
    st = _States(
        weight=ones, energy=[np.zeros(1) for _ in range(n_b)], factors=[np.ones((1, 1))] * n_b, pref=None
    )
    floor = max(tc_floor, _lowest_kt(omega_e, cutoff, max_matsubara) / KB)

    def evaluate(kt: float) -> _Spectrum:
        return _leading(st, lm, omega_e, kt, mu_star=float(mu_star), cutoff=float(cutoff), with_chi=False)

    res = _find_tc(evaluate, omega=omega_e, floor_k=floor, rtol=rtol, guess=guess)
    if res.spectrum is None:
        z = np.full(n_b, math.nan)
        n_m = 0
    else:
        z = np.array([float(res.spectrum.normal.z_on(st, n)[0, 0]) for n in range(n_b)])
        n_m = res.spectrum.normal.freqs.size
    return ConstantDosResult(
        tc=res.tc,
        status=str(res.status),
        lam=lm,
        omega_e=float(omega_e),
        mu_star=float(mu_star),
        cutoff=float(cutoff),
        z=z,
        iterations=res.iterations,
        floor=floor,
        n_matsubara=n_m,
    )


# ----------------------------------------------------------------------------- the theory


@dataclass(frozen=True)
class EliashbergTheory(PairingTheory):
    """Full-bandwidth multi-band Migdal–Eliashberg theory on the superlattice states.

    Options (fields)
    ----------------
    mu_star : float
        Coulomb pseudopotential at the scale Ω = ω̃₀ (default 0, like the BCS path), rescaled
        to the Matsubara cutoff (Morel–Anderson); it acts as μ* Ĩ^{nn'}(q, q') between all bands.
    cutoff : float
        Matsubara cutoff ω_c in units of Ω (default 15; :data:`MIN_CUTOFF` … :data:`MAX_CUTOFF`,
        2 … 1000).
    coupling : {"g", "lambda"}
        ``g``: the problem's couplings are the BCS g_nn' and λ_nn' = g_nn' √(Z_n Z_n')
        (:func:`lambda_from_g`); ``lambda``: they are λ_nn' directly.
    chi : bool
        Keep the normal self-energy χ (default True; False is the particle–hole symmetric
        approximation χ = 0).
    max_matsubara : int
        Largest number of positive Matsubara frequencies (default 1024; :data:`MIN_MATSUBARA`
        … :data:`MAX_MATSUBARA`, 32 … 2048: memory grows as its square); Tc below
        :meth:`lowest_tc` is reported as ``below_floor``.

    Examples
    --------
    >>> from multigap import preset
    >>> from multigap.problem import pairing_problem
    >>> from multigap.theories import get_theory
    >>> res = get_theory("eliashberg").solve_tc(pairing_problem(preset("A"), 1.0, g=0.4))
    >>> res.status, round(res.tc)                      # BCS: 251 K
    ('converged', 142)
    """

    name: ClassVar[str] = "eliashberg"
    title: ClassVar[str] = (
        "multi-band Migdal–Eliashberg (imaginary axis, full bandwidth, Einstein mode at ω̃₀)"
    )
    diagnostics: ClassVar[dict[str, tuple[str, str]]] = {
        "Z_active": ("1", "mass renormalisation Z(iπk_BTc) of the leading band (pair-weighted q average)"),
        "lambda_eff": ("1", "Eliashberg coupling λ_nn of the leading band"),
        "chi_active": ("meV", "normal self-energy χ(iπk_BTc) of the leading band (pair-weighted q average)"),
        "tc_floor": ("K", "lowest Tc resolved (Matsubara grid); below it the status is below_floor"),
    }
    has_gaps: ClassVar[bool] = True

    mu_star: float = 0.0
    cutoff: float = DEFAULT_CUTOFF
    coupling: str = "g"
    chi: bool = True
    max_matsubara: int = DEFAULT_MAX_MATSUBARA

    def __post_init__(self) -> None:
        if self.coupling not in COUPLINGS:
            raise InputError(f"coupling = {self.coupling!r}: must be one of {', '.join(COUPLINGS)}")
        if not isinstance(self.chi, bool | np.bool_):
            raise InputError(f"chi = {self.chi!r}: must be true or false")
        _check_options(self.mu_star, self.cutoff, self.max_matsubara)

    def couplings(self, problem: PairingProblem) -> NDArray[np.float64]:
        """λ_nn' of ``problem`` in this theory's coupling convention (dimensionless)."""
        if self.coupling == "lambda":
            return np.array(problem.g, dtype=float)
        return lambda_from_g(problem.g)[0]

    def lowest_tc(self, problem: PairingProblem) -> float:
        """Lowest Tc (K) the Matsubara grid resolves: cutoff·Ω/(2π k_B max_matsubara)."""
        return _lowest_kt(problem.omega, float(self.cutoff), self.max_matsubara) / KB

    def _states(self, problem: PairingProblem, mu: float, kt: float) -> _States:
        return wire_states(problem.bands, mu, problem.omega, kt, problem.n_nodes)

    def _density_mu(
        self,
        problem: PairingProblem,
        lam: NDArray,
        kt: float,
        target: float,
        start: _NormalState | None,
        previous: dict[float, tuple[float, _States]],
    ) -> tuple[float, _States, _NormalState]:
        """μ (meV) at which the interacting normal state at k_BT = ``kt`` holds ``target`` (1/nm²).

        Secant iteration from the μ of the nearest temperature already solved (else μ₀), the
        normal state warm-started along the way; stops at |n − target| ≤ 1e-12 target.
        """
        n_f = _n_matsubara(problem.omega, kt, float(self.cutoff))
        mass_x = problem.bands.mass_x
        with_chi = bool(self.chi)
        guess = problem.mu0
        if previous:
            guess = previous[min(previous, key=lambda k: abs(math.log(k / kt)))][0]
        cache: dict[float, tuple[float, _States, _NormalState]] = {}
        warm = [start]

        def resid(mu: float) -> float:
            if mu not in cache:
                st = self._states(problem, mu, kt)
                ns = _normal_state(st, lam, problem.omega, kt, n_f, with_chi, warm[0])
                warm[0] = ns
                dens = _interacting_density(st, ns, lam, problem.omega, mass_x, problem.n_nodes, with_chi)
                cache[mu] = (dens - target, st, ns)
            return cache[mu][0]

        x0, x1 = guess, guess + 1e-3 * problem.omega
        f0, f1 = resid(x0), resid(x1)
        for _ in range(60):
            if abs(f1) <= 1e-12 * target:
                break
            slope = (f1 - f0) / (x1 - x0) if x1 != x0 else 0.0
            if not slope > 0:  # the density grows with μ; a flat or wrong slope: step out
                step = -math.copysign(0.05 * problem.omega, f1)
            else:
                step = -f1 / slope
                step = max(min(step, problem.omega), -problem.omega)
            x0, f0 = x1, f1
            x1 = x1 + step
            f1 = resid(x1)
            if abs(x1 - x0) <= 1e-11 * max(1.0, abs(x1)):
                break
        else:  # pragma: no cover
            raise ConvergenceError(
                f"Eliashberg number equation at k_BT = {kt:.6g} meV: no μ found near {guess:.6g} meV"
            )
        _, st, ns = cache[x1]
        return x1, st, ns

    def solve_gaps(
        self,
        problem: PairingProblem,
        *,
        temperature: float = 0.0,
        mu_mode: str = "density",
        tc: TcResult | None = None,
    ) -> GapSummary:
        """Eliashberg gaps (gap edges by Padé continuation) at ``temperature`` (K).

        See :func:`solve_gaps_eliashberg`: T below 0.05 Tc is computed at 0.05 Tc (or at the
        lowest resolved temperature up to 0.25 Tc; ``result.temperature`` reports it);
        ``mu_mode="density"`` solves the number equation of the superconducting state.
        """
        return solve_gaps_eliashberg(self, problem, temperature=temperature, mu_mode=mu_mode, tc=tc)

    def leading_eigenvalue(
        self, problem: PairingProblem, temperature: float, mu: float | None = None
    ) -> float:
        """Largest eigenvalue of the linearised Eliashberg equation at ``temperature`` (K), μ (meV).

        λ_max = 1 at Tc (dimensionless); default μ = μ₀.

        Raises
        ------
        InputError
            If ``temperature`` is below :meth:`lowest_tc` (the grid would need more than
            ``max_matsubara`` frequencies).
        """
        floor = self.lowest_tc(problem)
        temperature = check_real("temperature", temperature, positive=True, error=InputError)
        if temperature < floor * (1.0 - 1e-9):
            raise InputError(
                f"temperature = {temperature!r} K: below the lowest temperature the Matsubara grid "
                f"resolves ({floor:.4g} K = cutoff·Ω/(2π k_B max_matsubara)); raise max_matsubara "
                f"(<= {MAX_MATSUBARA}) or lower the cutoff"
            )
        kt = KB * temperature
        mu = problem.mu0 if mu is None else float(mu)
        st = self._states(problem, mu, kt)
        return _leading(
            st,
            self.couplings(problem),
            problem.omega,
            kt,
            mu_star=float(self.mu_star),
            cutoff=float(self.cutoff),
            with_chi=bool(self.chi),
        ).eigenvalue

    def solve_tc(
        self,
        problem: PairingProblem,
        *,
        mu_mode: str = "fixed",
        rtol: float = 1e-10,
        guess: float | None = None,
    ) -> TcResult:
        """Eliashberg Tc of ``problem`` (K).

        Parameters
        ----------
        problem : PairingProblem
            Bands, couplings (read per ``coupling``), Ω = ω̃₀ (meV), μ₀ (meV), Tc floor (K).
        mu_mode : {"fixed", "density"}
            ``fixed``: μ = μ₀ at every T (the chemical potential of the interacting system).
            ``density``: μ(T) such that the interacting normal state (with Z and χ) holds the
            non-interacting density of μ₀ at T = 0.
        rtol : float
            Relative tolerance on Tc (at least 1e-12 is used).
        guess : float, optional
            Starting Tc estimate in K (e.g. the BCS Tc or a neighbouring point's).

        Returns
        -------
        TcResult
            ``converged``, or ``below_floor`` (Tc = 0) when Tc is below
            max(problem.tc_floor, :meth:`lowest_tc`); ``floor`` holds that temperature.
            ``extras``: ``Z_active``, ``lambda_eff``, ``chi_active`` (NaN below the floor) and
            ``tc_floor`` (K, the floor used).

        Raises
        ------
        ConvergenceError
            If the normal state, the number equation or the root search fails.
        """
        if mu_mode not in MU_MODES:
            raise InputError(f"mu_mode = {mu_mode!r}: must be one of {', '.join(MU_MODES)}")
        lam = self.couplings(problem)
        mu = problem.mu0
        floor = max(problem.tc_floor, self.lowest_tc(problem))
        kt_cache: dict[float, _States] = {}
        last: list[_NormalState] = []
        mu_at: dict[float, tuple[float, _States]] = {}
        mu_star, cutoff, with_chi = float(self.mu_star), float(self.cutoff), bool(self.chi)
        target = math.nan
        if mu_mode == "density":
            st0 = self._states(problem, problem.mu0, ZERO_T_RESOLUTION * problem.omega)
            target = _bare_density(st0, 0.0, problem.omega, problem.bands.mass_x, problem.n_nodes)

        def evaluate_fixed(kt: float) -> _Spectrum:
            # q nodes graded to k_BT rounded down to a power of 4 (as the BCS solver does)
            level = grading_level(kt)
            if level not in kt_cache:
                kt_cache[level] = self._states(problem, mu, GRADING_BASE**level)
            spec = _leading(
                kt_cache[level],
                lam,
                problem.omega,
                kt,
                mu_star=mu_star,
                cutoff=cutoff,
                with_chi=with_chi,
                start=last[-1] if last else None,
            )
            last[:] = [spec.normal]
            mu_at[kt] = (mu, kt_cache[level])
            return spec

        def evaluate_density(kt: float) -> _Spectrum:
            mu_k, st, ns = self._density_mu(problem, lam, kt, target, last[-1] if last else None, mu_at)
            last[:] = [ns]
            mu_at[kt] = (mu_k, st)
            return _leading(
                st, lam, problem.omega, kt, mu_star=mu_star, cutoff=cutoff, with_chi=with_chi, normal=ns
            )

        evaluate = evaluate_density if mu_mode == "density" else evaluate_fixed
        res = _find_tc(evaluate, omega=problem.omega, floor_k=floor, rtol=max(rtol, 1e-12), guess=guess)
        extras = {"Z_active": math.nan, "lambda_eff": math.nan, "chi_active": math.nan}
        if res.spectrum is not None:
            mu, st = mu_at.get(res.spectrum.normal.kt, (mu, None))
            if st is None:  # pragma: no cover - the spectrum at Tc comes from an evaluation
                st = self._states(problem, mu, res.spectrum.normal.kt)
            extras = _leading_band_diagnostics(st, res.spectrum, lam)
        extras["tc_floor"] = floor
        return TcResult(
            tc=res.tc,
            status=str(res.status),
            converged=True,
            mu=mu,
            mu0=problem.mu0,
            omega=problem.omega,
            eigenvalue=res.eigenvalue,
            iterations=res.iterations,
            mu_mode=mu_mode,
            floor=floor,
            method=_METHOD,
            spectrum=None,
            extras=extras,
        )


def _leading_band_diagnostics(st: _States, spec: _Spectrum, lam: NDArray) -> dict[str, float]:
    """Z, χ at the first Matsubara frequency of the band with the largest pair weight, and its λ_nn."""
    ns = spec.normal
    best = (-1.0, 0, 0.0, 0.0)
    for n in range(st.n_bands):
        phi0 = st.factors[n] @ spec.phi[n, 0]
        z0 = ns.z_on(st, n)[:, 0]
        chi0 = ns.chi_on(st, n)[:, 0]
        w_abs = ns.freqs[None, :1] * z0[:, None]
        _, _, p = _bubbles(st, n, w_abs, chi0[:, None], pair=True)
        assert p is not None
        wt = st.weight[n] * p[:, 0] * phi0 * phi0
        total = float(np.sum(wt))
        if total > best[0]:
            best = (
                total,
                n,
                float(np.dot(wt, z0)) / total if total > 0 else math.nan,
                float(np.dot(wt, chi0)) / total if total > 0 else math.nan,
            )
    _, n, z, chi = best
    return {"Z_active": z, "lambda_eff": float(lam[n, n]), "chi_active": chi}


# ----------------------------------------------------------------------------- gaps below Tc
# Below Tc the equations are solved with φ ≠ 0: with W = ω_m Z, b = E − μ + χ and
# E_m = √(W² + φ²), the k_x integrals are those of the normal state with W replaced by E_m, so
# every state contributes A_Z = P W, A_φ = P φ and A_χ (P from :func:`_bubbles` at E_m).  The
# unknowns stay ω(Z − 1) = X·y, χ = X·c, φ = X·Φ; they are iterated to a fixed point from the
# normal state and the leading eigenvector.  Gap edges: :mod:`multigap.eliashberg_pade`.
# T = 0 is not on the Matsubara axis: gaps asked for below GAP_TC_FRACTION·Tc are computed
# there (or at the lowest resolved temperature), see :func:`_gap_temperature`.

#: Gaps asked for below this fraction of Tc are computed at GAP_TC_FRACTION·Tc (the T → 0 limit).
GAP_TC_FRACTION = 0.05
#: ... or at the lowest resolved temperature, if that is at most GAP_MAX_FRACTION·Tc.
GAP_MAX_FRACTION = 0.25


def _gap_temperature(temperature: float, tc: float, floor: float) -> float:
    """The temperature (K) at which gaps asked for at ``temperature`` are computed.

    max(T, GAP_TC_FRACTION·Tc, floor).  Raising T this way approximates the T → 0 gaps: the
    large gaps (Δ/k_BT ≥ 7 at 0.25 Tc) to < 1e-3, small induced gaps (Δ ≲ 4k_BT) less well —
    model A at (1, 0.4), fixed μ: Δ₃ at 0.2, 0.1, 0.05, 0.025 Tc = 25.339, 25.357, 25.370,
    25.375 meV, Δ₂ = 1.196, 1.242, 1.276, 1.290 meV.  ``result.temperature`` reports the
    temperature used.

    Raises
    ------
    ConvergenceError
        If T < GAP_MAX_FRACTION·Tc was asked for but the floor is above that.
    """
    used = max(temperature, GAP_TC_FRACTION * tc, floor)
    if used > temperature and used > GAP_MAX_FRACTION * tc:
        raise ConvergenceError(
            f"Eliashberg gaps at T = {temperature:.4g} K: the Matsubara grid resolves only "
            f"T >= {floor:.4g} K = {floor / tc:.2f} Tc (Tc = {tc:.4g} K), too close to Tc for the "
            "T -> 0 gaps; raise the theory option max_matsubara"
        )
    return used


_GAP_TOL = 1e-10
_GAP_MAXITER = 3000


@dataclass(frozen=True)
class SuperState:
    """Self-consistent solution below Tc on N positive Matsubara frequencies.

    ``y_z``, ``y_chi``, ``phi``: (n_b, N, r) with ω(Z − 1) = X·y_z, χ = X·y_chi, φ = X·phi.
    """

    kt: float
    freqs: NDArray[np.float64]
    y_z: NDArray[np.float64]
    y_chi: NDArray[np.float64]
    phi: NDArray[np.float64]
    iterations: int
    residual: float


def solve_super(
    st: _States,
    lam: NDArray,
    omega: float,
    kt: float,
    *,
    mu_star: float,
    cutoff: float,
    with_chi: bool,
    tc_kelvin: float,
    start: SuperState | None = None,
) -> SuperState | None:
    """Nonlinear Eliashberg equations at k_BT = ``kt`` (meV); None when only φ = 0 solves them.

    Starts from ``start`` (a solution at the same temperature, e.g. another μ), or else from the
    normal state and the leading eigenvector of the linearised equation at the same
    temperature, scaled to Δ(iπT) ≈ 1.76 k_BTc.
    """
    n_b = st.n_bands
    if start is not None and start.kt == kt:
        freqs, y_z, y_chi, phi = start.freqs, start.y_z.copy(), start.y_chi.copy(), start.phi.copy()
    else:
        spec = _leading(st, lam, omega, kt, mu_star=mu_star, cutoff=cutoff, with_chi=with_chi)
        if spec.eigenvalue <= 1.0:
            return None
        ns = spec.normal
        freqs = ns.freqs
        # initial φ: the eigenvector, scaled so that the largest Δ(iπT) = φ/Z is 1.76 k_BTc
        phi = spec.phi.copy()
        peak = 0.0
        for n in range(n_b):
            d0 = (st.factors[n] @ phi[n, 0]) / ns.z_on(st, n)[:, 0]
            if d0.size:
                k = int(np.argmax(np.abs(d0)))
                if abs(d0[k]) > abs(peak):
                    peak = float(d0[k])
        if peak == 0.0:
            return None
        phi *= 1.764 * KB * tc_kelvin / peak
        y_z, y_chi = ns.y_z.copy(), ns.y_chi.copy()
    n_f = freqs.size
    mu_c = morel_anderson(mu_star, 2.0 * math.pi * kt * n_f, omega)
    km = _einstein(omega, freqs[:, None] - freqs[None, :])
    kp = _einstein(omega, freqs[:, None] + freqs[None, :])
    k_odd, k_even = km - kp, km + kp
    tail_z, tail_chi = _bare_tail(st, lam, omega, kt, freqs)
    pi_t = math.pi * kt
    change = math.inf
    for it in range(1, _GAP_MAXITER + 1):
        bz = np.empty_like(y_z)
        bc = np.empty_like(y_z)
        bp = np.empty_like(y_z)
        for n in range(n_b):
            x = st.factors[n]
            w = freqs[None, :] + x @ y_z[n].T
            ph = x @ phi[n].T
            e = np.sqrt(w * w + ph * ph)
            chi = x @ y_chi[n].T if with_chi else None
            _, a_chi, p = _bubbles(st, n, e, chi, pair=True)
            assert p is not None
            bz[n] = _project(st, n, p * w)
            bc[n] = _project(st, n, a_chi)
            bp[n] = _project(st, n, p * ph)
        new_z = pi_t * _convolve(lam, k_odd, bz) + tail_z
        new_chi = -pi_t * _convolve(lam, k_even, bc) + tail_chi if with_chi else y_chi
        new_phi = pi_t * _convolve(lam, k_even, bp)
        if mu_c != 0.0:
            new_phi -= pi_t * 2.0 * mu_c * np.sum(bp, axis=(0, 1))[None, None, :]
        scale = max(float(np.max(np.abs(new_phi))), 1e-300)
        change = max(
            float(np.max(np.abs(new_phi - phi))) / scale,
            float(np.max(np.abs(new_z - y_z))) / max(float(np.max(np.abs(new_z))), 1e-300),
            float(np.max(np.abs(new_chi - y_chi))) / max(float(np.max(np.abs(new_chi))), 1e-12 * omega),
        )
        y_z, y_chi, phi = new_z, new_chi, new_phi
        if scale < 1e-12 * KB * tc_kelvin:
            return None  # the gap iterates to zero: T is at or above Tc
        if change <= _GAP_TOL:
            return SuperState(kt, freqs, y_z, y_chi, phi, it, change)
    raise ConvergenceError(
        f"Eliashberg gap equations at k_BT = {kt:.6g} meV did not converge in {_GAP_MAXITER} "
        f"iterations (last relative change {change:.3g})"
    )


def _band_gap_edges(
    problem: PairingProblem, sup: SuperState, mu: float, band: int
) -> tuple[float, float, float, bool, NDArray, NDArray]:
    """Gap edges of band ``band`` over its Fermi sea (weights ∝ dq/k_x, as for BCS), meV.

    Returns mean, min, max, has_fermi_surface and the q nodes and edges used.
    """
    from .observables import _fermi_sea_nodes

    bands = problem.bands
    sea = _fermi_sea_nodes(problem, band, mu)
    if sea is None:
        q = np.array([bands.crossing(band, float(bands.band_edges[band, 0]))])
        w = np.ones(1)
    else:
        q, w = sea
    x = bands.overlap_factors(q, band=band)
    m = min(PADE_POINTS, sup.freqs.size)
    z = 1.0 + (x @ sup.y_z[band, :m].T) / sup.freqs[None, :m]
    delta = (x @ sup.phi[band, :m].T) / z  # Δ(q, iω_m)
    edges = gap_edges(sup.freqs[:m], delta)
    keep = w > 0
    mean = float(np.dot(w[keep], edges[keep]) / np.sum(w[keep]))
    return mean, float(edges[keep].min()), float(edges[keep].max()), sea is not None, q, edges


def solve_gaps_eliashberg(
    theory: EliashbergTheory,
    problem: PairingProblem,
    *,
    temperature: float = 0.0,
    mu_mode: str = "density",
    tc: TcResult | None = None,
) -> GapSummary:
    """Eliashberg gaps of ``problem`` at ``temperature`` (K) as a :class:`~multigap.observables.GapSummary`.

    Band gaps are gap edges (Padé) averaged over the Fermi sea with weight dq/k_x, as for BCS;
    ``result.temperature`` is the temperature used (:func:`_gap_temperature`);
    ``result.coefficients`` are least-squares fits X_n(q)·c_n of the edges over each Fermi
    sea (an approximate q-representation; the band gaps themselves are computed node by node).
    ``mu_mode="density"`` keeps the non-interacting density of μ₀ at T = 0 in the interacting
    superconducting state (number equation with Z, χ and φ).

    Raises
    ------
    ConvergenceError
        If T → 0 gaps are asked for but the grid resolves only T > 0.25 Tc, or the equations
        or the Padé continuation fail.
    """
    from .gaps import GapResult
    from .observables import BandGaps, GapSummary
    from .states import BandStates

    if mu_mode not in MU_MODES:
        raise InputError(f"mu_mode = {mu_mode!r}: must be one of {', '.join(MU_MODES)}")
    if not (math.isfinite(temperature) and temperature >= 0):
        raise InputError(f"temperature = {temperature!r}: must be a finite number >= 0 K")
    tcr = tc if tc is not None else theory.solve_tc(problem)
    lam = theory.couplings(problem)
    n_b = problem.bands.n_bands
    opts: dict[str, Any] = {
        "mu_star": float(theory.mu_star),
        "cutoff": float(theory.cutoff),
        "with_chi": bool(theory.chi),
    }

    def summary(
        mu: float, status: str, t_used: float, sup: SuperState | None, st: _States | None, iters: int
    ) -> GapSummary:
        mean, lo, hi = np.zeros(n_b), np.zeros(n_b), np.zeros(n_b)
        has = np.array([problem.bands.band_edges[n, 0] < mu for n in range(n_b)])
        coeffs = [np.zeros(problem.bands.overlap_factors(np.zeros(1), band=n).shape[1]) for n in range(n_b)]
        if sup is not None:
            for n in range(n_b):
                mean[n], lo[n], hi[n], has[n], q, edges = _band_gap_edges(problem, sup, mu, n)
                x = problem.bands.overlap_factors(q, band=n)
                coeffs[n] = np.linalg.lstsq(x, edges, rcond=None)[0]
        states = []
        if st is not None and st.q is not None:
            states = [
                BandStates(q=q, weight=w, energy=e + mu, factors=x)
                for q, w, e, x in zip(st.q, st.weight, st.energy, st.factors, strict=True)
            ]
        result = GapResult(
            temperature=t_used,
            mu=mu,
            mu0=problem.mu0,
            omega=problem.omega,
            mu_mode=mu_mode,
            status=status,
            converged=True,
            iterations=iters,
            passes=1,
            residual=0.0 if sup is None else sup.residual,
            states=states,
            coefficients=coeffs,
            tc=tcr,
            method="Eliashberg imaginary axis (fixed point), gap edges by Padé continuation",
        )
        gaps = BandGaps(mean=mean, minimum=lo, maximum=hi, has_fermi_surface=has)
        ratios = 2.0 * mean / (KB * tcr.tc) if tcr.tc > 0 else np.full(n_b, np.nan)
        return GapSummary(tc=tcr.tc, gaps=gaps, ratios=ratios, mu=mu, mu0=problem.mu0, result=result)

    if tcr.tc <= 0 or temperature >= tcr.tc:
        return summary(problem.mu0, "normal", temperature, None, None, 0)
    t_used = _gap_temperature(temperature, tcr.tc, theory.lowest_tc(problem))
    kt = KB * t_used

    last: list[SuperState] = []

    def solve_at(mu: float) -> tuple[SuperState | None, _States]:
        st = wire_states(problem.bands, mu, problem.omega, kt, problem.n_nodes)
        sup = solve_super(
            st, lam, problem.omega, kt, tc_kelvin=tcr.tc, start=last[-1] if last else None, **opts
        )
        if sup is not None:
            last[:] = [sup]
        return sup, st

    if mu_mode == "fixed":
        sup, st = solve_at(problem.mu0)
        mu = problem.mu0
    else:
        st0 = wire_states(
            problem.bands, problem.mu0, problem.omega, ZERO_T_RESOLUTION * problem.omega, problem.n_nodes
        )
        target = _bare_density(st0, 0.0, problem.omega, problem.bands.mass_x, problem.n_nodes)
        mu, sup, st = _density_gap_mu(problem, lam, kt, target, solve_at, opts)
    if sup is None:
        return summary(mu, "normal", t_used, None, st, 0)
    return summary(mu, "converged", t_used, sup, st, sup.iterations)


def _density_gap_mu(
    problem: PairingProblem,
    lam: NDArray,
    kt: float,
    target: float,
    solve_at: Callable[[float], tuple[SuperState | None, _States]],
    opts: dict[str, Any],
) -> tuple[float, SuperState | None, _States]:
    """Secant on μ for the number equation of the superconducting state (Z, χ and φ)."""

    cache: dict[float, tuple[float, SuperState | None, _States]] = {}

    def resid(mu: float) -> float:
        if mu not in cache:
            sup, st = solve_at(mu)
            ns = _as_normal(sup, st, lam, problem.omega, kt, opts)
            phi = None if sup is None else sup.phi
            dens = _interacting_density(
                st,
                ns,
                lam,
                problem.omega,
                problem.bands.mass_x,
                problem.n_nodes,
                opts["with_chi"],
                phi=phi,
            )
            cache[mu] = (dens - target, sup, st)
        return cache[mu][0]

    x0, x1 = problem.mu0, problem.mu0 + 1e-3 * problem.omega
    f0, f1 = resid(x0), resid(x1)
    for _ in range(60):
        if abs(f1) <= 1e-12 * target:
            break
        slope = (f1 - f0) / (x1 - x0) if x1 != x0 else 0.0
        step = -f1 / slope if slope > 0 else -math.copysign(0.05 * problem.omega, f1)
        step = max(min(step, problem.omega), -problem.omega)
        x0, f0 = x1, f1
        x1 = x1 + step
        f1 = resid(x1)
        if abs(x1 - x0) <= 1e-11 * max(1.0, abs(x1)):
            break
    else:  # pragma: no cover
        raise ConvergenceError(f"Eliashberg number equation with gaps at k_BT = {kt:.6g} meV: no μ found")
    _, sup, st = cache[x1]
    return x1, sup, st


def _as_normal(
    sup: SuperState | None, st: _States, lam: NDArray, omega: float, kt: float, opts: dict[str, Any]
) -> _NormalState:
    """The (y_z, y_chi) part of a superconducting solution as a normal-state object."""
    if sup is not None:
        return _NormalState(kt, sup.freqs, sup.y_z, sup.y_chi, sup.iterations)
    n_f = _n_matsubara(omega, kt, opts["cutoff"])
    return _normal_state(st, lam, omega, kt, n_f, opts["with_chi"])


@dataclass(frozen=True)
class ConstantDosGap:
    """Gap of the constant-DOS Einstein problem at ``temperature`` (K).

    Attributes: ``tc`` (K), ``temperature`` (K, the one used), ``gap_edge`` and ``gap_matsubara``
    (Δ at iπk_BT) per band in meV, ``ratio`` = 2 gap_edge/(k_B Tc).
    """

    tc: float
    temperature: float
    gap_edge: NDArray[np.float64]
    gap_matsubara: NDArray[np.float64]
    ratio: NDArray[np.float64]


def constant_dos_gap(
    lam: float | NDArray,
    omega_e: float,
    mu_star: float = 0.0,
    cutoff: float = 15.0,
    *,
    temperature: float = 0.0,
) -> ConstantDosGap:
    """Gap edges of the constant-DOS Einstein problem (same kernels as the superlattice).

    Examples
    --------
    >>> r = constant_dos_gap(0.3, 20.0)                  # weak coupling: 2Δ/k_BTc ≈ 3.53
    >>> round(float(r.ratio[0]), 2)
    3.54
    """
    lm = _lambda_matrix(lam)
    res = constant_dos_tc(lm, omega_e, mu_star, cutoff)
    n_b = lm.shape[0]
    if res.tc <= 0 or temperature >= res.tc:
        zeros = np.zeros(n_b)
        return ConstantDosGap(res.tc, temperature, zeros, zeros, np.full(n_b, np.nan))
    t_used = _gap_temperature(temperature, res.tc, _lowest_kt(omega_e, cutoff, DEFAULT_MAX_MATSUBARA) / KB)
    st = _States([np.ones(1)] * n_b, [np.zeros(1)] * n_b, [np.ones((1, 1))] * n_b, None)
    sup = solve_super(
        st, lm, omega_e, KB * t_used, mu_star=mu_star, cutoff=cutoff, with_chi=False, tc_kelvin=res.tc
    )
    if sup is None:  # pragma: no cover - T < Tc has a gapped solution
        raise ConvergenceError("constant-DOS gap equations: no gapped solution below Tc")
    z = 1.0 + sup.y_z[:, :, 0] / sup.freqs[None, :]
    delta = sup.phi[:, :, 0] / z
    edges = gap_edges(sup.freqs[:PADE_POINTS], delta[:, :PADE_POINTS])
    return ConstantDosGap(res.tc, t_used, edges, delta[:, 0].copy(), 2.0 * edges / (KB * res.tc))
