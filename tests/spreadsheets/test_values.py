"""spreadsheets.values: cell normalisation (names, dates, counts, phones, roles, amounts via core.money)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.core.money import parse_amount
from quzhou_desktop.spreadsheets import rowcheck
from quzhou_desktop.spreadsheets import values as V
from quzhou_desktop.spreadsheets.schemas import FieldType

D = dt.date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (D(2026, 10, 5), D(2026, 10, 5)),
        (dt.datetime(2026, 10, 5, 13, 30), D(2026, 10, 5)),
        (46300.0, D(2026, 10, 5)),  # Excel serial
        (46300.75, D(2026, 10, 5)),  # serial with a time part
        ("2026-10-05", D(2026, 10, 5)),
        ("2026/10/5", D(2026, 10, 5)),
        ("2026年10月5日", D(2026, 10, 5)),
        ("2026年10月5号", D(2026, 10, 5)),
        ("2026.10.05", D(2026, 10, 5)),
        ("20261005", D(2026, 10, 5)),
        (20261005.0, D(2026, 10, 5)),  # yyyymmdd typed as a number
        ("2026-10-05 00:00:00", D(2026, 10, 5)),
        ("2026-10-05T08:15", D(2026, 10, 5)),
        ("２０２６－１０－０５", D(2026, 10, 5)),  # full-width digits and dash
        (" 2026 年 10 月 5 日 ", D(2026, 10, 5)),
    ],
)
def test_dates_every_form(raw: object, expected: D) -> None:
    assert V.to_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason_part"),
    [
        ("2026-02-30", "2026年2月没有30日"),
        ("2026-13-01", "2026年13月没有1日"),
        ("2025/2/29", "2025年2月没有29日"),
        ("10/05/2026", "不是可识别的日期"),
        ("26-10-5", "不是可识别的日期"),
        ("明天", "不是可识别的日期"),
        (60.0, "1900年2月29日"),  # Excel's phantom leap day
        (5.0, "超出合理的日期范围"),  # 1900-01-05
        ("1949-09-30", "超出合理的日期范围"),
        (-3.0, "不是有效的日期序号"),
        (True, "不是有效日期"),
    ],
)
def test_impossible_dates_are_rejected_with_reason(raw: object, reason_part: str) -> None:
    with pytest.raises(V.BadValue) as exc:
        V.to_date(raw)
    assert reason_part in exc.value.reason


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (1, D(1900, 1, 1)),
        (59, D(1900, 2, 28)),
        (61, D(1900, 3, 1)),
        (45000, D(2023, 3, 15)),
        (46300, D(2026, 10, 5)),
    ],
)
def test_excel_1900_serials(serial: int, expected: D) -> None:
    assert V.excel_serial_to_date(serial) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  张　三 ", "张三"),  # full-width space between CJK characters
        ("欧阳 娜娜", "欧阳娜娜"),
        ("买买提·艾力", "买买提·艾力"),
        ("Ｚｈａｎｇ  San", "Zhang San"),  # NFKC, inner Latin space kept once
        ("余东村\n", "余东村"),
        (3.0, "3"),  # 村民小组 typed as a number
    ],
)
def test_names(raw: object, expected: str) -> None:
    assert V.to_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("买灯泡，电线", "买灯泡，电线"), ("  修路\n  补贴 ", "修路 补贴"), ("a\u3000b", "a b")],
)
def test_free_text_keeps_chinese_punctuation(raw: str, expected: str) -> None:
    assert V.to_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(3, 3), (3.0, 3), ("3", 3), ("3张", 3), ("３", 3), ("共 12 张", 12), ("0", 0)],
)
def test_counts(raw: object, expected: int) -> None:
    assert V.to_count(raw) == expected


@pytest.mark.parametrize("raw", ["三张", "-1", -1, 2.5, "3.5张", True])
def test_bad_counts(raw: object) -> None:
    with pytest.raises(V.BadValue):
        V.to_count(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "13800138000"),
        (13800138000.0, "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("0570-1234567", "0570-1234567"),
        ("05701234567", "0570-1234567"),
        ("3012345", "3012345"),  # local number without area code
        ("13800138000/0570-1234567", "13800138000/0570-1234567"),
    ],
)
def test_phones(raw: object, expected: str) -> None:
    assert V.to_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "23800138000", "1380013800", "电话"])
def test_bad_phones(raw: str) -> None:
    with pytest.raises(V.BadValue):
        V.to_phone(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("正式党员、村民代表", ("正式党员", "村民代表")),
        ("中共党员,村民小组长", ("正式党员", "村民小组长")),
        ("村监会主任", ("村监会", "村监会主任")),
        ("书记；村委会主任", ("党组织书记", "村委会", "村委会主任")),
        ("群众", ()),
    ],
)
def test_roles(raw: str, expected: tuple[str, ...]) -> None:
    assert V.to_roles(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason_part"),
    [
        pytest.param(
            "村委会、村监会", "不得担任村监会成员，依据《中华人民共和国村民委员会组织法》第三十二条", id="C19"
        ),
        ("正式党员、预备党员", "只能是其中之一"),
        ("会计", "“会计”不是可识别的身份"),
    ],
)
def test_bad_roles(raw: str, reason_part: str) -> None:
    with pytest.raises(V.BadValue) as exc:
        V.to_roles(raw)
    assert reason_part in exc.value.reason


@pytest.mark.parametrize(("raw", "expected"), [("男", "男"), ("女性", "女"), ("f", "女"), (" M ", "男")])
def test_gender(raw: str, expected: str) -> None:
    assert V.to_gender(raw) == expected


def test_id_number_stored_as_float_is_refused() -> None:
    with pytest.raises(V.BadValue) as exc:
        V.to_id_number(3.30802199001011e17)
    assert "文本" in exc.value.reason


@pytest.mark.parametrize(
    ("raw", "fen"),
    [("1,234.50", 123450), ("￥1,234.50", 123450), ("1234.5元", 123450), ("１２３４", 123400), (88.8, 8880)],
)
def test_amounts_use_core_money(raw: object, fen: int) -> None:
    assert V.to_fen(raw) == fen


@pytest.mark.parametrize(
    ("raw", "reason"), [("12,3a", "不是有效金额"), ("12.345", "两位小数"), (D(2026, 1, 1), "不是有效金额")]
)
def test_bad_amounts(raw: object, reason: str) -> None:
    with pytest.raises(V.BadValue) as exc:
        V.to_fen(raw)
    assert reason in exc.value.reason


@pytest.mark.parametrize("raw", ["人民币1234.50元", "1234.50元整", "人民币 1,234.50 元整", "1234元5角整"])
def test_amount_forms_prefix_and_suffix(raw: str) -> None:
    assert V.to_fen(raw) == 123450


@pytest.mark.parametrize("ftype", ["date", "fen", "count", "phone", "idcard", "gender"])
@pytest.mark.parametrize("raw", ["", "  ", "-", "—", "/", "无"])
def test_placeholders_are_blank_in_typed_columns(ftype: FieldType, raw: str) -> None:
    assert rowcheck.converter(ftype)(raw) is rowcheck.BLANK


@given(st.integers(min_value=-(10**11), max_value=10**11))
def test_bulk_float_cents_agree_with_parse_amount(fen: int) -> None:
    # The bulk path converts exact-cent floats itself; it must agree with core.money.parse_amount.
    floats = [fen / 100 + k for k in range(64)]
    assert rowcheck.raw_converter("fen")(floats) == [parse_amount(x) for x in floats]


@given(
    st.lists(
        st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9),
        min_size=64,
        max_size=80,
    )
)
def test_bulk_float_any_values_agree_with_parse_amount(floats: list[float]) -> None:
    # value by value: what parse_amount gives, or None where it refuses the value (more than two decimals)
    assert rowcheck.raw_converter("fen")(floats) == [_amount_or_none(x) for x in floats]


def _amount_or_none(value: float) -> int | None:
    try:
        return parse_amount(value)
    except ValidationError:
        return None
