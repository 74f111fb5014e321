"""Paper Fig. 5: pair-overlap (exchange) integrals Ĩ^{nn'} — BZ averages and Ĩ^{nn'}(q, q') curves.

Run:  .venv/bin/python examples/fig5.py [OUTDIR]      (default: a new temporary folder)
Writes OUTDIR/fig5_overlap_A.png and fig5_overlap_B.png.  Takes a few seconds.
Units: q in 1/nm; Ĩ dimensionless (1 without superlattice potential).
"""

import sys
import tempfile
from pathlib import Path

import numpy as np

from multigap import preset
from multigap.datasets import overlap_dataset
from multigap.figures import overlap_figure, save_figure

out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="multigap_fig5_"))

for name in ("A", "B"):
    ds = overlap_dataset(preset(name), n_q=41)
    mean = ds["mean_overlap"].values
    assert np.allclose(mean, mean.T)  # symmetric under (n, q) <-> (n', q')
    print(f"model {name}: BZ-averaged overlaps I^(nn')")
    print(np.array2string(mean, precision=4))
    path = save_figure(overlap_figure(ds, q_fixed=0.0), out / f"fig5_overlap_{name}.png")
    print(f"wrote {path}")
