"""Paper Fig. 10: the superconducting dome Tc(η, g) of model A (H₃S) as a colour map — small grid.

The paper's map covers η ∈ [−1, 2], g up to 0.49 finely (``multigap map --model A --eta -1:2:301
--g 0.1:0.49:40``, about a minute on a few cores); this script uses a 31 × 14 grid (a second)
with the same figure function.

Run:  .venv/bin/python examples/fig10.py [OUTDIR] [MODEL]   (default: a temporary folder, model A)
Writes OUTDIR/map_{MODEL}.nc and OUTDIR/fig10_map_{MODEL}.png.  Units: Tc in K; η, g dimensionless.
"""

import sys
import tempfile
from pathlib import Path

import numpy as np

from multigap import preset
from multigap.figures import save_figure, tc_map_figure
from multigap.io import read_dataset
from multigap.sweep import compute_map, recompute_point


def main(out: Path, name: str = "A", figure: str = "fig10") -> None:
    eta = np.linspace(-1.0, 2.0, 31)
    g = np.linspace(0.10, 0.49, 14)
    path = out / f"map_{name}.nc"
    ds = compute_map(preset(name), eta, g, executor="serial", progress=False, out=path)
    tc = ds["tc"]
    i_eta, i_g = np.unravel_index(int(np.nanargmax(tc.values)), tc.shape)
    print(
        f"model {name}: top of the dome on this grid: Tc = {float(tc.max()):.0f} K "
        f"at eta = {eta[i_eta]:.2f}, g = {g[i_g]:.2f} (paper: near eta = 1, g = 0.4)"
    )
    # every point of the file can be recomputed from the file alone, bit for bit
    again = recompute_point(read_dataset(path), eta=float(eta[i_eta]), g=float(g[i_g]))
    assert again.tc == float(tc.max())
    fig_path = save_figure(tc_map_figure(ds), out / f"{figure}_map_{name}.png")
    print(f"wrote {fig_path}")


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="multigap_fig10_"))
    main(out, sys.argv[2] if len(sys.argv) > 2 else "A")
