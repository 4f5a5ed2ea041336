"""Real clients (issue 6): workbooks saved by LibreOffice Calc import like the originals, and our exports
opened by LibreOffice give back every value cell by cell. Marked slow: runs LibreOffice headless."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from quzhou_desktop.spreadsheets.parse import parse_workbook
from quzhou_desktop.spreadsheets.writer import ColumnSpec, write_register

FIX = Path(__file__).resolve().parents[1] / "fixtures"
LO = FIX / "libreoffice"  # .xls and .ods saved by LibreOffice Calc from the .xlsx fixtures (committed)
SOFFICE = shutil.which("libreoffice") or shutil.which("soffice")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")]

CASES = [
    ("vouchers_title_merged", "vouchers"),
    ("people_roster", "people"),
    ("ledger_two_row_header", "ledger"),
]


def convert(src: Path, fmt: str, outdir: Path) -> Path:
    assert SOFFICE is not None
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{outdir}/profile", "--headless", "--convert-to", fmt,
         "--outdir", str(outdir), str(src)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    out = outdir / f"{src.stem}.{fmt.split(':')[0]}"
    assert out.exists(), f"LibreOffice did not write {out}"
    return out


def summary(path: Path, kind: str) -> tuple[object, ...]:
    r = parse_workbook(path, kind, village="余东村")
    return (r.header_row, r.rows_read, r.total_fen, r.rows, [(e.row, e.column, e.value) for e in r.errors])


@pytest.mark.parametrize(("stem", "kind"), CASES)
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_committed_libreoffice_files_parse_like_the_originals(stem: str, kind: str, fmt: str) -> None:
    assert summary(LO / f"{stem}.{fmt}", kind) == summary(FIX / f"{stem}.xlsx", kind)


@pytest.mark.parametrize(("stem", "kind"), CASES[:1])
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_freshly_saved_by_libreoffice_parse_like_the_originals(
    tmp_path: Path, stem: str, kind: str, fmt: str
) -> None:
    out = convert(FIX / f"{stem}.xlsx", fmt, tmp_path)
    assert summary(out, kind) == summary(FIX / f"{stem}.xlsx", kind)


def test_export_opened_by_libreoffice_gives_back_every_value(tmp_path: Path) -> None:
    columns = [ColumnSpec("村"), ColumnSpec("日期", "date"), ColumnSpec("金额（元）", "fen"), ColumnSpec("张数", "int"),
               ColumnSpec("摘要")]  # fmt: skip
    rows = [
        ("余东村", dt.date(2026, 10, 5), 123450, 3, "=不是公式"),
        ("上洋村", dt.date(2026, 1, 31), 1, 0, "路灯、材料，“引号”"),
        ("余东村", dt.date(2025, 12, 31), 9_999_999_99, 12, ""),
    ]
    src = tmp_path / "export.xlsx"
    write_register(src, title="测试台账", columns=columns, rows=rows)
    out = convert(src, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false", tmp_path)
    got = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
    assert got[0][0] == "测试台账"
    assert got[1] == ["村", "日期", "金额（元）", "张数", "摘要"]
    for want, line in zip(rows, got[2:5], strict=True):
        assert line[0] == want[0]
        assert line[1] == want[1].isoformat()  # a real date in yyyy-mm-dd
        assert Decimal(line[2].replace(",", "")) == Decimal(want[2]).scaleb(-2)  # #,##0.00 of exact 元
        assert int(line[3]) == want[3]
        assert line[4] == want[4]
    total = got[5]
    assert total[0] == "合计" and Decimal(total[2].replace(",", "")) == Decimal(
        sum(r[2] for r in rows)
    ).scaleb(-2)
