"""Shared style and helpers of the figures: colours, saving, status masks, labels.

Colours are consistent across figures: subband n always has ``BAND_COLORS[n]`` (1 blue,
2 orange, 3 red, as in the paper's Fig. 3), model A blue and model B red (paper's Fig. 4), the
total DOS black.

Which values are drawn is decided here, once, from :class:`multigap.status.Status`: only
``converged`` values are drawn as numbers, ``below_floor`` is read as Tc = 0 where a linear
scale can show it, and every other status (``failed``, ``interpolated``, ``skipped``) is left
out of the curves and counted in a note on the panel.

Importing this module imports no matplotlib (only :func:`save_figure` and the drawing helpers
need it, when called): commands that draw nothing, such as ``multigap map`` with its summary
line (:func:`floor_text`), use the status and floor helpers without paying for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike, NDArray

from ..errors import InputError
from ..model import Numerics
from ..status import Status, status_mask, status_names

if TYPE_CHECKING:  # matplotlib is imported where a figure is drawn or saved, not here:
    # the data helpers (floor_text, shown_tc, omitted_note, ...) serve commands that draw nothing
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "BAND_COLORS",
    "MODEL_COLORS",
    "band_color",
    "floor_k",
    "floor_text",
    "model_color",
    "omitted_note",
    "status_names",
    "save_figure",
    "shown_tc",
    "status_mask",
    "theory_label",
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
OTHER_MODEL_COLORS = ("tab:green", "tab:purple", "tab:brown", "tab:olive", "tab:cyan")
PAIR_COLORS = ("tab:blue", "tab:cyan", "tab:purple", "tab:orange", "tab:olive", "tab:red", "tab:green")
#: Dotted grey reference lines (BCS values, V -> 0, ΔE, the Tc floor).
REF_STYLE: dict[str, Any] = {"color": "0.45", "lw": 0.9, "ls": ":"}
SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
#: The Tc floor (K) assumed for a dataset that records none: the model default.
DEFAULT_FLOOR_K: float = Numerics().tc_floor


def band_color(n: int) -> str:
    """Colour of the (1-based) subband ``n``."""
    return BAND_COLORS.get(int(n), f"C{(int(n) - 1) % 10}")


def model_color(name: str, index: int = 0) -> str:
    """Colour of a model: A blue, B red, others from a fixed cycle by position ``index``."""
    return MODEL_COLORS.get(name, OTHER_MODEL_COLORS[index % len(OTHER_MODEL_COLORS)])


def save_figure(fig: Figure, path: str | Path, dpi: int = 150) -> Path:
    """Render a Figure to a file with the Agg canvas (PNG, PDF or SVG by suffix).

    Parameters
    ----------
    fig : Figure
        A figure from :mod:`multigap.figures`.
    path : str or Path
        Output file; parent folders are created.
    dpi : int
        Resolution for raster formats, dots per inch.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    InputError
        If the file cannot be written.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     save_figure(Figure(), pathlib.Path(tmp) / "empty.png").suffix
    '.png'
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        FigureCanvasAgg(fig)
        fig.savefig(p, dpi=dpi)
    except OSError as exc:
        raise InputError(f"plot file {str(p)!r}: cannot be written ({exc.strerror or exc})") from None
    return p


# ------------------------------------------------------------------------------ statuses
def shown_tc(ds: xr.Dataset, *, below_floor: float = np.nan) -> NDArray[np.float64]:
    """Tc (K) of a map or cut as drawn: converged values, ``below_floor`` points as given, else NaN.

    Parameters
    ----------
    ds : xarray.Dataset
        With variables ``tc`` and ``status``.
    below_floor : float
        Value drawn for points whose Tc is below the floor: 0.0 on a linear scale, NaN (left
        out, counted by :func:`omitted_note`) on a log scale.
    """
    tc = np.asarray(ds["tc"].values, dtype=float).copy()
    status = ds["status"].values
    converged = status_mask(status, Status.CONVERGED) & np.isfinite(tc)
    out = np.where(converged, tc, np.nan)
    out[status_mask(status, Status.BELOW_FLOOR)] = below_floor
    return out


#: Statuses whose values are drawn as numbers.
DRAWN: tuple[Status, ...] = (Status.CONVERGED, Status.NORMAL)


def omitted_note(
    ds: xr.Dataset,
    mask: NDArray[np.bool_] | None = None,
    *,
    variable: str = "status",
    floor_shown: bool = False,
) -> str | None:
    """A short note counting the points not drawn, by status (never a silent gap in a curve).

    Parameters
    ----------
    ds : xarray.Dataset
        With a status variable (codes or names).
    mask : ndarray of bool, optional
        The points that the panel draws (default: all).
    variable : str
        The status variable (``status`` or ``gap_status``).
    floor_shown : bool
        True when ``below_floor`` points are drawn (as Tc = 0) and so are not counted.

    Returns
    -------
    str or None
        E.g. ``"not shown: 3 below the floor 1e-08 K, 1 failed"``; None when nothing is left out.
    """
    names = status_names(ds[variable].values)
    if mask is not None:
        names = names[mask]
    skip = {str(s) for s in DRAWN} | ({str(Status.BELOW_FLOOR)} if floor_shown else set())
    parts = []
    values, counts = np.unique(names, return_counts=True)
    for name, n in sorted(zip(values.tolist(), counts.tolist(), strict=True), key=lambda x: _order(x[0])):
        if name in skip:
            continue
        if name == str(Status.BELOW_FLOOR):
            below = status_mask(ds[variable].values, Status.BELOW_FLOOR)
            parts.append(f"{n} below the floor {floor_text(ds, below if mask is None else below & mask)}")
        else:
            parts.append(f"{n} {name.replace('_', ' ')}")
    return "not shown: " + ", ".join(parts) if parts else None


def _order(name: str) -> int:
    try:
        return Status(name).code
    except ValueError:
        return len(Status)


def theory_label(ds: xr.Dataset) -> str | None:
    """The pairing theory and bound a dataset was computed with (attrs ``theory``, ``bound``).

    Examples
    --------
    >>> theory_label(xr.Dataset(attrs={"theory": "bcs", "bound": "none"}))
    'theory: bcs'
    >>> theory_label(xr.Dataset(attrs={"theory": "bcs", "bound": "bkt"}))
    'theory: bcs, bound: bkt'
    >>> theory_label(xr.Dataset()) is None
    True
    """
    theory = ds.attrs.get("theory")
    if not theory:
        return None
    bound = str(ds.attrs.get("bound", "none"))
    return f"theory: {theory}" + ("" if bound in ("", "none") else f", bound: {bound}")


def floor_text(ds: xr.Dataset, where: NDArray[np.bool_] | None = None) -> str:
    """The Tc floor as text, e.g. ``"1e-08 K"``, or ``"0.52-1.7 K (per point)"`` where it varies.

    A theory whose lowest resolved Tc depends on the point (Eliashberg: its Matsubara grid)
    records it in a variable ``tc_floor`` (K); then the floor of the points ``where`` (default
    all) is given, as one value or as a range.  Otherwise the model's floor (:func:`floor_k`).

    Examples
    --------
    >>> floor_text(xr.Dataset(attrs={"tc_floor_K": 1e-8}))
    '1e-08 K'
    >>> floor_text(xr.Dataset({"tc_floor": ("eta", [0.5, 1.7, np.nan])}))
    '0.5-1.7 K (per point)'
    """
    if "tc_floor" in ds:
        values = np.asarray(ds["tc_floor"].values, dtype=float)
        if where is not None and np.shape(where) == values.shape and np.any(where):
            values = values[where]
        values = values[np.isfinite(values)]
        if values.size:
            lo, hi = float(values.min()), float(values.max())
            return f"{lo:.3g} K" if np.isclose(lo, hi, rtol=1e-3) else f"{lo:.3g}-{hi:.3g} K (per point)"
    return f"{floor_k(ds):g} K"


def floor_k(ds: xr.Dataset) -> float:
    """The Tc floor (K) of the model a dataset was computed with (default the model default)."""
    if "tc_floor_K" in ds.attrs:
        return float(ds.attrs["tc_floor_K"])
    if "model_toml" in ds.attrs:
        from ..model import loads_model

        try:
            return float(loads_model(str(ds.attrs["model_toml"])).numerics.tc_floor)
        except Exception:  # a figure must not fail on an odd attribute
            return DEFAULT_FLOOR_K
    return DEFAULT_FLOOR_K


# ------------------------------------------------------------------------------ helpers
def require(ds: xr.Dataset, names: Sequence[str], what: str) -> None:
    """Raise InputError naming the variables of ``names`` that ``ds`` lacks."""
    missing = [n for n in names if n not in ds.variables]
    if missing:
        raise InputError(f"{what}: dataset lacks {missing}; make it with multigap.datasets or multigap.sweep")


def flatten(
    datasets: tuple[xr.Dataset | Sequence[xr.Dataset], ...], what: str, kind: str
) -> list[xr.Dataset]:
    """Accept ``f(ds_a, ds_b)`` and ``f([ds_a, ds_b])``; at least one dataset."""
    items: list[xr.Dataset] = []
    for d in datasets:
        items.extend([d] if isinstance(d, xr.Dataset) else list(d))
    if not items:
        raise InputError(f"{what}: give at least one {kind}")
    return items


def model_label(ds: xr.Dataset) -> str:
    """The model name recorded in a dataset (``?`` if none)."""
    return str(ds.attrs.get("model_name", "?"))


def with_theory(title: str, ds: xr.Dataset) -> str:
    """``title`` followed by the theory/bound label of ``ds`` when it records one."""
    label = theory_label(ds)
    return title if label is None else f"{title} [{label}]"


def panel_label(ax: Axes, text: str) -> None:
    """A bold label in the top-left corner of a panel (A1, B2, …)."""
    ax.text(0.02, 0.97, text, transform=ax.transAxes, ha="left", va="top", fontsize=10, fontweight="bold")


def corner_note(ax: Axes, note: str | None, *, top: bool = False) -> None:
    """Small text in a bottom (or top) right corner, if ``note`` is not None."""
    if note:
        y, va = (0.99, "top") if top else (0.02, "bottom")
        ax.text(0.99, y, note, transform=ax.transAxes, ha="right", va=va, fontsize=7)


def lifshitz_lines(ax: Axes, eta: NDArray[np.float64], labelled: bool = True) -> None:
    """Grey vertical lines at the Lifshitz points η = 0 and 1 that lie inside the η range."""
    first = labelled
    for x in (0.0, 1.0):
        if eta[0] <= x <= eta[-1]:
            ax.axvline(
                x, color="0.7", lw=0.9, zorder=0, label=r"Lifshitz points $\eta$ = 0, 1" if first else None
            )
            first = False


def mev_axis(ax: Axes, de: float, label: str = r"$\mu_0 - E_L$ (meV)") -> None:
    """A top axis with μ₀ − E_L = η ΔE in meV (nothing if ΔE is not a positive number)."""
    if not np.isfinite(de) or de <= 0:
        return

    def to_mev(x: ArrayLike) -> ArrayLike:
        return np.asarray(x) * de

    def to_eta(y: ArrayLike) -> ArrayLike:
        return np.asarray(y) / de

    top = ax.secondary_xaxis("top", functions=(to_mev, to_eta))
    top.set_xlabel(label, fontsize=9)
    top.tick_params(labelsize=8)


def sequential_colors(n: int, cmap: str = "viridis") -> list[Any]:
    """``n`` colours from a sequential colour map (for a family of curves)."""
    from matplotlib import colormaps

    cm = colormaps[cmap]
    return [cm(x) for x in (np.linspace(0.0, 0.82, n) if n > 1 else [0.0])]


def nearest(grid: NDArray[np.float64], wanted: Sequence[float]) -> list[int]:
    """Indices of the grid values nearest to ``wanted`` (each grid point once, in order)."""
    out: list[int] = []
    for w in wanted:
        i = int(np.argmin(np.abs(grid - w)))
        if i not in out:
            out.append(i)
    return out


# ------------------------------------------------------------------------------ Tc maps
def as_maps(datasets: tuple[xr.Dataset | Sequence[xr.Dataset], ...], what: str) -> list[xr.Dataset]:
    """The Tc maps given as ``f(map_a, map_b)`` or ``f([map_a, map_b])``, checked: dims (eta, g)."""
    items = flatten(datasets, what, "Tc map from multigap.sweep.run_map")
    for d in items:
        require(d, ["tc", "status", "mu0"], what)
        if d["tc"].dims != ("eta", "g"):
            raise InputError(
                f"{what}: needs a Tc map with dimensions (eta, g); got {d['tc'].dims} "
                "(select one omega0 first: ds.sel(omega0=...))"
            )
    return items


def lifshitz_scale(ds: xr.Dataset) -> tuple[float, float]:
    """E_L and ΔE (meV) of a map: stored, or from the stored μ₀ = E_L + η ΔE (exact linear relation)."""
    if "E_L" in ds and "dE" in ds:
        return float(ds["E_L"]), float(ds["dE"])
    eta = np.broadcast_to(ds["eta"].values[:, None], ds["mu0"].shape).ravel()
    mu0 = ds["mu0"].values.ravel()
    ok = np.isfinite(mu0)
    if np.unique(eta[ok]).size < 2:
        return float("nan"), float("nan")
    slope, intercept = np.polyfit(eta[ok], mu0[ok], 1)
    return float(intercept), float(slope)


def map_title(ds: xr.Dataset, de: float) -> str:
    """``Model A (ΔE = 274 meV)`` and the theory/bound label of the map."""
    text = f"Model {model_label(ds)}"
    if np.isfinite(de):
        text += rf" ($\Delta E$ = {de:.0f} meV)"
    return with_theory(text, ds)
