"""Figures of the performance issue (#13), each printed with its target.

Run from the repository root (``python benchmarks/bench.py --map`` calls this):

    python benchmarks/bench_map.py            # all goals (~5 min on 2 idle cores)
    python benchmarks/bench_map.py --quick    # smaller adaptive and Dask runs (~2 min)

1. CLI start-up: ``multigap --version``, ``--help``, one ``multigap tc`` (best of 5, wall).
2. The 201 x 101 map of model A through ``multigap map --workers 2`` (wall, start-up
   included), and 200 of its points against point-by-point cold solves.
3. Adaptive map: 10 K contours and the dome maximum of an adaptive 401 x 201 map against the
   uniform one, and the share of points computed.
4. Per-point cost of a 12-subband superlattice against the 3-band model A.
5. Dask LocalCluster (2 workers): points per second and worker memory, extrapolated to
   1001 x 501 (``--full-dask`` runs it).

Prints figures; asserts nothing (tests never time anything).  Wall times depend on what else
runs on the machine: the load average is printed with each figure.
"""

from __future__ import annotations

import os

# one BLAS thread, as in sweep workers (multigap._sweep_worker): set before numpy is imported
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ETA_201, G_101 = np.linspace(-1.0, 2.0, 201), np.linspace(0.1, 0.49, 101)


def _line(label: str, value: str, target: str) -> None:
    print(f"{label:<52s} {value:<34s} target {target}", flush=True)


def _load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def _multigap() -> str:
    exe = Path(sys.executable).with_name("multigap")
    return str(exe) if exe.exists() else "multigap"


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _best_wall(args: list[str], repeat: int = 5) -> tuple[float, float]:
    """Best wall time and the CPU time of that run, of ``repeat`` runs of a command."""
    best = (float("inf"), 0.0)
    for _ in range(repeat):
        c0, t0 = _children_cpu(), time.perf_counter()
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall, cpu = time.perf_counter() - t0, _children_cpu() - c0
        best = min(best, (wall, cpu))
    return best


def cli_overheads() -> None:
    exe = _multigap()
    for label, args, target in (
        ("multigap --version (s, best of 5)", [exe, "--version"], "<= 0.3 s"),
        ("multigap --help (s, best of 5)", [exe, "--help"], "<= 0.3 s"),
        ("multigap tc --eta 1 --g 0.4 (s, best of 5)", [exe, "tc", "--eta", "1", "--g", "0.4"], "<= 0.8 s"),
    ):
        wall, cpu = _best_wall(args)
        _line(label, f"{wall:.2f} s wall, {cpu:.2f} s CPU ({_load()})", target)


def map_201x101(tmp: Path) -> None:
    from multigap import preset
    from multigap.io import read_dataset
    from multigap.problem import cached_bands, pairing_problem
    from multigap.sweep import run_map
    from multigap.tc import solve_tc

    out = tmp / "map201.nc"
    args = [_multigap(), "map", "--eta", "-1:2:201", "--g", "0.1:0.49:101", "--out", str(out)]
    t0 = time.perf_counter()
    subprocess.run([*args, "--workers", "2", "--no-progress"], check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    _line("201 x 101 map of model A, 2 workers (incl. start-up)", f"{wall:.1f} s wall ({_load()})", "<= 5 s")
    # CPU per point in this process (the pool's workers are not our children): 11 rows, serial
    run_map(preset("A"), ETA_201[:5], G_101[:2], executor="serial", progress=False)  # warm imports
    c0 = time.process_time()
    run_map(preset("A"), ETA_201, G_101[::10], executor="serial", progress=False)
    per_point = (time.process_time() - c0) / (201 * 11)
    _line(
        "  CPU per point (201 x 11 rows, serial)",
        f"{1e3 * per_point:.2f} ms -> {20301 * per_point / 2:.1f} s on 2 cores",
        "(<= 5 s incl. start-up)",
    )
    ds = read_dataset(out)
    model, rng = preset("A"), np.random.default_rng(13)
    bands = cached_bands(model)
    worst = 0.0
    for _ in range(200):
        i, j = int(rng.integers(201)), int(rng.integers(101))
        ref = solve_tc(pairing_problem(model, float(ETA_201[i]), g=float(G_101[j]), bands=bands))
        worst = max(worst, abs(float(ds["tc"].values[i, j]) - ref.tc) / max(ref.tc, 1e-300))
    _line("  200 map points vs point-by-point cold solves", f"max rel deviation {worst:.1e}", "<= 1e-6")
    _line("  Tc evaluations per point (warm-start levels)", f"{float(ds['iterations'].mean()):.2f}", "-")


def _crossings(col: np.ndarray, level: float) -> list[float]:
    s = np.sign(col - level)
    idx = np.flatnonzero(np.diff(s) != 0)
    return [i + (level - col[i]) / (col[i + 1] - col[i]) for i in idx if np.isfinite(col[i : i + 2]).all()]


def adaptive(quick: bool) -> None:
    from multigap import preset
    from multigap.status import Status
    from multigap.sweep import run_map

    ne, ng, levels, tol = (201, 101, 5, 0.1) if quick else (401, 201, 6, 0.1)
    eta, g = np.linspace(-1.0, 2.0, ne), np.linspace(0.1, 0.49, ng)
    model = preset("A")
    t0 = time.perf_counter()
    uni = run_map(model, eta, g, workers=2, progress=False).dataset
    t_uni = time.perf_counter() - t0
    t0 = time.perf_counter()
    ada = run_map(
        model, eta, g, workers=2, progress=False, adaptive=True, levels=levels, adaptive_tol=tol
    ).dataset
    t_ada = time.perf_counter() - t0
    computed = ada["status"].values != Status.INTERPOLATED.code
    u, a = uni["tc"].values, ada["tc"].values
    _line(
        f"adaptive {ne} x {ng}, levels {levels}, tol {tol} K: computed",
        f"{100 * computed.mean():.1f} % of points ({t_ada:.0f} s vs {t_uni:.0f} s)",
        "<= 15 %",
    )
    shifts, missing = [], 0
    for level in np.arange(10.0, np.nanmax(u), 10.0):
        for j in range(ng):
            cu, ca = _crossings(u[:, j], level), _crossings(a[:, j], level)
            if len(cu) != len(ca):
                missing += 1
                continue
            shifts += [abs(x - y) for x, y in zip(cu, ca, strict=True)]
    arr = np.array(shifts)
    _line(
        "  10 K contours vs uniform (shift in fine eta steps)",
        f"max {arr.max():.2f}, 99% {np.percentile(arr, 99):.2f}, {missing} rows differ",
        "< 1 step",
    )
    iu = np.unravel_index(int(np.nanargmax(u)), u.shape)
    ia = np.unravel_index(int(np.nanargmax(np.where(computed, a, -np.inf))), a.shape)
    _line(
        "  dome maximum: uniform vs adaptive",
        f"{u[iu]:.6f} K {tuple(map(int, iu))} / {a[ia]:.6f} K {tuple(map(int, ia))}",
        "same point",
    )
    both = computed & np.isfinite(u) & (u > 0)
    dev = np.max(np.abs(a[both] - u[both]) / u[both])
    _line("  computed points vs the uniform map", f"max rel deviation {dev:.1e}", "<= 1e-6")


def subbands() -> None:
    from multigap.model import Model, Numerics, Pairing, Superlattice
    from multigap.presets import preset
    from multigap.problem import cached_bands, pairing_problems
    from multigap.tc import solve_tc_many

    def superlattice(n: int, wire: float) -> Model:
        return Model(
            name=f"SL{n}",
            lattice=Superlattice.wire_spacer(
                wire_width=wire, spacer_width=0.55, barrier=4160.0, wire_mass=1.0,
                spacer_mass=0.5095722139164204,
            ),
            pairing=Pairing.from_couplings([0.10] * (n - 1) + [0.25], 0.02, omega0=330.0),
            active_band=n,
            numerics=Numerics(n_z=48),
        )  # fmt: skip

    costs = {}
    for label, model in (
        ("3 bands (model A)", preset("A")),
        ("12 bands (wire 3.4 nm, n_z 48)", superlattice(12, 3.4)),
    ):
        bands = cached_bands(model)
        problems = pairing_problems(model, list(np.linspace(-1.0, 2.0, 100)), g=0.4, bands=bands)
        first = solve_tc_many(problems)
        guesses = [r.tc * 1.003 if not isinstance(r, BaseException) else None for r in first]
        best = float("inf")
        for _ in range(3):
            c = time.process_time()
            solve_tc_many(problems, guesses=guesses)
            best = min(best, time.process_time() - c)
        costs[label] = 1e3 * best / len(problems)
        states = sum(st.q.size for st in problems[60].states(problems[60].mu0, 1.0))
        _line(f"  per point, warm start: {label}", f"{costs[label]:.2f} ms CPU, {states} q states", "-")
    a, b = costs.values()
    _line("12-subband / 3-band cost per point", f"{b / a:.1f}x ({_load()})", "<= 2x")


def dask_estimate(quick: bool, full: bool, tmp: Path) -> None:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - the optional dask extra
        print("dask: not installed (pip install multigap[dask])")
        return
    from multigap import preset
    from multigap.sweep import run_map

    ne, ng = (1001, 501) if full else ((101, 51) if quick else (201, 101))
    eta, g = np.linspace(-1.0, 2.0, ne), np.linspace(0.1, 0.49, ng)
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        client.run(lambda: __import__("multigap.tc"))
        t0 = time.perf_counter()
        run_map(preset("A"), eta, g, out=tmp / "dask.nc", scheduler=client, progress=False)
        wall = time.perf_counter() - t0
        rss = client.run(lambda: __import__("psutil").Process().memory_info().rss)
    per_s = ne * ng / wall
    _line(f"Dask LocalCluster 2 workers, {ne} x {ng}", f"{per_s:.0f} points/s ({_load()})", "-")
    _line(
        "  1001 x 501 map (measured or extrapolated)",
        f"{501501 / per_s:.0f} s" + ("" if full else " (extrapolated)"),
        "<= 300 s",
    )
    _line("  worker memory (RSS, largest)", f"{max(rss.values()) / 2**20:.0f} MiB", "<= 1024 MiB")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smaller adaptive and Dask runs")
    parser.add_argument("--full-dask", action="store_true", help="run the whole 1001 x 501 map on Dask")
    parser.add_argument("--only", choices=["cli", "map", "adaptive", "subbands", "dask"], action="append")
    args = parser.parse_args(argv)
    todo = args.only or ["cli", "map", "adaptive", "subbands", "dask"]
    print(f"issue 13 figures, {os.cpu_count()} cores, {_load()} at start")
    tmp = Path(tempfile.mkdtemp(prefix="bench_map_"))
    try:
        if "cli" in todo:
            cli_overheads()
        if "map" in todo:
            map_201x101(tmp)
        if "adaptive" in todo:
            adaptive(args.quick)
        if "subbands" in todo:
            subbands()
        if "dask" in todo:
            dask_estimate(args.quick, args.full_dask, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
