"""Speed and memory of the Eliashberg theory (issue: Migdal–Eliashberg).

Run from the repository root (one BLAS thread = one core):

    python benchmarks/bench_eliashberg.py                          # points + a serial 9 x 5 map
    python benchmarks/bench_eliashberg.py --map 41 21 --workers 2  # the issue's map, 2 processes

Prints figures; asserts nothing about time (tests never time anything).
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse
import platform
import resource
import statistics
import time

import numpy as np

from multigap.constants import KB
from multigap.eliashberg import EliashbergTheory, constant_dos_tc
from multigap.presets import preset
from multigap.problem import cached_bands, pairing_problem
from multigap.theories import get_theory


def _line(label: str, value: str) -> None:
    print(f"{label:<52s} {value}")


def _median_time(func: object, repeat: int = 5) -> tuple[float, float, object]:
    """Median wall and CPU seconds of ``repeat`` calls (CPU time is robust on a loaded machine)."""
    times, cpus = [], []
    out = None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        out = func()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return statistics.median(times), statistics.median(cpus), out


def points() -> None:
    model = preset("A")
    cached_bands(model)
    theory = EliashbergTheory()
    for eta, g in ((1.0, 0.4), (1.0, 0.25), (0.5, 0.15)):
        problem = pairing_problem(model, eta, g=g)
        t, c, res = _median_time(lambda p=problem: theory.solve_tc(p))
        bcs = get_theory("bcs").solve_tc(problem)
        _line(
            f"model A (eta, g) = ({eta}, {g}), cold start",
            f"{t:.3f} s wall, {c:.3f} s CPU (median of 5): Tc = {res.tc:.2f} K, "  # type: ignore[attr-defined]
            f"{res.status}, {res.iterations} evals; BCS {bcs.tc:.2f} K",  # type: ignore[attr-defined]
        )
        if bcs.tc > 0:
            tw, cw, _ = _median_time(lambda p=problem, b=bcs.tc: theory.solve_tc(p, guess=0.6 * b))
            _line("  warm start (guess 0.6 Tc_BCS)", f"{tw:.3f} s wall, {cw:.3f} s CPU")
    problem = pairing_problem(model, 1.0, g=0.4)
    tc = theory.solve_tc(problem)
    for mode in ("fixed", "density"):
        t, c, gaps = _median_time(lambda m=mode: theory.solve_gaps(problem, mu_mode=m, tc=tc), repeat=3)
        _line(
            f"model A (1.0, 0.4) gaps, mu {mode}",
            f"{t:.3f} s wall, {c:.3f} s CPU (median of 3): 2D/kTc = {gaps.ratios.round(3)}",  # type: ignore[attr-defined]
        )
    t, _, res = _median_time(lambda: constant_dos_tc(1.0, 20.0, 0.1))
    _line("constant DOS, lambda = 1, mu* = 0.1, Omega = 20 meV", f"{t * 1e3:.1f} ms: Tc = {res.tc:.3f} K")  # type: ignore[attr-defined]
    _line(
        "lowest Tc resolved, model A at g = 0.4",
        f"{theory.lowest_tc(pairing_problem(model, 1.0, g=0.4)):.2f} K",
    )


def small_map(n_eta: int, n_g: int, workers: int) -> None:
    """A map of model A: wall time on ``workers`` processes, CPU time per point when serial."""
    from multigap.sweep import run_map

    model = preset("A")
    eta = np.linspace(-0.5, 2.0, n_eta)
    g = np.linspace(0.1, 0.49, n_g)
    executor = "serial" if workers == 1 else "processes"
    load = os.getloadavg()[0]
    t0, c0 = time.perf_counter(), time.process_time()
    run = run_map(model, eta, g, theory="eliashberg", executor=executor, workers=workers, progress=False)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    ds = run.dataset
    n = n_eta * n_g
    _line(f"map {n_eta} x {n_g} (eta -0.5..2, g 0.1..0.49), {executor} x{workers}", f"{wall:.1f} s wall")
    _line("  load average (1 min) at the start, cores", f"{load:.1f}, {os.cpu_count()}")
    _line("  per point: wall x workers / points", f"{wall * workers / n:.2f} s")
    if workers == 1:
        _line("  per point: CPU", f"{cpu / n:.3f} s")
        _line("  estimate 41 x 21 on 2 idle cores (from CPU time)", f"{cpu / n * 41 * 21 / 2 / 60:.1f} min")
    tc = ds["tc"].values
    status = ds["status"].values
    _line("  status counts (codes)", str({int(c): int(np.sum(status == c)) for c in np.unique(status)}))
    i, j = np.unravel_index(np.nanargmax(tc), tc.shape)
    _line("  Tc max", f"{tc[i, j]:.1f} K at eta = {eta[i]:.3g}, g = {g[j]:.3g}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--map", nargs=2, type=int, metavar=("N_ETA", "N_G"), default=(9, 5))
    parser.add_argument("--workers", type=int, default=1, help="1: serial, with CPU time per point")
    args = parser.parse_args()
    _line("machine", f"{platform.machine()} {platform.processor() or ''} python {platform.python_version()}")
    _line("BLAS threads", os.environ["OPENBLAS_NUM_THREADS"])
    _line("Boltzmann constant used", f"{KB:.8f} meV/K")
    points()
    small_map(args.map[0], args.map[1], args.workers)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    _line("peak memory of this process (serial map: all of it)", f"{rss:.0f} MiB")


if __name__ == "__main__":
    main()
