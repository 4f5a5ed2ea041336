"""The bounds checked before python-calamine reads a workbook (spreadsheets.limits, guard_*): real layouts pass,
far cells, copies and repetitions are measured as calamine would allocate them."""

from __future__ import annotations

import random
import re
import struct
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quzhou_desktop.spreadsheets import limits as L
from quzhou_desktop.spreadsheets.errors import DamagedFile, FileTooLarge, ImportFileError
from quzhou_desktop.spreadsheets.guard_exact import exact_scan
from quzhou_desktop.spreadsheets.guard_ole import sst_lengths
from quzhou_desktop.spreadsheets.guard_sheet import (
    NeedsExactScan,
    SharedStrings,
    SheetScan,
    _greater,
    column_letters,
    column_number,
)
from quzhou_desktop.spreadsheets.reader import open_workbook
from tests.hostile.corpus import HEADER_ROW, deflated, xlsx

FIX = Path(__file__).resolve().parents[1] / "fixtures"


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2_000_000), st.integers(0, 2_000_000))
def test_greater_than_pattern_for_row_numbers(n: int, m: int) -> None:
    pattern = re.compile(f"(?:{_greater(str(n) if n else '', True)})")
    assert bool(pattern.fullmatch(str(m))) == (m > n or n == 0)  # nothing seen yet: any row is beyond


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 20_000), st.integers(1, 20_000))
def test_greater_than_pattern_for_column_letters(n: int, m: int) -> None:
    pattern = re.compile(f"(?:{_greater(column_letters(n), False)})")
    assert bool(pattern.fullmatch(column_letters(m))) == (m > n)
    assert column_number(column_letters(m).encode()) == m


def scan(xml: str, chunk: int = 1 << 30) -> SheetScan:
    """The guard's own order: the quick scan, and the exact one when the quick one hands the part back."""
    data = xml.encode()
    chunks = [data[i : i + chunk] for i in range(0, len(data), chunk)]
    s = SheetScan()
    try:
        s.scan("t.xlsx", chunks, SharedStrings())
    except NeedsExactScan:
        return exact_scan("t.xlsx", chunks, SharedStrings())
    return s


def sheet(cells: str) -> str:
    return f'<worksheet xmlns="x"><sheetData>{cells}</sheetData></worksheet>'


@pytest.mark.parametrize("chunk", [1 << 30, 7, 64])
def test_largest_reference_is_found_whatever_the_order_and_chunking(chunk: int) -> None:
    rows = "".join(
        f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="C{r}"><v>2</v></c></row>' for r in range(1, 50)
    )
    far = '<row r="2"><c r="A2"><v>1</v></c><c r="AB7"><v>1</v></c><c r="B123456"><v>1</v></c></row>'
    s = scan(sheet(rows[:300] + far + rows[300:]), chunk)
    assert (s.max_row, s.max_col) == (123456, column_number(b"AB"))


def test_formatted_blank_cells_far_away_hold_nothing() -> None:
    s = scan(sheet('<row r="1"><c r="A1"><v>1</v></c></row><row r="60000"><c r="XFD60000" s="3"/></row>'))
    assert (s.max_row, s.max_col) == (1, 1)


def test_lowercase_and_zero_padded_references_count() -> None:
    s = scan(
        sheet('<row r="1"><c r="A1"><v>1</v></c><c r="zz9"><v>1</v></c><c r="B000700001"><v>1</v></c></row>')
    )
    assert s.max_col == column_number(b"ZZ") and s.max_row == 700001


def test_cells_without_references_are_counted_as_calamine_places_them() -> None:
    cells = "<c><v>1</v></c>" * 30
    s = scan(sheet(f"<row>{cells}</row><row><c><v>1</v></c></row>"))
    assert (s.max_row, s.max_col) == (2, 30)


def test_prefixed_tags_take_the_exact_path() -> None:
    xml = ('<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
           '<x:row r="3"><x:c r="D3"><x:v>1</x:v></x:c><x:c r="AA900"/></x:row></x:sheetData></x:worksheet>')  # fmt: skip
    s = scan(xml)
    assert (s.max_row, s.max_col) == (3, 4)


def test_xlsb_records_are_walked() -> None:
    def rec(rtype: int, payload: bytes) -> bytes:
        return bytes([rtype, len(payload)]) + payload

    body = (
        rec(0, struct.pack("<I", 4))
        + rec(7, struct.pack("<III", 2, 0, 0))
        + rec(1, struct.pack("<II", 900, 0))
    )
    strings = SharedStrings()
    strings.lengths.append(10)
    s = SheetScan(binary=True)
    s.scan("t.xlsb", [body[:5], body[5:]], strings)
    assert (s.max_row, s.max_col, s.text) == (5, 3, 10)  # the blank cell in column 901 holds nothing


def test_biff_shared_strings_continued_across_records() -> None:
    first = struct.pack("<II", 2, 2) + struct.pack("<HB", 5, 0) + b"ab"
    cont = bytes([1]) + "cde".encode("utf-16-le") + struct.pack("<HB", 1, 0) + b"z"
    assert list(sst_lengths([first, cont])) == [15, 3]


def test_far_cell_xlsx_is_refused_before_calamine(tmp_path: Path) -> None:
    path = tmp_path / "far.xlsx"
    xlsx(path, HEADER_ROW + '<row r="2"><c r="IV40000"><v>1</v></c></row>')  # 40,000 × 256 > 5,000,000
    with pytest.raises(FileTooLarge, match="40,000行×256列"):
        open_workbook(path)


def test_a_real_sized_sheet_passes(tmp_path: Path) -> None:
    rows = "".join(
        f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="J{r}"><v>1</v></c></row>' for r in range(2, 3000)
    )
    path = tmp_path / "ok.xlsx"
    xlsx(path, HEADER_ROW + rows)
    book = open_workbook(path)
    assert sum(1 for _ in book.sheet(None).rows) == 2999


def test_lying_size_and_truncated_parts_are_damaged(tmp_path: Path) -> None:
    part = deflated(
        "xl/worksheets/sheet1.xml",
        ("<worksheet><sheetData>" + HEADER_ROW + "</sheetData></worksheet>").encode(),
    )
    part.packed = part.packed[: len(part.packed) // 2]
    path = tmp_path / "cut.xlsx"
    xlsx(path, part)
    with pytest.raises(DamagedFile, match="不完整"):
        open_workbook(path)


@pytest.mark.parametrize(
    "name", ["vouchers_title_merged.ods", "vouchers_title_merged.xls", "people_roster.ods"]
)
def test_libreoffice_files_with_trailing_repeats_pass(name: str) -> None:
    book = open_workbook(FIX / "libreoffice" / name)
    assert book.sheet_names


def test_limits_fit_the_memory_budget() -> None:
    """What calamine may hold for one accepted sheet leaves room in the 1 GB budget for the app and the parse."""
    assert L.MAX_READER_BYTES <= 512 * L.MiB
    assert L.MAX_CELLS * 32 < L.MAX_READER_BYTES
    assert issubclass(FileTooLarge, ImportFileError)


def test_prefixed_cells_after_a_long_preamble_are_read_exactly(tmp_path: Path) -> None:
    """Prefixed tags hidden past the first chunk (4 MB of padding) still get measured: the far cell refuses."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    pad = "<!--" + random.Random(1).randbytes(5 << 19).hex() + "-->"  # 5 MB that do not compress
    doc = (f'<x:worksheet xmlns:x="{ns}">{pad}<x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c>'
           '<x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>')  # fmt: skip
    path = tmp_path / "prefixed.xlsx"
    xlsx(path, deflated("xl/worksheets/sheet1.xml", doc.encode()))
    with pytest.raises(FileTooLarge, match="1,048,576"):
        open_workbook(path)


def test_html_rowspans_are_bounded_by_the_area_they_cover() -> None:
    from quzhou_desktop.spreadsheets.html_table import TableTooLarge, html_rows

    wide = '<td rowspan="100000">x</td>' * 100  # 100 × 99,999 covered cells
    with pytest.raises(TableTooLarge, match="合并单元格"):
        html_rows(f"<table><tr>{wide}</tr>{'<tr></tr>' * 10}</table>")


def test_html_overlapping_spans_never_move_a_cell_left() -> None:
    from quzhou_desktop.spreadsheets.html_table import html_rows

    rows, _ = html_rows(
        "<table><tr><td>a</td><td rowspan=3>b</td></tr><tr><td colspan=3 rowspan=2>c</td></tr>"
        "<tr><td>d</td></tr></table>"
    )
    assert rows[2][-1] == "d" and len(rows[2]) >= 4
