"""Sample files written by different programs (tests/fixtures/make_fixtures.py), parsed and imported end to
end through services.imports.run_import into a temporary database."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from quzhou_desktop.services.imports.plan import run_import
from quzhou_desktop.spreadsheets.parse import parse_workbook
from quzhou_desktop.store.models import LedgerLine, Voucher
from tests.support.spreadsheets import ledger_records, voucher_records
from tests.support.world import World

FIX = Path(__file__).resolve().parent.parent / "fixtures"


def stored_vouchers(world: World) -> list[tuple[str, int, str]]:
    names = dict(zip(world.village_ids, ["溪口村", "上洋村"], strict=True))
    with world.db.read() as s:
        rows = s.execute(
            select(Voucher.number, Voucher.amount_fen, Voucher.village_id).order_by(Voucher.number)
        )
        return [(n, a, names.get(v, v)) for n, a, v in rows]


# -- what each file parses to -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "sheet", "rows", "amounts", "handlers", "villages"),
    [
        # HTML table in GBK saved as .xls: rowspan 经手人 and 村名 filled down, 合计 checked, footer skipped
        ("vouchers_web_gbk.xls", "vouchers_web_gbk", [4, 5, 6], [123450, 8800, 30000], ["张三", "张三", "李四"],
         {"溪口村"}),
        # SpreadsheetML: the hidden old sheet is passed over; 经手人 merged down; ss:Index places cells
        ("vouchers_2003.xml", "支出凭证", [4, 5], [123450, 8880], ["王五", "王五"], {"上洋村"}),
        # an .xlsx saved with an .xls name
        ("vouchers_xlsx_named.xls", "凭证", [2, 3], [6660, 12000], ["张三", "李四"], {"溪口村"}),
        # a chart sheet and a hidden sheet before the visible one
        ("vouchers_hidden_first.xlsx", "今年", [2, 3], [4500, 5500], ["张三", "李四"], {"溪口村", "上洋村"}),
        # 村名, 日期 and 经手人 merged down; a 日期 merge running into a 小计 row stops there
        ("vouchers_merged_cells.xlsx", "凭证", [2, 3, 4, 6, 7], [10000, 20000, 5000, 8000, 9000],
         ["张三", "张三", "张三", "李四", "王五"], {"溪口村", "上洋村"}),
    ],
)  # fmt: skip
def test_sample_files_parse(
    name: str, sheet: str, rows: list[int], amounts: list[int], handlers: list[str], villages: set[str]
) -> None:
    r = parse_workbook(FIX / name, "vouchers")
    assert r.errors == []
    assert r.sheet == sheet
    assert [x.row for x in r.rows] == rows
    assert [x.amount_fen for x in voucher_records(r)] == amounts
    assert [x.handler for x in voucher_records(r)] == handlers
    assert {x.village for x in r.rows} == villages


def test_web_table_cells() -> None:
    r = parse_workbook(FIX / "vouchers_web_gbk.xls", "vouchers")
    rows = voucher_records(r)
    assert rows[0].summary == "路灯 维修材料"  # <br> inside the cell
    assert rows[1].payee == "某某五金店" and rows[1].attachments is None  # &nbsp; only: blank
    assert [x.date for x in rows] == [dt.date(2026, 3, d) for d in (1, 2, 3)]
    assert r.skipped == {"blank": 0, "total": 1, "footer": 1, "example": 0}


def test_merged_dates_stop_at_the_subtotal() -> None:
    r = parse_workbook(FIX / "vouchers_merged_cells.xlsx", "vouchers")
    assert [x.date for x in voucher_records(r)] == [dt.date(2026, 9, d) for d in (1, 1, 2, 5, 5)]
    assert r.skipped["total"] == 3  # two 小计 (checked per village) and the 合计, all equal to their rows


def test_wps_et_reads_like_the_xlsx_it_was_saved_from() -> None:
    et = parse_workbook(FIX / "vouchers_wps.et", "vouchers", village="溪口村")
    xlsx = parse_workbook(FIX / "vouchers_title_merged.xlsx", "vouchers", village="溪口村")
    assert (et.rows, et.errors, et.total_fen) == (xlsx.rows, xlsx.errors, xlsx.total_fen)


def test_unicode_text_saved_as_xls() -> None:
    r = parse_workbook(FIX / "ledger_unicode_text.xls", "ledger")
    assert r.errors == [] and r.totals == {"income_fen": 100000, "expense_fen": 20050}


def test_wan_yuan_and_upper_columns() -> None:
    r = parse_workbook(FIX / "vouchers_wan_yuan.xlsx", "vouchers")
    assert r.mapping.header_text(4) == "金额（万元）" and r.mapping.unit_of(4) == "万元"
    assert [(x.row, x.amount_fen) for x in voucher_records(r)] == [(3, 123456), (4, 1500000), (8, 2000000)]
    assert [(e.row, e.column, e.column_letter) for e in r.errors] == [
        (5, "金额（大写）", "F"),
        (6, "金额（万元）", "E"),
        (7, "金额（大写）", "F"),
    ]
    assert "大写金额为200.00元，与小写金额100.00元不符" in r.errors[0].message
    assert "以万元为单位最多只能有6位小数" in r.errors[1].message
    assert "应写作“人民币伍佰元整”" in r.errors[2].message


def test_unit_line_above_a_two_row_header() -> None:
    r = parse_workbook(FIX / "ledger_unit_line.xlsx", "ledger", village="溪口村")
    assert r.errors == [] and r.mapping.sheet_unit == "千元"
    assert [(x.income_fen, x.expense_fen) for x in ledger_records(r)] == [(5000000, 0), (0, 1234500)]
    assert r.skipped["total"] == 1  # 本月合计 in 千元 matches


# -- imported into a database ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("vouchers_web_gbk.xls", [("记-001", 123450, "溪口村"), ("记-002", 8800, "溪口村"), ("记-003", 30000, "溪口村")]),
        ("vouchers_2003.xml", [("记-101", 123450, "上洋村"), ("记-102", 8880, "上洋村")]),
        ("vouchers_xlsx_named.xls", [("记-201", 6660, "溪口村"), ("记-202", 12000, "溪口村")]),
        ("vouchers_hidden_first.xlsx", [("记-501", 4500, "溪口村"), ("记-502", 5500, "上洋村")]),
        ("vouchers_merged_cells.xlsx", [("记-401", 10000, "溪口村"), ("记-402", 20000, "溪口村"),
                                        ("记-403", 5000, "溪口村"), ("记-404", 8000, "上洋村"),
                                        ("记-405", 9000, "上洋村")]),
    ],
)  # fmt: skip
def test_import_end_to_end(
    world: World, tmp_path: Path, name: str, stored: list[tuple[str, int, str]]
) -> None:
    rep = run_import(world.admin, FIX / name, "vouchers")
    assert rep.ok and rep.imported == len(stored), rep.errors
    assert stored_vouchers(world) == stored
    again = run_import(world.admin, FIX / name, "vouchers")
    assert again.imported == 0 and again.duplicates == len(stored)


def test_wan_yuan_file_imports_only_when_clean_rows_are_chosen(world: World) -> None:
    refused = run_import(world.admin, FIX / "vouchers_wan_yuan.xlsx", "vouchers")
    assert refused.imported == 0 and {e.row for e in refused.errors} == {5, 6, 7}
    assert stored_vouchers(world) == []
    rep = run_import(world.admin, FIX / "vouchers_wan_yuan.xlsx", "vouchers", clean_rows_only=True)
    assert rep.imported == 3
    assert stored_vouchers(world) == [
        ("记-301", 123456, "溪口村"),
        ("记-302", 1500000, "溪口村"),
        ("记-306", 2000000, "溪口村"),
    ]


def test_ledger_in_thousands_imports_in_fen(world: World, tmp_path: Path) -> None:
    path = tmp_path / "明细账.xls"  # an .xlsx under an .xls name, amounts in 千元
    shutil.copyfile(FIX / "ledger_unit_line.xlsx", path)
    rep = run_import(world.admin, path, "ledger", village_id=world.village_ids[0])
    assert rep.ok and rep.imported == 2
    with world.db.read() as s:
        got = s.execute(
            select(LedgerLine.income_fen, LedgerLine.expense_fen).order_by(LedgerLine.entry_date)
        ).all()
    assert [tuple(x) for x in got] == [(5000000, 0), (0, 1234500)]
