"""Sweep engine figures: a 41 x 21 map serial vs processes, an η-cut, and the cost of resuming.

Run: ``.venv/bin/python benchmarks/bench_sweep.py [workers]``.  Prints wall times; asserts nothing
(speed goals are read by people, not by tests).  Resuming a finished parts folder measures the
chunk verification (SHA-256 of the manifest and of every chunk's arrays) on top of loading.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from multigap import preset
from multigap.sweep import engine as sweep_engine
from multigap.sweep import run_cut, run_map


def _line(label: str, value: str) -> None:
    print(f"{label:<58} {value}")


def main(workers: int) -> None:
    model = preset("A")
    eta, g = np.linspace(-1.0, 2.0, 41), np.linspace(0.1, 0.49, 21)
    for executor, n in (("serial", None), ("processes", workers)):
        t0 = time.perf_counter()
        run = run_map(model, eta, g, executor=executor, workers=n, progress=False)
        label = f"41 x 21 map, {executor}" + (f" ({n} workers)" if n else "")
        _line(label, f"{time.perf_counter() - t0:.2f} s ({run.chunks_total} chunks, {run.n_failed} failed)")

    t0 = time.perf_counter()
    run_cut(model, np.linspace(-1.0, 2.0, 16), g=0.25)
    _line("eta cut, 16 points with gaps and alpha, serial", f"{time.perf_counter() - t0:.2f} s")

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "map.nc"
        original = sweep_engine.solve_chunk
        done: list[int] = []

        def stop_at_end(chunk: sweep_engine.Chunk) -> dict:
            if len(done) == 27:  # all chunks of the 861-point map but the last
                raise KeyboardInterrupt
            done.append(chunk.index)
            return original(chunk)

        sweep_engine.solve_chunk = stop_at_end  # type: ignore[assignment]
        try:
            run_map(model, eta, g, out=out, executor="serial", chunk_size=31, progress=False)
        except KeyboardInterrupt:
            pass
        finally:
            sweep_engine.solve_chunk = original  # type: ignore[assignment]
        t0 = time.perf_counter()
        run = run_map(model, eta, g, out=out, executor="serial", chunk_size=31, progress=False)
        _line(
            "resume: 27 verified chunks loaded, 1 computed",
            f"{time.perf_counter() - t0:.2f} s (reused {run.chunks_reused}, rejected {run.chunks_rejected})",
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
