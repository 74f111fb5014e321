"""Shared helpers: exact single-band BCS integrals computed independently with scipy.quad."""

import math

import pytest
from scipy import integrate, optimize

from multigap.constants import KB


def bcs_lambda_integral(kt: float, lower: float, upper: float) -> float:
    """∫_{-lower}^{upper} dξ tanh(ξ/2k_BT)/(2ξ) for a constant density of states (meV)."""

    def f(x: float) -> float:
        return 0.5 if x == 0 else math.tanh(x / (2 * kt)) / (2 * x)

    pts = [p for p in (-20 * kt, -kt, kt, 20 * kt) if -lower < p < upper]
    return integrate.quad(f, -lower, upper, points=pts or None, limit=500, epsabs=0, epsrel=1e-13)[0]


def bcs_tc(g: float, lower: float, upper: float) -> float:
    """Tc (K) solving 1 = g ∫_{-lower}^{upper} tanh(ξ/2T)/(2ξ) dξ."""
    x = optimize.brentq(
        lambda lt: g * bcs_lambda_integral(math.exp(lt), lower, upper) - 1.0,
        math.log(1e-12 * upper),
        math.log(10 * upper),
        xtol=1e-14,
    )
    return math.exp(x) / KB


@pytest.fixture(scope="session")
def model_a():
    from multigap.presets import preset

    return preset("A")


@pytest.fixture(scope="session")
def model_b():
    from multigap.presets import preset

    return preset("B")


@pytest.fixture(scope="session")
def coarse():
    """Model A with the coarsest allowed quadratures (n_q=4, n_z=16): fast, for tests of sweep
    and inverse-problem logic, which does not care about quadrature accuracy."""
    import dataclasses

    from multigap.model import Numerics
    from multigap.presets import preset

    return dataclasses.replace(preset("A"), numerics=Numerics(n_q=4, n_z=16))
