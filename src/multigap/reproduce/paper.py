"""The paper's numbers, quoted as the paper states them, and how close counts as agreeing.

:data:`PAPER` is the only place where numbers of Mazziotti et al. are typed in; each entry says
where in the paper it is stated.  Everything else in the report is computed from the files
(:mod:`multigap.reproduce.numbers`).  The thresholds below are analysis choices (how close a
computed value must be to be called "agrees"), not results.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ALPHA_PEAK_WINDOW",
    "ETA_AGREEMENT",
    "GAP_RATIO_AGREEMENT",
    "MODELS",
    "OMEGA_AGREEMENT",
    "PAPER",
    "POSITION_AGREEMENT",
    "RETRACTION",
    "TC_AGREEMENT",
]

#: The paper's two models (presets of :mod:`multigap.presets`).
MODELS: tuple[str, ...] = ("A", "B")

#: The paper's headline numbers, as the paper states them (section and figure given with each).
PAPER: dict[str, Any] = {
    "tc_max_K": {"A": 250.0, "B": 330.0, "where": "Fig. 8 caption and Sec. IV: 'reaches 250 K' / '330 K'"},
    "dome_top": {"eta": 1.0, "g": 0.4, "where": "Sec. IV, Fig. 10: maximum at the point (eta, g) = (1, 0.4)"},
    "tc_falls_above_g": {
        "value": 0.4,
        "where": "Sec. IV: Tc max grows with g up to 0.4 and decreases for 0.4 < g < 0.5",
    },
    "eta_window": {"value": [0.5, 1.0], "where": "Sec. IV, Fig. 6: the range 0.5 < eta < 1"},
    "gap_ratio_active": {"value": 3.5, "where": "Fig. 6: 2 Delta_3/Tc stays at the BCS value 3.5"},
    "gap_ratio_lower_max": {"value": 1.0, "where": "Fig. 6: 2 Delta_2/Tc 'between 0 and 1'"},
    "anisotropy": {"A": [2.6, 2.9], "B": [3.5, 3.9], "where": "Fig. 7 caption: Delta_3/Delta_2 ranges"},
    "cut_g": {"A": 0.25, "B": 1.0 / 3.0, "where": "Fig. 6: g = 1/4 (A) and g = 1/3 (B)"},
    "antiresonance_min_eta": {
        "value": -0.34,
        "where": "Sec. IV, Figs. 8-9: Tc minimum of the anti-resonance at eta = -0.34",
    },
    "isotope_peak_eta": {"value": 0.0, "where": "Fig. 6 (A2, B2): the isotope coefficient peaks at eta = 0"},
    "isotope_min_window": {"value": [0.5, 1.0], "where": "Fig. 6: a minimum of alpha for 0.5 < eta < 1"},
    "omega_tilde_A": {
        "value": 160.0,
        "g": [0.3, 0.33],
        "where": "Sec. II: omega0 = 330 meV reproduces omega~0 = 160 meV for 0.3 < g < 0.33 (model A)",
    },
    "omega_tilde_B": {
        "value": 145.0,
        "g": 0.25,
        "where": "Sec. II: omega0 = 225 meV gives omega~0 = Delta E = 145 meV at g = 0.25 (model B)",
    },
}

RETRACTION = (
    "Model B was built to describe the room-temperature superconductivity reported in carbonaceous "
    "sulfur hydride CSH_x (Snider et al., Nature 586, 373 (2020), the paper's ref. 9 and the dome "
    "of its Fig. 1b). **That experiment was retracted by Nature in 2022.** Model B is computed here "
    "because the paper computes it; its numbers are a statement about the model, not about a "
    "measured material."
)

#: Tc max agrees when within this fraction of the paper's.
TC_AGREEMENT = 0.10
#: A gap ratio agrees when within this absolute amount of the paper's.
GAP_RATIO_AGREEMENT = 0.5
#: An η position agrees when within this of the paper's.
ETA_AGREEMENT = 0.05
#: The cutoff ω̃₀ agrees when within this fraction of the paper's quoted value.
OMEGA_AGREEMENT = 0.05
#: η window in which the isotope coefficient's peak near the band edge is looked for.
ALPHA_PEAK_WINDOW = (-0.5, 0.5)
#: How close the position (η, g) of the largest Tc must be to the paper's (1, 0.4) to agree.
POSITION_AGREEMENT = {"eta": 0.1, "g": 0.05}
