"""The paper's Fig. 4: the Migdal-softened cutoff against the coupling."""

from __future__ import annotations

import xarray as xr
from matplotlib.figure import Figure

from .style import model_color, require

__all__ = ["cutoff_figure"]


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

    Examples
    --------
    >>> from multigap import preset
    >>> from multigap.datasets import cutoff_dataset
    >>> fig = cutoff_figure(cutoff_dataset([preset("A"), preset("B")], [0.1, 0.3, 0.45]))
    >>> len(fig.axes[0].get_lines())
    4
    """
    require(ds, ["omega_tilde", "omega0", "dE"], "cutoff_figure")
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
