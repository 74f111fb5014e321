"""k_x-integrated kernels: fast graded quadrature against adaptive quadrature and exact limits."""

import math

import numpy as np
import pytest

from multigap.constants import HBAR2_2ME, KB
from multigap.kernels import (
    _k_over_pref,
    _low_temperature_asymptotics,
    gap_kernel,
    occupation,
    occupation_reference,
    pair_susceptibility,
    pair_susceptibility_derivatives,
    pair_susceptibility_reference,
    prefactor,
)
from multigap.quadrature import gauss_legendre, graded_nodes, graded_panels
from tolerances import ASYMPTOTIC_DK_RTOL, ASYMPTOTIC_K_RTOL, KERNEL_LIMIT_RTOL, ROUNDING_RTOL

OMEGA = 150.0
# states deep below, inside, near the edges of and above the pairing shell
A_VALUES = np.array(
    [-2500.0, -300.0, -150.5, -149.5, -20.0, -1.0, -1e-4, 0.0, 1e-4, 3.0, 100.0, 149.9, 151.0]
)


def test_prefactor_is_hbar_sqrt_2_over_m():
    # ħ√(2/m) = √(4 ħ²/(2 m_e) / m)
    assert prefactor(1.0) == pytest.approx(2.0 * math.sqrt(HBAR2_2ME), rel=ROUNDING_RTOL)
    assert prefactor(4.0) == pytest.approx(prefactor(1.0) / 2.0, rel=ROUNDING_RTOL)


@pytest.mark.parametrize("temperature", [300.0, 30.0, 1.0, 1e-3])
def test_pair_susceptibility_matches_adaptive_quadrature(temperature):
    kt = KB * temperature
    fast = pair_susceptibility(A_VALUES, kt, OMEGA, 1.0)
    ref = pair_susceptibility_reference(A_VALUES, kt, OMEGA, 1.0)
    nonzero = ref != 0
    assert np.all(fast[~nonzero] == 0.0)
    np.testing.assert_allclose(fast[nonzero], ref[nonzero], rtol=1e-7)


def test_pair_susceptibility_at_the_floor_temperature_is_converged():
    kt = KB * 1e-8
    k8 = pair_susceptibility(A_VALUES, kt, OMEGA, 1.0, n_nodes=8)
    k16 = pair_susceptibility(A_VALUES, kt, OMEGA, 1.0, n_nodes=16)
    np.testing.assert_allclose(k8, k16, rtol=1e-7)
    # deep state: K ≈ (pref/2 s_p)[2 ln(2e^γ ω/(π k_BT))] up to O(ω/|a|) corrections
    a = -1e7
    k = pair_susceptibility(np.array([a]), kt, OMEGA, 1.0)[0]
    log_term = 2.0 * math.log(2.0 * math.exp(0.5772156649015329) * OMEGA / (math.pi * kt))
    assert k == pytest.approx(prefactor(1.0) / (2.0 * math.sqrt(-a)) * log_term, rel=KERNEL_LIMIT_RTOL)


@pytest.mark.parametrize("temperature", [1e-8, 1e-4, 1.0, 30.0])
def test_low_temperature_asymptotics_match_quadrature(temperature):
    kt = KB * temperature
    a = np.concatenate([-np.logspace(-6, 3.5, 120), np.logspace(-6, 3.5, 120), [-149.9, -150.1, 149.9]])
    k1, t1, w1 = pair_susceptibility_derivatives(a, kt, OMEGA, 1.0, analytic=True)
    k0, t0, w0 = pair_susceptibility_derivatives(a, kt, OMEGA, 1.0, analytic=False)
    scale = np.maximum(np.abs(k0), 1e-300)
    assert np.max(np.abs(k1 - k0) / scale) < 1e-7
    assert np.max(np.abs(t1 - t0) / scale) < 1e-7
    np.testing.assert_array_equal(w1, w0)


def test_low_temperature_closed_form_at_the_edge_of_its_use():
    """k_BT up to 1e-2 |a| below the Fermi level: the Sommerfeld terms keep K exact to ~1e-11
    (deep states, and shallow ones whose lower shell edge is the band bottom ξ = a)."""
    for omega, a in [(300.0, -200.0), (300.0, -1000.0), (300.0, -3000.0), (300.0, -5.0), (30.0, -0.5)]:
        for ratio in (3e-3, 5e-3, 1e-2):
            kt = ratio * abs(a)
            arr = np.array([a])
            done, k, dk = _low_temperature_asymptotics(arr, np.array([kt]), np.array([omega]))
            sp, s_hi, s_lo = math.sqrt(-a), math.sqrt(omega - a), math.sqrt(max(-omega - a, 0.0))
            if min(s_hi - sp, sp - s_lo) < 40.0 * kt / sp:  # too few peak widths: quadrature
                assert not done[0]
                continue
            assert done[0], (a, ratio)
            k_ref, dk_ref = _k_over_pref(arr, kt, omega, 16, False)
            assert k[0] == pytest.approx(k_ref[0], rel=ASYMPTOTIC_K_RTOL)
            assert dk[0] == pytest.approx(dk_ref[0], rel=ASYMPTOTIC_DK_RTOL)


def test_pair_susceptibility_scales_with_mass():
    kt = KB * 10.0
    np.testing.assert_allclose(
        pair_susceptibility(A_VALUES, kt, OMEGA, 4.0), 0.5 * pair_susceptibility(A_VALUES, kt, OMEGA, 1.0)
    )


def test_derivatives_match_finite_differences():
    kt = KB * 40.0
    a = A_VALUES[(A_VALUES > -140) & (A_VALUES < 140)]  # away from the shell-edge kinks
    k, dk_t, dk_w = pair_susceptibility_derivatives(a, kt, OMEGA, 1.0)
    h = 1e-5
    fd_t = (
        pair_susceptibility(a, kt * math.exp(h), OMEGA, 1.0)
        - pair_susceptibility(a, kt * math.exp(-h), OMEGA, 1.0)
    ) / (2 * h)
    fd_w = (
        pair_susceptibility(a, kt, OMEGA * math.exp(h), 1.0)
        - pair_susceptibility(a, kt, OMEGA * math.exp(-h), 1.0)
    ) / (2 * h)
    np.testing.assert_allclose(k, pair_susceptibility(a, kt, OMEGA, 1.0), rtol=ROUNDING_RTOL)
    np.testing.assert_allclose(dk_t, fd_t, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(dk_w, fd_w, rtol=1e-6)


def test_gap_kernel_reduces_to_pair_susceptibility_for_vanishing_gap():
    kt = KB * 20.0
    np.testing.assert_allclose(
        gap_kernel(A_VALUES, 1e-9, kt, OMEGA, 1.0),
        pair_susceptibility(A_VALUES, kt, OMEGA, 1.0),
        rtol=KERNEL_LIMIT_RTOL,
    )


def test_gap_kernel_zero_temperature_deep_state_is_the_bcs_integral():
    # a ≪ −ω: F ≈ (pref/2s_p) ∫_{−ω}^{ω} dξ/√(ξ²+Δ²) = (pref/s_p) asinh(ω/Δ)
    a, delta = -1e8, 2.0
    f = gap_kernel(np.array([a]), delta, 0.0, OMEGA, 1.0)[0]
    assert f == pytest.approx(
        prefactor(1.0) / math.sqrt(-a) * math.asinh(OMEGA / delta), rel=KERNEL_LIMIT_RTOL
    )


@pytest.mark.parametrize("temperature", [0.0, 1.0, 30.0, 300.0])
@pytest.mark.parametrize("delta", [0.0, 0.5, 20.0])
def test_occupation_matches_adaptive_quadrature(temperature, delta):
    kt = KB * temperature
    if temperature == 0.0 and delta == 0.0:
        # normal state at T = 0: 2k_F/π exactly
        a = A_VALUES
        expected = np.where(a < 0, 2.0 / np.pi * np.sqrt(np.maximum(-a, 0) / HBAR2_2ME), 0.0)
        np.testing.assert_allclose(occupation(a, 0.0, 0.0, OMEGA, 1.0), expected, rtol=1e-12, atol=1e-300)
        return
    fast = occupation(A_VALUES, delta, kt, OMEGA, 1.0)
    ref = occupation_reference(A_VALUES, delta, kt, OMEGA, 1.0)
    np.testing.assert_allclose(fast, ref, rtol=2e-6, atol=1e-9)


def test_graded_nodes_integrate_log_and_inverse_sqrt_singularities():
    length = np.array([1.0, 2.0])
    u, w = graded_nodes(length, np.array([1e-12, 1e-9]), 8)
    np.testing.assert_allclose(w.sum(axis=1), length, rtol=ROUNDING_RTOL)
    # ∫_0^L u^{-1/2} du = 2√L ; ∫_0^L ln(u) du = L ln L − L
    np.testing.assert_allclose(np.sum(w / np.sqrt(u), axis=1), 2 * np.sqrt(length), rtol=1e-5)
    np.testing.assert_allclose(
        np.sum(w * np.log(u), axis=1), length * np.log(length) - length, rtol=1e-9, atol=1e-9
    )
    # a tanh peak of width 1e-10 at 0: ∫_0^1 tanh(u/ε)/u du ≈ ln(4e^γ/(π ε)) + O(ε)
    eps = 1e-10
    u, w = graded_nodes(np.array([1.0]), np.array([eps]), 8)
    val = np.sum(w * np.tanh(u / eps) / u)
    ref = math.log(4.0 * math.exp(0.5772156649015329) / (math.pi * eps))
    assert val == pytest.approx(ref, rel=1e-8)  # 8 nodes, panel ratio 3


def test_graded_panels_are_the_panels_of_graded_nodes():
    """The flat panels of the kernel give graded_nodes' nodes and weights, interval by interval."""
    rng = np.random.default_rng(7)
    length = rng.uniform(0.0, 5.0, 300)
    length[::7] = 0.0
    scale = 10.0 ** rng.uniform(-14.0, 1.0, 300)
    owner, lo, width, count = graded_panels(length, scale)
    u, w = graded_nodes(length, scale, 8)
    x, wq = gauss_legendre(8)
    assert np.array_equal(np.bincount(owner, minlength=300), count)
    assert not count[length == 0].any()
    for i in range(300):
        sel = owner == i
        nodes = (lo[sel, None] + width[sel, None] * x).ravel()
        weights = (width[sel, None] * wq).ravel()
        n = nodes.size
        # the same expressions: equal to rounding (here bit for bit), the rest of the row padding
        np.testing.assert_allclose(nodes, u[i, :n], rtol=ROUNDING_RTOL, atol=0.0)
        np.testing.assert_allclose(weights, w[i, :n], rtol=ROUNDING_RTOL, atol=0.0)
        assert not w[i, n:].any()
