"""spreadsheets.xlsx_stream: the streaming register writer — exact money text, wrapped rows, forbidden characters,
cancel and the sheet-height limit. Read back with openpyxl and python-calamine (two independent readers)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from quzhou_desktop.spreadsheets import xlsx_stream
from quzhou_desktop.spreadsheets.writer import ColumnSpec, write_register
from quzhou_desktop.spreadsheets.xlsx_stream import TooManyRows, wrapped_lines, yuan_text


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (0, "0.00"),
        (5, "0.05"),
        (-5, "-0.05"),
        (123450, "1234.50"),
        (-505050, "-5050.50"),
        (10**17, "1000000000000000.00"),
    ],
)
def test_yuan_text_is_exact(fen: int, text: str) -> None:
    assert yuan_text(fen) == text


@pytest.mark.parametrize(
    ("text", "fit", "lines"),
    [
        ("短", 10, 1),
        ("abcdefghij", 10, 1),
        ("abcdefghijk", 10, 2),
        ("村务联席会议成员", 10, 2),  # 8 CJK ≈ 14.4 units
        ("一\n二\n三", 10, 3),
        ("", 10, 1),
    ],
)
def test_wrapped_lines_estimate(text: str, fit: float, lines: int) -> None:
    assert wrapped_lines(text, fit) == lines


COLUMNS = [
    ColumnSpec("村", width=8),
    ColumnSpec("日期", "date"),
    ColumnSpec("金额", "fen"),
    ColumnSpec("记录", width=10),
]


def test_values_styles_and_row_heights_read_back(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    rows = [
        ("余东村", dt.date(2026, 1, 5), 123450, "短"),
        ("余东村", dt.datetime(2026, 1, 6, 9, 30), 1, "一二三四五六七八九十一二三四五六七八九十"),
        ("控\x01制\x1f符", None, None, "  前后空格  "),
    ]
    assert write_register(path, title="测试", columns=COLUMNS, rows=rows) == 3
    ws = load_workbook(path).active
    assert ws is not None
    assert [ws.cell(3, c).value for c in (1, 3, 4)] == ["余东村", 1234.5, "短"]
    assert ws.cell(3, 2).value == dt.datetime(2026, 1, 5) and ws.cell(3, 2).number_format == "yyyy-mm-dd"
    assert ws.cell(4, 2).value == dt.datetime(2026, 1, 6)  # a timestamp in a date column keeps its date
    assert ws.cell(5, 1).value == "控制符"  # characters XML forbids are dropped, not a broken file
    assert ws.cell(5, 4).value == "  前后空格  "
    assert ws.cell(6, 1).value == "合计" and ws.cell(6, 3).value == 1234.51
    assert ws.row_dimensions[3].height is None and (ws.row_dimensions[4].height or 0) > 15  # 4 lines
    assert ws.cell(4, 4).alignment.wrap_text
    book = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert book[2][:3] == ["余东村", dt.date(2026, 1, 5), 1234.5]


def test_wrapped_row_gets_a_height_and_short_rows_none(tmp_path: Path) -> None:
    path = tmp_path / "h.xlsx"
    write_register(
        path, title="t", columns=COLUMNS, rows=[("a", None, None, "短"), ("b", None, None, "长" * 30)]
    )
    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert '<row r="3">' in sheet
    assert '<row r="4" ht="' in sheet and 'customHeight="1"' in sheet


def test_cancel_leaves_nothing_behind(tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"

    def stop(n: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_register(
            path, title="t", columns=COLUMNS, rows=[("a", None, 1, "x")] * 10, progress=stop, progress_every=3
        )
    assert list(tmp_path.iterdir()) == []


def test_more_rows_than_a_sheet_holds_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_stream, "MAX_ROWS", 10)
    with pytest.raises(TooManyRows, match="最多"):
        write_register(tmp_path / "big.xlsx", title="t", columns=COLUMNS, rows=[("a", None, 1, "x")] * 20)
    assert list(tmp_path.iterdir()) == []


def test_package_parts(tmp_path: Path) -> None:
    path = tmp_path / "p.xlsx"
    write_register(path, title="标题", columns=COLUMNS, rows=[], sheet_name="村'台账")
    z = zipfile.ZipFile(path)
    assert z.testzip() is None
    names = set(z.namelist())
    assert {
        "[Content_Types].xml",
        "_rels/.rels",
        "xl/workbook.xml",
        "xl/styles.xml",
        "xl/worksheets/sheet1.xml",
    } <= names
    workbook = z.read("xl/workbook.xml").decode()
    assert "'村''台账'!$1:$2" in workbook  # print titles on a sheet name with an apostrophe
    ws = load_workbook(path)["村'台账"]
    assert ws.print_title_rows == "$1:$2" and ws.freeze_panes == "A3"
