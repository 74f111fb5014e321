"""Inverse problems: ``path`` (Tc along a pressure path), ``fit`` (a path fitted to measured
Tc(P)) and ``design`` (the superlattice with the largest Tc at given g and ω₀).

Bad inputs (path tables, data files, bounds, more free parameters than data) end with one line
and exit status 2; a fit or design that runs but does not converge prints its result, says so,
and exits with status 1.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import numpy as np

from ..errors import InputError
from ..parsing import parse_pair
from ..presets import resolve_model
from .options import (
    F,
    GridRange,
    check_executor,
    executor_options,
    figure_path,
    model_option,
    output_path,
    overwrite_option,
    resolve_theory,
    theory_options,
    value_callback,
)
from .render import check_outputs, emit, model_payload, save_figure_quietly, write_atomic

__all__ = ["COMMANDS", "path", "fit", "design"]


#: Callback of the ``A,B`` options (:func:`multigap.parsing.parse_pair`).
_pair = value_callback(parse_pair)


def _outputs(plot_help: str, out_help: str) -> Callable[[F], F]:
    """``--plot FILE``, ``--out FILE.nc``, ``--overwrite`` and ``--json`` of the inverse commands."""

    def decorate(func: F) -> F:
        func = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON on stdout.")(
            func
        )
        func = overwrite_option(func)
        func = click.option(
            "--out", type=click.Path(path_type=Path), callback=output_path, default=None, help=out_help
        )(func)
        return click.option(
            "--plot", type=click.Path(path_type=Path), callback=figure_path, default=None, help=plot_help
        )(func)

    return decorate


def _local_executor(executor: str | None, workers: int | None, scheduler: str | None) -> str:
    """``--executor`` of path and fit: this process unless --executor/--workers/--scheduler say."""
    return executor or ("dask" if scheduler else "processes" if workers else "serial")


def _exit_unless_converged(ctx: click.Context, converged: bool, what: str, message: str) -> None:
    """After the result is printed and written: exit 1 with one line on stderr if not converged."""
    if not converged:
        click.echo(f"Error: {what} did not converge: {message}", err=True)
        ctx.exit(1)


def _data_files(specs: tuple[str, ...]) -> Any:
    from ..inverse.data import combine, load_data

    return combine([load_data(s) for s in specs]) if specs else None


def _quantities(text: str) -> tuple[str, ...]:
    items = tuple(s.strip() for s in text.split(",") if s.strip())
    bad = [s for s in items if s not in ("tc", "gaps", "alpha")]
    if bad or "tc" not in items:
        raise InputError(f"--quantities {text!r}: a comma list of tc, gaps, alpha that includes tc")
    return items


def _path_payload(ds: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"eta": ds["eta"].values.tolist(), "g": ds["g"].values.tolist()}
    if "pressure" in ds.coords:
        out["pressure_GPa"] = ds["pressure"].values.tolist()
    for name in ("tc", "alpha", "anisotropy"):
        if name in ds:
            out[name if name != "tc" else "tc_K"] = ds[name].values.tolist()
    if "gap" in ds:
        out["gap_meV"] = ds["gap"].transpose("point", "band").values.tolist()
    from ..status import Status

    out["status"] = [str(Status.from_code(int(c))) for c in ds["status"].values]
    out["messages"] = [str(m) for m in ds["message"].values] if "message" in ds else []
    return out


@click.command("path", short_help="Tc, gaps, Δ ratio and α along a pressure path in the (η, g) plane.")
@model_option
@click.option("--from", "start", callback=_pair, metavar="ETA0,G0", help="Start of a straight path.")
@click.option("--to", "stop", callback=_pair, metavar="ETA1,G1", help="End of a straight path.")
@click.option(
    "--points",
    type=click.IntRange(min=2, max=100_000),
    default=21,
    show_default=True,
    help="Points of a straight path.",
)
@click.option(
    "--pressure",
    "pressure",
    type=GridRange(),
    default=None,
    help="Pressures in GPa for --eta-law/--g-law: P0:P1:N (N points) or one pressure.",
)
@click.option("--eta-law", callback=_pair, metavar="A,B", help="eta(P) = A + B*P (P in GPa).")
@click.option("--g-law", callback=_pair, metavar="C,D", help="g(P) = C + D*P (P in GPa); g < 0.5.")
@click.option(
    "--table",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="CSV with columns pressure_GPa,eta,g[,omega0_meV].",
)
@click.option("--omega0", type=float, default=None, help="Bare phonon energy (meV); default the model's.")
@click.option("--quantities", default="tc,gaps,alpha", show_default=True, help="Any of tc,gaps,alpha.")
@click.option(
    "--data",
    "data_specs",
    multiple=True,
    metavar="FILE.csv|NAME",
    help="Measured points to overlay on --plot (repeatable; shipped: h3s_dome_paper, ...).",
)
@click.option(
    "--map",
    "map_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="A Tc(eta, g) map file (multigap map) to draw the path on, with --map-plot.",
)
@click.option(
    "--map-plot",
    type=click.Path(path_type=Path),
    callback=figure_path,
    default=None,
    help="Figure of the path on the --map dome (PNG/PDF/SVG).",
)
@theory_options
@executor_options
@_outputs(
    plot_help="Figure of Tc (and alpha) along the path with --data points.",
    out_help="NetCDF file of the path (with a pressure coordinate where given).",
)
def path(
    model_spec: str,
    start: tuple[float, float] | None,
    stop: tuple[float, float] | None,
    points: int,
    pressure: np.ndarray | None,
    eta_law: tuple[float, float] | None,
    g_law: tuple[float, float] | None,
    table: Path | None,
    omega0: float | None,
    quantities: str,
    data_specs: tuple[str, ...],
    map_file: Path | None,
    map_plot: Path | None,
    theory: str,
    theory_option: dict[str, Any],
    bound: str,
    executor: str | None,
    workers: int | None,
    scheduler: str | None,
    plot: Path | None,
    out: Path | None,
    overwrite: bool,
    as_json: bool,
) -> None:
    """Tc (K), gaps (meV), the gap ratio of the active band to the one below and the isotope
    coefficient along a path: --from/--to, or --pressure with --eta-law and --g-law, or --table.

    The cutoff follows g through the Migdal softening. Failed points are kept with status
    failed and their message. Paths run in this process unless --executor, --workers or
    --scheduler say otherwise.
    """
    from ..inverse.paths import PathError, compute_path, linear_law_path, read_path_table, straight_path

    ways = [
        start is not None or stop is not None,
        pressure is not None or eta_law is not None or g_law is not None,
        table is not None,
    ]
    if sum(ways) != 1:
        raise PathError("give exactly one path: --from/--to, --pressure with --eta-law/--g-law, or --table")
    check_outputs(
        {"--out": out, "--plot": plot, "--map-plot": map_plot},
        inputs=[model_spec, *(p for p in (table, map_file) if p)],
        overwrite=overwrite,
    )
    if map_plot is not None and map_file is None:
        raise PathError("--map-plot needs --map FILE.nc (a Tc map from `multigap map`)")
    check_executor(executor, workers, scheduler)
    quants = _quantities(quantities)
    th, bd = resolve_theory(theory, theory_option, bound)
    model = resolve_model(model_spec)
    if ways[0]:
        if start is None or stop is None:
            raise PathError("--from and --to go together")
        p = straight_path(start, stop, points)
    elif ways[1]:
        if pressure is None or eta_law is None or g_law is None:
            raise PathError("--pressure, --eta-law and --g-law go together")
        p = linear_law_path(pressure, eta_law, g_law, omega0=omega0)
    else:
        assert table is not None
        p = read_path_table(table)
    data = _data_files(data_specs)
    ds = compute_path(
        model,
        p,
        theory=th,
        bound=bd,
        quantities=quants,
        executor=_local_executor(executor, workers, scheduler),
        workers=workers,
        scheduler=scheduler,
    )
    if map_plot is not None and map_file is not None:
        from ..figures.inverse import path_on_map_figure
        from ..io import read_dataset

        save_figure_quietly(
            lambda: path_on_map_figure(read_dataset(map_file), ds), map_plot, option="--map-plot"
        )
    payload = {
        **model_payload(model),
        "path": p.description,
        **_path_payload(ds),
        "theory": th.name,
        "bound": "none" if bd is None else bd.name,
    }

    def figure() -> Any:
        from ..figures.inverse import path_tc_figure

        return path_tc_figure(ds, data)

    def text() -> str:
        lines = [
            f"model {model.name}: {p.description}, theory {th.name}" + (f", bound {bd.name}" if bd else "")
        ]
        head = "   P (GPa)" if p.pressure is not None else "     point"
        lines.append(f"{head}      eta        g     Tc (K)    alpha   status")
        pay = _path_payload(ds)
        for i in range(len(p)):
            x = f"{p.pressure[i]:10.4g}" if p.pressure is not None else f"{i:10d}"
            a = pay.get("alpha", [float("nan")] * len(p))[i]
            a_txt = f"{a:8.3g}" if np.isfinite(a) else "       -"
            lines.append(
                f"{x} {p.eta[i]:8.4g} {p.g[i]:8.4g} {pay['tc_K'][i]:10.5g} {a_txt}   {pay['status'][i]}"
                + (f" ({pay['messages'][i]})" if pay["messages"] and pay["messages"][i] else "")
            )
        if map_plot is not None:
            lines.append(f"wrote {map_plot}")
        return "\n".join(lines)

    emit(ds, payload, as_json=as_json, out=out, plot=plot, figure=figure, text=text)


def _start_values(
    eta_law: Any, g_law: Any, omega0: float | None, interband: float | None
) -> dict[str, float]:
    start: dict[str, float] = {}
    if eta_law is not None:
        start.update(eta_a=eta_law[0], eta_b=eta_law[1])
    if g_law is not None:
        start.update(g_c=g_law[0], g_d=g_law[1])
    if omega0 is not None:
        start["omega0"] = omega0
    if interband is not None:
        start["interband"] = interband
    return start


@click.command("fit", short_help="Fit a pressure path of the dome to measured Tc(P) (and alpha, gaps).")
@model_option
@click.option(
    "--data",
    "data_specs",
    multiple=True,
    required=True,
    metavar="FILE.csv|NAME",
    help="Measured data (repeatable): a CSV file or a shipped set (h3s_dome_paper, h3s_d3s_isotope, "
    "csh_x_retracted).",
)
@click.option(
    "--free",
    default="eta-law,g",
    show_default=True,
    help="Free parameter groups: eta-law, eta, g-law, g, omega0, interband.",
)
@click.option("--eta-law", callback=_pair, metavar="A,B", help="Start (or fixed) eta(P) = A + B*P.")
@click.option("--g-law", callback=_pair, metavar="C,D", help="Start (or fixed) g(P) = C + D*P.")
@click.option("--omega0", type=float, default=None, help="Start (or fixed) bare phonon energy, meV.")
@click.option("--interband", type=float, default=None, help="Start (or fixed) interband coupling.")
@click.option(
    "--eta-range",
    callback=_pair,
    metavar="LO,HI",
    help="Bounds of eta on the measured pressure range [default -1,3].",
)
@click.option(
    "--g-range",
    callback=_pair,
    metavar="LO,HI",
    help="Bounds of g on the measured pressure range [default 0,0.49].",
)
@click.option(
    "--starts",
    type=click.IntRange(min=1, max=1000),
    default=8,
    show_default=True,
    help="Starting points (the given start, then seeded draws in the bounds).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random starts and MCMC.")
@click.option(
    "--max-nfev",
    type=click.IntRange(min=1),
    default=200,
    show_default=True,
    help="Residual evaluations per start (a start that reaches it has not converged).",
)
@click.option("--allow-retracted", is_flag=True, help="Fit rows flagged retracted.")
@click.option("--posterior", is_flag=True, help="Sample the posterior with emcee (extra 'fit').")
@click.option("--steps", type=click.IntRange(min=10), default=200, show_default=True, help="MCMC steps.")
@click.option(
    "--corner",
    "corner_plot",
    type=click.Path(path_type=Path),
    callback=figure_path,
    default=None,
    help="Corner plot of the posterior (with --posterior).",
)
@theory_options
@executor_options
@_outputs(
    plot_help="Figure of the fitted Tc(P) and alpha(P) with the data.",
    out_help="NetCDF file: prediction along P (pressure coordinate), data, parameters, covariance.",
)
@click.pass_context
def fit(
    ctx: click.Context,
    model_spec: str,
    data_specs: tuple[str, ...],
    free: str,
    eta_law: Any,
    g_law: Any,
    omega0: float | None,
    interband: float | None,
    eta_range: Any,
    g_range: Any,
    starts: int,
    seed: int,
    max_nfev: int,
    allow_retracted: bool,
    posterior: bool,
    steps: int,
    corner_plot: Path | None,
    theory: str,
    theory_option: dict[str, Any],
    bound: str,
    executor: str | None,
    workers: int | None,
    scheduler: str | None,
    plot: Path | None,
    out: Path | None,
    overwrite: bool,
    as_json: bool,
) -> None:
    """Least-squares fit of the pressure laws eta(P) = a + b*P, g(P) = c + d*P (and omega0,
    interband) to measured data, from several starts; uncertainties and correlations from the
    Jacobian, chi2 and residuals, the predicted alpha(P) and gaps along the path.

    The starts run in this process unless --executor, --workers or --scheduler say otherwise
    (one task per start). Exit status 1 when the fit does not converge, 2 for bad input.
    """
    from ..inverse.fit import fit_path, parse_free, sample_posterior

    check_outputs(
        {"--out": out, "--plot": plot, "--corner": corner_plot},
        inputs=[model_spec, *data_specs],
        overwrite=overwrite,
    )
    if corner_plot is not None and not posterior:
        raise InputError("--corner needs --posterior")
    check_executor(executor, workers, scheduler)
    groups = parse_free(free)
    th, bd = resolve_theory(theory, theory_option, bound)
    model = resolve_model(model_spec)
    data = _data_files(data_specs)
    bounds = {k: v for k, v in (("eta", eta_range), ("g", g_range)) if v is not None}
    res = fit_path(
        model,
        data,
        free=groups,
        start=_start_values(eta_law, g_law, omega0, interband),
        bounds=bounds,
        n_starts=starts,
        seed=seed,
        max_nfev=max_nfev,
        theory=th,
        bound=bd,
        allow_retracted=allow_retracted,
        executor=_local_executor(executor, workers, scheduler),
        workers=workers,
        scheduler=scheduler,
    )
    if posterior:
        res = sample_posterior(res, n_steps=steps, seed=seed)
    ds = res.to_dataset()
    if corner_plot is not None and res.posterior is not None:
        from ..figures.inverse import corner_figure

        post = res.posterior
        save_figure_quietly(lambda: corner_figure(post.samples, post.names), corner_plot, option="--corner")
    pred = ds
    payload = {
        **model_payload(model),
        "data": data.source,
        "free": list(res.names),
        "values": dict(zip(res.names, res.values.tolist(), strict=True)),
        "errors": dict(zip(res.names, res.errors.tolist(), strict=True)),
        "correlation": res.correlation.tolist(),
        "laws": res.laws,
        "chi2": res.chi2,
        "dof": res.dof,
        "reduced_chi2": res.reduced_chi2,
        "observations": list(res.observations),
        "residuals": res.residuals.tolist(),
        "model_values": res.model_values.tolist(),
        "at_bounds": list(res.at_bounds),
        "converged": res.converged,
        "message": res.message,
        "failed_points": res.failed_points,
        "starts": res.starts,
        "elapsed_s": res.elapsed,
        "prediction": {
            "pressure_GPa": pred["pressure"].values.tolist(),
            "tc_K": pred["tc"].values.tolist(),
            "tc_sigma_K": pred["tc_sigma"].values.tolist(),
            "alpha": pred["alpha"].values.tolist(),
            "alpha_sigma": pred["alpha_sigma"].values.tolist(),
            "anisotropy": pred["anisotropy"].values.tolist() if "anisotropy" in pred else None,
        },
        "posterior": None if res.posterior is None else res.posterior.quantiles(),
    }

    def figure() -> Any:
        from ..figures.inverse import path_tc_figure

        return path_tc_figure(ds)

    def text() -> str:
        lines = res.summary()
        lines.append("  prediction along the fitted path (1-sigma from the parameter covariance):")
        a = res.model.active_band
        lines.append(f"     P (GPa)     eta       g     Tc (K)        alpha       Δ{a}/Δ{a - 1}")
        for i, p in enumerate(pred["pressure"].values):
            aniso = float(pred["anisotropy"].values[i]) if "anisotropy" in pred else float("nan")
            lines.append(
                f"    {p:8.4g} {float(pred['eta'].values[i]):7.3f} {float(pred['g'].values[i]):7.3f} "
                f"{float(pred['tc'].values[i]):7.4g} ± {float(pred['tc_sigma'].values[i]):<5.2g} "
                f"{float(pred['alpha'].values[i]):5.3f} ± {float(pred['alpha_sigma'].values[i]):<5.2g} "
                f"{aniso:8.3g}"
            )
        lines += _falsifiable(res, pred)
        if res.posterior is not None:
            q = res.posterior.quantiles()
            lines.append(
                f"  posterior (16/50/84 %, acceptance {res.posterior.acceptance:.2f}): "
                + ", ".join(f"{k} {v[1]:.4g} -{v[1] - v[0]:.2g}/+{v[2] - v[1]:.2g}" for k, v in q.items())
            )
        if corner_plot is not None:
            lines.append(f"wrote {corner_plot}")
        return "\n".join(lines)

    emit(ds, payload, as_json=as_json, out=out, plot=plot, figure=figure, text=text)
    _exit_unless_converged(ctx, res.converged, "the fit", res.message)


def _falsifiable(res: Any, pred: Any) -> list[str]:
    """Which predictions the data could falsify: alpha and gaps where the data have none."""
    lines = ["  what the data could falsify:"]
    a, s = pred["alpha"].values, pred["alpha_sigma"].values
    ok = np.isfinite(a)
    if res.data.has_alpha:
        i = [k for k, lab in enumerate(res.observations) if lab.startswith("alpha")]
        lines.append(
            "    alpha is in the data: residuals "
            + ", ".join(f"{res.residuals[k]:+.2g}" for k in i)
            + " sigma"
        )
    if ok.any():
        dev = np.abs(a[ok] - 0.5)
        lines.append(
            f"    alpha(P) predicted {np.nanmin(a):.3g} .. {np.nanmax(a):.3g} (1-sigma up to "
            f"{np.nanmax(s[ok]):.2g}); a measurement with uncertainty below {np.nanmax(dev) / 2:.2g} at "
            f"P = {float(pred['pressure'].values[ok][int(np.argmax(dev))]):.4g} GPa tells it from the "
            "single-band BCS 1/2"
        )
    if not res.data.has_gap and "anisotropy" in pred:
        an = pred["anisotropy"].values
        lines.append(
            f"    gaps are not in the data: predicted gap ratio of the active band to the one below "
            f"{np.nanmin(an):.3g} .. {np.nanmax(an):.3g} along the path (a tunnelling or ARPES "
            "measurement of two gaps tests it)"
        )
    return lines


#: Attributes of the design's eta-cut that ``design --out`` keeps: the model, theory and bound.
_RECORDED_ATTRS = (
    "model_name",
    "model_toml",
    "active_band",
    "theory",
    "theory_options",
    "bound",
    "bound_options",
    "rtol",
    "tc_floor_K",
    "multigap_version",
    "unit_system",
    "Conventions",
    "source",
    "references",
)


@click.command("design", short_help="Superlattice with the largest Tc at given g and omega0 (global search).")
@click.option("--g", "g", type=float, required=True, help="Active-band coupling g = g33 (< 0.5).")
@click.option("--omega0", type=float, required=True, help="Bare phonon energy, meV.")
@click.option(
    "--model",
    "model_spec",
    default="A",
    show_default=True,
    metavar="A|B|FILE.toml",
    help="Template: other couplings, active band, numerics; the reference it is compared with.",
)
@click.option(
    "--bounds",
    "bounds_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="TOML: name = [low, high] or name = value (fixed); names wire_width, spacer_width, barrier, "
    "spacer_mass, wire_mass, eta.",
)
@click.option(
    "--objective",
    type=click.Choice(["tc", "tc_bkt", "robust"]),
    default="tc",
    show_default=True,
    help="tc; tc_bkt (after the BKT bound); robust (the Tc surviving +-2 % of eta).",
)
@click.option("--maxiter", type=click.IntRange(min=1), default=25, show_default=True, help="DE generations.")
@click.option(
    "--popsize",
    type=click.IntRange(min=2),
    default=8,
    show_default=True,
    help="DE population per free parameter.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the search.")
@theory_options
@executor_options
@click.option(
    "--model-out",
    type=click.Path(path_type=Path),
    callback=output_path,
    default=None,
    help="TOML file of the best model (readable by --model of every command).",
)
@_outputs(
    plot_help="Figure: Tc along eta of the design beside the template's.",
    out_help="NetCDF file of both eta-cuts; the design model, theory and bound in attrs "
    "(multigap.io.model_from_dataset reads the design back).",
)
@click.pass_context
def design(
    ctx: click.Context,
    g: float,
    omega0: float,
    model_spec: str,
    bounds_file: Path | None,
    objective: str,
    maxiter: int,
    popsize: int,
    seed: int,
    theory: str,
    theory_option: dict[str, Any],
    bound: str,
    executor: str | None,
    workers: int | None,
    scheduler: str | None,
    model_out: Path | None,
    plot: Path | None,
    out: Path | None,
    overwrite: bool,
    as_json: bool,
) -> None:
    """Search wire width L, spacer width W, barrier V, spacer and wire masses and eta for the
    largest Tc at coupling g and phonon energy omega0 (differential evolution on the sweep
    engine's executors); report the best model, its Tc against the template's at the same g
    and omega0, the sensitivity to +-2 % of each parameter and what limits the optimum.

    Exit status 1 when the search does not converge within --maxiter generations (the result is
    still printed and written), 2 for bad input.
    """
    import xarray as xr

    from ..inverse.design import design as run_design
    from ..inverse.design import eta_cut, read_bounds
    from ..model import dump_model

    check_outputs(
        {"--model-out": model_out, "--plot": plot, "--out": out},
        inputs=[model_spec, *([bounds_file] if bounds_file else [])],
        overwrite=overwrite,
    )
    check_executor(executor, workers, scheduler)
    th, bd = resolve_theory(theory, theory_option, bound)
    template = resolve_model(model_spec)
    bounds = read_bounds(bounds_file) if bounds_file is not None else None
    res = run_design(
        g,
        omega0,
        template=template,
        bounds=bounds,
        objective=objective,
        theory=th,
        bound=bd,
        maxiter=maxiter,
        popsize=popsize,
        seed=seed,
        executor=executor,
        workers=workers,
        scheduler=scheduler,
    )
    if model_out is not None:
        write_atomic(model_out, lambda tmp: dump_model(res.model, tmp), option="--model-out")
    grid = np.linspace(-0.5, 2.0, 51)
    cut_bound = bd if objective != "tc_bkt" else (bd or "bkt")
    d_cut = eta_cut(res.model, g, grid, theory=th, bound=cut_bound)
    from ..inverse.design import design_model, template_parameters

    r_model = design_model(template, template_parameters(template), g, omega0, name=template.name)
    r_cut = eta_cut(r_model, g, grid, theory=th, bound=cut_bound)
    ds = xr.Dataset(
        {
            "tc_design": d_cut["tc"].variable,
            "status_design": d_cut["status"].variable,
            "tc_template": r_cut["tc"].variable,
            "status_template": r_cut["status"].variable,
        },
        coords={"eta": ("point", grid, {"units": "1"})},
    )
    from ..model import dumps_model

    # the design's model, theory and bound as every multigap file records them (the design cut
    # was computed with them), so that multigap.io.model_from_dataset reads the design back
    ds.attrs.update({k: d_cut.attrs[k] for k in _RECORDED_ATTRS if k in d_cut.attrs})
    ds.attrs.update(
        {
            "title": f"Superlattice design at g = {g!r}, omega0 = {omega0!r} meV ({objective})",
            "template_model_toml": dumps_model(r_model),
            "design_tc_K": res.tc,
            "template_tc_K": float(res.reference["tc"]),
            "objective": objective,
            "g": g,
            "omega0_meV": omega0,
            "summary": "\n".join(res.summary()),
        }
    )
    payload = {
        "g": g,
        "omega0_meV": omega0,
        "objective": objective,
        "parameters": res.parameters,
        "tc_K": res.tc,
        "objective_K": res.objective_value,
        "reference": res.reference,
        "sensitivity_K": res.sensitivity,
        "limits": res.limits,
        "at_bounds": res.at_bounds,
        "bands": res.bands,
        "evaluations": res.n_evaluations,
        "failed": res.n_failed,
        "failures": res.failures,
        "converged": res.converged,
        "message": res.message,
        "elapsed_s": res.elapsed,
        "model_toml": dumps_model(res.model),
    }

    def figure() -> Any:
        from ..figures.inverse import design_cut_figure

        return design_cut_figure(d_cut, r_cut, eta_best=res.parameters["eta"])

    def text() -> str:
        lines = res.summary()
        if model_out is not None:
            lines.append(
                f"wrote {model_out}  (check: multigap tc --model {model_out} --eta {res.parameters['eta']!r})"
            )
        return "\n".join(lines)

    emit(ds, payload, as_json=as_json, out=out, plot=plot, figure=figure, text=text)
    _exit_unless_converged(
        ctx, res.converged, "the design search", f"{res.message} (raise --maxiter for a tighter optimum)"
    )


COMMANDS = (path, fit, design)
