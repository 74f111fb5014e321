"""k_x-integrated pair susceptibilities and number-equation terms (docs/theory.md#tc, #gaps; the hot path).

For one subband state (n, q) with a = E_n(q) − μ, the free motion along x is integrated
analytically in the variable s = ħk_x/√(2m_x) (ξ = a + s², s ≥ 0), which leaves smooth
integrands:

* pair susceptibility (linearised gap equation, eq. 8)
  ``K = ħ√(2/m_x) ∫_{|ξ|<ω} ds tanh(ξ/2k_BT)/ξ``                        [nm]
* gap-equation kernel (eq. 6) with E = √(ξ² + Δ²)
  ``F = ħ√(2/m_x) ∫_{|ξ|<ω} ds tanh(E/2k_BT)/E``                        [nm]
* occupation, both spins, per unit length of q
  ``N = 2 ∫ dk_x/(2π) v²``, v² = ½(1 − ξ/E tanh(E/2k_BT)) inside the shell and the Fermi
  function outside                                                        [1/nm]

Each s-integral is split at the Fermi point s_p = √(−a) and at the shell edges, and
integrated on nodes graded towards those points (:func:`multigap.quadrature.graded_nodes`),
so a peak of width k_BT ≪ ω (down to T = 1e-8 K) costs only O(log(ω/k_BT)) nodes.  A slow
reference path with adaptive quadrature (:func:`pair_susceptibility_reference`) exists for
tests.  Energies in meV, temperatures here as k_BT in meV.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import integrate

from .constants import HBAR2_2ME
from .quadrature import gauss_legendre, graded_nodes, graded_panels

__all__ = [
    "LOG_4EG_PI",
    "prefactor",
    "pair_susceptibility",
    "pair_susceptibility_derivatives",
    "pair_susceptibility_reference",
    "gap_kernel",
    "occupation",
    "occupation_reference",
]

_N_NODES = 8
_BLOCK = 2048  # states per block of the batched kernel (its node arrays stay in cache)
_TAIL = 60.0  # Fermi tails are integrated up to |ξ| = ω + 60 k_BT


def prefactor(mass_x: float) -> float:
    """ħ√(2/m_x) = 2√(ħ²/2m_e / m_x) in nm·√meV (m_x in m_e)."""
    return 2.0 * np.sqrt(HBAR2_2ME / mass_x)


def _tanh_over_x(x: NDArray) -> NDArray:
    """tanh(x)/x, with the limit 1 at x = 0 (x may be huge: k_BT → 0)."""
    small = np.abs(x) < 1e-6
    xs = np.where(small, 1.0, x)
    with np.errstate(over="ignore"):  # x² of the unused branch may overflow
        return np.where(small, 1.0 - x * x / 3.0, np.tanh(xs) / xs)


@dataclass(frozen=True)
class _Segments:
    """Quadrature nodes in s for many states: ξ at the nodes and weights ds, per segment."""

    xi: NDArray[np.float64]  # (N, M)
    w: NDArray[np.float64]  # (N, M)


def _segment(
    s0: NDArray, sigma: float, length: NDArray, c0: NDArray | float, width2: NDArray, n_nodes: int
) -> _Segments:
    """s = s0 + σu, u ∈ [0, L] graded towards u = 0; ξ = c0 + u(2σ s0 + u) (c0 = a + s0²)."""
    s0 = np.asarray(s0, dtype=float)
    width2 = np.broadcast_to(np.asarray(width2, dtype=float), s0.shape)
    root = np.sqrt(s0 * s0 + np.maximum(c0, 0.0) + width2)
    scale = (np.maximum(c0, 0.0) + width2) / np.where(root + s0 > 0, root + s0, 1.0)
    u, w = graded_nodes(length, scale, n_nodes)
    xi = np.asarray(c0, dtype=float)[..., None] + u * (2.0 * sigma * s0[..., None] + u)
    return _Segments(xi, w)


def _shell(a: NDArray, omega: float | NDArray, width2: NDArray, n_nodes: int) -> tuple[_Segments, _Segments]:
    """The two shell segments (|ξ| < ω) either side of the Fermi point (or of s = 0 if a ≥ 0)."""
    sp = np.sqrt(np.maximum(-a, 0.0))
    ap = np.maximum(a, 0.0)
    s_hi = np.sqrt(np.maximum(omega - a, 0.0))
    s_lo = np.sqrt(np.maximum(-omega - a, 0.0))
    right = _segment(sp, 1.0, np.maximum(s_hi - sp, 0.0), ap, width2, n_nodes)
    left = _segment(sp, -1.0, np.where(a < 0, sp - s_lo, 0.0), 0.0, width2, n_nodes)
    return right, left


def _as_state_arrays(a: ArrayLike, *others: ArrayLike) -> tuple[NDArray, ...]:
    arr = np.asarray(a, dtype=float)
    return (arr, *(np.broadcast_to(np.asarray(o, dtype=float), arr.shape) for o in others))


#: ln(4e^γ/π): ∫_0^R tanh(u/ε)/u du = ln(R/ε) + LOG_4EG_PI + O(e^{−2R/ε}).
LOG_4EG_PI = math.log(4.0 * math.exp(0.57721566490153286060651209008240243) / math.pi)
#: Low-T asymptotics (with their (k_BT)² and (k_BT)⁴ terms) used where k_BT ≤ 1e-2 |a|: the
#: error left is O((k_BT/a)⁶), measured ≤ 1.0e-11 relative in K (3.2e-10 in ∂K/∂ln T) at 1e-2
#: against 16-node quadrature (a = −200 … −3000 meV, ω = 300 meV); with the (k_BT)² term only
#: 5.8e-9, with neither 1.2e-3.
_ANALYTIC_T_OVER_A = 1e-2
_ANALYTIC_RANGE = 40.0  # ... and both shell sides span ≥ 40 peak widths (e^{−80} tails)


def _low_temperature_asymptotics(
    a: NDArray, kt: float | NDArray, omega: float | NDArray
) -> tuple[NDArray[np.bool_], NDArray[np.float64], NDArray[np.float64]]:
    """States where K/pref and ∂(K/pref)/∂ln T have closed forms, and those values (1/√meV).

    For a > 0 (no Fermi point) with a ≥ 40 k_BT: tanh = 1 on the whole shell,
    K/pref = arctan(s_hi/√a)/√a and ∂/∂ln T = 0 (errors e^{−40}).
    For a < 0 (Fermi point s_p = √−a) with k_BT ≪ |a|: in u = |s − s_p| the shell sides are
    ξ = ±2s_p u + u²; the peak of the linearised integrand tanh(s_p u/k_BT)/(2s_p u) integrates
    to [ln(R/ε) + ln(4e^γ/π)]/(2s_p) (ε = k_BT/s_p), and the T = 0 remainders
    ∓1/(2s_p(2s_p ± u)) in closed form.  The O(k_BT/|a|) corrections of the two sides cancel.
    The even powers of k_BT are the Sommerfeld corrections of the smooth factor
    h(ξ) = ds/dξ = 1/(2√(ξ − a)) at the Fermi point: −(π²/6) h''(0) (k_BT)² − (7π⁴/720) h⁗(0)
    (k_BT)⁴ = −π² (k_BT)²/(16 s_p⁵) − 49π⁴ (k_BT)⁴/(1536 s_p⁹) in K/pref (2× and 4× those in
    ∂/∂ln T), leaving O((k_BT/a)⁶) ≤ 1e-11 relative by the selection rule.
    """
    s_hi = np.sqrt(np.maximum(omega - a, 0.0))
    s_lo = np.sqrt(np.maximum(-omega - a, 0.0))
    k = np.zeros(a.shape)
    dk = np.zeros(a.shape)
    above = (a >= _ANALYTIC_RANGE * kt) & (a < omega)
    ra = np.sqrt(np.where(above, a, 1.0))
    k[above] = (np.arctan(s_hi / ra) / ra)[above]
    sp = np.sqrt(np.maximum(-a, 0.0))
    r_right = np.maximum(s_hi - sp, 0.0)
    r_left = np.maximum(sp - s_lo, 0.0)
    eps = kt / np.where(sp > 0, sp, 1.0)
    fermi = (
        (a < 0)
        & (kt <= _ANALYTIC_T_OVER_A * np.abs(a))
        & (r_right >= _ANALYTIC_RANGE * eps)
        & (r_left >= _ANALYTIC_RANGE * eps)
    )
    spf = np.where(fermi, sp, 1.0)
    rr = np.where(fermi, r_right, 1.0)
    rl = np.where(fermi, r_left, 1.0)
    ef = np.where(fermi, eps, 1.0)
    bracket = (
        np.log(rr / ef)
        + np.log(rl / ef)
        + 2.0 * LOG_4EG_PI
        - np.log1p(rr / (2.0 * spf))
        - np.log1p(-rl / (2.0 * spf))
    )
    r2 = (kt / (spf * spf)) ** 2  # (k_BT/a)², no high powers of s_p (they under/overflow)
    t2 = -(math.pi**2) / 16.0 * r2 / spf  # −(π²/6) h''(0) (k_BT)² = −π² (k_BT)²/(16 s_p⁵)
    t4 = -49.0 * math.pi**4 / 1536.0 * r2 * r2 / spf  # −(7π⁴/720) h⁗(0) (k_BT)⁴
    k[fermi] = (bracket / (2.0 * spf) + t2 + t4)[fermi]
    dk[fermi] = (-1.0 / spf + 2.0 * t2 + 4.0 * t4)[fermi]
    return above | fermi, k, dk


def _shell_panels(
    a: NDArray, omega: NDArray, width2: NDArray
) -> tuple[NDArray[np.intp], NDArray, NDArray, NDArray, NDArray]:
    """The graded panels of both shell segments of every state, flat (no padding).

    The segments are those of :func:`_shell`: for state i, first the right segment (from the
    Fermi point s_p, or s = 0 if a ≥ 0, up to the shell edge), then the left one (down from
    s_p to the lower shell edge; empty if a ≥ 0).  On a segment s = s0 + σu and
    ξ = c0 + u(b + u) with b = 2σ s0.

    Returns ``(state, lo, width, c0, b)`` per panel; a state's panels are contiguous, right
    segment first (a state may have none: a shell narrower than the rounding of s).
    """
    sp = np.sqrt(np.maximum(-a, 0.0))
    ap = np.maximum(a, 0.0)
    s_hi = np.sqrt(np.maximum(omega - a, 0.0))
    s_lo = np.sqrt(np.maximum(-omega - a, 0.0))
    # segments interleaved: 2i = right, 2i + 1 = left
    length = np.stack([np.maximum(s_hi - sp, 0.0), np.where(a < 0, sp - s_lo, 0.0)], axis=1).ravel()
    c0 = np.stack([ap, np.zeros(a.shape)], axis=1).ravel()
    b = np.stack([2.0 * sp, -2.0 * sp], axis=1).ravel()
    s0 = np.repeat(sp, 2)
    w2 = np.repeat(width2, 2)
    root = np.sqrt(s0 * s0 + c0 + w2)
    scale = (c0 + w2) / np.where(root + s0 > 0, root + s0, 1.0)
    seg, lo, width, _ = graded_panels(length, scale)
    return seg // 2, lo, width, c0[seg], b[seg]


def _k_over_pref(
    flat: NDArray, kt: float | NDArray, omega: float | NDArray, n_nodes: int, analytic: bool
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """K/pref and ∂(K/pref)/∂ln T (1/√meV) for a flat array of a = E − μ.

    ``kt`` and ``omega`` are numbers or arrays of the shape of ``flat`` (one per state: a batch
    of points at different temperatures and cutoffs).  The s-integrals run node by node over
    the flat panels of all states (long vectors; no padding), then panel sums are added per
    state in order: a state's result does not depend on the other states of the batch.
    """
    kt_s = np.broadcast_to(np.asarray(kt, dtype=float), flat.shape)
    om_s = np.broadcast_to(np.asarray(omega, dtype=float), flat.shape)
    if analytic:
        done, k, dk = _low_temperature_asymptotics(flat, kt_s, om_s)
    else:
        done, k, dk = np.zeros(flat.shape, bool), np.zeros(flat.shape), np.zeros(flat.shape)
    rest = np.flatnonzero(~done & (flat < om_s))
    x_nodes, w_nodes = gauss_legendre(n_nodes)
    for block in range(0, rest.size, _BLOCK):  # blocks of states: the panel arrays stay in cache
        idx = rest[block : block + _BLOCK]
        sub, two_kt = flat[idx], 2.0 * kt_s[idx]
        state, lo, width, c0, b = _shell_panels(sub, om_s[idx], two_kt)
        scale = two_kt[state]
        k_acc = np.zeros(lo.shape)
        t_acc = np.zeros(lo.shape)
        u, x, t, tmp = (np.empty(lo.shape) for _ in range(4))
        for xj, wj in zip(x_nodes.tolist(), w_nodes.tolist(), strict=True):
            np.multiply(width, xj, out=u)
            u += lo  # the node
            np.add(b, u, out=x)
            x *= u
            x += c0  # ξ = c0 + u(b + u), then ξ/2k_BT: finite even for a denormal k_BT
            x /= scale
            np.tanh(x, out=t)
            np.divide(t, x, out=tmp)  # tanh(x)/x; NaN where x = 0, mended below
            tmp *= wj
            k_acc += tmp
            np.multiply(t, t, out=tmp)
            np.subtract(1.0, tmp, out=tmp)  # sech² = 1 − tanh²
            tmp *= wj
            t_acc += tmp
        hit = np.flatnonzero(np.isnan(k_acc))
        if hit.size:  # a node exactly at ξ = 0, where tanh(x)/x → 1
            k_acc[hit] = 0.0
            for xj, wj in zip(x_nodes.tolist(), w_nodes.tolist(), strict=True):
                uh = lo[hit] + width[hit] * xj
                xh = (c0[hit] + uh * (b[hit] + uh)) / scale[hit]
                k_acc[hit] += wj * np.divide(np.tanh(xh), xh, out=np.ones_like(xh), where=xh != 0.0)
        # per state, its panels in order (bincount adds sequentially)
        k[idx] = np.bincount(state, weights=width * k_acc, minlength=idx.size) / two_kt
        dk[idx] = -np.bincount(state, weights=width * t_acc, minlength=idx.size) / two_kt
    return k, dk


def pair_susceptibility(
    a: ArrayLike, kt: float, omega: float, mass_x: float, n_nodes: int = _N_NODES, analytic: bool = True
) -> NDArray[np.float64]:
    """K(a; T, ω) = ħ√(2/m_x) ∫ ds θ(ω − |ξ|) tanh(ξ/2k_BT)/ξ, in nm.

    Parameters
    ----------
    a : array_like
        E_n(q) − μ for each state, meV.
    kt : float
        k_B T in meV (> 0).
    omega : float
        Pairing cutoff ω̃₀, meV.
    mass_x : float
        Free mass along x, m_e.
    n_nodes : int
        Gauss–Legendre nodes per graded panel.
    analytic : bool
        Use the closed-form low-temperature asymptotics where they are exact to 1e-8
        (``False``: quadrature for every state; for tests).
    """
    (a,) = _as_state_arrays(a)
    k, _ = _k_over_pref(a.ravel(), kt, omega, n_nodes, analytic)
    return (prefactor(mass_x) * k).reshape(a.shape)


def pair_susceptibility_derivatives(
    a: ArrayLike,
    kt: float | ArrayLike,
    omega: float | ArrayLike,
    mass_x: float,
    n_nodes: int = _N_NODES,
    analytic: bool = True,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """K and its exact derivatives ∂K/∂ln T and ∂K/∂ln ω (nm), for Hellmann–Feynman slopes.

    ∂K/∂ln T = −ħ√(2/m_x) ∫ ds sech²(ξ/2k_BT)/(2k_BT) over the shell;
    ∂K/∂ln ω = ħ√(2/m_x) tanh(ω/2k_BT) [1/(2 s_hi) + θ(−ω − a)/(2 s_lo)] (the moving shell edges).
    Parameters as in :func:`pair_susceptibility`; ``kt`` and ``omega`` may also be arrays of
    the shape of ``a`` (one value per state: many points in one call).
    """
    (a,) = _as_state_arrays(a)
    flat = a.ravel()
    kt = np.broadcast_to(np.asarray(kt, dtype=float), a.shape).ravel()
    omega = np.broadcast_to(np.asarray(omega, dtype=float), a.shape).ravel()
    k, dk_t = _k_over_pref(flat, kt, omega, n_nodes, analytic)
    pref = prefactor(mass_x)
    s_hi = np.sqrt(np.maximum(omega - flat, 0.0))
    s_lo = np.sqrt(np.maximum(-omega - flat, 0.0))
    edge = np.where(s_hi > 0, 1.0 / (2.0 * np.where(s_hi > 0, s_hi, 1.0)), 0.0)
    edge += np.where(s_lo > 0, 1.0 / (2.0 * np.where(s_lo > 0, s_lo, 1.0)), 0.0)
    dk_dlnw = pref * np.tanh(omega / (2.0 * kt)) * edge
    return (pref * k).reshape(a.shape), (pref * dk_t).reshape(a.shape), dk_dlnw.reshape(a.shape)


def _gapped_shell(
    flat: NDArray, d: NDArray, kt: float, omega: float, n_nodes: int
) -> Iterator[tuple[_Segments, NDArray]]:
    """The shell segments graded to max(2k_BT, |Δ|), with E = √(ξ² + Δ²) at their nodes."""
    for seg in _shell(flat, omega, np.maximum(2.0 * kt, d), n_nodes):
        yield seg, np.sqrt(seg.xi**2 + d[:, None] ** 2)


def gap_kernel(
    a: ArrayLike, delta: ArrayLike, kt: float, omega: float, mass_x: float, n_nodes: int = _N_NODES
) -> NDArray[np.float64]:
    """F(a, Δ; T, ω) = ħ√(2/m_x) ∫ ds θ(ω − |ξ|) tanh(E/2k_BT)/E, E = √(ξ² + Δ²), in nm.

    Parameters
    ----------
    a : array_like
        E_n(q) − μ per state, meV.
    delta : array_like
        Gap Δ_n(q) per state, meV (broadcast to ``a``); |Δ| is used.
    kt : float
        k_B T in meV (≥ 0; 0 means T = 0, tanh = 1).
    omega, mass_x, n_nodes
        As in :func:`pair_susceptibility`.
    """
    a, delta = _as_state_arrays(a, delta)
    flat = a.ravel()
    total = np.zeros(flat.shape)
    for seg, e in _gapped_shell(flat, np.abs(delta.ravel()), kt, omega, n_nodes):
        if kt > 0:
            with np.errstate(over="ignore"):  # e/kt → inf as k_BT → 0: tanh → 1
                f = _tanh_over_x(e / (2.0 * kt)) / (2.0 * kt)
        else:
            f = 1.0 / np.where(e > 0, e, np.inf)
        total += np.sum(seg.w * f, axis=-1)
    return (prefactor(mass_x) * total).reshape(a.shape)


def _fermi(xi: NDArray, kt: float) -> NDArray:
    """Fermi function 1/(e^{ξ/k_BT} + 1) (kt > 0), overflow-safe."""
    return 0.5 * (1.0 - np.tanh(xi / (2.0 * kt)))


def occupation(
    a: ArrayLike, delta: ArrayLike, kt: float, omega: float, mass_x: float, n_nodes: int = _N_NODES
) -> NDArray[np.float64]:
    """Electrons (both spins) per unit length of q in state (n, q): 2∫dk_x/(2π) v², in 1/nm.

    v² = ½(1 − ξ/E tanh(E/2k_BT)) inside the pairing shell |ξ| < ω (E = √(ξ² + Δ²)), the
    Fermi function outside (docs/theory.md#gaps, standard BCS form).  With Δ = 0 and T = 0 this is
    2k_F/π.  Parameters as in :func:`gap_kernel`.
    """
    a, delta = _as_state_arrays(a, delta)
    flat = a.ravel()
    total = np.zeros(flat.shape)
    for seg, e in _gapped_shell(flat, np.abs(delta.ravel()), kt, omega, n_nodes):
        if kt > 0:
            t = np.tanh(e / (2.0 * kt))
        else:
            t = np.ones_like(e)
        ratio = np.where(e > 0, seg.xi / np.where(e > 0, e, 1.0), 0.0)
        total += np.sum(seg.w * 0.5 * (1.0 - ratio * t), axis=-1)
    s_lo = np.sqrt(np.maximum(-omega - flat, 0.0))
    s_hi = np.sqrt(np.maximum(omega - flat, 0.0))
    total += s_lo  # fully occupied below the shell (T = 0 part)
    if kt > 0:
        tail2 = np.full(flat.shape, 2.0 * kt)
        # holes below the shell: −∫_0^{s_lo} f(−|ξ|) ds, graded towards the shell edge s_lo
        below = _segment(s_lo, -1.0, s_lo, -omega, tail2, n_nodes)
        total -= np.sum(below.w * _fermi(-below.xi, kt), axis=-1)
        # electrons above the shell: ∫ f(ξ) ds from s_hi up to ξ = max(a, ω) + TAIL k_BT
        top = np.maximum(flat, omega)
        c0 = np.where(flat < omega, omega, flat)
        length = np.sqrt(np.maximum(top + _TAIL * kt - flat, 0.0)) - s_hi
        above = _segment(s_hi, 1.0, length, c0, tail2, n_nodes)
        total += np.sum(above.w * _fermi(above.xi, kt), axis=-1)
    return (2.0 / np.pi * np.sqrt(mass_x / HBAR2_2ME) * total).reshape(a.shape)


# ------------------------------------------------------------------ reference path (slow)


def pair_susceptibility_reference(
    a: ArrayLike, kt: float, omega: float, mass_x: float
) -> NDArray[np.float64]:
    """K by adaptive quadrature (scipy.integrate.quad) in ξ, state by state.  For tests only.

    Uses K = ħ√(2/m_x) ∫ dξ tanh(ξ/2k_BT)/(2ξ√(ξ − a)) over max(a, −ω) < ξ < ω, with the
    1/√ endpoint weight handled by quad's algebraic weight and a breakpoint at ξ = 0.
    """
    a = np.atleast_1d(np.asarray(a, dtype=float))
    out = np.empty(a.shape)
    with warnings.catch_warnings():
        # quad may report that roundoff limits it near 1e-10: the agreement tests judge it
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        for i, ai in np.ndenumerate(a):
            out[i] = _k_reference_one(float(ai), kt, omega)
    return prefactor(mass_x) * out


def _k_reference_one(ai: float, kt: float, omega: float) -> float:
    """∫ dξ tanh(ξ/2k_BT)/(2ξ√(ξ − a)) over max(a, −ω) < ξ < ω by scipy.integrate.quad."""
    lo = max(ai, -omega)
    if lo >= omega:
        return 0.0

    def f(xi: float) -> float:
        return float(_tanh_over_x(np.array(xi / (2.0 * kt)))) / (4.0 * kt)

    pieces = [lo, omega] if not lo < 0 < omega else [lo, 0.0, omega]
    val = 0.0
    for p, q in itertools.pairwise(pieces):
        if p == ai:  # the 1/√(ξ − a) endpoint: quad's algebraic weight
            val += integrate.quad(
                f, p, q, weight="alg", wvar=(-0.5, 0.0), limit=500, epsabs=0.0, epsrel=1e-10
            )[0]
        else:
            val += integrate.quad(
                lambda x: f(x) / np.sqrt(x - ai),
                p,
                q,
                limit=500,
                points=_near_zero_points(p, q, kt),
                epsabs=0.0,
                epsrel=1e-10,
            )[0]
    return val


def _near_zero_points(p: float, q: float, kt: float) -> list[float] | None:
    pts = [x for x in (-10 * kt, -kt, kt, 10 * kt) if p < x < q]
    return pts or None


def occupation_reference(a: ArrayLike, delta: ArrayLike, kt: float, omega: float, mass_x: float) -> NDArray:
    """Occupation by adaptive quadrature in s (scipy.integrate.quad), state by state.  Tests only."""
    a, delta = _as_state_arrays(np.atleast_1d(a), delta)
    out = np.empty(a.shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        for i, ai in np.ndenumerate(a):
            out[i] = _occupation_reference_one(float(ai), abs(float(delta[i])), kt, omega)
    return 2.0 / np.pi * np.sqrt(mass_x / HBAR2_2ME) * out


def _occupation_reference_one(ai: float, d: float, kt: float, omega: float) -> float:
    """∫_0^∞ ds v²(s) for one state by scipy.integrate.quad."""

    def v2(s: float) -> float:
        xi = ai + s * s
        if abs(xi) < omega:
            e = math.hypot(xi, d)
            t = math.tanh(e / (2 * kt)) if kt > 0 else 1.0
            return 0.5 * (1.0 - (xi / e if e > 0 else 0.0) * t)
        if kt > 0:
            return float(_fermi(np.array(xi), kt))
        return 1.0 if xi < 0 else 0.0

    s_top = math.sqrt(max(max(ai, omega) + _TAIL * max(kt, 1e-300) - ai, 0.0))
    pts = [math.sqrt(x - ai) for x in (-omega, 0.0, omega) if x > ai]
    pts = [p for p in pts if 0 < p < s_top]
    return integrate.quad(v2, 0.0, s_top, points=pts or None, limit=1000, epsabs=0.0, epsrel=1e-10)[0]
