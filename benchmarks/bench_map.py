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
5. The map on a Dask LocalCluster as a user runs it: ``multigap map --eta -1:2:NE --g
   0.1:0.49:NG --scheduler local --workers 2 --out F --no-progress`` is SIGKILLed part way
   (``--dask-kill 50%``: once half its chunks are stored, or ``30s``) and run again to resume;
   wall times, chunks reused, points/s/core, peak RSS per worker (psutil, sampled), and the
   resumed map checked (statuses; chunks recomputed in-process, bit for bit).  The grid is
   201 x 101 (``--quick`` 101 x 51), extrapolated to 1001 x 501; ``--full-dask`` runs
   1001 x 501 itself (~2.5 min on 2 idle cores), ``--dask-shape NExNG`` any size.

Prints figures; asserts nothing (tests never time anything).  Wall times depend on what else
runs on the machine: the load average is printed with each figure.
"""

from __future__ import annotations

import os

# one BLAS thread, as in sweep workers (multigap._sweep_worker): set before numpy is imported
_BLAS_SET_HERE = [
    n for n in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS") if n not in os.environ
]  # left out of the environment of the Dask run, which starts the command as a user's shell does
for _name in _BLAS_SET_HERE:
    os.environ[_name] = "1"

import argparse  # noqa: E402
import contextlib  # noqa: E402
import math  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

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
    from multigap.presets import many_subbands, preset
    from multigap.problem import cached_bands, pairing_problems
    from multigap.tc import solve_tc_many

    costs = {}
    for label, model in (
        ("3 bands (model A)", preset("A")),
        ("12 bands (wire 3.4 nm, n_z 48)", many_subbands(12, 3.4)),
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


#: Grid of the Dask figure: the issue's 1001 x 501 (``--full-dask``), or a rehearsal size.
FULL_DASK_SHAPE = (1001, 501)
#: Rehearsal sizes: the default and ``--quick`` (``--dask-shape`` overrides both).
DASK_SHAPE, QUICK_DASK_SHAPE = (201, 101), (101, 51)
#: Seconds between samples of the process tree (RSS, CPU times) of a ``multigap map`` run.
SAMPLE_PERIOD = 0.2
_SUMMARY = re.compile(r"chunks: (\d+) computed, (\d+) reused of (\d+).*wall time ([\d.]+) s")


def _shape(text: str) -> tuple[int, int]:
    """``NETAxNG`` -> (NETA, NG), e.g. ``201x101``."""
    try:
        ne, ng = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give the grid as NETAxNG, e.g. 201x101") from None
    if ne < 2 or ng < 2:
        raise argparse.ArgumentTypeError(f"{text!r}: at least 2 x 2 points")
    return ne, ng


def _kill_at(text: str) -> tuple[str, float]:
    """``50%`` (share of the chunks stored) or ``30s`` (seconds after the start) -> (kind, value)."""
    kind = "share" if text.endswith("%") else "seconds" if text.endswith("s") else ""
    try:
        value = float(text[:-1])
    except ValueError:
        kind = ""
    if not kind or not (0 < value < 100 if kind == "share" else value > 0):
        raise argparse.ArgumentTypeError(f"{text!r}: give a share of the chunks (50%) or seconds (30s)")
    return kind, value / 100 if kind == "share" else value


class _Sampled:
    """One ``multigap map`` run in a child process, its process tree sampled with psutil.

    Records the wall time, the peak RSS of every process of the tree (the CLI itself, which
    is the Dask client and the LocalCluster's scheduler, and each Dask worker: the processes
    started through ``multiprocessing.spawn``), the last CPU times seen of each, and a
    timeline of (chunks stored, worker CPU, CLI CPU) per sample.
    """

    def __init__(self, args: list[str], env: dict[str, str], stored: Callable[[], int]) -> None:
        import psutil

        self.args, self.env, self.stored = args, env, stored
        self.peak: dict[int, int] = {}
        self.cpu: dict[int, float] = {}
        self.kind: dict[int, str] = {}
        self.procs: dict[int, psutil.Process] = {}
        self.timeline: list[tuple[int, float, float]] = []
        self.wall, self.stdout, self.returncode, self.survivors = 0.0, "", 0, 0
        self.load = (os.getloadavg()[0], 0.0)

    def _sample(self, root: Any) -> None:
        import psutil

        try:
            tree = [root, *root.children(recursive=True)]
        except psutil.Error:
            return
        for proc in tree:
            try:
                with proc.oneshot():
                    rss, times = proc.memory_info().rss, proc.cpu_times()
                    if proc.pid not in self.kind:
                        cmd = " ".join(proc.cmdline())
                        self.kind[proc.pid] = (
                            "cli" if proc.pid == root.pid
                            else "worker" if "spawn_main" in cmd
                            else "helper"
                        )  # fmt: skip
                        self.procs[proc.pid] = proc
            except psutil.Error:
                continue
            self.peak[proc.pid] = max(self.peak.get(proc.pid, 0), rss)
            self.cpu[proc.pid] = times.user + times.system
        self.timeline.append((self.stored(), self.cpu_of("worker"), self.cpu_of("cli")))

    def run(self, stop: Callable[[float], bool] | None = None) -> _Sampled:
        """Run to the end, or SIGKILL the CLI process (only it, as ``kill -9 PID``) once ``stop(elapsed)``."""
        import psutil

        with tempfile.TemporaryFile("w+") as log:
            t0 = time.perf_counter()
            child = subprocess.Popen(self.args, stdout=log, stderr=subprocess.STDOUT, env=self.env)
            root = psutil.Process(child.pid)
            killed = False
            while child.poll() is None:
                self._sample(root)
                if stop is not None and stop(time.perf_counter() - t0):
                    child.kill()  # SIGKILL: no handler runs, nothing is cleaned up
                    killed = True
                    break
                time.sleep(SAMPLE_PERIOD)
            self.returncode = child.wait()
            self.wall = time.perf_counter() - t0
            self.load = (self.load[0], os.getloadavg()[0])
            if killed:  # the workers must exit by themselves once their parent is gone
                others = [p for pid, p in self.procs.items() if self.kind[pid] != "cli"]
                _, alive = psutil.wait_procs(others, timeout=15)
                self.survivors = len(alive)
                for proc in alive:  # do not leave them running (reported above)
                    with contextlib.suppress(psutil.Error):
                        proc.kill()
            log.seek(0)
            self.stdout = log.read()
        return self

    def rss(self, kind: str) -> int:
        return max((v for pid, v in self.peak.items() if self.kind[pid] == kind), default=0)

    def cpu_of(self, kind: str) -> float:
        return sum(v for pid, v in self.cpu.items() if self.kind[pid] == kind)

    def steady(self) -> tuple[int, float, float]:
        """(chunks stored, worker CPU s, CLI CPU s) from the first chunk stored by this run to the
        last sample: the cost per chunk without start-up (imports, cluster start)."""
        if not self.timeline:
            return 0, 0.0, 0.0
        base = self.timeline[0][0]
        first = next((t for t in self.timeline if t[0] > base), None)
        if first is None:
            return 0, 0.0, 0.0
        # the most chunks seen (a finished run removes its parts folder at the end)
        last = max(self.timeline, key=lambda t: t[0])
        return last[0] - first[0], last[1] - first[1], last[2] - first[2]

    def load_text(self) -> str:
        return f"load {self.load[0]:.1f} -> {self.load[1]:.1f}"


def _recheck_chunks(out: Path, chunk_size: int, indices: list[int]) -> tuple[int, list[str], float]:
    """Recompute chunks of the stored map in this process (serial, uninterrupted) and compare
    every variable bit for bit: (points compared, differences, CPU s of the solves)."""
    from multigap import preset
    from multigap.io import read_dataset
    from multigap.sweep.engine import DEFAULT_RTOL, Chunk, make_settings, solve_chunk

    ds = read_dataset(out)
    eta, g = ds["eta"].values, ds["g"].values
    ig, ie = np.unravel_index(np.arange(eta.size * g.size), (g.size, eta.size))  # eta fastest
    settings = make_settings(
        preset("A"), theory="bcs", theory_options=None, bound=None, bound_options=None,
        quantities=("tc",), mu_mode="fixed", gap_mu_mode="density", rtol=DEFAULT_RTOL,
    )  # fmt: skip
    compared, differences, cpu = 0, [], 0.0
    for k in indices:
        lo, hi = k * chunk_size, min((k + 1) * chunk_size, eta.size * g.size)
        chunk = Chunk(k, settings, True, eta[ie[lo:hi]], g[ig[lo:hi]], None, ig[lo:hi].astype(np.int64))
        c0 = time.process_time()
        fresh_arrays = solve_chunk(chunk)
        cpu += time.process_time() - c0
        for name, fresh in fresh_arrays.items():
            stored = ds[name].values.T.reshape(-1)[lo:hi]  # (eta, g) -> flat, eta fastest
            same = (
                np.array_equal(stored, fresh, equal_nan=True)
                if stored.dtype.kind == "f" else np.array_equal(stored, fresh)
            )  # fmt: skip
            if not same:
                differences.append(f"chunk {k} {name}")
        compared += hi - lo
    return compared, differences, cpu


def dask_cli(shape: tuple[int, int], kill: tuple[str, float], n_check: int, workers: int, tmp: Path) -> None:
    """The command a user runs, on a Dask LocalCluster: killed part way (SIGKILL), then resumed.

    Prints the wall times, the chunks reused, the throughput (points per second per core, from
    the workers' CPU time and end to end), the peak RSS of each kind of process, and checks
    the resumed map: every status converged or below the floor, and ``n_check`` chunks
    (kept from the killed run and computed on resuming) equal, bit for bit, an uninterrupted
    serial run of the same chunks in this process.
    """
    try:
        import dask.distributed  # noqa: F401
        import psutil  # noqa: F401  (a dependency of distributed)
    except ImportError:  # pragma: no cover - the optional dask extra
        print("dask: not installed (pip install multigap[dask])")
        return
    from multigap.io import read_dataset
    from multigap.status import Status
    from multigap.sweep.engine import DEFAULT_CHUNK_SIZE

    ne, ng = shape
    n_points, chunk = ne * ng, DEFAULT_CHUNK_SIZE
    n_chunks = -(-n_points // chunk)
    out = tmp / f"dask_{ne}x{ng}.nc"
    parts = out.with_name(out.name + ".parts")
    args = [
        _multigap(), "map", "--eta", f"-1:2:{ne}", "--g", f"0.1:0.49:{ng}", "--scheduler", "local",
        "--workers", str(workers), "--out", str(out), "--no-progress",
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k not in _BLAS_SET_HERE}  # as a user's shell
    print(f"Dask: {' '.join(['multigap', *args[1:]])}", flush=True)

    def stored() -> list[int]:
        return sorted(int(f.stem[6:]) for f in parts.glob("chunk_*.npz")) if parts.is_dir() else []

    kind, value = kill
    at = f"{100 * value:.0f}% of the chunks stored" if kind == "share" else f"{value:g} s"
    if kind == "share":
        stop = lambda elapsed: len(stored()) >= value * n_chunks  # noqa: E731
    else:
        stop = lambda elapsed: elapsed >= value  # noqa: E731
    first = _Sampled(args, env, lambda: len(stored())).run(stop)
    if first.returncode == 0:  # finished before the kill: nothing to resume
        print(f"  the first run finished ({first.wall:.1f} s) before the kill at {at}")
    kept_chunks = stored()
    _line(
        f"  1st run, SIGKILLed at {at}",
        f"{first.wall:.1f} s wall, {len(kept_chunks)} of {n_chunks} chunks kept ({first.load_text()})",
        "-",
    )
    _line("  worker processes left after the kill", f"{first.survivors} (waited <= 15 s)", "0")
    second = _Sampled(args, env, lambda: len(stored())).run()
    if second.returncode != 0:
        print(f"  resumed run failed (exit {second.returncode}):\n{second.stdout[-2000:]}")
        return
    match = _SUMMARY.search(second.stdout)
    computed, reused, total, compute_wall = (
        (int(match[1]), int(match[2]), int(match[3]), float(match[4])) if match else (-1, -1, -1, math.nan)
    )
    _line(
        "  resumed run (same command)",
        f"{second.wall:.1f} s wall ({compute_wall:.1f} s computing; {second.load_text()})",
        "-",
    )
    _line(
        "  chunks reused / computed / total (CLI summary)",
        f"{reused} / {computed} / {total}",
        f"{len(kept_chunks)} / {n_chunks - len(kept_chunks)} / {n_chunks}",
    )
    total_wall = first.wall + second.wall
    _line(
        f"  total wall, {ne} x {ng} ({n_points} points, {workers} workers)",
        f"{total_wall:.1f} s, 2 start-ups ({second.load_text()})",
        "<= 300 s" if shape == FULL_DASK_SHAPE else "- (1001 x 501: <= 300 s)",
    )
    _line(
        "  end to end points/s/core (points / total wall / workers)",
        f"{n_points / total_wall / workers:.0f} ({second.load_text()})",
        "-",
    )
    steady = [run.steady() for run in (first, second)]
    n_steady = sum(s[0] for s in steady) * chunk
    startup = second.wall - compute_wall
    if n_steady < 4 * chunk:  # too few chunks stored between samples for a rate
        print(f"  (too few chunks for CPU rates: {n_steady // chunk}; use a larger --dask-shape)")
    else:
        worker_pp = sum(s[1] for s in steady) / n_steady
        cli_per_chunk = sum(s[2] for s in steady) / (n_steady / chunk)
        _line(
            "  worker CPU per point, after the first chunk",
            f"{1e3 * worker_pp:.2f} ms -> {1 / worker_pp:.0f} points/s/core",
            "-",
        )
        _line("  CLI CPU (client + scheduler + chunk writes) per chunk", f"{1e3 * cli_per_chunk:.0f} ms", "-")
        if shape != FULL_DASK_SHAPE:
            full_points, full_chunks = 501501, -(-501501 // chunk)
            full = (full_points * worker_pp + full_chunks * cli_per_chunk) / workers + startup
            _line(
                "  1001 x 501 extrapolated (idle cores, one start-up)",
                f"{full:.0f} s ({startup:.1f} s start-up + final write)",
                "<= 300 s",
            )
    workers_rss = max(first.rss("worker"), second.rss("worker"))
    _line("  peak RSS per worker (psutil, sampled)", f"{workers_rss / 2**20:.0f} MiB", "<= 1024 MiB")
    _line(
        "  peak RSS of the CLI (client + scheduler)",
        f"{max(first.rss('cli'), second.rss('cli')) / 2**20:.0f} MiB",
        "-",
    )
    status = read_dataset(out)["status"].values
    ok = np.isin(status, [Status.CONVERGED.code, Status.BELOW_FLOOR.code])
    _line("  statuses converged or below the floor", f"{int(ok.sum())} of {status.size}", f"{status.size}")
    rng = np.random.default_rng(4)
    picks: list[int] = []
    for group in (kept_chunks, sorted(set(range(n_chunks)) - set(kept_chunks))):  # kept, then new
        if group:
            k = min(len(group), max(1, n_check // 2))
            ends = [group[0], group[-1]][:k]
            rest = [c for c in group if c not in ends]
            picks += sorted({*ends, *rng.choice(rest, size=min(k - len(ends), len(rest)), replace=False)})
    compared, differences, cpu = _recheck_chunks(out, chunk, [int(k) for k in picks])
    _line(
        f"  {len(picks)} chunks vs an uninterrupted serial run",
        f"{compared} points, {len(differences)} differ",
        "0 differ (bit for bit)",
    )
    if differences:
        print(f"    differ: {', '.join(differences[:10])}")
    _line(
        "  in-process serial CPU per point (those chunks)",
        f"{1e3 * cpu / max(compared, 1):.2f} ms -> {compared / max(cpu, 1e-12):.0f} points/s/core",
        "-",
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smaller adaptive and Dask runs")
    parser.add_argument(
        "--full-dask",
        action="store_true",
        help="the Dask part on the issue's 1001 x 501 grid (~2.5 min idle)",
    )
    parser.add_argument(
        "--dask-shape", type=_shape, metavar="NETAxNG",
        help=f"grid of the Dask part (default {DASK_SHAPE[0]}x{DASK_SHAPE[1]}, --quick "
        f"{QUICK_DASK_SHAPE[0]}x{QUICK_DASK_SHAPE[1]}, --full-dask 1001x501)",
    )  # fmt: skip
    parser.add_argument(
        "--dask-kill", type=_kill_at, default=("share", 0.5), metavar="50%|30s",
        help="SIGKILL the first Dask run once this share of its chunks is stored, or after this "
        "many seconds (default 50%%); the same command then resumes",
    )  # fmt: skip
    parser.add_argument(
        "--dask-check",
        type=int,
        default=8,
        metavar="N",
        help="chunks of the resumed Dask map recomputed in-process and compared bit for bit (default 8)",
    )
    parser.add_argument("--dask-workers", type=int, default=2, metavar="N", help="Dask workers (default 2)")
    parser.add_argument("--only", choices=["cli", "map", "adaptive", "subbands", "dask"], action="append")
    args = parser.parse_args(argv)
    todo = args.only or ["cli", "map", "adaptive", "subbands", "dask"]
    shape = args.dask_shape or (
        FULL_DASK_SHAPE if args.full_dask else QUICK_DASK_SHAPE if args.quick else DASK_SHAPE
    )
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
            dask_cli(shape, args.dask_kill, args.dask_check, args.dask_workers, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
