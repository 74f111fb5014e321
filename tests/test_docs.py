"""The documentation cannot rot: every Python example in it runs.

* Every ```` ```python ```` block of ``README.md`` and ``docs/**/*.md`` runs: the blocks of one
  page in order, as one script (later blocks may use names and files of earlier ones), in a fresh
  temporary folder, in a new interpreter with warnings as errors.  Blocks marked
  ```` ```python no-run ```` (they need a cluster) are compiled, not run.
* Every script ``examples/*.py`` runs from the repository root (as their docstrings say) with a
  temporary output folder as its argument, and must write what it announces.
* ``docs/api.md`` is what ``docs/gen_api.py`` generates from the current docstrings.

Pages whose examples take more than a few seconds are marked ``slow``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))

#: Pages whose examples are heavy on purpose (a full-size map, the whole paper).
SLOW_PAGES = {
    "docs/sweeps.md": "computes a 301 x 45 Tc map of model A (about 13 500 points)",
    "docs/reproduce.md": "runs `reproduce(quick=True)`, about a minute on two cores",
}
#: Example scripts that take more than a few seconds.
SLOW_EXAMPLES = {"gap_ratios_and_isotope.py": "two eta cuts with gaps and isotope coefficient at 61 eta"}

TIMEOUT = 600

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


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["MPLBACKEND"] = "Agg"
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
        rel = _rel(page)
        marks = [pytest.mark.slow] if rel in SLOW_PAGES else []
        params.append(pytest.param(page, id=rel, marks=marks))
    return params


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
        blocks.append((_rel(page), line, code))
    (tmp_path / "blocks.json").write_text(json.dumps(blocks), encoding="utf-8")
    (tmp_path / "run_page.py").write_text(_DRIVER, encoding="utf-8")
    proc = _run(["run_page.py", "blocks.json"], tmp_path)
    assert proc.returncode == 0, (
        f"{_rel(page)}: an example failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}"
    )


def _example_params() -> list[object]:
    return [
        pytest.param(p, id=p.name, marks=[pytest.mark.slow] if p.name in SLOW_EXAMPLES else [])
        for p in EXAMPLES
    ]


@pytest.mark.parametrize("script", _example_params())
def test_example_script_runs(script: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = _run([str(script.relative_to(ROOT)), str(out)], ROOT)
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
