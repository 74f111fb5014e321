"""Figures of the inverse problems: Tc along a pressure path with measured points, the path on
the Tc(η, g) dome, the corner plot of a fit's posterior, and a design's η-cut beside the
template's (model A's)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from .style import corner_note, omitted_note, shown_tc, theory_label

__all__ = ["path_tc_figure", "path_on_map_figure", "corner_figure", "design_cut_figure"]


def _x(ds: xr.Dataset) -> tuple[np.ndarray, str]:
    if "pressure" in ds.coords or "pressure" in ds:
        return np.asarray(ds["pressure"].values, dtype=float), "pressure P (GPa)"
    return np.arange(ds.sizes["point"], dtype=float), "point along the path"


def path_tc_figure(ds: xr.Dataset, data: Any | None = None) -> Figure:
    """Tc (and α, when present) along a path, with measured points and the fit's 1σ band.

    Parameters
    ----------
    ds : xarray.Dataset
        From :func:`multigap.inverse.compute_path` or ``FitResult.to_dataset`` (``tc`` in K,
        ``status``; optionally ``alpha``, ``tc_sigma``, ``alpha_sigma`` and data variables
        ``data_tc`` … on dimension ``data``).
    data : MeasuredData, optional
        Measured points to overlay (Tc and α with error bars); default the ``data_*`` variables
        of ``ds`` when present.

    Returns
    -------
    matplotlib.figure.Figure
        Only converged points are drawn (below the floor as Tc = 0); others are counted in a note.
    """
    x, xlabel = _x(ds)
    has_alpha = "alpha" in ds and np.any(np.isfinite(ds["alpha"].values))
    fig = Figure(figsize=(6.4, 6.4 if has_alpha else 4.2), layout="constrained")
    axes = fig.subplots(2 if has_alpha else 1, 1, sharex=True, squeeze=False)[:, 0]
    ax = axes[0]
    tc = shown_tc(ds, below_floor=0.0)
    ax.plot(x, tc, "-", color="C0", label=theory_label(ds) or "model")
    if "tc_sigma" in ds:
        s = np.asarray(ds["tc_sigma"].values, dtype=float)
        ax.fill_between(x, tc - s, tc + s, color="C0", alpha=0.25, lw=0, label="fit 1σ")
    dp, dt, de, da, dae = _data_arrays(ds, data)
    if dp is not None:
        ok = np.isfinite(dt)
        ax.errorbar(dp[ok], dt[ok], yerr=de[ok], fmt="o", color="k", ms=5, capsize=3, label="data")
    ax.set_ylabel("Tc (K)")
    ax.set_ylim(bottom=0)
    ax.legend(loc="best", fontsize="small")
    corner_note(ax, omitted_note(ds, floor_shown=True))
    if has_alpha:
        a = np.asarray(ds["alpha"].values, dtype=float)
        axes[1].plot(x, a, "-", color="C3", label="model α")
        if "alpha_sigma" in ds:
            s = np.asarray(ds["alpha_sigma"].values, dtype=float)
            axes[1].fill_between(x, a - s, a + s, color="C3", alpha=0.25, lw=0)
        axes[1].axhline(0.5, color="grey", ls=":", lw=1, label="single-band BCS 1/2")
        ok_a = np.isfinite(da) if dp is not None and da is not None else np.zeros(0, dtype=bool)
        if dp is not None and ok_a.any():
            ok = ok_a
            axes[1].errorbar(dp[ok], da[ok], yerr=dae[ok], fmt="s", color="k", capsize=3, label="data")
        axes[1].set_ylabel("isotope coefficient α")
        axes[1].legend(loc="best", fontsize="small")
    axes[-1].set_xlabel(xlabel)
    title = ds.attrs.get("path", "") or ds.attrs.get("laws", "")
    fig.suptitle(f"Tc along the path{': ' + title if title else ''}", fontsize="small")
    return fig


def _data_arrays(ds: xr.Dataset, data: Any | None) -> tuple[Any, Any, Any, Any, Any]:
    if data is not None:
        return data.pressure, data.tc, data.tc_err, data.alpha, data.alpha_err
    if "data_tc" in ds:
        return (
            ds["data_pressure"].values,
            ds["data_tc"].values,
            ds["data_tc_err"].values,
            ds["data_alpha"].values,
            ds["data_alpha_err"].values,
        )
    return None, None, None, None, None


def path_on_map_figure(tc_map: xr.Dataset, path: xr.Dataset) -> Figure:
    """The path drawn on the Tc(η, g) dome (a map of :func:`multigap.sweep.run_map`).

    The map is a colour image (Tc in K, below the floor 0 K, not-converged points grey); the
    path is a line with its points, the first and last labelled by pressure when known.
    """
    eta = np.asarray(tc_map["eta"].values, dtype=float)
    g = np.asarray(tc_map["g"].values, dtype=float)
    sub = tc_map.transpose("g", "eta", ...)
    if sub["tc"].ndim > 2:
        sub = sub.isel({d: 0 for d in sub["tc"].dims if d not in ("g", "eta")})
    tc = shown_tc(sub, below_floor=0.0)
    fig = Figure(figsize=(6.4, 4.6), layout="constrained")
    ax = fig.subplots()
    from matplotlib import colormaps

    cmap = colormaps["jet"].with_extremes(bad="0.8")
    mesh = ax.pcolormesh(eta, g, np.ma.masked_invalid(tc), shading="nearest", cmap=cmap)
    fig.colorbar(mesh, ax=ax, label="Tc (K)")
    pe, pg = np.asarray(path["eta"].values, dtype=float), np.asarray(path["g"].values, dtype=float)
    ax.plot(pe, pg, "-o", color="white", mec="k", ms=4, lw=2, label="path")
    if "pressure" in path.coords:
        p = path["pressure"].values
        for i in (0, -1):
            ax.annotate(
                f"{p[i]:g} GPa",
                (pe[i], pg[i]),
                textcoords="offset points",
                xytext=(5, 5),
                color="white",
                fontsize="small",
            )
    ax.set_xlabel("Lifshitz parameter η")
    ax.set_ylabel("coupling g")
    ax.set_title(
        f"path on the Tc(η, g) dome of model {tc_map.attrs.get('model_name', '?')}", fontsize="small"
    )
    corner_note(ax, omitted_note(sub, floor_shown=True))
    return fig


def corner_figure(samples: np.ndarray, names: Sequence[str], truths: Sequence[float] | None = None) -> Figure:
    """Corner plot of posterior samples (one row per sample, one column per parameter).

    Needs the optional ``corner`` package (``pip install 'multigap[fit]'``).
    """
    try:
        import corner
    except ImportError:
        from ..errors import InputError

        raise InputError("corner plots need the corner package: pip install 'multigap[fit]'") from None
    n = len(names)
    fig = Figure(figsize=(2.2 * n + 1, 2.2 * n + 1))
    fig.subplots(n, n)
    corner.corner(
        np.asarray(samples),
        labels=list(names),
        truths=truths,
        fig=fig,
        show_titles=True,
        quantiles=(0.16, 0.5, 0.84),
        title_fmt=".3g",
    )
    return fig


def design_cut_figure(design: xr.Dataset, reference: xr.Dataset, *, eta_best: float | None = None) -> Figure:
    """Tc along η of the best design beside the template's (model A's) at the same g and ω₀."""
    fig = Figure(figsize=(6.4, 4.2), layout="constrained")
    ax = fig.subplots()
    for ds, label, color in (
        (reference, f"template {reference.attrs.get('model_name', 'A')}", "C0"),
        (design, "design", "C3"),
    ):
        ax.plot(ds["eta"].values, shown_tc(ds, below_floor=0.0), "-", color=color, label=label)
    if eta_best is not None:
        ax.axvline(eta_best, color="C3", ls=":", lw=1)
    for x in (0.0, 1.0):
        ax.axvline(x, color="grey", ls="--", lw=0.8)
    ax.set_xlabel("Lifshitz parameter η")
    ax.set_ylabel("Tc (K)")
    ax.set_ylim(bottom=0)
    g = float(np.asarray(design["g"].values).ravel()[0])
    ax.set_title(f"η-cut of the design and the template at g = {g:g}", fontsize="small")
    ax.legend(loc="best", fontsize="small")
    note = omitted_note(design, floor_shown=True)
    corner_note(ax, note)
    return fig
