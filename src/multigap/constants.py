"""Physical constants in the package's internal units.

Units used everywhere in multigap (API, files, CLI): lengths in nm, energies in meV,
temperatures in K, masses in units of the free-electron mass m_e.  Every constant below is
derived from :mod:`scipy.constants` (CODATA); none is typed in by hand.
"""

from __future__ import annotations

import math

from scipy import constants as _c

__all__ = ["HBAR2_2ME", "KB", "MEV", "EULER_GAMMA", "BCS_TC_PREFACTOR", "BCS_GAP_RATIO"]

#: One meV in joules.
MEV: float = _c.e * 1e-3

#: ħ²/(2 m_e) in meV nm² (≈ 38.09982).  A particle of mass m (in m_e) with wave number k
#: (1/nm) has kinetic energy ``HBAR2_2ME * k**2 / m`` in meV.
HBAR2_2ME: float = _c.hbar**2 / (2.0 * _c.m_e) / MEV * 1e18

#: Boltzmann constant in meV/K (≈ 0.08617333).
KB: float = _c.k / MEV

#: Euler–Mascheroni constant γ.
EULER_GAMMA: float = 0.57721566490153286060651209008240243

#: Weak-coupling BCS prefactor 2 e^γ / π ≈ 1.1339 in k_B Tc = (2e^γ/π) ω e^{-1/g}.
BCS_TC_PREFACTOR: float = 2.0 * math.exp(EULER_GAMMA) / math.pi

#: Weak-coupling BCS gap ratio 2Δ(0)/(k_B Tc) = 2π/e^γ ≈ 3.5278.
BCS_GAP_RATIO: float = 2.0 * math.pi / math.exp(EULER_GAMMA)
