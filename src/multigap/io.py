"""Self-describing files: xarray Datasets <-> NetCDF4 (via h5netcdf), and the model they came from.

Every Dataset made by :mod:`multigap.datasets` carries the fully resolved model as TOML text in
``ds.attrs["model_toml"]`` (or ``model_toml_0``, ``model_toml_1``, … when it compares several
models, with their names in the ``model`` coordinate) and the package version in
``ds.attrs["multigap_version"]``, so that any result read back from disk can be recomputed:

>>> ds = read_dataset("results/bands_A.nc")        # doctest: +SKIP
>>> model = model_from_dataset(ds)                   # doctest: +SKIP

Units travel with the data: each variable's ``attrs["units"]`` (nm, 1/nm, meV, K, dimensionless).
Every file also carries the CF global attributes (:data:`CF_CONVENTIONS`): ``Conventions``,
``history`` (one line per write: the version and the command that made the data, no clock time,
so that a resumed map is byte-identical to an uninterrupted one), ``source`` and ``references``
(the paper whose model multigap implements, and the package).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np

from . import __version__
from .errors import InputError
from .model import Model, loads_model

if TYPE_CHECKING:  # read_dataset imports xarray when called: a sweep worker never needs it
    import xarray as xr

__all__ = [
    "CF_CONVENTIONS",
    "cf_global_attrs",
    "model_from_dataset",
    "model_tomls",
    "read_dataset",
    "write_dataset",
]

_ENGINE: Final = "h5netcdf"

#: The CF conventions version the files follow (global attribute ``Conventions``).
CF_CONVENTIONS: Final = "CF-1.10"
_SOURCE: Final = (
    "multigap {version}: exact Kronig-Penney subbands of a superlattice of quantum wires, "
    "pair-overlap integrals and multiband BCS pairing (Tc, gaps, isotope coefficient)"
)
_REFERENCES: Final = (
    "M. V. Mazziotti, R. Raimondi, A. Valletta, G. Campi and A. Bianconi, 'Resonant multi-gap "
    "superconductivity at room temperature near a Lifshitz topological transition in sulfur "
    "hydrides' (the model); multigap {version}, BSD-3-Clause (see its CITATION.cff)"
)


def _netcdf_safe_attrs(attrs: dict) -> dict:
    """NetCDF attributes cannot be bool or None: store bools as 0/1 ints and drop Nones."""
    out = {}
    for key, value in attrs.items():
        if value is None:
            continue
        if isinstance(value, (bool, np.bool_)):
            value = int(value)
        out[key] = value
    return out


def cf_global_attrs(attrs: dict) -> dict:
    """Global attributes with the CF ones added: ``Conventions``, ``history``, ``source``, ``references``.

    Parameters
    ----------
    attrs : dict
        A Dataset's global attributes; its ``command`` (if any) names what made the data.

    Returns
    -------
    dict
        A copy with ``Conventions`` = :data:`CF_CONVENTIONS`; one line appended to ``history``
        (``"multigap VERSION: COMMAND"``, or ``"multigap VERSION"`` without a command; not
        repeated when it is already the last line, so calling this twice changes nothing);
        ``source`` and ``references`` set unless the Dataset has its own.  Builders of datasets
        call it too, so that a Dataset in memory equals the file written from it.

    Examples
    --------
    >>> attrs = cf_global_attrs({"command": "multigap map --model A"})
    >>> attrs["Conventions"], attrs["history"].endswith(": multigap map --model A")
    ('CF-1.10', True)
    """
    out = dict(attrs)
    out["Conventions"] = CF_CONVENTIONS
    command = attrs.get("command")
    line = f"multigap {__version__}: {command}" if command else f"multigap {__version__}"
    history = str(attrs.get("history", "") or "")
    if history.splitlines()[-1:] != [line]:
        history = f"{history}\n{line}" if history else line
    out["history"] = history
    out.setdefault("source", _SOURCE.format(version=__version__))
    out.setdefault("references", _REFERENCES.format(version=__version__))
    return out


def write_dataset(ds: xr.Dataset, path: str | Path) -> Path:
    """Write a Dataset to a NetCDF4 file (h5netcdf engine), creating parent folders.

    Parameters
    ----------
    ds : xarray.Dataset
        Any Dataset; bool attributes are stored as 0/1 integers (NetCDF has no bool type), and
        the CF global attributes are added (:func:`cf_global_attrs`; ``ds`` is not modified).
    path : str or Path
        Target file, conventionally ``*.nc``; overwritten if it exists.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    InputError
        If the file cannot be written (the message names the path and the reason).
    """
    p = Path(path)
    out = ds.copy(deep=False)
    out.attrs = _netcdf_safe_attrs(cf_global_attrs(dict(ds.attrs)))
    for name in out.variables:
        out[name].attrs = _netcdf_safe_attrs(dict(out[name].attrs))
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        out.to_netcdf(p, engine=_ENGINE)
    except OSError as exc:
        raise InputError(f"output file {str(p)!r}: cannot be written ({exc.strerror or exc})") from None
    return p


def read_dataset(path: str | Path) -> xr.Dataset:
    """Read a NetCDF4 file written by :func:`write_dataset` fully into memory.

    Parameters
    ----------
    path : str or Path
        A ``*.nc`` file.

    Returns
    -------
    xarray.Dataset
        The data with its attributes (units, model TOML, version); the file is closed on return.

    Raises
    ------
    InputError
        If the file does not exist, is a folder, or is not a readable NetCDF4/HDF5 file.
    """
    p = Path(path)
    if p.is_dir():
        raise InputError(f"input file {str(p)!r}: is a folder, not a NetCDF4 file")
    if not p.is_file():
        raise InputError(f"input file {str(p)!r}: does not exist")
    import xarray as xr

    try:
        return xr.load_dataset(p, engine=_ENGINE)
    except (OSError, ValueError) as exc:
        raise InputError(f"input file {str(p)!r}: not a readable NetCDF4 file ({exc})") from None


def model_tomls(ds: xr.Dataset) -> list[str]:
    """The resolved-model TOML texts stored in a Dataset's attributes, in order.

    One entry for a single-model Dataset (``attrs["model_toml"]``); one per entry of the
    ``model`` dimension for a comparison Dataset (``attrs["model_toml_0"]``, …).
    """
    if "model_toml" in ds.attrs:
        return [str(ds.attrs["model_toml"])]
    texts = []
    i = 0
    while f"model_toml_{i}" in ds.attrs:
        texts.append(str(ds.attrs[f"model_toml_{i}"]))
        i += 1
    return texts


def model_from_dataset(ds: xr.Dataset, which: int | str | None = None) -> Model:
    """Rebuild the fully resolved model a Dataset was computed from.

    Parameters
    ----------
    ds : xarray.Dataset
        A Dataset from :mod:`multigap.datasets` (possibly read back with :func:`read_dataset`).
    which : int or str, optional
        For a Dataset comparing several models: the position in, or the name of an entry of, its
        ``model`` coordinate.  Not needed when the Dataset holds a single model.

    Returns
    -------
    Model
        Equal (``==``) to the model that produced the Dataset.

    Raises
    ------
    InputError
        If the Dataset carries no model, or ``which`` is missing, ambiguous or unknown.
    """
    texts = model_tomls(ds)
    if not texts:
        raise InputError("dataset: carries no model (attrs 'model_toml' missing); was it made by multigap?")
    if len(texts) == 1 and which in (None, 0):
        return loads_model(texts[0])
    if which is None:
        raise InputError(f"which = None: the dataset holds {len(texts)} models; pass an index or a name")
    if isinstance(which, str):
        names = [str(v) for v in ds["model"].values] if "model" in ds.coords else []
        if names.count(which) != 1:
            raise InputError(f"which = {which!r}: must name exactly one of the models {names}")
        which = names.index(which)
    if not 0 <= which < len(texts):
        raise InputError(f"which = {which!r}: must be in 0..{len(texts) - 1}")
    return loads_model(texts[which])
