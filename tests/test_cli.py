"""The command-line shell: JSON agrees with the library, files round-trip, errors are one line."""

import dataclasses
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
from click.testing import CliRunner

from multigap import __version__
from multigap.bands import band_structure, lifshitz_scale
from multigap.cli import main, resolve_model
from multigap.io import model_from_dataset, read_dataset
from multigap.model import dumps_model, loads_model, model_to_dict
from multigap.presets import preset
from multigap.status import Status
from multigap.theories import (
    BCSTheory,
    BoundResult,
    PairingTheory,
    TcBound,
    register_bound,
    register_theory,
)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(autouse=True)
def _undo_quiet_shutdown(monkeypatch):
    """An interrupted command silences Dask's loggers and unraisable exceptions for the rest of
    its process (``multigap.cli.app.quiet_shutdown``); restore them for the next test."""
    import logging

    monkeypatch.setattr(sys, "unraisablehook", sys.unraisablehook)
    for name in ("distributed", "tornado", "asyncio"):
        monkeypatch.setattr(logging.getLogger(name), "level", logging.getLogger(name).level)


def _json(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("name", ["A", "B"])
def test_bands_json_agrees_with_the_library(runner, name):
    data = _json(runner.invoke(main, ["bands", "--model", name, "--json", "--n-q", "9"]))
    model = preset(name)
    bands = band_structure(model)
    e_l, width = lifshitz_scale(bands, model.active_band)
    np.testing.assert_array_equal(np.array(data["band_edges_meV"]), bands.band_edges)
    assert data["E_L_meV"] == e_l
    assert data["dE_meV"] == width
    assert data["model"] == model_to_dict(model)
    assert data["active_band"] == 3
    assert np.array(data["energy_meV"]).shape == (3, 9)


def test_model_show_prints_the_resolved_toml(runner):
    result = runner.invoke(main, ["model", "show", "B"])
    assert result.exit_code == 0
    assert loads_model(result.stdout) == preset("B")


def test_model_file_is_accepted_and_out_round_trips(runner, tmp_path):
    path = tmp_path / "mine.toml"
    custom = preset("A").with_g(0.3)
    path.write_text(dumps_model(custom))
    out = tmp_path / "bands.nc"
    plot = tmp_path / "bands.png"
    data = _json(
        runner.invoke(
            main,
            ["bands", "--model", str(path), "--n-q", "11", "--json", "--out", str(out), "--plot", str(plot)],
        )
    )
    assert data["files"] == {"netcdf": str(out), "plot": str(plot)}
    ds = read_dataset(out)
    assert model_from_dataset(ds) == custom
    np.testing.assert_array_equal(ds["band_edges"].values, np.array(data["band_edges_meV"]))
    assert ds["energy"].attrs["units"] == "meV"
    assert plot.stat().st_size > 10_000


def test_text_output_lists_every_band(runner):
    result = runner.invoke(main, ["bands", "--model", "A", "--n-q", "5"])
    assert result.exit_code == 0
    assert "E_L = 2975.85" in result.stdout
    assert "dE = 274.0000 meV" in result.stdout


def _one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_missing_model_file_exits_2_with_one_line(runner, tmp_path):
    line = _one_line_error(runner.invoke(main, ["bands", "--model", str(tmp_path / "nope.toml")]))
    assert "nope.toml" in line and "cannot be read" in line


def test_unknown_preset_exits_2(runner):
    line = _one_line_error(runner.invoke(main, ["model", "show", "C"]))
    assert "'C'" in line and "preset" in line


def test_unknown_toml_key_names_the_field(runner, tmp_path):
    path = tmp_path / "typo.toml"
    path.write_text(dumps_model(preset("A")).replace("omega0 =", "omega_0 ="))
    line = _one_line_error(runner.invoke(main, ["bands", "--model", str(path), "--json"]))
    assert "pairing.omega_0" in line and "unknown key" in line


def test_invalid_value_names_the_field(runner, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(dumps_model(preset("A")).replace("mass_x = 1.0", "mass_x = -1.0"))
    line = _one_line_error(runner.invoke(main, ["model", "show", str(path)]))
    assert "lattice.mass_x" in line


def test_resolve_model_can_set_the_coupling():
    assert resolve_model("B", g=0.4) == preset("B").with_g(0.4)


def test_version(runner):
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.stdout


@pytest.mark.slow
def test_python_dash_m_runs_the_cli():
    proc = subprocess.run(
        [sys.executable, "-m", "multigap", "bands", "--model", "A", "--json", "--n-q", "3"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    np.testing.assert_array_equal(np.array(data["band_edges_meV"]), band_structure(preset("A")).band_edges)
    bad = subprocess.run(
        [sys.executable, "-m", "multigap", "bands", "--model", "missing.toml"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert bad.returncode == 2
    assert len(bad.stderr.strip().splitlines()) == 1


def test_dos_json_agrees_with_the_library(runner):
    from multigap import dos

    data = _json(
        runner.invoke(
            main, ["dos", "--model", "B", "--json", "--eta-min", "-0.5", "--eta-max", "1.5", "--n-eta", "5"]
        )
    )
    model = preset("B")
    bands = band_structure(model)
    eta = np.array(data["eta"])
    assert {0.0, 1.0, 1.0 - 1e-6} <= set(eta)  # refined towards the Lifshitz points
    partial, total = dos.dos_vs_eta(bands, model.active_band, eta)
    # JSON has no infinity: the van Hove point eta = 1 is reported as null
    assert data["dos_total"][list(eta).index(1.0)] is None
    np.testing.assert_array_equal(
        np.array(data["dos_partial"], dtype=float), np.where(np.isinf(partial), np.nan, partial)
    )
    np.testing.assert_array_equal(
        np.array(data["dos_total"], dtype=float), np.where(np.isinf(total), np.nan, total)
    )
    assert data["E_neck_meV"] == pytest.approx(data["E_L_meV"] + data["dE_meV"], rel=1e-14)
    np.testing.assert_allclose(data["mu_meV"], dos.eta_to_mu(bands, model.active_band, eta), rtol=1e-15)


def test_dos_uniform_grid_and_plot(runner, tmp_path):
    plot = tmp_path / "dos.png"
    data = _json(
        runner.invoke(
            main, ["dos", "--json", "--uniform", "--n-eta", "4", "--fermi-eta", "0.5", "--plot", str(plot)]
        )
    )
    assert data["eta"] == [-1.0, 0.0, 1.0, 2.0]
    assert plot.read_bytes()[:4] == b"\x89PNG"


def test_overlap_json_agrees_with_the_library(runner, tmp_path):
    from multigap import overlap

    out = tmp_path / "ov.nc"
    data = _json(runner.invoke(main, ["overlap", "--model", "A", "--n-q", "7", "--json", "--out", str(out)]))
    expected = overlap.mean_overlap_matrix(band_structure(preset("A")), 7)
    np.testing.assert_allclose(np.array(data["mean_overlap"]), expected, rtol=1e-14)
    assert sorted(data["mean_overlap_pairs"]) == ["11", "12", "13", "22", "23", "33"]
    assert data["mean_overlap_pairs"]["23"] == pytest.approx(expected[1, 2], rel=1e-14)
    assert model_from_dataset(read_dataset(out)) == preset("A")


@pytest.mark.slow
def test_demo_writes_readable_files_and_lists_them(runner, tmp_path):
    result = runner.invoke(
        main, ["demo", "--out", str(tmp_path), "--n-eta", "7", "--n-q", "5", "--n-eta-cut", "2"]
    )
    assert result.exit_code == 0, result.output
    written = [line.removeprefix("wrote ") for line in result.stdout.splitlines()]
    names = sorted(p.rsplit("/", 1)[-1] for p in written)
    expected = [f"{kind}_{m}.nc" for kind in ("bands", "dos", "fermi", "overlap", "eta_cut") for m in "AB"]
    expected += ["bands_A.png", "bands_B.png", "cutoff.nc", "fig3_dos.png", "fig4_cutoff.png"]
    expected += ["fig5_overlap_A.png", "fig5_overlap_B.png"]
    expected += ["fig6_gap_ratio_isotope.png", "fig7_tc_anisotropy.png"]
    assert names == sorted(expected)
    cut_b = read_dataset(tmp_path / "eta_cut_B.nc")
    assert cut_b.attrs["g"] == pytest.approx(1 / 3)  # the paper's Fig. 6 coupling of model B
    assert cut_b.sizes["eta"] == 2 and np.all(cut_b["tc"].values > 0)
    for path in written:
        if path.endswith(".nc"):
            ds = read_dataset(path)
            name = path[-4] if path.endswith(("_A.nc", "_B.nc")) else "B"
            assert model_from_dataset(ds, name if "model" in ds.coords else None) == preset(name)


@pytest.mark.slow
def test_readme_python_snippets_run(tmp_path, monkeypatch):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in readme.split("```python\n")[1:]]
    assert blocks, "README has no python snippet"
    monkeypatch.chdir(tmp_path)
    for code in blocks:
        exec(compile(code, "README.md", "exec"), {})
    assert (tmp_path / "results" / "bands_A.png").is_file()


# ------------------------------------------------------------------ tc, gaps, isotope
def test_tc_json_equals_the_library(runner, tmp_path):
    from multigap import critical_temperature

    out = tmp_path / "tc.nc"
    data = _json(
        runner.invoke(main, ["tc", "--model", "A", "--eta", "1", "--g", "0.4", "--json", "--out", str(out)])
    )
    expected = critical_temperature(preset("A"), eta=1, g=0.4)
    assert data["tc_K"] == expected.tc
    assert data["mu_meV"] == expected.mu and data["omega_meV"] == expected.omega
    assert (data["status"], data["converged"], data["mu_mode"]) == ("converged", True, "fixed")
    assert (data["eta"], data["g"]) == (1.0, 0.4)
    assert data["model"] == model_to_dict(preset("A").with_g(0.4))
    assert data["files"] == {"netcdf": str(out)}
    ds = read_dataset(out)
    assert float(ds["tc"]) == expected.tc and ds["tc"].attrs["units"] == "K"
    assert model_from_dataset(ds) == preset("A").with_g(0.4)
    assert float(ds["eta"]) == 1.0 and int(ds["status"]) == Status.CONVERGED.code  # int8 code, like maps
    assert ds["status"].attrs["flag_meanings"].split()[0] == "converged"


def test_tc_overrides_are_folded_into_the_reported_model(runner):
    from multigap import critical_temperature

    args = ["tc", "--model", "B", "--eta", "0.8", "--g", "0.3", "--interband", "0.05", "--omega0", "250"]
    data = _json(runner.invoke(main, [*args, "--nodes", "10", "--mu-mode", "density", "--json"]))
    expected = critical_temperature(
        preset("B"), eta=0.8, g=0.3, interband=0.05, omega0=250.0, n_nodes=10, mu_mode="density"
    )
    assert data["tc_K"] == expected.tc and data["mu_meV"] == expected.mu
    assert data["mu_mode"] == "density" and data["mu_meV"] != data["mu0_meV"]
    assert data["model"]["pairing"]["omega0"] == 250.0
    assert data["model"]["pairing"]["g"][0][2] == 0.05 and data["model"]["numerics"]["n_q"] == 10
    # the reported model alone reproduces the number
    model = loads_model(dumps_model(resolve_model("B").with_g(0.3)))
    assert (
        critical_temperature(model, eta=0.8, interband=0.05, omega0=250.0, n_nodes=10, mu_mode="density").tc
        == data["tc_K"]
    )


def test_tc_text_output(runner):
    result = runner.invoke(main, ["tc", "--model", "A", "--eta", "1", "--g", "0.4"])
    assert result.exit_code == 0, result.output
    assert "model A: eta = 1, g = g33 = 0.4" in result.stdout
    assert "Tc = 251." in result.stdout and "(converged)" in result.stdout


def test_below_floor_is_a_valid_answer(runner, tmp_path):
    from multigap.datasets import with_pairing_overrides

    path = tmp_path / "weak.toml"
    path.write_text(
        dumps_model(with_pairing_overrides(preset("A"), interband=[[0.01, 0, 0], [0, 0.01, 0], [0, 0, 0.1]]))
    )
    data = _json(runner.invoke(main, ["tc", "--model", str(path), "--eta", "-1", "--json"]))
    assert (data["tc_K"], data["status"]) == (0.0, "below_floor")
    text = runner.invoke(main, ["tc", "--model", str(path), "--eta", "-1"]).stdout
    assert "below the floor of 1e-08 K" in text
    iso = _json(runner.invoke(main, ["isotope", "--model", str(path), "--eta", "-1", "--json"]))
    assert iso["alpha"] is None and iso["status"] == "below_floor"  # NaN in Python, null in JSON


def test_gaps_json_equals_the_library(runner, tmp_path):
    from multigap import zero_temperature_gaps

    out = tmp_path / "gaps.nc"
    data = _json(
        runner.invoke(
            main, ["gaps", "--model", "A", "--eta", "1", "--g", "0.25", "--json", "--out", str(out)]
        )
    )
    s = zero_temperature_gaps(preset("A"), eta=1, g=0.25)
    assert data["gaps_meV"] == s.gaps.mean.tolist()
    assert data["gaps_min_meV"] == s.gaps.minimum.tolist() and data["gaps_max_meV"] == s.gaps.maximum.tolist()
    assert data["gap_ratios"] == s.ratios.tolist()
    assert data["tc_K"] == s.tc and data["mu_shift_meV"] == s.mu_shift
    assert data["anisotropy"] == s.anisotropy() and data["anisotropy_bands"] == [3, 2]
    assert (data["mu_mode"], data["temperature_K"], data["status"]) == ("density", 0.0, "converged")
    ds = read_dataset(out)
    np.testing.assert_array_equal(ds["gap"].values, s.gaps.mean)
    assert ds["gap"].attrs["units"] == "meV" and ds["gap_ratio"].attrs["units"] == "1"
    assert float(ds["anisotropy"]) == s.anisotropy()
    assert model_from_dataset(ds) == preset("A").with_g(0.25)


def test_gaps_above_tc_are_zero_and_the_anisotropy_undefined(runner):
    data = _json(
        runner.invoke(
            main,
            ["gaps", "--eta", "1", "--g", "0.25", "--temperature", "500", "--mu-mode", "fixed", "--json"],
        )
    )
    assert data["status"] == "normal" and data["gaps_meV"] == [0.0, 0.0, 0.0]
    assert data["anisotropy"] is None and data["mu_shift_meV"] == 0.0
    text = runner.invoke(main, ["gaps", "--eta", "1", "--g", "0.25", "--temperature", "500"]).stdout
    assert "normal state" in text and "Delta3/Delta2 = undefined" in text


def test_gaps_text_lists_every_band(runner):
    result = runner.invoke(main, ["gaps", "--model", "B", "--eta", "1"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("model B: eta = 1, g = g33 = 0.333333, T = 0 K")
    assert sum(line.lstrip().startswith(("1 ", "2 ", "3 ")) for line in lines) == 3
    assert any(line.startswith("Delta3/Delta2 = ") for line in lines)


def test_isotope_json_equals_the_library(runner, tmp_path):
    from multigap import critical_temperature, isotope_coefficient

    out = tmp_path / "iso.nc"
    data = _json(
        runner.invoke(
            main, ["isotope", "--model", "A", "--eta", "1", "--g", "0.25", "--json", "--out", str(out)]
        )
    )
    assert data["alpha"] == isotope_coefficient(preset("A"), eta=1, g=0.25)
    assert data["tc_K"] == critical_temperature(preset("A"), eta=1, g=0.25).tc
    assert data["isotope_method"] == "hellmann-feynman"
    ds = read_dataset(out)
    assert float(ds["alpha"]) == data["alpha"] and ds["alpha"].attrs["units"] == "1"
    assert model_from_dataset(ds) == preset("A").with_g(0.25)
    fd = _json(
        runner.invoke(
            main, ["isotope", "--eta", "1", "--g", "0.25", "--method", "finite-difference", "--json"]
        )
    )
    assert fd["alpha"] == pytest.approx(data["alpha"], rel=1e-5)  # two methods agree
    assert "alpha = 0.24" in runner.invoke(main, ["isotope", "--eta", "1", "--g", "0.25"]).stdout


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["tc", "--eta", "1", "--g", "0.5"], ["--g 0.5", "< 0.5", "softening"]),
        (["gaps", "--eta", "1", "--g", "0.7"], ["--g 0.7", "< 0.5"]),
        (["isotope", "--eta", "1", "--g", "-0.1"], ["--g -0.1", ">= 0"]),
        (["tc", "--eta", "nan"], ["'--eta'", "nan", "finite"]),
        (["gaps", "--eta", "inf"], ["'--eta'", "inf", "finite"]),
        (["tc", "--eta", "1", "--mu-mode", "grand"], ["'--mu-mode'", "'grand'", "fixed", "density"]),
        (["gaps", "--eta", "1", "--mu-mode", "bogus"], ["'--mu-mode'", "'bogus'"]),
        (["gaps", "--eta", "1", "--temperature", "-1"], ["'--temperature'", "-1", ">= 0"]),
        (["tc", "--eta", "1", "--omega0", "-5"], ["--omega0 -5", "> 0"]),
        (["tc", "--eta", "1", "--nodes", "2"], ["'--nodes'", "2", "4<=x"]),
        (["isotope", "--eta", "1", "--method", "guess"], ["'--method'", "'guess'"]),
        (
            ["map", "--eta", "0:1:3", "--g", "0.3", "--levels", "3", "--out", "m.nc"],
            ["--levels 3", "--adaptive"],
        ),
    ],
)
def test_bad_pairing_options_exit_2_with_one_line(runner, args, fragments):
    line = _one_line_error(runner.invoke(main, args))
    assert line.startswith("Error: ")
    for fragment in fragments:
        assert fragment in line, line


# ------------------------------------------------------------------ map, plot, show-versions
def _map_args(out, *extra: str) -> list[str]:
    return [
        "map",
        "--model",
        "A",
        "--eta",
        "-1:2:4",
        "--g",
        "0.2:0.4:2",
        "--out",
        str(out),
        "--executor",
        "serial",
        "--no-progress",
        *extra,
    ]


def test_map_writes_the_file_compute_map_writes(runner, tmp_path):
    import xarray as xr

    from multigap.sweep import compute_map

    out = tmp_path / "mapA.nc"
    result = runner.invoke(main, _map_args(out))
    assert result.exit_code == 0, result.output
    ds = read_dataset(out)
    command = ds.attrs["command"]
    assert command.startswith("multigap map --model A --eta=-1.0:2.0:4 --g=0.2:0.4:2")
    expected = compute_map(
        preset("A"),
        np.linspace(-1.0, 2.0, 4),
        np.linspace(0.2, 0.4, 2),
        executor="serial",
        progress=False,
        command=command,
    )
    xr.testing.assert_identical(ds, expected)
    lines = result.stdout.splitlines()
    assert "8 points (4 eta x 2 g): 8 converged, 0 below the floor (1e-08 K), 0 failed" in lines[0]
    assert "largest Tc" in lines[1]
    assert "1 computed, 0 reused of 1 (serial); wall time" in lines[2]
    assert lines[-1] == f"wrote {out}"
    again = runner.invoke(main, _map_args(out))  # complete: nothing to compute
    assert "0 computed, 1 reused of 1" in again.stdout


def test_parse_range_is_inclusive_and_accepts_one_number():
    from multigap.cli import parse_range

    np.testing.assert_array_equal(parse_range("-1:2:301"), np.linspace(-1, 2, 301))
    np.testing.assert_array_equal(parse_range(" 0.4 "), [0.4])
    np.testing.assert_array_equal(parse_range("0.1:0.49:1".replace(":0.49:1", ":0.1:1")), [0.1])


@pytest.mark.parametrize(
    ("eta", "fragments"),
    [
        ("2:-1:301", ["reversed", "START 2 > STOP -1"]),
        ("-1:2:0", ["empty range", "COUNT = 0"]),
        ("-1:2:-3", ["empty range"]),
        ("", ["empty"]),
        ("-1:2", ["malformed", "START:STOP:COUNT"]),
        ("-1:2:3:4", ["malformed"]),
        ("a:2:3", ["must be numbers"]),
        ("-1:2:3.5", ["whole number"]),
        ("1:1:3", ["repeats one value"]),
        ("-1:2:1", ["one point cannot span"]),
        ("nan:2:3", ["finite"]),
        ("-1:inf:3", ["finite"]),
    ],
)
def test_map_range_errors_exit_2_with_one_line(runner, tmp_path, eta, fragments):
    args = _map_args(tmp_path / "m.nc")
    args[args.index("-1:2:4")] = eta
    line = _one_line_error(runner.invoke(main, args))
    assert line.startswith("Error: Invalid value for '--eta'"), line
    for fragment in fragments:
        assert fragment in line, line
    assert not (tmp_path / "m.nc").exists()


@pytest.mark.parametrize(
    ("extra", "fragments"),
    [
        (["--g", "0.1:0.5:3"], ["--g 0.1:0.5:3", "g = 0.5", "< 0.5"]),
        (["--g", "0.4:0.1:3"], ["'--g'", "reversed"]),
        (["--workers", "0"], ["'--workers'"]),
        (["--chunk-size", "0"], ["'--chunk-size'"]),
        (["--mu-mode", "grand"], ["'--mu-mode'", "'grand'"]),
        (["--scheduler", "local"], ["scheduler", "dask"]),
    ],
)
def test_map_bad_options_exit_2(runner, tmp_path, extra, fragments):
    line = _one_line_error(runner.invoke(main, _map_args(tmp_path / "m.nc", *extra)))
    for fragment in fragments:
        assert fragment in line, line


def test_map_refuses_a_different_map_and_names_the_flag(runner, tmp_path):
    out = tmp_path / "m.nc"
    assert runner.invoke(main, _map_args(out)).exit_code == 0
    args = _map_args(out)
    args[args.index("0.2:0.4:2")] = "0.2:0.4:3"
    line = _one_line_error(runner.invoke(main, args))
    assert "differs in: g" in line and "pass --overwrite" in line
    assert runner.invoke(main, [*args, "--overwrite"]).exit_code == 0
    assert read_dataset(out).sizes["g"] == 3


def test_map_ctrl_c_keeps_the_chunks_and_prints_the_resume_command(runner, tmp_path, monkeypatch):
    import shlex

    import xarray as xr

    from multigap.sweep.store import ChunkStore

    out = tmp_path / "m.nc"
    args = _map_args(out, "--chunk-size", "2")
    save = ChunkStore.save
    saved: list[int] = []

    def interrupt_after_two(self, index, bounds, arrays):
        if len(saved) == 2:
            raise KeyboardInterrupt
        save(self, index, bounds, arrays)
        saved.append(index)

    monkeypatch.setattr(ChunkStore, "save", interrupt_after_two)
    result = runner.invoke(main, args)
    assert result.exit_code == 130, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Interrupted: the 2 finished chunks are kept in ")
    resume = lines[0].split("resume with: ", 1)[1]
    assert not out.exists()
    monkeypatch.setattr(ChunkStore, "save", save)
    argv = shlex.split(resume)
    assert argv[0] == "multigap"
    again = runner.invoke(main, argv[1:])
    assert again.exit_code == 0, again.output
    assert "2 computed, 2 reused of 4" in again.stdout
    fresh = runner.invoke(main, [*_map_args(tmp_path / "fresh.nc", "--chunk-size", "2")])
    assert fresh.exit_code == 0
    a, b = read_dataset(out), read_dataset(tmp_path / "fresh.nc")
    xr.testing.assert_equal(a, b)  # values identical; only the recorded command (the out name) differs


@pytest.mark.slow
@pytest.mark.parametrize(("sig", "code"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_map_interrupted_in_a_real_process_exits_without_a_traceback(tmp_path, sig, code):
    """Ctrl-C on the whole process group (workers included) of `python -m multigap map`, or
    SIGTERM to its main process only (as `kill PID` sends it): one line, the chunks kept."""
    import os
    import signal
    import time

    out = tmp_path / "big.nc"
    parts = tmp_path / "big.nc.parts"
    # Python ignores SIGINT if it starts with SIGINT ignored (a background job): restore it first.
    launcher = (
        "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "sys.argv = ['multigap', *sys.argv[1:]]; runpy.run_module('multigap', run_name='__main__')"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", launcher, "map", "--eta=-1:2:301", "--g=0.1:0.49:20", "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(parts.glob("chunk_*.npz")):
        time.sleep(0.05)
    if sig == "SIGINT":
        os.killpg(proc.pid, signal.SIGINT)
    else:
        os.kill(proc.pid, signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert "Traceback" not in err
    lines = [ln for ln in err.replace("\r", "\n").splitlines() if ln.startswith("Interrupted")]
    assert len(lines) == 1
    assert "resume with: multigap map --model A --eta=-1.0:2.0:301 --g=0.1:0.49:20" in lines[0]
    assert list(parts.glob("chunk_*.npz")) and not out.exists()


@pytest.fixture(scope="module")
def small_maps(tmp_path_factory):
    from multigap.sweep import compute_map

    folder = tmp_path_factory.mktemp("maps")
    paths = []
    for name in "AB":
        path = folder / f"map_{name}.nc"
        compute_map(
            preset(name),
            np.linspace(-1, 2, 7),
            np.linspace(0.2, 0.45, 3),
            executor="serial",
            progress=False,
            out=path,
        )
        paths.append(path)
    return paths


@pytest.mark.parametrize(
    ("kind", "n_files", "extra"),
    [
        ("map", 1, []),
        ("map", 2, []),
        ("eta-cuts", 2, ["--g-values", "0.2,0.45"]),
        ("eta-cuts", 1, []),
        ("g-cuts", 1, ["--eta-values=-0.5,0.5,1"]),
    ],
)
def test_plot_kinds_write_figures(runner, tmp_path, small_maps, kind, n_files, extra):
    out = tmp_path / f"{kind}.png"
    result = runner.invoke(
        main, ["plot", *map(str, small_maps[:n_files]), "--kind", kind, "--out", str(out), *extra]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"wrote {out}"
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 20_000


def test_plot_errors_exit_2_with_one_line(runner, tmp_path, small_maps):
    text = tmp_path / "notes.nc"
    text.write_text("not a netcdf file")
    bands = tmp_path / "bands.nc"
    assert runner.invoke(main, ["bands", "--n-q", "5", "--out", str(bands)]).exit_code == 0
    cases = [
        ([str(tmp_path / "missing.nc")], ["missing.nc", "does not exist"]),
        ([str(text)], ["notes.nc", "not a readable NetCDF4 file"]),
        ([str(bands)], ["bands.nc", "not a Tc(eta, g) map", "Subbands"]),
        ([str(small_maps[0]), "--out", str(tmp_path / "x.txt")], ["--out", ".png"]),
        ([*map(str, small_maps), "--kind", "g-cuts"], ["g-cuts", "one map"]),
        ([str(small_maps[0]), "--kind", "dome"], ["'--kind'", "'dome'"]),
    ]
    for args, fragments in cases:
        if "--out" not in args:
            args = [*args, "--out", str(tmp_path / "f.png")]
        line = _one_line_error(runner.invoke(main, ["plot", *args]))
        for fragment in fragments:
            assert fragment in line, line
    assert not (tmp_path / "f.png").exists()


def test_show_versions_lists_the_stack(runner):
    import platform

    result = runner.invoke(main, ["show-versions"])
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0].split()
    assert first == ["multigap", __version__]
    for name in ("python", "numpy", "scipy", "xarray", "h5netcdf", "matplotlib", "click", "dask", "platform"):
        assert any(line.split()[0] == name for line in result.stdout.splitlines()), name
    data = _json(runner.invoke(main, ["show-versions", "--json"]))
    assert data["numpy"] == np.__version__
    assert data["python"].startswith(platform.python_version())


@pytest.mark.slow
def test_map_on_a_dask_cluster_by_address_equals_serial(runner, tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    serial, dask = tmp_path / "serial.nc", tmp_path / "dask.nc"
    assert runner.invoke(main, _map_args(serial)).exit_code == 0
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, dashboard_address=":0", processes=True
    ) as cluster:
        args = _map_args(dask)
        i = args.index("--executor")
        args[i : i + 2] = ["--scheduler", cluster.scheduler_address]
        result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "(dask)" in result.stdout
    np.testing.assert_array_equal(read_dataset(dask)["tc"].values, read_dataset(serial)["tc"].values)
    assert f"--scheduler {cluster.scheduler_address}" in read_dataset(dask).attrs["command"]


def test_reproduce_ctrl_c_exits_130_with_one_line(runner, tmp_path, monkeypatch):
    import multigap.reproduce as rep

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(rep, "reproduce", interrupted)
    result = runner.invoke(main, ["reproduce", "--quick", "--out", str(tmp_path / "r")])
    assert result.exit_code == 130
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Interrupted: no chunk had finished, nothing is kept")
    from multigap.cli.app import _ignore_unraisable

    assert sys.unraisablehook is _ignore_unraisable  # the shutdown after it is quiet
    assert line.endswith(f"run again with: multigap reproduce --out {tmp_path / 'r'} --quick")


@pytest.mark.parametrize("command", ["reproduce", "tc"])
def test_sigterm_is_handled_like_ctrl_c_and_exits_143(runner, tmp_path, monkeypatch, command):
    """A real SIGTERM to this process while a command runs: one line, exit 143, handler restored."""
    import os
    import signal
    import time

    import multigap.reproduce as rep
    import multigap.theories as theories

    def terminated(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the handler raises before this ends
        raise AssertionError("SIGTERM was not handled")

    before = signal.getsignal(signal.SIGTERM)
    if command == "reproduce":
        monkeypatch.setattr(rep, "reproduce", terminated)
        args = ["reproduce", "--quick", "--out", str(tmp_path / "r")]
    else:
        monkeypatch.setattr(theories.BCSTheory, "solve_tc", terminated)
        args = ["tc", "--eta", "1"]
    result = runner.invoke(main, args)
    assert result.exit_code == 143, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Interrupted")
    assert signal.getsignal(signal.SIGTERM) is before


# ------------------------------------------------------------- theories and bounds by name
@dataclass(frozen=True)
class _ScaledTheory(PairingTheory):
    """A toy theory registered by this test only: BCS Tc times ``factor``, with one diagnostic."""

    name: ClassVar[str] = "cli-toy-scaled"
    title: ClassVar[str] = "BCS Tc times a factor (CLI test)"
    diagnostics: ClassVar = {"unscaled_tc": ("K", "BCS Tc before the factor")}
    factor: float = 0.5

    def solve_tc(self, problem, *, mu_mode="fixed", rtol=1e-10, guess=None):
        base = BCSTheory().solve_tc(problem, mu_mode=mu_mode, rtol=rtol)
        return dataclasses.replace(
            base, tc=base.tc * self.factor, spectrum=None, extras={"unscaled_tc": base.tc}
        )


@dataclass(frozen=True)
class _CapBound(TcBound):
    """A toy bound registered by this test only: Tc = min(Tc_mf, cap)."""

    name: ClassVar[str] = "cli-toy-cap"
    title: ClassVar[str] = "a fixed cap (CLI test)"
    diagnostics: ClassVar = {"cap_margin": ("K", "cap - Tc_mf")}
    needs_gaps: ClassVar[bool] = False
    cap: float = 100.0

    def apply(self, problem, theory, tc):
        return BoundResult(
            tc=min(tc.tc, self.cap),
            tc_mf=tc.tc,
            tc_bound=self.cap,
            status=Status.CONVERGED,
            extras={"cap_margin": self.cap - tc.tc},
        )


register_theory(_ScaledTheory)
register_bound(_CapBound)


def test_a_registered_theory_runs_through_tc_with_its_options_and_diagnostics(runner, tmp_path):
    from multigap import critical_temperature

    out = tmp_path / "toy.nc"
    args = ["tc", "--eta", "1", "--g", "0.4", "--theory", "cli-toy-scaled", "--theory-option", "factor=0.25"]
    data = _json(runner.invoke(main, [*args, "--json", "--out", str(out)]))
    bcs = critical_temperature(preset("A"), eta=1, g=0.4).tc
    assert data["tc_K"] == 0.25 * bcs and data["unscaled_tc"] == bcs
    assert (data["theory"], data["theory_options"], data["bound"]) == (
        "cli-toy-scaled",
        {"factor": 0.25},
        "none",
    )
    ds = read_dataset(out)
    assert ds.attrs["theory"] == "cli-toy-scaled" and json.loads(ds.attrs["theory_options"]) == {
        "factor": 0.25
    }
    assert float(ds["unscaled_tc"]) == bcs and ds["unscaled_tc"].attrs["units"] == "K"
    assert "theory cli-toy-scaled" in runner.invoke(main, args).stdout
    # isotope: the generic central difference of the interface; a constant factor leaves alpha unchanged
    iso = _json(runner.invoke(main, ["isotope", "--eta", "1", "--theory", "cli-toy-scaled", "--json"]))
    bcs_iso = _json(runner.invoke(main, ["isotope", "--eta", "1", "--json"]))
    assert iso["alpha"] == pytest.approx(bcs_iso["alpha"], rel=1e-4)
    assert (iso["isotope_method"], bcs_iso["isotope_method"]) == ("finite-difference", "hellmann-feynman")
    line = _one_line_error(
        runner.invoke(
            main, ["isotope", "--eta", "1", "--theory", "cli-toy-scaled", "--method", "hellmann-feynman"]
        )
    )
    assert "cli-toy-scaled" in line and "finite-difference" in line
    # gaps: this theory has none, said in one line
    line = _one_line_error(runner.invoke(main, ["gaps", "--eta", "1", "--theory", "cli-toy-scaled"]))
    assert "cli-toy-scaled" in line and "gaps" in line


def test_a_bound_gives_bounded_mean_field_and_bound_temperatures(runner, tmp_path):
    out = tmp_path / "b.nc"
    args = ["tc", "--eta", "1", "--g", "0.4", "--bound", "cli-toy-cap", "--json", "--out", str(out)]
    data = _json(runner.invoke(main, args))
    plain = _json(runner.invoke(main, ["tc", "--eta", "1", "--g", "0.4", "--json"]))
    assert plain["bound"] == "none" and plain["theory"] == "bcs" and "tc_mf_K" not in plain
    assert data["tc_mf_K"] == plain["tc_K"] > 100.0
    assert data["tc_K"] == 100.0 and data["tc_cli-toy-cap_K"] == 100.0
    assert data["cap_margin"] == 100.0 - plain["tc_K"] and data["bound_status"] == "converged"
    ds = read_dataset(out)
    assert float(ds["tc"]) == 100.0 and float(ds["tc_mf"]) == plain["tc_K"] and float(ds["tc_bound"]) == 100.0
    assert ds.attrs["bound"] == "cli-toy-cap"
    # the text leads with the bounded Tc; the theory's own is named mean-field, and so are the
    # gap ratios and alpha that use it
    text = runner.invoke(main, args[:-3]).stdout.splitlines()
    assert text[1].startswith("bound cli-toy-cap: Tc = 100 K") and text[2].startswith(
        "mean-field Tc (T_MF) ="
    )
    gaps_text = runner.invoke(main, ["gaps", "--eta", "1", "--g", "0.4", "--bound", "cli-toy-cap"]).stdout
    assert "2D/kT_MF" in gaps_text and "\nbound cli-toy-cap: Tc = 100 K" in gaps_text
    iso = runner.invoke(main, ["isotope", "--eta", "1", "--g", "0.4", "--bound", "cli-toy-cap", "--json"])
    assert _json(iso)["alpha_of"] == "tc_mf_K"


def test_a_registered_theory_runs_through_map(runner, tmp_path):
    bcs_out, toy_out = tmp_path / "bcs.nc", tmp_path / "toy.nc"
    assert runner.invoke(main, _map_args(bcs_out)).exit_code == 0
    toy_args = [*_map_args(toy_out), "--theory", "cli-toy-scaled", "--theory-option", "factor=0.5"]
    result = runner.invoke(main, toy_args)
    assert result.exit_code == 0, result.output
    assert "theory cli-toy-scaled" in result.stdout.splitlines()[0]
    bcs, toy = read_dataset(bcs_out), read_dataset(toy_out)
    np.testing.assert_allclose(toy["tc"].values, 0.5 * bcs["tc"].values, rtol=1e-9)
    assert toy.attrs["theory"] == "cli-toy-scaled"
    assert "--theory cli-toy-scaled --theory-option factor=0.5" in toy.attrs["command"]
    again = runner.invoke(main, toy_args)  # the same map again: resumed, nothing computed
    assert "0 computed, 1 reused of 1" in again.stdout
    # the two maps side by side: one line each at one g
    fig = tmp_path / "theories.png"
    drawn = runner.invoke(main, ["plot", str(bcs_out), str(toy_out), "--kind", "theories", "--out", str(fig)])
    assert drawn.exit_code == 0 and fig.stat().st_size > 0, drawn.output


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["tc", "--eta", "1", "--theory", "nosuch"], ["'--theory'", "'nosuch'", "bcs", "cli-toy-scaled"]),
        (["tc", "--eta", "1", "--bound", "nosuch"], ["'--bound'", "'nosuch'", "none", "cli-toy-cap"]),
        (
            ["tc", "--eta", "1", "--theory-option", "mu_star=0.1"],
            ["--theory-option", "mu_star", "known options"],
        ),
        (["tc", "--eta", "1", "--theory-option", "factor"], ["'--theory-option'", "KEY=VALUE"]),
    ],
)
def test_bad_theory_options_exit_2_with_one_line(runner, args, fragments):
    line = _one_line_error(runner.invoke(main, args))
    for fragment in fragments:
        assert fragment in line, line


def test_theory_option_values_are_read_as_json():
    from multigap.cli.options import parse_theory_options

    parsed = parse_theory_options(None, None, ["a=1", "b=0.5", "c=true", "d=text", "e=null", "f= 2e-3 "])
    assert parsed == {"a": 1, "b": 0.5, "c": True, "d": "text", "e": None, "f": 0.002}
    assert isinstance(parsed["a"], int) and isinstance(parsed["c"], bool)


def test_help_lists_a_theory_registered_at_run_time(runner):
    assert "cli-toy-scaled" in runner.invoke(main, ["tc", "--help"]).stdout


# ------------------------------------------------------------------------- files: inputs, outputs
def test_point_commands_keep_existing_files_unless_told(runner, tmp_path):
    out = tmp_path / "tc.nc"
    assert runner.invoke(main, ["tc", "--eta", "1", "--out", str(out)]).exit_code == 0
    first = out.read_bytes()
    line = _one_line_error(runner.invoke(main, ["tc", "--eta", "0.5", "--out", str(out)]))
    assert "--out" in line and "exists" in line and "--overwrite" in line
    assert out.read_bytes() == first
    assert runner.invoke(main, ["tc", "--eta", "0.5", "--out", str(out), "--overwrite"]).exit_code == 0
    assert float(read_dataset(out)["eta"]) == 0.5
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


def test_the_model_file_is_never_overwritten(runner, tmp_path):
    path = tmp_path / "m.toml"
    text = dumps_model(preset("B"))
    path.write_text(text)
    for args in (["tc", "--eta", "1"], ["bands", "--n-q", "3"]):
        line = _one_line_error(
            runner.invoke(main, [*args, "--model", str(path), "--out", str(path), "--overwrite"])
        )
        assert "--out" in line and "input" in line
    assert path.read_text() == text


def test_model_file_with_a_byte_order_mark_is_read(runner, tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + dumps_model(preset("B")).encode())
    assert loads_model(runner.invoke(main, ["model", "show", str(path)]).stdout) == preset("B")


@pytest.mark.slow
def test_plot_reports_the_file_written_and_keeps_matplotlib_quiet(runner, tmp_path):
    for name in ("fig.PNG", "fig.svg", "fig.pdf"):
        result = runner.invoke(main, ["bands", "--n-q", "5", "--plot", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines()[-1] == f"wrote {tmp_path / name}"
        assert (tmp_path / name).stat().st_size > 1000 and result.stderr == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.PNG", "fig.pdf", "fig.svg"]


def test_a_full_disk_on_stdout_is_one_line(tmp_path):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "multigap", "show-versions"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            timeout=120,
        )
    assert proc.returncode == 2, proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith("Error: output: No space left on device")


def test_matplotlib_warnings_never_reach_the_user(runner, tmp_path, monkeypatch, recwarn):
    import warnings

    from matplotlib import _api

    import multigap.figures as figures

    real = figures.band_structure_figure

    def noisy(ds):
        _api.warn_external("a matplotlib layout warning")
        warnings.warn("a figure-module warning", UserWarning, stacklevel=1)
        return real(ds)

    monkeypatch.setattr(figures, "band_structure_figure", noisy)
    result = runner.invoke(main, ["bands", "--n-q", "5", "--plot", str(tmp_path / "b.png")])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert not [w for w in recwarn if "warning" in str(w.message)], [str(w.message) for w in recwarn]


def test_bound_options_reach_the_bound_in_tc_and_map(runner, tmp_path):
    data = _json(
        runner.invoke(
            main,
            [
                "tc",
                "--eta",
                "1",
                "--g",
                "0.4",
                "--bound",
                "cli-toy-cap",
                "--bound-option",
                "cap=50",
                "--json",
            ],
        )
    )
    assert (data["tc_K"], data["tc_cli-toy-cap_K"], data["bound_options"]) == (50.0, 50.0, {"cap": 50})
    bcs_out, capped_out = tmp_path / "bcs.nc", tmp_path / "capped.nc"
    assert runner.invoke(main, _map_args(bcs_out)).exit_code == 0
    args = [*_map_args(capped_out), "--bound", "cli-toy-cap", "--bound-option", "cap=100"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    bcs, capped = read_dataset(bcs_out), read_dataset(capped_out)
    np.testing.assert_array_equal(capped["tc"].values, np.minimum(bcs["tc"].values, 100.0))
    assert "--bound cli-toy-cap --bound-option cap=100" in capped.attrs["command"]
    for bad, fragments in (
        (["--bound-option", "cap=1"], ["--bound-option", "cap=1", "without a bound"]),
        (
            ["--bound", "cli-toy-cap", "--bound-option", "floor=1"],
            ["--bound-option", "floor", "known options"],
        ),
    ):
        line = _one_line_error(runner.invoke(main, ["tc", "--eta", "1", *bad]))
        for fragment in fragments:
            assert fragment in line, line
