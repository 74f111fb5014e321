"""Cuts through the data: the paper's Figs. 6–9.

* :func:`gap_ratio_figure` (Fig. 6) and :func:`tc_vs_anisotropy_figure` (Fig. 7) draw η-cuts at
  fixed g (:func:`multigap.sweep.run_cut`: Tc, gaps, gap ratios, Δ₃/Δ₂, α along η);
* :func:`tc_vs_eta_figure` (Fig. 8) and :func:`tc_vs_g_figure` (Fig. 9) draw cuts of Tc(η, g)
  maps (:func:`multigap.sweep.run_map`) at fixed g and at fixed η.

Only converged values are drawn (``below_floor`` as Tc = 0 on linear Tc scales); every other
point is left out and counted in a note by its status (:mod:`multigap.figures.style`).  Panels
showing Tc are labelled with the theory and bound recorded in the dataset.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from ..constants import BCS_GAP_RATIO
from ..errors import InputError
from ..status import Status
from .style import (
    DRAWN,
    REF_STYLE,
    as_maps,
    band_color,
    corner_note,
    flatten,
    floor_k,
    lifshitz_lines,
    lifshitz_scale,
    map_title,
    mev_axis,
    model_color,
    model_label,
    nearest,
    omitted_note,
    panel_label,
    require,
    sequential_colors,
    shown_tc,
    status_mask,
    status_names,
    with_theory,
)

__all__ = [
    "FIG8_G",
    "FIG9_ETA_ANTI",
    "FIG9_ETA_RES",
    "gap_ratio_figure",
    "tc_vs_anisotropy_figure",
    "tc_vs_eta_figure",
    "tc_vs_g_figure",
]


# --------------------------------------------------------------------------- Figs. 6-7 (eta cuts)
def _eta_cuts(datasets: tuple[xr.Dataset | Sequence[xr.Dataset], ...], what: str) -> list[xr.Dataset]:
    return flatten(datasets, what, "eta cut from multigap.sweep.run_cut")


def _callout(color: str) -> dict[str, Any]:
    """Keyword arguments of ``Axes.annotate`` for the boxed call-out of a curve's largest Tc."""
    return {
        "textcoords": "axes fraction",
        "ha": "left",
        "va": "top",
        "fontsize": 8,
        "arrowprops": {"arrowstyle": "-", "color": color, "lw": 0.8, "shrinkB": 7},
        "bbox": {"boxstyle": "round,pad=0.3", "fc": "white", "ec": color, "lw": 0.8},
    }


def _drawn(ds: xr.Dataset, name: str) -> xr.DataArray:
    """A cut variable where Tc converged (and, for gap quantities, the gaps did); NaN elsewhere."""
    ok = status_mask(ds["status"].values, Status.CONVERGED)
    if name not in ("tc", "alpha") and "gap_status" in ds:
        ok = ok & np.isin(status_names(ds["gap_status"].values), [str(s) for s in DRAWN])
    return ds[name].astype(float).where(xr.DataArray(ok, dims=("eta",), coords={"eta": ds["eta"]}))


def _missing_note(ds: xr.Dataset, name: str) -> str | None:
    """A note counting the η where ``name`` is not drawn, by status (never a silent gap)."""
    drawn = _drawn(ds, name).notnull()
    shown = (drawn.all("band") if "band" in drawn.dims else drawn).values
    if shown.all():
        return None
    names = status_names(ds["status"].values)
    if "gap_status" in ds and name not in ("tc", "alpha"):
        gap = status_names(ds["gap_status"].values)
        names = np.where(names == str(Status.CONVERGED), gap, names)
    names = np.where(names == str(Status.CONVERGED), "undefined", names)
    return omitted_note(xr.Dataset({"s": ("eta", names[~shown])}, attrs=ds.attrs), variable="s")


def _g_text(g: float) -> str:
    """g as a simple fraction when it is one (1/4, 1/3), else its decimal value."""
    f = Fraction(g).limit_denominator(12)
    if f.denominator > 1 and abs(float(f) - g) < 1e-12:
        return f"{f.numerator}/{f.denominator}"
    return f"{g:g}"


def _cut_title(ds: xr.Dataset) -> str:
    a = int(ds.attrs.get("active_band", 3))
    title = rf"Model {model_label(ds)}, $g_{{{a}{a}}}$ = {_g_text(float(ds.attrs.get('g', np.nan)))}"
    return with_theory(title, ds)


def _gap_bands(ds: xr.Dataset) -> tuple[int, int]:
    a = int(ds.attrs.get("active_band", int(ds["band"].values[-1])))
    return int(ds.attrs.get("anisotropy_lower", a - 1)), int(ds.attrs.get("anisotropy_upper", a))


def _shell_edge_lines(ax: Axes, ds: xr.Dataset) -> None:
    """Dashed lines where an edge μ₀ ± ω̃₀ of the pairing shell meets a Lifshitz point (α kinks there)."""
    if "omega" not in ds or "dE" not in ds:
        return
    eta = ds["eta"].values
    w = float(ds["omega"]) / float(ds["dE"])
    first = True
    for x in sorted({-w, w, 1.0 - w, 1.0 + w}):
        if eta[0] < x < eta[-1]:
            label = r"$\mu_0 \pm \tilde\omega_0$ at $\eta$ = 0 or 1" if first else None
            ax.axvline(x, color="0.6", lw=0.8, ls=(0, (4, 3)), zorder=0, label=label)
            first = False


def gap_ratio_figure(*datasets: xr.Dataset | Sequence[xr.Dataset]) -> Figure:
    """Paper Fig. 6: gap ratios 2Δ₂/k_BTc, 2Δ₃/k_BTc and the isotope coefficient α against η.

    One column per model (the paper: A at g = 1/4, B at g = 1/3).  Top (A1, B1, …): 2Δ_n/k_BTc of
    the active band and the band below it (the paper's Δ₃ and Δ₂), with the weak-coupling BCS
    value 2π/e^γ ≈ 3.53 dotted.  Bottom (A2, B2, …): α = ½ ∂ln Tc/∂ln ω₀ with the BCS value ½
    dotted.  Solid grey vertical lines mark the Lifshitz points η = 0 and 1; in the α panels,
    dashed lines mark where an edge of the pairing shell μ₀ ± ω̃₀ meets one of them
    (η = ±ω̃₀/ΔE, 1 ± ω̃₀/ΔE), where α has kinks and jumps.  η where the value is undefined
    (Tc below the floor) are left out and counted in a note.

    Parameters
    ----------
    *datasets : Dataset or sequence of Dataset
        η-cuts from :func:`multigap.sweep.run_cut` (with gaps and isotope), one per model:
        ``gap_ratio_figure(ds_a, ds_b)`` or ``gap_ratio_figure([ds_a, ds_b])``.

    Returns
    -------
    Figure
        2 × n_models Axes; each top Axes has 2 data lines + 1 reference line, each bottom Axes
        1 data line + 1 reference line (plus the Lifshitz-point lines inside the η range).

    Examples
    --------
    >>> from multigap import preset
    >>> from multigap.sweep import run_cut
    >>> len(gap_ratio_figure(run_cut(preset("A"), [0.5, 1.0])).axes)
    2
    """
    cuts = _eta_cuts(datasets, "gap_ratio_figure")
    for d in cuts:
        require(d, ["gap_ratio", "alpha", "status"], "gap_ratio_figure")
    n = len(cuts)
    fig = Figure(figsize=(4.6 * n, 6.4), layout="constrained")
    axes = fig.subplots(2, n, squeeze=False, sharex="col")
    for k, d in enumerate(cuts):
        ax_r, ax_a = axes[0, k], axes[1, k]
        eta = d["eta"].values
        label = model_label(d)
        lo, up = _gap_bands(d)
        top = BCS_GAP_RATIO
        for b in (up, lo):
            y = _drawn(d, "gap_ratio").sel(band=b).values
            ax_r.plot(
                eta,
                y,
                color=band_color(b),
                lw=1.8,
                marker="o",
                ms=3,
                label=rf"$2\Delta_{b}/k_BT_c$",
            )
            if np.isfinite(y).any():
                top = max(top, float(np.nanmax(y)))
        ax_r.axhline(BCS_GAP_RATIO, label=f"BCS {BCS_GAP_RATIO:.2f}", **REF_STYLE)
        ax_r.set_ylim(0.0, 1.15 * top)
        ax_r.set_ylabel(r"gap ratio $2\Delta_n/k_BT_c$")
        ax_r.set_title(_cut_title(d), fontsize=10)
        alpha = _drawn(d, "alpha").values
        ax_a.plot(eta, alpha, color=model_color(label, k), lw=1.8, marker="o", ms=3, label=r"$\alpha$")
        ax_a.axhline(0.5, label="BCS 1/2", **REF_STYLE)
        finite = alpha[np.isfinite(alpha)]
        lo_a = min(0.0, float(finite.min())) if finite.size else 0.0
        hi_a = max(0.6, float(finite.max())) if finite.size else 1.0
        ax_a.set_ylim(lo_a, 1.1 * hi_a)
        ax_a.set_ylabel(r"isotope coefficient $\alpha$")
        ax_a.set_xlabel(r"Lifshitz parameter $\eta = (\mu_0 - E_L)/\Delta E$")
        _shell_edge_lines(ax_a, d)
        for ax, row, var in ((ax_r, 1, "gap_ratio"), (ax_a, 2, "alpha")):
            lifshitz_lines(ax, eta, labelled=row == 1)
            ax.legend(fontsize=7.5, frameon=False, loc="center right" if row == 1 else "upper center")
            panel_label(ax, f"{label}{row}")
            ax.grid(alpha=0.25)
            corner_note(ax, _missing_note(d, var))
        ax_a.set_xlim(eta[0], eta[-1])
    return fig


def tc_vs_anisotropy_figure(*datasets: xr.Dataset | Sequence[xr.Dataset]) -> Figure:
    """Paper Fig. 7: Tc against the gap anisotropy Δ₃/Δ₂ along the η cut.

    One panel per model.  Each point is one η (colour: η, shared colour bar), joined in order of
    η by a thin line whose ends are labelled with their η; the largest Tc on the grid is circled
    and labelled.  η where Tc is below the floor (no gaps) are left out and counted in a note.

    Parameters
    ----------
    *datasets : Dataset or sequence of Dataset
        η-cuts from :func:`multigap.sweep.run_cut` (with gaps), one per model.

    Returns
    -------
    Figure
        n_models Axes (plus one colour-bar Axes); each has one scatter collection (the points),
        one line (the path along η) and one marker line (the Tc maximum).

    Examples
    --------
    >>> from multigap import preset
    >>> from multigap.sweep import run_cut
    >>> fig = tc_vs_anisotropy_figure(run_cut(preset("A"), [0.5, 1.0], quantities=("tc", "gaps")))
    >>> len(fig.axes[0].collections[0].get_offsets())
    2
    """
    cuts = _eta_cuts(datasets, "tc_vs_anisotropy_figure")
    for d in cuts:
        require(d, ["tc", "anisotropy", "status"], "tc_vs_anisotropy_figure")
    n = len(cuts)
    all_eta = np.concatenate([d["eta"].values for d in cuts])
    norm = Normalize(float(all_eta.min()), float(all_eta.max()))
    fig = Figure(figsize=(4.3 * n + 0.9, 4.0), layout="constrained")
    axes = fig.subplots(1, n, squeeze=False)[0]
    scatter = None
    for k, (ax, d) in enumerate(zip(axes, cuts, strict=True)):
        lo, up = _gap_bands(d)
        x, y, eta = _drawn(d, "anisotropy").values, _drawn(d, "tc").values, d["eta"].values
        ok = np.isfinite(x) & np.isfinite(y)
        x, y, eta = x[ok], y[ok], eta[ok]
        ax.plot(x, y, color="0.6", lw=0.9, zorder=1)
        scatter = ax.scatter(x, y, c=eta, cmap="viridis", norm=norm, s=22, zorder=3, edgecolors="none")
        ends = ((0, (4, 5), "left", "bottom"), (x.size - 1, (6, -4), "left", "top"))
        for j, offset, ha, va in ends[: min(x.size, 2)]:  # where the path along eta starts and ends
            ax.annotate(
                rf"$\eta$ = {eta[j]:.3g}",
                xy=(x[j], y[j]),
                xytext=offset,
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=8,
                color="0.25",
            )
        if y.size:
            i = int(np.argmax(y))
            color = model_color(model_label(d), k)
            ax.plot(x[i], y[i], "o", ms=13, mfc="none", mec=color, mew=2.0, zorder=4)
            ax.annotate(
                rf"largest $T_c$ = {y[i]:.4g} K" + "\n" + rf"at $\eta$ = {eta[i]:.3g}, "
                rf"$\Delta_{up}/\Delta_{lo}$ = {x[i]:.3g}",
                xy=(x[i], y[i]),
                xytext=(0.04, 0.95),
                **_callout(color),
            )
            ax.set_ylim(0.0, 1.12 * float(y.max()))
        ax.set_xlabel(rf"gap anisotropy $\Delta_{up}/\Delta_{lo}$ at $T = 0$")
        ax.set_ylabel(r"$T_c$ (K)")
        ax.set_title(_cut_title(d), fontsize=10)
        ax.grid(alpha=0.25)
        corner_note(ax, _missing_note(d, "anisotropy"))
    if scatter is not None:
        fig.colorbar(scatter, ax=list(axes), label=r"Lifshitz parameter $\eta$", shrink=0.9)
    return fig


# --------------------------------------------------------------------------- Figs. 8-9 (cuts of maps)
#: Couplings g of the Tc(η) curves of Fig. 8 (the nearest grid values of the map are drawn).
FIG8_G: tuple[float, ...] = (0.1, 0.2, 0.3, 0.35, 0.4, 0.45, 0.49)
#: Lifshitz parameters of the Tc(g) curves of Fig. 9: anti-resonant (η < 0) and resonant (η > 0).
FIG9_ETA_ANTI: tuple[float, ...] = (-0.9, -0.7, -0.5, -0.34, -0.2, -0.1)
FIG9_ETA_RES: tuple[float, ...] = (0.1, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5)


def tc_vs_eta_figure(
    *maps: xr.Dataset | Sequence[xr.Dataset], g_values: Sequence[float] | None = None
) -> Figure:
    """Paper Fig. 8: Tc against η at several couplings g, on a semi-log and a linear scale.

    One column per map (the paper: model A left, model B right).  Top row: semi-log Tc down to
    the Tc floor (dotted, default 1e-8 K), which shows the Fano anti-resonance on the left side
    of the dome (−1 < η < 0, shaded); bottom row: linear Tc, the superconducting dome, with the
    largest Tc of the drawn curves circled.  The bottom axis is η = (μ₀ − E_L)/ΔE, the top axis of
    each column μ₀ − E_L in meV (ΔE of that model, from the stored μ₀).  Grey vertical lines:
    the Lifshitz points η = 0 and 1.  Only converged points are drawn (below the floor: Tc = 0
    on the linear scale, left out on the log scale); a note counts what is left out, by status.
    Titles carry the map's theory and bound (attrs ``theory``, ``bound``).

    Parameters
    ----------
    *maps : Dataset or sequence of Dataset
        Tc maps from :func:`multigap.sweep.run_map` (dimensions ``eta``, ``g``; Tc in K).
    g_values : sequence of float, optional
        Couplings g (dimensionless) of the curves; the nearest grid values are drawn.  Default
        :data:`FIG8_G`.

    Returns
    -------
    Figure
        2 × n_maps Axes; each has one line per drawn g (labelled ``g = …``).

    Examples
    --------
    >>> from multigap import preset
    >>> from multigap.sweep import run_map
    >>> tc_map = run_map(preset("A"), [-0.5, 0.5, 1.0], [0.3, 0.4], executor="serial", progress=False).dataset
    >>> len(tc_vs_eta_figure(tc_map).axes)
    2
    """
    items = as_maps(maps, "tc_vs_eta_figure")
    n = len(items)
    fig = Figure(figsize=(5.0 * n + 0.4, 7.6), layout="constrained")
    axes = fig.subplots(2, n, squeeze=False, sharex="col")
    wanted = FIG8_G if g_values is None else tuple(g_values)
    handles: dict[str, Any] = {}
    for k, d in enumerate(items):
        ax_log, ax_lin = axes[0, k], axes[1, k]
        eta = d["eta"].values
        g = d["g"].values
        tc = shown_tc(d)  # log scale: below the floor left out (counted in the note)
        tc_lin = shown_tc(d, below_floor=0.0)  # linear scale: below the floor is Tc = 0
        floor = floor_k(d)
        _, de = lifshitz_scale(d)
        cols = nearest(g, wanted)
        colors = sequential_colors(len(cols), "plasma")
        best = (-np.inf, 0.0, 0.0)
        for j, c in zip(cols, colors, strict=True):
            y = tc[:, j]
            label = f"g = {g[j]:.3g}"
            (line,) = ax_log.semilogy(eta, y, color=c, lw=1.5, label=label)
            ax_lin.plot(eta, tc_lin[:, j], color=c, lw=1.5, label=label)
            handles.setdefault(label, line)
            if np.isfinite(y).any() and np.nanmax(y) > best[0]:
                i = int(np.nanargmax(y))
                best = (float(y[i]), float(eta[i]), float(g[j]))
        ax_log.axhline(floor, label=None, **REF_STYLE)
        ax_log.text(
            eta[-1], floor, f"floor {floor:g} K ", ha="right", va="bottom", fontsize=7.5, color="0.35"
        )
        finite = tc[:, cols][np.isfinite(tc[:, cols])]
        top = float(finite.max()) if finite.size else 1.0
        ax_log.set_ylim(floor / 3.0, top * 3.0)
        ax_log.set_ylabel(r"$T_c$ (K), log scale")
        ax_log.set_title(map_title(d, de), fontsize=10)
        if eta[0] < 0:
            ax_log.axvspan(eta[0], min(0.0, eta[-1]), color="0.93", zorder=0)
            ax_log.text(
                0.5 * (eta[0] + min(0.0, eta[-1])),
                floor * 1.6,
                "anti-resonant side",
                ha="center",
                va="bottom",
                fontsize=8,
                color="0.35",
            )
        mev_axis(ax_log, de)
        ax_lin.set_ylim(0.0, 1.15 * top)
        ax_lin.set_ylabel(r"$T_c$ (K)")
        ax_lin.set_xlabel(r"Lifshitz parameter $\eta = (\mu_0 - E_L)/\Delta E$")
        if np.isfinite(best[0]):
            color = model_color(model_label(d), k)
            ax_lin.plot(best[1], best[0], "o", ms=12, mfc="none", mec=color, mew=1.8, zorder=5)
            ax_lin.annotate(
                rf"largest $T_c$ drawn = {best[0]:.4g} K"
                + "\n"
                + rf"at $\eta$ = {best[1]:.3g}, g = {best[2]:.3g}",
                xy=(best[1], best[0]),
                xytext=(0.02, 0.86),
                **_callout(color),
            )
        for ax in (ax_log, ax_lin):
            lifshitz_lines(ax, eta, labelled=False)
            ax.grid(alpha=0.25, which="major")
            ax.set_xlim(eta[0], eta[-1])
        drawn = np.isin(np.arange(g.size), cols)[None, :].repeat(eta.size, 0)
        corner_note(ax_log, omitted_note(d, drawn), top=True)
        corner_note(ax_lin, omitted_note(d, drawn, floor_shown=True), top=True)
        panel_label(ax_log, f"{model_label(d)}, semi-log")
        panel_label(ax_lin, f"{model_label(d)}, linear")
    fig.legend(
        list(handles.values()),
        list(handles.keys()),
        loc="outside upper center",
        ncol=min(len(handles), 8),
        fontsize=9,
        frameon=False,
        title=r"active-band coupling $g = g_{33}$ (grey lines: Lifshitz points $\eta$ = 0, 1)",
        title_fontsize=9,
    )
    return fig


def tc_vs_g_figure(
    tc_map: xr.Dataset,
    eta_anti: Sequence[float] | None = None,
    eta_res: Sequence[float] | None = None,
) -> Figure:
    """Paper Fig. 9: Tc against the coupling g at fixed η, resonant and anti-resonant sides.

    Top panel: η > 0 (resonant regime), linear Tc — Tc grows with g up to g ≈ 0.4 and falls
    towards g = 0.5 as the Migdal softening closes the cutoff.  Bottom panel: −1 < η < 0
    (anti-resonant regime), semi-log Tc — there Tc falls as g grows.  The paper draws both in
    one frame with two temperature scales; here they are two panels sharing the g axis.

    Parameters
    ----------
    tc_map : xarray.Dataset
        A Tc map from :func:`multigap.sweep.run_map` (dimensions ``eta``, ``g``).
    eta_anti, eta_res : sequence of float, optional
        Lifshitz parameters of the curves (the nearest grid values are drawn; only η < 0 in the
        anti-resonant, η > 0 in the resonant panel).  Defaults :data:`FIG9_ETA_ANTI`,
        :data:`FIG9_ETA_RES`.

    Returns
    -------
    Figure
        One Axes per side that has grid points (resonant first), one line per drawn η.

    Examples
    --------
    >>> from multigap import preset
    >>> from multigap.sweep import run_map
    >>> tc_map = run_map(preset("A"), [-0.5, 1.0], [0.3, 0.4], executor="serial", progress=False).dataset
    >>> [ax.get_yscale() for ax in tc_vs_g_figure(tc_map).axes]
    ['linear', 'log']
    """
    (d,) = as_maps((tc_map,), "tc_vs_g_figure")
    eta, g = d["eta"].values, d["g"].values
    tc_log = shown_tc(d)  # anti-resonant side, log scale: below the floor left out
    tc_lin = shown_tc(d, below_floor=0.0)  # resonant side, linear scale: below the floor is 0
    floor = floor_k(d)
    sides = []
    res = [i for i in nearest(eta, FIG9_ETA_RES if eta_res is None else eta_res) if eta[i] > 0]
    anti = [i for i in nearest(eta, FIG9_ETA_ANTI if eta_anti is None else eta_anti) if eta[i] < 0]
    if res:
        sides.append(("resonant", res))
    if anti:
        sides.append(("anti-resonant", anti))
    if not sides:
        raise InputError("tc_vs_g_figure: the map has no eta != 0 to draw")
    fig = Figure(figsize=(6.4, 3.6 * len(sides) + 0.6), layout="constrained")
    axes = fig.subplots(len(sides), 1, squeeze=False, sharex=True)[:, 0]
    for ax, (side, rows) in zip(axes, sides, strict=True):
        colors = sequential_colors(len(rows), "plasma" if side == "resonant" else "viridis")
        tc = tc_lin if side == "resonant" else tc_log
        for i, c in zip(rows, colors, strict=True):
            y = tc[i, :]
            if side == "resonant":
                ax.plot(g, y, color=c, lw=1.6, marker="o", ms=2.5, label=rf"$\eta$ = {eta[i]:.3g}")
            else:
                ax.semilogy(g, y, color=c, lw=1.6, marker="o", ms=2.5, label=rf"$\eta$ = {eta[i]:.3g}")
        mask = np.zeros(tc.shape, dtype=bool)
        mask[rows, :] = True
        note = omitted_note(d, mask, floor_shown=side == "resonant")
        if side == "resonant":
            ax.set_ylim(0.0, None)
            ax.set_ylabel(r"$T_c$ (K)")
            ax.set_title(r"resonant regime $\eta > 0$ (linear scale)", fontsize=10)
        else:
            finite = tc[rows, :][np.isfinite(tc[rows, :])]
            low = max(floor / 3.0, float(finite.min()) / 3.0) if finite.size else floor / 3.0
            ax.set_ylim(low, 3.0 * float(finite.max()) if finite.size else 1.0)
            if low < floor:  # the floor is inside the frame: draw it
                ax.axhline(floor, **REF_STYLE)
                ax.text(
                    g[0], floor, f" floor {floor:g} K", ha="left", va="bottom", fontsize=7.5, color="0.35"
                )
            ax.set_ylabel(r"$T_c$ (K), log scale")
            ax.set_title(r"anti-resonant regime $-1 < \eta < 0$ (semi-log scale)", fontsize=10)
        corner_note(ax, note)
        ax.legend(fontsize=8, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
        ax.grid(alpha=0.25)
    axes[-1].set_xlabel(r"active-band coupling $g = g_{33}$")
    axes[-1].set_xlim(g[0], g[-1])
    fig.suptitle(with_theory(f"Model {model_label(d)}: $T_c$ against $g$ at fixed $\\eta$", d), fontsize=11)
    return fig
