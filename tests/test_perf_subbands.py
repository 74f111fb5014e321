"""Many subbands: a 12-subband superlattice's Tc converges under q-grid doubling.

(Its reduced per-band factor bases: tests/test_many_bands.py.)
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from multigap.model import Model
from multigap.presets import many_subbands
from multigap.problem import cached_bands, pairing_problems
from multigap.tc import solve_tc
from tolerances import MANY_BAND_QGRID_RTOL

ETAS = [-0.5, 0.0, 0.5, 1.0, 1.5]


@pytest.fixture(scope="module")
def twelve() -> Model:
    return many_subbands(12, 3.4, n_z=48)


def _tc(model: Model) -> np.ndarray:
    bands = cached_bands(model)
    return np.array([solve_tc(p).tc for p in pairing_problems(model, ETAS, g=0.4, bands=bands)])


def test_twelve_band_tc_converges_under_q_grid_doubling(twelve):
    base = _tc(twelve)
    fine = _tc(dataclasses.replace(twelve, numerics=dataclasses.replace(twelve.numerics, n_q=16)))
    assert twelve.n_bands == 12 and np.count_nonzero(base > 0) >= 4
    np.testing.assert_allclose(base, fine, rtol=MANY_BAND_QGRID_RTOL, atol=0.0)
