"""Eliashberg input limits and the resolvable floor: the Matsubara grid never grows past
``max_matsubara`` (bounded memory), a Tc below the floor is never reported as converged, and
options that are not numbers are refused with an InputError (one line from the CLI)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from click.testing import CliRunner

import multigap.eliashberg as el
from multigap.analytic import ParabolicBands
from multigap.cli import main
from multigap.constants import KB
from multigap.eliashberg import (
    MAX_CUTOFF,
    MAX_MATSUBARA,
    EliashbergTheory,
    constant_dos_tc,
)
from multigap.errors import InputError
from multigap.model import DEFAULT_TC_FLOOR, Numerics
from multigap.problem import PairingProblem
from multigap.status import Status
from multigap.theories import get_theory
from tolerances import ELIASHBERG_CUTOFF_RTOL, ROUNDING_RTOL

OMEGA = 20.0  # meV


@pytest.fixture
def grid_sizes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every Matsubara grid size N the solver builds during the test."""
    sizes: list[int] = []
    original = el._n_matsubara

    def spy(omega: float, kt: float, cutoff: float) -> int:
        n = original(omega, kt, cutoff)
        sizes.append(n)
        return n

    monkeypatch.setattr(el, "_n_matsubara", spy)
    return sizes


def test_tc_below_the_resolved_floor_is_below_floor_not_converged(grid_sizes: list[int]) -> None:
    """λ = 1, Ω = 20 meV, cutoff 1000 Ω: Tc = 26.6 K lies below the floor 36.1 K of 1024
    frequencies.  The search used to start at Ω/20 (11.6 K, 1389 frequencies) below the floor
    and report 26.6 K as converged."""
    res = constant_dos_tc(1.0, OMEGA, cutoff=1000.0)
    assert res.floor == pytest.approx(1000.0 * OMEGA / (2 * math.pi * 1024 * KB), rel=ROUNDING_RTOL)
    assert res.status == Status.BELOW_FLOOR and res.tc == 0.0
    assert grid_sizes and max(grid_sizes) <= 1024


@pytest.mark.slow
def test_a_larger_grid_resolves_the_same_tc_at_a_long_cutoff(grid_sizes: list[int]) -> None:
    """With 2048 frequencies the floor (18 K) is below Tc: the cutoff-1000 Tc equals the
    cutoff-15 Tc (μ* = 0: no cutoff dependence), on at most 2048 frequencies."""
    ref = constant_dos_tc(1.0, OMEGA).tc
    res = constant_dos_tc(1.0, OMEGA, cutoff=1000.0, max_matsubara=2048)
    assert res.status == Status.CONVERGED and res.floor < res.tc
    assert res.tc == pytest.approx(ref, rel=ELIASHBERG_CUTOFF_RTOL)
    assert max(grid_sizes) <= 2048


def test_theory_search_without_a_guess_starts_at_the_floor(grid_sizes: list[int]) -> None:
    """The superlattice path: floor 36.1 K (cutoff 62.5 Ω, 64 frequencies) above Tc ≈ 26 K and
    above the old start Ω/20 = 11.6 K.  Every grid has at most 64 frequencies."""
    theory = EliashbergTheory(coupling="lambda", cutoff=62.5, max_matsubara=64)
    problem = PairingProblem(
        bands=ParabolicBands([-2000.0], period=0.05), g=np.array([[1.0]]), omega=OMEGA, mu0=0.0
    )
    res = theory.solve_tc(problem)
    assert res.status == Status.BELOW_FLOOR and res.tc == 0.0
    assert res.floor == pytest.approx(theory.lowest_tc(problem), rel=ROUNDING_RTOL)
    assert max(grid_sizes) <= 64
    with pytest.raises(InputError, match="lowest temperature"):
        theory.leading_eigenvalue(problem, 0.5 * res.floor)


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"cutoff": 1e4}, "cutoff"),
        ({"cutoff": 1e6}, "cutoff"),
        ({"cutoff": MAX_CUTOFF * 1.001}, "<= 1000"),
        ({"max_matsubara": 100_000_000}, "max_matsubara"),
        ({"max_matsubara": MAX_MATSUBARA + 1}, "<= 2048"),
        ({"max_matsubara": 100.5}, "integer"),
        ({"mu_star": "abc"}, "mu_star = 'abc'"),
        ({"mu_star": True}, "mu_star"),
        ({"mu_star": None}, "mu_star"),
        ({"cutoff": "15"}, "cutoff"),
        ({"mu_star": math.nan}, "mu_star"),
    ],
)
def test_options_beyond_the_limits_or_not_numbers_are_input_errors(options: dict, match: str) -> None:
    with pytest.raises(InputError, match=match):
        get_theory("eliashberg", **options)
    lam_options = {k: v for k, v in options.items()}
    with pytest.raises(InputError, match=match):
        constant_dos_tc(1.0, OMEGA, **lam_options)


def test_the_largest_options_are_accepted() -> None:
    theory = get_theory("eliashberg", cutoff=MAX_CUTOFF, max_matsubara=MAX_MATSUBARA)
    assert isinstance(theory, EliashbergTheory)
    # the absolute grid cap: no temperature may need more than MAX_MATSUBARA frequencies
    with pytest.raises(InputError, match="Matsubara frequencies"):
        el._n_matsubara(OMEGA, 1e-6, 15.0)
    assert el._n_matsubara(OMEGA, el._lowest_kt(OMEGA, 15.0, MAX_MATSUBARA), 15.0) == MAX_MATSUBARA


@pytest.mark.parametrize(
    "args",
    [
        ["tc", "--eta", "1", "--g", "0.4", "--theory", "eliashberg", "--theory-option", "mu_star=abc"],
        ["tc", "--eta", "1", "--g", "0.4", "--theory", "eliashberg", "--theory-option", "cutoff=1e6"],
        ["tc", "--eta", "1", "--theory", "eliashberg", "--theory-option", "max_matsubara=100000000"],
        ["eliashberg-tc", "--lambda", "1", "--omega-e", "20", "--cutoff", "1e4"],
        ["eliashberg-tc", "--lambda", "1", "--omega-e", "20", "--max-matsubara", "100000000"],
    ],
)
def test_cli_refuses_bad_eliashberg_options_in_one_line(args: list[str]) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:"), result.output
    assert not isinstance(result.exception, ValueError | MemoryError)


def test_cli_below_the_floor_says_so_and_how_to_resolve_it() -> None:
    args = ["eliashberg-tc", "--lambda", "1", "--omega-e", "20", "--cutoff", "1000"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "below_floor" in result.output and "converged" not in result.output
    assert "--max-matsubara" in result.output
    data = json.loads(CliRunner().invoke(main, [*args, "--json"]).output)
    assert data["status"] == "below_floor" and data["tc_K"] == 0.0


def test_tc_floor_default_has_one_home() -> None:
    import inspect

    assert Numerics().tc_floor == DEFAULT_TC_FLOOR
    assert PairingProblem.__dataclass_fields__["tc_floor"].default == DEFAULT_TC_FLOOR
    assert inspect.signature(constant_dos_tc).parameters["tc_floor"].default == DEFAULT_TC_FLOOR
