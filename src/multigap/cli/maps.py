"""Tc maps: ``map`` (chunked, resumable; paper Figs. 8-11) and ``plot`` (draws map files)."""

from __future__ import annotations

import contextlib
import shlex
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import numpy as np

from ..errors import InputError, MultigapError, WorkersLost
from ..presets import resolve_model
from .app import PackageError, cli_words, interrupted, quiet_shutdown
from .options import (
    GridRange,
    bound_options,
    check_executor,
    executor_options,
    figure_path,
    model_option,
    output_path,
    overwrite_option,
    parse_float_list,
    range_text,
    resolve_theory,
    theory_options,
)
from .render import check_outputs, save_figure_quietly

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["COMMANDS", "map_", "plot", "scheduler_client", "interrupted_run"]


@contextlib.contextmanager
def scheduler_client(executor: str | None, scheduler: str | None, workers: int | None) -> Iterator[Any]:
    """Connect to (or start) the Dask scheduler before any progress bar is drawn.

    Yields None without ``--scheduler``, else a ``dask.distributed.Client`` that the sweep uses
    as is; a LocalCluster started here is closed on exit.  An unreachable address ends the
    command with one line (no half-drawn progress bar before it).
    """
    if scheduler is None:
        yield None
        return
    check_executor(executor, workers, scheduler)
    from ..sweep import dask_client

    try:
        client, owned = dask_client(scheduler, workers)
    except MultigapError as exc:
        raise PackageError(cli_words(str(exc))) from None
    except KeyboardInterrupt:  # while the cluster starts
        quiet_shutdown()
        raise
    try:
        yield client
    except KeyboardInterrupt:
        quiet_shutdown()  # before the cluster is closed below
        raise
    finally:
        for obj in owned:  # the client first, then a LocalCluster it runs on
            with contextlib.suppress(Exception):
                obj.close()


class _WorkersLostError(PackageError):
    """Every Dask worker went away mid-map: ``Error: <one line with the resume command>``, exit 1."""

    exit_code = 1


def interrupted_run(parts_dirs: Sequence[Path], command: str, exc: BaseException) -> None:
    """The one line printed on Ctrl-C or SIGTERM, then exit status 130 or 143."""
    kept = sum(len(list(p.glob("chunk_*"))) for p in parts_dirs if p.is_dir())
    where = ", ".join(str(p) for p in parts_dirs if p.is_dir())
    if kept:
        message = f"Interrupted: the {kept} finished chunks are kept in {where}; resume with: {command}"
    else:
        message = f"Interrupted: no chunk had finished, nothing is kept; run again with: {command}"
    interrupted(message, exc)


def theory_args(
    theory: str, theory_option: dict[str, Any], bound: str, bound_option: dict[str, Any] | None = None
) -> list[str]:
    """``--theory``/``--theory-option``/``--bound``/``--bound-option`` of a command line (defaults
    left out)."""
    import json

    from ..theories import DEFAULT_THEORY

    args: list[str] = []
    if theory != DEFAULT_THEORY:
        args += ["--theory", theory]
    for key, value in theory_option.items():
        args += ["--theory-option", f"{key}={value if isinstance(value, str) else json.dumps(value)}"]
    if bound != "none":
        args += ["--bound", bound]
    for key, value in (bound_option or {}).items():
        args += ["--bound-option", f"{key}={value if isinstance(value, str) else json.dumps(value)}"]
    return args


def _map_command(
    model_spec: str,
    eta: np.ndarray,
    g: np.ndarray,
    out: Path,
    *,
    mu_mode: str,
    theory: list[str],
    chunk_size: int | None,
    executor: str | None,
    workers: int | None,
    scheduler: str | None,
    overwrite: bool,
    adaptive_levels: int | None = None,
) -> str:
    """The command line that computes (or resumes) this map, in canonical form."""
    args = ["multigap", "map", "--model", model_spec, f"--eta={range_text(eta)}", f"--g={range_text(g)}"]
    args += ["--out", str(out), "--mu-mode", mu_mode, *theory]
    for flag, value in (
        ("--chunk-size", chunk_size),
        ("--executor", executor),
        ("--workers", workers),
        ("--scheduler", scheduler),
    ):
        if value is not None:
            args += [flag, str(value)]
    if adaptive_levels is not None:
        args += ["--adaptive", "--levels", str(adaptive_levels)]
    if overwrite:
        args.append("--overwrite")
    return shlex.join(args)


#: Most points of one map (η × g); a 301 × 45 map has 13 545.
MAX_MAP_POINTS = 10_000_000


@click.command("map", short_help="Tc(η, g) map, chunked and resumable (paper Figs. 8-11).")
@model_option
@click.option(
    "--eta",
    "eta",
    required=True,
    type=GridRange(),
    help="Lifshitz parameters η: START:STOP:COUNT, both ends included (e.g. -1:2:301).",
)
@click.option(
    "--g",
    "g",
    required=True,
    type=GridRange(),
    help="Active-band couplings g = g33: START:STOP:COUNT (e.g. 0.1:0.49:40); each < 0.5.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=True, path_type=Path),
    callback=output_path,
    help="NetCDF4 file of the map; finished chunks go to OUT.parts/ until it is complete.",
)
@executor_options
@click.option(
    "--mu-mode",
    type=click.Choice(["fixed", "density"]),
    default="fixed",
    show_default=True,
    help="Chemical potential at Tc: mu = mu0, or mu(T) at the normal-state density of mu0.",
)
@theory_options
@bound_options
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1, max=1_000_000),
    default=None,
    help="Grid points per chunk (default 256); part of the map's identity for resuming.",
)
@click.option(
    "--adaptive",
    is_flag=True,
    help="Compute a coarse grid first and refine it where Tc varies fastest (status edges, the "
    "dome's top, curvature); points not computed are stored interpolated, with status interpolated.",
)
@click.option(
    "--levels",
    type=click.IntRange(min=1, max=12),
    default=4,
    show_default=True,
    help="Refinement levels of --adaptive: the first computes every 2^(LEVELS-1)-th point.",
)
@click.option("--overwrite", is_flag=True, help="Replace an OUT (or OUT.parts) holding a different map.")
@click.option("--progress/--no-progress", default=True, show_default=True, help="tqdm bar on stderr.")
def map_(
    model_spec: str,
    eta: np.ndarray,
    g: np.ndarray,
    out: Path,
    scheduler: str | None,
    workers: int | None,
    executor: str | None,
    mu_mode: str,
    theory: str,
    theory_option: dict[str, Any],
    bound: str,
    bound_option: dict[str, Any],
    chunk_size: int | None,
    adaptive: bool,
    levels: int,
    overwrite: bool,
    progress: bool,
) -> None:
    """Critical temperature Tc (K) on the grid η × g (paper Figs. 8-11), written to --out.

    Chunks of the grid run on local processes (default, all cores), serially, or on Dask
    (--scheduler local or tcp://HOST:PORT); the numbers are identical, bit for bit, whichever
    runs them.  Each finished chunk is saved at once: after Ctrl-C, SIGTERM (or a crash) run the
    same command again and only the missing chunks are computed.  At the end a summary: points,
    converged / below the floor / failed, wall time.  Draw the map with `multigap plot`.
    """
    from ..status import Status, status_counts, status_mask
    from ..sweep.executors import start_fork_server
    from ..theories import DEFAULT_THEORY

    check_executor(executor, workers, scheduler)
    source = click.get_current_context().get_parameter_source("levels")
    if not adaptive and source is not None and source.name != "DEFAULT":
        raise InputError(f"--levels {levels}: refines an --adaptive map only; add --adaptive or drop it")
    if eta.size * g.size > MAX_MAP_POINTS:
        raise PackageError(
            f"--eta/--g: {eta.size} x {g.size} = {eta.size * g.size} points; at most {MAX_MAP_POINTS}"
        )
    check_outputs({"--out": out}, inputs=[model_spec], overwrite=True)  # resuming needs an existing OUT
    resolve_theory(theory, theory_option, bound, bound_option)
    model = resolve_model(model_spec)
    start_fork_server(executor, scheduler)  # the workers' imports run while this process does its own:
    from ..figures.style import floor_text
    from ..sweep import run_map
    from ..sweep.engine import check_g

    check_g(model, g.tolist(), label=f"--g {range_text(g)}: g")  # before any worker starts
    command = _map_command(
        model_spec,
        eta,
        g,
        out,
        mu_mode=mu_mode,
        theory=theory_args(theory, theory_option, bound, bound_option),
        chunk_size=chunk_size,
        executor=executor,
        workers=workers,
        scheduler=scheduler,
        overwrite=overwrite,
        adaptive_levels=levels if adaptive else None,
    )
    try:
        with scheduler_client(executor, scheduler, workers) as client:
            run = run_map(
                model,
                eta,
                g,
                mu_mode=mu_mode,
                theory=theory,
                theory_options=theory_option or None,
                bound=None if bound == "none" else bound,
                bound_options=bound_option or None,
                out=out,
                executor="dask" if client is not None else executor,
                workers=workers,
                scheduler=client,
                chunk_size=chunk_size,
                progress=progress,
                overwrite=overwrite,
                command=command,
                adaptive=adaptive,
                levels=levels,
            )
    except KeyboardInterrupt as exc:
        interrupted_run([out.with_name(out.name + ".parts")], command, exc)
    except WorkersLost as exc:  # every Dask worker gone: one line, the chunks kept, exit 1
        parts = out.with_name(out.name + ".parts")
        kept = len(list(parts.glob("chunk_*"))) if parts.is_dir() else 0
        message = f"{exc} ({kept} finished chunks in {parts}); resume with: {command}"
        raise _WorkersLostError(message) from None
    ds = run.dataset
    counts = status_counts(ds["status"].values)
    n_points = int(ds["status"].size)
    theory_text = "" if theory == DEFAULT_THEORY and bound == "none" else f", theory {theory}, bound {bound}"
    click.echo(
        f"map of model {model.name}{theory_text}: {n_points} points ({ds.sizes['eta']} eta x "
        f"{ds.sizes['g']} g): {counts['converged']} converged, {counts['below_floor']} below the floor "
        f"({floor_text(ds, status_mask(ds['status'].values, Status.BELOW_FLOOR))}), {counts['failed']} failed"
        + (f", {counts['interpolated']} interpolated (not computed)" if counts.get("interpolated") else "")
    )
    if counts["converged"]:
        tc = ds["tc"].where(ds["status"] == Status.CONVERGED.code)
        i, j = np.unravel_index(int(np.nanargmax(tc.values)), tc.shape)
        click.echo(
            f"largest Tc = {float(tc.values[i, j]):.4g} K at eta = {float(ds['eta'][i]):.4g}, "
            f"g = {float(ds['g'][j]):.4g}"
        )
    n_warned = int(ds.attrs.get("n_warned", 0))
    if n_warned or counts["failed"]:
        click.echo(
            f"{counts['failed']} failed and {n_warned} points with numerical warnings; the messages and "
            "their counts are in the file's attrs failure_messages and warning_counts"
        )
    rejected = f", {run.chunks_rejected} damaged ones recomputed" if run.chunks_rejected else ""
    click.echo(
        f"chunks: {run.chunks_computed} computed, {run.chunks_reused} reused of {run.chunks_total}"
        f"{rejected} ({run.executor}); wall time {run.wall_time:.1f} s"
    )
    click.echo(f"wrote {run.path}")


# ------------------------------------------------------------------------------------ plot
_PLOT_KINDS = ("map", "eta-cuts", "g-cuts", "theories")


def _read_map(path: Path) -> xr.Dataset:
    import stat

    from ..io import read_dataset

    with contextlib.suppress(OSError):
        if path.exists() and not (stat.S_ISREG(path.stat().st_mode) or path.is_dir()):
            raise InputError(f"input file {str(path)!r}: not a regular file (a NetCDF4 map is expected)")
    ds = read_dataset(path)
    if "tc" not in ds or "status" not in ds or "mu0" not in ds or not {"eta", "g"} <= set(ds.dims):
        title = ds.attrs.get("title")
        what = f" (it holds: {title})" if title else ""
        raise InputError(
            f"input file {str(path)!r}: not a Tc(eta, g) map{what}; make one with `multigap map`"
        )
    if ds["tc"].ndim != 2:
        raise InputError(
            f"input file {str(path)!r}: the map has extra dimensions {ds['tc'].dims}; plot a 2-D (eta, g) map"
        )
    if ds.sizes["eta"] == 0 or ds.sizes["g"] == 0:
        raise InputError(f"input file {str(path)!r}: the map is empty (no eta or no g values)")
    return ds.transpose("eta", "g")


@click.command(short_help="Draw Tc maps: colour map, Tc vs eta at fixed g, Tc vs g at fixed eta.")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="FILE.nc...")
@click.option(
    "--kind",
    type=click.Choice(_PLOT_KINDS),
    default="map",
    show_default=True,
    help="map: Tc(eta, g) colour map (Figs. 10-11); eta-cuts: Tc vs eta at several g, semi-log and "
    "linear (Fig. 8); g-cuts: Tc vs g at fixed eta (Fig. 9); theories: Tc vs eta at one g, one "
    "line per map of the same model (theories and bounds side by side).",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=True, path_type=Path),
    callback=figure_path,
    help="Figure file (.png, .pdf, .svg).",
)
@overwrite_option
@click.option(
    "--g-values",
    default=None,
    callback=parse_float_list,
    help="eta-cuts: couplings g of the curves (comma-separated; nearest grid values); theories: "
    "the one g (default: where the first map's Tc is largest).",
)
@click.option(
    "--eta-values",
    default=None,
    callback=parse_float_list,
    help="g-cuts: Lifshitz parameters of the curves (comma-separated; negative ones go to the "
    "anti-resonant panel).",
)
def plot(
    files: tuple[Path, ...],
    kind: str,
    out: Path,
    overwrite: bool,
    g_values: list[float] | None,
    eta_values: list[float] | None,
) -> None:
    """Draw one or more Tc maps written by `multigap map` (or multigap.sweep.compute_map).

    Several files give one panel (map) or column (eta-cuts) each, e.g. models A and B side by
    side; g-cuts takes one file.  Only converged points are drawn.
    """
    from ..figures import tc_comparison_figure, tc_map_figure, tc_vs_eta_figure, tc_vs_g_figure

    if kind == "g-cuts" and len(files) != 1:
        raise PackageError(f"--kind g-cuts draws one map; got {len(files)} files")
    if kind == "theories" and g_values is not None and len(g_values) != 1:
        raise PackageError(f"--kind theories draws one g; got --g-values with {len(g_values)}")
    check_outputs({"--out": out}, inputs=files, overwrite=overwrite)
    maps = [_read_map(Path(f)) for f in files]

    def figure() -> Any:
        if kind == "map":
            return tc_map_figure(maps)
        if kind == "eta-cuts":
            return tc_vs_eta_figure(maps, g_values=g_values)
        if kind == "theories":
            return tc_comparison_figure(maps, g=None if g_values is None else g_values[0])
        anti = None if eta_values is None else [e for e in eta_values if e < 0]
        res = None if eta_values is None else [e for e in eta_values if e > 0]
        return tc_vs_g_figure(maps[0], eta_anti=anti, eta_res=res)

    click.echo(f"wrote {save_figure_quietly(figure, out, option='--out')}")


#: The commands this module adds to ``multigap``.
COMMANDS = (map_, plot)
