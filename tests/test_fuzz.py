"""Property-based tests (hypothesis): random physical models through bands -> Tc -> gaps.

The strategies draw superlattices, couplings, cutoffs and Lifshitz parameters over the physical
ranges a user may try (layer widths 0.2-3 nm, barriers 0-6000 meV, masses 0.1-3 m_e, 1-4 layers
and 1-4 bands, omega0 20-500 meV, a symmetric coupling matrix with max g_nn < 0.5, eta in
[-1.5, 2.5], the active band among the bands).  Every case must end

* in a result whose numbers are all finite (Tc, mu, mu0, the cutoff, the gaps and their extremes,
  the gap ratios where Tc > 0, Delta_a/Delta_(a-1) where the lower gap is not 0, the isotope
  coefficient where Tc > 0), with consistent statuses, or
* in one of the documented errors of :mod:`multigap.errors` (a ``MultigapError`` subclass) with a
  message;

never in another exception, a NaN/inf, a warning (warnings are errors in this suite) or a hang
(each example runs under a hard time bound).  ``hypothesis`` runs a fixed, derandomised set of
examples by default so that the suite is reproducible; set ``MULTIGAP_FUZZ=explore`` for fresh
random examples (and more of them), e.g.::

    MULTIGAP_FUZZ=explore .venv/bin/python -m pytest tests/test_fuzz.py --hypothesis-show-statistics

Units: nm, meV, K, m_e.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
import signal
import threading
from collections.abc import Iterator
from datetime import timedelta

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, event, example, given, settings
from hypothesis import strategies as st

import multigap.errors
from multigap import (
    Layer,
    Model,
    Pairing,
    Superlattice,
    band_structure,
    critical_temperature,
    isotope_coefficient,
    lifshitz_scale,
    preset,
    zero_temperature_gaps,
)
from multigap.cli import main
from multigap.errors import MultigapError
from multigap.model import dumps_model

#: The documented error classes (``multigap.errors.__all__``).
DOCUMENTED_ERRORS = tuple(getattr(multigap.errors, name) for name in multigap.errors.__all__)

#: Hard bound on one example, s: a hang fails the test instead of stalling the suite.
TIME_BOUND = 30.0

_EXPLORE = os.environ.get("MULTIGAP_FUZZ", "") == "explore"


def fuzz_settings(n: int) -> settings:
    """``n`` derandomised examples (``MULTIGAP_FUZZ=explore``: 4n random ones), a few s each.

    The derandomised run reports a failing example as drawn, without shrinking it (shrinking a
    failure took more than 5 minutes, which would blow the suite's 10-minute budget); explore
    mode shrinks.
    """
    return settings(
        max_examples=4 * n if _EXPLORE else n,
        derandomize=not _EXPLORE,
        phases=list(Phase) if _EXPLORE else [p for p in Phase if p is not Phase.shrink],
        database=None,
        deadline=timedelta(seconds=10),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
        print_blob=True,
    )


class Hang(Exception):
    """An example ran past :data:`TIME_BOUND` (not a MultigapError: it fails the test)."""


@contextlib.contextmanager
def time_bound(seconds: float = TIME_BOUND) -> Iterator[None]:
    """Raise :class:`Hang` in this thread after ``seconds`` (SIGALRM; main thread on POSIX only)."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise Hang(f"example still running after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0.0)
        signal.signal(signal.SIGALRM, previous)


# ------------------------------------------------------------------------------------ strategies

widths = st.floats(0.2, 3.0)
barriers = st.floats(0.0, 6000.0)
masses = st.floats(0.1, 3.0)
omega0s = st.floats(20.0, 500.0)
etas = st.floats(-1.5, 2.5)
intraband = st.floats(0.0, 0.49)
interband = st.floats(-0.05, 0.1)


@st.composite
def coupling_matrices(draw: st.DrawFn, n_bands: int) -> tuple[tuple[float, ...], ...]:
    """Symmetric n x n couplings: g_nn in [0, 0.49] (max < 0.5), g_nn' in [-0.05, 0.1]."""
    g = [[0.0] * n_bands for _ in range(n_bands)]
    for i in range(n_bands):
        g[i][i] = draw(intraband)
        for j in range(i):
            g[i][j] = g[j][i] = draw(interband)
    return tuple(tuple(row) for row in g)


#: Narrower ranges around the paper's superlattice (L = 0.85, W = 0.55 nm, V = 4160 meV, m ~ 0.5-1),
#: where the subbands are neither touching nor flat: most draws reach the pairing solvers.
moderate_widths = st.floats(0.4, 1.5)
moderate_barriers = st.floats(1000.0, 5000.0)
moderate_masses = st.floats(0.3, 1.5)


@st.composite
def models(draw: st.DrawFn, stack: bool = False, moderate: bool = False) -> Model:
    """A wire/spacer superlattice (paper-like), or with ``stack`` any stack of 1-4 layers.

    ``moderate`` draws the wire/spacer lattice from the narrower ranges around the paper's.
    """
    if moderate:
        layers = (
            Layer(thickness=draw(moderate_widths), potential=0.0, mass=draw(moderate_masses)),
            Layer(
                thickness=draw(moderate_widths), potential=draw(moderate_barriers), mass=draw(moderate_masses)
            ),
        )
    elif stack:
        layers = tuple(
            Layer(thickness=draw(widths), potential=draw(barriers), mass=draw(masses))
            for _ in range(draw(st.integers(1, 4)))
        )
    else:
        layers = (
            Layer(thickness=draw(widths), potential=0.0, mass=draw(masses)),
            Layer(thickness=draw(widths), potential=draw(barriers), mass=draw(masses)),
        )
    mass_x = draw(st.none() | masses)
    n_bands = draw(st.integers(1, 4))
    return Model(
        name="fuzz",
        lattice=Superlattice(layers=layers, mass_x=mass_x),
        pairing=Pairing(g=draw(coupling_matrices(n_bands)), omega0=draw(omega0s)),
        active_band=draw(st.integers(1, n_bands)),
    )


# -------------------------------------------------------------------------------------- checks


def finite(where: str, *values: float) -> None:
    bad = [v for v in values if not math.isfinite(v)]
    assert not bad, f"{where}: non-finite value(s) {bad}"


def check_bands(model: Model) -> None:
    bands = band_structure(model)
    edges = np.asarray(bands.band_edges)
    assert edges.shape == (model.n_bands, 2)
    finite("band edges", *edges.ravel())
    assert np.all(edges[:, 0] <= edges[:, 1]), edges
    assert np.all(np.diff(edges[:, 0]) >= 0), f"bands out of order: {edges}"
    e_l, width = lifshitz_scale(bands, model.active_band)
    finite("E_L, dE", e_l, width)
    assert width >= 0


def check_tc(model: Model, eta: float, mu_mode: str = "fixed") -> float:
    r = critical_temperature(model, eta=eta, mu_mode=mu_mode)
    finite("Tc result", r.tc, r.mu, r.mu0, r.omega, r.eigenvalue)
    assert r.status in ("converged", "below_floor"), r.status
    assert r.converged
    assert (r.tc == 0.0) == (r.status == "below_floor"), (r.tc, r.status)
    assert r.tc == 0.0 or r.tc >= r.floor
    assert r.omega > 0
    if mu_mode == "fixed":
        assert r.mu == r.mu0
    return r.tc


def check_gaps(model: Model, eta: float, mu_mode: str = "density") -> None:
    s = zero_temperature_gaps(model, eta=eta, mu_mode=mu_mode)
    res = s.result
    finite("gaps", s.tc, s.mu, s.mu0, s.mu_shift, res.omega, res.residual)
    finite("band gaps", *s.gaps.mean, *s.gaps.minimum, *s.gaps.maximum)
    assert res.status in ("converged", "normal"), res.status
    if res.status == "normal":
        assert not np.any(s.gaps.mean), s.gaps.mean
    if s.tc > 0:
        finite("gap ratios", *s.ratios)
    else:
        assert res.status == "normal"
    if mu_mode == "fixed":
        assert s.mu == s.mu0
    for upper in range(1, model.n_bands + 1):
        lower = upper - 1 if upper > 1 else 2
        if lower <= model.n_bands and s.gaps.mean[lower - 1] != 0:
            finite(f"Delta{upper}/Delta{lower}", s.anisotropy(upper, lower))


def outcome(run: object, *args: object, **kwargs: object) -> str:
    """Run a pipeline under the time bound; a documented error is an accepted outcome."""
    try:
        with time_bound():
            run(*args, **kwargs)  # type: ignore[operator]
    except MultigapError as exc:
        assert isinstance(exc, DOCUMENTED_ERRORS), f"{type(exc).__name__} is not listed in multigap.errors"
        assert str(exc).strip(), f"{type(exc).__name__} without a message"
        event(f"outcome: {type(exc).__name__}")
        return type(exc).__name__
    event("outcome: result")
    return "result"


def pipeline(model: Model, eta: float) -> None:
    check_bands(model)
    check_tc(model, eta)
    check_gaps(model, eta)


# ------------------------------------------------------------------------------------------ tests


#: Found by this file: an empty active band 1 (mu0 at or below every band, zero density) with a
#: Tc above the floor; the number equation divided by the zero density (ZeroDivisionError).
_EMPTY_BANDS = dataclasses.replace(preset("A"), active_band=1).with_g(0.4)

#: Found by this file: mu0 one rounding step above the bottom of band 1 (eta = 1e-14), no pairing;
#: the Fermi-surface average of the band gap was 0/0 (all quadrature weights 0): NaN gap and a
#: RuntimeWarning ("invalid value encountered in scalar divide") in observables.band_gaps.
_HAIR_ABOVE_EDGE = Model(
    lattice=Superlattice(
        layers=(
            Layer(thickness=0.9507633677675049, potential=3049.1366553982034, mass=1.309591339033639),
            Layer(thickness=0.635632040703922, potential=2599.1614430973527, mass=0.9796540916784977),
        ),
        mass_x=2.7076294628132884,
    ),
    pairing=Pairing(g=((0.0, 0.0), (0.0, 0.0)), omega0=20.0),
    active_band=1,
)


@pytest.mark.parametrize(
    ("model", "eta"),
    [(_EMPTY_BANDS, -1.0), (_EMPTY_BANDS, 0.0), (_HAIR_ABOVE_EDGE, 1e-14)],
    ids=["empty-band-1-eta-1", "empty-band-1-eta-0", "hair-above-edge"],
)
def test_the_cases_this_file_found_end_in_finite_results(model: Model, eta: float) -> None:
    """The fast part of this module (``make quick``; the hypothesis tests are slow): the cases the
    fuzz tests found, through the same checks, end in finite results."""
    with time_bound():
        pipeline(model, eta)


@pytest.mark.slow
@example(model=_EMPTY_BANDS, eta=-1.0)
@example(model=_EMPTY_BANDS, eta=0.0)
@example(model=_HAIR_ABOVE_EDGE, eta=1e-14)
@given(model=models(), eta=etas)
@fuzz_settings(30)
def test_wire_spacer_models_end_in_finite_results_or_documented_errors(model: Model, eta: float) -> None:
    outcome(pipeline, model, eta)


@pytest.mark.slow
@given(model=models(moderate=True), eta=etas)
@fuzz_settings(30)
def test_moderate_superlattices_reach_the_solvers(model: Model, eta: float) -> None:
    """Around the paper's lattice most cases end in a result; every one in a result or a documented error."""
    outcome(pipeline, model, eta)


@pytest.mark.slow
@given(model=models(stack=True), eta=etas)
@fuzz_settings(25)
def test_layer_stacks_end_in_finite_results_or_documented_errors(model: Model, eta: float) -> None:
    outcome(pipeline, model, eta)


@pytest.mark.slow
@given(
    name=st.sampled_from(["A", "B"]),
    eta=etas,
    g=intraband,
    interband=interband,
    omega0=omega0s,
)
@fuzz_settings(40)
def test_paper_models_any_eta_and_coupling(
    name: str, eta: float, g: float, interband: float, omega0: float
) -> None:
    """The presets over the whole (eta, g) plane of Figs. 8-11, with other interband couplings and omega0."""
    model = preset(name)
    model = dataclasses.replace(
        model,
        pairing=Pairing.from_couplings([0.1, 0.1, g], interband, omega0=omega0),
    )
    assert outcome(pipeline, model, eta) == "result"


def _density_and_isotope(model: Model, eta: float) -> None:
    check_bands(model)
    tc = check_tc(model, eta, mu_mode="density")
    check_gaps(model, eta, mu_mode="fixed")
    alpha = isotope_coefficient(model, eta=eta)
    if check_tc(model, eta) > 0:
        finite("isotope coefficient", alpha)
    else:
        assert math.isnan(alpha)
    del tc


@pytest.mark.slow
@given(model=models(), eta=etas)
@fuzz_settings(25)
def test_density_mode_tc_fixed_mu_gaps_and_isotope(model: Model, eta: float) -> None:
    outcome(_density_and_isotope, model, eta)


@pytest.mark.slow
@given(model=models(), eta=etas)
@fuzz_settings(20)
def test_cli_tc_and_gaps_exit_0_or_one_line_exit_2(model: Model, eta: float, tmp_path_factory) -> None:
    """The same through ``multigap tc`` and ``multigap gaps``: exit 0 with JSON, or 2 with one line."""
    path = tmp_path_factory.mktemp("fuzz") / "model.toml"
    path.write_text(dumps_model(model), encoding="utf-8")
    runner = CliRunner()
    for command in ("tc", "gaps"):
        with time_bound():
            result = runner.invoke(main, [command, "--model", str(path), "--eta", repr(eta), "--json"])
        if isinstance(result.exception, SystemExit) or result.exception is None:
            assert result.exit_code in (0, 2), (command, result.exit_code, result.output)
        else:
            raise result.exception
        if result.exit_code == 2:
            assert len(result.stderr.strip().splitlines()) == 1, result.stderr
            event(f"cli {command}: exit 2")
            break
        event(f"cli {command}: exit 0")
