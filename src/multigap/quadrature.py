"""Fixed-node quadrature graded towards a point, vectorised over many integrals.

The pairing integrands of multigap are smooth except near one point per interval (the Fermi
surface ξ = 0, a band-edge kink), where they vary on a scale ``w`` that can be 1e-14 of the
interval (k_B T at T = 1e-8 K).  Composite Gauss–Legendre on panels that grow geometrically
away from that point — [0, w], [w, wr], [wr, wr²], … , [., L] with ratio r ≤ 3 — integrates
such functions (``1/u``-like tails, ``tanh`` peaks, ``1/√u`` endpoint singularities) with
relative errors ~1e-9 at 8 nodes per panel, for a cost growing only like log(L/w).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["graded_nodes", "graded_panels", "gauss_legendre"]

_MAX_RATIO = 3.0
_MAX_PANELS = 48


@lru_cache(maxsize=32)
def gauss_legendre(n: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Gauss–Legendre nodes and weights on [0, 1] (``n`` nodes; cached, read-only arrays)."""
    x, w = np.polynomial.legendre.leggauss(n)
    x, w = 0.5 * (x + 1.0), 0.5 * w
    x.setflags(write=False)
    w.setflags(write=False)
    return x, w


def _panels(
    length: NDArray[np.float64], scale: ArrayLike, ratio: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """(safe length, first panel width, log span, geometric panels) of each interval."""
    scale = np.broadcast_to(np.asarray(scale, dtype=float), length.shape)
    safe_len = np.where(length > 0, length, 1.0)
    # the first panel's width, never below L * ratio^-MAX_PANELS nor above L
    w = np.clip(scale, safe_len * ratio ** (-_MAX_PANELS + 1), safe_len)
    w = np.where(np.isfinite(w), w, safe_len)
    span = np.log(safe_len / w)  # >= 0
    # panels per interval (each its own ratio ≤ `ratio`); shorter rows are padded with
    # zero-length panels (zero weights) up to the largest count
    n_row = np.maximum(np.ceil(span / math.log(ratio) - 1e-12), 1.0)
    return safe_len, w, span, n_row


def graded_nodes(
    length: ArrayLike, scale: ArrayLike, n_nodes: int = 8, ratio: float = _MAX_RATIO
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Nodes and weights on [0, L] graded towards 0, for many intervals at once.

    Parameters
    ----------
    length : array_like, shape (N,)
        Interval lengths L ≥ 0 (zero gives zero weights).
    scale : array_like, shape (N,)
        The width w of the structure at 0 (same units as ``length``): the first panel is
        [0, w]; panels then grow geometrically to L with ratio ≤ ``ratio``.
    n_nodes : int
        Gauss–Legendre nodes per panel.
    ratio : float
        Largest ratio between consecutive panel edges.

    Returns
    -------
    u, weights : ndarray, shape (N, P * n_nodes)
        Nodes in [0, L] and weights (∑ weights = L; all zero where L = 0).  Each interval gets
        the panels it needs; rows are padded to the largest count P with zero weights (callers
        may drop them).
    """
    length = np.atleast_1d(np.asarray(length, dtype=float))
    return _nodes(length, *_panels(length, scale, ratio), n_nodes)


def graded_panels(
    length: ArrayLike, scale: ArrayLike, ratio: float = _MAX_RATIO
) -> tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.float64], NDArray[np.intp]]:
    """The panels of :func:`graded_nodes`, flat and without padding.

    For vectorised integrands evaluated node by node over all panels of many intervals: no
    zero-width padding panels, and the long axis is the panel axis (numpy loops over short
    trailing axes, such as 8 nodes per panel, are slow).

    Parameters
    ----------
    length, scale, ratio
        As in :func:`graded_nodes` (same units as ``length``).

    Returns
    -------
    owner : ndarray of intp, shape (M,)
        The interval of each panel; an interval's panels are contiguous, from u = 0 outwards.
    lo, width : ndarray, shape (M,)
        Each panel's lower edge and width: the panel is [lo, lo + width] and its nodes are
        ``lo + width * x`` with weights ``width * w`` for the rule ``gauss_legendre(n)`` = (x, w)
        — the nodes and weights :func:`graded_nodes` gives (up to rounding).
    count : ndarray of intp, shape (N,)
        Panels per interval (0 where L = 0).

    Examples
    --------
    >>> owner, lo, width, count = graded_panels([1.0, 0.0], [0.1, 0.1])
    >>> count.tolist(), round(float(width.sum()), 12)
    ([4, 0], 1.0)
    """
    length = np.atleast_1d(np.asarray(length, dtype=float))
    safe_len, w, span, n_row = _panels(length, scale, ratio)
    count = np.where(length > 0, n_row + 1.0, 0.0).astype(np.intp)
    owner = np.repeat(np.arange(length.size), count)
    first = np.cumsum(count) - count
    p = np.arange(owner.size) - first[owner]  # panel index within its interval: 0 .. n_row
    # upper edge of panel p: w, w r, w r², …, L (edge p + 1 of _nodes, the same expression)
    frac = np.minimum(p / n_row[owner], 1.0)
    hi = np.where(frac < 1.0, w[owner] * np.exp(span[owner] * frac), safe_len[owner])
    lo = np.empty_like(hi)  # the previous panel's upper edge; 0 for an interval's first panel
    lo[1:] = hi[:-1]
    lo[p == 0] = 0.0
    return owner, lo, hi - lo, count


def _nodes(
    length: NDArray[np.float64],
    safe_len: NDArray[np.float64],
    w: NDArray[np.float64],
    span: NDArray[np.float64],
    n_row: NDArray[np.float64],
    n_nodes: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """:func:`graded_nodes` from the intervals' panel layout (:func:`_panels`)."""
    x, wq = gauss_legendre(n_nodes)
    n_geo = int(n_row.max()) if n_row.size else 1
    k = np.minimum(np.arange(n_geo + 1) / n_row[..., None], 1.0)  # 0..1, then held at 1
    edges = np.empty((*length.shape, n_geo + 2))
    edges[..., 0] = 0.0
    # a row's last edge is L exactly, and so are its padding edges: a row's nodes and weights
    # then do not depend on how many panels the other rows need (batches reproduce single rows)
    edges[..., 1:] = np.where(k < 1.0, w[..., None] * np.exp(span[..., None] * k), safe_len[..., None])
    edges[..., -1] = safe_len
    lo = edges[..., :-1]
    h = np.diff(edges, axis=-1) * (length > 0)[..., None]  # zero-length intervals: zero weights
    u = (lo[..., None] + h[..., None] * x).reshape((*length.shape, -1))
    wt = (h[..., None] * wq).reshape((*length.shape, -1))
    return u, wt
