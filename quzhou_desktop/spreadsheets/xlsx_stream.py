"""A streaming writer for the styled register workbooks: SpreadsheetML written directly into the .xlsx zip.

openpyxl builds an object and an XML element per cell; at 100,000 rows × 12 columns that is most of an
export's time. A register sheet needs little of what openpyxl offers, so this writer formats each row as XML
text and streams it into the zip entry as it comes (constant memory, any row count up to Excel's limit).
Strings are written inline (``t="inlineStr"``), as XlsxWriter does in its constant-memory mode, so nothing
is kept per string. The package is the minimal one Excel, WPS and LibreOffice open: content types,
relationships, workbook (with the print-titles and filter names), styles, one worksheet and core properties.

Cell kinds: ``text`` (str; anything else is written as its text), ``int``, ``date`` (a date is written as
its serial number with a yyyy-mm-dd format) and ``fen`` (integer 分 written as the exact decimal number of 元
with the #,##0.00 format). ``None`` and ``""`` leave the cell empty.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

MAX_ROWS = 1_048_576  # Excel's sheet height
_EPOCH = _dt.date(1899, 12, 30)
# XML 1.0 forbids these characters; Excel refuses a file that holds them.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Cell formats (cellXfs): 0 plain, 1 title, 2 header, 3 date, 4 money, 5 total label, 6 total money, 7 text
# (wrapped: a long 摘要 or 审核记录 stays in its column on screen and on paper), 8 whole number.
XF_PLAIN, XF_TITLE, XF_HEADER, XF_DATE, XF_MONEY, XF_TOTAL, XF_TOTAL_MONEY, XF_TEXT, XF_INT = range(9)


class TooManyRows(ValueError):
    """More rows than one Excel sheet holds."""


def column_letters(n: int) -> list[str]:
    out = []
    for i in range(1, n + 1):
        s = ""
        while i:
            i, rem = divmod(i - 1, 26)
            s = chr(65 + rem) + s
        out.append(s)
    return out


def text_xml(value: str) -> str:
    """Escaped element text; ``xml:space`` is set by the caller when needed."""
    if not value.isprintable():
        value = _ILLEGAL.sub("", value)
    return escape(value)


def _inline(ref: str, value: str, xf: int = 0) -> str:
    text = text_xml(value)
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() or "\n" in value else ""
    style = f' s="{xf}"' if xf else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'


LINE_PT = 14.25  # height of one line of 11 pt text in points


def wrapped_lines(text: str, fit: float) -> int:
    """Lines ``text`` takes in a column ``fit`` characters wide, counting its own line breaks. A CJK character
    is about 1.8 characters of the width unit (its GB18030 encoding has two bytes, an ASCII one has one)."""
    total = 0
    for part in text.split("\n"):
        wide = len(part.encode("gb18030", errors="replace")) - len(part)
        width = len(part) + 0.8 * wide
        total += max(1, math.ceil(width / fit))
    return total


def yuan_text(fen: int) -> str:
    """Integer 分 as the exact decimal text of 元 (123450 → "1234.50", -5 → "-0.05")."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def _styles(font_name: str) -> str:
    font = f'<name val={quoteattr(font_name)}/><family val="2"/><charset val="134"/>'
    thin = '<{0} style="thin"><color rgb="FF808080"/></{0}>'
    border = "".join(thin.format(side) for side in ("left", "right", "top", "bottom"))
    center = '<alignment horizontal="center" vertical="center"/>'
    aligned = 'applyAlignment="1"><alignment vertical="center"/>'
    return (
        f'{_DECL}<styleSheet xmlns="{_NS}">'
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
        '<fonts count="3">'
        f'<font><sz val="11"/>{font}</font>'
        f'<font><b/><sz val="11"/>{font}</font>'
        f'<font><b/><sz val="16"/>{font}</font>'
        "</fonts>"
        '<fills count="3"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill>'
        '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill>'
        "</fill></fills>"
        f'<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
        f"<border>{border}<diagonal/></border></borders>"
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="9">'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        f'<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">{center}</xf>'
        '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" '
        'applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>'
        f'<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" {aligned}</xf>'
        f'<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" {aligned}</xf>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1"/>'
        '<xf numFmtId="4" fontId="1" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyFont="1" '
        'applyBorder="1"/>'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
        '<alignment vertical="center" wrapText="1"/></xf>'
        f'<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" {aligned}</xf>'
        "</cellXfs>"
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )


def _content_types() -> str:
    sheet = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    return (
        f'{_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{sheet}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{sheet}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{sheet}.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        "</Types>"
    )


def _package_rels() -> str:
    office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
    core = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
    return (
        f'{_DECL}<Relationships xmlns="{_PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{office}" Target="xl/workbook.xml"/>'
        f'<Relationship Id="rId2" Type="{core}" Target="docProps/core.xml"/>'
        "</Relationships>"
    )


def _workbook_rels() -> str:
    base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    return (
        f'{_DECL}<Relationships xmlns="{_PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{base}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{base}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )


def _core(title: str, now: _dt.datetime) -> str:
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"{_DECL}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{text_xml(title)}</dc:title><dc:creator>quzhou-desktop</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        "</cp:coreProperties>"
    )


def _workbook(sheet: str, last_col: str, last_row: int) -> str:
    quoted = "'" + sheet.replace("'", "''") + "'"
    return (
        f'{_DECL}<workbook xmlns="{_NS}" xmlns:r="{_REL_NS}">'
        "<bookViews><workbookView/></bookViews>"
        f'<sheets><sheet name={quoteattr(sheet)} sheetId="1" r:id="rId1"/></sheets>'
        "<definedNames>"
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
        f"{escape(quoted)}!$A$2:${last_col}${last_row}</definedName>"
        f'<definedName name="_xlnm.Print_Titles" localSheetId="0">{escape(quoted)}!$1:$2</definedName>'
        "</definedNames></workbook>"
    )


class RegisterSheet:
    """Write one register sheet: title row, header row, data rows, an optional 合计 row.

    ``widths`` are in characters; ``kinds`` per column as in the module docstring."""

    def __init__(
        self,
        path: Path,
        *,
        sheet_name: str,
        title: str,
        headers: Sequence[str],
        kinds: Sequence[str],
        widths: Sequence[float],
        font_name: str = "宋体",
        footer: str = "&C第 &P 页，共 &N 页",
    ) -> None:
        self.path, self.sheet_name, self.title = path, sheet_name[:31], title
        self.headers, self.kinds, self.widths = list(headers), list(kinds), list(widths)
        self.font_name, self.footer = font_name, footer
        self.letters = column_letters(len(self.headers))

    def write(
        self,
        rows: Iterable[Sequence[Any]],
        *,
        totals: bool,
        progress: Callable[[int], None] | None = None,
        progress_every: int = 5000,
        private: bool = False,
    ) -> int:
        """Write the workbook (to a partial file renamed on success); return the number of data rows.

        ``private``: the file is readable by its owner only (mode 0600 on POSIX) from its first byte, for
        personal data such as full ID numbers."""
        partial = self.path.with_name(self.path.name + ".partial")
        try:
            if private:
                partial.unlink(missing_ok=True)
                os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
                if os.name == "posix":
                    partial.chmod(0o600)
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
                zf.writestr("[Content_Types].xml", _content_types())
                zf.writestr("_rels/.rels", _package_rels())
                zf.writestr("docProps/core.xml", _core(self.title, _dt.datetime.now(_dt.timezone.utc)))
                zf.writestr("xl/_rels/workbook.xml.rels", _workbook_rels())
                zf.writestr("xl/styles.xml", _styles(self.font_name))
                with zf.open("xl/worksheets/sheet1.xml", "w") as raw:
                    count = self._sheet(raw, rows, totals, progress, progress_every)
                zf.writestr("xl/workbook.xml", _workbook(self.sheet_name, self.letters[-1], count + 2))
            partial.replace(self.path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return count

    # -- the worksheet --------------------------------------------------------------------------------
    def _head(self) -> str:
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>' for i, w in enumerate(self.widths, 1)
        )
        title = _inline("A1", self.title, XF_TITLE)
        header = "".join(
            _inline(f"{c}2", h, XF_HEADER) for c, h in zip(self.letters, self.headers, strict=True)
        )
        return (
            f'{_DECL}<worksheet xmlns="{_NS}" xmlns:r="{_REL_NS}">'
            '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
            '<sheetViews><sheetView tabSelected="1" workbookViewId="0">'
            '<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A3" sqref="A3"/></sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>'
            f"<cols>{cols}</cols><sheetData>"
            f'<row r="1" ht="30" customHeight="1">{title}</row>'
            f'<row r="2" ht="22" customHeight="1">{header}</row>'
        )

    def _tail(self, last_row: int) -> str:
        last = self.letters[-1]
        merge = (
            f'<mergeCells count="1"><mergeCell ref="A1:{last}1"/></mergeCells>'
            if len(self.letters) > 1
            else ""
        )
        footer = (
            f"<headerFooter><oddFooter>{escape(self.footer)}</oddFooter></headerFooter>"
            if self.footer
            else ""
        )
        return (
            f'</sheetData><autoFilter ref="A2:{last}{last_row}"/>{merge}'
            '<printOptions horizontalCentered="1" gridLines="1"/>'
            '<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
            '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
            f"{footer}</worksheet>"
        )

    def _sheet(
        self,
        raw: IO[bytes],
        rows: Iterable[Sequence[Any]],
        totals: bool,
        progress: Callable[[int], None] | None,
        every: int,
    ) -> int:
        raw.write(self._head().encode())
        # Per column: letter, kind and how many display units (a CJK character counts two) fit on one line.
        cells = [
            (letter, kind, max(1, int(w) - 1))
            for letter, kind, w in zip(self.letters, self.kinds, self.widths, strict=True)
        ]
        fen_at = [i for i, k in enumerate(self.kinds) if k == "fen"]
        sums = dict.fromkeys(fen_at, 0)
        buf: list[str] = []
        n = 2
        count = 0
        for values in rows:
            n += 1
            if n > MAX_ROWS - 1:
                raise TooManyRows(f"超过了一个工作表最多{MAX_ROWS:,}行的限制")
            r = str(n)
            parts = [""]
            lines = 1
            for (letter, kind, fit), v in zip(cells, values, strict=False):
                if v is None or v == "":
                    continue
                if kind == "fen" and type(v) is int:
                    parts.append(f'<c r="{letter}{r}" s="{XF_MONEY}"><v>{yuan_text(v)}</v></c>')
                elif kind == "date" and isinstance(v, _dt.date):
                    d = v.date() if isinstance(v, _dt.datetime) else v
                    parts.append(f'<c r="{letter}{r}" s="{XF_DATE}"><v>{(d - _EPOCH).days}</v></c>')
                elif kind == "int" and type(v) is int:
                    parts.append(f'<c r="{letter}{r}" s="{XF_INT}"><v>{v}</v></c>')
                else:
                    s = _as_text(v)
                    if len(s) * 1.8 > fit or "\n" in s:
                        lines = max(lines, wrapped_lines(s, fit))
                    parts.append(_inline(letter + r, s, XF_TEXT))
            # Wrapped text needs the row's height: Excel and LibreOffice keep a file's row heights as written.
            parts[0] = (
                f'<row r="{r}" ht="{lines * LINE_PT + 2:g}" customHeight="1">'
                if lines > 1
                else f'<row r="{r}">'
            )
            parts.append("</row>")
            buf.append("".join(parts))
            for i in fen_at:
                v = values[i]
                if type(v) is int:
                    sums[i] += v
            count += 1
            if len(buf) >= 2000:
                raw.write("".join(buf).encode())
                buf.clear()
            if progress is not None and count % every == 0:
                progress(count)
        if totals and fen_at:
            n += 1
            r = str(n)
            parts = [f'<row r="{r}">']
            for i, letter in enumerate(self.letters):
                if i in sums:
                    parts.append(f'<c r="{letter}{r}" s="{XF_TOTAL_MONEY}"><v>{yuan_text(sums[i])}</v></c>')
                elif i == 0:
                    parts.append(_inline(letter + r, "合计", XF_TOTAL))
                else:
                    parts.append(f'<c r="{letter}{r}" s="{XF_TOTAL}"/>')
            buf.append("".join(parts) + "</row>")
        buf.append(self._tail(count + 2))
        raw.write("".join(buf).encode())
        return count


def _as_text(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, (_dt.date, _dt.time)):
        return v.isoformat()
    return str(v)
