"""η cuts and single-point pairing Datasets: units, attrs, NaN policy, and recomputation from the file."""

import math

import numpy as np
import pytest
import xarray as xr

from multigap import __version__, critical_temperature, isotope_coefficient, zero_temperature_gaps
from multigap.constants import KB
from multigap.datasets import (
    anisotropy_bands,
    eta_cut_dataset,
    gaps_point_dataset,
    isotope_point_dataset,
    tc_point_dataset,
    with_pairing_overrides,
)
from multigap.errors import InputError, ModelError
from multigap.io import model_from_dataset, read_dataset, write_dataset
from multigap.model import dumps_model
from multigap.presets import preset
from multigap.problem import pairing_problem

ETAS = (0.5, 1.0)
G = 0.3


def _assert_units_everywhere(ds: xr.Dataset) -> None:
    for name, var in ds.variables.items():
        assert "units" in var.attrs, name
        assert var.attrs.get("long_name"), name


@pytest.fixture(scope="module")
def cut_a() -> xr.Dataset:
    return eta_cut_dataset(preset("A"), ETAS, G)


@pytest.fixture(scope="module")
def cut_a_file(cut_a, tmp_path_factory) -> xr.Dataset:
    return read_dataset(write_dataset(cut_a, tmp_path_factory.mktemp("cut") / "cut_A.nc"))


def test_eta_cut_has_units_attrs_and_the_model_with_g(cut_a):
    _assert_units_everywhere(cut_a)
    assert list(cut_a["eta"].values) == list(ETAS)
    assert cut_a["gap"].dims == ("band", "eta") and cut_a.sizes["band"] == 3
    assert cut_a["tc"].attrs["units"] == "K"
    assert cut_a["gap"].attrs["units"] == "meV" and cut_a["mu_shift"].attrs["units"] == "meV"
    assert cut_a["gap_ratio"].attrs["units"] == "1" and cut_a["alpha"].attrs["units"] == "1"
    model = preset("A").with_g(G)
    assert cut_a.attrs["model_toml"] == dumps_model(model)
    assert cut_a.attrs["g"] == G
    assert cut_a.attrs["multigap_version"] == __version__
    assert cut_a.attrs["mu_mode"] == "density"
    assert (cut_a.attrs["anisotropy_upper"], cut_a.attrs["anisotropy_lower"]) == (3, 2)
    assert "NaN" in cut_a.attrs["missing_values"]
    assert "failures" not in cut_a.attrs
    assert list(cut_a["status"].values) == ["converged"] * 2
    assert list(cut_a["gap_status"].values) == ["converged"] * 2
    # internal consistency: ratios are 2 Delta / k_B Tc, anisotropy Delta_3 / Delta_2, mu0 = E_L + eta dE
    np.testing.assert_allclose(
        cut_a["gap_ratio"].values, 2 * cut_a["gap"].values / (KB * cut_a["tc"].values), rtol=1e-14
    )
    np.testing.assert_allclose(
        cut_a["anisotropy"].values, cut_a["gap"].sel(band=3) / cut_a["gap"].sel(band=2), rtol=1e-14
    )
    np.testing.assert_allclose(
        cut_a["mu0"].values, float(cut_a["E_L"]) + cut_a["eta"].values * float(cut_a["dE"]), rtol=1e-14
    )


def test_a_point_recomputed_from_the_file_model_equals_the_stored_value(cut_a, cut_a_file):
    xr.testing.assert_identical(cut_a_file[["tc", "gap", "alpha"]], cut_a[["tc", "gap", "alpha"]])
    model = model_from_dataset(cut_a_file)
    assert model == preset("A").with_g(G)
    i = 1
    eta = float(cut_a_file["eta"].values[i])
    assert critical_temperature(model, eta=eta).tc == cut_a_file["tc"].values[i]
    summary = zero_temperature_gaps(model, eta=eta)
    np.testing.assert_array_equal(summary.gaps.mean, cut_a_file["gap"].values[:, i])
    np.testing.assert_array_equal(summary.ratios, cut_a_file["gap_ratio"].values[:, i])
    assert summary.mu_shift == cut_a_file["mu_shift"].values[i]
    assert summary.anisotropy() == cut_a_file["anisotropy"].values[i]
    assert isotope_coefficient(model, eta=eta) == cut_a_file["alpha"].values[i]


def test_below_floor_points_are_skipped_with_a_status_not_a_silent_nan(tmp_path):
    # bands 1, 2 nearly uncoupled, no interband coupling: at eta = -1 the active band is empty
    # (and more than omega~ below mu), so Tc < 1e-8 K; at eta = 0.5 band 3 alone pairs
    model = with_pairing_overrides(preset("A"), interband=[[0.01, 0, 0], [0, 0.01, 0], [0, 0, 0.15]])
    ds = read_dataset(write_dataset(eta_cut_dataset(model, [-1.0, 0.5]), tmp_path / "floor.nc"))
    assert list(ds["status"].values) == ["below_floor", "converged"]
    assert list(ds["gap_status"].values) == ["skipped_below_floor", "converged"]
    assert ds["tc"].values[0] == 0.0 and ds["tc"].values[1] > 0
    for name in ("gap", "gap_ratio", "mu_shift", "anisotropy", "alpha"):
        assert np.all(np.isnan(ds[name].values[..., 0])), name
    assert np.all(np.isfinite(ds["gap"].values[:, 1]))
    # decoupled bands 1, 2 carry no gap: Delta_3/Delta_2 is undefined, not inf
    np.testing.assert_array_equal(ds["gap"].values[:2, 1], 0.0)
    assert ds["gap"].values[2, 1] > 0
    assert np.isnan(ds["anisotropy"].values[1])
    # a one-band BCS limit: 2 Delta / k_B Tc close to the weak-coupling 3.53
    assert ds["gap_ratio"].values[2, 1] == pytest.approx(3.53, abs=0.05)
    assert model_from_dataset(ds) == model


def test_without_gaps_or_isotope_the_variables_are_absent():
    ds = eta_cut_dataset(preset("B"), [1.0], with_gaps=False, with_isotope=False)
    assert {"gap", "gap_ratio", "anisotropy", "mu_shift", "gap_status", "alpha"}.isdisjoint(ds.variables)
    assert ds["tc"].values[0] == critical_temperature(preset("B"), eta=1.0).tc
    assert ds.attrs["g"] == pytest.approx(1 / 3)


def test_progress_bar_goes_to_stderr(capsys):
    eta_cut_dataset(preset("A"), [1.0], with_gaps=False, with_isotope=False, progress=True)
    err = capsys.readouterr().err
    assert "model A" in err and "1/1" in err


def test_eta_cut_rejects_bad_inputs():
    with pytest.raises(InputError, match="eta"):
        eta_cut_dataset(preset("A"), [])
    with pytest.raises(InputError, match="non-finite"):
        eta_cut_dataset(preset("A"), [0.5, math.nan])
    with pytest.raises(InputError, match="mu_mode"):
        eta_cut_dataset(preset("A"), [0.5], mu_mode="grand")
    with pytest.raises(ModelError, match=r"pairing\.g.*< 0\.5"):
        eta_cut_dataset(preset("A"), [0.5], g=0.5)


def test_overrides_build_the_same_problem_as_the_solver_keywords():
    base = preset("B")
    kwargs = {"g": 0.2, "interband": 0.05, "omega0": 300.0, "n_nodes": 10}
    folded = with_pairing_overrides(base, **kwargs)
    direct = pairing_problem(base, 0.7, **kwargs)
    via_model = pairing_problem(folded, 0.7)
    np.testing.assert_array_equal(via_model.g, direct.g)
    assert (via_model.omega, via_model.mu0, via_model.n_nodes) == (direct.omega, direct.mu0, direct.n_nodes)
    assert folded.pairing.omega0 == 300.0 and folded.numerics.n_q == 10
    assert with_pairing_overrides(base) is base
    with pytest.raises(ModelError, match="interband"):
        with_pairing_overrides(base, interband=[[0.1, 0.0], [0.0, 0.1]])


def test_anisotropy_bands_follow_the_active_band():
    assert anisotropy_bands(preset("A")) == (3, 2)
    from dataclasses import replace

    assert anisotropy_bands(replace(preset("A"), active_band=1)) == (1, 2)


def test_point_datasets_round_trip_with_units_and_model(tmp_path):
    model = preset("A").with_g(0.35)
    tc = critical_temperature(model, eta=1.0)
    summary = zero_temperature_gaps(model, eta=1.0, mu_mode="fixed")
    alpha = isotope_coefficient(model, eta=1.0)
    for ds in (
        tc_point_dataset(model, 1.0, tc),
        gaps_point_dataset(model, 1.0, summary),
        isotope_point_dataset(model, 1.0, alpha, tc, "hellmann-feynman"),
    ):
        _assert_units_everywhere(ds)
        back = read_dataset(write_dataset(ds, tmp_path / "point.nc"))
        xr.testing.assert_equal(back, ds)
        assert model_from_dataset(back) == model
        assert float(back["eta"]) == 1.0 and float(back["g"]) == 0.35
        assert float(back["tc"]) == tc.tc
    gaps = gaps_point_dataset(model, 1.0, summary)
    np.testing.assert_array_equal(gaps["gap"].values, summary.gaps.mean)
    assert float(gaps["mu_shift"]) == 0.0  # mu_mode fixed
    assert float(gaps["anisotropy"]) == summary.anisotropy()
