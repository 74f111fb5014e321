"""Pair-overlap integrals Ĩ^{nn'}(q, q') (docs/theory.md#overlap) against direct quadrature and exact
identities."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import integrate

from multigap.bands import KronigPenneyBands, band_structure
from multigap.errors import InputError
from multigap.model import Layer, Superlattice
from multigap.overlap import compress_factors, discarded_weight, mean_overlap_matrix, overlap_tensor
from multigap.presets import preset
from tolerances import ROUNDING_RTOL


def stack(*layers: tuple[float, float, float]) -> Superlattice:
    return Superlattice(layers=tuple(Layer(thickness=t, potential=v, mass=m) for t, v, m in layers))


THREE_LAYERS = stack((0.6, 0.0, 1.0), (0.4, 900.0, 0.8), (0.5, 3000.0, 0.45))


@pytest.fixture(scope="module")
def bands_a() -> KronigPenneyBands:
    return band_structure(preset("A"))


@pytest.fixture(scope="module")
def bands_3() -> KronigPenneyBands:
    return KronigPenneyBands(THREE_LAYERS, 3)


class PermutedBands:
    """The same band structure with its bands listed in another order (a relabelling)."""

    def __init__(self, bands: KronigPenneyBands, order: list[int]) -> None:
        self._bands, self._order = bands, order
        self.n_bands, self.period, self.mass_x = bands.n_bands, bands.period, bands.mass_x

    @property
    def band_edges(self) -> np.ndarray:
        return self._bands.band_edges[self._order]

    def energies(self, q):
        return self._bands.energies(q)[self._order]

    def crossing(self, band: int, energy: float) -> float:
        return self._bands.crossing(self._order[band], energy)

    def overlap_factors(self, q):
        return self._bands.overlap_factors(q)[self._order]


def dense_overlap(bands: KronigPenneyBands, lattice: Superlattice, q, q2, per_layer: int = 2000):
    """(1/d) ∫ |ψ_nq|² |ψ_n'q'|² dz by composite Simpson on a dense uniform grid, layer by layer."""
    bounds = np.concatenate([[0.0], np.cumsum([ly.thickness for ly in lattice.layers])])
    total = 0.0
    for a, b in itertools.pairwise(bounds):
        z = np.linspace(a, b, per_layer + 1)
        r1 = bands.bloch_densities(q, z)
        r2 = bands.bloch_densities(q2, z)
        total = total + integrate.simpson(np.einsum("aqz,bpz->abqpz", r1, r2), x=z, axis=-1)
    return total / bands.period


# --------------------------------------------------------------------------------- Ĩ itself


@pytest.mark.parametrize("which", ["A", "3-layer"])
def test_overlaps_equal_direct_dense_z_quadrature(which, bands_a, bands_3):
    bands, lattice = (bands_a, preset("A").lattice) if which == "A" else (bands_3, THREE_LAYERS)
    d = bands.period
    q = np.array([0.0, 0.4, 1.0]) * math.pi / d
    q2 = np.array([0.15, 0.8]) * math.pi / d
    np.testing.assert_allclose(overlap_tensor(bands, q, q2), dense_overlap(bands, lattice, q, q2), rtol=1e-10)
    np.testing.assert_allclose(overlap_tensor(bands, q, q2), bands.overlaps(q, q2), rtol=ROUNDING_RTOL)


def test_overlaps_are_symmetric_positive_and_even(bands_a):
    d = bands_a.period
    q = np.linspace(-1, 1, 7) * math.pi / d
    q2 = np.array([0.05, 0.5, 0.95]) * math.pi / d
    t = overlap_tensor(bands_a, q, q2)
    assert t.shape == (3, 3, 7, 3)
    np.testing.assert_allclose(t, overlap_tensor(bands_a, q2, q).transpose(1, 0, 3, 2), rtol=ROUNDING_RTOL)
    assert np.all(t > 0)
    np.testing.assert_allclose(t, t[:, :, ::-1, :], rtol=ROUNDING_RTOL)  # ψ_{n,−q} = ψ_nq*: even in q
    square = overlap_tensor(bands_a, q)
    np.testing.assert_allclose(square, overlap_tensor(bands_a, q, q), rtol=0)


def test_overlaps_do_not_depend_on_the_cell_origin(bands_a):
    """Ĩ is an integral over a whole period: shifting or re-cutting the cell leaves it unchanged."""
    wire, spacer = preset("A").lattice.layers
    half = Layer(thickness=spacer.thickness / 2, potential=spacer.potential, mass=spacer.mass)
    q = np.array([0.0, 0.35, 0.9]) * math.pi / bands_a.period
    reference = overlap_tensor(bands_a, q)
    for layers in [(spacer, wire), (half, wire, half)]:
        other = KronigPenneyBands(Superlattice(layers=layers), 3)
        np.testing.assert_allclose(overlap_tensor(other, q), reference, rtol=1e-12)


def test_overlaps_are_one_without_a_superlattice_potential():
    bands = KronigPenneyBands(stack((0.85, 0.0, 1.0), (0.55, 0.0, 1.0)), 4)
    d = bands.period
    q = np.array([0.1, 0.35, 0.6, 0.85]) * math.pi / d  # away from the touching points 0, π/d
    np.testing.assert_allclose(overlap_tensor(bands, q, -q[::-1]), 1.0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(mean_overlap_matrix(bands, 8), 1.0, rtol=0, atol=ROUNDING_RTOL)


def test_overlaps_obey_jensen_and_cauchy_schwarz(bands_a):
    """From (1/d)∫|ψ|² = 1: Ĩ^{nn}(q,q) = (1/d)∫|ψ|⁴ ≥ 1, and Ĩ^{nn'}(q,q')² ≤ Ĩ^{nn}(q,q) Ĩ^{n'n'}(q',q')."""
    q = np.linspace(0, 1, 6) * math.pi / bands_a.period
    t = overlap_tensor(bands_a, q)
    n = np.arange(3)
    diag = t[n, n][:, np.arange(6), np.arange(6)]  # Ĩ^{nn}(q, q), shape (band, q)
    assert np.all(diag > 1.05)  # a deep superlattice concentrates |ψ|²: clearly above 1
    bound = diag[:, None, :, None] * diag[None, :, None, :]
    assert np.all(t**2 <= bound * (1 + 1e-12))
    # the (n, q) × (n', q') overlap matrix is a Gram matrix: positive semi-definite
    gram = t.transpose(0, 2, 1, 3).reshape(18, 18)
    assert np.linalg.eigvalsh(gram).min() > -1e-12


def test_layer_weights_obey_hellmann_feynman(bands_a):
    """∂E_n(q)/∂V_j = (1/d)∫_{layer j} |ψ_nq|² dz: the densities against the energies alone."""
    lattice = preset("A").lattice
    d = bands_a.period
    q = np.array([0.2, 0.6, 1.0]) * math.pi / d
    zq, wq = bands_a.z_quadrature
    rho = bands_a.bloch_densities(q)
    in_spacer = zq > lattice.layers[0].thickness
    weight_spacer = (rho * wq)[..., in_spacer].sum(axis=-1) / d
    dv = 1e-3  # meV
    energies = []
    for sign in (+1, -1):
        layers = list(lattice.layers)
        layers[1] = Layer(
            thickness=layers[1].thickness, potential=layers[1].potential + sign * dv, mass=layers[1].mass
        )
        energies.append(KronigPenneyBands(Superlattice(layers=tuple(layers)), 3).energies(q))
    derivative = (energies[0] - energies[1]) / (2 * dv)
    np.testing.assert_allclose(weight_spacer, derivative, rtol=1e-6)
    assert np.all((weight_spacer > 0.01) & (weight_spacer < 0.99))


def test_overlaps_converge_exponentially_with_the_z_quadrature():
    """Gauss–Legendre per layer on the analytic ψ: the default n_z = 24 is exact to rounding."""
    lattice = preset("A").lattice
    q = np.array([0.3, 0.9]) * math.pi / lattice.period
    reference = overlap_tensor(KronigPenneyBands(lattice, 3, n_z=48), q)
    errors = [
        np.abs(overlap_tensor(KronigPenneyBands(lattice, 3, n_z=n), q) / reference - 1).max()
        for n in (12, 16, 24)
    ]
    assert errors[0] > 1e3 * errors[1] > 0
    assert errors[2] < 1e-13


# --------------------------------------------------------------------------------- BZ average


def test_mean_overlap_matrix_is_the_zone_average(bands_a):
    mean = mean_overlap_matrix(bands_a, 24)
    # independent quadrature: midpoint rule on the full zone (spectral for a periodic integrand)
    d = bands_a.period
    m = 64
    q = (-1 + (2 * np.arange(m) + 1) / m) * math.pi / d
    brute = overlap_tensor(bands_a, q).mean(axis=(2, 3))
    np.testing.assert_allclose(mean, brute, rtol=1e-11)
    np.testing.assert_allclose(mean, mean.T, rtol=0)
    np.testing.assert_allclose(mean_overlap_matrix(bands_a, 12), mean, rtol=1e-9)  # converged
    t = overlap_tensor(bands_a, q)
    assert np.all((t.min(axis=(2, 3)) <= mean) & (mean <= t.max(axis=(2, 3))))


def test_mean_overlap_matrix_rejects_bad_node_counts(bands_a):
    for bad in (0, 2.5, True):
        with pytest.raises(InputError, match="n_q"):
            mean_overlap_matrix(bands_a, bad)
    with pytest.raises(InputError, match="q2"):
        overlap_tensor(bands_a, [0.1], [np.nan])


# --------------------------------------------------------------------------------- relabelling


def test_band_relabelling_permutes_everything(bands_a):
    order = [2, 0, 1]
    permuted = PermutedBands(bands_a, order)
    q = np.array([0.1, 0.7]) * math.pi / bands_a.period
    np.testing.assert_allclose(
        overlap_tensor(permuted, q), overlap_tensor(bands_a, q)[np.ix_(order, order)], rtol=ROUNDING_RTOL
    )
    mean = mean_overlap_matrix(bands_a, 16)
    np.testing.assert_allclose(
        mean_overlap_matrix(permuted, 16), mean[np.ix_(order, order)], rtol=ROUNDING_RTOL
    )
    y = compress_factors(bands_a.overlap_factors(q), 1e-8)
    y_perm = compress_factors(permuted.overlap_factors(q), 1e-8)
    approx = np.einsum("aqr,bpr->abqp", y, y)
    approx_perm = np.einsum("aqr,bpr->abqp", y_perm, y_perm)
    np.testing.assert_allclose(approx_perm, approx[np.ix_(order, order)], rtol=1e-12, atol=1e-13)


# --------------------------------------------------------------------------------- compression


@pytest.mark.parametrize("rtol", [1e-2, 1e-4, 1e-8])
def test_compressed_factors_reproduce_overlaps_to_the_stated_bound(bands_a, rtol):
    q = np.linspace(0, 1, 40) * math.pi / bands_a.period
    x = bands_a.overlap_factors(q)
    y = compress_factors(x, rtol)
    assert y.shape[:2] == x.shape[:2]
    assert y.shape[2] < x.shape[2]  # really compressed
    exact = overlap_tensor(bands_a, q)
    error = exact - np.einsum("aqr,bpr->abqp", y, y)
    s = np.linalg.svd(x.reshape(-1, x.shape[-1]), compute_uv=False)
    bound = discarded_weight(x, rtol)
    assert bound == pytest.approx(s[y.shape[2]] ** 2, rel=1e-12)
    assert bound <= (rtol * s[0]) ** 2
    assert np.abs(error).max() <= bound * (1 + 1e-9) + 1e-14
    n = np.arange(3)
    diagonal_error = error[n, n][:, np.arange(40), np.arange(40)]
    assert diagonal_error.min() >= -1e-13  # Ĩ − YYᵀ is positive semi-definite
    flat = error.transpose(0, 2, 1, 3).reshape(120, 120)
    assert np.linalg.norm(flat, 2) == pytest.approx(bound, rel=1e-6, abs=1e-13)  # the bound is attained


def test_compression_without_cutoff_is_exact_and_validates_input(bands_a):
    q = np.linspace(0, 1, 5) * math.pi / bands_a.period
    x = bands_a.overlap_factors(q)
    y = compress_factors(x, 0.0)
    np.testing.assert_allclose(np.einsum("aqr,bpr->abqp", y, y), overlap_tensor(bands_a, q), rtol=1e-12)
    assert discarded_weight(x, 0.0) == 0.0
    assert compress_factors(x[0], 1e-3).shape[0] == 5  # 2-D input: rows are the stacked (n, q)
    for bad in (-0.1, 1.0, True):
        with pytest.raises(InputError, match="rtol"):
            compress_factors(x, bad)
    with pytest.raises(InputError, match="shape"):
        compress_factors(np.ones(4), 0.1)
