"""``multigap explore``: the tab's computations, the worker, the server's answers and the page
in a real headless browser (Debian's chromium driven by Playwright; ``make browser`` installs it).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from click.testing import CliRunner

from multigap.cli import main
from multigap.errors import InputError, ModelError
from multigap.explore import Explorer, MapCache, Parameters, error_line
from multigap.explore.state import MAP_ETA, MAP_G, parameters_from_query
from multigap.explore.worker import Worker
from multigap.model import dumps_model, loads_model
from multigap.presets import preset
from tolerances import EXPLORE_TC_RTOL, TC_SOLVE_RTOL

#: The system's chromium (``make browser``); Playwright's own downloads are never used.
CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--no-first-run",
]
BAD_TOML = 'name = "broken"\nactive_band = [\n'


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``multigap ARGS`` in a new process (as a user types it)."""
    return subprocess.run(
        [sys.executable, "-m", "multigap", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def cli_tc(params: Parameters) -> float:
    """``multigap tc --json`` at the parameters (in-process), the reference of the page's Tc."""
    words = ["tc", "--model", params.model, "--eta", repr(params.eta), "--json"]
    if params.g is not None:
        words += ["--g", repr(params.g)]
    result = CliRunner().invoke(main, words)
    assert result.exit_code == 0, result.output
    return float(json.loads(result.stdout)["tc_K"])


# ------------------------------------------------------------------------------ computations
def test_point_is_the_cli_tc():
    p = Parameters(model="B", eta=0.8, g=0.3)
    r = Explorer().point(p)
    assert r.tc.status == "converged"
    assert r.tc_value == pytest.approx(cli_tc(p), rel=EXPLORE_TC_RTOL)
    n = Explorer().details(r).numbers()
    gaps = CliRunner().invoke(main, ["gaps", "--model", "B", "--eta", "0.8", "--g", "0.3", "--json"])
    ref = json.loads(gaps.stdout)
    assert n["anisotropy"] == pytest.approx(ref["anisotropy"], rel=EXPLORE_TC_RTOL)
    assert n["mu_shift_meV"] == pytest.approx(ref["mu_shift_meV"], rel=1e-9)


def test_command_line_and_toml_reproduce_the_point(tmp_path):
    ex = Explorer()
    p = Parameters(model="A", eta=1.2, g=0.3, omega0=300.0, interband=0.03)
    tc = ex.point(p).tc_value
    first = ex.command_line(p).splitlines()[0].split()
    assert first[:2] == ["multigap", "tc"]
    result = CliRunner().invoke(main, first[1:])
    assert json.loads(result.stdout)["tc_K"] == pytest.approx(tc, rel=EXPLORE_TC_RTOL)
    (tmp_path / "m.toml").write_text(ex.model_toml(p))
    result = CliRunner().invoke(main, ["tc", "--model", str(tmp_path / "m.toml"), "--eta", "1.2", "--json"])
    assert json.loads(result.stdout)["tc_K"] == pytest.approx(tc, rel=EXPLORE_TC_RTOL)


def test_bad_values_give_the_cli_line(tmp_path):
    ex = Explorer()
    with pytest.raises(ModelError) as info:
        ex.point(Parameters(eta=0.5, g=0.6))
    ref = CliRunner().invoke(main, ["tc", "--eta", "0.5", "--g", "0.6"])
    assert ref.exit_code == 2
    assert error_line(info.value) == ref.stderr.strip()
    # a broken upload: the message of `--model bad.toml` run in the file's folder
    (tmp_path / "bad.toml").write_text(BAD_TOML)
    with pytest.raises(ModelError) as info:
        ex.upload("bad.toml", BAD_TOML.encode())
    ref_line = cli("tc", "--model", "bad.toml", "--eta", "0.5", cwd=tmp_path).stderr.strip()
    assert ref_line.startswith("Error: --model 'bad.toml'")
    assert error_line(info.value) == ref_line
    assert "bad.toml" not in ex.uploads
    for value in ("abc", "nan", "-inf"):  # a query string, or an emptied box (NaN), as the CLI says
        ref = CliRunner().invoke(main, ["tc", "--eta", value]).stderr.strip()
        with pytest.raises(InputError) as info:
            ex.point(parameters_from_query({"eta": [value]}))
        assert error_line(info.value) == ref, value
    with pytest.raises(InputError) as info:
        ex.point(Parameters(eta=math.nan))
    assert error_line(info.value) == CliRunner().invoke(main, ["tc", "--eta", "nan"]).stderr.strip()
    with pytest.raises(InputError, match="unknown parameter 'etta'"):
        parameters_from_query({"etta": ["1"]})
    with pytest.raises(InputError, match="--theory"):
        ex.point(Parameters(theory="nope"))


def test_uploads_are_per_tab():
    one, two = Explorer(), Explorer()
    name = one.upload("../my model.toml", dumps_model(preset("B")).encode())
    assert name == "my_model.toml"
    p = Parameters(model=name, eta=0.7)
    assert one.point(p).tc_value == pytest.approx(Explorer().point(p.with_(model="B")).tc_value, rel=1e-14)
    with pytest.raises(InputError, match="nor an uploaded model file"):
        two.point(p)
    one.close()
    assert not any(path.exists() for path in one.uploads.values())


@pytest.mark.slow
def test_map_coarse_then_refined_and_cancel():
    """The coarse map is run_map's; each refined point is Tc at that (η, g); a cancelled
    refinement resumes from the cache."""
    cache = MapCache()
    ex = Explorer(cache)
    p = Parameters(model="A", eta=0.5)
    steps = ex.map_chunks(p)
    rows = [next(steps).computed.sum() for _ in MAP_G]  # the coarse map: one run_map per g
    assert rows == [MAP_ETA.size * (j + 1) for j in range(MAP_G.size)]
    coarse = cache.get(ex.map_key(p))
    assert coarse is not None
    assert coarse.fraction == pytest.approx(MAP_ETA.size * MAP_G.size / coarse.tc.size)
    i, j = 6, 4  # a computed coarse point: (η, g) = (MAP_ETA[3], MAP_G[2])
    assert coarse.computed[i, j]
    ref = Explorer().point(p.with_(eta=float(MAP_ETA[3]), g=float(MAP_G[2]))).tc_value
    assert coarse.tc[i, j] == pytest.approx(ref, rel=TC_SOLVE_RTOL)  # warm-started sweep
    state = next(steps)  # one refinement chunk, then cancel
    assert MAP_ETA.size * MAP_G.size < state.computed.sum() < state.computed.size
    steps.close()
    resumed = list(Explorer(cache).map_chunks(p))  # a second tab continues from the coarse map
    final = resumed[-1]
    assert final.computed.all()
    k, m = 1, 3  # a refined midpoint
    ref = Explorer().point(p.with_(eta=float(final.eta[k]), g=float(final.g[m]))).tc_value
    assert final.tc[k, m] == pytest.approx(ref, rel=TC_SOLVE_RTOL)
    assert next(Explorer(cache).map_chunks(p)).computed.all()  # finished maps are cached


def test_cut_is_run_cut():
    from multigap.sweep import run_cut

    ex = Explorer()
    p = Parameters(model="A", eta=0.5, g=0.3)
    fractions, ds = [], None
    for fraction, part in ex.cut_chunks(p):
        fractions.append(fraction)
        ds = part if part is not None else ds
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(fractions) > 1
    assert ds is not None
    ref = run_cut(ex.resolve(p)[0], ds["eta"].values[::20], quantities=("tc",))
    np.testing.assert_allclose(ds["tc"].values[::20], ref["tc"].values, rtol=TC_SOLVE_RTOL)


# ------------------------------------------------------------------------------------ worker
def test_worker_latest_wins_and_cancel():
    errors: list[str] = []
    w = Worker(on_error=lambda name, exc: errors.append(f"{name}: {exc}"))
    gate, ran = threading.Event(), []
    w.post("point", gate.wait)  # blocks the worker until released
    time.sleep(0.05)
    for k in range(5):  # posted while busy: only the last one runs
        w.post("point", lambda k=k: ran.append(k))
    steps: list[int] = []

    def task() -> Iterator[int]:
        for k in range(1000):  # 10 s unless cancelled
            steps.append(k)
            time.sleep(0.01)
            yield k

    w.start_task("map", task())
    gate.set()
    deadline = time.time() + 10
    while len(steps) < 3 and time.time() < deadline:
        time.sleep(0.01)
    assert w.cancel("map") == ["map"]
    count = len(steps)
    time.sleep(0.1)
    assert ran == [4]
    assert len(steps) <= count + 1 < 1000  # at most the chunk running when cancelled
    w.post("gaps", lambda: 1 / 0)  # a failing job is reported; the worker keeps going
    done = threading.Event()
    w.post("point", done.set)
    assert done.wait(10)
    assert errors and errors[0].startswith("gaps: division by zero")
    w.stop()


def test_missing_panel_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "panel", None)
    result = CliRunner().invoke(main, ["explore", "--port", "0"])
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert line.startswith("Error: multigap explore needs Panel and Bokeh (the 'explore' extra)")
    assert "pip install 'multigap[explore]'" in line and "\n" not in line


# ------------------------------------------------------------------------------------ server
@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``multigap explore`` on a free loopback port; yields its address (its stderr: a log file)."""
    pytest.importorskip("panel", reason="the explore extra (Panel/Bokeh) is not installed")
    from multigap.explore.server import free_port

    port = free_port("127.0.0.1")
    log = tmp_path_factory.mktemp("explore") / "server.log"
    with open(log, "w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "multigap", "explore", "--port", str(port)],
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith(f"multigap explore: open http://127.0.0.1:{port}/"), line + log.read_text()
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
    assert "Traceback" not in log.read_text(), log.read_text()


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


@pytest.mark.slow
def test_bad_requests_get_4xx_with_a_message(server):
    status, body = _get(f"{server}/api/tc?eta=0.5&g=0.6")
    assert status == 400
    ref = CliRunner().invoke(main, ["tc", "--eta", "0.5", "--g", "0.6"]).stderr.strip()
    assert json.loads(body)["error"] == ref
    status, body = _get(f"{server}/api/tc?eta=abc")
    ref = CliRunner().invoke(main, ["tc", "--eta", "abc"]).stderr.strip()
    assert status == 400 and json.loads(body)["error"] == ref
    status, body = _get(f"{server}/api/tc?eta=1&eta=2&nonsense=1")
    assert status == 400 and "Error:" in json.loads(body)["error"]
    status, body = _get(f"{server}/no/such/page")
    assert status == 404 and "Not Found" in body
    status, body = _get(f"{server}/ws")  # the websocket without an upgrade
    assert 400 <= status < 500 and body
    for text in (body,):
        assert "Traceback" not in text and 'File "' not in text
    status, body = _get(f"{server}/api/tc?model=B&eta=0.8&g=0.3")
    assert status == 200
    assert json.loads(body)["tc_K"] == pytest.approx(cli_tc(Parameters("B", 0.8, 0.3)), rel=EXPLORE_TC_RTOL)


# ----------------------------------------------------------------------------------- browser
def _browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)")
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        pytest.skip(f"no chromium at {CHROMIUM}: run `make browser` (apt-get install chromium) to enable")
    return sync_api


@pytest.mark.slow
def test_page_in_a_browser(server, tmp_path):
    """Move η with the keyboard, read Tc, compare with `multigap tc --json`; upload a broken
    TOML and see the CLI's line; a second tab keeps its own η; a screenshot."""
    sync_api = _browser()
    expect = sync_api.expect
    (tmp_path / "bad.toml").write_text(BAD_TOML)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.goto(server + "/", timeout=120_000)
            tc = page.locator(".tc-value")
            expect(tc).to_have_attribute("data-eta", "0.5", timeout=120_000)
            handle = page.locator(".eta .noUi-handle")
            handle.focus()
            times = []
            for _ in range(3):  # three steps of 0.01: η = 0.53
                before = tc.get_attribute("data-eta")
                t0 = time.perf_counter()
                handle.press("ArrowRight")
                expect(tc).not_to_have_attribute("data-eta", before or "", timeout=60_000)
                times.append(time.perf_counter() - t0)
            shown = float(page.locator(".eta input").input_value())
            assert shown == pytest.approx(0.53, abs=1e-9)
            expect(tc).to_have_attribute("data-eta", repr(shown), timeout=60_000)
            eta = float(tc.get_attribute("data-eta") or "nan")
            page_tc = float(tc.get_attribute("data-tc") or "nan")
            ref = json.loads(cli("tc", "--model", "A", "--eta", repr(eta), "--json").stdout)["tc_K"]
            assert math.isfinite(page_tc) and page_tc == pytest.approx(ref, rel=EXPLORE_TC_RTOL)
            print(f"browser update latency per η step (s): {[round(t, 3) for t in times]}")

            with page.expect_download() as download:  # the data of the current point, as NetCDF
                page.get_by_role("button", name="NetCDF").click()
            assert download.value.suggested_filename == "point.nc"
            with xr.open_dataset(download.value.path()) as ds:
                assert float(ds["tc"]) == pytest.approx(page_tc, rel=EXPLORE_TC_RTOL)
                assert float(ds["eta"]) == eta
            with page.expect_download() as download:  # the parameters as a model file
                page.get_by_role("button", name="Model TOML").click()
            model = loads_model(Path(download.value.path()).read_text(encoding="utf-8"))
            assert model == preset("A")

            page.locator(".upload input[type=file]").set_input_files(str(tmp_path / "bad.toml"))
            error = page.locator(".error-line")
            ref_line = cli("tc", "--model", "bad.toml", "--eta", "0.5", cwd=tmp_path).stderr.strip()
            expect(error).to_have_text(ref_line, timeout=60_000)
            handle.press("ArrowRight")  # the app keeps running after the error
            expect(tc).not_to_have_attribute("data-eta", repr(eta), timeout=60_000)
            assert float(tc.get_attribute("data-eta") or "nan") == pytest.approx(eta + 0.01, abs=1e-9)

            good = tmp_path / "my_B.toml"  # a valid file: offered as a model and computed
            good.write_text(dumps_model(preset("B")), encoding="utf-8")
            page.locator(".upload input[type=file]").set_input_files(str(good))
            expect(tc).to_have_attribute("data-model", "my_B.toml", timeout=60_000)
            expect(error).to_have_text("", timeout=60_000)
            eta_b = float(tc.get_attribute("data-eta") or "nan")
            ref = json.loads(cli("tc", "--model", str(good), "--eta", repr(eta_b), "--json").stdout)["tc_K"]
            assert float(tc.get_attribute("data-tc") or "nan") == pytest.approx(ref, rel=EXPLORE_TC_RTOL)

            g_first = tc.get_attribute("data-g")
            other = browser.new_page(viewport={"width": 1500, "height": 1000})
            other.goto(server + "/?eta=1.5&g=0.3", timeout=120_000)
            expect(other.locator(".tc-value")).to_have_attribute("data-eta", "1.5", timeout=120_000)
            assert other.locator(".tc-value").get_attribute("data-g") == "0.3"
            assert tc.get_attribute("data-g") == g_first  # the first tab is untouched
            assert tc.get_attribute("data-model") == "my_B.toml"
            shot = tmp_path / "explore.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
            print(f"screenshot: {shot}")
        finally:
            browser.close()


@pytest.mark.slow
def test_page_downloads_every_view_without_a_server():
    """The page object alone (no server: updates apply at once): every data download, as
    NetCDF and CSV, holds the numbers of its view; the TOML and the commands give the page's Tc."""
    pytest.importorskip("panel", reason="the explore extra (Panel/Bokeh) is not installed")
    import io as io_module

    import pandas as pd

    from multigap.explore.app import DATA_VIEWS, ExplorerPage

    page = ExplorerPage(MapCache(), Parameters(model="B", eta=0.7))
    try:
        deadline = time.time() + 120
        while (page._last is None or page._last.gaps is None or page._cut is None) and time.time() < deadline:
            time.sleep(0.05)
        assert page._last is not None and page._last.gaps is not None and page._cut is not None, (
            page.error.object
        )
        tc = page._last.tc_value
        assert tc == pytest.approx(cli_tc(Parameters("B", 0.7)), rel=EXPLORE_TC_RTOL)
        for label, key in DATA_VIEWS.items():
            if key == "dome":
                while page._map is None and time.time() < deadline:
                    time.sleep(0.05)
            page.what.value = label
            assert page.dl_nc.filename == f"{key}.nc" and page.dl_csv.filename == f"{key}.csv"
            nc = page._data("nc").getvalue()
            assert nc[:4] == b"\x89HDF", (key, nc[:80])
            frame = pd.read_csv(io_module.BytesIO(page._data("csv").getvalue()))
            assert len(frame) > 0, key
            if key == "point":
                assert frame["tc"].iloc[0] == pytest.approx(tc, rel=EXPLORE_TC_RTOL)
            if key == "cut":
                row = frame[np.isclose(frame["eta"], 0.7)]
                assert row["tc"].iloc[0] == pytest.approx(tc, rel=TC_SOLVE_RTOL)
        assert loads_model(page._toml().getvalue().decode()) == preset("B")
        first = page._commands().getvalue().decode().splitlines()[0].split()
        assert json.loads(CliRunner().invoke(main, first[1:]).stdout)["tc_K"] == pytest.approx(
            tc, rel=EXPLORE_TC_RTOL
        )
        page._cancel(None)
        assert page.worker.busy() == [] and page.cancel.disabled
    finally:
        page.close()


def test_a_closed_tab_leaves_no_traceback():
    """A websocket closed in the middle of a write is dropped; anything else reaches asyncio."""
    pytest.importorskip("panel", reason="the explore extra (Panel/Bokeh) is not installed")
    from tornado.websocket import WebSocketClosedError

    from multigap.explore.server import _quiet_disconnects

    seen: list[dict] = []

    class Loop:
        def default_exception_handler(self, context: dict) -> None:
            seen.append(context)

    _quiet_disconnects(
        Loop(), {"message": "Task exception was never retrieved", "exception": WebSocketClosedError()}
    )
    assert seen == []
    _quiet_disconnects(Loop(), {"message": "boom", "exception": ValueError("x")})
    assert [c["message"] for c in seen] == ["boom"]
