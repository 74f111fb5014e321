"""Beyond BCS: the Eliashberg dome beside the BCS dome of the same model (issue 10)."""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from ..errors import InputError
from .style import as_maps, corner_note, lifshitz_scale, map_title, mev_axis, omitted_note, shown_tc

__all__ = ["eliashberg_figure"]


def _max_label(tc: np.ndarray, eta: np.ndarray, g: np.ndarray) -> tuple[str, int, int] | None:
    if not np.isfinite(tc).any():
        return None
    i, j = np.unravel_index(int(np.nanargmax(tc)), tc.shape)
    return f"max {tc[i, j]:.4g} K at η = {eta[i]:.3g}, g = {g[j]:.3g}", int(i), int(j)


def eliashberg_figure(bcs: xr.Dataset, eliashberg: xr.Dataset) -> Figure:
    """The Tc(η, g) dome under Eliashberg theory, its difference from BCS, and Z along η.

    Three panels: (a) the Eliashberg map (colour = Tc in K, star at its maximum, the BCS maximum
    as a hollow star); (b) Tc^Eliashberg − Tc^BCS in K on a diverging scale (points where either
    map did not converge are grey; Tc below a floor counts as 0 K); (c) the mass renormalisation
    ``Z_active`` of the Eliashberg map along η at three couplings g of the grid (the largest,
    the middle and the smallest g with data).

    Parameters
    ----------
    bcs, eliashberg : Dataset
        Tc maps of the same model on the same (η, g) grid from :func:`multigap.sweep.run_map`
        with ``theory="bcs"`` and ``theory="eliashberg"``.

    Returns
    -------
    Figure
        Three Axes plus two colour bars.

    Raises
    ------
    InputError
        If the grids differ or the second map lacks ``Z_active``.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> eta, g = np.array([0.5, 1.0]), np.array([0.3, 0.4])
    >>> def fake(theory, tc):
    ...     v = {"tc": (("eta", "g"), tc), "status": (("eta", "g"), np.zeros((2, 2), "int8")),
    ...          "mu0": (("eta", "g"), np.add.outer(eta, 0 * g))}
    ...     if theory == "eliashberg":
    ...         v["Z_active"] = (("eta", "g"), 1.4 + 0 * tc)
    ...     return xr.Dataset(v, coords={"eta": eta, "g": g}, attrs={"theory": theory})
    >>> fig = eliashberg_figure(fake("bcs", np.full((2, 2), 200.0)),
    ...                                    fake("eliashberg", np.full((2, 2), 120.0)))
    >>> len(fig.axes)
    5
    """
    from matplotlib import colormaps

    b, e = as_maps((bcs, eliashberg), "eliashberg_figure")
    if b["eta"].shape != e["eta"].shape or not (
        np.allclose(b["eta"].values, e["eta"].values) and np.allclose(b["g"].values, e["g"].values)
    ):
        raise InputError("eliashberg_figure: the two maps must share the (eta, g) grid")
    if "Z_active" not in e:
        raise InputError("eliashberg_figure: the second map lacks Z_active (theory='eliashberg')")
    eta, g = e["eta"].values, e["g"].values
    tc_b = shown_tc(b, below_floor=0.0)
    tc_e = shown_tc(e, below_floor=0.0)
    _, de = lifshitz_scale(e)
    fig = Figure(figsize=(17.0, 4.8), layout="constrained")
    ax_e, ax_d, ax_z = fig.subplots(1, 3)

    top = float(np.nanmax(tc_e)) if np.isfinite(tc_e).any() else 1.0
    cmap = colormaps["turbo"].with_extremes(bad="0.55")
    mesh = ax_e.pcolormesh(
        eta, g, np.ma.masked_invalid(tc_e.T), cmap=cmap, vmin=0, vmax=top, shading="nearest"
    )
    fig.colorbar(mesh, ax=ax_e, label=r"$T_c$ (K), Eliashberg", pad=0.02)
    lines = []
    for tc, marker, face, name in ((tc_e, "*", "white", "Eliashberg"), (tc_b, "*", "none", "BCS")):
        found = _max_label(tc, eta, g)
        if found is not None:
            text, i, j = found
            ax_e.plot(eta[i], g[j], marker=marker, ms=15, mfc=face, mec="black", ls="none")
            lines.append(f"{name}: {text}")
    ax_e.set_title(map_title(e, de) + ": Eliashberg $T_c$", fontsize=10)
    corner_note(ax_e, "\n".join(lines))

    diff = tc_e - tc_b
    span = float(np.nanmax(np.abs(diff))) if np.isfinite(diff).any() else 1.0
    dmap = colormaps["RdBu_r"].with_extremes(bad="0.55")
    mesh_d = ax_d.pcolormesh(
        eta, g, np.ma.masked_invalid(diff.T), cmap=dmap, vmin=-span, vmax=span, shading="nearest"
    )
    fig.colorbar(mesh_d, ax=ax_d, label=r"$T_c^{E} - T_c^{BCS}$ (K)", pad=0.02)
    ax_d.set_title("Eliashberg − BCS", fontsize=10)
    notes = [n for n in (omitted_note(b, floor_shown=True), omitted_note(e, floor_shown=True)) if n]
    corner_note(ax_d, "; ".join(notes) if notes else None)

    for ax in (ax_e, ax_d):
        for x in (0.0, 1.0):
            if eta[0] <= x <= eta[-1]:
                ax.axvline(x, color="black", lw=0.8, ls="--", alpha=0.6)
        ax.set_xlim(eta[0], eta[-1])
        ax.set_ylim(g[0], g[-1])
        ax.set_xlabel(r"Lifshitz parameter $\eta$")
        ax.set_ylabel(r"active-band coupling $g = g_{33}$")
        mev_axis(ax, de)

    z = np.where(np.isfinite(tc_e) & (tc_e > 0), e["Z_active"].values, np.nan)
    with_data = [j for j in range(g.size) if np.isfinite(z[:, j]).any()]
    picks = sorted({with_data[-1], with_data[len(with_data) // 2], with_data[0]}) if with_data else []
    for j in picks:
        ax_z.plot(eta, z[:, j], marker="o", ms=3, label=f"g = {g[j]:.3g}")
    ax_z.set_xlabel(r"Lifshitz parameter $\eta$")
    ax_z.set_ylabel(r"$Z(i\pi k_BT_c)$ of the leading band")
    ax_z.set_title("mass renormalisation at $T_c$ (Eliashberg)", fontsize=10)
    if picks:
        ax_z.legend(fontsize=8)
    return fig
