"""Band structure and the paper's Figs. 3 and 5: subbands, DOS with Fermi surfaces, overlaps.

Each function takes the Datasets of :mod:`multigap.datasets` and returns a new
:class:`matplotlib.figure.Figure` (no pyplot, no global state).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from ..errors import InputError
from .style import PAIR_COLORS, REF_STYLE, SUBSCRIPT, band_color, model_label, require

__all__ = ["band_structure_figure", "dos_figure", "overlap_figure"]


# --------------------------------------------------------------------------- band structure
def band_structure_figure(ds: xr.Dataset) -> Figure:
    """Subbands E_n(q) over the first Brillouin zone, one panel per band (highest on top).

    The bands of the paper's models are hundreds of meV apart and only 4–274 meV wide, so each
    band gets its own energy axis.  The active band's panel marks E_L (type-I Lifshitz point,
    η = 0) and E_L + ΔE (neck opening, η = 1).

    Parameters
    ----------
    ds : xarray.Dataset
        From :func:`multigap.datasets.bands_dataset`.

    Returns
    -------
    Figure
        One Axes per band, each with one line E_n(q); the active band's Axes also has two
        horizontal reference lines.

    Examples
    --------
    >>> from multigap import preset
    >>> from multigap.datasets import bands_dataset
    >>> len(band_structure_figure(bands_dataset(preset("A"), n_q=11)).axes)
    3
    """
    require(ds, ["energy", "E_L", "dE"], "band_structure_figure")
    bands = [int(b) for b in ds["band"].values]
    active = int(ds.attrs.get("active_band", bands[-1]))
    fig = Figure(figsize=(5.2, 1.5 + 1.6 * len(bands)), layout="constrained")
    axes = fig.subplots(len(bands), 1, sharex=True, squeeze=False)[:, 0]
    q = ds["q"].values
    e_l, de = float(ds["E_L"]), float(ds["dE"])
    for ax, n in zip(axes, reversed(bands), strict=True):
        e = ds["energy"].sel(band=n).values
        width = float(e.max() - e.min())
        ax.plot(q, e, color=band_color(n), lw=1.8)
        ax.set_title(f"band {n}: width {width:.3g} meV", fontsize=9, loc="left")
        if n == active:
            for y, text in ((e_l, r"$E_L$ ($\eta=0$)"), (e_l + de, r"$E_L+\Delta E$ ($\eta=1$)")):
                ax.axhline(y, **REF_STYLE)
                k = int(np.argmax(np.abs(e - y)))  # label where the curve is farthest from the line
                above = y < e_l + 0.5 * de
                ha = "left" if k < 0.2 * q.size else "right" if k > 0.8 * q.size else "center"
                ax.annotate(
                    text,
                    xy=(q[k], y),
                    xytext=({"left": 4, "right": -4, "center": 0}[ha], 3 if above else -3),
                    textcoords="offset points",
                    ha=ha,
                    va="bottom" if above else "top",
                    fontsize=8,
                    color="0.3",
                )
            pad = 0.12 * de
            ax.set_ylim(e_l - pad, e_l + de + pad)
        else:
            pad = 0.15 * max(width, 1e-9)
            ax.set_ylim(e.min() - pad, e.max() + pad)
        ax.set_ylabel(f"$E_{n}$ (meV)")
        ax.grid(alpha=0.25)
    axes[-1].set_xlim(q[0], q[-1])
    axes[-1].set_xlabel(r"$q = k_z$ (1/nm)")
    fig.suptitle(
        f"Model {model_label(ds)}: subbands $E_n(q)$\n"
        rf"active band {active}: $E_L$ = {e_l:.1f} meV, $\Delta E$ = {de:.1f} meV",
        fontsize=10,
    )
    return fig


# --------------------------------------------------------------------------- Fig. 3 (DOS)
def _dos_panel(ax: Axes, ds: xr.Dataset, fermi_etas: Sequence[float]) -> None:
    eta = ds["eta"].values
    active = int(ds.attrs.get("active_band", int(ds["band"].values[-1])))
    ax.plot(eta, ds["dos_total"].values, color="black", lw=2.2, label="total DOS")
    for n in ds["band"].values:
        ls = "-" if int(n) == active else "--"
        ax.plot(
            eta,
            ds["dos_partial"].sel(band=n).values,
            color=band_color(int(n)),
            lw=1.4,
            ls=ls,
            label=f"band {int(n)}" + (" (active)" if int(n) == active else ""),
        )
    for x in (0.0, 1.0):
        ax.axvline(x, label=r"Lifshitz points $\eta$ = 0, 1" if x == 0.0 else None, **REF_STYLE)
    for i, x in enumerate(fermi_etas):
        if not eta[0] < x < eta[-1]:
            continue
        ax.annotate(
            f"η{str(i + 1).translate(SUBSCRIPT)}",
            xy=(x, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, -16),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=8,
            arrowprops={"arrowstyle": "-|>", "color": "0.3", "lw": 0.8, "shrinkA": 1, "shrinkB": 0},
            color="0.3",
        )
    ax.set_xlim(eta[0], eta[-1])
    total = ds["dos_total"].values
    finite = total[np.isfinite(total)]
    ax.set_ylim(0.0, 1.2 * float(finite.max()) if finite.size else 1.0)
    ax.set_xlabel(r"Lifshitz parameter $\eta = (\mu - E_L)/\Delta E$")
    ax.set_ylabel(r"DOS $N(\mu)/N_0$ (per spin)")
    de = float(ds["dE"])

    def to_mev(x: ArrayLike) -> ArrayLike:
        return np.asarray(x) * de

    def to_eta(y: ArrayLike) -> ArrayLike:
        return np.asarray(y) / de

    top = ax.secondary_xaxis("top", functions=(to_mev, to_eta))
    top.set_xlabel(r"$\mu - E_L$ (meV)", fontsize=9)
    top.tick_params(labelsize=8)
    ax.set_title(f"Model {model_label(ds)}" + rf" ($\Delta E$ = {de:.0f} meV)", fontsize=10)
    ax.grid(alpha=0.25)


def _fermi_panel(ax: Axes, fs: xr.Dataset, i: int, k_max: float) -> None:
    q_max = np.pi / float(fs["period"])
    for j in fs["segment"].values:
        n = int(fs["segment_band"].values[i, j])
        if n == 0:
            continue
        kx = fs["kx"].values[i, j]
        kz = fs["kz"].values[i, j]
        ax.plot(
            kx,
            kz,
            color=band_color(n),
            lw=2.0 if n == int(fs.attrs.get("active_band", 0)) else 1.2,
        )
    eta = float(fs["eta"].values[i])
    label = f"η{str(i + 1).translate(SUBSCRIPT)}"
    ax.set_title(f"{model_label(fs)}: {label} = {eta:g}", fontsize=9)
    ax.set_xlim(-k_max, k_max)
    ax.set_ylim(-q_max, q_max)
    ax.axhline(0.0, color="0.85", lw=0.6, zorder=0)
    ax.axvline(0.0, color="0.85", lw=0.6, zorder=0)
    ax.set_xlabel(r"$k_x$ (1/nm)", fontsize=9)
    ax.tick_params(labelsize=8)


def dos_figure(
    dos: xr.Dataset | Sequence[xr.Dataset],
    fermi: xr.Dataset | Sequence[xr.Dataset] | None = None,
) -> Figure:
    """Paper Fig. 3: total and partial DOS against η, and Fermi surfaces at η₁, η₂, η₃.

    One column per model.  Bottom row: total DOS (thick black) and the partial DOS of each
    subband (active band solid, the others dashed) relative to N₀ = m_x/(2πħ²), against
    η = (μ − E_L)/ΔE (bottom axis) and μ − E_L in meV (top axis); dotted lines at the Lifshitz
    points η = 0 (I: a new pocket appears) and η = 1 (II: the pocket's neck opens, van Hove
    peak); arrows mark the η of the Fermi-surface panels.  Top row (if ``fermi`` is given): the
    Fermi contours ε_n(k_x, q) = μ in the (k_x, q) plane at each η of the Fermi dataset.

    Parameters
    ----------
    dos : Dataset or sequence of Dataset
        From :func:`multigap.datasets.dos_dataset`, one per model.
    fermi : Dataset or sequence of Dataset, optional
        From :func:`multigap.datasets.fermi_surface_dataset`, one per model, in the same order.

    Returns
    -------
    Figure
        Per model: one DOS Axes with (n_bands + 1) data lines plus 2 vertical reference lines,
        and, with ``fermi``, one Axes per Fermi η.

    Examples
    --------
    >>> from multigap import preset
    >>> from multigap.datasets import dos_dataset
    >>> fig = dos_figure([dos_dataset(preset("A"), [0.5, 1.5]), dos_dataset(preset("B"), [0.5, 1.5])])
    >>> len(fig.axes)
    2
    """
    dos_list = [dos] if isinstance(dos, xr.Dataset) else list(dos)
    if fermi is None:
        fermi_list: list[xr.Dataset] = []
    else:
        fermi_list = [fermi] if isinstance(fermi, xr.Dataset) else list(fermi)
    if not dos_list:
        raise InputError("dos_figure: give at least one DOS dataset")
    if fermi_list and len(fermi_list) != len(dos_list):
        raise InputError(
            f"dos_figure: {len(fermi_list)} Fermi datasets for {len(dos_list)} DOS datasets; "
            "give one per model"
        )
    for d in dos_list:
        require(d, ["dos_partial", "dos_total", "dE"], "dos_figure")
    for f in fermi_list:
        require(f, ["kx", "kz", "segment_band", "period"], "dos_figure")
    n_models = len(dos_list)
    n_eta = max((f.sizes["eta"] for f in fermi_list), default=0)
    fig = Figure(figsize=(4.9 * n_models, 6.6 if fermi_list else 3.9), layout="constrained")
    if fermi_list:
        grid = fig.add_gridspec(2, n_models * n_eta, height_ratios=[1.0, 1.35])
    else:
        grid = fig.add_gridspec(1, n_models)
    k_max = 1.05 * max(
        (float(np.nanmax(np.abs(f["kx"].values))) for f in fermi_list if np.isfinite(f["kx"].values).any()),
        default=1.0,
    )
    for m, d in enumerate(dos_list):
        fermi_etas: Sequence[float] = ()
        if fermi_list:
            f = fermi_list[m]
            fermi_etas = [float(x) for x in f["eta"].values]
            first = None
            for i in range(f.sizes["eta"]):
                ax = fig.add_subplot(grid[0, m * n_eta + i], sharey=first)
                _fermi_panel(ax, f, i, k_max)
                if first is None:
                    first = ax
                    ax.set_ylabel(r"$q = k_z$ (1/nm)", fontsize=9)
                else:
                    ax.tick_params(labelleft=False)
            ax_dos = fig.add_subplot(grid[1, m * n_eta : (m + 1) * n_eta])
        else:
            ax_dos = fig.add_subplot(grid[0, m])
        _dos_panel(ax_dos, d, fermi_etas)
        if m == 0:
            handles, labels = ax_dos.get_legend_handles_labels()
    ncol = len(labels) if n_models > 1 else (len(labels) + 1) // 2
    fig.legend(handles, labels, loc="outside upper center", ncol=ncol, fontsize=9, frameon=False)
    return fig


# --------------------------------------------------------------------------- Fig. 5 (overlaps)
def overlap_figure(ds: xr.Dataset, q_fixed: float = 0.0) -> Figure:
    """Paper Fig. 5: BZ-averaged overlap matrix (bars) and Ĩ^{nn'}(q, q′) against q at fixed q′.

    Left: one bar per pair n ≤ n′, labelled "11", "12", …, height the Brillouin-zone average
    of Ĩ^{nn'}.  Right: Ĩ^{nn'}(q, q′) against q for q′ = ``q_fixed`` (the nearest grid point),
    same colours.  The dotted line at 1 is the value without a superlattice potential (V → 0).

    Parameters
    ----------
    ds : xarray.Dataset
        From :func:`multigap.datasets.overlap_dataset`.
    q_fixed : float
        The fixed q′, 1/nm (default 0, the zone centre).

    Returns
    -------
    Figure
        Two Axes: n(n+1)/2 bars; n(n+1)/2 curves plus one reference line.

    Examples
    --------
    >>> from multigap import preset
    >>> from multigap.datasets import overlap_dataset
    >>> len(overlap_figure(overlap_dataset(preset("A"), n_q=5)).axes[0].patches)
    6
    """
    require(ds, ["overlap", "mean_overlap"], "overlap_figure")
    bands = [int(b) for b in ds["band"].values]
    pairs = [(a, b) for a in bands for b in bands if a <= b]
    colors = {p: PAIR_COLORS[k % len(PAIR_COLORS)] for k, p in enumerate(pairs)}
    fig = Figure(figsize=(9.0, 3.8), layout="constrained")
    ax_bar, ax_q = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.0, 1.4]})
    labels = [f"{a}{b}" for a, b in pairs]
    heights = [float(ds["mean_overlap"].sel(band=a, band2=b)) for a, b in pairs]
    bars = ax_bar.bar(labels, heights, color=[colors[p] for p in pairs], edgecolor="black", lw=0.6)
    ax_bar.bar_label(bars, fmt="%.3f", fontsize=7, padding=2)
    ax_bar.axhline(1.0, **REF_STYLE)
    ax_bar.set_xlabel(r"band pair $nn'$")
    ax_bar.set_ylabel(r"BZ average of $\tilde I^{nn'}(q,q')$")
    ax_bar.set_ylim(0.0, 1.12 * max([*heights, 1.0]))
    ax_bar.set_title("intraband (nn) and interband (nn') overlaps", fontsize=10)
    q2 = ds["q2"].values
    j = int(np.argmin(np.abs(q2 - q_fixed)))
    q = ds["q"].values
    for a, b in pairs:
        ax_q.plot(
            q, ds["overlap"].sel(band=a, band2=b).values[:, j], color=colors[(a, b)], lw=1.6, label=f"{a}{b}"
        )
    ax_q.axhline(1.0, label=r"$V \to 0$", **REF_STYLE)
    ax_q.set_xlim(q[0], q[-1])
    ax_q.set_xlabel(r"$q = k_z$ (1/nm)")
    ax_q.set_ylabel(r"$\tilde I^{nn'}(q, q')$")
    ax_q.set_title(rf"$\tilde I^{{nn'}}(q, q')$ at fixed $q'$ = {q2[j]:.2f} 1/nm", fontsize=10)
    ax_q.legend(
        fontsize=8,
        frameon=False,
        title=r"$nn'$",
        title_fontsize=9,
        loc="center left",
        bbox_to_anchor=(1.0, 0.5),
    )
    ax_q.grid(alpha=0.25)
    fig.suptitle(f"Model {model_label(ds)}: pair-overlap (exchange) integrals", fontsize=11)
    return fig
