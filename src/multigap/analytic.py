"""Analytic band structures that plug straight into the pairing solvers.

They implement the :class:`~multigap.bands.BandStructure` protocol with closed-form energies and
constant pair overlaps, so that the solvers can be checked against textbook limits: one free 2D
band (BCS), a 2D band edge (BCS–BEC crossover), two bands of constant density of states
(Suhl–Matthias–Walker).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .constants import HBAR2_2ME
from .errors import ModelError

__all__ = ["ParabolicBands"]


class ParabolicBands:
    """Bands E_n(q) = E_n⁰ + ħ²q²/(2 m_z) on the zone [−π/d, π/d], with constant overlaps.

    With m_z = m_x and a zone large enough that E_n⁰ + ħ²(π/d)²/(2m_z) lies above μ + ω, each
    band is a free 2D band of density of states N₀ = m_x/(2πħ²) in the pairing window.

    Parameters
    ----------
    offsets : sequence of float
        Band bottoms E_n⁰, meV.
    period : float
        d in nm (the zone is [−π/d, π/d]); choose it small to make the bands "infinite".
    mass_z, mass_x : float
        Masses along z and x, m_e.
    overlap : array_like, optional
        Constant, symmetric positive semi-definite matrix Ĩ^{nn'}; default all ones (V → 0).
    """

    def __init__(
        self,
        offsets: Sequence[float],
        *,
        period: float = 0.05,
        mass_z: float = 1.0,
        mass_x: float = 1.0,
        overlap: ArrayLike | None = None,
    ) -> None:
        self.offsets = np.asarray(offsets, dtype=float)
        self.n_bands = int(self.offsets.size)
        self.period = float(period)
        self.mass_z = float(mass_z)
        self.mass_x = float(mass_x)
        ov = np.ones((self.n_bands, self.n_bands)) if overlap is None else np.asarray(overlap, float)
        if ov.shape != (self.n_bands, self.n_bands) or not np.allclose(ov, ov.T):
            raise ModelError(f"overlap = {ov!r}: must be a symmetric {self.n_bands}x{self.n_bands} matrix")
        vals, vecs = np.linalg.eigh(ov)
        if vals.min() < -1e-12 * max(1.0, vals.max()):
            raise ModelError(f"overlap eigenvalues {vals!r}: must be positive semi-definite")
        self._factors = vecs * np.sqrt(np.clip(vals, 0.0, None))  # ov = F Fᵀ
        top = self.offsets + HBAR2_2ME * (math.pi / self.period) ** 2 / self.mass_z
        self._edges = np.stack([self.offsets, top], axis=1)

    @property
    def band_edges(self) -> NDArray[np.float64]:
        """[min, max] of each band, meV."""
        return self._edges.copy()

    def energies(self, q: ArrayLike, band: int | None = None) -> NDArray[np.float64]:
        """E_n(q) in meV, shape (n_bands, len(q)) or (len(q),) for one band; q in 1/nm."""
        q = np.atleast_1d(np.asarray(q, dtype=float))
        e = self.offsets[:, None] + HBAR2_2ME * q[None, :] ** 2 / self.mass_z
        return e if band is None else e[band]

    def energy_derivatives(self, q: ArrayLike, band: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """∂E/∂q = ħ²q/m_z (meV nm) and ∂²E/∂q² = ħ²/m_z (meV nm²) of one band; q in 1/nm."""
        q = np.atleast_1d(np.asarray(q, dtype=float))
        return 2.0 * HBAR2_2ME * q / self.mass_z, np.full(q.shape, 2.0 * HBAR2_2ME / self.mass_z)

    def crossing(self, band: int, energy: float) -> float:
        """q in [0, π/d] with E_band(q) = energy (clipped), 1/nm."""
        lo, hi = self._edges[band]
        e = min(max(energy, lo), hi)
        return min(math.sqrt((e - lo) * self.mass_z / HBAR2_2ME), math.pi / self.period)

    def overlap_factors(self, q: ArrayLike, band: int | None = None) -> NDArray[np.float64]:
        """Constant factors, shape (n_bands, len(q), n_bands) or (len(q), n_bands) for one band."""
        q = np.atleast_1d(np.asarray(q, dtype=float))
        x = np.broadcast_to(self._factors[:, None, :], (self.n_bands, q.size, self.n_bands)).copy()
        return x if band is None else x[band]
