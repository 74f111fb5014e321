"""One pairing problem: a band structure, the couplings, the cutoff and the chemical potential.

:class:`PairingProblem` is what the solvers (:mod:`multigap.tc`, :mod:`multigap.gaps`) take.
It holds a :class:`~multigap.bands.BandStructure` (not the Kronig–Penney model), so analytic
bands plug in directly; :func:`pairing_problem` builds one from a :class:`~multigap.model.Model`
and a Lifshitz parameter η, reusing the (cached) exact band structure of the model's lattice.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize

from .bands import BandStructure, KronigPenneyBands, lifshitz_scale
from .errors import InputError, ModelError
from .kernels import occupation
from .model import (
    DEFAULT_TC_FLOOR,
    N_Q_RANGE,
    OMEGA0_MAX,
    OMEGA0_MIN,
    check_count,
    check_couplings,
    check_eta,
    check_finite,
    check_real,
    check_tc_floor,
    omega_tilde,
)
from .states import KINK_DEPTH, ZERO_T_RESOLUTION, BandStates, band_states
from .tabulated import TabulatedBands

if TYPE_CHECKING:
    from .model import Model, Superlattice

__all__ = [
    "PairingProblem",
    "pairing_problem",
    "pairing_problems",
    "cached_bands",
    "density_on_states",
    "normal_mu",
    "MU_MODES",
    "with_pairing_overrides",
]

MU_MODES = ("fixed", "density")


@lru_cache(maxsize=16)
def _bands_cached(lattice: Superlattice, n_bands: int, n_z: int) -> TabulatedBands:
    return TabulatedBands(KronigPenneyBands(lattice, n_bands, n_z))


def cached_bands(model: Model) -> TabulatedBands:
    """The model's band structure for the solvers, built once per (lattice, n_bands, n_z).

    The exact Kronig–Penney bands, tabulated as Chebyshev series in cos(qd) (energies to
    1e-9 meV, overlap factors to 1e-10, checked at construction; see :mod:`multigap.tabulated`).
    """
    return _bands_cached(model.lattice, model.n_bands, model.numerics.n_z)


@dataclass(frozen=True, eq=False)
class PairingProblem:
    """Everything the pairing solvers need.

    Attributes
    ----------
    bands : BandStructure
        Energies and overlap factors at any q.
    g : ndarray, shape (n_bands, n_bands)
        Dimensionless couplings g_nn' (symmetric).
    omega : float
        Pairing cutoff ω̃₀, meV (already softened if applicable).
    mu0 : float
        Normal-state chemical potential μ₀ at T = 0, meV.
    n_nodes : int
        Gauss–Legendre nodes per panel of the q and s quadratures.
    tc_floor : float
        Tc below this (K) is reported as 0 with status ``below_floor``.
    active_band : int or None
        1-based index of the model's active band (the one whose edge η measures), or None
        where the problem was not built from a model (diagnostics then choose a band).
    """

    bands: BandStructure
    g: NDArray[np.float64]
    omega: float
    mu0: float
    n_nodes: int = 8
    tc_floor: float = DEFAULT_TC_FLOOR
    active_band: int | None = None

    def __post_init__(self) -> None:
        g = check_couplings("g", self.g)
        n = self.bands.n_bands
        if g.shape != (n, n) or not np.allclose(g, g.T):
            raise ModelError(f"g = {g.tolist()!r}: must be a symmetric {n}x{n} matrix (one row per band)")
        object.__setattr__(self, "g", g)
        if not (self.omega > 0 and np.isfinite(self.omega)):
            raise ModelError(f"omega = {self.omega!r}: the cutoff must be finite and > 0 meV")
        check_finite("pairing problem", mu0=self.mu0)

    def with_omega(self, omega: float) -> PairingProblem:
        """The same problem with another cutoff (meV)."""
        return dataclasses.replace(self, omega=float(omega))

    def with_mu0(self, mu0: float) -> PairingProblem:
        """The same problem at another μ₀ (meV); bands, couplings and cutoff shared, not re-checked."""
        new = copy.copy(self)
        object.__setattr__(new, "mu0", float(mu0))
        return new

    def states(self, mu: float, scale: float, kink_depth: float = KINK_DEPTH) -> list[BandStates]:
        """Quadrature states at chemical potential μ resolving energies down to ``scale`` (meV)."""
        return band_states(self.bands, mu, self.omega, scale, self.n_nodes, kink_depth)


def density_on_states(
    problem: PairingProblem,
    states: list[BandStates],
    mu: float,
    kt: float,
    deltas: list[NDArray[np.float64]] | None = None,
) -> float:
    """Electron density (both spins) in 1/nm² on the given states (docs/theory.md#gaps, standard BCS form).

    Parameters
    ----------
    problem : PairingProblem
    states : list of BandStates
        Quadrature states (from ``problem.states``).
    mu : float
        Chemical potential, meV.
    kt : float
        k_B T in meV (0 allowed).
    deltas : list of ndarray, optional
        Δ_n(q) at the states' nodes, meV; default: normal state.
    """
    total = 0.0
    for n, st in enumerate(states):
        d = 0.0 if deltas is None else deltas[n]
        occ = occupation(st.energy - mu, d, kt, problem.omega, problem.bands.mass_x, problem.n_nodes)
        total += float(np.dot(st.weight, occ))
    return total


def normal_mu(problem: PairingProblem, density: float, kt: float, guess: float) -> float:
    """Chemical potential (meV) giving ``density`` (1/nm²) in the normal state at k_BT = ``kt``."""

    def resid(mu: float) -> float:
        st = problem.states(mu, max(kt, ZERO_T_RESOLUTION * problem.omega))
        return density_on_states(problem, st, mu, kt) - density

    step = max(4.0 * kt, 1e-3 * problem.omega)
    lo, hi = guess - step, guess + step
    f_lo, f_hi = resid(lo), resid(hi)
    for _ in range(60):
        if f_lo <= 0 <= f_hi:
            break
        if f_lo > 0:
            lo, hi, f_hi = lo - 2 * (hi - lo), lo, f_lo
            f_lo = resid(lo)
        else:
            lo, hi, f_lo = hi, hi + 2 * (hi - lo), f_hi
            f_hi = resid(hi)
    else:  # pragma: no cover
        raise InputError(f"density = {density!r} 1/nm^2: no chemical potential found near {guess} meV")
    return float(optimize.brentq(resid, lo, hi, xtol=1e-12, rtol=1e-14))


def pairing_problem(
    model: Model,
    eta: float,
    *,
    g: float | None = None,
    interband: float | ArrayLike | None = None,
    omega0: float | None = None,
    n_nodes: int | None = None,
    bands: BandStructure | None = None,
) -> PairingProblem:
    """Build the pairing problem of ``model`` at Lifshitz parameter η.

    Parameters
    ----------
    model : Model
        Superlattice, couplings, cutoff and numerics.
    eta : float
        Lifshitz parameter η = (μ₀ − E_L)/ΔE of the active band (dimensionless).
    g : float, optional
        Intraband coupling of the active band (the paper's g = g₃₃); default: the model's.
    interband : float or array_like, optional
        Replace every interband coupling by this value, or the whole matrix if 2-D.
    omega0 : float, optional
        Bare phonon energy ω₀ in meV; default: the model's.
    n_nodes : int, optional
        Quadrature nodes per panel; default ``model.numerics.n_q``.
    bands : BandStructure, optional
        The model's band structure if already computed (e.g. shipped to a worker process);
        default :func:`cached_bands` ``(model)``.
    """
    eta = check_eta(eta)  # the input-validation layer of multigap.model (ranges in one place)
    if g is not None:
        model = model.with_g(g)
    gm = np.array(model.pairing.g, dtype=float)
    if interband is not None:
        ib = check_couplings("interband", interband, error=InputError)
        if ib.ndim == 0:
            off = ~np.eye(model.n_bands, dtype=bool)
            gm[off] = float(ib)
        else:
            if ib.shape != gm.shape:
                raise InputError(f"interband matrix shape {ib.shape}: must be {gm.shape}")
            gm = ib
    if omega0 is not None:
        omega0 = check_real("omega0", omega0, low=OMEGA0_MIN, high=OMEGA0_MAX, error=InputError)
    if n_nodes is not None:
        n_nodes = check_count("n_nodes", n_nodes, *N_Q_RANGE, error=InputError)
    w0 = model.pairing.omega0 if omega0 is None else float(omega0)
    omega = omega_tilde(w0, float(np.max(np.diag(gm))), model.pairing.softening)
    check_tc_floor(model.numerics.tc_floor, omega, error=InputError)
    bands = cached_bands(model) if bands is None else bands
    e_l, width = lifshitz_scale(bands, model.active_band)
    mu0 = e_l + float(eta) * width
    check_finite(f"pairing problem at eta = {eta!r}", mu0=mu0, E_L=e_l, dE=width)
    return PairingProblem(
        bands=bands,
        g=gm,
        omega=omega,
        mu0=mu0,
        n_nodes=model.numerics.n_q if n_nodes is None else n_nodes,
        tc_floor=model.numerics.tc_floor,
        active_band=int(model.active_band),
    )


def pairing_problems(
    model: Model,
    etas: Sequence[float],
    *,
    g: float | None = None,
    omega0: float | None = None,
    bands: BandStructure | None = None,
) -> list[PairingProblem]:
    """:func:`pairing_problem` at many η sharing one (g, ω₀): the couplings and cutoff are built once.

    Each problem equals ``pairing_problem(model, eta, g=g, omega0=omega0, bands=bands)`` (the
    same μ₀ = E_L + η ΔE, bit for bit); only μ₀ differs between them.

    Examples
    --------
    >>> from multigap import preset
    >>> m = preset("A")
    >>> many = pairing_problems(m, [0.5, 1.0], g=0.3)
    >>> [p.mu0 == pairing_problem(m, e, g=0.3).mu0 for p, e in zip(many, [0.5, 1.0])]
    [True, True]
    """
    if len(etas) == 0:
        return []
    base = pairing_problem(model, etas[0], g=g, omega0=omega0, bands=bands)
    e_l, width = lifshitz_scale(base.bands, model.active_band)
    out = [base]
    for eta in etas[1:]:
        out.append(base.with_mu0(e_l + check_eta(eta) * width))
    return out


def with_pairing_overrides(
    model: Model,
    *,
    g: float | None = None,
    interband: float | ArrayLike | None = None,
    omega0: float | None = None,
    n_nodes: int | None = None,
) -> Model:
    """The model with the pairing overrides of the solvers folded in (so files can store it).

    Same meaning as the keyword arguments of :func:`multigap.problem.pairing_problem`, applied in
    the same order: ``g`` first, then ``interband``.  ``pairing_problem(result, eta)`` therefore
    builds the same problem as ``pairing_problem(model, eta, g=g, interband=…, omega0=…, n_nodes=…)``.

    Parameters
    ----------
    model : Model
        The starting model.
    g : float, optional
        Active-band intraband coupling g_aa (the paper's g = g₃₃), dimensionless.
    interband : float or array_like, optional
        Every interband coupling g_nn' (n ≠ n'), or, 2-D, the whole coupling matrix.
    omega0 : float, optional
        Bare phonon energy ω₀, meV.
    n_nodes : int, optional
        Quadrature nodes per panel of the pairing solvers (``numerics.n_q``).

    Returns
    -------
    Model
        A new model; the checks of :class:`~multigap.model.Pairing` apply (e.g. max g_nn < 0.5
        with the Migdal softening).

    Raises
    ------
    ModelError
        If an override makes an invalid model (the message names the field and the rule).
    """
    if g is not None:
        model = model.with_g(g)  # checked there (a real number, |g| <= COUPLING_MAX)
    pairing = model.pairing
    if interband is not None:
        ib = check_couplings("interband", interband)
        n = model.n_bands
        if ib.ndim == 0:
            rows = tuple(tuple(pairing.g[i][j] if i == j else float(ib) for j in range(n)) for i in range(n))
        elif ib.shape == (n, n):
            rows = tuple(tuple(float(v) for v in row) for row in ib)
        else:
            raise ModelError(f"interband = {interband!r}: give one number or a {n}x{n} coupling matrix")
        pairing = dataclasses.replace(pairing, g=rows)
    if omega0 is not None:
        pairing = dataclasses.replace(pairing, omega0=omega0)  # checked by Pairing
    numerics = model.numerics
    if n_nodes is not None:
        numerics = dataclasses.replace(numerics, n_q=n_nodes)
    if pairing is model.pairing and numerics is model.numerics:
        return model
    return dataclasses.replace(model, pairing=pairing, numerics=numerics)
