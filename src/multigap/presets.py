"""The two models of the paper (docs/theory.md#presets), ready to use.

Both: wire L = 0.85 nm (V = 0, m_w = 1), spacer W = 0.55 nm (V = 4160 meV), m_x = m_w = 1,
g₁₁ = g₂₂ = 0.10, interband g = 0.02, active band 3.  The spacer mass m_b is not given by the
paper; it is calibrated (:func:`multigap.bands.calibrate`) so that the active band's width ΔE is
274 meV (model A, H₃S, ω₀ = 330 meV) or 145 meV (model B, CSH_x, ω₀ = 225 meV).  The calibrated
values are stored below; ``tests/test_presets.py`` re-runs the calibration and checks that the
stored values give ΔE to 1e-6 meV.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import ModelError
from .model import MAX_MODEL_FILE_BYTES, Model, Numerics, Pairing, Superlattice, load_model

__all__ = [
    "PRESETS",
    "preset",
    "uncalibrated",
    "many_subbands",
    "TARGET_WIDTH",
    "DEFAULT_G",
    "MAX_MODEL_FILE_BYTES",
    "resolve_model",
]

#: Target active-band widths ΔE (meV) the presets were calibrated to.
TARGET_WIDTH = {"A": 274.0, "B": 145.0}

#: g = g₃₃ used by default when a preset is loaded (the paper's Fig. 6 values).
DEFAULT_G = {"A": 0.25, "B": 1.0 / 3.0}

_OMEGA0 = {"A": 330.0, "B": 225.0}

#: Spacer masses m_b (m_e) found by ``calibrate(model, TARGET_WIDTH[name])``.
_SPACER_MASS = {"A": 0.5095722139164204, "B": 0.7685308138935921}

PRESETS = tuple(sorted(_OMEGA0))


def uncalibrated(name: str, spacer_mass: float = 1.0) -> Model:
    """Preset ``name`` with an arbitrary spacer mass (the starting point of the calibration)."""
    if name not in _OMEGA0:
        raise ModelError(f"model = {name!r}: unknown preset (known: {', '.join(PRESETS)})")
    return Model(
        name=name,
        lattice=_lattice(0.85, spacer_mass),
        pairing=Pairing.from_couplings([0.10, 0.10, DEFAULT_G[name]], 0.02, omega0=_OMEGA0[name]),
        active_band=3,
    )


def _lattice(wire_width: float, spacer_mass: float) -> Superlattice:
    """The presets' superlattice: a wire of width ``wire_width`` (nm), their spacer."""
    return Superlattice.wire_spacer(
        wire_width=wire_width, spacer_width=0.55, barrier=4160.0, wire_mass=1.0, spacer_mass=spacer_mass
    )


def many_subbands(n_bands: int, wire_width: float, n_z: int = 48) -> Model:
    """Model A with a wider wire, so that band ``n_bands`` is the active one: many subbands.

    Model A's spacer, couplings g_nn = 0.10 below the active band, g = 0.25 on it, interband
    0.02, ω₀ = 330 meV; the wire must be wide enough to hold ``n_bands`` subbands below the
    barrier (3.4 nm for 12).  Such models need more z nodes than the presets (``n_z`` = 48:
    at 24 the active band's Tc of the 12-band model is off by up to 119 %).

    Parameters
    ----------
    n_bands : int
        Number of subbands; the top one is active.
    wire_width : float
        Wire (well) width L, nm.
    n_z : int
        z nodes per layer of the overlap integrals.

    Examples
    --------
    >>> m = many_subbands(12, 3.4)
    >>> m.active_band, m.numerics.n_z
    (12, 48)
    """
    return Model(
        name=f"SL{n_bands}",
        lattice=_lattice(wire_width, _SPACER_MASS["A"]),
        pairing=Pairing.from_couplings([0.10] * (n_bands - 1) + [DEFAULT_G["A"]], 0.02, omega0=_OMEGA0["A"]),
        active_band=n_bands,
        numerics=Numerics(n_z=n_z),
    )


def preset(name: str) -> Model:
    """Model ``"A"`` (H₃S) or ``"B"`` (CSH_x) of the paper, with the calibrated spacer mass."""
    return uncalibrated(name, _SPACER_MASS.get(name, 1.0))


def resolve_model(spec: str, g: float | None = None) -> Model:
    """Turn a model spec (``--model``) into a :class:`~multigap.model.Model`.

    Parameters
    ----------
    spec : str
        A preset name (``"A"``, ``"B"``) or the path of a TOML model file (read with
        :func:`multigap.model.load_model`, the one safe reader of model files).
    g : float, optional
        If given, the active band's intraband coupling g_aa (dimensionless) replaces the model's.

    Returns
    -------
    Model
        The model.

    Raises
    ------
    ModelError
        Unknown preset, unreadable file, or an invalid model (the message names the field).

    Examples
    --------
    >>> resolve_model("B", g=0.4) == preset("B").with_g(0.4)
    True
    """
    if spec in PRESETS:
        model = preset(spec)
    else:
        path = Path(spec)
        if not os.path.lexists(path) and path.suffix.lower() != ".toml" and len(path.parts) == 1:
            raise ModelError(
                f"--model {spec!r}: neither a preset ({', '.join(PRESETS)}) nor an existing TOML file"
            )
        model = load_model(path, label="--model")
    if g is not None:
        model = model.with_g(g)
    return model
