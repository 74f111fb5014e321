"""Run the reproduction: compute the datasets and draw the figures of the paper's Figs. 3–11.

:func:`reproduce` writes everything into one folder (see :mod:`multigap.reproduce` for the
file list) and then the report (:mod:`multigap.reproduce.report`).  The pairing theories and
bounds are taken by name (:func:`multigap.theories.get_theory`, :func:`~multigap.theories.get_bound`)
and handed to the sweep engine; nothing here names a particular theory.
:func:`run_demo` is the smaller ``multigap demo`` (Figs. 3–7 for any models).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from ..errors import InputError
from ..model import Model
from ..presets import preset
from ..theories import DEFAULT_THEORY, PairingTheory, TcBound, get_bound, get_theory
from .grids import GridSet, resolve_grids
from .html import HTML_NAME, MISSING_NOTE, html_available, write_report_html
from .paper import MODELS
from .report import report_from_files, write_report

__all__ = ["ReproduceResult", "Variant", "reproduce", "run_demo", "unique_tags"]


# ------------------------------------------------------------------------------ file tags
def _clean(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name) or "model"


def unique_tags(names: Sequence[str]) -> list[str]:
    """File tags for ``names``: safe characters, and distinct even where names repeat.

    Tags are compared case-insensitively (case-insensitive file systems); a repeated tag gets
    ``_2``, ``_3``, … appended, skipping any suffix that would collide with another tag.

    Examples
    --------
    >>> unique_tags(["A", "B"])
    ['A', 'B']
    >>> unique_tags(["A", "A", "A_2", "a"])
    ['A', 'A_3', 'A_2', 'a_4']
    """
    clean = [_clean(n) for n in names]
    taken = {c.lower() for c in clean}
    seen: set[str] = set()
    out = []
    for tag in clean:
        candidate = tag
        if candidate.lower() in seen:
            k = 2
            while f"{tag}_{k}".lower() in taken | seen:
                k += 1
            candidate = f"{tag}_{k}"
        seen.add(candidate.lower())
        out.append(candidate)
    return out


@dataclass(frozen=True)
class Variant:
    """One pairing theory with an optional bound, and the suffix of its map files.

    Attributes
    ----------
    theory : PairingTheory
    bound : TcBound or None
    suffix : str
        ``""`` for the reference (the first theory, no bound): ``map_A.nc``; else e.g.
        ``"_bcs_bkt"``: ``map_A_bcs_bkt.nc``.
    """

    theory: PairingTheory
    bound: TcBound | None
    suffix: str

    @property
    def label(self) -> str:
        """``bcs`` or ``bcs + bkt``."""
        return self.theory.name + ("" if self.bound is None else f" + {self.bound.name}")


def variants(
    theories: Sequence[str | PairingTheory], bounds: Sequence[str | TcBound | None]
) -> list[Variant]:
    """Every theory alone, then every theory with every bound; the first is the reference.

    Raises
    ------
    InputError
        For no theory, an unknown name, or a bound that a theory cannot feed.
    """
    ts = [get_theory(t) for t in theories]
    if not ts:
        raise InputError("theories: give at least one pairing theory (e.g. theories=('bcs',))")
    bs = [b for b in (get_bound(x) for x in bounds) if b is not None]
    pairs: list[tuple[PairingTheory, TcBound | None]] = [(t, None) for t in ts]
    for t in ts:
        for b in bs:
            b.check(t)
            pairs.append((t, b))
    names = [t.name + ("" if b is None else f"_{b.name}") for t, b in pairs]
    tags = unique_tags(names)
    return [
        Variant(t, b, "" if k == 0 else f"_{tag}")
        for k, ((t, b), tag) in enumerate(zip(pairs, tags, strict=True))
    ]


# ------------------------------------------------------------------------------ Figs. 3-5
def _static_outputs(
    models: Sequence[Model], tags: Sequence[str], out_dir: Path, grids: GridSet
) -> Iterator[Path]:
    """Bands, DOS + Fermi surfaces (Fig. 3), cutoff (Fig. 4), overlaps (Fig. 5)."""
    from ..datasets import (
        DEFAULT_FERMI_ETAS,
        bands_dataset,
        cutoff_dataset,
        dos_dataset,
        eta_grid,
        fermi_surface_dataset,
        overlap_dataset,
    )
    from ..figures import band_structure_figure, cutoff_figure, dos_figure, overlap_figure, save_figure
    from ..io import write_dataset

    eta = eta_grid(-1.0, 2.0, grids.dos_eta)
    dos_sets, fermi_sets = [], []
    for m, tag in zip(models, tags, strict=True):
        ds = bands_dataset(m, n_q=grids.n_q)
        yield write_dataset(ds, out_dir / f"bands_{tag}.nc")
        yield save_figure(band_structure_figure(ds), out_dir / f"bands_{tag}.png")
        d = dos_dataset(m, eta)
        yield write_dataset(d, out_dir / f"dos_{tag}.nc")
        f = fermi_surface_dataset(m, DEFAULT_FERMI_ETAS)
        yield write_dataset(f, out_dir / f"fermi_{tag}.nc")
        dos_sets.append(d)
        fermi_sets.append(f)
    yield save_figure(dos_figure(dos_sets, fermi_sets), out_dir / "fig3_dos.png")
    c = cutoff_dataset(models, grids.cutoff_g_grid())
    yield write_dataset(c, out_dir / "cutoff.nc")
    yield save_figure(cutoff_figure(c), out_dir / "fig4_cutoff.png")
    for m, tag in zip(models, tags, strict=True):
        o = overlap_dataset(m, n_q=grids.n_q)
        yield write_dataset(o, out_dir / f"overlap_{tag}.nc")
        yield save_figure(overlap_figure(o), out_dir / f"fig5_overlap_{tag}.png")


# ------------------------------------------------------------------------------ engine calls
@dataclass(frozen=True)
class _Engine:
    """Where and how the sweeps run (the executor options of :mod:`multigap.sweep`)."""

    executor: str | None
    workers: int | None
    scheduler: Any
    progress: bool
    command: str


def _cut(
    model: Model, eta: np.ndarray, path: Path, variant: Variant, engine: _Engine, piece: int
) -> xr.Dataset:
    """The η cut of Figs. 6–7 (Tc, gaps, α) of one model at its own g, written (resumably) to ``path``."""
    from ..sweep import run_cut

    return run_cut(
        model,
        eta,
        theory=variant.theory,
        bound=variant.bound,
        out=path,
        executor=engine.executor,
        workers=engine.workers,
        scheduler=engine.scheduler,
        chunk_size=piece,
        progress=engine.progress,
        overwrite=True,
        command=engine.command,
    )


def _map(model: Model, grids: GridSet, path: Path, variant: Variant, engine: _Engine) -> xr.Dataset:
    """The Tc(η, g) map of one model and variant, written (resumably) to ``path``."""
    from ..sweep import run_map

    return run_map(
        model,
        grids.map_eta_grid(),
        grids.map_g_grid(),
        theory=variant.theory,
        bound=variant.bound,
        out=path,
        executor=engine.executor,
        workers=engine.workers,
        scheduler=engine.scheduler,
        progress=engine.progress,
        overwrite=True,
        command=engine.command,
    ).dataset


# ------------------------------------------------------------------------------ reproduce
@dataclass(frozen=True)
class ReproduceResult:
    """What :func:`reproduce` wrote.

    Attributes
    ----------
    out_dir : Path
        The output folder.
    files : list of Path
        Every file written, in order (NetCDF, PNG, then ``report.json``, ``report.md`` and,
        with Bokeh, ``report.html``).
    report : dict
        The content of ``report.json``.
    grids : GridSet
        The grids used.
    wall_time : float
        Seconds the whole run took.
    """

    out_dir: Path
    files: list[Path]
    report: dict[str, Any]
    grids: GridSet
    wall_time: float = field(default=0.0)


def reproduce(
    out_dir: str | Path = "results",
    *,
    quick: bool = False,
    grids: str | GridSet | None = None,
    theories: Sequence[str | PairingTheory] = ("bcs",),
    bounds: Sequence[str | TcBound | None] = (),
    executor: str | None = None,
    workers: int | None = None,
    scheduler: Any = None,
    progress: bool = False,
    command: str | None = None,
    echo: Callable[[Path], None] | None = None,
) -> ReproduceResult:
    """Compute the paper's Figs. 3–11 for models A and B, and write a report comparing with it.

    Parameters
    ----------
    out_dir : str or Path
        Output folder (created).  Maps already complete there (same grids) are reused, and an
        interrupted map resumes from its finished chunks.
    quick : bool
        Use the ``quick`` grids instead of ``full`` (:data:`~multigap.reproduce.GRID_SETS`).
    grids : str or GridSet, optional
        A grid set by name (``"full"``, ``"quick"``, ``"tiny"``) or a :class:`GridSet`; overrides
        ``quick`` and the environment variable ``MULTIGAP_GRID_SET``.
    theories : sequence of str or PairingTheory
        Pairing theories by registry name (:func:`multigap.theories.available_theories`).  The
        first is the reference: it computes the cuts of Figs. 6–7 (it must compute gaps) and
        the maps ``map_A.nc``, ``map_B.nc`` that the comparison with the paper reads.  Every
        other theory adds maps ``map_<model>_<theory>.nc``.
    bounds : sequence of str or TcBound
        Bounds on Tc by name (:func:`multigap.theories.available_bounds`); each adds, for every
        theory, maps ``map_<model>_<theory>_<bound>.nc``.
    executor, workers, scheduler
        Where the maps and the cuts run (see :func:`multigap.sweep.run_map`): default local
        processes on all cores; ``scheduler="local"`` or ``"tcp://HOST:PORT"`` uses Dask.
    progress : bool
        tqdm progress bars (stderr) for the maps and cuts.
    command : str, optional
        The command line recorded in the maps' ``attrs["command"]``.
    echo : callable, optional
        Called with each path as soon as it is written.

    Returns
    -------
    ReproduceResult
        The files written, the report (as in ``report.json``) and the wall time.

    Raises
    ------
    InputError
        For unknown grids, theories or bounds, a bound that a theory cannot feed, a reference
        theory without gaps, or an executor setting the sweep engine refuses.

    Examples
    --------
    >>> from multigap.reproduce import reproduce
    >>> result = reproduce("results", grids="tiny", executor="serial")  # doctest: +SKIP
    >>> result.report["ours"]["A"]["map"]["tc_max_K"]  # doctest: +SKIP
    """
    from ..figures import (
        gap_ratio_figure,
        save_figure,
        tc_comparison_figure,
        tc_map_figure,
        tc_vs_anisotropy_figure,
        tc_vs_eta_figure,
        tc_vs_g_figure,
    )
    from ..sweep import resolve_executor

    t0 = time.perf_counter()
    grid_set = resolve_grids(grids, quick)
    runs = variants(theories, bounds)
    if not runs[0].theory.has_gaps:
        raise InputError(
            f"theories: the first theory ({runs[0].theory.name!r}) computes the gaps of Figs. 6-7 and "
            "must support them; put a theory with gaps first"
        )
    executor = resolve_executor(executor, scheduler)  # cuts too run on processes by default
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"out = {str(out)!r}: cannot create the folder ({exc.strerror})") from None
    engine = _Engine(
        executor,
        workers,
        scheduler,
        progress,
        command or f"multigap.reproduce.reproduce({str(out)!r}, grids={grid_set.name!r})",
    )
    files: list[Path] = []

    def wrote(path: Path) -> None:
        files.append(path)
        if echo is not None:
            echo(path)

    models = [preset(name) for name in MODELS]
    tags = list(MODELS)
    for path in _static_outputs(models, tags, out, grid_set):
        wrote(path)
    cuts = []
    for m, tag in zip(models, tags, strict=True):
        path = out / f"eta_cut_{tag}.nc"
        cuts.append(_cut(m, grid_set.cut_eta_grid(), path, runs[0], engine, grid_set.cut_piece))
        wrote(path)
    wrote(save_figure(gap_ratio_figure(cuts), out / "fig6_gap_ratio_isotope.png"))
    wrote(save_figure(tc_vs_anisotropy_figure(cuts), out / "fig7_tc_anisotropy.png"))
    maps: dict[str, list[xr.Dataset]] = {tag: [] for tag in tags}
    for run in runs:
        for m, tag in zip(models, tags, strict=True):
            path = out / f"map_{tag}{run.suffix}.nc"
            maps[tag].append(_map(m, grid_set, path, run, engine))
            wrote(path)
    ref = [maps[tag][0] for tag in tags]
    wrote(save_figure(tc_vs_eta_figure(ref), out / "fig8_tc_vs_eta.png"))
    wrote(save_figure(tc_vs_g_figure(ref[0]), out / f"fig9_tc_vs_g_{tags[0]}.png"))
    wrote(save_figure(tc_map_figure(ref[0]), out / f"fig10_map_{tags[0]}.png"))
    wrote(save_figure(tc_map_figure(ref[1]), out / f"fig11_map_{tags[1]}.png"))
    if len(runs) > 1:
        for tag in tags:
            wrote(save_figure(tc_comparison_figure(maps[tag]), out / f"theories_{tag}.png"))
    figures = [p.name for p in files if p.suffix == ".png"]
    variant_files = {tag: [f"map_{tag}{run.suffix}.nc" for run in runs] for tag in tags}
    report = report_from_files(out, grids=grid_set, figures=figures, variants=variant_files)
    report["interactive"] = HTML_NAME if html_available() else MISSING_NOTE
    for path in write_report(out, report):
        wrote(path)
    if html_available():  # report.html: the report with interactive (Bokeh) figures, no server
        text = (out / "report.md").read_text(encoding="utf-8")
        cut_map = dict(zip(tags, cuts, strict=True))
        wrote(
            write_report_html(
                out, text, cuts=cut_map, maps=dict(zip(tags, ref, strict=True)), title=report["title"]
            )
        )
    return ReproduceResult(out, files, report, grid_set, time.perf_counter() - t0)


# ------------------------------------------------------------------------------ demo
def _resolve(spec: str | Model) -> Model:
    if isinstance(spec, Model):
        return spec
    from ..presets import resolve_model

    return resolve_model(spec)


def run_demo(
    out_dir: Path,
    model_specs: Sequence[str | Model],
    n_eta: int = 301,
    n_q: int = 101,
    *,
    n_eta_cut: int = 40,
    progress: bool = False,
) -> Iterator[Path]:
    """Figs. 3–7 of the paper for the given models (``multigap demo``), yielding each path written.

    Parameters
    ----------
    out_dir : Path
        Output folder (created).
    model_specs : sequence of str or Model
        Presets, TOML files or models.  Files are tagged by model name, made unique
        (:func:`unique_tags`) so that two models with the same name never share a file.
    n_eta : int
        η points on [−1, 2] for the DOS.
    n_q : int
        q points of the band-structure and overlap grids.
    n_eta_cut : int
        η points, uniform on [−1, 2], of the cuts at fixed g behind Figs. 6–7 (serial).
    progress : bool
        Show a tqdm progress bar (stderr) for the cuts.

    Examples
    --------
    >>> paths = list(run_demo("demo", ["A"], n_eta=31, n_q=21, n_eta_cut=4))  # doctest: +SKIP
    """
    from ..figures import gap_ratio_figure, save_figure, tc_vs_anisotropy_figure

    models = [_resolve(s) for s in model_specs]
    if not models:
        raise InputError("--models: give at least one preset or TOML file")
    out = Path(out_dir)
    tags = unique_tags([m.name for m in models])
    grids = GridSet("demo", map_eta=2, map_g=2, cut_eta=n_eta_cut, dos_eta=n_eta, n_q=n_q)
    yield from _static_outputs(models, tags, out, grids)
    engine = _Engine("serial", None, None, progress, "multigap demo")
    reference = variants((DEFAULT_THEORY,), ())[0]
    cuts = []
    for m, tag in zip(models, tags, strict=True):
        path = out / f"eta_cut_{tag}.nc"
        cuts.append(_cut(m, grids.cut_eta_grid(), path, reference, engine, grids.cut_piece))
        yield path
    yield save_figure(gap_ratio_figure(cuts), out / "fig6_gap_ratio_isotope.png")
    yield save_figure(tc_vs_anisotropy_figure(cuts), out / "fig7_tc_anisotropy.png")
