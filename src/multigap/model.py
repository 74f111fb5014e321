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
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import tomli_w

from .errors import ModelError

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
]


def _check_real(where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ModelError(f"{where} = {value!r}: must be a real number")
    value = float(value)
    if not math.isfinite(value):
        raise ModelError(f"{where} = {value!r}: must be finite")
    return value


def _check_positive(where: str, value: Any) -> float:
    value = _check_real(where, value)
    if value <= 0.0:
        raise ModelError(f"{where} = {value!r}: must be > 0")
    return value


#: Largest accepted phonon energy ω₀ (meV): 100 eV, far above any phonon.
OMEGA0_MAX = 1e5


def _check_omega0(value: Any) -> float:
    value = _check_positive("pairing.omega0", value)
    if value > OMEGA0_MAX:
        raise ModelError(f"pairing.omega0 = {value!r}: must be <= {OMEGA0_MAX:g} meV (a phonon energy)")
    return value


def _check_int(where: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ModelError(f"{where} = {value!r}: must be an integer")
    if value < minimum:
        raise ModelError(f"{where} = {value!r}: must be >= {minimum}")
    return int(value)


@dataclass(frozen=True, kw_only=True)
class Layer:
    """One layer of the superlattice period.

    Parameters
    ----------
    thickness : float
        Layer thickness along z, nm (> 0).
    potential : float
        Potential energy of the layer, meV.
    mass : float
        Effective mass along z inside the layer, in units of m_e (> 0).
    """

    thickness: float
    potential: float
    mass: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "thickness", _check_positive("layer.thickness", self.thickness))
        object.__setattr__(self, "potential", _check_real("layer.potential", self.potential))
        object.__setattr__(self, "mass", _check_positive("layer.mass", self.mass))


@dataclass(frozen=True, kw_only=True)
class Superlattice:
    """A periodic stack of piecewise-constant layers along z, free motion along x.

    Parameters
    ----------
    layers : tuple of Layer
        The layers of one period, in order of increasing z (at least one).
    mass_x : float, optional
        Effective mass for the free motion along x, in m_e (> 0).  Default: the mass of the
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
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise ModelError(f"lattice.layers[{i}] = {layer!r}: must be a Layer")
        object.__setattr__(self, "layers", layers)
        if self.mass_x is None:  # default m_x = m_w, the mass of the well (lowest potential) layer
            well = min(layers, key=lambda ly: ly.potential)
            object.__setattr__(self, "mass_x", well.mass)
        object.__setattr__(self, "mass_x", _check_positive("lattice.mass_x", self.mass_x))

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
        N₀ = m_x/(2πħ²)), one row per band.  Diagonal entries must be >= 0.
    omega0 : float
        Bare phonon energy ω₀, meV (> 0).
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
        if n == 0 or any(len(row) != n for row in rows):
            raise ModelError(f"pairing.g = {self.g!r}: must be a non-empty square matrix")
        rows = tuple(
            tuple(_check_real(f"pairing.g[{i}][{j}]", v) for j, v in enumerate(row))
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
        if isinstance(band, bool) or not isinstance(band, int) or not 1 <= band <= self.n_bands:
            raise ModelError(f"band = {band!r}: must be a band index between 1 and {self.n_bands}")
        rows = [list(r) for r in self.g]
        rows[band - 1][band - 1] = float(g)
        return dataclasses.replace(self, g=tuple(tuple(r) for r in rows))


@dataclass(frozen=True, kw_only=True)
class Numerics:
    """Numerical settings that change results only within their stated accuracy.

    Parameters
    ----------
    n_q : int
        Gauss–Legendre nodes per panel of the graded q and s quadratures of the pairing
        solvers (>= 4; default 8).  Doubling it is the convergence check.
    n_z : int
        Gauss–Legendre nodes per layer for z integrals (normalisation, overlaps) (>= 16:
        overlaps of model A are accurate to 1e-8 at 16 and 1e-15 at the default 24).
    tc_floor : float
        Critical temperatures below this value (K) are reported as 0 with status
        ``below_floor`` (> 0, default 1e-8 K).
    """

    n_q: int = 8
    n_z: int = 24
    tc_floor: float = 1e-8

    def __post_init__(self) -> None:
        _check_int("numerics.n_q", self.n_q, 4)
        _check_int("numerics.n_z", self.n_z, 16)
        object.__setattr__(self, "tc_floor", _check_positive("numerics.tc_floor", self.tc_floor))


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
        _check_int("active_band", self.active_band, 1)
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


def loads_model(text: str) -> Model:
    """Parse a model from TOML text, strictly (see :func:`model_from_dict`)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ModelError(f"model file is not valid TOML: {exc}") from None
    return model_from_dict(data)


def dump_model(model: Model, path: str | Path) -> None:
    """Write a model to a TOML file."""
    Path(path).write_text(dumps_model(model), encoding="utf-8")


def load_model(path: str | Path) -> Model:
    """Read a model from a TOML file, strictly (see :func:`model_from_dict`)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ModelError(f"model file {str(p)!r}: cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ModelError(f"model file {str(p)!r}: is not UTF-8 text (a TOML model is expected)") from None
    try:
        return loads_model(text)
    except ModelError as exc:
        raise ModelError(f"model file {str(p)!r}: {exc}") from None
