"""`multigap reproduce`: every figure of the paper, and a report whose numbers come from the files.

The whole pipeline runs once (module fixture) on the ``tiny`` grid set through the command line;
the tests then recompute the report's numbers from the written NetCDF files with plain xarray
operations, independently of :mod:`multigap.reproduce`.
"""

import json

import numpy as np
import pytest
import xarray as xr
from click.testing import CliRunner

from multigap.cli import main
from multigap.datasets import eta_cut_dataset
from multigap.errors import InputError
from multigap.io import model_from_dataset, read_dataset
from multigap.presets import preset
from multigap.reproduce import GRID_SETS, PAPER, eta_cut_parallel, render_report, reproduce

FIGURES = [
    "bands_A.png",
    "bands_B.png",
    "fig3_dos.png",
    "fig4_cutoff.png",
    "fig5_overlap_A.png",
    "fig5_overlap_B.png",
    "fig6_gap_ratio_isotope.png",
    "fig7_tc_anisotropy.png",
    "fig8_tc_vs_eta.png",
    "fig9_tc_vs_g_A.png",
    "fig10_map_A.png",
    "fig11_map_B.png",
]
DATA = [f"{kind}_{m}.nc" for kind in ("bands", "dos", "fermi", "overlap", "eta_cut", "map") for m in "AB"]
DATA += ["cutoff.nc"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("results")
    result = CliRunner().invoke(
        main, ["reproduce", "--out", str(out), "--grid-set", "tiny", "--executor", "serial", "--no-progress"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    markdown = (out / "report.md").read_text(encoding="utf-8")
    return out, result, report, markdown


def test_every_figure_and_data_file_is_written_and_listed(run):
    out, result, _, _ = run
    written = sorted(
        line.removeprefix("wrote ").rsplit("/", 1)[-1]
        for line in result.stdout.splitlines()
        if line.startswith("wrote ")
    )
    assert written == sorted([*FIGURES, *DATA, "report.json", "report.md"])
    for name in FIGURES:
        data = (out / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000, name
    for name in DATA:
        ds = read_dataset(out / name)
        for m in "AB":
            if name.endswith(f"_{m}.nc"):
                expected = preset(m)
                if name.startswith("eta_cut"):
                    expected = expected.with_g(PAPER["cut_g"][m])
                assert model_from_dataset(ds) == expected, name
    assert "model A: largest Tc =" in result.stdout and "(paper: 250 K)" in result.stdout
    assert "done in" in result.stdout and "tiny grids" in result.stdout


def test_maps_and_cuts_have_the_grid_set_sizes(run):
    out, _, report, _ = run
    grids = GRID_SETS["tiny"]
    for m in "AB":
        tc_map = read_dataset(out / f"map_{m}.nc")
        assert dict(tc_map.sizes) == {"eta": grids.map_eta, "g": grids.map_g}
        np.testing.assert_array_equal(tc_map["eta"].values, np.linspace(-1, 2, grids.map_eta))
        np.testing.assert_array_equal(tc_map["g"].values, np.linspace(0.1, 0.49, grids.map_g))
        assert tc_map.attrs["command"].startswith("multigap reproduce --out")
        cut = read_dataset(out / f"eta_cut_{m}.nc")
        assert cut.sizes["eta"] == grids.cut_eta
    assert report["grid_set"]["name"] == "tiny"
    assert [f["file"] for f in report["files"]] == [
        "map_A.nc",
        "map_B.nc",
        "eta_cut_A.nc",
        "eta_cut_B.nc",
        "cutoff.nc",
        "bands_A.nc",
        "bands_B.nc",
    ]


def _window(eta, lo, hi):
    return (eta >= lo - 1e-9) & (eta <= hi + 1e-9)


def test_report_numbers_equal_values_recomputed_from_the_files(run):
    out, _, report, markdown = run
    for m in "AB":
        ours = report["ours"][m]
        # --- the map: largest converged Tc and where, the dome top per g, the anti-resonant side
        tc_map = read_dataset(out / f"map_{m}.nc")
        tc = tc_map["tc"].where(tc_map["status"] == 0)
        top = tc.max()
        where = tc.where(tc == top, drop=True)
        assert ours["map"]["tc_max_K"] == float(top)
        assert ours["map"]["eta_at_max"] == float(where["eta"][0])
        assert ours["map"]["g_at_max"] == float(where["g"][0])
        per_g = tc.max("eta")
        assert ours["map"]["g_of_dome_top"] == float(per_g["g"][int(per_g.argmax("g"))])
        assert ours["map"]["dome_top_at_g_last_K"] == float(per_g[-1])
        neg = tc.sel(eta=tc["eta"] < 0)
        minima = [
            (float(col["eta"][int(col.argmin("eta"))]), float(col.min()))
            for col in (neg.isel(g=j) for j in range(neg.sizes["g"]))
        ]
        assert [(x["eta"], x["tc_K"]) for x in ours["map"]["antiresonance_minima"]] == minima
        near = tc.sel(eta=PAPER["antiresonance_min_eta"]["value"], method="nearest")
        assert ours["map"]["tc_near_paper_min_g_first_K"] == float(near[0])
        assert ours["map"]["tc_near_paper_min_g_last_K"] == float(near[-1])
        assert ours["map"]["n_points"] == tc_map["tc"].size
        # --- the cut of Figs. 6-7
        cut = read_dataset(out / f"eta_cut_{m}.nc")
        eta = cut["eta"].values
        win = _window(eta, *PAPER["eta_window"]["value"])
        up = cut["gap_ratio"].sel(band=3).values[win]
        lo = cut["gap_ratio"].sel(band=2).values[win]
        assert ours["cut"]["gap_ratio_upper_range"] == [up.min(), up.max()]
        assert ours["cut"]["gap_ratio_lower_range"] == [lo.min(), lo.max()]
        i = int(np.argmax(cut["tc"].values))
        assert ours["cut"]["tc_max_K"] == cut["tc"].values[i]
        assert ours["cut"]["anisotropy_at_tc_max"] == cut["anisotropy"].values[i]
        aw = cut["anisotropy"].values[win]
        assert ours["cut"]["anisotropy_range"] == [aw.min(), aw.max()]
        alpha = cut["alpha"].values
        amin = _window(eta, *PAPER["isotope_min_window"]["value"])
        k = int(np.argmin(alpha[amin]))
        assert ours["cut"]["alpha_min_in_window"] == {"eta": eta[amin][k], "alpha": alpha[amin][k]}
        assert ours["cut"]["g"] == pytest.approx(PAPER["cut_g"][m], rel=1e-15)
        # --- bands
        bands = read_dataset(out / f"bands_{m}.nc")
        assert ours["bands"]["dE_meV"] == float(bands["dE"])
        # --- the same numbers, as printed in report.md
        mp = ours["map"]
        assert f"{mp['tc_max_K']:.1f} K at η = {mp['eta_at_max']:.3g}, g = {mp['g_at_max']:.3g}" in markdown
        assert f"{up.min():.3g}–{up.max():.3g} and {lo.min():.3g}–{lo.max():.3g}" in markdown
        assert f"{cut['anisotropy'].values[i]:.3g} at the largest Tc of the cut" in markdown
        assert f"| {m} | {float(bands['E_L']):.2f} | {float(bands['dE']):.2f} |" in markdown
    # --- the cutoff, interpolated from cutoff.nc
    cutoff = read_dataset(out / "cutoff.nc")
    w_a = cutoff["omega_tilde"].sel(model="A")
    assert report["ours"]["cutoff"]["A"]["omega_tilde_at_paper_g_meV"]["0.3"] == pytest.approx(
        float(w_a.interp(g=0.3)), rel=1e-12
    )
    assert f"{float(w_a.interp(g=0.3)):.1f} meV (g = 0.3)" in markdown


def test_report_quotes_the_paper_separately_and_the_retraction(run):
    _, _, report, markdown = run
    assert report["paper"] == json.loads(json.dumps(PAPER))
    assert "## The paper's numbers (quoted, not computed)" in markdown
    assert "retracted" in markdown and "2022" in markdown and "CSH_x" in markdown
    assert "## Files used" in markdown and "`map_A.nc`" in markdown and "`eta_cut_B.nc`" in markdown
    header = "| quantity | paper | multigap | difference | why |"
    table = markdown.split(header, 1)[1].split("\n\n", 1)[0].strip().splitlines()[1:]
    assert len(table) == len(report["rows"]) >= 14
    assert all(row.count(" | ") >= 4 for row in table)


def test_the_paper_column_follows_PAPER_and_ours_follows_the_data(run, monkeypatch):
    _, _, report, _ = run
    import copy

    import multigap.reproduce as rep

    changed = copy.deepcopy(PAPER)
    changed["tc_max_K"]["A"] = 123.0
    monkeypatch.setattr(rep, "PAPER", changed)
    fake = copy.deepcopy(report)
    fake["ours"]["A"]["map"]["tc_max_K"] = 777.25
    fake["rows"] = rep._rows(fake["ours"])
    text = render_report(fake)
    assert "≈ 123 K near" in text and "777.2 K at η" in text and "+654.2 K" in text


def test_eta_cut_parallel_equals_one_call_per_model():
    eta = np.array([-0.5, 0.3, 1.0, 1.6])
    models = [preset("A"), preset("B")]
    cuts = eta_cut_parallel(models, eta, executor="serial", piece=3)
    for m, cut in zip(models, cuts, strict=True):
        xr.testing.assert_identical(cut, eta_cut_dataset(m, eta))


def test_reproduce_rejects_bad_settings(tmp_path):
    with pytest.raises(InputError, match="grids"):
        reproduce(tmp_path, grids="huge")
    with pytest.raises(InputError, match="executor"):
        reproduce(tmp_path, grids="tiny", executor="threads")
    with pytest.raises(InputError, match="scheduler"):
        reproduce(tmp_path, grids="tiny", executor="serial", scheduler="local")
    assert not any(tmp_path.iterdir())


def test_quick_and_full_grids_hold_the_papers_points():
    for name in ("quick", "full"):
        grids = GRID_SETS[name]
        for values, wanted in (
            (grids.map_eta_grid(), (-0.34, 0.0, 0.5, 1.0)),
            (grids.map_g_grid(), (0.25, 0.4, 0.49)),
            (grids.cut_eta_grid(), (0.0, 0.5, 1.0)),
            (grids.cutoff_g_grid(), (0.25, 0.3, 0.33)),
        ):
            assert all(np.min(np.abs(values - w)) < 1e-12 for w in wanted), (name, wanted)
