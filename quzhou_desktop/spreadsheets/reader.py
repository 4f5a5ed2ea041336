"""Open a spreadsheet and stream its rows as raw cell values.

The file is opened by what it contains, not by its extension (see :mod:`~quzhou_desktop.spreadsheets.sniff`):
Excel/WPS workbooks (.xlsx/.xlsm/.xlsb, .xls and WPS .et/.ett, .ods) go through python-calamine; an HTML
table or a SpreadsheetML 2003 XML file saved as .xls through :mod:`~quzhou_desktop.spreadsheets.html_table` and
:mod:`~quzhou_desktop.spreadsheets.xml2003`; CSV and tab-separated text (also when saved as .xls) through the
csv module with encoding detection (UTF-8 with or without BOM, UTF-16, else GB18030) and delimiter sniffing.
Rows are lists of raw values indexed from column A; blank cells are ``""``. Row numbers are 1-based, as the
user sees them in Excel/WPS.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

from quzhou_desktop.spreadsheets import limits as L
from quzhou_desktop.spreadsheets import sniff
from quzhou_desktop.spreadsheets.errors import (
    DamagedFile,
    EmptyWorkbook,
    EncryptedWorkbook,
    FileMissing,
    FileTooLarge,
    FileUnreadable,
    NotASpreadsheet,
    SheetNotFound,
    os_reason,
)
from quzhou_desktop.spreadsheets.sheetrows import MergedRange, Row, SheetRows
from quzhou_desktop.spreadsheets.sniff import decode_text

csv.field_size_limit(L.MAX_CELL_CHARS * 4)  # a longer field is a quote never closed, or no table

log = logging.getLogger(__name__)

__all__ = ["MergedRange", "Row", "SheetData", "Workbook", "column_letter", "decode_text", "open_workbook"]

SPREADSHEET_SUFFIXES = frozenset(
    {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb", ".xltx", ".xltm", ".xla", ".xlt", ".et", ".ett"}
)
MARKUP_SUFFIXES = frozenset({".xml", ".htm", ".html", ".mht", ".mhtml"})
TEXT_SUFFIXES = frozenset({".csv", ".txt", ".tsv", ".prn"})
SUFFIXES = SPREADSHEET_SUFFIXES | MARKUP_SUFFIXES | TEXT_SUFFIXES


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
    """A readable spreadsheet. Use :func:`open_workbook`.

    ``sheet_names`` lists the data sheets in workbook order (chart sheets are never data); ``hidden`` those
    of them hidden in Excel/WPS (hidden or very hidden).
    """

    def __init__(
        self,
        path: Path,
        sheet_names: list[str],
        hidden: frozenset[str] = frozenset(),
        encoding: str | None = None,
    ) -> None:
        self.path = path
        self.sheet_names = sheet_names
        self.hidden = hidden
        self.encoding = encoding  # the text encoding chosen (CSV, HTML, XML), None for a binary workbook

    @property
    def search_order(self) -> list[str]:
        """Where to look for the data when no sheet is named: visible sheets first, hidden ones after."""
        return [n for n in self.sheet_names if n not in self.hidden] + [
            n for n in self.sheet_names if n in self.hidden
        ]

    def sheet(self, name: str | None = None) -> SheetData:  # pragma: no cover - abstract
        raise NotImplementedError

    def _check_name(self, name: str | None) -> str:
        if name is None:
            return self.search_order[0]
        if name not in self.sheet_names:
            raise SheetNotFound(name=self.path.name, sheet=name, sheets="、".join(self.sheet_names))
        return name


class _CalamineBook(Workbook):
    def __init__(
        self, path: Path, book: CalamineWorkbook, sheet_names: list[str], hidden: frozenset[str]
    ) -> None:
        super().__init__(path, sheet_names, hidden)
        self._book = book

    def sheet(self, name: str | None = None) -> SheetData:
        name = self._check_name(name)
        try:
            sh = self._book.get_sheet_by_name(name)
            merged_raw = sh.merged_cell_ranges or []
            start = sh.start
            end = sh.end
        except BaseException as exc:  # CalamineError, ValueError, or a Rust panic (a BaseException)
            if not isinstance(exc, (CalamineError, ValueError)) and not _panic(exc):
                raise
            log.info("calamine refused sheet %r of %s: %r", name, self.path.name, exc)
            raise DamagedFile(name=self.path.name, reason=f"工作表“{name}”的内容无法识别") from None
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


class _MemoryBook(Workbook):
    """Sheets read whole into memory (HTML tables, SpreadsheetML)."""

    def __init__(self, path: Path, sheets: list[SheetRows], encoding: str | None = None) -> None:
        hidden = frozenset(s.name for s in sheets if s.hidden)
        super().__init__(path, [s.name for s in sheets], hidden, encoding)
        self._sheets = {s.name: s for s in sheets}

    def sheet(self, name: str | None = None) -> SheetData:
        sh = self._sheets[self._check_name(name)]
        return SheetData(self.path, sh.name, zip(count(1), sh.rows), len(sh.rows), list(sh.merged))


class _CsvBook(Workbook):
    def __init__(self, path: Path, text: str, encoding: str) -> None:
        super().__init__(path, [path.stem], encoding=encoding)
        self._text = text

    def sheet(self, name: str | None = None) -> SheetData:
        name = self._check_name(name)
        text = self._text
        sample = "\n".join(text[: 1 << 16].splitlines()[:50])
        delimiter = max((",", "\t", ";"), key=sample.count) if sample else ","
        total = text.count("\n") + (not text.endswith("\n"))
        if total > L.MAX_ROWS:
            raise FileTooLarge(name=self.path.name, reason=f"文件超过{L.MAX_ROWS:,}行")
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        file_name = self.path.name

        def rows() -> Iterator[tuple[int, Row]]:
            cells = 0
            try:
                for n, values in enumerate(reader, 1):
                    cells += len(values)
                    if cells > L.MAX_CELLS or len(values) > L.MAX_COLUMNS:
                        raise FileTooLarge(name=file_name, reason=f"文件中的单元格超过{L.MAX_CELLS:,}格")
                    yield n, [_csv_cell(v) for v in values]
            except csv.Error:  # a field beyond the size limit (a quote never closed swallows the rest)
                raise FileTooLarge(
                    name=file_name,
                    reason=f"有单元格的文字超过{L.MAX_CELL_CHARS:,}个字符（可能是某个引号没有配对）",
                ) from None

        return SheetData(self.path, name, rows(), total)


def _csv_cell(value: str) -> str:
    # Excel's trick to keep leading zeros / long numbers as text: ="0123"
    if value.startswith('="') and value.endswith('"') and len(value) >= 3:
        return value[2:-1]
    return value


def open_workbook(path: str | Path) -> Workbook:
    """Open a spreadsheet or CSV file; raise an :class:`ImportFileError` subclass when it cannot be read."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise FileMissing(path=str(p)) from None
    except OSError as exc:
        raise FileUnreadable(name=p.name, reason=os_reason(exc)) from None
    if p.is_dir():
        raise FileUnreadable(name=p.name, reason="这是一个文件夹，不是文件")
    if p.suffix.lower() not in SUFFIXES:
        raise NotASpreadsheet(name=p.name, detail=f"不支持扩展名“{p.suffix or '（无）'}”")
    if size > L.MAX_FILE_BYTES:
        raise FileTooLarge(
            name=p.name, reason=f"文件有{size / L.MiB:,.0f} MB（上限{L.MAX_FILE_BYTES // L.MiB} MB）"
        )
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise FileUnreadable(name=p.name, reason=os_reason(exc)) from None
    if not data or (len(data) < 4096 and not data.strip(b" \t\r\n\x00")):
        raise EmptyWorkbook(name=p.name)
    kind = sniff.content_kind(data)
    if kind in ("ole", "zip"):
        return _calamine(p, data, kind)
    most = {"html": L.MAX_HTML_BYTES, "mht": L.MAX_HTML_BYTES, "xml2003": L.MAX_XML2003_BYTES}.get(
        kind, L.MAX_TEXT_FILE_BYTES
    )
    if size > most:
        what = (
            "网页格式的表格" if kind in ("html", "mht") else "XML 表格" if kind == "xml2003" else "文本文件"
        )
        raise FileTooLarge(
            name=p.name,
            reason=f"{what}有{size / L.MiB:,.1f} MB（上限{most // L.MiB} MB）",
            advice="可以用 Excel 或 WPS 打开后另存为 .xlsx 再导入",
        )
    if kind in ("html", "mht"):
        from quzhou_desktop.spreadsheets.html_table import read_html, read_mht

        sheets, encoding = (read_html if kind == "html" else read_mht)(data, p.stem, p.name)
        if not sheets:
            raise NotASpreadsheet(
                name=p.name, detail="这是网页文件，其中没有表格（可能是导出失败时保存下来的提示页面）"
            )
        return _memory(p, sheets, encoding)
    if kind == "xml2003":
        from quzhou_desktop.spreadsheets.xml2003 import read_spreadsheetml

        return _memory(p, *read_spreadsheetml(data, p.name))
    if kind == "text":
        text, encoding = sniff.decode_text_as(data)
        if p.suffix.lower() in TEXT_SUFFIXES or sniff.looks_delimited(text):
            if not text.strip():
                raise EmptyWorkbook(name=p.name)
            return _CsvBook(p, text, encoding)
    raise NotASpreadsheet(name=p.name, detail=sniff.describe_unknown(data, p.suffix.lower()))


def _memory(p: Path, sheets: list[SheetRows], encoding: str | None = None) -> Workbook:
    if not sheets or not any(any(v != "" for v in r) for s in sheets for r in s.rows):
        raise EmptyWorkbook(name=p.name)
    return _MemoryBook(p, sheets, encoding)


def _calamine(p: Path, data: bytes, kind: str) -> Workbook:
    """An OLE (.xls/.et) or ZIP (.xlsx/.xlsb/.ods) workbook, read from its bytes so that calamine picks the
    reader by content whatever the extension says. Its size is checked first (spreadsheets.limits): calamine
    aborts the process when an allocation fails."""
    if kind == "zip":
        from quzhou_desktop.spreadsheets.guard_zip import check_zip

        check_zip(p.name, data)
    else:
        from quzhou_desktop.spreadsheets.guard_ole import check_ole

        try:
            check_ole(p.name, data)
        except DamagedFile:
            if (other := sniff.ole_document(data)) is not None:
                raise NotASpreadsheet(name=p.name, detail=other) from None
            if sniff.ole_encrypted(data, p.suffix):
                raise EncryptedWorkbook(name=p.name) from None
            raise
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        meta = [m for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]  # no chart sheets
        names = [m.name for m in meta]
        hidden = frozenset(m.name for m in meta if m.visible != SheetVisibleEnum.Visible)
    except PasswordError as exc:
        raise EncryptedWorkbook(name=p.name) from exc
    except (CalamineError, ValueError, OSError) as exc:
        text = str(exc).lower()
        if "password" in text or "encrypt" in text or (kind == "ole" and sniff.ole_encrypted(data, p.suffix)):
            raise EncryptedWorkbook(name=p.name) from exc
        if kind == "ole" and (other := sniff.ole_document(data)) is not None:
            raise NotASpreadsheet(name=p.name, detail=other) from exc
        log.info("calamine refused %s: %s", p.name, exc)
        raise DamagedFile(name=p.name, reason="Excel 或 WPS 表格的内容无法识别") from None
    except BaseException as exc:  # a Rust panic inside calamine arrives as a BaseException
        if not _panic(exc):
            raise
        log.warning("calamine panicked on %s: %r", p.name, exc)
        raise DamagedFile(name=p.name, reason="Excel 或 WPS 表格的内容无法识别") from None
    if not names:
        raise EmptyWorkbook(name=p.name)
    return _CalamineBook(p, book, names, hidden)


def _panic(exc: BaseException) -> bool:
    """A panic in python-calamine's Rust code (pyo3's PanicException derives from BaseException)."""
    return type(exc).__name__ == "PanicException"
