"""Exact subbands of a superlattice of quantum wires (paper §II, eqs. 2–4; docs/theory.md#bands).

The Kronig–Penney problem for any periodic stack of piecewise-constant layers is solved with
the transfer matrix of one period acting on (ψ, ψ'/m) (BenDaniel–Duke matching: ψ and ψ'/m
continuous).  The Bloch condition is ``cos(q d) = D(E)`` with ``D = ½ Tr M(E)``; every energy
is a bracketed root of that equation, exact to ~1e-11 meV (no grid).

The solver layer never sees this module's model: it sees the :class:`BandStructure` protocol
(energies and overlap factors at arbitrary q), which analytic test bands implement too.

Units: nm, meV, masses in m_e.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize
from scipy.optimize import elementwise

from .constants import HBAR2_2ME
from .errors import BandStructureError, ModelError

if TYPE_CHECKING:
    from .model import Model, Superlattice

__all__ = [
    "BandStructure",
    "KronigPenneyBands",
    "band_structure",
    "calibrate",
    "lifshitz_scale",
]

_XATOL = 1e-11  # meV, absolute tolerance on energies
_COMPLEX_STEP = 1e-20  # meV, complex-step derivative
# ulp of rounding error per layer in D(E): 2 from each 2×2 product step (Higham's bound γ_2 per
# step), up to 4 from the layer entries (sqrt, cos/cosh, sinc/sinh, the mass factors), 2 spare
_ROUNDING_PER_LAYER = 8


def _wrap(angle: NDArray) -> NDArray:
    """Angle reduced into [−π, π)."""
    return np.mod(angle + math.pi, 2.0 * math.pi) - math.pi


@runtime_checkable
class BandStructure(Protocol):
    """What the pairing solvers need from a band structure.

    Bands are even in q, ``E_n(q) = E_n(-q)``, and monotonic on [0, π/d]; the solvers
    integrate over [0, π/d] and double.  The pair-overlap integral factorises exactly as
    ``Ĩ^{nn'}(q, q') = Σ_r X_n(q)[r] X_n'(q')[r]`` with ``X = overlap_factors(q)``.

    Attributes
    ----------
    n_bands : int
        Number of bands.
    period : float
        Period d (nm); the Brillouin zone is [−π/d, π/d].
    mass_x : float
        Free mass along x (m_e).
    band_edges : ndarray, shape (n_bands, 2)
        [min, max] of each band, meV.
    """

    n_bands: int
    period: float
    mass_x: float

    @property
    def band_edges(self) -> NDArray[np.float64]: ...

    def energies(self, q: ArrayLike, band: int | None = None) -> NDArray[np.float64]:
        """E_n(q), meV, shape (n_bands, len(q)), or (len(q),) for one 0-based ``band``; q in 1/nm."""
        ...

    def crossing(self, band: int, energy: float) -> float:
        """The q in [0, π/d] (1/nm) where band ``band`` (0-based) has energy ``energy`` (meV)."""
        ...

    def overlap_factors(self, q: ArrayLike, band: int | None = None) -> NDArray[np.float64]:
        """X_n(q)[r], shape (n_bands, len(q), rank) or (len(q), rank) for one 0-based ``band``.

        Ĩ^{nn'}(q,q') = X_n(q)·X_n'(q').
        """
        ...


def lifshitz_scale(bands: BandStructure, active_band: int) -> tuple[float, float]:
    """E_L and ΔE of the (1-based) active band: its minimum and its width, meV.

    Parameters
    ----------
    bands : BandStructure
        Any band structure.
    active_band : int
        1-based index of the band (1 … ``bands.n_bands``).

    Returns
    -------
    (float, float)
        E_L = min_q E_a(q) and ΔE = max_q E_a(q) − min_q E_a(q), meV.
    """
    if isinstance(active_band, bool) or not 1 <= int(active_band) <= bands.n_bands:
        raise ModelError(
            f"active_band = {active_band!r}: must be in 1 … {bands.n_bands} (the bands computed)"
        )
    lo, hi = bands.band_edges[int(active_band) - 1]
    return float(lo), float(hi - lo)


class KronigPenneyBands:
    """Exact Kronig–Penney subbands of a :class:`~multigap.model.Superlattice`.

    Parameters
    ----------
    lattice : Superlattice
        Layer stack (thickness nm, potential meV, mass m_e) and free mass m_x.
    n_bands : int
        Number of subbands to compute (n = 1 … n_bands).
    n_z : int
        Gauss–Legendre nodes per layer for z integrals (normalisation and overlaps).

    Notes
    -----
    Band n lies between the Dirichlet eigenvalues μ_{n−1} and μ_n of one period (ψ(0) = ψ(d) = 0;
    each closed gap holds exactly one).  They are found by bisection on the Prüfer angle, which
    counts them exactly (Sturm oscillation theorem), so bands are never missed however close
    (e.g. the bonding/antibonding pairs of a double-well stack).  Between μ_{n−1} and μ_n, D(E)
    changes sign exactly once, at the band centre; between two centres the extremum of D (the
    root of D', by complex-step differentiation) is a gap if |D| > 1 there, and the two roots of
    |D| = 1 on either side are the edges.  A gap whose excess |D| − 1 at the extremum is within
    the rounding error δ of D (an a-priori bound from the layer matrices, ~4e-15 for a free gas,
    ~1e-13 for the paper's models) is reported as closed, both edges at the extremum: a gap
    narrower than 2√(δ/a) (a = |D''|/2 there; ~1e-4 meV for those models) cannot be located in
    double precision, and this way the verdict does not depend on how the CPU's libm rounds a
    cosine.  Edges are located to ~1e-11 meV.  A band narrower than double precision resolves
    (very thick or high barriers) raises :class:`~multigap.errors.BandStructureError`.

    Bloch functions are evaluated in closed form layer by layer (no grid); z integrals use
    ``n_z`` Gauss–Legendre nodes per layer, exact for the analytic ψ once ``n_z`` exceeds a few
    times the number of oscillations of |ψ|² in a layer.
    """

    def __init__(self, lattice: Superlattice, n_bands: int, n_z: int = 24) -> None:
        if isinstance(n_bands, bool) or int(n_bands) != n_bands or n_bands < 1:
            raise ModelError(f"n_bands = {n_bands!r}: must be an integer >= 1")
        if isinstance(n_z, bool) or int(n_z) != n_z or n_z < 2:
            raise ModelError(f"n_z = {n_z!r}: must be an integer >= 2 (Gauss-Legendre nodes per layer)")
        self.lattice = lattice
        self.n_bands = int(n_bands)
        self.n_z = int(n_z)
        self.period = lattice.period
        self.mass_x = float(lattice.mass_x) if lattice.mass_x is not None else 1.0
        self._t = np.array([ly.thickness for ly in lattice.layers])
        self._v = np.array([ly.potential for ly in lattice.layers])
        self._m = np.array([ly.mass for ly in lattice.layers])
        self._bounds = np.concatenate([[0.0], np.cumsum(self._t)])
        # below every potential: no state, D(E) > 1 and no Dirichlet eigenvalue
        e0 = HBAR2_2ME * math.pi**2 / (float(self._m.max()) * self.period**2)
        self._e_low = float(self._v.min()) - e0
        self._edges = self._find_edges()

    # ------------------------------------------------------------------ transfer matrices
    def _layer_matrices(self, energy: NDArray, thickness: NDArray | None = None) -> tuple[NDArray, ...]:
        """Per-layer transfer matrices on (ψ, ψ'/m); arrays of shape energy.shape + (n_layers,)."""
        e = np.asarray(energy)[..., None]
        t = self._t if thickness is None else thickness
        x = (e - self._v) * self._m / HBAR2_2ME  # k² in 1/nm² (negative under the barrier)
        k = np.sqrt(x.astype(complex))
        with np.errstate(over="ignore", invalid="ignore"):  # overflow is detected by the callers
            c = np.cos(k * t)
            s = t * np.sinc(k * t / np.pi)  # sin(k t)/k, analytic through k = 0 and k imaginary
            return c, self._m * s, -x * s / self._m, c

    def transfer_matrix(self, energy: ArrayLike) -> NDArray[np.complex128]:
        """Transfer matrix of one period M(E) on (ψ, ψ'/m), shape energy.shape + (2, 2).

        Complex dtype so that complex energies (complex-step derivatives) are supported; for
        real E the result is real up to rounding.
        """
        a, b, c, d = self._layer_matrices(np.asarray(energy, dtype=complex))
        m = np.zeros((*a.shape[:-1], 2, 2), dtype=complex)
        m[..., 0, 0] = 1.0
        m[..., 1, 1] = 1.0
        with np.errstate(over="ignore", invalid="ignore"):  # overflow is detected by the callers
            for j in range(len(self._t)):
                lj = np.stack(
                    [np.stack([a[..., j], b[..., j]], -1), np.stack([c[..., j], d[..., j]], -1)], -2
                )
                m = lj @ m
        return m

    def _half_trace_c(self, energy: NDArray) -> NDArray[np.complex128]:
        m = self.transfer_matrix(energy)
        if not np.all(np.isfinite(m)):
            raise BandStructureError(
                "transfer matrix overflowed: a barrier is too thick/high for double precision "
                "(kappa*W > ~700); reduce the barrier thickness, height or mass"
            )
        return 0.5 * (m[..., 0, 0] + m[..., 1, 1])

    def half_trace(self, energy: ArrayLike) -> NDArray[np.float64]:
        """D(E) = ½ Tr M(E) (dimensionless); the Bloch condition is cos(q d) = D(E)."""
        return self._half_trace_c(np.asarray(energy, dtype=float)).real

    def _half_trace_error(self, energy: float) -> float:
        """Bound on the rounding error of D(E) = ½ Tr M(E) at one real energy (dimensionless).

        The standard forward bound for a product of 2×2 matrices (Higham, *Accuracy and Stability
        of Numerical Algorithms*, §3.5): |fl(M) − M| ≤ γ |L_N|···|L_1| entrywise, with the layer
        entries themselves (cos, sin/k, cosh, sinh/k) correct to a few ulp on any conforming libm.
        ``_ROUNDING_PER_LAYER`` ulp per layer covers both; ½ Tr of the product of the absolute
        layer matrices sets the scale (~1 for oscillatory layers, cosh κW under barriers).
        """
        a, b, c, d = (np.abs(x) for x in self._layer_matrices(np.asarray(energy, dtype=complex)))
        p = np.eye(2)
        for j in range(len(self._t)):
            p = np.array([[a[j], b[j]], [c[j], d[j]]]) @ p
        scale = 0.5 * float(p[0, 0] + p[1, 1])
        return _ROUNDING_PER_LAYER * len(self._t) * float(np.finfo(float).eps) * scale

    def half_trace_derivative(self, energy: ArrayLike) -> NDArray[np.float64]:
        """dD/dE in 1/meV, exact to rounding (complex-step differentiation)."""
        e = np.asarray(energy, dtype=float)
        return self._half_trace_c(e + 1j * _COMPLEX_STEP).imag / _COMPLEX_STEP

    # ------------------------------------------------------------------ band edges
    def _dirichlet_phase(self, energy: ArrayLike) -> NDArray[np.float64]:
        """Prüfer angle θ(d; E) of the solution with ψ(0) = 0, ψ'(0)/m = 1, in units of π.

        θ is continuous and strictly increasing in E; ψ(z) vanishes whenever θ(z) crosses a
        multiple of π, so ``floor(θ(d; E)/π)`` counts the Dirichlet eigenvalues of one period
        below E (Sturm oscillation theorem).  The angle is taken in the plane (ψ, s·ψ'/m) with the
        layer scale s = m/|k| (m where k = 0): an oscillatory layer advances it by exactly k·t, an
        evanescent or flat layer by less than π/2 (resp. π), and a change of scale at an interface
        keeps the quadrant.  Only directions are propagated (evanescent matrices divided by
        cosh κt), so there is no overflow for arbitrarily thick barriers.
        """
        e = np.atleast_1d(np.asarray(energy, dtype=float))
        psi = np.zeros_like(e)
        u = np.ones_like(e)
        theta = np.zeros_like(e)
        a_end = np.zeros_like(e)
        for j in range(len(self._t)):
            m, t = self._m[j], self._t[j]
            x = (e - self._v[j]) * m / HBAR2_2ME
            k = np.sqrt(np.abs(x))
            s = np.where(k > 0, m / np.where(k > 0, k, 1.0), m)
            a_start = np.arctan2(psi, s * u)
            if j > 0:  # rescaling at the interface keeps the quadrant: wrap into [-π, π)
                theta += _wrap(a_start - a_end)
            osc = x > 0
            kt = k * t
            # oscillatory layer: exact rotation by k t in the scaled plane
            c_o, s_o = np.cos(kt), np.sin(kt)
            # evanescent layer, divided by cosh κt: [[1, m tanh/κ], [κ tanh/m, 1]] in (ψ, ψ'/m)
            th = np.tanh(kt)
            b_e = np.where(k > 0, m * th / np.where(k > 0, k, 1.0), m * t)
            c_e = k * th / m
            psi_new = np.where(osc, c_o * psi + s_o * s * u, psi + b_e * u)
            u_new = np.where(osc, (-s_o * psi / s) + c_o * u, c_e * psi + u)
            norm = np.hypot(psi_new, s * u_new)
            psi, u = psi_new / norm, u_new / norm
            a_new = np.arctan2(psi, s * u)
            theta += np.where(osc, kt, _wrap(a_new - a_start))
            a_end = a_new
        return theta / math.pi

    def _bracket_bands(self, count: int) -> NDArray[np.float64]:
        """Dirichlet eigenvalues μ_1 < … < μ_count of one period (meV).

        The closed gap between bands n and n+1 (edges included) contains exactly μ_n, so band n
        lies in [μ_{n−1}, μ_n] and D(E) changes sign exactly once there (at the band centre).
        Found by bisection on the monotonic Prüfer angle: close or even degenerate bands are
        never missed, however small their splitting.
        """
        lo = self._e_low
        hi = (
            float(self._v.max())
            + HBAR2_2ME * (math.pi * (count + 1) / float(np.sum(np.sqrt(self._m) * self._t))) ** 2
        )
        for _ in range(200):
            if float(self._dirichlet_phase(hi)[0]) > count:
                break
            hi = hi + 2.0 * (hi - lo)
        else:  # pragma: no cover - the phase grows like sqrt(E)
            raise BandStructureError(f"could not bracket {count} bands below {hi:.6g} meV")
        mus = np.empty(count)
        a = lo
        for j in range(1, count + 1):
            mus[j - 1] = optimize.brentq(
                lambda e, jj=j: float(self._dirichlet_phase(e)[0]) - jj, a, hi, xtol=_XATOL, rtol=1e-15
            )
            a = float(mus[j - 1])
        return mus

    def _narrow(self, band: int, near: float) -> BandStructureError:
        return BandStructureError(
            f"band {band} is narrower than double precision resolves near {near:.6g} meV (isolated "
            "wells: D(E) jumps across it between two floats); reduce the barrier height, thickness "
            "or mass, or compute fewer bands"
        )

    def _root(self, f: Callable[[float], float], a: float, b: float, band: int) -> float:
        """Bracketed root of ``f`` on [a, b]; a lost bracket means an unresolvably narrow band."""
        try:
            return float(optimize.brentq(f, a, b, xtol=_XATOL, rtol=1e-15))
        except ValueError:
            raise self._narrow(band, a) from None

    def _find_centres(self, count: int) -> NDArray[np.float64]:
        """The first ``count`` zeros of D(E) (band centres, where cos(q d) = 0), sorted, meV."""
        mus = self._bracket_bands(count)
        lows = np.concatenate([[self._e_low], mus[:-1]])
        centres = np.empty(count)
        for n in range(count):
            c = self._root(lambda e: float(self.half_trace(e)), float(lows[n]), float(mus[n]), n + 1)
            if abs(float(self.half_trace(c))) > 0.5:  # D jumps over the band between two floats
                raise self._narrow(n + 1, c)
            centres[n] = c
        return centres

    def _find_edges(self) -> NDArray[np.float64]:
        n = self.n_bands
        c = self._find_centres(n + 1)
        edges = np.empty((n, 2))
        edges[0, 0] = self._root(lambda e: float(self.half_trace(e)) - 1.0, self._e_low, c[0], 1)
        dprime = self.half_trace_derivative
        for j in range(n):  # gap between band j and band j+1 (0-based)
            sigma = -1.0 if j % 2 == 0 else 1.0
            # D' has exactly one zero between two band centres: the extremum of D in the gap
            e_star = self._root(lambda e: float(dprime(e)), c[j], c[j + 1], j + 1)
            excess = sigma * float(self.half_trace(e_star)) - 1.0
            # |D| - 1 within the rounding error of D is no gap: on either side of the extremum
            # the sign of |D| - 1 would then be decided by how the CPU's libm rounds a cosine
            if excess <= self._half_trace_error(e_star):
                excess = 0.0

            def f(e: float, s: float = sigma) -> float:
                return s * float(self.half_trace(e)) - 1.0

            if excess > 0.0:
                top = self._root(f, c[j], e_star, j + 1)
                bottom = self._root(f, e_star, c[j + 1], j + 2)
            else:  # closed gap (D touches ±1): both edges at the extremum
                top = bottom = e_star
            edges[j, 1] = top
            if j + 1 < n:
                edges[j + 1, 0] = bottom
        return edges

    @property
    def band_edges(self) -> NDArray[np.float64]:
        """[min, max] of each band E_n(q) over the Brillouin zone, meV, shape (n_bands, 2)."""
        return self._edges.copy()

    # ------------------------------------------------------------------ energies
    def energies(self, q: ArrayLike, band: int | None = None) -> NDArray[np.float64]:
        """Exact subband energies E_n(q) in meV; q in 1/nm (any real).

        Shape (n_bands, len(q)), or (len(q),) when a 0-based ``band`` is given.
        """
        q = np.atleast_1d(np.asarray(q, dtype=float))
        y = np.cos(q * self.period)
        bands = range(self.n_bands) if band is None else [band]
        out = np.empty((len(bands), q.size))
        for i, n in enumerate(bands):
            lo, hi = self._edges[n]
            sign_lo = 1.0 if n % 2 == 0 else -1.0  # D at the band bottom
            out[i] = self._solve(y, lo, hi, sign_lo)
        return out if band is None else out[0]

    def _solve(self, y: NDArray, lo: float, hi: float, d_lo: float) -> NDArray[np.float64]:
        """Energies in [lo, hi] with D(E) = y; D runs monotonically from d_lo to -d_lo."""
        res = np.empty_like(y)
        # at the zone centre/boundary, or within rounding of the band edges, E is the edge itself
        at_lo = d_lo * (self.half_trace(lo) - y) <= 0.0
        at_hi = d_lo * (self.half_trace(hi) - y) >= 0.0
        res[at_lo] = lo
        res[at_hi] = hi
        inner = ~(at_lo | at_hi)
        if np.any(inner) and hi > lo:
            r = elementwise.find_root(
                lambda e, yy: d_lo * (self.half_trace(e) - yy),
                (np.full(inner.sum(), lo), np.full(inner.sum(), hi)),
                args=(y[inner],),
                tolerances={"xatol": _XATOL, "xrtol": 4e-16, "fatol": 0.0, "frtol": 0.0},
            )
            if not np.all(r.success):
                raise BandStructureError("energy root finding failed for some q (bracket lost)")
            res[inner] = r.x
        elif np.any(inner):
            res[inner] = lo
        return res

    def crossing(self, band: int, energy: float) -> float:
        """q in [0, π/d] (1/nm) with E_band(q) = energy (0-based band), clipped to the zone ends.

        Exact: q = arccos(D(E))/d.
        """
        lo, hi = self._edges[band]
        q_bottom = 0.0 if band % 2 == 0 else math.pi / self.period  # D = +1 at q = 0
        e = float(energy)
        if e <= lo:
            return q_bottom
        if e >= hi:
            return math.pi / self.period - q_bottom
        y = min(max(self._half_trace_scalar(e), -1.0), 1.0)
        return math.acos(y) / self.period

    def _half_trace_scalar(self, energy: float) -> float:
        """D(E) for one real energy in plain float arithmetic (the solvers' q breakpoints)."""
        a, b, c, d = 1.0, 0.0, 0.0, 1.0
        for t, v, m in zip(self._t.tolist(), self._v.tolist(), self._m.tolist(), strict=True):
            x = (energy - v) * m / HBAR2_2ME
            if x > 0:
                k = math.sqrt(x)
                cs, sn = math.cos(k * t), math.sin(k * t) / k
            elif x < 0:
                k = math.sqrt(-x)
                cs, sn = math.cosh(k * t), math.sinh(k * t) / k
            else:
                cs, sn = 1.0, t
            l11, l12, l21 = cs, m * sn, -x * sn / m
            a, b, c, d = l11 * a + l12 * c, l11 * b + l12 * d, l21 * a + cs * c, l21 * b + cs * d
        return 0.5 * (a + d)

    # ------------------------------------------------------------------ Bloch functions
    @cached_property
    def z_quadrature(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Gauss–Legendre nodes z (nm) and weights (nm) over one period, ``n_z`` per layer."""
        x, w = np.polynomial.legendre.leggauss(self.n_z)
        zs, ws = [], []
        for a, b in zip(self._bounds[:-1], self._bounds[1:], strict=True):
            zs.append(0.5 * (b - a) * x + 0.5 * (b + a))
            ws.append(0.5 * (b - a) * w)
        return np.concatenate(zs), np.concatenate(ws)

    def _psi(self, energy: NDArray, q: NDArray, z: NDArray) -> NDArray[np.complex128]:
        """Unnormalised Bloch function at positions z in [0, d); energy, q flat arrays."""
        lam = np.exp(1j * q * self.period)
        m = self.transfer_matrix(energy)
        # eigenvector of M with eigenvalue lam, from the better conditioned row
        v1 = np.stack([m[..., 0, 1], lam - m[..., 0, 0]], -1)
        v2 = np.stack([lam - m[..., 1, 1], m[..., 1, 0]], -1)
        n1 = np.linalg.norm(v1, axis=-1)
        n2 = np.linalg.norm(v2, axis=-1)
        v = np.where((n1 >= n2)[:, None], v1, v2)
        nv = np.maximum(n1, n2)
        degenerate = nv < 1e-12  # M = ±1 (closed gap at a zone end): any vector is an eigenvector
        v = np.where(degenerate[:, None], np.array([1.0, 0.0]), v / np.where(degenerate, 1.0, nv)[:, None])
        a, b, c, d = self._layer_matrices(energy.astype(complex))
        starts = [v]
        for j in range(len(self._t) - 1):
            s = starts[-1]
            starts.append(
                np.stack([a[:, j] * s[:, 0] + b[:, j] * s[:, 1], c[:, j] * s[:, 0] + d[:, j] * s[:, 1]], -1)
            )
        layer = np.clip(np.searchsorted(self._bounds, z, side="right") - 1, 0, len(self._t) - 1)
        tau = z - self._bounds[layer]
        psi = np.empty((energy.size, z.size), dtype=complex)
        for j in range(len(self._t)):
            sel = layer == j
            if not np.any(sel):
                continue
            tt = np.broadcast_to(tau[sel], (1, sel.sum()))
            x = (energy[:, None] - self._v[j]) * self._m[j] / HBAR2_2ME
            k = np.sqrt(x.astype(complex))
            cc = np.cos(k * tt)
            ss = tt * np.sinc(k * tt / np.pi)
            psi[:, sel] = cc * starts[j][:, 0:1] + self._m[j] * ss * starts[j][:, 1:2]
        return psi

    def _bloch(self, energy: NDArray, q: NDArray, z: NDArray | None) -> NDArray[np.complex128]:
        """Normalised Bloch functions at z in [0, d) (default: the z nodes); energy, q flat arrays.

        Gauge: ψ is real and positive at the z node where |ψ| is largest, so that
        ψ_{n,−q} = ψ_{nq}* exactly.
        """
        zq, wq = self.z_quadrature
        psi_q = self._psi(energy, q, zq)
        rho = np.abs(psi_q) ** 2
        norm = rho @ wq / self.period
        if np.any(~np.isfinite(norm)) or np.any(norm <= 0):
            raise BandStructureError("Bloch function normalisation failed (overflow in a thick barrier)")
        ref = psi_q[np.arange(psi_q.shape[0]), np.argmax(rho, axis=1)]
        scale = np.conj(ref) / np.abs(ref) / np.sqrt(norm)
        psi = psi_q if z is None else self._psi(energy, q, z)
        return psi * scale[:, None]

    def bloch_functions(self, q: ArrayLike, z: ArrayLike | None = None) -> NDArray[np.complex128]:
        """Bloch functions ψ_nq(z), normalised to (1/d)∫_cell |ψ|² dz = 1 (dimensionless).

        ψ is exact (closed form in every layer), continuous with ψ'/m continuous at every
        interface (BenDaniel–Duke), and obeys ψ(z + d) = e^{iqd} ψ(z) for any real z.  Gauge: ψ
        is real and positive where |ψ| is largest on the z nodes, hence ψ_{n,−q} = ψ_{nq}*.  At a
        zone end with a closed gap (degenerate states) the combination returned is arbitrary.

        Parameters
        ----------
        q : array_like
            Wave numbers, 1/nm.
        z : array_like, optional
            Positions in nm (any real value); default: the z quadrature nodes (:attr:`z_quadrature`).

        Returns
        -------
        ndarray of complex, shape (n_bands, len(q), len(z))
        """
        q = np.atleast_1d(np.asarray(q, dtype=float))
        e = self.energies(q)
        qq = np.tile(q, self.n_bands)
        if z is None:
            flat = self._bloch(e.ravel(), qq, None)
        else:
            zz = np.atleast_1d(np.asarray(z, dtype=float))
            cells = np.floor(zz / self.period)
            z0 = np.clip(zz - cells * self.period, 0.0, self.period)
            flat = self._bloch(e.ravel(), qq, z0) * np.exp(1j * np.outer(qq, cells) * self.period)
        return flat.reshape(self.n_bands, q.size, -1)

    def bloch_densities(self, q: ArrayLike, z: ArrayLike | None = None) -> NDArray[np.float64]:
        """|ψ_nq(z)|² normalised to (1/d)∫_cell |ψ|² dz = 1 (dimensionless).

        Parameters
        ----------
        q : array_like
            Wave numbers, 1/nm.
        z : array_like, optional
            Positions in nm (reduced into [0, d)); default: the z quadrature nodes.

        Returns
        -------
        ndarray, shape (n_bands, len(q), len(z))
        """
        q = np.atleast_1d(np.asarray(q, dtype=float))
        e = self.energies(q)
        zz = None if z is None else np.mod(np.atleast_1d(np.asarray(z, dtype=float)), self.period)
        flat = np.abs(self._bloch(e.ravel(), np.tile(q, self.n_bands), zz)) ** 2
        return flat.reshape(self.n_bands, q.size, -1)

    def overlap_factors(self, q: ArrayLike, band: int | None = None) -> NDArray[np.float64]:
        """X_n(q)[i] = √(w_i/d) |ψ_nq(z_i)|², so that Ĩ^{nn'}(q,q') = Σ_i X_n(q)[i] X_n'(q')[i].

        Shape (n_bands, len(q), n_layers·n_z), or (len(q), n_layers·n_z) for one 0-based
        ``band``; dimensionless.
        """
        _, w = self.z_quadrature
        if band is None:
            return self.bloch_densities(q) * np.sqrt(w / self.period)
        q = np.atleast_1d(np.asarray(q, dtype=float))
        rho = np.abs(self._bloch(self.energies(q, band), q, None)) ** 2
        return rho * np.sqrt(w / self.period)

    def overlaps(self, q: ArrayLike, q2: ArrayLike | None = None) -> NDArray[np.float64]:
        """Pair-overlap integrals Ĩ^{nn'}(q, q') (dimensionless), shape (n, n, len(q), len(q2)).

        Ĩ^{nn'}(q,q') = (1/d)∫_cell |ψ_nq(z)|² |ψ_n'q'(z)|² dz (docs/theory.md#overlap); 1 for V → 0.
        """
        x1 = self.overlap_factors(q)
        x2 = x1 if q2 is None else self.overlap_factors(q2)
        return np.einsum("aqr,bpr->abqp", x1, x2)


def band_structure(model: Model) -> KronigPenneyBands:
    """The exact band structure of a model (``model.n_bands`` bands, ``numerics.n_z`` z nodes)."""
    return KronigPenneyBands(model.lattice, model.n_bands, model.numerics.n_z)


def calibrate(
    model: Model,
    target_width: float,
    *,
    layer: int = 1,
    quantity: str = "mass",
    bracket: tuple[float, float] | None = None,
) -> Model:
    """Return a copy of ``model`` in which one layer parameter makes the active band's ΔE hit a target.

    Parameters
    ----------
    model : Model
        Starting model; its active band defines ΔE.
    target_width : float
        Target ΔE = max_q E_a(q) − min_q E_a(q), meV (> 0).
    layer : int
        0-based index of the layer to adjust (default 1: the spacer of a wire/spacer model).
    quantity : {"mass", "thickness", "potential"}
        Which parameter of that layer to solve for (mass in m_e, thickness nm, potential meV).
    bracket : (float, float), optional
        Search interval for the parameter, in its unit.  Default: value/10 … value*10, each end
        pulled geometrically towards the start value while it gives bands too narrow for double
        precision (:class:`~multigap.errors.BandStructureError`).

    Returns
    -------
    Model
        The calibrated model; ΔE matches the target to ~1e-8 meV.

    Raises
    ------
    ModelError
        If the target is not bracketed (ΔE − target has the same sign at both ends of the
        bracket: unreachable in it), or a parameter in the bracket is unphysical or gives no
        computable band structure.
    """
    if quantity not in {"mass", "thickness", "potential"}:
        raise ModelError(f"quantity = {quantity!r}: must be 'mass', 'thickness' or 'potential'")
    if isinstance(target_width, bool) or not isinstance(target_width, numbers.Real) or not target_width > 0:
        raise ModelError(f"target_width = {target_width!r}: must be a number > 0 (meV)")
    layers = model.lattice.layers
    if isinstance(layer, bool) or not isinstance(layer, numbers.Integral) or not 0 <= layer < len(layers):
        raise ModelError(f"layer = {layer!r}: must be a 0-based index of one of the {len(layers)} layers")
    start = getattr(layers[layer], quantity)
    if bracket is None:
        if start <= 0:
            raise ModelError(
                f"calibrate: layer {layer} {quantity} = {start!r} gives no default bracket "
                "(value/10 … value*10 needs value > 0); pass `bracket`"
            )
        lo, hi = start / 10.0, start * 10.0
    else:
        lo, hi = (float(b) for b in bracket)
        if not lo < hi:
            raise ModelError(f"bracket = {bracket!r}: must be (low, high) with low < high")

    def with_value(value: float) -> Model:
        new_layers = list(layers)
        new_layers[layer] = dataclasses.replace(layers[layer], **{quantity: value})
        lattice = dataclasses.replace(model.lattice, layers=tuple(new_layers))
        return dataclasses.replace(model, lattice=lattice)

    def width_error(value: float) -> float:
        bands = band_structure(with_value(value))
        return lifshitz_scale(bands, model.active_band)[1] - target_width

    def residual(value: float) -> float:
        try:
            return width_error(value)
        except BandStructureError as exc:
            raise ModelError(
                f"calibrate: layer {layer} {quantity} = {value:.10g} inside bracket [{lo:.6g}, {hi:.6g}] "
                f"has no computable band structure ({exc}); narrow `bracket`"
            ) from None

    if bracket is None:  # pull a default end that has no computable bands towards the start value
        ends = []
        for end in (lo, hi):
            for _ in range(40):
                try:
                    width_error(end)
                    break
                except BandStructureError:
                    end = math.sqrt(end * start)
            ends.append(end)
        lo, hi = ends

    f_lo, f_hi = residual(lo), residual(hi)
    if f_lo * f_hi > 0:
        raise ModelError(
            f"calibrate: target dE = {target_width} meV is unreachable with layer {layer} {quantity} "
            f"in [{lo:.6g}, {hi:.6g}] (dE - target = {f_lo:.6g} and {f_hi:.6g} meV at the ends, same "
            "sign); change the target or widen `bracket`"
        )
    value = optimize.brentq(residual, lo, hi, xtol=1e-15, rtol=1e-15, maxiter=200)
    return with_value(value)
