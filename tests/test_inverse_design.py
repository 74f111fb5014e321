"""Design of superlattices (multigap.inverse.design) and the path / fit / design commands."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from click.testing import CliRunner

from multigap.cli import main
from multigap.errors import InputError
from multigap.inverse.design import design, read_bounds, template_parameters
from multigap.model import Numerics, dump_model
from multigap.parsing import MAX_GRID_POINTS
from tolerances import FIT_EXECUTOR_RTOL, TC_SOLVE_RTOL

#: A design box with two free parameters (spacer mass and eta) around model A: quick searches.
SMALL_BOX = (
    "wire_width = 0.85\nspacer_width = 0.55\nbarrier = 4160\nwire_mass = 1.0\n"
    "spacer_mass = [0.45, 0.65]\neta = [0.6, 1.4]\n"
)


@pytest.fixture(scope="module")
def fast_a(model_a):
    """Model A with the smallest quadratures (Tc within 1e-5 relative of the defaults): fast."""
    return dataclasses.replace(model_a, numerics=Numerics(n_q=4, n_z=16))


@pytest.fixture
def fast_file(fast_a, tmp_path):
    path = tmp_path / "fast_a.toml"
    dump_model(fast_a, path)
    return str(path)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def unconverged_design(fast_a, tmp_path_factory):
    """``design --out --json`` stopped after one generation (not converged): result, payload, file."""
    folder = tmp_path_factory.mktemp("design")
    template, bounds, out = folder / "fast_a.toml", folder / "bounds.toml", folder / "design.nc"
    dump_model(fast_a, template)
    bounds.write_text(SMALL_BOX)
    args = ["design", "--g", "0.3", "--omega0", "330", "--model", str(template), "--bounds", str(bounds)]
    args += ["--maxiter", "1", "--popsize", "3", "--executor", "serial", "--out", str(out), "--json"]
    res = CliRunner().invoke(main, args)
    return res, json.loads(res.stdout), out


def test_toy_design_finds_the_dome_top_of_the_map_within_its_grid_step(fast_a):
    from multigap.sweep import run_map

    g, step = 0.35, 0.1
    eta = np.arange(0.0, 2.0 + step / 2, step)
    run = run_map(fast_a, eta, [g], executor="serial", progress=False)
    ds = run.dataset if hasattr(run, "dataset") else run
    tc_map = ds["tc"].sel(g=g).values
    top = float(eta[int(np.argmax(tc_map))])
    fixed = {k: (v, v) for k, v in template_parameters(fast_a).items()}
    res = design(
        g,
        fast_a.pairing.omega0,
        template=fast_a,
        bounds={**fixed, "eta": (0.0, 2.0)},
        maxiter=12,
        popsize=8,
        seed=2,
        executor="serial",
    )
    assert abs(res.parameters["eta"] - top) <= step
    assert res.tc >= tc_map.max() * (1 - 1e-9)  # the optimum is at least the best grid point
    assert res.n_failed == 0
    # the template at the same g and omega0 is the same model: same best Tc up to the grid
    assert res.reference["tc"] == pytest.approx(tc_map.max(), rel=1e-3)


def test_robust_objective_is_the_smallest_tc_of_the_eta_window(fast_a):
    fixed = {k: (v, v) for k, v in template_parameters(fast_a).items()}
    res = design(
        0.3,
        330.0,
        template=fast_a,
        bounds={**fixed, "eta": (0.2, 1.8)},
        objective="robust",
        maxiter=4,
        popsize=5,
        seed=0,
        executor="serial",
    )
    eta = res.parameters["eta"]
    from multigap.inverse._engine import evaluate_points

    window = evaluate_points(res.model, [0.98 * eta, eta, 1.02 * eta], [0.3] * 3)["tc"].values
    assert res.objective_value == pytest.approx(float(window.min()), rel=TC_SOLVE_RTOL * 10)
    assert res.objective_value <= res.tc


def test_bounds_are_validated(tmp_path):
    f = tmp_path / "b.toml"
    f.write_text("wire_width = [0.7, 1.0]\nspacer_mass = 0.6\n")
    assert read_bounds(f) == {"wire_width": (0.7, 1.0), "spacer_mass": (0.6, 0.6)}
    for text, message in (
        ("thickness = [1, 2]\n", "unknown bound 'thickness'"),
        ("wire_width = [1.0, 0.7]\n", "low <= high"),
        ("wire_width = [0.0, 0.7]\n", "must be > 0"),
        ("wire_width = 'wide'\n", "number or"),
    ):
        f.write_text(text)
        with pytest.raises(InputError, match=message):
            read_bounds(f)
    with pytest.raises(InputError, match="objective"):
        design(0.3, 330.0, objective="fastest")
    with pytest.raises(InputError, match=r"g = 0\.5"):
        design(0.5, 330.0)


@pytest.mark.slow
def test_design_model_re_evaluated_by_multigap_tc_gives_the_reported_tc(fast_file, tmp_path, runner):
    template = fast_file
    bounds = tmp_path / "bounds.toml"
    bounds.write_text(SMALL_BOX)
    out_model = tmp_path / "best.toml"
    res = runner.invoke(
        main,
        [
            "design",
            "--g",
            "0.3",
            "--omega0",
            "330",
            "--model",
            str(template),
            "--bounds",
            str(bounds),
            "--maxiter",
            "2",
            "--popsize",
            "3",
            "--executor",
            "serial",
            "--model-out",
            str(out_model),
            "--json",
        ],
    )
    payload = json.loads(res.stdout)
    assert res.exit_code == (0 if payload["converged"] else 1), res.output
    check = runner.invoke(
        main, ["tc", "--model", str(out_model), "--eta", repr(payload["parameters"]["eta"]), "--json"]
    )
    assert check.exit_code == 0, check.output
    assert json.loads(check.stdout)["tc_K"] == pytest.approx(payload["tc_K"], rel=TC_SOLVE_RTOL)
    assert payload["tc_K"] >= payload["reference"]["tc"] * (1 - 1e-9) or payload["at_bounds"]


# ------------------------------------------------------------------------------ commands


def test_path_command_refuses_bad_tables_with_exit_2(tmp_path, runner):
    for text in (
        "pressure_GPa,eta,g\n150,0.5,0.3\n140,0.6,0.3\n",
        "pressure_GPa,eta,g\n150,0.5,0.55\n",
        "pressure_GPa,eta\n150,0.5\n",
        "pressure_GPa,eta,g,T\n150,0.5,0.3,1\n",
        "pressure_GPa,eta,g\n150,NaN,0.3\n",
    ):
        f = tmp_path / "path.csv"
        f.write_text(text)
        res = runner.invoke(main, ["path", "--table", str(f)])
        assert res.exit_code == 2, res.output
        assert res.stderr.count("\n") == 1 and res.stderr.startswith("Error: ")


def test_path_command_writes_a_pressure_coordinate(fast_file, tmp_path, runner):
    from multigap.io import read_dataset

    out = tmp_path / "p.nc"
    res = runner.invoke(
        main,
        [
            "path",
            "--model",
            fast_file,
            "--pressure",
            "140:180:3",
            "--eta-law",
            "-1,0.0125",
            "--g-law",
            "0.3,0",
            "--quantities",
            "tc,alpha",
            "--out",
            str(out),
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    ds = read_dataset(out)
    assert ds["pressure"].values.tolist() == [140.0, 160.0, 180.0]
    assert ds["pressure"].attrs["units"] == "GPa"
    assert len(json.loads(res.stdout)["alpha"]) == 3


@pytest.mark.slow
def test_fit_command_exit_codes(fast_file, runner):
    # more free parameters than data points: refused (exit 2, one line)
    res = runner.invoke(main, ["fit", "--data", "h3s_dome_paper", "--free", "eta-law,g-law"])
    assert res.exit_code == 2 and "only 3 data points" in res.stderr
    # retracted data: refused unless allowed
    res = runner.invoke(main, ["fit", "--data", "csh_x_retracted", "--free", "eta"])
    assert res.exit_code == 2 and "retracted" in res.stderr
    # an optimiser stopped after one evaluation has not converged: it says so and exits 1
    res = runner.invoke(
        main,
        [
            "fit",
            "--model",
            fast_file,
            "--data",
            "h3s_dome_paper",
            "--free",
            "eta-law,g",
            "--starts",
            "1",
            "--max-nfev",
            "1",
        ],
    )
    assert res.exit_code == 1
    assert "did not converge" in res.stderr and "converged: NO" in res.stdout


@pytest.mark.slow
def test_fit_command_with_posterior_and_corner_plot(fast_file, tmp_path, runner):
    pytest.importorskip("emcee")
    pytest.importorskip("corner")
    corner_png = tmp_path / "corner.png"
    res = runner.invoke(
        main,
        [
            "fit",
            "--model",
            fast_file,
            "--data",
            "h3s_dome_paper",
            "--free",
            "eta-law",
            "--g-law",
            "0.335,0",
            "--eta-law",
            "-1.05,0.012",
            "--starts",
            "1",
            "--posterior",
            "--steps",
            "10",
            "--corner",
            str(corner_png),
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    payload = json.loads(res.stdout)
    assert set(payload["posterior"]) == {"eta_a", "eta_b"}
    assert corner_png.stat().st_size > 0


@pytest.mark.slow
def test_design_out_records_model_theory_and_bound_so_the_design_reads_back(unconverged_design):
    """Review H15 [12]: ``design --out`` had no model_toml/theory/bound attributes."""
    from multigap.io import model_from_dataset, read_dataset
    from multigap.model import loads_model

    _, payload, out = unconverged_design
    ds = read_dataset(out)
    assert model_from_dataset(ds) == loads_model(payload["model_toml"])
    assert (ds.attrs["theory"], ds.attrs["theory_options"], ds.attrs["bound"]) == ("bcs", "{}", "none")
    assert loads_model(ds.attrs["template_model_toml"]).name == "A"


@pytest.mark.slow
def test_design_that_did_not_converge_exits_1_with_a_message_like_fit(unconverged_design):
    res, payload, out = unconverged_design
    assert payload["converged"] is False  # one generation of differential evolution
    assert res.exit_code == 1
    assert res.stderr.startswith("Error: the design search did not converge: ")
    assert res.stderr.count("\n") == 1 and "--maxiter" in res.stderr
    assert out.stat().st_size > 0  # the result is still written


def test_path_pressure_grid_is_capped_and_pairs_are_checked_like_every_option(runner):
    """Review H15 [4]: ``path --pressure 150:200:100000000`` ran unbounded (no cap on COUNT)."""
    laws = ["--eta-law", "-1,0.0125", "--g-law", "0.3,0"]
    res = runner.invoke(main, ["path", "--pressure", f"150:200:{MAX_GRID_POINTS + 1}", *laws])
    assert res.exit_code == 2
    assert "Invalid value for '--pressure'" in res.stderr and f"at most {MAX_GRID_POINTS}" in res.stderr
    res = runner.invoke(main, ["path", "--pressure", "150:200:3", "--eta-law", "-1", "--g-law", "0.3,0"])
    assert res.exit_code == 2
    assert "Invalid value for '--eta-law'" in res.stderr and "2 comma-separated numbers" in res.stderr


@pytest.fixture(scope="module")
def fit_on_workers(fast_a, tmp_path_factory):
    """``fit --workers 2`` (two starts on worker processes) in text mode, with --out."""
    folder = tmp_path_factory.mktemp("fit")
    template, out = folder / "fast_a.toml", folder / "fit.nc"
    dump_model(fast_a, template)
    args = ["fit", "--model", str(template), "--data", "h3s_dome_paper", "--free", "eta-law"]
    args += ["--eta-law", "-1.05,0.012", "--g-law", "0.335,0", "--starts", "2", "--seed", "1"]
    return CliRunner().invoke(main, [*args, "--workers", "2", "--out", str(out)]), out


@pytest.mark.slow
def test_fit_takes_executor_and_workers_like_path_and_design(fit_on_workers, fast_a, runner):
    from multigap.inverse import fit_path, load_data
    from multigap.io import read_dataset

    res, out = fit_on_workers
    assert res.exit_code == 0, res.output
    serial = fit_path(
        fast_a,
        load_data("h3s_dome_paper"),
        free=("eta-law",),
        start={"eta_a": -1.05, "eta_b": 0.012, "g_c": 0.335},
        n_starts=2,
        seed=1,
    )
    np.testing.assert_allclose(read_dataset(out)["value"].values, serial.values, rtol=FIT_EXECUTOR_RTOL)
    bad = runner.invoke(main, ["fit", "--data", "h3s_dome_paper", "--executor", "serial", "--workers", "2"])
    assert bad.exit_code == 2 and "--executor serial runs in this process" in bad.stderr


@pytest.mark.slow
def test_fit_table_names_the_gap_ratio_of_the_active_band_to_the_one_below(fit_on_workers):
    res, _ = fit_on_workers
    header = next(line for line in res.stdout.splitlines() if "P (GPa)" in line)
    assert header.split()[-1] == "Δ3/Δ2"  # model A: active band 3
