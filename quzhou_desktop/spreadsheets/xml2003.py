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
from typing import Any

from quzhou_desktop.spreadsheets.errors import NotASpreadsheet
from quzhou_desktop.spreadsheets.sheetrows import MergedRange, Row, SheetRows
from quzhou_desktop.spreadsheets.sniff import decode_markup

_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"
_X = "{urn:schemas-microsoft-com:office:excel}"
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_UNSAFE = re.compile(r"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
MAX_ROWS = 1_048_576  # Excel's limit: an ss:Index beyond it is a broken file, not 1,000,000 blank rows
MAX_COLUMNS = 16_384


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


def _table(table: ET.Element, name: str) -> tuple[list[Row], list[MergedRange]]:
    rows: list[Row] = []
    merged: list[MergedRange] = []
    for row_el in table.findall(_SS + "Row"):
        index = _int(row_el, "Index")
        if index - 1 > len(rows):
            if index > MAX_ROWS:
                raise NotASpreadsheet(name=name, detail=f"工作表中的行号 {index} 超出了表格的最大行数")
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
                values.extend([""] * (col + 1 - len(values)))
            values[col] = _value(data) if data is not None else ""
            across, down = max(0, _int(cell, "MergeAcross")), max(0, _int(cell, "MergeDown"))
            if across or down:
                merged.append((r, col, r + down, col + across))
            col += across + 1
        rows.append(values)
        span = _int(row_el, "Span")  # further rows formatted like this one, empty
        if 0 < span and len(rows) + span <= MAX_ROWS:
            rows.extend([] for _ in range(span))
    return rows, merged


def read_spreadsheetml(data: bytes, name: str) -> list[SheetRows]:
    """The worksheets of a SpreadsheetML 2003 file; ``name`` (the file's) is used in error messages."""
    text = decode_markup(data)
    if _UNSAFE.search(text):
        raise NotASpreadsheet(name=name, detail="文件中含有文档类型声明（DOCTYPE），为安全起见不予读取")
    try:
        root = ET.fromstring(_DECLARATION.sub("", text, count=1))
    except ET.ParseError as exc:
        raise NotASpreadsheet(name=name, detail=f"XML 表格文件内容不完整或已损坏（{exc}）") from None
    sheets: list[SheetRows] = []
    for ws in root.iter(_SS + "Worksheet"):
        title = (_attr(ws, "Name") or "").strip() or f"Sheet{len(sheets) + 1}"
        visible = ws.find(f"{_X}WorksheetOptions/{_X}Visible")
        hidden = visible is not None and (visible.text or "").strip() in ("SheetHidden", "SheetVeryHidden")
        table = ws.find(_SS + "Table")
        rows, merged = _table(table, name) if table is not None else ([], [])
        sheets.append(SheetRows(title, rows, merged, hidden))
    return sheets
