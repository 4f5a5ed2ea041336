"""Styled register (台账) export.

Layout: row 1 a bold title merged across the width; row 2 the bold, filled, bordered, frozen header with an
autofilter; data from row 3; a 合计 row under the data when there are money columns. Dates are real dates
(yyyy-mm-dd); money (integer 分) is written as an exact decimal number of 元 with the format #,##0.00.
Print setup: A4 landscape, fit to one page wide, header rows repeated on every page, page numbers in the
footer. The sheet is streamed by ``spreadsheets.xlsx_stream`` (XML text per row, constant memory).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from quzhou_desktop.spreadsheets.xlsx_stream import RegisterSheet

ColumnKind = Literal["text", "date", "fen", "int"]
_DEFAULT_WIDTH = {"text": 16, "date": 12, "fen": 14, "int": 8}


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    header: str
    kind: ColumnKind = "text"
    width: float | None = None  # characters; a default per kind when None


def _header_width(text: str) -> float:
    # CJK characters are about two Latin characters wide.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text) + 2


def write_register(
    path: str | Path,
    *,
    title: str,
    columns: Sequence[ColumnSpec],
    rows: Iterable[Sequence[Any]],
    sheet_name: str = "台账",
    totals: bool = True,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 5000,
    private: bool = False,
) -> int:
    """Write one styled register sheet; return the number of data rows (``private``: owner-only file).

    ``rows`` yield tuples in column order: ``str``/``None`` for text, ``datetime.date`` for date, ``int`` fen
    for fen, ``int`` for int. ``progress(n)`` is called every ``progress_every`` rows (it may raise to cancel;
    nothing is left at ``path`` then).
    """
    if not columns:
        raise ValueError("columns must not be empty")
    sheet = RegisterSheet(
        Path(path),
        sheet_name=sheet_name,
        title=title,
        headers=[c.header for c in columns],
        kinds=[c.kind for c in columns],
        widths=[c.width or max(_DEFAULT_WIDTH[c.kind], _header_width(c.header)) for c in columns],
    )
    return sheet.write(rows, totals=totals, progress=progress, progress_every=progress_every, private=private)
