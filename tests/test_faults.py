"""Fault injection: fake schedulers, dying workers, a killed parent, the user's directory.

Each test injects one fault of issue 15 class 2 (hangs and leaked processes) and checks the
promise: a bounded wait and one line (exit 2) for something that is not a Dask scheduler; a
map that stops with the resume advice when every Dask worker has gone; no process of a
``multigap map`` outliving its main process (checked by PID) and a byte-identical resume; the
workers' import path without the user's current directory.
"""

from __future__ import annotations

import http.server
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from multigap.errors import InputError, MultigapError, WorkersLost
from multigap.sweep import executors

#: Slack (s) beyond the stated connect time for the thread and process start-up of a test.
CONNECT_SLACK = 2.0


# ------------------------------------------------------------------------- fake schedulers
class FakeServer:
    """A loopback TCP server that is not a Dask scheduler (``kind``: silent, garbage, huge, http)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.held: list[socket.socket] = []
        if kind == "http":
            handler = http.server.SimpleHTTPRequestHandler
            self.http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
            self.port = self.http.server_address[1]
            threading.Thread(target=self.http.serve_forever, daemon=True).start()
            return
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)  # never closed before the test ends: the client must give up
            if self.kind == "garbage":
                conn.sendall(b"\xff" * 64)  # read as a length, 2**64 - 1 bytes
            elif self.kind == "huge":
                conn.sendall((6 << 60).to_bytes(8, "little") + b"\x00" * 8)  # the 6 EiB of v0.1

    @property
    def address(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def close(self) -> None:
        if self.kind == "http":
            self.http.shutdown()
            self.http.server_close()
        else:
            self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.fixture(params=["silent", "garbage", "huge", "http"])
def fake_scheduler(request) -> Iterator[FakeServer]:
    pytest.importorskip("dask.distributed")
    server = FakeServer(request.param)
    yield server
    server.close()


def test_a_server_that_is_not_dask_fails_within_the_connect_time(fake_scheduler, monkeypatch):
    monkeypatch.setattr(executors, "CONNECT_TIMEOUT", 1.0)
    t0 = time.monotonic()
    with pytest.raises(InputError) as info:
        executors.dask_client(fake_scheduler.address, None)
    elapsed = time.monotonic() - t0
    assert elapsed < 1.0 + CONNECT_SLACK, elapsed
    message = str(info.value)
    assert fake_scheduler.address in message and "\n" not in message
    assert ("not a Dask scheduler" in message) or ("no Dask scheduler answered within 1 s" in message)


def test_a_real_scheduler_still_connects_and_all_workers_dying_stops_the_map(monkeypatch):
    """A scheduler in this process: the handshake probe lets it through; then its only worker
    is stopped mid-map and the map ends with WorkersLost (the resume advice), not a hang."""
    distributed = pytest.importorskip("dask.distributed")
    monkeypatch.setenv("MULTIGAP_NO_WORKERS_TIMEOUT", "1.5")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, protocol="tcp", dashboard_address=None
    ) as cluster:
        client, owned = executors.dask_client(cluster.scheduler_address, None)
        assert owned == [client]
        try:
            results = []
            t0 = time.monotonic()
            with pytest.raises(WorkersLost, match="run the same command again to resume"):
                for i, value in executors.dask_map(_slow_square, list(range(8)), scheduler=client):
                    results.append((i, value))
                    if len(results) == 1:
                        cluster.scale(0)  # every worker goes
            assert time.monotonic() - t0 < 30
            assert results and all(v == i * i for i, v in results)
        finally:
            client.close()


def _slow_square(x: int) -> int:
    time.sleep(0.3)
    return x * x


def test_no_workers_timeout_is_configurable_and_checked(monkeypatch):
    monkeypatch.delenv("MULTIGAP_NO_WORKERS_TIMEOUT", raising=False)
    assert executors.no_workers_timeout() == executors.NO_WORKERS_TIMEOUT
    monkeypatch.setenv("MULTIGAP_NO_WORKERS_TIMEOUT", "2.5")
    assert executors.no_workers_timeout() == 2.5
    for bad in ("0", "-1", "nan", "inf", "soon"):
        monkeypatch.setenv("MULTIGAP_NO_WORKERS_TIMEOUT", bad)
        with pytest.raises(InputError, match="MULTIGAP_NO_WORKERS_TIMEOUT"):
            executors.no_workers_timeout()


def _scheduler_option(server: FakeServer) -> list[str]:
    return ["--scheduler", server.address]


SMALL_PROCESS_MAP = ["--workers", "2", "--executor", "processes", "--chunk-size", "2", "--no-progress"]


def _multigap() -> list[str]:
    """The installed console script (its sys.path[0] is its own folder, not the cwd)."""
    script = Path(sys.executable).with_name("multigap")
    return [str(script)] if script.exists() else [sys.executable, "-m", "multigap"]


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["garbage", "silent"])
def test_map_with_a_fake_scheduler_exits_2_with_one_line(tmp_path, kind):
    pytest.importorskip("dask.distributed")
    server = FakeServer(kind)
    try:
        t0 = time.monotonic()
        proc = subprocess.run(
            [*_multigap(), "map", "--eta=0:1:2", "--g=0.2", "--out", "m.nc", *_scheduler_option(server)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        elapsed = time.monotonic() - t0
    finally:
        server.close()
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and server.address in lines[0], proc.stderr
    # interpreter start (~2 s on a busy machine) + the connect time
    assert elapsed < executors.CONNECT_TIMEOUT + 15, elapsed


# --------------------------------------------------------------------- processes and their lives
def _children() -> dict[int, list[int]]:
    """Parent PID -> child PIDs of every process visible in /proc."""
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(b")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _descendants(pid: int) -> set[int]:
    tree, out, todo = _children(), set(), [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            if child not in out:
                out.add(child)
                todo.append(child)
    return out


def _alive(pid: int) -> bool:
    return executors._pid_alive(pid)


#: A map that still runs when the faults land: ~3 s on 2 idle cores (0.2.x solver); with 61 η it
#: ended in ~2 s, before the 1.5 s Ctrl-C of the test below arrived.
MAP_ARGS = ["map", "--eta=-1:2:241", "--g=0.1:0.45:8", "--chunk-size", "8", "--workers", "2"]


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_killing_the_main_process_leaves_no_child_and_the_resume_is_byte_identical(tmp_path, sig):
    run_dir, fresh_dir = tmp_path / "run", tmp_path / "fresh"
    run_dir.mkdir()
    fresh_dir.mkdir()
    command = [*_multigap(), *MAP_ARGS, "--out", "m.nc", "--no-progress"]
    proc = subprocess.Popen(
        command, cwd=run_dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    parts = run_dir / "m.nc.parts"
    deadline = time.monotonic() + 90
    children: set[int] = set()
    while time.monotonic() < deadline and proc.poll() is None:
        children |= _descendants(proc.pid)
        if len(children) >= 3 and list(parts.glob("chunk_*")):  # fork server, tracker, workers
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the map ended before the fault could be injected"
    children |= _descendants(proc.pid)
    os.kill(proc.pid, sig)  # the main process only, as `kill PID` does
    proc.communicate(timeout=60)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in children):
        time.sleep(0.1)
    survivors = {pid for pid in children if _alive(pid)}
    for pid in survivors:  # clean up before failing
        os.kill(pid, signal.SIGKILL)
    assert not survivors, f"processes of the killed map still alive: {sorted(survivors)}"
    assert list(parts.glob("chunk_*")), "no finished chunk was kept"

    resumed = subprocess.run(command, cwd=run_dir, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    fresh = subprocess.run(command, cwd=fresh_dir, capture_output=True, text=True, timeout=300)
    assert fresh.returncode == 0, fresh.stderr
    assert (run_dir / "m.nc").read_bytes() == (fresh_dir / "m.nc").read_bytes()


def test_process_workers_exit_when_their_owner_dies(tmp_path):
    """The watchdog of a worker (here: a plain child running _worker_init for a dead owner)."""
    code = (
        "import os, sys, time; from multigap.sweep import executors; "
        "executors._worker_init(int(sys.argv[1])); time.sleep(30)"
    )
    owner = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    worker = subprocess.Popen([sys.executable, "-c", code, str(owner.pid)])
    try:
        time.sleep(0.2)
        owner.kill()
        owner.wait()
        assert worker.wait(timeout=20) == 1
    finally:
        for p in (owner, worker):
            if p.poll() is None:
                p.kill()


def _worker_view(_: object) -> tuple[list[str], str]:
    return list(sys.path), os.getcwd()


def test_worker_import_path_has_no_user_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "path", ["", *sys.path])
    assert executors._user_paths()[:2] == ["", str(tmp_path)]
    ((_, (path, cwd)),) = list(executors.process_map(_worker_view, [None], workers=1))
    resolved = {os.path.realpath(p or cwd) for p in path}
    assert "" not in path and "." not in path
    assert os.path.realpath(tmp_path) not in resolved
    assert sys.path[0] == "" and os.environ.get("PYTHONSAFEPATH") is None  # restored here


@pytest.mark.slow
def test_a_module_in_the_current_directory_is_not_imported_by_workers(tmp_path):
    """A file named like a standard-library module in the user's folder: the map must not run it."""
    marker = tmp_path / "imported.txt"
    for name in ("multiprocessing", "concurrent", "selectors"):
        (tmp_path / f"{name}.py").write_text(
            f"open({str(marker)!r}, 'a').write({name!r} + '\\n')\nraise ImportError('planted')\n"
        )
    proc = subprocess.run(
        [*_multigap(), "map", "--eta=0:1:4", "--g=0.2:0.3:2", "--out", "m.nc", *SMALL_PROCESS_MAP],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert not marker.exists(), marker.read_text()


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signal masks")
def test_clean_start_blocks_sigint_for_children_and_restores_everything(monkeypatch):
    before_mask = signal.pthread_sigmask(signal.SIG_BLOCK, set())
    monkeypatch.setattr(sys, "path", ["", *sys.path])
    with executors.clean_start():
        assert signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, set())
        child = subprocess.run(
            [sys.executable, "-c", "import sys; print(repr(sys.path[0]))"],
            capture_output=True,
            text=True,
            check=True,
        )
        blocked = (
            Path("/proc/self/status").exists()
            and subprocess.run(["grep", "SigBlk", "/proc/self/status"], capture_output=True, text=True).stdout
        )
        assert "" not in sys.path
    assert child.stdout.strip() != "''"  # PYTHONSAFEPATH: no cwd entry at interpreter start
    if blocked:
        assert int(blocked.split()[1], 16) & (1 << (signal.SIGINT - 1))
    assert signal.pthread_sigmask(signal.SIG_BLOCK, set()) == before_mask
    assert sys.path[0] == ""


def test_an_interrupted_process_map_stops_its_workers_at_once():
    """Closing the iterator (what Ctrl-C/SIGTERM do) terminates running tasks, no wait for them."""
    stream = executors.process_map(time.sleep, [0.0, 30.0, 30.0], workers=2)
    next(stream)
    t0 = time.monotonic()
    stream.close()
    assert time.monotonic() - t0 < 15


# --------------------------------------------------------------- the engine keeps the policy
def test_workers_lost_is_a_multigap_error():
    assert issubclass(WorkersLost, MultigapError)
    assert np.isfinite(executors.NO_WORKERS_TIMEOUT) and executors.NO_WORKERS_TIMEOUT > 0


def test_map_whose_workers_are_lost_prints_the_resume_command_and_exits_1(tmp_path, monkeypatch):
    from click.testing import CliRunner

    import multigap.sweep as sweep
    from multigap.cli import main

    def lost(*args, **kwargs):
        raise WorkersLost("no Dask worker has been connected to the scheduler for 60 s")

    monkeypatch.setattr(sweep, "run_map", lost)
    out = tmp_path / "m.nc"
    result = CliRunner().invoke(main, ["map", "--eta=0:1:2", "--g=0.2", "--out", str(out)])
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: no Dask worker") and "0 finished chunks" in line
    assert line.endswith(
        f"resume with: multigap map --model A --eta=0.0:1.0:2 --g=0.2 --out {out} --mu-mode fixed"
    )


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.3, 1.5])
def test_ctrl_c_while_the_pool_starts_prints_one_line_and_exits_130(tmp_path, delay):
    """Ctrl-C on the whole process group (children included) while the fork server, the tracker
    and the workers start: one line, exit 130, no traceback from any child."""
    launcher = (
        "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "sys.argv = ['multigap', *sys.argv[1:]]; runpy.run_module('multigap', run_name='__main__')"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", launcher, *MAP_ARGS, "--out", str(tmp_path / "m.nc"), "--no-progress"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(_descendants(proc.pid)) < 1:
        time.sleep(0.01)
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    lines = [ln for ln in err.replace("\r", "\n").splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Interrupted"), err


# ------------------------------------------------ bad-input rows: overflow and range limits
def _model_file(folder: Path, **changes: Any) -> str:
    """Model A's TOML with fields replaced (``section__key=value``; ``layer1__mass`` for a layer)."""
    import tomli_w

    from multigap.model import model_to_dict
    from multigap.presets import preset

    data = model_to_dict(preset("A"))
    for key, value in changes.items():
        section, field = key.split("__")
        if section.startswith("layer"):
            data["lattice"]["layers"][int(section[5:])][field] = value
        else:
            data[section][field] = value
    path = folder / f"m{len(list(folder.glob('*.toml')))}.toml"
    path.write_text(tomli_w.dumps(data))
    return str(path)


#: (command line with {model:...} placeholders, fragments of the one-line message).  Each of
#: these returned a number (Tc = 0 'converged', mu = inf), a traceback or a page of warnings
#: in v0.1 or before this change.
OVERFLOW_ROWS: list[tuple[list[str], dict[str, Any], tuple[str, ...]]] = [
    (["tc", "--eta", "1", "--interband", "1.7e308"], {}, ("--interband", "<= 10")),
    (["tc", "--eta", "1", "--interband=-1e300"], {}, ("--interband", "|g| <= 10")),
    (["tc", "--eta", "1e308"], {}, ("eta", "<= 1000")),
    (["tc", "--eta=-1e5"], {}, ("eta", ">= -1000")),
    (["tc", "--eta", "1", "--g", "1.7e308"], {"pairing__softening": False}, ("--g", "<= 10")),
    (["tc", "--eta", "1", "--omega0", "1e-300"], {}, ("--omega0", "omega0")),
    (["tc", "--eta", "1", "--nodes", "2000"], {}, ("--nodes", "1024")),
    (["tc", "--eta", "1"], {"layer0__mass": 5e-324}, ("lattice.layers[0].mass", ">= 0.001")),
    (["tc", "--eta", "1"], {"layer1__thickness": 1e-300}, ("thickness", ">= 0.001")),
    (["tc", "--eta", "1"], {"layer1__potential": 1e300}, ("potential", "<= 1e+06")),
    (["tc", "--eta", "1"], {"lattice__mass_x": 1e300}, ("mass_x", "<= 1000")),
    (["tc", "--eta", "1"], {"numerics__tc_floor": 1e9}, ("tc_floor", "cutoff")),
    (["tc", "--eta", "1"], {"numerics__tc_floor": 5e-324}, ("tc_floor", ">= 1e-20")),
    (["tc", "--eta", "1"], {"numerics__n_z": 10**9}, ("n_z", "<= 4096")),
    (["tc", "--eta", "1"], {"numerics__n_q": 10**6}, ("n_q", "<= 1024")),
    (["gaps", "--eta", "1", "--temperature", "1e-310"], {}, ("temperature", "1e-20")),
    (["gaps", "--eta", "1", "--interband", "inf"], {}, ("--interband",)),
    (["isotope", "--eta", "1e308"], {}, ("eta", "<= 1000")),
    (["map", "--eta=0:1:2", "--g=0.2"], {"pairing__omega0": 1e-300}, ("omega0",)),
]


@pytest.mark.parametrize(("args", "changes", "fragments"), OVERFLOW_ROWS)
def test_overflow_and_out_of_range_inputs_are_one_line_exit_2(tmp_path, args, changes, fragments):
    from click.testing import CliRunner

    from multigap.cli import main

    model = ["--model", _model_file(tmp_path, **changes)] if changes else []
    extra = ["--out", str(tmp_path / "m.nc")] if args[0] == "map" else []
    result = CliRunner().invoke(main, [*args, *model, *extra])
    assert result.exit_code == 2, (result.output, result.exception)
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error:"), line
    for fragment in fragments:
        assert fragment in line, line
