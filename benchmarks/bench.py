"""Speed and accuracy benchmark of the Tc solver (issue: performance).

Run from the repository root:

    python benchmarks/bench.py                 # single points + reference comparison (~1 min)
    python benchmarks/bench.py --map           # also the 201 x 101 map and the Dask scaling

Prints figures; asserts nothing about time (tests never time anything).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import statistics
import sys
import time

import numpy as np

import multigap
from multigap.presets import preset
from multigap.problem import cached_bands, pairing_problem
from multigap.tc import solve_tc

# benchmark points: η ∈ [−1, 2] (0 and 1 included) × g ∈ [0.1, 0.45]
ETAS = np.linspace(-1.0, 2.0, 13)
GS = np.array([0.1, 0.2, 0.3, 0.4, 0.45])
REFERENCE_POINTS = [(-1.0, 0.45), (-0.5, 0.3), (0.0, 0.25), (0.5, 0.1), (1.0, 0.4), (1.5, 0.33), (2.0, 0.2)]


def _line(label: str, value: str) -> None:
    print(f"{label:<46s} {value}")


def single_points(model: multigap.Model) -> list[float]:
    """Cold-start Tc solves at every benchmark point; returns per-point seconds."""
    times = []
    iterations = []
    for eta in ETAS:
        for g in GS:
            t0 = time.perf_counter()
            r = solve_tc(pairing_problem(model, float(eta), g=float(g)))
            times.append(time.perf_counter() - t0)
            iterations.append(r.iterations)
    ms = [1e3 * t for t in times]
    _line(
        "single Tc point, cold start (ms) median/min/max",
        f"{statistics.median(ms):.2f} / {min(ms):.2f} / {max(ms):.2f}",
    )
    _line("  points per second (one core)", f"{len(times) / sum(times):.0f}")
    _line("  eigenvalue evaluations per point (mean/max)", f"{np.mean(iterations):.2f} / {max(iterations)}")
    return times


def warm_rows(model: multigap.Model) -> None:
    """Tc along η rows with the previous point's Tc as the starting guess (as a sweep does)."""
    etas = np.linspace(-1.0, 2.0, 61)
    t0 = time.perf_counter()
    evaluations = 0
    n = 0
    for g in GS:
        guess = None
        for eta in etas:
            r = solve_tc(pairing_problem(model, float(eta), g=float(g)), guess=guess)
            guess = r.tc if r.tc > 0 else None
            evaluations += r.iterations
            n += 1
    dt = time.perf_counter() - t0
    _line("warm-started rows (ms per point, evaluations)", f"{1e3 * dt / n:.2f} ms, {evaluations / n:.2f}")


def reference(model: multigap.Model) -> None:
    """Fast path vs the reference path (adaptive quadrature per state, twice the q nodes)."""
    worst = 0.0
    t_ref = t_fast = 0.0
    for eta, g in REFERENCE_POINTS:
        problem = pairing_problem(model, eta, g=g)
        t0 = time.perf_counter()
        fast = solve_tc(problem)
        t_fast += time.perf_counter() - t0
        fine = dataclasses.replace(problem, n_nodes=2 * problem.n_nodes)
        t0 = time.perf_counter()
        ref = solve_tc(fine, reference=True, rtol=1e-8)
        t_ref += time.perf_counter() - t0
        dev = abs(fast.tc - ref.tc) / ref.tc
        worst = max(worst, dev)
        print(f"    eta={eta:+.2f} g={g:.2f}  Tc {fast.tc:.6g} K  reference {ref.tc:.6g} K  dev. {dev:.1e}")
    _line("largest relative deviation fast vs reference", f"{worst:.1e}")
    _line(
        "speed-up over the reference path (same points)",
        f"{t_ref / t_fast:.0f}x ({t_ref:.1f} s vs {t_fast:.3f} s)",
    )


def map_timing(model: multigap.Model, workers: int | None) -> None:
    import tempfile

    from multigap.sweep import compute_map

    eta = np.linspace(-1.0, 2.0, 201)
    g = np.linspace(0.1, 0.49, 101)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        ds = compute_map(model, eta, g, out=os.path.join(tmp, "map.nc"), progress=False, workers=workers)
        dt = time.perf_counter() - t0
    _line(
        "201 x 101 map, default executor (s, incl. bands)",
        f"{dt:.1f} s ({ds.sizes['eta'] * ds.sizes['g'] / dt:.0f} points/s)",
    )


def dask_scaling(model: multigap.Model) -> None:
    """101 x 51 map on a running LocalCluster with 1 and then 2 workers (cluster start excluded)."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - the optional `dask` extra
        print("dask scaling: dask.distributed not installed")
        return

    import tempfile

    from multigap.sweep import compute_map

    eta = np.linspace(-1.0, 2.0, 101)
    g = np.linspace(0.1, 0.49, 51)
    times = {}
    for workers in (1, 2):
        with (
            LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
            tempfile.TemporaryDirectory() as tmp,
        ):
            client.run(lambda: __import__("multigap.tc"))  # warm the workers' imports
            t0 = time.perf_counter()
            compute_map(model, eta, g, out=os.path.join(tmp, "m.nc"), scheduler=client, progress=False)
            times[workers] = time.perf_counter() - t0
    _line("Dask LocalCluster 101 x 51: 1 / 2 workers (s)", f"{times[1]:.1f} / {times[2]:.1f}")
    _line("  speed-up 2 workers vs 1", f"{times[1] / times[2]:.2f}x")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--map", action="store_true", help="also time the 201x101 map and Dask scaling")
    parser.add_argument("--skip-reference", action="store_true")
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)
    print(f"multigap {multigap.__version__}, Python {platform.python_version()}, numpy {np.__version__}, "
          f"{os.cpu_count()} cores, {platform.machine()}")  # fmt: skip
    model = preset("A")
    t0 = time.perf_counter()
    cached_bands(model)
    _line("bands + overlaps of model A, once (ms)", f"{1e3 * (time.perf_counter() - t0):.0f}")
    single_points(model)
    warm_rows(model)
    if not args.skip_reference:
        reference(model)
    if args.map:
        map_timing(model, args.workers)
        dask_scaling(model)
        print("\nissue 13 figures (benchmarks/bench_map.py), each with its target:")
        sys.stdout.flush()
        from bench_map import main as bench_map_main  # same folder (run as a script)

        bench_map_main([])
    sys.stdout.flush()


if __name__ == "__main__":
    main()
