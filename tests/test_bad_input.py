"""Bad input at the command line: one line on stderr naming the field or option, the value and the rule.

Every row of the table below is a malformed model file or command line.  Each is run through the
real command-line program (``multigap.cli.main`` with click's ``CliRunner``; a few rows as a
subprocess ``python -m multigap``) and must

* exit with status 2,
* print exactly one line on stderr, ``Error: ...``, that contains every expected fragment — the
  field of the model file (``pairing.omega_0``) or the option (``--g``), the offending value, and
  a word of the rule that was broken (``unknown key``, ``> 0``, ``< 0.5``, ...),
* print no traceback (in-process: no exception other than ``SystemExit`` escapes the command).

Model files are built from the resolved preset A (``multigap model show A``) with one change each,
so every other field is valid and the error must be about the changed one.
"""

from __future__ import annotations

import contextlib
import copy
import math
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tomli_w
import xarray as xr
from click.testing import CliRunner

from multigap.cli import main
from multigap.model import model_to_dict
from multigap.presets import MAX_MODEL_FILE_BYTES, preset

# ------------------------------------------------------------------------------------------ rows


@dataclass(frozen=True)
class Row:
    """One bad input.

    ``args`` is the command line; ``{f}`` in it is replaced by the path of the file written from
    ``file`` (TOML text, or raw bytes, or None for no file), ``{tmp}`` by the temporary folder.
    ``expect`` are fragments the one-line error must contain (``{f}``/``{tmp}`` substituted too);
    matching is case-insensitive.  ``extra_files`` maps names in the temporary folder to a kind
    (see :func:`_make_extra`); ``stdout_to`` sends a subprocess's stdout to that file.
    """

    id: str
    args: tuple[str, ...]
    expect: tuple[str, ...]
    file: str | bytes | None = None
    file_name: str = "model.toml"
    subprocess: bool = False
    extra_files: dict[str, Any] = field(default_factory=dict)
    stdout_to: str | None = None


def _base() -> dict[str, Any]:
    return model_to_dict(preset("A"))


def toml_with(change: Callable[[dict[str, Any]], None]) -> str:
    """Preset A as TOML with one change applied to its plain-data form."""
    data = copy.deepcopy(_base())
    change(data)
    return tomli_w.dumps(data)


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A change setting the value at ``path``, e.g. ``pairing.omega0`` or ``lattice.layers.1.mass``."""
    keys = [int(k) if k.isdigit() else k for k in path.split(".")]

    def change(data: dict[str, Any]) -> None:
        node: Any = data
        for k in keys[:-1]:
            node = node[k]
        node[keys[-1]] = value

    return change


def _rename(path: str, new: str) -> Callable[[dict[str, Any]], None]:
    keys = [int(k) if k.isdigit() else k for k in path.split(".")]

    def change(data: dict[str, Any]) -> None:
        node: Any = data
        for k in keys[:-1]:
            node = node[k]
        node[new] = node.pop(keys[-1])

    return change


def _delete(path: str) -> Callable[[dict[str, Any]], None]:
    keys = [int(k) if k.isdigit() else k for k in path.split(".")]

    def change(data: dict[str, Any]) -> None:
        node: Any = data
        for k in keys[:-1]:
            node = node[k]
        del node[keys[-1]]

    return change


def _g_entry(i: int, j: int, value: float) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["pairing"]["g"][i][j] = value

    return change


def _g_symmetric(i: int, j: int, value: float) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["pairing"]["g"][i][j] = data["pairing"]["g"][j][i] = value

    return change


def _model_row(id: str, change: Callable[[dict[str, Any]], None], expect: tuple[str, ...], *cmd: str) -> Row:
    command = cmd or ("tc", "--eta", "1")
    return Row(id, (*command, "--model", "{f}"), expect, file=toml_with(change))


#: Malformed model files: unknown / misspelt keys, wrong types, unphysical values.
MODEL_FILE_ROWS = [
    # unknown and misspelt keys, top level and nested
    _model_row("unknown-top-level-key", _set("nmae", "A"), ("nmae", "'A'", "unknown key"), "bands"),
    _model_row(
        "misspelt-table", _rename("numerics", "numeric"), ("numeric", "unknown key", "numerics"), "bands"
    ),
    _model_row(
        "misspelt-pairing-key",
        _rename("pairing.omega0", "omega_0"),
        ("pairing.omega_0", "330.0", "unknown key"),
    ),
    _model_row(
        "misspelt-layer-key",
        _rename("lattice.layers.1.thickness", "thicknes"),
        ("lattice.layers[1].thicknes", "0.55", "unknown key"),
        "bands",
    ),
    _model_row(
        "misspelt-lattice-key", _rename("lattice.mass_x", "mass_y"), ("lattice.mass_y", "1.0", "unknown key")
    ),
    _model_row(
        "misspelt-numerics-key",
        _rename("numerics.n_q", "nq"),
        ("numerics.nq", "8", "unknown key"),
        "gaps",
        "--eta",
        "1",
    ),
    # wrong types
    _model_row(
        "thickness-is-a-string",
        _set("lattice.layers.0.thickness", "0.85"),
        ("lattice.layers[0].thickness", "'0.85'", "real number"),
        "bands",
    ),
    _model_row("active-band-is-a-float", _set("active_band", 2.5), ("active_band", "2.5", "integer")),
    _model_row(
        "softening-is-a-string",
        _set("pairing.softening", "yes"),
        ("pairing.softening", "'yes'", "true or false"),
    ),
    _model_row("g-is-a-number", _set("pairing.g", 0.25), ("pairing.g", "0.25", "square matrix")),
    _model_row("g-not-square", _set("pairing.g", [[0.1, 0.02], [0.02]]), ("pairing.g", "[0.02]", "square")),
    _model_row("n_q-is-a-float", _set("numerics.n_q", 8.5), ("numerics.n_q", "8.5", "integer")),
    _model_row("lattice-is-a-number", _set("lattice", 5), ("lattice", "5", "table"), "bands"),
    _model_row(
        "layer-is-a-number", _set("lattice.layers", [1, 2]), ("lattice.layers[0]", "1", "table"), "bands"
    ),
    Row(
        "name-is-a-number",
        ("model", "show", "{f}"),
        ("name", "7", "string"),
        file=toml_with(_set("name", 7)),
    ),
    _model_row(
        "mass_x-is-a-boolean",
        _set("lattice.mass_x", True),
        ("lattice.mass_x", "True", "real number"),
        "bands",
    ),
    # zero / negative widths and masses
    _model_row(
        "negative-wire-width",
        _set("lattice.layers.0.thickness", -0.85),
        ("lattice.layers[0].thickness", "-0.85", "> 0"),
        "bands",
    ),
    _model_row(
        "zero-spacer-width",
        _set("lattice.layers.1.thickness", 0.0),
        ("lattice.layers[1].thickness", "0.0", "> 0"),
        "dos",
    ),
    _model_row(
        "negative-spacer-mass",
        _set("lattice.layers.1.mass", -0.5),
        ("lattice.layers[1].mass", "-0.5", "> 0"),
        "bands",
    ),
    _model_row(
        "zero-wire-mass",
        _set("lattice.layers.0.mass", 0.0),
        ("lattice.layers[0].mass", "0.0", "> 0"),
        "overlap",
    ),
    _model_row("zero-mass_x", _set("lattice.mass_x", 0.0), ("lattice.mass_x", "0.0", "> 0")),
    _model_row(
        "no-layers", _set("lattice.layers", []), ("lattice.layers", "[]", "at least one layer"), "bands"
    ),
    # couplings
    _model_row("g33-is-one-half", _g_entry(2, 2, 0.5), ("pairing.g", "0.5", "< 0.5")),
    _model_row("g11-above-one-half", _g_entry(0, 0, 0.7), ("pairing.g", "0.7", "< 0.5"), "bands"),
    _model_row("asymmetric-g", _g_entry(0, 1, 0.03), ("pairing.g", "0.03", "symmetric")),
    _model_row("negative-intraband-g", _g_entry(1, 1, -0.1), ("pairing.g[1][1]", "-0.1", ">= 0")),
    _model_row(
        "active-band-beyond-the-bands",
        _set("active_band", 4),
        ("active_band", "4", "beyond the 3 bands"),
        "bands",
    ),
    _model_row("active-band-zero", _set("active_band", 0), ("active_band", "0", ">= 1"), "bands"),
    # NaN and infinity (TOML has nan and inf)
    _model_row("omega0-is-nan", _set("pairing.omega0", math.nan), ("pairing.omega0", "nan", "finite")),
    _model_row(
        "barrier-is-inf",
        _set("lattice.layers.1.potential", math.inf),
        ("lattice.layers[1].potential", "inf", "finite"),
        "bands",
    ),
    _model_row("g-entry-is-nan", _g_symmetric(1, 2, math.nan), ("pairing.g[1][2]", "nan", "finite")),
    _model_row(
        "tc-floor-is-inf", _set("numerics.tc_floor", math.inf), ("numerics.tc_floor", "inf", "finite")
    ),
    # numerics too coarse or meaningless
    _model_row("n_q-too-coarse", _set("numerics.n_q", 2), ("numerics.n_q", "2", ">= 4")),
    _model_row("n_z-too-coarse", _set("numerics.n_z", 4), ("numerics.n_z", "4", ">= 16"), "overlap"),
    _model_row("tc-floor-zero", _set("numerics.tc_floor", 0.0), ("numerics.tc_floor", "0.0", "> 0")),
    # missing required fields
    _model_row("omega0-missing", _delete("pairing.omega0"), ("pairing.omega0", "missing")),
    _model_row(
        "layer-mass-missing", _delete("lattice.layers.0.mass"), ("lattice.layers[0].mass", "missing"), "bands"
    ),
    Row("empty-file", ("bands", "--model", "{f}"), ("lattice", "missing"), file=""),
    # not a model file at all
    Row(
        "toml-syntax-error",
        ("bands", "--model", "{f}"),
        ("{f}", "not valid TOML", "line 2"),
        file='name = "A"\n[lattice\n',
    ),
    Row(
        "binary-model-file",
        ("tc", "--eta", "1", "--model", "{f}"),
        ("{f}", "utf-8"),
        file=bytes(range(128, 256)) * 4,
    ),
    Row("model-file-is-a-folder", ("bands", "--model", "{tmp}"), ("{tmp}", "cannot be read")),
    Row("missing-model-file", ("bands", "--model", "{tmp}/nope.toml"), ("{tmp}/nope.toml", "cannot be read")),
    Row("unknown-preset", ("tc", "--eta", "1", "--model", "C"), ("--model", "'C'", "preset")),
    Row(
        "missing-model-file-subprocess",
        ("gaps", "--eta", "1", "--model", "{tmp}/missing.toml"),
        ("{tmp}/missing.toml", "cannot be read"),
        subprocess=True,
    ),
]

#: Bad options of the existing commands.
OPTION_ROWS = [
    Row("g-one-half", ("tc", "--eta", "1", "--g", "0.5"), ("--g", "0.5", "< 0.5")),
    Row(
        "g-one-half-subprocess", ("tc", "--eta", "1", "--g", "0.5"), ("--g", "0.5", "< 0.5"), subprocess=True
    ),
    Row("g-above-one-half-gaps", ("gaps", "--eta", "0.5", "--g", "0.75"), ("--g", "0.75", "< 0.5")),
    Row("g-negative", ("isotope", "--eta", "1", "--g", "-0.1"), ("--g", "-0.1", ">= 0")),
    Row("g-nan", ("tc", "--eta", "1", "--g", "nan"), ("--g", "nan", "finite")),
    Row("eta-inf", ("tc", "--eta", "inf"), ("--eta", "inf", "finite")),
    Row("eta-not-a-number", ("gaps", "--eta", "abc"), ("--eta", "'abc'", "float")),
    Row("eta-missing", ("tc",), ("--eta", "missing")),
    Row("omega0-negative", ("tc", "--eta", "1", "--omega0", "-5"), ("--omega0", "-5", "> 0")),
    Row("omega0-zero", ("isotope", "--eta", "1", "--omega0", "0"), ("--omega0", "0", "> 0")),
    Row("interband-nan", ("tc", "--eta", "1", "--interband", "nan"), ("--interband", "nan", "finite")),
    Row("nodes-too-coarse", ("tc", "--eta", "1", "--nodes", "2"), ("--nodes", "2", "4<=x")),
    Row(
        "temperature-negative", ("gaps", "--eta", "1", "--temperature", "-1"), ("--temperature", "-1", ">= 0")
    ),
    Row(
        "temperature-nan", ("gaps", "--eta", "1", "--temperature", "nan"), ("--temperature", "nan", "finite")
    ),
    Row("mu-mode-unknown", ("tc", "--eta", "1", "--mu-mode", "grand"), ("--mu-mode", "'grand'", "one of")),
    Row("n-q-too-small", ("bands", "--n-q", "1"), ("--n-q", "1", "2<=x")),
    Row("dos-eta-range-reversed", ("dos", "--eta-min", "2", "--eta-max", "-1"), ("--eta-min", "2", "<")),
    Row("dos-eta-range-empty", ("dos", "--eta-min", "1", "--eta-max", "1"), ("--eta-min", "1", "<")),
    Row(
        "dos-fermi-eta-malformed", ("dos", "--fermi-eta", "a,b"), ("--fermi-eta", "'a,b'", "comma-separated")
    ),
    Row("misspelt-option", ("tc", "--eta", "1", "--gg", "0.3"), ("--gg", "no such option")),
]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def map_args(eta: str = "-1:2:4", g: str = "0.1:0.4:2", *extra: str) -> tuple[str, ...]:
    """A ``multigap map`` command line with η and g ranges given as START:STOP:COUNT."""
    return ("map", "--model", "A", "--eta", eta, "--g", g, "--out", "{tmp}/map.nc", *extra)


#: ``multigap map``: empty, reversed, malformed and non-finite grids; an unreachable scheduler.
MAP_ROWS = [
    Row("map-eta-empty", map_args(eta="0:1:0"), ("--eta", "0:1:0", "empty", ">= 1")),
    Row("map-eta-reversed", map_args(eta="2:-1:31"), ("--eta", "2:-1:31", "<")),
    Row("map-eta-malformed", map_args(eta="1:2"), ("--eta", "'1:2'", "START:STOP:COUNT")),
    Row("map-eta-not-numbers", map_args(eta="a:b:c"), ("--eta", "'a:b:c'", "START:STOP:COUNT")),
    Row("map-eta-nan", map_args(eta="nan:1:5"), ("--eta", "nan", "finite")),
    Row("map-g-empty", map_args(g="0.1:0.4:0"), ("--g", "0.1:0.4:0", "empty", ">= 1")),
    Row("map-g-reversed", map_args(g="0.4:0.1:4"), ("--g", "0.4:0.1:4", "<")),
    Row("map-g-malformed", map_args(g="0.1,0.4"), ("--g", "'0.1,0.4'", "START:STOP:COUNT")),
    Row("map-g-reaches-one-half", map_args(g="0.1:0.5:5"), ("--g", "0.5", "< 0.5")),
    Row(
        "map-scheduler-nothing-listening",
        map_args("-1:2:3", "0.2:0.3:2", "--scheduler", "tcp://127.0.0.1:{port}"),
        ("--scheduler", "tcp://127.0.0.1:{port}", "no Dask scheduler"),
    ),
    Row(
        "map-scheduler-nothing-listening-no-progress",
        map_args("-1:2:3", "0.2:0.3:2", "--scheduler", "tcp://127.0.0.1:{port}", "--no-progress"),
        ("--scheduler", "tcp://127.0.0.1:{port}", "no Dask scheduler"),
        subprocess=True,
    ),
]

#: ``multigap plot``: files that are missing, not NetCDF, or NetCDF but not made by multigap.
PLOT_ROWS = [
    Row(
        "plot-missing-file",
        ("plot", "{tmp}/missing.nc", "--out", "{tmp}/p.png"),
        ("{tmp}/missing.nc", "does not exist"),
    ),
    Row(
        "plot-random-bytes",
        ("plot", "{f}", "--out", "{tmp}/p.png"),
        ("{f}", "NetCDF"),
        file=bytes(range(256)) * 8,
        file_name="junk.nc",
    ),
    Row(
        "plot-toml-file",
        ("plot", "{f}", "--out", "{tmp}/p.png"),
        ("{f}", "NetCDF"),
        file=toml_with(lambda d: None),
        file_name="model.toml",
    ),
    Row(
        "plot-netcdf-not-from-multigap",
        ("plot", "{tmp}/foreign.nc", "--out", "{tmp}/p.png"),
        ("{tmp}/foreign.nc", "multigap"),
        extra_files={"foreign.nc": "netcdf"},
    ),
    Row("plot-a-folder", ("plot", "{tmp}", "--out", "{tmp}/p.png"), ("{tmp}", "not a")),
]

# ------------------------------------------------------------------- issue 15: files and options
POINT_COMMANDS: dict[str, tuple[str, ...]] = {
    "tc": ("tc", "--eta", "1"),
    "gaps": ("gaps", "--eta", "1"),
    "isotope": ("isotope", "--eta", "1"),
    "bands": ("bands", "--n-q", "3"),
    "dos": ("dos", "--n-eta", "3"),
    "overlap": ("overlap", "--n-q", "3"),
}
PLOT_COMMANDS = ("bands", "dos", "overlap")
VALID_MODEL = toml_with(lambda d: None)

#: Lost files: an output that is an input or exists already; outputs that cannot be written.
OUTPUT_ROWS = [
    *[
        Row(
            f"{name}-out-is-the-model-file",
            (*cmd, "--model", "{f}", "--out", "{f}"),
            ("--out", "{f}", "input"),
            file=VALID_MODEL,
        )
        for name, cmd in POINT_COMMANDS.items()
    ],
    *[
        Row(
            f"{name}-plot-is-the-model-file",
            (*POINT_COMMANDS[name], "--model", "{f}", "--plot", "{f}"),
            ("--plot", "{f}", "input"),
            file=VALID_MODEL,
            file_name="model.png",
        )
        for name in PLOT_COMMANDS
    ],
    *[
        Row(
            f"{name}-out-exists",
            (*cmd, "--out", "{tmp}/old.nc"),
            ("--out", "{tmp}/old.nc", "exists", "--overwrite"),
            extra_files={"old.nc": "text"},
        )
        for name, cmd in POINT_COMMANDS.items()
    ],
    *[
        Row(
            f"{name}-plot-exists",
            (*POINT_COMMANDS[name], "--plot", "{tmp}/old.png"),
            ("--plot", "{tmp}/old.png", "exists", "--overwrite"),
            extra_files={"old.png": "text"},
        )
        for name in PLOT_COMMANDS
    ],
    Row(
        "tc-out-is-dev-full",
        ("tc", "--eta", "1", "--out", "/dev/full", "--overwrite"),
        ("--out", "/dev/full", "not a regular file"),
    ),
    Row(
        "tc-out-is-a-fifo",
        ("tc", "--eta", "1", "--out", "{tmp}/fifo.nc", "--overwrite"),
        ("--out", "fifo.nc", "not a regular file"),
        extra_files={"fifo.nc": "fifo"},
    ),
    Row(
        "plot-out-is-a-fifo",
        ("plot", "{tmp}/foreign.nc", "--out", "{tmp}/fifo.svg", "--overwrite"),
        ("--out", "fifo.svg", "not a regular file"),
        extra_files={"foreign.nc": "netcdf", "fifo.svg": "fifo"},
    ),
    Row(
        "bands-out-and-plot-are-one-file",
        ("bands", "--out", "{tmp}/x.png", "--plot", "{tmp}/x.png"),
        ("--plot", "x.png", "--out"),
    ),
    Row(
        "map-out-is-the-model-file",
        ("map", "--model", "{f}", "--eta", "0:1:2", "--g", "0.2", "--out", "{f}"),
        ("--out", "{f}", "input"),
        file=VALID_MODEL,
    ),
    Row(
        "plot-out-exists",
        ("plot", "{tmp}/foreign.nc", "--out", "{tmp}/old.png"),
        ("--out", "{tmp}/old.png", "exists", "--overwrite"),
        extra_files={"foreign.nc": "netcdf", "old.png": "text"},
    ),
    *[
        Row(f"{name}-out-empty", (*cmd, "--out", ""), ("--out", "empty name"))
        for name, cmd in POINT_COMMANDS.items()
    ],
    Row("map-out-empty", ("map", "--eta", "0:1:2", "--g", "0.2", "--out", ""), ("--out", "empty name")),
    Row(
        "plot-out-empty",
        ("plot", "{tmp}/foreign.nc", "--out", ""),
        ("--out", "empty name"),
        extra_files={"foreign.nc": "netcdf"},
    ),
    Row("bands-plot-empty", ("bands", "--plot", ""), ("--plot", "empty name")),
    Row("tc-out-is-a-folder", ("tc", "--eta", "1", "--out", "{tmp}"), ("--out", "{tmp}", "is a folder")),
    Row("bands-plot-is-a-folder", ("bands", "--plot", "{tmp}"), ("--plot", "{tmp}", "is a folder")),
    Row(
        "map-out-is-a-folder",
        ("map", "--eta", "0:1:2", "--g", "0.2", "--out", "{tmp}"),
        ("--out", "{tmp}", "is a folder"),
    ),
    Row(
        "bands-plot-suffix-txt",
        ("bands", "--plot", "{tmp}/b.txt"),
        ("--plot", "b.txt", "unsupported figure format", ".png"),
    ),
    Row(
        "dos-plot-suffix-jpg",
        ("dos", "--plot", "{tmp}/d.jpg"),
        ("--plot", "d.jpg", "unsupported figure format"),
    ),
    Row("overlap-plot-no-suffix", ("overlap", "--plot", "{tmp}/fig"), ("--plot", "fig", "no suffix")),
    Row(
        "plot-out-suffix-gif",
        ("plot", "{tmp}/foreign.nc", "--out", "{tmp}/m.gif"),
        ("--out", "m.gif", "unsupported figure format"),
        extra_files={"foreign.nc": "netcdf"},
    ),
    Row(
        "tc-out-under-a-file",
        ("tc", "--eta", "1", "--out", "{f}/tc.nc"),
        ("--out", "{f}/tc.nc", "cannot be written"),
        file=VALID_MODEL,
    ),
    Row(
        "bands-plot-under-a-file",
        ("bands", "--plot", "{f}/b.png"),
        ("--plot", "{f}/b.png", "cannot be written"),
        file=VALID_MODEL,
    ),
    Row(
        "gaps-out-name-too-long",
        ("gaps", "--eta", "1", "--out", "{tmp}/" + "x" * 300 + ".nc"),
        ("--out", "too long"),
    ),
    Row(
        "bands-plot-name-too-long", ("bands", "--plot", "{tmp}/" + "x" * 300 + ".png"), ("--plot", "too long")
    ),
    Row(
        "stdout-full-show-versions",
        ("show-versions",),
        ("output", "no space left"),
        subprocess=True,
        stdout_to="/dev/full",
    ),
    Row(
        "stdout-full-bands-json",
        ("bands", "--n-q", "3", "--json"),
        ("output", "no space left"),
        subprocess=True,
        stdout_to="/dev/full",
    ),
]

#: Model files that are not regular files, too large, not UTF-8, nested too deeply, or unreachable.
SPECIAL_FILE_ROWS = [
    Row(
        "model-is-a-fifo-tc",
        ("tc", "--eta", "1", "--model", "{tmp}/fifo.toml"),
        ("--model", "fifo.toml", "not a regular file"),
        extra_files={"fifo.toml": "fifo"},
    ),
    Row(
        "model-is-a-fifo-bands",
        ("bands", "--model", "{tmp}/fifo.toml"),
        ("fifo.toml", "not a regular file"),
        extra_files={"fifo.toml": "fifo"},
    ),
    Row(
        "model-is-a-fifo-show",
        ("model", "show", "{tmp}/fifo.toml"),
        ("fifo.toml", "not a regular file"),
        extra_files={"fifo.toml": "fifo"},
    ),
    Row(
        "model-is-a-fifo-subprocess",
        ("tc", "--eta", "1", "--model", "{tmp}/fifo.toml"),
        ("fifo.toml", "not a regular file"),
        extra_files={"fifo.toml": "fifo"},
        subprocess=True,
    ),
    Row(
        "model-is-dev-zero",
        ("tc", "--eta", "1", "--model", "/dev/zero"),
        ("--model", "/dev/zero", "not a regular file"),
    ),
    Row("model-is-dev-zero-show", ("model", "show", "/dev/zero"), ("/dev/zero", "not a regular file")),
    Row("model-is-dev-null", ("bands", "--model", "/dev/null"), ("/dev/null", "not a regular file")),
    Row(
        "model-file-too-large",
        ("bands", "--model", "{tmp}/big.toml"),
        ("big.toml", "bytes", "larger than"),
        extra_files={"big.toml": "big"},
    ),
    Row(
        "model-toml-nested-too-deeply",
        ("bands", "--model", "{tmp}/deep.toml"),
        ("deep.toml", "nested too deeply"),
        extra_files={"deep.toml": "nested"},
    ),
    Row("model-file-utf16", ("bands", "--model", "{f}"), ("{f}", "utf-8"), file=VALID_MODEL.encode("utf-16")),
    Row(
        "model-file-nul-bytes",
        ("bands", "--model", "{f}"),
        ("{f}", "not valid TOML"),
        file=b'name = "A"\x00\n',
    ),
    Row("model-path-nul-byte", ("bands", "--model", "a\x00b.toml"), ("--model", "cannot be read")),
    Row(
        "model-path-too-long",
        ("bands", "--model", "{tmp}/" + "m" * 300 + ".toml"),
        ("--model", "cannot be read", "too long"),
    ),
    Row(
        "model-path-symlink-loop",
        ("bands", "--model", "{tmp}/loop.toml"),
        ("loop.toml", "cannot be read"),
        extra_files={"loop.toml": "symlink-loop"},
    ),
    Row(
        "model-under-a-file",
        ("bands", "--model", "{f}/m.toml"),
        ("{f}/m.toml", "cannot be read"),
        file=VALID_MODEL,
    ),
    Row(
        "plot-input-is-a-fifo",
        ("plot", "{tmp}/fifo.nc", "--out", "{tmp}/p.png"),
        ("fifo.nc", "not a regular file"),
        extra_files={"fifo.nc": "fifo"},
    ),
    Row(
        "plot-input-is-dev-zero",
        ("plot", "/dev/zero", "--out", "{tmp}/p.png"),
        ("/dev/zero", "not a regular file"),
    ),
    Row(
        "plot-empty-map",
        ("plot", "{tmp}/empty.nc", "--out", "{tmp}/p.png"),
        ("empty.nc", "empty"),
        extra_files={"empty.nc": "emptymap"},
    ),
    Row("demo-out-is-a-file", ("demo", "--out", "{f}"), ("--out", "{f}", "is a file"), file=VALID_MODEL),
    Row(
        "reproduce-out-is-a-file",
        ("reproduce", "--out", "{f}"),
        ("--out", "{f}", "is a file"),
        file=VALID_MODEL,
    ),
    Row(
        "demo-out-under-a-file",
        ("demo", "--out", "{f}/d", "--n-eta", "3", "--n-q", "3", "--n-eta-cut", "2"),
        ("{f}/d", "not a directory"),
        file=VALID_MODEL,
    ),
    Row("demo-no-models", ("demo", "--out", "{tmp}/d", "--models", ","), ("--models", "at least one")),
    Row("demo-unknown-preset", ("demo", "--out", "{tmp}/d", "--models", "A,C"), ("--model", "'C'", "preset")),
]


def _sched(command: str, address: str, *extra: str) -> tuple[str, ...]:
    if command == "map":
        return map_args("0:1:2", "0.2", "--scheduler", address, *extra)
    return ("reproduce", "--out", "{tmp}/r", "--scheduler", address, *extra)


#: Scheduler addresses and executor combinations that would fail late or be silently ignored.
EXECUTOR_ROWS = [
    *[
        Row(f"{cmd}-scheduler-{label}", _sched(cmd, address), ("--scheduler", *expect))
        for cmd in ("map", "reproduce")
        for label, address, expect in (
            ("http-scheme", "http://127.0.0.1:8786", ("'http'", "unsupported scheme")),
            ("no-scheme", "127.0.0.1:8786", ("malformed", "SCHEME://HOST:PORT")),
            ("no-port", "tcp://127.0.0.1", ("malformed", "PORT")),
            ("empty", "", ("malformed",)),
        )
    ],
    Row("map-scheduler-no-host", _sched("map", "tcp://:8786"), ("--scheduler", "malformed")),
    Row(
        "map-scheduler-port-out-of-range", _sched("map", "tcp://127.0.0.1:99999"), ("--scheduler", "1-65535")
    ),
    Row("map-scheduler-port-not-a-number", _sched("map", "tcp://h:port"), ("--scheduler", "malformed")),
    Row(
        "map-workers-with-serial",
        map_args("0:1:2", "0.2", "--executor", "serial", "--workers", "2"),
        ("--workers", "2", "serial"),
    ),
    Row(
        "reproduce-workers-with-serial",
        ("reproduce", "--out", "{tmp}/r", "--executor", "serial", "--workers", "2"),
        ("--workers", "serial"),
    ),
    Row(
        "map-scheduler-with-processes",
        map_args("0:1:2", "0.2", "--executor", "processes", "--scheduler", "local"),
        ("--scheduler", "dask"),
    ),
    Row(
        "reproduce-scheduler-with-serial",
        ("reproduce", "--out", "{tmp}/r", "--executor", "serial", "--scheduler", "local"),
        ("--scheduler", "dask"),
    ),
    Row(
        "map-workers-with-remote-scheduler",
        map_args("0:1:2", "0.2", "--scheduler", "tcp://127.0.0.1:{port}", "--workers", "2"),
        ("--workers", "own workers"),
    ),
    Row("map-workers-zero", map_args("0:1:2", "0.2", "--workers", "0"), ("--workers", "0")),
    Row("map-workers-huge", map_args("0:1:2", "0.2", "--workers", "100000"), ("--workers", "100000")),
    Row(
        "reproduce-workers-negative",
        ("reproduce", "--out", "{tmp}/r", "--workers", "-1"),
        ("--workers", "-1"),
    ),
    Row("map-chunk-size-zero", map_args("0:1:2", "0.2", "--chunk-size", "0"), ("--chunk-size", "0")),
    Row("map-chunk-size-huge", map_args("0:1:2", "0.2", "--chunk-size", "10000000000"), ("--chunk-size",)),
    Row(
        "map-executor-unknown", map_args("0:1:2", "0.2", "--executor", "threads"), ("--executor", "'threads'")
    ),
    Row(
        "reproduce-executor-unknown",
        ("reproduce", "--out", "{tmp}/r", "--executor", "gpu"),
        ("--executor", "'gpu'"),
    ),
]

#: Theories, bounds and theory options by name.
THEORY_ROWS = [
    *[
        Row(f"{name}-theory-unknown", (*cmd, "--theory", "nosuch"), ("--theory", "'nosuch'", "bcs"))
        for name, cmd in (
            ("tc", ("tc", "--eta", "1")),
            ("gaps", ("gaps", "--eta", "1")),
            ("isotope", ("isotope", "--eta", "1")),
            ("map", map_args("0:1:2", "0.2")),
            ("reproduce", ("reproduce", "--out", "{tmp}/r")),
        )
    ],
    *[
        Row(f"{name}-bound-unknown", (*cmd, "--bound", "nosuch"), ("--bound", "'nosuch'", "none"))
        for name, cmd in (("tc", ("tc", "--eta", "1")), ("map", map_args("0:1:2", "0.2")))
    ],
    *[
        Row(
            f"{name}-theory-option-unknown",
            (*cmd, "--theory-option", "mu_star=0.1"),
            ("--theory-option", "mu_star", "known options"),
        )
        for name, cmd in (
            ("tc", ("tc", "--eta", "1")),
            ("gaps", ("gaps", "--eta", "1")),
            ("isotope", ("isotope", "--eta", "1")),
            ("map", map_args("0:1:2", "0.2")),
            ("reproduce", ("reproduce", "--out", "{tmp}/r")),
        )
    ],
    Row(
        "bound-option-without-a-bound",
        ("tc", "--eta", "1", "--bound-option", "x=1"),
        ("--bound-option", "x=1", "without a bound"),
    ),
    Row(
        "map-bound-option-without-a-bound",
        map_args("0:1:2", "0.2", "--bound-option", "x=1"),
        ("--bound-option", "without a bound"),
    ),
    Row(
        "bound-option-malformed",
        ("gaps", "--eta", "1", "--bound-option", "x"),
        ("--bound-option", "KEY=VALUE"),
    ),
    Row(
        "theory-option-no-equals",
        ("tc", "--eta", "1", "--theory-option", "mu_star"),
        ("--theory-option", "KEY=VALUE"),
    ),
    Row(
        "theory-option-bad-key",
        ("tc", "--eta", "1", "--theory-option", "1x=2"),
        ("--theory-option", "'1x=2'"),
    ),
    Row(
        "theory-option-twice",
        ("tc", "--eta", "1", "--theory-option", "a=1", "--theory-option", "a=2"),
        ("--theory-option", "given twice"),
    ),
    Row(
        "theory-option-nan", ("gaps", "--eta", "1", "--theory-option", "x=NaN"), ("--theory-option", "finite")
    ),
    Row(
        "map-theory-option-no-equals",
        map_args("0:1:2", "0.2", "--theory-option", "="),
        ("--theory-option", "KEY=VALUE"),
    ),
]

#: Sizes beyond what fits in memory, and numbers that are not finite.
SIZE_ROWS = [
    Row("bands-n-q-huge", ("bands", "--n-q", "1000000000"), ("--n-q", "1000000000")),
    Row("overlap-n-q-huge", ("overlap", "--n-q", "1000000"), ("--n-q", "1000000")),
    Row("dos-n-eta-huge", ("dos", "--n-eta", "10000000000"), ("--n-eta",)),
    Row("demo-n-q-huge", ("demo", "--out", "{tmp}/d", "--n-q", "99999"), ("--n-q", "99999")),
    Row("demo-n-eta-cut-huge", ("demo", "--out", "{tmp}/d", "--n-eta-cut", "1000000"), ("--n-eta-cut",)),
    Row("tc-nodes-huge", ("tc", "--eta", "1", "--nodes", "1000000"), ("--nodes", "1000000")),
    Row("map-eta-count-huge", map_args(eta="0:1:1000000"), ("--eta", "at most")),
    Row(
        "map-grid-too-many-points",
        map_args(eta="0:1:99999", g="0.1:0.4:99999"),
        ("--eta/--g", "points", "at most"),
    ),
    Row("tc-eta-overflows-to-inf", ("tc", "--eta", "1e400"), ("--eta", "inf", "finite")),
    Row("tc-omega0-inf", ("tc", "--eta", "1", "--omega0", "inf"), ("--omega0", "inf", "finite")),
    Row("isotope-interband-inf", ("isotope", "--eta", "1", "--interband", "-inf"), ("--interband", "finite")),
    Row("gaps-temperature-inf", ("gaps", "--eta", "1", "--temperature", "inf"), ("--temperature", "inf")),
    Row("dos-eta-min-nan", ("dos", "--eta-min", "nan"), ("--eta-min", "nan", "finite")),
    Row("dos-eta-max-inf", ("dos", "--eta-max", "inf"), ("--eta-max", "inf", "finite")),
    Row("dos-fermi-eta-nan", ("dos", "--fermi-eta", "0.5,nan"), ("--fermi-eta", "finite")),
    Row("overlap-q-fixed-inf", ("overlap", "--q-fixed", "inf"), ("--q-fixed", "inf", "finite")),
    Row(
        "plot-g-values-malformed",
        ("plot", "{tmp}/foreign.nc", "--out", "{tmp}/p.png", "--g-values", "x"),
        ("--g-values", "'x'"),
        extra_files={"foreign.nc": "netcdf"},
    ),
    Row(
        "plot-eta-values-inf",
        ("plot", "{tmp}/foreign.nc", "--out", "{tmp}/p.png", "--eta-values", "inf"),
        ("--eta-values", "finite"),
        extra_files={"foreign.nc": "netcdf"},
    ),
    Row("unknown-command", ("frobnicate",), ("frobnicate",)),
    Row("unknown-top-level-option", ("--bogus",), ("--bogus", "no such option")),
]


ROWS = (
    MODEL_FILE_ROWS
    + OPTION_ROWS
    + MAP_ROWS
    + PLOT_ROWS
    + OUTPUT_ROWS
    + SPECIAL_FILE_ROWS
    + EXECUTOR_ROWS
    + THEORY_ROWS
    + SIZE_ROWS
)


# ------------------------------------------------------------------------------------- running


def _make_extra(path: Path, kind: str) -> None:
    """An extra file of a row: a foreign NetCDF file, text, a FIFO, an empty map, a file over the
    model-size cap, TOML nested 100 000 deep, or a symbolic link to itself."""
    if kind == "netcdf":
        xr.Dataset({"x": ("i", np.arange(3.0))}).to_netcdf(path, engine="h5netcdf")
    elif kind == "text":
        path.write_text("keep me")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "emptymap":
        empty = np.zeros((0, 2))
        xr.Dataset(
            {
                "tc": (("eta", "g"), empty),
                "status": (("eta", "g"), empty.astype(np.int8)),
                "mu0": ("eta", empty[:, 0]),
            },
            coords={"eta": np.zeros(0), "g": [0.2, 0.3]},
        ).to_netcdf(path, engine="h5netcdf")
    elif kind == "big":
        path.write_text(VALID_MODEL + "#" * (MAX_MODEL_FILE_BYTES + 10) + "\n")
    elif kind == "nested":
        path.write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    elif kind == "symlink-loop":
        path.symlink_to(path)
    else:  # pragma: no cover - a typo in the table
        raise AssertionError(kind)


def _materialise(row: Row, tmp: Path) -> tuple[list[str], list[str]]:
    """Write the row's files; return the command line and the expected fragments, substituted."""
    f = tmp / row.file_name
    if isinstance(row.file, bytes):
        f.write_bytes(row.file)
    elif isinstance(row.file, str):
        f.write_text(row.file, encoding="utf-8")
    for name, kind in row.extra_files.items():
        _make_extra(tmp / name, kind)
    port = str(_free_port())

    def sub(text: str) -> str:
        return text.replace("{f}", str(f)).replace("{tmp}", str(tmp)).replace("{port}", port)

    return [sub(a) for a in row.args], [sub(e) for e in row.expect]


def _run(row: Row, args: list[str]) -> tuple[int, str, str, BaseException | None]:
    if row.subprocess:
        with contextlib.ExitStack() as stack:
            stdout = stack.enter_context(open(row.stdout_to, "w")) if row.stdout_to else subprocess.PIPE
            proc = subprocess.run(
                [sys.executable, "-m", "multigap", *args],
                stdout=stdout,
                stderr=subprocess.PIPE,
                text=True,
                check=False,
                timeout=120,
            )
        return proc.returncode, proc.stdout or "", proc.stderr, None
    result = CliRunner().invoke(main, args)
    exc = result.exception
    if isinstance(exc, SystemExit):
        exc = None
    return result.exit_code, result.stdout, result.stderr, exc


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_bad_input_gives_one_line_naming_field_value_and_rule(row: Row, tmp_path: Path) -> None:
    args, expect = _materialise(row, tmp_path)
    code, out, err, exc = _run(row, args)
    shown = f"multigap {' '.join(args)}\nexit {code}\nstdout: {out!r}\nstderr: {err!r}"
    assert exc is None, f"{shown}\nexception escaped the command: {repr(exc)[:300]}"
    assert "Traceback" not in err + out, shown
    assert code == 2, shown
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"{shown}\nnot one line"
    line = lines[0]
    assert line.startswith("Error: "), shown
    missing = [e for e in expect if e.lower() not in line.lower()]
    assert not missing, f"{shown}\nmissing from the message: {missing}"


def test_the_table_is_large_and_covers_every_kind() -> None:
    """At least 150 rows (80 before issue 15), every class of it covered; each id unique."""
    assert len(MODEL_FILE_ROWS) >= 25
    for rows in (OUTPUT_ROWS, SPECIAL_FILE_ROWS, EXECUTOR_ROWS, THEORY_ROWS, SIZE_ROWS):
        assert len(rows) >= 10
    assert len(ROWS) >= 150
    assert len({r.id for r in ROWS}) == len(ROWS)


# ------------------------------------------------------------------------- the same in Python


def test_load_model_of_a_binary_file_is_a_model_error(tmp_path: Path) -> None:
    """``multigap.load_model`` on a file that is not UTF-8 text raises ModelError naming the file."""
    from multigap import load_model
    from multigap.errors import ModelError

    path = tmp_path / "binary.toml"
    path.write_bytes(bytes(range(128, 256)))
    with pytest.raises(ModelError) as info:
        load_model(path)
    assert str(path) in str(info.value)


def test_load_model_syntax_error_names_the_file(tmp_path: Path) -> None:
    """A TOML syntax error from ``multigap.load_model`` says which file (and where in it)."""
    from multigap import load_model
    from multigap.errors import ModelError

    path = tmp_path / "broken.toml"
    path.write_text('name = "A"\n[lattice\n', encoding="utf-8")
    with pytest.raises(ModelError) as info:
        load_model(path)
    assert str(path) in str(info.value) and "line 2" in str(info.value)
