"""Dataset assembly shared by maps, cuts and paths: arrays over points -> a labelled Dataset.

Every sweep output has the variables of :func:`multigap.sweep.points.schema` laid out on its own
dimensions (per-band variables get a leading ``band`` dimension), the scalars ``E_L`` and ``dE``
(meV) of the active band, and the attributes of :func:`common_attrs`: the resolved model, the
theory and bound with their options (:func:`multigap.theories.theory_attrs`), the μ modes,
tolerance, chunking, command, failure and warning counts and the manifest that identifies the
computation.  Status variables are ``int8`` codes of :class:`multigap.status.Status` with CF
``flag_values``/``flag_meanings``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..bands import lifshitz_scale
from ..datasets import model_attrs
from ..io import cf_global_attrs
from ..status import Status
from ..theories import theory_attrs
from .points import PointSettings, schema

if TYPE_CHECKING:  # imported where Variables are built: sweep workers import this module without it
    import xarray as xr

__all__ = ["SweepRun", "common_attrs", "scale_vars", "sweep_variables", "var"]

#: Name of the attribute holding the computation's identity (JSON).
MANIFEST_ATTR = "sweep_manifest"
#: Format tag of manifests; bump when the meaning of stored chunks changes.
MANIFEST_FORMAT = "multigap.sweep/2"


@dataclass(frozen=True)
class SweepRun:
    """A finished sweep and how it was obtained.

    Attributes
    ----------
    dataset : xarray.Dataset
        The result (the same content as the file at ``path``).
    path : Path or None
        The NetCDF4 file written, if ``out`` was given.
    chunks_total : int
        Number of chunks.
    chunks_computed : int
        Chunks solved by this call.
    chunks_reused : int
        Verified chunks loaded from an earlier, interrupted run (or all of them when ``out``
        was already complete).
    n_failed : int
        Points with status ``failed``.
    wall_time : float
        Seconds this call took.
    executor : str
        The executor used (``serial``, ``processes``, ``dask``).
    chunks_rejected : int
        Chunk files found under ``<out>.parts`` that did not verify (torn, tampered, another
        chunk's or another computation's file, not a file) and were computed again.
    """

    dataset: xr.Dataset
    path: Path | None
    chunks_total: int
    chunks_computed: int
    chunks_reused: int
    n_failed: int
    wall_time: float
    executor: str
    chunks_rejected: int = 0


def var(dims: str | tuple[str, ...], data: Any, units: str, long_name: str, **extra: Any) -> xr.Variable:
    """A variable with ``units`` and ``long_name`` attributes."""
    import xarray as xr

    return xr.Variable(dims, np.asarray(data), attrs={"units": units, "long_name": long_name, **extra})


def scale_vars(settings: PointSettings) -> dict[str, xr.Variable]:
    """``E_L`` and ``dE`` (meV) of the active band, as every sweep output stores them."""
    a = settings.model.active_band
    e_l, width = lifshitz_scale(settings.bands, a)
    return {
        "E_L": var((), e_l, "meV", f"band edge E_L = min_q E_{a}(q) of the active band"),
        "dE": var((), width, "meV", f"transverse dispersion dE = max - min of E_{a}(q)"),
    }


def sweep_variables(
    settings: PointSettings,
    arrays: Mapping[str, NDArray],
    dims: tuple[str, ...],
    layout: Callable[[NDArray], NDArray],
    skip: Sequence[str] = (),
) -> dict[str, xr.Variable]:
    """The schema's variables on ``dims``; ``layout`` turns a flat point axis into ``dims``.

    Per-band arrays (points, band) get dimensions ``("band", *dims)``.
    """
    out: dict[str, xr.Variable] = {}
    for v in schema(settings):
        if v.name in skip:
            continue
        arr = np.asarray(arrays[v.name])
        if v.per_band:
            data = np.moveaxis(layout(arr), -1, 0) if arr.ndim == 2 else arr
            out[v.name] = var(("band", *dims), data, v.units, v.long_name, **v.attrs)
        else:
            out[v.name] = var(dims, layout(arr), v.units, v.long_name, **v.attrs)
    return out


def _counts(entries: Sequence[str], split: str) -> dict[str, int]:
    counter = Counter(part for entry in entries if entry for part in entry.split(split))
    return dict(sorted(counter.items()))


def common_attrs(
    settings: PointSettings,
    arrays: Mapping[str, NDArray],
    manifest: Mapping[str, Any],
    *,
    title: str,
    command: str,
    chunk_size: int,
    n_chunks: int,
    warm_start: bool,
) -> dict[str, Any]:
    """Attributes of every sweep output (model, theory, options, counts, identity)."""
    messages = [str(m) for m in np.asarray(arrays["message"]).ravel().tolist()]
    warned = [str(w) for w in np.asarray(arrays["warning"]).ravel().tolist()]
    return cf_global_attrs(
        {
            **model_attrs(settings.model),
            "title": title,
            **theory_attrs(settings.theory, settings.bound),
            "quantities": " ".join(settings.quantities),
            "mu_mode": settings.mu_mode,
            "tc_mu_mode": settings.mu_mode,
            "gap_mu_mode": settings.gap_mu_mode,
            "rtol": float(settings.rtol),
            "tc_floor_K": float(settings.model.numerics.tc_floor),
            "warm_start": int(warm_start),
            "chunk_size": int(chunk_size),
            "n_chunks": int(n_chunks),
            "command": command,
            "n_failed": int(np.count_nonzero(np.asarray(arrays["status"]) == Status.FAILED.code)),
            "failure_messages": json.dumps(_counts(messages, "; "), ensure_ascii=False),
            "n_warned": int(sum(1 for w in warned if w)),
            "warning_counts": json.dumps(_counts(warned, "\n"), ensure_ascii=False),
            MANIFEST_ATTR: json.dumps(dict(manifest), sort_keys=True),
        }
    )
