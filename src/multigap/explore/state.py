"""The explorer's computations, without any web framework: one :class:`Explorer` per browser tab.

Everything the page shows is computed here from the library (the same calls as the command
line), so this module is tested without a browser:

* :class:`Parameters` — the controls (model, η, g, ω₀, interband coupling, theory, bound);
* :meth:`Explorer.resolve` — the model, theory and bound, through the command line's own
  :func:`multigap.cli.options.resolve_pairing_model` and
  :func:`~multigap.cli.options.resolve_theory`, so a bad value gives the CLI's one-line message
  (:func:`error_line`);
* :meth:`Explorer.point` — Tc (``solve_tc``, μ = μ₀, as ``multigap tc``), the bound, α
  (``isotope``) and, separately (:meth:`Explorer.gaps`, slower), the T = 0 gaps (``solve_gaps``
  with μ from the number equation, as ``multigap gaps``);
* :meth:`Explorer.structure` — band structure, DOS against η and the Lifshitz points of a
  model (once per superlattice), :meth:`Explorer.fermi` — the Fermi contours at μ;
* :meth:`Explorer.cut_chunks` and :meth:`Explorer.map_chunks` — the Tc(η) cut at the current g
  (:func:`multigap.sweep.run_cut`) and the (η, g) dome (a coarse :func:`multigap.sweep.run_map`,
  then :func:`multigap.sweep.run_points` on the points between), as generators of small steps so
  that a caller can interleave them with interactive work and cancel them;
* :meth:`Explorer.model_toml`, :meth:`Explorer.command_line` — the current parameters as a
  model file and as the equivalent ``multigap`` commands.

The coarse maps are kept in a :class:`MapCache` owned by the server and shared by its tabs (a
map depends only on the model, ω₀, interband coupling, theory and bound).
"""

from __future__ import annotations

import math
import re
import shlex
import shutil
import tempfile
import threading
import weakref
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError, MultigapError
from ..presets import PRESETS

if TYPE_CHECKING:
    import xarray as xr

    from ..bands import KronigPenneyBands
    from ..dos import FermiContour
    from ..model import Model
    from ..observables import GapSummary
    from ..tc import TcResult
    from ..theories import BoundResult, PairingTheory, TcBound

__all__ = [
    "CUT_ETA",
    "MAP_ETA",
    "MAP_G",
    "Explorer",
    "MapCache",
    "MapState",
    "Parameters",
    "PointResult",
    "Structure",
    "error_line",
    "parameters_from_query",
    "upload_name",
]

#: η grid of the Tc(η) cut (dimensionless): both Lifshitz points and the dome on either side.
CUT_ETA = np.linspace(-0.5, 2.5, 61)
#: Coarse (η, g) grid of the dome map, computed first with :func:`multigap.sweep.run_map`; the
#: refinement fills the midpoints (a grid twice as fine in each direction).
MAP_ETA = np.linspace(-0.5, 2.5, 16)
MAP_G = np.linspace(0.05, 0.45, 9)
#: η grid of the DOS view (dimensionless).
DOS_ETA = np.linspace(-0.5, 2.5, 301)
#: Points per chunk of the background work (cut, map refinement): small, so that a change of a
#: control waits at most one chunk.
CHUNK_POINTS = 6


#: Query keys of the page and of ``/api/tc`` and the option each one stands for.
QUERY_KEYS = {
    "model": "--model",
    "eta": "--eta",
    "g": "--g",
    "omega0": "--omega0",
    "interband": "--interband",
    "theory": "--theory",
    "bound": "--bound",
}


def parameters_from_query(args: Mapping[str, Sequence[str]], base: Parameters | None = None) -> Parameters:
    """Parameters from a query string (``?model=B&eta=0.3&g=0.3``), checked like the CLI options.

    Raises
    ------
    InputError
        An unknown key, a repeated key or a value that is not a finite number, in the command
        line's words (``Invalid value for '--eta': 'abc' is not a valid float.``).
    """
    p = base or Parameters()
    changes: dict[str, Any] = {}
    for key, values in args.items():
        if key not in QUERY_KEYS:
            raise InputError(f"unknown parameter {key!r}; known: {', '.join(QUERY_KEYS)}")
        if len(values) != 1:
            raise InputError(f"{QUERY_KEYS[key]}: given {len(values)} times")
        value = values[0]
        if key in ("model", "theory", "bound"):
            changes[key] = value
            continue
        try:
            number = float(value)
        except ValueError:  # the words of click for the same option value
            raise InputError(
                f"Invalid value for '{QUERY_KEYS[key]}': {value!r} is not a valid float."
            ) from None
        if not math.isfinite(number):
            raise InputError(f"Invalid value for '{QUERY_KEYS[key]}': {number!r}: must be a finite number")
        changes[key] = number
    return p.with_(**changes)


def upload_name(name: str) -> str:
    """The name an uploaded model file is known by: its last part, odd characters replaced."""
    base = re.sub(r"[^A-Za-z0-9_.-]", "_", Path(name or "model.toml").name).strip(".") or "model.toml"
    return f"{base}.toml" if base in PRESETS else base


def error_line(exc: BaseException) -> str:
    """The one line the command line prints for ``exc``: ``Error: <message>``.

    The same words as ``multigap`` (:class:`multigap.cli.app.PackageError` after
    :func:`~multigap.cli.app.cli_words`); anything but a package error is named by its type.
    """
    from ..cli.app import PackageError, cli_words

    if isinstance(exc, MultigapError):
        return f"Error: {PackageError(cli_words(str(exc))).message}"
    return f"Error: {PackageError(exc).message}"


@dataclass(frozen=True)
class Parameters:
    """The controls of one explorer tab.

    Attributes
    ----------
    model : str
        ``"A"``, ``"B"`` or the name of an uploaded TOML model file (see
        :meth:`Explorer.upload`).
    eta : float
        Lifshitz parameter η = (μ₀ − E_L)/ΔE of the active band (dimensionless).
    g : float or None
        Active-band coupling g = g_aa; None: the model's.
    omega0 : float or None
        Bare phonon energy ω₀ (meV); None: the model's.
    interband : float or None
        Every interband coupling g_nn'; None: the model's.
    theory, bound : str
        Names from :func:`multigap.theories.available_theories` / ``available_bounds``.
    """

    model: str = "A"
    eta: float = 0.5
    g: float | None = None
    omega0: float | None = None
    interband: float | None = None
    theory: str = "bcs"
    bound: str = "none"

    def with_(self, **changes: Any) -> Parameters:
        """A copy with ``changes`` applied."""
        return replace(self, **changes)


@dataclass
class PointResult:
    """Everything the page shows at one (η, g): Tc first; α and the gaps when :meth:`Explorer.details` ran."""

    params: Parameters
    model: Model
    theory: PairingTheory
    bound: TcBound | None
    tc: TcResult
    bounded: BoundResult | None
    alpha: float | None = None
    gaps: GapSummary | None = None

    @property
    def tc_value(self) -> float:
        """The Tc the page shows (K): bounded when a bound is chosen, as ``tc_K`` of ``multigap tc``."""
        return float(self.bounded.tc if self.bounded is not None else self.tc.tc)

    @property
    def omega(self) -> float:
        """Pairing cutoff ω̃₀ (meV)."""
        return float(self.tc.omega)

    def numbers(self) -> dict[str, Any]:
        """The readout: Tc (K), status, α, μ₀, ω̃₀, and with gaps Δ_n, 2Δ_n/k_BTc, Δ_a/Δ_{a−1}, μ shift."""
        from ..datasets import anisotropy_bands

        out: dict[str, Any] = {
            "tc_K": self.tc_value,
            "status": str(self.tc.status),
            "tc_mf_K": float(self.tc.tc),
            "mu0_meV": float(self.tc.mu0),
            "omega_meV": self.omega,
        }
        if self.alpha is not None:
            out["alpha"] = float(self.alpha)
        if self.bounded is not None:
            out["bound_status"] = str(self.bounded.status)
        out.update({k: float(v) for k, v in self.tc.extras.items()})
        if self.gaps is not None:
            pair = anisotropy_bands(self.model)
            ratio = math.nan
            if pair is not None and self.gaps.gaps.mean[pair[1] - 1] != 0.0:
                ratio = self.gaps.anisotropy(*pair)
            out.update(
                gaps_meV=[float(x) for x in self.gaps.gaps.mean],
                gap_ratios=[float(x) for x in self.gaps.ratios],
                anisotropy=float(ratio),
                anisotropy_bands=list(pair) if pair else None,
                mu_shift_meV=float(self.gaps.mu_shift),
            )
        return out

    def dataset(self) -> xr.Dataset:
        """The point as a Dataset (Tc point, with the gaps per band when computed)."""
        import xarray as xr

        from ..datasets import gaps_point_dataset, tc_point_dataset
        from ..theories import theory_attrs

        ds = tc_point_dataset(self.model, self.params.eta, self.tc)
        if self.alpha is not None:
            ds["alpha"] = xr.Variable(
                (), float(self.alpha), {"units": "1", "long_name": "isotope coefficient"}
            )
        if self.bounded is not None:
            ds["tc_mf"] = ds["tc"].copy()
            ds["tc"] = xr.Variable((), float(self.bounded.tc), {**ds["tc"].attrs, "long_name": "bounded Tc"})
        if self.gaps is not None:
            g = gaps_point_dataset(self.model, self.params.eta, self.gaps)
            for name in ("gap", "gap_min", "gap_max", "gap_ratio", "has_fermi_surface", "anisotropy"):
                ds[name] = g[name]
            ds["mu_shift"] = g["mu_shift"]
        return ds.assign_attrs(theory_attrs(self.theory, self.bound))


@dataclass
class Structure:
    """Band structure and DOS of one superlattice (independent of g, ω₀, interband coupling)."""

    bands: KronigPenneyBands
    bands_ds: xr.Dataset
    dos_ds: xr.Dataset
    e_l: float
    de: float


@dataclass
class MapState:
    """The (η, g) dome on the fine grid: Tc (K, NaN where unknown) and which points are computed.

    ``computed`` is True on the coarse grid after :func:`multigap.sweep.run_map` and on every
    refined point; elsewhere ``tc`` is the linear interpolation of the coarse map (for display).
    """

    eta: np.ndarray
    g: np.ndarray
    tc: np.ndarray
    computed: np.ndarray
    key: str = ""

    @property
    def fraction(self) -> float:
        """Share of the fine grid computed (0–1)."""
        return float(self.computed.mean())

    def dataset(self) -> xr.Dataset:
        """Tc(η, g) with the computed mask, for downloads."""
        import xarray as xr

        return xr.Dataset(
            {
                "tc": (("eta", "g"), self.tc, {"units": "K", "long_name": "critical temperature"}),
                "computed": (
                    ("eta", "g"),
                    self.computed.astype(np.int8),
                    {"units": "1", "long_name": "1: computed, 0: interpolated from the coarse map"},
                ),
            },
            coords={"eta": ("eta", self.eta, {"units": "1"}), "g": ("g", self.g, {"units": "1"})},
            attrs={"title": "Tc(eta, g) dome of the explorer", "map_key": self.key},
        )


class MapCache:
    """Finished dome maps by key, shared by the tabs of one server (thread-safe)."""

    def __init__(self, size: int = 16) -> None:
        self._maps: dict[str, MapState] = {}
        self._lock = threading.Lock()
        self._size = size

    def get(self, key: str) -> MapState | None:
        """A copy of the map stored under ``key``, or None."""
        with self._lock:
            m = self._maps.get(key)
            return None if m is None else replace(m, tc=m.tc.copy(), computed=m.computed.copy())

    def put(self, state: MapState) -> None:
        """Store a copy of ``state`` under its key (the oldest entry goes when full)."""
        with self._lock:
            if len(self._maps) >= self._size and state.key not in self._maps:
                self._maps.pop(next(iter(self._maps)))
            self._maps[state.key] = replace(state, tc=state.tc.copy(), computed=state.computed.copy())


def _fine(coarse: np.ndarray) -> np.ndarray:
    """The grid with every interval halved."""
    mid = 0.5 * (coarse[:-1] + coarse[1:])
    out = np.empty(2 * coarse.size - 1)
    out[0::2], out[1::2] = coarse, mid
    return out


def _interpolate(coarse: np.ndarray) -> np.ndarray:
    """A coarse (η, g) array on the fine grid: bilinear at the midpoints."""
    ne, ng = coarse.shape
    out = np.full((2 * ne - 1, 2 * ng - 1), np.nan)
    out[0::2, 0::2] = coarse
    out[1::2, 0::2] = 0.5 * (coarse[:-1] + coarse[1:])
    out[:, 1::2] = 0.5 * (out[:, 0:-1:2] + out[:, 2::2])
    return out


@dataclass
class Explorer:
    """The state of one explorer tab: parameters, uploaded models and cached structure.

    Nothing here is shared between tabs except the :class:`MapCache` passed in.

    Parameters
    ----------
    cache : MapCache, optional
        Dome maps shared by the tabs of a server; default a private one.

    Examples
    --------
    >>> ex = Explorer()
    >>> r = ex.point(Parameters(model="A", eta=0.5))
    >>> round(r.tc_value, 2)
    43.71
    >>> ex.command_line(Parameters(model="A", eta=0.5, g=0.3)).splitlines()[0]
    'multigap tc --model A --eta 0.5 --g 0.3 --theory bcs --bound none --json'
    """

    cache: MapCache = field(default_factory=MapCache)
    uploads: dict[str, Path] = field(default_factory=dict)
    _folder: Path | None = field(default=None, repr=False)
    _cleanup: weakref.finalize[Any, Any] | None = field(default=None, repr=False)
    _structures: dict[str, Structure] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ model and parameters
    def upload(self, name: str, data: bytes) -> str:
        """Keep an uploaded model file and validate it like ``--model FILE.toml``.

        Parameters
        ----------
        name : str
            The file name the browser sent (only its last part is kept).
        data : bytes
            The file's contents.

        Returns
        -------
        str
            The name under which :class:`Parameters` refers to the model.

        Raises
        ------
        ModelError
            The command line's message for the same file (``--model 'NAME': …``).
        """
        base = upload_name(name)
        if self._folder is None:  # removed by close(), or when the Explorer is collected
            self._folder = Path(tempfile.mkdtemp(prefix="multigap-explore-"))
            self._cleanup = weakref.finalize(self, shutil.rmtree, self._folder, ignore_errors=True)
        path = self._folder / base
        path.write_bytes(data)  # whole: the size check and its message are the command line's
        self._read(base, path)
        self.uploads[base] = path
        return base

    def _read(self, label: str, path: Path) -> Model:
        from ..errors import ModelError
        from ..presets import resolve_model

        try:
            return resolve_model(str(path))
        except ModelError as exc:
            raise ModelError(str(exc).replace(repr(str(path)), repr(label))) from None

    def _spec(self, p: Parameters) -> str:
        if p.model in PRESETS:
            return p.model
        if p.model in self.uploads:
            return str(self.uploads[p.model])
        raise InputError(
            f"--model {p.model!r}: neither a preset ({', '.join(PRESETS)}) nor an uploaded model file"
        )

    def resolve(self, p: Parameters) -> tuple[Model, PairingTheory, TcBound | None]:
        """The model with g, interband coupling and ω₀ folded in, the theory and the bound.

        Raises
        ------
        MultigapError
            With the command line's message (e.g. ``--g 0.6: pairing.g: …``).
        """
        from ..cli.options import resolve_pairing_model, resolve_theory
        from ..errors import ModelError

        for option, value in (
            ("--eta", p.eta),
            ("--g", p.g),
            ("--interband", p.interband),
            ("--omega0", p.omega0),
        ):
            if value is not None and not math.isfinite(value):  # an emptied box: as the CLI says
                raise InputError(f"Invalid value for '{option}': {value!r}: must be a finite number")
        spec = self._spec(p)
        th, bd = resolve_theory(p.theory, {}, p.bound, {})
        try:
            model = resolve_pairing_model(spec, p.g, p.interband, p.omega0)
        except ModelError as exc:
            raise ModelError(str(exc).replace(repr(spec), repr(p.model))) from None
        return model, th, bd

    # ------------------------------------------------------------------------------ one point
    def point(self, p: Parameters) -> PointResult:
        """Tc (μ = μ₀) and the bound at the parameters (the numbers of ``multigap tc``)."""
        from ..problem import pairing_problem

        model, th, bd = self.resolve(p)
        problem = pairing_problem(model, p.eta)
        tc = th.solve_tc(problem, mu_mode="fixed")
        bounded = None if bd is None else bd.apply(problem, th, tc)
        return PointResult(p, model, th, bd, tc, bounded)

    def details(self, result: PointResult) -> PointResult:
        """Add α (``isotope``, as ``multigap isotope``) and the T = 0 gaps (μ from the number
        equation, as ``multigap gaps``) when the theory has them."""
        from ..problem import pairing_problem

        problem = pairing_problem(result.model, result.params.eta)
        alpha = float(result.theory.isotope(problem, tc=result.tc))
        if not result.theory.has_gaps:
            return replace(result, alpha=alpha)
        summary = result.theory.solve_gaps(problem, temperature=0.0, mu_mode="density", tc=result.tc)
        return replace(result, alpha=alpha, gaps=summary)

    # ------------------------------------------------------------------------------ structure
    def structure(self, p: Parameters) -> Structure:
        """Band structure (201 q) and DOS on :data:`DOS_ETA` of the model (cached per superlattice)."""
        from ..bands import band_structure
        from ..datasets import bands_dataset, dos_dataset

        model, _, _ = self.resolve(p)
        key = repr((model.lattice, model.active_band, model.numerics))
        if key not in self._structures:
            bds = bands_dataset(model, n_q=201)
            self._structures[key] = Structure(
                bands=band_structure(model),
                bands_ds=bds,
                dos_ds=dos_dataset(model, DOS_ETA),
                e_l=float(bds["E_L"]),
                de=float(bds["dE"]),
            )
        return self._structures[key]

    def fermi(self, p: Parameters) -> list[FermiContour]:
        """Fermi contours ε_n(k_x, q) = μ₀(η) of every band, for the live view.

        From the tabulated bands the pairing solvers use (:func:`multigap.problem.cached_bands`;
        1 ms instead of 25 ms from the exact bands); the download (:meth:`fermi_dataset`) is
        computed from the exact Kronig–Penney bands.
        """
        from ..dos import fermi_surface
        from ..problem import cached_bands

        model, _, _ = self.resolve(p)
        s = self.structure(p)
        return fermi_surface(cached_bands(model), s.e_l + p.eta * s.de, n_points=80)

    def fermi_dataset(self, p: Parameters) -> xr.Dataset:
        """The Fermi contours at the current η as a Dataset (for downloads)."""
        from ..datasets import fermi_surface_dataset

        model, _, _ = self.resolve(p)
        return fermi_surface_dataset(model, [p.eta], n_points=60)

    # ------------------------------------------------------------------------ cut and dome
    def cut_chunks(self, p: Parameters) -> Iterator[tuple[float, xr.Dataset | None]]:
        """Tc(η) on :data:`CUT_ETA` at the current g, in chunks: yields (fraction done, dataset).

        The dataset is None until the last chunk, then :func:`multigap.sweep.run_cut`'s pieces
        joined along η.  Stop iterating to cancel.
        """
        import xarray as xr

        from ..sweep import run_cut

        model, th, bd = self.resolve(p)
        parts: list[xr.Dataset] = []
        for start in range(0, CUT_ETA.size, CHUNK_POINTS):
            eta = CUT_ETA[start : start + CHUNK_POINTS]
            parts.append(run_cut(model, eta, theory=th, bound=bd, quantities=("tc",)))
            done = min(1.0, (start + eta.size) / CUT_ETA.size)
            joined = None
            if done >= 1.0:
                joined = xr.concat(parts, dim="eta", data_vars="minimal", coords="minimal", compat="override")
            yield done, joined

    def map_key(self, p: Parameters) -> str:
        """What a dome map depends on: the model without g, ω₀, interband coupling, theory, bound."""
        from ..model import dumps_model

        model, th, bd = self.resolve(p.with_(g=None))
        return "\n".join([dumps_model(model), th.name, repr(th.options()), "none" if bd is None else bd.name])

    def map_chunks(self, p: Parameters) -> Iterator[MapState]:
        """The dome: a cached map if there is one, else the coarse map then its refinement.

        Yields the growing :class:`MapState` after each step (the coarse map first); stop
        iterating to cancel.  A finished map is stored in the cache.
        """
        from ..sweep import run_map, run_points

        key = self.map_key(p)
        cached = self.cache.get(key)
        if cached is not None:
            yield cached
            if cached.computed.all():
                return
        model, th, bd = self.resolve(p.with_(g=None))
        state = cached
        if state is None:  # the coarse map, one run_map per g (a step each, so it can be cancelled)
            coarse = np.full((MAP_ETA.size, MAP_G.size), np.nan)
            shape = (2 * MAP_ETA.size - 1, 2 * MAP_G.size - 1)
            state = MapState(_fine(MAP_ETA), _fine(MAP_G), np.full(shape, np.nan), np.zeros(shape, bool), key)
            for j, g in enumerate(MAP_G):
                row = run_map(
                    model, MAP_ETA, [g], theory=th, bound=bd, executor="serial", progress=False
                ).dataset
                coarse[:, j] = row["tc"].transpose("eta", "g").values[:, 0]
                state.tc = _interpolate(coarse)
                state.computed[0::2, 2 * j] = True
                if j == MAP_G.size - 1:  # complete: other tabs start from it
                    self.cache.put(state)
                yield state
        todo = np.argwhere(~state.computed)
        for start in range(0, len(todo), CHUNK_POINTS):
            idx = todo[start : start + CHUNK_POINTS]
            ds = run_points(
                model,
                {"eta": state.eta[idx[:, 0]], "g": state.g[idx[:, 1]]},
                theory=th,
                bound=bd,
                executor="serial",
            )
            state.tc[idx[:, 0], idx[:, 1]] = ds["tc"].values
            state.computed[idx[:, 0], idx[:, 1]] = True
            yield state
        self.cache.put(state)

    # ------------------------------------------------------------------------- parameters out
    def model_toml(self, p: Parameters) -> str:
        """The model with every control folded in, as a TOML model file."""
        from ..model import dumps_model

        model, _, _ = self.resolve(p)
        return dumps_model(model)

    def command_line(self, p: Parameters) -> str:
        """The ``multigap`` commands that compute the page's numbers (Tc, gaps, isotope)."""
        words = ["--model", p.model, "--eta", f"{p.eta:g}"]
        for option, value in (("--g", p.g), ("--interband", p.interband), ("--omega0", p.omega0)):
            if value is not None:
                words += [option, f"{value:g}"]
        words += ["--theory", p.theory, "--bound", p.bound]
        line = " ".join(shlex.quote(w) for w in words)
        return "\n".join(f"multigap {cmd} {line} --json" for cmd in ("tc", "gaps", "isotope"))

    def close(self) -> None:
        """Remove the uploaded files (when the tab closes)."""
        if self._cleanup is not None:
            self._cleanup()
        self._folder = self._cleanup = None
