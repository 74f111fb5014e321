"""η cuts (:func:`multigap.sweep.run_cut`): units, attrs, Status codes, NaN policy, recomputation."""

from __future__ import annotations

import math

import numpy as np
import pytest
import xarray as xr

from multigap import __version__, critical_temperature, isotope_coefficient, zero_temperature_gaps
from multigap.constants import KB
from multigap.datasets import with_pairing_overrides
from multigap.errors import InputError
from multigap.io import model_from_dataset, read_dataset, write_dataset
from multigap.model import dumps_model
from multigap.presets import preset
from multigap.problem import pairing_problem
from multigap.status import STATUS_MEANINGS, Status
from multigap.sweep import run_cut
from multigap.theories import get_theory
from tolerances import ROUNDING_RTOL, SWEEP_WARM_GAP_RTOL

ETAS = (0.5, 1.0)
G = 0.3

CONVERGED = Status.CONVERGED.code


def _assert_units_everywhere(ds: xr.Dataset) -> None:
    for name, var in ds.variables.items():
        assert "units" in var.attrs, name
        assert var.attrs.get("long_name"), name


@pytest.fixture(scope="module")
def cut_a() -> xr.Dataset:
    return run_cut(preset("A"), ETAS, g=G)


@pytest.fixture(scope="module")
def cut_a_file(cut_a, tmp_path_factory) -> xr.Dataset:
    return read_dataset(write_dataset(cut_a, tmp_path_factory.mktemp("cut") / "cut_A.nc"))


def test_eta_cut_has_units_attrs_and_the_model_with_g(cut_a):
    _assert_units_everywhere(cut_a)
    assert list(cut_a["eta"].values) == list(ETAS)
    assert cut_a["gap"].dims == ("band", "eta") and cut_a.sizes["band"] == 3
    assert cut_a["tc"].attrs["units"] == "K" and cut_a["omega"].dims == ()
    assert cut_a["gap"].attrs["units"] == "meV" and cut_a["mu_shift"].attrs["units"] == "meV"
    assert cut_a["gap_ratio"].attrs["units"] == "1" and cut_a["alpha"].attrs["units"] == "1"
    assert cut_a.attrs["model_toml"] == dumps_model(preset("A").with_g(G))
    assert cut_a.attrs["g"] == G and cut_a.attrs["multigap_version"] == __version__
    assert cut_a.attrs["mu_mode"] == "density" and cut_a.attrs["tc_mu_mode"] == "fixed"
    assert cut_a.attrs["theory"] == "bcs" and cut_a.attrs["bound"] == "none"
    assert (cut_a.attrs["anisotropy_upper"], cut_a.attrs["anisotropy_lower"]) == (3, 2)
    assert "NaN" in cut_a.attrs["missing_values"] and "s+-" in cut_a.attrs["missing_values"]
    for name in ("status", "gap_status", "alpha_status"):
        assert cut_a[name].dtype == np.int8 and cut_a[name].attrs["flag_meanings"] == STATUS_MEANINGS
        assert cut_a[name].values.tolist() == [CONVERGED] * 2
    assert cut_a.attrs["n_failed"] == 0 and list(cut_a["message"].values) == ["", ""]
    np.testing.assert_allclose(
        cut_a["gap_ratio"].values, 2 * cut_a["gap"].values / (KB * cut_a["tc"].values), rtol=ROUNDING_RTOL
    )
    np.testing.assert_allclose(
        cut_a["anisotropy"].values, cut_a["gap"].sel(band=3) / cut_a["gap"].sel(band=2), rtol=ROUNDING_RTOL
    )
    np.testing.assert_allclose(
        cut_a["mu0"].values,
        float(cut_a["E_L"]) + cut_a["eta"].values * float(cut_a["dE"]),
        rtol=ROUNDING_RTOL,
    )


def test_a_point_recomputed_from_the_file_model_equals_the_stored_value(cut_a, cut_a_file):
    names = ["tc", "gap", "alpha"]
    xr.testing.assert_identical(cut_a_file[names].drop_attrs(deep=False), cut_a[names].drop_attrs(deep=False))
    model = model_from_dataset(cut_a_file)
    assert model == preset("A").with_g(G)
    # the first point starts cold: the one-point API gives the same numbers bit for bit
    eta = float(cut_a_file["eta"].values[0])
    assert cut_a_file["start_guess"].values[0] == 0.0
    assert critical_temperature(model, eta=eta).tc == cut_a_file["tc"].values[0]
    summary = zero_temperature_gaps(model, eta=eta)
    np.testing.assert_array_equal(summary.gaps.mean, cut_a_file["gap"].values[:, 0])
    np.testing.assert_array_equal(summary.ratios, cut_a_file["gap_ratio"].values[:, 0])
    assert summary.mu_shift == cut_a_file["mu_shift"].values[0]
    assert isotope_coefficient(model, eta=eta) == cut_a_file["alpha"].values[0]
    # the second starts warm from the stored start_guess: the theory with that guess agrees exactly
    eta, guess = float(cut_a_file["eta"].values[1]), float(cut_a_file["start_guess"].values[1])
    assert guess == cut_a_file["tc"].values[0]
    tc = get_theory("bcs").solve_tc(pairing_problem(model, eta), guess=guess)
    assert tc.tc == cut_a_file["tc"].values[1]
    np.testing.assert_allclose(
        zero_temperature_gaps(model, eta=eta).gaps.mean,
        cut_a_file["gap"].values[:, 1],
        rtol=SWEEP_WARM_GAP_RTOL,
    )


def test_below_floor_points_are_skipped_with_a_status_not_a_silent_nan(tmp_path):
    # bands 1, 2 nearly uncoupled, no interband coupling: at eta = -1 the active band is empty
    # (and more than omega~ below mu), so Tc < 1e-8 K; at eta = 0.5 band 3 alone pairs
    model = with_pairing_overrides(preset("A"), interband=[[0.01, 0, 0], [0, 0.01, 0], [0, 0, 0.15]])
    ds = read_dataset(write_dataset(run_cut(model, [-1.0, 0.5]), tmp_path / "floor.nc"))
    assert ds["status"].values.tolist() == [Status.BELOW_FLOOR.code, CONVERGED]
    assert ds["gap_status"].values.tolist() == [Status.SKIPPED.code, CONVERGED]
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
    ds = run_cut(preset("B"), [1.0], quantities=("tc",))
    absent = {"gap", "gap_ratio", "anisotropy", "mu_shift", "gap_status", "alpha", "alpha_status"}
    assert absent.isdisjoint(ds.variables)
    assert ds["tc"].values[0] == critical_temperature(preset("B"), eta=1.0).tc  # one point: a cold start
    assert ds.attrs["g"] == pytest.approx(1 / 3)


def test_progress_bar_goes_to_stderr(capsys):
    run_cut(preset("A"), [1.0], quantities=("tc",), progress=True)
    err = capsys.readouterr().err
    assert "eta cut A" in err and "1/1" in err


def test_executors_give_the_same_cut():
    eta = np.linspace(0.3, 1.3, 5)
    serial = run_cut(preset("A"), eta, quantities=("tc", "alpha"), chunk_size=2)
    procs = run_cut(
        preset("A"), eta, quantities=("tc", "alpha"), chunk_size=2, executor="processes", workers=2
    )
    # bit for bit: a chunk is the same sequence of floating-point operations in any process of
    # this machine (same code, same libraries; no reduction depends on the worker count)
    xr.testing.assert_identical(serial.drop_attrs(), procs.drop_attrs())


def test_eta_cut_rejects_bad_inputs():
    with pytest.raises(InputError, match="eta"):
        run_cut(preset("A"), [])
    with pytest.raises(InputError, match="non-finite"):
        run_cut(preset("A"), [0.5, math.nan])
    with pytest.raises(InputError, match="mu_mode"):
        run_cut(preset("A"), [0.5], mu_mode="grand")
    with pytest.raises(InputError, match=r"pairing\.g.*< 0\.5"):
        run_cut(preset("A"), [0.5], g=0.5)
