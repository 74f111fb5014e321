"""Solve ONE point: model + (η, g, ω₀) + theory + bound + quantities -> a flat record of values.

This is the only module that knows the *variable schema* of sweeps: which variables a point
produces (:func:`schema`), with their dtypes, fill values, units and long names.  Maps, cuts and
paths all store exactly these variables; they differ only in how the points are laid out.

Per point, in order (every stage is optional except Tc):

1. the pairing problem (:func:`multigap.problem.pairing_problem`) -> ``mu0``, ``omega``;
2. Tc from the theory (``theory.solve_tc``; a warm start ``guess`` when given) -> ``tc``,
   ``mu``, ``iterations``, ``status`` and each of ``theory.diagnostics``;
3. with a bound: ``bound.apply`` -> ``tc`` (bounded), ``tc_mf``, ``tc_bound`` and each of
   ``bound.diagnostics``;
4. ``"alpha"``: the isotope coefficient ``theory.isotope`` -> ``alpha``, ``alpha_status``;
5. ``"gaps"``: T = 0 gaps ``theory.solve_gaps`` -> ``gap``, ``gap_min``, ``gap_max``,
   ``gap_ratio``, ``has_fermi_surface`` (per band), ``mu_shift``, ``anisotropy``,
   ``gap_status``.

**Failure policy** (identical for maps, cuts and paths): an error of :data:`POINT_FAILURES`
(any :class:`~multigap.errors.MultigapError`, :class:`ArithmeticError`,
:class:`numpy.linalg.LinAlgError`) in a stage marks that stage ``failed`` (``status`` for Tc and
the bound, ``alpha_status``, ``gap_status``), leaves its values NaN and records
``"<stage>: <Error>: <message>"`` in ``message``; the sweep goes on.  A non-finite Tc, μ or μ₀
reported as computed is a failure too (never a number presented as computed).  Warnings are
caught per point and recorded in ``warning`` (never printed by workers).

Units: η, g dimensionless; ω₀, ω̃₀, μ in meV; Tc in K; gaps in meV.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..datasets import anisotropy_bands
from ..errors import MultigapError
from ..model import Model
from ..problem import pairing_problem, pairing_problems
from ..status import Status, status_flag_attrs

if TYPE_CHECKING:
    from ..bands import BandStructure
    from ..theories import PairingTheory, TcBound

__all__ = [
    "DEFAULT_RTOL",
    "POINT_FAILURES",
    "QUANTITIES",
    "PointSettings",
    "Variable",
    "schema",
    "solve_point",
    "solve_points",
]

#: Quantities a sweep can compute per point.
QUANTITIES = ("tc", "gaps", "alpha")

#: Errors that make a stage of a point ``failed`` instead of stopping the sweep.  Anything else
#: is a bug and propagates (the chunks finished so far are kept on disk).
POINT_FAILURES: tuple[type[BaseException], ...] = (MultigapError, ArithmeticError, np.linalg.LinAlgError)

#: Default relative tolerance of every Tc of a sweep.
DEFAULT_RTOL = 1e-10

#: Temperature of the gap solves of sweeps, K.
GAP_TEMPERATURE = 0.0

#: ``start_guess`` of a point whose Tc search started cold (no warm start).
COLD_START = 0.0

#: ``iterations`` of a point whose Tc search failed.
NO_ITERATIONS = -1

#: CF flag attributes of every status variable.
STATUS_FLAGS: dict[str, Any] = status_flag_attrs()


@dataclass(frozen=True)
class Variable:
    """One stored variable of a sweep.

    Attributes
    ----------
    name : str
    dtype : str
        ``"f8"``, ``"i1"``, ``"i4"`` or ``"U"`` (text).
    fill : object
        Value before the point is solved (and when its stage fails).
    units, long_name : str
    per_band : bool
        One value per band (dimension ``band``) instead of one per point.
    attrs : dict
        Extra attributes (CF flags of status variables).
    """

    name: str
    dtype: str
    fill: Any
    units: str
    long_name: str
    per_band: bool = False
    attrs: dict[str, Any] = field(default_factory=dict)

    def empty(self, n: int, n_bands: int) -> NDArray:
        """An array for ``n`` points filled with :attr:`fill`."""
        shape = (n, n_bands) if self.per_band else (n,)
        if self.dtype == "U":
            return np.full(shape, "", dtype=object)
        return np.full(shape, self.fill, dtype=self.dtype)


@dataclass(frozen=True)
class PointSettings:
    """Everything shared by the points of one run (shipped once per chunk to a worker).

    Attributes
    ----------
    model : Model
        The model, overrides folded in (its TOML is the stored model).
    bands : BandStructure
        Its band structure, computed once by the caller.
    theory : PairingTheory
    bound : TcBound or None
    quantities : tuple of str
        Subset of :data:`QUANTITIES`; ``"tc"`` always included.
    mu_mode : {"fixed", "density"}
        Chemical potential of the Tc search.
    gap_mu_mode : {"fixed", "density"}
        Chemical potential of the gap solve.
    rtol : float
        Relative tolerance of Tc.
    """

    model: Model
    bands: BandStructure
    theory: PairingTheory
    bound: TcBound | None
    quantities: tuple[str, ...]
    mu_mode: str = "fixed"
    gap_mu_mode: str = "density"
    rtol: float = DEFAULT_RTOL

    @property
    def n_bands(self) -> int:
        """Number of bands of the model."""
        return int(self.model.n_bands)


def _f(name: str, units: str, long_name: str) -> Variable:
    return Variable(name, "f8", math.nan, units, long_name)


def _status(name: str, long_name: str) -> Variable:
    return Variable(name, "i1", Status.FAILED.code, "1", long_name, attrs=dict(STATUS_FLAGS))


def schema(settings: PointSettings) -> list[Variable]:
    """The variables a point of ``settings`` produces, in storage order."""
    theory, bound = settings.theory, settings.bound
    tc_name = "bounded critical temperature min(tc_mf, tc_bound)" if bound else "critical temperature"
    out = [
        _f("tc", "K", f"{tc_name} (0: below the floor; NaN: failed)"),
        _status("status", "outcome of the Tc search (and of the bound)"),
        _f("mu", "meV", f"chemical potential at Tc (mu_mode {settings.mu_mode})"),
        _f("mu0", "meV", "normal-state chemical potential mu0 = E_L + eta*dE at T = 0"),
        _f("omega", "meV", "pairing cutoff omega~0 (Migdal-softened phonon energy)"),
        Variable("iterations", "i4", NO_ITERATIONS, "1", "solver iterations of the Tc search (-1: failed)"),
        _f("start_guess", "K", "Tc estimate the search started from (warm start; 0: cold start)"),
    ]
    out += [
        _f(name, units, f"{long} (theory {theory.name})")
        for name, (units, long) in theory.diagnostics.items()
    ]
    if bound is not None:
        out += [
            _f("tc_mf", "K", f"mean-field Tc of theory {theory.name} (0: below the floor)"),
            _f("tc_bound", "K", f"temperature of the bound {bound.name} (NaN: not defined)"),
        ]
        out += [
            _f(name, units, f"{long} (bound {bound.name})")
            for name, (units, long) in bound.diagnostics.items()
        ]
    if "alpha" in settings.quantities:
        out += [
            _f("alpha", "1", "isotope coefficient alpha = (1/2) dln Tc/dln omega0 at fixed g, mu = mu0"),
            _status("alpha_status", "outcome of the isotope coefficient"),
        ]
    if "gaps" in settings.quantities:
        pair = anisotropy_bands(settings.model)
        up, lo = pair if pair is not None else (0, 0)
        band = [
            _f(
                "gap",
                "meV",
                "T = 0 band gap: Fermi-surface average of Delta_n(q), weight 1/k_x (< 0: s+- sign)",
            ),
            _f("gap_min", "meV", "smallest Delta_n(q) on the Fermi surface"),
            _f("gap_max", "meV", "largest Delta_n(q) on the Fermi surface"),
            _f("gap_ratio", "1", "gap ratio 2 Delta_n(T=0)/(k_B Tc) (< 0: the band's gap has the s+- sign)"),
            Variable(
                "has_fermi_surface",
                "i1",
                0,
                "1",
                "1 if mu lies above the band minimum (0 also where not solved)",
            ),
        ]
        out += [Variable(v.name, v.dtype, v.fill, v.units, v.long_name, per_band=True) for v in band]
        out += [
            _f("mu_shift", "meV", f"mu - mu0 at T = 0 (gap mu_mode {settings.gap_mu_mode})"),
            _f("anisotropy", "1", f"gap anisotropy Delta_{up}/Delta_{lo} at T = 0"),
            _status("gap_status", "outcome of the T = 0 gap solve (skipped: Tc below the floor)"),
        ]
    out += [
        Variable("message", "U", "", "1", "why a stage of the point failed (empty: nothing failed)"),
        Variable("warning", "U", "", "1", "numerical warnings caught while solving the point"),
    ]
    return out


def _finite(**values: float) -> None:
    bad = [f"{k} = {v!r}" for k, v in values.items() if not math.isfinite(v)]
    if bad:
        raise ArithmeticError(f"non-finite result ({', '.join(bad)})")


@dataclass
class _Point:
    """The record of one point being solved (values by variable name)."""

    values: dict[str, Any]
    messages: list[str] = field(default_factory=list)

    def fail(self, stage: str, exc: BaseException) -> None:
        self.messages.append(f"{stage}: {type(exc).__name__}: {exc}")


def _solve_tc(
    settings: PointSettings, problem: Any, guess: float | None, rec: _Point, given: Any = None
) -> Any:
    theory = settings.theory
    if given is None:
        result = theory.solve_tc(problem, mu_mode=settings.mu_mode, rtol=settings.rtol, guess=guess)
    elif isinstance(given, BaseException):  # the point's error from theory.solve_tc_many
        raise given
    else:
        result = given
    _finite(tc=result.tc, mu=result.mu, omega=result.omega)
    v = rec.values
    v["tc"], v["mu"], v["omega"], v["iterations"] = result.tc, result.mu, result.omega, result.iterations
    for name in theory.diagnostics:
        v[name] = float(result.extras.get(name, math.nan))
    v["status"] = Status(result.status).code
    return result


def _apply_bound(settings: PointSettings, problem: Any, tc: Any, rec: _Point) -> None:
    assert settings.bound is not None
    res = settings.bound.apply(problem, settings.theory, tc)
    v = rec.values
    v["tc_mf"], v["tc_bound"] = tc.tc, res.tc_bound
    for name in settings.bound.diagnostics:
        v[name] = float(res.extras.get(name, math.nan))
    if Status(res.status) is Status.FAILED:
        v["tc"], v["status"] = math.nan, Status.FAILED.code
        rec.messages.append(f"bound: {res.message or 'failed'}")
        return
    v["tc"] = res.tc


def _solve_alpha(settings: PointSettings, problem: Any, tc: Any, rec: _Point) -> None:
    alpha = float(settings.theory.isotope(problem, tc=tc))
    rec.values["alpha"] = alpha
    rec.values["alpha_status"] = (Status.CONVERGED if math.isfinite(alpha) else Status.SKIPPED).code


def _solve_gaps(settings: PointSettings, problem: Any, tc: Any, rec: _Point) -> None:
    summary = settings.theory.solve_gaps(
        problem, temperature=GAP_TEMPERATURE, mu_mode=settings.gap_mu_mode, tc=tc
    )
    v = rec.values
    gaps = summary.gaps
    v["gap"], v["gap_min"], v["gap_max"] = gaps.mean, gaps.minimum, gaps.maximum
    v["gap_ratio"], v["has_fermi_surface"] = summary.ratios, gaps.has_fermi_surface.astype(np.int8)
    v["mu_shift"] = summary.mu_shift
    pair = anisotropy_bands(settings.model)
    if pair is not None and gaps.mean[pair[1] - 1] != 0.0:
        v["anisotropy"] = summary.anisotropy(*pair)
    v["gap_status"] = Status(summary.result.status).code


def _problem(settings: PointSettings, rec: _Point, eta: float, g: float, omega0: float | None) -> Any:
    """The point's pairing problem (μ₀, ω̃₀ recorded), or None with the failure recorded."""
    v = rec.values
    try:
        problem = pairing_problem(settings.model, eta, g=g, omega0=omega0, bands=settings.bands)
        v["mu0"], v["omega"] = problem.mu0, problem.omega
        _finite(mu0=problem.mu0, omega=problem.omega)
    except POINT_FAILURES as exc:
        rec.fail("tc", exc)
        return None
    return problem


def _problems(
    settings: PointSettings, recs: Sequence[_Point], points: Sequence[tuple[float, float, float | None]]
) -> list[Any]:
    """:func:`_problem` for many points; points sharing (g, ω₀) share couplings and cutoff."""
    groups: dict[tuple[float, float | None], list[int]] = {}
    for i, (_, g, w0) in enumerate(points):
        groups.setdefault((g, w0), []).append(i)
    out: list[Any] = [None] * len(points)
    for (g, w0), members in groups.items():
        try:
            built = pairing_problems(
                settings.model, [points[i][0] for i in members], g=g, omega0=w0, bands=settings.bands
            )
        except POINT_FAILURES:  # the same error for each point: let each record its own
            for i in members:
                out[i] = _problem(settings, recs[i], *points[i])
            continue
        for i, problem in zip(members, built, strict=True):
            v = recs[i].values
            v["mu0"], v["omega"] = problem.mu0, problem.omega
            try:
                _finite(mu0=problem.mu0, omega=problem.omega)
            except POINT_FAILURES as exc:
                recs[i].fail("tc", exc)
                continue
            out[i] = problem
    return out


def _stages(
    settings: PointSettings,
    rec: _Point,
    eta: float,
    g: float,
    omega0: float | None,
    guess: float | None,
    problem: Any = None,
    given: Any = None,
) -> None:
    """Run the stages of one point into ``rec``; each stage's failure is recorded, not raised.

    ``problem`` and ``given`` (the point's TcResult or error from ``theory.solve_tc_many``)
    are passed when the Tc stage was solved together with other points.
    """
    v = rec.values
    if problem is None:
        problem = _problem(settings, rec, eta, g, omega0)
        if problem is None:
            return
    try:
        tc = _solve_tc(settings, problem, guess, rec, given)
    except POINT_FAILURES as exc:
        rec.fail("tc", exc)
        return
    if settings.bound is not None:
        try:
            _apply_bound(settings, problem, tc, rec)
        except POINT_FAILURES as exc:
            v["tc"], v["status"] = math.nan, Status.FAILED.code
            rec.fail("bound", exc)
    below = tc.tc <= 0
    if "alpha" in settings.quantities:
        try:
            _solve_alpha(settings, problem, tc, rec)
        except POINT_FAILURES as exc:
            rec.fail("alpha", exc)
    if "gaps" in settings.quantities:
        if below:
            v["gap_status"] = Status.SKIPPED.code
            return
        try:
            _solve_gaps(settings, problem, tc, rec)
        except POINT_FAILURES as exc:
            rec.fail("gaps", exc)


def solve_point(
    settings: PointSettings, eta: float, g: float, omega0: float | None = None, guess: float | None = None
) -> dict[str, Any]:
    """Solve one point; a failing stage is recorded as ``failed`` with its message, never raised.

    Parameters
    ----------
    settings : PointSettings
        Model, theory, bound, quantities, μ modes, tolerance.
    eta : float
        Lifshitz parameter η (dimensionless).
    g : float
        Active-band coupling g = g_aa (dimensionless).
    omega0 : float, optional
        Bare phonon energy ω₀ (meV); default the model's.
    guess : float, optional
        Warm start of the Tc search (K); None: a cold start.

    Returns
    -------
    dict
        Variable name (:func:`schema`) -> value (per-band variables: arrays over bands).

    Examples
    --------
    >>> from multigap import preset
    >>> from multigap.problem import cached_bands
    >>> from multigap.theories import get_theory
    >>> m = preset("A")
    >>> s = PointSettings(m, cached_bands(m), get_theory("bcs"), None, ("tc",))
    >>> round(solve_point(s, 1.0, 0.4)["tc"])
    251
    """
    rec = _record(settings, guess)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # recorded per point, never printed by workers
        _stages(settings, rec, float(eta), float(g), None if omega0 is None else float(omega0), guess)
    return _finish(rec, caught)


def _record(settings: PointSettings, guess: float | None, fills: dict[str, Any] | None = None) -> _Point:
    """A new point record: every scalar variable at its fill value (``fills``: precomputed)."""
    if fills is None:
        fills = {var.name: var.fill for var in schema(settings) if not var.per_band}
    rec = _Point(dict(fills))
    rec.values["start_guess"] = COLD_START if guess is None else float(guess)
    return rec


def _finish(rec: _Point, caught: Sequence[warnings.WarningMessage]) -> dict[str, Any]:
    rec.values["warning"] = "\n".join(sorted({f"{w.category.__name__}: {w.message}" for w in caught}))
    rec.values["message"] = "; ".join(rec.messages)
    return rec.values


def solve_points(
    settings: PointSettings,
    eta: Sequence[float],
    g: Sequence[float],
    omega0: Sequence[float | None],
    guesses: Sequence[float | None],
) -> list[dict[str, Any]]:
    """Solve many points, their Tc searches together (``theory.solve_tc_many``).

    Each point's record equals :func:`solve_point`'s for the same point and guess: the
    theory's ``solve_tc_many`` returns what ``solve_tc`` would (for BCS bit for bit; see
    :func:`multigap.tc.solve_tc_many`), and the later stages (bound, α, gaps) run point by
    point.  Warnings cannot be told apart point by point in a shared solve: if any is raised,
    the points are solved again one by one so that each records its own.

    Parameters
    ----------
    settings : PointSettings
    eta, g, omega0, guesses : sequences of equal length
        Each point's η, g, ω₀ (meV; None: the model's) and warm start (K; None: cold).

    Returns
    -------
    list of dict
        One record per point, as :func:`solve_point` returns.
    """
    n = len(eta)
    points: list[tuple[float, float, float | None]] = []
    for e, gg, w0 in zip(eta, g, omega0, strict=True):
        points.append((float(e), float(gg), None if w0 is None else float(w0)))
    fills = {var.name: var.fill for var in schema(settings) if not var.per_band}
    recs = [_record(settings, guesses[i], fills) for i in range(n)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        problems = _problems(settings, recs, points)
        ok = [i for i in range(n) if problems[i] is not None]
        solved = settings.theory.solve_tc_many(
            [problems[i] for i in ok],
            mu_mode=settings.mu_mode,
            rtol=settings.rtol,
            guesses=[guesses[i] for i in ok],
        )
    if caught:
        return [solve_point(settings, *points[i], guesses[i]) for i in range(n)]
    given = dict(zip(ok, solved, strict=True))
    # Tc only and no bound: the remaining stage copies the solved numbers (nothing can warn)
    tc_only = settings.bound is None and settings.quantities == ("tc",)
    out = []
    for i, rec in enumerate(recs):
        if problems[i] is None:
            out.append(_finish(rec, []))
            continue
        if tc_only:
            _stages(settings, rec, *points[i], guesses[i], problem=problems[i], given=given[i])
            out.append(_finish(rec, []))
            continue
        with warnings.catch_warnings(record=True) as caught_i:
            warnings.simplefilter("always")
            _stages(settings, rec, *points[i], guesses[i], problem=problems[i], given=given[i])
        out.append(_finish(rec, caught_i))
    return out


def flat_names(variables: Sequence[Variable]) -> list[str]:
    """Names of the variables, in order."""
    return [v.name for v in variables]
