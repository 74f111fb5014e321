"""Theories and bounds side by side: Tc against η from maps of the same model.

:func:`tc_comparison_figure` takes Tc(η, g) maps of one model computed with different pairing
theories or bounds (:func:`multigap.sweep.run_map` with ``theory=``/``bound=``; each map records
them in its attrs) and draws Tc against η at one coupling g, one line per map, labelled from
the attrs.  Nothing in it names a theory: a new theory or bound appears by its attrs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from ..errors import InputError
from .style import (
    as_maps,
    corner_note,
    lifshitz_lines,
    model_label,
    nearest,
    omitted_note,
    sequential_colors,
    shown_tc,
    theory_label,
)

__all__ = ["tc_comparison_figure"]


def tc_comparison_figure(*maps: xr.Dataset | Sequence[xr.Dataset], g: float | None = None) -> Figure:
    """Tc against η at one coupling g for several theories/bounds of the same model.

    One line per map (label: its ``theory`` and ``bound`` attrs), on a linear Tc scale with
    below-floor points at 0 K; points that did not converge are left out and counted per map
    in a note.  Grey vertical lines: the Lifshitz points η = 0 and 1.

    Parameters
    ----------
    *maps : Dataset or sequence of Dataset
        Tc maps of one model (the same ``model_name``) from :func:`multigap.sweep.run_map`.
    g : float, optional
        Coupling g (dimensionless) of the curves; the nearest grid value of each map is drawn.
        Default: the g of the largest converged Tc of the first map.

    Returns
    -------
    Figure
        One Axes with one line per map.

    Raises
    ------
    InputError
        If the maps belong to different models.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> from multigap.status import Status
    >>> tc = xr.DataArray([[1.0, 2.0], [3.0, 4.0]], dims=("eta", "g"),
    ...                   coords={"eta": [0.0, 1.0], "g": [0.2, 0.4]})
    >>> ds = xr.Dataset({"tc": tc, "status": tc * 0 + Status.CONVERGED.code, "mu0": tc * 0},
    ...                 attrs={"model_name": "A", "theory": "bcs", "bound": "none"})
    >>> [t.get_text() for t in tc_comparison_figure(ds).axes[0].get_legend().get_texts()]
    ['theory: bcs']
    """
    items = as_maps(maps, "tc_comparison_figure")
    names = {model_label(d) for d in items}
    if len(names) > 1:
        raise InputError(f"tc_comparison_figure: maps of one model please; got models {sorted(names)}")
    first = shown_tc(items[0])
    if g is None:
        if np.isfinite(first).any():
            g = float(items[0]["g"].values[np.unravel_index(int(np.nanargmax(first)), first.shape)[1]])
        else:
            g = float(items[0]["g"].values[-1])
    fig = Figure(figsize=(6.4, 4.2), layout="constrained")
    ax = fig.add_subplot()
    colors = sequential_colors(len(items), "plasma")
    notes = []
    eta_all = []
    for k, (d, color) in enumerate(zip(items, colors, strict=True)):
        eta = d["eta"].values
        eta_all.append(eta)
        (j,) = nearest(d["g"].values, [g])
        tc = shown_tc(d, below_floor=0.0)[:, j]
        label = theory_label(d) or f"map {k + 1}"
        ax.plot(eta, tc, color=color, lw=1.8 if k == 0 else 1.4, ls="-" if k == 0 else "--", label=label)
        drawn = np.zeros(d["tc"].shape, dtype=bool)
        drawn[:, j] = True
        note = omitted_note(d, drawn, floor_shown=True)
        if note:
            notes.append(f"{label}: {note}")
    eta_span = np.concatenate(eta_all)
    lifshitz_lines(ax, np.sort(eta_span), labelled=False)
    ax.set_xlim(float(eta_span.min()), float(eta_span.max()))
    ax.set_ylim(0.0, None)
    ax.set_xlabel(r"Lifshitz parameter $\eta = (\mu_0 - E_L)/\Delta E$")
    ax.set_ylabel(r"$T_c$ (K)")
    ax.set_title(
        f"Model {names.pop()}: $T_c$ against $\\eta$ at g ≈ {g:.3g}, by theory and bound", fontsize=10
    )
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    ax.grid(alpha=0.25)
    corner_note(ax, "\n".join(notes) or None)
    return fig
