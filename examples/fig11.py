"""Paper Fig. 11: the superconducting dome Tc(η, g) of model B (CSH_x) — small grid.

Model B has a narrower active band (ΔE = 145 meV instead of 274 meV) and a softer phonon
(ω₀ = 225 meV): a sharper dome that reaches higher Tc.  Same grid and figure as fig10.py.

Run:  .venv/bin/python examples/fig11.py [OUTDIR]      (default: a new temporary folder)
Writes OUTDIR/map_B.nc and OUTDIR/fig11_map_B.png.  Units: Tc in K; η, g dimensionless.
"""

import sys
import tempfile
from pathlib import Path

from fig10 import main

if __name__ == "__main__":
    main(
        Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="multigap_fig11_")),
        "B",
        "fig11",
    )
