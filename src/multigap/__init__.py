"""multigap: multi-gap superconductivity in superlattices of quantum wires.

Exact Kronig–Penney subbands, pair-overlap integrals, critical temperatures and gaps of the
multi-band BCS problem of Mazziotti et al. (see docs/theory.md).  Units: nm, meV, K, m_e.

The public names below are imported lazily (PEP 562): ``import multigap`` costs only the
package's version look-up, so that ``multigap --version`` and ``--help`` start in a fraction of
a second; ``from multigap import preset`` (or ``multigap.preset``) imports what it needs on
first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_attributes

if TYPE_CHECKING:  # what static checkers and IDEs see: the same names, eagerly
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


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("multigap")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0.0.0+unknown"


__version__ = _package_version()

#: Public name -> the submodule that defines it (imported on first access).
_LAZY: dict[str, str] = {
    "BandStructure": "bands",
    "KronigPenneyBands": "bands",
    "band_structure": "bands",
    "calibrate": "bands",
    "lifshitz_scale": "bands",
    "MultigapError": "errors",
    "ModelError": "errors",
    "BandStructureError": "errors",
    "ConvergenceError": "errors",
    "InputError": "errors",
    "Layer": "model",
    "Superlattice": "model",
    "Pairing": "model",
    "Numerics": "model",
    "Model": "model",
    "omega_tilde": "model",
    "load_model": "model",
    "loads_model": "model",
    "dump_model": "model",
    "dumps_model": "model",
    "PRESETS": "presets",
    "preset": "presets",
    "critical_temperature": "tc",
    "zero_temperature_gaps": "observables",
    "isotope_coefficient": "observables",
}

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


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY)  # PEP 562
