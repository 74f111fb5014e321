"""Figures: one function per figure, Dataset(s) in, :class:`matplotlib.figure.Figure` out.

No pyplot and no global state: each function builds its own ``Figure`` and returns it; save it
with :func:`save_figure` (Agg canvas), or show it in a notebook by evaluating it.  The inputs
are the Datasets of :mod:`multigap.datasets` and :mod:`multigap.sweep` (fresh or read back from
NetCDF), so a figure can be redrawn from files without recomputing anything.

=======================  ==============================================  =================
function                 figure                                          module
=======================  ==============================================  =================
band_structure_figure    subbands E_n(q), one panel per band             ``structure``
dos_figure               paper Fig. 3: DOS vs η, Fermi surfaces at η₁₋₃  ``structure``
overlap_figure           paper Fig. 5: overlaps Ĩ^{nn'}                  ``structure``
cutoff_figure            paper Fig. 4: softened cutoff ω̃₀ vs g           ``cutoff``
gap_ratio_figure         paper Fig. 6: 2Δ/k_BTc and α vs η (η-cuts)      ``cuts``
tc_vs_anisotropy_figure  paper Fig. 7: Tc vs Δ₃/Δ₂ (η-cuts)              ``cuts``
tc_vs_eta_figure         paper Fig. 8: Tc vs η at several g (maps)       ``cuts``
tc_vs_g_figure           paper Fig. 9: Tc vs g at fixed η (a map)        ``cuts``
tc_map_figure            paper Figs. 10–11: Tc(η, g) colour map          ``maps``
tc_comparison_figure     Tc vs η by pairing theory and bound (maps)      ``comparison``
path_tc_figure           Tc (and α) along a pressure path with data      ``inverse``
path_on_map_figure       a path drawn on the Tc(η, g) dome               ``inverse``
corner_figure            posterior of a path fit (corner plot)           ``inverse``
design_cut_figure        η-cut of a design beside the template's        ``inverse``
crossover_figure         T_MF, T_BKT, regimes vs η (crossover cuts)      ``crossover``
eliashberg_figure        Eliashberg dome, minus BCS, Z along η (maps)    ``eliashberg``
=======================  ==============================================  =================

Shared colours, saving and the status rules live in :mod:`multigap.figures.style`: only
values with status ``converged`` are drawn (``below_floor`` as Tc = 0 where the scale is
linear); every other point is left out and counted, by status, in a note on its panel.
Figures that show Tc label it with the theory and bound recorded in the dataset's attrs.
A new figure family is a new module here plus its names below (``_LAZY``, ``__all__`` and the
``TYPE_CHECKING`` imports).  The names are imported on first use (PEP 562): ``import
multigap.figures`` or ``multigap.figures.style`` imports no matplotlib, and a figure function
imports only its own module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_attributes

if TYPE_CHECKING:  # what static checkers and IDEs see: the same names, eagerly
    from .comparison import tc_comparison_figure
    from .crossover import crossover_figure
    from .cutoff import cutoff_figure
    from .cuts import (
        FIG8_G,
        FIG9_ETA_ANTI,
        FIG9_ETA_RES,
        gap_ratio_figure,
        tc_vs_anisotropy_figure,
        tc_vs_eta_figure,
        tc_vs_g_figure,
    )
    from .eliashberg import eliashberg_figure
    from .inverse import corner_figure, design_cut_figure, path_on_map_figure, path_tc_figure
    from .maps import tc_map_figure
    from .structure import band_structure_figure, dos_figure, overlap_figure
    from .style import BAND_COLORS, MODEL_COLORS, band_color, model_color, save_figure, theory_label

#: Public name -> the module of this package that defines it (imported on first access, PEP 562:
#: ``import multigap.figures.style`` or a command that needs no figure imports no matplotlib).
_LAZY: dict[str, str] = {
    "tc_comparison_figure": "comparison",
    "crossover_figure": "crossover",
    "cutoff_figure": "cutoff",
    "FIG8_G": "cuts",
    "FIG9_ETA_ANTI": "cuts",
    "FIG9_ETA_RES": "cuts",
    "gap_ratio_figure": "cuts",
    "tc_vs_anisotropy_figure": "cuts",
    "tc_vs_eta_figure": "cuts",
    "tc_vs_g_figure": "cuts",
    "eliashberg_figure": "eliashberg",
    "corner_figure": "inverse",
    "design_cut_figure": "inverse",
    "path_on_map_figure": "inverse",
    "path_tc_figure": "inverse",
    "tc_map_figure": "maps",
    "band_structure_figure": "structure",
    "dos_figure": "structure",
    "overlap_figure": "structure",
    "BAND_COLORS": "style",
    "MODEL_COLORS": "style",
    "band_color": "style",
    "model_color": "style",
    "save_figure": "style",
    "theory_label": "style",
}

__all__ = [
    "BAND_COLORS",
    "FIG8_G",
    "FIG9_ETA_ANTI",
    "FIG9_ETA_RES",
    "MODEL_COLORS",
    "band_color",
    "band_structure_figure",
    "corner_figure",
    "crossover_figure",
    "cutoff_figure",
    "design_cut_figure",
    "dos_figure",
    "eliashberg_figure",
    "gap_ratio_figure",
    "model_color",
    "overlap_figure",
    "path_on_map_figure",
    "path_tc_figure",
    "save_figure",
    "tc_comparison_figure",
    "tc_map_figure",
    "tc_vs_anisotropy_figure",
    "tc_vs_eta_figure",
    "tc_vs_g_figure",
    "theory_label",
]


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY)  # PEP 562
