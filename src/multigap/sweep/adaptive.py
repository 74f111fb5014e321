"""Adaptive Tc maps: a coarse grid first, refined where interpolation is not good enough.

The finest grid is the (η, g) grid given to :func:`~multigap.sweep.run_map`; with ``levels = K``
level 0 computes every 2^(K−1)-th point of each axis (and the last).  Each level then looks at
every cell of the previous one and refines it — computes its edge midpoints and centre — when

* its corners do not all have the same status (the band edge, the Tc floor, failures),
* one of its corners is the largest Tc computed so far (the dome's top),
* or linear interpolation across it would be off by more than ``tol`` kelvin, estimated from
  the second divided differences of Tc along its edges (with the computed points beyond them:
  the error of linear interpolation over a width H is |f''| H²/8).

What is not computed is interpolated bilinearly inside its cell and stored with status
``interpolated`` (never drawn or counted as computed).  Every computed point is a point of the
ordinary engine (same chunks, warm starts and bits as any map), so each level is resumable
from ``<out>.parts/level<k>`` and identical across executors; the levels that follow depend only
on those bits.

:class:`Refinement` holds the plan and knows nothing about Tc: the tests drive it with a
synthetic function.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from ..status import Status
from .assemble import SweepRun
from .engine import EngineResult, RunControl, close_output, open_output, run_engine
from .points import PointSettings, schema

__all__ = ["DEFAULT_TOL", "Cell", "Refinement", "execute_adaptive"]

#: Largest estimated error (K) of linear interpolation across a cell that is not refined.
DEFAULT_TOL = 0.05


@dataclass(frozen=True)
class Cell:
    """Fine-grid indices of a cell's corners: η rows ``e0 … e1``, g columns ``g0 … g1``."""

    e0: int
    e1: int
    g0: int
    g1: int

    def corners(self) -> list[tuple[int, int]]:
        """Its four corners (fewer where an axis has width 0)."""
        return sorted({(e, g) for e in (self.e0, self.e1) for g in (self.g0, self.g1)})

    def split(self) -> list[Cell]:
        """Halves along every axis at least 2 fine steps wide (itself if none is)."""
        es = [(self.e0, self.e1)]
        if self.e1 - self.e0 >= 2:
            m = (self.e0 + self.e1) // 2
            es = [(self.e0, m), (m, self.e1)]
        gs = [(self.g0, self.g1)]
        if self.g1 - self.g0 >= 2:
            m = (self.g0 + self.g1) // 2
            gs = [(self.g0, m), (m, self.g1)]
        return [Cell(a, b, c, d) for a, b in es for c, d in gs]

    @property
    def splittable(self) -> bool:
        return self.e1 - self.e0 >= 2 or self.g1 - self.g0 >= 2


def _coarse_axis(n: int, step: int) -> list[int]:
    idx = list(range(0, n, step))
    if idx[-1] != n - 1:
        idx.append(n - 1)
    return idx


class Refinement:
    """The refinement plan of one adaptive map.

    Parameters
    ----------
    eta, g : ndarray
        Coordinates of the finest grid (1-D, increasing or decreasing, distinct).
    levels : int
        Number of levels K ≥ 1 (1: the plain grid).
    tol : float
        Largest estimated interpolation error (same units as the values, K) of a cell left
        unrefined.

    Examples
    --------
    >>> plan = Refinement(np.linspace(0, 1, 9), np.linspace(0, 1, 5), levels=3, tol=1e-3)
    >>> first = plan.first_points()
    >>> len(first)  # every 4th point of each axis
    6
    >>> values = np.full((9, 5), np.nan); ok = np.zeros((9, 5), bool)
    >>> for e, g in first:
    ...     values[e, g], ok[e, g] = plan.eta[e] ** 2, True
    >>> len(plan.next_points(values, ok, ok)) > 0  # curvature along eta: refined
    True
    """

    def __init__(self, eta: NDArray[np.float64], g: NDArray[np.float64], *, levels: int, tol: float) -> None:
        if isinstance(levels, bool) or not isinstance(levels, int) or levels < 1:
            raise ValueError(f"levels = {levels!r}: must be an integer >= 1")
        self.eta = np.asarray(eta, dtype=float)
        self.g = np.asarray(g, dtype=float)
        self.levels = levels
        self.tol = float(tol)
        self.step = 2 ** (levels - 1)
        self.level = 0
        ce, cg = _coarse_axis(self.eta.size, self.step), _coarse_axis(self.g.size, self.step)
        if len(ce) == 1 or len(cg) == 1:  # a single row or column: cells of width 0 on that axis
            ce = ce if len(ce) > 1 else [0, 0]
            cg = cg if len(cg) > 1 else [0, 0]
        self.active = [Cell(a, b, c, d) for a, b in itertools.pairwise(ce) for c, d in itertools.pairwise(cg)]
        self.leaves: list[Cell] = []

    # ------------------------------------------------------------------------------ points
    def first_points(self) -> list[tuple[int, int]]:
        """The coarse grid (level 0), ordered by g, then η (the map's flat order)."""
        return _ordered(c for cell in self.active for c in cell.corners())

    def next_points(
        self, values: NDArray[np.float64], ok: NDArray[np.bool_], known: NDArray[np.bool_]
    ) -> list[tuple[int, int]]:
        """Refine the active cells that need it; the new points to compute (none: finished).

        ``values`` holds the computed values (any at points not computed), ``known`` marks the
        computed points and ``ok`` those usable for interpolation (converged, or below the
        floor as 0); a cell whose corners differ in ``ok`` or in being 0 is refined.
        """
        self.level += 1
        if self.level >= self.levels:
            self.leaves += self.active
            self.active = []
            return []
        top = self._top(values, ok)
        refine: list[Cell] = []
        keep: list[Cell] = []
        for cell in self.active:
            (refine if cell.splittable and self._needs(cell, values, ok, known, top) else keep).append(cell)
        self.leaves += keep
        self.active = [child for cell in refine for child in cell.split()]
        new = {c for cell in self.active for c in cell.corners()}
        return _ordered(c for c in new if not known[c])

    def interpolated(self, values: NDArray[np.float64], computed: NDArray[np.bool_]) -> NDArray[np.float64]:
        """Bilinear interpolation in (η, g) inside each final cell, at the points not computed."""
        out = np.where(computed, values, np.nan)
        for cell in self.leaves + self.active:
            e = np.arange(cell.e0, cell.e1 + 1)
            gg = np.arange(cell.g0, cell.g1 + 1)
            te = _fraction(self.eta, cell.e0, cell.e1, e)
            tg = _fraction(self.g, cell.g0, cell.g1, gg)
            v00, v10 = values[cell.e0, cell.g0], values[cell.e1, cell.g0]
            v01, v11 = values[cell.e0, cell.g1], values[cell.e1, cell.g1]
            block = (
                np.outer(1 - te, 1 - tg) * v00
                + np.outer(te, 1 - tg) * v10
                + np.outer(1 - te, tg) * v01
                + np.outer(te, tg) * v11
            )
            sub = out[cell.e0 : cell.e1 + 1, cell.g0 : cell.g1 + 1]
            todo = ~computed[cell.e0 : cell.e1 + 1, cell.g0 : cell.g1 + 1]
            sub[todo] = block[todo]
        return out

    # ------------------------------------------------------------------------------ criterion
    def _top(self, values: NDArray, ok: NDArray) -> tuple[int, int] | None:
        usable = np.where(ok, values, -np.inf)
        if not np.any(ok):
            return None
        e, g = np.unravel_index(int(np.argmax(usable)), usable.shape)
        return int(e), int(g)

    def _needs(
        self, cell: Cell, values: NDArray, ok: NDArray, known: NDArray, top: tuple[int, int] | None
    ) -> bool:
        corners = cell.corners()
        flags = {(bool(ok[c]), bool(ok[c]) and values[c] == 0.0) for c in corners}
        if len(flags) > 1 or not all(ok[c] for c in corners):  # a status edge (or failures)
            return True
        if top is not None and top in corners:  # the dome's top
            return True
        estimates = [
            self._edge_error(self.eta, values[:, g], ok[:, g], known[:, g], cell.e0, cell.e1)
            for g in {cell.g0, cell.g1}
        ]
        estimates += [
            self._edge_error(self.g, values[e, :], ok[e, :], known[e, :], cell.g0, cell.g1)
            for e in {cell.e0, cell.e1}
        ]
        found = [x for x in estimates if x is not None]
        return not found or max(found) > self.tol

    @staticmethod
    def _edge_error(x: NDArray, f: NDArray, ok: NDArray, known: NDArray, a: int, b: int) -> float | None:
        """|f''| H²/8 across [a, b] from the second divided difference with a point beyond it."""
        if b <= a:
            return 0.0
        h = b - a
        best: float | None = None
        for p, q, r in ((a - h, a, b), (a, b, b + h)):
            if p < 0 or r >= f.size or not (known[p] and known[r] and ok[p] and ok[r]):
                continue
            d1 = (f[q] - f[p]) / (x[q] - x[p])
            d2 = (f[r] - f[q]) / (x[r] - x[q])
            curvature = 2.0 * (d2 - d1) / (x[r] - x[p])
            err = abs(curvature) * (x[b] - x[a]) ** 2 / 8.0
            best = err if best is None else max(best, err)
        return best


def _fraction(x: NDArray, a: int, b: int, idx: NDArray) -> NDArray:
    if b == a:
        return np.zeros(idx.size)
    return (x[idx] - x[a]) / (x[b] - x[a])


def _ordered(points: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Distinct points in the map's flat order: g (slow), then η (fast)."""
    return sorted(set(points), key=lambda c: (c[1], c[0]))


def fraction_computed(n_computed: int, shape: tuple[int, int]) -> float:
    """Share of the finest grid that was computed."""
    return n_computed / max(1, math.prod(shape))


def execute_adaptive(
    settings: PointSettings,
    eta: NDArray[np.float64],
    g: NDArray[np.float64],
    *,
    levels: int,
    tol: float,
    manifest: dict[str, Any],
    build: Callable[[EngineResult], xr.Dataset],
    out: str | Path | None,
    control: RunControl,
    desc: str,
) -> SweepRun:
    """Run an adaptive (η, g) map level by level on the engine and assemble it on the fine grid.

    Level k's points go through :func:`~multigap.sweep.engine.run_engine` like any map's
    (chunks, warm starts, executors), resumable from ``<out>.parts/level<k>``; the points of
    the next level follow from their results (:class:`Refinement`).  Points never computed get
    the bilinear interpolation of ``tc`` and status ``interpolated``; their other variables
    keep their fill values.
    """
    t0 = time.perf_counter()
    manifest, path, parts, done = open_output(settings, manifest, out, control, t0)
    if done is not None:
        return done
    ne, ng = eta.size, g.size
    variables = schema(settings)
    full = {var.name: var.empty(ne * ng, settings.n_bands) for var in variables}
    for var in variables:
        if var.dtype == "U":
            full[var.name] = full[var.name].astype(str)
    values = np.full((ne, ng), np.nan)
    ok = np.zeros((ne, ng), dtype=bool)
    known = np.zeros((ne, ng), dtype=bool)
    plan = Refinement(eta, g, levels=levels, tol=tol)
    points = plan.first_points()
    level = n_chunks = computed = reused = rejected = 0
    while points:
        ie = np.array([p[0] for p in points])
        ig = np.array([p[1] for p in points])
        level_manifest = {**manifest, "adaptive_level": level, "points": [ie.tolist(), ig.tolist()]}
        res = run_engine(
            settings, eta[ie], g[ig], None, ig, manifest=level_manifest,
            parts=None if parts is None else parts / f"level{level}", control=control,
            desc=f"{desc}, level {level}",
        )  # fmt: skip
        flat = ig * ne + ie
        for name, arr in res.arrays.items():
            full[name][flat] = arr
        status = res.arrays["status"]
        values[ie, ig] = res.arrays["tc"]
        ok[ie, ig] = (status == Status.CONVERGED.code) | (status == Status.BELOW_FLOOR.code)
        known[ie, ig] = True
        n_chunks, computed = n_chunks + res.n_chunks, computed + res.computed
        reused, rejected = reused + res.reused, rejected + res.rejected
        points = plan.next_points(values, ok, known)
        level += 1
    filled = plan.interpolated(np.where(ok, values, np.nan), known)
    todo = np.flatnonzero(~known.T.ravel())  # flat order: eta fastest, then g
    full["tc"][todo] = filled.T.ravel()[todo]
    full["status"][todo] = Status.INTERPOLATED.code
    result = EngineResult(full, n_chunks, computed, reused, rejected, control.executor)
    ds = build(result)
    ds.attrs.update(
        adaptive_levels=int(levels),
        adaptive_tol=float(tol),
        n_computed=int(known.sum()),
        n_interpolated=int((~known).sum()),
        adaptive_note=(
            "points with status interpolated were not computed: their tc is the bilinear "
            "interpolation inside their cell of the adaptive refinement (never a computed value)"
        ),
    )
    close_output(ds, path, parts)
    return SweepRun(
        ds, path, n_chunks, computed, reused, int(ds.attrs["n_failed"]), time.perf_counter() - t0,
        control.executor, rejected,
    )  # fmt: skip
