"""Sweeps: Tc (and gaps, α) over many points, chunked, resumable, on serial / process / Dask executors.

One engine runs three layouts of points:

* :func:`run_map` / :func:`compute_map` — the outer product of η, g (and ω₀) grids
  (paper Figs. 8–11); :func:`recompute_point` recomputes one stored point from the file alone;
* :func:`run_cut` — η at fixed g with gaps and the isotope coefficient (Figs. 6–7);
* :func:`run_points` — an arbitrary list of points (paths, e.g. under pressure).

Every runner takes the pairing theory and an optional bound on Tc *by name*
(:func:`multigap.theories.get_theory`, :func:`~multigap.theories.get_bound`) and never
special-cases one.  A point that fails is recorded with status ``failed`` and its message, the
same way in maps, cuts and paths.  Results are identical, bit for bit, for every executor and
number of workers.

Layout of the package (one concern per module):

========================  ====================================================================
``executors``             serial / process / Dask maps with one signature; ``dask_client``
``store``                 parts folder: lock, manifest, self-identifying checksummed chunks
``points``                solve ONE point; the variable schema
``engine``                chunked, resumable, executor-agnostic run over a flat point list
``assemble``              labelled Datasets and their attributes; :class:`SweepRun`
``maps``                  ``run_map``, ``compute_map``, ``recompute_point``
``cuts``                  ``run_cut``
``paths``                 ``run_points``
========================  ====================================================================

The public names are imported on first use (PEP 562), so that sweep worker processes import
only the modules that solve points (``points``, ``engine``: numpy, scipy and the physics core),
never the Dataset assembly (xarray) that only the caller needs.  The physics core never imports
this package.  Units: η and g dimensionless, ω₀ / ω̃₀ / μ in meV,
Tc in K.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_attributes

if TYPE_CHECKING:  # what static checkers and IDEs see: the same names, eagerly
    from .assemble import SweepRun
    from .cuts import run_cut
    from .engine import DEFAULT_CHUNK_SIZE
    from .executors import (
        CONNECT_TIMEOUT,
        EXECUTORS,
        dask_client,
        dask_map,
        process_map,
        resolve_executor,
        serial_map,
    )
    from .maps import GRID_ATOL, GRID_RTOL, compute_map, recompute_point, run_map
    from .paths import run_points, run_points_sweep

#: Public name -> the module of this package that defines it, imported on first access
#: (PEP 562): a sweep worker process imports only the modules that solve points
#: (``points``, ``engine``), not the Dataset assembly (xarray) that only the caller needs.
_LAZY: dict[str, str] = {
    "SweepRun": "assemble",
    "run_cut": "cuts",
    "DEFAULT_CHUNK_SIZE": "engine",
    "CONNECT_TIMEOUT": "executors",
    "EXECUTORS": "executors",
    "dask_client": "executors",
    "dask_map": "executors",
    "process_map": "executors",
    "resolve_executor": "executors",
    "serial_map": "executors",
    "GRID_ATOL": "maps",
    "GRID_RTOL": "maps",
    "compute_map": "maps",
    "recompute_point": "maps",
    "run_map": "maps",
    "run_points": "paths",
    "run_points_sweep": "paths",
}

__all__ = [
    "CONNECT_TIMEOUT",
    "DEFAULT_CHUNK_SIZE",
    "EXECUTORS",
    "GRID_ATOL",
    "GRID_RTOL",
    "SweepRun",
    "compute_map",
    "dask_client",
    "dask_map",
    "process_map",
    "recompute_point",
    "resolve_executor",
    "run_cut",
    "run_map",
    "run_points",
    "run_points_sweep",
    "serial_map",
]


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY)  # PEP 562
