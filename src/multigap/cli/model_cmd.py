"""``multigap model show``: print a resolved model as TOML."""

from __future__ import annotations

import click

from ..model import dumps_model
from ..presets import resolve_model

__all__ = ["COMMANDS", "model"]


@click.group()
def model() -> None:
    """Inspect model descriptions (presets A, B or TOML files)."""


@model.command("show")
@click.argument("spec", metavar="A|B|FILE.toml")
def model_show(spec: str) -> None:
    """Print the fully resolved model as TOML (save it, edit it, pass it back with --model)."""
    click.echo(dumps_model(resolve_model(spec)), nl=False)


#: The commands this module adds to ``multigap``.
COMMANDS = (model,)
