"""Styled register (台账) export with openpyxl's write-only mode.

Layout: row 1 a bold title merged across the width; row 2 the bold, filled, bordered, frozen header with an
autofilter; data from row 3; a 合计 row under the data when there are money columns. Dates are real dates
(yyyy-mm-dd); money (integer 分) is written as an exact decimal number of 元 with the format #,##0.00.
Print setup: A4 landscape, fit to one page wide, header rows repeated on every page.

Style objects are created once per column and reused for every row: write-only mode serialises each row as
it is appended, so a cell object can be refilled for the next row.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

ColumnKind = Literal["text", "date", "fen", "int"]
DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "#,##0.00"
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_DEFAULT_WIDTH = {"text": 16, "date": 12, "fen": 14, "int": 8}


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    header: str
    kind: ColumnKind = "text"
    width: float | None = None  # characters; a default per kind when None


def _text_cell(ws: Any, text: str) -> Cell:
    """Text written as text: no formula for a leading “=”, characters Excel forbids removed."""
    cell = Cell(ws, row=1, column=1)
    cell._value = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.data_type = "s"
    return cell


class _FixedStyleCell(Cell):
    """A reusable write-only cell whose style is fixed once: its style id is looked up once, not per row."""

    __slots__ = ("_fixed_id",)

    def freeze_style(self) -> None:
        self._fixed_id = Cell.style_id.fget(self)  # type: ignore[attr-defined]

    @property
    def style_id(self) -> int:
        return self._fixed_id


def fen_to_decimal(fen: int) -> Decimal:
    """Exact 元 value of an amount in 分 (123450 → Decimal('1234.50'))."""
    return Decimal(fen).scaleb(-2)


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
) -> int:
    """Write one styled register sheet; return the number of data rows written.

    ``rows`` yield tuples in column order: ``str``/``None`` for text, ``datetime.date`` for date, ``int`` fen
    for fen, ``int`` for int. ``progress(n)`` is called every ``progress_every`` rows (it may raise to cancel).
    """
    if not columns:
        raise ValueError("columns must not be empty")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_name[:31])
    ncols = len(columns)
    last_col = get_column_letter(ncols)
    for i, c in enumerate(columns, 1):
        width = c.width or max(_DEFAULT_WIDTH[c.kind], _header_width(c.header))
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.row_dimensions[1].height = 30
    ws.row_dimensions[2].height = 22
    ws.freeze_panes = "A3"
    ws.print_title_rows = "1:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6

    title_cell = WriteOnlyCell(ws, title)
    title_cell.font = Font(bold=True, size=16)
    title_cell.alignment = Alignment(horizontal="center", vertical="center")
    ws.append([title_cell])
    if ncols > 1:
        ws.merged_cells.add(f"A1:{last_col}1")

    head_font = Font(bold=True)
    head_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
    header_cells = []
    for c in columns:
        cell = WriteOnlyCell(ws, c.header)
        cell.font, cell.fill, cell.border, cell.alignment = head_font, _HEADER_FILL, _BORDER, head_align
        header_cells.append(cell)
    ws.append(header_cells)

    # Money cells need their number format: one reusable cell per money column, its style id looked up once.
    # Text, whole numbers and dates go in as plain values (openpyxl gives dates the yyyy-mm-dd format), which
    # is what keeps the export close to an unstyled write; grid lines are printed instead of cell borders.
    kinds = [c.kind for c in columns]
    fen_idx = [i for i, k in enumerate(kinds) if k == "fen"]
    text_idx = [i for i, k in enumerate(kinds) if k == "text"]
    date_idx = [i for i, k in enumerate(kinds) if k == "date"]
    money_cells: dict[int, _FixedStyleCell] = {}
    for i in fen_idx:
        cell = _FixedStyleCell(ws, row=1, column=1)
        cell.number_format = MONEY_FORMAT
        cell.freeze_style()
        money_cells[i] = cell
    sums = dict.fromkeys(fen_idx, 0)
    count = 0
    try:
        for values in rows:
            out = list(values)
            for i in fen_idx:
                v = out[i]
                if v is not None and v != "":
                    sums[i] += v
                    cell = money_cells[i]
                    cell.value = fen_to_decimal(v)
                    out[i] = cell
            for i in text_idx:
                v = out[i]
                if type(v) is str and (v[:1] == "=" or not v.isprintable()):
                    out[i] = _text_cell(ws, v)
                elif isinstance(v, (_dt.date, _dt.time)):
                    out[i] = v.isoformat()
            for i in date_idx:
                v = out[i]
                if isinstance(v, _dt.datetime):
                    out[i] = v.date()
            ws.append(out)
            count += 1
            if progress is not None and count % progress_every == 0:
                progress(count)
    except BaseException:
        _discard(ws)
        raise

    if totals and fen_idx:
        total_font = Font(bold=True)
        total_cells: list[WriteOnlyCell | None] = []
        for i, c in enumerate(columns):
            cell = WriteOnlyCell(ws, "合计" if i == 0 and c.kind != "fen" else None)
            cell.font, cell.border = total_font, _BORDER
            if c.kind == "fen":
                cell.value = fen_to_decimal(sums[i])
                cell.number_format = MONEY_FORMAT
            total_cells.append(cell)
        ws.append(total_cells)
    ws.auto_filter.ref = f"A2:{last_col}{count + 2}"
    wb.save(str(path))
    return count


def _discard(ws: Any) -> None:
    """Close a write-only sheet abandoned mid-way (cancel or error) and remove its temporary file."""
    try:
        ws.close()
        if ws._writer is not None:
            ws._writer.cleanup()
    except Exception:  # best effort: the original exception matters more
        pass
