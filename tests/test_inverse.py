"""Pressure paths, measured data and path fits (multigap.inverse: paths, data, fit)."""

from __future__ import annotations

import dataclasses
import io

import numpy as np
import pytest

from multigap.errors import ConvergenceError, InputError
from multigap.inverse import (
    DataError,
    FitError,
    PathError,
    combine,
    compute_path,
    fit_path,
    linear_law_path,
    load_data,
    parse_free,
    read_data,
    read_path_table,
    shipped_data,
    straight_path,
)
from multigap.model import Numerics
from multigap.parsing import MAX_GRID_POINTS, parse_pair, parse_range
from multigap.status import Status
from tolerances import FIT_COVERAGE_FRACTION, FIT_COVERAGE_SIGMAS, TC_SOLVE_RTOL


@pytest.fixture(scope="module")
def fast_a(model_a):
    """Model A with the smallest quadrature (Tc within 1e-5 relative of n_q = 8): fast fits."""
    return dataclasses.replace(model_a, numerics=Numerics(n_q=4))


# ---------------------------------------------------------------------------------- paths


def test_path_through_map_grid_points_reproduces_the_map(fast_a):
    from multigap.sweep import run_map

    eta, g = np.linspace(0.2, 1.6, 5), np.array([0.3, 0.38])
    run = run_map(fast_a, eta, g, executor="serial", progress=False)
    ds = run.dataset if hasattr(run, "dataset") else run
    tc_map = ds["tc"].transpose("g", "eta").values
    # a zig-zag path through every grid point, labelled by increasing pressure
    ee = np.concatenate([eta, eta[::-1]])
    gg = np.repeat(g, eta.size)
    path = read_path_table(
        io.StringIO(
            "pressure_GPa,eta,g\n"
            + "".join(
                f"{100 + 5 * i},{float(e)!r},{float(x)!r}\n"
                for i, (e, x) in enumerate(zip(ee, gg, strict=True))
            )
        )
    )
    out = compute_path(fast_a, path, quantities=("tc",))
    expected = np.concatenate([tc_map[0], tc_map[1][::-1]])
    np.testing.assert_allclose(out["tc"].values, expected, rtol=TC_SOLVE_RTOL, atol=0)
    assert out["pressure"].attrs["units"] == "GPa"
    assert np.all(out["status"].values == Status.CONVERGED.code)


def test_linear_laws_and_straight_paths():
    path = linear_law_path(parse_range("100:200:3"), eta_law=(-1.0, 0.01), g_law=(0.2, 0.001))
    np.testing.assert_allclose(path.eta, [0.0, 0.5, 1.0], atol=1e-15)
    np.testing.assert_allclose(path.g, [0.3, 0.35, 0.4], atol=1e-15)
    s = straight_path((-0.5, 0.1), (1.5, 0.3), 5)
    np.testing.assert_allclose(s.eta, [-0.5, 0.0, 0.5, 1.0, 1.5])
    assert s.pressure is None
    with pytest.raises(PathError, match=r"g = .* must be >= 0 and < 0\.5"):
        linear_law_path([100.0, 200.0], eta_law=(0.0, 0.0), g_law=(0.3, 0.002))


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("pressure_GPa,eta,g\n150,0.5,0.3\n140,0.6,0.3\n", "strictly increasing"),
        ("pressure_GPa,eta,g\n150,0.5,0.3\n150,0.6,0.3\n", "strictly increasing"),
        ("pressure_GPa,eta,g\n150,nan,0.3\n", "not a finite number"),
        ("pressure_GPa,eta,g\n150,0.5,\n", "not a number"),
        ("pressure_GPa,eta,g\n150,0.5,0.5\n", r"g = 0.5 must be >= 0 and < 0.5"),
        ("pressure_GPa,eta,g\n150,0.5,0.7\n", r"< 0.5"),
        ("pressure_GPa,eta\n150,0.5\n", "missing column 'g'"),
        ("pressure_GPa,eta,g,temperature\n150,0.5,0.3,1\n", "unknown column 'temperature'"),
        ("pressure_GPa,eta,g\n", "no data rows"),
        ("# only a comment\n", "no header"),
        ("pressure_GPa,eta,g\n150,0.5\n", "has 2 cells"),
    ],
)
def test_bad_path_tables_are_refused_with_one_line(table, message):
    with pytest.raises(PathError, match=message) as info:
        read_path_table(io.StringIO(table))
    assert "\n" not in str(info.value)


def test_parse_errors_are_one_line():
    for bad in ("120:100:3", "a:b:c", "120:200", "120:200:nan"):
        with pytest.raises(InputError, match=r"^--pressure ") as info:
            parse_range(bad, name="--pressure")
        assert "\n" not in str(info.value)
    with pytest.raises(FitError, match="unknown parameter group 'mass'"):
        parse_free("eta-law,mass")


def test_one_grid_parser_and_one_pair_parser_serve_the_cli_and_the_paths():
    """Review H15 [4]: ``path --pressure`` had its own START:STOP:COUNT parser without the cap."""
    import multigap.inverse.paths as paths
    from multigap.cli import options

    assert options.parse_range is parse_range  # the CLI's grids (map --eta, path --pressure)
    assert not [name for name in vars(paths) if name.startswith("parse_")]  # no second parser
    assert parse_range(f"150:200:{MAX_GRID_POINTS}").size == MAX_GRID_POINTS
    with pytest.raises(InputError, match=f"at most {MAX_GRID_POINTS}"):
        parse_range(f"150:200:{MAX_GRID_POINTS + 1}", name="--pressure")
    assert parse_pair(" 0.5, 0.3 ") == (0.5, 0.3)
    for bad, message in (("0.5", r"2 comma-separated numbers \(1 given\)"), ("0.5,inf", "finite")):
        with pytest.raises(InputError, match=message):
            parse_pair(bad, name="--from")


def test_failed_points_are_reported_not_dropped(fast_a):
    # omega0 above the model's allowed maximum makes these points fail inside the engine
    path = linear_law_path([100.0, 110.0], eta_law=(0.0, 0.01), g_law=(0.3, 0.0), omega0=2e5)
    out = compute_path(fast_a, path, quantities=("tc",))
    assert out.sizes["point"] == 2
    assert np.all(out["status"].values == Status.FAILED.code)
    assert all(str(m) for m in out["message"].values)


# ----------------------------------------------------------------------------------- data


def test_shipped_data_carry_provenance_and_status():
    assert shipped_data() == ["csh_x_retracted", "h3s_d3s_isotope", "h3s_dome_paper"]
    h3s = load_data("h3s_dome_paper")
    assert h3s.tc.max() == 203.0 and h3s.pressure[np.argmax(h3s.tc)] == 162.0
    assert h3s.pressure[-1] - h3s.pressure[1] == 43.0 and h3s.pressure[1] - h3s.pressure[0] == 43.0
    assert set(h3s.status) == {"quoted"}
    assert any("doi:10.1038/nature14964" in line for line in h3s.provenance)
    iso = load_data("h3s_d3s_isotope")
    assert iso.alpha[0] == pytest.approx(np.log(203 / 147) / np.log(2), abs=0.005)
    assert any("secondary quotation" in line for line in iso.provenance)
    csh = load_data("csh_x_retracted")
    assert csh.retracted and csh.tc[0] == 287.0 and csh.pressure[0] == 265.0
    assert any("RETRACTED" in line and "2022" in line for line in csh.provenance)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pressure_GPa,tc_K\n150,200\n", "missing column 'tc_err_K'"),
        ("pressure_GPa,tc_K,tc_err_K,colour\n150,200,5,red\n", "unknown column 'colour'"),
        ("pressure_GPa,tc_K,tc_err_K\n150,200,\n", "both be given"),
        ("pressure_GPa,tc_K,tc_err_K\n150,200,0\n", "must be > 0"),
        ("pressure_GPa,tc_K,tc_err_K\n150,inf,5\n", "not a finite number"),
        ("pressure_GPa,tc_K,tc_err_K\n150,,\n", "no observable"),
        ("pressure_GPa,tc_K,tc_err_K,status\n150,200,5,guessed\n", "measured, quoted"),
        ("pressure_GPa,tc_K,tc_err_K,alpha\n150,200,5,0.3\n", "uncertainty column 'alpha_err'"),
    ],
)
def test_bad_data_files_are_refused(text, message):
    with pytest.raises(DataError, match=message) as info:
        read_data(io.StringIO(text))
    assert "\n" not in str(info.value)


# ------------------------------------------------------------------------------------ fits


def _synthetic(model, seed, sigma=3.0):
    truth = {"eta_a": -1.2, "eta_b": 0.0125, "g_c": 0.33}
    p = np.linspace(120.0, 200.0, 6)
    clean = compute_path(
        model, linear_law_path(p, (truth["eta_a"], truth["eta_b"]), (truth["g_c"], 0.0)), quantities=("tc",)
    )["tc"].values
    noisy = clean + sigma * np.random.default_rng(seed).standard_normal(p.size)
    text = "pressure_GPa,tc_K,tc_err_K\n" + "".join(
        f"{float(a)!r},{float(b)!r},{sigma!r}\n" for a, b in zip(p, noisy, strict=True)
    )
    return truth, read_data(io.StringIO(text))


@pytest.mark.slow
def test_synthetic_round_trip_recovers_the_path_within_two_sigma(fast_a):
    inside, total = 0, 0
    for seed in range(7):
        truth, data = _synthetic(fast_a, seed)
        res = fit_path(fast_a, data, free=("eta-law", "g"), start=truth, n_starts=1, seed=seed)
        assert res.converged, res.message
        assert res.rank == 3 and res.dof == 3
        for name, value in truth.items():
            total += 1
            inside += abs(res.value(name) - value) <= FIT_COVERAGE_SIGMAS * res.error(name)
    assert inside >= FIT_COVERAGE_FRACTION * total, f"{inside}/{total} inside 2 sigma"


@pytest.mark.slow
def test_fit_from_a_wrong_start_finds_the_true_side_of_the_dome(fast_a):
    _, data = _synthetic(fast_a, seed=11, sigma=1.0)
    res = fit_path(
        fast_a,
        data,
        free=("eta-law", "g"),
        start={"eta_a": 1.0, "eta_b": -0.002, "g_c": 0.25},
        n_starts=4,
        seed=3,
    )
    assert res.converged
    assert res.value("eta_b") > 0  # the rising side: eta grows with pressure as in the truth
    assert res.chi2 < 20.0  # 6 points, 3 dof: chi2 = 20 has p ~ 2e-4
    assert len(res.starts) == 4


def test_more_free_parameters_than_data_is_refused(fast_a):
    data = load_data("h3s_dome_paper")
    with pytest.raises(FitError, match=r"4 free parameters .* only 3 data points"):
        fit_path(fast_a, data, free=("eta-law", "g-law"))


def test_retracted_data_are_refused_unless_allowed(fast_a):
    data = combine([load_data("h3s_dome_paper"), load_data("csh_x_retracted")])
    with pytest.raises(FitError, match="retracted"):
        fit_path(fast_a, data, free=("eta",))


def test_a_fit_that_does_not_converge_says_so(fast_a):
    data = load_data("h3s_dome_paper")
    res = fit_path(fast_a, data, free=("eta-law", "g"), n_starts=2, max_nfev=1, seed=0)
    assert not res.converged
    assert "did not converge" in res.message
    with pytest.raises(ConvergenceError, match="did not converge"):
        fit_path(fast_a, data, free=("eta-law", "g"), n_starts=1, max_nfev=1, strict=True)


def test_below_floor_points_are_residuals_like_any_other(fast_a):
    # deep on the anti-resonant side Tc ~ 1e-3 K: below a floor of 1 K, i.e. Tc = 0 at every datum
    model = dataclasses.replace(fast_a, numerics=Numerics(n_q=4, tc_floor=1.0))
    text = "pressure_GPa,tc_K,tc_err_K\n100,150,10\n120,160,10\n"
    res = fit_path(
        model,
        read_data(io.StringIO(text)),
        free=("eta",),
        start={"eta_a": -3.0, "eta_b": 0.0},
        bounds={"eta": (-3.0, -2.9)},
        n_starts=1,
    )
    assert res.observations == ("tc@100GPa", "tc@120GPa")
    np.testing.assert_allclose(res.model_values, 0.0, atol=1e-6)
    np.testing.assert_allclose(res.residuals, [-15.0, -16.0], atol=1e-6)
    assert res.chi2 == pytest.approx(15.0**2 + 16.0**2, rel=1e-6)
    # a flat residual landscape: reported as undetermined, and the start sits on the box edge
    assert res.rank == 0 and "do not determine" in res.message
    assert res.at_bounds and res.at_bounds[0].startswith("eta_a")


def test_h3s_fit_predicts_alpha_along_the_path(fast_a):
    data = combine([load_data("h3s_dome_paper"), load_data("h3s_d3s_isotope")])
    res = fit_path(
        fast_a, data, free=("eta-law", "g"), start={"eta_a": -1.0, "eta_b": 0.012, "g_c": 0.335}, n_starts=1
    )
    assert res.converged and res.dof == 1
    assert res.observations[-1] == "alpha@150GPa"
    assert 0.32 < res.value("g_c") < 0.35
    ds = res.to_dataset(np.array([120.0, 162.0, 200.0]))
    assert ds["tc"].dims == ("pressure",)
    assert np.all(np.isfinite(ds["alpha"].values)) and np.all(ds["alpha_sigma"].values > 0)
    assert ds["tc"].sel(pressure=162.0) == pytest.approx(203.0, abs=15.0)


def test_figures_draw_paths_maps_designs_and_posteriors(fast_a):
    from matplotlib.figure import Figure

    from multigap.figures import corner_figure, design_cut_figure, path_on_map_figure, path_tc_figure
    from multigap.sweep import run_map

    path = linear_law_path([140.0, 160.0, 180.0], eta_law=(-1.0, 0.0125), g_law=(0.3, 0.0))
    ds = compute_path(fast_a, path, quantities=("tc", "alpha"))
    fig = path_tc_figure(ds, load_data("h3s_dome_paper"))
    assert isinstance(fig, Figure) and len(fig.axes) == 2  # Tc and alpha panels
    run = run_map(fast_a, [0.5, 1.0, 1.5], [0.25, 0.35], executor="serial", progress=False)
    tc_map = run.dataset if hasattr(run, "dataset") else run
    assert len(path_on_map_figure(tc_map, ds).axes) == 2  # the map and its colour bar
    assert len(design_cut_figure(ds, ds, eta_best=1.0).axes) == 1
    pytest.importorskip("corner")
    samples = np.random.default_rng(0).standard_normal((200, 2))
    assert len(corner_figure(samples, ["eta_a", "eta_b"]).axes) == 4
