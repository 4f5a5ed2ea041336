"""CSV output: text that a spreadsheet program would run as a formula is neutralised; numbers, amounts and
dates are written as they are."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from quzhou_desktop.spreadsheets.csv_out import csv_field, neutralised, write_csv


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('=HYPERLINK("http://x","点此")', '\'=HYPERLINK("http://x","点此")'),
        ("+86 138", "'+86 138"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("购买办公用品", "购买办公用品"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_text_starting_like_a_formula_is_neutralised(text: str, written: str) -> None:
    assert neutralised(text) == written
    assert csv_field(text) == written


def test_numbers_amounts_and_dates_are_never_prefixed() -> None:
    assert csv_field(-12345, "fen") == "-123.45"
    assert csv_field(-3, "int") == "-3"
    assert csv_field(dt.date(2026, 3, 1), "date") == "2026-03-01"
    assert csv_field(None) == ""
    assert csv_field("-3", "text") == "'-3"  # text that looks like a number stays text


def test_write_csv_is_utf8_with_bom_and_round_trips(tmp_path: Path) -> None:
    out = tmp_path / "清单.csv"
    n = write_csv(
        out,
        headers=["摘要", "金额", "日期"],
        kinds=["text", "fen", "date"],
        rows=[("=1+1", 10050, dt.date(2026, 1, 2)), ("茶叶,水", -5, None)],
    )
    assert n == 2 and out.read_bytes().startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows == [["摘要", "金额", "日期"], ["'=1+1", "100.50", "2026-01-02"], ["茶叶,水", "-0.05", ""]]
    assert not list(tmp_path.glob("*.partial"))
