"""Paper Fig. 3: total and partial density of states against η, and Fermi surfaces at η₁, η₂, η₃.

Run:  .venv/bin/python examples/fig3.py [OUTDIR]      (default: a new temporary folder)
Writes OUTDIR/fig3_dos.png and prints the DOS at the Lifshitz points.  Takes a few seconds.
Units: η dimensionless, energies meV, DOS per spin in units of N₀ = m_x/(2πħ²).
"""

import sys
import tempfile
from pathlib import Path

import numpy as np

from multigap import preset
from multigap.datasets import DEFAULT_FERMI_ETAS, dos_dataset, eta_grid, fermi_surface_dataset
from multigap.figures import dos_figure, save_figure

out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="multigap_fig3_"))

# η from -1 to 2, refined towards the Lifshitz points η = 0 (band edge) and η = 1 (neck opening)
eta = eta_grid(-1.0, 2.0, 121)
dos_sets, fermi_sets = [], []
for name in ("A", "B"):
    model = preset(name)
    ds = dos_dataset(model, eta)
    dos_sets.append(ds)
    fermi_sets.append(fermi_surface_dataset(model, DEFAULT_FERMI_ETAS))
    total = ds["dos_total"]
    print(
        f"model {name}: dE = {float(ds['dE']):.1f} meV; N/N0 at eta = 0.5: {float(total.sel(eta=0.5)):.3f}, "
        f"just below the van Hove point (eta = 1 - 1e-6): {float(total.sel(eta=1 - 1e-6)):.3f}"
    )
    # the DOS jumps at eta = 0 (a 2D band edge adds exactly N0 per band for the free x motion)
    below, above = (float(ds["dos_partial"].sel(band=3, eta=x)) for x in (-1e-6, 1e-6))
    assert below == 0.0 and above > 0.5, (below, above)
    assert np.isinf(float(total.sel(eta=1.0)))  # logarithmic divergence exactly at the neck

path = save_figure(dos_figure(dos_sets, fermi_sets), out / "fig3_dos.png")
print(f"wrote {path}")
