"""Generate docs/api.md from the docstrings of multigap's public modules (numpydoc style).

Run from the repository root after changing a public signature or docstring:

    .venv/bin/python docs/gen_api.py            # rewrites docs/api.md
    .venv/bin/python docs/gen_api.py --check    # exit 1 if docs/api.md is out of date

Each module's ``__all__`` is the public API.  Numpydoc sections (Parameters, Returns, Raises,
Attributes, Yields) become Markdown lists; everything else is kept as text.  Units are whatever
the docstrings say (they state them: nm, 1/nm, meV, K, m_e).
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from pathlib import Path

#: The documented modules, in pipeline order, with a one-line role.
MODULES: list[tuple[str, str]] = [
    ("multigap.model", "model description: layers, superlattice, couplings, numerics; strict TOML"),
    ("multigap.presets", "the paper's models A (H3S) and B (CSH_x)"),
    ("multigap.bands", "exact Kronig-Penney subbands, calibration, E_L and dE"),
    ("multigap.dos", "density of states, Lifshitz points, Fermi surfaces, eta <-> mu"),
    ("multigap.overlap", "pair-overlap integrals"),
    ("multigap.problem", "one pairing problem for the solvers"),
    ("multigap.tc", "critical temperature"),
    ("multigap.gaps", "self-consistent gaps with the number equation"),
    ("multigap.observables", "band gaps, gap ratios, anisotropy, isotope coefficient"),
    ("multigap.theories", "pairing theories and Tc bounds as plug-ins, by name"),
    ("multigap.status", "the status names and int8 codes of every result"),
    ("multigap.eliashberg", "multiband Migdal-Eliashberg theory on the imaginary axis"),
    ("multigap.stiffness", "superfluid stiffness and the BKT bound on Tc"),
    ("multigap.crossover", "BCS-BEC crossover diagnostics per band"),
    ("multigap.sweep", "Tc(eta, g) maps on serial / process / Dask executors"),
    ("multigap.datasets", "labelled xarray results"),
    ("multigap.io", "NetCDF files and the model they carry"),
    ("multigap.figures", "one function per figure"),
    ("multigap.reproduce", "the whole paper"),
    ("multigap.inverse", "pressure paths, fits to measurements, design searches"),
    ("multigap.errors", "exception classes"),
    ("multigap.constants", "physical constants in the package's units"),
    ("multigap.analytic", "closed-form test bands"),
]

SECTIONS = ("Parameters", "Returns", "Yields", "Raises", "Attributes", "Other Parameters", "Warns")
OUT = Path(__file__).with_name("api.md")


def _anchor(name: str) -> str:
    return re.sub(r"[^a-z0-9_-]", "", name.lower().replace(" ", "-"))


def _signature(obj: object) -> str:
    try:
        sig = inspect.signature(obj)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "(...)"
    parts = []
    seen_kw_only = False
    for p in sig.parameters.values():
        if p.kind is p.KEYWORD_ONLY and not seen_kw_only:
            parts.append("*")
            seen_kw_only = True
        if p.kind is p.VAR_POSITIONAL:
            seen_kw_only = True
        text = {p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "") + p.name
        if p.annotation is not p.empty:
            ann = p.annotation if isinstance(p.annotation, str) else inspect.formatannotation(p.annotation)
            text += f": {ann}"
        if p.default is not p.empty:
            text += f" = {p.default!r}" if p.annotation is not p.empty else f"={p.default!r}"
        parts.append(text)
    out = f"({', '.join(parts)})"
    if sig.return_annotation is not sig.empty:
        ret = sig.return_annotation
        out += f" -> {ret if isinstance(ret, str) else inspect.formatannotation(ret)}"
    return out


def _convert(doc: str) -> str:
    """Numpydoc text -> Markdown: section headers to bold labels, entries to list items."""
    lines = inspect.cleandoc(doc).splitlines()
    out: list[str] = []
    section = None
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if line.strip() in SECTIONS and set(nxt.strip()) == {"-"}:
            section = line.strip()
            out += ["", f"**{section}**", ""]
            i += 2
            continue
        if section is not None and line and not line.startswith(" "):
            # an entry "name : type" (or just a type, for Returns/Raises), its text indented below
            text: list[str] = []
            j = i + 1
            while j < len(lines) and (lines[j].startswith(" ") or not lines[j].strip()):
                if not lines[j].strip() and (j + 1 >= len(lines) or not lines[j + 1].startswith(" ")):
                    break
                text.append(lines[j].strip())
                j += 1
            name, _, typ = line.partition(" : ")
            head = f"`{name.strip()}` ({typ.strip()})" if typ else f"`{line.strip()}`"
            body = " ".join(t for t in text if t)
            out.append(f"- {head}" + (f" — {body}" if body else ""))
            i = j
            continue
        if not line.strip():
            section = None if section is not None and (not nxt or not nxt.startswith(" ")) else section
        if section is None:
            out.append(_escape(line))
        i += 1
    return "\n".join(out).strip()


def _escape(line: str) -> str:
    """Keep docstring text from turning into Markdown headings or tables by accident."""
    stripped = line.strip()
    if stripped and set(stripped) <= {"=", "-", " "}:
        return ""  # rst table borders
    if line.startswith(">>>"):
        return "    " + line
    return line


def _first_paragraph(doc: str | None) -> str:
    if not doc:
        return ""
    return inspect.cleandoc(doc).split("\n\n")[0].replace("\n", " ")


def _document(name: str, obj: object, module: str, level: int = 3) -> list[str]:
    hashes = "#" * level
    out: list[str] = []
    if inspect.isclass(obj):
        kind = "exception" if issubclass(obj, BaseException) else "class"
        out.append(f"{hashes} {kind} `{name}`")
        out.append("")
        if kind == "class":
            out += ["```text", f"{module}.{name}{_signature(obj)}", "```", ""]
        out.append(_convert(obj.__doc__ or ""))
        members = []
        for attr, value in vars(obj).items():
            if attr.startswith("_"):
                continue
            if isinstance(value, property):
                members.append(f"- `{attr}` (property) — {_first_paragraph(value.__doc__)}")
            elif isinstance(value, (classmethod, staticmethod)):
                fn = value.__func__
                members.append(f"- `{attr}{_signature(fn)}` — {_first_paragraph(fn.__doc__)}")
            elif inspect.isfunction(value):
                sig = _signature(value).replace("(self, ", "(").replace("(self)", "()")
                members.append(f"- `{attr}{sig}` — {_first_paragraph(value.__doc__)}")
        if members:
            out += ["", "**Methods and properties**", "", *members]
    elif callable(obj):
        out.append(f"{hashes} `{name}`")
        out += ["", "```text", f"{module}.{name}{_signature(obj)}", "```", ""]
        out.append(_convert(obj.__doc__ or ""))
    else:
        text = re.sub(r" at 0x[0-9a-f]+>", ">", repr(obj))  # no memory addresses: stable output
        if len(text) > 100:
            text = text[:97] + "..."
        out += [f"{hashes} `{name}`", "", f"`{module}.{name} = {text}`"]
    out.append("")
    return out


def render() -> str:
    import multigap

    lines = [
        "# API reference",
        "",
        "Generated from the docstrings by `docs/gen_api.py` (do not edit by hand: run",
        "`.venv/bin/python docs/gen_api.py`).  Units everywhere: lengths nm, wave numbers 1/nm,",
        "energies meV, temperatures K, masses m_e; η, g and the DOS in units of N₀ are dimensionless.",
        "Physics: [theory.md](theory.md); concepts: [concepts.md](concepts.md); conventions:",
        "[conventions.md](conventions.md).",
        "",
        "## The top-level package",
        "",
        "`import multigap` gives the names most scripts need; each is documented in its module below.",
        "",
        "| name | defined in |",
        "|---|---|",
    ]
    for name in multigap.__all__:
        obj = getattr(multigap, name)
        home = getattr(obj, "__module__", "multigap") if not isinstance(obj, (str, dict)) else "multigap"
        if name == "PRESETS":
            home = "multigap.presets"
        target = f"[`{home}`](#{_anchor(home)})" if home != "multigap" else "`multigap`"
        lines.append(f"| `{name}` | {target} |")
    lines += [
        "",
        "Internal modules (`kernels`, `quadrature`, `states`, `tabulated`, `cli`) are not listed;",
        "their functions may change without notice.",
        "",
        "## Modules",
        "",
    ]
    lines += [f"- [`{m}`](#{_anchor(m)}) — {role}" for m, role in MODULES]
    lines.append("")
    for modname, _ in MODULES:
        mod = importlib.import_module(modname)
        lines += [f"## {modname}", "", _first_paragraph(mod.__doc__), ""]
        for name in mod.__all__:
            lines += _document(name, getattr(mod, name), modname)
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.rstrip() + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} is out of date: run .venv/bin/python docs/gen_api.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
