"""Pressure paths through the (η, g) plane and Tc along them.

The paper's reading of a measured Tc(P) curve is a *cut* of the universal Tc(η, g) dome along
a pressure-driven path: pressure moves the chemical potential relative to the Lifshitz point
(η) and changes the coupling of the new Fermi surface (g); the cutoff follows g through the
Migdal softening ω̃₀ = ω₀ √(1 − 2g) of the model (paper eq. 1, applied by
:func:`multigap.problem.pairing_problem`).  A :class:`PressurePath` is a list of (η, g) points,
optionally labelled by pressure P (GPa) and with a bare phonon energy ω₀ (meV) per point, built

* between two points of the plane (:func:`straight_path`),
* from linear pressure laws η(P) = a + b·P and g(P) = c + d·P (:func:`linear_law_path`), or
* from a CSV table with columns ``pressure_GPa,eta,g`` [``,omega0_meV``] (:func:`read_path_table`),

and evaluated point by point on the sweep engine (:func:`compute_path`), with any pairing
theory and bound.  Paths are validated strictly: finite numbers, 0 <= g < 0.5, pressures
strictly increasing; a bad table is refused with a one-line :class:`PathError` naming the row.

Examples
--------
>>> from multigap import preset
>>> path = linear_law_path([140.0, 160.0, 180.0], eta_law=(-1.0, 0.0125), g_law=(0.3, 0.0))
>>> path.eta.round(3).tolist(), path.g.tolist()
([0.75, 1.0, 1.25], [0.3, 0.3, 0.3])
>>> ds = compute_path(preset("A"), path, quantities=("tc",))
>>> [round(float(t)) for t in ds["tc"]]
[138, 173, 119]
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike, NDArray

from ..errors import InputError
from ._csv import read_text, table_rows
from ._engine import evaluate_points

if TYPE_CHECKING:
    from ..model import Model
    from ..theories import PairingTheory, TcBound

__all__ = [
    "PathError",
    "PressurePath",
    "G_LIMIT",
    "PATH_COLUMNS",
    "straight_path",
    "linear_law_path",
    "read_path_table",
    "compute_path",
]

#: g must stay below this: the Migdal softening √(1 − 2g) vanishes at g = 1/2 (paper eq. 1).
G_LIMIT = 0.5

#: Columns of a path table: required and optional (units in the names).
PATH_COLUMNS = {"required": ("pressure_GPa", "eta", "g"), "optional": ("omega0_meV",)}


class PathError(InputError):
    """A path (table, law or end points) is invalid; the message is one line naming the rule."""


def _arr(name: str, values: ArrayLike) -> NDArray[np.float64]:
    try:
        arr = np.atleast_1d(np.asarray(values, dtype=float))
    except (TypeError, ValueError):
        raise PathError(f"{name} = {values!r}: must be numbers") from None
    if arr.ndim != 1:
        raise PathError(f"{name}: must be one-dimensional, got shape {arr.shape}")
    return arr


@dataclass(frozen=True, eq=False)
class PressurePath:
    """Points (η, g) of a path, optionally with pressure (GPa) and bare ω₀ (meV) per point.

    Attributes
    ----------
    eta : ndarray
        Lifshitz parameter per point (dimensionless, finite).
    g : ndarray
        Active-band coupling per point, 0 <= g < 0.5 (dimensionless).
    pressure : ndarray or None
        Pressure per point in GPa, strictly increasing.
    omega0 : ndarray or None
        Bare phonon energy per point in meV (> 0); None = the model's.
    description : str
        How the path was built (stored in output attributes).
    """

    eta: NDArray[np.float64]
    g: NDArray[np.float64]
    pressure: NDArray[np.float64] | None = None
    omega0: NDArray[np.float64] | None = None
    description: str = ""
    _frozen: bool = field(default=True, repr=False)

    def __post_init__(self) -> None:
        eta, g = _arr("eta", self.eta), _arr("g", self.g)
        n = eta.size
        if n == 0:
            raise PathError("path: has no points")
        checks: list[tuple[str, NDArray[np.float64] | None]] = [
            ("eta", eta),
            ("g", g),
            ("pressure", None if self.pressure is None else _arr("pressure", self.pressure)),
            ("omega0", None if self.omega0 is None else _arr("omega0", self.omega0)),
        ]
        for name, arr in checks:
            if arr is None:
                continue
            if arr.size != n:
                raise PathError(f"path: {name} has {arr.size} values but eta has {n}")
            bad = np.flatnonzero(~np.isfinite(arr))
            if bad.size:
                raise PathError(
                    f"path point {bad[0]}: {name} = {float(arr[bad[0]])!r} is not a finite number"
                )
            object.__setattr__(self, name, arr)
        bad = np.flatnonzero((g < 0) | (g >= G_LIMIT))
        if bad.size:
            raise PathError(
                f"path point {bad[0]}: g = {float(g[bad[0]])!r} must be >= 0 and < {G_LIMIT} "
                "(the Migdal softening sqrt(1 - 2g) vanishes at g = 0.5)"
            )
        if self.pressure is not None:
            step = np.diff(self.pressure)
            bad = np.flatnonzero(step <= 0)
            if bad.size:
                i = int(bad[0])
                raise PathError(
                    f"path point {i + 1}: pressure {float(self.pressure[i + 1])!r} GPa after "
                    f"{float(self.pressure[i])!r} GPa (pressures must be strictly increasing)"
                )
        if self.omega0 is not None and np.any(self.omega0 <= 0):
            raise PathError("path: omega0 must be > 0 meV")

    def __len__(self) -> int:
        return int(self.eta.size)


def straight_path(start: Sequence[float], stop: Sequence[float], n: int) -> PressurePath:
    """``n`` equally spaced points on the segment from (η₀, g₀) to (η₁, g₁).

    Examples
    --------
    >>> straight_path((0.0, 0.3), (1.0, 0.4), 3).g.tolist()
    [0.3, 0.35, 0.4]
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 2:
        raise PathError(f"points = {n!r}: must be an integer >= 2")
    s = np.linspace(0.0, 1.0, int(n))
    eta = float(start[0]) + s * (float(stop[0]) - float(start[0]))
    g = float(start[1]) + s * (float(stop[1]) - float(start[1]))
    desc = f"straight from (eta, g) = ({start[0]:g}, {start[1]:g}) to ({stop[0]:g}, {stop[1]:g}), {n} points"
    return PressurePath(eta=eta, g=g, description=desc)


def linear_law_path(
    pressure: ArrayLike,
    eta_law: Sequence[float],
    g_law: Sequence[float],
    *,
    omega0: float | None = None,
) -> PressurePath:
    """Path of the linear laws η(P) = a + b·P and g(P) = c + d·P (P in GPa).

    Parameters
    ----------
    pressure : array_like
        Pressures in GPa, strictly increasing.
    eta_law : (a, b)
        a (dimensionless) and b (1/GPa).
    g_law : (c, d)
        c (dimensionless) and d (1/GPa); g must stay in [0, 0.5) on the whole range.
    omega0 : float, optional
        Bare phonon energy (meV) at every point; default the model's.
    """
    p = _arr("pressure", pressure)
    a, b = (float(x) for x in eta_law)
    c, d = (float(x) for x in g_law)
    w = None if omega0 is None else np.full(p.shape, float(omega0))
    desc = f"eta(P) = {a:g} + {b:g}*P, g(P) = {c:g} + {d:g}*P, P = {p[0]:g}..{p[-1]:g} GPa ({p.size} points)"
    return PressurePath(eta=a + b * p, g=c + d * p, pressure=p, omega0=w, description=desc)


def read_path_table(source: str | Path | io.TextIOBase) -> PressurePath:
    """Read a path table: CSV with columns ``pressure_GPa,eta,g`` and optional ``omega0_meV``.

    Lines starting with ``#`` are comments.  Refused, with a one-line :class:`PathError`:
    missing or unknown columns, empty or non-numeric cells, NaN or infinite values, g outside
    [0, 0.5), pressures not strictly increasing.

    Examples
    --------
    >>> import io
    >>> table = io.StringIO("# a path\\npressure_GPa,eta,g\\n150,0.8,0.3\\n170,1.1,0.32\\n")
    >>> read_path_table(table).eta.tolist()
    [0.8, 1.1]
    """
    name, text = read_text(source)
    header, reader = table_rows(name, text, **PATH_COLUMNS, error=PathError)
    cols: dict[str, list[float]] = {h: [] for h in header}
    for lineno, row in enumerate(reader, start=2):
        if len(row) != len(header):
            raise PathError(f"{name}: data row {lineno - 1} has {len(row)} cells, the header {len(header)}")
        for h, cell in zip(header, row, strict=True):
            try:
                value = float(cell)
            except ValueError:
                raise PathError(
                    f"{name}: data row {lineno - 1}, column {h}: {cell.strip()!r} is not a number"
                ) from None
            if not math.isfinite(value):
                raise PathError(
                    f"{name}: data row {lineno - 1}, column {h}: {cell.strip()!r} is not a finite number"
                )
            cols[h].append(value)
    if not cols[PATH_COLUMNS["required"][0]]:
        raise PathError(f"{name}: the table has a header but no data rows")
    try:
        return PressurePath(
            eta=np.array(cols["eta"]),
            g=np.array(cols["g"]),
            pressure=np.array(cols["pressure_GPa"]),
            omega0=np.array(cols["omega0_meV"]) if "omega0_meV" in cols else None,
            description=f"table {name}",
        )
    except PathError as exc:
        raise PathError(f"{name}: {exc}") from None


def compute_path(
    model: Model,
    path: PressurePath,
    *,
    theory: str | PairingTheory = "bcs",
    theory_options: dict[str, Any] | None = None,
    bound: str | TcBound | None = None,
    bound_options: dict[str, Any] | None = None,
    quantities: Sequence[str] = ("tc", "gaps", "alpha"),
    executor: str | None = "serial",
    workers: int | None = None,
    scheduler: Any = None,
) -> xr.Dataset:
    """Tc (and gaps, Δ_active/Δ_below, α) along ``path`` on the sweep engine.

    Parameters
    ----------
    model : Model
        The superlattice, couplings and numerics; η, g (and ω₀ when the path has it) are
        replaced per point.
    path : PressurePath
        The points; its pressures become the ``pressure`` coordinate.
    theory, theory_options, bound, bound_options : optional
        Pairing theory and Tc bound by name (see :mod:`multigap.theories`).
    quantities : sequence of str
        Subset of {"tc", "gaps", "alpha"}.
    executor, workers, scheduler : optional
        Executor of the sweep engine (``"serial"``, ``"processes"``, ``"dask"``).

    Returns
    -------
    xarray.Dataset
        On dimension ``point`` with coordinates ``eta``, ``g`` (and ``pressure``), variables
        ``tc`` (K), ``status`` and the asked quantities; attrs ``path`` (how it was built).
        Failed points keep status ``failed`` and NaN values: they are reported, not dropped.
    """
    ds = evaluate_points(
        model,
        path.eta,
        path.g,
        pressure=path.pressure,
        omega0=path.omega0,
        theory=theory,
        theory_options=theory_options,
        bound=bound,
        bound_options=bound_options,
        quantities=quantities,
        executor=executor,
        workers=workers,
        scheduler=scheduler,
    )
    ds.attrs["path"] = path.description
    return ds
