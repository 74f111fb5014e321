"""Start-up cost: what each entry point imports (issue #13, CLI overheads and the map's fixed cost).

Timings live in ``benchmarks/``; these tests check the causes instead, by module names in
``sys.modules`` of fresh interpreters: ``multigap.sweep`` and ``multigap.figures`` import their
modules lazily (PEP 562) with an unchanged public API, ``multigap map`` never imports matplotlib,
and the sweep worker processes (the fork server's preload and a worker solving a real chunk)
import neither xarray nor pandas, matplotlib or dask, and start with the chunk solver loaded.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

#: Modules the solving side never needs: the labelled-data, plotting and Dask stacks.
HEAVY = ("xarray", "pandas", "matplotlib", "dask", "distributed", "h5netcdf")


def _run_python(code: str, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    """Run ``code`` in a fresh interpreter (no inherited BLAS settings); its stdout."""
    full_env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _loaded_after(statement: str) -> set[str]:
    """The top-level packages of :data:`HEAVY` (and numpy) in ``sys.modules`` after ``statement``."""
    code = f"import sys\n{statement}\nprint(' '.join(sorted(sys.modules)))"
    return set(_run_python(code).split()) & {*HEAVY, "numpy", "scipy"}


@pytest.mark.parametrize("package", ["multigap.sweep", "multigap.figures"])
def test_application_packages_import_nothing_heavy(package: str) -> None:
    assert _loaded_after(f"import {package}") == set()


@pytest.mark.parametrize(
    ("package", "module", "name"),
    [
        ("multigap.sweep", "multigap.sweep.maps", "run_map"),
        ("multigap.sweep", "multigap.sweep.assemble", "SweepRun"),
        ("multigap.sweep", "multigap.sweep.executors", "CONNECT_TIMEOUT"),
        ("multigap.figures", "multigap.figures.maps", "tc_map_figure"),
        ("multigap.figures", "multigap.figures.style", "save_figure"),
        ("multigap.figures", "multigap.figures.cuts", "FIG8_G"),
    ],
)
def test_lazy_names_are_the_defining_modules_objects(package: str, module: str, name: str) -> None:
    assert getattr(importlib.import_module(package), name) is getattr(importlib.import_module(module), name)


@pytest.mark.parametrize("package", ["multigap.sweep", "multigap.figures"])
def test_every_public_name_resolves_and_unknown_names_raise(package: str) -> None:
    mod = importlib.import_module(package)
    for name in mod.__all__:
        assert getattr(mod, name) is not None, name
        assert name in dir(mod)
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        mod.not_a_name  # noqa: B018
    exec(f"from {package} import *", namespace := {})  # star-import gives exactly __all__
    assert {k for k in namespace if not k.startswith("__")} == set(mod.__all__)


def test_figure_style_data_helpers_need_no_matplotlib() -> None:
    """``floor_text`` (the map summary) and the status helpers import without matplotlib."""
    loaded = _loaded_after(
        "from multigap.figures.style import floor_text, omitted_note, shown_tc\n"
        "import xarray as xr\n"
        "assert floor_text(xr.Dataset(attrs={'tc_floor_K': 1e-8})) == '1e-08 K'"
    )
    assert "matplotlib" not in loaded


def test_fork_server_preload_sets_single_threads_and_imports_only_the_solvers() -> None:
    code = (
        "import os, sys\n"
        "import multigap\n"
        "assert 'numpy' not in sys.modules  # the variables below are set before numpy loads\n"
        "import multigap._sweep_worker as w\n"
        "print(sorted(os.environ[v] for v in w.SINGLE_THREAD_VARIABLES))\n"
        "print('multigap.sweep.engine' in sys.modules, 'scipy' in sys.modules)\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    threads, warm, heavy = _run_python(code).splitlines()
    assert threads == "['1', '1', '1']"
    assert warm == "True True"  # solve_chunk (what workers unpickle) and scipy are preloaded
    assert heavy == "[]"


#: A script that runs ``multigap map`` in process on the process executor, with the chunk
#: solver wrapped so that each worker writes down what it had loaded before solving (the chunk
#: unpickled: the engine, the model, the band structure) and after.
MAP_SCRIPT = textwrap.dedent(
    """
    import json, os, sys

    HEAVY = {heavy!r}


    def probe(chunk):
        before = sorted(m for m in HEAVY if m in sys.modules)  # the chunk is unpickled by now
        from multigap.sweep.engine import solve_chunk

        out = solve_chunk(chunk)
        after = sorted(m for m in HEAVY if m in sys.modules)
        record = {{"before": before, "after": after, "threads": os.environ.get("OPENBLAS_NUM_THREADS")}}
        with open(os.environ["PROBE_OUT"], "a") as fh:
            fh.write(json.dumps(record) + "\\n")
        return out


    if __name__ == "__main__":
        from multigap.cli import main
        from multigap.sweep import engine

        engine.solve_chunk = probe
        try:
            main(sys.argv[1:], prog_name="multigap")
        except SystemExit as exc:
            assert not exc.code, exc.code
        print("PARENT", json.dumps(sorted(m for m in HEAVY if m in sys.modules)))
    """
)


def test_map_command_imports_no_matplotlib_and_its_workers_no_xarray(tmp_path: Path) -> None:
    script = tmp_path / "run_map.py"
    script.write_text(MAP_SCRIPT.format(heavy=HEAVY))
    probe_out = tmp_path / "probe.jsonl"
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    env["PROBE_OUT"] = str(probe_out)
    args = ["map", "--eta=0.5:1:2", "--g=0.3:0.4:2", "--chunk-size", "2", "--workers", "2"]
    proc = subprocess.run(
        [sys.executable, str(script), *args, "--out", str(tmp_path / "m.nc"), "--no-progress"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "4 converged" in proc.stdout
    parent = json.loads(proc.stdout.split("PARENT ", 1)[1])
    assert "matplotlib" not in parent  # the summary's floor_text comes without the figures
    assert "xarray" in parent  # the caller does assemble the Dataset (the check is not vacuous)
    records = [json.loads(line) for line in probe_out.read_text().splitlines()]
    assert len(records) == 2  # one per chunk, each in a worker process
    for record in records:
        assert record == {"before": [], "after": [], "threads": "1"}
