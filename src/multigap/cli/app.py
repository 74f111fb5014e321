"""The ``multigap`` click group and its one error boundary.

Every command runs inside :meth:`MultigapGroup.invoke`, which turns

* a :class:`~multigap.errors.MultigapError` (raised on purpose by the package), an
  :class:`OSError` (a file that cannot be read or written, a full disk, a closed stdout) and a
  :class:`UnicodeError` into ``Error: <one line>`` on stderr and exit status 2;
* a :class:`click.UsageError` (a bad option value, an unknown option) into the same one line;
* Ctrl-C (:class:`KeyboardInterrupt`) into ``Interrupted`` and exit status 130, and SIGTERM —
  handled like Ctrl-C — into exit status 143.

Commands that keep work on disk (``map``, ``reproduce``) catch the interrupt themselves to print
what was kept and the command that resumes it, through :func:`interrupted`.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import gc
import os
import re
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any, NoReturn

import click

from .. import __version__
from ..errors import MultigapError

__all__ = [
    "PackageError",
    "Terminated",
    "MultigapGroup",
    "cli_words",
    "interrupted",
    "quiet_shutdown",
    "main",
]


class PackageError(click.ClickException):
    """A :class:`MultigapError` (or a message) shown as ``Error: <one line>`` on stderr, exit status 2."""

    exit_code = 2

    def __init__(self, error: BaseException | str) -> None:
        text = error if isinstance(error, str) else str(error)
        super().__init__(" ".join(text.split()) or type(error).__name__)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C would be so that it is handled the same way (exit 143)."""


#: Exit status of an interrupted command: Ctrl-C (SIGINT) and SIGTERM, as shells report them.
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143


def quiet_shutdown() -> None:
    """After an interrupt: keep the shutdown of pools and Dask clusters off stderr.

    Dask's nannies log warnings while they stop their workers, and a cluster interrupted while
    starting raises in its ``atexit`` hook; the user has been told, in one line, what happened.
    """
    import logging

    for name in ("distributed", "tornado", "asyncio"):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    sys.unraisablehook = _ignore_unraisable


def _ignore_unraisable(unraisable: Any) -> None:
    """``sys.unraisablehook`` after an interrupt (exceptions in atexit hooks, finalizers)."""


def interrupted(message: str, exc: BaseException | None = None) -> NoReturn:
    """Print ``message`` (one line) on stderr and exit 130 (Ctrl-C) or 143 (SIGTERM)."""
    quiet_shutdown()
    click.echo(message, err=True)
    sys.exit(EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED)


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """While a command runs, SIGTERM raises :class:`Terminated` (only possible in the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


_OPTION_WORDS = (
    ("pass overwrite=True", "pass --overwrite"),
    ("use scheduler='local'", "use --scheduler local"),
)


def _option_name(match: re.Match[str]) -> str:
    return "--" + match.group(1).replace("_", "-") + (" " if match.group(2) == " = " else ": ")


def cli_words(text: str) -> str:
    """A library message about keyword arguments, reworded for the command line."""
    for api, cli in _OPTION_WORDS:
        text = text.replace(api, cli)
    return re.sub(r"^(out|scheduler|executor|workers|chunk_size|theory|bound)( = |: )", _option_name, text)


def os_error_text(exc: OSError) -> str:
    """One line for an :class:`OSError`: the file (if any), the reason and what to do."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    if exc.errno == errno.ENOSPC:
        reason += " (the disk is full; free space and run the command again)"
    where = f"{exc.filename!s}: " if exc.filename is not None else ""
    if exc.filename is None and exc.errno in (errno.ENOSPC, errno.EPIPE, errno.EIO):
        where = "output: "
    return f"{where}{reason}"


def _silence_stdout() -> None:
    """After stdout failed (full disk, closed pipe), point it at /dev/null so exit is quiet."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


#: Raised by click >= 8.2 for a group called without a command: it shows the help (keep it).
_NO_ARGS_IS_HELP: tuple[type[BaseException], ...] = tuple(
    cls for cls in (getattr(click.exceptions, "NoArgsIsHelpError", None),) if cls is not None
)


_FAST_EXIT: list[bool] = []


def _fast_exit() -> None:
    """At exit, move every object out of the collector's reach (:func:`gc.freeze`).

    The interpreter's final garbage collections then skip the ~10⁶ objects of numpy, scipy,
    xarray and dask, which took ~0.3 s after every command (measured: 0.30 → 0.04 s for these
    imports alone).  The price: objects caught in reference cycles are not finalised at exit
    (a file left open in a cycle would not be flushed).  The commands close what they write
    (atomic writes) before they return, and atexit handlers still run; memory is returned by
    the operating system either way.
    """
    if not _FAST_EXIT:
        _FAST_EXIT.append(True)
        atexit.register(gc.freeze)


class MultigapGroup(click.Group):
    """Click group with the one error boundary of the command line (see the module docstring)."""

    def invoke(self, ctx: click.Context) -> Any:
        _fast_exit()
        try:
            with _sigterm_as_interrupt():
                return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            interrupted("Interrupted.", exc)
        except MultigapError as exc:
            raise PackageError(cli_words(str(exc))) from None
        except OSError as exc:
            if exc.filename is None and exc.errno in (errno.ENOSPC, errno.EPIPE, errno.EIO):
                _silence_stdout()
            raise PackageError(os_error_text(exc)) from None
        except UnicodeError as exc:
            raise PackageError(f"text that cannot be encoded or decoded: {exc}") from None
        except click.UsageError as exc:  # BadParameter, NoSuchOption, MissingParameter, …
            if isinstance(exc, _NO_ARGS_IS_HELP):
                raise
            raise PackageError(exc.format_message()) from None

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        """Options of the top-level command (``multigap --bogus``) get the same one-line error."""
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            if isinstance(exc, _NO_ARGS_IS_HELP):
                raise
            raise PackageError(exc.format_message()) from None


@click.group(cls=MultigapGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="multigap")
def main() -> None:
    """multigap: multi-gap superconductivity in superlattices of quantum wires.

    Units everywhere: lengths nm, wave numbers 1/nm, energies meV, temperatures K, masses m_e.
    """
