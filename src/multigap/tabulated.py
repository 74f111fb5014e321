"""Spectrally accurate tabulation of a band structure for the solvers' hot path.

E_n(q) and the Bloch densities |ψ_nq(z)|² are analytic, even and 2π/d-periodic in q, so they
are polynomials in y = cos(qd) to spectral accuracy: a Chebyshev series
``f(q) = Σ_j c_j cos(j q d)`` interpolating f at the J Chebyshev points converges
exponentially (for model A, J = 24 already gives energies to 5e-12 meV and overlap factors to
5e-15).  :class:`TabulatedBands` samples the exact bands once per model, checks the interpolant
against exact values between the nodes (doubling J until it meets its tolerance), and compresses
the overlap factors to their numerical rank (an SVD across all bands and q).  Evaluating it at
any q is then a small matrix product.  Crossings (E_n(q) = E) are delegated to the exact bands.

Each band's factors X_n(q) span a still smaller subspace of the common factor space: a band far
from the others has Bloch densities that hardly change with q, so its Chebyshev series is short.
:attr:`TabulatedBands.band_bases` holds an orthonormal basis V_n of that span (an SVD of the
band's factors at the J Chebyshev points, cut at ``basis_rtol``), computed once per model; the
Tc solver's kernel matrices are then k_n × k_n instead of rank × rank (12-band superlattice:
k_n = 3-8 of 19).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import fft

from .bands import BandStructure
from .errors import BandStructureError
from .overlap import factor_basis

__all__ = ["TabulatedBands"]


class TabulatedBands:
    """Chebyshev-in-cos(qd) interpolation of any :class:`~multigap.bands.BandStructure`.

    Parameters
    ----------
    exact : BandStructure
        The band structure to tabulate (e.g. :class:`~multigap.bands.KronigPenneyBands`).
    n_cheb : int
        Initial number of Chebyshev points J (doubled until the check passes, at most 1024).
    energy_tol : float
        Largest accepted interpolation error of E_n(q), meV.
    factor_tol : float
        Largest accepted interpolation error of the overlap factors (dimensionless), and the
        relative singular-value cut of the rank compression.
    basis_rtol : float or None
        Relative singular-value cut of each band's own factor basis (:attr:`band_bases`); None
        keeps the whole factor space for every band (V_n = identity).  With the default 1e-11
        the leading eigenvalue of the gap equation moves by ≤ 4e-15 relative (rounding; 1e-10
        moves it by 2e-14 for an 8-subband superlattice, 1e-8 by 2e-12), Tc by ≤ 3.2e-14
        (tests/test_many_bands.py).

    Attributes
    ----------
    n_cheb : int
        Chebyshev points used.
    rank : int
        Number of overlap factors kept (Ĩ^{nn'}(q,q') = Σ_r Y_n(q)[r] Y_n'(q')[r]).
    band_bases : list of ndarray or None
        Per band, orthonormal columns V_n (rank × k_n) spanning band n's factors at every q to
        ``basis_rtol`` (Y_n(q) ≈ (Y_n(q) V_n) V_nᵀ); None when ``basis_rtol`` is None.
    max_error : dict
        Measured interpolation errors (``energy`` in meV, ``factors``) at the check points.
    """

    def __init__(
        self,
        exact: BandStructure,
        *,
        n_cheb: int = 32,
        energy_tol: float = 1e-9,
        factor_tol: float = 1e-10,
        basis_rtol: float | None = 1e-11,
    ) -> None:
        self.exact = exact
        self.n_bands = exact.n_bands
        self.period = exact.period
        self.mass_x = exact.mass_x
        self._edges = np.asarray(exact.band_edges, dtype=float)
        j = int(n_cheb)
        while True:
            e_coef, x_coef, err_e, err_x = self._fit(j)
            if err_e <= energy_tol and err_x <= factor_tol:
                break
            if j >= 1024:
                widths = self._edges[:, 1] - self._edges[:, 0]
                flat = [n + 1 for n, w in enumerate(widths) if w < 1e-6 * max(1.0, abs(self._edges[n, 1]))]
                why = (
                    f"band(s) {flat} are flat (widths {widths[[n - 1 for n in flat]].tolist()} meV): "
                    "isolated wells; reduce the barrier height, the spacer width or its mass"
                    if flat
                    else "bands nearly touch somewhere (a gap too small to resolve)"
                )
                raise BandStructureError(
                    f"Chebyshev tabulation of the bands did not converge with {j} points "
                    f"(errors {err_e:.3g} meV, {err_x:.3g}): {why}"
                )
            j *= 2
        self.n_cheb = j
        # rank compression of the factors, common to all bands: X ≈ Y Vᵀ
        _, nb, r = x_coef.shape
        values = self._values(x_coef.reshape(j, nb * r)).reshape(j, nb, r).transpose(1, 0, 2)
        v = factor_basis(values.reshape(nb * j, r), factor_tol, min_rank=1)
        keep = v.shape[1]
        self._e_coef = e_coef  # (J, nb)
        self._y_coef = np.einsum("jbr,rk->jbk", x_coef, v)  # (J, nb, keep)
        self.rank = keep
        self.max_error = {"energy": err_e, "factors": err_x}
        # each band's own span, from its factors at the J Chebyshev points (uniform in q)
        y_values = np.einsum("bjr,rk->bjk", values, v)
        self.band_bases: list[NDArray[np.float64]] | None = (
            None
            if basis_rtol is None
            else [factor_basis(y_values[n], basis_rtol, min_rank=1) for n in range(nb)]
        )
        # per band: [E | Y | Y V_n]ᵀ coefficients, one product per node set (evaluate_many)
        self._band_coefficients = [
            np.ascontiguousarray(
                np.column_stack(
                    [e_coef[:, n], self._y_coef[:, n, :]]
                    + ([] if self.band_bases is None else [self._y_coef[:, n, :] @ self.band_bases[n]])
                ).T
            )
            for n in range(nb)
        ]

    def _fit(self, j: int) -> tuple[NDArray, NDArray, float, float]:
        theta = np.pi * (np.arange(j) + 0.5) / j
        q = theta / self.period
        e = np.asarray(self.exact.energies(q), dtype=float).T  # (J, nb)
        x = np.asarray(self.exact.overlap_factors(q), dtype=float).transpose(1, 0, 2)  # (J, nb, r)
        e_coef = fft.dct(e, type=2, axis=0) / j
        e_coef[0] /= 2.0
        x_coef = fft.dct(x, type=2, axis=0) / j
        x_coef[0] /= 2.0
        # check between the nodes (and at the zone ends)
        q_chk = np.concatenate([[0.0], np.pi * np.arange(1, j) / j, [np.pi]]) / self.period
        basis = np.cos(np.outer(q_chk * self.period, np.arange(j)))
        e_ref = np.asarray(self.exact.energies(q_chk), dtype=float).T
        x_ref = np.asarray(self.exact.overlap_factors(q_chk[1:-1]), dtype=float).transpose(1, 0, 2)
        err_e = float(np.max(np.abs(basis @ e_coef - e_ref)))
        x_int = np.einsum("qj,jbr->qbr", basis[1:-1], x_coef)
        err_x = float(np.max(np.abs(x_int - x_ref)))
        return e_coef, x_coef, err_e, err_x

    def _values(self, coef: NDArray) -> NDArray:
        j = coef.shape[0]
        theta = np.pi * (np.arange(j) + 0.5) / j
        return np.cos(np.outer(theta, np.arange(j))) @ coef

    def _basis(self, q: ArrayLike) -> NDArray[np.float64]:
        """T_j(cos qd), one row per q (the recurrence of :meth:`_chebyshev_basis`, transposed)."""
        return self._chebyshev_basis(np.atleast_1d(np.asarray(q, dtype=float))).T

    @property
    def band_edges(self) -> NDArray[np.float64]:
        """[min, max] of each band (exact), meV."""
        return self._edges.copy()

    def energies(self, q: ArrayLike, band: int | None = None) -> NDArray[np.float64]:
        """E_n(q) in meV: shape (n_bands, len(q)), or (len(q),) for one 0-based ``band``."""
        b = self._basis(q)
        if band is not None:
            return b @ self._e_coef[:, band]
        return (b @ self._e_coef).T

    def overlap_factors(self, q: ArrayLike, band: int | None = None) -> NDArray[np.float64]:
        """Compressed factors Y: shape (n_bands, len(q), rank), or (len(q), rank) for one band."""
        b = self._basis(q)
        if band is not None:
            return b @ self._y_coef[:, band, :]
        return np.einsum("qj,jbk->bqk", b, self._y_coef)

    def energies_and_factors(
        self, q: ArrayLike, band: int
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """:meth:`energies` and :meth:`overlap_factors` of one band from one Chebyshev basis."""
        b = self._basis(q)
        return b @ self._e_coef[:, band], b @ self._y_coef[:, band, :]

    def evaluate_many(
        self, q: NDArray[np.float64], counts: Sequence[int], bands: Sequence[int]
    ) -> list[tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64] | None]]:
        """Energies, factors and reduced factors of many node sets from one Chebyshev basis.

        Set i is ``q[s_i : s_i + counts[i]]`` of band ``bands[i]`` (the sets follow each other
        in ``q``).  Each set gets (E, Y, Y V_n) from one product of its rows of the basis with
        the band's coefficients, so its numbers do not depend on the other sets (the basis is
        elementwise in q).  Y V_n is None when :attr:`band_bases` is None.
        """
        basis = self._chebyshev_basis(q)
        coefs = self._band_coefficients
        r = self.rank
        out = []
        start = 0
        for count, band in zip(counts, bands, strict=True):
            values = coefs[band] @ basis[:, start : start + count]  # (1 + rank + k_n) × count
            start += count
            out.append((values[0], values[1 : 1 + r].T, values[1 + r :].T if self.band_bases else None))
        return out

    def _chebyshev_basis(self, q: NDArray[np.float64]) -> NDArray[np.float64]:
        """T_j(cos qd) for j < J (rows) and every q (columns), by the three-term recurrence
        (within ~1e-13 of cos(j qd))."""
        y = np.cos(np.asarray(q, dtype=float) * self.period)
        basis = np.empty((self.n_cheb, y.size))
        basis[0] = 1.0
        basis[1] = y
        y2 = 2.0 * y
        for j in range(2, self.n_cheb):
            np.multiply(y2, basis[j - 1], out=basis[j])
            basis[j] -= basis[j - 2]
        return basis

    def energy_derivatives(self, q: ArrayLike, band: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """∂E/∂q (meV nm) and ∂²E/∂q² (meV nm²) of one 0-based band, from the Chebyshev series.

        E(q) = Σ_j c_j cos(j q d), so the derivatives are exact term by term (the band curvature
        along z of the superfluid weight, :mod:`multigap.stiffness`).
        """
        q = np.atleast_1d(np.asarray(q, dtype=float))
        jd = np.arange(self.n_cheb) * self.period
        phase = np.outer(q, jd)
        c = self._e_coef[:, band]
        return -(np.sin(phase) @ (jd * c)), -(np.cos(phase) @ (jd * jd * c))

    def crossing(self, band: int, energy: float) -> float:
        """q in [0, π/d] with E_band(q) = energy (exact, delegated), 1/nm."""
        return self.exact.crossing(band, energy)
