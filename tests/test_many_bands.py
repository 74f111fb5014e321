"""Many subbands: each band's own factor basis, computed once per model, is exact for Tc.

A band's overlap factors X_n(q) span only a few directions of the common factor space (the
Bloch densities of a band far from the others hardly change with q), so ``TabulatedBands``
keeps an orthonormal basis V_n per band and the Tc solver works with k_n × k_n kernel matrices
instead of rank × rank ones (``tc._top_eigenpairs``).  These tests compare that against the
whole factor space (``basis_rtol=None``) and check that a point still gives the same bits alone
and in a batch.
"""

from __future__ import annotations

import numpy as np
import pytest

import multigap.tc as tc_module
from multigap.bands import KronigPenneyBands
from multigap.constants import KB
from multigap.model import Model
from multigap.presets import many_subbands, preset
from multigap.problem import cached_bands, pairing_problems
from multigap.tabulated import TabulatedBands
from multigap.tc import leading_eigenvalue, solve_tc, solve_tc_many
from tolerances import REDUCED_BASIS_RTOL, TAIL_TRUNCATION_LAMBDA_RTOL, TAIL_TRUNCATION_RTOL

# band edge, van Hove point, anti-resonant side and above the band of the active band
ETAS = [-0.8, -0.3, 0.0, 0.4, 1.0, 1.6]


@pytest.fixture(scope="module", params=["A", "SL12"])
def model(request) -> Model:
    return preset("A") if request.param == "A" else many_subbands(12, 3.4)


def _full_space(model: Model) -> TabulatedBands:
    exact = KronigPenneyBands(model.lattice, model.n_bands, model.numerics.n_z)
    return TabulatedBands(exact, basis_rtol=None)


def test_band_bases_are_orthonormal_and_span_the_factors(model):
    bands = cached_bands(model)
    assert bands.band_bases is not None and len(bands.band_bases) == model.n_bands
    q = np.linspace(0.0, np.pi / bands.period, 101)
    for n, v in enumerate(bands.band_bases):
        np.testing.assert_allclose(v.T @ v, np.eye(v.shape[1]), atol=1e-14)
        x = bands.overlap_factors(q, band=n)
        # X_n(q) = (X_n(q) V_n) V_nᵀ to the basis cut (1e-11 of the factors' largest singular
        # value at the Chebyshev points, times ~3 between them: the interpolation's Lebesgue constant)
        np.testing.assert_allclose((x @ v) @ v.T, x, rtol=0.0, atol=3e-11 * np.linalg.norm(x, 2))
    ranks = [v.shape[1] for v in bands.band_bases]
    assert sum(ranks) < model.n_bands * bands.rank  # the point of the bases: smaller problems


def test_reduced_basis_tc_equals_the_whole_factor_space(model):
    reduced = [r.tc for r in solve_tc_many(pairing_problems(model, ETAS, g=0.4, bands=cached_bands(model)))]
    full = [r.tc for r in solve_tc_many(pairing_problems(model, ETAS, g=0.4, bands=_full_space(model)))]
    assert np.count_nonzero(np.array(full) > 0) >= 4
    np.testing.assert_allclose(reduced, full, rtol=REDUCED_BASIS_RTOL, atol=0.0)


def test_reduced_basis_gap_shape_equals_the_whole_factor_space(model):
    eta = 0.4
    (p_red,) = pairing_problems(model, [eta], g=0.4, bands=cached_bands(model))
    (p_full,) = pairing_problems(model, [eta], g=0.4, bands=_full_space(model))
    red, full = solve_tc(p_red).spectrum, solve_tc(p_full).spectrum
    assert red is not None and full is not None
    for a, b in zip(red.gap_on_nodes(), full.gap_on_nodes(), strict=True):
        np.testing.assert_allclose(a, b, rtol=0.0, atol=1e-9)  # max |Δ| = 1


def test_many_band_batch_gives_the_bits_of_single_solves():
    model = many_subbands(12, 3.4)
    problems = pairing_problems(model, ETAS, g=0.4, bands=cached_bands(model))
    guesses = [None, 3.0, None, 1.0, None, None]
    batch = solve_tc_many(problems, guesses=guesses)
    single = [solve_tc(p, guess=gs) for p, gs in zip(problems, guesses, strict=True)]
    for b, s in zip(batch, single, strict=True):
        assert not isinstance(b, BaseException)
        assert (b.tc, b.eigenvalue, b.iterations) == (s.tc, s.eigenvalue, s.iterations)
        if s.spectrum is not None:
            assert b.spectrum is not None
            for cb, cs in zip(b.spectrum.coefficients, s.spectrum.coefficients, strict=True):
                np.testing.assert_array_equal(cb, cs)


def test_dropping_negligible_cholesky_columns_leaves_lambda_and_tc(model, monkeypatch):
    problems = pairing_problems(model, ETAS, g=0.4, bands=cached_bands(model))
    points = [
        (p, KB * t)
        for p, r in zip(problems, solve_tc_many(problems), strict=True)
        for t in (r.tc, 3 * r.tc)
        if t > 0
    ]

    def solve():
        tcs = [r.tc for r in solve_tc_many(problems)]
        lams = [leading_eigenvalue(p, p.mu0, kt).eigenvalue for p, kt in points]
        return np.array(tcs), np.array(lams)

    tc_cut, lam_cut = solve()
    monkeypatch.setattr(tc_module, "_TAIL_RTOL", 0.0)  # keep every column
    tc_all, lam_all = solve()
    assert len(points) >= 8
    np.testing.assert_allclose(tc_cut, tc_all, rtol=TAIL_TRUNCATION_RTOL, atol=0.0)
    np.testing.assert_allclose(lam_cut, lam_all, rtol=TAIL_TRUNCATION_LAMBDA_RTOL, atol=0.0)


def test_dropping_weighs_each_band_by_its_coupling(monkeypatch):
    """A strongly coupled band with a small kernel matrix beside a weakly coupled large one: its
    small directions still count (a review's counter-example; unweighted, λ moved by 4.6e-10)."""
    c = np.stack([1e6 * np.array([[1.0, 0.9], [0.9, 1.0]]), np.diag([1.0, 5e-9])])[None]
    g = np.array([[[1e-7, 1e-3], [1e-3, 1.0]]])
    lam_cut, _ = tc_module._top_eigenpairs(c.copy(), [None, None], g, np.zeros(1, bool))
    monkeypatch.setattr(tc_module, "_TAIL_RTOL", 0.0)
    lam_all, _ = tc_module._top_eigenpairs(c.copy(), [None, None], g, np.zeros(1, bool))
    np.testing.assert_allclose(lam_cut, lam_all, rtol=TAIL_TRUNCATION_LAMBDA_RTOL, atol=0.0)
