"""spreadsheets.units and the money unit of a mapping: “金额（万元）” must never import 10,000× too small."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quzhou_desktop.spreadsheets.headers import ColumnMapping, detect_header, with_units
from quzhou_desktop.spreadsheets.schemas import LEDGER, VOUCHERS
from quzhou_desktop.spreadsheets.units import to_fen_in, unit_in_header, unit_in_line
from quzhou_desktop.spreadsheets.values import BadValue, to_fen


@pytest.mark.parametrize(
    ("header", "unit"),
    [
        ("金额（万元）", "万元"),
        ("金额(万元)", "万元"),
        ("支出金额（元）", "元"),
        ("金额\n（千元）", "千元"),
        ("金额【万元】", "万元"),
        ("金额[万元]", "万元"),
        ("金额（单位：万元）", "万元"),
        ("金额（人民币元）", "元"),
        ("金额（万）", "万元"),
        ("金额/万元", "万元"),
        ("金额（分）", "分"),
        ("金额（角）", "角"),
        ("金额", None),
        ("金额（大写）", None),
        ("附件（张）", None),
        ("单价（元/斤）", None),
        (12.0, None),
        ("", None),
    ],
)
def test_unit_in_header(header: object, unit: str | None) -> None:
    assert unit_in_header(header) == unit


@pytest.mark.parametrize(
    ("line", "unit"),
    [
        ("单位：万元", "万元"),
        ("单位:元", "元"),
        ("金额单位：千元", "千元"),
        ("填报单位：余东村村委会　　　单位：元", "元"),
        ("余东村2026年收支明细表（单位：万元）", "万元"),
        ("单位：人民币万元", "万元"),
        ("填报单位：余东村", None),
        ("编制单位：某某镇农经站", None),
        ("单位：余东村", None),
        ("单位负责人：张三", None),
        (None, None),
    ],
)
def test_unit_in_line(line: object, unit: str | None) -> None:
    assert unit_in_line(line) == unit


@pytest.mark.parametrize(
    ("value", "unit", "fen"),
    [
        (1.5, "万元", 1_500_000),
        ("1.5", "万元", 1_500_000),
        ("1.234567", "万元", 1_234_567),
        (0.123456, "万元", 123_456),
        ("１．２", "万元", 1_200_000),
        ("¥1.5万元", "万元", 1_500_000),
        ("1.5万", "万元", 1_500_000),
        ("12,345.6", "万元", 12_345_600_000),
        ("-0.5", "万元", -500_000),
        (2, "万元", 2_000_000),
        (0.1 + 0.2, "万元", 300_000),  # float noise below 1 分 is rounded away, as parse_amount does for 元
        ("12.34567", "千元", 1_234_567),
        ("1234", "分", 1234),
        (1234.0, "分", 1234),
        ("12.3", "角", 123),
        ("1,234.50", "元", 123_450),
        (1234.5, "元", 123_450),
    ],
)
def test_amount_in_unit(value: object, unit: str, fen: int) -> None:
    assert to_fen_in(value, unit) == fen


@pytest.mark.parametrize(
    ("value", "unit", "reason"),
    [
        ("1.2345678", "万元", "以万元为单位最多只能有6位小数"),
        (0.0000001, "万元", "以万元为单位最多只能有6位小数"),
        ("12.5", "分", "以分为单位时应为整数"),
        ("1.5元", "万元", "写明的单位“元”与表头的单位“万元”不一致"),
        ("1.5千元", "万元", "与表头的单位“万元”不一致"),
        ("一万", "万元", "不是有效金额"),
        ("1,23.4", "万元", "不是有效金额"),
        ("--1", "万元", "不是有效金额"),
        (True, "万元", "不是有效金额"),
        (dt.date(2026, 1, 1), "万元", "不是有效金额"),
        (float("nan"), "万元", "不是有效金额"),
        (10.0**20, "万元", "金额过大"),
    ],
)
def test_bad_amount_in_unit(value: object, unit: str, reason: str) -> None:
    with pytest.raises(BadValue) as exc:
        to_fen_in(value, unit)
    assert reason in exc.value.reason


@given(st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=6, allow_nan=False))
def test_wan_yuan_is_exact_to_six_decimals(d: Decimal) -> None:
    assert to_fen_in(str(d), "万元") == int(d * 1_000_000)
    assert to_fen_in(f"{d:,}", "万元") == int(d * 1_000_000)


@given(st.decimals(min_value=Decimal("-1e7"), max_value=Decimal("1e7"), places=2, allow_nan=False))
def test_wan_yuan_agrees_with_the_same_amount_in_yuan(yuan: Decimal) -> None:
    wan = yuan / 10000  # exact: at most six decimals
    assert to_fen_in(f"{wan:f}", "万元") == to_fen_in(f"{yuan:f}", "元") == to_fen(f"{yuan:f}")


# -- the mapping carries the unit ------------------------------------------------------------------------
def test_header_unit_is_kept_and_shown() -> None:
    rows = [(1, ["凭证号", "日期", "经手人", "摘要", "金额（万元）"])]
    m = detect_header(rows, VOUCHERS)
    assert m is not None and m.columns["amount_fen"] == 4
    assert m.unit_of(4) == "万元" and m.header_text(4) == "金额（万元）"
    assert dict((label, text) for label, _n, _l, text in m.describe(VOUCHERS))["金额"] == "金额（万元）"


def test_unit_line_above_the_header_applies_to_amount_columns_only() -> None:
    rows = [
        (1, ["溪口村收支明细", "", "", ""]),
        (2, ["编制单位：溪口村", "", "金额单位：万元", ""]),
        (3, ["日期", "摘要", "收入", "支出（元）"]),
    ]
    m = detect_header(rows, LEDGER)
    assert m is not None
    assert (m.sheet_unit, m.unit_of(2), m.unit_of(3)) == ("万元", "万元", "元")  # the header's own 元 wins
    assert m.header_text(2) == "收入（万元）" and m.header_text(3) == "支出"
    assert m.header_text(0) == "日期"  # no unit on a date column


def test_merged_upper_header_unit_covers_its_sub_headers() -> None:
    rows = [(1, ["日期", "摘要", "金额（千元）", ""]), (2, ["", "", "收入", "支出"])]
    m = detect_header(rows, LEDGER, merged=[(0, 2, 0, 3)])
    assert m is not None and (m.unit_of(2), m.unit_of(3)) == ("千元", "千元")
    assert (m.header_text(2), m.header_text(3)) == ("收入（千元）", "支出（千元）")


def test_no_unit_leaves_the_mapping_as_it_was() -> None:
    rows = [(1, ["单位：元", ""]), (2, ["凭证号", "日期", "经手人", "摘要", "金额（元）"])]
    m = detect_header(rows, VOUCHERS)
    assert m is not None and (m.units, m.sheet_unit, m.header_text(4)) == ({}, "", "金额")
    assert with_units(m, VOUCHERS, rows) is m


def test_user_mapping_and_correction_get_the_sheet_unit() -> None:
    # a mapping built by hand (or remapped by the user) learns the sheet's unit when the parse applies it
    rows = [(1, ["单位：万元"]), (2, ["凭证号", "日期", "经手人", "摘要", "钱"])]
    hand = ColumnMapping("vouchers", 2, 1, {"number": 0, "date": 1, "handler": 2, "summary": 3}, {4: "钱"})
    fixed = with_units(hand.with_column("amount_fen", 4), VOUCHERS, rows)
    assert fixed.unit_of(4) == "万元" and fixed.header_text(4) == "钱（万元）"
    assert with_units(fixed, VOUCHERS, rows) == fixed  # idempotent
