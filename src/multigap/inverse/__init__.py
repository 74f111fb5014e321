"""Inverse problems on the universal dome: pressure paths, fits to measurements, design.

* :mod:`multigap.inverse.paths` — paths through the (η, g) plane (two end points, linear
  pressure laws η(P) = a + b·P, g(P) = c + d·P, or a CSV table) and Tc, gaps, α along them;
* :mod:`multigap.inverse.data` — measured Tc(P), α, gap data with provenance (CSV), and the
  data sets shipped with multigap (H₃S, D₃S/H₃S, CSH_x — retracted);
* :mod:`multigap.inverse.fit` — least-squares fits of a path to data (bounds, multistart,
  uncertainties, correlations, χ², residuals; optional posterior with ``emcee``);
* :mod:`multigap.inverse.design` — global search of superlattice geometry, materials and η
  for the largest Tc at a given coupling and phonon energy.

Every Tc is computed on the sweep engine (:func:`multigap.sweep.run_points`), with any
pairing theory and bound.  This is the application layer: the physics core never imports it.
"""

from __future__ import annotations

from .data import DataError, MeasuredData, combine, load_data, read_data, shipped_data
from .design import DesignResult, design, read_bounds
from .fit import FitError, FitResult, fit_path, parse_free, sample_posterior
from .paths import (
    PathError,
    PressurePath,
    compute_path,
    linear_law_path,
    read_path_table,
    straight_path,
)

__all__ = [
    "DataError",
    "DesignResult",
    "design",
    "read_bounds",
    "MeasuredData",
    "combine",
    "load_data",
    "read_data",
    "shipped_data",
    "FitError",
    "FitResult",
    "fit_path",
    "parse_free",
    "sample_posterior",
    "PathError",
    "PressurePath",
    "compute_path",
    "linear_law_path",
    "read_path_table",
    "straight_path",
]
