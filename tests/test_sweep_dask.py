"""The Dask path as a user runs it: worker settings of a LocalCluster, and a killed map resumed.

* A LocalCluster started by :func:`multigap.sweep.dask_client` gives its workers one BLAS
  thread but not Dask's default ``MALLOC_TRIM_THRESHOLD_=65536``: with it glibc returns the
  top of the heap to the kernel after nearly every free, and a point costs ~70 % more CPU
  (0.73–0.75 against 0.42–0.45 ms per point of model A, measured in-process with and
  without the variable; ``benchmarks/bench_map.py --only dask`` shows it per worker).
* ``multigap map --scheduler local`` killed with SIGKILL (no handler runs) leaves no Dask
  process behind, keeps its finished chunks, and the same command resumes from them to the
  map an uninterrupted run gives (every variable, bit for bit).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from multigap import preset
from multigap.io import read_dataset
from multigap.sweep import compute_map, dask_client

#: Dask's default for the variable, which the LocalCluster's workers must not get.
DASK_TRIM_DEFAULT = "65536"


def _worker_env(_: object = None) -> dict[str, str | None]:
    return {k: os.environ.get(k) for k in ("MALLOC_TRIM_THRESHOLD_", "OPENBLAS_NUM_THREADS")}


@pytest.mark.slow
def test_local_cluster_workers_have_one_blas_thread_and_glibc_heap_trimming(monkeypatch):
    pytest.importorskip("dask.distributed")
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    client, owned = dask_client("local", 1)
    try:
        seen = client.run(_worker_env)
    finally:
        for obj in owned:
            obj.close()
    assert len(seen) == 1
    for env in seen.values():
        assert env["MALLOC_TRIM_THRESHOLD_"] is None, env
        assert env["OPENBLAS_NUM_THREADS"] == "1", env


def _multigap() -> list[str]:
    script = Path(sys.executable).with_name("multigap")
    return [str(script)] if script.exists() else [sys.executable, "-m", "multigap"]


ETA, G, CHUNK = np.linspace(-1.0, 2.0, 61), np.linspace(0.1, 0.45, 8), 8
MAP_ARGS = [
    "map", "--eta=-1:2:61", "--g=0.1:0.45:8", "--chunk-size", str(CHUNK),
    "--scheduler", "local", "--workers", "2", "--out", "m.nc", "--no-progress",
]  # fmt: skip


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_a_sigkilled_dask_map_leaves_no_process_and_resumes_to_the_uninterrupted_map(tmp_path):
    pytest.importorskip("dask.distributed")
    psutil = pytest.importorskip("psutil")
    command = [*_multigap(), *MAP_ARGS]
    proc = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    root, parts = psutil.Process(proc.pid), tmp_path / "m.nc.parts"
    seen: dict[int, psutil.Process] = {}
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            seen.update({p.pid: p for p in root.children(recursive=True)})
        except psutil.Error:
            break
        if len(list(parts.glob("chunk_*.npz"))) >= 3:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the map ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)  # the main process only, as `kill -9 PID` does
    proc.communicate(timeout=60)
    _, alive = psutil.wait_procs(list(seen.values()), timeout=15)
    for p in alive:  # clean up before failing
        p.kill()
    assert not alive, f"processes of the killed map still alive: {[p.pid for p in alive]}"
    kept = len(list(parts.glob("chunk_*.npz")))
    n_chunks = -(-ETA.size * G.size // CHUNK)
    assert 3 <= kept < n_chunks

    resumed = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    counts = re.search(r"chunks: (\d+) computed, (\d+) reused of (\d+)", resumed.stdout)
    assert counts is not None, resumed.stdout
    assert (int(counts[1]), int(counts[2]), int(counts[3])) == (n_chunks - kept, kept, n_chunks)
    assert not parts.exists()
    stored = read_dataset(tmp_path / "m.nc")
    fresh = compute_map(preset("A"), ETA, G, executor="serial", chunk_size=CHUNK, progress=False)
    assert set(stored.data_vars) == set(fresh.data_vars)
    for name in fresh.data_vars:
        assert stored[name].equals(fresh[name]), name


def _chunk_or_fail(x: int) -> int:
    time.sleep(2.0 if x == 0 else 0.0)  # chunk 0 is still running when the test cancels it
    if x == 2:
        raise ZeroDivisionError("chunk 2 failed")
    return 10 * x


@pytest.mark.slow
def test_dask_map_reports_cancelled_and_failed_chunks():
    """A chunk the cluster cancels (the client lost its scheduler) ends the run with the resume
    advice, not a cancelled future passed on as a result; a chunk that raised re-raises."""
    distributed = pytest.importorskip("dask.distributed")
    from multigap.errors import WorkersLost
    from multigap.sweep.executors import dask_map

    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=3, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        run = dask_map(_chunk_or_fail, [0, 1], scheduler=client)
        assert next(run) == (1, 10)
        for key in list(client.futures):  # what Client._reconnect does to every future
            distributed.Future(key, client).cancel()
        with pytest.raises(WorkersLost, match=r"cancelled chunk 0.*run the same command again"):
            next(run)
        with pytest.raises(ZeroDivisionError, match="chunk 2 failed"):
            list(dask_map(_chunk_or_fail, [1, 2], scheduler=client))
