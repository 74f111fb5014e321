"""``multigap eliashberg-tc``: the constant-DOS Einstein problem of Eliashberg theory.

The validation bench users know from other Eliashberg codes: one band (``--lambda 1.0``) or a
symmetric λ matrix (``--lambda "1.0,0.2;0.2,0.5"``), one Einstein mode ``--omega-e`` (meV),
Coulomb pseudopotential ``--mu-star`` at the scale Ω and Matsubara cutoff ``--cutoff`` (units of
Ω).  It runs through the same kernels as ``--theory eliashberg``
(:func:`multigap.eliashberg.constant_dos_tc`).
"""

from __future__ import annotations

import json
import math

import click

from .render import json_ready

__all__ = ["COMMANDS", "eliashberg_tc", "parse_lambda"]


def parse_lambda(text: str) -> list[list[float]]:
    """λ from ``"1.2"`` or ``"l11,l12;l21,l22"`` (rows separated by ``;``).

    Examples
    --------
    >>> parse_lambda("1,0.1;0.1,0.5")
    [[1.0, 0.1], [0.1, 0.5]]
    """
    rows = [row.strip() for row in str(text).split(";")]
    try:
        matrix = [[float(x) for x in row.split(",")] for row in rows]
    except ValueError:
        raise click.BadParameter(
            f"{text!r}: a number or a matrix 'l11,l12;l21,l22' (rows separated by ';')"
        ) from None
    if any(len(row) != len(matrix) for row in matrix):
        raise click.BadParameter(f"{text!r}: the λ matrix must be square")
    if not all(math.isfinite(x) for row in matrix for x in row):
        raise click.BadParameter(f"{text!r}: couplings must be finite numbers")
    return matrix


def _lambda_option(ctx: click.Context, param: click.Parameter, value: str) -> list[list[float]]:
    return parse_lambda(value)


@click.command("eliashberg-tc", short_help="Eliashberg Tc (K) of the constant-DOS Einstein problem.")
@click.option(
    "--lambda",
    "lam",
    required=True,
    callback=_lambda_option,
    help="Electron-phonon coupling λ, or a symmetric matrix 'l11,l12;l21,l22'.",
)
@click.option("--omega-e", "omega_e", type=float, required=True, help="Einstein energy Ω in meV.")
@click.option(
    "--mu-star",
    type=float,
    default=0.0,
    show_default=True,
    help="Coulomb pseudopotential μ* at the scale Ω (rescaled to the cutoff, Morel–Anderson).",
)
@click.option(
    "--cutoff",
    type=float,
    default=15.0,
    show_default=True,
    help="Matsubara cutoff in units of Ω (2 to 1000).",
)
@click.option(
    "--max-matsubara",
    type=int,
    default=1024,
    show_default=True,
    help="Largest number of positive Matsubara frequencies (32 to 2048); sets the lowest Tc resolved.",
)
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON on stdout.")
def eliashberg_tc(
    lam: list[list[float]],
    omega_e: float,
    mu_star: float,
    cutoff: float,
    max_matsubara: int,
    as_json: bool,
) -> None:
    """Tc of the Eliashberg equations with a constant density of states and one Einstein mode.

    Prints Tc in K (``tc_K`` in JSON), Tc/Ω, Z_n(iπk_BTc) and the lowest Tc the Matsubara grid
    resolves (cutoff Omega / (2 pi k_B max_matsubara)); a Tc below it is reported as 0 with
    status below_floor, never computed on an under-resolved grid.
    """
    from ..constants import KB
    from ..eliashberg import allen_dynes_tc, constant_dos_tc

    res = constant_dos_tc(lam, omega_e, mu_star, cutoff, max_matsubara=max_matsubara)
    payload = res.as_dict()
    if len(lam) == 1:
        payload["allen_dynes_tc_K"] = allen_dynes_tc(lam[0][0], omega_e, mu_star) / KB
    if as_json:
        click.echo(json.dumps(json_ready(payload)))
        return
    lam_text = ";".join(",".join(f"{x:g}" for x in row) for row in lam)
    lines = [
        f"lambda = {lam_text}, Omega = {omega_e:g} meV, mu* = {mu_star:g}, cutoff = {cutoff:g} Omega",
        f"Tc = {res.tc:.6g} K   ({res.status}; Tc/Omega = {payload['tc_over_omega']:.6g})",
        f"Z(i pi k_B Tc) = {', '.join(f'{z:.6g}' for z in res.z)}",
        f"Matsubara frequencies at Tc: {res.n_matsubara}; lowest Tc resolved: {res.floor:.3g} K",
    ]
    if res.status == "below_floor":
        lines.append(
            "Tc lies below the lowest Tc resolved: raise --max-matsubara (<= 2048) or lower --cutoff"
        )
    if "allen_dynes_tc_K" in payload:
        lines.append(f"Allen-Dynes formula (f1 f2): {payload['allen_dynes_tc_K']:.6g} K")
    click.echo("\n".join(lines))


COMMANDS = (eliashberg_tc,)
