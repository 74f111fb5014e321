"""Figure functions return Figures with labelled axes and the expected artists (no pixel tests).

The band-structure and cutoff figures are fed real Datasets; the DOS, Fermi-surface and
overlap figures are fed small synthetic Datasets with the schema of :mod:`multigap.datasets`,
so these tests check drawing only (the physics has its own tests).
"""

import subprocess
import sys

import numpy as np
import pytest
import xarray as xr
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from multigap.constants import BCS_GAP_RATIO
from multigap.datasets import bands_dataset, cutoff_dataset
from multigap.errors import InputError
from multigap.figures import (
    band_color,
    band_structure_figure,
    cutoff_figure,
    dos_figure,
    gap_ratio_figure,
    model_color,
    overlap_figure,
    save_figure,
    tc_comparison_figure,
    tc_map_figure,
    tc_vs_anisotropy_figure,
    tc_vs_eta_figure,
    tc_vs_g_figure,
    theory_label,
)
from multigap.figures.style import omitted_note, shown_tc, status_mask
from multigap.presets import preset
from multigap.status import Status

N_BANDS = 3


def _labelled(ax) -> bool:
    return bool(ax.get_xlabel().strip()) and bool(ax.get_ylabel().strip())


def _synthetic_dos(name: str) -> xr.Dataset:
    eta = np.linspace(-1.0, 2.0, 31)
    partial = np.vstack([np.full_like(eta, 0.2), np.full_like(eta, 0.25), np.where(eta > 0, 0.8, 0.0)])
    return xr.Dataset(
        {
            "dos_partial": (("band", "eta"), partial, {"units": "1"}),
            "dos_total": ("eta", partial.sum(0), {"units": "1"}),
            "energy": ("eta", 3000.0 + 274.0 * eta, {"units": "meV"}),
            "E_L": ((), 3000.0, {"units": "meV"}),
            "dE": ((), 274.0, {"units": "meV"}),
            "period": ((), 1.4, {"units": "nm"}),
        },
        coords={"eta": eta, "band": np.arange(1, N_BANDS + 1)},
        attrs={"model_name": name, "active_band": N_BANDS},
    )


def _synthetic_fermi(name: str, etas=(0.1, 0.9, 1.5)) -> xr.Dataset:
    q = np.linspace(-np.pi / 1.4, np.pi / 1.4, 20)
    n_seg, n_pt = 5, q.size
    kx = np.full((len(etas), n_seg, n_pt), np.nan)
    kz = np.full_like(kx, np.nan)
    seg_band = np.zeros((len(etas), n_seg), dtype=int)
    for i in range(len(etas)):
        for j, (band, x) in enumerate([(1, 8.0), (1, -8.0), (2, 6.0), (2, -6.0)]):
            kx[i, j], kz[i, j], seg_band[i, j] = x, q, band
        if i > 0:  # a pocket of the active band at the 2nd and 3rd eta only
            kx[i, 4, :10], kz[i, 4, :10], seg_band[i, 4] = np.cos(q[:10]), np.sin(q[:10]), 3
    return xr.Dataset(
        {
            "kx": (("eta", "segment", "point"), kx, {"units": "1/nm"}),
            "kz": (("eta", "segment", "point"), kz, {"units": "1/nm"}),
            "segment_band": (("eta", "segment"), seg_band, {"units": "1"}),
            "period": ((), 1.4, {"units": "nm"}),
        },
        coords={"eta": list(etas), "segment": np.arange(n_seg), "point": np.arange(n_pt)},
        attrs={"model_name": name, "active_band": N_BANDS},
    )


def _synthetic_overlap() -> xr.Dataset:
    q = np.linspace(-2.0, 2.0, 9)
    base = 1.0 + 0.1 * np.arange(N_BANDS)[:, None] + 0.1 * np.arange(N_BANDS)[None, :]
    tensor = base[:, :, None, None] * (1.0 + 0.05 * np.cos(q)[None, None, :, None]) * np.ones(q.size)
    return xr.Dataset(
        {
            "overlap": (("band", "band2", "q", "q2"), tensor, {"units": "1"}),
            "mean_overlap": (("band", "band2"), base, {"units": "1"}),
        },
        coords={"band": np.arange(1, N_BANDS + 1), "band2": np.arange(1, N_BANDS + 1), "q": q, "q2": q},
        attrs={"model_name": "A", "active_band": N_BANDS},
    )


def _synthetic_cut(name: str, g: float, n_floor: int = 0, names: bool = False) -> xr.Dataset:
    """An eta cut with the schema of sweep.run_cut; the first ``n_floor`` points below the floor.

    Statuses are int8 codes (``names=True``: status names, as in version 0.1 cut files).
    """
    eta = np.linspace(-0.5, 2.0, 26)
    tc = 100.0 * np.exp(-((eta - 1.0) ** 2))
    gap = np.vstack([0.02 * tc, 0.02 * tc, (0.18 + 0.01 * eta) * tc])
    ratio = 2 * gap / (0.08617 * tc)
    alpha = 0.5 - 0.3 * np.exp(-((eta - 0.8) ** 2))
    status = np.array([Status.CONVERGED] * eta.size, dtype=object)
    status[:n_floor] = Status.BELOW_FLOOR
    gap_status = np.array([Status.CONVERGED] * eta.size, dtype=object)
    gap_status[:n_floor] = Status.SKIPPED
    tc[:n_floor] = 0.0
    for arr in (gap, ratio):
        arr[:, :n_floor] = np.nan
    alpha[:n_floor] = np.nan
    aniso = gap[2] / gap[1]

    def encode(values):
        return np.array([str(v) if names else v.code for v in values], dtype=str if names else np.int8)

    return xr.Dataset(
        {
            "tc": ("eta", tc, {"units": "K"}),
            "status": ("eta", encode(status), {"units": "1"}),
            "gap_status": ("eta", encode(gap_status), {"units": "1"}),
            "gap": (("band", "eta"), gap, {"units": "meV"}),
            "gap_ratio": (("band", "eta"), ratio, {"units": "1"}),
            "anisotropy": ("eta", aniso, {"units": "1"}),
            "alpha": ("eta", alpha, {"units": "1"}),
            "omega": ((), 233.0, {"units": "meV"}),
            "dE": ((), 274.0, {"units": "meV"}),
        },
        coords={"eta": eta, "band": np.arange(1, N_BANDS + 1)},
        attrs={
            "model_name": name,
            "active_band": N_BANDS,
            "g": g,
            "anisotropy_upper": 3,
            "anisotropy_lower": 2,
            "tc_floor_K": 1e-8,
        },
    )


def test_band_structure_figure_has_one_panel_per_band():
    fig = band_structure_figure(bands_dataset(preset("A"), n_q=21))
    assert isinstance(fig, Figure)
    axes = fig.axes
    assert len(axes) == N_BANDS
    # highest band on top; the active band's panel also has E_L and E_L + dE lines
    assert [len(ax.get_lines()) for ax in axes] == [3, 1, 1]
    assert all("meV" in ax.get_ylabel() for ax in axes)
    assert "1/nm" in axes[-1].get_xlabel()
    assert axes[0].get_lines()[0].get_color() == band_color(3)


def test_dos_figure_with_fermi_surfaces_for_two_models():
    fig = dos_figure(
        [_synthetic_dos("A"), _synthetic_dos("B")], [_synthetic_fermi("A"), _synthetic_fermi("B")]
    )
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2 * (3 + 1)
    dos_axes = [ax for ax in fig.axes if "DOS" in ax.get_ylabel()]
    assert len(dos_axes) == 2
    for ax in dos_axes:
        assert _labelled(ax)
        # total + one per band + the two Lifshitz lines at eta = 0 and 1
        assert len(ax.get_lines()) == 1 + N_BANDS + 2
        assert ax.get_lines()[0].get_color() == "black"
    fermi_axes = [ax for ax in fig.axes if ax not in dos_axes]
    assert all("k_x" in ax.get_xlabel() for ax in fermi_axes)
    # 4 segments of bands 1, 2 (+ 1 pocket at eta_2, eta_3) and the two zero lines
    assert [len(ax.get_lines()) for ax in fermi_axes[:3]] == [6, 7, 7]
    assert len(fig.legends) == 1
    assert len(fig.legends[0].get_texts()) == 1 + N_BANDS + 1


def test_dos_figure_without_fermi_surfaces():
    fig = dos_figure(_synthetic_dos("A"))
    assert len(fig.axes) == 1
    assert _labelled(fig.axes[0])


def test_dos_figure_rejects_mismatched_inputs():
    with pytest.raises(InputError, match="one per model"):
        dos_figure([_synthetic_dos("A"), _synthetic_dos("B")], [_synthetic_fermi("A")])
    with pytest.raises(InputError, match="dos_total"):
        dos_figure(_synthetic_dos("A").drop_vars("dos_total"))


def test_cutoff_figure_one_curve_and_one_reference_per_model():
    ds = cutoff_dataset([preset("A"), preset("B")], np.linspace(0.0, 0.49, 11))
    fig = cutoff_figure(ds)
    (ax,) = fig.axes
    assert _labelled(ax) and "meV" in ax.get_ylabel()
    lines = ax.get_lines()
    assert len(lines) == 4
    assert lines[0].get_color() == model_color("A") and lines[2].get_color() == model_color("B")
    np.testing.assert_allclose(lines[0].get_ydata(), ds["omega_tilde"].sel(model="A").values)
    assert len(ax.get_legend().get_texts()) == 4


def test_overlap_figure_bars_and_curves():
    fig = overlap_figure(_synthetic_overlap(), q_fixed=0.0)
    ax_bar, ax_q = fig.axes
    assert _labelled(ax_bar) and _labelled(ax_q)
    n_pairs = N_BANDS * (N_BANDS + 1) // 2
    assert len(ax_bar.patches) == n_pairs
    assert [t.get_text() for t in ax_bar.get_xticklabels()] == ["11", "12", "13", "22", "23", "33"]
    assert len(ax_q.get_lines()) == n_pairs + 1  # + the V -> 0 reference at 1
    # bar and curve of the same pair share a colour
    assert ax_bar.patches[5].get_facecolor()[:3] == pytest.approx(to_rgb(ax_q.get_lines()[5].get_color()))


def test_save_figure_writes_a_png(tmp_path):
    path = save_figure(cutoff_figure(cutoff_dataset([preset("A")], [0.1, 0.3])), tmp_path / "deep" / "f.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_figures_never_touch_pyplot(tmp_path):
    code = (
        "import sys, numpy as np\n"
        "from multigap.datasets import bands_dataset, cutoff_dataset\n"
        "from multigap.sweep import run_cut, run_map\n"
        "from multigap.figures import band_structure_figure, cutoff_figure, save_figure\n"
        "from multigap.figures import gap_ratio_figure, tc_vs_anisotropy_figure\n"
        "from multigap.presets import preset\n"
        "band_structure_figure(bands_dataset(preset('A'), n_q=5))\n"
        "save_figure(cutoff_figure(cutoff_dataset([preset('B')], [0.2])), sys.argv[1])\n"
        "cut = run_cut(preset('A'), [0.9, 1.1])\n"
        "save_figure(gap_ratio_figure(cut), sys.argv[1])\n"
        "save_figure(tc_vs_anisotropy_figure(cut), sys.argv[1])\n"
        "from multigap.figures import tc_map_figure, tc_vs_eta_figure, tc_vs_g_figure\n"
        "m = run_map(preset('A'), [-0.5, 0.5, 1.0], [0.2, 0.4], executor='serial', progress=False).dataset\n"
        "for f in (tc_map_figure, tc_vs_eta_figure, tc_vs_g_figure):\n"
        "    save_figure(f(m), sys.argv[1])\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "x.png")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr


def test_figures_accept_real_datasets_including_the_van_hove_infinity():
    from multigap.datasets import dos_dataset, eta_grid, fermi_surface_dataset, overlap_dataset

    model = preset("B")
    dos = dos_dataset(model, eta_grid(-1.0, 2.0, 13))
    assert np.isinf(dos["dos_total"].values).any()
    fig = dos_figure(dos, fermi_surface_dataset(model, n_points=10))
    ax_dos = next(ax for ax in fig.axes if "DOS" in ax.get_ylabel())
    top = ax_dos.get_ylim()[1]
    assert np.isfinite(top) and top > np.nanmax(
        np.where(np.isinf(dos["dos_total"]), np.nan, dos["dos_total"])
    )
    fig5 = overlap_figure(overlap_dataset(model, n_q=5))
    assert len(fig5.axes[0].patches) == 6


def _data_lines(ax):
    return [line for line in ax.get_lines() if line.get_marker() == "o"]


def test_gap_ratio_figure_panels_lines_and_reference_values():
    a, b = _synthetic_cut("A", 0.25), _synthetic_cut("B", 1 / 3)
    fig = gap_ratio_figure(a, b)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 4
    top_a, top_b, bottom_a, bottom_b = fig.axes
    assert "1/4" in top_a.get_title() and "1/3" in top_b.get_title() and "Model B" in top_b.get_title()
    for ax, ds in ((top_a, a), (top_b, b)):
        assert "gap ratio" in ax.get_ylabel()  # x label only on the bottom row (shared x)
        d3, d2 = _data_lines(ax)
        np.testing.assert_array_equal(d3.get_ydata(), ds["gap_ratio"].sel(band=3).values)
        np.testing.assert_array_equal(d2.get_ydata(), ds["gap_ratio"].sel(band=2).values)
        assert d3.get_color() == band_color(3) and d2.get_color() == band_color(2)
        assert any(np.allclose(line.get_ydata(), BCS_GAP_RATIO) for line in ax.get_lines())
        # Lifshitz points eta = 0 and 1 lie inside [-0.5, 2]
        assert sum(np.allclose(line.get_xdata(), x) for line in ax.get_lines() for x in (0.0, 1.0)) == 2
    for ax, ds in ((bottom_a, a), (bottom_b, b)):
        assert _labelled(ax) and "eta" in ax.get_xlabel()
        (alpha,) = _data_lines(ax)
        np.testing.assert_array_equal(alpha.get_ydata(), ds["alpha"].values)
        assert any(np.allclose(line.get_ydata(), 0.5) for line in ax.get_lines())
        # shell edges mu0 +- omega~ at eta = 0, 1: eta = -w, w, 1 - w, 1 + w with w = 233/274
        w = 233.0 / 274.0
        edges = [x for x in (-w, w, 1 - w, 1 + w) if -0.5 < x < 2.0]
        dashed = [line.get_xdata()[0] for line in ax.get_lines() if line.get_linestyle() == "--"]
        np.testing.assert_allclose(sorted(dashed), sorted(edges))
    assert bottom_a.get_lines()[0].get_color() == model_color("A")
    # a list works as well as separate arguments
    assert len(gap_ratio_figure([a]).axes) == 2


@pytest.mark.parametrize("names", [False, True], ids=["codes", "names"])
def test_undefined_points_are_counted_in_a_note_not_hidden(names):
    fig = gap_ratio_figure(_synthetic_cut("A", 0.25, n_floor=3, names=names))
    notes = [t.get_text() for ax in fig.axes for t in ax.texts if "not shown" in t.get_text()]
    assert notes == ["not shown: 3 below the floor 1e-08 K"] * 2
    fig7 = tc_vs_anisotropy_figure(_synthetic_cut("A", 0.25, n_floor=3))
    assert any("not shown: 3" in t.get_text() for t in fig7.axes[0].texts)
    assert not any(
        "not shown" in t.get_text() for t in gap_ratio_figure(_synthetic_cut("A", 0.25)).axes[0].texts
    )


def test_a_per_point_floor_is_named_instead_of_the_model_floor():
    """A theory with a per-point floor (variable ``tc_floor``, e.g. Eliashberg's Matsubara grid):
    the note gives the floor of the points left out, one value or a range."""
    ds = _synthetic_cut("A", 0.25, n_floor=3)
    floors = np.full(ds.sizes["eta"], 9.0)
    floors[:3] = [0.5, 0.75, 1.25]
    varied = ds.assign(tc_floor=("eta", floors))
    assert omitted_note(varied) == "not shown: 3 below the floor 0.5-1.25 K (per point)"
    same = ds.assign(tc_floor=("eta", np.where(np.arange(floors.size) < 3, 2.0, 9.0)))
    assert omitted_note(same) == "not shown: 3 below the floor 2 K"
    assert omitted_note(ds) == "not shown: 3 below the floor 1e-08 K"  # no variable: the model's


def test_tc_vs_anisotropy_figure_points_colour_bar_and_maximum():
    a, b = _synthetic_cut("A", 0.25), _synthetic_cut("B", 1 / 3)
    fig = tc_vs_anisotropy_figure(a, b)
    panels = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    assert len(panels) == 2 and len(fig.axes) == 3  # + one shared colour bar
    colorbar = next(ax for ax in fig.axes if ax.get_label() == "<colorbar>")
    assert "eta" in colorbar.get_ylabel()
    for ax, ds in zip(panels, (a, b), strict=True):
        assert _labelled(ax) and "(K)" in ax.get_ylabel() and "Delta_3/\\Delta_2" in ax.get_xlabel()
        (points,) = ax.collections
        np.testing.assert_allclose(points.get_offsets(), np.column_stack([ds["anisotropy"], ds["tc"]]))
        np.testing.assert_array_equal(points.get_array(), ds["eta"].values)
        # the circled maximum
        i = int(np.argmax(ds["tc"].values))
        marker = next(line for line in ax.get_lines() if line.get_marker() == "o")
        assert (marker.get_xdata()[0], marker.get_ydata()[0]) == (
            ds["anisotropy"].values[i],
            ds["tc"].values[i],
        )
        assert any("largest" in t.get_text() and "100 K" in t.get_text() for t in ax.texts)


def test_eta_cut_figures_reject_incomplete_datasets():
    with pytest.raises(InputError, match="alpha"):
        gap_ratio_figure(_synthetic_cut("A", 0.25).drop_vars("alpha"))
    with pytest.raises(InputError, match="anisotropy"):
        tc_vs_anisotropy_figure(_synthetic_cut("A", 0.25).drop_vars("anisotropy"))
    with pytest.raises(InputError, match="at least one"):
        gap_ratio_figure()


# --------------------------------------------------------------------------- Figs. 8-11 (maps)
def _synthetic_map(name: str = "A", n_below: int = 0, n_failed: int = 0, de: float = 274.0) -> xr.Dataset:
    """A Tc map with the schema of compute_map: a dome at (1, 0.4), 1e-6 K for eta < 0."""
    eta = np.linspace(-1.0, 2.0, 31)
    g = np.linspace(0.1, 0.49, 14)
    dome = 250.0 * np.exp(-((eta[:, None] - 1.0) ** 2) / 0.3 - ((g[None, :] - 0.4) ** 2) / 0.01)
    tc = np.where(eta[:, None] < 0, 1e-6 * (1 + 0 * g[None, :]), dome)
    status = np.zeros(tc.shape, dtype=np.int8)
    tc[:n_below, 0] = 0.0  # the first eta of the first g row
    status[:n_below, 0] = 1
    tc[n_below : n_below + n_failed, 0] = np.nan
    status[n_below : n_below + n_failed, 0] = 2
    mu0 = 3000.0 + de * eta[:, None] + 0 * g[None, :]
    return xr.Dataset(
        {
            "tc": (("eta", "g"), tc, {"units": "K"}),
            "status": (("eta", "g"), status, {"units": "1"}),
            "mu0": (("eta", "g"), mu0, {"units": "meV"}),
        },
        coords={"eta": eta, "g": g},
        attrs={"model_name": name, "active_band": 3},
    )


def _panels(fig):
    return [ax for ax in fig.axes if ax.get_label() != "<colorbar>" and ax.get_xlabel() != ""]


def test_tc_vs_eta_figure_semilog_and_linear_with_the_paper_couplings():
    a, b = _synthetic_map("A"), _synthetic_map("B", de=145.0)
    fig = tc_vs_eta_figure(a, b)
    axes = [ax for ax in fig.axes if ax.get_ylabel()]
    log_a, log_b, lin_a, _lin_b = axes
    assert log_a.get_yscale() == "log" and lin_a.get_yscale() == "linear"
    assert (
        "Model A" in log_a.get_title() and "274 meV" in log_a.get_title() and "145 meV" in log_b.get_title()
    )
    g = a["g"].values
    expected = [g[int(np.argmin(np.abs(g - x)))] for x in (0.1, 0.2, 0.3, 0.35, 0.4, 0.45, 0.49)]
    for ax, ds in ((log_a, a), (lin_a, a), (log_b, b)):
        curves = [line for line in ax.get_lines() if line.get_label().startswith("g = ")]
        assert [line.get_label() for line in curves] == [f"g = {x:.3g}" for x in expected]
        j = int(np.argmin(np.abs(g - 0.4)))
        np.testing.assert_array_equal(curves[4].get_ydata(), ds["tc"].values[:, j])
    assert "(K)" in lin_a.get_ylabel() and "eta" in lin_a.get_xlabel()
    # the semi-log panel reaches down to the floor, drawn and labelled
    assert log_a.get_ylim()[0] < 1e-8
    assert any(np.allclose(line.get_ydata(), 1e-8) for line in log_a.get_lines())
    assert any("floor 1e-08 K" in t.get_text() for t in log_a.texts)
    # a top axis with mu0 - E_L in meV, scaled by the model's dE (read from mu0)
    tops = [c for c in log_a.child_axes if "meV" in c.get_xlabel()]
    assert len(tops) == 1
    # the largest Tc drawn is circled and labelled
    assert any("largest" in t.get_text() and "K" in t.get_text() for t in lin_a.texts)
    legend_labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend_labels[0] == "g = 0.1" and len(legend_labels) == 7


def test_tc_vs_eta_figure_omits_points_below_the_floor_and_says_so():
    ds = _synthetic_map("A", n_below=5, n_failed=2)
    fig = tc_vs_eta_figure(ds, g_values=[0.1])
    log_ax = fig.axes[0]
    (curve,) = [line for line in log_ax.get_lines() if line.get_label().startswith("g = ")]
    y = curve.get_ydata()
    assert np.isnan(y[:7]).all() and np.isfinite(y[7:]).all()  # 0 K and failed never drawn
    notes = [t.get_text() for t in log_ax.texts if "not shown" in t.get_text()]
    assert notes == ["not shown: 5 below the floor 1e-08 K, 2 failed"]
    # the linear panel draws Tc below the floor as 0 K and leaves out only the failed points
    lin_ax = fig.axes[1]
    (curve,) = [line for line in lin_ax.get_lines() if line.get_label().startswith("g = ")]
    y = curve.get_ydata()
    assert (y[:5] == 0.0).all() and np.isnan(y[5:7]).all() and np.isfinite(y[7:]).all()
    assert [t.get_text() for t in lin_ax.texts if "not shown" in t.get_text()] == ["not shown: 2 failed"]


def test_tc_vs_g_figure_resonant_and_anti_resonant_panels():
    ds = _synthetic_map("A")
    fig = tc_vs_g_figure(ds)
    res, anti = fig.axes
    assert "resonant" in res.get_title() and "anti-resonant" in anti.get_title()
    assert res.get_yscale() == "linear" and anti.get_yscale() == "log"
    assert "g" in anti.get_xlabel() and "(K)" in res.get_ylabel() and "(K)" in anti.get_ylabel()
    res_labels = [line.get_label() for line in res.get_lines()]
    anti_labels = [line.get_label() for line in anti.get_lines() if line.get_label().startswith("$")]
    eta = ds["eta"].values
    nearest = [eta[int(np.argmin(np.abs(eta - x)))] for x in (0.1, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5)]
    assert res_labels == [rf"$\eta$ = {x:.3g}" for x in dict.fromkeys(nearest)]
    assert rf"$\eta$ = {-0.3:g}" in anti_labels and all("-" in label for label in anti_labels)
    i = int(np.argmin(np.abs(ds["eta"].values - 1.0)))
    np.testing.assert_array_equal(res.get_lines()[4].get_ydata(), ds["tc"].values[i, :])
    only_res = tc_vs_g_figure(ds, eta_anti=[], eta_res=[1.0])
    assert len(only_res.axes) == 1


def test_tc_map_figure_colour_bar_in_kelvin_and_the_maximum_marked():
    a, b = _synthetic_map("A"), _synthetic_map("B", n_failed=3)
    fig = tc_map_figure(a, b)
    bars = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    maps = [ax for ax in fig.axes if ax.get_label() != "<colorbar>" and ax.get_ylabel()]
    assert len(bars) == 2 and len(maps) == 2
    assert all("(K)" in bar.get_ylabel() for bar in bars)
    for ax, ds in zip(maps, (a, b), strict=True):
        assert "eta" in ax.get_xlabel() and "g" in ax.get_ylabel()
        assert ax.get_xlim() == (-1.0, 2.0) and ax.get_ylim() == (0.1, 0.49)
        tc = ds["tc"].values
        i, j = np.unravel_index(int(np.nanargmax(tc)), tc.shape)
        star = next(line for line in ax.get_lines() if line.get_marker() == "*")
        assert (star.get_xdata()[0], star.get_ydata()[0]) == (ds["eta"].values[i], ds["g"].values[j])
        assert any(f"{tc[i, j]:.4g} K" in t.get_text() for t in ax.texts)
        (mesh,) = [c for c in ax.collections if c.__class__.__name__ == "QuadMesh"]
        assert mesh.get_array().shape == (ds.sizes["g"], ds.sizes["eta"])
    assert any("3 failed" in t.get_text() for t in maps[1].texts)


def test_map_figures_reject_other_datasets():
    with pytest.raises(InputError, match="mu0"):
        tc_map_figure(_synthetic_cut("A", 0.25))
    cube = _synthetic_map("A").expand_dims(omega0=[200.0, 300.0], axis=-1)
    with pytest.raises(InputError, match="omega0"):
        tc_vs_eta_figure(cube)
    with pytest.raises(InputError, match="at least one"):
        tc_map_figure()


# --------------------------------------------------------------------------- statuses and theories
def test_only_converged_points_are_drawn_whatever_the_other_status():
    """Interpolated and skipped points carry numbers but are never drawn as computed."""
    ds = _synthetic_map("A")
    status = ds["status"].values.copy()
    status[10, :] = Status.INTERPOLATED.code
    status[11, :] = Status.SKIPPED.code
    ds["status"] = (("eta", "g"), status)
    assert np.isfinite(ds["tc"].values[10:12]).all()  # the numbers are there ...
    shown = shown_tc(ds, below_floor=0.0)
    assert np.isnan(shown[10:12]).all() and np.isfinite(np.delete(shown, [10, 11], axis=0)).all()
    fig = tc_map_figure(ds)
    (mesh,) = [c for c in fig.axes[0].collections if c.__class__.__name__ == "QuadMesh"]
    assert mesh.get_array().mask[:, 10:12].all()  # ... but drawn grey
    note = next(t.get_text() for t in fig.axes[0].texts if "not shown" in t.get_text())
    assert note == f"not shown: {ds.sizes['g']} interpolated, {ds.sizes['g']} skipped (grey)"


def test_status_helpers_read_codes_and_names_alike():
    assert status_mask(np.array([0, 1, 2, 3], dtype=np.int8), Status.FAILED).tolist() == [0, 0, 1, 0]
    assert status_mask(np.array(["converged", "failed"]), Status.CONVERGED).tolist() == [1, 0]
    coded = xr.Dataset({"status": ("p", np.array([2, 2, 3, 0], dtype=np.int8))})
    named = xr.Dataset({"status": ("p", np.array(["failed", "failed", "interpolated", "converged"]))})
    assert omitted_note(coded) == omitted_note(named) == "not shown: 2 failed, 1 interpolated"
    assert omitted_note(coded, np.array([False, False, False, True])) is None


def test_figures_showing_tc_name_the_theory_and_bound_of_their_data():
    attrs = {"theory": "bcs", "bound": "bkt"}
    tc_map = _synthetic_map("A").assign_attrs(attrs)
    cut = _synthetic_cut("A", 0.25).assign_attrs(attrs)
    assert theory_label(tc_map) == "theory: bcs, bound: bkt"
    label = "[theory: bcs, bound: bkt]"
    assert label in tc_map_figure(tc_map).axes[0].get_title()
    assert label in tc_vs_eta_figure(tc_map).axes[0].get_title()
    assert label in tc_vs_g_figure(tc_map)._suptitle.get_text()
    assert label in gap_ratio_figure(cut).axes[0].get_title()
    assert label in tc_vs_anisotropy_figure(cut).axes[0].get_title()
    # without the attrs (files of version 0.1) there is no label
    assert "theory" not in tc_map_figure(_synthetic_map("A")).axes[0].get_title()


def test_tc_comparison_figure_one_line_per_theory_and_bound():
    ref = _synthetic_map("A").assign_attrs(theory="bcs", bound="none")
    lower = ref.copy(deep=True).assign_attrs(theory="bcs", bound="bkt")
    lower["tc"] = lower["tc"] * 0.5
    other = ref.copy(deep=True).assign_attrs(theory="toy", bound="none")
    fig = tc_comparison_figure(ref, lower, other)
    (ax,) = fig.axes
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "theory: bcs",
        "theory: bcs, bound: bkt",
        "theory: toy",
    ]
    g = ref["g"].values
    tc = ref["tc"].values
    j = int(np.unravel_index(int(np.nanargmax(tc)), tc.shape)[1])  # default g: the reference maximum
    curves = [
        line for line in ax.get_lines() if line.get_label() in ("theory: bcs", "theory: bcs, bound: bkt")
    ]
    np.testing.assert_array_equal(curves[0].get_ydata(), tc[:, j])
    np.testing.assert_array_equal(curves[1].get_ydata(), 0.5 * tc[:, j])
    assert f"{g[j]:.3g}" in ax.get_title()
    with pytest.raises(InputError, match="one model"):
        tc_comparison_figure(ref, _synthetic_map("B"))
