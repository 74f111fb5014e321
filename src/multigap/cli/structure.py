"""Band structure commands: ``bands``, ``dos`` (paper Fig. 3) and ``overlap`` (Fig. 5)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
import numpy as np

from ..presets import resolve_model
from .app import PackageError
from .options import model_option, output_options, parse_float_list
from .render import check_outputs, emit, model_payload

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["COMMANDS", "bands", "dos", "overlap"]

#: Most q points of the band-structure grid.
MAX_N_Q = 100_000
#: Most eta points of ``dos``.
MAX_N_ETA = 1_000_000


def _outputs(model_spec: str, out: Path | None, plot: Path | None, overwrite: bool) -> None:
    check_outputs({"--out": out, "--plot": plot}, inputs=[model_spec], overwrite=overwrite)


@click.command()
@model_option
@click.option(
    "--n-q",
    default=201,
    show_default=True,
    type=click.IntRange(min=2, max=MAX_N_Q),
    help="q points in the BZ.",
)
@output_options
def bands(
    model_spec: str, n_q: int, as_json: bool, out: Path | None, overwrite: bool, plot: Path | None
) -> None:
    """Exact subbands E_n(q): band edges, E_L and ΔE of the active band."""
    from ..datasets import bands_dataset
    from ..figures import band_structure_figure

    _outputs(model_spec, out, plot, overwrite)
    m = resolve_model(model_spec)
    ds = bands_dataset(m, n_q=n_q)
    edges = ds["band_edges"].values
    payload = {
        **model_payload(m),
        "active_band": m.active_band,
        "period_nm": float(ds["period"]),
        "E_L_meV": float(ds["E_L"]),
        "dE_meV": float(ds["dE"]),
        "band_edges_meV": edges,
        "band_widths_meV": edges[:, 1] - edges[:, 0],
        "q_inv_nm": ds["q"].values,
        "energy_meV": ds["energy"].values,
    }

    def text() -> str:
        lines = [
            f"model {m.name}: {m.n_bands} bands, period d = {float(ds['period']):.6g} nm, "
            f"active band {m.active_band}",
            f"{'band':>4}  {'min (meV)':>12}  {'max (meV)':>12}  {'width (meV)':>12}",
        ]
        for n, (lo, hi) in zip(ds["band"].values, edges, strict=True):
            lines.append(f"{int(n):>4}  {lo:12.4f}  {hi:12.4f}  {hi - lo:12.4f}")
        lines.append(f"E_L = {float(ds['E_L']):.4f} meV, dE = {float(ds['dE']):.4f} meV")
        return "\n".join(lines)

    emit(
        ds, payload, as_json=as_json, out=out, plot=plot, figure=lambda: band_structure_figure(ds), text=text
    )


def _finite_option(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if not np.isfinite(value):
        raise click.BadParameter(f"{value!r}: must be a finite number")
    return value


@click.command(short_help="Density of states against the Lifshitz parameter η (paper Fig. 3).")
@model_option
@click.option(
    "--eta-min",
    default=-1.0,
    show_default=True,
    callback=_finite_option,
    help="Smallest Lifshitz parameter η.",
)
@click.option(
    "--eta-max", default=2.0, show_default=True, callback=_finite_option, help="Largest Lifshitz parameter η."
)
@click.option(
    "--n-eta",
    default=301,
    show_default=True,
    type=click.IntRange(min=2, max=MAX_N_ETA),
    help="Number of η values.",
)
@click.option(
    "--fermi-eta",
    default="0.1,0.9,1.5",
    show_default=True,
    callback=parse_float_list,
    help="η values of the Fermi-surface panels of --plot (comma-separated).",
)
@click.option("--uniform", is_flag=True, help="Uniform grid only (no extra points near η = 0 and η = 1).")
@output_options
def dos(
    model_spec: str,
    eta_min: float,
    eta_max: float,
    n_eta: int,
    fermi_eta: list[float],
    uniform: bool,
    as_json: bool,
    out: Path | None,
    overwrite: bool,
    plot: Path | None,
) -> None:
    """Density of states (per spin, relative to N₀ = m_x/(2πħ²)) against η; paper Fig. 3.

    The η grid is uniform (--n-eta points) plus points approaching the Lifshitz points η = 0 and
    η = 1 (to 1e-6), where the DOS jumps and diverges logarithmically; exactly at η = 1 the total
    DOS is infinite (JSON: null).
    """
    from ..datasets import dos_dataset, eta_grid, fermi_surface_dataset
    from ..figures import dos_figure

    if not eta_min < eta_max:
        raise PackageError(f"--eta-min {eta_min:g} --eta-max {eta_max:g}: need --eta-min < --eta-max")
    _outputs(model_spec, out, plot, overwrite)
    m = resolve_model(model_spec)
    ds = dos_dataset(m, eta_grid(eta_min, eta_max, n_eta, refine=not uniform))
    payload = {
        **model_payload(m),
        "active_band": m.active_band,
        "E_L_meV": float(ds["E_L"]),
        "dE_meV": float(ds["dE"]),
        "E_neck_meV": float(ds["E_neck"]),
        "eta": ds["eta"].values,
        "mu_meV": ds["energy"].values,
        "dos_total": ds["dos_total"].values,
        "dos_partial": ds["dos_partial"].values,
    }

    def figure() -> Figure:
        return dos_figure(ds, fermi_surface_dataset(m, fermi_eta) if fermi_eta else None)

    def text() -> str:
        bands_ = [int(b) for b in ds["band"].values]
        lines = [
            f"model {m.name}: E_L = {float(ds['E_L']):.4f} meV, dE = {float(ds['dE']):.4f} meV; "
            "DOS per spin in units of N0 = m_x/(2 pi hbar^2)",
            f"{'eta':>8}  {'mu (meV)':>11}  {'total':>8}  " + "  ".join(f"{'N' + str(n):>8}" for n in bands_),
        ]
        eta = ds["eta"].values
        targets = np.unique(np.concatenate([np.linspace(eta[0], eta[-1], 13), [0.0, 1.0]]))
        rows = np.unique([int(np.argmin(np.abs(eta - t))) for t in targets])
        for i in rows:
            row = ds.isel(eta=i)
            lines.append(
                f"{float(row['eta']):8.3f}  {float(row['energy']):11.3f}  {float(row['dos_total']):8.4f}  "
                + "  ".join(f"{p:8.4f}" for p in row["dos_partial"].values)
            )
        return "\n".join(lines)

    emit(ds, payload, as_json=as_json, out=out, plot=plot, figure=figure, text=text)


@click.command(short_help="Pair-overlap integrals and their BZ averages (paper Fig. 5).")
@model_option
@click.option(
    "--n-q",
    default=101,
    show_default=True,
    type=click.IntRange(min=2, max=MAX_N_Q),
    help="q points in the BZ.",
)
@click.option(
    "--q-fixed",
    default=0.0,
    show_default=True,
    callback=_finite_option,
    help="Fixed q' (1/nm) of the curves in --plot.",
)
@output_options
def overlap(
    model_spec: str,
    n_q: int,
    q_fixed: float,
    as_json: bool,
    out: Path | None,
    overwrite: bool,
    plot: Path | None,
) -> None:
    """Pair-overlap integrals Ĩ^{nn'}(q, q') and their BZ averages; paper Fig. 5."""
    from ..datasets import overlap_dataset
    from ..figures import overlap_figure

    _outputs(model_spec, out, plot, overwrite)
    m = resolve_model(model_spec)
    ds = overlap_dataset(m, n_q=n_q)
    mean = ds["mean_overlap"].values
    bands_ = [int(b) for b in ds["band"].values]
    pairs = {f"{a}{b}": mean[i, j] for i, a in enumerate(bands_) for j, b in enumerate(bands_) if a <= b}
    payload = {**model_payload(m), "mean_overlap": mean, "mean_overlap_pairs": pairs, "n_q": n_q}

    def text() -> str:
        lines = [f"model {m.name}: Brillouin-zone averaged pair overlaps I^{{nn'}} (1 without superlattice)"]
        lines.append("n\\n'  " + "  ".join(f"{b:>8}" for b in bands_))
        for a, row in zip(bands_, mean, strict=True):
            lines.append(f"{a:>4}  " + "  ".join(f"{v:8.4f}" for v in row))
        return "\n".join(lines)

    emit(
        ds,
        payload,
        as_json=as_json,
        out=out,
        plot=plot,
        figure=lambda: overlap_figure(ds, q_fixed),
        text=text,
    )


#: The commands this module adds to ``multigap``.
COMMANDS = (bands, dos, overlap)
