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


def test_demo_writes_readable_files_and_lists_them(runner, tmp_path):
    result = runner.invoke(main, ["demo", "--out", str(tmp_path), "--n-eta", "7", "--n-q", "5"])
    assert result.exit_code == 0, result.output
    written = [line.removeprefix("wrote ") for line in result.stdout.splitlines()]
    names = sorted(p.rsplit("/", 1)[-1] for p in written)
    expected = [f"{kind}_{m}.nc" for kind in ("bands", "dos", "fermi", "overlap") for m in "AB"]
    expected += ["bands_A.png", "bands_B.png", "cutoff.nc", "fig3_dos.png", "fig4_cutoff.png"]
    expected += ["fig5_overlap_A.png", "fig5_overlap_B.png"]
    assert names == sorted(expected)
    for path in written:
        if path.endswith(".nc"):
            ds = read_dataset(path)
            name = path[-4] if path.endswith(("_A.nc", "_B.nc")) else "B"
            assert model_from_dataset(ds, name if "model" in ds.coords else None) == preset(name)


def test_readme_python_snippets_run(tmp_path, monkeypatch):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in readme.split("```python\n")[1:]]
    assert blocks, "README has no python snippet"
    monkeypatch.chdir(tmp_path)
    for code in blocks:
        exec(compile(code, "README.md", "exec"), {})
    assert (tmp_path / "results" / "bands_A.png").is_file()
