"""SpreadsheetML 2003 (“XML 表格”, ``<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">``) as rows.

Many reporting systems write this format with an .xls or .xml extension. Each ``<Worksheet>`` is a sheet;
``ss:Index`` on a row or cell skips to that (1-based) position, ``ss:MergeAcross``/``ss:MergeDown`` become
merged ranges with the value in the top-left cell, and ``<Data ss:Type>`` gives numbers as float, dates as
date/datetime, booleans as bool and everything else as text — the types python-calamine gives. A sheet whose
``<WorksheetOptions>`` says ``SheetHidden``/``SheetVeryHidden`` is hidden.

The standard library's ElementTree expands entities declared in a DOCTYPE, so a file with a DOCTYPE or an
ENTITY declaration is refused (a spreadsheet never needs one; it is how “billion laughs” files blow up).
"""

from __future__ import annotations

import datetime as _dt
import re
import xml.etree.ElementTree as ET
from typing import Any, cast

from quzhou_desktop.spreadsheets import limits as L
from quzhou_desktop.spreadsheets.errors import DamagedFile, FileTooLarge, NotASpreadsheet
from quzhou_desktop.spreadsheets.sheetrows import MergedRange, Row, SheetRows
from quzhou_desktop.spreadsheets.sniff import decode_markup_as

_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"
_X = "{urn:schemas-microsoft-com:office:excel}"
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_UNSAFE = re.compile(r"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
MAX_COLUMNS = L.MAX_COLUMNS


def _attr(el: ET.Element, name: str) -> str | None:
    return el.get(_SS + name) or el.get(name)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _int(el: ET.Element, name: str) -> int:
    raw = _attr(el, name)
    try:
        return int(raw) if raw is not None else 0
    except ValueError:
        return 0


def _value(data: ET.Element) -> Any:
    text = "".join(data.itertext())
    kind = (_attr(data, "Type") or "String").strip()
    if kind == "Number":
        try:
            number = float(text)
        except ValueError:
            return text
        return number if number == number and abs(number) != float("inf") else text
    if kind == "DateTime":
        try:
            when = _dt.datetime.fromisoformat(text.strip()[:23])
        except ValueError:
            return text
        return when.date() if when.time() == _dt.time() else when
    if kind == "Boolean":
        return text.strip() in ("1", "true", "TRUE", "True")
    return text


class _Sheet:
    """One worksheet being read, row by row as the parser finishes each ``<Row>``."""

    def __init__(self, title: str, name: str, budget: list[int]) -> None:
        self.title, self.name, self.budget = title, name, budget
        self.rows: list[Row] = []
        self.merged: list[MergedRange] = []
        self.hidden = False

    def _too_large(self, reason: str) -> FileTooLarge:
        return FileTooLarge(name=self.name, reason=reason)

    def row(self, row_el: ET.Element) -> None:
        rows = self.rows
        index = _int(row_el, "Index")
        if index - 1 > len(rows):
            if index > L.MAX_ROWS:
                raise self._too_large(f"工作表中的行号 {index:,} 超过了{L.MAX_ROWS:,}行")
            rows.extend([] for _ in range(index - 1 - len(rows)))
        r = len(rows)
        values: Row = []
        col = 0
        for cell in row_el.findall(_SS + "Cell"):
            at = _int(cell, "Index")
            if at - 1 > col:
                col = at - 1
            if col >= MAX_COLUMNS:
                break
            data = next((child for child in cell if _local(child.tag) == "Data"), None)
            if col >= len(values):
                self.budget[0] -= col + 1 - len(values)
                if self.budget[0] < 0:
                    raise self._too_large(f"表格中的单元格超过{L.MAX_CELLS:,}格")
                values.extend([""] * (col + 1 - len(values)))
            values[col] = _value(data) if data is not None else ""
            if isinstance(values[col], str) and len(values[col]) > L.MAX_CELL_CHARS:
                raise self._too_large(f"有单元格的文字超过{L.MAX_CELL_CHARS:,}个字符")
            across, down = max(0, _int(cell, "MergeAcross")), max(0, _int(cell, "MergeDown"))
            if across or down:
                self.merged.append((r, col, r + down, col + across))
            col += across + 1
        rows.append(values)
        span = _int(row_el, "Span")  # further rows formatted like this one, empty
        if 0 < span and len(rows) + span <= L.MAX_ROWS:
            rows.extend([] for _ in range(span))
        if len(rows) > L.MAX_ROWS:
            raise self._too_large(f"工作表超过{L.MAX_ROWS:,}行")


def read_spreadsheetml(data: bytes, name: str) -> tuple[list[SheetRows], str]:
    """The worksheets of a SpreadsheetML 2003 file and its encoding; ``name`` (the file's) is used in error
    messages. Rows are read as the parser finishes each one and then dropped from the tree."""
    text, encoding = decode_markup_as(data)
    if _UNSAFE.search(text):
        raise NotASpreadsheet(name=name, detail="文件中含有文档类型声明（DOCTYPE），为安全起见不予读取")
    text = _DECLARATION.sub("", text, count=1)
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
    sheets: list[SheetRows] = []
    budget = [L.MAX_CELLS]
    sheet: _Sheet | None = None
    parents: list[ET.Element] = []
    try:
        for i in range(0, len(text), 1 << 20):
            parser.feed(text[i : i + (1 << 20)])
            for pair in parser.read_events():
                event, el = cast(tuple[str, ET.Element], pair)
                tag = el.tag
                if event == "start":
                    parents.append(el)
                    if tag == _SS + "Worksheet":
                        title = (_attr(el, "Name") or "").strip() or f"Sheet{len(sheets) + 1}"
                        sheet = _Sheet(title, name, budget)
                    continue
                parents.pop()
                if tag == _SS + "Row" and sheet is not None:
                    sheet.row(el)
                    if parents:
                        parents[-1].remove(el)
                elif tag == f"{_X}Visible" and sheet is not None:
                    sheet.hidden = (el.text or "").strip() in ("SheetHidden", "SheetVeryHidden")
                elif tag == _SS + "Worksheet" and sheet is not None:
                    sheets.append(SheetRows(sheet.title, sheet.rows, sheet.merged, sheet.hidden))
                    sheet = None
                    if parents:
                        parents[-1].remove(el)
        parser.close()
    except ET.ParseError:
        raise DamagedFile(name=name, reason="XML 表格文件内容不完整") from None
    return sheets, encoding
