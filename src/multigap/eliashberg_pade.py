"""Padé continuation of Eliashberg gaps from the Matsubara axis to the real axis, and the gap edge.

The gap edge of a state is the solution of ω = Re Δ(ω) on the real axis, Δ(z) continued from
Δ(iω_m) = φ/Z at the first M Matsubara frequencies by a Padé approximant (Vidberg–Serene
continued fraction).  Accuracy check: approximants through M = 8, 12, …, 32 points each give an
edge; their median is used when the interquartile spread is within :data:`PADE_RTOL`;
otherwise :func:`gap_edge` raises (never a silent number).  Used by
:mod:`multigap.eliashberg` (``EliashbergTheory.solve_gaps``, ``constant_dos_gap``).

References: H. J. Vidberg and J. W. Serene, J. Low Temp. Phys. 29, 179 (1977); S. Mirabi,
R. Boyack and F. Marsiglio, Phys. Rev. B 101, 064506 (2020) (weak coupling: the gap edge
equals Δ(iπT → 0)).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import optimize

from .errors import ConvergenceError

__all__ = ["PADE_POINTS", "PADE_RTOL", "pade_coefficients", "pade_eval", "gap_edge"]

#: Matsubara points of the Padé continuation (at most the number solved).
PADE_POINTS = 32
#: Largest interquartile spread (relative) of the gap edges of the Padé approximants.
PADE_RTOL = 0.02


def pade_coefficients(z: NDArray, u: NDArray) -> NDArray[np.complex128]:
    """Coefficients of the Vidberg–Serene continued fraction through (z_i, u_i).

    Examples
    --------
    >>> z = 1j * np.arange(1.0, 6.0)
    >>> a = pade_coefficients(z, 1.0 / (z + 2.0))
    >>> round(float(pade_eval(z, a, 0.5).real), 12)         # 1/(0.5 + 2), exactly rational
    0.4
    """
    z = np.asarray(z, dtype=complex)
    n = z.size
    g = np.zeros((n, n), dtype=complex)
    g[0] = np.asarray(u, dtype=complex)
    for i in range(1, n):
        g[i, i:] = (g[i - 1, i - 1] - g[i - 1, i:]) / ((z[i:] - z[i - 1]) * g[i - 1, i:])
    return np.diag(g).copy()


def pade_eval(z: NDArray, a: NDArray, w: complex | NDArray) -> NDArray[np.complex128]:
    """Value at ``w`` of the continued fraction with nodes ``z`` and coefficients ``a``."""
    w = np.asarray(w, dtype=complex)
    a_prev, a_cur = np.zeros_like(w), np.full_like(w, a[0])
    b_prev, b_cur = np.ones_like(w), np.ones_like(w)
    for i in range(1, a.size):
        factor = (w - z[i - 1]) * a[i]
        a_prev, a_cur = a_cur, a_cur + factor * a_prev
        b_prev, b_cur = b_cur, b_cur + factor * b_prev
    return a_cur / b_cur


def _edge(z: NDArray, a: NDArray, top: float) -> float | None:
    """First root of ω − Re Δ(ω + i0⁺) in (0, top) for the continued fraction (z, a); None if none."""
    grid = np.linspace(0.0, top, 401)[1:]
    eta = 1e-9 * top
    f = grid - pade_eval(z, a, grid + 1j * eta).real
    change = np.nonzero((f[:-1] < 0) & (f[1:] >= 0))[0]
    if not change.size or f[0] >= 0:
        return None
    k = int(change[0])
    return float(
        optimize.brentq(
            lambda w: w - float(pade_eval(z, a, w + 1j * eta).real), grid[k], grid[k + 1], xtol=1e-12 * top
        )
    )


def gap_edge(freqs: NDArray, delta: NDArray) -> float:
    """The gap edge ω = Re Δ(ω) (meV) from Δ(iω_m) at positive Matsubara frequencies (meV).

    Padé approximants through the first M = 8, 12, …, :data:`PADE_POINTS` points (as many as
    given) each give an edge; the result is their median, accepted when the interquartile
    spread is at most :data:`PADE_RTOL` of it (a single approximant can carry a spurious pole
    near the real axis in double precision; the ensemble exposes it).

    Raises
    ------
    ConvergenceError
        If fewer than three approximants give an edge below 5 Δ(iω₀), or they disagree.
    """
    top = 5.0 * float(abs(delta[0]))
    counts = [m for m in range(8, PADE_POINTS + 1, 4) if m <= freqs.size] or [freqs.size]
    edges = []
    for m in counts:
        z = 1j * freqs[:m]
        edge = _edge(z, pade_coefficients(z, delta[:m].astype(complex)), top)
        if edge is not None:
            edges.append(edge)
    if len(edges) < min(3, len(counts)):
        raise ConvergenceError(
            f"Padé continuation: no gap edge below {top:.4g} meV from {len(counts) - len(edges)} of "
            f"{len(counts)} approximants"
        )
    mid = float(np.median(edges))
    spread = float(np.percentile(edges, 75) - np.percentile(edges, 25))
    if spread > PADE_RTOL * abs(mid):
        raise ConvergenceError(
            f"Padé continuation unstable: gap edges {min(edges):.6g}–{max(edges):.6g} meV "
            f"(interquartile spread {spread:.3g} meV) from {len(edges)} approximants"
        )
    return mid
