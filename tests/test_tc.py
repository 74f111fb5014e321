"""Critical temperature: analytic limits, Suhl–Matthias–Walker, V = 0, reference path, grids."""

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import bcs_tc
from multigap import critical_temperature
from multigap.analytic import ParabolicBands
from multigap.bands import KronigPenneyBands
from multigap.constants import BCS_TC_PREFACTOR, KB
from multigap.errors import InputError
from multigap.model import Superlattice
from multigap.problem import PairingProblem, pairing_problem
from multigap.tc import leading_eigenvalue, solve_tc, tc_slopes
from tolerances import (
    DENSITY_RTOL,
    ISOTOPE_ATOL,
    MU_FIXED_ATOL,
    TC_ANALYTIC_RTOL,
    TC_REFERENCE_RTOL,
    TC_SOLVE_RTOL,
)

OMEGA = 50.0
FREE = ParabolicBands([0.0], period=0.05)  # zone edge at 15 eV: an "infinite" free 2D band


def one_band(g, mu, bands=FREE, omega=OMEGA):
    return PairingProblem(bands=bands, g=np.array([[g]]), omega=omega, mu0=mu)


@pytest.mark.parametrize("g", [0.15, 0.25, 0.4])
def test_free_band_tc_solves_the_bcs_integral(g):
    result = solve_tc(one_band(g, 1000.0))
    assert result.status == "converged" and result.converged
    assert result.tc == pytest.approx(bcs_tc(g, OMEGA, OMEGA), rel=TC_ANALYTIC_RTOL)
    assert result.eigenvalue == pytest.approx(1.0, abs=TC_ANALYTIC_RTOL)


def test_free_band_weak_coupling_formula():
    g = 0.12
    tc = solve_tc(one_band(g, 1000.0)).tc
    assert KB * tc == pytest.approx(BCS_TC_PREFACTOR * OMEGA * math.exp(-1 / g), rel=TC_ANALYTIC_RTOL)


def test_free_band_isotope_coefficient_is_one_half():
    problem = one_band(0.2, 1000.0)
    slopes = tc_slopes(problem, solve_tc(problem))
    assert 0.5 * slopes["dlnTc_dlnω"] == pytest.approx(0.5, abs=ISOTOPE_ATOL)
    assert slopes["dlnλ_dlnT"] == pytest.approx(-0.2, rel=TC_ANALYTIC_RTOL)


def test_band_edge_weak_coupling_tc_and_isotope_one_quarter():
    g, mu = 0.15, 5.0  # 0 < μ ≪ ω: pairing window [−μ, ω]
    problem = one_band(g, mu)
    result = solve_tc(problem)
    # exact for the window [−μ, ω] ...
    assert result.tc == pytest.approx(bcs_tc(g, mu, OMEGA), rel=TC_ANALYTIC_RTOL)
    # ... and its weak-coupling limit (2e^γ/π)√(μω) e^{−1/g}
    assert KB * result.tc == pytest.approx(
        BCS_TC_PREFACTOR * math.sqrt(mu * OMEGA) * math.exp(-1 / g), rel=TC_ANALYTIC_RTOL
    )
    assert 0.5 * tc_slopes(problem, result)["dlnTc_dlnω"] == pytest.approx(0.25, abs=ISOTOPE_ATOL)


@pytest.mark.parametrize("g12", [0.05, -0.05])
def test_suhl_matthias_walker_two_constant_dos_bands(g12):
    g = np.array([[0.2, g12], [g12, 0.15]])
    bands = ParabolicBands([0.0, 300.0], period=0.05)
    result = solve_tc(PairingProblem(bands=bands, g=g, omega=OMEGA, mu0=1000.0))
    lam = np.linalg.eigvalsh(g).max()
    assert result.tc == pytest.approx(bcs_tc(lam, OMEGA, OMEGA), rel=TC_ANALYTIC_RTOL)


def test_decoupled_bands_give_the_larger_tc():
    bands = ParabolicBands([0.0, 300.0], period=0.05)
    g = np.diag([0.18, 0.25])
    result = solve_tc(PairingProblem(bands=bands, g=g, omega=OMEGA, mu0=1000.0))
    assert result.tc == pytest.approx(bcs_tc(0.25, OMEGA, OMEGA), rel=TC_ANALYTIC_RTOL)
    gap = result.spectrum.gap_on_nodes()
    assert np.max(np.abs(gap[0])) < 1e-8 * np.max(np.abs(gap[1]))


def test_superlattice_without_barrier_is_a_free_band():
    # V = 0, m_x = m_z: the folded subbands together are one free 2D band; with Ĩ = 1 and a
    # uniform coupling matrix the Tc is that of a single band of DOS N₀.
    lattice = Superlattice.wire_spacer(wire_width=0.85, spacer_width=0.55, barrier=0.0)
    bands = KronigPenneyBands(lattice, 4)
    g = 0.25
    problem = PairingProblem(bands=bands, g=np.full((4, 4), g), omega=OMEGA, mu0=500.0)
    assert solve_tc(problem).tc == pytest.approx(bcs_tc(g, OMEGA, OMEGA), rel=TC_ANALYTIC_RTOL)


def test_below_floor_is_a_valid_zero():
    result = solve_tc(one_band(0.02, 1000.0))
    assert result.tc == 0.0 and result.status == "below_floor" and result.converged
    assert result.eigenvalue < 1.0


def test_rejects_unknown_mu_mode():
    with pytest.raises(InputError, match="mu_mode"):
        solve_tc(one_band(0.2, 1000.0), mu_mode="grand")


def test_density_mode_far_from_edges_matches_fixed_mode():
    # μ(T) barely moves for a free band far from its edge (constant DOS): same Tc
    problem = one_band(0.25, 1000.0)
    fixed, dens = solve_tc(problem), solve_tc(problem, mu_mode="density")
    assert dens.tc == pytest.approx(fixed.tc, rel=TC_ANALYTIC_RTOL)
    assert dens.mu == pytest.approx(1000.0, abs=MU_FIXED_ATOL)


def test_density_mode_moves_mu_near_a_band_edge():
    # at the 2D band edge the normal-state μ(T) with fixed density rises: n ∝ T ln(1+e^{μ/T})
    problem = one_band(0.4, 2.0)
    dens = solve_tc(problem, mu_mode="density")
    assert dens.mu != pytest.approx(2.0, abs=1e-3)
    kt = KB * dens.tc
    # 2D free gas: n = 2N₀ k_BT ln(1 + e^{μ/k_BT}) = 2N₀ E_F
    assert kt * math.log1p(math.exp(dens.mu / kt)) == pytest.approx(2.0, rel=DENSITY_RTOL)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("model_name", "eta", "g"),
    [
        ("A", -1.0, 0.45),
        ("A", -0.34, 0.3),
        ("A", 0.0, 0.25),
        ("A", 0.5, 0.1),
        ("A", 1.0, 0.4),
        ("A", 2.0, 0.2),
        ("B", 1.0, 0.33),
        ("B", 0.0, 0.45),
    ],
)
def test_fast_path_matches_reference_path(model_name, eta, g, request):
    # The reference path (adaptive quadrature for every K_n(q), twice the q nodes) evaluated at
    # the fast Tc: λ_ref(Tc_fast) = 1 + (∂λ/∂ln T) Δln Tc, so |Δ ln Tc| = |λ_ref − 1|/|∂λ/∂ln T|.
    model = request.getfixturevalue(f"model_{model_name.lower()}")
    problem = pairing_problem(model, eta, g=g)
    fast = solve_tc(problem)
    assert fast.tc > 0
    fine = dataclasses.replace(problem, n_nodes=2 * problem.n_nodes)
    lam_ref = leading_eigenvalue(fine, fast.mu, KB * fast.tc, reference=True).eigenvalue
    slope = tc_slopes(problem, fast)["dlnλ_dlnT"]
    assert slope < 0
    assert abs(lam_ref - 1.0) / abs(slope) <= TC_REFERENCE_RTOL


def test_q_grid_convergence_model_a(model_a):
    coarse = critical_temperature(model_a, eta=1.0, g=0.4)
    fine = critical_temperature(model_a, eta=1.0, g=0.4, n_nodes=2 * model_a.numerics.n_q)
    assert abs(coarse.tc - fine.tc) / fine.tc < TC_SOLVE_RTOL
    assert 150.0 < coarse.tc < 400.0  # the top of the dome is a few hundred K (paper: 250 K)


def _permuted(bands: ParabolicBands, order):
    ov = bands._factors @ bands._factors.T
    return ParabolicBands(bands.offsets[order], period=bands.period, overlap=ov[np.ix_(order, order)])


@settings(max_examples=25, deadline=None)
@given(
    g=st.lists(st.floats(0.0, 0.3), min_size=6, max_size=6),
    which=st.integers(0, 5),
    bump=st.floats(0.01, 0.1),
)
def test_tc_never_decreases_when_a_coupling_grows(g, which, bump):
    bands = ParabolicBands(
        [0.0, 40.0, 1000.0], period=0.05, overlap=[[1.5, 0.8, 0.6], [0.8, 1.2, 0.9], [0.6, 0.9, 1.0]]
    )
    iu = np.triu_indices(3)
    mat = np.zeros((3, 3))
    mat[iu] = g
    mat = mat + np.triu(mat, 1).T
    bigger = mat.copy()
    i, j = iu[0][which], iu[1][which]
    bigger[i, j] += bump
    bigger[j, i] = bigger[i, j]
    base = solve_tc(PairingProblem(bands=bands, g=mat, omega=OMEGA, mu0=60.0))
    more = solve_tc(PairingProblem(bands=bands, g=bigger, omega=OMEGA, mu0=60.0))
    assert more.tc >= base.tc * (1 - TC_SOLVE_RTOL)


@settings(max_examples=10, deadline=None)
@given(order=st.permutations([0, 1, 2]))
def test_tc_does_not_depend_on_band_order(order):
    bands = ParabolicBands(
        [0.0, 40.0, 1000.0], period=0.05, overlap=[[1.5, 0.8, 0.6], [0.8, 1.2, 0.9], [0.6, 0.9, 1.0]]
    )
    g = np.array([[0.1, 0.02, 0.03], [0.02, 0.3, 0.02], [0.03, 0.02, 0.1]])
    ref = solve_tc(PairingProblem(bands=bands, g=g, omega=OMEGA, mu0=60.0)).tc
    perm = list(order)
    other = solve_tc(
        PairingProblem(bands=_permuted(bands, perm), g=g[np.ix_(perm, perm)], omega=OMEGA, mu0=60.0)
    ).tc
    assert other == pytest.approx(ref, rel=TC_SOLVE_RTOL)


@pytest.mark.parametrize(("eta", "g"), [(1.0, 0.4), (-0.5, 0.3), (0.3, 0.1)])
def test_starting_guess_changes_iterations_not_the_answer(model_a, eta, g):
    problem = pairing_problem(model_a, eta, g=g)
    cold = solve_tc(problem)
    for guess in (1e-6, 10.0, 1e3):
        warm = solve_tc(problem, guess=guess)
        assert warm.tc == pytest.approx(cold.tc, rel=TC_SOLVE_RTOL)


def test_a_zero_guess_starts_at_the_floor():
    below = one_band(0.02, 1000.0)
    cold, zero = solve_tc(below), solve_tc(below, guess=0.0)
    assert zero.status == cold.status == "below_floor" and zero.iterations == 1 < cold.iterations
    above = one_band(0.2, 1000.0)  # a zero guess far below the answer: same Tc
    assert solve_tc(above, guess=0.0).tc == pytest.approx(solve_tc(above).tc, rel=TC_SOLVE_RTOL)
