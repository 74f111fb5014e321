"""Single-point pairing Datasets and pairing overrides: units, attrs, recomputation from the file.

η cuts moved to :func:`multigap.sweep.run_cut` (tests/test_sweep_cuts.py)."""

import numpy as np
import pytest
import xarray as xr

from multigap import critical_temperature, isotope_coefficient, zero_temperature_gaps
from multigap.datasets import (
    anisotropy_bands,
    gaps_point_dataset,
    isotope_point_dataset,
    tc_point_dataset,
    with_pairing_overrides,
)
from multigap.errors import ModelError
from multigap.io import model_from_dataset, read_dataset, write_dataset
from multigap.presets import preset
from multigap.problem import pairing_problem

ETAS = (0.5, 1.0)
G = 0.3


def _assert_units_everywhere(ds: xr.Dataset) -> None:
    for name, var in ds.variables.items():
        assert "units" in var.attrs, name
        assert var.attrs.get("long_name"), name


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
