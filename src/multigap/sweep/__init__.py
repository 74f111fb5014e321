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

The physics core never imports this package.  Units: η and g dimensionless, ω₀ / ω̃₀ / μ in meV,
Tc in K.
"""

from __future__ import annotations

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
