"""rowcheck: the bulk amount path equals parse_amount value for value; 大写 amount columns (C24/C25)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.core.money import parse_amount
from quzhou_desktop.spreadsheets.headers import detect_header, normalize_header
from quzhou_desktop.spreadsheets.parse import parse_workbook
from quzhou_desktop.spreadsheets.rowcheck import _fen_batch, upper_problem
from quzhou_desktop.spreadsheets.schemas import VOUCHERS
from tests.support.spreadsheets import voucher_records

FULL_WIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


def expected(value: object) -> int | None:
    try:
        return parse_amount(value)  # type: ignore[arg-type]
    except (ValidationError, TypeError, ValueError, ArithmeticError):
        return None


def batch(values: Sequence[object]) -> list[object]:
    """The bulk path for a column of these values (padded to the size where it applies)."""
    pad = [f"{n}.00" for n in range(64)]
    return _fen_batch([*values, *pad])[: len(values)]


EVERYDAY = [
    "1,234.50", "¥1,234.50", "￥1,234.5", "1234.50元", "¥1234元", "１２３４．５０", "１，２３４．５０", "0",
    "0.5", "00012.30", "999,999,999,999,999.99", "123456789012345", "12.3", "7元",
]  # fmt: skip
UNUSUAL = [
    "", " ", "1234.", ".5", "1.234", "1.230", "1234,567", "1,23", "¥ 12", " 12 ", "-12", "－12", "+5",
    "12元整", "1234元5角", "人民币12.00元", "RMB12", "12元元", "¥¥12", "1e5", "١٢", "12\u3000", "1234567890123456",
    "1,234,567,890,123,456.00", "12.34.5", "元", "¥", "12,", "nan", "∞", "12\x01",
]  # fmt: skip


@pytest.mark.parametrize("value", EVERYDAY + UNUSUAL)
def test_bulk_amount_equals_parse_amount(value: str) -> None:
    assert batch([value]) == [expected(value)]


_pieces = st.sampled_from(
    [*"0123456789", *"０１２３４５６７８９", ",", ".", "．", "，", "¥", "￥", "元", "整", "角", "分", " ", "-", "+",
     "人民币", "RMB", "e", "\u3000", "万"]
)  # fmt: skip
_amount_text = st.lists(_pieces, max_size=10).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_amount_text, min_size=1, max_size=40))
@example(["1,234.50", "¥1,234.50", "1234.50元", "１２３４．５０"])
def test_bulk_amounts_equal_parse_amount_on_random_text(values: list[str]) -> None:
    assert batch(values) == [expected(v) for v in values]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 10**17 - 1), min_size=1, max_size=40), st.integers(0, 3))
def test_bulk_amounts_equal_parse_amount_in_the_forms_offices_write(fens: list[int], style: int) -> None:
    def text(fen: int) -> str:
        yuan = f"{fen // 100:,}.{fen % 100:02d}"
        return ["¥" + yuan, yuan.replace(",", "") + "元", yuan.translate(FULL_WIDTH), yuan][style]

    values = [text(f) for f in fens]
    assert batch(values) == [expected(v) for v in values]


def test_bulk_floats_and_mixed_columns() -> None:
    floats = [n / 100 for n in range(1, 200)]
    assert _fen_batch(floats) == [parse_amount(f) for f in floats]
    mixed: list[object] = [*floats[:50], *EVERYDAY]
    assert _fen_batch(mixed) == [expected(v) for v in mixed]


# -- 大写 columns ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("金额（大写）", "金额大写"),
        ("金额(小写)", "金额小写"),
        ("人民币（大写）", "人民币大写"),
        ("金额【人民币大写】", "金额大写"),
        ("金额（元）（小写）", "金额小写"),
        ("大写金额（元）", "大写金额"),
    ],
)
def test_upper_and_lower_survive_normalisation(raw: str, normal: str) -> None:
    assert normalize_header(raw) == normal


@pytest.mark.parametrize(
    ("headers", "amount", "upper"),
    [
        (["金额（小写）", "金额（大写）"], 0, 1),
        (["金额（大写）", "金额（小写）"], 1, 0),
        (["大写金额", "小写金额"], 1, 0),
        (["人民币（大写）", "金额"], 1, 0),
        (["金额大写", "支出金额（元）"], 1, 0),
        (["金额（大写）", "报销金额"], 1, 0),
    ],
)
def test_upper_column_is_never_the_amount(headers: list[str], amount: int, upper: int) -> None:
    rows = [(1, [*headers, "凭证号", "日期", "经手人", "摘要"])]
    m = detect_header(rows, VOUCHERS)
    assert m is not None
    assert (m.columns["amount_fen"], m.columns["amount_upper"]) == (amount, upper)


def test_upper_alone_leaves_the_amount_missing() -> None:
    m = detect_header([(1, ["凭证号", "日期", "经手人", "摘要", "金额（大写）"])], VOUCHERS)
    assert m is not None and "amount_fen" not in m.columns and m.missing(VOUCHERS) == ["金额"]


@pytest.mark.parametrize(
    ("upper", "fen", "words"),
    [
        ("人民币壹仟贰佰叁拾肆元伍角整", 123450, None),
        ("壹仟贰佰叁拾肆元伍角", 123450, None),
        ("壹佰元正", 10000, None),
        ("拾元整", 1000, None),  # a bare 拾 is only a warning
        ("贰佰元整", 10000, "大写金额为200.00元，与小写金额100.00元不符"),
        (
            "壹佰元",
            10000,
            "末尾应写“整”或“正”（小写金额为100.00元，大写应写作“人民币壹佰元整”），依据《会计基础工作规范》第五十二条",
        ),
        ("一百元整", 10000, "不得使用“一”，应写“壹”；不得使用“百”，应写“佰”（小写金额为100.00元"),
        ("壹佰 元整", 10000, "中间不得留空格"),
        ("100元", 10000, "不得出现阿拉伯数字"),
        ("壹佰元整整", 10000, "只能写在金额末尾"),
    ],
)
def test_upper_problem(upper: str, fen: int, words: str | None) -> None:
    problem = upper_problem(upper, fen)
    if words is None:
        assert problem is None
    else:
        assert problem is not None and problem.startswith("有误：") and words in problem


def _voucher_book(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


@pytest.mark.parametrize("many", [False, True])  # a few rows take the row-by-row path, many the bulk one
def test_upper_is_checked_against_each_rows_amount(tmp_path: Path, many: bool) -> None:
    header = ["凭证号", "日期", "经手人", "摘要", "金额（小写）", "金额（大写）"]
    rows: list[list[object]] = [
        ["记-1", dt.date(2026, 1, 1), "张三", "茶叶", 120, "壹佰贰拾元整"],
        ["记-2", dt.date(2026, 1, 2), "张三", "茶叶", 120, "壹佰元整"],
        ["记-3", dt.date(2026, 1, 3), "张三", "茶叶", "1,234.50", 1234.5],  # 大写 by number format
        ["记-4", dt.date(2026, 1, 4), "张三", "茶叶", 8, 9],
        ["记-5", dt.date(2026, 1, 5), "张三", "茶叶", 8, None],
    ]
    if many:
        rows += [[f"记-{n}", dt.date(2026, 2, 1), "李四", "电费", 5, "伍元整"] for n in range(10, 200)]
    r = parse_workbook(_voucher_book(tmp_path / "u.xlsx", header, rows), "vouchers", village="溪口村")
    assert [(e.row, e.column, e.column_letter) for e in r.errors] == [
        (3, "金额（大写）", "F"),
        (5, "金额（大写）", "F"),
    ]
    assert r.errors[0].message == (
        "第3行「金额（大写）」列的值“壹佰元整”有误：大写金额为100.00元，与小写金额120.00元不符"
    )
    assert "大写金额为9.00元，与小写金额8.00元不符" in r.errors[1].message
    assert [x.row for x in r.rows][:3] == [2, 4, 6]
    assert voucher_records(r)[1].amount_upper == "人民币壹仟贰佰叁拾肆元伍角整"
