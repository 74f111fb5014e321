"""``multigap explore``: the interactive explorer in the browser (needs the ``explore`` extra).

Panel and Bokeh are imported only when the command runs, so ``multigap --help`` stays fast;
without them the command ends with one line naming the extra to install.
"""

from __future__ import annotations

import click

from .app import PackageError
from .options import model_option

__all__ = ["COMMANDS", "explore"]

#: What to install when Panel/Bokeh are missing.
INSTALL_HINT = "pip install 'multigap[explore]'"


@click.command(short_help="Interactive explorer of the dome in the browser (Panel/Bokeh).")
@model_option
@click.option(
    "--port",
    type=click.IntRange(min=0, max=65535),
    default=5006,
    show_default=True,
    help="TCP port to listen on; 0 picks a free one.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (loopback by default: only this computer can connect).",
)
def explore(model_spec: str, port: int, host: str) -> None:
    """Serve the explorer and print its address: drag η, g, ω₀, the interband coupling, choose
    the model (or open a TOML file), theory and bound, and watch the band structure, Fermi
    surface, DOS, Tc(η) and the (η, g) dome follow.  Ctrl-C stops it.
    """
    try:
        import bokeh  # noqa: F401
        import panel  # noqa: F401
    except ImportError as exc:
        raise PackageError(
            f"multigap explore needs Panel and Bokeh (the 'explore' extra): {INSTALL_HINT} "
            f"({exc.name} is missing)"
        ) from None
    from ..explore.server import serve

    try:
        serve(model_spec, host=host, port=port, echo=lambda line: click.echo(line))
    except OSError as exc:
        if exc.filename is None:
            raise PackageError(
                f"--host {host} --port {port}: cannot listen ({exc.strerror or exc})"
            ) from None
        raise


#: The commands this module adds to ``multigap``.
COMMANDS = (explore,)
