"""The command-line shell: JSON agrees with the library, files round-trip, errors are one line."""

import json
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from multigap import __version__
from multigap.bands import band_structure, lifshitz_scale
from multigap.cli import main, resolve_model
from multigap.io import model_from_dataset, read_dataset
from multigap.model import dumps_model, loads_model, model_to_dict
from multigap.presets import preset


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


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
