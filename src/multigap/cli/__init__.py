"""Command-line interface: a thin shell over the library (``multigap --help``).

Layout (one concern per file):

* :mod:`.app` — the click group ``main`` and its one error boundary (package errors, OSError,
  UnicodeError -> one line and exit 2; Ctrl-C -> 130; SIGTERM -> 143);
* :mod:`.options` — shared option decorators (``--model``, ``--out``/``--json``/``--plot``,
  the pairing options, ``--theory``/``--theory-option``/``--bound``, the executor options) and
  the parsing of option values;
* :mod:`.render` — JSON and text output and the one writer of output files;
* one module per command group, listed in :data:`COMMAND_MODULES`.

Adding a command group is one new module here that defines ``COMMANDS`` (a tuple of click
commands) and one line in :data:`COMMAND_MODULES`::

    # src/multigap/cli/hello.py
    import click
    from .options import model_option
    from ..presets import resolve_model

    @click.command()
    @model_option
    def hello(model_spec):
        click.echo(resolve_model(model_spec).name)

    COMMANDS = (hello,)

Pairing theories and bounds need no command of their own: every command that computes a Tc
takes ``--theory NAME`` and ``--bound NAME`` from :mod:`multigap.theories`.
"""

from __future__ import annotations

import importlib

from ..presets import resolve_model
from .app import PackageError, main
from .options import (
    GridRange,
    model_option,
    output_options,
    pairing_options,
    parse_range,
    resolve_pairing_model,
    result_options,
    theory_options,
)
from .render import emit, json_ready
from .versions import versions

__all__ = [
    "COMMAND_MODULES",
    "GridRange",
    "PackageError",
    "emit",
    "json_ready",
    "main",
    "model_option",
    "output_options",
    "pairing_options",
    "parse_range",
    "resolve_model",
    "resolve_pairing_model",
    "result_options",
    "theory_options",
    "versions",
]

#: The modules whose ``COMMANDS`` are registered on ``multigap``, in help order (one line each).
COMMAND_MODULES = (
    "model_cmd",  # model show
    "structure",  # bands, dos, overlap
    "pairing",  # tc, gaps, isotope
    "maps",  # map, plot
    "paper",  # reproduce, demo
    "inverse",  # path, fit, design
    "crossover",  # stiffness, crossover
    "eliashberg",  # eliashberg-tc
    "explore",  # explore (the browser explorer; the `explore` extra)
    "versions",  # show-versions
)


def _register() -> None:
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        for command in module.COMMANDS:
            main.add_command(command)


_register()
