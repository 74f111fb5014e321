"""Theories by name through maps, cuts and paths, and the one failure policy, with toy theories.

The toy theories below are registered here, in the test, and run through ``run_map``,
``run_cut`` and ``run_points`` on the serial and the process executor with no change to the
sweep engine.  Other sweep tests import them (module level: worker processes unpickle them).
"""

from __future__ import annotations

import dataclasses
import json
import math
import warnings
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pytest

from multigap.errors import ConvergenceError, InputError
from multigap.presets import preset
from multigap.problem import pairing_problem
from multigap.status import STATUS_MEANINGS, Status
from multigap.sweep import compute_map, recompute_point, run_cut, run_map, run_points
from multigap.theories import (
    BCSTheory,
    BoundResult,
    PairingTheory,
    TcBound,
    get_theory,
    register_bound,
    register_theory,
)
from tolerances import FD_ISOTOPE_RTOL, TC_SOLVE_RTOL

ETA = np.array([-0.5, 0.5, 1.0, 1.5])
G = np.array([0.2, 0.3])
#: |mu0 - target| below which a toy theory recognises "its" point (meV; grid points are > 1 meV apart).
MU0_MATCH = 1e-6


@register_theory
@dataclass(frozen=True)
class ScaledBCS(PairingTheory):
    """BCS Tc times a constant factor (a second theory with an option and a diagnostic)."""

    name: ClassVar[str] = "toy-scaled"
    title: ClassVar[str] = "BCS Tc times a factor (test)"
    diagnostics: ClassVar = {"bcs_tc": ("K", "unscaled BCS Tc")}
    factor: float = 0.5

    def solve_tc(self, problem, *, mu_mode="fixed", rtol=1e-10, guess=None):
        base = BCSTheory().solve_tc(problem, mu_mode=mu_mode, rtol=rtol)  # cold: guess is ours
        return dataclasses.replace(base, tc=base.tc * self.factor, spectrum=None, extras={"bcs_tc": base.tc})


@register_theory
@dataclass(frozen=True)
class FlakyBCS(BCSTheory):
    """BCS, but one point (by mu0 and g) raises ConvergenceError in one stage."""

    name: ClassVar[str] = "toy-flaky"
    bad_mu0: float = math.nan
    bad_g: float = math.nan
    stage: str = "tc"

    def _hit(self, problem) -> bool:
        a = int(np.argmax(np.diag(problem.g)))
        g_ok = math.isnan(self.bad_g) or problem.g[a, a] == self.bad_g
        return abs(problem.mu0 - self.bad_mu0) < MU0_MATCH and g_ok

    def solve_tc(self, problem, *, mu_mode="fixed", rtol=1e-10, guess=None):
        if self.stage == "tc" and self._hit(problem):
            raise ConvergenceError("Tc search did not converge (test)")
        return super().solve_tc(problem, mu_mode=mu_mode, rtol=rtol, guess=guess)

    def isotope(self, problem, *, tc=None):
        if self.stage == "isotope" and self._hit(problem):
            raise ConvergenceError("isotope slope did not converge (test)")
        return super().isotope(problem, tc=tc)

    def solve_gaps(self, problem, *, temperature=0.0, mu_mode="density", tc=None):
        if self.stage == "gaps" and self._hit(problem):
            raise np.linalg.LinAlgError("singular gap Jacobian (test)")
        return super().solve_gaps(problem, temperature=temperature, mu_mode=mu_mode, tc=tc)


@register_theory
@dataclass(frozen=True)
class NoisyBCS(BCSTheory):
    """BCS that emits one RuntimeWarning per Tc."""

    name: ClassVar[str] = "toy-noisy"

    def solve_tc(self, problem, *, mu_mode="fixed", rtol=1e-10, guess=None):
        warnings.warn("synthetic overflow", RuntimeWarning, stacklevel=1)
        return super().solve_tc(problem, mu_mode=mu_mode, rtol=rtol, guess=guess)


@register_bound
@dataclass(frozen=True)
class CapBound(TcBound):
    """Tc capped at a fixed temperature (a toy bound with a diagnostic)."""

    name: ClassVar[str] = "toy-cap"
    diagnostics: ClassVar = {"headroom": ("K", "cap - tc_mf")}
    needs_gaps: ClassVar[bool] = False
    cap: float = 100.0

    def apply(self, problem, theory, tc):
        return BoundResult(
            tc=min(tc.tc, self.cap), tc_mf=tc.tc, tc_bound=self.cap, status=Status.CONVERGED,
            extras={"headroom": self.cap - tc.tc},
        )  # fmt: skip


def mu0_of(model, eta: float, g: float) -> float:
    return pairing_problem(model, eta, g=g).mu0


# ----------------------------------------------------------------------- theories by name


@pytest.mark.parametrize("executor", ["serial", "processes"])
def test_toy_theory_runs_through_map_cut_and_points(executor, coarse):
    model = coarse
    workers = None if executor == "serial" else 2
    opts = {"executor": executor, "workers": workers}
    bcs = compute_map(model, ETA, G, progress=False, **opts)
    toy = compute_map(
        model, ETA, G, theory="toy-scaled", theory_options={"factor": 0.25}, progress=False, **opts
    )
    np.testing.assert_allclose(toy["tc"].values, 0.25 * toy["bcs_tc"].values, rtol=0, atol=0)
    np.testing.assert_allclose(
        toy["bcs_tc"].values, bcs["tc"].values, rtol=TC_SOLVE_RTOL
    )  # cold vs warm start
    assert toy["bcs_tc"].attrs["units"] == "K" and "toy-scaled" in toy["bcs_tc"].attrs["long_name"]
    assert toy.attrs["theory"] == "toy-scaled" and json.loads(toy.attrs["theory_options"]) == {"factor": 0.25}
    assert json.loads(toy.attrs["sweep_manifest"])["theory_options"] == '{"factor": 0.25}'

    cut = run_cut(model, ETA, g=0.3, theory="toy-scaled", quantities=("tc", "alpha"), **opts)
    assert cut["tc"].dims == ("eta",) and "gap" not in cut and cut.attrs["theory"] == "toy-scaled"
    np.testing.assert_allclose(cut["tc"].values, 0.5 * cut["bcs_tc"].values, rtol=0)
    # a constant factor leaves the isotope coefficient alone: the generic central difference
    # against BCS's exact slope differs by its truncation error (FD_ISOTOPE_RTOL)
    ref = run_cut(model, ETA[1:3], g=0.3, quantities=("tc", "alpha"), executor="serial")
    np.testing.assert_allclose(cut["alpha"].values[1:3], ref["alpha"].values, rtol=FD_ISOTOPE_RTOL)

    path = run_points(model, {"eta": ETA[:2], "g": G}, theory=ScaledBCS(0.5), **opts)
    assert path.attrs["theory"] == "toy-scaled"
    np.testing.assert_allclose(path["tc"].values, 0.5 * path["bcs_tc"].values, rtol=0)


def test_bound_stores_bounded_and_mean_field_tc(coarse):
    model = coarse
    ds = compute_map(
        model, ETA, G, bound="toy-cap", bound_options={"cap": 60.0}, executor="serial", progress=False
    )
    mf = ds["tc_mf"].values
    np.testing.assert_array_equal(ds["tc"].values, np.minimum(mf, 60.0))
    assert np.any(mf > 60.0) and np.any(mf < 60.0)  # the cap binds somewhere, not everywhere
    np.testing.assert_array_equal(ds["headroom"].values, 60.0 - mf)
    assert np.all(ds["tc_bound"].values == 60.0)
    assert ds.attrs["bound"] == "toy-cap" and json.loads(ds.attrs["bound_options"]) == {"cap": 60.0}
    # the stored start guesses are the mean-field Tc of the previous point: recompute_point agrees
    i, j = 2, 1
    assert recompute_point(ds, float(ETA[i]), float(G[j])).tc == mf[i, j]


def test_gaps_need_a_theory_with_gaps_and_unknown_names_are_refused(coarse):
    model = coarse
    with pytest.raises(InputError, match="does not compute gaps"):
        run_cut(model, [1.0], theory="toy-scaled")
    with pytest.raises(InputError, match="toy-scaled"):  # the message lists the known theories
        compute_map(model, ETA, G, theory="no-such-theory", executor="serial", progress=False)
    with pytest.raises(InputError, match="quantities"):
        compute_map(model, ETA, G, quantities=("tc", "entropy"), executor="serial", progress=False)
    assert get_theory("toy-scaled", factor=2.0).factor == 2.0


# ------------------------------------------------------------------------ failure policy


def test_map_with_a_non_converging_point_records_it_and_finishes(coarse):
    model = coarse
    bad = FlakyBCS(bad_mu0=mu0_of(model, float(ETA[2]), float(G[1])), bad_g=float(G[1]))
    run = run_map(model, ETA, G, theory=bad, executor="serial", chunk_size=3, progress=False)
    ds = run.dataset
    status = ds["status"].values
    assert status[2, 1] == Status.FAILED.code and run.n_failed == 1 == ds.attrs["n_failed"]
    assert np.count_nonzero(status == Status.CONVERGED.code) == status.size - 1
    assert np.isnan(ds["tc"].values[2, 1]) and ds["iterations"].values[2, 1] == -1
    assert ds["omega"].values[2, 1] > 0 and ds["mu0"].values[2, 1] == bad.bad_mu0  # what is known is kept
    assert ds["message"].values[2, 1] == "tc: ConvergenceError: Tc search did not converge (test)"
    assert json.loads(ds.attrs["failure_messages"]) == {
        "tc: ConvergenceError: Tc search did not converge (test)": 1
    }
    assert ds["start_guess"].values[3, 1] == 0  # no warm start from a failed point
    assert ds["status"].attrs["flag_meanings"] == STATUS_MEANINGS


@pytest.mark.parametrize("stage", ["tc", "isotope", "gaps"])
def test_cut_with_a_failing_point_records_it_and_finishes(stage, coarse):
    model = coarse
    bad = FlakyBCS(bad_mu0=mu0_of(model, 1.0, 0.25), stage=stage)
    cut = run_cut(model, [0.5, 1.0, 1.5], g=0.25, theory=bad)
    failed = Status.FAILED.code
    column = {"tc": "status", "isotope": "alpha_status", "gaps": "gap_status"}[stage]
    assert cut[column].values.tolist() == [0, failed, 0]
    assert cut["message"].values[1].startswith({"tc": "tc", "isotope": "alpha", "gaps": "gaps"}[stage] + ": ")
    assert cut["message"].values[0] == cut["message"].values[2] == ""
    value = {"tc": "tc", "isotope": "alpha", "gaps": "anisotropy"}[stage]
    assert np.isnan(cut[value].values[1]) and np.all(np.isfinite(cut[value].values[[0, 2]]))
    if stage != "tc":  # a failing later stage keeps the Tc it had
        assert cut["status"].values[1] == Status.CONVERGED.code and cut["tc"].values[1] > 0
    assert cut["status"].attrs["flag_meanings"] == STATUS_MEANINGS
    assert cut["gap_status"].attrs["flag_values"].tolist() == [s.code for s in Status]


def test_path_with_a_failing_point_records_it_and_finishes(coarse):
    model = coarse
    bad = FlakyBCS(bad_mu0=mu0_of(model, 1.0, 0.3))
    ds = run_points(model, {"eta": [0.5, 1.0, 1.5], "g": [0.3, 0.3, 0.3], "pressure": [0, 1, 2]}, theory=bad)
    assert ds["status"].values.tolist() == [0, Status.FAILED.code, 0]
    assert ds.attrs["n_failed"] == 1 and ds["pressure"].dims == ("point",)


def test_warnings_are_counted_per_point_not_printed(tmp_path):
    ds = compute_map(preset("A"), [0.5, 1.0], [0.3], theory="toy-noisy", executor="serial", progress=False)
    assert ds.attrs["n_warned"] == 2
    assert json.loads(ds.attrs["warning_counts"]) == {"RuntimeWarning: synthetic overflow": 2}
    assert np.all(ds["status"].values == 0)
