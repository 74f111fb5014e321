"""Adaptive maps: computed points are ordinary map points, the rest is marked interpolated.

``run_map(..., adaptive=True, levels=K)`` computes a coarse grid, then refines cells where the
corners' statuses differ, at the dome's top, and where linear interpolation would be off by
more than ``adaptive_tol`` (:mod:`multigap.sweep.adaptive`).
"""

from __future__ import annotations

import numpy as np
import pytest

from multigap.errors import InputError
from multigap.problem import pairing_problem
from multigap.status import Status
from multigap.sweep import run_map
from multigap.sweep.adaptive import Refinement
from multigap.tc import solve_tc
from tolerances import TC_SOLVE_RTOL

ETA = np.linspace(-0.5, 1.5, 17)
G = np.linspace(0.15, 0.45, 9)


@pytest.fixture(scope="module")
def adaptive_run(coarse, tmp_path_factory):
    out = tmp_path_factory.mktemp("adaptive") / "map.nc"
    return run_map(coarse, ETA, G, out=out, executor="serial", adaptive=True, levels=3, progress=False)


def test_computed_points_equal_the_point_solve(coarse, adaptive_run):
    ds = adaptive_run.dataset
    status = ds["status"].values
    computed = status != Status.INTERPOLATED.code
    assert 0 < computed.sum() < computed.size  # some points were left to interpolation
    for i, j in zip(*np.nonzero(computed), strict=True):
        problem = pairing_problem(coarse, float(ETA[i]), g=float(G[j]))
        guess = float(ds["start_guess"].values[i, j])
        same = solve_tc(problem, guess=guess if guess > 0 else None)
        assert ds["tc"].values[i, j] == same.tc  # its own start: the same bits
        cold = solve_tc(problem)
        assert ds["tc"].values[i, j] == pytest.approx(cold.tc, rel=TC_SOLVE_RTOL, abs=0.0)


def test_interpolated_points_carry_their_status(adaptive_run):
    ds = adaptive_run.dataset
    interp = ds["status"].values == Status.INTERPOLATED.code
    assert ds.attrs["n_interpolated"] == interp.sum() and ds.attrs["adaptive_levels"] == 3
    assert ds.attrs["n_computed"] + ds.attrs["n_interpolated"] == interp.size
    assert np.all(ds["iterations"].values[interp] == -1)  # never solved
    assert np.all(np.isnan(ds["mu"].values[interp]))
    assert np.all(np.isfinite(ds["tc"].values[interp]))  # the interpolated value, labelled as such
    assert "interpolated" in ds.attrs["adaptive_note"]
    # the coarse grid (every 4th point, and the last) is always computed
    coarse_rows = np.r_[0:17:4]
    assert not interp[np.ix_(coarse_rows, [0, 4, 8])].any()


def test_adaptive_map_resumes_and_matches_across_executors(coarse, adaptive_run, tmp_path):
    again = run_map(
        coarse, ETA, G, out=adaptive_run.path, executor="serial", adaptive=True, levels=3, progress=False
    )
    assert again.chunks_computed == 0  # the finished file is this computation
    other = run_map(coarse, ETA, G, executor="processes", workers=2, adaptive=True, levels=3, progress=False)
    np.testing.assert_array_equal(other.dataset["tc"].values, adaptive_run.dataset["tc"].values)
    np.testing.assert_array_equal(other.dataset["status"].values, adaptive_run.dataset["status"].values)


def test_adaptive_options_are_checked(coarse):
    with pytest.raises(InputError, match="levels"):
        run_map(coarse, ETA, G, executor="serial", adaptive=True, levels=0, progress=False)
    with pytest.raises(InputError, match="adaptive_tol"):
        run_map(coarse, ETA, G, executor="serial", adaptive=True, adaptive_tol=-1.0, progress=False)
    with pytest.raises(InputError, match="omega0"):
        run_map(coarse, ETA, G, omega0=[200.0, 300.0], executor="serial", adaptive=True, progress=False)


def _drive(plan: Refinement, f) -> np.ndarray:
    """Run a refinement plan on a function of the grid coordinates; the computed mask."""
    shape = (plan.eta.size, plan.g.size)
    values, known = np.full(shape, np.nan), np.zeros(shape, dtype=bool)
    points = plan.first_points()
    while points:
        for e, g in points:
            values[e, g], known[e, g] = f(plan.eta[e], plan.g[g]), True
        points = plan.next_points(values, known, known)
    return known


def test_refinement_puts_points_where_the_curvature_is():
    # smooth everywhere, curved only in a band around x = 0.3 (a Gaussian ridge), linear elsewhere
    x, y = np.linspace(0.0, 1.0, 129), np.linspace(0.0, 1.0, 33)

    def f(a: float, b: float) -> float:
        return 100.0 * np.exp(-(((a - 0.3) / 0.05) ** 2)) + 20.0 * a + 10.0 * b

    known = _drive(Refinement(x, y, levels=5, tol=0.05), f)
    near = np.abs(x - 0.3) < 0.15
    share_near, share_far = known[near].mean(), known[~near].mean()
    assert share_near > 0.5 and share_far < 0.1  # refined at the ridge, not where f is linear
    # a plane needs no refinement but at its maximum (the "dome top" rule, corner x = 1, y = 0)
    plane = _drive(Refinement(x, y, levels=5, tol=0.05), lambda a, b: 5.0 + 3.0 * a - 2.0 * b)
    coarse_grid = np.zeros_like(plane)
    coarse_grid[::16, ::16] = True
    extra = np.argwhere(plane & ~coarse_grid)
    assert extra.size and np.all(x[extra[:, 0]] >= 0.875) and np.all(y[extra[:, 1]] <= 0.5)
    # the interpolated field of the ridge is within a few tol of the function
    plan = Refinement(x, y, levels=5, tol=0.05)
    known = _drive(plan, f)
    exact = np.array([[f(a, b) for b in y] for a in x])
    filled = plan.interpolated(np.where(known, exact, np.nan), known)
    assert np.max(np.abs(filled - exact)) < 0.5


def test_cli_map_adaptive(tmp_path):
    from click.testing import CliRunner

    from multigap.cli import main
    from multigap.io import read_dataset

    out = tmp_path / "m.nc"
    args = ["map", "--eta", "-1:2:25", "--g", "0.1:0.49:13", "--out", str(out), "--adaptive", "--levels", "3"]
    res = CliRunner().invoke(main, [*args, "--executor", "serial", "--no-progress"])
    assert res.exit_code == 0, res.output
    ds = read_dataset(out)
    n_interp = int(np.count_nonzero(ds["status"].values == Status.INTERPOLATED.code))
    assert n_interp > 0 and n_interp == ds.attrs["n_interpolated"]
    assert f"{n_interp} interpolated (not computed)" in res.output
    assert "--adaptive --levels 3" in ds.attrs["command"]


def test_adaptive_map_resumes_after_an_interrupt(coarse, adaptive_run, tmp_path, monkeypatch):
    from multigap.sweep import engine as sweep_engine

    out = tmp_path / "killed.nc"
    original = sweep_engine.solve_chunk
    done: list[int] = []

    def stop_after_three(chunk):
        if len(done) == 3:  # after level 0 (15 coarse points: three chunks of 6), in level 1
            raise KeyboardInterrupt
        done.append(chunk.index)
        return original(chunk)

    opts = {"executor": "serial", "adaptive": True, "levels": 3, "chunk_size": 6, "progress": False}
    monkeypatch.setattr(sweep_engine, "solve_chunk", stop_after_three)
    with pytest.raises(KeyboardInterrupt):
        run_map(coarse, ETA, G, out=out, **opts)
    monkeypatch.setattr(sweep_engine, "solve_chunk", original)
    assert (tmp_path / "killed.nc.parts" / "level0").is_dir()
    resumed = run_map(coarse, ETA, G, out=out, **opts)
    assert resumed.chunks_reused == 3 and not (tmp_path / "killed.nc.parts").exists()
    fresh = run_map(coarse, ETA, G, **opts).dataset
    np.testing.assert_array_equal(resumed.dataset["tc"].values, fresh["tc"].values)
    np.testing.assert_array_equal(resumed.dataset["status"].values, fresh["status"].values)
