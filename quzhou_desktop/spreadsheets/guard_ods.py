"""Bounds of an OpenDocument spreadsheet (.ods) checked before python-calamine reads it.

ODS compresses repetition into attributes: ``table:number-rows-repeated`` and ``table:number-columns-repeated``
say how many times a row or cell occurs, and calamine writes out every copy of a cell holding a value. A
LibreOffice file ends with ``number-rows-repeated="1048553"`` of empty cells (no value: nothing written out),
but one cell with a value repeated 1,000 × 100,000 times is 100 million cells from 2 KB. content.xml is
parsed as a stream (expat) counting each table's extent as calamine will build it.
"""

from __future__ import annotations

from collections.abc import Iterable
from xml.parsers import expat

from quzhou_desktop.spreadsheets import limits as L
from quzhou_desktop.spreadsheets.errors import DamagedFile, FileTooLarge
from quzhou_desktop.spreadsheets.guard_sheet import SharedStrings, SheetScan, check_sheet, mib, refuse_dtd

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_ROWS_REPEATED = f"{_TABLE} number-rows-repeated"
_COLS_REPEATED = f"{_TABLE} number-columns-repeated"
_VALUE_TYPE = f"{_OFFICE} value-type"
_CELL_TAGS = frozenset({f"{_TABLE} table-cell", f"{_TABLE} covered-table-cell"})


def _count(attrs: dict[str, str], key: str) -> int:
    raw = attrs.get(key, "1")
    return int(raw) if raw.isdigit() and len(raw) < 10 else 1 << 31


class _OdsScan:
    def __init__(self, name: str) -> None:
        self.name = name
        self.scan: SheetScan | None = None
        self.row = 0  # rows of the current table before the current row
        self.row_repeat = 1
        self.col = 0
        self.cell_repeat = 0  # > 0 inside a cell
        self.cell_valued = False
        self.cell_text = 0
        self.depth_in_cell = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if self.cell_repeat:
            self.depth_in_cell += 1
            self.cell_valued = True  # a paragraph or any content: calamine reads it as text
            return
        if tag == f"{_TABLE} table":
            self._finish()
            self.scan, self.row = SheetScan(), 0
        elif tag == f"{_TABLE} table-row":
            self.row_repeat = _count(attrs, _ROWS_REPEATED)
            self.col = 0
        elif tag in _CELL_TAGS:
            self.cell_repeat = _count(attrs, _COLS_REPEATED)
            self.cell_valued = _VALUE_TYPE in attrs
            self.cell_text = sum(len(v) for v in attrs.values())

    def data(self, text: str) -> None:
        if self.cell_repeat:
            self.cell_text += len(text) * 3

    def end(self, tag: str) -> None:
        if self.cell_repeat and self.depth_in_cell:
            self.depth_in_cell -= 1
            return
        if tag in _CELL_TAGS and self.cell_repeat:
            repeat, self.cell_repeat = self.cell_repeat, 0
            self.col += repeat
            scan = self.scan
            if self.cell_valued and scan is not None:
                scan.cells += repeat * self.row_repeat
                scan.max_col = max(scan.max_col, self.col)
                scan.max_row = max(scan.max_row, self.row + self.row_repeat)
                scan.text += self.cell_text * repeat * self.row_repeat
                scan.indexes = True
                if repeat * self.row_repeat > 1:  # a repetition: check before it adds up
                    check_sheet(self.name, scan, SharedStrings(), 0)
        elif tag == f"{_TABLE} table-row":
            self.row += self.row_repeat
        elif tag == f"{_TABLE} table":
            self._finish()

    def _finish(self) -> None:
        if self.scan is not None and self.scan.cells:
            check_sheet(self.name, self.scan, SharedStrings(), 0)
        self.scan = None


def check_ods_content(name: str, chunks: Iterable[bytes], size: int) -> None:
    """Stream content.xml and refuse the file when a table is beyond the limits."""
    if size > L.MAX_ODS_CONTENT_BYTES:
        raise FileTooLarge(
            name=name, reason=f"表格内容解压后有{mib(size)}（上限{mib(L.MAX_ODS_CONTENT_BYTES)}）"
        )
    state = _OdsScan(name)
    p = expat.ParserCreate(namespace_separator=" ")
    p.StartElementHandler = state.start
    p.EndElementHandler = state.end
    p.CharacterDataHandler = state.data
    p.StartDoctypeDeclHandler = lambda *_a: refuse_dtd(name, b"<!DOCTYPE")
    try:
        for chunk in chunks:
            p.Parse(chunk, False)
        p.Parse(b"", True)
    except expat.ExpatError:
        raise DamagedFile(name=name, reason="表格内容（content.xml）不是完整的 XML") from None
    state._finish()
