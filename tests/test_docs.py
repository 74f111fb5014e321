"""The documentation cannot rot: every Python example in it runs.

* Every ```` ```python ```` block of ``README.md`` and ``docs/**/*.md`` runs: the blocks of one
  page in order, as one script (later blocks may use names and files of earlier ones), in a fresh
  temporary folder, in a new interpreter with warnings as errors.  Blocks marked
  ```` ```python no-run ```` (they need a cluster) are compiled, not run.
* Every script ``examples/*.py`` runs from the repository root (as their docstrings say) with a
  temporary output folder as its argument, and must write what it announces.
* ``docs/api.md`` is what ``docs/gen_api.py`` generates from the current docstrings.

Under test the examples run on tiny grids, so that the documentation is checked in seconds
(the numbers they print are not checked here; the paper's numbers are, in test_reproduce.py,
which runs the one full ``reproduce --quick``):

* the environment sets ``MULTIGAP_GRID_SET=tiny`` (:data:`multigap.reproduce.GRID_SET_ENV`),
  so ``reproduce(quick=True)`` uses the ``tiny`` grid set;
* :func:`shrink_grids` rewrites every literal ``linspace(start, stop, N)`` with N >= 20 points
  into a coarser grid on the same ends whose points are a subset of the original one (about 7),
  in the blocks and in the example scripts (run from a rewritten copy of ``examples/``).

Every test that runs a page or a script starts a fresh interpreter (~2 s of imports, up to a
minute for a page that reproduces the paper on tiny grids) and is marked ``slow``: ``make quick``
leaves them out, ``make test`` runs them.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))

TIMEOUT = 600
#: The grid set that ``reproduce`` uses under test (see the module docstring).
GRID_SET_ENV, TINY_GRID_SET = "MULTIGAP_GRID_SET", "tiny"
#: ``linspace`` calls with at least this many points are shrunk under test.
SHRINK_FROM = 20
_LINSPACE = re.compile(
    r"(\blinspace\(\s*[^,()]+(?:\([^()]*\))?[^,()]*,\s*[^,()]+(?:\([^()]*\))?[^,()]*,\s*)(\d+)(?=\s*[,)])"
)

_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=indent)```[ \t]*$",
    flags=re.MULTILINE | re.DOTALL,
)


def python_blocks(text: str) -> list[tuple[int, str, bool]]:
    """The ```python blocks of a Markdown text: (first line number, code, runnable)."""
    blocks = []
    for m in _FENCE.finditer(text):
        info = m.group("info").strip().split()
        if not info or info[0] != "python":
            continue
        code = textwrap.dedent(m.group("body"))
        line = text.count("\n", 0, m.start("body")) + 1
        blocks.append((line, code, "no-run" not in info[1:]))
    return blocks


def tiny_count(n: int) -> int:
    """Points of the coarse grid that replaces ``linspace(a, b, n)``: n − 1 intervals merged
    into 6 (or 4, 8, 5, 7, 3), so that the coarse points are points of the original grid (the
    ends, and round values such as η = 0, 0.5, 1 on [−1, 2]); 7 if none divides n − 1."""
    if n < SHRINK_FROM:
        return n
    for intervals in (6, 4, 8, 5, 7, 3):
        if (n - 1) % intervals == 0:
            return intervals + 1
    return 7


def shrink_grids(code: str) -> str:
    """``code`` with every literal ``linspace(start, stop, N)``, N >= SHRINK_FROM, made coarse."""
    return _LINSPACE.sub(lambda m: f"{m.group(1)}{tiny_count(int(m.group(2)))}", code)


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["MPLBACKEND"] = "Agg"
    env[GRID_SET_ENV] = TINY_GRID_SET
    env.pop("PYTHONWARNINGS", None)
    return env


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "error", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=TIMEOUT,
        env=_env(),
    )


def _page_params() -> list[object]:
    params = []
    for page in DOCS:
        if not any(run for _, _, run in python_blocks(page.read_text(encoding="utf-8"))):
            continue
        params.append(pytest.param(page, id=_rel(page), marks=[pytest.mark.slow]))
    return params


def test_grids_shrink_to_subsets_of_themselves() -> None:
    code = (
        "ds = compute_map(m, np.linspace(-1, 2, 301), np.linspace(0.05, 0.49, 45), out='x.nc')\n"
        "q = np.linspace(-np.pi / d, np.pi / d, 5)\neta = linspace(0.05, 2.0, 79)\n"
        "x = np.linspace(0.0, 1.0, num=40)\ny = np.linspace(0, max(a, b), 23)\n"
    )
    assert shrink_grids(code) == (
        "ds = compute_map(m, np.linspace(-1, 2, 7), np.linspace(0.05, 0.49, 5), out='x.nc')\n"
        "q = np.linspace(-np.pi / d, np.pi / d, 5)\neta = linspace(0.05, 2.0, 7)\n"
        "x = np.linspace(0.0, 1.0, num=40)\ny = np.linspace(0, max(a, b), 7)\n"
    )
    assert (tiny_count(19), tiny_count(20)) == (19, 7)  # small grids stay; 19 intervals: 7 new points
    for n in (31, 45, 61, 79, 101, 151, 301):
        fine = np.linspace(-1.0, 2.0, n)
        coarse = np.linspace(-1.0, 2.0, tiny_count(n))
        assert 4 <= coarse.size <= 9
        assert np.all(np.min(np.abs(coarse[:, None] - fine[None, :]), axis=1) < 1e-12), n
    assert 0.0 in np.linspace(-1.0, 2.0, tiny_count(301)) and 1.0 in np.linspace(-1.0, 2.0, tiny_count(301))


def test_the_parser_finds_blocks_and_no_run_markers() -> None:
    text = (
        "intro\n```python\nx = 1\n```\ntext ```python inline``` text\n"
        "1. item\n\n   ```python no-run\n   client = connect()\n   ```\n```console\n$ ls\n```\n"
    )
    blocks = python_blocks(text)
    assert [(code, run) for _, code, run in blocks] == [("x = 1\n", True), ("client = connect()\n", False)]
    assert blocks[0][0] == 3


def test_every_page_with_python_is_found() -> None:
    """README and the pages that teach the API have runnable examples (guards the parser)."""
    found = {_rel(p) for p in DOCS if any(run for _, _, run in python_blocks(p.read_text(encoding="utf-8")))}
    expected = {"README.md", "docs/concepts.md", "docs/troubleshooting.md", "docs/dask.md", "docs/index.md"}
    expected |= {f"docs/tutorials/fig{n}.md" for n in range(3, 12)}
    assert expected <= found, expected - found


#: Runs the blocks of one page in one interpreter and one namespace, like a REPL or notebook
#: session, as ``__main__``; each block is compiled with the page's name and line numbers, so a
#: traceback points at the page.  Worker processes (local or Dask) re-import this driver, whose
#: own code is guarded, so blocks that start worker pools behave as in a script with the guard.
_DRIVER = """\
import json
import sys

if __name__ == "__main__":
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    for where, line, code in json.load(open(sys.argv[1], encoding="utf-8")):
        exec(compile("\\n" * (line - 1) + code, where, "exec"), namespace)
"""


@pytest.mark.parametrize("page", _page_params())
def test_python_blocks_of_the_page_run(page: Path, tmp_path: Path) -> None:
    blocks = []
    for line, code, runnable in python_blocks(page.read_text(encoding="utf-8")):
        if not runnable:
            compile(code, _rel(page), "exec")  # a no-run block must at least be valid Python
            continue
        blocks.append((_rel(page), line, shrink_grids(code)))
    (tmp_path / "blocks.json").write_text(json.dumps(blocks), encoding="utf-8")
    (tmp_path / "run_page.py").write_text(_DRIVER, encoding="utf-8")
    proc = _run(["run_page.py", "blocks.json"], tmp_path)
    assert proc.returncode == 0, (
        f"{_rel(page)}: an example failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}"
    )


def _example_params() -> list[object]:
    return [pytest.param(p, id=p.name, marks=[pytest.mark.slow]) for p in EXAMPLES]


@pytest.mark.parametrize("script", _example_params())
def test_example_script_runs(script: Path, tmp_path: Path) -> None:
    copies = tmp_path / "examples"  # rewritten copies of all scripts (they may import each other)
    copies.mkdir()
    for path in EXAMPLES:
        (copies / path.name).write_text(shrink_grids(path.read_text(encoding="utf-8")), encoding="utf-8")
    out = tmp_path / "out"
    proc = _run([str(copies / script.name), str(out)], ROOT)
    assert proc.returncode == 0, f"{script.name} failed:\n{proc.stderr[-4000:]}"
    # every file a script says it wrote exists and is not empty
    for line in proc.stdout.splitlines():
        if line.startswith("wrote "):
            path = Path(line.removeprefix("wrote ").strip())
            path = path if path.is_absolute() else ROOT / path
            if path.suffix:
                assert path.is_file() and path.stat().st_size > 0, line
    if script.name.startswith("fig"):
        pngs = list(out.glob("fig*.png"))
        assert pngs, f"{script.name} wrote no figure into {out}"
        assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)


def test_every_paper_figure_has_a_script_and_a_tutorial() -> None:
    for n in range(3, 12):
        assert (ROOT / "examples" / f"fig{n}.py").is_file(), n
        assert (ROOT / "docs" / "tutorials" / f"fig{n}.md").is_file(), n


def test_api_reference_is_up_to_date() -> None:
    sys.path.insert(0, str(ROOT / "docs"))
    try:
        import gen_api
    finally:
        sys.path.remove(str(ROOT / "docs"))
    expected = gen_api.render()
    actual = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/api.md is out of date: run .venv/bin/python docs/gen_api.py"


def test_relative_links_between_pages_resolve() -> None:
    """Every relative Markdown link of the docs points at an existing file."""
    broken = []
    for page in DOCS:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (page.parent / target).exists():
                broken.append(f"{_rel(page)} -> {target}")
    assert not broken, broken
