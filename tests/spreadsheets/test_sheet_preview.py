"""spreadsheets.sheet_preview and headers.mapping_at_row: the raw rows the wizard shows and the header picked by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from quzhou_desktop.spreadsheets.errors import EmptyWorkbook
from quzhou_desktop.spreadsheets.headers import detect_header, mapping_at_row
from quzhou_desktop.spreadsheets.parse import parse_workbook
from quzhou_desktop.spreadsheets.schemas import LEDGER, PEOPLE, VOUCHERS
from quzhou_desktop.spreadsheets.sheet_preview import (
    PREVIEW_ROWS,
    cell_display,
    find_header_sheet,
    guess_header_row,
    read_sheet_preview,
)
from tests.support.spreadsheets import people_records

FIX = Path(__file__).resolve().parent.parent / "fixtures"
LEDGER_ROWS = [
    (1, ["收支明细账", "", "", "", ""]),
    (2, ["日期", "摘要", "金额", "", "对方单位"]),
    (3, ["", "", "收入", "支出", ""]),
    (4, ["2026-01-01", "补助", "100", "", "财政所"]),
]


# -- mapping_at_row ---------------------------------------------------------------------------------------
def test_mapping_at_row_reads_the_chosen_row_with_the_synonyms() -> None:
    rows: list[tuple[int, list[object]]] = [
        (1, ["余东村2026年支出凭证登记表", "", "", ""]),
        (2, ["凭证字号", "事　由", "金额\n（元）", "钱款去向"]),
        (3, ["记-1", "买灯泡", 12.0, "某店"]),
    ]
    m = mapping_at_row(rows, VOUCHERS, 2)
    assert (m.kind, m.header_row, m.header_rows) == ("vouchers", 2, 1)
    # “钱款去向” is no synonym: left for the user to assign
    assert m.columns == {"number": 0, "summary": 1, "amount_fen": 2}
    assert m.headers == {0: "凭证字号", 1: "事由", 2: "金额", 3: "钱款去向"}
    # the title row as header: nothing matches, every column unmapped, the text still shown
    title = mapping_at_row(rows, VOUCHERS, 1)
    assert (title.header_row, title.columns, title.headers) == (1, {}, {0: "余东村2026年支出凭证登记表"})


def test_mapping_at_row_equals_detection_on_the_detected_row() -> None:
    detected = detect_header(LEDGER_ROWS, LEDGER, merged=[(1, 2, 1, 3)])
    assert detected is not None and (detected.header_row, detected.header_rows) == (3, 2)
    chosen = mapping_at_row(LEDGER_ROWS, LEDGER, 2, header_rows=2, merged=[(1, 2, 1, 3)])
    assert chosen == detected
    # the same row as a one-row header: “金额” is no ledger column, “收入/支出” are below
    one = mapping_at_row(LEDGER_ROWS, LEDGER, 2, merged=[(1, 2, 1, 3)])
    assert (one.header_row, one.header_rows) == (2, 1)
    assert one.columns == {"date": 0, "summary": 1, "counterparty": 4}


def test_mapping_at_row_on_the_last_row_and_bad_arguments() -> None:
    last = mapping_at_row(LEDGER_ROWS, LEDGER, 4, header_rows=2)  # no row below: read as one row
    assert (last.header_row, last.header_rows) == (4, 1)
    with pytest.raises(ValueError, match="row 9"):
        mapping_at_row(LEDGER_ROWS, LEDGER, 9)
    with pytest.raises(ValueError, match="header_rows"):
        mapping_at_row(LEDGER_ROWS, LEDGER, 2, header_rows=3)


def test_a_hand_made_mapping_imports_like_a_detected_one(tmp_path: Path) -> None:
    # Given a header no synonym knows, below a title
    path = tmp_path / "odd.xlsx"
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["2026年花名册"])
    ws.append(["户口人", "男女", "住址"])
    ws.append(["张三", "男", "一组"])
    ws.append(["李四", "女", "二组"])
    wb.save(path)
    preview = read_sheet_preview(path)
    assert detect_header(preview.rows, PEOPLE, merged=preview.merged) is None
    # When the user points at row 2 and picks the columns
    m = mapping_at_row(preview.rows, PEOPLE, 2).with_column("name", 0).with_column("gender", 1)
    result = parse_workbook(path, "people", sheet=preview.sheet, village="余东村", mapping=m)
    # Then the rows below it are read with those columns
    assert result.errors == []
    people = [(r.row, r.name, r.gender) for r in people_records(result)]
    assert people == [(3, "张三", "男"), (4, "李四", "女")]


# -- sheet_preview ----------------------------------------------------------------------------------------
def test_preview_rows_row_numbers_and_merged_titles() -> None:
    p = read_sheet_preview(FIX / "vouchers_title_merged.xlsx")
    assert p.sheet == "2026年凭证" and p.row_numbers() == list(range(1, 16)) and not p.more
    assert p.width == 11  # column A is empty, the table runs B..K
    assert (0, 1, 0, 10) in p.merged and (1, 1, 1, 10) in p.merged
    assert p.text(0, 1) == "余东村2026年支出凭证登记表"
    assert [p.text(3, c) for c in (1, 3, 7, 9)] == ["1", "2026-01-05", "1234.5", "3"]
    assert p.text(0, 40) == ""  # beyond the row


def test_preview_limit_and_clipped_merges(tmp_path: Path) -> None:
    path = tmp_path / "long.xlsx"
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for n in range(100):
        ws.append([n, f"x{n}"])
    ws.merge_cells("A3:B60")
    wb.save(path)
    p = read_sheet_preview(path, limit=10)
    assert p.row_numbers() == list(range(1, 11)) and p.more and p.total_rows == 100
    assert p.merged == [(2, 0, 9, 1)]  # clipped to the rows read
    assert len(read_sheet_preview(path, limit=0).rows) == 1


def test_find_header_sheet_looks_through_the_sheets_like_the_import() -> None:
    seen: list[str] = []
    p, m = find_header_sheet(FIX / "multi_sheet.xlsx", VOUCHERS, on_sheet=seen.append)
    assert p.sheet == "凭证" and seen == ["说明", "凭证"]
    assert m is not None and m.header_row == 1 and m.columns["amount_fen"] == 4
    p, m = find_header_sheet(FIX / "ledger_two_row_header.xlsx", LEDGER, sheet="收支明细")
    assert m is not None and (m.header_row, m.header_rows) == (3, 2)


def test_no_header_found_gives_the_first_filled_sheet() -> None:
    p, m = find_header_sheet(FIX / "no_header.xlsx", VOUCHERS)
    assert m is None and len(p.rows) == 5 and guess_header_row(p.rows) == 1


def test_header_below_the_scanned_rows(tmp_path: Path) -> None:
    path = tmp_path / "deep.xlsx"
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for n in range(1, 35):
        ws.append([f"说明第{n}行"])
    ws.append(["凭证号", "日期", "经手人", "摘要", "金额"])  # row 35
    ws.append(["记-1", dt.date(2026, 5, 1), "张三", "办公用品", 10])
    wb.save(path)
    p, m = find_header_sheet(path, VOUCHERS)
    assert m is None and len(p.rows) == PREVIEW_ROWS and p.more
    deeper = read_sheet_preview(path, p.sheet, limit=60)
    chosen = mapping_at_row(deeper.rows, VOUCHERS, 35)
    assert chosen.missing(VOUCHERS) == []
    result = parse_workbook(path, "vouchers", sheet=p.sheet, village="余东村", mapping=chosen)
    assert result.errors == [] and [r.row for r in result.rows] == [36]


def test_empty_workbook_and_empty_chosen_sheet(tmp_path: Path) -> None:
    with pytest.raises(EmptyWorkbook):
        find_header_sheet(FIX / "empty.xlsx", VOUCHERS)
    p, m = find_header_sheet(FIX / "empty.xlsx", VOUCHERS, sheet="Sheet")
    assert p.blank and m is None and p.width == 1


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (dt.datetime(2026, 10, 5), "2026-10-05"),
        (dt.datetime(2026, 10, 5, 8, 30), "2026-10-05 08:30:00"),
        (dt.date(2026, 10, 5), "2026-10-05"),
        (12.0, "12"),
        (1234.5, "1234.5"),
        ("", ""),
        (None, ""),
    ],
)
def test_cell_display(value: object, shown: str) -> None:
    assert cell_display(value) == shown


def test_guess_header_row_skips_titles() -> None:
    assert guess_header_row([(1, ["标题", ""]), (2, ["", ""]), (3, ["甲", "乙"])]) == 3
    assert guess_header_row([(1, ["", ""]), (2, [1.0, 2.0])]) == 2
    assert guess_header_row([(1, ["", ""])]) == 1
    assert guess_header_row([]) == 1


def test_mapping_at_row_keeps_the_money_unit_like_detection() -> None:
    # “金额单位：千元” above a two-row header: the amounts are in 千元, as detection says
    p, detected = find_header_sheet(FIX / "ledger_unit_line.xlsx", LEDGER)
    assert detected is not None and detected.units == {2: "千元", 3: "千元"}
    chosen = mapping_at_row(p.rows, LEDGER, 3, header_rows=2, merged=p.merged)
    assert chosen == detected and chosen.header_text(2) == "收入（千元）"
    # an amount column mapped by hand keeps the unit its header states
    wan = mapping_at_row(read_sheet_preview(FIX / "vouchers_wan_yuan.xlsx").rows, VOUCHERS, 2)
    assert (
        wan.unit_of(4) == "万元"
        and wan.with_column("amount_fen", None).with_column("amount_fen", 4).unit_of(4) == "万元"
    )


def test_hidden_sheets_are_searched_last() -> None:
    p, m = find_header_sheet(FIX / "vouchers_hidden_first.xlsx", VOUCHERS)
    assert p.sheet == "今年" and m is not None
