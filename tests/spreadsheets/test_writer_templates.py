"""spreadsheets.writer (styled register export) and spreadsheets.templates (import templates)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from quzhou_desktop.spreadsheets.parse import parse_workbook
from quzhou_desktop.spreadsheets.schemas import KINDS
from quzhou_desktop.spreadsheets.templates import write_template
from quzhou_desktop.spreadsheets.writer import ColumnSpec, write_register
from tests.support.spreadsheets import voucher_records

COLUMNS = [
    ColumnSpec("凭证号"),
    ColumnSpec("日期", "date"),
    ColumnSpec("摘要", "text", 30),
    ColumnSpec("金额", "fen"),
    ColumnSpec("附件张数", "int"),
]
ROWS = [
    ("记-001", dt.date(2026, 1, 5), "路灯维修材料", 123450, 3),
    ("记-002", dt.date(2026, 1, 10), "=SUM(A1)", 1, 0),  # text that looks like a formula stays text
    ("记-003", dt.datetime(2026, 1, 12, 9, 30), None, 99999999999, None),
    ("记-004", None, "负数冲红", -5050, 1),
]


def fen(cell: object) -> int:
    """A number cell read back in 元, in 分."""
    assert isinstance(cell, (int, float)), cell
    return round(cell * 100)


def test_round_trip_through_calamine(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    assert (
        write_register(path, title="余东村支出凭证台账", columns=COLUMNS, rows=ROWS, sheet_name="凭证") == 4
    )
    data = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("凭证").to_python(skip_empty_area=False)
    assert data[0][0] == "余东村支出凭证台账"
    assert data[1] == ["凭证号", "日期", "摘要", "金额", "附件张数"]
    body = data[2:6]
    assert [r[0] for r in body] == ["记-001", "记-002", "记-003", "记-004"]
    assert [r[1] for r in body] == [dt.date(2026, 1, 5), dt.date(2026, 1, 10), dt.date(2026, 1, 12), ""]
    assert [r[2] for r in body] == ["路灯维修材料", "=SUM(A1)", "", "负数冲红"]
    assert [fen(r[3]) for r in body] == [123450, 1, 99999999999, -5050]
    assert [r[4] for r in body] == [3, 0, "", 1]
    assert data[6][0] == "合计" and fen(data[6][3]) == 123450 + 1 + 99999999999 - 5050


def test_styles_and_print_setup(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_register(path, title="台账", columns=COLUMNS, rows=ROWS)
    ws = openpyxl.load_workbook(path)["台账"]
    assert "A1:E1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A1"].font.b and ws["A1"].font.sz == 16
    assert (
        ws["A2"].font.b
        and ws["A2"].fill.fgColor.rgb.endswith("DDEBF7")
        and ws["A2"].border.top.style == "thin"
    )
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:E6"
    assert ws["B3"].number_format == "yyyy-mm-dd" and ws["D3"].number_format == "#,##0.00"
    assert ws["D3"].value == Decimal("1234.50")
    assert ws["C4"].data_type == "s"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$2"
    assert ws.column_dimensions["C"].width == 30


def test_progress_callback_can_cancel(tmp_path: Path) -> None:
    seen: list[int] = []

    def progress(n: int) -> None:
        seen.append(n)
        if n >= 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_register(
            tmp_path / "x.xlsx",
            title="t",
            columns=COLUMNS,
            rows=ROWS * 3,
            progress=progress,
            progress_every=2,
        )
    assert seen == [2, 4]


@pytest.mark.parametrize("kind", KINDS)
def test_templates_parse_clean_and_skip_the_example(kind: str, tmp_path: Path) -> None:
    path = write_template(kind, tmp_path / f"{kind}.xlsx")
    r = parse_workbook(path, kind, village="余东村")
    assert r.header_row == 2 and r.errors == [] and r.rows == [] and r.skipped["example"] == 1
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert str(ws["A3"].value).startswith("【示例】")
    assert ws.freeze_panes == "A3"


@pytest.mark.parametrize(
    ("kind", "values"), [("people", "男,女"), ("vouchers", "村集体经济收入"), ("people", "正式党员")]
)
def test_templates_have_drop_downs(kind: str, values: str, tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write_template(kind, tmp_path / "t.xlsx")).worksheets[0]
    formulas = [dv.formula1 for dv in ws.data_validations.dataValidation]
    assert any(values in f for f in formulas)


def test_filled_template_imports(tmp_path: Path) -> None:
    path = write_template("vouchers", tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    ws.append(["记-100", dt.date(2026, 2, 1), "张三", "某店", "茶叶", 88.5, "其他", 1, None, "余东村"])
    wb.save(path)
    r = parse_workbook(path, "vouchers")
    assert r.errors == [] and [(x.row, x.amount_fen) for x in voucher_records(r)] == [(4, 8850)]
