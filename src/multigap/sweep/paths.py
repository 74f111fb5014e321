"""Arbitrary point lists (paths through the (η, g[, ω₀]) plane) on the sweep engine.

A *path* is a list of points, each with its own η, g and optionally ω₀ (meV) and a pressure
label (GPa, or any monotone parameter of an experiment).  The points are solved in the order
given, as one row of warm starts (neighbours along a path are close), on the same chunked,
resumable engine as maps and cuts, with the same variables and failure policy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike, NDArray

from ..errors import InputError
from ..model import Model
from .assemble import SweepRun, common_attrs, scale_vars, sweep_variables, var
from .engine import (
    DEFAULT_RTOL,
    EngineResult,
    RunControl,
    base_manifest,
    check_g,
    check_options,
    execute,
    grid,
    make_settings,
)
from .points import PointSettings

if TYPE_CHECKING:
    from ..theories import PairingTheory, TcBound

__all__ = ["PATH_KEYS", "run_points", "run_points_sweep"]

#: Keys of a point list: required first, then optional.
PATH_KEYS = ("eta", "g", "omega0", "pressure")


def _point_arrays(points: Mapping[str, ArrayLike]) -> dict[str, NDArray]:
    """Check a point list: eta and g required, omega0 and pressure optional, equal lengths."""
    if not isinstance(points, Mapping):
        raise InputError(
            f"points = {points!r}: must be a mapping with keys 'eta', 'g' (and 'omega0', 'pressure')"
        )
    unknown = sorted(set(points) - set(PATH_KEYS))
    if unknown:
        raise InputError(f"points: unknown keys {unknown}; allowed: {', '.join(PATH_KEYS)}")
    for key in ("eta", "g"):
        if key not in points:
            raise InputError(f"points: missing {key!r} (each point needs eta and g)")
    arrays = {
        key: grid(f"points[{key!r}]", points[key], distinct=False) for key in PATH_KEYS if key in points
    }
    sizes = {key: arr.size for key, arr in arrays.items()}
    if len(set(sizes.values())) != 1:
        raise InputError(f"points: every entry needs one value per point (got sizes {sizes})")
    if "omega0" in arrays and np.any(arrays["omega0"] <= 0):
        raise InputError(
            f"points['omega0']: every value must be > 0 meV (got {float(arrays['omega0'].min())!r})"
        )
    return arrays


def _path_dataset(
    settings: PointSettings,
    result: EngineResult,
    manifest: dict[str, Any],
    arrays: dict[str, NDArray],
    command: str,
    control: RunControl,
) -> xr.Dataset:
    n = arrays["eta"].size
    a = settings.model.active_band
    coords = {
        "point": var("point", np.arange(n), "1", "index of the point along the path"),
        "eta": var("point", arrays["eta"], "1", f"Lifshitz parameter eta = (mu0 - E_L)/dE of band {a}"),
        "g": var("point", arrays["g"], "1", f"intraband coupling g = g_{a}{a} of the active band {a}"),
    }
    if "omega0" in arrays:
        coords["omega0"] = var("point", arrays["omega0"], "meV", "bare phonon energy omega0")
    if "pressure" in arrays:
        coords["pressure"] = var("point", arrays["pressure"], "GPa", "pressure (label of the point)")
    if "gaps" in settings.quantities:
        coords["band"] = var("band", np.arange(1, settings.n_bands + 1), "1", "subband index n (1-based)")
    data = {**sweep_variables(settings, result.arrays, ("point",), lambda flat: flat), **scale_vars(settings)}
    attrs = common_attrs(
        settings, result.arrays, manifest, title=f"Tc along a path of {n} points ({settings.model.name})",
        command=command, chunk_size=control.chunk_size, n_chunks=result.n_chunks,
        warm_start=control.warm_start,
    )  # fmt: skip
    return xr.Dataset(data, coords=coords, attrs=attrs)


def run_points_sweep(
    model: Model,
    points: Mapping[str, ArrayLike],
    *,
    mu_mode: str = "fixed",
    theory: str | PairingTheory = "bcs",
    theory_options: dict[str, Any] | None = None,
    bound: str | TcBound | None = None,
    bound_options: dict[str, Any] | None = None,
    quantities: Sequence[str] = ("tc",),
    gap_mu_mode: str = "density",
    out: str | Path | None = None,
    executor: str | None = None,
    workers: int | None = None,
    scheduler: Any = None,
    chunk_size: int | None = None,
    rtol: float = DEFAULT_RTOL,
    warm_start: bool = True,
    progress: bool = False,
    overwrite: bool = False,
    command: str | None = None,
) -> SweepRun:
    """:func:`run_points` with the run's summary (chunks computed, reused, rejected)."""
    control, quants = check_options(
        model=model, mu_mode=mu_mode, rtol=rtol, chunk_size=chunk_size, quantities=quantities,
        executor=executor, scheduler=scheduler, workers=workers, warm_start=warm_start,
        progress=progress, overwrite=overwrite, default_executor="serial",
    )  # fmt: skip
    arrays = _point_arrays(points)
    check_g(model, np.unique(arrays["g"]).tolist(), label="points['g']")
    settings = make_settings(
        model, theory=theory, theory_options=theory_options, bound=bound, bound_options=bound_options,
        quantities=quants, mu_mode=mu_mode, gap_mu_mode=gap_mu_mode, rtol=rtol,
    )  # fmt: skip
    manifest = {
        **base_manifest(settings, control, kind="points"),
        **{key: arr.tolist() for key, arr in arrays.items()},
    }
    n = arrays["eta"].size
    final_command = command or (
        f"multigap.sweep.run_points(model={model.name!r}, points=<{n} points>, "
        f"theory={settings.theory.name!r})"
    )

    def build(result: EngineResult) -> xr.Dataset:
        return _path_dataset(settings, result, manifest, arrays, final_command, control)

    return execute(
        settings, arrays["eta"], arrays["g"], arrays.get("omega0"), np.zeros(n, dtype=np.int64),
        manifest=manifest, build=build, out=out, control=control, desc=f"path {model.name} ({n} points)",
    )  # fmt: skip


def run_points(model: Model, points: Mapping[str, ArrayLike], **options: Any) -> xr.Dataset:
    """Tc (and optionally gaps, α) at an arbitrary list of points, e.g. a path under pressure.

    Parameters
    ----------
    model : Model
        The model.
    points : mapping
        ``{"eta": array, "g": array}`` and optionally ``"omega0"`` (meV) and ``"pressure"``
        (GPa; stored as a coordinate), one value per point; repeated points are allowed.
    **options
        As for :func:`multigap.sweep.run_map` (``mu_mode``, ``theory``, ``theory_options``,
        ``bound``, ``bound_options``, ``quantities``, ``gap_mu_mode``, ``out``, ``executor``
        — default ``"serial"`` —, ``workers``, ``scheduler``, ``chunk_size``, ``rtol``,
        ``warm_start``, ``progress``, ``overwrite``, ``command``).

    Returns
    -------
    xarray.Dataset
        Dimension ``point`` with coordinates ``eta``, ``g`` (and ``omega0``, ``pressure``) on
        it; the variables of a map (``tc``, ``status``, …, per band with ``"gaps"``).

    Examples
    --------
    >>> from multigap import preset
    >>> ds = run_points(preset("A"), {"eta": [0.5, 1.0], "g": [0.3, 0.35], "pressure": [0.0, 1.0]})
    >>> ds["tc"].dims, ds["pressure"].attrs["units"]
    (('point',), 'GPa')
    """
    return run_points_sweep(model, points, **options).dataset
