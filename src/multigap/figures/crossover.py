"""The BCS–BEC crossover figure: mean-field Tc and the BKT bound along η.

:func:`crossover_figure` draws a crossover cut (:func:`multigap.cli.crossover.crossover_cut`,
or an η-cut of :func:`multigap.sweep.run_cut` with ``bound="bkt"`` and the per-band
diagnostics added): T_MF and T_BKT against η with the preformed-pair (pseudogap) region between
them shaded, the pairing regime of the active band (BCS / crossover / BEC) as background bands,
the Lifshitz points of the active band (η = 0, 1) and the edges of the other bands; below,
Δ/E_F and k_F ξ_pair of the active band on a log scale with the BCS boundary k_F ξ = 2π.
Only converged values are drawn (``below_floor`` as Tc = 0); the rest are counted in a note.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from ..crossover import BCS_PAIR_SIZE, REGIMES
from ..status import Status
from .style import (
    REF_STYLE,
    corner_note,
    lifshitz_lines,
    lifshitz_scale,
    mev_axis,
    model_label,
    omitted_note,
    require,
    shown_tc,
    status_mask,
    with_theory,
)

__all__ = ["crossover_figure", "REGIME_COLORS"]

#: Background colour of each pairing regime of the active band.
REGIME_COLORS = {"BCS": "#dbe9f6", "crossover": "#fdf1c9", "BEC": "#f9d9d4"}


def _spans(eta: np.ndarray, codes: np.ndarray) -> list[tuple[float, float, int]]:
    """Contiguous η intervals of equal regime code, only where the regime is computed.

    Between two computed samples the edge lies half-way; next to a sample without a regime
    (code < 0: empty band, no gap, failed) the span ends at the computed sample itself, so a
    coarse grid never shades a regime into η where none was computed (e.g. below the band).

    Examples
    --------
    >>> _spans(np.array([-0.6, 0.2, 0.6]), np.array([-1, 1, 1]))
    [(0.2, 0.6, 1)]
    """
    if eta.size == 0:
        return []
    codes = np.asarray(codes, dtype=int)
    mid = 0.5 * (eta[1:] + eta[:-1])
    known = codes >= 0
    lo = np.concatenate([[eta[0]], np.where(known[:-1], mid, eta[1:])])
    hi = np.concatenate([np.where(known[1:], mid, eta[:-1]), [eta[-1]]])
    out: list[tuple[float, float, int]] = []
    for a, b, c, ok in zip(lo, hi, codes, known, strict=True):
        if not ok:
            continue
        if out and out[-1][2] == c and out[-1][1] == float(a):
            out[-1] = (out[-1][0], float(b), int(c))
        else:
            out.append((float(a), float(b), int(c)))
    return out


def crossover_figure(ds: xr.Dataset) -> Figure:
    """T_MF and T_BKT vs η, the pseudogap region, regimes and Lifshitz points (two panels).

    Parameters
    ----------
    ds : xarray.Dataset
        A crossover cut: ``tc_mf``, ``tc_bound`` (T_BKT), ``status`` on ``eta``; ``regime``,
        ``gap_over_e_f``, ``kf_xi_pair``, ``crossover_status`` on (``band``, ``eta``);
        ``band_bottom``/``band_top`` (optional) for the other bands' edges.

    Returns
    -------
    Figure
        Top Axes: two Tc lines, the shaded region between them, the regime backgrounds and the
        Lifshitz lines; bottom Axes: Δ/E_F and k_F ξ_pair of the active band (log scale).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> eta = np.array([0.1, 0.5, 1.0]); band = [1, 2, 3]
    >>> ds = xr.Dataset({"tc_mf": ("eta", [50.0, 150, 250]), "tc_bound": ("eta", [30.0, 110, 170]),
    ...     "tc": ("eta", [30.0, 110, 170]), "status": ("eta", np.zeros(3, np.int8)),
    ...     "regime": (("band", "eta"), np.array([[0] * 3, [0] * 3, [2, 1, 0]], np.int8)),
    ...     "gap_over_e_f": (("band", "eta"), np.full((3, 3), 0.1)),
    ...     "kf_xi_pair": (("band", "eta"), np.full((3, 3), 5.0)),
    ...     "crossover_status": (("band", "eta"), np.zeros((3, 3), np.int8))},
    ...     coords={"eta": eta, "band": band}, attrs={"active_band": 3, "model_name": "A"})
    >>> len(crossover_figure(ds).axes)
    2
    """
    require(ds, ["tc_mf", "tc_bound", "status", "regime", "gap_over_e_f", "kf_xi_pair"], "crossover_figure")
    a = int(ds.attrs.get("active_band", int(ds["band"].values[-1])))
    eta = np.asarray(ds["eta"].values, dtype=float)
    t_mf = shown_tc(ds.assign(tc=ds["tc_mf"]), below_floor=0.0)
    t_bkt = shown_tc(ds.assign(tc=ds["tc_bound"]), below_floor=0.0)
    fig = Figure(figsize=(6.4, 6.2), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    codes = ds["regime"].sel(band=a).values.astype(int)
    for lo, hi, c in _spans(eta, codes):
        for ax in (top, bottom):
            ax.axvspan(lo, hi, color=REGIME_COLORS[REGIMES[c]], lw=0, zorder=-2)
    for name in REGIMES:  # legend entries for the regimes present
        if REGIMES.index(name) in codes:
            top.fill_between([], [], color=REGIME_COLORS[name], label=f"band {a}: {name}")
    top.fill_between(eta, t_bkt, t_mf, where=t_mf >= t_bkt, color="0.55", alpha=0.35, lw=0,
                     label=r"preformed pairs ($T_{BKT} < T < T_{MF}$)")  # fmt: skip
    top.plot(eta, t_mf, "-", color="k", lw=1.6, label=r"$T_{MF}$ (mean field)")
    top.plot(eta, t_bkt, "--", color="tab:red", lw=1.6, label=r"$T_{BKT}$: $k_BT = \frac{\pi}{2}J(T)$")
    lifshitz_lines(top, eta)
    lifshitz_lines(bottom, eta, labelled=False)
    e_l, de = lifshitz_scale(ds) if "mu0" in ds else (np.nan, np.nan)
    if "band_bottom" in ds and np.isfinite(de) and de > 0:
        first = True
        for n in ds["band"].values:
            if int(n) == a:
                continue
            for edge in (float(ds["band_bottom"].sel(band=n)), float(ds["band_top"].sel(band=n))):
                x = (edge - e_l) / de
                if eta[0] < x < eta[-1]:
                    top.axvline(x, **{**REF_STYLE, "label": "other bands' edges" if first else None})
                    first = False
    top.set_ylabel("T (K)")
    top.set_ylim(bottom=0)
    top.legend(fontsize=7, loc="upper left")
    g = ds.attrs.get("g")
    g_text = f", $g_{{{a}{a}}}$ = {float(g):g}" if g is not None else ""
    top.set_title(with_theory(f"Model {model_label(ds)}{g_text}", ds), fontsize=10)
    corner_note(top, omitted_note(ds, floor_shown=True), top=True)
    mev_axis(top, de)
    ok = status_mask(ds["crossover_status"].sel(band=a).values, Status.CONVERGED)
    ratio = np.where(ok, ds["gap_over_e_f"].sel(band=a).values, np.nan)
    size = np.where(ok, ds["kf_xi_pair"].sel(band=a).values, np.nan)
    bottom.semilogy(eta, ratio, "-o", ms=3, color="tab:purple", label=rf"$\Delta_{a}/E_{{F{a}}}$")
    bottom.semilogy(eta, size, "-s", ms=3, color="tab:green", label=rf"$k_F\xi_{{pair}}$ (band {a})")
    bottom.axhline(BCS_PAIR_SIZE, **{**REF_STYLE, "label": r"$k_F\xi = 2\pi$"})
    if not ok.all():
        corner_note(bottom, f"{int((~ok).sum())} eta without diagnostics (band {a} empty or no gap)")
    bottom.set_xlabel(r"$\eta = (\mu_0 - E_L)/\Delta E$")
    bottom.legend(fontsize=7, loc="best")
    return fig
