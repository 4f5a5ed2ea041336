"""core.idcard: GB 11643-1999 identity numbers (check digit, birth date, region) and masking."""

from __future__ import annotations

import datetime as dt

import pytest

from quzhou_desktop.core.idcard import InvalidIdNumber, check_digit, mask_id, validate_id

TODAY = dt.date(2026, 11, 25)


@pytest.mark.parametrize(
    ("first17", "check"),
    [
        ("11010519491231002", "X"),  # the standard's worked example
        ("44052418800101001", "4"),  # the standard's second example
        ("33080219900101123", "2"),
        ("33080219920202124", "2"),
    ],
)
def test_check_digit_gb11643_examples(first17: str, check: str) -> None:
    assert check_digit(first17) == check


@pytest.mark.parametrize(
    ("text", "number", "gender", "birth"),
    [
        ("11010519491231002X", "11010519491231002X", "女", dt.date(1949, 12, 31)),
        ("11010519491231002x", "11010519491231002X", "女", dt.date(1949, 12, 31)),  # lower-case x
        (
            "１１０１０５１９４９１２３１００２Ｘ",
            "11010519491231002X",
            "女",
            dt.date(1949, 12, 31),
        ),  # full-width
        (" 330802 19900101 1232 ", "330802199001011232", "男", dt.date(1990, 1, 1)),  # spaces
    ],
)
def test_valid_numbers(text: str, number: str, gender: str, birth: dt.date) -> None:
    info = validate_id(text, today=TODAY)
    assert (info.number, info.gender, info.birth_date, info.region) == (number, gender, birth, number[:6])


@pytest.mark.parametrize(
    ("text", "reason_part"),
    [
        ("110105194912310021", "校验位错误（最后一位应为X）"),  # wrong check digit
        ("330802199001011230", "校验位错误（最后一位应为2）"),
        ("330802199002301239", "出生日期“19900230”不存在"),  # 30 February
        ("330802203001011234", "晚于今天"),  # born in 2030
        ("330802185001011234", "早于1890年"),
        ("990802199001011234", "前两位“99”"),  # no such province
        ("330802900101123", "15位旧号码"),
        ("33080219900101123", "应为18位，实际为17位"),
        ("33080219900101123A", "只能由数字组成"),
    ],
)
def test_invalid_numbers_say_why(text: str, reason_part: str) -> None:
    with pytest.raises(InvalidIdNumber) as exc:
        validate_id(text, today=TODAY)
    assert reason_part in str(exc.value)


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("330802199001011234", "330802********1234"),
        ("11010519491231002x", "110105********002X"),
        ("123456", "1****6"),
        ("", ""),
    ],
)
def test_mask_id(number: str, masked: str) -> None:
    assert mask_id(number) == masked
