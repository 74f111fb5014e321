"""Density of states, electron density, Lifshitz points and Fermi surfaces (paper Fig. 3; docs/theory.md#dos).

For the dispersion ε_n(k_x, q) = ħ²k_x²/(2m_x) + E_n(q) the partial density of states per spin
and per unit area of the x–z plane, relative to N₀ = m_x/(2πħ²), is

    N_n(E)/N₀ = (1/π) ∫_BZ dq / k_x(q),    k_x(q) = √(2m_x(E − E_n(q)))/ħ,

over the q with E_n(q) < E (a free 2D band gives exactly 1), and the T = 0 electron density
(both spins, per unit area) is

    n(μ) = 2 Σ_n ∫_BZ dq/(2π) · 2k_F(q)/(2π),   k_F(q) = √(2m_x(μ − E_n(q)))/ħ.

Both integrands are singular: 1/√ (or √) where E_n(q) = E, a jump of N_n at the band bottom and
a logarithmic (van Hove) divergence at the band top, the neck-opening Lifshitz point η = 1.
They are integrated, never sampled, in one of two ways:

``method="energy"`` (default for Kronig–Penney bands)
    change of variable to the band energy E' = E_n(q), dq/dE' = |D'(E')|/(d √(1 − D(E')²))
    from the exact half trace D of the transfer matrix (no root finding), then
    E' = E_lo + (b − E_lo) sin²(πt/2), b = min(E, E_hi), which removes the 1/√ endpoint
    singularities at the band edge and at the Fermi energy exactly; composite Gauss–Legendre in
    t on panels graded geometrically towards the ends resolves the near-singular structure of
    the van Hove point (scale |E − E_hi|) and of nearly closed gaps.  Next to an open band edge
    1 − σD(E') is computed as |∫ D'| from the edge (no cancellation), and every singular factor
    uses the exact distances of the map, so the result keeps ~1e-13 relative accuracy down to
    1e-9 meV from an edge; next to a closed gap (V → 0), where dq/dE' is smooth but 0/0,
    1 − D² comes from the matrix entries and dq/dE' is continued linearly over the last 1e-5
    of the band.
``method="momentum"`` (any :class:`~multigap.bands.BandStructure`)
    the integral in q itself with E_n(q) from ``bands.energies``: q = q_c(1 − (1 − t)²) on the
    occupied interval ending at the crossing q_c (exact, from ``bands.crossing``), graded
    panels towards q_c and the zone boundary.  Slower (root finding at every node) and limited
    near the band edges by the accuracy of E_n(q) (the DOS within 1e-7 of the band width of an
    edge is continued from outside it); it serves analytic test bands and is an independent
    check of the first method (they agree to ~1e-11 away from the edges).

Units: energies meV, lengths nm, wave numbers 1/nm, densities 1/nm², masses m_e.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .bands import BandStructure, lifshitz_scale
from .constants import HBAR2_2ME
from .errors import BandStructureError, InputError

__all__ = [
    "FermiContour",
    "density_of_states",
    "total_dos",
    "electron_density",
    "dos_vs_eta",
    "fermi_surface",
    "lifshitz_points",
    "eta_to_mu",
    "mu_to_eta",
    "dos_unit",
]

_RATIO = 3.0  # largest ratio between consecutive edges of graded panels
_MIN_SCALE = 1e-9  # smallest graded panel (in the normalised variable t in [0, 1])
_EDGE_RTOL = 1e-14  # |E - edge| below this (relative to max(1, |edge|)) counts as "at the edge"
_DEFAULT_NODES = 12  # Gauss-Legendre nodes per panel
_METHODS = ("auto", "energy", "momentum")
_MOMENTUM_EDGE = 1e-7  # method="momentum": DOS within this fraction of the width of an edge is continued
_CLOSED_GAP = 1e-9  # a gap narrower than this (relative to the band width) counts as closed
_CLOSED_ZONE = 1e-5  # closer than this (relative to the width) to a closed gap, J is extrapolated
_EDGE_ZONE = 0.1  # nodes this close to an open band edge (relative to the width) use ∫D'
_EDGE_NODES = 8  # Gauss-Legendre nodes for that integral of D'
_COMPLEX_STEP = 1e-20  # meV, complex-step differentiation of the transfer matrix


# ------------------------------------------------------------------------------------ helpers
def dos_unit(bands: BandStructure) -> float:
    """N₀ = m_x/(2πħ²), the density of states per spin of a free 2D band, in 1/(meV nm²).

    Multiply the dimensionless :func:`density_of_states` by this to get states per spin per meV
    per nm².
    """
    return float(bands.mass_x) / (4.0 * math.pi * HBAR2_2ME)


def _as_energy(value: ArrayLike, name: str) -> NDArray[np.float64]:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"{name} = {value!r}: must be a real number or an array of real numbers (meV)"
        ) from exc
    if not np.all(np.isfinite(arr)):
        bad = float(arr[~np.isfinite(arr)].ravel()[0])
        raise InputError(f"{name} contains {bad!r}: every value must be finite")
    return arr


def _check_band(bands: BandStructure, active_band: int) -> int:
    if isinstance(active_band, bool) or not isinstance(active_band, (int, np.integer)):
        raise InputError(f"active_band = {active_band!r}: must be an integer (1-based band index)")
    if not 1 <= int(active_band) <= bands.n_bands:
        raise InputError(
            f"active_band = {active_band!r}: must be between 1 and {bands.n_bands} "
            "(1-based index of a computed band)"
        )
    return int(active_band)


def _check_nodes(n_nodes: int) -> int:
    if isinstance(n_nodes, bool) or not isinstance(n_nodes, (int, np.integer)) or n_nodes < 4:
        raise InputError(f"n_nodes = {n_nodes!r}: must be an integer >= 4 (Gauss-Legendre nodes per panel)")
    return int(n_nodes)


def _resolve_method(bands: BandStructure, method: str) -> str:
    if method not in _METHODS:
        raise InputError(f"method = {method!r}: must be one of {', '.join(map(repr, _METHODS))}")
    has_trace = hasattr(bands, "half_trace") and hasattr(bands, "half_trace_derivative")
    if method == "auto":
        return "energy" if has_trace else "momentum"
    if method == "energy" and not has_trace:
        raise InputError(
            f"method = 'energy' needs a band structure with half_trace and half_trace_derivative "
            f"(the Kronig-Penney D(E)); {type(bands).__name__} has none: use method = 'momentum'"
        )
    return method


def _panel_count(scale: NDArray[np.float64]) -> NDArray[np.int64]:
    """Graded panels needed on one side: edges s, s r, …, s r^(m−1) below 1/2 (m = 0: one panel)."""
    s = np.clip(scale, _MIN_SCALE, None)
    with np.errstate(divide="ignore"):
        m = np.ceil(np.log(0.5 / s) / math.log(_RATIO) - 1e-12)
    return np.where(s < 0.5, m, 0).astype(np.int64)


def _graded_nodes(
    s_lo: NDArray[np.float64], s_hi: NDArray[np.float64], m_lo: int, m_hi: int, n_nodes: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Composite Gauss–Legendre nodes on t ∈ [0, 1], graded towards t = 0 and t = 1.

    Returns (t, u, w), each of shape (len(s_lo), K): nodes t, their distances u = 1 − t to the
    far end (both accurate near their own end) and weights.
    """
    x, wq = np.polynomial.legendre.leggauss(n_nodes)
    x, wq = 0.5 * (x + 1.0), 0.5 * wq
    nb = s_lo.size

    def side(s: NDArray[np.float64], m: int) -> NDArray[np.float64]:
        s = np.clip(s, _MIN_SCALE, 0.5)
        edges = np.empty((nb, m + 2))
        edges[:, 0] = 0.0
        edges[:, 1 : m + 1] = s[:, None] * _RATIO ** np.arange(m)
        edges[:, m + 1] = 0.5
        return edges

    out_t, out_u, out_w = [], [], []
    for edges, near_zero in ((side(s_lo, m_lo), True), (side(s_hi, m_hi), False)):
        a = edges[:, :-1, None]
        h = np.diff(edges, axis=1)[:, :, None]
        dist = (a + h * x).reshape(nb, -1)  # distance from this side's end, in [0, 1/2]
        w = (h * wq).reshape(nb, -1)
        if near_zero:
            out_t.append(dist)
            out_u.append(1.0 - dist)
        else:
            out_t.append(1.0 - dist)
            out_u.append(dist)
        out_w.append(w)
    return np.concatenate(out_t, 1), np.concatenate(out_u, 1), np.concatenate(out_w, 1)


def _groups(m_lo: NDArray[np.int64], m_hi: NDArray[np.int64]) -> list[tuple[int, int, NDArray[np.intp]]]:
    """Indices grouped by (panels at the low end, panels at the high end)."""
    keys = m_lo * 1000 + m_hi
    return [(int(k // 1000), int(k % 1000), np.nonzero(keys == k)[0]) for k in np.unique(keys)]


# --------------------------------------------------------------------- energy-variable method
class _EdgeInfo(NamedTuple):
    lo: float  # polished band minimum, meV
    hi: float  # polished band maximum, meV
    lo_raw: float
    hi_raw: float
    gap_lo: float  # width of the gap below, meV (inf: no band below, or the gap is closed)
    gap_hi: float  # width of the gap above, meV (inf: the gap is closed)
    closed_lo: bool  # the gap below is closed: E_n(q) has no extremum there (no 1/√ in dq/dE')
    closed_hi: bool  # the gap above is closed; otherwise the top is a van Hove (log) point
    sign_lo: float  # D(E) at the band minimum, ±1


def _polish(bands: BandStructure, edge: float, target: float, width: float) -> float:
    """One Newton step on D(E) = ±1 (D' exact): the edge to rounding accuracy where the gap is open."""
    d = float(bands.half_trace(edge))  # type: ignore[attr-defined]
    dp = float(bands.half_trace_derivative(edge))  # type: ignore[attr-defined]
    if dp == 0.0:
        return edge
    step = (d - target) / dp
    return edge - step if abs(step) <= 1e-9 * max(1.0, width) else edge


def _edge_info(bands: BandStructure) -> list[_EdgeInfo]:
    edges = np.asarray(bands.band_edges, dtype=float)
    out = []
    for n in range(bands.n_bands):
        lo_raw, hi_raw = float(edges[n, 0]), float(edges[n, 1])
        width = hi_raw - lo_raw
        d_lo = float(np.sign(bands.half_trace(lo_raw)))  # type: ignore[attr-defined]
        gap_lo = math.inf if n == 0 else lo_raw - float(edges[n - 1, 1])
        if n + 1 < bands.n_bands:
            gap_hi = float(edges[n + 1, 0]) - hi_raw
        else:  # estimate the gap above the last band: |D| - 1 ≈ |D'| x - |D''| x² / 2
            h = 1e-4 * max(width, 1e-6)
            dp = np.asarray(bands.half_trace_derivative(np.array([hi_raw, hi_raw - h])))  # type: ignore[attr-defined]
            d2 = abs(float(dp[0] - dp[1])) / h
            gap_hi = 2.0 * abs(float(dp[0])) / d2 if d2 > 0 else math.inf
        closed_lo = gap_lo <= _CLOSED_GAP * max(1.0, width)
        closed_hi = gap_hi <= _CLOSED_GAP * max(1.0, width)
        lo = _polish(bands, lo_raw, d_lo, width) if width > 0 and not closed_lo else lo_raw
        hi = _polish(bands, hi_raw, -d_lo, width) if width > 0 and not closed_hi else hi_raw
        gap_lo = math.inf if closed_lo else gap_lo
        gap_hi = math.inf if closed_hi else gap_hi
        out.append(_EdgeInfo(lo, hi, lo_raw, hi_raw, gap_lo, gap_hi, closed_lo, closed_hi, d_lo))
    return out


def _trace_data(
    bands: BandStructure, energy: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """D(E), D'(E) (1/meV) and 1 − D(E)² at real energies (any shape).

    With a public ``transfer_matrix`` (Kronig–Penney) one complex-step evaluation of M(E + ih)
    gives M and M' at once, and the last item is 1 − D² = −[(M₁₁ − M₂₂)²/4 + M₁₂M₂₁]
    (det M = 1), which keeps its relative accuracy where a gap closes (M → ±1), unlike
    (1 − D)(1 + D).  Without it: ``half_trace``, ``half_trace_derivative`` and (1 − D)(1 + D).
    """
    if hasattr(bands, "transfer_matrix"):
        m = bands.transfer_matrix(energy + 1j * _COMPLEX_STEP)  # type: ignore[attr-defined]
        if not np.all(np.isfinite(m)):
            raise BandStructureError(
                "transfer matrix overflowed: a barrier is too thick/high for double precision "
                "(kappa*W > ~700); reduce the barrier thickness, height or mass"
            )
        mr, mi = m.real, m.imag / _COMPLEX_STEP
        d = 0.5 * (mr[..., 0, 0] + mr[..., 1, 1])
        dp = 0.5 * (mi[..., 0, 0] + mi[..., 1, 1])
        from_m = -(0.25 * (mr[..., 0, 0] - mr[..., 1, 1]) ** 2 + mr[..., 0, 1] * mr[..., 1, 0])
        return d, dp, from_m
    d = np.asarray(bands.half_trace(energy), dtype=float)  # type: ignore[attr-defined]
    dp = np.asarray(bands.half_trace_derivative(energy), dtype=float)  # type: ignore[attr-defined]
    return d, dp, (1.0 - d) * (1.0 + d)


def _edge_rate(bands: BandStructure, start: NDArray[np.float64], length: NDArray[np.float64]) -> NDArray:
    """Mean of D' over [start, start + length] (Gauss–Legendre; D is entire in E), 1/meV."""
    x, wq = np.polynomial.legendre.leggauss(_EDGE_NODES)
    x, wq = 0.5 * (x + 1.0), 0.5 * wq
    _, dp, _ = _trace_data(bands, start[..., None] + length[..., None] * x)
    return np.sum(dp * wq, axis=-1)


def _node_integrand(
    bands: BandStructure,
    info: _EdgeInfo,
    kind: str,
    ep: NDArray[np.float64],
    s: NDArray[np.float64],
    c: NDArray[np.float64],
    b: NDArray[np.float64],
    eb: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Integrand in t of ∫ J(E') (E − E')^{∓1/2} dE' at the nodes E' = ``ep`` (dE'/dt included).

    ``s`` = E' − lo and ``c`` = b − E' are the exact distances from the map (not differences
    of the rounded node), dE'/dt = π √(s c) and E − E' = (E − b) + c.  Within 10 % of the band
    width of an open edge, where J = dq/dE' ∝ 1/√(distance), 1 − σD(E') = |∫ D'| from the edge
    gives the smooth J·√distance without cancellation; only smooth factors are evaluated at the
    rounded node, so nothing is lost to rounding next to the edges.
    """
    period = float(bands.period)
    width = info.hi - info.lo
    chi = (info.hi - b) + c  # distance to the band top
    rest = eb + c  # E − E' (> 0)
    d, dp, from_m = _trace_data(bands, ep)
    closed_side = np.where(s <= chi, info.closed_lo, info.closed_hi)
    one_m_d2 = np.where(closed_side, from_m, (1.0 - d) * (1.0 + d))
    jac = np.abs(dp) / (period * np.sqrt(np.maximum(one_m_d2, 1e-300)))  # dq/dE', 1/(nm meV)
    # next to a closed gap J is smooth but 0/0 within rounding: continue it linearly from outside
    dc = _CLOSED_ZONE * width
    for closed, dist, sign, edge in ((info.closed_lo, s, 1.0, info.lo), (info.closed_hi, chi, -1.0, info.hi)):
        close = closed & (dist < dc)
        if np.any(close):
            _, dp12, om12 = _trace_data(bands, edge + sign * dc * np.array([1.0, 2.0]))
            j1, j2 = np.abs(dp12) / (period * np.sqrt(np.maximum(om12, 1e-300)))
            jac = np.where(close, j1 + (j1 - j2) * (dc - dist) / dc, jac)
    if kind == "dos":
        f = math.pi * jac * np.sqrt(s * c / rest)
    else:
        f = math.pi * jac * np.sqrt(s * c * rest)
    sigma = info.sign_lo  # D(lo); D(hi) = -sigma across an open gap
    near_lo = (not info.closed_lo) & (s < _EDGE_ZONE * width)
    if np.any(near_lo):
        sl = s[near_lo]
        rate = np.maximum(-sigma * _edge_rate(bands, np.full(sl.shape, info.lo), sl), 1e-300)
        k = np.abs(dp[near_lo]) / (period * np.sqrt(rate * np.maximum(2.0 - sl * rate, 1e-300)))  # J √s
        cl, rl = c[near_lo], rest[near_lo]
        f[near_lo] = math.pi * k * (np.sqrt(cl / rl) if kind == "dos" else np.sqrt(cl * rl))
    near_hi = (not info.closed_hi) & (chi < _EDGE_ZONE * width) & ~near_lo
    if np.any(near_hi):
        ch = chi[near_hi]
        rate = np.maximum(-sigma * _edge_rate(bands, info.hi - ch, ch), 1e-300)
        k = np.abs(dp[near_hi]) / (period * np.sqrt(rate * np.maximum(2.0 - ch * rate, 1e-300)))  # J √chi
        sh, ch_, rh = s[near_hi], c[near_hi], rest[near_hi]
        g = np.sqrt(sh * ch_ / ch)
        f[near_hi] = math.pi * k * (g / np.sqrt(rh) if kind == "dos" else g * np.sqrt(rh))
    return f


def _energy_integrals(
    bands: BandStructure, energy: NDArray[np.float64], kind: str, n_nodes: int
) -> NDArray[np.float64]:
    """∫_{lo}^{b} J(E') (E − E')^{∓1/2} dE' per band, J = dq/dE' (1/(nm meV)); shape (n_bands, nE)."""
    out = np.zeros((bands.n_bands, energy.size))
    period = float(bands.period)
    for n, info in enumerate(_edge_info(bands)):
        tol_lo = _EDGE_RTOL * max(1.0, abs(info.lo))
        tol_hi = _EDGE_RTOL * max(1.0, abs(info.hi))
        inside = energy > max(info.lo, info.lo_raw) + tol_lo
        if info.hi <= info.lo:  # flat band: E_n(q) = lo for every q
            x = np.where(inside, energy - info.lo, 1.0)
            val = (math.pi / period) * (1.0 / np.sqrt(x) if kind == "dos" else np.sqrt(x))
            out[n] = np.where(inside, val, 0.0)
            continue
        at_top = (np.abs(energy - info.hi) <= tol_hi) | (energy == info.hi_raw)
        if kind == "dos" and not info.closed_hi:
            out[n, inside & at_top] = np.inf
            todo = inside & ~at_top
        else:
            todo = inside
        idx = np.nonzero(todo)[0]
        if idx.size == 0:
            continue
        e = energy[idx]
        above = e >= info.hi
        b = np.where(above, info.hi, e)
        eb = np.where(above, np.maximum(e - info.hi, 0.0), 0.0)  # E − b
        delta = b - info.lo
        # structure scales in t (E' − edge ≈ Δ (π x / 2)² near either end)
        dist_hi = np.where(above, np.minimum(eb, info.gap_hi), info.hi - e)
        s_hi = (2.0 / math.pi) * np.sqrt(dist_hi / delta)
        s_lo = (2.0 / math.pi) * np.sqrt(info.gap_lo / delta)
        m_lo, m_hi = _panel_count(s_lo), _panel_count(s_hi)
        for ml, mh, sel in _groups(m_lo, m_hi):
            t, u, w = _graded_nodes(s_lo[sel], s_hi[sel], ml, mh, n_nodes)
            dl, bb, ebs = delta[sel, None], b[sel, None], eb[sel, None]
            sd = dl * np.sin(0.5 * math.pi * t) ** 2  # E' − lo
            cd = dl * np.sin(0.5 * math.pi * u) ** 2  # b − E'
            ep = np.where(t <= 0.5, info.lo + sd, bb - cd)
            f = _node_integrand(bands, info, kind, ep, sd, cd, bb, ebs)
            out[n, idx[sel]] = np.sum(w * f, axis=1)
    return out


# ---------------------------------------------------------------------- momentum-variable method
def _momentum_band(
    bands: BandStructure, n: int, e: NDArray[np.float64], kind: str, n_nodes: int, geometry: tuple
) -> NDArray[np.float64]:
    """∫ dq (E − E_n(q))^{∓1/2} over the occupied part of [0, π/d] for lo < E (E ≠ hi)."""
    lo, hi, zb, min_at_zero = geometry
    width = hi - lo
    above = e >= hi
    p_c = np.full(e.shape, zb)
    for i in np.nonzero(~above)[0]:
        q_c = bands.crossing(n, float(e[i]))
        p_c[i] = q_c if min_at_zero else zb - q_c
    p_c = np.clip(p_c, 1e-300, zb)
    rel = np.where(above, np.maximum(e - hi, 0.0) / width, (zb - p_c) / p_c)
    s_hi = np.where(above, np.minimum(rel, np.sqrt(rel)), np.minimum(rel, np.sqrt(2.0 * rel)))
    m_hi = _panel_count(s_hi)
    out = np.empty(e.shape)
    for ml, mh, sel in _groups(np.zeros_like(m_hi), m_hi):
        t, u, w = _graded_nodes(np.ones(sel.size), s_hi[sel], ml, mh, n_nodes)
        pb, ab = p_c[sel, None], above[sel, None]
        # quadratic map to the crossing (1/√ there), linear map over the whole zone
        p = np.where(ab, pb * t, pb * (1.0 - u * u))
        dpdt = np.where(ab, pb, 2.0 * pb * u)
        q = p if min_at_zero else zb - p
        en = bands.energies(q.ravel())[n].reshape(q.shape)
        rest = np.maximum(e[sel, None] - en, 0.0)
        if kind == "dos":
            f = dpdt / np.sqrt(np.maximum(rest, 1e-300))
        else:
            f = dpdt * np.sqrt(rest)
        out[sel] = np.sum(w * f, axis=1)
    return out


def _momentum_integrals(
    bands: BandStructure, energy: NDArray[np.float64], kind: str, n_nodes: int
) -> NDArray[np.float64]:
    """∫ dq (E − E_n(q))^{∓1/2} over the occupied part of [0, π/d]; shape (n_bands, nE).

    E − E_n(q) is a difference of root-finder outputs here, so within ``_MOMENTUM_EDGE`` of the
    band width from an edge the DOS is taken from just outside that zone: its value at
    lo + δ (the jump), or, at the top, a logarithmic (van Hove) or constant continuation.
    """
    out = np.zeros((bands.n_bands, energy.size))
    zb = math.pi / float(bands.period)
    edges = np.asarray(bands.band_edges, dtype=float)
    for n in range(bands.n_bands):
        lo, hi = float(edges[n, 0]), float(edges[n, 1])
        width = hi - lo
        min_at_zero = bands.crossing(n, lo) < 0.5 * zb  # band minimum at q = 0 (else at π/d)
        tol_lo = _EDGE_RTOL * max(1.0, abs(lo))
        tol_hi = _EDGE_RTOL * max(1.0, abs(hi))
        inside = energy > lo + tol_lo
        if width <= 0:
            x = np.where(inside, energy - lo, 1.0)
            out[n] = np.where(inside, zb * (1.0 / np.sqrt(x) if kind == "dos" else np.sqrt(x)), 0.0)
            continue
        geometry = (lo, hi, zb, min_at_zero)
        idx = np.nonzero(inside)[0]
        e = energy[idx]
        if kind == "density":  # the integrand √(E − E_n) is harmless next to the edges
            out[n, idx] = _momentum_band(bands, n, e, kind, n_nodes, geometry)
            continue
        delta = _MOMENTUM_EDGE * width
        # a smooth (quadratic) maximum is a logarithmic van Hove point; a kink is not
        h = 1e-6 * zb
        e_near = float(bands.energies([(zb - h) if min_at_zero else h])[n, 0])
        vhs = (hi - e_near) < 1e-3 * h * width / zb
        at_top = np.abs(e - hi) <= tol_hi
        near_top = ~at_top & (np.abs(e - hi) < delta)
        side = np.where(e < hi, -1.0, 1.0)
        e_eval = np.where(near_top, hi + side * delta, np.maximum(e, lo + delta))
        val = _momentum_band(bands, n, np.where(at_top, hi + delta, e_eval), kind, n_nodes, geometry)
        if np.any(near_top):
            if vhs:
                e2 = hi + side[near_top] * 2.0 * delta
                v2 = _momentum_band(bands, n, e2, kind, n_nodes, geometry)
                log_ratio = np.log(delta / np.abs(e[near_top] - hi))
                val[near_top] = val[near_top] + (val[near_top] - v2) / math.log(2.0) * log_ratio
        if vhs:
            val[at_top] = np.inf
        out[n, idx] = val
    return out


def _integrals(bands: BandStructure, energy: NDArray, kind: str, method: str, n_nodes: int) -> NDArray:
    flat = energy.ravel()
    if _resolve_method(bands, method) == "energy":
        res = _energy_integrals(bands, flat, kind, _check_nodes(n_nodes))
    else:
        res = _momentum_integrals(bands, flat, kind, _check_nodes(n_nodes))
    return res.reshape((bands.n_bands, *energy.shape))


# ------------------------------------------------------------------------------- public API
def density_of_states(
    bands: BandStructure, energy: ArrayLike, *, method: str = "auto", n_nodes: int = _DEFAULT_NODES
) -> NDArray[np.float64]:
    """Partial densities of states N_n(E)/N₀ per spin (dimensionless), docs/theory.md#dos, paper Fig. 3.

    N_n(E)/N₀ = (1/π) ∫_BZ dq / k_x(q), k_x(q) = √(2m_x(E − E_n(q)))/ħ over E_n(q) < E, with
    N₀ = m_x/(2πħ²) (:func:`dos_unit`); a free 2D band gives 1.  The total is the sum over the
    first axis (:func:`total_dos`).

    Parameters
    ----------
    bands : BandStructure
        Subbands E_n(q) (e.g. :func:`multigap.bands.band_structure`).
    energy : array_like
        Energies E, meV (any shape).
    method : {"auto", "energy", "momentum"}
        Integration variable (see the module notes); ``"auto"`` uses ``"energy"`` when the bands
        provide the half trace D(E) (Kronig–Penney), else ``"momentum"``.
    n_nodes : int
        Gauss–Legendre nodes per quadrature panel (default 12: relative error ~1e-12).

    Returns
    -------
    ndarray, shape (n_bands, *energy.shape)
        N_n(E)/N₀.  0 at and below the band minimum (states strictly below E are counted), the
        jump value just above it, +inf exactly at the top of a band whose gap above is open
        (the logarithmic van Hove point); finite everywhere else.

    Notes
    -----
    Relative accuracy ~1e-12 with the defaults, also next to the band edges (checked against a
    free 2D gas, the band-edge curvatures and an independent integration in q).  Energies within
    1e-14·|E_edge| of a band edge count as at the edge.  600 energies × 3 bands take ~0.2 s.
    """
    e = _as_energy(energy, "energy")
    prefactor = (2.0 / math.pi) * math.sqrt(HBAR2_2ME / float(bands.mass_x))
    return prefactor * _integrals(bands, e, "dos", method, n_nodes)


def total_dos(
    bands: BandStructure, energy: ArrayLike, *, method: str = "auto", n_nodes: int = _DEFAULT_NODES
) -> NDArray[np.float64]:
    """Total density of states Σ_n N_n(E)/N₀ per spin (dimensionless), shape of ``energy`` (meV)."""
    return np.sum(density_of_states(bands, energy, method=method, n_nodes=n_nodes), axis=0)


def electron_density(
    bands: BandStructure,
    mu: ArrayLike,
    *,
    per_band: bool = False,
    method: str = "auto",
    n_nodes: int = _DEFAULT_NODES,
) -> float | NDArray[np.float64]:
    """Normal-state electron density at T = 0, both spins, per unit area of the x–z plane, 1/nm².

    n(μ) = 2 Σ_n ∫_BZ dq/(2π) · 2k_F(q)/(2π), k_F(q) = √(2m_x(μ − E_n(q)))/ħ where positive
    (a free 2D band gives n = 2N₀(μ − E_min)).  Its derivative is dn/dμ = 2N₀ Σ_n N_n(μ)/N₀.

    Parameters
    ----------
    bands : BandStructure
        Subbands E_n(q).
    mu : float or array_like
        Chemical potential(s) μ, meV.
    per_band : bool
        Return the contribution of each band (leading axis of length n_bands) instead of the sum.
    method, n_nodes
        As in :func:`density_of_states` (relative accuracy ~1e-12 with the defaults).

    Returns
    -------
    float or ndarray
        n in 1/nm²: a float for scalar ``mu`` (unless ``per_band``), else an array of the shape of
        ``mu`` (``(n_bands, *mu.shape)`` with ``per_band``).
    """
    m = _as_energy(mu, "mu")
    prefactor = (2.0 / math.pi**2) * math.sqrt(float(bands.mass_x) / HBAR2_2ME)
    parts = prefactor * _integrals(bands, m, "density", method, n_nodes)
    if per_band:
        return parts
    total = np.sum(parts, axis=0)
    return float(total) if m.ndim == 0 else total


def eta_to_mu(bands: BandStructure, active_band: int, eta: ArrayLike) -> float | NDArray[np.float64]:
    """Chemical potential μ = E_L + η ΔE (meV) of the Lifshitz parameter η (docs/theory.md#eta).

    Parameters
    ----------
    bands : BandStructure
        Subbands.
    active_band : int
        1-based index of the band defining E_L (its minimum) and ΔE (its width).
    eta : float or array_like
        Lifshitz parameter(s) η (dimensionless).
    """
    a = _check_band(bands, active_band)
    e_l, width = lifshitz_scale(bands, a)
    x = _as_energy(eta, "eta")
    mu = e_l + x * width
    return float(mu) if x.ndim == 0 else mu


def mu_to_eta(bands: BandStructure, active_band: int, mu: ArrayLike) -> float | NDArray[np.float64]:
    """Lifshitz parameter η = (μ − E_L)/ΔE of chemical potential(s) μ (meV); inverse of :func:`eta_to_mu`."""
    a = _check_band(bands, active_band)
    e_l, width = lifshitz_scale(bands, a)
    m = _as_energy(mu, "mu")
    if width <= 0:
        raise InputError(f"active_band = {a}: the band is flat (dE = {width!r} meV), eta is undefined")
    eta = (m - e_l) / width
    return float(eta) if m.ndim == 0 else eta


def lifshitz_points(bands: BandStructure, active_band: int) -> dict[str, float]:
    """The two Lifshitz transitions of the active band, meV.

    Parameters
    ----------
    bands : BandStructure
        Subbands.
    active_band : int
        1-based index of the active band.

    Returns
    -------
    dict
        ``"E_L"``: the band minimum, η = 0, where a new Fermi-surface pocket appears (type I);
        ``"E_neck"``: E_L + ΔE, the band maximum, η = 1, where the pocket's neck opens and the
        DOS has its logarithmic peak (type II); ``"delta_E"``: the width ΔE.
    """
    a = _check_band(bands, active_band)
    e_l, width = lifshitz_scale(bands, a)
    return {"E_L": e_l, "E_neck": e_l + width, "delta_E": width}


def dos_vs_eta(
    bands: BandStructure,
    active_band: int,
    eta: ArrayLike,
    *,
    method: str = "auto",
    n_nodes: int = _DEFAULT_NODES,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Partial and total N(μ)/N₀ per spin along μ = E_L + η ΔE (paper Fig. 3, top).

    Parameters
    ----------
    bands : BandStructure
        Subbands.
    active_band : int
        1-based index of the band defining E_L and ΔE.
    eta : array_like, shape (n_eta,)
        Lifshitz parameters η (dimensionless).
    method, n_nodes
        As in :func:`density_of_states`.

    Returns
    -------
    partial : ndarray, shape (n_bands, n_eta)
        N_n(μ)/N₀ (dimensionless).
    total : ndarray, shape (n_eta,)
        Σ_n N_n(μ)/N₀ (+inf exactly at η = 1 when the active band's top is a van Hove point).
    """
    mu = np.atleast_1d(eta_to_mu(bands, active_band, np.atleast_1d(_as_energy(eta, "eta"))))
    partial = density_of_states(bands, mu, method=method, n_nodes=n_nodes)
    return partial, np.sum(partial, axis=0)


class FermiContour(NamedTuple):
    """One piece of a Fermi contour ε_n(k_x, q) = E in the (k_x, q) plane.

    Attributes
    ----------
    band : int
        1-based band index n.
    kx : ndarray
        k_x along the curve, 1/nm.
    q : ndarray
        q along the curve, 1/nm, within [−π/d, π/d].
    closed : bool
        True for a closed pocket inside the zone (first point repeated last); False for a curve
        that ends on the zone boundary q = ±π/d and continues in the next zone.
    """

    band: int
    kx: NDArray[np.float64]
    q: NDArray[np.float64]
    closed: bool


def fermi_surface(bands: BandStructure, energy: float, n_points: int = 200) -> list[FermiContour]:
    """Fermi contours ε_n(k_x, q) = E of every band in the (k_x, q) plane (paper Fig. 3, bottom).

    Each band with E_min < E contributes: a closed pocket around q = 0 (band minimum at the zone
    centre, E below the band top), two open halves of a pocket centred on the zone boundary
    (band minimum at q = ±π/d), or, at and above the band top (η ≥ 1 for the active band), the
    two open corrugated lines k_x = ±k_x(q) across the whole zone.  The q samples follow
    q = q_c sin θ (or its zone-boundary analogue), so the crossing q_c (k_x = 0, where the
    contour turns) is included exactly and points crowd where k_x varies fastest.

    Parameters
    ----------
    bands : BandStructure
        Subbands.
    energy : float
        The Fermi energy E (meV), e.g. ``eta_to_mu(bands, 3, eta)``.
    n_points : int
        Samples θ per quarter of a closed pocket, per half of a zone-boundary pocket and per half
        of an open line (>= 3): closed pockets have 4·n_points − 3 points, the other pieces
        2·n_points − 1.

    Returns
    -------
    list of FermiContour
        (band, kx, q, closed) pieces, ready to plot as ``plot(c.kx, c.q)``.
    """
    arr = _as_energy(energy, "energy")
    if arr.ndim != 0:
        raise InputError(f"energy = {energy!r}: must be a single Fermi energy (meV); call once per energy")
    e = float(arr)
    if isinstance(n_points, bool) or not isinstance(n_points, (int, np.integer)) or n_points < 3:
        raise InputError(f"n_points = {n_points!r}: must be an integer >= 3")
    zb = math.pi / float(bands.period)
    edges = np.asarray(bands.band_edges, dtype=float)
    theta = np.linspace(0.0, 0.5 * math.pi, int(n_points))
    scale = float(bands.mass_x) / HBAR2_2ME
    contours: list[FermiContour] = []

    def kx_of(n: int, q: NDArray[np.float64]) -> NDArray[np.float64]:
        en = bands.energies(q)[n]
        return np.sqrt(scale * np.maximum(e - en, 0.0))

    for n in range(bands.n_bands):
        lo, hi = float(edges[n, 0]), float(edges[n, 1])
        if e <= lo:
            continue
        min_at_zero = bands.crossing(n, lo) < 0.5 * zb
        if e < hi:
            q_c = bands.crossing(n, e)
            if min_at_zero:  # closed pocket |q| <= q_c
                qs = q_c * np.sin(np.concatenate([-theta[::-1], theta[1:]]))
                k = kx_of(n, qs)
                k[0] = k[-1] = 0.0
                kx = np.concatenate([k, -k[-2::-1]])
                qq = np.concatenate([qs, qs[-2::-1]])
                contours.append(FermiContour(n + 1, kx, qq, True))
            else:  # pocket centred on the zone boundary, |q| >= q_c
                qs = zb - (zb - q_c) * np.sin(theta)  # from π/d to q_c
                k = kx_of(n, qs)
                k[-1] = 0.0
                kx = np.concatenate([k, -k[-2::-1]])
                qq = np.concatenate([qs, qs[-2::-1]])
                contours.append(FermiContour(n + 1, kx, qq, False))
                contours.append(FermiContour(n + 1, kx.copy(), -qq, False))
        else:  # open lines across the zone, dense near the band maximum
            half = zb * np.sin(theta) if min_at_zero else zb * (1.0 - np.cos(theta))
            qs = np.concatenate([-half[::-1], half[1:]])
            k = kx_of(n, qs)
            contours.append(FermiContour(n + 1, k, qs, False))
            contours.append(FermiContour(n + 1, -k, qs.copy(), False))
    return contours
