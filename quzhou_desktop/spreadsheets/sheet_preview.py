"""The first rows of a sheet as the user sees them, for choosing the header row by hand.

The import wizard shows these rows (row numbers as Excel/WPS shows them, merged title cells spanning their
columns), highlights the header :func:`~quzhou_desktop.spreadsheets.headers.detect_header` found, and lets the user
point at another row when detection got it wrong or found nothing.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from quzhou_desktop.spreadsheets.errors import EmptyWorkbook
from quzhou_desktop.spreadsheets.headers import HEADER_SCAN_ROWS, ColumnMapping, detect_header
from quzhou_desktop.spreadsheets.reader import MergedRange, Row, Workbook, open_workbook
from quzhou_desktop.spreadsheets.schemas import KindSpec
from quzhou_desktop.spreadsheets.values import cell_text

PREVIEW_ROWS = HEADER_SCAN_ROWS + 1  # every row header detection looks at (a two-row header may end on 31)
MAX_PREVIEW_ROWS = 1000


@dataclass(frozen=True)
class SheetPreview:
    """The first ``len(rows)`` rows of one sheet.

    ``rows`` are (1-based row number, raw values) pairs as the reader yields them; ``merged`` the merged ranges
    (0-based, inclusive) that start within these rows, clipped to them and to ``width`` columns.
    """

    file: Path
    sheet: str
    rows: list[tuple[int, Row]]
    total_rows: int  # rows in the whole sheet (an estimate for CSV)
    width: int  # columns A.. that hold anything in these rows
    merged: list[MergedRange] = field(default_factory=list)
    encoding: str | None = None  # the text encoding chosen (CSV, HTML, XML); None for a binary workbook

    @property
    def more(self) -> bool:
        """Whether the sheet has rows below the ones read."""
        return self.total_rows > len(self.rows)

    @property
    def blank(self) -> bool:
        return not any(_filled(v) for _, values in self.rows for v in values)

    def row_numbers(self) -> list[int]:
        return [n for n, _ in self.rows]

    def value(self, index: int, column: int) -> Any:
        """Raw value at the ``index``-th row read (0-based) and 0-based ``column``; ``""`` beyond the row."""
        values = self.rows[index][1]
        return values[column] if column < len(values) else ""

    def text(self, index: int, column: int) -> str:
        return cell_display(self.value(index, column))


def cell_display(value: Any) -> str:
    """A raw cell as the preview shows it: whole numbers without “.0”, dates (and midnight datetimes) as ISO."""
    if isinstance(value, _dt.datetime) and value.time() == _dt.time():
        return value.date().isoformat()
    return cell_text(value)


def _filled(value: Any) -> bool:
    return value is not None and value != ""


def read_sheet_preview(
    book: Workbook | str | Path, sheet: str | None = None, *, limit: int = PREVIEW_ROWS
) -> SheetPreview:
    """Read the first ``limit`` rows of ``sheet`` (the first sheet when ``None``) with its merged ranges."""
    wb = book if isinstance(book, Workbook) else open_workbook(book)
    data = wb.sheet(sheet)
    limit = max(1, min(limit, MAX_PREVIEW_ROWS))
    rows = [(n, list(values)) for n, values in islice(data.rows, limit)]
    width = max((c + 1 for _, values in rows for c, v in enumerate(values) if _filled(v)), default=1)
    last = rows[-1][0] if rows else 0
    merged = [
        (r1, c1, min(r2, last - 1), min(c2, width - 1))
        for r1, c1, r2, c2 in data.merged
        if r1 < last and c1 < width
    ]
    return SheetPreview(
        wb.path, data.name, rows, max(data.total_rows, len(rows)), width, merged, encoding=wb.encoding
    )


def find_header_sheet(
    path: str | Path,
    spec: KindSpec,
    *,
    sheet: str | None = None,
    limit: int = PREVIEW_ROWS,
    on_sheet: Callable[[str], None] | None = None,
) -> tuple[SheetPreview, ColumnMapping | None]:
    """The sheet to map and the header found on it, the way the import looks for it.

    With ``sheet`` given, that sheet and its detected header (``None`` if not found). Without, the first sheet
    whose header is found (visible sheets before hidden ones, as the import searches); when none is, the first sheet with any data and ``None``, so the user can point at
    the header by hand. ``on_sheet(name)`` is called before each sheet is read (to report progress or to
    cancel by raising). Raises :class:`EmptyWorkbook` when no sheet holds anything (``sheet`` not given).
    """
    book = open_workbook(path)
    names = [sheet] if sheet is not None else book.search_order
    first_filled: SheetPreview | None = None
    for name in names:
        if on_sheet is not None:
            on_sheet(name)
        preview = read_sheet_preview(book, name, limit=max(limit, PREVIEW_ROWS))
        if preview.blank:
            if sheet is not None:  # the user's choice: show it empty rather than call the whole file empty
                return preview, None
            continue
        mapping = detect_header(preview.rows[:PREVIEW_ROWS], spec, merged=preview.merged)
        if mapping is not None:
            return preview, mapping
        if first_filled is None:
            first_filled = preview
    if first_filled is None:
        raise EmptyWorkbook(name=book.path.name)
    return first_filled, None


def guess_header_row(rows: Sequence[tuple[int, Sequence[Any]]]) -> int:
    """Where to start when no header was found: the first row with two or more text cells (a title row has
    one), else the first row holding anything, else row 1."""
    for n, values in rows:
        if sum(1 for v in values if isinstance(v, str) and v.strip()) >= 2:
            return n
    return next((n for n, values in rows if any(_filled(v) for v in values)), rows[0][0] if rows else 1)
