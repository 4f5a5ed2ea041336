"""Open a spreadsheet and stream its rows as raw cell values.

.xlsx/.xlsm/.xls/.ods (and .xlsb) go through python-calamine; .csv/.txt/.tsv through the csv module with
encoding detection (UTF-8 with or without BOM, else GB18030) and delimiter sniffing (comma, tab, semicolon).
Rows are lists of raw values indexed from column A; blank cells are ``""``. Row numbers are 1-based, as the
user sees them in Excel/WPS.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from quzhou_desktop.exchange.errors import (
    EmptyWorkbook,
    EncryptedWorkbook,
    FileMissing,
    NotASpreadsheet,
    SheetNotFound,
)

SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".xlsb", ".xltx", ".xltm", ".xla"})
TEXT_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"

Row = list[Any]
MergedRange = tuple[int, int, int, int]  # first_row, first_col, last_row, last_col (0-based, inclusive)


def column_letter(index: int) -> str:
    """0-based column index → spreadsheet letters (0 → A, 25 → Z, 26 → AA)."""
    if index < len(_LETTERS):
        return _LETTERS[index]
    return _letter(index)


def _letter(index: int) -> str:
    out = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


_LETTERS = [_letter(i) for i in range(256)]


@dataclass
class SheetData:
    """One sheet's rows, streamed. ``rows`` yields (row_number, values) with 1-based row numbers."""

    file: Path
    name: str
    rows: Iterator[tuple[int, Row]]
    total_rows: int  # rows the iterator will yield at most (for progress)
    merged: list[MergedRange] = field(default_factory=list)


class Workbook:
    """A readable spreadsheet. Use :func:`open_workbook`."""

    def __init__(self, path: Path, sheet_names: list[str]) -> None:
        self.path = path
        self.sheet_names = sheet_names

    def sheet(self, name: str | None = None) -> SheetData:  # pragma: no cover - abstract
        raise NotImplementedError

    def _check_name(self, name: str | None) -> str:
        if name is None:
            return self.sheet_names[0]
        if name not in self.sheet_names:
            raise SheetNotFound(name=self.path.name, sheet=name, sheets="、".join(self.sheet_names))
        return name


class _CalamineBook(Workbook):
    def __init__(self, path: Path, book: CalamineWorkbook, sheet_names: list[str]) -> None:
        super().__init__(path, sheet_names)
        self._book = book

    def sheet(self, name: str | None = None) -> SheetData:
        name = self._check_name(name)
        try:
            sh = self._book.get_sheet_by_name(name)
            merged_raw = sh.merged_cell_ranges or []
            start = sh.start
            end = sh.end
        except (CalamineError, ValueError) as exc:
            raise NotASpreadsheet(name=self.path.name, detail=str(exc)) from exc
        merged = [(a[0], a[1], b[0], b[1]) for a, b in merged_raw]
        if start is None or end is None:
            return SheetData(self.path, name, iter(()), 0, merged)
        # iter_rows() starts at row 1 but at the first used column: put the leading empty columns back.
        col_off = start[1]
        total = end[0] + 1

        if col_off == 0:
            return SheetData(self.path, name, zip(count(1), sh.iter_rows()), total, merged)
        pad = [""] * col_off
        padded = (pad + values for values in sh.iter_rows())
        return SheetData(self.path, name, zip(count(1), padded), total, merged)


class _CsvBook(Workbook):
    def __init__(self, path: Path, text: str) -> None:
        super().__init__(path, [path.stem])
        self._text = text

    def sheet(self, name: str | None = None) -> SheetData:
        name = self._check_name(name)
        lines = self._text.splitlines()
        sample = "\n".join(lines[:50])
        delimiter = max((",", "\t", ";"), key=sample.count) if sample else ","
        reader = csv.reader(io.StringIO(self._text), delimiter=delimiter)

        def rows() -> Iterator[tuple[int, Row]]:
            for n, values in enumerate(reader, 1):
                yield n, [_csv_cell(v) for v in values]

        return SheetData(self.path, name, rows(), len(lines))


def _csv_cell(value: str) -> str:
    # Excel's trick to keep leading zeros / long numbers as text: ="0123"
    if value.startswith('="') and value.endswith('"') and len(value) >= 3:
        return value[2:-1]
    return value


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) if it decodes, else GB18030 (a superset of GBK/GB2312)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def open_workbook(path: str | Path) -> Workbook:
    """Open a spreadsheet or CSV file; raise an :class:`ImportFileError` subclass when it cannot be read."""
    p = Path(path)
    if not p.is_file():
        raise FileMissing(path=str(p))
    suffix = p.suffix.lower()
    try:
        with p.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise NotASpreadsheet(name=p.name, detail=str(exc)) from exc
    if not head:
        raise EmptyWorkbook(name=p.name)
    if suffix in TEXT_SUFFIXES:
        if head.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
            raise NotASpreadsheet(name=p.name, detail="扩展名是文本文件，内容却是二进制文件")
        text = decode_text(p.read_bytes())
        if not text.strip():
            raise EmptyWorkbook(name=p.name)
        return _CsvBook(p, text)
    if suffix not in SPREADSHEET_SUFFIXES:
        raise NotASpreadsheet(name=p.name, detail=f"不支持扩展名“{p.suffix or '（无）'}”")
    if suffix in {".xlsx", ".xlsm", ".xltx", ".xltm"} and head.startswith(_OLE_MAGIC):
        # An encrypted OOXML package is stored inside an OLE compound file.
        raise EncryptedWorkbook(name=p.name)
    try:
        book = CalamineWorkbook.from_path(str(p))
        names = [m.name for m in book.sheets_metadata if "WorkSheet" in str(m.typ)] or list(book.sheet_names)
    except PasswordError as exc:
        raise EncryptedWorkbook(name=p.name) from exc
    except (CalamineError, ValueError, OSError) as exc:
        text = str(exc).lower()
        if "password" in text or "encrypt" in text:
            raise EncryptedWorkbook(name=p.name) from exc
        raise NotASpreadsheet(name=p.name, detail=_short(str(exc))) from exc
    if not names:
        raise EmptyWorkbook(name=p.name)
    return _CalamineBook(p, book, names)


def _short(detail: str) -> str:
    return detail if len(detail) <= 120 else detail[:117] + "…"
