"""Property test of the public Python API under out-of-domain and non-finite arguments.

Every call of the public entry points (critical_temperature, zero_temperature_gaps,
isotope_coefficient, pairing_problem, load_model/loads_model/model_from_dict, band_structure,
run_cut/run_map on tiny grids, get_theory) with hostile arguments — NaN, ±inf, 1e308,
denormals, huge integers, numpy scalars, bools, strings, lists, None — must either return a
finite result with a status or raise a :class:`~multigap.errors.MultigapError` subclass; never
another exception (IndexError, ZeroDivisionError, numpy errors, OverflowError ...), never a
non-finite number reported as computed.  Models at the edges of the accepted ranges
(:mod:`multigap.model`) must compute or fail the same way.  Numpy integer scalars are accepted
wherever an int is.

The examples are derandomised (a fixed set, reproducible on any machine); the classes of input
are listed in the strategies below.
"""

from __future__ import annotations

import dataclasses
import math
import os
from typing import Any, cast

import numpy as np
import pytest
import tomli_w
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from multigap import (
    Model,
    Numerics,
    band_structure,
    critical_temperature,
    isotope_coefficient,
    load_model,
    loads_model,
    preset,
    zero_temperature_gaps,
)
from multigap.errors import MultigapError
from multigap.model import (
    COUPLING_MAX,
    ETA_MAX,
    MASS_RANGE,
    N_Q_RANGE,
    POTENTIAL_MAX,
    THICKNESS_RANGE,
    Layer,
    Pairing,
    Superlattice,
    model_from_dict,
    model_to_dict,
)
from multigap.problem import pairing_problem
from multigap.status import Status
from multigap.sweep import run_cut, run_map
from multigap.theories import get_theory
from tolerances import TC_SOLVE_RTOL

A = preset("A")
STATUSES = {s.value for s in Status}


_EXPLORE = os.environ.get("MULTIGAP_FUZZ", "") == "explore"


def api_settings(n: int) -> settings:
    """``n`` derandomised examples, reported as drawn (no shrinking: keeps the suite short).

    ``MULTIGAP_FUZZ=explore``: 5n fresh random examples (as in tests/test_fuzz.py).
    """
    return settings(
        max_examples=5 * n if _EXPLORE else n,
        derandomize=not _EXPLORE,
        database=None,
        deadline=None,
        phases=[p for p in Phase if p is not Phase.shrink],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


# ---------------------------------------------------------------------------------- strategies
#: Values that broke v0.1 or sit on the edge of double precision.
EDGE_FLOATS = [0.0, -0.0, 5e-324, -5e-324, 2.2e-308, 1e-300, 1e300, 1e308, -1e308, 1.7e308]
NON_FINITE = [math.inf, -math.inf, math.nan]

hostile_floats = st.one_of(
    st.sampled_from(EDGE_FLOATS + NON_FINITE),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-3.0, 3.0),
)
hostile_ints = st.one_of(st.integers(-(10**30), 10**30), st.sampled_from([0, -1, 1, 2**63, 10**400]))
numpy_scalars = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=32).map(np.float32),
    hostile_floats.map(np.float64),
    st.integers(-(2**63), 2**63 - 1).map(np.int64),
    st.integers(-(2**31), 2**31 - 1).map(np.int32),
)
numbers = st.one_of(hostile_floats, hostile_ints, numpy_scalars)
anything = st.one_of(
    numbers,
    st.none(),
    st.booleans(),
    st.text(max_size=4),
    st.lists(numbers, max_size=3),
    st.lists(st.lists(numbers, min_size=3, max_size=3), min_size=3, max_size=3),
)
#: An optional override: None (the model's), a value in the domain, or anything.
maybe = st.one_of(st.none(), st.floats(0.0, 0.45), anything)


def check(call: Any) -> Any:
    """Run ``call``: its result, or None after a MultigapError; any other exception propagates."""
    try:
        result = call()
    except MultigapError as exc:
        assert str(exc), "a MultigapError without a message"
        _event(f"refused: {type(exc).__name__}")
        return None
    _event("computed")
    return result


def _event(name: str) -> None:
    """Count an outcome in hypothesis' statistics (``--hypothesis-show-statistics``)."""
    if currently_in_test_context():
        event(name)


def assert_tc_result(r: Any) -> None:
    assert r.status in STATUSES
    for name in ("tc", "mu", "mu0", "omega"):
        assert math.isfinite(getattr(r, name)), (name, r)
    assert r.tc >= 0


def assert_gap_summary(r: Any) -> None:
    assert math.isfinite(r.tc) and r.tc >= 0
    assert math.isfinite(r.mu) and math.isfinite(r.mu0)
    assert r.result.status in STATUSES
    for arr in (r.gaps.mean, r.gaps.minimum, r.gaps.maximum):
        assert np.all(np.isfinite(arr)), r
    if r.tc > 0:
        assert np.all(np.isfinite(r.ratios)), r


def one_hostile(**valid: st.SearchStrategy) -> st.SearchStrategy[dict[str, Any]]:
    """Keyword arguments: all drawn from ``valid``, or all but one, which is drawn from ``anything``."""
    names = sorted(valid)
    return st.one_of(
        st.fixed_dictionaries(valid),
        st.sampled_from(names).flatmap(lambda bad: st.fixed_dictionaries({**valid, bad: anything})),
    )


#: In-domain values of the solvers' arguments (None: the model's own).
VALID = {
    "eta": st.floats(-1.5, 2.5),
    "g": st.one_of(st.none(), st.floats(0.0, 0.45)),
    "interband": st.one_of(st.none(), st.floats(-0.1, 0.1)),
    "omega0": st.one_of(st.none(), st.floats(20.0, 500.0)),
    "n_nodes": st.one_of(st.none(), st.integers(4, 12)),
}


# ------------------------------------------------------------------------- the point solvers
@pytest.mark.slow
@api_settings(120)
@given(kwargs=one_hostile(**VALID, mu_mode=st.sampled_from(["fixed", "density"])))
def test_critical_temperature(kwargs):
    r = check(lambda: critical_temperature(A, **kwargs))
    if r is not None:
        assert_tc_result(r)


@api_settings(25)
@given(
    kwargs=one_hostile(
        eta=VALID["eta"], g=VALID["g"], interband=VALID["interband"], temperature=st.floats(0.0, 100.0)
    )
)
def test_zero_temperature_gaps(kwargs):
    r = check(lambda: zero_temperature_gaps(A, **kwargs))
    if r is not None:
        assert_gap_summary(r)


@api_settings(30)
@given(
    kwargs=one_hostile(
        eta=VALID["eta"],
        g=VALID["g"],
        omega0=VALID["omega0"],
        method=st.sampled_from(["hellmann-feynman", "finite-difference"]),
    )
)
def test_isotope_coefficient(kwargs):
    r = check(lambda: isotope_coefficient(A, **kwargs))
    if r is not None:
        assert isinstance(r, float)
        if math.isnan(r):  # documented: α undefined where Tc is below the floor
            del kwargs["method"]
            assert critical_temperature(A, **kwargs).status == "below_floor"
        else:
            assert math.isfinite(r)


@api_settings(150)
@given(kwargs=one_hostile(**VALID))
def test_pairing_problem(kwargs):
    eta = kwargs.pop("eta")
    p = check(lambda: pairing_problem(A, eta, **kwargs))
    if p is not None:
        assert math.isfinite(p.mu0) and math.isfinite(p.omega) and p.omega > 0
        assert np.all(np.isfinite(p.g)) and np.all(np.abs(p.g) <= COUPLING_MAX)
        assert isinstance(p.n_nodes, int) and N_Q_RANGE[0] <= p.n_nodes <= N_Q_RANGE[1]


@api_settings(60)
@given(
    name=st.one_of(st.sampled_from(["bcs", "eliashberg", "BCS", ""]), anything),
    options=st.dictionaries(st.text(max_size=8), anything, max_size=2),
)
def test_get_theory(name, options):
    theory = check(lambda: get_theory(name, **options))
    if theory is not None:
        assert hasattr(theory, "solve_tc")


# ---------------------------------------------------------------------------------- models
_PATHS = [
    ("name",),
    ("active_band",),
    ("lattice", "mass_x"),
    ("lattice", "layers"),
    ("lattice", "layers", 0, "thickness"),
    ("lattice", "layers", 1, "potential"),
    ("lattice", "layers", 1, "mass"),
    ("pairing", "g"),
    ("pairing", "g", 0),
    ("pairing", "g", 2, 2),
    ("pairing", "g", 0, 1),
    ("pairing", "omega0"),
    ("pairing", "softening"),
    ("numerics", "n_q"),
    ("numerics", "n_z"),
    ("numerics", "tc_floor"),
    ("numerics",),
    ("unknown",),
]

toml_values = st.one_of(
    hostile_floats,
    st.integers(-(2**63), 2**63 - 1),
    st.booleans(),
    st.text(max_size=4),
    st.lists(hostile_floats, max_size=3),
    st.dictionaries(st.text(min_size=1, max_size=3), hostile_floats, max_size=2),
)


def _replace(data: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        out = dict(data)
        out[head] = _replace(data.get(head, {}), rest, value)
        return out
    if isinstance(data, list) and isinstance(head, int) and head < len(data):
        out_list = list(data)
        out_list[head] = _replace(data[head], rest, value)
        return out_list
    return value


@api_settings(200)
@given(path=st.sampled_from(_PATHS), value=toml_values)
def test_model_files_with_one_hostile_field(path, value):
    data = _replace(model_to_dict(A), path, value)
    model = check(lambda: model_from_dict(data))
    if model is not None:
        assert isinstance(model, Model)
    text = tomli_w.dumps(data)
    again = check(lambda: loads_model(text))
    assert (again is None) == (model is None)


@api_settings(60)
@given(
    text=st.one_of(st.text(max_size=40), st.sampled_from(["[" * 5000, "a = [" * 3000, "\ufeff", "x = 1e999"]))
)
def test_loads_model_text(text):
    check(lambda: loads_model(text))


@pytest.mark.parametrize(
    "path",
    ["", "/", "/dev/zero", "/dev/null", "/proc/self/mem", "no/such/file.toml", "a\x00b", 3, None, b"x"],
)
def test_load_model_paths(path):
    assert check(lambda: load_model(path)) is None


def test_load_model_fifo_does_not_hang(tmp_path):
    import os

    fifo = tmp_path / "m.toml"
    os.mkfifo(fifo)
    assert check(lambda: load_model(fifo)) is None


# ------------------------------------------------------------- models on the range edges
lattice_edges = st.builds(
    lambda t1, t2, v, m1, m2: Superlattice(
        layers=(Layer(thickness=t1, potential=0.0, mass=m1), Layer(thickness=t2, potential=v, mass=m2))
    ),
    st.sampled_from([THICKNESS_RANGE[0], 0.05, 1.0, THICKNESS_RANGE[1]]),
    st.sampled_from([THICKNESS_RANGE[0], 0.5, THICKNESS_RANGE[1]]),
    st.sampled_from([-POTENTIAL_MAX, 0.0, 4160.0, POTENTIAL_MAX]),
    st.sampled_from([MASS_RANGE[0], 1.0, MASS_RANGE[1]]),
    st.sampled_from([MASS_RANGE[0], 0.5, MASS_RANGE[1]]),
)


@pytest.mark.slow
@api_settings(30)
@given(
    lattice=lattice_edges,
    eta=st.sampled_from([-ETA_MAX, -1.0, 0.5, 3.0, ETA_MAX]),
    g=st.sampled_from([0.0, 0.25, 0.49]),
)
def test_models_on_the_edges_of_the_accepted_ranges_compute_or_fail_cleanly(lattice, eta, g):
    model = check(lambda: dataclasses.replace(A, lattice=lattice, pairing=dataclasses.replace(A.pairing)))
    if model is None:
        return
    bands = check(lambda: band_structure(model))
    if bands is None:
        return
    assert np.all(np.isfinite(bands.band_edges))
    r = check(lambda: critical_temperature(model, eta=eta, g=g))
    if r is not None:
        assert_tc_result(r)


@api_settings(20)
@given(
    floor=st.sampled_from([1e-20, 1e-8, 1.0, 1e3, 1e6]),
    omega0=st.sampled_from([1e-6, 1.0, 330.0, 1e5]),
    softening=st.booleans(),
    g=st.sampled_from([0.0, 0.3, 0.49, 2.0, COUPLING_MAX]),
)
def test_the_tc_floor_never_exceeds_the_scale_of_the_problem(floor, omega0, softening, g):
    def build() -> Model:
        pairing = Pairing.from_couplings([0.1, 0.1, 0.25], omega0=omega0, softening=softening)
        return Model(lattice=A.lattice, pairing=pairing, numerics=Numerics(tc_floor=floor))

    model = check(build)
    if model is None:
        return
    r = check(lambda: critical_temperature(model, eta=0.5, g=g))
    if r is not None:
        assert_tc_result(r)
        assert r.floor < r.omega / 0.0861733  # k_B in meV/K: the floor lies below the cutoff


# ---------------------------------------------------------------------------------- sweeps


@api_settings(25)
@given(
    kwargs=one_hostile(
        eta=st.lists(st.floats(-1.0, 2.0), min_size=1, max_size=2),
        g=st.lists(st.floats(0.0, 0.45), min_size=1, max_size=2),
        chunk_size=st.one_of(st.none(), st.integers(1, 4)),
    )
)
def test_run_map_on_tiny_grids(kwargs):
    run = check(lambda: run_map(A, executor="serial", progress=False, **kwargs))
    if run is not None:
        ds = run.dataset
        assert ds["tc"].size <= 4
        ok = ds["status"].values != Status.FAILED.code
        assert np.all(np.isfinite(ds["tc"].values[ok]))


@api_settings(12)
@given(
    kwargs=one_hostile(
        eta=st.lists(st.floats(-1.0, 2.0), min_size=1, max_size=2), g=VALID["g"], interband=VALID["interband"]
    )
)
def test_run_cut_on_tiny_grids(kwargs):
    ds = check(lambda: run_cut(A, executor="serial", quantities=("tc",), progress=False, **kwargs))
    if ds is not None:
        ok = ds["status"].values != Status.FAILED.code
        assert np.all(np.isfinite(ds["tc"].values[ok]))


# ------------------------------------------------------------------- numpy integer scalars
def test_numpy_integer_scalars_are_accepted_where_ints_are():
    """The annotations say int; numpy integer scalars (what array indexing gives) work too."""
    i64, i32, i16 = cast(Any, np.int64), cast(Any, np.int32), cast(Any, np.int16)
    model = dataclasses.replace(A, active_band=i64(3), numerics=Numerics(n_q=i32(8), n_z=i64(24)))
    assert model == A and type(model.active_band) is int and type(model.numerics.n_q) is int
    ref = critical_temperature(A, eta=0.5)
    r = critical_temperature(model, eta=np.float64(0.5), n_nodes=i64(8))
    assert r.tc == ref.tc
    assert pairing_problem(A, cast(Any, np.float32(0.5)), n_nodes=i16(8)).n_nodes == 8
    run = run_map(A, np.array([0.5]), np.array([0.25]), executor="serial", chunk_size=i64(1), progress=False)
    tc = critical_temperature(A, eta=0.5, g=0.25).tc
    assert run.dataset["tc"].item() == pytest.approx(tc, rel=TC_SOLVE_RTOL)  # measured: equal
    assert A.pairing.with_active_coupling(i64(3), 0.3).g[2][2] == 0.3
