"""Figures: one function per figure, Dataset(s) in, :class:`matplotlib.figure.Figure` out.

No pyplot and no global state: each function builds its own ``Figure`` and returns it; save it
with :func:`save_figure` (Agg canvas), or show it in a notebook by evaluating it.  The inputs
are the Datasets of :mod:`multigap.datasets` (fresh or read back from NetCDF), so a figure can
be redrawn from files without recomputing anything.

Colours are consistent across figures: subband n always has ``BAND_COLORS[n]`` (1 blue,
2 orange, 3 red, as in the paper's Fig. 3), model A blue and model B red (paper's Fig. 4), the
total DOS black.

=====================  =====================================================================
function               figure
=====================  =====================================================================
band_structure_figure  subbands E_n(q), one panel per band, E_L and E_L + ΔE marked
dos_figure             paper Fig. 3: total/partial DOS vs η per model, Fermi surfaces at η₁₋₃
cutoff_figure          paper Fig. 4: softened cutoff ω̃₀ vs g per model
overlap_figure         paper Fig. 5: BZ-averaged Ĩ^{nn'} bars and Ĩ^{nn'}(q, q′) vs q
gap_ratio_figure       paper Fig. 6: 2Δ₂/k_BTc, 2Δ₃/k_BTc and the isotope coefficient vs η
tc_vs_anisotropy_      paper Fig. 7: Tc against the gap anisotropy Δ₃/Δ₂ along η
figure
tc_vs_eta_figure       paper Fig. 8: Tc against η at several g, semi-log and linear (from maps)
tc_vs_g_figure         paper Fig. 9: Tc against g at fixed η, anti-resonant and resonant sides
tc_map_figure          paper Figs. 10–11: Tc(η, g) colour map with the maximum marked
=====================  =====================================================================

The map figures take the Datasets of :func:`multigap.sweep.compute_map` (``tc(eta, g)`` in K,
``status``, ``mu0``); Tc below the floor (status ``below_floor``, stored as 0 K) and failed
points are never drawn as numbers: they are left out of curves and counted in a note, and
failed points are grey in the colour maps.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from .constants import BCS_GAP_RATIO
from .errors import InputError

__all__ = [
    "BAND_COLORS",
    "MODEL_COLORS",
    "band_color",
    "band_structure_figure",
    "cutoff_figure",
    "dos_figure",
    "gap_ratio_figure",
    "model_color",
    "overlap_figure",
    "save_figure",
    "tc_map_figure",
    "tc_vs_anisotropy_figure",
    "tc_vs_eta_figure",
    "tc_vs_g_figure",
]

#: Colour of subband n (1-based), shared by every figure.
BAND_COLORS: dict[int, str] = {
    1: "tab:blue",
    2: "tab:orange",
    3: "tab:red",
    4: "tab:green",
    5: "tab:purple",
    6: "tab:brown",
}
#: Colour of the paper's models (others cycle through the remaining palette).
MODEL_COLORS: dict[str, str] = {"A": "tab:blue", "B": "tab:red"}
_OTHER_MODEL_COLORS = ("tab:green", "tab:purple", "tab:brown", "tab:olive", "tab:cyan")
_PAIR_COLORS = ("tab:blue", "tab:cyan", "tab:purple", "tab:orange", "tab:olive", "tab:red", "tab:green")
_REF_STYLE: dict[str, Any] = {"color": "0.45", "lw": 0.9, "ls": ":"}
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def band_color(n: int) -> str:
    """Colour of the (1-based) subband ``n``."""
    return BAND_COLORS.get(int(n), f"C{(int(n) - 1) % 10}")


def model_color(name: str, index: int = 0) -> str:
    """Colour of a model: A blue, B red, others from a fixed cycle by position ``index``."""
    return MODEL_COLORS.get(name, _OTHER_MODEL_COLORS[index % len(_OTHER_MODEL_COLORS)])


def save_figure(fig: Figure, path: str | Path, dpi: int = 150) -> Path:
    """Render a Figure to a file with the Agg canvas (PNG, PDF or SVG by suffix).

    Parameters
    ----------
    fig : Figure
        A figure from this module.
    path : str or Path
        Output file; parent folders are created.
    dpi : int
        Resolution for raster formats, dots per inch.

    Returns
    -------
    Path
        The path written.
    """
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        FigureCanvasAgg(fig)
        fig.savefig(p, dpi=dpi)
    except OSError as exc:
        raise InputError(f"plot file {str(p)!r}: cannot be written ({exc.strerror or exc})") from None
    return p


def _require(ds: xr.Dataset, names: Sequence[str], what: str) -> None:
    missing = [n for n in names if n not in ds.variables]
    if missing:
        raise InputError(f"{what}: dataset lacks {missing}; make it with multigap.datasets")


def _model_label(ds: xr.Dataset) -> str:
    return str(ds.attrs.get("model_name", "?"))


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
    """
    _require(ds, ["energy", "E_L", "dE"], "band_structure_figure")
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
                ax.axhline(y, **_REF_STYLE)
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
        f"Model {_model_label(ds)}: subbands $E_n(q)$\n"
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
        ax.axvline(x, label=r"Lifshitz points $\eta$ = 0, 1" if x == 0.0 else None, **_REF_STYLE)
    for i, x in enumerate(fermi_etas):
        if not eta[0] < x < eta[-1]:
            continue
        ax.annotate(
            f"η{str(i + 1).translate(_SUBSCRIPT)}",
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
    ax.set_title(f"Model {_model_label(ds)}" + rf" ($\Delta E$ = {de:.0f} meV)", fontsize=10)
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
    label = f"η{str(i + 1).translate(_SUBSCRIPT)}"
    ax.set_title(f"{_model_label(fs)}: {label} = {eta:g}", fontsize=9)
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
        _require(d, ["dos_partial", "dos_total", "dE"], "dos_figure")
    for f in fermi_list:
        _require(f, ["kx", "kz", "segment_band", "period"], "dos_figure")
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


# --------------------------------------------------------------------------- Fig. 4 (cutoff)
def cutoff_figure(ds: xr.Dataset) -> Figure:
    """Paper Fig. 4: the Migdal-softened cutoff ω̃₀ = ω₀ √(1 − 2 max g_nn) against g.

    Parameters
    ----------
    ds : xarray.Dataset
        From :func:`multigap.datasets.cutoff_dataset`.

    Returns
    -------
    Figure
        One Axes with one solid line per model (ω̃₀) and one dotted line per model at its ΔE.
    """
    _require(ds, ["omega_tilde", "omega0", "dE"], "cutoff_figure")
    fig = Figure(figsize=(5.2, 3.8), layout="constrained")
    ax = fig.add_subplot()
    g = ds["g"].values
    for i, name in enumerate(ds["model"].values):
        c = model_color(str(name), i)
        row = ds.isel(model=i)
        ax.plot(
            g,
            row["omega_tilde"].values,
            color=c,
            lw=2.0,
            label=rf"{name}: $\tilde\omega_0$, $\omega_0$ = {float(row['omega0']):.0f} meV",
        )
        ax.axhline(
            float(row["dE"]),
            color=c,
            lw=1.0,
            ls=":",
            label=rf"{name}: $\Delta E$ = {float(row['dE']):.0f} meV",
        )
    g_floor = float(ds["g_others"].min()) if "g_others" in ds else 0.0
    title = None
    if g_floor > g[0]:
        title = rf"flat for $g < {g_floor:g}$, where $\max_n g_{{nn}}$ = {g_floor:g} (other bands)"
    ax.set_xlim(0.0, 0.5)
    ax.set_ylim(0.0, None)
    ax.set_xlabel(r"active-band coupling $g = g_{33}$")
    ax.set_ylabel(r"cutoff $\tilde\omega_0$ (meV)")
    ax.set_title(r"Migdal softening $\tilde\omega_0 = \omega_0\sqrt{1 - 2\,\max_n g_{nn}}$", fontsize=10)
    ax.legend(fontsize=8, frameon=False, loc="lower left", title=title, title_fontsize=8)
    ax.grid(alpha=0.25)
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
    """
    _require(ds, ["overlap", "mean_overlap"], "overlap_figure")
    bands = [int(b) for b in ds["band"].values]
    pairs = [(a, b) for a in bands for b in bands if a <= b]
    colors = {p: _PAIR_COLORS[k % len(_PAIR_COLORS)] for k, p in enumerate(pairs)}
    fig = Figure(figsize=(9.0, 3.8), layout="constrained")
    ax_bar, ax_q = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.0, 1.4]})
    labels = [f"{a}{b}" for a, b in pairs]
    heights = [float(ds["mean_overlap"].sel(band=a, band2=b)) for a, b in pairs]
    bars = ax_bar.bar(labels, heights, color=[colors[p] for p in pairs], edgecolor="black", lw=0.6)
    ax_bar.bar_label(bars, fmt="%.3f", fontsize=7, padding=2)
    ax_bar.axhline(1.0, **_REF_STYLE)
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
    ax_q.axhline(1.0, label=r"$V \to 0$", **_REF_STYLE)
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
    fig.suptitle(f"Model {_model_label(ds)}: pair-overlap (exchange) integrals", fontsize=11)
    return fig


# --------------------------------------------------------------------------- Figs. 6-7 (eta cuts)
def _eta_cuts(datasets: tuple[xr.Dataset | Sequence[xr.Dataset], ...], what: str) -> list[xr.Dataset]:
    """Accept ``f(ds_a, ds_b)`` and ``f([ds_a, ds_b])``."""
    items: list[xr.Dataset] = []
    for d in datasets:
        items.extend([d] if isinstance(d, xr.Dataset) else list(d))
    if not items:
        raise InputError(f"{what}: give at least one dataset from multigap.datasets.eta_cut_dataset")
    return items


def _g_text(g: float) -> str:
    """g as a simple fraction when it is one (1/4, 1/3), else its decimal value."""
    f = Fraction(g).limit_denominator(12)
    if f.denominator > 1 and abs(float(f) - g) < 1e-12:
        return f"{f.numerator}/{f.denominator}"
    return f"{g:g}"


def _cut_title(ds: xr.Dataset) -> str:
    a = int(ds.attrs.get("active_band", 3))
    return rf"Model {_model_label(ds)}, $g_{{{a}{a}}}$ = {_g_text(float(ds.attrs.get('g', np.nan)))}"


def _gap_bands(ds: xr.Dataset) -> tuple[int, int]:
    a = int(ds.attrs.get("active_band", int(ds["band"].values[-1])))
    return int(ds.attrs.get("anisotropy_lower", a - 1)), int(ds.attrs.get("anisotropy_upper", a))


def _lifshitz_lines(ax: Axes, eta: np.ndarray, labelled: bool = True) -> None:
    first = labelled
    for x in (0.0, 1.0):
        if eta[0] <= x <= eta[-1]:
            ax.axvline(
                x, color="0.7", lw=0.9, zorder=0, label=r"Lifshitz points $\eta$ = 0, 1" if first else None
            )
            first = False


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


def _panel_label(ax: Axes, text: str) -> None:
    ax.text(0.02, 0.97, text, transform=ax.transAxes, ha="left", va="top", fontsize=10, fontweight="bold")


def _missing_note(ds: xr.Dataset, name: str) -> str | None:
    """A short note on the η where ``name`` is NaN, by status (never a silent gap in a curve)."""
    bad = ~np.isfinite(ds[name].values)
    if bad.ndim > 1:
        bad = bad.any(axis=0)
    if not bad.any():
        return None
    floor = float(ds.attrs.get("tc_floor_K", np.nan))
    below = bad & (ds["status"].values == "below_floor")
    parts = []
    if below.any():
        parts.append(f"{int(below.sum())} η with $T_c$ < {floor:g} K")
    if (bad & ~below).any():
        parts.append(f"{int((bad & ~below).sum())} η failed")
    return "not shown: " + ", ".join(parts)


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
        From :func:`multigap.datasets.eta_cut_dataset` (with gaps and isotope), one per model:
        ``gap_ratio_figure(ds_a, ds_b)`` or ``gap_ratio_figure([ds_a, ds_b])``.

    Returns
    -------
    Figure
        2 × n_models Axes; each top Axes has 2 data lines + 1 reference line, each bottom Axes
        1 data line + 1 reference line (plus the Lifshitz-point lines inside the η range).
    """
    cuts = _eta_cuts(datasets, "gap_ratio_figure")
    for d in cuts:
        _require(d, ["gap_ratio", "alpha", "status"], "gap_ratio_figure")
    n = len(cuts)
    fig = Figure(figsize=(4.6 * n, 6.4), layout="constrained")
    axes = fig.subplots(2, n, squeeze=False, sharex="col")
    for k, d in enumerate(cuts):
        ax_r, ax_a = axes[0, k], axes[1, k]
        eta = d["eta"].values
        label = _model_label(d)
        lo, up = _gap_bands(d)
        top = BCS_GAP_RATIO
        for b in (up, lo):
            y = d["gap_ratio"].sel(band=b).values
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
        ax_r.axhline(BCS_GAP_RATIO, label=f"BCS {BCS_GAP_RATIO:.2f}", **_REF_STYLE)
        ax_r.set_ylim(0.0, 1.15 * top)
        ax_r.set_ylabel(r"gap ratio $2\Delta_n/k_BT_c$")
        ax_r.set_title(_cut_title(d), fontsize=10)
        alpha = d["alpha"].values
        ax_a.plot(eta, alpha, color=model_color(label, k), lw=1.8, marker="o", ms=3, label=r"$\alpha$")
        ax_a.axhline(0.5, label="BCS 1/2", **_REF_STYLE)
        finite = alpha[np.isfinite(alpha)]
        lo_a = min(0.0, float(finite.min())) if finite.size else 0.0
        hi_a = max(0.6, float(finite.max())) if finite.size else 1.0
        ax_a.set_ylim(lo_a, 1.1 * hi_a)
        ax_a.set_ylabel(r"isotope coefficient $\alpha$")
        ax_a.set_xlabel(r"Lifshitz parameter $\eta = (\mu_0 - E_L)/\Delta E$")
        _shell_edge_lines(ax_a, d)
        for ax, row, var in ((ax_r, 1, "gap_ratio"), (ax_a, 2, "alpha")):
            _lifshitz_lines(ax, eta, labelled=row == 1)
            ax.legend(fontsize=7.5, frameon=False, loc="center right" if row == 1 else "upper center")
            _panel_label(ax, f"{label}{row}")
            ax.grid(alpha=0.25)
            note = _missing_note(d, var)
            if note:
                ax.text(0.98, 0.02, note, transform=ax.transAxes, ha="right", va="bottom", fontsize=7)
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
        From :func:`multigap.datasets.eta_cut_dataset` (with gaps), one per model.

    Returns
    -------
    Figure
        n_models Axes (plus one colour-bar Axes); each has one scatter collection (the points),
        one line (the path along η) and one marker line (the Tc maximum).
    """
    cuts = _eta_cuts(datasets, "tc_vs_anisotropy_figure")
    for d in cuts:
        _require(d, ["tc", "anisotropy", "status"], "tc_vs_anisotropy_figure")
    n = len(cuts)
    all_eta = np.concatenate([d["eta"].values for d in cuts])
    norm = Normalize(float(all_eta.min()), float(all_eta.max()))
    fig = Figure(figsize=(4.3 * n + 0.9, 4.0), layout="constrained")
    axes = fig.subplots(1, n, squeeze=False)[0]
    scatter = None
    for k, (ax, d) in enumerate(zip(axes, cuts, strict=True)):
        lo, up = _gap_bands(d)
        x, y, eta = d["anisotropy"].values, d["tc"].values, d["eta"].values
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
            color = model_color(_model_label(d), k)
            ax.plot(x[i], y[i], "o", ms=13, mfc="none", mec=color, mew=2.0, zorder=4)
            ax.annotate(
                rf"largest $T_c$ = {y[i]:.4g} K" + "\n" + rf"at $\eta$ = {eta[i]:.3g}, "
                rf"$\Delta_{up}/\Delta_{lo}$ = {x[i]:.3g}",
                xy=(x[i], y[i]),
                xytext=(0.04, 0.95),
                textcoords="axes fraction",
                ha="left",
                va="top",
                fontsize=8,
                arrowprops={"arrowstyle": "-", "color": color, "lw": 0.8, "shrinkB": 7},
                bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": color, "lw": 0.8},
            )
            ax.set_ylim(0.0, 1.12 * float(y.max()))
        ax.set_xlabel(rf"gap anisotropy $\Delta_{up}/\Delta_{lo}$ at $T = 0$")
        ax.set_ylabel(r"$T_c$ (K)")
        ax.set_title(_cut_title(d), fontsize=10)
        ax.grid(alpha=0.25)
        note = _missing_note(d, "anisotropy")
        if note:
            ax.text(0.98, 0.02, note, transform=ax.transAxes, ha="right", va="bottom", fontsize=7)
    if scatter is not None:
        fig.colorbar(scatter, ax=list(axes), label=r"Lifshitz parameter $\eta$", shrink=0.9)
    return fig


# --------------------------------------------------------------------------- Figs. 8-11 (maps)
#: Couplings g of the Tc(η) curves of Fig. 8 (the nearest grid values of the map are drawn).
FIG8_G: tuple[float, ...] = (0.1, 0.2, 0.3, 0.35, 0.4, 0.45, 0.49)
#: Lifshitz parameters of the Tc(g) curves of Fig. 9: anti-resonant (η < 0) and resonant (η > 0).
FIG9_ETA_ANTI: tuple[float, ...] = (-0.9, -0.7, -0.5, -0.34, -0.2, -0.1)
FIG9_ETA_RES: tuple[float, ...] = (0.1, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5)
_STATUS_BELOW, _STATUS_FAILED = 1, 2
_DEFAULT_FLOOR_K = 1e-8


def _maps(datasets: tuple[xr.Dataset | Sequence[xr.Dataset], ...], what: str) -> list[xr.Dataset]:
    items: list[xr.Dataset] = []
    for d in datasets:
        items.extend([d] if isinstance(d, xr.Dataset) else list(d))
    if not items:
        raise InputError(f"{what}: give at least one Tc map from multigap.sweep.compute_map")
    for d in items:
        _require(d, ["tc", "status", "mu0"], what)
        if d["tc"].dims != ("eta", "g"):
            raise InputError(
                f"{what}: needs a Tc map with dimensions (eta, g); got {d['tc'].dims} "
                "(select one omega0 first: ds.sel(omega0=...))"
            )
    return items


def _floor_k(ds: xr.Dataset) -> float:
    """The Tc floor (K) of the model a map was computed with (default 1e-8 K)."""
    if "tc_floor_K" in ds.attrs:
        return float(ds.attrs["tc_floor_K"])
    if "model_toml" in ds.attrs:
        from .model import loads_model

        try:
            return float(loads_model(str(ds.attrs["model_toml"])).numerics.tc_floor)
        except Exception:  # a figure must not fail on an odd attribute
            return _DEFAULT_FLOOR_K
    return _DEFAULT_FLOOR_K


def _lifshitz_scale_from_map(ds: xr.Dataset) -> tuple[float, float]:
    """E_L and ΔE (meV) from the stored μ₀ = E_L + η ΔE (exact linear relation)."""
    eta = np.broadcast_to(ds["eta"].values[:, None], ds["mu0"].shape).ravel()
    mu0 = ds["mu0"].values.ravel()
    ok = np.isfinite(mu0)
    if np.unique(eta[ok]).size < 2:
        return float("nan"), float("nan")
    slope, intercept = np.polyfit(eta[ok], mu0[ok], 1)
    return float(intercept), float(slope)


def _shown_tc(ds: xr.Dataset) -> np.ndarray:
    """Tc(eta, g) in K with below-floor and failed points as NaN (never drawn as numbers)."""
    tc = ds["tc"].values.astype(float).copy()
    status = ds["status"].values
    tc[(status == _STATUS_BELOW) | (status == _STATUS_FAILED) | ~(tc > 0)] = np.nan
    return tc


def _nearest(grid: np.ndarray, wanted: Sequence[float]) -> list[int]:
    """Indices of the grid values nearest to ``wanted`` (each grid point once, in order)."""
    out: list[int] = []
    for w in wanted:
        i = int(np.argmin(np.abs(grid - w)))
        if i not in out:
            out.append(i)
    return out


def _note_omitted(ds: xr.Dataset, mask: np.ndarray | None = None) -> str | None:
    status = ds["status"].values
    if mask is not None:
        status = status[mask]
    below = int(np.count_nonzero(status == _STATUS_BELOW))
    failed = int(np.count_nonzero(status == _STATUS_FAILED))
    parts = []
    if below:
        parts.append(f"{below} points with $T_c$ below the floor {_floor_k(ds):g} K")
    if failed:
        parts.append(f"{failed} failed points")
    return "not shown: " + ", ".join(parts) if parts else None


def _mev_axis(ax: Axes, e_l: float, de: float, label: str = r"$\mu_0 - E_L$ (meV)") -> None:
    """A top axis with μ₀ − E_L = η ΔE in meV."""
    if not np.isfinite(de) or de <= 0:
        return

    def to_mev(x: ArrayLike) -> ArrayLike:
        return np.asarray(x) * de

    def to_eta(y: ArrayLike) -> ArrayLike:
        return np.asarray(y) / de

    top = ax.secondary_xaxis("top", functions=(to_mev, to_eta))
    top.set_xlabel(label, fontsize=9)
    top.tick_params(labelsize=8)


def _g_colors(n: int, cmap: str = "viridis") -> list[Any]:
    from matplotlib import colormaps

    cm = colormaps[cmap]
    return [cm(x) for x in (np.linspace(0.0, 0.82, n) if n > 1 else [0.0])]


def _map_title(ds: xr.Dataset, de: float) -> str:
    text = f"Model {_model_label(ds)}"
    if np.isfinite(de):
        text += rf" ($\Delta E$ = {de:.0f} meV)"
    return text


def tc_vs_eta_figure(
    *maps: xr.Dataset | Sequence[xr.Dataset], g_values: Sequence[float] | None = None
) -> Figure:
    """Paper Fig. 8: Tc against η at several couplings g, on a semi-log and a linear scale.

    One column per map (the paper: model A left, model B right).  Top row: semi-log Tc down to
    the Tc floor (dotted, default 1e-8 K), which shows the Fano anti-resonance on the left side
    of the dome (−1 < η < 0, shaded); bottom row: linear Tc, the superconducting dome, with the
    largest Tc of the drawn curves circled.  The bottom axis is η = (μ₀ − E_L)/ΔE, the top axis of
    each column μ₀ − E_L in meV (ΔE of that model, from the stored μ₀).  Grey vertical lines:
    the Lifshitz points η = 0 and 1.  Points below the floor or failed are not drawn; a note
    counts them.

    Parameters
    ----------
    *maps : Dataset or sequence of Dataset
        Tc maps from :func:`multigap.sweep.compute_map` (dimensions ``eta``, ``g``; Tc in K).
    g_values : sequence of float, optional
        Couplings g (dimensionless) of the curves; the nearest grid values are drawn.  Default
        :data:`FIG8_G`.

    Returns
    -------
    Figure
        2 × n_maps Axes; each has one line per drawn g (labelled ``g = …``).
    """
    items = _maps(maps, "tc_vs_eta_figure")
    n = len(items)
    fig = Figure(figsize=(5.0 * n + 0.4, 7.6), layout="constrained")
    axes = fig.subplots(2, n, squeeze=False, sharex="col")
    wanted = FIG8_G if g_values is None else tuple(g_values)
    handles: dict[str, Any] = {}
    for k, d in enumerate(items):
        ax_log, ax_lin = axes[0, k], axes[1, k]
        eta = d["eta"].values
        g = d["g"].values
        tc = _shown_tc(d)
        floor = _floor_k(d)
        e_l, de = _lifshitz_scale_from_map(d)
        cols = _nearest(g, wanted)
        colors = _g_colors(len(cols), "plasma")
        best = (-np.inf, 0.0, 0.0)
        for j, c in zip(cols, colors, strict=True):
            y = tc[:, j]
            label = f"g = {g[j]:.3g}"
            (line,) = ax_log.semilogy(eta, y, color=c, lw=1.5, label=label)
            ax_lin.plot(eta, y, color=c, lw=1.5, label=label)
            handles.setdefault(label, line)
            if np.isfinite(y).any() and np.nanmax(y) > best[0]:
                i = int(np.nanargmax(y))
                best = (float(y[i]), float(eta[i]), float(g[j]))
        ax_log.axhline(floor, label=None, **_REF_STYLE)
        ax_log.text(
            eta[-1], floor, f"floor {floor:g} K ", ha="right", va="bottom", fontsize=7.5, color="0.35"
        )
        finite = tc[:, cols][np.isfinite(tc[:, cols])]
        top = float(finite.max()) if finite.size else 1.0
        ax_log.set_ylim(floor / 3.0, top * 3.0)
        ax_log.set_ylabel(r"$T_c$ (K), log scale")
        ax_log.set_title(_map_title(d, de), fontsize=10)
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
        _mev_axis(ax_log, e_l, de)
        ax_lin.set_ylim(0.0, 1.15 * top)
        ax_lin.set_ylabel(r"$T_c$ (K)")
        ax_lin.set_xlabel(r"Lifshitz parameter $\eta = (\mu_0 - E_L)/\Delta E$")
        if np.isfinite(best[0]):
            color = model_color(_model_label(d), k)
            ax_lin.plot(best[1], best[0], "o", ms=12, mfc="none", mec=color, mew=1.8, zorder=5)
            ax_lin.annotate(
                rf"largest $T_c$ drawn = {best[0]:.4g} K"
                + "\n"
                + rf"at $\eta$ = {best[1]:.3g}, g = {best[2]:.3g}",
                xy=(best[1], best[0]),
                xytext=(0.02, 0.86),
                textcoords="axes fraction",
                ha="left",
                va="top",
                fontsize=8,
                arrowprops={"arrowstyle": "-", "color": color, "lw": 0.8, "shrinkB": 7},
                bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": color, "lw": 0.8},
            )
        for ax in (ax_log, ax_lin):
            _lifshitz_lines(ax, eta, labelled=False)
            ax.grid(alpha=0.25, which="major")
            ax.set_xlim(eta[0], eta[-1])
        note = _note_omitted(d, np.isin(np.arange(g.size), cols)[None, :].repeat(eta.size, 0))
        if note:
            ax_log.text(0.99, 0.99, note, transform=ax_log.transAxes, ha="right", va="top", fontsize=7)
        _panel_label(ax_log, f"{_model_label(d)}, semi-log")
        _panel_label(ax_lin, f"{_model_label(d)}, linear")
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
        A Tc map from :func:`multigap.sweep.compute_map` (dimensions ``eta``, ``g``).
    eta_anti, eta_res : sequence of float, optional
        Lifshitz parameters of the curves (the nearest grid values are drawn; only η < 0 in the
        anti-resonant, η > 0 in the resonant panel).  Defaults :data:`FIG9_ETA_ANTI`,
        :data:`FIG9_ETA_RES`.

    Returns
    -------
    Figure
        One Axes per side that has grid points (resonant first), one line per drawn η.
    """
    (d,) = _maps((tc_map,), "tc_vs_g_figure")
    eta, g = d["eta"].values, d["g"].values
    tc = _shown_tc(d)
    floor = _floor_k(d)
    sides = []
    res = [i for i in _nearest(eta, FIG9_ETA_RES if eta_res is None else eta_res) if eta[i] > 0]
    anti = [i for i in _nearest(eta, FIG9_ETA_ANTI if eta_anti is None else eta_anti) if eta[i] < 0]
    if res:
        sides.append(("resonant", res))
    if anti:
        sides.append(("anti-resonant", anti))
    if not sides:
        raise InputError("tc_vs_g_figure: the map has no eta != 0 to draw")
    fig = Figure(figsize=(6.4, 3.6 * len(sides) + 0.6), layout="constrained")
    axes = fig.subplots(len(sides), 1, squeeze=False, sharex=True)[:, 0]
    for ax, (side, rows) in zip(axes, sides, strict=True):
        colors = _g_colors(len(rows), "plasma" if side == "resonant" else "viridis")
        for i, c in zip(rows, colors, strict=True):
            y = tc[i, :]
            if side == "resonant":
                ax.plot(g, y, color=c, lw=1.6, marker="o", ms=2.5, label=rf"$\eta$ = {eta[i]:.3g}")
            else:
                ax.semilogy(g, y, color=c, lw=1.6, marker="o", ms=2.5, label=rf"$\eta$ = {eta[i]:.3g}")
        mask = np.zeros(tc.shape, dtype=bool)
        mask[rows, :] = True
        note = _note_omitted(d, mask)
        if side == "resonant":
            ax.set_ylim(0.0, None)
            ax.set_ylabel(r"$T_c$ (K)")
            ax.set_title(r"resonant regime $\eta > 0$ (linear scale)", fontsize=10)
        else:
            finite = tc[rows, :][np.isfinite(tc[rows, :])]
            low = max(floor / 3.0, float(finite.min()) / 3.0) if finite.size else floor / 3.0
            ax.set_ylim(low, 3.0 * float(finite.max()) if finite.size else 1.0)
            if low < floor:  # the floor is inside the frame: draw it
                ax.axhline(floor, **_REF_STYLE)
                ax.text(
                    g[0], floor, f" floor {floor:g} K", ha="left", va="bottom", fontsize=7.5, color="0.35"
                )
            ax.set_ylabel(r"$T_c$ (K), log scale")
            ax.set_title(r"anti-resonant regime $-1 < \eta < 0$ (semi-log scale)", fontsize=10)
        if note:
            ax.text(0.99, 0.02, note, transform=ax.transAxes, ha="right", va="bottom", fontsize=7)
        ax.legend(fontsize=8, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
        ax.grid(alpha=0.25)
    axes[-1].set_xlabel(r"active-band coupling $g = g_{33}$")
    axes[-1].set_xlim(g[0], g[-1])
    fig.suptitle(f"Model {_model_label(d)}: $T_c$ against $g$ at fixed $\\eta$", fontsize=11)
    return fig


def _nice_levels(top: float) -> np.ndarray:
    if not np.isfinite(top) or top <= 0:
        return np.array([])
    step = float(10 ** (np.floor(np.log10(top)) - 1))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0, 20.0):
        if top / (m * step) <= 6:
            step *= m
            break
    return np.arange(step, top, step)


def tc_map_figure(*maps: xr.Dataset | Sequence[xr.Dataset]) -> Figure:
    """Paper Figs. 10–11: the superconducting dome Tc(η, g) as a colour map.

    One panel per map: colour = Tc in K (blue 0 K to red at the largest Tc, as in the paper; a
    labelled colour bar per panel), white contour lines at round temperatures, dashed lines at the
    Lifshitz points η = 0 and 1, and a star at the largest Tc of the grid with its value and
    position.  The top axis gives μ₀ − E_L in meV.  Tc below the floor is 0 K (bottom of the
    scale); failed points are grey and counted in a note.

    Parameters
    ----------
    *maps : Dataset or sequence of Dataset
        Tc maps from :func:`multigap.sweep.compute_map` (dimensions ``eta``, ``g``; Tc in K).

    Returns
    -------
    Figure
        n_maps Axes (plus one colour-bar Axes each); each has one QuadMesh and one marker line
        (the maximum).
    """
    from matplotlib import colormaps

    items = _maps(maps, "tc_map_figure")
    n = len(items)
    fig = Figure(figsize=(6.2 * n, 4.8), layout="constrained")
    axes = fig.subplots(1, n, squeeze=False)[0]
    cmap = colormaps["turbo"].with_extremes(bad="0.55")
    for k, (ax, d) in enumerate(zip(axes, items, strict=True)):
        eta, g = d["eta"].values, d["g"].values
        tc = d["tc"].values.astype(float).copy()
        failed = d["status"].values == _STATUS_FAILED
        tc[failed] = np.nan
        e_l, de = _lifshitz_scale_from_map(d)
        top = float(np.nanmax(tc)) if np.isfinite(tc).any() else 1.0
        mesh = ax.pcolormesh(
            eta, g, np.ma.masked_invalid(tc.T), cmap=cmap, vmin=0.0, vmax=top, shading="nearest"
        )
        levels = _nice_levels(top)
        levels = levels[levels < 0.95 * top]  # no contour squeezed around the marked maximum
        if levels.size and eta.size > 1 and g.size > 1:
            cs = ax.contour(eta, g, np.nan_to_num(tc.T), levels=levels, colors="white", linewidths=0.7)
            ax.clabel(cs, fmt="%g K", fontsize=7, inline=True)
        for x in (0.0, 1.0):
            if eta[0] <= x <= eta[-1]:
                ax.axvline(x, color="white", lw=0.9, ls="--", alpha=0.8)
        if np.isfinite(tc).any():
            i, j = np.unravel_index(int(np.nanargmax(tc)), tc.shape)
            ax.plot(eta[i], g[j], marker="*", ms=15, mfc="white", mec="black", mew=1.0, ls="none")
            ax.annotate(
                rf"max $T_c$ = {tc[i, j]:.4g} K" + "\n" + rf"at $\eta$ = {eta[i]:.3g}, g = {g[j]:.3g}",
                xy=(eta[i], g[j]),
                xytext=(0.03, 0.04),
                textcoords="axes fraction",
                ha="left",
                va="bottom",
                fontsize=8,
                bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": "0.3", "lw": 0.8, "alpha": 0.9},
            )
        ax.set_xlim(eta[0], eta[-1])
        ax.set_ylim(g[0], g[-1])
        ax.set_xlabel(r"Lifshitz parameter $\eta = (\mu_0 - E_L)/\Delta E$")
        ax.set_ylabel(r"active-band coupling $g = g_{33}$")
        ax.set_title(_map_title(d, de) + r": $T_c(\eta, g)$", fontsize=10)
        _mev_axis(ax, e_l, de)
        fig.colorbar(mesh, ax=ax, label=r"critical temperature $T_c$ (K)", pad=0.02)
        below_edge = eta < 0
        if below_edge.any() and np.isfinite(tc[below_edge]).any():
            ax.text(
                0.5 * (eta[0] + eta[below_edge][-1]),
                0.5 * (g[0] + g[-1]),
                r"$\eta < 0$:" + "\n" + rf"$T_c \leq$ {float(np.nanmax(tc[below_edge])):.2g} K",
                ha="center",
                va="center",
                fontsize=8,
                color="white",
            )
        note = _note_omitted(d)
        if note and failed.any():
            ax.text(0.99, 0.02, note + " (grey)", transform=ax.transAxes, ha="right", va="bottom", fontsize=7)
        del k
    return fig
