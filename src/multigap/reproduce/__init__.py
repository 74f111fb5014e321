"""The whole paper, computed: datasets, figures and a report that compares with the paper.

:func:`reproduce` computes, for the paper's models A (H₃S) and B (CSH_x), everything the paper
shows in its Figs. 3–11 and writes it into one folder:

==============================  ==========================================================
file                            content (paper figure)
==============================  ==========================================================
``bands_A.nc`` …                exact subbands E_n(q); ``bands_A.png`` …
``dos_A.nc``, ``fermi_A.nc`` …  DOS against η and Fermi surfaces → ``fig3_dos.png``
``cutoff.nc``                   Migdal-softened cutoff ω̃₀(g) → ``fig4_cutoff.png``
``overlap_A.nc`` …              pair overlaps Ĩ^{nn'}(q, q') → ``fig5_overlap_A.png`` …
``eta_cut_A.nc`` …              Tc, gaps, 2Δ/k_BTc, Δ₃/Δ₂, α along η at the paper's g (A 1/4,
                                B 1/3; :func:`multigap.sweep.run_cut`) →
                                ``fig6_gap_ratio_isotope.png``, ``fig7_tc_anisotropy.png``
``map_A.nc``, ``map_B.nc``      Tc(η, g) on η ∈ [−1, 2], g ∈ [0.1, 0.49] (:func:`multigap.sweep.run_map`)
                                → ``fig8_tc_vs_eta.png``, ``fig9_tc_vs_g_A.png``,
                                ``fig10_map_A.png``, ``fig11_map_B.png``
``map_A_<theory>[_<bound>].nc`` the same map for every further theory and bound asked for →
                                ``theories_A.png``, ``theories_B.png``
``report.json``, ``report.md``  the paper's headline numbers beside ours, every one of ours read
                                back from the NetCDF files above (:func:`report_from_files`)
==============================  ==========================================================

The package has one concern per module:

================  ===========================================================================
``paper``         the paper's numbers (:data:`PAPER`), each with where the paper states it, and
                  the thresholds for "agrees"
``grids``         :class:`GridSet` and :data:`GRID_SETS` (``full``, ``quick``, ``tiny``)
``run``           :func:`reproduce` and :func:`run_demo`: datasets and figures
``numbers``       numbers read back from the files
``report``        one function per claim of the paper (:data:`CLAIMS`), the theory comparison,
                  rendering to ``report.md`` / ``report.json``
================  ===========================================================================

Units: η and g dimensionless, energies meV, Tc K.
"""

from __future__ import annotations

from .grids import GRID_SET_ENV, GRID_SETS, GridSet
from .paper import MODELS, PAPER
from .report import CLAIMS, REPORT_FILES, render_report, report_from_files
from .run import ReproduceResult, reproduce, run_demo, unique_tags

__all__ = [
    "CLAIMS",
    "GRID_SETS",
    "GRID_SET_ENV",
    "MODELS",
    "PAPER",
    "REPORT_FILES",
    "GridSet",
    "ReproduceResult",
    "render_report",
    "report_from_files",
    "reproduce",
    "run_demo",
    "unique_tags",
]
