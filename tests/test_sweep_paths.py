"""Point lists (paths) on the sweep engine: layout, coordinates, agreement with maps, bad input."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from multigap.errors import InputError
from multigap.status import Status
from multigap.sweep import compute_map, run_points, run_points_sweep
from tolerances import TC_SOLVE_RTOL


def test_path_points_equal_the_map_at_the_same_points(coarse):
    eta, g = np.array([0.0, 0.5, 1.0]), np.array([0.2, 0.35])
    both = {"warm_start": False, "quantities": ("tc", "gaps", "alpha")}
    grid = compute_map(coarse, eta, g, executor="serial", progress=False, **both)
    ee, gg = np.meshgrid(eta, g, indexing="ij")
    path = run_points(coarse, {"eta": ee.ravel(), "g": gg.ravel()}, **both)
    # cold starts on both sides: the same problem and the same call, so the same bits
    np.testing.assert_array_equal(path["tc"].values, grid["tc"].values.ravel())
    np.testing.assert_array_equal(path["alpha"].values, grid["alpha"].values.ravel())
    assert grid["gap"].dims == ("band", "eta", "g") and path["gap"].dims == ("band", "point")
    np.testing.assert_array_equal(path["gap"].values, grid["gap"].values.reshape(coarse.n_bands, -1))
    warm = run_points(coarse, {"eta": ee.ravel(), "g": gg.ravel()}, quantities=("tc",))
    # one row of 6: points 0 and 4 (every WARM_STRIDE-th) cold, 1-3 interpolated, 5 from 4
    assert (warm["start_guess"].values > 0).tolist() == [False, True, True, True, False, True]
    np.testing.assert_allclose(
        warm["tc"].values, path["tc"].values, rtol=TC_SOLVE_RTOL
    )  # warm vs cold starts


def test_path_coordinates_gaps_and_repeated_points(coarse):
    points = {
        "eta": [1.0, 1.0, 0.6],
        "g": [0.3, 0.3, 0.3],
        "omega0": [300.0, 300.0, 250.0],
        "pressure": [0, 2, 4],
    }
    run = run_points_sweep(
        coarse, points, quantities=("tc", "gaps"), executor="processes", workers=2, chunk_size=1
    )
    ds = run.dataset
    assert run.chunks_total == 3 and run.executor == "processes"
    assert ds["tc"].dims == ("point",) and ds["gap"].dims == ("band", "point")
    assert ds["pressure"].dims == ("point",) and ds["omega0"].attrs["units"] == "meV"
    assert ds["tc"].values[0] == ds["tc"].values[1]  # a repeated point, chunk_size 1: both cold
    assert ds["omega"].values[2] < ds["omega"].values[0]  # the cutoff follows omega0
    assert np.all(ds["gap_status"].values == Status.CONVERGED.code)
    serial = run_points(coarse, points, quantities=("tc", "gaps"), chunk_size=1)
    xr.testing.assert_identical(serial.drop_attrs(), ds.drop_attrs())  # any executor, the same bits


def test_path_rejects_bad_point_lists(coarse):
    with pytest.raises(InputError, match="missing 'g'"):
        run_points(coarse, {"eta": [0.5]})
    with pytest.raises(InputError, match="one value per point"):
        run_points(coarse, {"eta": [0.5, 1.0], "g": [0.3]})
    with pytest.raises(InputError, match="unknown keys"):
        run_points(coarse, {"eta": [0.5], "g": [0.3], "T": [1.0]})
    with pytest.raises(InputError, match="omega0"):
        run_points(coarse, {"eta": [0.5], "g": [0.3], "omega0": [-1.0]})
    with pytest.raises(InputError, match=r"points\['g'\] = 0\.5"):
        run_points(coarse, {"eta": [0.5], "g": [0.5]})
    with pytest.raises(InputError, match="mapping"):
        run_points(coarse, [(0.5, 0.3)])  # type: ignore[arg-type]
