"""Speed of the BKT bound (issue: phase stiffness): one bounded Tc point and a bounded map.

Run from the repository root:

    python benchmarks/bench_bkt.py            # points + a 61 x 21 map estimate (~1-2 min)
    python benchmarks/bench_bkt.py --map      # also run the 61 x 21 bounded map of model A (long)

Targets (issue 11): a ``tc --bound bkt`` point <= 100 ms median; a 61 x 21 bounded map of model
A <= 3 min on 2 cores.  ``tc`` and ``map`` bound with gaps at μ = μ₀ by default (``mu_mode``
of the Tc); both modes are timed.  Prints figures; asserts nothing (tests never time anything).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time

import numpy as np

import multigap
from multigap.presets import preset
from multigap.problem import pairing_problem
from multigap.stiffness import BKTBound
from multigap.theories import get_theory

#: Points of the single-point timing: the issue's three (η, g) and three more across the map.
POINTS = [(1.0, 0.4), (0.2, 0.4), (0.05, 0.3), (-0.5, 0.3), (0.5, 0.2), (1.5, 0.45)]
#: The map of the speed target: η ∈ [−1, 2] × g ∈ [0.1, 0.45].
MAP_ETA = np.linspace(-1.0, 2.0, 61)
MAP_G = np.linspace(0.1, 0.45, 21)


def _line(label: str, value: str) -> None:
    print(f"{label:<52s} {value}")


def bounded_point(
    model: multigap.Model, eta: float, g: float, mu_mode: str
) -> tuple[float, float, float, float]:
    """Wall and CPU seconds of the mean-field Tc plus the bound (as ``tc --bound bkt``); T_MF, T_BKT."""
    theory, bound = get_theory("bcs"), BKTBound(mu_mode=mu_mode)
    t0, c0 = time.perf_counter(), time.process_time()
    problem = pairing_problem(model, eta, g=g)
    tc = theory.solve_tc(problem)
    res = bound.apply(problem, theory, tc)
    return time.perf_counter() - t0, time.process_time() - c0, res.tc_mf, res.tc_bound


def points(model: multigap.Model) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}
    pairing_problem(model, 1.0, g=0.4)  # build the cached band structure outside the timing
    for mode in ("density", "fixed"):
        times[mode] = []
        cpu = []
        for eta, g in POINTS:
            dt, dc, t_mf, t_bkt = bounded_point(model, eta, g, mode)
            times[mode].append(dt)
            cpu.append(1e3 * dc)
            _line(
                f"  {model.name} eta={eta:g} g={g:g} mu_mode={mode}",
                f"{1e3 * dt:7.0f} ms  T_MF {t_mf:8.4g} K  T_BKT {t_bkt:8.4g} K",
            )
        ms = [1e3 * t for t in times[mode]]
        _line(
            f"bounded point ({mode}) ms median/min/max",
            f"{statistics.median(ms):.0f} / {min(ms):.0f} / {max(ms):.0f}  (target <= 100 median)",
        )
        _line(
            f"  CPU ms median/min/max ({mode})",
            f"{statistics.median(cpu):.0f} / {min(cpu):.0f} / {max(cpu):.0f}",
        )
    return times


def map_estimate(model: multigap.Model, cores: int) -> None:
    """CPU time of a 5 x 3 sample of the 61 x 21 grid, scaled to the whole map on ``cores`` idle cores."""
    etas, gs = MAP_ETA[::15], MAP_G[::10]
    for mode in ("density", "fixed"):
        t = [bounded_point(model, float(e), float(g), mode)[1] for e in etas for g in gs]  # CPU s
        total = statistics.mean(t) * MAP_ETA.size * MAP_G.size / cores
        _line(
            f"61 x 21 bounded map estimate ({mode}, {cores} cores)",
            f"{total / 60:.1f} min  ({statistics.mean(t):.2f} CPU s/point, {len(t)} points; target <= 3 min)",
        )


def full_map(model: multigap.Model, workers: int) -> None:
    from multigap.sweep import run_map

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        run = run_map(
            model,
            MAP_ETA,
            MAP_G,
            bound="bkt",
            out=os.path.join(tmp, "m.nc"),
            executor="processes",
            workers=workers,
        )
        dt = time.perf_counter() - t0
    _line(
        f"61 x 21 bounded map, {workers} processes",
        f"{dt / 60:.1f} min ({run.dataset['status'].size} points)",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--map", action="store_true", help="also run the full 61 x 21 bounded map")
    parser.add_argument("--cores", type=int, default=2, help="cores of the map estimate (default 2)")
    args = parser.parse_args()
    print(f"multigap {multigap.__version__}, Python {platform.python_version()}, {platform.machine()}")
    print(
        f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f} (wall times grow with it; CPU ms too)"
    )
    model = preset("A")
    points(model)
    points(preset("B"))
    map_estimate(model, args.cores)
    if args.map:
        full_map(model, args.cores)


if __name__ == "__main__":
    main()
