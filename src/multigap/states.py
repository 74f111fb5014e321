"""Quadrature states of the Brillouin-zone integrals, adapted to μ, ω and the energy scale.

The pairing solvers integrate ∫_BZ dq/(2π) of k_x-integrated kernels K_n(q), F_n(q), which are
smooth in q except at a few points of each band: the Fermi point E_n(q) = μ (a 1/√|q − q_F|
peak regularised at |E − μ| ~ k_BT or Δ) and the shell edges E_n(q) = μ ± ω (√ kinks).  Each
band gets its own Gauss–Legendre nodes on [0, π/d] (bands are even in q), split at those
points and graded towards them (:func:`multigap.quadrature.graded_panels`; √ substitution at
the kinks).  The band energies and overlap factors are evaluated at the nodes through the
:class:`~multigap.bands.BandStructure` protocol (for tabulated bands, one Chebyshev basis for all
points and bands of a call, and the factors also in each band's own reduced basis).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .bands import BandStructure
from .quadrature import gauss_legendre, graded_panels

__all__ = [
    "BandStates",
    "band_states",
    "band_states_many",
    "KINK_DEPTH",
    "KINK_DEPTH_DERIVATIVE",
    "ZERO_T_RESOLUTION",
    "GRADING_BASE",
    "grading_level",
]

#: Relative depth of the q grading towards the √ kinks of K at E = μ ± ω.
KINK_DEPTH = 1e-7
#: Deeper grading for ∂K/∂ω, which is 1/√-singular at the kinks (isotope coefficient).
KINK_DEPTH_DERIVATIVE = 1e-13
#: Energy resolution of states at T = 0, relative to the cutoff ω̃₀: the q nodes are graded down
#: to ``ZERO_T_RESOLUTION * omega`` meV (far below any k_BT above the Tc floor that matters).
ZERO_T_RESOLUTION = 1e-9
#: Temperatures share q nodes graded to k_BT rounded down to a power of this base (Tc searches
#: reuse states between nearby temperatures).
GRADING_BASE = 4.0


def grading_level(kt: float) -> int:
    """The level ℓ whose grading scale ``GRADING_BASE**ℓ`` (meV) is k_BT (meV) rounded down."""
    return math.floor(math.log(kt) / math.log(GRADING_BASE))


#: Grading-scale marker of a half-interval at a √ kink (nodes by the substitution q = q_k ± Lτ²).
SQRT_SUBSTITUTION = -1.0


@dataclass(frozen=True)
class BandStates:
    """Quadrature states of one band.

    Attributes
    ----------
    q : ndarray
        Nodes in [0, π/d], 1/nm.
    weight : ndarray
        Weights such that Σ weight·f ≈ ∫_BZ dq/(2π) f for even f (already divided by π).
    energy : ndarray
        E_n(q) at the nodes, meV.
    factors : ndarray, shape (len(q), rank)
        Overlap factors X_n(q) (Ĩ^{nn'}(q,q') = X_n(q)·X_n'(q')).
    reduced : ndarray, shape (len(q), k_n), or None
        The factors in the band's own basis V_n (``bands.band_bases[n]``, rank × k_n):
        X_n(q) V_n, with X_n(q) = (X_n(q) V_n) V_nᵀ to the bands' ``basis_rtol``; None when the
        band structure gives no such bases.
    """

    q: NDArray[np.float64]
    weight: NDArray[np.float64]
    energy: NDArray[np.float64]
    factors: NDArray[np.float64]
    reduced: NDArray[np.float64] | None = None


def kink_panels(kink_depth: float) -> int:
    """Panels in τ of the √-substituted half-intervals at the kinks, for a grading depth.

    The depth that geometric grading would need (1e-7 for K, 1e-13 for ∂K/∂ω) maps to
    ⌈−log₁₀(depth)/2.5⌉ panels of the substituted, smooth integrand: 3 and 6.
    """
    return max(2, math.ceil(-math.log10(max(kink_depth, 1e-300)) / 2.5))


def _band_segments(
    bands: BandStructure, n: int, mu: float, omega: float, scale: float, kink_depth: float
) -> list[tuple[float, float, float, float]]:
    """Half-intervals (origin, direction, length, grading scale) of band n's q nodes on [0, π/d].

    A grading scale of :data:`SQRT_SUBSTITUTION` (< 0) marks a half-interval that starts at a
    √ kink (E = μ ± ω): its nodes come from the substitution q = origin ± L τ² instead.
    """
    q_max = np.pi / bands.period
    lo, hi = bands.band_edges[n]
    width = max(hi - lo, 1e-300)
    v_max = width * bands.period  # bound on |dE/dq| (2x the cosine band's)
    points = {0.0: q_max, q_max: q_max}
    q_f = bands.crossing(n, mu)
    # the Fermi-point structure has width ~ max(scale, distance of μ from the band) in energy
    dist = max(lo - mu, mu - hi, 0.0)
    depth_f = min(max(scale, dist) / v_max, q_max)
    for e in (mu - omega, mu + omega):
        if lo < e < hi:
            qk = bands.crossing(n, e)
            if qk not in points:  # (a kink on the Fermi point or a zone end keeps its grading)
                points[qk] = SQRT_SUBSTITUTION
    points[q_f] = min(points.get(q_f, q_max), depth_f) if points.get(q_f) != SQRT_SUBSTITUTION else depth_f
    pts = sorted(points)
    segments = []
    for a, b in itertools.pairwise(pts):
        half = 0.5 * (b - a)
        if half > 0:
            segments += [(a, 1.0, half, points[a]), (b, -1.0, half, points[b])]
    return segments


def _sqrt_nodes(
    length: NDArray[np.float64], n_panels: int, n_nodes: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Nodes u = L τ² and weights 2Lτ dτ on [0, L], Gauss–Legendre on ``n_panels`` panels in τ.

    A function with a √u (or 1/√u) term at u = 0 is smooth in τ, so this converges
    exponentially where geometric grading towards the kink needs ~15 panels per side.
    """
    x, wq = gauss_legendre(n_nodes)
    tau = ((np.arange(n_panels)[:, None] + x) / n_panels).ravel()
    wt = np.tile(wq, n_panels) / n_panels
    length = np.asarray(length, dtype=float)[:, None]
    return length * tau * tau, 2.0 * length * tau * wt


def band_states(
    bands: BandStructure,
    mu: float,
    omega: float,
    scale: float,
    n_nodes: int = 8,
    kink_depth: float = KINK_DEPTH,
) -> list[BandStates]:
    """Quadrature states of every band for chemical potential μ and cutoff ω.

    Parameters
    ----------
    bands : BandStructure
        Band energies and overlap factors.
    mu : float
        Chemical potential, meV.
    omega : float
        Pairing cutoff ω̃₀, meV.
    scale : float
        Smallest energy scale to resolve at the Fermi point (k_BT, or the gap), meV (> 0).
    n_nodes : int
        Gauss–Legendre nodes per panel.
    kink_depth : float
        Relative depth of the grading towards the √ kinks at E = μ ± ω (default 1e-7; use
        :data:`KINK_DEPTH_DERIVATIVE` for ∂/∂ω, whose integrand has 1/√ singularities there).

    Returns
    -------
    list of BandStates, one per band.
    """
    return band_states_many(bands, [mu], [omega], [scale], n_nodes, kink_depth)[0]


def _segments_many(
    bands: BandStructure,
    mus: NDArray[np.float64],
    omegas: NDArray[np.float64],
    scales: NDArray[np.float64],
    kink_depth: float,
) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
    """:func:`_band_segments` of every (point, band): rows (origin, direction, length, scale) and
    the number of rows of each (point, band), in (point, band) order.

    A band that lies wholly outside the shell [μ − ω, μ + ω] (most bands of a many-band model)
    has no kink and its Fermi point at a zone end: its two half-intervals are computed for all
    points at once, with the same operations (and bits) as :func:`_band_segments`.  The others
    go through :func:`_band_segments`.
    """
    nb = bands.n_bands
    q_max = np.pi / bands.period
    edges = np.asarray(bands.band_edges, dtype=float)
    lo, hi = edges[:, 0], edges[:, 1]
    v_max = np.maximum(hi - lo, 1e-300) * bands.period
    q_lo = np.array([bands.crossing(n, float(lo[n])) for n in range(nb)])  # μ below the band
    q_hi = np.array([bands.crossing(n, float(hi[n])) for n in range(nb)])  # μ above it
    mu, om = mus[:, None], omegas[:, None]
    below, above = mu + om <= lo, mu - om >= hi
    q_f = np.where(below, q_lo, q_hi)
    simple = (below | above) & ((q_f == 0.0) | (q_f == q_max))
    dist = np.maximum(np.maximum(lo - mu, mu - hi), 0.0)
    depth_f = np.minimum(np.maximum(scales[:, None], dist) / v_max, q_max)
    fermi_at_0 = q_f == 0.0
    # rows of a simple (point, band): (0, +1, q_max/2, grading at 0), (q_max, -1, q_max/2, at q_max)
    half = 0.5 * q_max
    simple_rows = np.empty((*simple.shape, 2, 4))
    simple_rows[..., 0, :3] = (0.0, 1.0, half)
    simple_rows[..., 1, :3] = (q_max, -1.0, half)
    simple_rows[..., 0, 3] = np.where(fermi_at_0, depth_f, q_max)
    simple_rows[..., 1, 3] = np.where(fermi_at_0, q_max, depth_f)
    counts = np.full(simple.shape, 2, dtype=np.intp)
    others: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}
    for i, n in zip(*np.nonzero(~simple), strict=True):
        seg = _band_segments(bands, int(n), float(mus[i]), float(omegas[i]), float(scales[i]), kink_depth)
        others[int(i), int(n)] = seg
        counts[i, n] = len(seg)
    flat_counts = counts.ravel()
    start = np.cumsum(flat_counts) - flat_counts
    rows = np.empty((int(flat_counts.sum()), 4))
    pos = start.reshape(simple.shape)[simple]
    rows[pos], rows[pos + 1] = simple_rows[simple, 0], simple_rows[simple, 1]
    for (i, n), seg in others.items():
        if seg:
            rows[start[i * nb + n] : start[i * nb + n] + len(seg)] = seg
    return rows, flat_counts


def band_states_many(
    bands: BandStructure,
    mus: Sequence[float],
    omegas: Sequence[float],
    scales: Sequence[float],
    n_nodes: int = 8,
    kink_depth: float = KINK_DEPTH,
) -> list[list[BandStates]]:
    """:func:`band_states` for many (μ, ω, scale) at once: one quadrature-node computation.

    Each point's states are exactly (bit for bit) those :func:`band_states` gives it alone:
    the nodes of a half-interval do not depend on the others (flat, unpadded panels:
    :func:`~multigap.quadrature.graded_panels`), and the bands are evaluated (band, point) by
    (band, point) on the same nodes.

    Returns
    -------
    list of list of BandStates
        One list (one entry per band) per point.
    """
    nb = bands.n_bands
    n_points = len(mus)
    rows, row_counts = _segments_many(
        bands,
        np.asarray(mus, dtype=float),
        np.asarray(omegas, dtype=float),
        np.asarray(scales, dtype=float),
        kink_depth,
    )
    q, wq, counts = _nodes_many(rows, row_counts, n_nodes, kink_depth)
    band_of = np.tile(np.arange(nb), n_points)
    evaluate = getattr(bands, "evaluate_many", None)
    if evaluate is not None:  # one Chebyshev basis for all points and bands
        values = evaluate(q, counts.tolist(), band_of.tolist())
    else:
        values = []
        both = getattr(bands, "energies_and_factors", None)
        bases = getattr(bands, "band_bases", None)
        for qs, n in zip(np.split(q, np.cumsum(counts)[:-1]), band_of.tolist(), strict=True):
            e, x = (
                both(qs, n)
                if both is not None
                else (bands.energies(qs, band=n), bands.overlap_factors(qs, band=n))
            )
            values.append((e, x, None if bases is None else x @ bases[n]))
    weight = wq / np.pi
    ends = np.cumsum(counts).tolist()
    flat = [
        BandStates(q[end - count : end], weight[end - count : end], energy, factors, reduced)
        for count, end, (energy, factors, reduced) in zip(counts.tolist(), ends, values, strict=True)
    ]
    out = [flat[i : i + nb] for i in range(0, len(flat), nb)]
    return out


def _nodes_many(
    rows: NDArray[np.float64], row_counts: NDArray[np.intp], n_nodes: int, kink_depth: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.intp]]:
    """Nodes q and weights (∫ dq, not yet divided by π) of every (point, band), in increasing q.

    ``rows`` are the half-intervals of :func:`_segments_many` and ``row_counts`` their number
    per (point, band).  Graded half-intervals get the flat panels of
    :func:`~multigap.quadrature.graded_panels`, kinks the √ substitution; a half-interval that
    runs down from its origin (direction −1) is reversed, so each (point, band)'s nodes come
    out sorted.  Returns the flat nodes and weights and the node count of each (point, band).
    """
    n_rows = rows.shape[0]
    x, wx = gauss_legendre(n_nodes)
    kink = rows[:, 3] == SQRT_SUBSTITUTION
    graded = np.flatnonzero(~kink)
    owner, lo, width, n_panels = graded_panels(rows[graded, 2], rows[graded, 3])
    per_row = np.empty(n_rows, dtype=np.intp)
    per_row[graded] = n_panels * n_nodes
    n_kink = kink_panels(kink_depth) * n_nodes
    per_row[kink] = n_kink
    row_start = np.cumsum(per_row) - per_row
    u = np.empty(int(per_row.sum()))
    w = np.empty_like(u)
    panel = np.arange(owner.size) - (np.cumsum(n_panels) - n_panels)[owner]  # index within its row
    at = (row_start[graded[owner]] + panel * n_nodes)[:, None] + np.arange(n_nodes)
    u[at] = lo[:, None] + width[:, None] * x
    w[at] = width[:, None] * wx
    if np.any(kink):
        u_k, w_k = _sqrt_nodes(rows[kink, 2], kink_panels(kink_depth), n_nodes)
        at = row_start[kink][:, None] + np.arange(n_kink)
        u[at], w[at] = u_k, w_k
    row_of = np.repeat(np.arange(n_rows), per_row)
    q = rows[row_of, 0] + rows[row_of, 1] * u
    # a half-interval running down from its origin: reverse its nodes (increasing q)
    index = np.arange(u.size)
    down = rows[row_of, 1] < 0
    index[down] = (2 * row_start + per_row - 1)[row_of[down]] - index[down]
    q, w = q[index], w[index]
    group_rows = np.cumsum(row_counts) - row_counts
    nodes = np.add.reduceat(per_row, group_rows) if n_rows else np.zeros(0, dtype=np.intp)
    nodes = np.where(row_counts > 0, nodes, 0)
    keep = w > 0
    if not np.all(keep):  # (zero-width panels: none in practice)
        group = np.repeat(np.arange(row_counts.size), nodes)
        nodes = np.bincount(group[keep], minlength=row_counts.size)
        q, w = q[keep], w[keep]
    starts = np.cumsum(nodes) - nodes
    inner = np.ones(q.size, dtype=bool)
    inner[starts[nodes > 0]] = False
    if np.any(np.diff(q)[inner[1:]] <= 0):  # pragma: no cover - the rows are in order
        for g0, n in zip(starts.tolist(), nodes.tolist(), strict=True):
            order = np.argsort(q[g0 : g0 + n], kind="stable")
            q[g0 : g0 + n], w[g0 : g0 + n] = q[g0 : g0 + n][order], w[g0 : g0 + n][order]
    return q, w, nodes
