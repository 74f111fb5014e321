"""The package's import graph keeps its architecture (docs/architecture.md).

* No import cycle between modules of ``multigap`` (a cycle makes the import order matter and
  usually means a concept has no single home).
* The physics core never imports the application layer: the core computes, the application
  layer (sweeps, datasets and files, figures, the paper report, the command line, explorers
  and inverse problems) drives it.  A lazy import inside a function counts as well.

The graph is read statically (``ast``) from ``src/multigap``: every ``import`` and
``from … import`` of a ``multigap`` module, at any depth, except those under
``if TYPE_CHECKING:`` for the cycle check (they never run).  Imports of the package root
(``from multigap import __version__``) are not edges: the root is the public facade.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "multigap"

#: Top-level modules (or packages) of the physics core.
CORE = frozenset(
    {
        "constants",
        "errors",
        "status",
        "model",
        "presets",
        "bands",
        "analytic",
        "dos",
        "overlap",
        "quadrature",
        "states",
        "tabulated",
        "kernels",
        "problem",
        "tc",
        "gaps",
        "observables",
        "theories",
        "eliashberg",
        "stiffness",
        "crossover",
        "_lazy",  # lazy public names of a package (PEP 562); standard library only
    }
)
#: Top-level modules (or packages) of the application layer.
APP = frozenset(
    {"sweep", "datasets", "io", "figures", "reproduce", "cli", "explore", "inverse", "__main__"}
    | {"_sweep_worker"}  # the fork-server preload of sweep workers (sets BLAS threads, imports sweep)
    | {"parsing"}  # text forms of option values (START:STOP:COUNT grids, number lists) for cli and inverse
)
#: A core module may be split into ``name_part.py`` files (e.g. ``eliashberg_kernels``).
CORE_PREFIXES = ("eliashberg_", "stiffness_", "crossover_")


def layer(module: str) -> str:
    """'core', 'app' or 'unknown' for a dotted module name relative to the package."""
    top = module.split(".")[0]
    if top in CORE or top.startswith(CORE_PREFIXES):
        return "core"
    if top in APP:
        return "app"
    return "unknown"


def module_name(path: Path, root: Path) -> str:
    """Dotted name relative to the package root ('' for the root ``__init__``)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """ids of the nodes under ``if TYPE_CHECKING:`` (or ``typing.TYPE_CHECKING``)."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
            if name == "TYPE_CHECKING":
                for child in node.body:
                    skip.update(id(n) for n in ast.walk(child))
    return skip


def import_graph(root: Path, *, runtime_only: bool) -> dict[str, set[str]]:
    """Edges module -> imported modules inside the package rooted at ``root``.

    ``runtime_only`` drops imports under ``if TYPE_CHECKING:``.  An imported name that is a
    submodule (``from .sweep import engine``) is an edge to that submodule, otherwise to the
    module named in the statement; edges to the root package and from a module to the package
    that contains it are not counted.
    """
    mods = {module_name(p, root): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for m, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        skip = _type_checking_nodes(tree) if runtime_only else set()
        package = m.split(".") if path.name == "__init__.py" else m.split(".")[:-1]
        package = [p for p in package if p]
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[: len(package) - (node.level - 1)]
                    stem = ".".join([*base, *([node.module] if node.module else [])])
                elif node.module and (node.module == "multigap" or node.module.startswith("multigap.")):
                    stem = node.module.removeprefix("multigap").lstrip(".")
                else:
                    continue
                for alias in node.names:
                    candidate = f"{stem}.{alias.name}".strip(".")
                    targets.append(candidate if candidate in mods else stem)
            elif isinstance(node, ast.Import):
                targets = [
                    a.name.removeprefix("multigap.") for a in node.names if a.name.startswith("multigap.")
                ]
            for target in targets:
                while target and target not in mods:
                    target = target.rpartition(".")[0]
                if not target or target == m:
                    continue
                if m.startswith(target + ".") and mods[target].name == "__init__.py":
                    continue  # a module importing from its own package
                graph[m].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work: list[tuple[str, Iterable[str]]] = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            v, children = work[-1]
            for w in children:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    component = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        component.append(w)
                        if w == v:
                            break
                    if len(component) > 1 or v in graph.get(v, ()):
                        found.append(sorted(component))
    return found


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"core module {m} imports application module {t}"
        for m, targets in graph.items()
        for t in targets
        if layer(m) == "core" and layer(t) == "app"
    )


# ----------------------------------------------------------------------------- the package
@functools.cache
@functools.cache
def package_graph(runtime_only: bool) -> dict[str, set[str]]:
    """The graph of ``src/multigap``, parsed once per worker and kind (the tests only read it)."""
    return import_graph(SRC, runtime_only=runtime_only)


def test_no_import_cycles() -> None:
    found = cycles(package_graph(True))
    assert not found, "import cycles in multigap: " + "; ".join(" <-> ".join(c) for c in found)


def test_core_never_imports_the_application_layer() -> None:
    bad = layer_violations(package_graph(False))
    assert not bad, "\n".join(bad)


def test_every_module_belongs_to_a_layer() -> None:
    """A new top-level module is classified here (and in docs/architecture.md) on purpose."""
    graph = package_graph(False)
    unknown = sorted(m for m in graph if m and layer(m) == "unknown")
    assert not unknown, f"classify these modules as CORE or APP in tests/test_architecture.py: {unknown}"
    assert {"bands", "tc", "theories"} <= {m for m in graph if layer(m) == "core"}
    assert any(layer(m) == "app" for m in graph)


def test_registered_theories_and_bounds_live_in_the_core() -> None:
    """The registry imports its entries by name (importlib), which the graph cannot see."""
    from multigap.theories import BOUND_MODULES, THEORY_MODULES

    graph = package_graph(False)
    for name, target in {**THEORY_MODULES, **BOUND_MODULES}.items():
        module = target.partition(":")[0].removeprefix("multigap.")
        assert module in graph, f"{name}: {target} is not a module of multigap"
        assert layer(module) == "core", f"{name}: {target} is not a core module"


# ------------------------------------------------------------------ the checker itself
def _tree(root: Path, files: dict[str, str]) -> Path:
    pkg = root / "multigap"
    for name, text in files.items():
        path = pkg / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return pkg


def test_checker_finds_a_cycle_through_a_lazy_import(tmp_path: Path) -> None:
    pkg = _tree(
        tmp_path,
        {
            "__init__.py": "from .bands import x\n",
            "bands.py": "from .model import y\nx = 1\n",
            "model.py": "def f():\n    from multigap import bands\n    return bands\ny = 2\n",
            "dos.py": "from . import bands\n",
            "cli/__init__.py": "from .app import main\n",
            "cli/app.py": "from ..bands import x\ndef main():\n    pass\n",
        },
    )
    graph = import_graph(pkg, runtime_only=True)
    assert graph["model"] == {"bands"} and graph["dos"] == {"bands"} and graph["cli.app"] == {"bands"}
    assert graph["cli"] == {"cli.app"} and graph[""] == {"bands"}
    assert cycles(graph) == [["bands", "model"]]
    assert layer_violations(graph) == []


def test_checker_finds_core_importing_app_and_ignores_type_checking_for_cycles(tmp_path: Path) -> None:
    pkg = _tree(
        tmp_path,
        {
            "__init__.py": "",
            "tc.py": "import typing\nif typing.TYPE_CHECKING:\n    from .sweep.engine import run\n",
            "sweep/__init__.py": "from .engine import run\n",
            "sweep/engine.py": "from multigap.tc import solve\ndef run():\n    pass\n",
            "gaps.py": "import multigap.figures.style\n",
            "figures/__init__.py": "",
            "figures/style.py": "",
        },
    )
    assert cycles(import_graph(pkg, runtime_only=True)) == []
    graph = import_graph(pkg, runtime_only=False)
    assert cycles(graph) == [["sweep.engine", "tc"]]
    assert layer_violations(graph) == [
        "core module gaps imports application module figures.style",
        "core module tc imports application module sweep.engine",
    ]


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("bands", "core"),
        ("eliashberg_kernels", "core"),
        ("sweep.engine", "app"),
        ("cli", "app"),
        ("x", "unknown"),
    ],
)
def test_layers(module: str, expected: str) -> None:
    assert layer(module) == expected
