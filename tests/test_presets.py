"""The presets reproduce the paper's active-band widths (docs/theory.md#presets)."""

import pytest

from multigap.bands import band_structure, calibrate, lifshitz_scale
from multigap.presets import TARGET_WIDTH, preset, uncalibrated
from tolerances import CALIBRATION_RTOL, edge_tolerance


@pytest.mark.parametrize("name", ["A", "B"])
def test_stored_spacer_mass_gives_target_width(name):
    model = preset(name)
    _, width = lifshitz_scale(band_structure(model), model.active_band)
    assert abs(width - TARGET_WIDTH[name]) < 2 * edge_tolerance(3000.0)  # ΔE: two edges near 3 eV


@pytest.mark.parametrize("name", ["A", "B"])
def test_calibration_recovers_stored_mass(name):
    model = calibrate(uncalibrated(name), TARGET_WIDTH[name])
    assert model.lattice.layers[1].mass == pytest.approx(
        preset(name).lattice.layers[1].mass, rel=CALIBRATION_RTOL
    )


def test_model_b_has_heavier_spacer_than_a():
    assert preset("B").lattice.layers[1].mass > preset("A").lattice.layers[1].mass
