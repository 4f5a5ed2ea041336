"""Turn a spreadsheet into validated plain records plus precise, Chinese, per-cell errors.

``parse_workbook`` never raises on bad cell content: every problem becomes a :class:`CellError` naming the
sheet, the row as the user sees it, the column header and letter, the value and the reason. Only a file that
cannot be read at all raises an :class:`~quzhou_desktop.spreadsheets.errors.ImportFileError` subclass.
No database access here: the import service deduplicates against stored records and writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import chain, dropwhile, islice
from pathlib import Path

from quzhou_desktop.spreadsheets.errors import EmptyWorkbook, HeaderNotFound
from quzhou_desktop.spreadsheets.gc_pause import gc_paused
from quzhou_desktop.spreadsheets.headers import HEADER_SCAN_ROWS, ColumnMapping, detect_header, with_units
from quzhou_desktop.spreadsheets.merged_fill import fill_down
from quzhou_desktop.spreadsheets.reader import Row, open_workbook
from quzhou_desktop.spreadsheets.result import CellError, ParseProgress, ParseResult
from quzhou_desktop.spreadsheets.rowparser import SheetParser
from quzhou_desktop.spreadsheets.schemas import KindSpec, kind_spec

__all__ = ["CellError", "ParseProgress", "ParseResult", "iter_parse_workbook", "parse_workbook"]


def parse_workbook(
    path: str | Path,
    kind: str,
    *,
    sheet: str | None = None,
    village: str | None = None,
    mapping: ColumnMapping | None = None,
) -> ParseResult:
    """Read, normalise and validate a whole sheet. See :func:`iter_parse_workbook` (which callers that consume it
    whole should run under :func:`~quzhou_desktop.spreadsheets.gc_pause.gc_paused`, as this does)."""
    result: ParseResult | None = None
    with gc_paused():
        for step in iter_parse_workbook(path, kind, sheet=sheet, village=village, mapping=mapping):
            result = step.result
    assert result is not None
    return result


def iter_parse_workbook(
    path: str | Path,
    kind: str,
    *,
    sheet: str | None = None,
    village: str | None = None,
    mapping: ColumnMapping | None = None,
    progress_every: int = 5000,
    cancel: Callable[[], bool] | None = None,
) -> Iterator[ParseProgress]:
    """Like :func:`parse_workbook`, yielding progress every ``progress_every`` rows; the last item has ``result``.

    To cancel, stop iterating (``close()`` the generator) or pass ``cancel`` returning True, which raises
    :class:`ImportCancelled` at the next progress step.
    """
    spec = kind_spec(kind)
    p = Path(path)
    book = open_workbook(p)
    names = [sheet] if sheet is not None else book.search_order
    found: tuple[str, ColumnMapping, Iterable[tuple[int, Row]], int] | None = None
    any_rows = False
    for name in names:
        data = book.sheet(name)
        head = list(islice(data.rows, HEADER_SCAN_ROWS + 1))
        any_rows = any_rows or any(any(v != "" and v is not None for v in r) for _, r in head)
        m = mapping if mapping is not None else detect_header(head, spec, merged=data.merged)
        if m is not None:
            m = with_units(m, spec, head, merged=data.merged)  # also for a mapping the user corrected
            money = {c for k in spec.fen_fields if (c := m.column_of(k)) is not None}
            rest = fill_down(
                _below(m.header_row, head, data.rows), data.merged, m.header_row, skip_columns=money
            )
            found = (name, m, rest, max(data.total_rows - m.header_row, 0))
            break
    if found is None:
        if not any_rows:
            raise EmptyWorkbook(name=p.name)
        raise HeaderNotFound(
            name=p.name,
            where=f"的工作表“{sheet}”" if sheet is not None else "的各工作表",
            scanned=HEADER_SCAN_ROWS,
            kind_label=spec.label,
            fields=_looked_for(spec),
        )
    name, m, rows, total = found
    result = ParseResult(spec.kind, str(p), name, list(book.sheet_names), m.header_row, m)
    result.encoding = book.encoding
    yield from SheetParser(spec, result, village).run(rows, total, progress_every, cancel)


def _below(
    header_row: int, head: list[tuple[int, Row]], rows: Iterator[tuple[int, Row]]
) -> Iterator[tuple[int, Row]]:
    """The data rows: after the header, which a user may have chosen below the rows read ahead."""
    return chain((r for r in head if r[0] > header_row), dropwhile(lambda r: r[0] <= header_row, rows))


def _looked_for(spec: KindSpec) -> str:
    keys = [f.key for f in spec.fields if f.required] + [k for g in spec.one_of for k in g]
    parts = []
    for key in keys:
        f = spec.field(key)
        parts.append("/".join(f.names[:4]))
    return "、".join(parts)
