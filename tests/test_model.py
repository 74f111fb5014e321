"""Frozen models, strict TOML and the Migdal-softened cutoff (docs/theory.md#cutoff, #presets)."""

from __future__ import annotations

import copy
import dataclasses
import math
import re
from collections.abc import Callable
from typing import Any

import pytest
import tomli_w

from multigap.errors import ModelError
from multigap.model import (
    Layer,
    Model,
    Numerics,
    Pairing,
    Superlattice,
    dump_model,
    dumps_model,
    load_model,
    loads_model,
    model_from_dict,
    model_to_dict,
    omega_tilde,
)
from multigap.presets import preset
from tolerances import ROUNDING_RTOL


def three_layer_model() -> Model:
    return Model(
        name="three layers",
        lattice=Superlattice(
            layers=(
                Layer(thickness=0.6, potential=0.0, mass=1.0),
                Layer(thickness=0.4, potential=900.0, mass=0.8),
                Layer(thickness=0.5, potential=3000.0, mass=0.45),
            ),
            mass_x=0.9,
        ),
        pairing=Pairing(
            g=(
                (0.1, 0.03, 0.01, 0.0),
                (0.03, 0.12, 0.02, 0.02),
                (0.01, 0.02, 0.3, 0.02),
                (0.0, 0.02, 0.02, 0.05),
            ),
            omega0=210.5,
            softening=False,
        ),
        active_band=2,
        numerics=Numerics(n_q=12, n_z=30, tc_floor=1e-7),
    )


MODELS = {"A": preset("A"), "B": preset("B"), "3-layer": three_layer_model()}


def rejected(build: Callable[[], Any], *fragments: str) -> str:
    """Assert that ``build()`` raises ModelError whose message contains every fragment."""
    with pytest.raises(ModelError) as info:
        build()
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return message


def edited(change: Callable[[dict], None]) -> str:
    """TOML text of model A after ``change`` is applied to its plain-data form."""
    data = copy.deepcopy(model_to_dict(preset("A")))
    change(data)
    return tomli_w.dumps(data)


# --------------------------------------------------------------------------------- frozen, hashable


@pytest.mark.parametrize("name", list(MODELS))
def test_models_round_trip_through_toml_text_and_files(name, tmp_path):
    model = MODELS[name]
    again = loads_model(dumps_model(model))
    assert again == model
    assert hash(again) == hash(model)
    assert again is not model
    path = tmp_path / f"{name}.toml"
    dump_model(model, path)
    from_file = load_model(path)
    assert from_file == model and hash(from_file) == hash(model)
    assert model_from_dict(model_to_dict(model)) == model
    assert len({model, again, from_file}) == 1  # usable as dict keys / set members


def test_models_are_frozen_and_variants_are_revalidated():
    model = preset("A")
    with pytest.raises(dataclasses.FrozenInstanceError):
        model.active_band = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        model.lattice.layers[0].thickness = 1.0  # type: ignore[misc]
    assert isinstance(model.pairing.g, tuple) and all(isinstance(r, tuple) for r in model.pairing.g)
    variant = model.with_g(0.3)
    assert variant.pairing.g[2][2] == 0.3 and model.pairing.g[2][2] == 0.25
    assert variant != model and hash(variant) != hash(model)
    rejected(lambda: dataclasses.replace(model.lattice.layers[0], thickness=-1.0), "thickness", "-1.0", "> 0")


def test_different_models_differ():
    assert preset("A") != preset("B")
    a = preset("A")
    moved = dataclasses.replace(a, lattice=dataclasses.replace(a.lattice, mass_x=1.0 + 1e-12))
    assert moved != a


def test_missing_optional_keys_take_their_defaults():
    data = model_to_dict(preset("A"))
    for key in ("name", "active_band", "numerics"):
        del data[key]
    del data["pairing"]["softening"]
    model = model_from_dict(data)
    assert model.name == "custom"
    assert model.active_band == 3
    assert model.numerics == Numerics()
    assert model.pairing.softening is True


# --------------------------------------------------------------------------------- strict TOML


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        (lambda d: d.update(nmae="x"), ("nmae", "'x'", "unknown key")),
        (lambda d: d["lattice"].update(mas_x=1.0), ("lattice.mas_x", "1.0", "unknown key")),
        (
            lambda d: d["lattice"]["layers"][1].update(thicknes=0.5),
            ("lattice.layers[1].thicknes", "0.5", "unknown"),
        ),
        (lambda d: d["pairing"].update(omgea0=1), ("pairing.omgea0", "1", "unknown key", "omega0")),
        (lambda d: d["numerics"].update(nq=3), ("numerics.nq", "3", "unknown key")),
        (lambda d: d.update(extra={"a": 1}), ("extra", "unknown key")),
    ],
    ids=["top", "lattice", "layer", "pairing", "numerics", "table"],
)
def test_unknown_keys_are_rejected_with_their_name(change, fragments):
    rejected(lambda: loads_model(edited(change)), *fragments)


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        (
            lambda d: d["lattice"]["layers"][0].update(thickness="0.85"),
            ("lattice.layers[0].thickness", "'0.85'", "real number"),
        ),
        (
            lambda d: d["lattice"]["layers"][1].update(mass=True),
            ("lattice.layers[1].mass", "True", "real number"),
        ),
        (
            lambda d: d["lattice"]["layers"][1].update(potential="high"),
            ("lattice.layers[1].potential", "'high'"),
        ),
        (lambda d: d["lattice"].update(mass_x=False), ("lattice.mass_x", "False", "real number")),
        (lambda d: d["lattice"].update(layers={"thickness": 1.0}), ("lattice.layers", "array")),
        (lambda d: d["lattice"]["layers"].__setitem__(0, 1.5), ("lattice.layers[0]", "1.5", "table")),
        (lambda d: d["pairing"]["g"][0].__setitem__(1, "0.02"), ("pairing.g", "'0.02'")),
        (lambda d: d["pairing"].update(g=0.1), ("pairing.g", "0.1", "square matrix")),
        (lambda d: d["pairing"].update(omega0="330"), ("pairing.omega0", "'330'", "real number")),
        (lambda d: d["pairing"].update(softening="yes"), ("pairing.softening", "'yes'", "true or false")),
        (lambda d: d["numerics"].update(n_q=16.0), ("numerics.n_q", "16.0", "integer")),
        (lambda d: d["numerics"].update(n_z=True), ("numerics.n_z", "True", "integer")),
        (lambda d: d.update(active_band=True), ("active_band", "True", "integer")),
        (lambda d: d.update(active_band=2.0), ("active_band", "2.0", "integer")),
        (lambda d: d.update(name=5), ("name", "5", "string")),
        (lambda d: d.update(pairing=[1, 2]), ("pairing", "[1, 2]", "table")),
    ],
)
def test_wrong_types_are_rejected_with_field_and_value(change, fragments):
    rejected(lambda: loads_model(edited(change)), *fragments)


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        (
            lambda d: d["lattice"]["layers"][0].update(thickness=0.0),
            ("lattice.layers[0].thickness", "0.0", "> 0"),
        ),
        (
            lambda d: d["lattice"]["layers"][1].update(thickness=-0.55),
            ("lattice.layers[1].thickness", "-0.55", "> 0"),
        ),
        (lambda d: d["lattice"]["layers"][0].update(mass=0.0), ("lattice.layers[0].mass", "0.0", "> 0")),
        (lambda d: d["lattice"]["layers"][1].update(mass=-0.5), ("lattice.layers[1].mass", "-0.5", "> 0")),
        (lambda d: d["lattice"].update(mass_x=0.0), ("lattice.mass_x", "0.0", "> 0")),
        (lambda d: d["lattice"].update(layers=[]), ("lattice.layers", "at least one layer")),
        (lambda d: d["pairing"].update(omega0=-330.0), ("pairing.omega0", "-330.0", "> 0")),
        (lambda d: d["pairing"]["g"][0].__setitem__(0, -0.1), ("pairing.g[0][0]", "-0.1", ">= 0")),
        (lambda d: d["pairing"]["g"][1].__setitem__(1, math.inf), ("pairing.g[1][1]", "inf", "finite")),
        (lambda d: d["numerics"].update(n_z=8), ("numerics.n_z", "8", ">= 16")),
        (lambda d: d["numerics"].update(tc_floor=0.0), ("numerics.tc_floor", "0.0", "> 0")),
    ],
)
def test_unphysical_values_are_rejected_with_field_value_and_rule(change, fragments):
    rejected(lambda: loads_model(edited(change)), *fragments)


def test_coupling_matrix_rules():
    # g_nn >= 0.5 with the softening on: rejected, naming g, its value and the way out
    rejected(
        lambda: loads_model(edited(lambda d: d["pairing"]["g"][2].__setitem__(2, 0.5))),
        "pairing.g",
        "0.5",
        "< 0.5",
        "softening",
    )
    rejected(lambda: preset("A").with_g(0.62), "0.62", "< 0.5")
    # ... accepted with the softening switched off
    off = loads_model(
        edited(lambda d: (d["pairing"]["g"][2].__setitem__(2, 0.7), d["pairing"].update(softening=False)))
    )
    assert off.pairing.g[2][2] == 0.7 and off.pairing.omega == off.pairing.omega0
    # asymmetric g
    message = rejected(
        lambda: loads_model(edited(lambda d: d["pairing"]["g"][2].__setitem__(0, 0.03))),
        "pairing.g[2][0] = 0.03",
        "pairing.g[0][2] = 0.02",
        "symmetric",
    )
    assert "differs" in message
    rejected(lambda: loads_model(edited(lambda d: d["pairing"]["g"].pop())), "pairing.g", "square")
    # more active bands than the coupling matrix describes
    rejected(lambda: loads_model(edited(lambda d: d.update(active_band=4))), "active_band = 4", "3 bands")
    rejected(lambda: loads_model(edited(lambda d: d.update(active_band=0))), "active_band = 0", ">= 1")


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        (lambda d: d.pop("lattice"), ("lattice", "missing", "required")),
        (lambda d: d.pop("pairing"), ("pairing", "missing", "required")),
        (lambda d: d["lattice"].pop("layers"), ("lattice.layers", "missing")),
        (lambda d: d["lattice"]["layers"][0].pop("potential"), ("lattice.layers[0].potential", "missing")),
        (lambda d: d["pairing"].pop("omega0"), ("pairing.omega0", "missing")),
        (lambda d: d["pairing"].pop("g"), ("pairing.g", "missing")),
    ],
)
def test_missing_required_entries_are_named(change, fragments):
    rejected(lambda: loads_model(edited(change)), *fragments)


def test_unreadable_or_invalid_files_are_model_errors(tmp_path):
    rejected(lambda: loads_model("[lattice\nlayers = 1"), "not valid TOML")
    missing = tmp_path / "nope.toml"
    rejected(lambda: load_model(missing), str(missing), "cannot be read")


def test_python_constructors_validate_like_the_files():
    rejected(lambda: Layer(thickness="0.85", potential=0.0, mass=1.0), "thickness", "'0.85'")
    rejected(lambda: Layer(thickness=0.85, potential=0.0, mass=True), "mass", "True")
    rejected(lambda: Layer(thickness=0.85, potential=math.nan, mass=1.0), "potential", "nan", "finite")
    rejected(lambda: Superlattice(layers=()), "lattice.layers", "at least one")
    rejected(lambda: Superlattice(layers=("wire",)), "lattice.layers[0]", "'wire'", "Layer")
    rejected(lambda: Pairing(g=((0.1, 0.2), (0.3, 0.1)), omega0=100.0), "pairing.g[1][0]", "symmetric")
    rejected(lambda: Numerics(n_q=2), "numerics.n_q", "2", ">= 4")
    pairing = Pairing.from_couplings([0.1, 0.1], 0.02, omega0=100.0)
    rejected(lambda: Model(lattice=preset("A").lattice, pairing=pairing), "active_band = 3", "2 bands")


# --------------------------------------------------------------------------------- cutoff


@pytest.mark.parametrize("g", [0.0, 0.1, 0.25, 1 / 3, 0.45, 0.499])
def test_omega_tilde_is_the_migdal_softened_cutoff(g):
    assert omega_tilde(330.0, g) == pytest.approx(330.0 * math.sqrt(1.0 - 2.0 * g), rel=ROUNDING_RTOL)
    assert omega_tilde(330.0, g, softening=False) == 330.0


def test_omega_tilde_rejects_g_of_one_half_and_more_unless_softening_is_off():
    for g in (0.5, 0.7):
        message = rejected(lambda g=g: omega_tilde(330.0, g), "max g_nn", str(g), "< 0.5")
        assert re.search("softening", message)
        assert omega_tilde(330.0, g, softening=False) == 330.0


def test_pairing_cutoff_uses_the_largest_intraband_coupling():
    pairing = Pairing(g=((0.1, 0.45), (0.45, 0.2)), omega0=225.0)  # large interband g is not in eq. 1
    assert pairing.g_max == 0.2
    assert pairing.omega == pytest.approx(225.0 * math.sqrt(1 - 0.4), rel=ROUNDING_RTOL)
    a = preset("A")
    assert a.pairing.omega == pytest.approx(330.0 * math.sqrt(1 - 2 * 0.25), rel=ROUNDING_RTOL)
    assert a.with_g(0.05).pairing.omega == pytest.approx(330.0 * math.sqrt(1 - 2 * 0.10), rel=ROUNDING_RTOL)
