"""Benchmarks of the inverse problems: the H3S path fit and a superlattice design.

Targets (issue 12): the fit of the shipped H3S numbers in <= 2 min; a design at the paper's
coupling in <= 10 min on 2 cores.  Prints the wall times and the results; asserts nothing.

Usage::

    .venv/bin/python benchmarks/bench_inverse.py            # both
    .venv/bin/python benchmarks/bench_inverse.py fit        # the fit only (starts in this process)
    .venv/bin/python benchmarks/bench_inverse.py fit --fit-workers 2   # starts on 2 processes
    .venv/bin/python benchmarks/bench_inverse.py design --workers 2
"""

from __future__ import annotations

import argparse
import os
import time


def bench_fit(starts: int, workers: int) -> None:
    from multigap import preset
    from multigap.inverse import combine, fit_path, load_data

    data = combine([load_data("h3s_dome_paper"), load_data("h3s_d3s_isotope")])
    t0 = time.perf_counter()
    where = {"executor": "processes", "workers": workers} if workers > 1 else {"executor": "serial"}
    res = fit_path(preset("A"), data, free=("eta-law", "g"), n_starts=starts, seed=0, **where)
    t_fit = time.perf_counter() - t0
    t0 = time.perf_counter()
    ds = res.to_dataset()
    t_pred = time.perf_counter() - t0
    print("\n".join(res.summary()))
    print("  prediction: P (GPa), Tc (K), alpha")
    for p, tc, a, sa in zip(
        ds["pressure"].values, ds["tc"].values, ds["alpha"].values, ds["alpha_sigma"].values, strict=True
    ):
        print(f"    {p:7.1f} {tc:8.2f} {a:6.3f} ± {sa:.3f}")
    print(
        f"FIT: {t_fit:.1f} s for {starts} starts on {workers} process(es) ({res.n_evaluations} "
        "evaluations), prediction with "
        f"uncertainty bands {t_pred:.1f} s (target <= 120 s in all); cpu_count = {os.cpu_count()}"
    )


def bench_design(workers: int, maxiter: int, popsize: int, g: float, omega0: float) -> None:
    from multigap.inverse.design import design

    t0 = time.perf_counter()
    res = design(g, omega0, executor="processes", workers=workers, maxiter=maxiter, popsize=popsize, seed=0)
    dt = time.perf_counter() - t0
    print("\n".join(res.summary()))
    print(
        f"DESIGN: {dt:.1f} s on {workers} worker processes, {res.n_evaluations} evaluations "
        f"(target <= 600 s on 2 cores); cpu_count = {os.cpu_count()}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", nargs="?", choices=("fit", "design", "both"), default="both")
    ap.add_argument("--starts", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2, help="worker processes of the design")
    ap.add_argument("--fit-workers", type=int, default=1, help="worker processes of the fit's starts")
    ap.add_argument("--maxiter", type=int, default=25)
    ap.add_argument("--popsize", type=int, default=8)
    ap.add_argument("--g", type=float, default=0.3)
    ap.add_argument("--omega0", type=float, default=330.0)
    args = ap.parse_args()
    if args.what in ("fit", "both"):
        bench_fit(args.starts, args.fit_workers)
    if args.what in ("design", "both"):
        bench_design(args.workers, args.maxiter, args.popsize, args.g, args.omega0)


if __name__ == "__main__":
    main()
