"""NetCDF round trips keep values, units and the resolved model (io + datasets)."""

import numpy as np
import pytest
import xarray as xr

from multigap import __version__
from multigap.bands import band_structure
from multigap.datasets import bands_dataset, cutoff_dataset
from multigap.errors import InputError
from multigap.io import model_from_dataset, read_dataset, write_dataset
from multigap.model import Layer, Model, Numerics, Pairing, Superlattice
from multigap.presets import preset
from tolerances import ROUNDING_RTOL, edge_tolerance


def _custom_model() -> Model:
    """A three-layer stack with non-default numerics: nothing a preset could hide."""
    lattice = Superlattice(
        layers=(
            Layer(thickness=0.7, potential=0.0, mass=1.0),
            Layer(thickness=0.3, potential=900.0, mass=0.6),
            Layer(thickness=0.4, potential=350.0, mass=0.8),
        ),
        mass_x=0.9,
    )
    pairing = Pairing.from_couplings([0.12, 0.3], 0.015, omega0=120.0, softening=False)
    return Model(
        name="three-layer", lattice=lattice, pairing=pairing, active_band=2, numerics=Numerics(n_z=20)
    )


def _without_cf(ds: xr.Dataset) -> xr.Dataset:
    """A Dataset read back, less the CF global attributes that every write adds."""
    out = ds.copy()
    out.attrs = {
        k: v for k, v in ds.attrs.items() if k not in {"Conventions", "history", "source", "references"}
    }
    return out


def _assert_units_everywhere(ds: xr.Dataset) -> None:
    for name, var in ds.variables.items():
        assert "units" in var.attrs, name
        assert var.attrs.get("long_name"), name


@pytest.mark.parametrize("which", ["A", "custom"])
def test_bands_round_trip_keeps_values_units_and_model(tmp_path, which):
    model = preset("A") if which == "A" else _custom_model()
    ds = bands_dataset(model, n_q=33)
    _assert_units_everywhere(ds)
    back = read_dataset(write_dataset(ds, tmp_path / "sub" / "bands.nc"))
    xr.testing.assert_identical(
        _without_cf(back)[["energy", "band_edges", "E_L", "dE"]], ds[["energy", "band_edges", "E_L", "dE"]]
    )
    for name in ds.variables:
        assert back[name].attrs["units"] == ds[name].attrs["units"]
    assert back.attrs["multigap_version"] == __version__
    assert model_from_dataset(back) == model


def test_bands_dataset_matches_the_band_structure():
    model = preset("B")
    ds = bands_dataset(model, n_q=17)
    bands = band_structure(model)
    np.testing.assert_array_equal(ds["band_edges"].values, bands.band_edges)
    np.testing.assert_allclose(ds["energy"].values, bands.energies(ds["q"].values), rtol=0, atol=1e-9)
    assert ds["q"].values[0] == pytest.approx(-np.pi / bands.period)
    assert float(ds["dE"]) == pytest.approx(145.0, abs=2 * edge_tolerance(bands.band_edges.max()))


def test_multi_model_dataset_keeps_every_model(tmp_path):
    a, b = preset("A"), preset("B")
    ds = cutoff_dataset([a, b], [0.1, 0.25, 0.4])
    back = read_dataset(write_dataset(ds, tmp_path / "cutoff.nc"))
    assert model_from_dataset(back, "A") == a
    assert model_from_dataset(back, 1) == b
    with pytest.raises(InputError, match="which"):
        model_from_dataset(back)
    # omega~ = omega0 sqrt(1 - 2 max g_nn), with max g_nn = g once g > 0.10
    np.testing.assert_allclose(
        back["omega_tilde"].sel(model="A").values[1:], 330.0 * np.sqrt(1 - 2 * np.array([0.25, 0.4]))
    )


def test_bool_attributes_are_stored_as_integers(tmp_path):
    ds = xr.Dataset({"x": ("i", [1.0, 2.0], {"units": "meV", "flag": True})}, attrs={"converged": False})
    back = read_dataset(write_dataset(ds, tmp_path / "flags.nc"))
    assert back.attrs["converged"] == 0
    assert back["x"].attrs["flag"] == 1


def test_every_file_carries_the_cf_global_attributes(tmp_path):
    ds = xr.Dataset({"x": ("i", [1.0, 2.0], {"units": "meV"})}, attrs={"command": "multigap map --model A"})
    first = write_dataset(ds, tmp_path / "a.nc")
    back = read_dataset(first)
    assert back.attrs["Conventions"] == "CF-1.10"
    assert back.attrs["history"] == f"multigap {__version__}: multigap map --model A"
    assert back.attrs["source"].startswith(f"multigap {__version__}: exact Kronig-Penney subbands")
    assert "Mazziotti" in back.attrs["references"] and "CITATION.cff" in back.attrs["references"]
    assert "history" not in ds.attrs  # the caller's Dataset is left alone
    # rewriting a file read back keeps its history; a new command adds one line
    again = read_dataset(write_dataset(back, tmp_path / "b.nc"))
    assert again.attrs["history"] == back.attrs["history"]
    back.attrs["command"] = "multigap plot"
    assert read_dataset(write_dataset(back, tmp_path / "c.nc")).attrs["history"].splitlines() == [
        f"multigap {__version__}: multigap map --model A",
        f"multigap {__version__}: multigap plot",
    ]
    # no clock time in the attributes: writing the same Dataset twice gives the same bytes
    assert write_dataset(ds, tmp_path / "d.nc").read_bytes() == first.read_bytes()
    # without a command the line names the version only
    assert read_dataset(write_dataset(ds.drop_attrs(), tmp_path / "f.nc")).attrs["history"] == (
        f"multigap {__version__}"
    )
    # a Dataset's own source and references are kept
    own = ds.assign_attrs(source="measured", references="doi:x")
    own = read_dataset(write_dataset(own, tmp_path / "e.nc"))
    assert (own.attrs["source"], own.attrs["references"]) == ("measured", "doi:x")


def test_read_errors_name_the_file(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_dataset(tmp_path / "missing.nc")
    junk = tmp_path / "junk.nc"
    junk.write_text("not a netcdf file")
    with pytest.raises(InputError, match=r"junk\.nc"):
        read_dataset(junk)


def test_dataset_without_model_is_rejected():
    with pytest.raises(InputError, match="carries no model"):
        model_from_dataset(xr.Dataset())


def test_dos_round_trip_keeps_the_van_hove_infinity(tmp_path):
    from multigap import dos as dos_module
    from multigap.datasets import dos_dataset, eta_grid

    model = preset("A")
    eta = eta_grid(-0.5, 1.5, 21)
    assert 0.0 in eta and 1.0 in eta and 1.0 - 1e-6 in eta
    ds = dos_dataset(model, eta)
    _assert_units_everywhere(ds)
    partial, _ = dos_module.dos_vs_eta(band_structure(model), model.active_band, eta)
    np.testing.assert_array_equal(ds["dos_partial"].values, partial)
    back = read_dataset(write_dataset(ds, tmp_path / "dos.nc"))
    assert np.isinf(back["dos_total"].sel(eta=1.0))
    xr.testing.assert_identical(
        _without_cf(back)[["dos_total", "energy", "E_neck"]], ds[["dos_total", "energy", "E_neck"]]
    )
    assert float(back["E_neck"]) == pytest.approx(float(back["E_L"] + back["dE"]), rel=ROUNDING_RTOL)
    np.testing.assert_allclose(back["energy"].values, float(back["E_L"]) + eta * float(back["dE"]))
    assert model_from_dataset(back) == model


def test_fermi_surface_dataset_pads_segments_and_keeps_bands(tmp_path):
    from multigap.datasets import fermi_surface_dataset

    ds = fermi_surface_dataset(preset("B"), [-0.5, 0.5, 1.5], n_points=20)
    _assert_units_everywhere(ds)
    back = read_dataset(write_dataset(ds, tmp_path / "fermi.nc"))
    bands_per_eta = [sorted(set(back["segment_band"].values[i]) - {0}) for i in range(3)]
    assert bands_per_eta == [[1, 2], [1, 2, 3], [1, 2, 3]]  # the active band's pocket appears at eta = 0
    closed = back["segment_closed"].values
    assert closed[1].sum() == 1 and closed[2].sum() == 0  # one closed pocket below the neck, none above
    pad = back["segment_band"].values == 0
    assert np.all(np.isnan(back["kx"].values[pad]))
    assert np.nanmax(np.abs(back["kz"].values)) <= np.pi / float(back["period"]) * (1 + 1e-12)


def test_overlap_dataset_matches_the_overlap_module(tmp_path):
    from multigap import overlap
    from multigap.datasets import overlap_dataset

    model = preset("A")
    ds = overlap_dataset(model, n_q=9)
    _assert_units_everywhere(ds)
    bands = band_structure(model)
    np.testing.assert_allclose(
        ds["mean_overlap"].values, overlap.mean_overlap_matrix(bands, 9), rtol=ROUNDING_RTOL
    )
    tensor = ds["overlap"].values
    np.testing.assert_allclose(tensor, np.transpose(tensor, (1, 0, 3, 2)), rtol=1e-12)  # (n,q) <-> (n',q')
    back = read_dataset(write_dataset(ds, tmp_path / "overlap.nc"))
    xr.testing.assert_identical(
        _without_cf(back)[["overlap", "mean_overlap"]], ds[["overlap", "mean_overlap"]]
    )
