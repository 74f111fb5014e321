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

import contextlib
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
    "GridRange",
    "emit",
    "json_ready",
    "main",
    "model_option",
    "output_options",
    "pairing_options",
    "parse_range",
    "resolve_model",
    "resolve_pairing_model",
    "result_options",
    "versions",
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


#: Raised by click >= 8.2 for a group called without a command: it shows the help (keep it).
_NO_ARGS_IS_HELP: tuple[type[BaseException], ...] = tuple(
    cls for cls in (getattr(click.exceptions, "NoArgsIsHelpError", None),) if cls is not None
)


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
        try:
            model = load_model(path)
        except UnicodeDecodeError:
            raise ModelError(
                f"--model {spec!r}: not a text file in UTF-8 (a TOML model file is expected)"
            ) from None
        except ModelError as exc:
            if str(path) not in str(exc):  # say which file, once
                raise ModelError(f"--model {spec!r}: {exc}") from None
            raise
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

    for name, value in (("--eta-min", eta_min), ("--eta-max", eta_max)):
        if not math.isfinite(value):
            raise PackageError(f"{name} {value!r}: must be a finite number")
    if not eta_min < eta_max:
        raise PackageError(f"--eta-min {eta_min:g} --eta-max {eta_max:g}: need --eta-min < --eta-max")
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


@main.command(short_help="Figs. 3-7 for models A and B (bands, DOS, cutoff, overlaps, gap ratios, Tc).")
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
    from .reproduce import run_demo

    specs = [s.strip() for s in model_specs.split(",") if s.strip()]
    progress = sys.stderr.isatty()
    for path in run_demo(out_dir, specs, n_eta, n_q, n_eta_cut=n_eta_cut, progress=progress):
        click.echo(f"wrote {path}")


# ------------------------------------------------------------------------------------ maps
class GridRange(click.ParamType):
    """``START:STOP:COUNT`` (COUNT points from START to STOP, both included) or one number.

    Converts to a 1-D float array (``numpy.linspace``).  Malformed text, a non-finite number,
    a COUNT below 1, a reversed range (START > STOP) and a zero-width range with more than one
    point are rejected with a message naming the option and the value.
    """

    name = "START:STOP:COUNT"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> np.ndarray:
        if isinstance(value, np.ndarray):
            return value
        try:
            return parse_range(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def parse_range(text: str) -> np.ndarray:
    """Parse ``START:STOP:COUNT`` (inclusive, ``numpy.linspace``) or a single number.

    Parameters
    ----------
    text : str
        E.g. ``"-1:2:301"`` (301 points from −1 to 2) or ``"0.4"`` (one point).

    Returns
    -------
    ndarray
        The grid, increasing.

    Raises
    ------
    ValueError
        For empty, malformed, non-finite, reversed or degenerate ranges; the message says which
        and shows the expected form.
    """
    form = "give START:STOP:COUNT (COUNT points, both ends included, e.g. -1:2:301) or one number"
    raw = text.strip()
    if not raw:
        raise ValueError(f"{text!r}: empty; {form}")
    parts = [p.strip() for p in raw.split(":")]
    if len(parts) not in (1, 3) or any(not p for p in parts):
        raise ValueError(f"{text!r}: malformed; {form}")
    try:
        start = float(parts[0])
        stop = float(parts[1]) if len(parts) == 3 else start
    except ValueError:
        raise ValueError(f"{text!r}: START and STOP must be numbers; {form}") from None
    if not (math.isfinite(start) and math.isfinite(stop)):
        raise ValueError(f"{text!r}: START and STOP must be finite numbers")
    if len(parts) == 1:
        return np.array([start])
    try:
        count = int(parts[2])
    except ValueError:
        raise ValueError(f"{text!r}: COUNT must be a whole number of points; {form}") from None
    if count < 1:
        raise ValueError(f"{text!r}: empty range (COUNT = {count}); COUNT must be >= 1")
    if start > stop:
        raise ValueError(f"{text!r}: reversed range (START {start:g} > STOP {stop:g}); give START <= STOP")
    if start == stop and count > 1:
        raise ValueError(f"{text!r}: START = STOP with COUNT = {count} repeats one value; use COUNT = 1")
    if count == 1 and start != stop:
        raise ValueError(f"{text!r}: one point cannot span {start:g} to {stop:g}; use COUNT >= 2")
    return np.linspace(start, stop, count)


def _range_text(values: np.ndarray) -> str:
    """The canonical ``START:STOP:COUNT`` of a grid made by :func:`parse_range`."""
    if values.size == 1:
        return repr(float(values[0]))
    return f"{float(values[0])!r}:{float(values[-1])!r}:{values.size}"


def _map_command(
    model_spec: str,
    eta: np.ndarray,
    g: np.ndarray,
    out: Path,
    *,
    mu_mode: str,
    chunk_size: int | None,
    executor: str | None,
    workers: int | None,
    scheduler: str | None,
    overwrite: bool,
) -> str:
    """The command line that computes (or resumes) this map, in canonical form."""
    import shlex

    args = [
        "multigap",
        "map",
        "--model",
        model_spec,
        f"--eta={_range_text(eta)}",
        f"--g={_range_text(g)}",
        "--out",
        str(out),
        "--mu-mode",
        mu_mode,
    ]
    if chunk_size is not None:
        args += ["--chunk-size", str(chunk_size)]
    if executor is not None:
        args += ["--executor", executor]
    if workers is not None:
        args += ["--workers", str(workers)]
    if scheduler is not None:
        args += ["--scheduler", scheduler]
    if overwrite:
        args.append("--overwrite")
    return shlex.join(args)


def _cli_words(text: str) -> str:
    """A library message about keyword arguments, reworded for the command line."""
    import re

    for api, cli in (
        ("pass overwrite=True", "pass --overwrite"),
        ("use scheduler='local'", "use --scheduler local"),
    ):
        text = text.replace(api, cli)
    return re.sub(r"^(out|scheduler|executor|workers|chunk_size)( = |: )", _option_name, text)


def _option_name(match: Any) -> str:
    return "--" + match.group(1).replace("_", "-") + (" " if match.group(2) == " = " else ": ")


@contextlib.contextmanager
def _scheduler_client(executor: str | None, scheduler: str | None, workers: int | None) -> Iterator[Any]:
    """Connect to (or start) the Dask scheduler before any progress bar is drawn.

    Yields None without ``--scheduler``, else a ``dask.distributed.Client`` that the sweep uses
    as is; a LocalCluster started here is closed on exit.  An unreachable address ends the
    command with one line (no half-drawn progress bar before it).
    """
    if scheduler is None:
        yield None
        return
    if executor not in (None, "dask"):
        raise PackageError(f"--scheduler {scheduler!r}: only --executor dask takes a scheduler")
    from .sweep import _dask_client

    try:
        client, owned = _dask_client(scheduler, workers)
    except MultigapError as exc:
        raise PackageError(_cli_words(str(exc))) from None
    try:
        yield client
    finally:
        for obj in owned:  # the client first, then a LocalCluster it runs on
            obj.close()


def _interrupted(parts_dirs: Sequence[Path], command: str) -> None:
    """The one line printed on Ctrl-C, then exit status 130."""
    kept = sum(len(list(p.glob("chunk_*.npz"))) for p in parts_dirs if p.is_dir())
    where = ", ".join(str(p) for p in parts_dirs if p.is_dir()) or "nowhere (none had finished)"
    click.echo(
        f"Interrupted: the {kept} finished chunks are kept in {where}; resume with: {command}", err=True
    )
    sys.exit(130)


def _executor_options(func: F) -> F:
    options = [
        click.option(
            "--scheduler",
            default=None,
            metavar="local|tcp://HOST:PORT",
            help="Run on Dask: 'local' starts a LocalCluster, tcp://HOST:PORT uses a running scheduler.",
        ),
        click.option(
            "--workers",
            type=click.IntRange(min=1),
            default=None,
            help="Worker processes (local processes or a Dask LocalCluster); default all cores.",
        ),
        click.option(
            "--executor",
            type=click.Choice(["processes", "serial", "dask"]),
            default=None,
            help="Where the chunks run (default: processes, or dask when --scheduler is given).",
        ),
    ]
    for option in options:
        func = option(func)
    return func


@main.command("map", short_help="Tc(η, g) map, chunked and resumable (paper Figs. 8-11).")
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
    type=click.Path(dir_okay=False, path_type=Path),
    help="NetCDF4 file of the map; finished chunks go to OUT.parts/ until it is complete.",
)
@_executor_options
@click.option(
    "--mu-mode",
    type=click.Choice(["fixed", "density"]),
    default="fixed",
    show_default=True,
    help="Chemical potential at Tc: mu = mu0, or mu(T) at the normal-state density of mu0.",
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=None,
    help="Grid points per chunk (default 40); part of the map's identity for resuming.",
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
    chunk_size: int | None,
    overwrite: bool,
    progress: bool,
) -> None:
    """Critical temperature Tc (K) on the grid η × g (paper Figs. 8-11), written to --out.

    Chunks of the grid run on local processes (default, all cores), serially, or on Dask
    (--scheduler local or tcp://HOST:PORT); the numbers are identical, bit for bit, whichever
    runs them.  Each finished chunk is saved at once: after Ctrl-C (or a crash) run the same
    command again and only the missing chunks are computed.  At the end a summary: points,
    converged / below the floor / failed, wall time.  Draw the map with `multigap plot`.
    """
    from .sweep import STATUS_CODES, run_map

    model = resolve_model(model_spec)
    for value in g.tolist():
        try:
            model.with_g(value)
        except ModelError as exc:
            raise PackageError(f"--g {_range_text(g)}: g = {value!r}: {exc}") from None
    command = _map_command(
        model_spec,
        eta,
        g,
        out,
        mu_mode=mu_mode,
        chunk_size=chunk_size,
        executor=executor,
        workers=workers,
        scheduler=scheduler,
        overwrite=overwrite,
    )
    try:
        with _scheduler_client(executor, scheduler, workers) as client:
            run = run_map(
                model,
                eta,
                g,
                mu_mode=mu_mode,
                out=out,
                executor="dask" if client is not None else executor,
                workers=workers,
                scheduler=client,
                chunk_size=chunk_size,
                progress=progress,
                overwrite=overwrite,
                command=command,
            )
    except KeyboardInterrupt:
        _interrupted([out.with_name(out.name + ".parts")], command)
    except MultigapError as exc:
        raise PackageError(_cli_words(str(exc))) from None
    status = run.dataset["status"].values
    counts = {name: int(np.count_nonzero(status == code)) for name, code in STATUS_CODES.items()}
    ds = run.dataset
    click.echo(
        f"map of model {model.name}: {status.size} points ({ds.sizes['eta']} eta x {ds.sizes['g']} g): "
        f"{counts['converged']} converged, {counts['below_floor']} below the floor "
        f"({model.numerics.tc_floor:g} K), {counts['failed']} failed"
    )
    if counts["converged"]:
        tc = ds["tc"].where(ds["status"] == STATUS_CODES["converged"])
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
    click.echo(
        f"chunks: {run.chunks_computed} computed, {run.chunks_reused} reused of {run.chunks_total} "
        f"({run.executor}); wall time {run.wall_time:.1f} s"
    )
    click.echo(f"wrote {run.path}")


# ------------------------------------------------------------------------------------ plot
_PLOT_KINDS = ("map", "eta-cuts", "g-cuts")
_FIGURE_SUFFIXES = (".png", ".pdf", ".svg")


def _read_map(path: Path) -> xr.Dataset:
    from .io import read_dataset

    ds = read_dataset(path)
    if "tc" not in ds or "status" not in ds or "mu0" not in ds or not {"eta", "g"} <= set(ds.dims):
        title = ds.attrs.get("title")
        what = f" (it holds: {title})" if title else ""
        raise MultigapError(
            f"input file {str(path)!r}: not a Tc(eta, g) map{what}; make one with `multigap map`"
        )
    if ds["tc"].ndim != 2:
        raise MultigapError(
            f"input file {str(path)!r}: the map has extra dimensions {ds['tc'].dims}; plot a 2-D (eta, g) map"
        )
    return ds.transpose("eta", "g")


@main.command(short_help="Draw Tc maps: colour map, Tc vs eta at fixed g, Tc vs g at fixed eta.")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="FILE.nc...")
@click.option(
    "--kind",
    type=click.Choice(_PLOT_KINDS),
    default="map",
    show_default=True,
    help="map: Tc(eta, g) colour map (Figs. 10-11); eta-cuts: Tc vs eta at several g, semi-log and "
    "linear (Fig. 8); g-cuts: Tc vs g at fixed eta (Fig. 9).",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Figure file (.png, .pdf, .svg).",
)
@click.option(
    "--g-values",
    default=None,
    callback=_parse_float_list,
    help="eta-cuts: couplings g of the curves (comma-separated; nearest grid values).",
)
@click.option(
    "--eta-values",
    default=None,
    callback=_parse_float_list,
    help="g-cuts: Lifshitz parameters of the curves (comma-separated; negative ones go to the "
    "anti-resonant panel).",
)
def plot(
    files: tuple[Path, ...],
    kind: str,
    out: Path,
    g_values: list[float] | None,
    eta_values: list[float] | None,
) -> None:
    """Draw one or more Tc maps written by `multigap map` (or multigap.sweep.compute_map).

    Several files give one panel (map) or column (eta-cuts) each, e.g. models A and B side by
    side; g-cuts takes one file.
    """
    from .figures import save_figure, tc_map_figure, tc_vs_eta_figure, tc_vs_g_figure

    if out.suffix.lower() not in _FIGURE_SUFFIXES:
        raise PackageError(f"--out {str(out)!r}: the figure file must end in {', '.join(_FIGURE_SUFFIXES)}")
    if kind == "g-cuts" and len(files) != 1:
        raise PackageError(f"--kind g-cuts draws one map; got {len(files)} files")
    maps = [_read_map(Path(f)) for f in files]
    if kind == "map":
        fig = tc_map_figure(maps)
    elif kind == "eta-cuts":
        fig = tc_vs_eta_figure(maps, g_values=g_values)
    else:
        anti = None if eta_values is None else [e for e in eta_values if e < 0]
        res = None if eta_values is None else [e for e in eta_values if e > 0]
        fig = tc_vs_g_figure(maps[0], eta_anti=anti, eta_res=res)
    click.echo(f"wrote {save_figure(fig, out)}")


# ------------------------------------------------------------------------------- reproduce
@main.command(short_help="The whole paper: Figs. 3-11 for models A and B and a report comparing with it.")
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
@_executor_options
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
    grid_set: str | None,
    progress: bool | None,
) -> None:
    """Compute everything the paper shows for models A (H3S) and B (CSH_x): Figs. 3-11.

    Writes the data (NetCDF), the figures (PNG) and report.md / report.json, which set the
    paper's headline numbers beside ours (every one of ours read back from the files) and say
    where and why they differ.  The Tc maps are resumable: after Ctrl-C, run the same command
    again.  Prints each file as it is written.
    """
    import shlex

    from .reproduce import reproduce as run_reproduce

    grids = grid_set or ("quick" if quick else "full")
    args = ["multigap", "reproduce", "--out", str(out_dir)]
    if grid_set is not None:
        args.append(f"--grid-set={grid_set}")
    elif quick:
        args.append("--quick")
    for flag, value in (("--executor", executor), ("--workers", workers), ("--scheduler", scheduler)):
        if value is not None:
            args += [flag, str(value)]
    command = shlex.join(args)
    show = sys.stderr.isatty() if progress is None else progress
    try:
        with _scheduler_client(executor, scheduler, workers) as client:  # one cluster for the whole run
            result = run_reproduce(
                out_dir,
                grids=grids,
                executor="dask" if client is not None else executor,
                workers=workers,
                scheduler=client,
                progress=show,
                command=command,
                echo=lambda p: click.echo(f"wrote {p}"),
            )
    except KeyboardInterrupt:
        _interrupted([out_dir / f"map_{m}.nc.parts" for m in ("A", "B")], command)
    except MultigapError as exc:
        raise PackageError(_cli_words(str(exc))) from None
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


# --------------------------------------------------------------------------- show-versions
_VERSION_PACKAGES = (
    "numpy",
    "scipy",
    "xarray",
    "h5netcdf",
    "h5py",
    "matplotlib",
    "click",
    "tqdm",
    "tomli-w",
    "dask",
    "distributed",
)


def versions() -> dict[str, str]:
    """Versions of multigap, Python, its dependencies (``not installed`` if absent) and the platform."""
    import os
    import platform
    from importlib.metadata import PackageNotFoundError, version

    info = {
        "multigap": __version__,
        "python": f"{platform.python_version()} ({platform.python_implementation()})",
    }
    for pkg in _VERSION_PACKAGES:
        try:
            info[pkg] = version(pkg)
        except PackageNotFoundError:
            info[pkg] = "not installed"
    info["platform"] = platform.platform()
    info["machine"] = platform.machine()
    info["cpu_count"] = str(os.cpu_count())
    return info


@main.command("show-versions")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON on stdout.")
def show_versions(as_json: bool) -> None:
    """Versions of multigap, Python, the libraries it uses, and the platform (for bug reports)."""
    info = versions()
    if as_json:
        click.echo(json.dumps(info))
        return
    width = max(len(k) for k in info)
    for key, value in info.items():
        click.echo(f"{key:<{width}}  {value}")


if __name__ == "__main__":  # pragma: no cover
    main()
