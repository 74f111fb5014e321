"""Paper Fig. 7: the critical temperature against the gap anisotropy Δ₃/Δ₂ along η.

Reuses the η cuts written by fig6.py into OUTDIR when they are there; otherwise computes them
(without the isotope coefficient, which Fig. 7 does not need).  A few seconds either way.

Run:  .venv/bin/python examples/fig7.py [OUTDIR]      (default: a new temporary folder)
Writes OUTDIR/fig7_tc_anisotropy.png.  Units: Tc in K; Δ₃/Δ₂ dimensionless.
"""

import sys
import tempfile
from pathlib import Path

import numpy as np

from multigap import preset
from multigap.figures import save_figure, tc_vs_anisotropy_figure
from multigap.io import read_dataset
from multigap.sweep import run_cut

out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="multigap_fig7_"))

cuts = []
for name, g in (("A", 1 / 4), ("B", 1 / 3)):
    stored = out / f"eta_cut_{name}.nc"
    if stored.exists():
        cut = read_dataset(stored)
    else:
        cut = run_cut(preset(name), np.linspace(-0.5, 2.0, 11), g=g, quantities=("tc", "gaps"))
    cuts.append(cut)
    best = cut.isel(eta=int(np.argmax(cut["tc"].values)))
    print(
        f"model {name}: Tc max = {float(best['tc']):.1f} K at eta = {float(best['eta']):.2f}, "
        f"where Delta3/Delta2 = {float(best['anisotropy']):.1f}; "
        f"largest Delta3/Delta2 on the cut = {float(cut['anisotropy'].max()):.1f}"
    )

path = save_figure(tc_vs_anisotropy_figure(cuts), out / "fig7_tc_anisotropy.png")
print(f"wrote {path}")
