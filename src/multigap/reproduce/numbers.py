"""Numbers read back from the files of a reproduction (no number here is typed in).

Each function takes one Dataset (as read from a NetCDF file written by
:func:`multigap.reproduce.reproduce`) and returns plain JSON-ready numbers: floats (None for
NaN), ints, lists.  Only values whose status is ``converged`` enter (:mod:`multigap.status`);
the paper's windows and positions come from :data:`multigap.reproduce.paper.PAPER`.
Units: Tc K, energies meV, η and g dimensionless.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import xarray as xr

from ..errors import InputError
from ..status import Status, status_counts, status_mask, status_names
from .paper import ALPHA_PEAK_WINDOW, PAPER

__all__ = [
    "bands_numbers",
    "cut_numbers",
    "cutoff_numbers",
    "map_numbers",
    "variant_numbers",
]

#: Slack on the ends of an η window, so that grid points on the end are inside (η is exact to
#: ~1e-15 on a linspace; the windows are closed intervals).
WINDOW_SLACK = 1e-9

#: The ratio of two theories' Tc along η is taken on the reference's dome only: where the
#: reference Tc is at least this fraction of its largest value at that g.  Off the dome (the
#: anti-resonance, Tc ~ 1e-6 K) the ratio of two tiny numbers says nothing (it reached 5e7
#: for Eliashberg/BCS on the tiny grids).
RATIO_DOME_FRACTION = 0.1


def _f(x: Any) -> float | None:
    """A float for JSON (None for NaN)."""
    v = float(x)
    return v if math.isfinite(v) else None


def _window(eta: np.ndarray, lo: float, hi: float) -> np.ndarray:
    return (eta >= lo - WINDOW_SLACK) & (eta <= hi + WINDOW_SLACK)


def _range(values: np.ndarray) -> list[float | None]:
    v = values[np.isfinite(values)]
    return [_f(v.min()), _f(v.max())] if v.size else [None, None]


def converged_tc(ds: xr.Dataset) -> np.ndarray:
    """Tc (K) where the status is ``converged``; NaN elsewhere (below the floor included)."""
    tc = np.asarray(ds["tc"].values, dtype=float)
    return np.where(status_mask(ds["status"].values, Status.CONVERGED), tc, np.nan)


def map_numbers(ds: xr.Dataset) -> dict[str, Any]:
    """Headline numbers of one Tc(η, g) map (Tc in K, converged points only).

    Raises
    ------
    InputError
        If no point of the map converged.
    """
    arr = converged_tc(ds)
    eta, g = ds["eta"].values, ds["g"].values
    if not np.isfinite(arr).any():
        raise InputError("map: no converged Tc to report (every point below the floor or failed)")
    i, j = np.unravel_index(int(np.nanargmax(arr)), arr.shape)
    top_per_g = np.array([np.nanmax(c) if np.isfinite(c).any() else np.nan for c in arr.T])
    j_top = int(np.nanargmax(top_per_g))
    neg = eta < 0
    minima = []
    min_etas: list[float] = []
    for jj in range(g.size):
        col = arr[neg, jj]
        if np.isfinite(col).any():
            k = int(np.nanargmin(col))
            minima.append({"g": _f(g[jj]), "eta": _f(eta[neg][k]), "tc_K": _f(col[k])})
            min_etas.append(float(eta[neg][k]))
    k34 = int(np.argmin(np.abs(eta - PAPER["antiresonance_min_eta"]["value"])))
    counts = status_counts(ds["status"].values)
    return {
        "tc_max_K": _f(arr[i, j]),
        "eta_at_max": _f(eta[i]),
        "g_at_max": _f(g[j]),
        "g_of_dome_top": _f(g[j_top]),
        "g_last": _f(g[-1]),
        "dome_top_at_g_last_K": _f(top_per_g[-1]),
        "antiresonance_minima": minima,
        "antiresonance_monotonic": bool(
            all(np.all(np.diff(arr[neg, jj][np.isfinite(arr[neg, jj])]) <= 0) for jj in range(g.size))
        ),
        "antiresonance_min_eta_range": [
            _f(min(min_etas)) if min_etas else None,
            _f(max(min_etas)) if min_etas else None,
        ],
        "eta_near_paper_min": _f(eta[k34]),
        "tc_near_paper_min_g_first_K": _f(arr[k34, 0]),
        "tc_near_paper_min_g_last_K": _f(arr[k34, -1]),
        "g_first": _f(g[0]),
        "n_points": int(arr.size),
        "n_converged": counts[str(Status.CONVERGED)],
        "n_below_floor": counts[str(Status.BELOW_FLOOR)],
        "n_failed": counts[str(Status.FAILED)],
        "status_counts": counts,
        "grid": {
            "eta": [_f(eta[0]), _f(eta[-1]), int(eta.size)],
            "g": [_f(g[0]), _f(g[-1]), int(g.size)],
        },
    }


def _cut_values(ds: xr.Dataset, name: str) -> xr.DataArray:
    """A cut variable where Tc converged and, for gap quantities, the gap solve did; else NaN."""
    ok = status_mask(ds["status"].values, Status.CONVERGED)
    if name not in ("tc", "alpha") and "gap_status" in ds:
        ok &= np.isin(status_names(ds["gap_status"].values), [str(Status.CONVERGED), str(Status.NORMAL)])
    return ds[name].astype(float).where(xr.DataArray(ok, dims=("eta",), coords={"eta": ds["eta"]}))


def cut_numbers(ds: xr.Dataset) -> dict[str, Any]:
    """Gap ratios, anisotropy and isotope-coefficient numbers of one η cut (Figs. 6–7)."""
    eta = ds["eta"].values
    up, lo = int(ds.attrs["anisotropy_upper"]), int(ds.attrs["anisotropy_lower"])
    win = _window(eta, *PAPER["eta_window"]["value"])
    tc = _cut_values(ds, "tc").values
    if not np.isfinite(tc).any():
        raise InputError("eta cut: no converged Tc to report")
    i_top = int(np.nanargmax(tc))
    alpha = _cut_values(ds, "alpha").values
    ratio = _cut_values(ds, "gap_ratio")
    anisotropy = _cut_values(ds, "anisotropy").values
    near0 = _window(eta, *ALPHA_PEAK_WINDOW) & np.isfinite(alpha)
    inwin = _window(eta, *PAPER["isotope_min_window"]["value"]) & np.isfinite(alpha)

    def arg(mask: np.ndarray, fn: Callable[[np.ndarray], int]) -> dict[str, float | None]:
        if not mask.any():
            return {"eta": None, "alpha": None}
        k = fn(alpha[mask])
        return {"eta": _f(eta[mask][k]), "alpha": _f(alpha[mask][k])}

    step = float(np.min(np.diff(eta))) if eta.size > 1 else float("nan")
    w_over_de = float(ds["omega"]) / float(ds["dE"])
    return {
        "g": _f(ds.attrs["g"]),
        "bands": [up, lo],
        "eta_window_points": int(win.sum()),
        "gap_ratio_upper_range": _range(ratio.sel(band=up).values[win]),
        "gap_ratio_lower_range": _range(ratio.sel(band=lo).values[win]),
        "gap_ratio_upper_at_tc_max": _f(ratio.sel(band=up).values[i_top]),
        "gap_ratio_lower_at_tc_max": _f(ratio.sel(band=lo).values[i_top]),
        "anisotropy_range": _range(anisotropy[win]),
        "tc_max_K": _f(tc[i_top]),
        "eta_at_tc_max": _f(eta[i_top]),
        "anisotropy_at_tc_max": _f(anisotropy[i_top]),
        "alpha_peak_near_0": arg(near0, np.argmax),
        "alpha_global_max": arg(np.isfinite(alpha), np.argmax),
        "alpha_min_in_window": arg(inwin, np.argmin),
        "eta_step": _f(step),
        "shell_edge_etas": [_f(-w_over_de), _f(w_over_de), _f(1 - w_over_de), _f(1 + w_over_de)],
        "status_counts": status_counts(ds["status"].values),
        "grid": {"eta": [_f(eta[0]), _f(eta[-1]), int(eta.size)]},
    }


def cutoff_numbers(ds: xr.Dataset) -> dict[str, Any]:
    """ω̃₀ at the paper's couplings and the g at which eq. 1 gives the paper's ω̃₀ (meV)."""
    g = ds["g"].values
    out: dict[str, Any] = {}
    for name in ds["model"].values:
        key = f"omega_tilde_{name}"
        if key not in PAPER:
            continue
        row = ds.sel(model=name)
        w = row["omega_tilde"].values
        targets = PAPER[key]["g"] if isinstance(PAPER[key]["g"], list) else [PAPER[key]["g"]]
        at = {f"{t:g}": _f(np.interp(t, g, w)) for t in targets}
        want = PAPER[key]["value"]
        dec = g >= float(row["g_others"]) if "g_others" in row else np.ones_like(g, dtype=bool)
        gg, ww = g[dec][::-1], w[dec][::-1]  # ω̃₀ decreases with g: interpolate on increasing ω̃₀
        g_needed = _f(np.interp(want, ww, gg)) if ww.min() <= want <= ww.max() else None
        out[str(name)] = {
            "omega0_meV": _f(row["omega0"]),
            "dE_meV": _f(row["dE"]),
            "omega_tilde_at_paper_g_meV": at,
            "g_for_paper_omega_tilde": g_needed,
        }
    return out


def bands_numbers(ds: xr.Dataset) -> dict[str, Any]:
    """E_L, ΔE (meV), layer masses (m_e), ω₀ (meV) and the interband coupling of a model."""
    from ..io import model_from_dataset

    m = model_from_dataset(ds)
    return {
        "E_L_meV": _f(ds["E_L"]),
        "dE_meV": _f(ds["dE"]),
        "layer_masses_m_e": [_f(layer.mass) for layer in m.lattice.layers],
        "omega0_meV": _f(m.pairing.omega0),
        "interband_g": _f(m.pairing.g[0][1]),
    }


def variant_numbers(ds: xr.Dataset, reference: xr.Dataset) -> dict[str, Any]:
    """One map of a theory/bound against the reference map of the same model (Tc in K).

    Parameters
    ----------
    ds : xarray.Dataset
        A Tc(η, g) map; its attrs ``theory``/``bound`` name what computed it.
    reference : xarray.Dataset
        The map of the report's first theory without a bound, same model and grid.

    Returns
    -------
    dict
        ``theory``, ``bound``, ``tc_max_K`` and its ``eta_at_max``/``g_at_max``; ``ratio`` of
        Tc to the reference along η at the reference's g of its maximum (``g``, ``min``,
        ``max``, ``at_reference_max``, ``n_eta``: η where both converged and the reference Tc
        is on its dome, at least :data:`RATIO_DOME_FRACTION` of its largest value);
        ``bound_active_fraction`` (converged points where a bound lowered Tc below ``tc_mf``;
        None without a bound); ``status_counts``; with a bound, ``mean_field``: the map's
        mean-field dome (variable ``tc_mf``) against the bounded one (:func:`_mean_field_numbers`).
    """
    tc, ref = converged_tc(ds), converged_tc(reference)
    eta, g = ds["eta"].values, ds["g"].values
    out: dict[str, Any] = {
        "theory": str(ds.attrs.get("theory", "?")),
        "bound": str(ds.attrs.get("bound", "none")),
        "tc_max_K": None,
        "eta_at_max": None,
        "g_at_max": None,
        "ratio": None,
        "bound_active_fraction": None,
        "status_counts": status_counts(ds["status"].values),
    }
    if np.isfinite(tc).any():
        i, j = np.unravel_index(int(np.nanargmax(tc)), tc.shape)
        out.update(tc_max_K=_f(tc[i, j]), eta_at_max=_f(eta[i]), g_at_max=_f(g[j]))
    same_grid = (
        tc.shape == ref.shape
        and np.allclose(eta, reference["eta"].values)
        and np.allclose(g, reference["g"].values)
    )
    if same_grid and np.isfinite(ref).any():
        i_r, j_r = np.unravel_index(int(np.nanargmax(ref)), ref.shape)
        on_dome = np.nan_to_num(ref[:, j_r], nan=-1.0) >= RATIO_DOME_FRACTION * ref[i_r, j_r]
        both = np.isfinite(tc[:, j_r]) & on_dome & (ref[:, j_r] > 0)
        r = np.where(both, tc[:, j_r] / np.where(both, ref[:, j_r], 1.0), np.nan)
        out["ratio"] = {
            "g": _f(g[j_r]),
            "min": _range(r)[0],
            "max": _range(r)[1],
            "at_reference_max": _f(r[i_r]),
            "n_eta": int(both.sum()),
        }
    if "tc_mf" in ds:
        mf = np.asarray(ds["tc_mf"].values, dtype=float)
        ok = np.isfinite(tc) & np.isfinite(mf)
        if ok.any():
            out["bound_active_fraction"] = _f(np.count_nonzero(tc[ok] < mf[ok]) / np.count_nonzero(ok))
        out["mean_field"] = _mean_field_numbers(tc, np.where(ok, mf, np.nan), eta, g)
    return out


def _mean_field_numbers(tc: np.ndarray, mf: np.ndarray, eta: np.ndarray, g: np.ndarray) -> dict[str, Any]:
    """How much a bound lowers a map: its mean-field dome against the bounded one (Tc in K).

    ``tc`` and ``mf`` hold NaN except where the bounded point converged with a finite mean-field
    Tc.  Returns ``tc_max_K`` and ``eta_at_max``/``g_at_max`` of the mean-field dome,
    ``lowering`` (1 − bounded top / mean-field top), ``ratio_min`` (the smallest Tc/T_MF with
    T_MF > 0) and where it is (``eta_at_ratio_min``, ``g_at_ratio_min``), and ``eta_active``: the
    η range where the bound is active at the g of the mean-field top (None where it is not).
    """
    out: dict[str, Any] = dict.fromkeys(
        ("tc_max_K", "eta_at_max", "g_at_max", "lowering", "ratio_min", "eta_at_ratio_min", "g_at_ratio_min")
    )
    out["eta_active"] = None
    if not np.isfinite(mf).any():
        return out
    i, j = np.unravel_index(int(np.nanargmax(mf)), mf.shape)
    out.update(tc_max_K=_f(mf[i, j]), eta_at_max=_f(eta[i]), g_at_max=_f(g[j]))
    if np.isfinite(tc).any() and mf[i, j] > 0:
        out["lowering"] = _f(1.0 - np.nanmax(tc) / mf[i, j])
    pos = np.isfinite(tc) & (mf > 0)
    if pos.any():
        r = np.where(pos, tc / np.where(pos, mf, 1.0), np.nan)
        k, m = np.unravel_index(int(np.nanargmin(r)), r.shape)
        out.update(ratio_min=_f(r[k, m]), eta_at_ratio_min=_f(eta[k]), g_at_ratio_min=_f(g[m]))
    active = np.isfinite(tc[:, j]) & (tc[:, j] < mf[:, j])
    if active.any():
        out["eta_active"] = [_f(eta[active].min()), _f(eta[active].max())]
    return out
