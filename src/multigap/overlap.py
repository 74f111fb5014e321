"""Pair-overlap (exchange) integrals Ĩ^{nn'}(q, q') of the pairing interaction (paper eq. 5).

The physics and its normalisation: docs/theory.md#overlap.

Ĩ^{nn'}(q, q') = (1/d) ∫_cell |ψ_nq(z)|² |ψ_n'q'(z)|² dz  (dimensionless; 1 for V → 0)

factorises exactly over the z quadrature of the band structure: with the overlap factors
X_n(q)[i] = √(w_i/d) |ψ_nq(z_i)|² (:meth:`~multigap.bands.BandStructure.overlap_factors`),
Ĩ^{nn'}(q, q') = Σ_i X_n(q)[i] X_n'(q')[i].  Everything here works on that factorisation and on
any object implementing the :class:`~multigap.bands.BandStructure` protocol (Kronig–Penney bands
or analytic test bands).

Units: q in 1/nm; Ĩ and the factors are dimensionless.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .bands import BandStructure
from .errors import InputError

__all__ = ["overlap_tensor", "mean_overlap_matrix", "compress_factors", "factor_basis", "discarded_weight"]


def _q_array(name: str, q: ArrayLike) -> NDArray[np.float64]:
    arr = np.atleast_1d(np.asarray(q, dtype=float))
    if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)):
        raise InputError(f"{name} = {q!r}: must be a non-empty 1-D array of finite wave numbers (1/nm)")
    return arr


def overlap_tensor(bands: BandStructure, q: ArrayLike, q2: ArrayLike | None = None) -> NDArray[np.float64]:
    """Pair-overlap integrals Ĩ^{nn'}(q, q') on two q grids.

    Parameters
    ----------
    bands : BandStructure
        Band structure providing the overlap factors.
    q : array_like, shape (nq,)
        Wave numbers q of band n, 1/nm.
    q2 : array_like, shape (nq',), optional
        Wave numbers q' of band n', 1/nm; default ``q``.

    Returns
    -------
    ndarray, shape (n_bands, n_bands, nq, nq')
        Ĩ^{nn'}(q_i, q'_j), dimensionless, symmetric under (n, q) ↔ (n', q') and even in q and q'
        (ψ_{n,−q} = ψ_nq*).

    Raises
    ------
    InputError
        If ``q`` or ``q2`` is not a non-empty 1-D array of finite numbers.
    """
    x1 = bands.overlap_factors(_q_array("q", q))
    x2 = x1 if q2 is None else bands.overlap_factors(_q_array("q2", q2))
    return np.einsum("aqr,bpr->abqp", x1, x2)


def mean_overlap_matrix(bands: BandStructure, n_q: int = 32) -> NDArray[np.float64]:
    """Brillouin-zone average of the pair overlaps, the matrix of the paper's Fig. 5 histogram.

    Ī^{nn'} = (d/2π)² ∫_BZ dq ∫_BZ dq' Ĩ^{nn'}(q, q'), BZ = [−π/d, π/d].

    Ĩ is even in q and in q' separately, so the average is taken over [0, π/d]² with ``n_q``
    Gauss–Legendre nodes per axis; through the factorisation it costs one average of the factors,
    Ī^{nn'} = X̄_n · X̄_n' with X̄_n = (d/π) ∫_0^{π/d} X_n(q) dq.  The integrand is analytic in q for
    bands separated by open gaps, so the error falls exponentially with ``n_q``; bands that
    (nearly) touch at the zone centre or boundary need more nodes.

    Parameters
    ----------
    bands : BandStructure
        Band structure providing the overlap factors (period d in nm).
    n_q : int
        Gauss–Legendre nodes on [0, π/d] (>= 1).

    Returns
    -------
    ndarray, shape (n_bands, n_bands)
        Ī^{nn'}, dimensionless, symmetric, positive; all ones for V → 0.
    """
    if isinstance(n_q, bool) or not isinstance(n_q, (int, np.integer)) or n_q < 1:
        raise InputError(f"n_q = {n_q!r}: must be an integer >= 1 (Gauss-Legendre nodes on [0, pi/d])")
    x, w = np.polynomial.legendre.leggauss(int(n_q))
    q_max = math.pi / bands.period
    q = 0.5 * q_max * (x + 1.0)
    weights = 0.5 * w  # sums to 1: the mean over [0, π/d]
    mean_factors = np.einsum("q,nqr->nr", weights, bands.overlap_factors(q))
    return mean_factors @ mean_factors.T


def compress_factors(x: ArrayLike, rtol: float = 1e-12) -> NDArray[np.float64]:
    """Low-rank compression of overlap factors: Y with Ĩ ≈ Y Yᵀ and as few columns as allowed.

    The factors of all bands and q points are stacked into one matrix X (rows: every (n, q),
    columns: the z nodes r), so that the whole overlap matrix is Ĩ = X Xᵀ.  With the thin SVD
    X = U S Vᵀ, the singular values s_1 ≥ s_2 ≥ … above ``rtol · s_1`` are kept (k of them) and
    Y = X V_k = U_k S_k, with V_k from :func:`factor_basis` (the one compression the solvers
    use too).

    Error bound (exact, not asymptotic): Ĩ − Y Yᵀ = X (1 − V_k V_kᵀ) Xᵀ is positive semi-definite
    with spectral norm s_{k+1}² ≤ rtol² s_1² = rtol² ‖Ĩ‖₂; every entry obeys
    0 ≤ (Ĩ − YYᵀ)_{ii} ≤ s_{k+1}² and |(Ĩ − YYᵀ)_{ij}| ≤ s_{k+1}².  For a weighted operator
    D Ĩ D (D diagonal, e.g. √(w K) of the gap equation) the error is at most max(D)² s_{k+1}²;
    compress the weighted factors D X instead to get the bound relative to D Ĩ D itself.
    :func:`discarded_weight` returns s_{k+1}².

    Parameters
    ----------
    x : array_like, shape (..., R)
        Overlap factors (dimensionless), e.g. ``bands.overlap_factors(q)`` of shape
        (n_bands, n_q, R); all leading axes are stacked.
    rtol : float
        Relative singular-value cut-off, 0 <= rtol < 1 (0 keeps every nonzero singular value).

    Returns
    -------
    ndarray, shape (..., k)
        Compressed factors Y (dimensionless), same leading axes as ``x``, k <= min(rows, R).
    """
    arr = np.asarray(x, dtype=float)
    v = factor_basis(arr, rtol)
    y = arr.reshape(-1, arr.shape[-1]) @ v
    return y.reshape(*arr.shape[:-1], v.shape[1])


def factor_basis(x: ArrayLike, rtol: float = 1e-12, *, min_rank: int = 0) -> NDArray[np.float64]:
    """Orthonormal basis V (R × k) of the factors' kept right singular vectors: X ≈ (X V) Vᵀ.

    The one low-rank compression of overlap factors in multigap: :func:`compress_factors`
    returns Y = X V, :class:`~multigap.tabulated.TabulatedBands` compresses a model's factors
    once with it, and the gap solver compresses the factors on its own q nodes with it.  Singular
    values above ``rtol · s_1`` are kept (the error bound of :func:`compress_factors`).

    Parameters
    ----------
    x : array_like, shape (..., R)
        Overlap factors (dimensionless); all leading axes are stacked.
    rtol : float
        Relative singular-value cut-off, 0 <= rtol < 1.
    min_rank : int
        Keep at least this many columns (when X has that many singular values).

    Returns
    -------
    ndarray, shape (R, k)
        Orthonormal columns (dimensionless); k = 0 for an empty or zero X (unless ``min_rank``).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.outer([1.0, 2.0, 3.0], [1.0, 1.0])   # rank 1
    >>> factor_basis(x).shape
    (2, 1)
    """
    _, s, vh = _svd(x, rtol)
    keep = int(np.count_nonzero(s > rtol * s[0])) if s.size and s[0] > 0 else 0
    keep = min(max(keep, min_rank), s.size)
    return np.ascontiguousarray(vh[:keep].T)


def discarded_weight(x: ArrayLike, rtol: float = 1e-12) -> float:
    """The bound s_{k+1}² on |Ĩ − Y Yᵀ| for ``Y = compress_factors(x, rtol)`` (0 if nothing is dropped).

    Parameters
    ----------
    x : array_like, shape (..., R)
        Overlap factors (dimensionless).
    rtol : float
        Relative singular-value cut-off, as in :func:`compress_factors`.

    Returns
    -------
    float
        Square of the largest discarded singular value (dimensionless, same scale as Ĩ).
    """
    _, s, _ = _svd(x, rtol)
    if s.size == 0 or s[0] == 0:
        return 0.0
    dropped = s[~(s > rtol * s[0])]
    return float(dropped[0] ** 2) if dropped.size else 0.0


def _svd(x: ArrayLike, rtol: float) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    if isinstance(rtol, bool) or not isinstance(rtol, (int, float)) or not 0.0 <= rtol < 1.0:
        raise InputError(f"rtol = {rtol!r}: must be a number with 0 <= rtol < 1")
    arr = np.asarray(x, dtype=float)
    if arr.ndim < 2 or arr.shape[-1] == 0 or not np.all(np.isfinite(arr)):
        raise InputError(
            f"x: shape {arr.shape} must be (..., R) with R >= 1 and finite entries (overlap factors)"
        )
    flat = arr.reshape(-1, arr.shape[-1])
    if flat.shape[0] == 0:
        return arr, np.zeros(0), np.zeros((0, arr.shape[-1]))
    _, s, vh = np.linalg.svd(flat, full_matrices=False)
    return arr, s, vh
