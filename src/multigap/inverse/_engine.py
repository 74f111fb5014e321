"""The one seam between the inverse problems and the sweep engine.

Every Tc evaluated by :mod:`multigap.inverse` (paths, fits, designs) goes through
:func:`evaluate_points`, which calls :func:`multigap.sweep.run_points` — the same engine as maps
and cuts, with its failure policy (a failing point is status ``failed`` with a message, never an
abort).  Fits and designs call it many times with a handful of points, so the default executor
is ``"serial"`` (a design parallelises over candidates instead, see
:mod:`multigap.inverse.design`).

Units: η, g dimensionless; ω₀ meV; pressure GPa; Tc K.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:
    from ..model import Model
    from ..theories import PairingTheory, TcBound

__all__ = ["evaluate_points", "engine_name"]


def engine_name() -> str:
    """Name of the engine every inverse-problem evaluation runs on (recorded in outputs)."""
    return "multigap.sweep.run_points"


def evaluate_points(
    model: Model,
    eta: ArrayLike,
    g: ArrayLike,
    *,
    pressure: ArrayLike | None = None,
    omega0: ArrayLike | None = None,
    theory: str | PairingTheory = "bcs",
    theory_options: dict[str, Any] | None = None,
    bound: str | TcBound | None = None,
    bound_options: dict[str, Any] | None = None,
    quantities: Sequence[str] = ("tc",),
    executor: str | None = "serial",
    workers: int | None = None,
    scheduler: Any = None,
) -> xr.Dataset:
    """Tc (and optionally gaps, α) at a list of (η, g[, ω₀]) points, on dimension ``point``.

    Parameters
    ----------
    model : Model
        The superlattice and couplings (η, g and ω₀ replaced per point).
    eta, g : array_like
        Lifshitz parameter and active-band coupling per point (dimensionless).
    pressure : array_like, optional
        Pressure per point (GPa), stored as the coordinate ``pressure``.
    omega0 : array_like, optional
        Bare phonon energy per point (meV); default the model's.
    theory, theory_options, bound, bound_options, quantities, executor, workers, scheduler
        As for :func:`multigap.sweep.run_points`.

    Returns
    -------
    xarray.Dataset
        Variables ``tc`` (K), ``status`` (int8 Status codes), ``message`` and, when asked,
        ``alpha`` and the gap variables (``gap`` on ``band``), on dimension ``point``.
    """
    points: dict[str, NDArray[np.float64]] = {
        "eta": np.atleast_1d(np.asarray(eta, dtype=float)),
        "g": np.atleast_1d(np.asarray(g, dtype=float)),
    }
    if omega0 is not None:
        points["omega0"] = np.broadcast_to(np.asarray(omega0, dtype=float), points["eta"].shape).copy()
    if pressure is not None:
        points["pressure"] = np.atleast_1d(np.asarray(pressure, dtype=float))
    from ..sweep import run_points

    return run_points(
        model,
        points,
        theory=theory,
        theory_options=theory_options,
        bound=bound,
        bound_options=bound_options,
        quantities=tuple(quantities),
        executor=executor,
        workers=workers,
        scheduler=scheduler,
        progress=False,
    )
