"""Superfluid stiffness, the BKT bound and the crossover diagnostics (multigap.stiffness, .crossover).

Checks against exact limits of a single 2D parabolic band (Galilean invariance, the BEC limit
E_F/8, the BCS limit and the Ginzburg–Landau slope) and, for the superlattice, against an
independent method: the curvature of the mean-field free energy under a uniform phase twist.
"""

from __future__ import annotations

import dataclasses
import math
from typing import ClassVar

import numpy as np
import pytest
from scipy import integrate

from multigap.analytic import ParabolicBands
from multigap.bands import KronigPenneyBands
from multigap.constants import HBAR2_2ME, KB
from multigap.crossover import BCS_PAIR_SIZE, band_crossover, crossover_diagnostics, pair_size, regime
from multigap.errors import InputError
from multigap.gaps import solve_gaps
from multigap.problem import PairingProblem, cached_bands, density_on_states, pairing_problem
from multigap.status import Status
from multigap.stiffness import (
    MAX_TEMPERATURE,
    BKTBound,
    _kubo_bands,
    band_derivatives,
    bkt_temperature,
    stiffness_from_gaps,
    superfluid_stiffness,
    twisted_free_energy,
)
from multigap.tc import solve_tc
from multigap.theories import (
    BOUND_MODULES,
    PairingTheory,
    UnsupportedError,
    available_bounds,
    get_bound,
    get_theory,
    register_theory,
)
from tolerances import (
    BAND_CURVATURE_RTOL,
    BKT_BCS_SLOPE_RTOL,
    BKT_BEC_RTOL,
    BKT_NOOP_RTOL,
    GALILEAN_STIFFNESS_RTOL,
    GL_SLOPE_RTOL,
    NORMAL_STIFFNESS_ATOL,
    PAIR_SIZE_RTOL,
    PHASE_TWIST_RTOL,
    SUPERLATTICE_JXX_RTOL,
)

OMEGA = 50.0
FREE = ParabolicBands([0.0], period=0.05)


def one_band(g: float, e_f: float) -> PairingProblem:
    """A free 2D band (m_x = m_z = 1) at Fermi energy e_f (meV) from its bottom, coupling g."""
    return PairingProblem(bands=FREE, g=np.array([[g]]), omega=OMEGA, mu0=e_f, active_band=1)


# ------------------------------------------------------------------------- single band


@pytest.mark.parametrize(("g", "e_f"), [(0.2, 100.0), (0.3, 1.0), (0.7, 1.0)])
def test_zero_temperature_stiffness_is_galilean_at_every_coupling(g, e_f):
    # BCS (Δ/E_F ~ 0.007), crossover (~0.5) and BEC (μ < 0): J = ħ²n/4m = E_F/4π both ways
    s = superfluid_stiffness(one_band(g, e_f))
    assert s.status is Status.CONVERGED
    np.testing.assert_allclose([s.jxx, s.jzz], e_f / (4 * math.pi), rtol=GALILEAN_STIFFNESS_RTOL)
    if g == 0.7:
        assert s.mu < 0  # the BEC side: μ below the band bottom


def test_bec_limit_bkt_temperature_is_a_quarter_of_the_fermi_energy_over_two():
    # ln(E_b/E_F) large: μ ≈ −E_b/2 < 0, no thermal depletion at E_F/8, J = E_F/4π
    r = bkt_temperature(one_band(0.7, 1.0))
    assert r.zero is not None and r.zero.mu < -1.0
    assert r.tc_bkt < 0.05 * r.tc_mf
    assert KB * r.tc_bkt == pytest.approx(1.0 / 8.0, rel=BKT_BEC_RTOL)


def test_bcs_limit_bkt_tends_to_mean_field_with_the_universal_jump_slope():
    # J ≈ 2J₀(1 − T/T_MF) near T_MF, so 1 − T_BKT/T_MF ≈ k_B T_MF/(π J₀) → 0 as g → 0
    gaps = []
    for g in (0.2, 0.15):
        r = bkt_temperature(one_band(g, 100.0))
        assert r.zero is not None and r.status is Status.CONVERGED
        gap = 1.0 - r.tc_bkt / r.tc_mf
        expected = KB * r.tc_mf / (math.pi * r.zero.j)
        assert gap == pytest.approx(expected, rel=BKT_BCS_SLOPE_RTOL)
        gaps.append(gap)
    assert 0 < gaps[1] < 0.25 * gaps[0] and gaps[1] < 3e-3


def test_stiffness_is_linear_in_the_distance_from_mean_field_tc():
    problem = one_band(0.2, 100.0)
    tc = solve_tc(problem)
    j0 = superfluid_stiffness(problem, tc=tc).j
    slopes = []
    for eps in (0.01, 0.005):
        s = superfluid_stiffness(problem, temperature=(1 - eps) * tc.tc, tc=tc)
        slopes.append(s.j / (eps * j0))
    # Ginzburg–Landau (clean BCS): n_s/n = 2(1 − T/Tc); the correction is O(ε)
    assert slopes[1] == pytest.approx(2.0, rel=GL_SLOPE_RTOL)
    assert abs(slopes[1] - 2.0) < 0.6 * abs(slopes[0] - 2.0)


def test_normal_state_stiffness_cancels_in_both_directions():
    # above T_MF the diamagnetic and paramagnetic terms cancel (f-sum rule), term by term in q
    problem = one_band(0.2, 100.0)
    tc = solve_tc(problem)
    s = superfluid_stiffness(problem, temperature=1.001 * tc.tc, tc=tc)
    assert s.status is Status.NORMAL
    jxx, jzz, dens = _kubo_bands(problem, s.gaps)  # the Kubo sum itself, as in the gapped state
    scale = 100.0 / (4 * math.pi)
    assert abs(jxx.sum()) < NORMAL_STIFFNESS_ATOL * scale and abs(jzz.sum()) < NORMAL_STIFFNESS_ATOL * scale
    # ... and what is reported is exactly 0 (no round-off of either sign), the density kept
    assert s.jxx == 0.0 and s.jzz == 0.0 and s.j == 0.0
    assert s.density == pytest.approx(dens.sum()) and s.density > 0


# ------------------------------------------------------------------------- superlattice


@pytest.fixture(scope="module")
def model_a_point(model_a):
    problem = pairing_problem(model_a, 0.2, g=0.4)
    return problem, solve_tc(problem)


def test_superlattice_jxx_at_zero_temperature_counts_every_electron(model_a_point):
    problem, tc = model_a_point
    s = superfluid_stiffness(problem, tc=tc)
    # n from the normal state at μ₀ (the density the number equation keeps), independently
    states = problem.states(problem.mu0, 1e-9 * problem.omega)
    n = density_on_states(problem, states, problem.mu0, 0.0)
    assert s.jxx == pytest.approx(HBAR2_2ME * n / (2 * problem.bands.mass_x), rel=SUPERLATTICE_JXX_RTOL)
    assert 0 < s.jzz < s.jxx  # the spacers make z heavy
    assert s.jxx_bands.sum() == pytest.approx(s.jxx) and s.jzz_bands.sum() == pytest.approx(s.jzz)


@pytest.mark.parametrize("fraction", [0.0, 0.5])
def test_kubo_jzz_equals_phase_twist_curvature_of_the_free_energy(model_a_point, fraction):
    problem, tc = model_a_point
    gaps = solve_gaps(problem, temperature=fraction * tc.tc, tc=tc)
    kubo = stiffness_from_gaps(problem, gaps).jzz
    # J = ∂²Ω/∂Q², central differences at h and 2h, Richardson-extrapolated (error O(h⁴))
    h = 0.01  # 1/nm; |∂E/∂q|·h/2 stays below the smallest gap (no depairing)
    base = twisted_free_energy(problem, gaps, 0.0)
    d1, d2 = (2.0 * (twisted_free_energy(problem, gaps, k * h) - base) / (k * h) ** 2 for k in (1, 2))
    assert (4.0 * d1 - d2) / 3.0 == pytest.approx(kubo, rel=PHASE_TWIST_RTOL)
    assert d1 != pytest.approx(kubo, rel=1e-7)  # the extrapolation is doing work


def test_superlattice_stiffness_vanishes_at_mean_field_tc(model_a_point):
    problem, tc = model_a_point
    j0 = superfluid_stiffness(problem, tc=tc).j
    near = superfluid_stiffness(problem, temperature=0.995 * tc.tc, tc=tc)
    above = superfluid_stiffness(problem, temperature=1.001 * tc.tc, tc=tc)
    assert near.status is Status.CONVERGED and 0 < near.j < 0.05 * j0
    assert above.status is Status.NORMAL
    jxx, jzz, _ = _kubo_bands(problem, above.gaps)
    assert abs(jxx.sum()) < NORMAL_STIFFNESS_ATOL * j0 and abs(jzz.sum()) < NORMAL_STIFFNESS_ATOL * j0


def test_normal_state_stiffness_is_exactly_zero_per_band(model_a_point):
    """Model A at 300 K (normal): J^xx was reported as -4.4e-9 meV, with negative per-band
    values (quadrature round-off of the cancelling Kubo terms); it is 0 exactly."""
    problem, tc = model_a_point
    s = superfluid_stiffness(problem, temperature=300.0, tc=tc)
    assert s.status is Status.NORMAL
    assert s.jxx == 0.0 and s.jzz == 0.0
    assert np.all(s.jxx_bands == 0.0) and np.all(s.jzz_bands == 0.0)
    assert np.all(s.density_bands >= 0) and s.density > 0


def test_absurd_temperatures_are_refused_and_the_largest_allowed_is_normal():
    """T = 1e300 K used to exit 0 with J^xx = 6.6e149 meV and an overflow warning."""
    problem = one_band(0.2, 100.0)
    tc = solve_tc(problem)
    for bad in (1e300, 2 * MAX_TEMPERATURE, math.inf, -1.0, math.nan):
        with pytest.raises(InputError, match="temperature"):
            superfluid_stiffness(problem, temperature=bad, tc=tc)
    top = superfluid_stiffness(problem, temperature=MAX_TEMPERATURE, tc=tc)
    assert top.status is Status.NORMAL and top.j == 0.0 and top.jxx == 0.0
    assert math.isfinite(top.density) and top.density > 0


def test_band_curvature_along_z_matches_the_exact_bands(model_a):
    tab = cached_bands(model_a)
    exact = KronigPenneyBands(model_a.lattice, model_a.n_bands, model_a.numerics.n_z)
    q = np.linspace(0.05, 0.95, 7) * math.pi / tab.period
    h = 3e-3 * math.pi / tab.period
    for n in range(tab.n_bands):
        d1, d2 = band_derivatives(tab, q, n)

        def e(k, n=n):
            return exact.energies(q + k * h, band=n)

        # five-point differences of the exact Kronig–Penney bands (error O(h⁴))
        f1 = (8 * (e(1) - e(-1)) - (e(2) - e(-2))) / (12 * h)
        f2 = (16 * (e(1) + e(-1)) - (e(2) + e(-2)) - 30 * e(0)) / (12 * h * h)
        scale = np.ptp(tab.band_edges[n]) * tab.period**2
        np.testing.assert_allclose(d2, f2, rtol=0, atol=BAND_CURVATURE_RTOL * scale)
        np.testing.assert_allclose(d1, f1, rtol=0, atol=BAND_CURVATURE_RTOL * scale / tab.period)


@pytest.mark.slow
def test_bkt_is_below_mean_field_on_a_small_map(model_a):
    theory, bound = get_theory("bcs"), get_bound("bkt")
    for eta in (0.05, 1.0):
        for g in (0.25, 0.4):
            problem = pairing_problem(model_a, eta, g=g)
            tc = theory.solve_tc(problem)
            r = bound.apply(problem, theory, tc)
            assert r.status is Status.CONVERGED, r.message
            assert 0 < r.tc_bound <= r.tc_mf == tc.tc and r.tc == r.tc_bound
            # the bound never exceeds the universal jump at J(0)
            assert KB * r.tc_bound <= 0.5 * math.pi * r.extras["j0"] * (1 + 1e-12)


@pytest.mark.slow
def test_bkt_root_found_where_the_number_equation_state_vanishes_below_mean_field_tc(model_a):
    # η = 0, g = 0.25: with the number equation the condensate is gone well below T_MF (μ = μ₀),
    # where the gap solver collapses or fails; the root search still brackets the crossing
    problem = pairing_problem(model_a, 0.0, g=0.25)
    tc = solve_tc(problem)
    r = bkt_temperature(problem, tc=tc, mu_mode="density")
    assert r.status is Status.CONVERGED and 0 < r.tc_bkt < 0.8 * r.tc_mf
    j = superfluid_stiffness(problem, temperature=r.tc_bkt, tc=tc).j
    assert KB * r.tc_bkt == pytest.approx(0.5 * math.pi * j, rel=1e-4)  # a true crossing, not a jump


def test_bound_is_a_no_op_deep_in_the_bcs_regime(model_a):
    problem = pairing_problem(model_a, 1.0, g=0.05)
    theory = get_theory("bcs")
    tc = theory.solve_tc(problem)
    r = get_bound("bkt").apply(problem, theory, tc)
    assert r.extras["kf_xi_pair"] > 100 * BCS_PAIR_SIZE
    assert r.tc == pytest.approx(r.tc_mf, rel=BKT_NOOP_RTOL) and r.tc <= r.tc_mf


# ------------------------------------------------------------------------- registry, statuses


def test_bkt_is_registered_with_options():
    assert "bkt" in available_bounds() and BOUND_MODULES["bkt"] == "multigap.stiffness:BKTBound"
    bound = get_bound("bkt", mu_mode="fixed")
    assert isinstance(bound, BKTBound) and bound.options()["mu_mode"] == "fixed"
    with pytest.raises(InputError, match="mu_mode"):
        get_bound("bkt", mu_mode="canonical")
    with pytest.raises(InputError, match="known options"):
        get_bound("bkt", vortices=True)


def test_bound_solves_gaps_in_the_mu_mode_of_the_tc_it_bounds():
    problem = one_band(0.3, 1.0)  # crossover: the number equation moves μ by 6 %
    theory = get_theory("bcs")
    tc = theory.solve_tc(problem)
    assert tc.mu_mode == "fixed"
    default = get_bound("bkt").apply(problem, theory, tc)
    fixed = bkt_temperature(problem, tc=tc, mu_mode="fixed")
    density = get_bound("bkt", mu_mode="density").apply(problem, theory, tc)
    assert default.tc_bound == pytest.approx(fixed.tc_bkt, rel=1e-3)
    assert abs(density.tc_bound / default.tc_bound - 1) > 1e-2


@dataclasses.dataclass(frozen=True)
class _NoGapTheory(PairingTheory):
    name: ClassVar[str] = "test-no-gaps"
    title: ClassVar[str] = "a theory without gaps (test)"

    def solve_tc(self, problem, *, mu_mode="fixed", rtol=1e-10, guess=None):
        return solve_tc(problem, mu_mode=mu_mode, rtol=rtol, guess=guess)


def test_theory_without_gaps_is_refused_clearly():
    register_theory(_NoGapTheory)
    theory = get_theory("test-no-gaps")
    problem = one_band(0.2, 100.0)
    with pytest.raises(UnsupportedError, match="finite-temperature gaps"):
        get_bound("bkt").check(theory)
    with pytest.raises(UnsupportedError, match="test-no-gaps"):
        get_bound("bkt").apply(problem, theory, theory.solve_tc(problem))
    with pytest.raises(InputError, match="does not compute gaps"):
        superfluid_stiffness(problem, theory=theory)


def test_below_floor_mean_field_gives_zero_without_gap_solves():
    problem = dataclasses.replace(one_band(0.05, 100.0), tc_floor=1.0)
    theory = get_theory("bcs")
    tc = theory.solve_tc(problem)
    assert tc.tc == 0
    r = get_bound("bkt").apply(problem, theory, tc)
    assert (r.tc, r.tc_bound, r.status) == (0.0, 0.0, Status.BELOW_FLOOR)
    assert all(math.isnan(v) for v in r.extras.values())


def test_empty_active_band_reports_a_status_not_a_number(model_a):
    problem = pairing_problem(model_a, -0.5, g=0.3)
    theory = get_theory("bcs")
    r = get_bound("bkt").apply(problem, theory, theory.solve_tc(problem))
    assert r.status is Status.CONVERGED
    assert math.isnan(r.extras["e_f"]) and math.isnan(r.extras["kf_xi_pair"])
    assert r.extras["j0"] > 0 and r.message == ""  # the bound itself is computed
    diags = crossover_diagnostics(problem, solve_gaps(problem))
    assert [d.status for d in diags] == [Status.CONVERGED, Status.CONVERGED, Status.SKIPPED]
    assert "band 3 is empty" in diags[2].message
    assert diags[2].as_dict()["kF_xi_pair"] is None and diags[2].regime == ""
    assert diags[0].regime == "BCS" and diags[0].gap_over_e_f < 0.01


# ------------------------------------------------------------------------- pair size


def _pair_size_by_quadrature(e_f: float, mu: float, gap: float) -> float:
    """(k_F ξ)² = 4E_F ∫ε ξ²/E⁶ dε / ∫ dε/E² by scipy.quad, ε from the band bottom."""
    pts = [mu] if mu > 0 else None

    def q(f):
        return sum(
            integrate.quad(f, a, b, limit=500, epsabs=0, epsrel=1e-12)[0]
            for a, b in ([(0, mu), (mu, np.inf)] if pts else [(0, np.inf)])
        )

    num = q(lambda e: e * (e - mu) ** 2 / ((e - mu) ** 2 + gap**2) ** 3)
    den = q(lambda e: 1.0 / ((e - mu) ** 2 + gap**2))
    return math.sqrt(4 * e_f * num / den)


@pytest.mark.parametrize(
    ("e_f", "mu", "gap"), [(10.0, 5.0, 2.0), (1.0, -3.0, 0.5), (1.0, -30.0, 1.0), (50.0, 49.0, 20.0)]
)
def test_pair_size_closed_form_against_quadrature(e_f, mu, gap):
    assert pair_size(e_f, mu, gap) == pytest.approx(
        _pair_size_by_quadrature(e_f, mu, gap), rel=PAIR_SIZE_RTOL
    )


def test_pair_size_limits_and_regimes():
    # BCS: k_F ξ = E_F/(√2 Δ);  BEC: (k_F ξ)² = (2/3) E_F/|μ|
    assert pair_size(1e6, 1e6, 1.0) == pytest.approx(1e6 / math.sqrt(2), rel=1e-6)  # O(Δ/μ)
    assert pair_size(1.0, -1e5, 1e-2) ** 2 == pytest.approx(2.0 / 3.0 / 1e5, rel=1e-9)
    assert regime(-1.0, 0.3) == "BEC" and regime(5.0, 2.0) == "crossover" and regime(5.0, 7.0) == "BCS"
    with pytest.raises(InputError, match="e_f"):
        pair_size(0.0, 1.0, 1.0)


def test_single_band_diagnostics_follow_the_coupling():
    out = []
    for g in (0.2, 0.3, 0.7):
        problem = one_band(g, 1.0 if g > 0.2 else 100.0)
        d = band_crossover(problem, solve_gaps(problem), 1)
        assert d.status is Status.CONVERGED and d.e_f == pytest.approx(problem.mu0)
        out.append(d)
    assert [d.regime for d in out] == ["BCS", "crossover", "BEC"]
    assert out[0].kf_xi_pair > out[1].kf_xi_pair > out[2].kf_xi_pair
