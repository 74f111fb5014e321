"""The crossover/stiffness commands, the crossover figure and the array form of the diagnostics."""

from __future__ import annotations

import dataclasses
import json
import math
from typing import ClassVar

import numpy as np
import pytest
import xarray as xr
from click.testing import CliRunner
from matplotlib.collections import PolyCollection

from multigap.cli import main
from multigap.crossover import REGIMES, crossover_arrays, pair_size
from multigap.figures import crossover_figure
from multigap.io import read_dataset
from multigap.status import Status
from multigap.tc import solve_tc
from multigap.theories import PairingTheory, register_theory


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_crossover_arrays_statuses_and_regimes():
    # band 1 deep (BCS), band 2 empty (μ₀ below its edge), band 3 bound (μ below its edge: BEC)
    out = crossover_arrays(
        [0.0, 50.0, 39.5], [40.0, 40.0], [39.0, 39.0], [[0.5, 0.5], [1.0, 1.0], [2.0, np.nan]]
    )
    status = out["status"]
    assert status[:, 0].tolist() == [Status.CONVERGED.code, Status.SKIPPED.code, Status.CONVERGED.code]
    assert status[2, 1] == Status.FAILED.code  # no gap computed: never a number
    assert out["regime"][:, 0].tolist() == [REGIMES.index("BCS"), -1, REGIMES.index("BEC")]
    assert math.isnan(out["kf_xi_pair"][1, 0]) and math.isnan(out["e_f"][1, 0])
    assert out["kf_xi_pair"][2, 0] == pytest.approx(pair_size(0.5, -0.5, 2.0))
    assert out["gap_over_e_f"][0, 0] == pytest.approx(0.5 / 40.0)


def test_stiffness_command_json():
    code, output = run("stiffness", "--model", "A", "--eta", "0.2", "--g", "0.4", "--json")
    assert code == 0, output
    data = json.loads(output)
    assert data["jxx_meV"] == pytest.approx(data["galilean_jxx_meV"], rel=1e-9)  # T = 0, free x
    assert sum(data["jzz_bands_meV"]) == pytest.approx(data["jzz_meV"])
    assert data["j_meV"] == pytest.approx(math.sqrt(data["jxx_meV"] * data["jzz_meV"]))
    assert data["status"] == "converged" and len(data["density_bands_nm-2"]) == 3


@dataclasses.dataclass(frozen=True)
class _NoGaps(PairingTheory):
    name: ClassVar[str] = "test-crossover-no-gaps"
    title: ClassVar[str] = "no gaps (test)"

    def solve_tc(self, problem, *, mu_mode="fixed", rtol=1e-10, guess=None):
        return solve_tc(problem, mu_mode=mu_mode, rtol=rtol, guess=guess)


def test_stiffness_command_refuses_a_theory_without_gaps_in_one_line():
    register_theory(_NoGaps)
    code, output = run("stiffness", "--model", "A", "--eta", "1", "--theory", "test-crossover-no-gaps")
    assert code == 2 and "does not compute gaps" in output
    assert len(output.strip().splitlines()) == 1


@pytest.mark.slow
def test_tc_with_the_bkt_bound_prints_the_three_temperatures():
    code, output = run("tc", "--model", "B", "--eta", "0.05", "--g", "0.3", "--bound", "bkt", "--json")
    assert code == 0, output
    data = json.loads(output)
    assert 0 < data["tc_bkt_K"] == data["tc_K"] < data["tc_mf_K"]
    assert data["bound_status"] == "converged" and data["kf_xi_pair"] > 0


@pytest.mark.slow
def test_crossover_command_writes_cut_and_figure(tmp_path):
    out, png = tmp_path / "cut.nc", tmp_path / "cut.png"
    code, output = run(
        "crossover",
        "--model",
        "B",
        "--g",
        "0.3",
        "--eta",
        "-0.2:1:2",
        "--json",
        "--out",
        str(out),
        "--plot",
        str(png),
    )
    assert code == 0, output
    data = json.loads(output)
    assert data["crossover_status"][2] == ["skipped", "converged"]  # band 3 empty at η = −0.2
    assert data["kF_xi_pair"][2][0] is None and data["kF_xi_pair"][2][1] > 0
    assert data["tc_bkt_K"][1] < data["tc_mf_K"][1]
    assert data["regime"][2] == [None, "crossover"]
    ds = read_dataset(out)
    assert ds.attrs["bound"] == "bkt"
    for name in (
        "tc_mf",
        "tc_bound",
        "j0",
        "e_f",
        "gap_over_e_f",
        "kf_xi_pair",
        "regime",
        "crossover_status",
    ):
        assert name in ds
    assert png.stat().st_size > 10_000


def _synthetic_cut(status: list[int]) -> xr.Dataset:
    eta = np.array([-0.2, 0.2, 0.6, 1.0])
    band = [1, 2, 3]
    regime = np.array([[0] * 4, [0] * 4, [-1, 2, 1, 0]], dtype=np.int8)
    cstat = np.where(regime >= 0, Status.CONVERGED.code, Status.SKIPPED.code).astype(np.int8)
    return xr.Dataset(
        {
            "tc_mf": ("eta", [1e-6, 70.0, 160.0, 220.0]),
            "tc_bound": ("eta", [1e-6, 40.0, 90.0, 120.0]),
            "tc": ("eta", [1e-6, 40.0, 90.0, 120.0]),
            "status": ("eta", np.array(status, dtype=np.int8)),
            "mu0": ("eta", 100.0 + 145.0 * eta),
            "E_L": ((), 100.0),
            "dE": ((), 145.0),
            "regime": (("band", "eta"), regime),
            "gap_over_e_f": (("band", "eta"), np.full((3, 4), 0.3)),
            "kf_xi_pair": (("band", "eta"), np.full((3, 4), 2.0)),
            "crossover_status": (("band", "eta"), cstat),
            "band_bottom": ("band", [-300.0, 40.0, 100.0]),
            "band_top": ("band", [-290.0, 120.0, 245.0]),  # band 2 overlaps band 3: its top at η ≈ 0.14
        },
        coords={"eta": eta, "band": band},
        attrs={"active_band": 3, "model_name": "B", "g": 0.3, "theory": "bcs", "bound": "bkt"},
    )


def test_crossover_figure_shades_the_preformed_pair_region_and_marks_regimes():
    fig = crossover_figure(_synthetic_cut([0, 0, 0, 2]))
    top, bottom = fig.axes[:2]
    fills = [c for c in top.collections if isinstance(c, PolyCollection)]
    assert fills, "the region between T_BKT and T_MF is shaded"
    labels = top.get_legend_handles_labels()[1]
    assert "band 3: BEC" in labels and "band 3: crossover" in labels and "band 3: BCS" in labels
    assert any("other bands' edges" in label for label in labels)  # band 2's edges lie in the η range
    assert any("1 failed" in t.get_text() for t in top.texts)  # the failed point is counted
    assert np.isnan(top.lines[1].get_ydata()[3])  # ... and not drawn
    assert "bound: bkt" in top.get_title()
    assert bottom.get_yscale() == "log"


def test_stiffness_command_refuses_an_absurd_temperature_in_one_line():
    code, output = run("stiffness", "--eta", "0.2", "--temperature", "1e300")
    assert code == 2, output
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:") and "temperature" in lines[0]


def test_stiffness_command_prints_zero_in_the_normal_state():
    code, output = run("stiffness", "--eta", "0.2", "--g", "0.4", "--temperature", "300", "--json")
    assert code == 0, output
    data = json.loads(output)
    assert data["status"] == "normal"
    assert data["jxx_meV"] == 0.0 and data["jzz_meV"] == 0.0
    assert all(v == 0.0 for v in data["jxx_bands_meV"] + data["jzz_bands_meV"])


class _Stop(Exception):
    """Raised by the run_cut spy: the arguments are what the test checks, not the cut."""


def test_crossover_command_passes_theory_and_model_options_to_the_engine(monkeypatch):
    import multigap.sweep

    seen: dict = {}

    def spy(model, eta, **kwargs):
        seen.update(model=model, eta=eta, **kwargs)
        raise _Stop

    monkeypatch.setattr(multigap.sweep, "run_cut", spy)
    result = CliRunner().invoke(
        main,
        ["crossover", "--model", "B", "--g", "0.3", "--eta", "0.5", "--interband", "0.01",
         "--omega0", "40", "--nodes", "12", "--theory", "eliashberg",
         "--theory-option", "mu_star=0.1"],
    )  # fmt: skip
    assert isinstance(result.exception, _Stop), result.output
    theory = seen["theory"]
    assert theory.name == "eliashberg" and theory.mu_star == 0.1
    model = seen["model"]
    a = model.active_band - 1
    assert model.pairing.g[a][a] == 0.3
    assert model.pairing.g[0][1] == 0.01 and model.pairing.omega0 == 40.0
    assert model.numerics.n_q == 12
    assert seen["bound"] == "bkt" and seen["bound_options"]["mu_mode"] == "density"


def test_crossover_command_refuses_a_theory_without_gaps_in_one_line():
    register_theory(_NoGaps)
    code, output = run("crossover", "--model", "B", "--eta", "0.5", "--theory", "test-crossover-no-gaps")
    assert code == 2 and "does not compute gaps" in output
    assert len(output.strip().splitlines()) == 1


def test_crossover_text_says_empty_band_not_skipped():
    from multigap.cli.crossover import _active_row

    ds = _synthetic_cut([0, 0, 0, 0])
    first = _active_row(ds, 0, 3)  # band 3 empty at η = −0.2
    assert first.endswith("empty band") and "skipped" not in first
    assert _active_row(ds, 1, 3).endswith("BEC")


def test_crossover_figure_shades_regimes_only_where_they_are_computed():
    """η = −0.6 (band empty: no regime) next to η = 0.2: the BEC background used to start
    half-way, at η = −0.2, below the band edge."""
    from matplotlib.patches import Rectangle

    from multigap.figures.crossover import _spans

    ds = _synthetic_cut([0, 0, 0, 0]).assign_coords(eta=[-0.6, 0.2, 0.6, 1.0])
    assert _spans(ds["eta"].values, ds["regime"].sel(band=3).values)[0][0] == 0.2
    fig = crossover_figure(ds)
    for ax in fig.axes[:2]:
        spans = [p for p in ax.patches if isinstance(p, Rectangle)]
        assert spans and min(p.get_x() for p in spans) == pytest.approx(0.2)
