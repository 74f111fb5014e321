"""Density of states, electron density, Lifshitz points and Fermi contours (docs/theory.md#dos).

Reference values come from analytic limits (free 2D gas, band-edge curvatures), from an
independent integration route (momentum variable and the bands' own root finder instead of the
energy variable and the half trace) or from calculus identities (∫N dE = n, dn/dμ = 2N₀ΣN).
"""

import math

import numpy as np
import pytest

from multigap import dos
from multigap.bands import KronigPenneyBands, band_structure, lifshitz_scale
from multigap.constants import HBAR2_2ME
from multigap.errors import InputError
from multigap.model import Superlattice
from multigap.presets import preset
from tolerances import FREE_GAS_DOS_ATOL, ROUNDING_RTOL, edge_tolerance


@pytest.fixture(scope="module")
def bands_a():
    return band_structure(preset("A"))


@pytest.fixture(scope="module")
def bands_b():
    return band_structure(preset("B"))


@pytest.fixture(scope="module")
def free_bands():
    """V = 0 and m_w = m_b = m_x: the folded bands of a free 2D gas (four of them)."""
    lattice = Superlattice.wire_spacer(wire_width=0.85, spacer_width=0.55, barrier=0.0, spacer_mass=1.0)
    return KronigPenneyBands(lattice, 4)


class ProtocolOnly:
    """Only the BandStructure protocol of a band structure (no half trace, no transfer matrix)."""

    def __init__(self, bands):
        self._b = bands
        self.n_bands, self.period, self.mass_x = bands.n_bands, bands.period, bands.mass_x

    @property
    def band_edges(self):
        return self._b.band_edges

    def energies(self, q):
        return self._b.energies(q)

    def crossing(self, band, energy):
        return self._b.crossing(band, energy)

    def overlap_factors(self, q):
        return self._b.overlap_factors(q)


def graded_rule(a, b, *, n=10, ratio=4.0, smallest=1e-9):
    """Gauss–Legendre nodes on [a, b] graded geometrically towards both ends (log/step ends)."""
    half = 0.5 * (b - a)
    k = math.ceil(math.log(1.0 / smallest) / math.log(ratio))
    rel = np.concatenate([[0.0], smallest * ratio ** np.arange(k), [1.0]])
    rel = rel[rel <= 1.0]
    x, w = np.polynomial.legendre.leggauss(n)
    x, w = 0.5 * (x + 1.0), 0.5 * w
    lo_edges, widths = rel[:-1], np.diff(rel)
    d = (lo_edges[:, None] + widths[:, None] * x).ravel() * half
    wt = (widths[:, None] * w).ravel() * half
    return np.concatenate([a + d, b - d]), np.concatenate([wt, wt])


def folded_free_dos(period, energy, n_bands):
    """Partial DOS of a free 2D gas folded into [−π/d, π/d]: band j holds (j−1)π/d ≤ |k_z| ≤ jπ/d."""
    k = np.sqrt(energy / HBAR2_2ME)
    out = np.zeros((n_bands, energy.size))
    for j in range(1, n_bands + 1):
        a = np.minimum(1.0, (j - 1) * math.pi / (period * k))
        b = np.minimum(1.0, j * math.pi / (period * k))
        out[j - 1] = (2.0 / math.pi) * (np.arcsin(b) - np.arcsin(a))
    return out


def edge_curvature(bands, band, edge):
    """c in E_n(q) ≈ E_edge ± c (q − q_edge)²: from cos(qd) = D(E), c = d²/(2|D'(E_edge)|)."""
    return bands.period**2 / (2.0 * abs(float(bands.half_trace_derivative(edge))))


# ------------------------------------------------------------------------------ free 2D gas
def test_free_2d_gas_total_and_partial_dos(free_bands):
    edges = free_bands.band_edges
    exact = HBAR2_2ME * (np.arange(1, 5) * math.pi / free_bands.period) ** 2  # tops ħ²(nπ/d)²/2m
    assert np.all(np.abs(edges[:, 1] - exact) <= edge_tolerance(exact))
    # the gaps are closed: |D| − 1 at the extremum is within D's rounding, so the verdict must be
    # "closed" on every CPU, whichever way its libm rounds the cosines
    gaps = edges[1:, 0] - edges[:-1, 1]
    assert np.all(np.abs(gaps) <= edge_tolerance(exact[:-1])), gaps
    # next to the closed gaps dq/dE' is smooth but computed as 0/0
    near_gaps = (edges[:-1, 1, None] + np.array([-0.01, -1e-6, 1e-6, 0.01])).ravel()
    energy = np.concatenate([np.linspace(0.5, edges[-1, 1] - 0.5, 37), near_gaps])
    top = edges[-1, 1] + np.array([-1e-4, 0.0, 1e-4, 0.01, 100.0])

    def reference_and_tolerance(e):
        """Folded-gas DOS, and FREE_GAS_DOS_ATOL plus its change when the edges move by their
        location accuracy (1e-6 meV from an edge, N ∝ √|E − E_edge| feels that error)."""
        reference = folded_free_dos(free_bands.period, e, 4)
        shift = edge_tolerance(e)
        moved = np.abs(
            folded_free_dos(free_bands.period, e + shift, 4)
            - folded_free_dos(free_bands.period, e - shift, 4)
        )
        return reference, FREE_GAS_DOS_ATOL + moved

    partial = dos.density_of_states(free_bands, energy)
    reference, tol = reference_and_tolerance(energy)
    assert np.all(np.abs(partial - reference) <= tol)
    assert np.all(np.abs(partial.sum(axis=0) - 1.0) <= tol.sum(axis=0))
    assert np.all(np.abs(dos.total_dos(free_bands, energy) - 1.0) <= tol.sum(axis=0))
    # above the last computed band its partial DOS is still that of the folded gas (no van Hove peak)
    reference, tol = reference_and_tolerance(top)
    assert np.all(np.abs(dos.density_of_states(free_bands, top) - reference) <= tol)


def test_free_2d_gas_density_is_two_n0_mu(free_bands):
    mu = np.array([1.0, 100.0, 191.0, 500.0, 1500.0, 3000.0])
    n0 = dos.dos_unit(free_bands)
    assert n0 == pytest.approx(1.0 / (4.0 * math.pi * HBAR2_2ME), rel=ROUNDING_RTOL)
    np.testing.assert_allclose(dos.electron_density(free_bands, mu), 2.0 * n0 * mu, rtol=1e-12)


def test_heavier_mass_x_scales_dos_unit_not_ratio():
    # m_x = m_z is what makes N/N0 = 1; with m_x = 4 m_z the folded gas has N/N0 = sqrt(m_z/m_x)
    lattice = Superlattice.wire_spacer(
        wire_width=0.85, spacer_width=0.55, barrier=0.0, spacer_mass=1.0, mass_x=4.0
    )
    bands = KronigPenneyBands(lattice, 3)
    energy = np.array([10.0, 300.0, 1200.0])
    np.testing.assert_allclose(dos.total_dos(bands, energy), 0.5, rtol=1e-12)
    np.testing.assert_allclose(
        dos.electron_density(bands, energy), 2.0 * dos.dos_unit(bands) * 0.5 * energy, rtol=1e-12
    )


# ------------------------------------------------------------------ identities on the models
@pytest.mark.parametrize("eta", [0.0, 0.5, 1.0, 1.5])
def test_integral_of_dos_is_the_density(bands_a, eta):
    mu = dos.eta_to_mu(bands_a, 3, eta)
    per_band = dos.electron_density(bands_a, mu, per_band=True)
    edges = bands_a.band_edges
    n0 = dos.dos_unit(bands_a)
    for n in range(bands_a.n_bands):
        lo, hi = edges[n]
        pieces = [(lo, min(mu, hi))] + ([(hi, mu)] if mu > hi else [])
        total = 0.0
        for a, b in pieces:
            if b <= a:
                continue
            e, w = graded_rule(a, b)
            total += np.sum(w * dos.density_of_states(bands_a, e)[n])
        assert 2.0 * n0 * total == pytest.approx(per_band[n], rel=1e-10, abs=1e-14)
    assert (per_band[2] == 0.0) if eta == 0.0 else (per_band[2] > 0.0)  # the pocket opens at η = 0
    assert dos.electron_density(bands_a, mu) == pytest.approx(per_band.sum(), rel=ROUNDING_RTOL)


@pytest.mark.parametrize("eta", [-0.7, 0.25, 0.5, 0.9, 1.3])
def test_density_derivative_is_the_dos(bands_a, bands_b, eta):
    for bands in (bands_a, bands_b):
        mu = dos.eta_to_mu(bands, 3, eta)
        h = 1e-2
        n = dos.electron_density(bands, mu + h * np.array([-2.0, -1.0, 1.0, 2.0]))
        slope = (8.0 * (n[2] - n[1]) - (n[3] - n[0])) / (12.0 * h)  # 4th-order central difference
        expected = 2.0 * dos.dos_unit(bands) * float(dos.total_dos(bands, mu))
        assert slope == pytest.approx(expected, rel=1e-8)


def test_momentum_route_agrees_with_energy_route(bands_a):
    # same integrals in the variable q with E_n(q) from the root finder (protocol only)
    proto = ProtocolOnly(bands_a)
    lo, hi = lifshitz_scale(bands_a, 3)[0], bands_a.band_edges[2, 1]
    energy = np.array([380.0, 386.9, 1000.0, 1460.0, 1510.0, lo + 1.0, 3100.0, hi - 0.05, hi + 0.05, 3600.0])
    fast = dos.density_of_states(bands_a, energy)
    slow = dos.density_of_states(proto, energy)
    np.testing.assert_allclose(slow, fast, rtol=1e-8, atol=1e-14)
    np.testing.assert_allclose(
        dos.electron_density(proto, energy, per_band=True),
        dos.electron_density(bands_a, energy, per_band=True),
        rtol=1e-9,
        atol=1e-14,
    )
    with pytest.raises(InputError, match="method = 'energy'"):
        dos.density_of_states(proto, energy, method="energy")


def test_quadrature_is_converged(bands_a):
    lo, hi = bands_a.band_edges[2]
    energy = np.concatenate(
        [
            np.linspace(370.0, 3600.0, 25),
            hi + np.array([-1e-6, -1e-3, 1e-6, 1e-3]),
            lo + np.array([1e-9, 1e-3]),
        ]
    )
    np.testing.assert_allclose(
        dos.density_of_states(bands_a, energy, n_nodes=24), dos.density_of_states(bands_a, energy), rtol=1e-12
    )
    np.testing.assert_allclose(
        dos.electron_density(bands_a, energy, n_nodes=24), dos.electron_density(bands_a, energy), rtol=1e-12
    )


# --------------------------------------------------------------------- Lifshitz points
@pytest.mark.parametrize("band", [0, 1, 2])
def test_van_hove_log_at_band_top_has_analytic_slope(bands_a, band):
    # E ≈ E_max − c (q − q_max)²  ⇒  N/N0 ≈ const − (1/π) √(ħ²/(2 m_x c)) ln|E − E_max| on both sides
    lo, hi = bands_a.band_edges[band]
    c = edge_curvature(bands_a, band, hi)
    q_max = math.pi / bands_a.period if band % 2 == 0 else 0.0
    h = 1e-3 / bands_a.period  # the curvature from the bands' own energies, independently of D'
    e_near = bands_a.energies([q_max - h if q_max else h])[band, 0]
    assert (hi - e_near) / h**2 == pytest.approx(c, rel=1e-5)
    slope = -math.sqrt(HBAR2_2ME / (bands_a.mass_x * c)) / math.pi
    deltas = (hi - lo) * np.array([1e-8, 1e-7, 1e-6])
    below = dos.density_of_states(bands_a, hi - deltas)[band]
    above = dos.density_of_states(bands_a, hi + deltas)[band]
    for values in (below, above):
        measured = np.diff(values) / np.diff(np.log(deltas))
        np.testing.assert_allclose(measured, slope, rtol=1e-4)
    np.testing.assert_allclose(below, above, rtol=1e-6)  # the same constant on both sides
    assert dos.density_of_states(bands_a, hi)[band] == np.inf


@pytest.mark.parametrize("band", [0, 1, 2])
def test_step_at_band_bottom_matches_curvature(bands_a, bands_b, band):
    # E ≈ E_min + c (q − q_min)²  ⇒  N/N0 jumps from 0 to √(ħ²/(2 m_x c)) (free band: √(m_z/m_x))
    for bands in (bands_a, bands_b):
        lo, hi = bands.band_edges[band]
        jump = math.sqrt(HBAR2_2ME / (bands.mass_x * edge_curvature(bands, band, lo)))
        values = dos.density_of_states(bands, lo + (hi - lo) * np.array([-1e-6, 0.0, 1e-10, 1e-8]))[band]
        assert values[0] == 0.0 and values[1] == 0.0
        np.testing.assert_allclose(values[2:], jump, rtol=1e-7)


def test_dos_vs_eta_and_lifshitz_points(bands_a):
    eta = np.linspace(-1.0, 2.0, 601)
    partial, total = dos.dos_vs_eta(bands_a, 3, eta)
    assert partial.shape == (3, 601) and total.shape == (601,)
    mu = dos.eta_to_mu(bands_a, 3, eta)
    np.testing.assert_allclose(partial, dos.density_of_states(bands_a, mu), rtol=ROUNDING_RTOL)
    np.testing.assert_allclose(dos.mu_to_eta(bands_a, 3, mu), eta, rtol=0, atol=ROUNDING_RTOL)
    points = dos.lifshitz_points(bands_a, 3)
    e_l, width = lifshitz_scale(bands_a, 3)
    assert points == {"E_L": e_l, "E_neck": e_l + width, "delta_E": width}
    assert width == pytest.approx(274.0, abs=2 * edge_tolerance(e_l + width))  # two edges
    active = partial[2]
    assert np.all(active[eta <= 0.0] == 0.0) and np.all(active[eta > 0.0] > 0.0)
    i_peak = int(np.argmin(np.abs(eta - 1.0)))
    assert np.isinf(total[i_peak])  # the neck-opening van Hove point, η = 1
    finite = np.isfinite(total)
    assert np.argmax(np.where(finite, active, 0.0)) in (i_peak - 1, i_peak + 1)
    assert dos.eta_to_mu(bands_a, 3, 0.0) == points["E_L"]
    assert dos.mu_to_eta(bands_a, 3, points["E_neck"]) == pytest.approx(1.0, abs=ROUNDING_RTOL)


# ------------------------------------------------------------------------ Fermi contours
@pytest.mark.parametrize("eta", [-0.5, 0.0, 0.3, 1.0, 1.5])
def test_fermi_contours_lie_on_the_fermi_surface(bands_a, eta):
    mu = dos.eta_to_mu(bands_a, 3, eta)
    contours = dos.fermi_surface(bands_a, mu, n_points=200)
    zb = math.pi / bands_a.period
    for c in contours:
        eps = HBAR2_2ME * c.kx**2 / bands_a.mass_x + bands_a.energies(c.q)[c.band - 1]
        np.testing.assert_allclose(eps, mu, rtol=0, atol=2 * edge_tolerance(mu))  # measured <= 2.3e-12
        assert np.all(np.abs(c.q) <= zb * (1 + ROUNDING_RTOL))
        if c.closed:
            assert c.kx[0] == c.kx[-1] and c.q[0] == c.q[-1]
    active = [c for c in contours if c.band == 3]
    if eta <= 0.0:
        assert active == []
    elif eta < 1.0:  # one closed pocket around q = 0, turning (k_x = 0) at ±q_c exactly
        (pocket,) = active
        q_c = bands_a.crossing(2, mu)
        assert pocket.closed and np.max(pocket.q) == pytest.approx(q_c, rel=ROUNDING_RTOL)
        assert np.min(pocket.q) == pytest.approx(-q_c, rel=ROUNDING_RTOL)
        assert pocket.kx[np.argmax(pocket.q)] == 0.0
    else:  # two open corrugated lines; at η = 1 they touch at the zone boundary (the neck)
        assert len(active) == 2 and not any(c.closed for c in active)
        assert np.ptp(np.concatenate([c.q for c in active])) == pytest.approx(2 * zb, rel=ROUNDING_RTOL)
        neck = np.min(np.abs(active[0].kx))
        assert (neck == 0.0) if eta == 1.0 else (neck > 0.5)
    assert sum(c.band == 1 for c in contours) == 2  # bands 1, 2 are far below: open lines
    # Luttinger: the area enclosed in (k_x, q) is (2π)²/2 times the band's electron density
    n_band = dos.electron_density(bands_a, mu, per_band=True)
    for band in (1, 2, 3):
        np.testing.assert_allclose(
            enclosed_area([c for c in contours if c.band == band]) / (2 * math.pi**2),
            n_band[band - 1],
            rtol=2e-4,
        )


def shoelace(x, y):
    return 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def enclosed_area(pieces):
    """Area of the occupied region bounded by a band's contour pieces."""
    lines = [c for c in pieces if np.all(c.kx >= 0) or np.all(c.kx <= 0)]
    if lines:  # k_x = ±k_x(q) across the zone: close the strip between them through the zone edges
        assert len(lines) == 2 == len(pieces)
        upper, lower = sorted(lines, key=lambda c: -c.kx.sum())
        return shoelace(np.concatenate([upper.kx, lower.kx[::-1]]), np.concatenate([upper.q, lower.q[::-1]]))
    return sum(shoelace(c.kx, c.q) for c in pieces)  # closed pockets and half pockets cut by the zone edge


def test_zone_boundary_pocket_of_band_two(bands_a):
    # band 2 has its minimum at q = ±π/d: its pocket appears as two halves ending on the zone edge
    lo, hi = bands_a.band_edges[1]
    mu = lo + 0.3 * (hi - lo)
    pieces = [c for c in dos.fermi_surface(bands_a, mu, n_points=200) if c.band == 2]
    zb = math.pi / bands_a.period
    q_c = bands_a.crossing(1, mu)
    assert len(pieces) == 2 and not any(c.closed for c in pieces)
    for c, sign in zip(pieces, (1.0, -1.0), strict=True):
        assert np.all(sign * c.q >= q_c * (1 - ROUNDING_RTOL)) and np.max(np.abs(c.q)) == pytest.approx(zb)
        eps = HBAR2_2ME * c.kx**2 / bands_a.mass_x + bands_a.energies(c.q)[1]
        np.testing.assert_allclose(eps, mu, rtol=0, atol=2 * edge_tolerance(mu))  # measured <= 2.3e-12
        assert c.kx.min() < 0 < c.kx.max()
    n_band = dos.electron_density(bands_a, mu, per_band=True)[1]
    np.testing.assert_allclose(enclosed_area(pieces) / (2 * math.pi**2), n_band, rtol=2e-4)


# ------------------------------------------------------------------------------ API shapes
def test_shapes_scalars_and_errors(bands_a):
    assert dos.density_of_states(bands_a, 3000.0).shape == (3,)
    assert dos.density_of_states(bands_a, np.full((2, 5), 3000.0)).shape == (3, 2, 5)
    assert isinstance(dos.electron_density(bands_a, 3000.0), float)
    assert dos.electron_density(bands_a, [3000.0, 3100.0]).shape == (2,)
    assert dos.electron_density(bands_a, 100.0) == 0.0
    assert isinstance(dos.eta_to_mu(bands_a, 3, 0.5), float)
    with pytest.raises(InputError, match="energy contains nan"):
        dos.density_of_states(bands_a, [1.0, float("nan")])
    with pytest.raises(InputError, match="active_band = 4"):
        dos.dos_vs_eta(bands_a, 4, [0.5])
    with pytest.raises(InputError, match="active_band = 0"):
        dos.lifshitz_points(bands_a, 0)
    with pytest.raises(InputError, match="method = 'exact'"):
        dos.electron_density(bands_a, 3000.0, method="exact")
    with pytest.raises(InputError, match="n_nodes = 2"):
        dos.density_of_states(bands_a, 3000.0, n_nodes=2)
    with pytest.raises(InputError, match="n_points = 1"):
        dos.fermi_surface(bands_a, 3000.0, n_points=1)
