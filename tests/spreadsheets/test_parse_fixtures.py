"""End-to-end parse of every sample file in tests/fixtures: rows, totals in 分, exact error cells."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from quzhou_desktop.spreadsheets import errors as E
from quzhou_desktop.spreadsheets.headers import ColumnMapping
from quzhou_desktop.spreadsheets.parse import iter_parse_workbook, parse_workbook
from quzhou_desktop.spreadsheets.result import ParseResult
from tests.support.spreadsheets import ledger_records, people_records, voucher_records

FIX = Path(__file__).resolve().parent.parent / "fixtures"


def _cells(result: ParseResult) -> list[tuple[int, str]]:
    return [(e.row, e.column_letter) for e in result.errors]


def test_title_rows_merged_header_every_amount_and_date_form() -> None:
    r = parse_workbook(FIX / "vouchers_title_merged.xlsx", "vouchers", village="余东村")
    assert (r.sheet, r.header_row) == ("2026年凭证", 3)
    assert r.mapping.columns["number"] == 2  # column C: the table starts in column B
    assert r.errors == []
    assert [x.row for x in r.rows] == list(range(4, 12))
    rows = voucher_records(r)
    assert [x.amount_fen for x in rows] == [123450, 123450, 200000, 30000, 123400, 8880, 5000, 50]
    assert r.total_fen == 614230
    assert [x.date for x in rows] == [dt.date(2026, 1, d) for d in (5, 10, 12, 13, 14, 15, 16, 17)]
    assert [x.handler for x in rows[:2]] == ["张三", "李四"]
    assert [x.attachments for x in rows[:5]] == [3, 2, None, 1, 0]
    assert rows[1].summary == "购买扫帚 垃圾桶"
    assert {x.village for x in r.rows} == {"余东村"}
    assert r.skipped["total"] == 1 and r.rows_read == 8


def test_errors_name_row_column_value_and_reason() -> None:
    r = parse_workbook(FIX / "vouchers_errors.xlsx", "vouchers")
    assert _cells(r) == [(3, "B"), (4, "F"), (5, "C"), (6, "F"), (7, "A"), (8, "G"), (10, "F")]
    messages = [e.message for e in r.errors]
    assert messages[0] == "第3行「日期」列的值“2026-02-30”不是存在的日期（2026年2月没有30日）"
    assert (
        messages[1] == "第4行「金额」列的值“350”（小计350.00元）与上方各行金额之和300.00元不符，相差50.00元"
    )
    assert messages[2] == "第5行「经手人」列为空：经手人必须填写"
    assert messages[3] == "第6行「金额」列的值“12,3a”不是有效金额"
    assert messages[4] == "第7行「凭证号」列的值“记-1”与第2行重复（同一村同一年的凭证号不能重复）"
    assert "三张" in messages[5]
    assert all(e.sheet == "凭证" for e in r.errors)
    assert [x.row for x in r.rows] == [2, 9]
    assert r.rows[1].village == "余东村"  # “余 东 村” normalised
    assert r.total_fen == 17000
    # One pass reports every problem: the 合计 row of 9999 is checked over the amounts that could be read, and
    # says that row 6 (unreadable, reported on its own) was left out.
    assert messages[6] == (
        "第10行「金额」列的值“9999”（合计9,999.00元）与能读取的各行金额之和780.00元不符，"
        "相差9,219.00元（第6行的金额有误，未计入）"
    )
    assert r.skipped["total"] == 2 and not r.ok


def test_two_row_ledger_header_with_month_total_and_running_total() -> None:
    r = parse_workbook(FIX / "ledger_two_row_header.xlsx", "ledger", village="余东村")
    assert (r.header_row, r.mapping.header_rows) == (3, 2)
    assert r.errors == []
    assert [(x.income_fen, x.expense_fen) for x in ledger_records(r)] == [
        (5000000, 0),
        (0, 120000),
        (0, 80000),
        (300000, 0),
    ]
    assert r.totals == {"income_fen": 5300000, "expense_fen": 200000}
    assert r.total_fen == 5100000
    assert r.skipped["total"] == 2


def test_people_roster() -> None:
    r = parse_workbook(FIX / "people_roster.xlsx", "people")
    assert _cells(r) == [(5, "D"), (6, "D"), (7, "C"), (8, "D"), (9, "E"), (10, "G")]
    assert "校验位错误" in r.errors[0].message
    assert "被存成了数字" in r.errors[1].message
    assert "不一致" in r.errors[2].message
    assert "与第3行重复" in r.errors[3].message
    assert (
        "村委会成员不得担任村监会成员，依据《中华人民共和国村民委员会组织法》第三十二条"
        in r.errors[5].message
    )
    rows = people_records(r)
    assert [x.name for x in rows] == ["张三", "李四", "郑十一"]
    assert rows[0].roles == ("正式党员", "村民代表") and rows[0].phone == "13800138000"
    assert rows[1].group == "2" and rows[1].gender == "女"
    assert rows[2].roles == ("党组织书记",)


@pytest.mark.parametrize("name", ["vouchers_utf8_bom.csv", "vouchers_gb18030.csv"])
def test_csv_encodings(name: str) -> None:
    r = parse_workbook(FIX / name, "vouchers", village="余东村")
    assert r.errors == []
    rows = voucher_records(r)
    assert [x.number for x in rows] == ["记-1", "记-2", "003"]  # ="003" keeps its zeros
    assert [x.amount_fen for x in rows] == [123450, 30000, 123400]
    assert rows[0].summary == "买灯泡，电线"
    assert rows[1].handler == "李四"


def test_tab_separated_ledger() -> None:
    r = parse_workbook(FIX / "ledger_tab.csv", "ledger")
    assert r.errors == [] and r.totals == {"income_fen": 100000, "expense_fen": 20050}


def test_first_sheet_that_looks_like_the_kind_is_chosen() -> None:
    r = parse_workbook(FIX / "multi_sheet.xlsx", "vouchers", village="余东村")
    assert r.sheet == "凭证" and r.sheet_names == ["说明", "凭证"] and len(r.rows) == 2


def test_missing_village_is_reported_once() -> None:
    r = parse_workbook(FIX / "multi_sheet.xlsx", "vouchers")
    assert [(e.row, e.column, e.column_letter) for e in r.errors] == [(1, "村名", "")]


def test_user_corrected_mapping() -> None:
    m = ColumnMapping("vouchers", 1, 1, {"number": 0, "date": 1, "handler": 2, "summary": 2, "amount_fen": 4})
    r = parse_workbook(FIX / "multi_sheet.xlsx", "vouchers", sheet="凭证", village="余东村", mapping=m)
    assert [x.summary for x in voucher_records(r)] == ["张三", "李四"]


def test_missing_required_columns_are_errors_not_exceptions() -> None:
    m = ColumnMapping("vouchers", 1, 1, {"number": 0, "date": 1}, {0: "凭证号", 1: "日期"})
    r = parse_workbook(FIX / "multi_sheet.xlsx", "vouchers", sheet="凭证", village="余东村", mapping=m)
    assert r.rows == [] and {e.column for e in r.errors} == {"经手人", "摘要", "金额"}
    assert all(e.row == 1 for e in r.errors)


@pytest.mark.parametrize(
    ("name", "error", "words"),
    [
        ("does_not_exist.xlsx", E.FileMissing, "找不到文件"),
        ("not_a_spreadsheet.xlsx", E.NotASpreadsheet, "不是可以读取的表格文件"),
        ("encrypted.xlsx", E.EncryptedWorkbook, "打开密码"),
        ("empty.xlsx", E.EmptyWorkbook, "没有任何数据"),
        ("no_header.xlsx", E.HeaderNotFound, "凭证号/凭证编号/凭证字号/凭证号码、日期"),
        ("make_fixtures.py", E.NotASpreadsheet, "不支持扩展名"),
    ],
)
def test_unreadable_files_raise_chinese_errors(name: str, error: type[E.ImportFileError], words: str) -> None:
    with pytest.raises(error) as exc:
        parse_workbook(FIX / name, "vouchers")
    assert words in str(exc.value)


def test_unknown_sheet() -> None:
    with pytest.raises(E.SheetNotFound) as exc:
        parse_workbook(FIX / "multi_sheet.xlsx", "vouchers", sheet="二月")
    assert "现有工作表：说明、凭证" in str(exc.value)


def test_progress_and_cancel(tmp_path: Path) -> None:
    from tests.fixtures.make_fixtures import make_big_vouchers

    path = tmp_path / "big.xlsx"
    make_big_vouchers(path, rows=2500)
    steps = list(iter_parse_workbook(path, "vouchers", progress_every=1000))
    assert [s.done for s in steps[:-1]] == [1000, 2000]
    final = steps[-1].result
    assert final is not None and final.ok and len(final.rows) == 2500
    with pytest.raises(E.ImportCancelled):
        list(iter_parse_workbook(path, "vouchers", progress_every=1000, cancel=lambda: True))
