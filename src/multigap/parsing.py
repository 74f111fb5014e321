"""Parsing of the text forms of grids and number lists, shared by the command line and the library.

The one home of

* ``START:STOP:COUNT`` grids (:func:`parse_range`), capped at :data:`MAX_GRID_POINTS` points;
* comma-separated numbers (:func:`parse_numbers`) and ``"A,B"`` pairs (:func:`parse_pair`).

Pure functions of strings (no click, no solver): the application layer (``cli``, ``inverse``)
imports them; the physics core does not need them.  Every error is an
:class:`~multigap.errors.InputError` (a :class:`ValueError`) with a one-line message that shows
the value and the expected form, prefixed by the option name when one is given.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from .errors import InputError

__all__ = ["MAX_GRID_POINTS", "parse_numbers", "parse_pair", "parse_range"]

#: Most points of one grid axis (``--eta``, ``--g`` of ``map``, ``--pressure`` of ``path``).
MAX_GRID_POINTS = 100_000


def _where(text: str, name: str | None) -> str:
    return f"{name} {text!r}" if name else repr(text)


def parse_range(text: str, *, name: str | None = None) -> NDArray[np.float64]:
    """Parse ``START:STOP:COUNT`` (inclusive, ``numpy.linspace``) or a single number.

    Parameters
    ----------
    text : str
        E.g. ``"-1:2:301"`` (301 points from −1 to 2) or ``"0.4"`` (one point).  Units are the
        caller's (η and g dimensionless, pressure GPa).
    name : str, optional
        Option name put in front of error messages (e.g. ``"--pressure"``).

    Returns
    -------
    ndarray
        The grid, increasing, at most :data:`MAX_GRID_POINTS` points.

    Raises
    ------
    InputError
        For empty, malformed, non-finite, reversed, degenerate or oversized ranges; the message
        says which and shows the expected form.

    Examples
    --------
    >>> parse_range("0:1:3").tolist()
    [0.0, 0.5, 1.0]
    >>> parse_range("0.4").tolist()
    [0.4]
    """
    form = "give START:STOP:COUNT (COUNT points, both ends included, e.g. -1:2:301) or one number"
    where = _where(text, name)
    raw = text.strip()
    if not raw:
        raise InputError(f"{where}: empty; {form}")
    parts = [p.strip() for p in raw.split(":")]
    if len(parts) not in (1, 3) or any(not p for p in parts):
        raise InputError(f"{where}: malformed; {form}")
    try:
        start = float(parts[0])
        stop = float(parts[1]) if len(parts) == 3 else start
    except ValueError:
        raise InputError(f"{where}: START and STOP must be numbers; {form}") from None
    if not (math.isfinite(start) and math.isfinite(stop)):
        raise InputError(f"{where}: START and STOP must be finite numbers")
    if len(parts) == 1:
        return np.array([start])
    try:
        count = int(parts[2])
    except ValueError:
        raise InputError(f"{where}: COUNT must be a whole number of points; {form}") from None
    if count < 1:
        raise InputError(f"{where}: empty range (COUNT = {count}); COUNT must be >= 1")
    if count > MAX_GRID_POINTS:
        raise InputError(f"{where}: COUNT = {count} points; at most {MAX_GRID_POINTS} per axis")
    if start > stop:
        raise InputError(f"{where}: reversed range (START {start:g} > STOP {stop:g}); give START <= STOP")
    if start == stop and count > 1:
        raise InputError(f"{where}: START = STOP with COUNT = {count} repeats one value; use COUNT = 1")
    if count == 1 and start != stop:
        raise InputError(f"{where}: one point cannot span {start:g} to {stop:g}; use COUNT >= 2")
    return np.linspace(start, stop, count)


def parse_numbers(text: str, *, name: str | None = None, count: int | None = None) -> list[float]:
    """Parse comma-separated finite numbers (empty items between commas are skipped).

    Parameters
    ----------
    text : str
        E.g. ``"0.1,0.9,1.5"``.
    name : str, optional
        Option name put in front of error messages.
    count : int, optional
        The exact number of values wanted (``2`` for a pair); default any number.

    Returns
    -------
    list of float

    Raises
    ------
    InputError
        A value that is not a number or not finite, or not ``count`` values.

    Examples
    --------
    >>> parse_numbers("0.1, 0.9,1.5")
    [0.1, 0.9, 1.5]
    """
    where = _where(text, name)
    example = "e.g. 0.5,0.3" if count == 2 else "e.g. 0.1,0.9,1.5"
    what = "comma-separated numbers" if count is None else f"{count} comma-separated numbers"
    try:
        values = [float(v) for v in str(text).split(",") if v.strip()]
    except ValueError:
        raise InputError(f"{where}: give {what}, {example}") from None
    if count is not None and len(values) != count:
        raise InputError(f"{where}: give {what} ({len(values)} given), {example}")
    if not all(math.isfinite(v) for v in values):
        raise InputError(f"{where}: every number must be finite")
    return values


def parse_pair(text: str, *, name: str | None = None) -> tuple[float, float]:
    """Parse ``"A,B"``: two finite numbers (``--from``, ``--eta-law``, ``--g-range`` …).

    Raises
    ------
    InputError
        Not exactly two numbers, or a number that is not finite.

    Examples
    --------
    >>> parse_pair("0.5, 0.3")
    (0.5, 0.3)
    """
    a, b = parse_numbers(text, name=name, count=2)
    return a, b
