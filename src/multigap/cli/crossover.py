"""Phase stiffness and the BCS–BEC crossover: ``stiffness`` (one point) and ``crossover`` (an η-cut).

``stiffness`` prints J^xx, J^zz, J = √(J^xx J^zz) (meV), the electron density (1/nm²) and the
contribution of each band (:mod:`multigap.stiffness`).  ``crossover`` runs an η-cut with the
BKT bound (:func:`multigap.sweep.run_cut` with ``bound="bkt"``) and adds, per band, E_F,
Δ/E_F, k_F ξ_pair and the regime (:mod:`multigap.crossover`); :func:`crossover_cut` is the same
from Python.  ``--bound bkt`` on ``tc``, ``gaps``, ``map`` and ``reproduce`` needs nothing here:
it comes from the bound registry (:mod:`multigap.theories`).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import numpy as np

from .options import (
    GridRange,
    RegistryChoice,
    check_executor,
    executor_options,
    model_option,
    mu_mode_option,
    non_negative,
    output_options,
    pairing_options,
    parse_theory_options,
    resolve_pairing_model,
    resolve_theory,
)
from .render import check_outputs, emit, model_payload

if TYPE_CHECKING:
    import xarray as xr
    from matplotlib.figure import Figure

    from ..model import Model
    from ..theories import PairingTheory

__all__ = ["COMMANDS", "crossover", "crossover_cut", "stiffness"]


def _theory_only(func: Any) -> Any:
    """``--theory`` and ``--theory-option`` (no bound: the stiffness is the bound's input)."""
    from ..theories import DEFAULT_THEORY, available_theories

    func = click.option(
        "--theory-option",
        "theory_option",
        multiple=True,
        metavar="KEY=VALUE",
        callback=parse_theory_options,
        help="An option of the theory (repeatable); VALUE is read as JSON (0.1, true) or text.",
    )(func)
    return click.option(
        "--theory",
        type=RegistryChoice(available_theories),
        default=DEFAULT_THEORY,
        show_default=True,
        help="Pairing theory; it must compute finite-temperature gaps (see docs/theory.md).",
    )(func)


@click.command(short_help="Superfluid stiffness J (meV) and density at one (eta, g), per band.")
@model_option
@pairing_options
@click.option(
    "--temperature",
    type=float,
    default=0.0,
    show_default=True,
    callback=non_negative,
    help="Temperature in K (0 to 1e5; J = 0 exactly in the normal state).",
)
@mu_mode_option(
    "density",
    "Solve mu with the number equation (fixed density; the default here, unlike tc's fixed), "
    "or keep mu = mu0.",
)
@_theory_only
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON on stdout.")
def stiffness(
    model_spec: str,
    eta: float,
    g: float | None,
    interband: float | None,
    omega0: float | None,
    nodes: int | None,
    temperature: float,
    mu_mode: str,
    theory: str,
    theory_option: dict[str, Any],
    as_json: bool,
) -> None:
    """Phase stiffness J^xx (along the wires), J^zz (across them) and J = sqrt(J^xx J^zz), meV.

    J^ii = hbar^2 D^ii / 4 from the superfluid weight of the mean-field state at --temperature
    (band curvature times occupation, minus thermally excited quasiparticles); at T = 0 along
    the free direction x, J^xx = hbar^2 n / 4 m_x.  The universal-jump temperature
    (pi/2) J / k_B is printed for orientation; `multigap tc --bound bkt` solves
    k_B T = (pi/2) J(T) self-consistently.
    """
    from ..constants import KB
    from ..problem import pairing_problem
    from ..stiffness import superfluid_stiffness

    th, _ = resolve_theory(theory, theory_option, "none")
    m = resolve_pairing_model(model_spec, g, interband, omega0, nodes)
    problem = pairing_problem(m, eta)
    s = superfluid_stiffness(problem, temperature=temperature, theory=th, mu_mode=mu_mode)
    a = m.active_band
    jump = 0.5 * math.pi * s.j / KB
    payload = {
        **model_payload(m),
        "eta": eta,
        "g": m.pairing.g[a - 1][a - 1],
        "active_band": a,
        "mu_mode": mu_mode,
        "theory": th.name,
        "theory_options": th.options(),
        **s.as_dict(),
        "jump_temperature_K": jump,
        "galilean_jxx_meV": s.galilean_jxx,
    }

    def text() -> str:
        lines = [
            f"model {m.name}: eta = {eta:g}, g = g{a}{a} = {m.pairing.g[a - 1][a - 1]:g}, "
            f"T = {temperature:g} K, theory {th.name}, state {s.status}",
            f"J^xx = {s.jxx:.6g} meV (hbar^2 n/4m_x = {s.galilean_jxx:.6g} meV), J^zz = {s.jzz:.6g} meV, "
            f"J = {s.j:.6g} meV",
            f"density n = {s.density:.6g} nm^-2, mu = {s.mu:.6g} meV; (pi/2) J/k_B = {jump:.5g} K",
            f"{'band':>4}  {'J^xx (meV)':>11}  {'J^zz (meV)':>11}  {'n (nm^-2)':>10}",
        ]
        for n in range(m.n_bands):
            lines.append(
                f"{n + 1:>4}  {s.jxx_bands[n]:11.5g}  {s.jzz_bands[n]:11.5g}  {s.density_bands[n]:10.5g}"
            )
        return "\n".join(lines)

    if as_json:
        import json

        from .render import json_ready

        click.echo(json.dumps(json_ready({**payload, "files": {}})))
    else:
        click.echo(text())


def crossover_cut(
    model: Model,
    eta: Any,
    *,
    g: float | None = None,
    interband: float | None = None,
    omega0: float | None = None,
    n_nodes: int | None = None,
    theory: str | PairingTheory = "bcs",
    theory_options: dict[str, Any] | None = None,
    executor: str | None = None,
    workers: int | None = None,
    scheduler: Any = None,
    progress: bool = False,
    bound_options: dict[str, Any] | None = None,
) -> xr.Dataset:
    """T_MF, T_BKT and the per-band crossover diagnostics along η at fixed g.

    An η-cut (:func:`multigap.sweep.run_cut`) with the BKT bound and T = 0 gaps (number
    equation), plus, per band: ``e_f`` (μ₀ − E_L,n), ``mu_edge`` (μ − E_L,n), ``gap_over_e_f``,
    ``kf_xi_pair``, ``regime`` (0 BCS, 1 crossover, 2 BEC, −1 undefined) and
    ``crossover_status`` (Status codes: ``skipped`` where the band is empty), with
    ``band_bottom``/``band_top`` (meV) for the Lifshitz points of every band.

    Parameters
    ----------
    model : Model
    eta : array_like
        Lifshitz parameters η, 1-D.
    g : float, optional
        Active-band coupling (default: the model's).
    interband, omega0, n_nodes : optional
        Common interband coupling, bare phonon energy ω₀ (meV) and quadrature nodes per panel
        (defaults: the model's), as for :func:`multigap.sweep.run_cut`.
    theory : str or PairingTheory
        Pairing theory of T_MF and of the gaps behind J(T) and the diagnostics; it must compute
        finite-temperature gaps (default ``"bcs"``).
    theory_options : dict, optional
        Options of ``theory`` when it is given by name.
    executor, workers, scheduler, progress
        As for :func:`multigap.sweep.run_cut`.
    bound_options : dict, optional
        Options of :class:`multigap.stiffness.BKTBound`; default ``mu_mode="density"`` (J(T)
        with the number equation, as the cut's T = 0 gaps: the μ shift is the crossover's
        signature), while T_MF is the theory's Tc at μ = μ₀.

    Returns
    -------
    xarray.Dataset
        The cut's variables (``tc`` bounded, ``tc_mf``, ``tc_bound`` = T_BKT, ``j0``, …, gaps)
        and the diagnostics above on (band, eta).

    Examples
    --------
    >>> from multigap import preset
    >>> ds = crossover_cut(preset("B"), [0.05], g=0.3)
    >>> float(ds["tc_bound"][0]) < float(ds["tc_mf"][0])
    True
    """
    import xarray as xr

    from ..crossover import REGIMES, crossover_arrays
    from ..problem import cached_bands
    from ..status import STATUS_CODES, STATUS_MEANINGS, Status
    from ..sweep import run_cut

    ds = run_cut(
        model, eta, g=g, interband=interband, omega0=omega0, n_nodes=n_nodes,
        theory=theory, theory_options=theory_options,
        bound="bkt", bound_options={"mu_mode": "density", **(bound_options or {})},
        quantities=("tc", "gaps"),
        executor=executor, workers=workers, scheduler=scheduler, progress=progress,
    )  # fmt: skip
    edges = cached_bands(model).band_edges
    mu0 = ds["mu0"].values
    normal = ds["gap_status"].values == Status.NORMAL.code
    gap = ds["gap"].transpose("band", "eta").values
    gap_ok = np.isin(ds["gap_status"].values, [Status.CONVERGED.code, Status.NORMAL.code])
    gap = np.where(gap_ok[None, :], gap, np.nan)
    out = crossover_arrays(edges[:, 0], mu0, mu0 + np.nan_to_num(ds["mu_shift"].values), gap, normal)
    dims = ("band", "eta")
    regime_codes = np.arange(-1, len(REGIMES), dtype=np.int8)
    new = {
        "e_f": xr.Variable(dims, out["e_f"], {"units": "meV", "long_name": "Fermi energy mu0 - E_L,n"}),
        "mu_edge": xr.Variable(dims, out["mu_edge"], {"units": "meV", "long_name": "mu - E_L,n at T = 0"}),
        "gap_over_e_f": xr.Variable(
            dims, out["gap_over_e_f"], {"units": "1", "long_name": "Delta_n / E_F,n"}
        ),
        "kf_xi_pair": xr.Variable(dims, out["kf_xi_pair"], {"units": "1", "long_name": "k_F xi_pair"}),
        "regime": xr.Variable(
            dims,
            out["regime"],
            {
                "long_name": "pairing regime of the band",
                "flag_values": regime_codes,
                "flag_meanings": " ".join(["undefined", *REGIMES]),
            },
        ),
        "crossover_status": xr.Variable(
            dims,
            out["status"],
            {
                "long_name": "status of the crossover diagnostics",
                "flag_values": np.array(sorted(STATUS_CODES.values()), dtype=np.int8),
                "flag_meanings": STATUS_MEANINGS,
            },
        ),
        "band_bottom": xr.Variable(
            ("band",), edges[:, 0], {"units": "meV", "long_name": "band minimum E_L,n"}
        ),
        "band_top": xr.Variable(("band",), edges[:, 1], {"units": "meV", "long_name": "band maximum"}),
    }
    return ds.assign(new)


def _active_row(ds: xr.Dataset, i: int, a: int) -> str:
    from ..crossover import REGIMES
    from ..status import Status

    def num(name: str, fmt: str) -> str:
        v = float(ds[name].sel(band=a).values[i]) if "band" in ds[name].dims else float(ds[name].values[i])
        return format(v, fmt) if math.isfinite(v) else f"{'-':>9}"

    status = Status.from_code(int(ds["crossover_status"].sel(band=a).values[i]))
    code = int(ds["regime"].sel(band=a).values[i])
    regime = REGIMES[code] if code >= 0 else _undefined_labels().get(status, str(status))
    tc_status = Status.from_code(int(ds["status"].values[i]))
    tcs = (
        f"{num('tc_mf', '9.4g')}  {num('tc_bound', '9.4g')}"
        if tc_status.computed
        else f"{tc_status!s:>9}  {'-':>9}"
    )
    # round: a linspace grid through 0 holds e.g. -2.8e-17 there, printed as 0
    return (
        f"{round(float(ds['eta'].values[i]), 12) + 0.0:7.4g}  {tcs}  {num('gap_over_e_f', '9.4g')}  "
        f"{num('kf_xi_pair', '9.4g')}  {regime}"
    )


@click.command(short_help="T_MF, T_BKT, Delta/E_F and k_F xi_pair along eta (BCS-BEC crossover).")
@model_option
@click.option(
    "--eta",
    required=True,
    type=GridRange(),
    help="Lifshitz parameters: START:STOP:COUNT, both ends included (e.g. -0.2:1.2:15), or one value.",
)
@click.option("--g", type=float, default=None, help="Active-band coupling g = g33 (default: the model's).")
@click.option(
    "--interband",
    type=float,
    default=None,
    help="Common interband coupling g_nn' (default: the model's, 0.02 in the presets).",
)
@click.option(
    "--omega0",
    type=float,
    default=None,
    help="Bare phonon energy omega0 (meV; default: the model's), softened by the Migdal factor.",
)
@click.option(
    "--nodes",
    type=click.IntRange(min=4, max=4096),
    default=None,
    help="Quadrature nodes per panel (default: the model's numerics.n_q; double it to check).",
)
@_theory_only
@executor_options
@click.option("--progress/--no-progress", default=False, show_default=True, help="tqdm bar on stderr.")
@output_options
def crossover(
    model_spec: str,
    eta: np.ndarray,
    g: float | None,
    interband: float | None,
    omega0: float | None,
    nodes: int | None,
    theory: str,
    theory_option: dict[str, Any],
    scheduler: str | None,
    workers: int | None,
    executor: str | None,
    progress: bool,
    as_json: bool,
    out: Path | None,
    overwrite: bool,
    plot: Path | None,
) -> None:
    """Mean-field Tc and the BKT bound along eta, with the active band's crossover diagnostics.

    For each eta: T_MF (the theory's Tc at mu = mu0), T_BKT from k_B T = (pi/2) J(T), and, from
    the T = 0 gaps with the number equation, Delta_n/E_F,n and k_F xi_pair of every band
    (E_F,n = mu0 - E_L,n).  Between T_BKT and T_MF pairs exist without phase coherence.
    Regime of a band: BEC where mu - E_L,n < 0, BCS where k_F xi_pair >= 2 pi, crossover
    between.  Where a band is empty (mu0 below its edge) its diagnostics are undefined and
    say so ("empty band").  --theory picks any theory with finite-temperature gaps (T_MF, J(T)
    and the gaps all come from it); --interband, --omega0 and --nodes change the model as for
    tc.  --plot draws T_MF and T_BKT vs eta with the pseudogap region shaded.
    """
    from ..errors import InputError
    from ..figures.crossover import crossover_figure

    check_executor(executor, workers, scheduler)
    check_outputs({"--out": out, "--plot": plot}, inputs=[model_spec], overwrite=overwrite)
    th, _ = resolve_theory(theory, theory_option, "none")
    if not th.has_gaps:  # refused at once, before any Tc is solved
        raise InputError(
            f"--theory {th.name}: theory {th.name!r} does not compute gaps: no stiffness, BKT "
            "bound or crossover diagnostics"
        )
    model = resolve_pairing_model(model_spec, g, interband, omega0, nodes)
    from .maps import scheduler_client

    with scheduler_client(executor, scheduler, workers) as client:
        ds = crossover_cut(
            model, eta, theory=th, executor="dask" if client is not None else executor,
            workers=workers, scheduler=client, progress=progress,
        )  # fmt: skip
    a = model.active_band
    g_value = model.pairing.g[a - 1][a - 1]
    bands = [int(b) for b in ds["band"].values]
    payload = {
        **model_payload(model),
        "g": g_value,
        "active_band": a,
        "theory": th.name,
        "theory_options": th.options(),
        "eta": ds["eta"].values,
        "tc_mf_K": ds["tc_mf"].values,
        "tc_bkt_K": ds["tc_bound"].values,
        "tc_K": ds["tc"].values,
        "status": [str(s) for s in _names(ds["status"].values)],
        "j0_meV": ds["j0"].values,
        "bands": bands,
        "E_F_meV": ds["e_f"].transpose("band", "eta").values,
        "gap_over_E_F": ds["gap_over_e_f"].transpose("band", "eta").values,
        "kF_xi_pair": ds["kf_xi_pair"].transpose("band", "eta").values,
        "regime": [[_regime(c) for c in row] for row in ds["regime"].transpose("band", "eta").values],
        "crossover_status": [
            [str(s) for s in _names(row)] for row in ds["crossover_status"].transpose("band", "eta").values
        ],
    }

    def text() -> str:
        lines = [
            f"model {model.name}: g = g{a}{a} = {g_value:g}; active band {a}; theory {th.name}; "
            "BKT: k_B T = (pi/2) J(T)",
            f"{'eta':>7}  {'T_MF (K)':>9}  {'T_BKT (K)':>9}  {f'D{a}/E_F{a}':>9}  {'kF xi':>9}  regime",
        ]
        lines += [_active_row(ds, i, a) for i in range(ds.sizes["eta"])]
        lines.append(
            "(T_BKT < T < T_MF: preformed pairs without phase coherence; '-': undefined, see --json)"
        )
        return "\n".join(lines)

    def figure() -> Figure:
        return crossover_figure(ds)

    emit(ds, payload, as_json=as_json, out=out, plot=plot, figure=figure, text=text)


def _undefined_labels() -> dict[Any, str]:
    from ..status import Status

    return {Status.SKIPPED: "empty band", Status.NORMAL: "no gap", Status.FAILED: "failed"}


def _names(codes: Any) -> list[str]:
    from ..status import Status

    return [str(Status.from_code(int(c))) for c in np.asarray(codes).ravel()]


def _regime(code: Any) -> str | None:
    from ..crossover import REGIMES

    return REGIMES[int(code)] if int(code) >= 0 else None


COMMANDS = (stiffness, crossover)
