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
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .bands import BandStructure
from .quadrature import graded_nodes

__all__ = ["BandStates", "band_states", "KINK_DEPTH", "KINK_DEPTH_DERIVATIVE"]

#: Relative depth of the q grading towards the √ kinks of K at E = μ ± ω.
KINK_DEPTH = 1e-7
#: Deeper grading for ∂K/∂ω, which is 1/√-singular at the kinks (isotope coefficient).
KINK_DEPTH_DERIVATIVE = 1e-13


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
    """

    q: NDArray[np.float64]
    weight: NDArray[np.float64]
    energy: NDArray[np.float64]
    factors: NDArray[np.float64]


def _band_segments(
    bands: BandStructure, n: int, mu: float, omega: float, scale: float, kink_depth: float
) -> list[tuple[float, float, float, float]]:
    """Half-intervals (origin, direction, length, grading scale) of band n's q nodes on [0, π/d]."""
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
            points[qk] = min(points.get(qk, q_max), kink_depth * q_max)
    points[q_f] = min(points.get(q_f, q_max), depth_f)
    pts = sorted(points)
    segments = []
    for a, b in itertools.pairwise(pts):
        half = 0.5 * (b - a)
        if half > 0:
            segments += [(a, 1.0, half, points[a]), (b, -1.0, half, points[b])]
    return segments


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
    segs = [_band_segments(bands, n, mu, omega, scale, kink_depth) for n in range(bands.n_bands)]
    flat = np.array([seg for band_segs in segs for seg in band_segs])
    u, w = graded_nodes(flat[:, 2], flat[:, 3], n_nodes)  # one vectorised call for all bands
    q_all = flat[:, :1] + flat[:, 1:2] * u
    both = getattr(bands, "energies_and_factors", None)
    out = []
    start = 0
    for n, band_segs in enumerate(segs):
        stop = start + len(band_segs)
        q, wq = q_all[start:stop].ravel(), w[start:stop].ravel()
        keep = wq > 0
        order = np.argsort(q[keep], kind="stable")
        q, wq = q[keep][order], wq[keep][order]
        if both is not None:  # one shared evaluation where the band structure offers it
            energy, factors = both(q, n)
        else:
            energy, factors = bands.energies(q, band=n), bands.overlap_factors(q, band=n)
        out.append(BandStates(q=q, weight=wq / np.pi, energy=energy, factors=factors))
        start = stop
    return out
