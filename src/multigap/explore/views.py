"""The explorer's Bokeh figures, each with a data source that the page updates in place.

Each view is a :class:`View` (figure plus the sources and glyphs an update touches); the
``update_*`` functions put new numbers into them without building anything new, which keeps an
update to a few kilobytes on the websocket.  Every figure has Bokeh's save tool (PNG of the view)
and hover values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np
from bokeh.models import ColumnDataSource, HoverTool, Image, LinearColorMapper, Range1d
from bokeh.models.annotations import ColorBar, Span, Title
from bokeh.palettes import Viridis256
from bokeh.plotting import figure

if TYPE_CHECKING:
    from bokeh.plotting import figure as Figure

    from ..dos import FermiContour
    from .state import MapState, PointResult, Structure

__all__ = [
    "BAND_COLORS",
    "View",
    "bands_view",
    "clear",
    "cut_view",
    "dome_view",
    "dos_view",
    "fermi_view",
    "set_title",
    "update_bands",
    "update_cut",
    "update_dome",
    "update_dos",
    "update_fermi",
    "update_marks",
]

#: Colours of bands 1, 2, 3, … (as in the paper's figures).
BAND_COLORS = ("#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")
TOOLS = "pan,wheel_zoom,box_zoom,reset,save"
WIDTH, HEIGHT = 420, 300


def band_color(n: int) -> str:
    """Colour of band ``n`` (1-based)."""
    return BAND_COLORS[(n - 1) % len(BAND_COLORS)]


@dataclass
class View:
    """One figure and what an update changes in it."""

    fig: Figure
    sources: dict[str, ColumnDataSource] = field(default_factory=dict)
    spans: dict[str, Span] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def _figure(title: str, x: str, y: str, fixed: str = "", **kw: Any) -> Figure:
    """A figure; the axes named in ``fixed`` ("x", "y", "xy") get ranges the updates set."""
    if "x" in fixed:
        kw["x_range"] = Range1d(start=0.0, end=1.0)
    if "y" in fixed:
        kw["y_range"] = Range1d(start=0.0, end=1.0)
    fig = figure(
        title=Title(text=title),
        x_axis_label=x,
        y_axis_label=y,
        width=WIDTH,
        height=HEIGHT,
        tools=TOOLS,
        toolbar_location="above",
        **kw,
    )
    fig.toolbar.logo = None
    return fig


def _title(view: View, text: str) -> None:
    cast(Title, view.fig.title).text = text


def set_title(view: View, text: str) -> None:
    """Change a view's title."""
    _title(view, text)


def clear(view: View, title: str) -> None:
    """Empty every data source of a view and say why in its title."""
    for src in view.sources.values():
        src.data = {k: [] for k in src.data}
    _title(view, title)


def _range(axis: Any, start: float, end: float) -> None:
    r = cast(Range1d, axis)
    r.start, r.end = start, end


def _span(
    fig: Figure,
    dimension: Literal["width", "height"],
    color: str = "black",
    dash: str = "solid",
    width: float = 1.5,
) -> Span:
    span = Span(location=0.0, dimension=dimension, line_color=color, line_dash=dash, line_width=width)
    fig.add_layout(span)
    return span


# ------------------------------------------------------------------------------ band structure
def bands_view() -> View:
    """Subbands E_n(q) with μ (solid) and μ ± ω̃₀ (dashed), E_L and E_L + ΔE (dotted)."""
    fig = _figure("Band structure", "q = k_z (1/nm)", "E (meV)", fixed="y")
    src = ColumnDataSource({"xs": [], "ys": [], "color": [], "band": []})
    fig.multi_line("xs", "ys", color="color", line_width=2, source=src)
    fig.add_tools(HoverTool(tooltips=[("band", "@band"), ("q", "$x{0.000} 1/nm"), ("E", "$y{0.0} meV")]))
    spans = {
        "mu": _span(fig, "width", "black"),
        "lo": _span(fig, "width", "black", "dashed", 1.0),
        "hi": _span(fig, "width", "black", "dashed", 1.0),
        "el": _span(fig, "width", "gray", "dotted", 1.0),
        "neck": _span(fig, "width", "gray", "dotted", 1.0),
    }
    return View(fig, {"bands": src}, spans)


def update_bands(view: View, s: Structure) -> None:
    """New band structure (a new model)."""
    ds = s.bands_ds
    q = ds["q"].values.tolist()
    bands = [int(b) for b in ds["band"].values]
    view.sources["bands"].data = {
        "xs": [q] * len(bands),
        "ys": [ds["energy"].sel(band=n).values.tolist() for n in bands],
        "color": [band_color(n) for n in bands],
        "band": bands,
    }
    view.spans["el"].location = s.e_l
    view.spans["neck"].location = s.e_l + s.de
    _title(view, f"Band structure: E_L = {s.e_l:.1f} meV, ΔE = {s.de:.1f} meV")


def _bands_window(view: View, s: Structure, omega: float) -> None:
    lo, hi = s.e_l - 1.2 * omega, s.e_l + s.de + 1.2 * omega
    _range(view.fig.y_range, lo, hi)


# ----------------------------------------------------------------------------- Fermi surface
def fermi_view() -> View:
    """Fermi contours ε_n(k_x, q) = μ in the (k_x, q) plane, coloured by band."""
    fig = _figure("Fermi surface", "k_x (1/nm)", "q = k_z (1/nm)", fixed="xy")
    src = ColumnDataSource({"xs": [], "ys": [], "color": [], "band": []})
    fig.multi_line("xs", "ys", color="color", line_width=2, source=src)
    fig.add_tools(HoverTool(tooltips=[("band", "@band"), ("k_x", "$x{0.000}"), ("q", "$y{0.000}")]))
    return View(fig, {"fs": src})


def update_fermi(view: View, contours: list[FermiContour], eta: float, period: float) -> None:
    """New contours at μ(η)."""
    view.sources["fs"].data = {
        "xs": [np.asarray(c.kx).tolist() for c in contours],
        "ys": [np.asarray(c.q).tolist() for c in contours],
        "color": [band_color(int(c.band)) for c in contours],
        "band": [int(c.band) for c in contours],
    }
    zb = math.pi / period
    _range(view.fig.y_range, -zb, zb)
    kmax = max([float(np.nanmax(np.abs(c.kx))) for c in contours] + [0.5])
    _range(view.fig.x_range, -1.1 * kmax, 1.1 * kmax)
    _title(view, f"Fermi surface at η = {eta:.4g}")


# ---------------------------------------------------------------------------------------- DOS
def dos_view() -> View:
    """Total and partial DOS N(μ)/N₀ against η; the Lifshitz points η = 0, 1 and the current η."""
    fig = _figure("DOS", "η = (μ − E_L)/ΔE", "N(μ)/N₀ (per spin)", fixed="y")
    src = ColumnDataSource({"xs": [], "ys": [], "color": [], "label": []})
    fig.multi_line("xs", "ys", color="color", line_width=2, source=src)
    fig.add_tools(HoverTool(tooltips=[("", "@label"), ("η", "$x{0.000}"), ("N/N₀", "$y{0.000}")]))
    spans = {
        "l0": _span(fig, "height", "gray", "dotted", 1.5),
        "l1": _span(fig, "height", "gray", "dotted", 1.5),
        "eta": _span(fig, "height", "black"),
    }
    spans["l1"].location = 1.0
    return View(fig, {"dos": src}, spans)


def update_dos(view: View, s: Structure) -> None:
    """New DOS (a new model)."""
    ds = s.dos_ds
    eta = ds["eta"].values.tolist()
    bands = [int(b) for b in ds["band"].values]
    total = ds["dos_total"].values

    def finite(y: np.ndarray) -> list[float]:  # the van Hove point (η = 1) is a log divergence
        return np.where(np.isfinite(y), y, np.nan).tolist()

    top = total[np.isfinite(total)]
    _range(view.fig.y_range, 0.0, 1.2 * float(top.max()) if top.size else 1.0)
    view.sources["dos"].data = {
        "xs": [eta] * (len(bands) + 1),
        "ys": [finite(total)] + [finite(ds["dos_partial"].sel(band=n).values) for n in bands],
        "color": ["black"] + [band_color(n) for n in bands],
        "label": ["total"] + [f"band {n}" for n in bands],
    }
    _title(view, "DOS; dotted: Lifshitz points η = 0 (pocket) and η = 1 (neck)")


# -------------------------------------------------------------------------------------- cut
def cut_view() -> View:
    """Tc(η) at the current g, with the current point."""
    fig = _figure("Tc(η)", "η", "Tc (K)")
    line = ColumnDataSource({"eta": [], "tc": []})
    point = ColumnDataSource({"eta": [], "tc": []})
    fig.line("eta", "tc", source=line, line_width=2, color=BAND_COLORS[2])
    fig.scatter("eta", "tc", source=point, size=11, color="black", marker="circle")
    fig.add_tools(HoverTool(tooltips=[("η", "@eta{0.000}"), ("Tc", "@tc{0.00} K")]))
    for x in (0.0, 1.0):
        _span(fig, "height", "gray", "dotted", 1.0).location = x
    return View(fig, {"line": line, "point": point})


def update_cut(view: View, eta: np.ndarray, tc: np.ndarray, g: float) -> None:
    """A new cut (NaN where a point failed)."""
    view.sources["line"].data = {"eta": eta.tolist(), "tc": np.where(np.isfinite(tc), tc, np.nan).tolist()}
    _title(view, f"Tc(η) at g = {g:.4g}")


# ------------------------------------------------------------------------------------- dome
def dome_view() -> View:
    """Tc(η, g) as an image, with the current (η, g)."""
    fig = _figure("Dome Tc(η, g)", "η", "g")
    mapper = LinearColorMapper(palette=Viridis256, low=0.0, high=1.0, nan_color="white")
    src = ColumnDataSource({"image": [], "x": [], "y": [], "dw": [], "dh": []})
    fig.add_glyph(src, Image(image="image", x="x", y="y", dw="dw", dh="dh", color_mapper=mapper))
    point = ColumnDataSource({"eta": [], "g": []})
    fig.scatter("eta", "g", source=point, size=12, color="red", marker="x", line_width=3)
    fig.add_layout(ColorBar(color_mapper=mapper, title="Tc (K)", width=8), "right")
    fig.add_tools(HoverTool(tooltips=[("η", "$x{0.000}"), ("g", "$y{0.000}"), ("Tc", "@image{0.0} K")]))
    return View(fig, {"image": src, "point": point}, extra={"mapper": mapper})


def update_dome(view: View, state: MapState) -> None:
    """New dome values (coarse, then refined)."""
    tc = state.tc
    de = (state.eta[-1] - state.eta[0]) / (state.eta.size - 1)
    dg = (state.g[-1] - state.g[0]) / (state.g.size - 1)
    view.sources["image"].data = {
        "image": [np.ascontiguousarray(tc.T)],
        "x": [state.eta[0] - de / 2],
        "y": [state.g[0] - dg / 2],
        "dw": [state.eta[-1] - state.eta[0] + de],
        "dh": [state.g[-1] - state.g[0] + dg],
    }
    finite = tc[np.isfinite(tc)]
    view.extra["mapper"].high = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    _title(view, f"Dome Tc(η, g): {100 * state.fraction:.0f}% of the fine grid computed")


# ------------------------------------------------------------------------ the current point
def update_marks(views: dict[str, View], r: PointResult, s: Structure) -> None:
    """Move every marker of the current point: μ and μ ± ω̃₀, η, (η, Tc), (η, g)."""
    mu = s.e_l + r.params.eta * s.de
    b = views["bands"]
    b.spans["mu"].location = mu
    b.spans["lo"].location = mu - r.omega
    b.spans["hi"].location = mu + r.omega
    _bands_window(b, s, r.omega)
    views["dos"].spans["eta"].location = r.params.eta
    views["cut"].sources["point"].data = {"eta": [r.params.eta], "tc": [r.tc_value]}
    a = r.model.active_band - 1
    views["dome"].sources["point"].data = {"eta": [r.params.eta], "g": [float(r.model.pairing.g[a][a])]}
