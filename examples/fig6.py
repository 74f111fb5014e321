"""Paper Fig. 6: gap ratios 2Δ₂/k_BTc, 2Δ₃/k_BTc and the isotope coefficient α against η.

The paper's cuts: model A at g = 1/4, model B at g = 1/3.  A coarse η grid keeps this to a few
seconds; use more points (e.g. ``np.linspace(-1, 2, 61)``) for a smooth figure.

Run:  .venv/bin/python examples/fig6.py [OUTDIR]      (default: a new temporary folder)
Writes OUTDIR/fig6_gap_ratio_isotope.png and OUTDIR/eta_cut_{A,B}.nc (reused by fig7.py).
Units: gaps meV, Tc K, η, ratios and α dimensionless.
"""

import sys
import tempfile
from pathlib import Path

import numpy as np

from multigap import preset
from multigap.constants import BCS_GAP_RATIO
from multigap.figures import gap_ratio_figure, save_figure
from multigap.io import write_dataset
from multigap.sweep import run_cut

out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="multigap_fig6_"))

eta = np.linspace(-0.5, 2.0, 11)
cuts = []
for name, g in (("A", 1 / 4), ("B", 1 / 3)):
    cut = run_cut(preset(name), eta, g=g)  # Tc, T = 0 gaps (number equation), ratios, alpha
    write_dataset(cut, out / f"eta_cut_{name}.nc")
    cuts.append(cut)
    inside = cut.sel(eta=slice(0.5, 1.0))
    r3 = inside["gap_ratio"].sel(band=3).values
    r2 = inside["gap_ratio"].sel(band=2).values
    print(
        f"model {name}, g = {g:.4g}: for 0.5 <= eta <= 1, 2D3/kTc = {r3.min():.2f}..{r3.max():.2f} "
        f"(BCS {BCS_GAP_RATIO:.3f}), 2D2/kTc = {r2.min():.2f}..{r2.max():.2f}; "
        f"alpha = {float(cut['alpha'].min()):.2f}..{float(cut['alpha'].max()):.2f}"
    )

path = save_figure(gap_ratio_figure(cuts), out / "fig6_gap_ratio_isotope.png")
print(f"wrote {path}")
