"""Money units stated by a sheet: “金额（万元）” in a header or “单位：万元” above it, and amounts read in them.

A unit is named by its canonical Chinese word (元, 万元, 千元 …); :data:`FEN_PER_UNIT` gives how many 分 one
of it is. Amounts in a unit other than 元 are read exactly with ``Decimal`` and must come to a whole number
of 分 (a 万元 amount may have up to six decimals); amounts in 元 go through ``core.money.parse_amount``.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from quzhou_desktop.core.money import MAX_FEN
from quzhou_desktop.spreadsheets.values import BadValue, to_fen

YUAN = "元"
FEN_PER_UNIT: dict[str, int] = {
    "分": 1,
    "角": 10,
    "元": 100,
    "百元": 10_000,
    "千元": 100_000,
    "万元": 1_000_000,
    "亿元": 10_000_000_000,
}
_ALIASES = {"万": "万元", "千": "千元", "百": "百元", "亿": "亿元", "圆": "元", "人民币元": "元"}
_UNIT_WORD = r"(万元|千元|百元|亿元|人民币元|元|圆|角|分|万|千|亿)"
# “金额（万元）”, “金额(单位:万元)”, “金额[万元]”, “金额/万元”, “金额_万元” (after NFKC: ASCII brackets)
_IN_HEADER = re.compile(
    rf"[(\[【〔<〈]\s*(?:(?:金额)?单位\s*:?\s*)?(?:人民币\s*)?{_UNIT_WORD}\s*[)\]】〕>〉]"
    rf"|[/_]\s*{_UNIT_WORD}\s*$"
)
# “单位：万元”, “金额单位：元”, “（单位：千元）” — not “填报单位：余东村”
_SHEET_LINE = re.compile(
    rf"(?<![\u4e00-\u9fff])(?:金额|货币|计量|计价)?单位\s*:\s*(?:人民币\s*)?{_UNIT_WORD}(?![\u4e00-\u9fff])"
)


def canonical_unit(word: str) -> str:
    return _ALIASES.get(word, word)


def _nfkc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def unit_in_header(text: Any) -> str | None:
    """The unit a header cell states (“金额（万元）” → 万元), or ``None``."""
    if not isinstance(text, str) or not text:
        return None
    m = _IN_HEADER.search(_nfkc(text))
    if m is None:
        return None
    return canonical_unit(m.group(1) or m.group(2))


def unit_in_line(text: Any) -> str | None:
    """The unit a line above the header states (“填报单位：余东村　单位：万元” → 万元), or ``None``."""
    if not isinstance(text, str) or "单位" not in text:
        return None
    m = _SHEET_LINE.search(_nfkc(text))
    return None if m is None else canonical_unit(m.group(1))


def decimals_of(unit: str) -> int:
    """How many decimals an amount in ``unit`` may have and still be a whole number of 分."""
    return len(str(FEN_PER_UNIT[unit])) - 1


_AMOUNT = re.compile(
    r"(?P<sign>[+-]?)\s*(?:¥|RMB|人民币)?\s*(?P<sign2>[+-]?)\s*"
    r"(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.(?P<frac>[0-9]+))?\s*"
    rf"(?P<unit>{_UNIT_WORD})?",
    re.IGNORECASE,
)
_NOISE = Decimal("0.0001")  # float noise tolerated after scaling, in 分 (as parse_amount does for 元)


def to_fen_in(value: Any, unit: str) -> int:
    """An amount stated in ``unit`` as integer 分; raises :class:`BadValue` naming what is wrong.

    In 元 this is exactly :func:`~quzhou_desktop.spreadsheets.values.to_fen`. In other units the value is read
    with ``Decimal``, multiplied exactly and must come to a whole number of 分; a cell that writes a unit of
    its own (“1.5万元”) must write the column's unit.
    """
    if unit == YUAN:
        return to_fen(value)
    per = FEN_PER_UNIT[unit]
    if isinstance(value, bool) or isinstance(value, (_dt.date, _dt.timedelta)):
        raise BadValue("不是有效金额")
    tolerate = False
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise BadValue("不是有效金额")
        number = Decimal(repr(value))
        tolerate = True
    elif isinstance(value, str):
        number = _text_amount(value, unit)
    else:
        raise BadValue("不是有效金额")
    fen = number * per
    whole = fen.to_integral_value()
    if fen != whole and not (tolerate and abs(fen - whole) < _NOISE):
        if per == 1:
            raise BadValue("不是有效金额（以分为单位时应为整数）")
        raise BadValue(f"不是有效金额（以{unit}为单位最多只能有{decimals_of(unit)}位小数，否则不足1分）")
    if abs(whole) > MAX_FEN:
        raise BadValue("不是有效金额（金额过大）")
    return int(whole)


def _text_amount(text: str, unit: str) -> Decimal:
    s = _nfkc(text).strip().replace("−", "-")
    m = _AMOUNT.fullmatch(s)
    if m is None or not (m.group("int") or m.group("frac")) or (m.group("sign") and m.group("sign2")):
        raise BadValue("不是有效金额")
    written = m.group("unit")
    if written is not None and canonical_unit(written) != unit:
        raise BadValue(f"写明的单位“{written}”与表头的单位“{unit}”不一致")
    digits = (m.group("int") or "0").replace(",", "") + "." + (m.group("frac") or "0")
    try:
        number = Decimal(digits)
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise BadValue("不是有效金额") from None
    return -number if "-" in (m.group("sign") + m.group("sign2")) else number
