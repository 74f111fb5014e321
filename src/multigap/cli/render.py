"""Output of the commands: JSON, text, and the files they write.

* :func:`check_outputs` — before any work: an output may not be an input of the command, and an
  existing output needs ``--overwrite``;
* :func:`write_atomic` — the one writer of output files: to a temporary file next to the
  target, then renamed over it, so an interrupted or failed write (a full disk) never leaves a
  half-written file under the target's name;
* :func:`save_figure_quietly` — a figure through :func:`write_atomic`, matplotlib's warnings
  kept off stderr;
* :func:`emit` — write ``--out``/``--plot`` and print JSON (``--json``) or text;
* :func:`json_ready` — numpy values and NaN (JSON null) into plain JSON data.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import stat
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import numpy as np

from .. import __version__
from ..errors import InputError

if TYPE_CHECKING:
    import xarray as xr
    from matplotlib.figure import Figure

    from ..model import Model

__all__ = [
    "check_outputs",
    "emit",
    "json_ready",
    "model_payload",
    "quiet_figures",
    "save_figure_quietly",
    "write_atomic",
]


def json_ready(value: Any) -> Any:
    """Convert numpy scalars/arrays (and NaN, which JSON lacks, to null) into plain JSON data.

    Examples
    --------
    >>> json_ready({"a": np.float64("nan"), "b": np.arange(2)})
    {'a': None, 'b': [0, 1]}
    """
    if isinstance(value, Mapping):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, (np.ndarray, list, tuple)):
        return [json_ready(v) for v in (value.tolist() if isinstance(value, np.ndarray) else value)]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def model_payload(model: Model) -> dict[str, Any]:
    """The JSON keys every model-based command prints: model name, the model, the version."""
    from ..model import model_to_dict

    return {"model_name": model.name, "model": model_to_dict(model), "multigap_version": __version__}


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return a.resolve() == b.resolve()
    except (OSError, ValueError):
        return False


def check_outputs(
    outputs: Mapping[str, Path | None],
    *,
    inputs: Iterable[str | Path] = (),
    overwrite: bool = False,
) -> None:
    """Refuse, before any work, outputs that would destroy something.

    Parameters
    ----------
    outputs : mapping
        Option name (``"--out"``) -> path or None (not given).
    inputs : iterable of str or Path
        The command's input files (``--model`` when it is a file, the files ``plot`` reads);
        names that are not files (presets) are ignored.
    overwrite : bool
        Whether an existing output may be replaced (``--overwrite``).

    Raises
    ------
    InputError
        An output is an input file, two outputs are the same file, or an output exists without
        ``overwrite``; the message names the option.
    """
    in_files = [Path(p) for p in inputs if os.path.isfile(p)]
    given = [(name, Path(path)) for name, path in outputs.items() if path is not None]
    for i, (name, path) in enumerate(given):
        for source in in_files:
            if _same_file(path, source):
                raise InputError(f"{name} {str(path)!r}: is an input of this command; give another file name")
        for other, path2 in given[:i]:
            if _same_file(path, path2):
                raise InputError(f"{name} {str(path)!r}: is also the {other} file; give two file names")
        try:
            special = not stat.S_ISREG(os.stat(path).st_mode)
        except (OSError, ValueError):  # missing (or a dangling link): a new file
            special = False
        if special:  # a device, FIFO, socket or folder is never replaced by a file
            raise InputError(f"{name} {str(path)!r}: exists and is not a regular file; give a file name")
        if os.path.lexists(path) and not overwrite:  # lexists: a dangling link is also kept
            raise InputError(f"{name} {str(path)!r}: exists; pass --overwrite to replace it")


def write_atomic(path: Path, write: Callable[[Path], object], *, option: str = "output") -> Path:
    """Write a file through ``write(temporary_path)``, then rename it to ``path``.

    The temporary file lies next to ``path`` (same suffix, so writers that go by the suffix
    work) and is removed if ``write`` fails; parent folders are created.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    InputError
        If the file cannot be written (full disk, no permission); the message names ``option``.
    """
    target = Path(path)
    tmp = target.with_name(f".multigap-{os.getpid()}.part{target.suffix[:16]}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        raise InputError(f"{option} {str(target)!r}: cannot be written ({exc.strerror or exc})") from None
    except InputError as exc:  # a writer's own message (e.g. write_dataset): say which option
        raise InputError(f"{option} {str(target)!r}: {exc}") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    return target


@contextlib.contextmanager
def quiet_figures() -> Iterator[None]:
    """Keep matplotlib's warnings (fonts, layout, deprecations) off stderr while figures are drawn.

    Filters warnings raised from matplotlib and from :mod:`multigap.figures` (matplotlib points
    its warnings at the caller); the sweep's numerical warnings are recorded per point elsewhere.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module=r"(matplotlib|multigap\.figures)(\.|$)")
        try:
            from matplotlib import MatplotlibDeprecationWarning
        except ImportError:  # pragma: no cover - matplotlib is a dependency
            pass
        else:
            warnings.filterwarnings("ignore", category=MatplotlibDeprecationWarning)
        yield


def save_figure_quietly(make: Callable[[], Figure], path: Path, *, option: str = "--plot") -> Path:
    """Draw a figure and write it with :func:`write_atomic`; matplotlib warnings are not shown.

    The format is the suffix of ``path`` (one of :data:`~multigap.cli.options.FIGURE_SUFFIXES`).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # drawing one figure: nothing else runs here
        fig = make()
        FigureCanvasAgg(fig)
        return write_atomic(
            path, lambda tmp: fig.savefig(tmp, dpi=150, format=path.suffix.lstrip(".").lower()), option=option
        )


def command_line() -> str:
    """The command line being run (``multigap tc --eta 1 ...``); the command's name alone when
    multigap was called from Python (e.g. click's test runner), whose ``sys.argv`` is not ours."""
    import shlex
    import sys

    ctx = click.get_current_context(silent=True)
    name = ctx.command_path if ctx is not None else "multigap"
    if Path(sys.argv[0]).name in ("multigap", "__main__.py", "-m"):
        return shlex.join(["multigap", *sys.argv[1:]])
    return name


def emit(
    ds: xr.Dataset | Callable[[], xr.Dataset],
    payload: Mapping[str, Any],
    *,
    as_json: bool,
    out: Path | None,
    plot: Path | None,
    figure: Callable[[], Figure] | None,
    text: Callable[[], str],
) -> None:
    """Write ``--out``/``--plot`` files, then print JSON (``payload`` + ``files``) or ``text()``.

    Check the outputs with :func:`check_outputs` before computing ``ds``.  ``ds`` may be a
    function that builds the Dataset: it is then called only for ``--out`` (xarray's import
    and the Dataset cost more than a single Tc point).
    """
    files: dict[str, str] = {}
    if out is not None:
        from ..io import write_dataset

        data = ds() if callable(ds) else ds
        if "command" not in data.attrs:  # the file's history names the command line that made it
            data = data.assign_attrs(command=command_line())
        files["netcdf"] = str(write_atomic(out, lambda tmp: write_dataset(data, tmp), option="--out"))
    if plot is not None and figure is not None:
        files["plot"] = str(save_figure_quietly(figure, plot))
    if as_json:
        click.echo(json.dumps(json_ready({**payload, "files": files})))
        return
    click.echo(text())
    for path in files.values():
        click.echo(f"wrote {path}")
