"""Option decorators shared by the commands, and the parsing of option values.

* :func:`model_option` — ``--model A|B|FILE.toml``;
* :func:`result_options` / :func:`output_options` — ``--json``, ``--out FILE.nc``,
  ``--overwrite`` (and ``--plot FILE.png``);
* :func:`pairing_options` — ``--eta``, ``--g``, ``--interband``, ``--omega0``, ``--nodes``;
* :func:`theory_options` — ``--theory``, ``--theory-option KEY=VALUE``, ``--bound``;
* :func:`executor_options` — ``--executor``, ``--workers``, ``--scheduler``;
* :class:`GridRange` — ``START:STOP:COUNT`` (parsed by :func:`multigap.parsing.parse_range`).

Theory and bound names are checked against :func:`multigap.theories.available_theories` and
:func:`~multigap.theories.available_bounds` when the command runs, so a theory registered at
run time (a plug-in, a test) is accepted without changing any command.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
import numpy as np

from ..errors import InputError, ModelError
from ..model import N_Q_RANGE, Model
from ..parsing import parse_numbers, parse_range
from ..presets import resolve_model

if TYPE_CHECKING:
    from ..theories import PairingTheory, TcBound

__all__ = [
    "FIGURE_SUFFIXES",
    "GridRange",
    "RegistryChoice",
    "SCHEDULER_SCHEMES",
    "executor_options",
    "bound_options",
    "check_executor",
    "model_option",
    "mu_mode_option",
    "output_options",
    "pairing_options",
    "parse_float_list",
    "parse_range",
    "parse_theory_options",
    "range_text",
    "resolve_pairing_model",
    "resolve_theory",
    "result_options",
    "theory_options",
    "value_callback",
]

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

#: Figure formats ``--plot`` and ``plot --out`` write (by suffix).
FIGURE_SUFFIXES = (".png", ".pdf", ".svg")

#: Address schemes of ``--scheduler`` (Dask's comm protocols) besides ``local``.
SCHEDULER_SCHEMES = ("tcp", "tls", "ws", "wss", "ucx", "inproc")


def _apply(func: F, options: Sequence[Callable[[F], F]]) -> F:
    for option in options:
        func = option(func)
    return func


def model_option(func: F) -> F:
    """Add ``--model A|B|FILE.toml`` (parameter ``model_spec``, default ``A``) to a command."""
    return click.option(
        "--model",
        "model_spec",
        default="A",
        show_default=True,
        metavar="A|B|FILE.toml",
        help="Preset name or TOML model file (see `multigap model show A` for the schema).",
    )(func)


def output_path(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """Callback of file options: refuse an empty name and an existing folder."""
    if value is None:
        return None
    if str(value).strip() == "" or str(value) == ".":
        raise click.BadParameter(f"{str(value)!r}: an empty name or the current folder; give a file path")
    if os.path.isdir(value):
        raise click.BadParameter(f"{str(value)!r}: is a folder; give a file path")
    return value


def figure_path(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """Callback of figure options: :func:`output_path` plus a supported suffix."""
    value = output_path(ctx, param, value)
    if value is not None and value.suffix.lower() not in FIGURE_SUFFIXES:
        raise click.BadParameter(
            f"{str(value)!r}: unsupported figure format {value.suffix or '(no suffix)'!r}; "
            f"the file name must end in {', '.join(FIGURE_SUFFIXES)}"
        )
    return value


def overwrite_option(func: F) -> F:
    """Add ``--overwrite`` (replace existing output files)."""
    return click.option("--overwrite", is_flag=True, help="Replace output files that already exist.")(func)


def result_options(func: F) -> F:
    """Add ``--json``, ``--out FILE.nc`` and ``--overwrite`` (``as_json``, ``out``, ``overwrite``)."""
    func = overwrite_option(func)
    func = click.option(
        "--out",
        type=click.Path(dir_okay=True, path_type=Path),
        default=None,
        callback=output_path,
        help="Write the labelled results to this NetCDF4 file (.nc); --overwrite to replace one.",
    )(func)
    return click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON on stdout.")(
        func
    )


def output_options(func: F) -> F:
    """:func:`result_options` plus ``--plot FILE.png`` (``plot``)."""
    func = click.option(
        "--plot",
        type=click.Path(dir_okay=True, path_type=Path),
        default=None,
        callback=figure_path,
        help="Draw the figure to this file (.png, .pdf or .svg).",
    )(func)
    return result_options(func)


def _finite(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value!r}: must be a finite number")
    return value


def non_negative(ctx: click.Context, param: click.Parameter, value: float) -> float:
    """Callback: a finite number >= 0."""
    if not (math.isfinite(value) and value >= 0):
        raise click.BadParameter(f"{value!r}: must be a finite number >= 0")
    return value


def value_callback(
    parse: Callable[[str], T],
) -> Callable[[click.Context, click.Parameter, str | None], T | None]:
    """A click callback that applies a :mod:`multigap.parsing` function to the option's text.

    None stays None; the parser's :class:`~multigap.errors.InputError` becomes a usage error
    (``Invalid value for '--option': ...``, exit status 2).
    """

    def callback(ctx: click.Context, param: click.Parameter, value: str | None) -> T | None:
        if value is None:
            return None
        try:
            return parse(value)
        except InputError as exc:
            raise click.BadParameter(str(exc)) from None

    return callback


#: Callback: comma-separated finite numbers (:func:`multigap.parsing.parse_numbers`).
parse_float_list = value_callback(parse_numbers)


def pairing_options(func: F) -> F:
    """Add the options of one pairing problem to a command.

    ``--eta`` (required, ``eta``), ``--g`` (``g``), ``--interband`` (``interband``), ``--omega0``
    (``omega0``) and ``--nodes`` (``nodes``); pass them to :func:`resolve_pairing_model`.
    """
    return _apply(
        func,
        [
            click.option(
                "--nodes",
                type=click.IntRange(*N_Q_RANGE),
                default=None,
                help="Quadrature nodes per panel (default: the model's numerics.n_q; double it to check).",
            ),
            click.option(
                "--omega0",
                type=float,
                default=None,
                callback=_finite,
                help="Bare phonon energy omega0 (meV; default: the model's), softened by the Migdal factor.",
            ),
            click.option(
                "--interband",
                type=float,
                default=None,
                callback=_finite,
                help="Common interband coupling g_nn' (default: the model's, 0.02 in the presets).",
            ),
            click.option(
                "--g",
                type=float,
                default=None,
                callback=_finite,
                help="Active-band coupling g = g33 (default: the model's; < 0.5 with the Migdal softening).",
            ),
            click.option(
                "--eta",
                type=float,
                required=True,
                callback=_finite,
                help="Lifshitz parameter eta = (mu0 - E_L)/dE of the active band.",
            ),
        ],
    )


def mu_mode_option(default: str, help: str) -> Callable[[F], F]:
    """``--mu-mode fixed|density`` with the given default."""
    choices = ["fixed", "density"] if default == "fixed" else ["density", "fixed"]
    return click.option(
        "--mu-mode", type=click.Choice(choices), default=default, show_default=True, help=help
    )


def resolve_pairing_model(
    spec: str,
    g: float | None = None,
    interband: float | None = None,
    omega0: float | None = None,
    nodes: int | None = None,
) -> Model:
    """The ``--model`` with ``--g``, ``--interband``, ``--omega0``, ``--nodes`` folded in.

    Uses :func:`multigap.problem.with_pairing_overrides`, so the returned model (printed in the
    JSON, stored in ``--out`` files) alone reproduces the numbers.

    Raises
    ------
    ModelError
        If an option makes an invalid model; the message starts with the option and its value.
    """
    from ..problem import with_pairing_overrides

    model = resolve_model(spec)
    steps: list[tuple[str, float | int | None, Callable[[Model], Model]]] = [
        ("--g", g, lambda m: with_pairing_overrides(m, g=g)),
        ("--interband", interband, lambda m: with_pairing_overrides(m, interband=interband)),
        ("--omega0", omega0, lambda m: with_pairing_overrides(m, omega0=omega0)),
        ("--nodes", nodes, lambda m: with_pairing_overrides(m, n_nodes=nodes)),
    ]
    for option, value, apply in steps:
        if value is None:
            continue
        try:
            model = apply(model)
        except ModelError as exc:
            raise ModelError(f"{option} {value!r}: {exc}") from None
    return model


# ------------------------------------------------------------------------- theories and bounds
class RegistryChoice(click.Choice):  # type: ignore[type-arg]
    """A :class:`click.Choice` whose choices are read from a registry each time they are needed."""

    def __init__(self, names: Callable[[], Sequence[str]]) -> None:
        self._names = names
        super().__init__(list(names()))

    @property  # type: ignore[override]
    def choices(self) -> Sequence[str]:
        return list(self._names())

    @choices.setter
    def choices(self, value: Sequence[str]) -> None:  # click sets it in __init__
        pass


_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _json_value(text: str) -> Any:
    """A ``--theory-option`` value: a JSON number, true/false, null, or else the text itself."""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    if isinstance(value, float) and not math.isfinite(value):
        raise click.BadParameter(f"{text!r}: a number must be finite")
    return value if isinstance(value, (bool, int, float, str)) or value is None else text


def parse_theory_options(
    ctx: click.Context | None, param: click.Parameter | None, values: Sequence[str]
) -> dict[str, Any]:
    """Callback of the repeatable ``--theory-option KEY=VALUE``: a dict, values parsed as JSON.

    Numbers, ``true``/``false`` and ``null`` become Python numbers, bools and None; anything else
    stays a string.  Malformed items, bad keys and repeated keys are refused.
    """
    options: dict[str, Any] = {}
    for item in values:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not _KEY.match(key):
            raise click.BadParameter(f"{item!r}: give KEY=VALUE with KEY a name, e.g. mu_star=0.1")
        if key in options:
            raise click.BadParameter(f"{item!r}: option {key!r} given twice")
        options[key] = _json_value(raw.strip())
    return options


def theory_options(func: F) -> F:
    """Add ``--theory``, ``--theory-option KEY=VALUE`` (repeatable) and ``--bound``.

    Parameters ``theory`` (str), ``theory_option`` (dict) and ``bound`` (str, ``none`` for no
    bound).  The names are passed to the library (:func:`multigap.theories.get_theory`,
    :func:`~multigap.theories.get_bound`) as they are.
    """
    from ..theories import DEFAULT_THEORY, available_bounds, available_theories

    return _apply(
        func,
        [
            click.option(
                "--bound",
                type=RegistryChoice(available_bounds),
                default="none",
                show_default=True,
                help="A bound on the mean-field Tc (e.g. phase fluctuations); none: no bound.",
            ),
            click.option(
                "--theory-option",
                "theory_option",
                multiple=True,
                metavar="KEY=VALUE",
                callback=parse_theory_options,
                help="An option of the theory (repeatable); VALUE is read as JSON (0.1, true) or text.",
            ),
            click.option(
                "--theory",
                type=RegistryChoice(available_theories),
                default=DEFAULT_THEORY,
                show_default=True,
                help="Pairing theory (see docs/theory.md).",
            ),
        ],
    )


def bound_options(func: F) -> F:
    """Add the repeatable ``--bound-option KEY=VALUE`` (parameter ``bound_option``, a dict)."""
    return click.option(
        "--bound-option",
        "bound_option",
        multiple=True,
        metavar="KEY=VALUE",
        callback=parse_theory_options,
        help="An option of the bound (repeatable); VALUE is read as JSON (0.1, true) or text.",
    )(func)


def resolve_theory(
    theory: str, options: dict[str, Any], bound: str, bound_options: dict[str, Any] | None = None
) -> tuple[PairingTheory, TcBound | None]:
    """The theory and bound named by ``--theory``, ``--theory-option``, ``--bound`` and
    ``--bound-option``.

    Checked before any work, so a bad option ends the command at once with one line that names
    the option.

    Raises
    ------
    InputError
        Unknown theory option (the message lists the known ones), or a bound the theory cannot
        feed.
    """
    from ..theories import get_bound, get_theory

    try:
        th = get_theory(theory, **options)
    except InputError as exc:
        given = " ".join(f"{k}={v!r}" for k, v in options.items())
        raise InputError(
            f"--theory-option {given}: {exc}" if options else f"--theory {theory}: {exc}"
        ) from None
    try:
        bd = get_bound(bound, **(bound_options or {}))
    except InputError as exc:
        given = " ".join(f"{k}={v!r}" for k, v in (bound_options or {}).items())
        where = f"--bound-option {given}" if given else f"--bound {bound}"
        raise InputError(f"{where}: {exc}") from None
    try:
        if bd is not None:
            bd.check(th)
    except InputError as exc:
        raise InputError(f"--bound {bound}: {exc}") from None
    return th, bd


# --------------------------------------------------------------------------------- executors
def _scheduler(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None or value == "local":
        return value
    form = f"give 'local' or SCHEME://HOST:PORT with SCHEME one of {', '.join(SCHEDULER_SCHEMES)}"
    scheme, sep, rest = value.partition("://")
    if not sep:
        raise click.BadParameter(f"{value!r}: malformed address; {form}")
    if scheme not in SCHEDULER_SCHEMES:
        raise click.BadParameter(f"{value!r}: unsupported scheme {scheme!r}; {form}")
    if scheme == "inproc":
        return value
    host, colon, port = rest.rpartition(":")
    if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise click.BadParameter(f"{value!r}: malformed address (HOST:PORT, PORT 1-65535); {form}")
    return value


def executor_options(func: F) -> F:
    """Add ``--executor``, ``--workers`` and ``--scheduler``; check them with :func:`check_executor`."""
    return _apply(
        func,
        [
            click.option(
                "--scheduler",
                default=None,
                callback=_scheduler,
                metavar="local|tcp://HOST:PORT",
                help="Run on Dask: 'local' starts a LocalCluster, tcp://HOST:PORT uses a running scheduler.",
            ),
            click.option(
                "--workers",
                type=click.IntRange(min=1, max=4096),
                default=None,
                help="Worker processes (local processes or a Dask LocalCluster); default all cores.",
            ),
            click.option(
                "--executor",
                type=click.Choice(["processes", "serial", "dask"]),
                default=None,
                help="Where the chunks run (default: processes, or dask when --scheduler is given).",
            ),
        ],
    )


def check_executor(executor: str | None, workers: int | None, scheduler: str | None) -> None:
    """Refuse option combinations that would be silently ignored (one line, exit 2)."""
    from .app import PackageError

    if scheduler is not None and executor not in (None, "dask"):
        raise PackageError(f"--scheduler {scheduler!r}: only --executor dask takes a scheduler")
    if workers is not None and executor == "serial":
        raise PackageError(
            f"--workers {workers}: --executor serial runs in this process; drop --workers or use "
            "--executor processes"
        )
    if workers is not None and scheduler is not None and scheduler != "local":
        raise PackageError(
            f"--workers {workers}: a running scheduler ({scheduler}) has its own workers; drop --workers"
        )


# ------------------------------------------------------------------------------------- ranges
class GridRange(click.ParamType):
    """``START:STOP:COUNT`` (COUNT points from START to STOP, both included) or one number.

    Converts to a 1-D float array with :func:`multigap.parsing.parse_range` (the one parser of
    the form).  Malformed text, a non-finite number, a COUNT below 1 or above
    :data:`multigap.parsing.MAX_GRID_POINTS`, a reversed range (START > STOP) and a zero-width
    range with more than one point are rejected with a message naming the option and the value.
    """

    name = "START:STOP:COUNT"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> np.ndarray:
        if isinstance(value, np.ndarray):
            return value
        try:
            return parse_range(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def range_text(values: np.ndarray) -> str:
    """The canonical ``START:STOP:COUNT`` of a grid made by :func:`parse_range`."""
    if values.size == 1:
        return repr(float(values[0]))
    return f"{float(values[0])!r}:{float(values[-1])!r}:{values.size}"
