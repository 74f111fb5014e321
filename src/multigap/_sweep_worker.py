"""Preloaded by the fork server of sweep worker processes, before numpy is imported there.

A top-level module, so that nothing but ``multigap/__init__`` (lazy: it imports no numpy) runs
before the variables are set.

Each worker solves its own chunks on one core, so the BLAS/LAPACK and OpenMP thread pools of
numpy and scipy are limited to one thread in workers (unless the user set these variables):
with several workers (or other jobs) sharing the cores, threaded eigensolvers of the
many-band models spin and wait (measured: a 12-band model 5.3 ms/point with one thread,
64 ms/point with OpenBLAS's default threads on a loaded 2-core machine).  The parent process is
not touched.

The preload is what a worker needs to run its tasks and nothing more: the chunk solver
(:func:`multigap.sweep.engine.solve_chunk`, which the parent pickles by reference, and the
point solver with numpy, scipy and the physics core).  ``multigap.sweep`` imports its modules
lazily and none of these imports xarray, so neither the fork server nor a worker pays for the
Dataset and NetCDF stack (tests/test_startup.py checks it); only the parent assembles the
result.
"""

from __future__ import annotations

import os

#: Thread-count variables set to 1 in worker processes (when not set by the user).
SINGLE_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

for _name in SINGLE_THREAD_VARIABLES:
    os.environ.setdefault(_name, "1")

from .sweep import engine  # noqa: E402,F401  - the worker's real preload, after the variables
