"""The one seam between the inverse problems and the sweep engine.

Every Tc evaluated by :mod:`multigap.inverse` (paths, fits, designs) goes through
:func:`evaluate_points`, which calls :func:`multigap.sweep.run_points` — the same engine as maps
and cuts, with its failure policy (a failing point is status ``failed`` with a message, never an
abort).  While the sweep package does not yet export ``run_points`` a minimal serial stand-in
with the same contract is used (:func:`_serial_points`); it is removed once the engine lands.

Units: η, g dimensionless; ω₀ meV; pressure GPa; Tc K.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike, NDArray

from ..errors import MultigapError
from ..status import STATUS_CODES, STATUS_MEANINGS, Status

if TYPE_CHECKING:
    from ..model import Model
    from ..theories import PairingTheory, TcBound

__all__ = ["evaluate_points", "engine_name"]


def _run_points() -> Any:
    try:
        from ..sweep import run_points
    except ImportError:
        return None
    return run_points


def engine_name() -> str:
    """``"sweep.run_points"`` when the sweep engine is available, else ``"serial stand-in"``."""
    return "sweep.run_points" if _run_points() is not None else "serial stand-in"


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
        Variables ``tc`` (K), ``status`` (int8 Status codes) and, when asked, ``alpha`` and the
        gap variables, on dimension ``point``.
    """
    points: dict[str, NDArray[np.float64]] = {
        "eta": np.atleast_1d(np.asarray(eta, dtype=float)),
        "g": np.atleast_1d(np.asarray(g, dtype=float)),
    }
    if omega0 is not None:
        points["omega0"] = np.broadcast_to(np.asarray(omega0, dtype=float), points["eta"].shape).copy()
    if pressure is not None:
        points["pressure"] = np.atleast_1d(np.asarray(pressure, dtype=float))
    run = _run_points()
    if run is not None:
        return run(  # type: ignore[no-any-return]
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
    return _serial_points(model, points, theory, theory_options, bound, bound_options, tuple(quantities))


def _serial_points(
    model: Model,
    points: dict[str, NDArray[np.float64]],
    theory: str | PairingTheory,
    theory_options: dict[str, Any] | None,
    bound: str | TcBound | None,
    bound_options: dict[str, Any] | None,
    quantities: tuple[str, ...],
) -> xr.Dataset:
    """Stand-in for ``sweep.run_points`` (serial, same failure policy, subset of variables)."""
    from ..problem import pairing_problem
    from ..theories import get_bound, get_theory, theory_attrs

    th = get_theory(theory, **(theory_options or {}))
    bd = get_bound(bound, **(bound_options or {}))
    if bd is not None:
        bd.check(th)
    n = points["eta"].size
    tc = np.full(n, np.nan)
    alpha = np.full(n, np.nan)
    status = np.full(n, Status.FAILED.code, dtype=np.int8)
    messages = [""] * n
    gap = np.full((n, model.n_bands), np.nan)
    aniso = np.full(n, np.nan)
    for i in range(n):
        try:
            omega0 = float(points["omega0"][i]) if "omega0" in points else None
            prob = pairing_problem(model, float(points["eta"][i]), g=float(points["g"][i]), omega0=omega0)
            res = th.solve_tc(prob)
            value, st = res.tc, Status(res.status)
            if bd is not None:
                b = bd.apply(prob, th, res)
                value, st = b.tc, (st if b.status == Status.CONVERGED else b.status)
                messages[i] = b.message
            tc[i] = value
            status[i] = st.code
            if "alpha" in quantities and res.tc > 0:
                alpha[i] = th.isotope(prob, tc=res)
            if "gaps" in quantities and res.tc > 0 and th.has_gaps:
                summary = th.solve_gaps(prob, tc=res)
                gap[i] = summary.gaps.mean
                aniso[i] = summary.anisotropy(model.active_band, model.active_band - 1)
        except (MultigapError, ArithmeticError, np.linalg.LinAlgError) as exc:
            tc[i] = math.nan
            status[i] = Status.FAILED.code
            messages[i] = f"{type(exc).__name__}: {exc}"
    data: dict[str, Any] = {
        "tc": ("point", tc, {"units": "K", "long_name": "critical temperature"}),
        "status": (
            "point",
            status,
            {
                "flag_values": np.array(sorted(STATUS_CODES.values()), dtype=np.int8),
                "flag_meanings": STATUS_MEANINGS,
            },
        ),
        "message": ("point", np.array(messages, dtype=object), {"long_name": "why a point failed"}),
    }
    if "alpha" in quantities:
        data["alpha"] = ("point", alpha, {"units": "1", "long_name": "isotope coefficient"})
    if "gaps" in quantities:
        data["gap"] = (("point", "band"), gap, {"units": "meV", "long_name": "band gap at T = 0"})
        data["anisotropy"] = (
            "point",
            aniso,
            {"units": "1", "long_name": "gap ratio of the active band to the one below"},
        )
    coords: dict[str, Any] = {
        "eta": ("point", points["eta"], {"units": "1", "long_name": "Lifshitz parameter"}),
        "g": ("point", points["g"], {"units": "1", "long_name": "active-band coupling"}),
    }
    if "pressure" in points:
        coords["pressure"] = ("point", points["pressure"], {"units": "GPa", "long_name": "pressure"})
    if "omega0" in points:
        coords["omega0"] = ("point", points["omega0"], {"units": "meV", "long_name": "bare phonon energy"})
    ds = xr.Dataset(data, coords=coords)
    ds.attrs.update(theory_attrs(th, bd))
    ds.attrs["engine"] = "multigap.inverse serial stand-in"
    return ds
