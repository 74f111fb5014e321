"""Reading the inverse problem's CSV tables (measured data, path tables): one reader for both.

A table is UTF-8 text; lines starting with ``#`` are comments; the first other line is the
header.  :func:`read_text` reads a file or stream, :func:`table_rows` checks the header
against the allowed columns and hands back the data rows.  Errors are one line naming the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..errors import InputError

__all__ = ["read_text", "table_rows"]


def read_text(
    source: str | Path | io.TextIOBase,
    *,
    error: type[InputError] = InputError,
    stream_name: str = "<table>",
    missing_hint: str = "",
) -> tuple[str, str]:
    """(name, text) of a CSV file or text stream; ``error`` (one line) if it cannot be read.

    ``stream_name`` names a stream without a ``name``; ``missing_hint`` follows
    "no such file" (e.g. the shipped data sets).

    Examples
    --------
    >>> read_text(io.StringIO("a,b\\n1,2\\n"))
    ('<table>', 'a,b\\n1,2\\n')
    """
    if isinstance(source, io.TextIOBase):
        return getattr(source, "name", stream_name), source.read()
    path = Path(source)
    try:
        return str(path), path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: no such file{missing_hint}") from None
    except IsADirectoryError:
        raise error(f"{path}: is a folder, not a CSV file") from None
    except UnicodeDecodeError:
        raise error(f"{path}: not a UTF-8 text (CSV) file") from None


def table_rows(
    name: str,
    text: str,
    *,
    required: Sequence[str],
    optional: Sequence[str],
    error: type[InputError] = InputError,
) -> tuple[list[str], Iterator[list[str]]]:
    """The header (stripped) and the data rows of a table whose header is checked.

    Refused with ``error``: no header line, a column neither required nor optional, a
    required column missing, a column twice.

    Examples
    --------
    >>> header, rows = table_rows("t", "# c\\nx, y\\n1,2\\n", required=("x",), optional=("y",))
    >>> header, list(rows)
    (['x', 'y'], [['1', '2']])
    """
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise error(f"{name}: no header line (required columns: {', '.join(required)})")
    reader = csv.reader(lines)
    header = [h.strip() for h in next(reader)]
    allowed = (*required, *optional)
    for h in header:
        if h not in allowed:
            raise error(f"{name}: unknown column {h!r} (allowed: {', '.join(allowed)})")
    for h in required:
        if h not in header:
            raise error(f"{name}: missing column {h!r} (required: {', '.join(required)})")
    if len(set(header)) != len(header):
        raise error(f"{name}: a column appears twice in the header {header}")
    return header, reader
