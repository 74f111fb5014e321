"""Quadrature states of the Brillouin-zone integrals, adapted to μ, ω and the energy scale.

The pairing solvers integrate ∫_BZ dq/(2π) of k_x-integrated kernels K_n(q), F_n(q), which are
smooth in q except at a few points of each band: the Fermi point E_n(q) = μ (a 1/√|q − q_F|
peak regularised at |E − μ| ~ k_BT or Δ) and the shell edges E_n(q) = μ ± ω (√ kinks).  Each
band gets its own Gauss–Legendre nodes on [0, π/d] (bands are even in q), split at those
points and graded towards them (:func:`multigap.quadrature.graded_nodes`).  The band energies
and overlap factors are evaluated exactly at the nodes through the
:class:`~multigap.bands.BandStructure` protocol.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .bands import BandStructure
from .quadrature import gauss_legendre, graded_buckets

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
    the nodes of a half-interval do not depend on the others (:func:`graded_nodes` pads
    with zero-width panels), and the bands are evaluated point by point on the same nodes.

    Returns
    -------
    list of list of BandStates
        One list (one entry per band) per point.
    """
    nb = bands.n_bands
    segs = [
        [_band_segments(bands, n, mu, om, sc, kink_depth) for n in range(nb)]
        for mu, om, sc in zip(mus, omegas, scales, strict=True)
    ]
    flat = np.array([seg for point in segs for band_segs in point for seg in band_segs])
    kink = flat[:, 3] == SQRT_SUBSTITUTION
    # vectorised over all points and bands, rows grouped by panel count (a few rows graded to a
    # tiny k_BT would otherwise pad every row); the kinks' scale is a placeholder
    u = w = np.zeros((flat.shape[0], 0))
    for rows, u_b, w_b in graded_buckets(flat[:, 2], np.where(kink, flat[:, 2], flat[:, 3]), n_nodes):
        if u_b.shape[1] > u.shape[1]:
            u = np.pad(u, ((0, 0), (0, u_b.shape[1] - u.shape[1])))
            w = np.pad(w, ((0, 0), (0, u_b.shape[1] - w.shape[1])))
        u[rows, : u_b.shape[1]], w[rows, : u_b.shape[1]] = u_b, w_b
    if np.any(kink):
        u_k, w_k = _sqrt_nodes(flat[kink, 2], kink_panels(kink_depth), n_nodes)
        width = max(u.shape[1], u_k.shape[1])
        u = np.pad(u, ((0, 0), (0, width - u.shape[1])), constant_values=0.0)
        w = np.pad(w, ((0, 0), (0, width - w.shape[1])))
        u[kink], w[kink] = 0.0, 0.0
        u[kink, : u_k.shape[1]], w[kink, : w_k.shape[1]] = u_k, w_k
    q_all = flat[:, :1] + flat[:, 1:2] * u
    nodes: list[list[tuple[NDArray[np.float64], NDArray[np.float64]]]] = []  # per point, per band
    start = 0
    for point in segs:
        nodes.append([])
        for band_segs in point:
            stop = start + len(band_segs)
            q, wq = q_all[start:stop].ravel(), w[start:stop].ravel()
            keep = wq > 0
            order = np.argsort(q[keep], kind="stable")
            nodes[-1].append((q[keep][order], wq[keep][order]))
            start = stop
    many = getattr(bands, "energies_and_factors_many", None)
    both = getattr(bands, "energies_and_factors", None)
    values: list[list[tuple[NDArray[np.float64], NDArray[np.float64]]]] = [[] for _ in segs]
    for n in range(nb):
        qs = [point[n][0] for point in nodes]
        if many is not None:  # one cosine basis for all points, products point by point
            per_point = many(qs, n)
        elif both is not None:
            per_point = [both(q, n) for q in qs]
        else:
            per_point = [(bands.energies(q, band=n), bands.overlap_factors(q, band=n)) for q in qs]
        for i, ef in enumerate(per_point):
            values[i].append(ef)
    bases = getattr(bands, "band_bases", None) or [None] * nb
    return [
        [
            BandStates(
                q=q,
                weight=wq / np.pi,
                energy=energy,
                factors=factors,
                reduced=None if basis is None else factors @ basis,  # per (point, band): its own bits
            )
            for (q, wq), (energy, factors), basis in zip(point_nodes, point_values, bases, strict=True)
        ]
        for point_nodes, point_values in zip(nodes, values, strict=True)
    ]
