"""HTML tables as sheet rows: what web systems, bookkeeping software and Excel's “网页” format save as .xls.

Every ``<tr>`` of a table is one row, in document order, with its ``<td>``/``<th>`` cells placed the way a
browser lays them out (cells skip the columns that a ``rowspan`` from above still covers); ``rowspan`` and
``colspan`` become merged ranges with the value in the top-left cell, as the other readers give them.
Text outside tables (a title in ``<h2>``, a “单位：元” paragraph) becomes a one-cell row of its own, so row
numbers match a sheet that has its title above the table. ``<br>`` is a line break inside the cell, entities
such as ``&nbsp;`` are decoded, and script, style and the page title are ignored. A table nested in a cell
adds its text to that cell. A single-file web page (.mht) is unpacked to its HTML part first.
"""

from __future__ import annotations

import email
import email.policy
import re
from html.parser import HTMLParser

from quzhou_desktop.spreadsheets import limits as L
from quzhou_desktop.spreadsheets.errors import FileTooLarge
from quzhou_desktop.spreadsheets.sheetrows import MergedRange, SheetRows
from quzhou_desktop.spreadsheets.sniff import decode_markup_as

_BLOCKS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "pre", "center",
     "section", "article", "header", "footer", "form", "hr", "caption", "blockquote", "address"}
)  # fmt: skip
_SKIPPED = frozenset({"script", "style", "title", "noscript", "template", "xml"})
_SPACE = re.compile(r"[ \t\n\r\f]+")
_SHEET_NAME = re.compile(r"<x:Name>([^<>]{1,31})</x:Name>", re.IGNORECASE)
_DIGITS = re.compile(r"\s*(\d{1,9})")


class TableTooLarge(Exception):
    """The page lays out beyond the limits of spreadsheets.limits (``reason`` in Chinese)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _span(value: str | None, most: int) -> int:
    if value is None:
        return 1
    m = _DIGITS.match(value)
    return max(1, min(int(m.group(1)), most)) if m else 1


class _TableParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.merged: list[MergedRange] = []
        self.depth = 0  # table nesting
        self.tables = 0  # tables seen
        self.skip = 0  # inside script/style/head …
        self.row: dict[int, str] | None = None  # current row of the outermost table: column → text
        self.row_index = 0
        self.cursor = 0
        # rowspans from rows above still covering later rows: (first column, last column, last row index)
        self.spans: list[tuple[int, int, int]] = []
        self.cover: list[tuple[int, int]] = []  # (first, last) columns covered in the current row, in order
        self.cover_at = 0
        self.area = 0  # cells below their own row that rowspans cover
        self.width = 0  # columns of the current row
        self.cells = 0  # cells of the rows laid out so far (the grid the rows become)
        self.cell_chars = 0
        self.cell: list[str] | None = None
        self.cell_col = 0
        self.loose: list[str] = []  # text outside any table (or in a table's <caption>)
        self.caption = False
        self.table_merges = 0  # index into ``merged`` where the current table's ranges start

    # -- text ---------------------------------------------------------------------------------------
    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.cell is not None:
            self.cell_chars += len(data)
            if self.cell_chars > L.MAX_CELL_CHARS * 4:  # markup whitespace collapses; text beyond is no cell
                raise TableTooLarge(f"有单元格的文字超过{L.MAX_CELL_CHARS:,}个字符")
            self.cell.append(_SPACE.sub(" ", data))
        elif self.depth == 0 or self.caption:
            self.loose.append(_SPACE.sub(" ", data))

    def _flush_loose(self) -> None:
        text = _clean("".join(self.loose))
        self.loose = []
        if text:
            self.rows.append([text])

    # -- tags ---------------------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skip += 1
            return
        if tag == "table":
            if self.depth == 0:
                self.tables += 1
                self._flush_loose()
                self.spans = []
                self.table_merges = len(self.merged)
            elif self.cell is not None:
                self.cell.append("\n")
            self.depth += 1
        elif self.depth == 0:
            if tag in _BLOCKS or tag == "br":
                self._flush_loose()
        elif self.depth > 1:
            if self.cell is not None and tag in ("td", "th", "tr", "br"):
                self.cell.append("\n" if tag in ("tr", "br") else " ")
        elif tag == "caption":
            self._end_row()
            self.caption = True
        elif tag == "tr":
            self._end_row()
            self._start_row()
        elif tag in ("td", "th"):
            self._start_cell(dict(attrs))
        elif self.cell is not None and (tag == "br" or tag in _BLOCKS):
            self.cell.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            return  # <xml/>, <script/>: nothing inside
        self.handle_starttag(tag, attrs)
        if tag in ("td", "th", "table"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skip = max(0, self.skip - 1)
            return
        if tag == "table" and self.depth:
            self.depth -= 1
            if self.depth == 0:
                self._end_row()
                self._clip_merges()
            elif self.cell is not None:
                self.cell.append("\n")
        elif self.depth == 0:
            if tag in _BLOCKS:
                self._flush_loose()
        elif self.depth == 1:
            if tag == "caption" and self.caption:
                self.caption = False
                self._flush_loose()
            elif tag in ("td", "th"):
                self._end_cell()
            elif tag in ("tr", "thead", "tbody", "tfoot"):
                self._end_row()
            elif tag in _BLOCKS and self.cell is not None:
                self.cell.append("\n")

    # -- layout -------------------------------------------------------------------------------------
    def _start_row(self) -> None:
        self.row = {}
        self.row_index = len(self.rows)
        if self.row_index >= L.MAX_ROWS:
            raise TableTooLarge(f"网页表格超过{L.MAX_ROWS:,}行")
        self.rows.append([])
        self.cursor = 0
        self.width = 0
        if self.spans:
            self.spans = [s for s in self.spans if s[2] >= self.row_index]
        # the columns rowspans from above cover in this row, in order: cells skip them left to right
        self.cover = sorted((first, last) for first, last, _ in self.spans)
        self.cover_at = 0

    def _end_row(self) -> None:
        self._end_cell()
        if self.row is None:
            return
        width = self.width
        self.rows[self.row_index] = [self.row.get(c, "") for c in range(width)]
        self.row = None

    def _start_cell(self, attrs: dict[str, str | None]) -> None:
        self._end_cell()
        if self.row is None:
            self._start_row()
        assert self.row is not None
        col = self.cursor
        cover, i = self.cover, self.cover_at
        while i < len(cover) and cover[i][1] < col:
            i += 1
        while i < len(cover) and cover[i][0] <= col:  # skip what rowspans from above cover
            col = max(col, cover[i][1] + 1)
            i += 1
        self.cover_at = i
        rows = _span(attrs.get("rowspan"), L.MAX_ROWSPAN)
        cols = _span(attrs.get("colspan"), L.MAX_COLSPAN)
        width = max(self.width, col + cols)
        if width > L.MAX_COLUMNS:
            raise TableTooLarge(f"网页表格的一行超过{L.MAX_COLUMNS:,}列")
        self.cells += width - self.width
        self.width = width
        if self.cells > L.MAX_CELLS:
            raise TableTooLarge(f"网页表格展开合并单元格后超过{L.MAX_CELLS:,}格")
        if rows > 1:
            self.area += (rows - 1) * cols
            if self.area > L.MAX_MERGED_AREA:
                raise TableTooLarge(f"网页表格的合并单元格覆盖超过{L.MAX_MERGED_AREA:,}格")
            self.spans.append((col, col + cols - 1, self.row_index + rows - 1))
        if rows > 1 or cols > 1:
            self.merged.append((self.row_index, col, self.row_index + rows - 1, col + cols - 1))
        self.cursor = col + cols
        self.cell = []
        self.cell_chars = 0
        self.cell_col = col

    def _end_cell(self) -> None:
        if self.cell is None or self.row is None:
            self.cell = None
            return
        self.row[self.cell_col] = _clean("".join(self.cell))
        self.cell = None

    def _clip_merges(self) -> None:
        """A rowspan reaching past its table's last row ends there."""
        last = len(self.rows) - 1
        for i in range(self.table_merges, len(self.merged)):
            r1, c1, r2, c2 = self.merged[i]
            self.merged[i] = (r1, c1, min(r2, last), c2)

    def finish(self) -> None:
        self.close()
        if self.depth:
            self.depth = 1
            self._end_row()
            self._clip_merges()
            self.depth = 0
        self._flush_loose()


def _clean(text: str) -> str:
    """Cell text: non-breaking spaces as spaces, each line trimmed, no blank lines."""
    if "\n" not in text and "\xa0" not in text:
        return text.strip()
    lines = (line.strip() for line in text.replace("\xa0", " ").split("\n"))
    return "\n".join(line for line in lines if line)


def _parsed(text: str) -> _TableParser:
    parser = _TableParser()
    parser.feed(text)
    parser.finish()
    return parser


def html_rows(text: str) -> tuple[list[list[str]], list[MergedRange]]:
    """Rows (lists of cell texts) and merged ranges of an HTML page."""
    parser = _parsed(text)
    return parser.rows, parser.merged


def read_html(data: bytes, default_name: str, file_name: str = "") -> tuple[list[SheetRows], str]:
    """The page as one sheet, named as Excel names it (``<x:Name>`` of an Excel page, else the file name),
    and the encoding it was read in; no sheet at all when the page holds no table (a web system's “please
    log in again” page saved as .xls). A page laid out beyond the limits raises :class:`FileTooLarge`."""
    text, encoding = decode_markup_as(data)
    try:
        parser = _parsed(text)
    except TableTooLarge as exc:
        raise FileTooLarge(name=file_name or default_name, reason=exc.reason) from None
    if not parser.tables:
        return [], encoding
    names = set(_SHEET_NAME.findall(text[:65536]))
    name = names.pop() if len(names) == 1 else default_name
    return [SheetRows(name, list(parser.rows), parser.merged)], encoding


def read_mht(data: bytes, default_name: str, file_name: str = "") -> tuple[list[SheetRows], str]:
    """A single-file web page (MIME, as Excel's “单个文件网页”): its first HTML part."""
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                charset = part.get_content_charset()
                if charset and not re.search(rb"charset", payload[:4096], re.IGNORECASE):
                    payload = f'<meta charset="{charset}">'.encode("ascii", errors="ignore") + payload
                return read_html(payload, default_name, file_name)
    return [], "utf-8"
