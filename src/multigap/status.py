"""Status of a computed value: the one home of the status names and their integer codes.

Every result that can be missing or not computed by a solver carries a :class:`Status`:
Tc results, gap solutions, grid points of maps, cuts and paths, bounded Tc values.  Maps store
the integer :attr:`Status.code` (``int8``); cuts, paths and JSON store the name.  Figures and
reports draw or quote only values whose status is :attr:`Status.CONVERGED` (and read
``below_floor`` as Tc = 0); every other status is shown as missing with its reason.

The codes 0–2 are those of version 0.1 map files and never change meaning.
"""

from __future__ import annotations

import enum

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "Status",
    "STATUS_CODES",
    "STATUS_MEANINGS",
    "status_flag_attrs",
    "status_counts",
    "status_mask",
    "status_names",
]


class Status(enum.StrEnum):
    """What a stored value is.

    Members
    -------
    CONVERGED
        Computed; the solver met its tolerance.
    BELOW_FLOOR
        Computed; Tc is below the model's floor (``numerics.tc_floor``) and stored as 0.
    FAILED
        The solver raised or did not converge; the value is NaN and a message says why.
    INTERPOLATED
        Not computed: filled in from computed neighbours (adaptive maps).  Never drawn or
        reported as computed.
    SKIPPED
        Not computed on purpose (e.g. gaps where Tc is below the floor).
    NORMAL
        Computed; the state is normal (T ≥ Tc): all gaps are 0.
    """

    CONVERGED = "converged"
    BELOW_FLOOR = "below_floor"
    FAILED = "failed"
    INTERPOLATED = "interpolated"
    SKIPPED = "skipped"
    NORMAL = "normal"

    @property
    def code(self) -> int:
        """Integer code stored in map files (``int8``)."""
        return _CODES[self]

    @property
    def computed(self) -> bool:
        """True when the value came out of a solver (converged, below the floor, or normal)."""
        return self in (Status.CONVERGED, Status.BELOW_FLOOR, Status.NORMAL)

    @classmethod
    def from_code(cls, code: int) -> Status:
        """The status of an integer code (as stored in a map's ``status`` variable)."""
        try:
            return _BY_CODE[int(code)]
        except KeyError:
            raise ValueError(f"status code {code!r}: must be one of {sorted(_BY_CODE)}") from None


_CODES: dict[Status, int] = {
    Status.CONVERGED: 0,
    Status.BELOW_FLOOR: 1,
    Status.FAILED: 2,
    Status.INTERPOLATED: 3,
    Status.SKIPPED: 4,
    Status.NORMAL: 5,
}
_BY_CODE = {code: status for status, code in _CODES.items()}

#: Name -> integer code, as stored in the ``flag_meanings``/``flag_values`` of a map's status.
STATUS_CODES: dict[str, int] = {str(s): c for s, c in _CODES.items()}
#: Space-separated names in code order (CF ``flag_meanings``).
STATUS_MEANINGS = " ".join(str(s) for s in sorted(_CODES, key=_CODES.__getitem__))


def status_flag_attrs() -> dict[str, object]:
    """CF attributes (``flag_values``, ``flag_meanings``) of every stored status variable (int8 codes).

    Examples
    --------
    >>> status_flag_attrs()["flag_meanings"].split()[:2]
    ['converged', 'below_floor']
    """
    return {
        "flag_values": np.array(sorted(_CODES.values()), dtype=np.int8),
        "flag_meanings": STATUS_MEANINGS,
    }


def status_counts(status: ArrayLike) -> dict[str, int]:
    """How many entries of an array of statuses (codes or names) have each status.

    Parameters
    ----------
    status : array_like
        Integer codes (a map's ``status``) or names (a cut's ``status``).

    Returns
    -------
    dict
        Status name -> count, every status present (zeros included), in code order.

    Examples
    --------
    >>> status_counts([0, 0, 1, 2])["converged"]
    2
    >>> status_counts(["failed", "converged"])["failed"]
    1
    """
    arr: NDArray = np.asarray(status)
    counts = {}
    for s in sorted(_CODES, key=_CODES.__getitem__):
        key = s.code if arr.dtype.kind in "iu" else str(s)
        counts[str(s)] = int(np.count_nonzero(arr == key))
    return counts


def status_mask(status: ArrayLike, which: Status) -> NDArray[np.bool_]:
    """Where an array of statuses — integer codes (maps) or names (older cuts) — equals ``which``.

    Examples
    --------
    >>> status_mask([0, 1, 2], Status.BELOW_FLOOR).tolist()
    [False, True, False]
    >>> status_mask(["failed", "converged"], Status.CONVERGED).tolist()
    [False, True]
    """
    arr = np.asarray(status)
    key: int | str = which.code if arr.dtype.kind in "iu" else str(which)
    return np.asarray(arr == key, dtype=bool)


def status_names(status: ArrayLike) -> NDArray[np.str_]:
    """Status names of an array of statuses given as integer codes (maps) or names.

    Examples
    --------
    >>> status_names([0, 2]).tolist()
    ['converged', 'failed']
    """
    arr = np.asarray(status)
    if arr.dtype.kind in "iu":
        return np.vectorize(lambda c: str(Status.from_code(int(c))), otypes=[str])(arr)
    return arr.astype(str)
