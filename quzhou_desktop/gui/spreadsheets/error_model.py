"""The import preview's problem list as a lazy model: a bad 100,000-row file can have 100,000 problems.

The errors stay in the plan's list; :class:`ErrorSource` filters (查找) and sorts them in Python and hands
pages to the app's ``PagedTableModel``, so the view only ever builds the rows it shows.
:func:`write_error_list` saves them as a styled workbook the clerk can print and work through, or as CSV.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.paged_model import RIGHT, Column, PagedTableModel
from quzhou_desktop.spreadsheets.csv_out import write_csv
from quzhou_desktop.spreadsheets.result import CellError
from quzhou_desktop.spreadsheets.writer import ColumnSpec, write_register

_SORT_KEYS: dict[str, Callable[[CellError], Any]] = {
    "sheet": lambda e: (e.sheet, e.row),
    "row": lambda e: (e.row, len(e.column_letter), e.column_letter),
    "column": lambda e: (len(e.column_letter), e.column_letter, e.column, e.row),
    "value": lambda e: (e.value, e.row),
    "message": lambda e: (e.message, e.row),
}


def column_text(e: CellError) -> str:
    """“B 日期”: the column letter and its header (just the field's label when the column is missing)."""
    return f"{e.column_letter} {e.column}".strip()


class ErrorSource:
    """The errors matching a search text, in the order the user clicked, served a page at a time."""

    def __init__(self, errors: Sequence[CellError]) -> None:
        self.errors = list(errors)
        self.query = ""
        self._order: tuple[str | None, bool] = ("row", False)
        self._sorted = self.errors  # the plan's errors come sorted by row
        self._shown = self._sorted

    def set_query(self, text: str) -> None:
        """Keep the errors whose message, column or value contains ``text`` (case-insensitive)."""
        self.query = text.strip().casefold()
        self._filter()

    def count(self) -> int:
        return len(self._shown)

    def fetch(self, offset: int, limit: int, sort: str | None, descending: bool) -> list[CellError]:
        if (sort, descending) != self._order and sort in _SORT_KEYS:
            self._sorted = sorted(self.errors, key=_SORT_KEYS[sort], reverse=descending)
            self._order = (sort, descending)
            self._filter()
        return self._shown[offset : offset + limit]

    def shown(self) -> list[CellError]:
        return list(self._shown)

    def _filter(self) -> None:
        q = self.query
        if not q:
            self._shown = self._sorted
            return
        self._shown = [
            e
            for e in self._sorted
            if q in e.message.casefold() or q in column_text(e).casefold() or q in e.value.casefold()
        ]


def error_columns() -> list[Column[CellError]]:
    return [
        Column(tr("工作表"), lambda e: e.sheet, sort="sheet"),
        Column(tr("行"), lambda e: e.row, sort="row", align=RIGHT),
        Column(tr("列"), column_text, sort="column"),
        Column(tr("单元格的值"), lambda e: e.value, sort="value", tooltip=lambda e: e.value),
        Column(tr("问题"), lambda e: e.message, sort="message", tooltip=lambda e: e.message),
    ]


def error_model(errors: Sequence[CellError]) -> tuple[PagedTableModel[CellError], ErrorSource]:
    source = ErrorSource(errors)
    model = PagedTableModel(error_columns(), source.fetch, source.count, page_size=500, sort="row")
    model.reload()
    return model, source


def write_error_list(
    path: str | Path,
    errors: Sequence[CellError],
    *,
    title: str,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Save ``errors`` as a workbook (工作表, 行, 列, 单元格的值, 问题), or as CSV when ``path`` ends in .csv
    (cell values quoted from the file are neutralised: spreadsheets.csv_out); return the rows written."""
    columns = [
        ColumnSpec(tr("工作表"), width=14),
        ColumnSpec(tr("行"), "int", width=8),
        ColumnSpec(tr("列"), width=18),
        ColumnSpec(tr("单元格的值"), width=22),
        ColumnSpec(tr("问题"), width=80),
    ]

    def rows() -> Iterator[tuple[str, int, str, str, str]]:
        for e in errors:
            yield e.sheet, e.row, column_text(e), e.value, e.message

    if Path(path).suffix.lower() == ".csv":
        return write_csv(
            path, headers=[c.header for c in columns], kinds=[c.kind for c in columns], rows=rows(),
            progress=progress,
        )  # fmt: skip
    return write_register(
        path, title=title, columns=columns, rows=rows(), sheet_name=tr("问题清单"), progress=progress
    )
