"""Migdal–Eliashberg theory: textbook limits of the constant-DOS Einstein problem, the
superlattice machinery against them, and the plug-in contract (multigap.eliashberg)."""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
import pytest
from scipy import integrate

from multigap import preset
from multigap.analytic import ParabolicBands
from multigap.bands import KronigPenneyBands
from multigap.constants import BCS_TC_PREFACTOR, KB
from multigap.eliashberg import (
    GAP_TC_FRACTION,
    STRONG_COUPLING_CONSTANT,
    EliashbergTheory,
    _bubbles,
    _einstein,
    _normal_state,
    _States,
    allen_dynes_tc,
    constant_dos_tc,
    lambda_from_g,
    morel_anderson,
)
from multigap.errors import ConvergenceError, InputError
from multigap.problem import PairingProblem, pairing_problem
from multigap.status import Status
from multigap.theories import get_theory, theory_attrs
from tolerances import (
    ALLEN_DYNES_RTOL,
    ELIASHBERG_BUBBLE_RTOL,
    ELIASHBERG_CUTOFF_RTOL,
    ELIASHBERG_GRID_RTOL,
    ELIASHBERG_PADE_RTOL,
    ELIASHBERG_SCALING_RTOL,
    ELIASHBERG_Z_TAIL_RTOL,
    ROUNDING_RTOL,
    TC_SOLVE_RTOL,
    V0_VS_CONSTANT_DOS_RTOL,
    WEAK_COUPLING_ATOL,
)

OMEGA = 20.0  # meV


# ------------------------------------------------------------------------------ kernels


def test_wire_bubbles_match_quadrature_of_the_kx_integral() -> None:
    """The closed forms Im/Re (b − iE)^{−1/2} equal the s integrals done by scipy.quad."""
    pref = 2.0
    a = np.array([-50.0, 3.0, 40.0])
    st = _States([np.ones(3)], [a], [np.ones((3, 1))], pref)
    w = np.array([[0.7, 5.0, 100.0]] * 3)
    chi = np.array([[2.0, -3.0, 10.0]] * 3)
    a_z, a_chi, p = _bubbles(st, 0, w, chi, pair=True)
    assert p is not None
    for i in range(3):
        for j in range(3):
            b, e = a[i] + chi[i, j], w[i, j]
            pts = [0.0, math.sqrt(-b)] if b < 0 else [0.0]

            def quad(f: object, pts: list[float] = pts) -> float:
                edges = [*pts, np.inf]
                return sum(
                    integrate.quad(f, lo, hi, epsabs=0.0, epsrel=1e-12, limit=500)[0]  # type: ignore[arg-type]
                    for lo, hi in itertools.pairwise(edges)
                )

            i1 = quad(lambda s, b=b, e=e: 1.0 / ((b + s * s) ** 2 + e * e))
            i2 = quad(lambda s, b=b, e=e: (b + s * s) / ((b + s * s) ** 2 + e * e))
            # π·P = 2 pref ∫ds 1/(...), π·A_Z = 2 pref ∫ds E/(...), π·A_χ = 2 pref ∫ds (b+s²)/(...)
            assert p[i, j] * math.pi == pytest.approx(2 * pref * i1, rel=ELIASHBERG_BUBBLE_RTOL)
            assert a_z[i, j] * math.pi == pytest.approx(2 * pref * e * i1, rel=ELIASHBERG_BUBBLE_RTOL)
            assert a_chi[i, j] * math.pi == pytest.approx(2 * pref * i2, rel=ELIASHBERG_BUBBLE_RTOL)


@pytest.mark.parametrize("kt", [0.5, 2.0, 8.0])
def test_normal_state_z_of_constant_dos_equals_the_exact_matsubara_sum(kt: float) -> None:
    """ω_m Z_m = ω_m + πT[λ(0) + 2Σ_{l=1}^m λ(l)] (all frequencies summed) — the bare tail works."""
    lam = 1.3
    st = _States([np.ones(1)], [np.zeros(1)], [np.ones((1, 1))], None)
    n_f = 32
    ns = _normal_state(st, np.array([[lam]]), OMEGA, kt, n_f, False)
    z = ns.z_on(st, 0)[0]
    freqs = math.pi * kt * (2 * np.arange(n_f) + 1)
    lv = _einstein(OMEGA, 2 * math.pi * kt * np.arange(n_f))
    exact = 1 + math.pi * kt * lam * (lv[0] + 2 * np.concatenate([[0.0], np.cumsum(lv[1:])])) / freqs
    np.testing.assert_allclose(z, exact, rtol=ELIASHBERG_Z_TAIL_RTOL)


def test_lambda_from_g_single_band_is_paper_convention() -> None:
    lam, z = lambda_from_g([[0.4]])
    assert lam[0, 0] == pytest.approx(0.4 / 0.6, rel=ROUNDING_RTOL)
    assert z[0] == pytest.approx(1 + lam[0, 0], rel=ROUNDING_RTOL)


def test_lambda_from_g_multiband_is_symmetric_and_self_consistent() -> None:
    g = np.array([[0.1, 0.02, 0.03], [0.02, 0.1, 0.02], [0.03, 0.02, 0.4]])
    lam, z = lambda_from_g(g)
    np.testing.assert_allclose(lam, lam.T, rtol=ROUNDING_RTOL)
    np.testing.assert_allclose(z, 1 + lam.sum(axis=1), rtol=1e-13)
    np.testing.assert_allclose(lam, g * np.sqrt(np.outer(z, z)), rtol=ROUNDING_RTOL)
    with pytest.raises(InputError, match="coupling='lambda'"):
        lambda_from_g([[1.2]])


def test_morel_anderson_rescaling() -> None:
    assert morel_anderson(0.1, 15.0, 1.0) == pytest.approx(0.1 / (1 - 0.1 * math.log(15)), rel=ROUNDING_RTOL)
    assert morel_anderson(0.0, 15.0, 1.0) == 0.0
    with pytest.raises(InputError, match="diverges"):
        morel_anderson(0.5, 15.0, 1.0)


# ------------------------------------------------------------------------------ constant DOS


@pytest.mark.parametrize("mu_star", [0.0, 0.1])
@pytest.mark.parametrize("lam", [0.5, 1.0, 1.5, 2.0])
def test_constant_dos_agrees_with_allen_dynes(lam: float, mu_star: float) -> None:
    res = constant_dos_tc(lam, OMEGA, mu_star)
    assert res.status == Status.CONVERGED
    assert KB * res.tc == pytest.approx(allen_dynes_tc(lam, OMEGA, mu_star), rel=ALLEN_DYNES_RTOL)


def test_strong_coupling_limit_is_approached_from_below() -> None:
    """k_BTc/(√λ Ω) → C = 0.18272... (Allen–Dynes), increasing towards it, for λ = 10–50."""
    ratios = [KB * constant_dos_tc(lam, OMEGA).tc / (math.sqrt(lam) * OMEGA) for lam in (10.0, 20.0, 50.0)]
    c = STRONG_COUPLING_CONSTANT
    assert all(r < c for r in ratios)
    assert ratios[0] < ratios[1] < ratios[2]
    assert ratios[2] > 0.99 * c  # measured 0.9931 C at λ = 50 (0.9653 at 10, 0.9827 at 20)


@pytest.mark.parametrize("mu_star", [0.0, 0.1])
def test_tc_is_proportional_to_omega(mu_star: float) -> None:
    """α = ½ exactly at fixed μ* (defined at the scale Ω): Tc(3Ω) = 3 Tc(Ω)."""
    t1 = constant_dos_tc(1.0, OMEGA, mu_star).tc
    t3 = constant_dos_tc(1.0, 3 * OMEGA, mu_star).tc
    assert t3 == pytest.approx(3 * t1, rel=ELIASHBERG_SCALING_RTOL)


def test_matsubara_cutoff_independence_at_mu_star_zero() -> None:
    tcs = [constant_dos_tc(0.5, OMEGA, 0.0, cutoff).tc for cutoff in (10.0, 15.0, 30.0)]
    np.testing.assert_allclose(tcs, tcs[-1], rtol=ELIASHBERG_CUTOFF_RTOL)


@pytest.mark.slow
def test_matsubara_cutoff_dependence_at_positive_mu_star_is_weak_and_converging() -> None:
    tcs = [constant_dos_tc(0.5, OMEGA, 0.1, cutoff).tc for cutoff in (10.0, 15.0, 30.0, 60.0)]
    steps = np.abs(np.diff(tcs))
    assert np.all(np.abs(np.array(tcs) / tcs[-1] - 1) < 0.01)  # measured 5e-3 (cutoff 10 vs 60)
    assert steps[0] > steps[1] > steps[2]
    assert abs(tcs[1] / tcs[2] - 1) > 5 * ELIASHBERG_CUTOFF_RTOL  # measured 1.7e-3: μ* depends on it


def test_weak_coupling_limit_is_bcs_times_e_to_minus_half() -> None:
    """ln(Tc^E/Tc^BCS(g = λ/(1+λ))) → −½ as λ → 0.

    F. Marsiglio, Phys. Rev. B 98, 024523 (2018) (after Karakozov, Maksimov and Mashkov,
    Sov. Phys. JETP 41, 971 (1975)): k_BTc = (2e^γ/π) Ω e^{−1/2} e^{−(1+λ)/λ} for an Einstein
    spectrum, i.e. BCS with g = λ/(1+λ) and cutoff Ω reduced by √e.  The correction is
    O(λ): a quadratic in λ through λ = 0.25–0.5 extrapolates to −0.505 (−0.503 from 0.2–0.4).
    """
    lams = np.array([0.25, 0.3, 0.4, 0.5])
    logs = []
    for lam in lams:
        kt = KB * constant_dos_tc(float(lam), OMEGA).tc
        kt_bcs = BCS_TC_PREFACTOR * OMEGA * math.exp(-(1 + lam) / lam)  # 1 = g∫₀^Ω tanh(ξ/2T)/ξ
        logs.append(math.log(kt / kt_bcs))
    intercept = np.polyfit(lams, logs, 2)[-1]
    assert intercept == pytest.approx(-0.5, abs=WEAK_COUPLING_ATOL)
    assert np.all(np.diff(logs) > 0)  # the O(λ) correction is positive


# ------------------------------------------------------------------------------ two bands


def test_two_bands_symmetric_in_band_order() -> None:
    a = constant_dos_tc([[1.0, 0.2], [0.2, 0.4]], OMEGA, 0.1).tc
    b = constant_dos_tc([[0.4, 0.2], [0.2, 1.0]], OMEGA, 0.1).tc
    assert a == pytest.approx(b, rel=TC_SOLVE_RTOL)


def test_decoupled_bands_give_the_larger_single_band_tc() -> None:
    two = constant_dos_tc([[1.0, 0.0], [0.0, 0.4]], OMEGA)
    one = constant_dos_tc(1.0, OMEGA)
    assert two.tc == pytest.approx(one.tc, rel=TC_SOLVE_RTOL)
    assert two.z[1] == pytest.approx(1.4, rel=1e-6)  # Z_n(iπT) = 1 + Σ_m λ_nm (constant DOS)


def test_interband_coupling_enters_z_as_well_as_phi() -> None:
    """Two equal bands coupled by b behave as one band of λ = a + b (in Z and in φ).

    If b entered only the pairing kernel, Z = 1 + a would be smaller and Tc higher than the
    single band's with λ = a + b.
    """
    two = constant_dos_tc([[0.6, 0.3], [0.3, 0.6]], OMEGA)
    one = constant_dos_tc(0.9, OMEGA)
    assert two.tc == pytest.approx(one.tc, rel=TC_SOLVE_RTOL)
    np.testing.assert_allclose(two.z, 1.9, rtol=1e-6)


# ------------------------------------------------------------------------------ superlattice


def _deep_band_problem(lam: float, fermi: float) -> PairingProblem:
    bands = ParabolicBands([-fermi], period=0.05)  # free 2D band, bottom at −E_F, top far above
    return PairingProblem(bands=bands, g=np.array([[lam]]), omega=OMEGA, mu0=0.0)


def test_deep_2d_band_reproduces_constant_dos() -> None:
    """Full bandwidth → constant DOS as Ω/E_F → 0 (deviation ∝ Ω/E_F)."""
    ref = constant_dos_tc(1.0, OMEGA).tc
    theory = EliashbergTheory(coupling="lambda")
    dev = [theory.solve_tc(_deep_band_problem(1.0, ef), guess=ref).tc / ref - 1 for ef in (500.0, 2000.0)]
    assert abs(dev[1]) < V0_VS_CONSTANT_DOS_RTOL / 2  # measured 1.0e-3 (E_F = 100 Ω)
    assert abs(dev[0]) > 2.5 * abs(dev[1])  # measured 3.3e-3 at 25 Ω: ∝ 1/E_F


@pytest.mark.slow
def test_superlattice_v0_reproduces_constant_dos() -> None:
    """Kronig–Penney with V = 0 (free electrons folded into 3 bands, Ĩ = 1), λ_nn' = λ for all
    pairs, μ in the middle of band 3 (24 Ω from its edges): the constant-DOS Tc."""
    model = preset("A")
    layers = tuple(dataclasses.replace(ly, potential=0.0, mass=1.0) for ly in model.lattice.layers)
    lattice = dataclasses.replace(model.lattice, layers=layers)
    bands = KronigPenneyBands(lattice, 3, 24)  # exact bands (touching: not tabulated)
    mu = float(np.mean(bands.band_edges[2]))
    problem = PairingProblem(bands=bands, g=np.ones((3, 3)), omega=OMEGA, mu0=mu)
    ref = constant_dos_tc(1.0, OMEGA).tc
    res = EliashbergTheory(coupling="lambda").solve_tc(problem, guess=ref)
    assert res.tc == pytest.approx(ref, rel=V0_VS_CONSTANT_DOS_RTOL)  # measured 2.9e-3


@pytest.fixture(scope="module")
def model_a() -> PairingProblem:
    return pairing_problem(preset("A"), 1.0, g=0.4)


@pytest.fixture(scope="module")
def model_a_tc(model_a: PairingProblem) -> float:
    return get_theory("eliashberg").solve_tc(model_a, guess=140.0).tc


def test_model_a_eliashberg_below_bcs(model_a: PairingProblem, model_a_tc: float) -> None:
    bcs = get_theory("bcs").solve_tc(model_a).tc
    assert 0 < model_a_tc < bcs  # measured 142.10 K vs 251.02 K (ratio 0.566)
    no_chi = EliashbergTheory(chi=False).solve_tc(model_a, guess=model_a_tc).tc
    assert model_a_tc < no_chi < bcs  # measured 154.49 K


def test_density_mode_shifts_mu_by_chi_for_a_deep_band() -> None:
    """Number equation with Z and χ (Luttinger): for a deep 2D band the interacting Fermi
    surface ξ + χ(0) = 0 encloses the bare one's electrons, so μ(Tc) − μ₀ ≈ χ(iπTc), and with a
    constant DOS the rigid shift leaves Tc unchanged."""
    theory = EliashbergTheory(coupling="lambda")
    problem = _deep_band_problem(1.0, 2000.0)
    fixed = theory.solve_tc(problem, guess=26.6)
    dens = theory.solve_tc(problem, mu_mode="density", guess=26.6)
    assert dens.mu_mode == "density"
    assert dens.mu - dens.mu0 == pytest.approx(dens.extras["chi_active"], rel=0.01)  # measured 0.4 %
    assert dens.tc == pytest.approx(fixed.tc, rel=V0_VS_CONSTANT_DOS_RTOL / 10)  # measured 2.7e-5


@pytest.mark.slow
def test_model_a_density_mode_converges_and_stays_below_bcs(model_a: PairingProblem) -> None:
    short = EliashbergTheory().solve_tc(model_a, mu_mode="density", guess=150.0)
    long = EliashbergTheory(cutoff=30.0).solve_tc(model_a, mu_mode="density", guess=150.0)
    assert long.tc == pytest.approx(short.tc, rel=ELIASHBERG_GRID_RTOL)  # measured 1.9e-5
    assert long.mu == pytest.approx(short.mu, abs=0.1)  # meV; measured 0.013 meV
    assert 0 < short.tc < get_theory("bcs").solve_tc(model_a, mu_mode="density").tc  # 152.9 vs 250.9 K


@pytest.mark.slow
def test_model_a_q_grid_and_matsubara_convergence(model_a: PairingProblem, model_a_tc: float) -> None:
    finer = EliashbergTheory().solve_tc(dataclasses.replace(model_a, n_nodes=16), guess=model_a_tc).tc
    longer = EliashbergTheory(cutoff=30.0).solve_tc(model_a, guess=model_a_tc).tc
    assert finer == pytest.approx(model_a_tc, rel=ELIASHBERG_GRID_RTOL)  # measured 2e-15
    assert longer == pytest.approx(model_a_tc, rel=ELIASHBERG_GRID_RTOL)  # measured 1.2e-5


def test_warm_start_does_not_change_the_answer(model_a: PairingProblem, model_a_tc: float) -> None:
    cold = EliashbergTheory().solve_tc(model_a)
    assert cold.tc == pytest.approx(model_a_tc, rel=TC_SOLVE_RTOL)
    assert set(cold.extras) == set(EliashbergTheory.diagnostics)
    assert 1.0 < cold.extras["Z_active"] < 1.0 + cold.extras["lambda_eff"]


# ------------------------------------------------------------------------------ plug-in contract


@pytest.mark.slow
def test_below_resolved_floor_is_reported_not_computed() -> None:
    """λ = 0.1: Tc ~ 1e-5 Ω is below what 1024 Matsubara frequencies resolve."""
    theory = EliashbergTheory(coupling="lambda")
    problem = _deep_band_problem(0.1, 2000.0)
    res = theory.solve_tc(problem)
    assert res.status == Status.BELOW_FLOOR
    assert res.tc == 0.0
    assert res.floor == pytest.approx(theory.lowest_tc(problem), rel=ROUNDING_RTOL)
    assert res.floor == pytest.approx(15 * OMEGA / (2 * math.pi * 1024 * KB), rel=ROUNDING_RTOL)
    assert math.isnan(res.extras["Z_active"])
    assert res.extras["tc_floor"] == res.floor
    bench = constant_dos_tc(0.1, OMEGA)
    assert bench.status == Status.BELOW_FLOOR and bench.tc == 0.0


def test_registry_options_and_errors(model_a: PairingProblem) -> None:
    theory = get_theory("eliashberg", mu_star=0.1, cutoff=10.0)
    assert isinstance(theory, EliashbergTheory)
    assert '"mu_star": 0.1' in theory_attrs(theory)["theory_options"]
    with pytest.raises(InputError, match="known options"):
        get_theory("eliashberg", mu=0.1)
    with pytest.raises(InputError, match="coupling"):
        EliashbergTheory(coupling="bcs")
    with pytest.raises(InputError, match="mu_star"):
        EliashbergTheory(mu_star=-0.1)
    with pytest.raises(InputError, match="mu_mode"):
        theory.solve_tc(model_a, mu_mode="canonical")
    with pytest.raises(InputError, match="lambda"):
        constant_dos_tc([[1.0, 0.2], [0.3, 1.0]], OMEGA)


def test_isotope_coefficient_of_a_deep_band_is_one_half() -> None:
    theory = EliashbergTheory(coupling="lambda")
    alpha = theory.isotope(_deep_band_problem(1.0, 2000.0))
    assert alpha == pytest.approx(0.5, abs=5e-3)  # exactly ½ for constant DOS; O(Ω/E_F) here


# ------------------------------------------------------------------------------ command line


def test_cli_eliashberg_tc_json_matches_the_library() -> None:
    import json

    from click.testing import CliRunner

    from multigap.cli import main

    result = CliRunner().invoke(
        main, ["eliashberg-tc", "--lambda", "1", "--omega-e", "20", "--mu-star", "0.1", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["tc_K"] == pytest.approx(constant_dos_tc(1.0, 20.0, 0.1).tc, rel=TC_SOLVE_RTOL)
    assert data["status"] == "converged"
    matrix = CliRunner().invoke(main, ["eliashberg-tc", "--lambda", "1,0.2;0.2,0.5", "--omega-e", "20"])
    assert matrix.exit_code == 0 and "Tc = " in matrix.output
    bad = CliRunner().invoke(main, ["eliashberg-tc", "--lambda", "1,0.2;0.3,0.5", "--omega-e", "20"])
    assert bad.exit_code == 2 and "symmetric" in bad.output


@pytest.mark.slow
def test_map_stores_the_eliashberg_diagnostics_and_the_theory() -> None:
    """The sweep engine needs no edit: a 2 x 2 map records Z_active, lambda_eff, chi_active and
    tc_floor as variables and the theory with its options in the attributes."""
    from multigap.sweep import run_map

    ds = run_map(
        preset("A"),
        [0.75, 1.0],
        [0.35, 0.4],
        theory="eliashberg",
        theory_options={"mu_star": 0.05},
        executor="serial",
        progress=False,
    ).dataset
    assert ds.attrs["theory"] == "eliashberg"
    assert '"mu_star": 0.05' in ds.attrs["theory_options"]
    for name in EliashbergTheory.diagnostics:
        assert name in ds and ds[name].shape == (2, 2)
    assert np.all(ds["status"].values == Status.CONVERGED.code)
    assert np.all(ds["Z_active"].values > 1.0)
    one = EliashbergTheory(mu_star=0.05).solve_tc(pairing_problem(preset("A"), 1.0, g=0.4))
    assert float(ds["tc"].sel(eta=1.0, g=0.4)) == pytest.approx(one.tc, rel=TC_SOLVE_RTOL)


def test_leading_eigenvalue_is_one_at_tc(model_a: PairingProblem, model_a_tc: float) -> None:
    theory = EliashbergTheory()
    at_tc = theory.leading_eigenvalue(model_a, model_a_tc)
    assert at_tc == pytest.approx(1.0, abs=1e-8)
    assert (
        theory.leading_eigenvalue(model_a, 0.9 * model_a_tc)
        > 1.0
        > theory.leading_eigenvalue(model_a, 1.1 * model_a_tc)
    )


def test_comparison_figure_marks_both_maxima_and_checks_its_inputs() -> None:
    import xarray as xr

    from multigap.figures import eliashberg_figure

    eta, g = np.array([0.5, 1.0, 1.5]), np.array([0.3, 0.4])

    def fake(theory: str, tc: np.ndarray) -> xr.Dataset:
        dims = ("eta", "g")
        variables = {
            "tc": (dims, tc),
            "status": (dims, np.zeros(tc.shape, "int8")),
            "mu0": (dims, np.add.outer(100.0 * eta, 0 * g)),
        }
        if theory == "eliashberg":
            variables["Z_active"] = (dims, 1.3 + 0.1 * tc / tc.max())
        return xr.Dataset(variables, coords={"eta": eta, "g": g}, attrs={"theory": theory})

    bcs = fake("bcs", np.array([[100.0, 150.0], [200.0, 250.0], [120.0, 140.0]]))
    eli = fake("eliashberg", np.array([[90.0, 130.0], [110.0, 140.0], [60.0, 70.0]]))
    fig = eliashberg_figure(bcs, eli)
    ax_e, ax_d, ax_z = fig.axes[:3]
    stars = [line for line in ax_e.get_lines() if line.get_marker() == "*"]
    assert len(stars) == 2  # Eliashberg maximum (1.0, 0.4) and BCS maximum (1.0, 0.4)
    xy = np.asarray(stars[0].get_xydata())
    assert xy.tolist() == [[1.0, 0.4]]
    diff = np.asarray(ax_d.collections[0].get_array())
    assert float(np.min(diff)) == -110.0  # 140 − 250
    assert len(ax_z.get_lines()) == 2  # two couplings with data
    with pytest.raises(InputError, match="Z_active"):
        eliashberg_figure(bcs, bcs)
    with pytest.raises(InputError, match="grid"):
        eliashberg_figure(bcs, eli.isel(eta=[0, 1]))


# ------------------------------------------------------------------------------ gaps below Tc


def test_pade_reproduces_a_rational_function_off_the_axis() -> None:
    from multigap.eliashberg_pade import pade_coefficients, pade_eval

    z = 1j * np.pi * (2 * np.arange(12) + 1.0)
    f = (z + 3.0) / ((z - 1.0 + 0.5j) * (z + 2.0))
    a = pade_coefficients(z, f)
    w = np.array([0.3, 1.7 + 0.01j, 5.0])
    exact = (w + 3.0) / ((w - 1.0 + 0.5j) * (w + 2.0))
    np.testing.assert_allclose(pade_eval(z, a, w), exact, rtol=ELIASHBERG_PADE_RTOL)


@pytest.mark.slow
def test_weak_coupling_gap_ratio_is_bcs_and_edge_equals_matsubara_gap() -> None:
    """2Δ/k_BTc → 2π/e^γ = 3.528 and Δ_edge = Δ(iπT) as λ → 0 (Mirabi, Boyack, Marsiglio 2020);
    the strong-coupling correction 12.5 (Tc/Ω)² ln(Ω/2Tc) (Mitrović, Zarate, Carbotte 1984) is
    +0.5 % at λ = 0.3."""
    from multigap.constants import BCS_GAP_RATIO
    from multigap.eliashberg import constant_dos_gap

    r = constant_dos_gap(0.3, OMEGA)
    assert r.ratio[0] == pytest.approx(BCS_GAP_RATIO, rel=0.01)  # measured 3.538 (+0.3 %)
    assert r.gap_edge[0] == pytest.approx(r.gap_matsubara[0], rel=1e-3)  # measured 2.5e-4


@pytest.mark.slow
def test_strong_coupling_gap_ratio_follows_mitrovic_zarate_carbotte() -> None:
    from multigap.eliashberg import constant_dos_gap

    ratios = []
    for lam in (0.5, 1.0, 2.0):
        r = constant_dos_gap(lam, OMEGA)
        t = KB * r.tc / OMEGA
        mzc = 3.53 * (1 + 12.5 * t * t * math.log(1 / (2 * t)))
        assert r.ratio[0] == pytest.approx(mzc, rel=0.05)  # measured −1.5 %, −3.5 %, +1.0 %
        ratios.append(float(r.ratio[0]))
    assert ratios[0] < ratios[1] < ratios[2]  # 3.65, 4.23, 5.28


def test_deep_band_gap_equals_constant_dos_gap() -> None:
    from multigap.eliashberg import constant_dos_gap

    ref = constant_dos_gap(1.0, OMEGA)
    s = EliashbergTheory(coupling="lambda").solve_gaps(_deep_band_problem(1.0, 2000.0), mu_mode="fixed")
    assert s.result.status == "converged"
    assert s.gaps.mean[0] == pytest.approx(ref.gap_edge[0], rel=V0_VS_CONSTANT_DOS_RTOL)  # measured 7e-4
    assert s.result.temperature == pytest.approx(GAP_TC_FRACTION * s.tc, rel=ROUNDING_RTOL)


@pytest.mark.slow
def test_model_a_gaps_strong_coupling_ratio_and_normal_above_tc(model_a: PairingProblem) -> None:
    theory = EliashbergTheory()
    s = theory.solve_gaps(model_a, mu_mode="fixed")
    bcs = get_theory("bcs").solve_gaps(model_a, mu_mode="fixed")
    assert s.result.status == "converged" and s.mu_shift == 0.0
    assert s.ratios[2] > bcs.ratios[2] > 3.5  # measured 4.14 vs 3.83 (strong coupling)
    assert s.anisotropy() > 10  # Δ₃/Δ₂ measured 19.9 (BCS 23.0)
    assert np.all(s.gaps.minimum <= s.gaps.mean) and np.all(s.gaps.mean <= s.gaps.maximum)
    hot = theory.solve_gaps(model_a, temperature=1.01 * s.tc, mu_mode="fixed")
    assert hot.result.status == "normal" and np.all(hot.gaps.mean == 0)


@pytest.mark.slow
def test_gaps_below_the_resolved_floor_fail_with_a_message() -> None:
    theory = EliashbergTheory(coupling="lambda", max_matsubara=128)  # floor 4.33 K
    near = _deep_band_problem(1.0, 2000.0)  # Tc = 26.6 K: the floor is 0.16 Tc > 0.05 Tc
    s = theory.solve_gaps(near, mu_mode="fixed")
    assert s.result.temperature == pytest.approx(theory.lowest_tc(near), rel=ROUNDING_RTOL)
    assert s.ratios[0] == pytest.approx(4.23, rel=0.01)  # still the T -> 0 gap (4.232)
    problem = _deep_band_problem(0.5, 2000.0)  # Tc = 9.2 K: the floor is 0.47 Tc
    tc = theory.solve_tc(problem)
    assert tc.status == Status.CONVERGED and tc.tc < 4 * theory.lowest_tc(problem)
    with pytest.raises(ConvergenceError, match="max_matsubara"):
        theory.solve_gaps(problem, mu_mode="fixed", tc=tc)
    assert theory.solve_gaps(problem, temperature=0.6 * tc.tc, mu_mode="fixed").result.status == "converged"
