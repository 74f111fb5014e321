"""Calibrate a custom superlattice to a target band width, then compare it with preset A.

Run from the repository root:  .venv/bin/python examples/calibrate_custom.py
The spacer mass m_b is solved for so that the active band's width is 200 meV.
"""

from multigap import band_structure, calibrate, lifshitz_scale, load_model, preset

custom = load_model("examples/custom_superlattice.toml")
calibrated = calibrate(custom, 200.0)  # adjusts layer 1 (the spacer) mass
for model in (preset("A"), custom, calibrated):
    e_l, width = lifshitz_scale(band_structure(model), model.active_band)
    m_b = model.lattice.layers[1].mass
    print(f"{model.name:>16}: m_b = {m_b:.6f} m_e, E_L = {e_l:9.3f} meV, dE = {width:8.3f} meV")
