"""Paper Fig. 4: the Migdal-softened phonon cutoff ω̃₀ = ω₀ √(1 − 2 max g_nn) against g.

Run:  .venv/bin/python examples/fig4.py [OUTDIR]      (default: a new temporary folder)
Writes OUTDIR/fig4_cutoff.png.  Takes about a second.  Units: ω₀, ω̃₀ in meV; g dimensionless.
"""

import math
import sys
import tempfile
from pathlib import Path

import numpy as np

from multigap import omega_tilde, preset
from multigap.datasets import cutoff_dataset
from multigap.figures import cutoff_figure, save_figure

out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="multigap_fig4_"))

models = [preset("A"), preset("B")]
g = np.linspace(0.0, 0.49, 99)  # the active-band coupling g = g33; must stay below 0.5
ds = cutoff_dataset(models, g)

for m in models:
    w0 = m.pairing.omega0
    # the maximum runs over all bands: with g11 = g22 = 0.10 the cutoff is flat for g < 0.10
    values = ", ".join(f"g = {g:.2f}: {omega_tilde(w0, max(g, 0.10)):.1f}" for g in (0.05, 0.25, 0.40))
    print(f"model {m.name}: omega0 = {w0:g} meV; omega~0 in meV at {values}")
    assert math.isclose(omega_tilde(w0, 0.25), w0 * math.sqrt(0.5))

path = save_figure(cutoff_figure(ds), out / "fig4_cutoff.png")
print(f"wrote {path}")
