"""Quick start: band structure, DOS and overlaps of preset A, saved as NetCDF and PNG.

Run from the repository root:  .venv/bin/python examples/quickstart.py [OUTDIR]
Units: nm, 1/nm, meV, K, m_e.
"""

import sys
from pathlib import Path

import numpy as np

from multigap import band_structure, lifshitz_scale, preset
from multigap.datasets import bands_dataset, dos_dataset, fermi_surface_dataset, overlap_dataset
from multigap.figures import band_structure_figure, dos_figure, overlap_figure, save_figure
from multigap.io import model_from_dataset, read_dataset, write_dataset

out = Path(sys.argv[1] if len(sys.argv) > 1 else "results/quickstart")

model = preset("A")
bands = band_structure(model)
e_l, width = lifshitz_scale(bands, model.active_band)
print(f"model {model.name}: E_L = {e_l:.3f} meV, dE = {width:.3f} meV")
for n, (lo, hi) in enumerate(bands.band_edges, start=1):
    print(f"  band {n}: {lo:9.3f} .. {hi:9.3f} meV")

ds = bands_dataset(model, n_q=101)
path = write_dataset(ds, out / "bands_A.nc")
assert model_from_dataset(read_dataset(path)) == model  # every file carries its model
save_figure(band_structure_figure(ds), out / "bands_A.png")

dos = dos_dataset(model, np.linspace(-1.0, 2.0, 121))
fermi = fermi_surface_dataset(model)
write_dataset(dos, out / "dos_A.nc")
save_figure(dos_figure(dos, fermi), out / "dos_A.png")

ov = overlap_dataset(model, n_q=51)
write_dataset(ov, out / "overlap_A.nc")
save_figure(overlap_figure(ov), out / "overlap_A.png")
print("BZ-averaged overlaps I^{nn'}:")
print(np.array2string(ov["mean_overlap"].values, precision=4))
print(f"wrote {out}/")
