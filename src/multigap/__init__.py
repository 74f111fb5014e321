"""multigap: multi-gap superconductivity in superlattices of quantum wires.

Exact Kronig–Penney subbands, pair-overlap integrals, critical temperatures and gaps of the
multi-band BCS problem of Mazziotti et al. (see SPEC.md).  Units: nm, meV, K, m_e.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .bands import BandStructure, KronigPenneyBands, band_structure, calibrate, lifshitz_scale
from .errors import BandStructureError, ConvergenceError, InputError, ModelError, MultigapError
from .model import (
    Layer,
    Model,
    Numerics,
    Pairing,
    Superlattice,
    dump_model,
    dumps_model,
    load_model,
    loads_model,
    omega_tilde,
)
from .observables import isotope_coefficient, zero_temperature_gaps
from .presets import PRESETS, preset
from .tc import critical_temperature

try:
    __version__ = version("multigap")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = [
    "__version__",
    "BandStructure",
    "KronigPenneyBands",
    "band_structure",
    "calibrate",
    "lifshitz_scale",
    "MultigapError",
    "ModelError",
    "BandStructureError",
    "ConvergenceError",
    "InputError",
    "Layer",
    "Superlattice",
    "Pairing",
    "Numerics",
    "Model",
    "omega_tilde",
    "load_model",
    "loads_model",
    "dump_model",
    "dumps_model",
    "PRESETS",
    "preset",
    "critical_temperature",
    "zero_temperature_gaps",
    "isotope_coefficient",
]
