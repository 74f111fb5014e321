"""Named numerical tolerances of the test suite, in one place.

Every constant says what it bounds, what was measured and how.  A tolerance is either derived
from an accuracy the code itself guarantees (a root finder's ``xtol``, an a-priori rounding
bound), or set within ~100x of a measured error, so that a regression is caught while another
CPU, libm, BLAS or array layout (which move results by a few ulp) is not.  Measurements were
taken on x86-64 (numpy 2, OpenBLAS) with the command quoted; re-measure after a change of
method and keep the factor.

Exact comparisons that remain in the tests are comparisons of results of the *same*
operations in the same process (e.g. a value computed twice, an edge set to the extremum in
both places), or of IEEE arithmetic with exactly representable results; byte-identical files
are only compared between runs of the same process tree, never against stored files.

Units are in each comment; ``RTOL`` constants are relative, ``ATOL`` absolute.
"""

from __future__ import annotations

import numpy as np

# --------------------------------------------------------------------------- rounding level
#: Relative agreement of two evaluations of the same formula that differ only in operation order
#: or vectorisation (sum of a few terms, a product written two ways, SIMD vs scalar paths).
#: Measured: <= 2 ulp (4.4e-16) in test_dos/test_kernels/test_model; 50 ulp leave room for libm
#: functions (exp, log, sqrt, cos: <= 1 ulp each on any conforming libm) in between.
ROUNDING_RTOL = 1e-14

# --------------------------------------------------------------------------------- bands
#: meV, and relative.  Location accuracy of a band edge (or any E_n(q)): the stopping rule of
#: the bracketed root finders in ``multigap.bands`` (``xtol`` = 1e-11 meV plus a relative term),
#: widened to ~45 ulp relative because near a closed gap the edge is the root of D', whose
#: rounding moves it by a few ulp of E.  Measured (free gases V = 0, 2 and 3 layers, 6 bands,
#: edges against ħ²(nπ/d)²/2m and E_n(q) against the folded parabola, up to 7000 meV):
#: max |error| = 3.6e-12 meV = 4 ulp (tests/test_bands.py::test_free_electron_limit_...);
#: the tolerance there is 8e-11 meV (22x).
BAND_EDGE_ATOL = 1e-11
BAND_EDGE_RTOL = 1e-14


def edge_tolerance(energy: float | np.ndarray) -> float | np.ndarray:
    """meV: how far a computed band edge (or band energy) at ``energy`` may be from the exact one."""
    return BAND_EDGE_ATOL + BAND_EDGE_RTOL * np.abs(energy)


# ------------------------------------------------------------------------------------ dos
#: N/N0 (dimensionless), away from band edges.  Free 2D gas partial and total DOS against the
#: folded-parabola formula, more than 0.01 meV from any edge: measured max error 2.1e-14
#: (sum of partials) and 1.4e-14 (partials); within 1e-6 meV of a closed gap the error is set
#: by the edge location instead (the test adds |dN/dE_edge| * BAND_EDGE_ATOL).
FREE_GAS_DOS_ATOL = 1e-12
