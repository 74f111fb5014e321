"""Pairing at one point: ``tc`` (paper eq. 8), ``gaps`` (eqs. 6-7) and ``isotope``.

The theory (``--theory``, ``--theory-option``) and the bound (``--bound``) are taken by name
from :mod:`multigap.theories`; nothing here knows any particular theory.  A theory's
diagnostics (``TcResult.extras``) and a bound's appear in the JSON and in the ``--out`` file.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import InputError
from .options import (
    bound_options,
    model_option,
    mu_mode_option,
    non_negative,
    pairing_options,
    resolve_pairing_model,
    resolve_theory,
    result_options,
    theory_options,
)
from .render import check_outputs, emit, model_payload

if TYPE_CHECKING:
    import xarray as xr

    from ..model import Model
    from ..problem import PairingProblem
    from ..tc import TcResult
    from ..theories import BoundResult, PairingTheory, TcBound

__all__ = ["COMMANDS", "gaps", "isotope", "tc"]


def _pairing_payload(m: Model, eta: float) -> dict[str, Any]:
    a = m.active_band
    return {**model_payload(m), "eta": eta, "g": m.pairing.g[a - 1][a - 1], "active_band": a}


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


def _theory_payload(th: PairingTheory, bd: TcBound | None) -> dict[str, Any]:
    return {"theory": th.name, "theory_options": th.options(), "bound": "none" if bd is None else bd.name}


def _bounded(
    problem: PairingProblem, th: PairingTheory, bd: TcBound | None, result: TcResult
) -> BoundResult | None:
    return None if bd is None else bd.apply(problem, th, result)


def _bound_payload(bd: TcBound | None, br: BoundResult | None) -> dict[str, Any]:
    """With a bound: ``tc_K`` (bounded), ``tc_mf_K``, ``tc_<bound>_K``, its status and diagnostics."""
    if bd is None or br is None:
        return {}
    return {
        "tc_K": br.tc,
        "tc_mf_K": br.tc_mf,
        f"tc_{bd.name}_K": br.tc_bound,
        "bound_status": str(br.status),
        "bound_message": br.message,
        "bound_options": bd.options(),
        **br.extras,
    }


def _bound_text(bd: TcBound | None, br: BoundResult | None) -> list[str]:
    if bd is None or br is None:
        return []
    if br.message:
        return [f"bound {bd.name}: {br.status} ({br.message})"]
    return [
        f"bound {bd.name}: Tc = {br.tc:.6g} K (mean-field {br.tc_mf:.6g} K, "
        f"T_{bd.name} = {br.tc_bound:.6g} K)"
    ]


def _mf_tc_text(tc: float, status: str, floor: float, bd: TcBound | None) -> str:
    """The theory's Tc line; with a bound it is named the mean-field Tc (the bounded one follows)."""
    text = _tc_text(tc, status, floor)
    return text if bd is None else text.replace("Tc =", "mean-field Tc (T_MF) =", 1)


def _label(
    ds: xr.Dataset, th: PairingTheory, bd: TcBound | None, result: TcResult, br: BoundResult | None
) -> xr.Dataset:
    """Add the theory/bound attributes and diagnostics to a point dataset (generic, by name)."""
    import numpy as np
    import xarray as xr

    from ..theories import theory_attrs

    ds = ds.assign_attrs(theory_attrs(th, bd))
    extra: dict[str, xr.Variable] = {}
    for name, value in result.extras.items():
        units, long_name = th.diagnostics.get(name, ("1", name))
        extra[name] = xr.Variable((), np.float64(value), {"units": units, "long_name": long_name})
    if bd is not None and br is not None:
        if "tc" in ds:
            extra["tc_mf"] = ds["tc"].variable.copy()
            extra["tc"] = xr.Variable(
                (), np.float64(br.tc), {**ds["tc"].attrs, "long_name": f"Tc after the {bd.name} bound"}
            )
        extra["tc_bound"] = xr.Variable(
            (), np.float64(br.tc_bound), {"units": "K", "long_name": f"{bd.title or bd.name} temperature"}
        )
        for name, value in br.extras.items():
            units, long_name = bd.diagnostics.get(name, ("1", name))
            extra[name] = xr.Variable((), np.float64(value), {"units": units, "long_name": long_name})
        ds = ds.assign_attrs(bound_status=str(br.status), bound_message=br.message)
    return ds.assign(extra) if extra else ds


@click.command(short_help="Critical temperature at one (eta, g) (paper eq. 8).")
@model_option
@pairing_options
@mu_mode_option("fixed", "Chemical potential at Tc: mu = mu0, or mu(T) at the normal-state density of mu0.")
@theory_options
@bound_options
@result_options
def tc(
    model_spec: str,
    eta: float,
    g: float | None,
    interband: float | None,
    omega0: float | None,
    nodes: int | None,
    mu_mode: str,
    theory: str,
    theory_option: dict[str, Any],
    bound: str,
    bound_option: dict[str, Any],
    as_json: bool,
    out: Path | None,
    overwrite: bool,
) -> None:
    """Critical temperature Tc (K) at Lifshitz parameter eta (default theory: multi-band BCS).

    Tc below the model's floor (numerics.tc_floor, default 1e-8 K) is reported as 0 with
    status below_floor: a valid answer, not an error.  With --bound, tc_K is the bounded Tc
    and tc_mf_K the theory's own.
    """
    from ..problem import pairing_problem

    check_outputs({"--out": out}, inputs=[model_spec], overwrite=overwrite)
    th, bd = resolve_theory(theory, theory_option, bound, bound_option)
    m = resolve_pairing_model(model_spec, g, interband, omega0, nodes)
    problem = pairing_problem(m, eta)
    result = th.solve_tc(problem, mu_mode=mu_mode)
    br = _bounded(problem, th, bd, result)
    payload = {
        **_pairing_payload(m, eta),
        **result.as_dict(),
        "method": result.method,
        **_theory_payload(th, bd),
        **_bound_payload(bd, br),
    }

    def text() -> str:
        return "\n".join(
            [
                f"{_pairing_header(m, eta)}, {_MU_TEXT[mu_mode]}, theory {th.name}",
                *_bound_text(bd, br),
                _mf_tc_text(result.tc, result.status, result.floor, bd),
                f"mu0 = {result.mu0:.4f} meV, mu(Tc) = {result.mu:.4f} meV, "
                f"cutoff omega~0 = {result.omega:.4f} meV",
            ]
        )

    def dataset() -> xr.Dataset:
        from ..datasets import tc_point_dataset

        return _label(tc_point_dataset(m, eta, result), th, bd, result, br)

    # the Dataset (and xarray's import) only for --out: a single Tc prints in well under 1 s
    emit(dataset, payload, as_json=as_json, out=out, plot=None, figure=None, text=text)


@click.command(short_help="Band gaps, 2Δ/kTc and Δ3/Δ2 at one (eta, g) (paper eqs. 6-7).")
@model_option
@pairing_options
@click.option(
    "--temperature",
    type=float,
    default=0.0,
    show_default=True,
    callback=non_negative,
    help="Temperature in K.",
)
@mu_mode_option("density", "Solve mu with the number equation (fixed density), or keep mu = mu0.")
@theory_options
@bound_options
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
    theory: str,
    theory_option: dict[str, Any],
    bound: str,
    bound_option: dict[str, Any],
    as_json: bool,
    out: Path | None,
    overwrite: bool,
) -> None:
    """Superconducting gaps per band (meV), gap ratios 2Δ_n/k_BTc and the anisotropy Δ3/Δ2.

    Δ_n is the Fermi-surface average of Δ_n(q) (weight 1/k_x, the DOS at mu); where band n has
    no Fermi surface, its value at the band minimum.  Tc (for the ratios) is the theory's at
    mu = mu0.  A negative gap is an s± state: with repulsive interband coupling the bands'
    gaps have opposite signs (the sign is relative to the active band's).
    """
    from ..constants import BCS_GAP_RATIO
    from ..datasets import anisotropy_bands, gaps_point_dataset
    from ..problem import pairing_problem

    check_outputs({"--out": out}, inputs=[model_spec], overwrite=overwrite)
    th, bd = resolve_theory(theory, theory_option, bound, bound_option)
    m = resolve_pairing_model(model_spec, g, interband, omega0, nodes)
    problem = pairing_problem(m, eta)
    summary = th.solve_gaps(problem, temperature=temperature, mu_mode=mu_mode)
    br = _bounded(problem, th, bd, summary.result.tc)
    ds = gaps_point_dataset(m, eta, summary)
    pair = anisotropy_bands(m)
    payload = {
        **_pairing_payload(m, eta),
        **summary.as_dict(),
        "anisotropy": float(ds["anisotropy"]),
        "anisotropy_bands": list(pair) if pair else None,
        **_theory_payload(th, bd),
        **_bound_payload(bd, br),
    }

    def text() -> str:
        res = summary.result
        used = float(res.temperature)  # a theory may solve at another T (Eliashberg: its lowest)
        t_text = f"T = {used:.4g} K" + (
            "" if math.isclose(used, temperature, abs_tol=1e-12) else f" (asked {temperature:g} K)"
        )
        lines = [
            f"{_pairing_header(m, eta)}, {t_text}, {_MU_TEXT[mu_mode]}, theory {th.name}",
            *_bound_text(bd, br),
            _mf_tc_text(summary.tc, summary.result.tc.status, summary.result.tc.floor, bd) + " at mu = mu0",
            f"mu - mu0 = {summary.mu_shift:.6g} meV, cutoff omega~0 = {res.omega:.4f} meV, "
            f"gap solver {res.status} (residual {res.residual:.2g})",
        ]
        if res.status == "normal":
            lines.append("normal state: T >= Tc, all gaps 0")
        ratio_head = "2D/kT_MF" if bd is not None else "2D/kTc"  # the ratios use the mean-field Tc
        lines.append(
            f"{'band':>4}  {'gap (meV)':>10}  {'min (meV)':>10}  {'max (meV)':>10}  {ratio_head:>8}  FS"
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
        lines.append(f"(BCS: 2D/kTc = {BCS_GAP_RATIO:.3f}; FS: band has a Fermi surface; a negative gap: s±)")
        return "\n".join(lines)

    emit(
        _label(ds, th, bd, summary.result.tc, br),
        payload,
        as_json=as_json,
        out=out,
        plot=None,
        figure=None,
        text=text,
    )


@click.command(short_help="Isotope coefficient at one (eta, g).")
@model_option
@pairing_options
@click.option(
    "--method",
    type=click.Choice(["own", "hellmann-feynman", "finite-difference"]),
    default="own",
    show_default=True,
    help="own: the theory's own method (BCS: the exact Hellmann-Feynman slope; Eliashberg: a central "
    "difference); hellmann-feynman: insist on the exact slope (BCS); finite-difference: a central "
    "difference in ln omega0.  The method used is printed.",
)
@theory_options
@bound_options
@result_options
def isotope(
    model_spec: str,
    eta: float,
    g: float | None,
    interband: float | None,
    omega0: float | None,
    nodes: int | None,
    method: str,
    theory: str,
    theory_option: dict[str, Any],
    bound: str,
    bound_option: dict[str, Any],
    as_json: bool,
    out: Path | None,
    overwrite: bool,
) -> None:
    """Isotope coefficient alpha = -dln Tc/dln M = (1/2) dln Tc/dln omega0 at fixed g and eta.

    Single-band BCS gives 1/2.  alpha is undefined (null in JSON) when Tc is below the floor.
    """
    from ..datasets import isotope_point_dataset
    from ..problem import pairing_problem
    from ..theories import PairingTheory

    check_outputs({"--out": out}, inputs=[model_spec], overwrite=overwrite)
    th, bd = resolve_theory(theory, theory_option, bound, bound_option)
    m = resolve_pairing_model(model_spec, g, interband, omega0, nodes)
    problem = pairing_problem(m, eta)
    if method == "hellmann-feynman" and th.isotope_method != method:
        raise InputError(
            f"--method hellmann-feynman: theory {th.name!r} has no Hellmann-Feynman slope (its own "
            f"method is {th.isotope_method}); use --method own or finite-difference"
        )
    tc_result = th.solve_tc(problem)
    if method == "finite-difference":
        alpha = PairingTheory.isotope(th, problem, tc=tc_result)  # the generic central difference
    else:
        alpha = th.isotope(problem, tc=tc_result)
        method = th.isotope_method  # what the theory actually did
    br = _bounded(problem, th, bd, tc_result)
    payload = {
        **_pairing_payload(m, eta),
        "alpha": alpha,
        "tc_K": tc_result.tc,
        "status": tc_result.status,
        "mu0_meV": tc_result.mu0,
        "omega_meV": tc_result.omega,
        "isotope_method": method,
        **({} if bd is None else {"alpha_of": "tc_mf_K"}),  # alpha is the theory's, not the bound's
        **_theory_payload(th, bd),
        **_bound_payload(bd, br),
    }

    def text() -> str:
        of = "" if bd is None else " of the mean-field Tc"
        a_text = (
            f"isotope coefficient alpha{of} = {alpha:.6g} (BCS: 0.5; {method})"
            if math.isfinite(alpha)
            else "isotope coefficient undefined: Tc is below the floor"
        )
        return "\n".join(
            [
                f"{_pairing_header(m, eta)}, theory {th.name}",
                a_text,
                *_bound_text(bd, br),
                _mf_tc_text(tc_result.tc, tc_result.status, tc_result.floor, bd),
            ]
        )

    emit(
        _label(isotope_point_dataset(m, eta, alpha, tc_result, method), th, bd, tc_result, br),
        payload,
        as_json=as_json,
        out=out,
        plot=None,
        figure=None,
        text=text,
    )


#: The commands this module adds to ``multigap``.
COMMANDS = (tc, gaps, isotope)
