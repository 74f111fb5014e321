"""The paper's figures: ``reproduce`` (Figs. 3-11 and a report) and ``demo`` (Figs. 3-7)."""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import InputError
from .maps import interrupted_run, scheduler_client
from .options import (
    RegistryChoice,
    bound_options,
    check_executor,
    executor_options,
    parse_theory_options,
    resolve_theory,
)
from .render import quiet_figures

if TYPE_CHECKING:
    from ..theories import PairingTheory, TcBound

__all__ = ["COMMANDS", "demo", "reproduce", "resolve_theories"]


def _option_args(flag: str, options: dict[str, Any]) -> list[str]:
    return [
        item
        for key, value in options.items()
        for item in (flag, f"{key}={value if isinstance(value, str) else json.dumps(value)}")
    ]


def _share_options(kind: str, names: Sequence[str], options: dict[str, Any]) -> list[dict[str, Any]]:
    """Each of ``names`` gets the options that are fields of its class; an option that none of
    them takes is refused (one line naming it and the options they do take)."""
    import dataclasses

    from ..theories import get_bound, get_theory

    get = get_theory if kind == "theory" else get_bound
    fields = [{f.name for f in dataclasses.fields(get(n))} for n in names]  # type: ignore[arg-type]
    for key, value in options.items():
        if not any(key in f for f in fields):
            known = sorted(set().union(*fields))
            raise InputError(
                f"--{kind}-option {key}={value!r}: no {kind} given ({', '.join(names) or 'none'}) takes "
                f"option {key!r}; known options: {', '.join(known) or 'none'}"
            )
    return [{k: v for k, v in options.items() if k in f} for f in fields]


def resolve_theories(
    theories: Sequence[str],
    theory_option: dict[str, Any],
    bounds: Sequence[str],
    bound_option: dict[str, Any],
) -> tuple[list[PairingTheory], list[TcBound]]:
    """The theories and bounds of the repeatable ``--theory``/``--bound`` of ``reproduce``.

    Repeated names count once; no ``--theory`` means ``bcs``; ``--bound none`` is no bound.  Each
    ``--theory-option``/``--bound-option`` goes to every theory/bound whose class has that
    field (e.g. ``mu_star=0.1`` to ``eliashberg`` and not to ``bcs``).  Checked before any work.

    Raises
    ------
    InputError
        An option that no theory (bound) given takes, a bad option value, or a bound that a
        theory cannot feed.
    """
    from ..theories import DEFAULT_THEORY, get_bound

    t_names = list(dict.fromkeys(theories)) or [DEFAULT_THEORY]
    b_names = [b for b in dict.fromkeys(bounds) if b != "none"]
    if bound_option and not b_names:
        raise InputError("--bound-option: given without a --bound")
    out_t = [
        resolve_theory(name, opts, "none")[0]
        for name, opts in zip(t_names, _share_options("theory", t_names, theory_option), strict=True)
    ]
    out_b: list[TcBound] = []
    for name, opts in zip(b_names, _share_options("bound", b_names, bound_option), strict=True):
        try:
            bd = get_bound(name, **opts)
        except InputError as exc:
            given = " ".join(f"{k}={v!r}" for k, v in opts.items())
            raise InputError(f"--bound-option {given}: {exc}" if opts else f"--bound {name}: {exc}") from None
        assert bd is not None  # name is not "none"
        for th in out_t:
            try:
                bd.check(th)
            except InputError as exc:
                raise InputError(f"--bound {name}: {exc}") from None
        out_b.append(bd)
    return out_t, out_b


def _theory_names() -> list[str]:
    from ..theories import available_theories

    return available_theories()


def _bound_names() -> list[str]:
    from ..theories import available_bounds

    return available_bounds()


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
@click.option(
    "--theory",
    "theory_names",
    multiple=True,
    type=RegistryChoice(_theory_names),
    help="Pairing theory (repeatable; default bcs).  The first is the reference that the "
    "comparison with the paper reads (it must compute gaps); each other one adds its Tc maps.",
)
@click.option(
    "--theory-option",
    "theory_option",
    multiple=True,
    metavar="KEY=VALUE",
    callback=parse_theory_options,
    help="An option of the theories (repeatable), given to each theory that takes it; VALUE is "
    "read as JSON (0.1, true) or text.",
)
@click.option(
    "--bound",
    "bound_names",
    multiple=True,
    type=RegistryChoice(_bound_names),
    help="A bound on the mean-field Tc (repeatable; e.g. bkt, phase fluctuations): each adds, "
    "for every theory, a bounded Tc map.",
)
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
    theory_names: tuple[str, ...],
    theory_option: dict[str, Any],
    bound_names: tuple[str, ...],
    bound_option: dict[str, Any],
    grid_set: str | None,
    progress: bool | None,
) -> None:
    """Compute everything the paper shows for models A (H3S) and B (CSH_x): Figs. 3-11.

    Writes the data (NetCDF), the figures (PNG) and report.md / report.json, which set the
    paper's headline numbers beside ours (every one of ours read back from the files) and say
    where and why they differ.  The Tc maps are resumable: after Ctrl-C or SIGTERM, run the same
    command again.  Prints each file as it is written.

    --theory and --bound are repeatable: the first theory is the reference (Figs. 6-11 and the
    comparison with the paper); every other theory, and every theory under every bound, adds Tc
    maps map_A_<theory>[_<bound>].nc and a report section comparing them (e.g.
    --theory bcs --theory eliashberg --bound bkt: beyond BCS, and phase fluctuations).
    """
    from ..reproduce import reproduce as run_reproduce
    from ..theories import DEFAULT_THEORY

    check_executor(executor, workers, scheduler)
    args = ["multigap", "reproduce", "--out", str(out_dir)]
    if grid_set is not None:
        args.append(f"--grid-set={grid_set}")
    elif quick:
        args.append("--quick")
    for flag, value in (("--executor", executor), ("--workers", workers), ("--scheduler", scheduler)):
        if value is not None:
            args += [flag, str(value)]
    the_theories, the_bounds = resolve_theories(theory_names, theory_option, bound_names, bound_option)
    if [th.name for th in the_theories] != [DEFAULT_THEORY]:  # the default stays implicit
        args += [item for th in the_theories for item in ("--theory", th.name)]
    args += _option_args("--theory-option", theory_option)
    args += [item for bd in the_bounds for item in ("--bound", bd.name)]
    args += _option_args("--bound-option", bound_option)
    command = shlex.join(args)
    show = sys.stderr.isatty() if progress is None else progress
    try:
        with quiet_figures(), scheduler_client(executor, scheduler, workers) as client:  # one cluster
            result = run_reproduce(
                out_dir,
                quick=quick,
                grids=grid_set,  # None: --quick or full, unless MULTIGAP_GRID_SET names a set
                executor="dask" if client is not None else executor,
                workers=workers,
                scheduler=client,
                progress=show,
                command=command,
                echo=lambda p: click.echo(f"wrote {p}"),
                theories=the_theories,
                bounds=the_bounds,
            )
    except KeyboardInterrupt as exc:
        interrupted_run(sorted(out_dir.glob("map_*.nc.parts")), command, exc)
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
        for v in result.report["theories"][m][1:]:  # the other theories and bounds
            label = v["theory"] + ("" if v["bound"] == "none" else f" + {v['bound']}")
            if v["tc_max_K"] is None:
                click.echo(f"  {label}: no converged Tc on the map")
                continue
            click.echo(
                f"  {label}: largest Tc = {v['tc_max_K']:.4g} K at eta = {v['eta_at_max']:.3g}, "
                f"g = {v['g_at_max']:.3g} ({v['file']})"
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
