"""The paper's figures: ``reproduce`` (Figs. 3-11 and a report) and ``demo`` (Figs. 3-7)."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

import click

from .maps import interrupted_run, scheduler_client, theory_args
from .options import bound_options, check_executor, executor_options, resolve_theory, theory_options
from .render import quiet_figures

__all__ = ["COMMANDS", "demo", "reproduce"]


@click.command(short_help="The whole paper: Figs. 3-11 for models A and B and a report comparing with it.")
@click.option(
    "--out",
    "out_dir",
    default="results",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the NetCDF files, figures, report.md and report.json.",
)
@click.option(
    "--quick", is_flag=True, help="Coarser grids (about a minute on two cores); see docs/reproduce.md."
)
@executor_options
@theory_options
@bound_options
@click.option("--grid-set", type=click.Choice(["full", "quick", "tiny"]), default=None, hidden=True)
@click.option(
    "--progress/--no-progress", default=None, help="Progress bars on stderr (default: when it is a terminal)."
)
def reproduce(
    out_dir: Path,
    quick: bool,
    scheduler: str | None,
    workers: int | None,
    executor: str | None,
    theory: str,
    theory_option: dict[str, Any],
    bound: str,
    bound_option: dict[str, Any],
    grid_set: str | None,
    progress: bool | None,
) -> None:
    """Compute everything the paper shows for models A (H3S) and B (CSH_x): Figs. 3-11.

    Writes the data (NetCDF), the figures (PNG) and report.md / report.json, which set the
    paper's headline numbers beside ours (every one of ours read back from the files) and say
    where and why they differ.  The Tc maps are resumable: after Ctrl-C or SIGTERM, run the same
    command again.  Prints each file as it is written.
    """
    from ..reproduce import reproduce as run_reproduce

    check_executor(executor, workers, scheduler)
    grids = grid_set or ("quick" if quick else "full")
    args = ["multigap", "reproduce", "--out", str(out_dir)]
    if grid_set is not None:
        args.append(f"--grid-set={grid_set}")
    elif quick:
        args.append("--quick")
    for flag, value in (("--executor", executor), ("--workers", workers), ("--scheduler", scheduler)):
        if value is not None:
            args += [flag, str(value)]
    args += theory_args(theory, theory_option, bound, bound_option)
    command = shlex.join(args)
    show = sys.stderr.isatty() if progress is None else progress
    the_theory, the_bound = resolve_theory(theory, theory_option, bound, bound_option)
    try:
        with quiet_figures(), scheduler_client(executor, scheduler, workers) as client:  # one cluster
            result = run_reproduce(
                out_dir,
                grids=grids,
                executor="dask" if client is not None else executor,
                workers=workers,
                scheduler=client,
                progress=show,
                command=command,
                echo=lambda p: click.echo(f"wrote {p}"),
                theories=(the_theory,),
                bounds=() if the_bound is None else (the_bound,),
            )
    except KeyboardInterrupt as exc:
        interrupted_run([out_dir / f"map_{m}.nc.parts" for m in ("A", "B")], command, exc)
    ours = result.report["ours"]
    for m in ("A", "B"):
        mp = ours[m]["map"]
        if mp["tc_max_K"] is None:
            click.echo(f"model {m}: no converged Tc on the map")
            continue
        click.echo(
            f"model {m}: largest Tc = {mp['tc_max_K']:.4g} K at eta = {mp['eta_at_max']:.3g}, "
            f"g = {mp['g_at_max']:.3g} (paper: {result.report['paper']['tc_max_K'][m]:g} K)"
        )
    click.echo(
        f"done in {result.wall_time:.1f} s ({result.grids.name} grids): {len(result.files)} files in "
        f"{out_dir}; the comparison with the paper is in {out_dir / 'report.md'}"
    )


#: Most points of the demo's grids.
MAX_DEMO_POINTS = 1_000_000


@click.command(short_help="Figs. 3-7 for models A and B (bands, DOS, cutoff, overlaps, gap ratios, Tc).")
@click.option(
    "--out",
    "out_dir",
    default="results",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the NetCDF files and figures.",
)
@click.option(
    "--n-eta",
    default=301,
    show_default=True,
    type=click.IntRange(min=2, max=MAX_DEMO_POINTS),
    help="η points of Fig. 3.",
)
@click.option(
    "--n-q",
    default=101,
    show_default=True,
    type=click.IntRange(min=2, max=2001),
    help="q points (bands, Fig. 5).",
)
@click.option(
    "--n-eta-cut",
    default=40,
    show_default=True,
    type=click.IntRange(min=2, max=10_000),
    help="η points of the gap/isotope cuts (Figs. 6-7), about 0.1 s each per model.",
)
@click.option(
    "--models", "model_specs", default="A,B", show_default=True, help="Comma-separated presets or TOML files."
)
def demo(out_dir: Path, n_eta: int, n_q: int, n_eta_cut: int, model_specs: str) -> None:
    """Bands, DOS (Fig. 3), cutoff (Fig. 4), overlaps (Fig. 5), gap ratios and isotope
    coefficient (Fig. 6) and Tc against the gap anisotropy (Fig. 7) for models A and B (or the
    --models given).  The whole paper, Figs. 3-11 and a report: `multigap reproduce`.

    The cuts of Figs. 6-7 are at each model's own coupling (A: g = 1/4, B: g = 1/3, as in the
    paper).  Writes NetCDF files and PNG figures into the --out folder and prints each path
    written; a progress bar goes to stderr when it is a terminal.
    """
    from ..reproduce import run_demo

    specs = [s.strip() for s in model_specs.split(",") if s.strip()]
    progress = sys.stderr.isatty()
    with quiet_figures():
        for path in run_demo(out_dir, specs, n_eta, n_q, n_eta_cut=n_eta_cut, progress=progress):
            click.echo(f"wrote {path}")


#: The commands this module adds to ``multigap``.
COMMANDS = (reproduce, demo)
