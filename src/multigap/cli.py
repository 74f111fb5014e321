"""Command-line interface: a thin shell over the library (``multigap --help``).

Every command resolves ``--model`` (a preset name or a TOML file) with :func:`resolve_model`,
calls one function of :mod:`multigap.datasets`, and then, on request, prints JSON
(``--json``), writes the Dataset as NetCDF4 (``--out FILE.nc``) and draws the figure
(``--plot FILE.png``).  Errors raised on purpose by the package
(:class:`multigap.errors.MultigapError`) end the command with a one-line message on stderr and
exit status 2, never a traceback.

New commands reuse the same pieces::

    @main.command()
    @model_option
    @output_options
    def tc(model_spec, as_json, out, plot):
        model = resolve_model(model_spec)
        ...
        emit(ds, payload, as_json=as_json, out=out, plot=plot, figure=...)
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click
import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from . import __version__
from .errors import ModelError, MultigapError
from .model import Model, dumps_model, load_model, model_to_dict
from .presets import PRESETS, preset

__all__ = [
    "PackageError",
    "emit",
    "json_ready",
    "main",
    "model_option",
    "output_options",
    "pairing_options",
    "resolve_model",
    "resolve_pairing_model",
    "result_options",
]

F = TypeVar("F", bound=Callable[..., Any])


class PackageError(click.ClickException):
    """A :class:`MultigapError` (or a message) shown as ``Error: <one line>`` on stderr, exit status 2."""

    exit_code = 2

    def __init__(self, error: BaseException | str) -> None:
        text = error if isinstance(error, str) else str(error)
        super().__init__(" ".join(text.split()) or type(error).__name__)


class _Group(click.Group):
    """Click group that turns package errors and invalid option values into one line, exit 2.

    :class:`MultigapError` and :class:`click.BadParameter` (a value that fails its option's
    type or rule, e.g. ``--mu-mode bogus``, ``--eta nan``) become ``Error: <one line>`` naming
    the option, the value and the rule; no usage block, no traceback.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MultigapError as exc:
            raise PackageError(exc) from None
        except click.BadParameter as exc:
            raise PackageError(exc.format_message()) from None


def resolve_model(spec: str, g: float | None = None) -> Model:
    """Turn a ``--model`` value into a :class:`~multigap.model.Model`.

    Parameters
    ----------
    spec : str
        A preset name (``"A"``, ``"B"``) or the path of a TOML model file.
    g : float, optional
        If given, the active band's intraband coupling g_aa (dimensionless) replaces the model's.

    Raises
    ------
    ModelError
        Unknown preset, unreadable file, or an invalid model (the message names the field).
    """
    if spec in PRESETS:
        model = preset(spec)
    else:
        path = Path(spec)
        if not path.exists() and path.suffix.lower() != ".toml" and len(path.parts) == 1:
            raise ModelError(
                f"--model {spec!r}: neither a preset ({', '.join(PRESETS)}) nor an existing TOML file"
            )
        model = load_model(path)
    if g is not None:
        model = model.with_g(g)
    return model


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


def output_options(func: F) -> F:
    """Add ``--json``, ``--out FILE.nc`` and ``--plot FILE.png`` (``as_json``, ``out``, ``plot``)."""
    func = click.option(
        "--plot",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Draw the figure to this file (.png, .pdf or .svg).",
    )(func)
    return result_options(func)


def result_options(func: F) -> F:
    """Add ``--json`` and ``--out FILE.nc`` (``as_json``, ``out``): commands without a figure."""
    func = click.option(
        "--out",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Write the labelled results to this NetCDF4 file (.nc).",
    )(func)
    return click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON on stdout.")(
        func
    )


def _finite(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value!r}: must be a finite number")
    return value


def _non_negative(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if not (math.isfinite(value) and value >= 0):
        raise click.BadParameter(f"{value!r}: must be a finite number >= 0")
    return value


def pairing_options(func: F) -> F:
    """Add the options of one pairing problem to a command.

    ``--eta`` (required, ``eta``), ``--g`` (``g``), ``--interband`` (``interband``), ``--omega0``
    (``omega0``) and ``--nodes`` (``nodes``); pass them to :func:`resolve_pairing_model`.
    """
    options = [
        click.option(
            "--nodes",
            type=click.IntRange(min=4),
            default=None,
            help="Quadrature nodes per panel (default: the model's numerics.n_q; double it to check).",
        ),
        click.option(
            "--omega0",
            type=float,
            default=None,
            callback=_finite,
            help="Bare phonon energy omega0 in meV (default: the model's); softened by the Migdal factor.",
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
    ]
    for option in options:
        func = option(func)
    return func


def resolve_pairing_model(
    spec: str,
    g: float | None = None,
    interband: float | None = None,
    omega0: float | None = None,
    nodes: int | None = None,
) -> Model:
    """The ``--model`` with ``--g``, ``--interband``, ``--omega0``, ``--nodes`` folded in.

    Uses :func:`multigap.datasets.with_pairing_overrides`, so the returned model (printed in the
    JSON, stored in ``--out`` files) alone reproduces the numbers.

    Raises
    ------
    ModelError
        If an option makes an invalid model; the message starts with the option and its value.
    """
    from .datasets import with_pairing_overrides

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


def json_ready(value: Any) -> Any:
    """Convert numpy scalars/arrays (and NaN, which JSON lacks, to null) into plain JSON data."""
    if isinstance(value, Mapping):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, (np.ndarray, list, tuple)):
        return [json_ready(v) for v in (value.tolist() if isinstance(value, np.ndarray) else value)]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def emit(
    ds: xr.Dataset,
    payload: Mapping[str, Any],
    *,
    as_json: bool,
    out: Path | None,
    plot: Path | None,
    figure: Callable[[], Figure] | None,
    text: Callable[[], str],
) -> None:
    """Write ``--out``/``--plot`` files, then print JSON (``payload`` + ``files``) or ``text()``."""
    from .figures import save_figure
    from .io import write_dataset

    files: dict[str, str] = {}
    if out is not None:
        files["netcdf"] = str(write_dataset(ds, out))
    if plot is not None and figure is not None:
        files["plot"] = str(save_figure(figure(), plot))
    if as_json:
        click.echo(json.dumps(json_ready({**payload, "files": files})))
        return
    click.echo(text())
    for path in files.values():
        click.echo(f"wrote {path}")


def _model_payload(model: Model) -> dict[str, Any]:
    return {"model_name": model.name, "model": model_to_dict(model), "multigap_version": __version__}


def _parse_float_list(ctx: click.Context, param: click.Parameter, value: str | None) -> list[float] | None:
    if value is None:
        return None
    try:
        return [float(v) for v in value.split(",") if v.strip()]
    except ValueError:
        raise click.BadParameter(f"{value!r}: give comma-separated numbers, e.g. 0.1,0.9,1.5") from None


# ------------------------------------------------------------------------------------ commands
@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="multigap")
def main() -> None:
    """multigap: multi-gap superconductivity in superlattices of quantum wires.

    Units everywhere: lengths nm, wave numbers 1/nm, energies meV, temperatures K, masses m_e.
    """


@main.group()
def model() -> None:
    """Inspect model descriptions (presets A, B or TOML files)."""


@model.command("show")
@click.argument("spec", metavar="A|B|FILE.toml")
def model_show(spec: str) -> None:
    """Print the fully resolved model as TOML (save it, edit it, pass it back with --model)."""
    click.echo(dumps_model(resolve_model(spec)), nl=False)


@main.command()
@model_option
@click.option("--n-q", default=201, show_default=True, type=click.IntRange(min=2), help="q points in the BZ.")
@output_options
def bands(model_spec: str, n_q: int, as_json: bool, out: Path | None, plot: Path | None) -> None:
    """Exact subbands E_n(q): band edges, E_L and ΔE of the active band."""
    from .datasets import bands_dataset
    from .figures import band_structure_figure

    m = resolve_model(model_spec)
    ds = bands_dataset(m, n_q=n_q)
    edges = ds["band_edges"].values
    payload = {
        **_model_payload(m),
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


@main.command(short_help="Density of states against the Lifshitz parameter η (paper Fig. 3).")
@model_option
@click.option("--eta-min", default=-1.0, show_default=True, help="Smallest Lifshitz parameter η.")
@click.option("--eta-max", default=2.0, show_default=True, help="Largest Lifshitz parameter η.")
@click.option(
    "--n-eta", default=301, show_default=True, type=click.IntRange(min=2), help="Number of η values."
)
@click.option(
    "--fermi-eta",
    default="0.1,0.9,1.5",
    show_default=True,
    callback=_parse_float_list,
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
    plot: Path | None,
) -> None:
    """Density of states (per spin, relative to N₀ = m_x/(2πħ²)) against η; paper Fig. 3.

    The η grid is uniform (--n-eta points) plus points approaching the Lifshitz points η = 0 and
    η = 1 (to 1e-6), where the DOS jumps and diverges logarithmically; exactly at η = 1 the total
    DOS is infinite (JSON: null).
    """
    from .datasets import dos_dataset, eta_grid, fermi_surface_dataset
    from .figures import dos_figure

    m = resolve_model(model_spec)
    ds = dos_dataset(m, eta_grid(eta_min, eta_max, n_eta, refine=not uniform))
    payload = {
        **_model_payload(m),
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


@main.command(short_help="Pair-overlap integrals and their BZ averages (paper Fig. 5).")
@model_option
@click.option("--n-q", default=101, show_default=True, type=click.IntRange(min=2), help="q points in the BZ.")
@click.option("--q-fixed", default=0.0, show_default=True, help="Fixed q' (1/nm) of the curves in --plot.")
@output_options
def overlap(
    model_spec: str, n_q: int, q_fixed: float, as_json: bool, out: Path | None, plot: Path | None
) -> None:
    """Pair-overlap integrals Ĩ^{nn'}(q, q') and their BZ averages; paper Fig. 5."""
    from .datasets import overlap_dataset
    from .figures import overlap_figure

    m = resolve_model(model_spec)
    ds = overlap_dataset(m, n_q=n_q)
    mean = ds["mean_overlap"].values
    bands_ = [int(b) for b in ds["band"].values]
    pairs = {f"{a}{b}": mean[i, j] for i, a in enumerate(bands_) for j, b in enumerate(bands_) if a <= b}
    payload = {**_model_payload(m), "mean_overlap": mean, "mean_overlap_pairs": pairs, "n_q": n_q}

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


def _pairing_payload(m: Model, eta: float) -> dict[str, Any]:
    a = m.active_band
    return {**_model_payload(m), "eta": eta, "g": m.pairing.g[a - 1][a - 1], "active_band": a}


def _pairing_header(m: Model, eta: float) -> str:
    a = m.active_band
    return f"model {m.name}: eta = {eta:g}, g = g{a}{a} = {m.pairing.g[a - 1][a - 1]:g}"


def _tc_text(tc: float, status: str, floor: float) -> str:
    if status == "below_floor":
        return f"Tc = 0 K: below the floor of {floor:g} K (status below_floor)"
    return f"Tc = {tc:.6g} K ({status})"


_MU_TEXT = {
    "fixed": "mu fixed at mu0",
    "density": "mu from the number equation (normal-state density of mu0)",
}


@main.command(short_help="Critical temperature at one (eta, g) (paper eq. 8).")
@model_option
@pairing_options
@click.option(
    "--mu-mode",
    type=click.Choice(["fixed", "density"]),
    default="fixed",
    show_default=True,
    help="Chemical potential at Tc: mu = mu0, or mu(T) at the normal-state density of mu0.",
)
@result_options
def tc(
    model_spec: str,
    eta: float,
    g: float | None,
    interband: float | None,
    omega0: float | None,
    nodes: int | None,
    mu_mode: str,
    as_json: bool,
    out: Path | None,
) -> None:
    """Critical temperature Tc (K) of the multi-band gap equation at Lifshitz parameter eta.

    Tc below the model's floor (numerics.tc_floor, default 1e-8 K) is reported as 0 with
    status below_floor: a valid answer, not an error.
    """
    from .datasets import tc_point_dataset
    from .tc import critical_temperature

    m = resolve_pairing_model(model_spec, g, interband, omega0, nodes)
    result = critical_temperature(m, eta=eta, mu_mode=mu_mode)
    payload = {**_pairing_payload(m, eta), **result.as_dict(), "method": result.method}

    def text() -> str:
        return "\n".join(
            [
                f"{_pairing_header(m, eta)}, {_MU_TEXT[mu_mode]}",
                _tc_text(result.tc, result.status, result.floor),
                f"mu0 = {result.mu0:.4f} meV, mu(Tc) = {result.mu:.4f} meV, "
                f"cutoff omega~0 = {result.omega:.4f} meV",
            ]
        )

    emit(
        tc_point_dataset(m, eta, result), payload, as_json=as_json, out=out, plot=None, figure=None, text=text
    )


@main.command(short_help="Band gaps, 2Δ/kTc and Δ3/Δ2 at one (eta, g) (paper eqs. 6-7).")
@model_option
@pairing_options
@click.option(
    "--temperature",
    type=float,
    default=0.0,
    show_default=True,
    callback=_non_negative,
    help="Temperature in K.",
)
@click.option(
    "--mu-mode",
    type=click.Choice(["density", "fixed"]),
    default="density",
    show_default=True,
    help="Solve mu with the number equation (fixed density), or keep mu = mu0.",
)
@result_options
def gaps(
    model_spec: str,
    eta: float,
    g: float | None,
    interband: float | None,
    omega0: float | None,
    nodes: int | None,
    temperature: float,
    mu_mode: str,
    as_json: bool,
    out: Path | None,
) -> None:
    """Superconducting gaps per band (meV), gap ratios 2Δ_n/k_BTc and the anisotropy Δ3/Δ2.

    Δ_n is the Fermi-surface average of Δ_n(q) (weight 1/k_x, the DOS at mu); where band n has
    no Fermi surface, its value at the band minimum.  Tc (for the ratios) is at mu = mu0.
    """
    from .constants import BCS_GAP_RATIO
    from .datasets import anisotropy_bands, gaps_point_dataset
    from .observables import zero_temperature_gaps

    m = resolve_pairing_model(model_spec, g, interband, omega0, nodes)
    summary = zero_temperature_gaps(m, eta=eta, mu_mode=mu_mode, temperature=temperature)
    ds = gaps_point_dataset(m, eta, summary)
    pair = anisotropy_bands(m)
    payload = {
        **_pairing_payload(m, eta),
        **summary.as_dict(),
        "anisotropy": float(ds["anisotropy"]),
        "anisotropy_bands": list(pair) if pair else None,
    }

    def text() -> str:
        res = summary.result
        lines = [
            f"{_pairing_header(m, eta)}, T = {temperature:g} K, {_MU_TEXT[mu_mode]}",
            _tc_text(summary.tc, summary.result.tc.status, summary.result.tc.floor) + " at mu = mu0",
            f"mu - mu0 = {summary.mu_shift:.6g} meV, cutoff omega~0 = {res.omega:.4f} meV, "
            f"gap solver {res.status} (residual {res.residual:.2g})",
        ]
        if res.status == "normal":
            lines.append("normal state: T >= Tc, all gaps 0")
        lines.append(
            f"{'band':>4}  {'gap (meV)':>10}  {'min (meV)':>10}  {'max (meV)':>10}  {'2D/kTc':>8}  FS"
        )
        for n in range(m.n_bands):
            r = summary.ratios[n]
            lines.append(
                f"{n + 1:>4}  {summary.gaps.mean[n]:10.5g}  {summary.gaps.minimum[n]:10.5g}  "
                f"{summary.gaps.maximum[n]:10.5g}  {'-' if not math.isfinite(r) else f'{r:8.4f}':>8}  "
                f"{'yes' if summary.gaps.has_fermi_surface[n] else 'no'}"
            )
        if pair is not None:
            ratio = float(ds["anisotropy"])
            value = f"{ratio:.4g}" if math.isfinite(ratio) else f"undefined (Delta{pair[1]} = 0)"
            lines.append(f"Delta{pair[0]}/Delta{pair[1]} = {value}")
        lines.append(f"(BCS: 2D/kTc = {BCS_GAP_RATIO:.3f}; FS: band has a Fermi surface)")
        return "\n".join(lines)

    emit(ds, payload, as_json=as_json, out=out, plot=None, figure=None, text=text)


@main.command(short_help="Isotope coefficient at one (eta, g).")
@model_option
@pairing_options
@click.option(
    "--method",
    type=click.Choice(["hellmann-feynman", "finite-difference"]),
    default="hellmann-feynman",
    show_default=True,
    help="Exact slope at Tc (Hellmann-Feynman), or a central difference in ln omega0.",
)
@result_options
def isotope(
    model_spec: str,
    eta: float,
    g: float | None,
    interband: float | None,
    omega0: float | None,
    nodes: int | None,
    method: str,
    as_json: bool,
    out: Path | None,
) -> None:
    """Isotope coefficient alpha = -dln Tc/dln M = (1/2) dln Tc/dln omega0 at fixed g and eta.

    Single-band BCS gives 1/2.  alpha is undefined (null in JSON) when Tc is below the floor.
    """
    from .datasets import isotope_point_dataset
    from .observables import isotope_from_problem
    from .problem import pairing_problem
    from .tc import solve_tc

    m = resolve_pairing_model(model_spec, g, interband, omega0, nodes)
    problem = pairing_problem(m, eta)
    tc_result = solve_tc(problem)
    alpha = isotope_from_problem(problem, method=method)
    payload = {
        **_pairing_payload(m, eta),
        "alpha": alpha,
        "tc_K": tc_result.tc,
        "status": tc_result.status,
        "mu0_meV": tc_result.mu0,
        "omega_meV": tc_result.omega,
        "isotope_method": method,
    }

    def text() -> str:
        a_text = (
            f"isotope coefficient alpha = {alpha:.6g} (BCS: 0.5; {method})"
            if math.isfinite(alpha)
            else "isotope coefficient undefined: Tc is below the floor"
        )
        return "\n".join(
            [_pairing_header(m, eta), a_text, _tc_text(tc_result.tc, tc_result.status, tc_result.floor)]
        )

    emit(
        isotope_point_dataset(m, eta, alpha, tc_result, method),
        payload,
        as_json=as_json,
        out=out,
        plot=None,
        figure=None,
        text=text,
    )


#: η range of the demo's Figs. 6-7 (the paper's cuts at fixed g).  It starts just above the band
#: edge η = 0: summarising the gaps of a band without a Fermi surface (the active band for η ≤ 0)
#: currently raises in multigap.observables.band_gaps; widen it to (-1, 2) once that is fixed.
DEMO_CUT_ETA = (-1.0, 2.0)


@main.command(short_help="The main job: bands, DOS, cutoff, overlaps, gap ratios and Tc of models A and B.")
@click.option(
    "--out",
    "out_dir",
    default="results",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the NetCDF files and figures.",
)
@click.option(
    "--n-eta", default=301, show_default=True, type=click.IntRange(min=2), help="η points of Fig. 3."
)
@click.option(
    "--n-q", default=101, show_default=True, type=click.IntRange(min=2), help="q points (bands, Fig. 5)."
)
@click.option(
    "--n-eta-cut",
    default=40,
    show_default=True,
    type=click.IntRange(min=2),
    help="η points of the gap/isotope cuts (Figs. 6-7), about 0.15 s each per model.",
)
@click.option(
    "--models", "model_specs", default="A,B", show_default=True, help="Comma-separated presets or TOML files."
)
def demo(out_dir: Path, n_eta: int, n_q: int, n_eta_cut: int, model_specs: str) -> None:
    """The main job: bands, DOS (Fig. 3), cutoff (Fig. 4), overlaps (Fig. 5), gap ratios and
    isotope coefficient (Fig. 6) and Tc against the gap anisotropy (Fig. 7) for models A and B.

    The cuts of Figs. 6-7 are at each model's own coupling (A: g = 1/4, B: g = 1/3, as in the
    paper).  Writes NetCDF files and PNG figures into the --out folder and prints each path
    written; a progress bar goes to stderr when it is a terminal.
    """
    specs = [s.strip() for s in model_specs.split(",") if s.strip()]
    progress = sys.stderr.isatty()
    for path in run_demo(out_dir, specs, n_eta, n_q, n_eta_cut=n_eta_cut, progress=progress):
        click.echo(f"wrote {path}")


def run_demo(
    out_dir: Path,
    model_specs: Sequence[str],
    n_eta: int = 301,
    n_q: int = 101,
    *,
    n_eta_cut: int = 40,
    progress: bool = False,
) -> Iterator[Path]:
    """Compute and write the demo outputs, yielding each path as soon as it is written.

    Parameters
    ----------
    out_dir : Path
        Output folder (created).
    model_specs : sequence of str
        Presets or TOML files (``--model`` syntax); files are tagged by model name.
    n_eta : int
        η points on [−1, 2] for the DOS.
    n_q : int
        q points of the band-structure and overlap grids.
    n_eta_cut : int
        η points, uniform on :data:`DEMO_CUT_ETA`, of the cuts at fixed g behind Figs. 6-7.
    progress : bool
        Show a tqdm progress bar (stderr) for the cuts.
    """
    from .datasets import (
        DEFAULT_FERMI_ETAS,
        bands_dataset,
        cutoff_dataset,
        dos_dataset,
        eta_cut_dataset,
        eta_grid,
        fermi_surface_dataset,
        overlap_dataset,
    )
    from .figures import (
        band_structure_figure,
        cutoff_figure,
        dos_figure,
        gap_ratio_figure,
        overlap_figure,
        save_figure,
        tc_vs_anisotropy_figure,
    )
    from .io import write_dataset

    if not model_specs:
        raise ModelError("--models: give at least one preset or TOML file")
    out_dir = Path(out_dir)
    models = [resolve_model(s) for s in model_specs]
    names = ["".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in m.name) or "model" for m in models]
    tags = [t if names.count(t) == 1 else f"{t}_{i + 1}" for i, t in enumerate(names)]
    eta = eta_grid(-1.0, 2.0, n_eta)
    dos_sets, fermi_sets = [], []
    for m, tag in zip(models, tags, strict=True):
        ds = bands_dataset(m, n_q=n_q)
        yield write_dataset(ds, out_dir / f"bands_{tag}.nc")
        yield save_figure(band_structure_figure(ds), out_dir / f"bands_{tag}.png")
        d = dos_dataset(m, eta)
        yield write_dataset(d, out_dir / f"dos_{tag}.nc")
        f = fermi_surface_dataset(m, DEFAULT_FERMI_ETAS)
        yield write_dataset(f, out_dir / f"fermi_{tag}.nc")
        dos_sets.append(d)
        fermi_sets.append(f)
    yield save_figure(dos_figure(dos_sets, fermi_sets), out_dir / "fig3_dos.png")
    c = cutoff_dataset(models, np.linspace(0.0, 0.49, 99))
    yield write_dataset(c, out_dir / "cutoff.nc")
    yield save_figure(cutoff_figure(c), out_dir / "fig4_cutoff.png")
    for m, tag in zip(models, tags, strict=True):
        o = overlap_dataset(m, n_q=n_q)
        yield write_dataset(o, out_dir / f"overlap_{tag}.nc")
        yield save_figure(overlap_figure(o), out_dir / f"fig5_overlap_{tag}.png")
    cuts = []
    eta_cut = np.linspace(*DEMO_CUT_ETA, n_eta_cut)
    for m, tag in zip(models, tags, strict=True):
        cut = eta_cut_dataset(m, eta_cut, progress=progress)
        yield write_dataset(cut, out_dir / f"eta_cut_{tag}.nc")
        cuts.append(cut)
    yield save_figure(gap_ratio_figure(cuts), out_dir / "fig6_gap_ratio_isotope.png")
    yield save_figure(tc_vs_anisotropy_figure(cuts), out_dir / "fig7_tc_anisotropy.png")


if __name__ == "__main__":  # pragma: no cover
    main()
