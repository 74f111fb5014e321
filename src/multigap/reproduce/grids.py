"""The grids of one reproduction: :class:`GridSet` and the named sets :data:`GRID_SETS`."""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from ..errors import InputError

__all__ = ["GRID_SETS", "GRID_SET_ENV", "GridSet", "resolve_grids"]


@dataclass(frozen=True)
class GridSet:
    """The grids of one reproduction (all counts are numbers of points, ends included).

    Attributes
    ----------
    name : str
        ``"full"``, ``"quick"``, ``"tiny"`` or a name of your own.
    map_eta, map_g : int
        Tc maps (Figs. 8–11): η uniform on [−1, 2], g uniform on [``g_min``, ``g_max``].
    cut_eta : int
        Cuts along η of Figs. 6–7 (Tc, gaps, isotope coefficient): uniform on [−1, 2].
    dos_eta : int
        Uniform part of the DOS grid of Fig. 3 (refined near η = 0 and 1).
    n_q : int
        q points of the band-structure and overlap datasets (Fig. 5).
    cutoff_g : int
        g points of Fig. 4 on [0, 0.49].
    cut_piece : int
        η points per chunk of the cuts (the unit of parallel work).
    g_min, g_max : float
        Range of the maps' g axis (dimensionless).

    Examples
    --------
    >>> GRID_SETS["quick"].map_eta_grid()[[0, -1]].tolist()
    [-1.0, 2.0]
    """

    name: str
    map_eta: int
    map_g: int
    cut_eta: int
    dos_eta: int
    n_q: int
    cutoff_g: int = 99
    cut_piece: int = 8
    g_min: float = 0.1
    g_max: float = 0.49

    def map_eta_grid(self) -> np.ndarray:
        """η of the maps (dimensionless)."""
        return np.linspace(-1.0, 2.0, self.map_eta)

    def map_g_grid(self) -> np.ndarray:
        """g of the maps (dimensionless)."""
        return np.linspace(self.g_min, self.g_max, self.map_g)

    def cut_eta_grid(self) -> np.ndarray:
        """η of the cuts of Figs. 6–7 (dimensionless)."""
        return np.linspace(-1.0, 2.0, self.cut_eta)

    def cutoff_g_grid(self) -> np.ndarray:
        """g of Fig. 4 (dimensionless); step 0.005, so it holds the paper's 0.25, 0.30 and 0.33."""
        return np.linspace(0.0, 0.49, self.cutoff_g)


#: ``full``: η steps of 0.01 and g steps of 0.01 (maps 301 × 40 per model, cuts 301 η);
#: ``quick``: η steps of 0.02 and g steps of 0.015 (maps 151 × 27, cuts 151 η); both hold the
#: paper's η = −0.34, 0, 0.5, 1 and g = 0.25, 0.4, 0.49.  ``tiny``: a few seconds, for tests and
#: the documentation's examples under test (see :data:`GRID_SET_ENV`).
GRID_SETS: dict[str, GridSet] = {
    "full": GridSet("full", map_eta=301, map_g=40, cut_eta=301, dos_eta=301, n_q=101),
    "quick": GridSet("quick", map_eta=151, map_g=27, cut_eta=151, dos_eta=151, n_q=61),
    "tiny": GridSet("tiny", map_eta=16, map_g=4, cut_eta=7, dos_eta=16, n_q=9, cutoff_g=99, cut_piece=4),
}

#: Environment variable naming a grid set that replaces ``quick``/``full`` when no grids are
#: given explicitly (the test suite sets ``MULTIGAP_GRID_SET=tiny`` to run the documentation's
#: ``reproduce(quick=True)`` examples in seconds).  An explicit ``grids=`` always wins.
GRID_SET_ENV = "MULTIGAP_GRID_SET"


def resolve_grids(grids: str | GridSet | None, quick: bool) -> GridSet:
    """The grid set of a run: ``grids`` if given, else :data:`GRID_SET_ENV`, else quick/full.

    Raises
    ------
    InputError
        For an unknown grid-set name (also when it comes from the environment).
    """
    if isinstance(grids, GridSet):
        return grids
    source = "grids"
    if grids is None:
        env = os.environ.get(GRID_SET_ENV, "").strip()
        if env:
            grids, source = env, GRID_SET_ENV
        else:
            grids = "quick" if quick else "full"
    if grids not in GRID_SETS:
        raise InputError(f"{source} = {grids!r}: must be one of {', '.join(GRID_SETS)}")
    return GRID_SETS[grids]
