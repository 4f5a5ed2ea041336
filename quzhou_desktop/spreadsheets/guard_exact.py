"""The slow, exact scans behind :mod:`~quzhou_desktop.spreadsheets.guard_sheet`: a streaming expat parse of
sheet XML the quick scan does not read (prefixed tags such as ``<x:c>``, cells without a reference, whose
positions are counted as calamine counts them). The quick scan raises
:class:`~quzhou_desktop.spreadsheets.guard_sheet.NeedsExactScan` and its caller comes here."""

from __future__ import annotations

import re
from collections.abc import Iterable

from quzhou_desktop.spreadsheets import limits as L
from quzhou_desktop.spreadsheets.errors import DamagedFile
from quzhou_desktop.spreadsheets.guard_sheet import (
    SharedStrings,
    SheetScan,
    check_sheet,
    column_number,
    refuse_dtd,
)


class ExpatScan:
    """The slow, exact path: prefixed tags (``<x:c>``) or cells without ``r`` (positions counted as calamine
    counts them)."""

    def __init__(self, scan: SheetScan, name: str, strings: SharedStrings) -> None:
        self.s, self.name, self.strings = scan, name, strings
        self.row = 0
        self.col = 0
        self.cell: tuple[int, int, bool] | None = None  # row, col, shared string
        self.valued = False
        self.v: list[str] | None = None

    def run(self, chunks: Iterable[bytes]) -> None:
        from xml.parsers import expat

        p = expat.ParserCreate()
        p.StartElementHandler = self.start
        p.EndElementHandler = self.end
        p.CharacterDataHandler = self.data
        p.StartDoctypeDeclHandler = self.doctype
        try:
            for chunk in chunks:
                p.Parse(chunk, False)
            p.Parse(b"", True)
        except expat.ExpatError:
            raise DamagedFile(name=self.name, reason="工作表的 XML 内容损坏") from None
        self.s.indexes = True

    def doctype(self, *_a: object) -> None:
        refuse_dtd(self.name, b"<!DOCTYPE")

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        local = tag.rpartition(":")[2]
        if local == "row":
            r = attrs.get("r")
            self.row = int(r) if r and r.isdigit() else self.row + 1
            self.col = 0
        elif local == "c":
            ref = attrs.get("r", "")
            m = re.fullmatch(r"([A-Za-z]+)([0-9]+)", ref)
            if m:
                self.row, self.col = int(m.group(2)), column_number(m.group(1).encode())
            else:
                self.col += 1
            self.cell = (self.row, self.col, attrs.get("t") == "s")
            self.valued = False
            if attrs.get("t") in ("inlineStr", "str"):
                self.s.inline = True
            if self.row > L.MAX_ROWS or self.col > L.MAX_COLUMNS:
                check_sheet(self.name, self._at(self.row, self.col), self.strings, 0)
        elif local in ("v", "is", "f") and self.cell is not None:
            self.valued = True
            if local == "v":
                self.v = []

    def _at(self, row: int, col: int) -> SheetScan:
        s = SheetScan()
        s.max_row, s.max_col = row, col
        return s

    def data(self, text: str) -> None:
        if self.v is not None:
            self.v.append(text)

    def end(self, tag: str) -> None:
        local = tag.rpartition(":")[2]
        if local == "v" and self.v is not None and self.cell is not None and self.cell[2]:
            value = "".join(self.v).strip()
            if value.isdigit():
                self.s.text += self.strings.text_of([int(value)])
                self.s.sst_cells += 1
            self.v = None
        elif local == "c" and self.cell is not None:
            if self.valued:
                row, col, _ = self.cell
                self.s.cells += 1
                self.s.max_row = max(self.s.max_row, row)
                self.s.max_col = max(self.s.max_col, col)
            self.cell = None


def exact_scan(name: str, chunks: Iterable[bytes], strings: SharedStrings) -> SheetScan:
    """Measure a sheet part with the streaming expat parse."""
    scan = SheetScan()
    ExpatScan(scan, name, strings).run(chunks)
    return scan
