"""What python-calamine will allocate for a worksheet, measured from the inflated part before it reads it.

calamine builds a sheet as one dense rectangle of 32-byte cells from its first to its last value, and copies a
shared string into every cell that uses it. So for each sheet part we find the largest row and column that
hold a value (a self-closing ``<c r="…" s="1"/>`` is a formatted blank cell and holds none) and, when the
shared strings are long, the text the cells copy. The scan works on the XML bytes with a few C-level regular
expression passes per chunk (same-length digit or letter strings compare like numbers), so a 100,000-row
sheet costs a fraction of calamine's own read; parts written with prefixed tags or cells without a
reference are handed back (:class:`NeedsExactScan`) for a streaming expat parse
(:mod:`~quzhou_desktop.spreadsheets.guard_exact`), and .xlsb parts are walked record by record
(:mod:`~quzhou_desktop.spreadsheets.guard_xlsb`).
"""

from __future__ import annotations

import re
import struct
from array import array
from collections.abc import Iterable, Iterator
from functools import lru_cache

from quzhou_desktop.spreadsheets import limits as L
from quzhou_desktop.spreadsheets.errors import DamagedFile, FileTooLarge, NotASpreadsheet
from quzhou_desktop.spreadsheets.guard_xlsb import biff12_records

MAX_SI_BYTES = 256 * 1024  # XML of one shared string: 32,767 CJK characters take 96 KiB, markup the rest
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY")
_UNREFERENCED = re.compile(rb'<c(?:>| (?!r="))')
_REF = re.compile(rb'<c r="([A-Za-z]+)([0-9]+)"([^>]*)>')
_VALUED = re.compile(rb'<c r="([A-Za-z]+)([0-9]+)"[^>/]*>')
_SST_INDEX = re.compile(rb'<c r="[A-Za-z]+[0-9]+"[^>]*?t="s"[^>/]*><v>([0-9]+)</v>')


def mib(n: int) -> str:
    return f"{n / L.MiB:,.0f} MB" if n >= L.MiB else f"{n / 1024:,.0f} KB"


def refuse_dtd(name: str, chunk: bytes) -> None:
    if _DTD.search(chunk):
        raise NotASpreadsheet(name=name, detail="文件中含有文档类型声明（DOCTYPE），为安全起见不予读取")


def column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


class NeedsExactScan(Exception):
    """The quick scan met tags it does not read (``<x:c>``); the caller scans the part again exactly."""


class SharedStrings:
    """Byte length of each shared string (an upper bound of its UTF-8 text)."""

    def __init__(self) -> None:
        self.lengths = array("I")
        self.longest = 0

    def scan(self, name: str, chunks: Iterable[bytes], *, binary: bool) -> None:
        if binary:
            self._scan_bin(name, chunks)
            return
        pending = 0
        keep = b""
        first = True
        for chunk in chunks:
            if first:
                refuse_dtd(name, chunk)
                first = False
            buf = keep + chunk
            pending -= len(keep)
            pieces = buf.split(b"</si>")
            if len(pieces) > 1:
                lens = list(map(len, pieces[:-1]))
                lens[0] += pending
                pending = 0
                self._add(name, lens)
            pending += len(pieces[-1])
            keep = pieces[-1][-4:]
            if pending > MAX_SI_BYTES:
                self._too_long(name)

    def _scan_bin(self, name: str, chunks: Iterable[bytes]) -> None:
        lens = [len(payload) for rtype, payload in biff12_records(name, chunks) if rtype == 19]  # BrtSSTItem
        self._add(name, lens)

    def _add(self, name: str, lens: list[int]) -> None:
        if not lens:
            return
        top = max(lens)
        if top > MAX_SI_BYTES:
            self._too_long(name)
        self.longest = max(self.longest, top)
        self.lengths.extend(lens)
        if len(self.lengths) > L.MAX_CELLS:
            raise FileTooLarge(name=name, reason=f"共享文字超过{L.MAX_CELLS:,}条")

    @staticmethod
    def _too_long(name: str) -> None:
        raise FileTooLarge(name=name, reason=f"有单元格的文字超过{L.MAX_CELL_CHARS:,}个字符（Excel 的上限）")

    def text_of(self, indexes: Iterable[int]) -> int:
        lengths = self.lengths
        try:
            return sum(map(lengths.__getitem__, indexes))
        except IndexError:
            return 0  # an index past the table: calamine refuses the sheet (damaged), nothing to bound


class SheetScan:
    """Largest row and column holding a value, cells using a shared string, inline text (upper bound)."""

    def __init__(self, *, binary: bool = False, indexes: bool = False) -> None:
        self.binary, self.indexes = binary, indexes
        self.max_row = 0  # 1-based
        self.max_col = 0  # 1-based
        self.cells = 0  # chunks (or .xlsb cells) holding a cell with a value: 0 means an empty part
        self.sst_cells = 0
        self.inline = False
        self.text = 0  # bytes the cells copy from the shared strings (indexes=True)
        self._odd = 0  # references read one by one (out of order, lowercase, zero-padded)

    def scan(self, name: str, chunks: Iterable[bytes], strings: SharedStrings) -> None:
        """Measure the part. Raises :class:`NeedsExactScan` when the quick path meets prefixed cell tags
        or cells without a reference anywhere in the part; the caller scans it again with
        :func:`~quzhou_desktop.spreadsheets.guard_exact.exact_scan` (a streaming expat parse)."""
        if self.binary:
            self._scan_bin(name, chunks, strings)
            return
        it = iter(chunks)
        head = next(it, b"")
        refuse_dtd(name, head)
        whole = head[: head.rfind(b"<")] if len(head) >= 1 << 20 else head  # a tag may go on past the chunk
        if (b"<sheetData" not in head and b":sheetData" in head) or _UNREFERENCED.search(whole):
            raise NeedsExactScan
        carry = b""
        for chunk in _prepend(head, it):
            buf = carry + chunk
            cut = buf.rfind(b"<c ")
            if cut < 0 or len(buf) - cut > 1 << 20:  # no cell tag, or a long inline text at the end
                cut = max(buf.rfind(b"<"), 0)
            carry = buf[cut:]
            self._chunk(name, buf[:cut], strings)
        self._chunk(name, carry, strings)

    def _chunk(self, name: str, buf: bytes, strings: SharedStrings) -> None:
        if not buf:
            return
        if b":c " in buf or b":c>" in buf:  # prefixed cell tags after the first chunk: start again, exactly
            raise NeedsExactScan
        if not self.inline and (b'"inlineStr"' in buf or b't="str"' in buf):
            self.inline = True
        if strings.lengths:
            self.sst_cells += buf.count(b't="s"')
            if self.indexes:
                self.text += strings.text_of(map(int, _SST_INDEX.findall(buf)))
        # Rows come in order in real files: start from this chunk's last cell holding a value, and one regular
        # expression pass finds nothing beyond it (and no cell without a reference).
        tail = _VALUED.findall(buf[-16384:])
        if tail:
            self._raise_to(max((t[0] for t in tail), key=lambda s: (len(s), s.upper())), tail[-1][1])
        for m in _beyond(self.max_row, self.max_col).finditer(buf):
            ref = _REF.match(buf, m.start())
            if ref is None:
                raise DamagedFile(name=name, reason="有单元格没有注明位置")
            self._odd += 1
            if self._odd > L.MAX_CELLS:  # millions of out-of-order references: no office program writes that
                raise DamagedFile(name=name, reason="单元格的位置编号杂乱无章")
            if not ref.group(3).endswith(b"/"):  # a self-closing tag is a formatted blank cell
                self._raise_to(ref.group(1), ref.group(2))
        if self.max_row:
            self.cells += 1

    def _raise_to(self, letters: bytes, digits: bytes) -> None:
        row = int(digits) if len(digits) < 12 else 1 << 40
        col = column_number(letters) if len(letters) < 8 else 1 << 40
        self.max_row = max(self.max_row, row)
        self.max_col = max(self.max_col, col)

    def _scan_bin(self, name: str, chunks: Iterable[bytes], strings: SharedStrings) -> None:
        row = 0
        idx: list[int] = []
        for rtype, payload in biff12_records(name, chunks):
            if rtype == 0 and len(payload) >= 4:  # BrtRowHdr
                row = struct.unpack_from("<I", payload)[0] + 1
            elif 2 <= rtype <= 11 and len(payload) >= 4:  # cells holding a value (1 is a blank cell)
                self.cells += 1
                self.max_row = max(self.max_row, row)
                self.max_col = max(self.max_col, struct.unpack_from("<I", payload)[0] + 1)
                if rtype == 7 and len(payload) >= 12:  # BrtCellIsst
                    self.sst_cells += 1
                    idx.append(struct.unpack_from("<I", payload, 8)[0])
                elif rtype in (6, 8):
                    self.inline = True
        self.text = strings.text_of(idx)
        self.indexes = True

    def needs_indexes(self, strings: SharedStrings) -> bool:
        return not self.indexes and self.sst_cells * strings.longest > L.MAX_READER_BYTES // 2


def check_sheet(name: str, scan: SheetScan, strings: SharedStrings, part_bytes: int) -> None:
    """Refuse the workbook when this sheet is beyond the limits (see :mod:`~quzhou_desktop.spreadsheets.limits`)."""
    if scan.max_row > L.MAX_ROWS:
        row = f"第{scan.max_row:,}行" if scan.max_row < 1 << 32 else "极远处的行"
        raise FileTooLarge(name=name, reason=f"工作表{row}有内容，行数超过上限{L.MAX_ROWS:,}行")
    if scan.max_col > L.MAX_COLUMNS:
        col = f"第{scan.max_col:,}列" if scan.max_col < 1 << 32 else "极远处的列"
        raise FileTooLarge(name=name, reason=f"工作表{col}有内容，列数超过上限{L.MAX_COLUMNS:,}列")
    rect = scan.max_row * scan.max_col
    if rect > L.MAX_CELLS:
        raise FileTooLarge(
            name=name,
            reason=f"工作表从 A1 到最后一个有内容的单元格共{rect:,}格（{scan.max_row:,}行×{scan.max_col:,}列，"
            f"上限{L.MAX_CELLS:,}格）",
        )
    text = scan.text if scan.indexes else scan.sst_cells * strings.longest
    if scan.inline:
        text += part_bytes
    if rect * 32 + text > L.MAX_READER_BYTES:
        raise FileTooLarge(name=name, reason=f"工作表读入后约需{mib(rect * 32 + text)}内存")


def _prepend(head: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield head
    yield from rest


def column_letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _greater(text: str, digit: bool) -> str:
    """A regex for strings of the same alphabet greater than ``text`` as numbers or column letters (longer
    ones, or as long and larger at the first difference); lowercase letters always match."""
    if digit:
        one, top, longer = "[0-9]", "9", f"[0-9]{{{len(text) + 1},}}"
    else:
        one, top, longer = "[A-Z]", "Z", f"[A-Z]{{{len(text) + 1},}}"
    alts = [longer]
    for i, ch in enumerate(text):
        if ch != top:
            nxt = chr(ord(ch) + 1)
            alts.append(f"{text[:i]}[{nxt}-{top}]{one * (len(text) - i - 1)}")
    if not text:
        alts.append(f"{one}+")
    return "|".join(alts)


@lru_cache(maxsize=64)
def _beyond(max_row: int, max_col: int) -> re.Pattern[bytes]:
    """Cell tags to read one by one: without a reference, or referring beyond (max_row, max_col), or written in
    lowercase or with leading zeros (calamine reads those too)."""
    row = _greater(str(max_row) if max_row else "", True)
    col = _greater(column_letters(max_col), False)
    ref = rf'<c(?:>| (?:(?!r=")|r="(?:(?:{col})[0-9]|[A-Z]*[a-z]|[A-Z]+(?:{row}|0[0-9]*)")))'
    return re.compile(ref.encode())
