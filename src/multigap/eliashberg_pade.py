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

from .errors import ConvergenceError

__all__ = ["PADE_POINTS", "PADE_RTOL", "pade_coefficients", "pade_eval", "gap_edge", "gap_edges"]

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


def _coefficients(z: NDArray, u: NDArray) -> NDArray[np.complex128]:
    """:func:`pade_coefficients` for K sets of values at once: u (K, M) -> a (K, M)."""
    g = np.array(u, dtype=complex)
    a = np.empty_like(g)
    a[:, 0] = g[:, 0]
    for i in range(1, z.size):
        g[:, i:] = (g[:, i - 1 : i] - g[:, i:]) / ((z[i:] - z[i - 1]) * g[:, i:])
        a[:, i] = g[:, i]
    return a


def _evaluate(z: NDArray, a: NDArray, w: NDArray) -> NDArray[np.complex128]:
    """:func:`pade_eval` for K continued fractions at once: a (K, M), w (K, ...) -> (K, ...)."""
    shape = (a.shape[0],) + (1,) * (w.ndim - 1)
    a_prev, a_cur = (
        np.zeros(w.shape, complex),
        np.broadcast_to(a[:, 0].reshape(shape), w.shape).astype(complex),
    )
    b_prev, b_cur = np.ones(w.shape, complex), np.ones(w.shape, complex)
    for i in range(1, z.size):
        factor = (w - z[i - 1]) * a[:, i].reshape(shape)
        a_prev, a_cur = a_cur, a_cur + factor * a_prev
        b_prev, b_cur = b_cur, b_cur + factor * b_prev
    return np.asarray(a_cur / b_cur, dtype=np.complex128)


def _edges(z: NDArray, a: NDArray, top: NDArray) -> NDArray[np.float64]:
    """First root of ω − Re Δ(ω + i0⁺) in (0, top) per continued fraction (NaN where none).

    A scan on 400 points brackets the root; Illinois (modified regula falsi) steps refine it
    to ~1e-13 of ``top``.
    """
    grid = top[:, None] * np.linspace(0.0, 1.0, 401)[None, 1:]
    eta = (1e-9 * top)[:, None]
    f = grid - _evaluate(z, a, grid + 1j * eta).real
    rise = (f[:, :-1] < 0) & (f[:, 1:] >= 0)
    ok = rise.any(axis=1) & (f[:, 0] < 0)
    k = np.argmax(rise, axis=1)
    rows = np.arange(grid.shape[0])
    lo, hi = grid[rows, k], grid[rows, k + 1]
    f_lo, f_hi = f[rows, k], f[rows, k + 1]
    side = np.zeros(lo.shape)
    for _ in range(60):
        denom = np.where(f_hi != f_lo, f_hi - f_lo, 1.0)
        x = hi - f_hi * (hi - lo) / denom
        fx = x - _evaluate(z, a, (x + 1j * eta[:, 0])[:, None])[:, 0].real
        left = fx < 0  # root in [x, hi]
        lo, f_lo = np.where(left, x, lo), np.where(left, fx, f_lo)
        hi, f_hi = np.where(left, hi, x), np.where(left, f_hi, fx)
        # Illinois: halve the stale end's value when the same side moves twice
        f_hi = np.where(left & (side > 0), 0.5 * f_hi, f_hi)
        f_lo = np.where(~left & (side < 0), 0.5 * f_lo, f_lo)
        side = np.where(left, 1.0, -1.0)
        if np.all(np.abs(hi - lo) <= 1e-13 * top):
            break
    out = 0.5 * (lo + hi)
    return np.where(ok, out, np.nan)


def gap_edges(freqs: NDArray, delta: NDArray) -> NDArray[np.float64]:
    """Gap edges (meV) of K states from Δ(iω_m) (K, N) at positive Matsubara frequencies (meV).

    Per state, Padé approximants through the first M = 8, 12, …, :data:`PADE_POINTS` points
    (as many as given) each give an edge; the result is their median, accepted when the
    interquartile spread is at most :data:`PADE_RTOL` of it (a single approximant can carry a
    spurious pole near the real axis in double precision; the ensemble exposes it).  Negative
    gaps (s± bands) are continued with their sign.

    Raises
    ------
    ConvergenceError
        If fewer than three approximants give an edge below 5 |Δ(iω₀)|, or they disagree.
    """
    delta = np.atleast_2d(np.asarray(delta, dtype=float))
    sign = np.where(delta[:, 0] < 0, -1.0, 1.0)
    d = delta * sign[:, None]
    top = 5.0 * np.abs(d[:, 0])
    counts = [m for m in range(8, PADE_POINTS + 1, 4) if m <= freqs.size] or [freqs.size]
    found = np.empty((len(counts), d.shape[0]))
    for j, m in enumerate(counts):
        z = 1j * freqs[:m]
        found[j] = _edges(z, _coefficients(z, d[:, :m]), top)
    valid = np.isfinite(found)
    need = min(3, len(counts))
    bad = np.nonzero(valid.sum(axis=0) < need)[0]
    if bad.size:
        raise ConvergenceError(
            f"Padé continuation: no gap edge below {top[bad[0]]:.4g} meV from "
            f"{len(counts) - int(valid[:, bad[0]].sum())} of {len(counts)} approximants"
        )
    mid = np.nanmedian(found, axis=0)
    spread = np.nanpercentile(found, 75, axis=0) - np.nanpercentile(found, 25, axis=0)
    worst = np.nonzero(spread > PADE_RTOL * np.abs(mid))[0]
    if worst.size:
        w = int(worst[0])
        raise ConvergenceError(
            f"Padé continuation unstable: gap edges {np.nanmin(found[:, w]):.6g}–"
            f"{np.nanmax(found[:, w]):.6g} meV (interquartile spread {spread[w]:.3g} meV) from "
            f"{int(valid[:, w].sum())} approximants"
        )
    return sign * mid


def gap_edge(freqs: NDArray, delta: NDArray) -> float:
    """The gap edge ω = Re Δ(ω) (meV) of one state from Δ(iω_m) (meV); see :func:`gap_edges`.

    Raises
    ------
    ConvergenceError
        As :func:`gap_edges`.
    """
    return float(gap_edges(freqs, np.asarray(delta, dtype=float)[None, :])[0])
