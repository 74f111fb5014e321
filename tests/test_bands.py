"""Exact Kronig–Penney bands against analytic limits and independent methods (docs/theory.md#bands).

Every reference here is computed independently of :mod:`multigap.bands`: the folded free-electron
parabola, the isolated finite well (its own transcendental equations), a finite-difference
Hamiltonian of one period with Bloch-periodic boundary conditions, the closed-form dispersion of
docs/theory.md#bands, and direct quadrature / finite differences of the Bloch functions.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import integrate, linalg, optimize

from multigap.bands import BandStructure, KronigPenneyBands, band_structure, calibrate, lifshitz_scale
from multigap.constants import HBAR2_2ME
from multigap.errors import BandStructureError, ModelError
from multigap.model import Layer, Superlattice
from multigap.presets import preset, uncalibrated
from tolerances import ROUNDING_RTOL, edge_tolerance

# --------------------------------------------------------------------------------- helpers


def stack(*layers: tuple[float, float, float], mass_x: float = 1.0) -> Superlattice:
    """Superlattice from (thickness nm, potential meV, mass m_e) triples."""
    return Superlattice(
        layers=tuple(Layer(thickness=t, potential=v, mass=m) for t, v, m in layers), mass_x=mass_x
    )


def triples(lattice: Superlattice) -> list[tuple[float, float, float]]:
    return [(ly.thickness, ly.potential, ly.mass) for ly in lattice.layers]


def fd_bands(layers: list[tuple[float, float, float]], q: np.ndarray, n_bands: int, h: float) -> np.ndarray:
    """Lowest ``n_bands`` eigenvalues (meV) of −(ħ²/2) d/dz (1/m) d/dz + V on one period.

    Node-centred finite differences on a grid commensurate with the interfaces (nodes at every
    interface), so each link lies inside one layer and carries that layer's mass (the mass at the
    half-integer point); the potential of a node is the average over its control volume
    (the mean of the two sides at an interface).  Bloch-periodic: ψ_N = e^{iqd} ψ_0.  Second
    order in h.  The nodes are interleaved (0, N−1, 1, N−2, …) so that the Hermitian matrix,
    periodic corner included, has bandwidth 2 (LAPACK banded solver).  Returns (n_bands, len(q)).
    """
    counts = [t / h for t, _, _ in layers]
    n_per = [round(c) for c in counts]
    assert all(abs(c - n) < 1e-9 for c, n in zip(counts, n_per, strict=True)), "grid not commensurate"
    v_link = np.concatenate([np.full(n, v) for n, (_, v, _) in zip(n_per, layers, strict=True)])
    m_link = np.concatenate([np.full(n, m) for n, (_, _, m) in zip(n_per, layers, strict=True)])
    n = v_link.size
    d = n * h
    t_link = HBAR2_2ME / (h**2 * m_link)  # link i joins nodes i and i+1 (mod n)
    v_node = 0.5 * (v_link + np.roll(v_link, 1))
    diag = t_link + np.roll(t_link, 1) + v_node
    order = np.empty(n, dtype=int)
    order[0::2] = np.arange((n + 1) // 2)
    order[1::2] = n - 1 - np.arange(n // 2)
    pos = np.empty(n, dtype=int)
    pos[order] = np.arange(n)
    pi, pj = pos, pos[(np.arange(n) + 1) % n]  # matrix positions of the two ends of each link
    upper = pi < pj
    row, col = np.where(upper, pi, pj), np.where(upper, pj, pi)
    out = []
    for qq in np.atleast_1d(q):
        hop = -t_link.astype(complex)
        hop[-1] *= np.exp(1j * qq * d)  # H[N−1, 0] = −t e^{iqd}
        band = np.zeros((3, n), dtype=complex)  # upper banded storage: band[2 + r − c, c] = H[r, c]
        band[2, pos] = diag
        band[2 + row - col, col] = np.where(upper, hop, np.conj(hop))
        out.append(linalg.eig_banded(band, eigvals_only=True, select="i", select_range=(0, n_bands - 1)))
    return np.array(out).T


def closed_form_d(e: np.ndarray, wire: float, spacer: float, v: float, m_w: float, m_b: float) -> np.ndarray:
    """docs/theory.md#bands: cos(kL)cosh(κW) + ½(κ m_w/(k m_b) − k m_b/(κ m_w)) sin(kL) sinh(κW),
    complex-continued."""
    e = np.asarray(e, dtype=complex)
    k = np.sqrt(2 * m_w * e / (2 * HBAR2_2ME))  # √(2 m_w E)/ħ with ħ²/(2 m_e) = HBAR2_2ME
    kap = np.sqrt(m_b * (v - e) / HBAR2_2ME)
    xi = kap * m_w / (k * m_b)
    return np.cos(k * wire) * np.cosh(kap * spacer) + 0.5 * (xi - 1 / xi) * np.sin(k * wire) * np.sinh(
        kap * spacer
    )


def isolated_well_levels(wire: float, v: float, m_w: float, m_b: float) -> list[float]:
    """Bound levels (meV) of one finite well, BenDaniel–Duke matching (even and odd equations)."""

    def k(e: float) -> float:
        return math.sqrt(m_w * e / HBAR2_2ME)

    def kap(e: float) -> float:
        return math.sqrt(m_b * (v - e) / HBAR2_2ME)

    # even: k tan(kL/2) = (m_w/m_b) κ ; odd: −k cot(kL/2) = (m_w/m_b) κ  (written without poles)
    def even(e: float) -> float:
        return k(e) * math.sin(k(e) * wire / 2) - (m_w / m_b) * kap(e) * math.cos(k(e) * wire / 2)

    def odd(e: float) -> float:
        return -k(e) * math.cos(k(e) * wire / 2) - (m_w / m_b) * kap(e) * math.sin(k(e) * wire / 2)

    grid = np.linspace(1e-9 * v, v * (1 - 1e-9), 4001)
    levels = []
    for f in (even, odd):
        vals = np.array([f(e) for e in grid])
        for i in np.nonzero(np.sign(vals[:-1]) != np.sign(vals[1:]))[0]:
            levels.append(optimize.brentq(f, grid[i], grid[i + 1], xtol=1e-13, rtol=1e-15))
    return sorted(levels)


def cell_integral(values: np.ndarray, bounds: np.ndarray, per_layer: int) -> np.ndarray:
    """∫_cell f dz by composite Simpson on each layer; ``values`` sampled by :func:`cell_grid`."""
    total = 0.0
    n = per_layer + 1
    for j, (a, b) in enumerate(itertools.pairwise(bounds)):
        total = total + integrate.simpson(values[..., j * n : (j + 1) * n], x=np.linspace(a, b, n), axis=-1)
    return total


def cell_grid(bounds: np.ndarray, per_layer: int) -> np.ndarray:
    """Uniform points on each layer, interfaces included (both sides), for :func:`cell_integral`."""
    return np.concatenate([np.linspace(a, b, per_layer + 1) for a, b in itertools.pairwise(bounds)])


def one_sided(bands: KronigPenneyBands, q: float, z0: float, side: int, delta: float = 1e-3):
    """ψ(z0±) and ψ'(z0±) from a degree-4 fit to ψ at z0 + side·jδ, j = 1…5 (one layer only)."""
    s = side * delta * np.arange(1, 6)
    psi = bands.bloch_functions([q], z0 + s)[:, 0, :]
    value, slope = [], []
    for row in psi:
        fit_r = np.polyfit(s, row.real, 4)
        fit_i = np.polyfit(s, row.imag, 4)
        value.append(fit_r[-1] + 1j * fit_i[-1])
        slope.append(fit_r[-2] + 1j * fit_i[-2])
    return np.array(value), np.array(slope)


MODEL_A = preset("A")
THREE_LAYERS = stack((0.6, 0.0, 1.0), (0.4, 900.0, 0.8), (0.5, 3000.0, 0.45))
# two identical wells, two different thick barriers: bands come in pairs split by ~0.005 meV
DOUBLE_WELL = stack((0.85, 0.0, 1.0), (1.5, 4160.0, 0.5), (0.85, 0.0, 1.0), (1.6, 4160.0, 0.5))


@pytest.fixture(scope="module")
def bands_a() -> KronigPenneyBands:
    return band_structure(MODEL_A)


# --------------------------------------------------------------------------------- limits


@pytest.mark.parametrize(
    ("layers", "mass"),
    [(((0.85, 0.0, 1.0), (0.55, 0.0, 1.0)), 1.0), (((0.3, 0.0, 0.7), (0.5, 0.0, 0.7), (0.6, 0.0, 0.7)), 0.7)],
)
def test_free_electron_limit_is_the_folded_parabola(layers, mass):
    bands = KronigPenneyBands(stack(*layers), 6)
    d = bands.period
    q = np.linspace(-math.pi / d, math.pi / d, 23)[1:-1]
    q = q[np.abs(q) > 1e-6]  # avoid the zone centre and boundary, where folded bands touch
    j = np.arange(-6, 7)
    folded = np.sort(HBAR2_2ME * (q[None, :] + 2 * math.pi * j[:, None] / d) ** 2 / mass, axis=0)[:6]
    assert np.all(np.abs(bands.energies(q) - folded) <= edge_tolerance(folded))
    # the gaps close: the edges are the parabola at q = 0 and q = π/d
    edge = HBAR2_2ME * (math.pi * np.arange(7) / d) ** 2 / mass
    assert np.all(np.abs(bands.band_edges[:, 0] - edge[:-1]) <= edge_tolerance(edge[:-1]))
    assert np.all(np.abs(bands.band_edges[:, 1] - edge[1:]) <= edge_tolerance(edge[1:]))
    # reported closed (both edges at the extremum of D), not as gaps of ~1e-5 meV: see below
    np.testing.assert_array_equal(bands.band_edges[1:, 0], bands.band_edges[:-1, 1])


class _RoundsUp(KronigPenneyBands):
    """A CPU whose libm rounds every half trace D(E) up in magnitude by ``ULPS`` ulp."""

    ULPS = 4

    def half_trace(self, energy):
        return super().half_trace(energy) * (1.0 + self.ULPS * np.finfo(float).eps)


def test_closed_gaps_stay_closed_whichever_way_d_is_rounded():
    # |D| − 1 at the extremum of a closed gap is pure rounding; without the rounding bound the
    # verdict flips to gaps 1e-5 … 3e-5 meV wide when |D| is rounded up by 4 ulp (measured)
    lattice = Superlattice.wire_spacer(wire_width=0.85, spacer_width=0.55, barrier=0.0, spacer_mass=1.0)
    exact = KronigPenneyBands(lattice, 4).band_edges
    rounded = _RoundsUp(lattice, 4).band_edges
    np.testing.assert_array_equal(rounded[1:, 0], rounded[:-1, 1])
    assert np.all(np.abs(rounded - exact) <= edge_tolerance(exact))
    # a real gap of the paper's model A is unaffected
    np.testing.assert_allclose(
        _RoundsUp(MODEL_A.lattice, 3).band_edges, band_structure(MODEL_A).band_edges, rtol=1e-12
    )


def test_weak_potential_shifts_bands_by_the_mean_potential():
    """First-order perturbation theory: E = ħ²(q+G)²/2m + V·W/d + O(V²) away from degeneracies."""
    v = 0.01  # meV
    bands = KronigPenneyBands(stack((0.85, 0.0, 1.0), (0.55, v, 1.0)), 4)
    d = bands.period
    q = np.array([0.2, 0.45, 0.7]) * math.pi / d
    j = np.arange(-4, 5)
    free = np.sort(HBAR2_2ME * (q[None, :] + 2 * math.pi * j[:, None] / d) ** 2, axis=0)[:4]
    # the second order is below (V W/d)² / (level spacing ~ 40 meV) ≈ 4e-7 meV
    np.testing.assert_allclose(bands.energies(q) - free, v * 0.55 / d, rtol=0, atol=2e-6)


def test_thick_barriers_give_isolated_well_levels_and_exponentially_narrow_bands():
    wire, v, m_w, m_b = 0.85, 4160.0, 1.0, 0.5
    levels = np.array(isolated_well_levels(wire, v, m_w, m_b)[:3])
    assert len(levels) == 3
    kappa = np.sqrt(m_b * (v - levels) / HBAR2_2ME)  # decay constant in the barrier, 1/nm
    spacers = [1.5, 2.0, 2.5, 3.0]
    widths, offsets = [], []
    for w in spacers:
        lattice = Superlattice.wire_spacer(
            wire_width=wire, spacer_width=w, barrier=v, wire_mass=m_w, spacer_mass=m_b
        )
        edges = KronigPenneyBands(lattice, 3).band_edges
        widths.append(edges[:, 1] - edges[:, 0])
        offsets.append(edges.mean(axis=1) - levels)
    widths, offsets = np.array(widths), np.array(offsets)
    # each band is centred on its isolated level, much closer than its own width
    assert np.all(np.abs(offsets) < 0.01 * widths)
    assert np.all(np.diff(widths, axis=0) < 0)
    # tight binding: width ∝ exp(−κ W), κ of the isolated level, asymptotically exact
    slopes = np.log(widths[-1] / widths[-2]) / (spacers[-1] - spacers[-2])
    np.testing.assert_allclose(slopes, -kappa, rtol=1e-3)
    assert widths[-1, 0] < 1e-6  # the lowest band is flat to 1e-6 meV at W = 3 nm


def test_unresolvably_narrow_band_is_a_clear_error():
    lattice = Superlattice.wire_spacer(wire_width=0.85, spacer_width=6.0, barrier=4160.0, spacer_mass=0.5)
    with pytest.raises(BandStructureError, match="narrower than double precision"):
        KronigPenneyBands(lattice, 3)
    huge = Superlattice.wire_spacer(wire_width=0.85, spacer_width=150.0, barrier=4160.0, spacer_mass=0.5)
    with pytest.raises(BandStructureError):
        KronigPenneyBands(huge, 2)


def test_the_choice_of_unit_cell_does_not_change_the_bands():
    """Cyclic shifts of the layers, a symmetric cell and split layers describe the same crystal.

    In the symmetric cell (W/2, L, W/2) every band-edge state is even or odd about the cell
    centre, so the Dirichlet eigenvalues that bracket the bands sit exactly on band edges.
    """
    wire, spacer = MODEL_A.lattice.layers
    half = Layer(thickness=spacer.thickness / 2, potential=spacer.potential, mass=spacer.mass)
    reference = KronigPenneyBands(MODEL_A.lattice, 5)
    q = np.linspace(0, 1, 9) * math.pi / reference.period
    for layers in [(spacer, wire), (half, wire, half), (wire, half, half)]:
        other = KronigPenneyBands(Superlattice(layers=layers), 5)
        np.testing.assert_allclose(other.band_edges, reference.band_edges, rtol=0, atol=1e-9)
        np.testing.assert_allclose(other.energies(q), reference.energies(q), rtol=0, atol=1e-9)


# --------------------------------------------------------------------------------- FD check


def test_finite_differences_converge_to_the_transfer_matrix_at_second_order(bands_a):
    layers = triples(MODEL_A.lattice)
    assert layers[0][2] != layers[1][2]  # m_b ≠ m_w: BenDaniel–Duke matching matters
    d = bands_a.period
    q = np.array([0.0, 0.3, 0.7, 1.0]) * math.pi / d
    exact = bands_a.energies(q)
    h = [0.05 / 4, 0.05 / 8, 0.05 / 16]  # 0.05 nm divides L = 0.85 and W = 0.55
    fd = [fd_bands(layers, q, 3, hh) for hh in h]
    err = [f - exact for f in fd]
    for coarse, fine in itertools.pairwise(err):
        np.testing.assert_allclose(coarse / fine, 4.0, rtol=0.03)  # second order: h/2 → error/4
    assert np.abs(err[0]).max() > 1.0  # the coarse FD is visibly off (meV): the check has teeth
    richardson = (4 * fd[2] - fd[1]) / 3
    np.testing.assert_allclose(richardson, exact, rtol=0, atol=5e-5)


@pytest.mark.parametrize(
    ("lattice", "n_bands"), [(THREE_LAYERS, 4), (DOUBLE_WELL, 4)], ids=["3-layer", "double-well"]
)
def test_multilayer_stacks_agree_with_finite_differences(lattice, n_bands):
    bands = KronigPenneyBands(lattice, n_bands)
    d = bands.period
    q = np.array([0.25, 0.8]) * math.pi / d
    exact = bands.energies(q)
    layers = triples(lattice)
    fd_h = fd_bands(layers, q, n_bands, 0.05 / 8)
    fd_h2 = fd_bands(layers, q, n_bands, 0.05 / 16)
    richardson = (4 * fd_h2 - fd_h) / 3
    np.testing.assert_allclose(richardson, exact, rtol=0, atol=5e-5)
    np.testing.assert_allclose((fd_h - exact) / (fd_h2 - exact), 4.0, rtol=0.03)


def test_close_band_pairs_are_all_found():
    """The two bands of a double-well period lie within 0.01 meV: both must be found, in order."""
    edges = KronigPenneyBands(DOUBLE_WELL, 4).band_edges
    level = isolated_well_levels(0.85, 4160.0, 1.0, 0.5)[0]
    assert np.all(np.abs(edges[:2] - level) < 0.01)
    assert edges[0, 1] < edges[1, 0]  # a (tiny) gap between the pair
    assert np.all(np.diff(edges.ravel()) >= 0)


# --------------------------------------------------------------------------------- closed form


@pytest.mark.parametrize(
    ("barrier", "m_b", "n_bands"), [(4160.0, MODEL_A.lattice.layers[1].mass, 3), (150.0, 0.6, 5)]
)
def test_energies_satisfy_the_closed_form_dispersion(barrier, m_b, n_bands):
    wire, spacer, m_w = 0.85, 0.55, 1.0
    lattice = Superlattice.wire_spacer(
        wire_width=wire, spacer_width=spacer, barrier=barrier, wire_mass=m_w, spacer_mass=m_b
    )
    bands = KronigPenneyBands(lattice, n_bands)
    d = bands.period
    q = np.linspace(0.0, math.pi / d, 9)
    e = bands.energies(q)
    if barrier < 1000:
        assert np.sum(e > barrier) >= 2 * len(q)  # bands above the barrier are tested too
    rhs = closed_form_d(e, wire, spacer, barrier, m_w, m_b)
    assert np.abs(rhs.imag).max() < 1e-12
    np.testing.assert_allclose(rhs.real, np.broadcast_to(np.cos(q * d), e.shape), rtol=0, atol=1e-10)
    # the closed form distinguishes m_w from m_b: with the masses swapped it fails
    wrong = closed_form_d(e, wire, spacer, barrier, m_b, m_w).real
    assert np.abs(wrong - np.cos(q * d)).max() > 1e-2


# --------------------------------------------------------------------------------- Bloch functions


@pytest.mark.parametrize("lattice", [MODEL_A.lattice, THREE_LAYERS], ids=["A", "3-layer"])
def test_bloch_functions_are_normalised_continuous_and_bloch_periodic(lattice):
    bands = KronigPenneyBands(lattice, 3)
    d = bands.period
    bounds = np.concatenate([[0.0], np.cumsum([ly.thickness for ly in lattice.layers])])
    masses = [ly.mass for ly in lattice.layers]
    for q in np.array([0.15, 0.55, 0.9]) * math.pi / d:
        # normalisation, by an independent dense Simpson integral layer by layer
        z = cell_grid(bounds, 2000)
        psi = bands.bloch_functions([q], z)[:, 0, :]
        norm = cell_integral(np.abs(psi) ** 2, bounds, 2000) / d
        np.testing.assert_allclose(norm, 1.0, rtol=0, atol=1e-9)
        np.testing.assert_allclose(bands.bloch_densities([q], z)[:, 0, :], np.abs(psi) ** 2, rtol=1e-12)
        scale = np.abs(psi).max(axis=1)
        # BenDaniel–Duke: ψ and ψ'/m continuous at every interior interface
        for j in range(1, len(masses)):
            left, dleft = one_sided(bands, q, bounds[j], -1)
            right, dright = one_sided(bands, q, bounds[j], +1)
            np.testing.assert_allclose(np.abs(left - right) / scale, 0.0, atol=1e-9)
            flux = np.abs(dleft / masses[j - 1] - dright / masses[j])
            np.testing.assert_allclose(flux / np.abs(dright / masses[j]).clip(min=scale), 0.0, atol=1e-6)
            if masses[j - 1] != masses[j]:  # ψ' itself jumps by the mass ratio: the check has teeth
                assert np.all(np.abs(dleft - dright) > 1e-2 * np.abs(dright))
        # Bloch condition across the cell boundary: ψ(d⁻) = e^{iqd} ψ(0⁺), same for ψ'/m
        end, dend = one_sided(bands, q, d, -1)
        start, dstart = one_sided(bands, q, 0.0, +1)
        lam = np.exp(1j * q * d)
        np.testing.assert_allclose(np.abs(end - lam * start) / scale, 0.0, atol=1e-9)
        np.testing.assert_allclose(
            np.abs(dend / masses[-1] - lam * dstart / masses[0]) / np.abs(dstart / masses[0]).clip(min=scale),
            0.0,
            atol=1e-6,
        )


def test_bloch_functions_solve_the_schrodinger_equation_and_bloch_theorem(bands_a):
    d = bands_a.period
    q = np.array([0.2, 0.65]) * math.pi / d
    energies = bands_a.energies(q)
    for j, ly in enumerate(MODEL_A.lattice.layers):
        a = sum(x.thickness for x in MODEL_A.lattice.layers[:j])
        z = np.linspace(a + 0.1 * ly.thickness, a + 0.9 * ly.thickness, 7)
        h = 1e-3
        psi = bands_a.bloch_functions(q, np.concatenate([z - h, z, z + h]))
        lower, mid, upper = np.split(psi, 3, axis=-1)
        second = (upper - 2 * mid + lower) / h**2
        residual = -HBAR2_2ME / ly.mass * second + (ly.potential - energies[:, :, None]) * mid
        # FD truncation ~ h² ψ''''/12: relative ~ (k h)²/12 ≤ 1e-5 here
        assert (
            np.abs(residual).max()
            < 2e-4 * np.abs(energies[:, :, None] - ly.potential).max() * np.abs(mid).max()
        )
    # ψ(z + d) = e^{iqd} ψ(z) for any z, and ψ_{n,−q} = ψ_{nq}* (the gauge of the module)
    z = np.linspace(-0.3, 1.7, 11)
    psi = bands_a.bloch_functions(q, z)
    shifted = bands_a.bloch_functions(q, z + d)
    np.testing.assert_allclose(shifted, psi * np.exp(1j * q * d)[None, :, None], rtol=0, atol=1e-12)
    np.testing.assert_allclose(bands_a.bloch_functions(-q, z), np.conj(psi), rtol=0, atol=1e-12)


# --------------------------------------------------------------------------------- API properties


def test_band_edges_are_the_extremes_over_the_zone(bands_a):
    d = bands_a.period
    q = np.linspace(-math.pi / d, math.pi / d, 401)
    e = bands_a.energies(q)
    tol = 2 * edge_tolerance(e.max())  # two root-found energies (measured: <= 9e-13 meV)
    np.testing.assert_allclose(e.min(axis=1), bands_a.band_edges[:, 0], rtol=0, atol=tol)
    np.testing.assert_allclose(e.max(axis=1), bands_a.band_edges[:, 1], rtol=0, atol=tol)
    assert np.all(bands_a.band_edges[:-1, 1] < bands_a.band_edges[1:, 0])  # open gaps
    np.testing.assert_allclose(e, e[:, ::-1], rtol=0, atol=tol)  # even in q
    np.testing.assert_allclose(bands_a.energies(q[:50] + 2 * math.pi / d), e[:, :50], rtol=0, atol=tol)


def test_crossing_inverts_the_dispersion(bands_a):
    d = bands_a.period
    q = np.array([0.1, 0.4, 0.77]) * math.pi / d
    e = bands_a.energies(q)
    for n in range(3):
        back = [bands_a.crossing(n, float(en)) for en in e[n]]
        np.testing.assert_allclose(back, q, rtol=1e-8)
        assert bands_a.crossing(n, bands_a.band_edges[n, 0] - 10.0) in (0.0, pytest.approx(math.pi / d))


def test_half_trace_derivative_matches_finite_differences(bands_a):
    e = np.array([100.0, 380.0, 1000.0, 3000.0, 5000.0])
    h = 1e-4
    fd = (bands_a.half_trace(e + h) - bands_a.half_trace(e - h)) / (2 * h)
    np.testing.assert_allclose(bands_a.half_trace_derivative(e), fd, rtol=1e-6)


def test_protocol_shapes_and_errors(bands_a):
    assert isinstance(bands_a, BandStructure)
    q = np.linspace(0, 1, 5)
    assert bands_a.energies(q).shape == (3, 5)
    x = bands_a.overlap_factors(q)
    assert x.shape == (3, 5, 2 * bands_a.n_z)
    assert bands_a.overlaps(q, q[:2]).shape == (3, 3, 5, 2)
    _zq, wq = bands_a.z_quadrature
    np.testing.assert_allclose(wq.sum(), bands_a.period, rtol=ROUNDING_RTOL)
    assert lifshitz_scale(bands_a, 3) == (
        bands_a.band_edges[2, 0],
        pytest.approx(np.ptp(bands_a.band_edges[2])),
    )
    for bad in (0, 4):
        with pytest.raises(ModelError, match=f"active_band = {bad}"):
            lifshitz_scale(bands_a, bad)
    with pytest.raises(ModelError, match="n_bands = 0"):
        KronigPenneyBands(MODEL_A.lattice, 0)


# --------------------------------------------------------------------------------- calibration


@pytest.mark.parametrize(("quantity", "target"), [("mass", 200.0), ("thickness", 200.0), ("mass", 420.0)])
def test_calibrate_reaches_the_target_width(quantity, target):
    start = uncalibrated("A")
    model = calibrate(start, target, quantity=quantity)
    _, width = lifshitz_scale(band_structure(model), model.active_band)
    assert abs(width - target) < 1e-6
    changed = model.lattice.layers[1]
    assert getattr(changed, quantity) != getattr(start.lattice.layers[1], quantity)
    others = {"mass", "thickness", "potential"} - {quantity}
    assert all(getattr(changed, o) == getattr(start.lattice.layers[1], o) for o in others)
    assert model.lattice.layers[0] == start.lattice.layers[0]


def test_calibrate_rejects_unreachable_targets():
    with pytest.raises(ModelError, match=r"target dE = 100000.0 meV is unreachable.*layer 1 mass"):
        calibrate(uncalibrated("A"), 1e5)
    with pytest.raises(ModelError, match="target_width = -5"):
        calibrate(uncalibrated("A"), -5.0)
    with pytest.raises(ModelError, match="layer = 2"):
        calibrate(uncalibrated("A"), 200.0, layer=2)
    with pytest.raises(ModelError, match="quantity = 'width'"):
        calibrate(uncalibrated("A"), 200.0, quantity="width")
    with pytest.raises(ModelError, match=r"potential = 0\.0 gives no default bracket"):
        calibrate(uncalibrated("A"), 200.0, layer=0, quantity="potential")
