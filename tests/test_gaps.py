"""Gaps with the number equation: BCS, band edge (BCS–BEC), two bands, finite T, model A."""

import math

import numpy as np
import pytest
from scipy import integrate, optimize

from multigap import zero_temperature_gaps
from multigap.analytic import ParabolicBands
from multigap.constants import BCS_GAP_RATIO, KB
from multigap.errors import InputError
from multigap.gaps import solve_gaps
from multigap.observables import band_gaps, isotope_coefficient
from multigap.problem import PairingProblem
from multigap.tc import solve_tc
from tolerances import GAP_ANALYTIC_RTOL, GAP_GRID_RTOL, MU_SHIFT_GRID_ATOL

OMEGA = 50.0
FREE = ParabolicBands([0.0], period=0.05)


def one_band(g, mu):
    return PairingProblem(bands=FREE, g=np.array([[g]]), omega=OMEGA, mu0=mu)


@pytest.mark.parametrize("g", [0.15, 0.3])
def test_free_band_zero_temperature_gap(g):
    result = solve_gaps(one_band(g, 1000.0), mu_mode="fixed")
    gap = result.gap_on_nodes()[0]
    assert result.status == "converged" and result.converged
    np.testing.assert_allclose(gap, OMEGA / math.sinh(1.0 / g), rtol=1e-7)


def test_weak_coupling_gap_ratio_is_bcs():
    g = 0.15
    result = solve_gaps(one_band(g, 1000.0), mu_mode="fixed")
    ratio = 2.0 * result.gap_on_nodes()[0].mean() / (KB * result.tc.tc)
    assert ratio == pytest.approx(BCS_GAP_RATIO, rel=1e-4)


def test_density_mode_far_from_edge_keeps_mu():
    result = solve_gaps(one_band(0.3, 1000.0), mu_mode="density")
    assert abs(result.mu_shift) < 1e-6
    np.testing.assert_allclose(result.gap_on_nodes()[0], OMEGA / math.sinh(1.0 / 0.3), rtol=GAP_ANALYTIC_RTOL)


@pytest.mark.parametrize("g", [0.25, 0.35])
def test_band_edge_bcs_bec_crossover(g):
    e_f = 5.0  # 2D band, Fermi energy below the cutoff
    result = solve_gaps(one_band(g, e_f), mu_mode="density")
    mu, delta = result.mu, float(result.gap_on_nodes()[0].mean())
    # exact with the cutoff: number equation ∫_{−μ}^{ω} v² = E_F and the gap equation
    assert mu + math.hypot(mu, delta) - (math.hypot(OMEGA, delta) - OMEGA) == pytest.approx(2 * e_f, rel=1e-9)
    assert 0.5 * g * (math.asinh(OMEGA / delta) + math.asinh(mu / delta)) == pytest.approx(1.0, rel=1e-8)
    # weak-coupling forms: μ + √(μ²+Δ²) = 2E_F, Δ = √(2E_F E_b), E_b = 2ω e^{−2/g}
    assert mu + math.hypot(mu, delta) == pytest.approx(2 * e_f, rel=2 * delta**2 / (2 * OMEGA) / e_f)
    e_b = 2 * OMEGA * math.exp(-2 / g)
    assert delta == pytest.approx(math.sqrt(2 * e_f * e_b), rel=0.02)
    assert mu == pytest.approx(e_f - e_b / 2, rel=0.01)


def test_fixed_mu_at_band_edge_differs_from_density_mode():
    fixed = solve_gaps(one_band(0.4, 5.0), mu_mode="fixed")
    dens = solve_gaps(one_band(0.4, 5.0), mu_mode="density")
    assert fixed.mu == 5.0 and dens.mu < 5.0 - 0.1


@pytest.mark.parametrize("fraction", [0.3, 0.8, 0.98])
def test_finite_temperature_gap_solves_the_bcs_equation(fraction):
    g = 0.3
    problem = one_band(g, 1000.0)
    tc = solve_tc(problem)
    t = fraction * tc.tc
    gap = float(solve_gaps(problem, mu_mode="fixed", temperature=t, tc=tc).gap_on_nodes()[0].mean())
    kt = KB * t

    def bcs(d):
        def f(x):
            return math.tanh(math.hypot(x, d) / (2 * kt)) / math.hypot(x, d)

        return g * integrate.quad(f, 0, OMEGA, epsrel=1e-13, limit=200)[0] - 1.0

    expected = optimize.brentq(bcs, 1e-6, OMEGA, xtol=1e-14)
    assert gap == pytest.approx(expected, rel=GAP_ANALYTIC_RTOL)


def test_above_tc_is_normal():
    problem = one_band(0.3, 1000.0)
    tc = solve_tc(problem)
    result = solve_gaps(problem, temperature=1.01 * tc.tc, tc=tc)
    assert result.status == "normal"
    assert all(np.all(d == 0) for d in result.gap_on_nodes())


def test_two_constant_dos_bands_satisfy_the_coupled_gap_equations():
    g = np.array([[0.25, 0.04], [0.04, 0.1]])
    bands = ParabolicBands([0.0, 300.0], period=0.05)
    result = solve_gaps(PairingProblem(bands=bands, g=g, omega=OMEGA, mu0=1000.0), mu_mode="fixed")
    d = np.array([x.mean() for x in result.gap_on_nodes()])
    # T = 0, constant DOS, Ĩ = 1: Δ_i = Σ_j g_ij Δ_j asinh(ω/Δ_j)
    np.testing.assert_allclose(d, g @ (d * np.arcsinh(OMEGA / d)), rtol=1e-8)
    assert d[0] > d[1] > 0


def test_rejects_bad_arguments():
    with pytest.raises(InputError, match="mu_mode"):
        solve_gaps(one_band(0.3, 1000.0), mu_mode="canonical")
    with pytest.raises(InputError, match="temperature"):
        solve_gaps(one_band(0.3, 1000.0), temperature=-1.0)


def test_fermi_surface_average_of_a_constant_gap():
    problem = one_band(0.3, 1000.0)
    result = solve_gaps(problem, mu_mode="fixed")
    summary = band_gaps(problem, result)
    assert summary.has_fermi_surface[0]
    assert summary.mean[0] == pytest.approx(OMEGA / math.sinh(1 / 0.3), rel=GAP_ANALYTIC_RTOL)


def test_band_without_fermi_surface_reports_its_band_minimum_gap():
    # band 2 lies entirely above μ: no Fermi surface, its gap is the value at its minimum
    g = np.array([[0.3, 0.05], [0.05, 0.1]])
    bands = ParabolicBands([0.0, 1500.0], period=0.05)
    problem = PairingProblem(bands=bands, g=g, omega=OMEGA, mu0=1000.0)
    result = solve_gaps(problem, mu_mode="fixed")
    summary = band_gaps(problem, result)
    assert summary.has_fermi_surface.tolist() == [True, False]
    assert summary.mean[1] == summary.minimum[1] == summary.maximum[1]
    assert 0 < summary.mean[1] < summary.mean[0]


@pytest.mark.slow
@pytest.mark.parametrize("eta", [-0.5, 0.0])
def test_model_a_gaps_below_the_band_edge(model_a, eta):
    s = zero_temperature_gaps(model_a, eta=eta, g=0.3)
    assert s.result.converged
    assert np.all(np.isfinite(s.gaps.mean))


@pytest.mark.slow
def test_model_a_gaps_at_the_dome(model_a):
    s = zero_temperature_gaps(model_a, eta=1.0, g=0.25)
    assert s.result.converged and s.result.residual < 1e-8
    assert np.all(s.gaps.has_fermi_surface)
    assert np.all(s.gaps.minimum <= s.gaps.mean) and np.all(s.gaps.mean <= s.gaps.maximum)
    # the active band carries the large gap; the deep bands' gaps are induced and small
    assert 2.5 < s.ratios[2] < 4.5
    assert s.ratios[1] < 1.0
    assert s.anisotropy() > 2.0
    fine = zero_temperature_gaps(model_a, eta=1.0, g=0.25, n_nodes=2 * model_a.numerics.n_q)
    np.testing.assert_allclose(s.gaps.mean, fine.gaps.mean, rtol=GAP_GRID_RTOL)
    assert s.mu_shift == pytest.approx(fine.mu_shift, abs=MU_SHIFT_GRID_ATOL)


@pytest.mark.slow
@pytest.mark.parametrize("eta", [0.0, 1.0])
def test_model_isotope_hellmann_feynman_matches_finite_difference(model_a, eta):
    hf = isotope_coefficient(model_a, eta=eta, g=0.25)
    fd = isotope_coefficient(model_a, eta=eta, g=0.25, method="finite-difference")
    assert hf == pytest.approx(fd, abs=1e-5)
