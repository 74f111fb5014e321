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
    assert float(ds["eta"]) == 1.0 and str(ds["status"].values) == "converged"


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
        (["tc", "--eta", "1", "--nodes", "2"], ["'--nodes'", "2", ">=4"]),
        (["isotope", "--eta", "1", "--method", "guess"], ["'--method'", "'guess'"]),
    ],
)
def test_bad_pairing_options_exit_2_with_one_line(runner, args, fragments):
    line = _one_line_error(runner.invoke(main, args))
    assert line.startswith("Error: ")
    for fragment in fragments:
        assert fragment in line, line
