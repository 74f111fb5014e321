"""Measured Tc(P) data: reading and validating CSV files with provenance comments.

A data file is CSV text.  Lines starting with ``#`` are provenance comments (source, DOI, what
was read from where, which numbers are assumptions) and are kept with the data.  Columns:

=================  ========  =============================================================
column             units     meaning
=================  ========  =============================================================
``pressure_GPa``   GPa       pressure (required)
``tc_K``           K         critical temperature (required column; a cell may be empty)
``tc_err_K``       K         its one-standard-deviation uncertainty (> 0)
``alpha``          1         isotope coefficient α (optional)
``alpha_err``      1         its uncertainty (> 0)
``gap_meV``        meV       T = 0 gap of the active band (optional)
``gap_err_meV``    meV       its uncertainty (> 0)
``status``         —         ``measured`` or ``quoted`` (a number taken from another paper)
``flag``           —         empty or ``retracted``
``note``           —         free text (no commas)
=================  ========  =============================================================

Every row has at least one observable (a value with its uncertainty).  Unknown or missing
columns, non-numeric or non-finite numbers, a value without its uncertainty, uncertainties
<= 0 and unknown statuses or flags are refused with a one-line :class:`DataError`.  Rows of
retracted work are loaded, marked, and refused by the fit unless explicitly allowed.

The package ships the numbers of the paper and its context in ``multigap/data/experiments``
(:func:`shipped_data`): ``h3s_dome_paper`` (Tc max 203 K at 162 GPa, half width 43 GPa),
``h3s_d3s_isotope`` (α ≈ 0.47 near 150 GPa, a secondary quotation) and ``csh_x_retracted``
(287 K at 265 GPa, retracted 2022).

Examples
--------
>>> data = load_data("h3s_dome_paper")
>>> data.pressure.tolist(), data.tc.tolist()
([119.0, 162.0, 205.0], [101.5, 203.0, 101.5])
>>> data.n_observations, data.retracted
(3, False)
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError
from ._csv import read_text, table_rows

__all__ = [
    "DataError",
    "MeasuredData",
    "DATA_COLUMNS",
    "OBSERVABLES",
    "read_data",
    "load_data",
    "shipped_data",
    "combine",
]

#: Observable columns and their uncertainty columns.
OBSERVABLES = {"tc_K": "tc_err_K", "alpha": "alpha_err", "gap_meV": "gap_err_meV"}

#: Allowed columns of a data file.
DATA_COLUMNS = {
    "required": ("pressure_GPa", "tc_K", "tc_err_K"),
    "optional": ("alpha", "alpha_err", "gap_meV", "gap_err_meV", "status", "flag", "note"),
}

_STATUSES = ("measured", "quoted")
_FLAGS = ("", "retracted")
_NUMERIC = ("pressure_GPa", "tc_K", "tc_err_K", "alpha", "alpha_err", "gap_meV", "gap_err_meV")


class DataError(InputError):
    """A measured-data file is invalid; the message is one line naming the file, row and rule."""


@dataclass(frozen=True, eq=False)
class MeasuredData:
    """Measured (or quoted) observables at given pressures.

    Attributes
    ----------
    pressure : ndarray
        Pressure per row, GPa.
    tc, tc_err : ndarray
        Critical temperature and its uncertainty, K (NaN where the row has none).
    alpha, alpha_err : ndarray
        Isotope coefficient and uncertainty (NaN where absent).
    gap, gap_err : ndarray
        Active-band T = 0 gap and uncertainty, meV (NaN where absent).
    status, flag, note : tuple of str
        Per row: ``measured``/``quoted``; ``""``/``retracted``; free text.
    provenance : tuple of str
        The comment lines of the file(s), without the ``#``.
    source : str
        File name(s).
    """

    pressure: NDArray[np.float64]
    tc: NDArray[np.float64]
    tc_err: NDArray[np.float64]
    alpha: NDArray[np.float64]
    alpha_err: NDArray[np.float64]
    gap: NDArray[np.float64]
    gap_err: NDArray[np.float64]
    status: tuple[str, ...]
    flag: tuple[str, ...]
    note: tuple[str, ...]
    provenance: tuple[str, ...] = field(default=())
    source: str = ""

    def __len__(self) -> int:
        return int(self.pressure.size)

    @property
    def n_observations(self) -> int:
        """Number of data points a fit can use (Tc, α and gap values counted separately)."""
        return int(sum(np.count_nonzero(np.isfinite(v)) for v in (self.tc, self.alpha, self.gap)))

    @property
    def retracted(self) -> bool:
        """Whether any row comes from retracted work."""
        return "retracted" in self.flag

    @property
    def has_alpha(self) -> bool:
        """Whether any row has an isotope coefficient."""
        return bool(np.isfinite(self.alpha).any())

    @property
    def has_gap(self) -> bool:
        """Whether any row has a gap."""
        return bool(np.isfinite(self.gap).any())


def read_data(source: str | Path | io.TextIOBase) -> MeasuredData:
    """Read and validate one measured-data CSV file (see the module docstring for the format).

    Parameters
    ----------
    source : str, Path or text stream
        The file.

    Returns
    -------
    MeasuredData

    Raises
    ------
    DataError
        With one line naming the file, the row and the rule broken.
    """
    name, text = read_text(
        source, error=DataError, stream_name="<data>",
        missing_hint=f" (shipped data sets: {', '.join(shipped_data())})",
    )  # fmt: skip
    provenance = tuple(
        line.lstrip()[1:].strip() for line in text.splitlines() if line.lstrip().startswith("#")
    )
    header, reader = table_rows(name, text, **DATA_COLUMNS, error=DataError)
    for value, err in OBSERVABLES.items():
        if (value in header) != (err in header):
            raise DataError(f"{name}: column {value!r} needs its uncertainty column {err!r} and vice versa")
    cols: dict[str, list[float]] = {h: [] for h in _NUMERIC}
    text_cols: dict[str, list[str]] = {"status": [], "flag": [], "note": []}
    for row_no, row in enumerate(reader, start=1):
        where = f"{name}: data row {row_no}"
        if len(row) != len(header):
            raise DataError(f"{where} has {len(row)} cells, the header {len(header)} (no commas in notes)")
        cells = {h: c.strip() for h, c in zip(header, row, strict=True)}
        for h in _NUMERIC:
            cell = cells.get(h, "")
            if cell == "":
                if h == "pressure_GPa":
                    raise DataError(f"{where}: pressure_GPa is empty")
                cols[h].append(math.nan)
                continue
            try:
                number = float(cell)
            except ValueError:
                raise DataError(f"{where}, column {h}: {cell!r} is not a number") from None
            if not math.isfinite(number):
                raise DataError(
                    f"{where}, column {h}: {cell!r} is not a finite number (leave the cell empty)"
                )
            cols[h].append(number)
        for obs, err in OBSERVABLES.items():
            v, e = cols[obs][-1], cols[err][-1]
            if math.isnan(v) != math.isnan(e):
                raise DataError(f"{where}: {obs} and {err} must both be given or both be empty")
            if not math.isnan(e) and e <= 0:
                raise DataError(f"{where}, column {err}: {e!r} must be > 0")
        if all(math.isnan(cols[obs][-1]) for obs in OBSERVABLES):
            raise DataError(f"{where}: no observable (give tc_K, alpha or gap_meV with its uncertainty)")
        if cols["tc_K"][-1] < 0:
            raise DataError(f"{where}, column tc_K: {cols['tc_K'][-1]!r} must be >= 0")
        status = cells.get("status", "measured") or "measured"
        if status not in _STATUSES:
            raise DataError(f"{where}, column status: {status!r} must be one of {', '.join(_STATUSES)}")
        flag = cells.get("flag", "")
        if flag not in _FLAGS:
            raise DataError(f"{where}, column flag: {flag!r} must be empty or 'retracted'")
        text_cols["status"].append(status)
        text_cols["flag"].append(flag)
        text_cols["note"].append(cells.get("note", ""))
    if not text_cols["status"]:
        raise DataError(f"{name}: the file has a header but no data rows")
    arr = {h: np.array(v, dtype=float) for h, v in cols.items()}
    return MeasuredData(
        pressure=arr["pressure_GPa"],
        tc=arr["tc_K"],
        tc_err=arr["tc_err_K"],
        alpha=arr["alpha"],
        alpha_err=arr["alpha_err"],
        gap=arr["gap_meV"],
        gap_err=arr["gap_err_meV"],
        status=tuple(text_cols["status"]),
        flag=tuple(text_cols["flag"]),
        note=tuple(text_cols["note"]),
        provenance=provenance,
        source=name,
    )


def _experiments() -> resources.abc.Traversable:
    return resources.files("multigap").joinpath("data", "experiments")


def shipped_data() -> list[str]:
    """Names of the data sets shipped with multigap (files in ``multigap/data/experiments``).

    Examples
    --------
    >>> shipped_data()
    ['csh_x_retracted', 'h3s_d3s_isotope', 'h3s_dome_paper']
    """
    return sorted(p.name[:-4] for p in _experiments().iterdir() if p.name.endswith(".csv"))


def load_data(spec: str | Path) -> MeasuredData:
    """A shipped data set by name (see :func:`shipped_data`) or a CSV file by path."""
    text = str(spec)
    if text in shipped_data():
        res = _experiments().joinpath(text + ".csv")
        stream = io.StringIO(res.read_text(encoding="utf-8"))
        stream.name = text  # type: ignore[misc]
        return read_data(stream)
    return read_data(spec)


def combine(datasets: Iterable[MeasuredData] | Sequence[MeasuredData]) -> MeasuredData:
    """Concatenate several data sets (rows kept in order; provenance of each kept)."""
    items = list(datasets)
    if not items:
        raise DataError("no data given")
    if len(items) == 1:
        return items[0]

    def cat(name: str) -> NDArray[np.float64]:
        return np.concatenate([getattr(d, name) for d in items])

    return MeasuredData(
        pressure=cat("pressure"),
        tc=cat("tc"),
        tc_err=cat("tc_err"),
        alpha=cat("alpha"),
        alpha_err=cat("alpha_err"),
        gap=cat("gap"),
        gap_err=cat("gap_err"),
        status=tuple(s for d in items for s in d.status),
        flag=tuple(s for d in items for s in d.flag),
        note=tuple(s for d in items for s in d.note),
        provenance=tuple(f"[{d.source}] {line}" for d in items for line in d.provenance),
        source=" + ".join(d.source for d in items),
    )
