"""Many subbands: a 12-subband superlattice's Tc converges under q-grid doubling.

(Its reduced per-band factor bases: tests/test_many_bands.py.)
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from multigap.model import Model, Numerics, Pairing, Superlattice
from multigap.problem import cached_bands, pairing_problems
from multigap.tc import solve_tc
from tolerances import MANY_BAND_QGRID_RTOL

ETAS = [-0.5, 0.0, 0.5, 1.0, 1.5]


def superlattice(n_bands: int, wire: float, n_z: int) -> Model:
    """Model A's spacer with a wider wire, so that band n_bands is the active one (g = 0.25)."""
    return Model(
        name=f"SL{n_bands}",
        lattice=Superlattice.wire_spacer(
            wire_width=wire, spacer_width=0.55, barrier=4160.0, wire_mass=1.0, spacer_mass=0.5095722139164204
        ),
        pairing=Pairing.from_couplings([0.10] * (n_bands - 1) + [0.25], 0.02, omega0=330.0),
        active_band=n_bands,
        numerics=Numerics(n_z=n_z),
    )


@pytest.fixture(scope="module")
def twelve() -> Model:
    return superlattice(12, 3.4, n_z=48)


def _tc(model: Model) -> np.ndarray:
    bands = cached_bands(model)
    return np.array([solve_tc(p).tc for p in pairing_problems(model, ETAS, g=0.4, bands=bands)])


def test_twelve_band_tc_converges_under_q_grid_doubling(twelve):
    base = _tc(twelve)
    fine = _tc(dataclasses.replace(twelve, numerics=dataclasses.replace(twelve.numerics, n_q=16)))
    assert twelve.n_bands == 12 and np.count_nonzero(base > 0) >= 4
    np.testing.assert_allclose(base, fine, rtol=MANY_BAND_QGRID_RTOL, atol=0.0)
