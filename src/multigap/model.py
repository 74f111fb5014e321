"""Model description: superlattice, pairing parameters and numerics (frozen, hashable).

A :class:`Model` is everything needed to recompute any result of the package.  It is immutable;
derive variants with :func:`dataclasses.replace` or the helpers :meth:`Model.with_g` and
:meth:`Pairing.with_active_coupling`.  Models are read from and written to strict TOML
(:func:`load_model`, :func:`dump_model`, :func:`loads_model`, :func:`dumps_model`): unknown keys,
wrong types and unphysical values are rejected with a message naming the field, the value and
the rule.

Units: lengths nm, energies meV, temperatures K, masses in m_e (see :mod:`multigap.constants`).
"""

from __future__ import annotations

import dataclasses
import math
import os
import stat
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
import tomli_w
from numpy.typing import NDArray

from .errors import InputError, ModelError, MultigapError, NonFiniteError

__all__ = [
    "Layer",
    "Superlattice",
    "Pairing",
    "Numerics",
    "Model",
    "omega_tilde",
    "load_model",
    "loads_model",
    "dump_model",
    "dumps_model",
    "model_to_dict",
    "model_from_dict",
    "MAX_MODEL_FILE_BYTES",
    "check_real",
    "check_count",
    "check_eta",
    "check_couplings",
    "check_tc_floor",
    "check_finite",
    "THICKNESS_RANGE",
    "MASS_RANGE",
    "POTENTIAL_MAX",
    "N_LAYERS_MAX",
    "COUPLING_MAX",
    "N_BANDS_MAX",
    "OMEGA0_MIN",
    "OMEGA0_MAX",
    "N_Q_RANGE",
    "N_Z_RANGE",
    "TC_FLOOR_MIN",
    "DEFAULT_TC_FLOOR",
    "ETA_MAX",
]


# ------------------------------------------------------------- the input-validation layer
# Every model field and every solver argument is checked here, once, against the ranges below
# (the one home of the accepted ranges; docs/conventions.md lists them).  A range is what the
# solvers can compute in double precision at a bounded cost, not a statement about physics.

#: Layer thickness, nm: (min, max).
THICKNESS_RANGE = (1e-3, 1e3)
#: Effective masses (layers, free motion along x), m_e: (min, max).  5e-324 is not a mass.
MASS_RANGE = (1e-3, 1e3)
#: Largest |layer potential|, meV (1 keV; the presets use 4.16 eV).
POTENTIAL_MAX = 1e6
#: Largest number of layers in one period.
N_LAYERS_MAX = 64
#: Largest |g_nn'| (dimensionless): far beyond weak coupling, still finite arithmetic.
COUPLING_MAX = 10.0
#: Largest number of bands (the size of the coupling matrix).
N_BANDS_MAX = 32
#: Smallest phonon energy ω₀ (meV): below it the pairing shell is thinner than the solvers resolve.
OMEGA0_MIN = 1e-6
#: Largest accepted phonon energy ω₀ (meV): 100 eV, far above any phonon.
OMEGA0_MAX = 1e5
#: Gauss–Legendre nodes per panel of the pairing quadratures (numerics.n_q, ``n_nodes``):
#: (min, max).  Model A at 1024 nodes: 20 s and 0.8 GB for one Tc; 4096 took 450 s and 3 GB.
N_Q_RANGE = (4, 1024)
#: Gauss–Legendre nodes per layer of the z integrals (numerics.n_z): (min, max).
N_Z_RANGE = (16, 4096)
#: Smallest Tc floor, K (a denormal floor makes log(floor) -inf); the largest is set by the
#: problem: k_B·tc_floor must stay below the pairing cutoff ω̃₀.
TC_FLOOR_MIN = 1e-20
#: Default Tc floor, K (numerics.tc_floor): Tc below it is reported as 0 with status
#: ``below_floor``.  The one home of the default (problem.py and eliashberg.py use it).
DEFAULT_TC_FLOOR = 1e-8
#: Largest |η|: μ₀ = E_L + η ΔE at most 1000 band widths from the active band's edge.
ETA_MAX = 1e3


def _show(value: Any) -> str:
    """``repr(value)``, cut to 60 characters (a 400-digit integer is not repeated in full)."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:45]}... ({len(text)} characters)"


def check_real(
    where: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    positive: bool = False,
    error: type[MultigapError] = ModelError,
) -> float:
    """``value`` as a finite float in [low, high] (and > 0 if ``positive``), else ``error``.

    Accepts Python and numpy reals (not bools); the message names ``where``, the value and the rule.

    Examples
    --------
    >>> check_real("eta", 0.5, low=-1.0, high=1.0)
    0.5
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise error(f"{where} = {_show(value)}: must be a real number")
    try:
        value = float(value)
    except OverflowError:  # an int beyond the float range
        raise error(f"{where} = {_show(value)}: must be a finite number") from None
    if not math.isfinite(value):
        raise error(f"{where} = {_show(value)}: must be finite")
    if positive and value <= 0.0:
        raise error(f"{where} = {_show(value)}: must be > 0")
    if low is not None and value < low:
        raise error(f"{where} = {_show(value)}: must be >= {low:g}")
    if high is not None and value > high:
        raise error(f"{where} = {_show(value)}: must be <= {high:g}")
    return value


def check_count(
    where: str, value: Any, low: int, high: int, *, error: type[MultigapError] = ModelError
) -> int:
    """``value`` as an int in [low, high] (Python or numpy integers, not bools), else ``error``.

    Examples
    --------
    >>> check_count("numerics.n_q", np.int64(8), *N_Q_RANGE)
    8
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise error(f"{where} = {_show(value)}: must be an integer")
    if value < low:
        raise error(f"{where} = {_show(value)}: must be >= {low}")
    if value > high:
        raise error(f"{where} = {_show(value)}: must be <= {high}")
    return int(value)


def check_eta(eta: Any) -> float:
    """The Lifshitz parameter η as a float with |η| <= :data:`ETA_MAX`, else :class:`InputError`."""
    return check_real("eta", eta, low=-ETA_MAX, high=ETA_MAX, error=InputError)


def check_couplings(where: str, g: Any, *, error: type[MultigapError] = ModelError) -> NDArray[np.float64]:
    """A coupling value or matrix as floats, each finite with |g| <= :data:`COUPLING_MAX`."""
    try:
        arr = np.asarray(g, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise error(f"{where} = {_show(g)}: must be a real number or a square matrix of them") from None
    if arr.ndim > 2 or arr.size > N_BANDS_MAX**2:
        raise error(f"{where}: must be one number or a square matrix of at most {N_BANDS_MAX} bands")
    bad = ~np.isfinite(arr) | (np.abs(np.nan_to_num(arr, nan=0.0, posinf=np.inf)) > COUPLING_MAX)
    if np.any(bad):
        value = arr[bad].flat[0] if arr.ndim else float(arr)
        raise error(
            f"{where} = {_show(value)}: couplings must be finite with |g| <= {COUPLING_MAX:g} "
            "(dimensionless g = U N0)"
        )
    return arr


def check_tc_floor(tc_floor: float, omega: float, *, error: type[MultigapError] = ModelError) -> None:
    """Refuse a Tc floor at or above the problem's scale (k_B·tc_floor >= the cutoff ω̃₀ in meV)."""
    from .constants import KB

    if KB * tc_floor >= omega:
        raise error(
            f"numerics.tc_floor = {tc_floor!r} K: must be below the pairing cutoff "
            f"omega~/k_B = {omega / KB:.6g} K (the scale of the problem)"
        )


def check_finite(where: str, **values: Any) -> None:
    """Raise :class:`NonFiniteError` naming the first non-finite intermediate value.

    The solvers call it on μ₀, eigenvalues, kernels and results, so that an overflow ends in a
    clear error (a ``failed`` point in a sweep), never in a number reported as computed.
    """
    for name, value in values.items():
        arr = np.asarray(value, dtype=float)
        if not np.all(np.isfinite(arr)):
            raise NonFiniteError(
                f"{where}: {name} is not finite ({arr.flat[np.argmin(np.isfinite(arr))]!r}); the "
                "input lies beyond what double precision computes (see the accepted ranges in "
                "docs/conventions.md)"
            )


_check_real = check_real


def _check_positive(where: str, value: Any) -> float:
    return check_real(where, value, positive=True)


def _check_omega0(value: Any) -> float:
    value = _check_positive("pairing.omega0", value)
    if not OMEGA0_MIN <= value <= OMEGA0_MAX:
        raise ModelError(
            f"pairing.omega0 = {value!r}: must be between {OMEGA0_MIN:g} and {OMEGA0_MAX:g} meV "
            "(a phonon energy)"
        )
    return value


@dataclass(frozen=True, kw_only=True)
class Layer:
    """One layer of the superlattice period.

    Parameters
    ----------
    thickness : float
        Layer thickness along z, nm (in :data:`THICKNESS_RANGE`, 1e-3 … 1e3).
    potential : float
        Potential energy of the layer, meV (|V| <= :data:`POTENTIAL_MAX`).
    mass : float
        Effective mass along z inside the layer, in units of m_e (in :data:`MASS_RANGE`, 1e-3 … 1e3).
    """

    thickness: float
    potential: float
    mass: float

    def __post_init__(self) -> None:
        lo, hi = THICKNESS_RANGE
        object.__setattr__(
            self, "thickness", check_real("layer.thickness", self.thickness, low=lo, high=hi, positive=True)
        )
        v = POTENTIAL_MAX
        object.__setattr__(self, "potential", check_real("layer.potential", self.potential, low=-v, high=v))
        lo, hi = MASS_RANGE
        object.__setattr__(self, "mass", check_real("layer.mass", self.mass, low=lo, high=hi, positive=True))


@dataclass(frozen=True, kw_only=True)
class Superlattice:
    """A periodic stack of piecewise-constant layers along z, free motion along x.

    Parameters
    ----------
    layers : tuple of Layer
        The layers of one period, in order of increasing z (at least one).
    mass_x : float, optional
        Effective mass for the free motion along x, in m_e (in :data:`MASS_RANGE`).  Default: the mass of the
        well, i.e. of the layer with the lowest potential (docs/theory.md#bands: m_x = m_w).
    """

    layers: tuple[Layer, ...]
    mass_x: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.layers, (tuple, list)):
            raise ModelError(f"lattice.layers = {self.layers!r}: must be a sequence of Layer")
        layers = tuple(self.layers)
        if not layers:
            raise ModelError("lattice.layers = []: at least one layer is required")
        if len(layers) > N_LAYERS_MAX:
            raise ModelError(f"lattice.layers: {len(layers)} layers; at most {N_LAYERS_MAX} per period")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise ModelError(f"lattice.layers[{i}] = {layer!r}: must be a Layer")
        object.__setattr__(self, "layers", layers)
        if self.mass_x is None:  # default m_x = m_w, the mass of the well (lowest potential) layer
            well = min(layers, key=lambda ly: ly.potential)
            object.__setattr__(self, "mass_x", well.mass)
        lo, hi = MASS_RANGE
        object.__setattr__(
            self, "mass_x", check_real("lattice.mass_x", self.mass_x, low=lo, high=hi, positive=True)
        )

    @classmethod
    def wire_spacer(
        cls,
        *,
        wire_width: float,
        spacer_width: float,
        barrier: float,
        wire_mass: float = 1.0,
        spacer_mass: float = 1.0,
        mass_x: float | None = None,
    ) -> Superlattice:
        """The common case of the paper: a wire (well) of width L and a spacer (barrier) of width W.

        Parameters
        ----------
        wire_width : float
            Wire (well) width L, nm; potential 0.
        spacer_width : float
            Spacer (barrier) width W, nm.
        barrier : float
            Barrier height V of the spacer, meV.
        wire_mass, spacer_mass : float
            Masses m_w and m_b along z, in m_e.
        mass_x : float, optional
            Free mass along x in m_e; defaults to ``wire_mass``.
        """
        return cls(
            layers=(
                Layer(thickness=wire_width, potential=0.0, mass=wire_mass),
                Layer(thickness=spacer_width, potential=barrier, mass=spacer_mass),
            ),
            mass_x=wire_mass if mass_x is None else mass_x,
        )

    @property
    def period(self) -> float:
        """Period d of the superlattice, nm."""
        return float(sum(layer.thickness for layer in self.layers))


def omega_tilde(omega0: float, g_max: float, softening: bool = True) -> float:
    """Migdal-softened cutoff ω̃₀ = ω₀ √(1 − 2 g_max) (paper eq. 1), meV.

    Parameters
    ----------
    omega0 : float
        Bare phonon energy ω₀, meV.
    g_max : float
        Largest intraband coupling max_n g_nn (dimensionless, must be < 0.5 with softening).
    softening : bool
        If False, return ω₀ unchanged.

    Raises
    ------
    ModelError
        If ``softening`` and ``g_max >= 0.5`` (the softened phonon energy would vanish).
    """
    if not isinstance(softening, bool):
        raise ModelError(f"pairing.softening = {softening!r}: must be true or false")
    omega0 = _check_omega0(omega0)
    if not softening:
        return omega0
    g_max = _check_real("max g_nn", g_max)
    if g_max >= 0.5:
        raise ModelError(
            f"pairing.g: max g_nn = {g_max!r} must be < 0.5 for the Migdal softening "
            "omega~ = omega0*sqrt(1 - 2 max g_nn); lower g or set pairing.softening = false"
        )
    return omega0 * math.sqrt(1.0 - 2.0 * g_max)


@dataclass(frozen=True, kw_only=True)
class Pairing:
    """Pairing parameters: the coupling matrix g_nn', the phonon energy and its softening.

    Parameters
    ----------
    g : tuple of tuple of float
        Symmetric dimensionless coupling matrix g_nn' = U₀^{nn'} N₀ (convention ``free2d``,
        N₀ = m_x/(2πħ²)), one row per band (at most :data:`N_BANDS_MAX`).  Diagonal entries must be >= 0,
        every |g_nn'| <= :data:`COUPLING_MAX`.
    omega0 : float
        Bare phonon energy ω₀, meV (:data:`OMEGA0_MIN` … :data:`OMEGA0_MAX`).
    softening : bool
        Apply the Migdal softening ω̃₀ = ω₀ √(1 − 2 max g_nn) (requires max g_nn < 0.5).
    """

    g: tuple[tuple[float, ...], ...]
    omega0: float
    softening: bool = True

    def __post_init__(self) -> None:
        try:
            rows = tuple(tuple(row) for row in self.g)
        except TypeError as exc:
            raise ModelError(f"pairing.g = {self.g!r}: must be a square matrix (list of rows)") from exc
        n = len(rows)
        if n > N_BANDS_MAX:
            raise ModelError(f"pairing.g: {n} bands; at most {N_BANDS_MAX}")
        if n == 0 or any(len(row) != n for row in rows):
            raise ModelError(f"pairing.g = {self.g!r}: must be a non-empty square matrix")
        c = COUPLING_MAX
        rows = tuple(
            tuple(check_real(f"pairing.g[{i}][{j}]", v, low=-c, high=c) for j, v in enumerate(row))
            for i, row in enumerate(rows)
        )
        for i in range(n):
            if rows[i][i] < 0:
                raise ModelError(f"pairing.g[{i}][{i}] = {rows[i][i]!r}: intraband couplings must be >= 0")
            for j in range(i):
                if rows[i][j] != rows[j][i]:
                    raise ModelError(
                        f"pairing.g[{i}][{j}] = {rows[i][j]!r} differs from pairing.g[{j}][{i}] = "
                        f"{rows[j][i]!r}: the coupling matrix must be symmetric"
                    )
        object.__setattr__(self, "g", rows)
        object.__setattr__(self, "omega0", _check_omega0(self.omega0))
        if not isinstance(self.softening, bool):
            raise ModelError(f"pairing.softening = {self.softening!r}: must be true or false")
        if self.softening:
            omega_tilde(self.omega0, self.g_max, True)  # raises with a clear message

    @classmethod
    def from_couplings(
        cls,
        intraband: Sequence[float],
        interband: float = 0.02,
        *,
        omega0: float,
        softening: bool = True,
    ) -> Pairing:
        """Build the matrix from its diagonal and one common interband coupling.

        Parameters
        ----------
        intraband : sequence of float
            g_nn for n = 1, 2, ...
        interband : float
            g_nn' for every n != n' (default 0.02, docs/theory.md#couplings).
        omega0 : float
            Bare phonon energy, meV.
        softening : bool
            Migdal softening on/off.
        """
        n = len(intraband)
        g = tuple(
            tuple(float(intraband[i]) if i == j else float(interband) for j in range(n)) for i in range(n)
        )
        return cls(g=g, omega0=omega0, softening=softening)

    @property
    def n_bands(self) -> int:
        """Number of bands the coupling matrix describes."""
        return len(self.g)

    @property
    def g_max(self) -> float:
        """Largest intraband coupling max_n g_nn."""
        return max(self.g[i][i] for i in range(self.n_bands))

    @property
    def omega(self) -> float:
        """The pairing cutoff ω̃₀ in meV (softened unless ``softening`` is False)."""
        return omega_tilde(self.omega0, self.g_max, self.softening)

    def with_active_coupling(self, band: int, g: float) -> Pairing:
        """Return a copy with g_bb = g for the (1-based) band ``band``."""
        band = check_count("band", band, 1, self.n_bands)
        rows = [list(r) for r in self.g]
        rows[band - 1][band - 1] = check_real("g", g, low=-COUPLING_MAX, high=COUPLING_MAX)
        return dataclasses.replace(self, g=tuple(tuple(r) for r in rows))


@dataclass(frozen=True, kw_only=True)
class Numerics:
    """Numerical settings that change results only within their stated accuracy.

    Parameters
    ----------
    n_q : int
        Gauss–Legendre nodes per panel of the graded q and s quadratures of the pairing
        solvers (4 … 1024, :data:`N_Q_RANGE`; default 8).  Doubling it is the convergence check.
    n_z : int
        Gauss–Legendre nodes per layer for z integrals (normalisation, overlaps) (16 … 4096,
        :data:`N_Z_RANGE`:
        overlaps of model A are accurate to 1e-8 at 16 and 1e-15 at the default 24).
    tc_floor : float
        Critical temperatures below this value (K) are reported as 0 with status
        ``below_floor`` (>= :data:`TC_FLOOR_MIN`, and k_B·tc_floor below the cutoff ω̃₀;
        default 1e-8 K).
    """

    n_q: int = 8
    n_z: int = 24
    tc_floor: float = DEFAULT_TC_FLOOR

    def __post_init__(self) -> None:
        object.__setattr__(self, "n_q", check_count("numerics.n_q", self.n_q, *N_Q_RANGE))
        object.__setattr__(self, "n_z", check_count("numerics.n_z", self.n_z, *N_Z_RANGE))
        floor = check_real("numerics.tc_floor", self.tc_floor, low=TC_FLOOR_MIN, positive=True)
        object.__setattr__(self, "tc_floor", floor)


@dataclass(frozen=True, kw_only=True)
class Model:
    """A complete, immutable model: superlattice, pairing, active band and numerics.

    Parameters
    ----------
    name : str
        Free label (e.g. ``"A"``).
    lattice : Superlattice
        The layer stack and the free mass along x.
    pairing : Pairing
        The coupling matrix (its size sets the number of bands computed) and the cutoff.
    active_band : int
        1-based index of the band whose edge defines E_L, ΔE and η (default 3).
    numerics : Numerics
        Grid sizes and floors.
    """

    name: str = "custom"
    lattice: Superlattice
    pairing: Pairing
    active_band: int = 3
    numerics: Numerics = field(default_factory=Numerics)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str):
            raise ModelError(f"name = {self.name!r}: must be a string")
        for key, cls in (("lattice", Superlattice), ("pairing", Pairing), ("numerics", Numerics)):
            if not isinstance(getattr(self, key), cls):
                raise ModelError(f"{key} = {getattr(self, key)!r}: must be a {cls.__name__}")
        object.__setattr__(self, "active_band", check_count("active_band", self.active_band, 1, N_BANDS_MAX))
        check_tc_floor(self.numerics.tc_floor, self.pairing.omega)
        if self.active_band > self.n_bands:
            raise ModelError(
                f"active_band = {self.active_band}: beyond the {self.n_bands} bands computed "
                f"(the size of pairing.g); add rows to pairing.g or choose active_band <= {self.n_bands}"
            )

    @property
    def n_bands(self) -> int:
        """Number of subbands computed (the size of the coupling matrix)."""
        return self.pairing.n_bands

    def with_g(self, g: float) -> Model:
        """Return a copy with the active band's intraband coupling g_aa = g (paper's g = g₃₃)."""
        return dataclasses.replace(self, pairing=self.pairing.with_active_coupling(self.active_band, g))


# --------------------------------------------------------------------------------------- TOML

_TOP_KEYS = {"name", "active_band", "lattice", "pairing", "numerics"}
_LATTICE_KEYS = {"mass_x", "layers"}
_LAYER_KEYS = {"thickness", "potential", "mass"}
_PAIRING_KEYS = {"g", "omega0", "softening"}
_NUMERICS_KEYS = {f.name for f in dataclasses.fields(Numerics)}


def _reject_unknown(where: str, data: Mapping[str, Any], allowed: set[str]) -> None:
    for key in data:
        if key not in allowed:
            hint = ", ".join(sorted(allowed))
            raise ModelError(f"{where}{key} = {data[key]!r}: unknown key (allowed: {hint})")


def _require_table(where: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ModelError(f"{where} = {value!r}: must be a table")
    return value


def model_to_dict(model: Model) -> dict[str, Any]:
    """The fully resolved model as plain data (the TOML schema)."""
    return {
        "name": model.name,
        "active_band": model.active_band,
        "lattice": {
            "mass_x": model.lattice.mass_x,
            "layers": [
                {"thickness": ly.thickness, "potential": ly.potential, "mass": ly.mass}
                for ly in model.lattice.layers
            ],
        },
        "pairing": {
            "g": [list(row) for row in model.pairing.g],
            "omega0": model.pairing.omega0,
            "softening": model.pairing.softening,
        },
        "numerics": dataclasses.asdict(model.numerics),
    }


def model_from_dict(data: Mapping[str, Any]) -> Model:
    """Build a model from plain data, strictly (unknown keys and wrong types are errors).

    Missing optional keys take their defaults; ``lattice.layers``, ``pairing.g`` and
    ``pairing.omega0`` are required.
    """
    data = _require_table("model", data)
    _reject_unknown("", data, _TOP_KEYS)
    for key in ("lattice", "pairing"):
        if key not in data:
            raise ModelError(f"{key}: missing table [{key}] (required)")
    lat = _require_table("lattice", data["lattice"])
    _reject_unknown("lattice.", lat, _LATTICE_KEYS)
    if "layers" not in lat:
        raise ModelError("lattice.layers: missing (required: a list of {thickness, potential, mass})")
    raw_layers = lat["layers"]
    if not isinstance(raw_layers, list):
        raise ModelError(f"lattice.layers = {raw_layers!r}: must be an array of tables")
    layers = []
    for i, raw in enumerate(raw_layers):
        raw = _require_table(f"lattice.layers[{i}]", raw)
        _reject_unknown(f"lattice.layers[{i}].", raw, _LAYER_KEYS)
        for key in _LAYER_KEYS:
            if key not in raw:
                raise ModelError(f"lattice.layers[{i}].{key}: missing (required)")
        try:
            layers.append(Layer(**raw))
        except ModelError as exc:
            raise ModelError(str(exc).replace("layer.", f"lattice.layers[{i}].", 1)) from None
    lattice = Superlattice(layers=tuple(layers), mass_x=lat.get("mass_x"))

    pair = _require_table("pairing", data["pairing"])
    _reject_unknown("pairing.", pair, _PAIRING_KEYS)
    for key in ("g", "omega0"):
        if key not in pair:
            raise ModelError(f"pairing.{key}: missing (required)")
    if not isinstance(pair["g"], list) or not all(isinstance(r, list) for r in pair["g"]):
        raise ModelError(f"pairing.g = {pair['g']!r}: must be a square matrix (array of arrays)")
    # passed as read (lists), so that error messages quote the file's own values
    pairing = Pairing(g=cast(Any, pair["g"]), omega0=pair["omega0"], softening=pair.get("softening", True))

    num = _require_table("numerics", data.get("numerics", {}))
    _reject_unknown("numerics.", num, _NUMERICS_KEYS)
    numerics = Numerics(**num)
    return Model(
        name=data.get("name", "custom"),
        lattice=lattice,
        pairing=pairing,
        active_band=data.get("active_band", 3),
        numerics=numerics,
    )


def dumps_model(model: Model) -> str:
    """Serialise a model to TOML text (floats written exactly; ``loads_model`` inverts it)."""
    return tomli_w.dumps(model_to_dict(model))


#: Largest model file read (bytes): a model is a few tables; a device or a huge file is refused.
MAX_MODEL_FILE_BYTES = 1 << 20


def loads_model(text: str) -> Model:
    """Parse a model from TOML text, strictly (see :func:`model_from_dict`).

    A leading byte order mark is accepted; TOML nested too deeply to parse is refused like a
    syntax error (a :class:`~multigap.errors.ModelError`).
    """
    if not isinstance(text, str):
        raise ModelError(f"model text = {text!r}: must be a str of TOML")
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        raise ModelError(f"model file is not valid TOML: {exc}") from None
    except RecursionError:
        raise ModelError("model file: TOML nested too deeply to read (a model is a few tables)") from None
    return model_from_dict(data)


def dump_model(model: Model, path: str | Path) -> None:
    """Write a model to a TOML file."""
    Path(path).write_text(dumps_model(model), encoding="utf-8")


def load_model(path: str | Path, *, label: str = "model file") -> Model:
    """Read a model from a TOML file safely and strictly (the one reader of model files).

    Only regular files are read (a FIFO, a device such as ``/dev/zero`` or a folder is refused
    without opening it), at most :data:`MAX_MODEL_FILE_BYTES` bytes, as UTF-8 (a leading byte
    order mark is accepted); the model is then checked by :func:`model_from_dict`.

    Parameters
    ----------
    path : str or Path
        The file.
    label : str
        How messages name the file (e.g. ``"--model 'm.toml'"``).

    Returns
    -------
    Model
        The validated model.

    Raises
    ------
    ModelError
        One line naming the file: missing, not a regular file, too large, not UTF-8, not TOML,
        or an invalid model (the message names the field).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "m.toml"
    >>> _ = p.write_text("\ufeff" + dumps_model(Model(lattice=Superlattice.wire_spacer(
    ...     wire_width=0.85, spacer_width=0.55, barrier=4160.0), pairing=Pairing.from_couplings(
    ...     [0.1, 0.1, 0.25], omega0=330.0))), encoding="utf-8")
    >>> load_model(p).n_bands
    3
    """
    if not isinstance(path, (str, Path)):
        raise ModelError(f"{label} = {path!r}: must be a path (str or pathlib.Path)")
    p = Path(path)
    where = f"{label} {str(p)!r}"
    try:
        info = os.stat(p)
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ModelError(f"{where}: cannot be read ({reason})") from None
    if stat.S_ISDIR(info.st_mode):
        raise ModelError(f"{where}: cannot be read (is a folder, not a TOML model file)")
    if not stat.S_ISREG(info.st_mode):
        raise ModelError(f"{where}: cannot be read (not a regular file; a TOML model file is expected)")
    if info.st_size > MAX_MODEL_FILE_BYTES:
        raise ModelError(
            f"{where}: {info.st_size} bytes, larger than the {MAX_MODEL_FILE_BYTES} bytes a model file "
            "may have"
        )
    try:
        with open(p, "rb") as fh:
            raw = fh.read(MAX_MODEL_FILE_BYTES + 1)
    except OSError as exc:
        raise ModelError(f"{where}: cannot be read ({exc.strerror or exc})") from None
    if len(raw) > MAX_MODEL_FILE_BYTES:
        raise ModelError(f"{where}: larger than the {MAX_MODEL_FILE_BYTES} bytes a model file may have")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ModelError(f"{where}: is not UTF-8 text (a TOML model file is expected)") from None
    try:
        return loads_model(text)
    except ModelError as exc:
        raise ModelError(f"{where}: {str(exc).removeprefix('model file: ')}") from None
