"""Tests for multigap.sweep maps: executors agree bit for bit, chunks resume after SIGKILL, files recompute.

Small grids (6 x 3) on model A with coarse numerics keep this module fast.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from multigap import sweep
from multigap.errors import InputError
from multigap.io import model_from_dataset, read_dataset
from multigap.model import dump_model
from multigap.status import STATUS_MEANINGS, Status
from multigap.sweep import GRID_RTOL, compute_map, recompute_point, run_map
from multigap.sweep import engine as sweep_engine
from multigap.sweep import executors as sweep_executors
from tolerances import ROUNDING_RTOL

ETA = np.linspace(-0.5, 1.5, 6)
G = np.array([0.15, 0.3, 0.45])
CHUNK = 4  # 18 points -> chunks of 4, 4, 4, 4, 2 (one crosses a g row)


@pytest.fixture(scope="module")
def serial_run(coarse, tmp_path_factory):
    out = tmp_path_factory.mktemp("serial") / "map.nc"
    return run_map(coarse, ETA, G, out=out, executor="serial", chunk_size=CHUNK, progress=False)


def _assert_same_numbers(a: xr.Dataset, b: xr.Dataset) -> None:
    assert set(a.data_vars) == set(b.data_vars)
    for name in a.data_vars:
        np.testing.assert_array_equal(a[name].values, b[name].values, err_msg=name, strict=True)


# ------------------------------------------------------------------------------- the map itself


def test_map_layout_units_and_attrs(serial_run, coarse):
    ds = serial_run.dataset
    assert serial_run.chunks_total == 5 and serial_run.chunks_computed == 5 and serial_run.chunks_reused == 0
    assert ds["tc"].dims == ("eta", "g") and ds["tc"].shape == (ETA.size, G.size)
    np.testing.assert_array_equal(ds["eta"].values, ETA)
    np.testing.assert_array_equal(ds["g"].values, G)
    units = {"tc": "K", "mu": "meV", "mu0": "meV", "omega": "meV", "status": "1", "iterations": "1"}
    for name, unit in units.items():
        assert ds[name].attrs["units"] == unit
    for name in ds.variables:
        assert ds[name].attrs["units"] and ds[name].attrs["long_name"], name
    assert ds["status"].attrs["flag_meanings"] == STATUS_MEANINGS
    assert ds["status"].attrs["flag_values"].tolist() == [s.code for s in Status]
    assert ds["status"].dtype == np.int8
    assert ds["E_L"].attrs["units"] == "meV" and ds["dE"].values > 0  # like the other datasets
    assert ds.attrs["theory"] == "bcs" and ds.attrs["bound"] == "none"
    assert model_from_dataset(ds) == coarse
    assert ds.attrs["mu_mode"] == "fixed" and ds.attrs["chunk_size"] == CHUNK and ds.attrs["n_chunks"] == 5
    assert ds.attrs["multigap_version"] and "compute_map" in ds.attrs["command"]
    # every point solved; the physics is sane: Tc > 0 and grows with g at fixed eta in the dome
    assert np.all(ds["status"].values == Status.CONVERGED.code)
    assert ds.attrs["n_failed"] == 0 and json.loads(ds.attrs["failure_messages"]) == {}
    assert np.all(ds["tc"].values > 0)
    assert np.all(np.diff(ds["tc"].sel(eta=ETA[3]).values) > 0)
    # warm starts: within each chunk and g row (runs 0-3, 4-5, 6-7, 8-11, 12-15, 16-17) the first
    # point (and every WARM_STRIDE-th) starts cold; the others start from ln Tc interpolated
    # between solved neighbours, or from the nearest one at a run's end
    guess = ds["start_guess"].values.T.ravel()  # flat order: eta fastest, then g
    tc = ds["tc"].values.T.ravel()
    cold = {0, 4, 6, 8, 12, 16}  # chunk starts 0, 4, 8, 12, 16 and row starts 0, 6, 12
    assert all((guess[i] == 0) == (i in cold) for i in range(guess.size))
    for start in (0, 8, 12):  # runs of 4: 2 from 0, then 1 between 0 and 2, 3 from 2
        for i, nodes in ((start + 2, (start,)), (start + 1, (start, start + 2)), (start + 3, (start + 2,))):
            log_tc = sum(np.log(tc[j]) * np.prod([(i - k) / (j - k) for k in nodes if k != j]) for j in nodes)
            np.testing.assert_allclose(guess[i], np.exp(log_tc), rtol=ROUNDING_RTOL)
    assert all(guess[i + 1] == tc[i] for i in (4, 6, 16))  # runs of 2


def test_netcdf_round_trip(serial_run, coarse):
    back = read_dataset(serial_run.path)
    xr.testing.assert_identical(back, serial_run.dataset)
    assert back["tc"].attrs["units"] == "K" and back["mu"].attrs["units"] == "meV"
    assert model_from_dataset(back) == coarse
    assert not serial_run.path.with_name("map.nc.parts").exists()


def test_recompute_point_from_file_metadata(serial_run):
    ds = serial_run.dataset
    for i, j in [(0, 0), (3, 1), (5, 2), (1, 2)]:
        eta, g = float(ds["eta"][i]), float(ds["g"][j])
        result = recompute_point(serial_run.path, eta, g)
        assert result.tc == ds["tc"].values[i, j]
        assert result.mu == ds["mu"].values[i, j]
        assert result.iterations == ds["iterations"].values[i, j]
    assert ds["start_guess"].values[3, 1] > 0  # one of them used a warm start
    # a grid value a few ulp off (text round trip, another linspace) still finds the stored start
    eta = float(ds["eta"][3]) * (1 + 4 * np.finfo(float).eps)
    assert eta != float(ds["eta"][3]) and 4 * np.finfo(float).eps < GRID_RTOL
    assert recompute_point(serial_run.path, eta, float(ds["g"][1])).tc == ds["tc"].values[3, 1]
    with pytest.raises(InputError, match="omega0"):
        recompute_point(ds, 0.0, 0.3, omega0=200.0)


def test_density_mode_moves_mu_and_recomputes(coarse):
    ds = compute_map(coarse, [0.05, 1.0], [0.4], mu_mode="density", executor="serial", progress=False)
    assert ds.attrs["mu_mode"] == "density"
    assert np.all(ds["mu"].values != ds["mu0"].values)  # mu(Tc) keeps the T = 0 density
    assert recompute_point(ds, 1.0, 0.4).tc == ds["tc"].values[1, 0]


def test_complete_out_is_returned_without_recomputing(serial_run, coarse):
    leftover = serial_run.path.with_name("map.nc.parts")  # as if killed just before cleaning up
    leftover.mkdir()
    again = run_map(coarse, ETA, G, out=serial_run.path, executor="serial", chunk_size=CHUNK, progress=False)
    assert again.chunks_computed == 0 and again.chunks_reused == again.chunks_total == 5
    assert not leftover.exists()
    xr.testing.assert_identical(again.dataset, serial_run.dataset)


# ------------------------------------------------------------------------------- executors


def test_processes_match_serial_exactly(serial_run, coarse):
    run = run_map(coarse, ETA, G, executor="processes", workers=2, chunk_size=CHUNK, progress=True)
    assert run.executor == "processes" and run.chunks_computed == 5
    _assert_same_numbers(run.dataset, serial_run.dataset)
    xr.testing.assert_identical(run.dataset, serial_run.dataset)


@pytest.mark.slow
def test_dask_local_cluster_matches_serial_exactly(serial_run, coarse):
    pytest.importorskip("dask.distributed")
    run = run_map(
        coarse, ETA, G, executor="dask", scheduler="local", workers=2, chunk_size=CHUNK, progress=False
    )
    assert run.executor == "dask" and run.chunks_computed == 5
    _assert_same_numbers(run.dataset, serial_run.dataset)


@pytest.mark.slow
def test_dask_existing_cluster_by_address_and_client(serial_run, coarse):
    distributed = pytest.importorskip("dask.distributed")
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        assert cluster.scheduler_address.startswith("tcp://")
        by_address = compute_map(
            coarse, ETA, G, scheduler=cluster.scheduler_address, chunk_size=CHUNK, progress=False
        )
        by_client = compute_map(coarse, ETA, G, scheduler=client, chunk_size=CHUNK, progress=False)
        assert client.status == "running"  # a Client passed in is left open
    _assert_same_numbers(by_address, serial_run.dataset)
    _assert_same_numbers(by_client, serial_run.dataset)


def test_dask_without_a_scheduler_is_an_input_error(coarse, monkeypatch):
    pytest.importorskip("dask.distributed")
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(sweep_executors, "CONNECT_TIMEOUT", 0.5)
    t0 = time.perf_counter()
    with pytest.raises(InputError, match=f"tcp://127.0.0.1:{port}.*dask scheduler"):
        compute_map(coarse, ETA[:2], G[:1], scheduler=f"tcp://127.0.0.1:{port}", progress=False)
    assert time.perf_counter() - t0 < 30


def test_executor_functions_share_one_signature():
    def square(x: int) -> int:
        return x * x

    assert sorted(sweep.serial_map(square, [3, 1, 2])) == [(0, 9), (1, 1), (2, 4)]
    for name, func in sweep.EXECUTORS.items():
        params = list(inspect.signature(func).parameters)
        assert params == ["func", "tasks", "workers", "scheduler"], name


# ----------------------------------------------------------------------------- failures & inputs


def test_invalid_inputs(coarse, tmp_path):
    with pytest.raises(InputError, match=r"g = 0\.5"):
        compute_map(coarse, ETA, [0.2, 0.5], executor="serial", progress=False)
    with pytest.raises(InputError, match="executor"):
        compute_map(coarse, ETA, G, executor="threads", progress=False)
    with pytest.raises(InputError, match="scheduler"):
        compute_map(coarse, ETA, G, executor="serial", scheduler="local", progress=False)
    with pytest.raises(InputError, match="eta"):
        compute_map(coarse, [0.0, np.nan], G, executor="serial", progress=False)
    with pytest.raises(InputError, match="repeated"):
        compute_map(coarse, [0.0, 0.0], G, executor="serial", progress=False)
    with pytest.raises(InputError, match="chunk_size"):
        compute_map(coarse, ETA, G, executor="serial", chunk_size=0, progress=False)
    with pytest.raises(InputError, match="folder"):
        compute_map(coarse, ETA, G, executor="serial", out=tmp_path, progress=False)


def test_omega0_axis_and_fixed_override(coarse):
    ds = compute_map(coarse, ETA[:2], G[:2], omega0=[200.0, 330.0], executor="serial", progress=False)
    assert ds["tc"].dims == ("eta", "g", "omega0") and ds["omega0"].attrs["units"] == "meV"
    assert np.all(ds["tc"].values[..., 0] < ds["tc"].values[..., 1])  # Tc grows with omega0
    point = recompute_point(ds, float(ETA[1]), float(G[0]), omega0=200.0)
    assert point.tc == ds["tc"].values[1, 0, 0]
    fixed = compute_map(coarse, ETA[:2], G[:2], omega0=200.0, executor="serial", progress=False)
    assert model_from_dataset(fixed).pairing.omega0 == 200.0  # folded into the stored model
    np.testing.assert_array_equal(fixed["tc"].values, ds["tc"].values[..., 0])


# ------------------------------------------------------------------------------ resume & refusal


KILL_SCRIPT = """
import sys, time
import numpy as np
import multigap.sweep as sweep
from multigap.model import load_model
from multigap.theories import BCSTheory

class SlowBCS(BCSTheory):  # ~0.1 s per point, so the run can be killed half-way
    def solve_tc(self, problem, **kwargs):
        time.sleep(0.1)
        return super().solve_tc(problem, **kwargs)

sweep.compute_map(load_model(sys.argv[1]), np.linspace(-0.5, 1.5, 6), np.array([0.15, 0.3, 0.45]),
                  out=sys.argv[2], executor="serial", chunk_size=4, progress=False, theory=SlowBCS())
"""


def test_sigkill_then_resume_recomputes_only_missing_chunks(coarse, serial_run, tmp_path):
    model_file = tmp_path / "model.toml"
    dump_model(coarse, model_file)
    out = tmp_path / "killed.nc"
    parts = tmp_path / "killed.nc.parts"
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(model_file), str(out)])
    try:
        deadline = time.monotonic() + 60
        while not list(parts.glob("chunk_*.npz")):
            assert proc.poll() is None, "the sweep subprocess ended before writing a chunk"
            assert time.monotonic() < deadline, "no chunk written within 60 s"
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists()
    done = len(list(parts.glob("chunk_*.npz")))
    assert 1 <= done < 5

    resumed = run_map(coarse, ETA, G, out=out, executor="serial", chunk_size=CHUNK, progress=False)
    assert resumed.chunks_reused == done and resumed.chunks_computed == 5 - done
    assert not parts.exists()
    xr.testing.assert_identical(read_dataset(out), read_dataset(serial_run.path))
    # Byte-identical across processes of THIS machine: a chunk's numbers are one fixed sequence of
    # floating-point operations (same code, same libm/BLAS, no reduction over workers), and the
    # file holds no clock time.  Not a cross-machine claim.
    assert out.read_bytes() == Path(serial_run.path).read_bytes()


def test_interrupted_run_keeps_chunks_and_refuses_another_grid(coarse, tmp_path, monkeypatch):
    original = sweep_engine.solve_chunk
    calls = []

    def crash_on_third(chunk):
        calls.append(chunk.index)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return original(chunk)

    monkeypatch.setattr(sweep_engine, "solve_chunk", crash_on_third)
    out = tmp_path / "map.nc"
    with pytest.raises(KeyboardInterrupt):
        run_map(coarse, ETA, G, out=out, executor="serial", chunk_size=CHUNK, progress=False)
    parts = tmp_path / "map.nc.parts"
    assert sorted(p.name for p in parts.glob("chunk_*.npz")) == ["chunk_00000.npz", "chunk_00001.npz"]

    # a different grid (or model) is refused while the parts are there ...
    with pytest.raises(InputError, match=r"different computation \(differs in: g\)"):
        run_map(coarse, ETA, G[:2], out=out, executor="serial", chunk_size=CHUNK, progress=False)
    with pytest.raises(InputError, match="differs in: chunk_size"):
        run_map(coarse, ETA, G, out=out, executor="serial", chunk_size=3, progress=False)
    # ... a torn chunk file is not trusted, the good ones are reused
    (parts / "chunk_00001.npz").write_bytes(b"not a zip file")  # a torn file: rejected, counted
    monkeypatch.setattr(sweep_engine, "solve_chunk", original)
    run = run_map(coarse, ETA, G, out=out, executor="serial", chunk_size=CHUNK, progress=False)
    assert run.chunks_reused == 1 and run.chunks_computed == 4 and run.chunks_rejected == 1

    # a finished file of another computation is refused too, unless overwrite=True
    other = dataclasses.replace(coarse, name="A-changed")
    with pytest.raises(InputError, match="differs in: model_toml"):
        run_map(other, ETA, G, out=out, executor="serial", chunk_size=CHUNK, progress=False)
    replaced = run_map(
        other, ETA, G, out=out, executor="serial", chunk_size=CHUNK, progress=False, overwrite=True
    )
    assert replaced.chunks_computed == 5
    assert model_from_dataset(read_dataset(out)).name == "A-changed"
