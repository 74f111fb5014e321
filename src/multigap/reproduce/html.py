"""``report.html``: the report with interactive figures, one file, openable without a server.

The text is report.md's (:func:`~multigap.reproduce.report.render_report`) turned into HTML;
the figures are Bokeh plots drawn from the same NetCDF files as the PNG figures (hover shows the
values, the tools zoom and pan, the save tool writes a PNG), with BokehJS inlined
(inline resources, the core bundle) so the file works offline.  Like the PNG figures they draw only
converged points (Tc below the floor as 0, :func:`multigap.figures.style.shown_tc`).

Bokeh is optional (the ``explore`` extra): :func:`html_available` says whether the file can be
written, and :data:`MISSING_NOTE` is what the report says when it cannot.
"""

from __future__ import annotations

import html
import importlib.util
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr

if TYPE_CHECKING:
    from bokeh.plotting import figure as Figure

__all__ = ["HTML_NAME", "MISSING_NOTE", "html_available", "report_datasets", "write_report_html"]

#: The file name.
HTML_NAME = "report.html"
#: The report's line when Bokeh is missing (report.md and report.json are written as always).
MISSING_NOTE = (
    "report.html (interactive figures) was not written: it needs Bokeh, the 'explore' extra "
    "(pip install 'multigap[explore]')."
)
#: Colours of models A, B, … and of bands 1, 2, 3, … (as in the PNG figures' spirit).
COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2")
TOOLS = "pan,wheel_zoom,box_zoom,reset,save"
WIDTH, HEIGHT = 520, 340


def html_available() -> bool:
    """True when Bokeh can be imported (``report.html`` can be written)."""
    try:
        return importlib.util.find_spec("bokeh") is not None
    except (ImportError, ValueError):
        return False


def _figure(title: str, x: str, y: str, **kw: Any) -> Figure:
    from bokeh.plotting import figure

    fig = figure(title=title, x_axis_label=x, y_axis_label=y, tools=TOOLS, width=WIDTH, height=HEIGHT, **kw)
    fig.toolbar.logo = None
    return fig


def _hover(fig: Figure, tooltips: list[tuple[str, str]]) -> None:
    from bokeh.models import HoverTool

    fig.add_tools(HoverTool(tooltips=tooltips))


def _lifshitz(fig: Figure) -> None:
    from bokeh.models.annotations import Span

    for x in (0.0, 1.0):
        fig.add_layout(Span(location=x, dimension="height", line_color="gray", line_dash="dotted"))


def _listed(values: np.ndarray) -> list[float]:
    """Plain floats, NaN where missing (Bokeh leaves a gap)."""
    return [float(v) for v in np.where(np.isfinite(values), values, np.nan)]


# ------------------------------------------------------------------------------- figures
def cut_figures(cuts: Mapping[str, xr.Dataset]) -> list[Figure]:
    """Tc(η) (Fig. 6/8 style), 2Δ_n/k_BTc and α along η, and Tc against Δ_a/Δ_{a−1} (Fig. 7)."""
    from bokeh.models import ColumnDataSource

    from ..figures.style import shown_tc
    from ..status import Status, status_mask

    tc_fig = _figure("Tc along the η cut", "η = (μ₀ − E_L)/ΔE", "Tc (K)")
    ratio_fig = _figure("Gap ratios 2Δₙ/k_BTc along η (converged gaps)", "η", "2Δₙ/k_BTc")
    alpha_fig = _figure("Isotope coefficient α along η", "η", "α")
    aniso_fig = _figure("Tc against the gap anisotropy (Fig. 7)", "Δ_a/Δ_(a−1)", "Tc (K)")
    for k, (tag, ds) in enumerate(cuts.items()):
        color = COLORS[k % len(COLORS)]
        eta = ds["eta"].values
        tc = shown_tc(ds, below_floor=0.0)
        ok = status_mask(ds["status"].values, Status.CONVERGED)
        if "gap_status" in ds:
            ok = ok & status_mask(ds["gap_status"].values, Status.CONVERGED)
        g = ds.attrs.get("g")
        label = f"model {tag}" + (f" (g = {float(g):.4g})" if g is not None else "")
        src = ColumnDataSource({"eta": _listed(eta), "tc": _listed(tc), "model": [tag] * eta.size})
        tc_fig.line("eta", "tc", source=src, color=color, line_width=2, legend_label=label)
        tc_fig.scatter("eta", "tc", source=src, color=color, size=5)
        if "alpha" in ds:
            alpha = np.where(status_mask(ds["status"].values, Status.CONVERGED), ds["alpha"].values, np.nan)
            a_src = ColumnDataSource(
                {"eta": _listed(eta), "alpha": _listed(alpha), "model": [tag] * eta.size}
            )
            alpha_fig.line("eta", "alpha", source=a_src, color=color, line_width=2, legend_label=label)
            alpha_fig.scatter("eta", "alpha", source=a_src, color=color, size=5)
        if "gap_ratio" in ds:
            for j, band in enumerate(ds["band"].values):
                r = np.where(ok, ds["gap_ratio"].sel(band=band).values, np.nan)
                dash = "solid" if j == ds["band"].size - 1 else "dashed"
                r_src = ColumnDataSource(
                    {
                        "eta": _listed(eta),
                        "ratio": _listed(r),
                        "model": [tag] * eta.size,
                        "band": [int(band)] * eta.size,
                    }
                )
                ratio_fig.line(
                    "eta",
                    "ratio",
                    source=r_src,
                    color=color,
                    line_dash=dash,
                    line_width=2,
                    legend_label=f"{tag}, band {int(band)}",
                )
                ratio_fig.scatter("eta", "ratio", source=r_src, color=color, size=4)
        if "anisotropy" in ds:
            an = np.where(ok, ds["anisotropy"].values, np.nan)
            an_src = ColumnDataSource({"anisotropy": _listed(an), "tc": _listed(tc), "eta": _listed(eta)})
            aniso_fig.scatter(
                "anisotropy", "tc", source=an_src, color=color, size=7, legend_label=f"model {tag}"
            )
    for fig in (tc_fig, ratio_fig, alpha_fig):
        _lifshitz(fig)
    _hover(tc_fig, [("model", "@model"), ("η", "@eta{0.000}"), ("Tc", "@tc{0.00} K")])
    _hover(alpha_fig, [("model", "@model"), ("η", "@eta{0.000}"), ("α", "@alpha{0.000}")])
    _hover(
        ratio_fig, [("model", "@model"), ("band", "@band"), ("η", "@eta{0.000}"), ("2Δ/kTc", "@ratio{0.000}")]
    )
    _hover(aniso_fig, [("η", "@eta{0.000}"), ("Δ_a/Δ_(a−1)", "@anisotropy{0.00}"), ("Tc", "@tc{0.00} K")])
    for fig in (tc_fig, ratio_fig, alpha_fig, aniso_fig):
        fig.legend.location = "top_left"
        fig.legend.click_policy = "hide"
    return [tc_fig, ratio_fig, alpha_fig, aniso_fig]


def map_figures(maps: Mapping[str, xr.Dataset]) -> list[Figure]:
    """Per model: the Tc(η, g) dome as an image (Figs. 10–11) and Tc(η) at each g (Fig. 8)."""
    from bokeh.models import ColumnDataSource, Image, LinearColorMapper
    from bokeh.models.annotations import ColorBar
    from bokeh.palettes import Viridis256

    from ..figures.style import shown_tc

    out: list[Figure] = []
    for tag, ds in maps.items():
        tc = shown_tc(ds, below_floor=0.0)
        if ds["tc"].dims != ("eta", "g"):
            tc = tc.T
        eta, g = ds["eta"].values, ds["g"].values
        de = (eta[-1] - eta[0]) / max(eta.size - 1, 1)
        dg = (g[-1] - g[0]) / max(g.size - 1, 1)
        finite = tc[np.isfinite(tc)]
        mapper = LinearColorMapper(
            palette=Viridis256, low=0.0, high=float(finite.max()) if finite.size else 1.0, nan_color="white"
        )
        dome = _figure(f"Tc(η, g), model {tag} (white: not converged)", "η", "g")
        src = ColumnDataSource(
            {
                "image": [np.ascontiguousarray(tc.T)],
                "x": [eta[0] - de / 2],
                "y": [g[0] - dg / 2],
                "dw": [eta[-1] - eta[0] + de],
                "dh": [g[-1] - g[0] + dg],
            }
        )
        dome.add_glyph(src, Image(image="image", x="x", y="y", dw="dw", dh="dh", color_mapper=mapper))
        dome.add_layout(ColorBar(color_mapper=mapper, title="Tc (K)", width=8), "right")
        _hover(dome, [("η", "$x{0.000}"), ("g", "$y{0.000}"), ("Tc", "@image{0.00} K")])
        lines = _figure(f"Tc(η) at each g of the map, model {tag} (Fig. 8)", "η", "Tc (K)")
        for j, gv in enumerate(g):
            color = Viridis256[int(255 * j / max(g.size - 1, 1))]
            s = ColumnDataSource({"eta": _listed(eta), "tc": _listed(tc[:, j]), "g": [float(gv)] * eta.size})
            lines.line("eta", "tc", source=s, color=color, line_width=2, legend_label=f"g = {gv:.3g}")
            lines.scatter("eta", "tc", source=s, color=color, size=4)
        _lifshitz(lines)
        _hover(lines, [("g", "@g{0.000}"), ("η", "@eta{0.000}"), ("Tc", "@tc{0.00} K")])
        lines.legend.location = "top_left"
        lines.legend.click_policy = "hide"
        out += [dome, lines]
    return out


# ------------------------------------------------------------------------------- the page
def markdown_html(text: str) -> str:
    """report.md as HTML (Python-Markdown with tables when installed, else preformatted text)."""
    try:
        import markdown
    except ImportError:
        return f"<pre>{html.escape(text)}</pre>"
    return str(markdown.markdown(text, extensions=["tables"]))


STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1150px; margin: 2em auto; padding: 0 1em; }
table { border-collapse: collapse; font-size: 0.9em; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; vertical-align: top; }
blockquote { border-left: 4px solid #d62728; margin: 1em 0; padding: 0.2em 1em; background: #fafafa; }
.figures { display: flex; flex-wrap: wrap; gap: 1em; }
"""


def write_report_html(
    out_dir: str | Path,
    markdown_text: str,
    *,
    cuts: Mapping[str, xr.Dataset],
    maps: Mapping[str, xr.Dataset],
    title: str = "multigap report",
) -> Path:
    """Write ``report.html``: the report's text and interactive figures of the cuts and maps.

    Parameters
    ----------
    out_dir : str or Path
        The reproduction's folder.
    markdown_text : str
        The content of report.md.
    cuts, maps : mapping
        Model tag -> η cut (:func:`multigap.sweep.run_cut`) and Tc map (:func:`multigap.sweep.run_map`).
    title : str
        The page title.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ImportError
        Without Bokeh (check :func:`html_available` first).

    Examples
    --------
    >>> from multigap import preset
    >>> from multigap.sweep import run_cut
    >>> import tempfile
    >>> cut = run_cut(preset("A"), [0.5, 1.0])
    >>> path = write_report_html(tempfile.mkdtemp(), "# report", cuts={"A": cut}, maps={})
    >>> path.read_text(encoding="utf-8").count("data-root-id")  # the four figures of the cuts
    4
    """
    from bokeh.embed import components
    from bokeh.resources import Resources

    # BokehJS inlined: only the core bundle the plots need (``bokeh.resources.INLINE`` would add
    # widgets, tables, WebGL and MathJax: 3.9 MB instead of 1.3 MB with Bokeh 3.9)
    figs = [*cut_figures(cuts), *map_figures(maps)] if cuts or maps else []
    blocks: dict[str, str] = {}
    script = ""
    if figs:
        script, divs = components({f"f{i}": f for i, f in enumerate(figs)})
        blocks = dict(divs)
    figures_html = "".join(f"<div>{blocks[f'f{i}']}</div>" for i in range(len(figs)))
    # only the inline bundles: the js_files are extensions other imported packages registered
    # with Bokeh (once Panel is imported: a relative es-module-shims path), which these plain
    # Bokeh figures do not use and which would break the self-contained page
    resources = Resources(mode="inline", components=["bokeh"])
    bokeh_assets = "\n".join(
        [f"<style>\n{css}\n</style>" for css in resources.css_raw]
        + [f'<script type="text/javascript">\n{code}\n</script>' for code in resources.js_raw]
    )
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>{STYLE}</style>
{bokeh_assets}
</head>
<body>
{markdown_html(markdown_text)}
<h2>Interactive figures</h2>
<p>Hover for values; drag to pan, scroll or box-select to zoom, the save tool writes a PNG.
Click a legend entry to hide a curve.  Only converged points are drawn (Tc below the floor as 0).</p>
<div class="figures">{figures_html}</div>
{script}
</body>
</html>
"""
    path = Path(out_dir) / HTML_NAME
    path.write_text(page, encoding="utf-8")
    return path


def report_datasets(
    out_dir: str | Path, tags: Sequence[str]
) -> tuple[dict[str, xr.Dataset], dict[str, xr.Dataset]]:
    """The reference cuts (``eta_cut_<tag>.nc``) and maps (``map_<tag>.nc``) of a reproduction."""
    from ..io import read_dataset

    out = Path(out_dir)
    cuts = {t: read_dataset(out / f"eta_cut_{t}.nc") for t in tags if (out / f"eta_cut_{t}.nc").exists()}
    maps = {t: read_dataset(out / f"map_{t}.nc") for t in tags if (out / f"map_{t}.nc").exists()}
    return cuts, maps
