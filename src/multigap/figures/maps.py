"""The paper's Figs. 10–11: the superconducting dome Tc(η, g) as a colour map."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from .style import as_maps, corner_note, lifshitz_scale, map_title, mev_axis, omitted_note, shown_tc

__all__ = ["tc_map_figure"]


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
    scale); points that did not converge (failed, interpolated, skipped) are grey and counted by
    status in a note.  Titles carry the map's theory and bound (attrs ``theory``, ``bound``).

    Parameters
    ----------
    *maps : Dataset or sequence of Dataset
        Tc maps from :func:`multigap.sweep.run_map` (dimensions ``eta``, ``g``; Tc in K).

    Returns
    -------
    Figure
        n_maps Axes (plus one colour-bar Axes each); each has one QuadMesh and one marker line
        (the maximum).

    Examples
    --------
    >>> from multigap import preset
    >>> from multigap.sweep import run_map
    >>> tc_map = run_map(preset("A"), [0.5, 1.0, 1.5], [0.3, 0.4], executor="serial", progress=False).dataset
    >>> len(tc_map_figure(tc_map).axes)  # the map and its colour bar
    2
    """
    from matplotlib import colormaps

    items = as_maps(maps, "tc_map_figure")
    n = len(items)
    fig = Figure(figsize=(6.2 * n, 4.8), layout="constrained")
    axes = fig.subplots(1, n, squeeze=False)[0]
    cmap = colormaps["turbo"].with_extremes(bad="0.55")
    for ax, d in zip(axes, items, strict=True):
        eta, g = d["eta"].values, d["g"].values
        tc = shown_tc(d, below_floor=0.0)  # converged, and 0 K below the floor; NaN (grey) else
        missing = ~np.isfinite(tc)
        _, de = lifshitz_scale(d)
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
        ax.set_title(map_title(d, de) + r": $T_c(\eta, g)$", fontsize=10)
        mev_axis(ax, de)
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
        note = omitted_note(d, floor_shown=True)
        if note and missing.any():
            corner_note(ax, note + " (grey)")
    return fig
