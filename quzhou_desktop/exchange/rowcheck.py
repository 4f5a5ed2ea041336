"""Per-kind checks that look at several fields of one row, and the in-file duplicate keys."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import partial
from itertools import repeat
from operator import mul, truediv
from typing import Any

from quzhou_desktop.core.idcard import validate_id
from quzhou_desktop.core.money import parse_amount
from quzhou_desktop.exchange import values as V
from quzhou_desktop.exchange.schemas import FieldType

# (field key, reason) — the reason completes “第n行「列」列的值“x”{reason}”, or follows “为空：” when blank.
Problem = tuple[str, str]

_CONVERTERS: dict[FieldType, Callable[[Any], Any]] = {
    "text": V.to_text,
    "name": V.to_name,
    "code": V.to_code,
    "date": V.to_date,
    "fen": V.to_fen,
    "count": V.to_count,
    "gender": V.to_gender,
    "phone": V.to_phone,
    "idcard": V.to_id_number,
    "roles": V.to_roles,
}
_FREE_TEXT: frozenset[FieldType] = frozenset({"text", "name", "code"})


class Blank:
    """Marker result: the cell holds nothing usable (spaces, “-”, “无” in a typed column)."""


BLANK = Blank()


def converter(ftype: FieldType) -> Callable[[Any], Any]:
    """The converter for a field type; blank-looking cells give :data:`BLANK` instead of an error."""
    conv = _CONVERTERS[ftype]
    placeholders = frozenset() if ftype in _FREE_TEXT else V.PLACEHOLDERS

    def convert(value: Any) -> Any:
        if isinstance(value, str):
            stripped = value.strip()
            if not stripped or stripped in placeholders:
                return BLANK
        try:
            out = conv(value)
        except V.BadValue as exc:
            return exc.with_traceback(None)
        if out == "" or out == ():
            return BLANK
        return out

    return convert


def raw_converter(ftype: FieldType) -> Callable[[list[Any]], list[Any]]:
    """The batch conversion of many distinct values at once.

    It may raise on anything unusual — the caller then falls back to :func:`converter` value by value — and
    returns ``""``/``()`` for blank text. Whole columns of plain strings or floats are converted with
    C-level string and list operations.
    """
    if ftype == "fen":
        return _fen_batch
    if ftype in ("text", "name", "code"):
        return partial(_text_batch, _CONVERTERS[ftype], ftype)
    conv = _CONVERTERS[ftype]
    return lambda values: list(map(conv, values))


_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace() and c != "\x00")
_DROP_SPACE = str.maketrans("", "", _WHITESPACE)
_TO_SPACE = str.maketrans(dict.fromkeys(_WHITESPACE, " "))


def _text_batch(conv: Callable[[Any], Any], ftype: str, values: list[Any]) -> list[Any]:
    if len(values) < 64 or set(map(type, values)) != {str}:
        return list(map(conv, values))
    big = "\x00".join(values)
    if big.count("\x00") != len(values) - 1:
        return list(map(conv, values))
    if ftype == "code":
        if not big.isascii():
            big = unicodedata.normalize("NFKC", big)
        return big.translate(_DROP_SPACE).split("\x00")
    if ftype == "name" and not big.isascii():
        big = V.SPACE_BETWEEN_CJK.sub("", unicodedata.normalize("NFKC", big))
    big = big.translate(_TO_SPACE)
    if "  " in big:
        big = _MULTI_SPACE.sub(" ", big)
    return list(map(str.strip, big.split("\x00")))


_MULTI_SPACE = re.compile(" {2,}")


def _fen_batch(values: list[Any]) -> list[int]:
    """Amounts in 分. Floats that are exact cents (fen / 100 == x) are converted in bulk — for them
    ``parse_amount`` would return the same (a test checks this); anything else goes through ``parse_amount``."""
    if len(values) >= 64 and set(map(type, values)) == {float} and max(map(abs, values)) < 1e12:
        fens = list(map(round, map(mul, values, repeat(100.0))))
        if list(map(truediv, fens, repeat(100))) == values:
            return fens
    return list(map(parse_amount, values))


def check_people(rec: dict[str, Any]) -> list[Problem]:
    idn = rec.get("id_number")
    if idn is None:
        return []
    info = validate_id(idn)
    gender = rec.get("gender")
    if gender is None:
        rec["gender"] = info.gender
    elif gender != info.gender:
        return [("gender", f"与身份证号显示的性别“{info.gender}”不一致")]
    return []


def check_vouchers(rec: dict[str, Any]) -> list[Problem]:
    if rec.get("amount_fen", 1) <= 0:
        return [("amount_fen", "不是有效的支出金额（应大于0）")]
    return []


def check_ledger(rec: dict[str, Any]) -> list[Problem]:
    income = rec.get("income_fen") or 0
    expense = rec.get("expense_fen") or 0
    if income and expense:
        return [("income_fen", "与支出金额同时填写了，同一行的收入和支出只能填一项")]
    if not income and not expense:
        return [("income_fen", "收入金额和支出金额必须填写其中一项（且不为0）")]
    rec["income_fen"] = income
    rec["expense_fen"] = expense
    return []


ROW_CHECKS: dict[str, Callable[[dict[str, Any]], list[Problem]]] = {
    "people": check_people,
    "vouchers": check_vouchers,
    "ledger": check_ledger,
}


def duplicate_key(kind: str, rec: dict[str, Any]) -> tuple[str, tuple[Any, ...], str] | None:
    """(field whose column is blamed, key, Chinese scope) for rows that must be unique inside one file."""
    if kind == "vouchers":
        return (
            "number",
            (rec.get("village"), rec["date"].year, rec["number"]),
            "同一村同一年的凭证号不能重复",
        )
    if kind == "people" and rec.get("id_number"):
        return ("id_number", (rec["id_number"],), "同一身份证号只能出现一次")
    return None
