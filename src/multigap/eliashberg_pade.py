"""Padé continuation of Eliashberg gaps from the Matsubara axis to the real axis, and the gap edge.

The gap edge of a state is the solution of ω = Re Δ(ω) on the real axis, Δ(z) continued from
Δ(iω_m) = φ/Z at the first M Matsubara frequencies by a Padé approximant (Vidberg–Serene
continued fraction).  Accuracy check: the edges from M and from ⌊3M/4⌋ points must agree to
:data:`PADE_RTOL`; otherwise :func:`gap_edge` raises (never a silent number).  Used by
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
#: Largest relative difference between the gap edges from PADE_POINTS and 3/4 of them.
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


def gap_edge(freqs: NDArray, delta: NDArray) -> float:
    """The gap edge ω = Re Δ(ω) (meV) from Δ(iω_m) at positive Matsubara frequencies (meV).

    Raises
    ------
    ConvergenceError
        If no edge is found or the Padé approximants from all points and from 3/4 of them
        disagree by more than :data:`PADE_RTOL`.
    """
    edges = []
    for m in (min(PADE_POINTS, freqs.size), max(4, (3 * min(PADE_POINTS, freqs.size)) // 4)):
        z = 1j * freqs[:m]
        a = pade_coefficients(z, delta[:m].astype(complex))
        top = 5.0 * float(abs(delta[0]))
        grid = np.linspace(0.0, top, 401)[1:]
        eta = 1e-9 * top
        f = grid - pade_eval(z, a, grid + 1j * eta).real
        change = np.nonzero((f[:-1] < 0) & (f[1:] >= 0))[0]
        if not change.size or f[0] >= 0:
            raise ConvergenceError(f"Padé continuation: no gap edge below {top:.4g} meV ({m} points)")
        k = int(change[0])
        edge = optimize.brentq(
            lambda w, z=z, a=a, eta=eta: w - float(pade_eval(z, a, w + 1j * eta).real),
            grid[k],
            grid[k + 1],
            xtol=1e-12 * top,
        )
        edges.append(float(edge))
    if abs(edges[0] - edges[1]) > PADE_RTOL * abs(edges[0]):
        raise ConvergenceError(
            f"Padé continuation unstable: gap edges {edges[0]:.6g} and {edges[1]:.6g} meV from "
            f"{min(PADE_POINTS, freqs.size)} and fewer Matsubara points"
        )
    return edges[0]
