"""Fits of a pressure path to measured Tc(P) (and α, gaps): least squares with bounds and
multistart, uncertainties and correlations from the Jacobian, χ² and residuals, and an optional
posterior (MCMC, ``emcee``).

The model of the data is a path of the universal dome (see :mod:`multigap.inverse.paths`):
η(P) = a + b·P and g(P) = c + d·P (P in GPa), the cutoff following g through the Migdal
softening, optionally with the bare phonon energy ω₀ (meV) and the common interband coupling
free.  Free parameters are chosen by group (:data:`FREE_GROUPS`):

``eta-law`` (a, b) · ``eta`` (a; b fixed) · ``g-law`` (c, d) · ``g`` (c; d fixed) ·
``omega0`` · ``interband``.

Internally the linear laws are parametrised by their values at the lowest and highest measured
pressure (η_lo, η_hi, g_lo, g_hi): the bounds are then plain boxes (g in [0, 0.49] on the whole
measured range, η in [−1, 3] by default) and the parameters are not correlated by the choice
of origin.  The reported (a, b, c, d), their covariance and correlations follow by the (linear,
exact) change of variables.

Residuals are (model − data)/uncertainty for every Tc, α and gap value of the data.  A point
whose model Tc is below the floor has Tc = 0 — a residual like any other, never dropped (its α
and gap are then taken as 0).  A point that *fails* (the solver raised) gets the residual
:data:`FAILED_RESIDUAL` during the search and is listed in the result; a best fit that still has
failed points is reported as not converged.

The optimiser is :func:`scipy.optimize.least_squares` (trust-region reflective, bounds) from
``n_starts`` starting points: the given start, then seeded uniform draws inside the bounds (the
landscape has two sides of a dome: the same Tc on the rising and the falling flank).  A start
that stops on ``max_nfev`` has not converged; when no start converges the result says so
(``converged = False``) and the command line exits non-zero.  The starts are independent tasks
on the sweep engine's executors (``executor="serial"`` by default, ``"processes"``, ``"dask"``);
where they run does not change the result.

Parameter uncertainties are the square roots of the diagonal of (JᵀJ)⁻¹ at the optimum, with J
the Jacobian of the normalised residuals (the data uncertainties taken as absolute, not rescaled
by χ²/dof); a rank-deficient J (parameters the data cannot determine) is reported, with infinite
uncertainties for the undetermined directions.

Examples
--------
>>> import dataclasses
>>> from multigap import preset
>>> from multigap.model import Numerics
>>> from multigap.inverse.data import load_data
>>> model = dataclasses.replace(preset("A"), numerics=Numerics(n_q=4))
>>> result = fit_path(model, load_data("h3s_dome_paper"), free=("eta-law", "g"),
...                   start={"eta_a": -1.5, "eta_b": 0.015, "g_c": 0.34}, n_starts=1)
>>> result.converged, result.dof
(True, 0)
>>> round(result.value("g_c"), 2)
0.33
"""

from __future__ import annotations

import copy
import dataclasses
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr
from numpy.typing import NDArray
from scipy import optimize

from ..errors import ConvergenceError, InputError
from ..model import Model
from ..status import Status
from ._engine import engine_name, evaluate_points
from .data import MeasuredData
from .paths import G_LIMIT, PressurePath, compute_path, linear_law_path

if TYPE_CHECKING:
    from ..theories import PairingTheory, TcBound

__all__ = [
    "FitError",
    "FitResult",
    "FREE_GROUPS",
    "PARAMETERS",
    "DEFAULT_BOUNDS",
    "FAILED_RESIDUAL",
    "fit_path",
    "parse_free",
    "sample_posterior",
    "Posterior",
]

#: Free-parameter groups (``--free``) and the reported parameters each frees.
FREE_GROUPS: dict[str, tuple[str, ...]] = {
    "eta-law": ("eta_a", "eta_b"),
    "eta": ("eta_a",),
    "g-law": ("g_c", "g_d"),
    "g": ("g_c",),
    "omega0": ("omega0",),
    "interband": ("interband",),
}

#: Reported parameters: units and meaning.
PARAMETERS: dict[str, tuple[str, str]] = {
    "eta_a": ("1", "eta(P) = a + b P: a"),
    "eta_b": ("1/GPa", "eta(P) = a + b P: b"),
    "g_c": ("1", "g(P) = c + d P: c"),
    "g_d": ("1/GPa", "g(P) = c + d P: d"),
    "omega0": ("meV", "bare phonon energy"),
    "interband": ("1", "interband coupling g_nn' (n != n')"),
}

#: Default box bounds of the internal parameters: η and g at the ends of the measured pressure
#: range, ω₀ (meV), interband coupling.  g stays below 0.5 (Migdal softening).
DEFAULT_BOUNDS: dict[str, tuple[float, float]] = {
    "eta": (-1.0, 3.0),
    "g": (0.0, 0.49),
    "omega0": (50.0, 1000.0),
    "interband": (0.0, 0.1),
}

#: Residual given to a data point whose model evaluation failed, during the search.
FAILED_RESIDUAL = 1e3

#: Relative finite-difference step of the Jacobian (Tc is solved to rtol 1e-10).
DIFF_STEP = 1e-4


class FitError(InputError):
    """A fit was asked for that cannot be done (e.g. more free parameters than data points)."""


def parse_free(text: str | Sequence[str]) -> tuple[str, ...]:
    """Parse ``--free eta-law,g`` into group names (checked against :data:`FREE_GROUPS`).

    Examples
    --------
    >>> parse_free("eta-law, g")
    ('eta-law', 'g')
    """
    items = [s.strip() for s in (text.split(",") if isinstance(text, str) else text) if s.strip()]
    if not items:
        raise FitError(f"--free {text!r}: name at least one of {', '.join(FREE_GROUPS)}")
    for s in items:
        if s not in FREE_GROUPS:
            raise FitError(f"--free: unknown parameter group {s!r} (known: {', '.join(FREE_GROUPS)})")
    if ("eta-law" in items and "eta" in items) or ("g-law" in items and "g" in items):
        raise FitError("--free: give either eta-law or eta (and either g-law or g), not both")
    if len(set(items)) != len(items):
        raise FitError(f"--free {text!r}: a group appears twice")
    return tuple(items)


@dataclass(frozen=True)
class _Layout:
    """Map between internal parameters θ (bounded boxes) and the laws (a, b, c, d, ω₀, g_ib)."""

    free: tuple[str, ...]
    p_lo: float
    p_hi: float
    fixed: dict[str, float]

    @property
    def internal(self) -> tuple[str, ...]:
        names: list[str] = []
        for grp in self.free:
            names += {
                "eta-law": ["eta_lo", "eta_hi"],
                "eta": ["eta_a"],
                "g-law": ["g_lo", "g_hi"],
                "g": ["g_c"],
                "omega0": ["omega0"],
                "interband": ["interband"],
            }[grp]
        return tuple(names)

    @property
    def reported(self) -> tuple[str, ...]:
        return tuple(p for grp in self.free for p in FREE_GROUPS[grp])

    def laws(self, theta: NDArray[np.float64]) -> dict[str, float]:
        v = dict(self.fixed)
        t = dict(zip(self.internal, (float(x) for x in theta), strict=True))
        span = self.p_hi - self.p_lo
        if "eta_lo" in t:
            b = (t["eta_hi"] - t["eta_lo"]) / span if span > 0 else 0.0
            v["eta_b"], v["eta_a"] = b, t["eta_lo"] - b * self.p_lo
        if "g_lo" in t:
            d = (t["g_hi"] - t["g_lo"]) / span if span > 0 else 0.0
            v["g_d"], v["g_c"] = d, t["g_lo"] - d * self.p_lo
        for k in ("eta_a", "g_c", "omega0", "interband"):
            if k in t:
                v[k] = t[k]
        return v

    def to_internal(self, laws: Mapping[str, float]) -> NDArray[np.float64]:
        out = []
        for name in self.internal:
            if name == "eta_lo":
                out.append(laws["eta_a"] + laws["eta_b"] * self.p_lo)
            elif name == "eta_hi":
                out.append(laws["eta_a"] + laws["eta_b"] * self.p_hi)
            elif name == "g_lo":
                out.append(laws["g_c"] + laws["g_d"] * self.p_lo)
            elif name == "g_hi":
                out.append(laws["g_c"] + laws["g_d"] * self.p_hi)
            else:
                out.append(laws[name])
        return np.array(out, dtype=float)

    def bounds(
        self, user: Mapping[str, tuple[float, float]]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        b = {**DEFAULT_BOUNDS, **user}
        lo, hi = [], []
        for name in self.internal:
            if name in ("eta_lo", "eta_hi"):
                box = b["eta"]
            elif name in ("g_lo", "g_hi"):
                box = b["g"]
            elif name == "eta_a":
                box = tuple(x - self.fixed["eta_b"] * self.p_mid for x in b["eta"])  # type: ignore[assignment]
            elif name == "g_c":
                d = self.fixed["g_d"]
                box = (
                    b["g"][0] - min(d * self.p_lo, d * self.p_hi),
                    b["g"][1] - max(d * self.p_lo, d * self.p_hi),
                )
            else:
                box = b[name]
            lo.append(float(box[0]))
            hi.append(float(box[1]))
        lo_a, hi_a = np.array(lo), np.array(hi)
        if np.any(lo_a >= hi_a):
            empty = [n for n, a, z in zip(self.internal, lo, hi, strict=True) if a >= z]
            raise FitError(f"fit bounds are empty (lower >= upper) for {', '.join(empty)}")
        return lo_a, hi_a

    @property
    def p_mid(self) -> float:
        return 0.5 * (self.p_lo + self.p_hi)

    def jacobian(self) -> NDArray[np.float64]:
        """d(reported)/d(internal) (constant: the change of variables is linear)."""
        rep, intl = self.reported, self.internal
        jac = np.zeros((len(rep), len(intl)))
        for j in range(len(intl)):
            e = np.zeros(len(intl))
            e[j] = 1.0
            base = self.laws(np.zeros(len(intl)))
            moved = self.laws(e)
            for i, r in enumerate(rep):
                jac[i, j] = moved[r] - base[r]
        return jac


def _with_interband(model: Model, value: float) -> Model:
    n = model.n_bands
    g = tuple(tuple(model.pairing.g[i][j] if i == j else float(value) for j in range(n)) for i in range(n))
    return dataclasses.replace(model, pairing=dataclasses.replace(model.pairing, g=g))


@dataclass(frozen=True, eq=False)
class Posterior:
    """MCMC samples of the reported parameters (flat priors inside the bounds).

    Attributes
    ----------
    names : tuple of str
        Parameter names (columns of ``samples``).
    samples : ndarray, shape (n_samples, n_params)
        Flattened chain after burn-in and thinning.
    acceptance : float
        Mean acceptance fraction of the walkers.
    """

    names: tuple[str, ...]
    samples: NDArray[np.float64]
    acceptance: float

    def quantiles(self, q: Sequence[float] = (0.16, 0.5, 0.84)) -> dict[str, list[float]]:
        """Marginal quantiles per parameter."""
        return {n: np.quantile(self.samples[:, i], q).tolist() for i, n in enumerate(self.names)}


@dataclass(frozen=True, eq=False)
class FitResult:
    """Result of :func:`fit_path`.

    Attributes
    ----------
    names : tuple of str
        Free reported parameters (keys of :data:`PARAMETERS`).
    values, errors : ndarray
        Best-fit values and one-standard-deviation uncertainties (inf: not determined).
    covariance, correlation : ndarray
        Of the reported parameters.
    laws : dict
        All law parameters (free and fixed): eta_a, eta_b, g_c, g_d, omega0, interband.
    chi2 : float
        Σ residual² at the optimum.
    dof : int
        Number of observations minus free parameters.
    residuals : ndarray
        Normalised residuals (model − data)/uncertainty, one per observation.
    observations : tuple of str
        Label of each residual (``tc@162GPa`` …).
    model_values : ndarray
        The model's value of each observation at the optimum.
    converged : bool
        Whether the best start converged with no failed point.
    message : str
        The optimiser's message (and why not converged).
    starts : list of dict
        Per start: initial and final cost, status, evaluations.
    failed_points : list of str
        Observations whose model point failed at the optimum (with the solver's message).
    n_evaluations : int
        Residual evaluations over all starts.
    rank : int
        Rank of the Jacobian at the optimum.
    model : Model
        The model with the fitted interband coupling (ω₀ in ``laws``).
    data : MeasuredData
    theory, bound : str
        Names used.
    elapsed : float
        Wall time in s.
    posterior : Posterior or None
    """

    names: tuple[str, ...]
    values: NDArray[np.float64]
    errors: NDArray[np.float64]
    covariance: NDArray[np.float64]
    correlation: NDArray[np.float64]
    laws: dict[str, float]
    chi2: float
    dof: int
    residuals: NDArray[np.float64]
    observations: tuple[str, ...]
    model_values: NDArray[np.float64]
    converged: bool
    message: str
    starts: list[dict[str, Any]]
    failed_points: list[str]
    n_evaluations: int
    rank: int
    model: Model
    data: MeasuredData
    theory: str
    bound: str
    elapsed: float
    layout: _Layout = field(repr=False)
    theta: NDArray[np.float64] = field(repr=False)
    cov_internal: NDArray[np.float64] = field(repr=False)
    options: dict[str, Any] = field(default_factory=dict, repr=False)
    posterior: Posterior | None = None
    at_bounds: tuple[str, ...] = ()

    @property
    def reduced_chi2(self) -> float:
        """χ²/dof (NaN when dof = 0)."""
        return self.chi2 / self.dof if self.dof > 0 else math.nan

    def value(self, name: str) -> float:
        """Value of a law parameter (free or fixed)."""
        return float(self.laws[name])

    def error(self, name: str) -> float:
        """Uncertainty of a free parameter (0 for a fixed one)."""
        return float(self.errors[self.names.index(name)]) if name in self.names else 0.0

    def path(self, pressure: Sequence[float] | NDArray[np.float64]) -> PressurePath:
        """The fitted path at the given pressures (GPa)."""
        return linear_law_path(
            pressure,
            (self.laws["eta_a"], self.laws["eta_b"]),
            (self.laws["g_c"], self.laws["g_d"]),
            omega0=self.laws["omega0"],
        )

    def summary(self) -> list[str]:
        """Lines of a human-readable report."""
        lines = [
            f"fit of {self.data.source} ({len(self.observations)} observations, {len(self.names)} free "
            f"parameters, theory {self.theory}, bound {self.bound})",
            f"converged: {'yes' if self.converged else 'NO'} — {self.message}",
            f"chi2 = {self.chi2:.4g}, dof = {self.dof}, chi2/dof = {self.reduced_chi2:.4g}, "
            f"Jacobian rank {self.rank}/{len(self.names)}",
        ]
        for i, n in enumerate(self.names):
            units = PARAMETERS[n][0]
            lines.append(
                f"  {n:10s} = {self.values[i]:.6g} ± {self.errors[i]:.2g} {units}   ({PARAMETERS[n][1]})"
            )
        fixed = [k for k in ("eta_a", "eta_b", "g_c", "g_d", "omega0", "interband") if k not in self.names]
        lines.append("  fixed: " + ", ".join(f"{k} = {self.laws[k]:.6g}" for k in fixed))
        if len(self.names) > 1:
            lines.append(
                "  correlations: "
                + ", ".join(
                    f"{self.names[i]}/{self.names[j]} {self.correlation[i, j]:+.2f}"
                    for i in range(len(self.names))
                    for j in range(i + 1, len(self.names))
                )
            )
        lines.append("  residuals (model - data)/sigma:")
        for lab, r, mv in zip(self.observations, self.residuals, self.model_values, strict=True):
            lines.append(f"    {lab:16s} model {mv:10.4g}   residual {r:+.3g}")
        if self.at_bounds:
            lines.append(
                "  AT A BOUND (the box, not the data, stops it; its uncertainty is not meaningful): "
                + ", ".join(self.at_bounds)
            )
        if self.failed_points:
            lines.append("  FAILED points: " + "; ".join(self.failed_points))
        lines.append(f"  {len(self.starts)} starts, {self.n_evaluations} evaluations, {self.elapsed:.1f} s")
        return lines

    def predict(
        self,
        pressure: Sequence[float] | NDArray[np.float64],
        *,
        quantities: Sequence[str] = ("tc", "gaps", "alpha"),
        propagate: bool = True,
    ) -> xr.Dataset:
        """Tc, gaps, Δ ratio and α along the fitted path, with 1σ bands of Tc and α.

        The bands propagate the parameter covariance linearly (one extra path per free
        parameter, finite differences).  Returns a Dataset on ``point`` with the ``pressure``
        coordinate, the variables of :func:`~multigap.inverse.paths.compute_path` and
        ``tc_sigma``/``alpha_sigma`` (K / 1).
        """
        p = np.asarray(pressure, dtype=float)
        opts = self.options
        ds = compute_path(
            self.model,
            self.path(p),
            quantities=quantities,
            theory=opts.get("theory", "bcs"),
            theory_options=opts.get("theory_options"),
            bound=opts.get("bound"),
            bound_options=opts.get("bound_options"),
        )
        if propagate and self.names:
            base = _observables_on(self, self.theta, p)
            jac = np.zeros((2, p.size, self.theta.size))
            _, hi = self.layout.bounds(opts.get("bounds") or {})
            for j in range(self.theta.size):
                h = DIFF_STEP * 10 * max(1.0, abs(self.theta[j]))
                step = h if self.theta[j] + h <= hi[j] else -h
                t = self.theta.copy()
                t[j] += step
                moved = _observables_on(self, t, p)
                jac[:, :, j] = (moved - base) / step
            cov = np.where(np.isfinite(self.cov_internal), self.cov_internal, 0.0)
            for k, name in enumerate(("tc", "alpha")):
                var = np.einsum("pi,ij,pj->p", jac[k], cov, jac[k])
                sig = np.sqrt(np.maximum(var, 0.0))
                if not np.all(np.isfinite(self.cov_internal)):
                    sig[:] = np.inf
                ds[f"{name}_sigma"] = (
                    "point",
                    sig,
                    {
                        "units": "K" if name == "tc" else "1",
                        "long_name": f"1-sigma uncertainty of {name} from the fit",
                    },
                )
        return ds

    def to_dataset(self, pressure: Sequence[float] | NDArray[np.float64] | None = None) -> xr.Dataset:
        """The prediction along the path (``pressure`` coordinate), the data and the fit as a Dataset.

        Data live on dimension ``data`` (``data_pressure`` GPa, ``data_tc`` …), parameters on
        ``param`` (``value``, ``error``, ``covariance``), residuals on ``observation``.
        """
        if pressure is None:
            lo, hi = float(self.data.pressure.min()), float(self.data.pressure.max())
            pad = 0.1 * (hi - lo) if hi > lo else 10.0
            pressure = np.linspace(lo - pad, hi + pad, 13)
        ds = self.predict(pressure)
        ds = ds.swap_dims({"point": "pressure"}) if "pressure" in ds.coords else ds
        d = self.data
        ds["data_tc"] = ("data", d.tc, {"units": "K", "long_name": "measured Tc"})
        ds["data_tc_err"] = ("data", d.tc_err, {"units": "K"})
        ds["data_alpha"] = ("data", d.alpha, {"units": "1"})
        ds["data_alpha_err"] = ("data", d.alpha_err, {"units": "1"})
        ds["data_gap"] = ("data", d.gap, {"units": "meV"})
        ds["data_gap_err"] = ("data", d.gap_err, {"units": "meV"})
        ds = ds.assign_coords(data_pressure=("data", d.pressure, {"units": "GPa"}))
        ds["value"] = ("param", self.values, {"long_name": "best-fit value"})
        ds["error"] = ("param", self.errors, {"long_name": "1-sigma uncertainty"})
        ds["covariance"] = (("param", "param2"), self.covariance)
        ds["correlation"] = (("param", "param2"), self.correlation)
        ds = ds.assign_coords(param=list(self.names), param2=list(self.names))
        ds["residual"] = ("observation", self.residuals, {"long_name": "(model - data)/sigma"})
        ds["model_value"] = ("observation", self.model_values)
        ds = ds.assign_coords(observation=list(self.observations))
        ds.attrs.update(
            {
                "fit_converged": int(self.converged),
                "fit_message": self.message,
                "chi2": self.chi2,
                "dof": self.dof,
                "data_source": d.source,
                "data_provenance": "\n".join(d.provenance),
                "param_units": ",".join(PARAMETERS[n][0] for n in self.names),
                "laws": ", ".join(f"{k}={v!r}" for k, v in self.laws.items()),
                "engine": engine_name(),
            }
        )
        if self.posterior is not None:
            ds["posterior"] = (("sample", "param"), self.posterior.samples)
            ds.attrs["posterior_acceptance"] = self.posterior.acceptance
        return ds


def _observables_on(
    res: FitResult, theta: NDArray[np.float64], pressure: NDArray[np.float64]
) -> NDArray[np.float64]:
    laws = res.layout.laws(theta)
    model = _with_interband(res.model, laws["interband"])
    o = res.options
    ds = evaluate_points(
        model,
        laws["eta_a"] + laws["eta_b"] * pressure,
        np.clip(laws["g_c"] + laws["g_d"] * pressure, 0, G_LIMIT - 1e-9),
        omega0=laws["omega0"],
        theory=o.get("theory", "bcs"),
        theory_options=o.get("theory_options"),
        bound=o.get("bound"),
        bound_options=o.get("bound_options"),
        quantities=("tc", "alpha"),
    )
    return np.stack([ds["tc"].values, ds["alpha"].values])


class _Objective:
    """Normalised residuals of the data for internal parameters θ (counts evaluations)."""

    def __init__(self, model: Model, data: MeasuredData, layout: _Layout, options: dict[str, Any]) -> None:
        self.model, self.data, self.layout, self.options = model, data, layout, options
        self.quantities = (
            ("tc",) + (("alpha",) if data.has_alpha else ()) + (("gaps",) if data.has_gap else ())
        )
        self.n_eval = 0
        self.n_failed = 0
        labels = []
        for kind, arr in (("tc", data.tc), ("alpha", data.alpha), ("gap", data.gap)):
            labels += [f"{kind}@{p:g}GPa" for p, v in zip(data.pressure, arr, strict=True) if np.isfinite(v)]
        self.labels = tuple(labels)

    def evaluate(
        self, theta: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], list[str]]:
        self.n_eval += 1
        laws = self.layout.laws(theta)
        model = (
            _with_interband(self.model, laws["interband"]) if "interband" in self.layout.free else self.model
        )
        p = self.data.pressure
        g = laws["g_c"] + laws["g_d"] * p
        ds = evaluate_points(
            model,
            laws["eta_a"] + laws["eta_b"] * p,
            np.clip(g, 0.0, G_LIMIT - 1e-9),
            pressure=None,
            omega0=laws["omega0"],
            theory=self.options.get("theory", "bcs"),
            theory_options=self.options.get("theory_options"),
            bound=self.options.get("bound"),
            bound_options=self.options.get("bound_options"),
            quantities=self.quantities,
        )
        failed = ds["status"].values == Status.FAILED.code
        messages = ds["message"].values if "message" in ds else np.array([""] * p.size, dtype=object)
        tc = np.where(failed, np.nan, ds["tc"].values)
        model_vals: list[float] = []
        resid: list[float] = []
        fails: list[str] = []
        below = ~failed & (np.nan_to_num(tc) <= 0)
        pairs = [("tc", self.data.tc, self.data.tc_err, tc)]
        if "alpha" in self.quantities:
            pairs.append(
                ("alpha", self.data.alpha, self.data.alpha_err, np.where(below, 0.0, ds["alpha"].values))
            )
        if "gaps" in self.quantities:
            gap = ds["gap"].transpose("point", "band").values[:, model.active_band - 1]
            pairs.append(("gap", self.data.gap, self.data.gap_err, np.where(below, 0.0, gap)))
        for kind, obs, err, mod in pairs:
            for i in np.flatnonzero(np.isfinite(obs)):
                if failed[i] or not np.isfinite(mod[i]):
                    resid.append(FAILED_RESIDUAL)
                    model_vals.append(math.nan)
                    fails.append(
                        f"{kind}@{p[i]:g}GPa (eta={laws['eta_a'] + laws['eta_b'] * p[i]:.4g}, "
                        f"g={g[i]:.4g}): {messages[i] or 'no value'}"
                    )
                else:
                    resid.append((mod[i] - obs[i]) / err[i])
                    model_vals.append(float(mod[i]))
        if fails:
            self.n_failed += 1
        return np.array(resid), np.array(model_vals), fails

    def __call__(self, theta: NDArray[np.float64]) -> NDArray[np.float64]:
        return self.evaluate(theta)[0]


def fit_path(
    model: Model,
    data: MeasuredData,
    *,
    free: Sequence[str] | str = ("eta-law", "g"),
    start: Mapping[str, float] | None = None,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    n_starts: int = 8,
    seed: int = 0,
    max_nfev: int = 200,
    theory: str | PairingTheory = "bcs",
    theory_options: dict[str, Any] | None = None,
    bound: str | TcBound | None = None,
    bound_options: dict[str, Any] | None = None,
    allow_retracted: bool = False,
    strict: bool = False,
    executor: str | None = "serial",
    workers: int | None = None,
    scheduler: Any = None,
) -> FitResult:
    """Least-squares fit of a pressure path to measured data.

    Parameters
    ----------
    model : Model
        The superlattice and couplings whose dome the path cuts (e.g. ``preset("A")``).
    data : MeasuredData
        Tc (K), α and gaps (meV) with uncertainties at pressures (GPa).
    free : sequence of str or str
        Free parameter groups (:data:`FREE_GROUPS`), e.g. ``("eta-law", "g")``.
    start : mapping, optional
        Starting (and, for parameters not free, fixed) values of eta_a, eta_b (1/GPa), g_c,
        g_d (1/GPa), omega0 (meV), interband.  Defaults: η from 0 to 1.5 over the measured
        range, g = the model's, ω₀ and interband the model's.
    bounds : mapping, optional
        Boxes replacing :data:`DEFAULT_BOUNDS` (keys ``eta``, ``g``, ``omega0``, ``interband``).
    n_starts : int
        Number of starting points (the given start, then seeded uniform draws in the bounds).
    seed : int
        Seed of the draws (results are reproducible).
    max_nfev : int
        Residual evaluations allowed per start (excluding the Jacobian's); a start that reaches
        it has not converged.
    theory, theory_options, bound, bound_options : optional
        Pairing theory and bound (see :mod:`multigap.theories`).
    allow_retracted : bool
        Accept rows flagged ``retracted``.
    strict : bool
        Raise :class:`~multigap.errors.ConvergenceError` instead of returning an unconverged result.
    executor, workers, scheduler : optional
        Where the starts run, one task per start: ``"serial"`` (default, this process),
        ``"processes"`` or ``"dask"`` (with ``scheduler``), as the sweep engine's
        :data:`multigap.sweep.EXECUTORS`.  The result does not depend on the executor.

    Returns
    -------
    FitResult

    Raises
    ------
    FitError
        More free parameters than observations; retracted data not allowed; bad bounds.
    """
    t0 = time.perf_counter()
    groups = parse_free(free)
    if data.retracted and not allow_retracted:
        rows = [i + 1 for i, f in enumerate(data.flag) if f == "retracted"]
        raise FitError(
            f"{data.source}: rows {rows} are flagged retracted; refusing to fit them "
            "(pass allow_retracted=True / --allow-retracted to fit them anyway)"
        )
    layout_free = groups
    n_free = sum(len(FREE_GROUPS[g]) for g in groups)
    n_obs = data.n_observations
    if n_free > n_obs:
        raise FitError(
            f"{n_free} free parameters ({', '.join(p for g in groups for p in FREE_GROUPS[g])}) but only "
            f"{n_obs} data points in {data.source}: free fewer parameters or add data"
        )
    if isinstance(n_starts, bool) or not isinstance(n_starts, int) or n_starts < 1:
        raise FitError(f"n_starts = {n_starts!r}: must be an integer >= 1")
    p_lo, p_hi = float(data.pressure.min()), float(data.pressure.max())
    span = p_hi - p_lo
    if span <= 0 and ("eta-law" in groups or "g-law" in groups):
        raise FitError("a pressure law (eta-law, g-law) needs data at two or more pressures")
    active_g = model.pairing.g[model.active_band - 1][model.active_band - 1]
    off = [model.pairing.g[i][j] for i in range(model.n_bands) for j in range(model.n_bands) if i != j]
    b_default = 1.5 / span if span > 0 else 0.0
    laws0 = {
        "eta_a": -b_default * p_lo,
        "eta_b": b_default,
        "g_c": float(active_g),
        "g_d": 0.0,
        "omega0": float(model.pairing.omega0),
        "interband": float(off[0]) if off else 0.0,
    }
    laws0.update({k: float(v) for k, v in (start or {}).items() if k in laws0})
    unknown = [k for k in (start or {}) if k not in laws0]
    if unknown:
        raise FitError(f"start: unknown parameter {unknown[0]!r} (known: {', '.join(laws0)})")
    layout = _Layout(free=layout_free, p_lo=p_lo, p_hi=p_hi, fixed=laws0)
    options = {
        "theory": theory,
        "theory_options": theory_options,
        "bound": bound,
        "bound_options": bound_options,
        "bounds": dict(bounds or {}),
    }
    lo, hi = layout.bounds(bounds or {})
    objective = _Objective(model, data, layout, options)
    x0 = np.clip(layout.to_internal(laws0), lo, hi)
    rng = np.random.default_rng(seed)
    starts_x = [x0] + [lo + (hi - lo) * rng.random(lo.size) for _ in range(n_starts - 1)]
    tasks = [(objective, x, lo, hi, max_nfev) for x in starts_x]
    starts: list[dict[str, Any]] = [{}] * len(tasks)
    for k, outcome in _run_starts(tasks, executor, workers, scheduler):
        objective.n_eval += outcome["evaluations"]
        objective.n_failed += outcome.pop("failed")
        starts[k] = {"start": k, "x0": tasks[k][1].tolist(), **outcome}
    converged_starts = [k for k, st in enumerate(starts) if st["converged"]]
    if not converged_starts:
        # report the lowest-cost start anyway, marked as not converged
        k_best = int(np.argmin([st["cost"] for st in starts]))
        theta = np.array(starts[k_best]["x"])
        message = (
            f"the optimiser did not converge from any of {len(starts)} starts "
            f"(max_nfev = {max_nfev} residual evaluations per start reached)"
        )
        converged = False
    else:
        k_best = min(converged_starts, key=lambda k: (starts[k]["cost"], k))
        theta = np.array(starts[k_best]["x"])
        message = starts[k_best]["message"]
        converged = True
    resid, model_vals, fails = objective.evaluate(theta)
    if fails:
        converged = False
        message += f"; {len(fails)} model point(s) failed at the optimum"
    # Jacobian at the optimum (normalised residuals), by central differences inside the bounds
    jac = _jacobian(objective, theta, lo, hi)
    jtj = jac.T @ jac
    rank = int(np.linalg.matrix_rank(jac)) if jac.size else 0
    if rank < theta.size:
        cov_i = np.full((theta.size, theta.size), np.inf)
        message += f"; Jacobian rank {rank} < {theta.size}: the data do not determine all free parameters"
    else:
        cov_i = np.linalg.inv(jtj)
    tjac = layout.jacobian()
    if np.all(np.isfinite(cov_i)):
        cov = tjac @ cov_i @ tjac.T
    else:
        cov = np.full((tjac.shape[0], tjac.shape[0]), np.inf)
    err = np.sqrt(np.abs(np.diag(cov)))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / np.outer(err, err) if np.all(np.isfinite(err)) else np.full_like(cov, np.nan)
    laws = layout.laws(theta)
    edge = 1e-6 * (hi - lo)
    at_bounds = tuple(
        f"{n} = {t:.4g} (box {a:g}..{b:g})"
        for n, t, a, b in zip(layout.internal, theta, lo, hi, strict=True)
        if t - a <= edge[list(layout.internal).index(n)] or b - t <= edge[list(layout.internal).index(n)]
    )
    names = layout.reported
    values = np.array([laws[n] for n in names])
    result = FitResult(
        names=names,
        values=values,
        errors=err,
        covariance=cov,
        correlation=corr,
        laws=laws,
        chi2=float(np.sum(resid**2)),
        dof=n_obs - n_free,
        residuals=resid,
        observations=objective.labels,
        model_values=model_vals,
        converged=converged,
        message=message,
        starts=starts,
        failed_points=fails,
        n_evaluations=objective.n_eval,
        rank=rank,
        model=_with_interband(model, laws["interband"]) if "interband" in groups else model,
        data=data,
        theory=str(getattr(theory, "name", theory)),
        bound=str(getattr(bound, "name", bound or "none")),
        elapsed=time.perf_counter() - t0,
        layout=layout,
        theta=np.asarray(theta, dtype=float),
        cov_internal=cov_i,
        options=options,
        at_bounds=at_bounds,
    )
    if strict and not converged:
        raise ConvergenceError(f"fit of {data.source}: {message}")
    return result


def _start_task(
    task: tuple[_Objective, NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], int],
) -> dict[str, Any]:
    """One start of the multistart search (module level: picklable for worker processes)."""
    objective, x, lo, hi, max_nfev = task
    own = copy.copy(objective)  # counts of this start only, whatever process runs it
    own.n_eval = own.n_failed = 0
    res = optimize.least_squares(
        own, x, bounds=(lo, hi), method="trf", diff_step=DIFF_STEP, x_scale="jac", max_nfev=max_nfev
    )
    return {
        "x": res.x.tolist(),
        "cost": float(2 * res.cost),
        "status": int(res.status),
        "converged": bool(res.status > 0),
        "evaluations": own.n_eval,
        "failed": own.n_failed,
        "message": str(res.message),
    }


def _run_starts(
    tasks: list[tuple[_Objective, NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], int]],
    executor: str | None,
    workers: int | None,
    scheduler: Any,
) -> list[tuple[int, dict[str, Any]]]:
    """Run the starts on the sweep engine's executors; ``(start index, outcome)`` pairs."""
    from ..sweep import EXECUTORS, resolve_executor

    name = resolve_executor("serial" if executor is None and scheduler is None else executor, scheduler)
    kwargs: dict[str, Any] = {"workers": workers}
    if name == "dask":
        kwargs["scheduler"] = scheduler
    return list(EXECUTORS[name](_start_task, tasks, **kwargs))


def _jacobian(
    objective: _Objective, theta: NDArray[np.float64], lo: NDArray[np.float64], hi: NDArray[np.float64]
) -> NDArray[np.float64]:
    base = objective(theta)
    cols = []
    for j in range(theta.size):
        h = DIFF_STEP * max(1.0, abs(theta[j]))
        up, dn = theta.copy(), theta.copy()
        up[j] = min(theta[j] + h, hi[j])
        dn[j] = max(theta[j] - h, lo[j])
        if up[j] == dn[j]:
            cols.append(np.zeros_like(base))
            continue
        cols.append((objective(up) - objective(dn)) / (up[j] - dn[j]))
    return np.stack(cols, axis=1)


def sample_posterior(
    result: FitResult,
    *,
    n_walkers: int | None = None,
    n_steps: int = 200,
    burn: int | None = None,
    thin: int = 1,
    seed: int = 0,
) -> FitResult:
    """Sample the posterior of the free parameters with ``emcee`` (flat priors inside the bounds).

    Walkers start in a small ball (0.1 σ, or 1e-3 of the box where σ is undetermined) around the
    best fit.  Requires the optional dependencies of the ``fit`` extra.

    Returns
    -------
    FitResult
        A copy of ``result`` with ``posterior`` set (samples of the *reported* parameters).

    Raises
    ------
    InputError
        If ``emcee`` is not installed (``pip install 'multigap[fit]'``).
    """
    try:
        import emcee
    except ImportError:
        raise InputError("posterior sampling needs emcee: pip install 'multigap[fit]'") from None
    layout = result.layout
    lo, hi = layout.bounds(result.options.get("bounds") or {})
    objective = _Objective(result.model, result.data, layout, result.options)

    def log_prob(theta: NDArray[np.float64]) -> float:
        if np.any(theta < lo) or np.any(theta > hi):
            return -math.inf
        r = objective(theta)
        return -0.5 * float(np.sum(r**2))

    ndim = result.theta.size
    nw = max(2 * ndim + 2, 8) if n_walkers is None else int(n_walkers)
    rng = np.random.default_rng(seed)
    sig = np.sqrt(np.abs(np.diag(result.cov_internal)))
    scale = np.where(np.isfinite(sig) & (sig > 0), 0.1 * sig, 1e-3 * (hi - lo))
    p0 = np.clip(result.theta + scale * rng.standard_normal((nw, ndim)), lo, hi)
    sampler = emcee.EnsembleSampler(nw, ndim, log_prob)
    sampler.random_state = np.random.RandomState(seed).get_state()  # reproducible proposals
    sampler.run_mcmc(p0, n_steps, progress=False)
    b = n_steps // 4 if burn is None else int(burn)
    chain = sampler.get_chain(discard=b, thin=thin, flat=True)
    tjac = layout.jacobian()
    ref = layout.laws(np.zeros(ndim))
    offset = np.array([ref[n] for n in layout.reported])
    samples = chain @ tjac.T + offset
    post = Posterior(
        names=layout.reported, samples=samples, acceptance=float(np.mean(sampler.acceptance_fraction))
    )
    return dataclasses.replace(result, posterior=post)
