"""Pairing theories and bounds on Tc: one interface each, registered in one place.

A *pairing theory* turns a :class:`~multigap.problem.PairingProblem` (bands, couplings g_nn',
cutoff ω̃₀, normal-state μ₀) into a critical temperature with diagnostics, and optionally into
gaps and an isotope coefficient.  A *bound* takes a theory's mean-field Tc and returns a lower
transition temperature (e.g. the Berezinskii–Kosterlitz–Thouless bound of phase fluctuations).

Everything in the application layer — maps, η-cuts, paths, datasets, figures, ``reproduce``
and the command line — takes a theory and a bound *by name* through :func:`get_theory` and
:func:`get_bound` and never special-cases one.  Adding a theory is one module with a subclass
of :class:`PairingTheory` plus one line in :data:`THEORY_MODULES`; nothing else changes.
Theory modules are imported lazily (the command line starts fast).

The first theory is the paper's multi-band BCS with a sharp cutoff (:class:`BCSTheory`,
name ``"bcs"``; :mod:`multigap.tc`, :mod:`multigap.gaps`, :mod:`multigap.observables`).

Units: Tc in K, energies in meV, couplings dimensionless.

Examples
--------
>>> from multigap import preset
>>> from multigap.problem import pairing_problem
>>> from multigap.theories import get_theory
>>> theory = get_theory("bcs")
>>> result = theory.solve_tc(pairing_problem(preset("A"), 1.0, g=0.4))
>>> round(result.tc), result.status
(251, 'converged')
"""

from __future__ import annotations

import abc
import dataclasses
import importlib
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from .errors import InputError, MultigapError
from .status import Status

if TYPE_CHECKING:
    from .observables import GapSummary
    from .problem import PairingProblem
    from .tc import TcResult

#: Errors that make one point of :meth:`PairingTheory.solve_tc_many` fail (returned for that
#: point, never raised): the package's errors and numerical ones.
SOLVE_FAILURES: tuple[type[BaseException], ...] = (MultigapError, ArithmeticError, np.linalg.LinAlgError)

__all__ = [
    "PairingTheory",
    "BCSTheory",
    "TcBound",
    "BoundResult",
    "UnsupportedError",
    "THEORY_MODULES",
    "BOUND_MODULES",
    "DEFAULT_THEORY",
    "available_theories",
    "available_bounds",
    "get_theory",
    "get_bound",
    "register_theory",
    "register_bound",
    "theory_attrs",
]

#: Name of the theory used when none is given.
DEFAULT_THEORY = "bcs"

#: Relative step in ln ω̃₀ of the generic finite-difference isotope coefficient.
ISOTOPE_LOG_STEP = 1e-3


class UnsupportedError(InputError):
    """A theory or bound was asked for something it does not compute (e.g. gaps)."""


class PairingTheory(abc.ABC):
    """Interface of a pairing theory.

    Subclasses are frozen dataclasses whose fields are the theory's options (e.g. a Coulomb
    pseudopotential); :meth:`options` records them in every output so that a result can be
    recomputed.  Instances must be picklable (they travel to worker processes).

    Class attributes
    ----------------
    name : str
        Registry name (``--theory NAME``).
    title : str
        One line for help texts and figure legends.
    diagnostics : mapping
        Extra scalar diagnostics that :meth:`solve_tc` puts into ``TcResult.extras``:
        name -> (units, long name).  Maps, cuts and paths store each as a variable.
    has_gaps : bool
        Whether :meth:`solve_gaps` is implemented (bounds such as BKT need finite-T gaps).
    isotope_method : str
        How :meth:`isotope` computes α, as reported to users: ``"finite-difference"`` (the
        default method) or the name of the theory's own (BCS: ``"hellmann-feynman"``).
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    diagnostics: ClassVar[Mapping[str, tuple[str, str]]] = {}
    has_gaps: ClassVar[bool] = False
    isotope_method: ClassVar[str] = "finite-difference"

    def options(self) -> dict[str, Any]:
        """The theory's options (JSON-ready), as recorded in files."""
        return _field_values(self)

    @abc.abstractmethod
    def solve_tc(
        self,
        problem: PairingProblem,
        *,
        mu_mode: str = "fixed",
        rtol: float = 1e-10,
        guess: float | None = None,
    ) -> TcResult:
        """Critical temperature of ``problem``.

        Parameters
        ----------
        problem : PairingProblem
            Bands, couplings, cutoff ω̃₀ (meV), μ₀ (meV), Tc floor (K).
        mu_mode : {"fixed", "density"}
            μ = μ₀ at every T, or μ(T) at the normal-state density of μ₀.
        rtol : float
            Relative tolerance on Tc.
        guess : float, optional
            Starting estimate of Tc in K (a warm start; changes the work, not the answer
            beyond ``rtol``).

        Returns
        -------
        TcResult
            Status ``converged`` or ``below_floor`` (Tc = 0); theory-specific scalars in
            ``extras`` (keys of :attr:`diagnostics`).

        Raises
        ------
        ConvergenceError
            If the solver fails; callers that sweep many points record the point as failed.
        """

    def solve_tc_many(
        self,
        problems: Sequence[PairingProblem],
        *,
        mu_mode: str = "fixed",
        rtol: float = 1e-10,
        guesses: Sequence[float | None] | None = None,
    ) -> list[TcResult | BaseException]:
        """Tc of many problems (the points of a sweep's chunk), each as :meth:`solve_tc` gives it.

        Sweeps call this once per group of points.  The default solves them one by one; a
        theory whose solver can share work between points (states, kernels, one batched
        eigenproblem per iteration) overrides it, keeping each result equal to
        :meth:`solve_tc`'s for that point and guess.

        Returns
        -------
        list of TcResult or exception
            One entry per problem: the result, or the error (:data:`SOLVE_FAILURES`) its
            solve raised; one failing point does not stop the others.
        """
        out: list[TcResult | BaseException] = []
        for i, problem in enumerate(problems):
            guess = None if guesses is None else guesses[i]
            try:
                out.append(self.solve_tc(problem, mu_mode=mu_mode, rtol=rtol, guess=guess))
            except SOLVE_FAILURES as exc:
                out.append(exc)
        return out

    def solve_gaps(
        self,
        problem: PairingProblem,
        *,
        temperature: float = 0.0,
        mu_mode: str = "density",
        tc: TcResult | None = None,
    ) -> GapSummary:
        """Gaps at ``temperature`` (K), with gap ratios and μ − μ₀.

        Raises
        ------
        UnsupportedError
            If the theory does not compute gaps (the default).
        """
        raise UnsupportedError(f"theory {self.name!r} does not compute gaps")

    def isotope(self, problem: PairingProblem, *, tc: TcResult | None = None) -> float:
        """Isotope coefficient α = ½ ∂ln Tc/∂ln ω̃ at fixed couplings and μ = μ₀ (dimensionless).

        The default is a central difference of ln Tc in ln ω̃ with step
        :data:`ISOTOPE_LOG_STEP` (every theory gets it); theories with an exact slope override
        it.  NaN when Tc (or a shifted Tc) is below the floor.
        """
        base = tc if tc is not None else self.solve_tc(problem)
        if base.tc <= 0:
            return math.nan
        h = ISOTOPE_LOG_STEP
        up = self.solve_tc(problem.with_omega(problem.omega * math.exp(h)), rtol=1e-12, guess=base.tc).tc
        dn = self.solve_tc(problem.with_omega(problem.omega * math.exp(-h)), rtol=1e-12, guess=base.tc).tc
        if up <= 0 or dn <= 0:
            return math.nan
        return 0.5 * (math.log(up) - math.log(dn)) / (2.0 * h)


@dataclass(frozen=True)
class BCSTheory(PairingTheory):
    """The paper's multi-band BCS theory: linearised gap equation with a sharp cutoff ω̃₀.

    Tc from :func:`multigap.tc.solve_tc`, gaps from :func:`multigap.gaps.solve_gaps` (with the
    number equation in mode ``density``), α from the exact Hellmann–Feynman slope.  No options.
    """

    name: ClassVar[str] = "bcs"
    title: ClassVar[str] = "multi-band BCS (sharp cutoff, paper eq. 8)"
    has_gaps: ClassVar[bool] = True
    isotope_method: ClassVar[str] = "hellmann-feynman"

    def solve_tc(
        self,
        problem: PairingProblem,
        *,
        mu_mode: str = "fixed",
        rtol: float = 1e-10,
        guess: float | None = None,
    ) -> TcResult:
        """Tc of the linearised BCS gap equation (:func:`multigap.tc.solve_tc`)."""
        from .tc import solve_tc

        return solve_tc(problem, mu_mode=mu_mode, rtol=rtol, guess=guess)

    def solve_tc_many(
        self,
        problems: Sequence[PairingProblem],
        *,
        mu_mode: str = "fixed",
        rtol: float = 1e-10,
        guesses: Sequence[float | None] | None = None,
    ) -> list[TcResult | BaseException]:
        """All Tc searches side by side (:func:`multigap.tc.solve_tc_many`; same bits as one by one).

        A subclass that overrides :meth:`solve_tc` gets the one-by-one default instead, so
        its override is always used.
        """
        if type(self).solve_tc is not BCSTheory.solve_tc:
            return super().solve_tc_many(problems, mu_mode=mu_mode, rtol=rtol, guesses=guesses)
        from .tc import solve_tc_many

        return solve_tc_many(problems, mu_mode=mu_mode, rtol=rtol, guesses=guesses)

    def solve_gaps(
        self,
        problem: PairingProblem,
        *,
        temperature: float = 0.0,
        mu_mode: str = "density",
        tc: TcResult | None = None,
    ) -> GapSummary:
        """BCS gaps (:func:`multigap.gaps.solve_gaps`) summarised per band."""
        from .gaps import solve_gaps
        from .observables import summarize

        return summarize(problem, solve_gaps(problem, temperature=temperature, mu_mode=mu_mode, tc=tc))

    def isotope(self, problem: PairingProblem, *, tc: TcResult | None = None) -> float:
        """α from the Hellmann–Feynman slope of the leading eigenvalue (exact)."""
        from .tc import solve_tc, tc_slopes

        base = tc if tc is not None and tc.spectrum is not None else solve_tc(problem)
        if base.tc <= 0:
            return math.nan
        return 0.5 * tc_slopes(problem, base)["dlnTc_dlnω"]


@dataclass(frozen=True)
class BoundResult:
    """A bounded critical temperature.

    Attributes
    ----------
    tc : float
        The transition temperature after the bound, min(tc_mf, tc_bound), K.
    tc_mf : float
        The theory's (mean-field) Tc, K.
    tc_bound : float
        The bound's own temperature (e.g. T_BKT), K; NaN where it is not defined.
    status : Status
        ``converged`` when the bound was computed; ``failed`` (tc NaN) otherwise.
    extras : dict
        Bound-specific scalars (keys of the bound's ``diagnostics``).
    message : str
        Why the status is not ``converged`` (empty otherwise).
    """

    tc: float
    tc_mf: float
    tc_bound: float
    status: Status
    extras: dict[str, float] = field(default_factory=dict)
    message: str = ""


class TcBound(abc.ABC):
    """Interface of a bound on Tc (e.g. phase fluctuations).

    Subclasses are frozen dataclasses whose fields are their options (see
    :class:`PairingTheory`).  ``name``, ``title`` and ``diagnostics`` as for theories;
    ``needs_gaps`` says whether the bound needs :meth:`PairingTheory.solve_gaps`.
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    diagnostics: ClassVar[Mapping[str, tuple[str, str]]] = {}
    needs_gaps: ClassVar[bool] = True

    def options(self) -> dict[str, Any]:
        """The bound's options (JSON-ready), as recorded in files."""
        return _field_values(self)

    def check(self, theory: PairingTheory) -> None:
        """Raise :class:`UnsupportedError` if ``theory`` cannot feed this bound."""
        if self.needs_gaps and not theory.has_gaps:
            raise UnsupportedError(
                f"bound {self.name!r} needs finite-temperature gaps, which theory {theory.name!r} "
                "does not compute"
            )

    @abc.abstractmethod
    def apply(self, problem: PairingProblem, theory: PairingTheory, tc: TcResult) -> BoundResult:
        """The bounded Tc of ``problem`` given the theory's mean-field result ``tc``."""


#: Registered theories: name -> "module:Class" (imported on first use).
THEORY_MODULES: dict[str, str] = {
    "bcs": "multigap.theories:BCSTheory",
    "eliashberg": "multigap.eliashberg:EliashbergTheory",
}

#: Registered bounds: name -> "module:Class" (imported on first use).
BOUND_MODULES: dict[str, str] = {
    "bkt": "multigap.stiffness:BKTBound",
}

_RUNTIME_THEORIES: dict[str, type[PairingTheory]] = {}
_RUNTIME_BOUNDS: dict[str, type[TcBound]] = {}


def _register(registry: dict[str, Any], kind: str, cls: Any) -> None:
    if not cls.name:
        raise InputError(f"{cls.__name__}: a {kind} needs a non-empty class attribute 'name'")
    registry[cls.name] = cls


def register_theory(cls: type[PairingTheory]) -> type[PairingTheory]:
    """Register a theory class at run time (plug-ins and tests); usable as a decorator.

    Built-in theories are listed in :data:`THEORY_MODULES` instead, so that they are imported
    only when used.
    """
    _register(_RUNTIME_THEORIES, "theory", cls)
    return cls


def register_bound(cls: type[TcBound]) -> type[TcBound]:
    """Register a bound class at run time (plug-ins and tests); usable as a decorator."""
    _register(_RUNTIME_BOUNDS, "bound", cls)
    return cls


def available_theories() -> list[str]:
    """Names of all registered pairing theories."""
    return sorted(set(THEORY_MODULES) | set(_RUNTIME_THEORIES))


def available_bounds() -> list[str]:
    """Names of all registered bounds (``none`` means no bound)."""
    return ["none", *sorted(set(BOUND_MODULES) | set(_RUNTIME_BOUNDS))]


def _field_values(obj: Any) -> dict[str, Any]:
    """The fields of a dataclass instance by name (a theory's or bound's options); {} otherwise."""
    if dataclasses.is_dataclass(obj):
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    return {}


def _create(
    kind: str,
    name: str,
    options: Mapping[str, Any],
    runtime: Mapping[str, Any],
    modules: Mapping[str, str],
    available: Callable[[], list[str]],
) -> Any:
    """Instantiate the registered class ``name`` (run-time registrations first, then lazy ones)."""
    if name in runtime:
        cls: Any = runtime[name]
    elif name in modules:
        module, _, attr = modules[name].partition(":")
        cls = getattr(importlib.import_module(module), attr)
    else:
        raise InputError(f"{kind} = {name!r}: must be one of {', '.join(available())}")
    try:
        return cls(**options)
    except TypeError as exc:
        known = [f.name for f in dataclasses.fields(cls)] if dataclasses.is_dataclass(cls) else []
        raise InputError(
            f"{kind} {name!r}: bad options {dict(options)!r} ({exc}); "
            f"known options: {', '.join(known) or 'none'}"
        ) from None


def get_theory(spec: str | PairingTheory | None = None, **options: Any) -> PairingTheory:
    """A pairing theory by name (with options), or ``spec`` itself if it already is one.

    Parameters
    ----------
    spec : str or PairingTheory, optional
        Registry name (default :data:`DEFAULT_THEORY`, ``"bcs"``) or a theory instance.
    **options
        The theory's options (fields of its class).

    Raises
    ------
    InputError
        For an unknown name or option (the message lists the known ones).

    Examples
    --------
    >>> get_theory("bcs").name
    'bcs'
    """
    if isinstance(spec, PairingTheory):
        return dataclasses.replace(spec, **options) if options else spec  # type: ignore[type-var]
    name = DEFAULT_THEORY if spec is None else str(spec)
    return _create(  # type: ignore[no-any-return]
        "theory", name, options, _RUNTIME_THEORIES, THEORY_MODULES, available_theories
    )


def get_bound(spec: str | TcBound | None = None, **options: Any) -> TcBound | None:
    """A bound by name (with options); None for ``None`` or ``"none"`` (no bound).

    Raises
    ------
    InputError
        For an unknown name or option.
    """
    if isinstance(spec, TcBound):
        return dataclasses.replace(spec, **options) if options else spec  # type: ignore[type-var]
    if spec is None or spec == "none":
        if options:
            raise InputError(f"bound options {options!r} given without a bound")
        return None
    return _create(  # type: ignore[no-any-return]
        "bound", str(spec), options, _RUNTIME_BOUNDS, BOUND_MODULES, available_bounds
    )


def theory_attrs(theory: PairingTheory, bound: TcBound | None = None) -> dict[str, str]:
    """NetCDF attributes that identify the theory and bound of a result (with their options).

    Examples
    --------
    >>> theory_attrs(get_theory("bcs"))["theory"]
    'bcs'
    """
    attrs = {
        "theory": theory.name,
        "theory_options": json.dumps(theory.options(), sort_keys=True),
        "bound": "none" if bound is None else bound.name,
    }
    if bound is not None:
        attrs["bound_options"] = json.dumps(bound.options(), sort_keys=True)
    return attrs
