"""Per-kind checks that look at several fields of one row, and the in-file duplicate keys."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache, partial
from itertools import repeat
from operator import mul, truediv
from typing import Any

from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.core.idcard import validate_id
from quzhou_desktop.core.money import fen_to_upper, fen_to_yuan_str, parse_amount, validate_upper
from quzhou_desktop.core.rules import with_basis
from quzhou_desktop.spreadsheets import values as V
from quzhou_desktop.spreadsheets.contract_rows import check_assets, check_contracts, to_area
from quzhou_desktop.spreadsheets.schemas import FieldType
from quzhou_desktop.spreadsheets.units import YUAN, to_fen_in

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
    "upper": V.to_upper_amount,
    "area": to_area,
}
_FREE_TEXT: frozenset[FieldType] = frozenset({"text", "name", "code"})


class Blank:
    """Marker result: the cell holds nothing usable (spaces, “-”, “无” in a typed column)."""


BLANK = Blank()


def _value_converter(ftype: FieldType, unit: str) -> Callable[[Any], Any]:
    if ftype == "fen" and unit != YUAN:
        return partial(to_fen_in, unit=unit)
    return _CONVERTERS[ftype]


def converter(ftype: FieldType, *, unit: str = YUAN) -> Callable[[Any], Any]:
    """The converter for a field type; blank-looking cells give :data:`BLANK` instead of an error.

    ``unit`` is the money unit of a ``fen`` column (元, 万元 …; see :mod:`~quzhou_desktop.spreadsheets.units`).
    """
    conv = _value_converter(ftype, unit)
    placeholders = frozenset() if ftype in _FREE_TEXT else V.PLACEHOLDERS

    def convert(value: Any) -> Any:
        if isinstance(value, str):
            if V.UNDECODABLE in value:
                return V.undecodable()
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


def raw_converter(ftype: FieldType, *, unit: str = YUAN) -> Callable[[list[Any]], list[Any]]:
    """The batch conversion of many distinct values at once.

    It returns ``""``/``()`` for blank text and may return ``None`` for a value it cannot convert, or raise
    on anything unusual — the caller then converts those values (or all of them) one by one with
    :func:`converter`. Whole columns of plain strings or floats are converted with C-level string and list
    operations.
    """
    if ftype == "fen":
        return _fen_batch if unit == YUAN else partial(_scaled_batch, unit)
    if ftype in ("text", "name", "code"):
        return partial(_text_batch, _CONVERTERS[ftype], ftype)
    conv = _CONVERTERS[ftype]
    return partial(_each, conv)


def _each(conv: Callable[[Any], Any], values: list[Any]) -> list[Any]:
    if any(type(v) is str and V.UNDECODABLE in v for v in values):
        raise ValueError("undecodable text: convert one by one")
    return list(map(conv, values))


_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace() and c != "\x00")
_DROP_SPACE = str.maketrans("", "", _WHITESPACE)
_TO_SPACE = str.maketrans(dict.fromkeys(_WHITESPACE, " "))


def _text_batch(conv: Callable[[Any], Any], ftype: str, values: list[Any]) -> list[Any]:
    if len(values) < 64 or set(map(type, values)) != {str}:
        return _each(conv, values)
    big = "\x00".join(values)
    if big.count("\x00") != len(values) - 1:
        return _each(conv, values)
    if V.UNDECODABLE in big:
        raise ValueError("undecodable text: convert one by one")
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


def _fen_batch(values: list[Any]) -> list[Any]:
    """Amounts in 分, exactly as ``parse_amount`` gives them (``None`` where it refuses the value).

    Two bulk paths: floats that are exact cents (fen / 100 == x), and text in the everyday forms
    (“1,234.50”, “¥1234.5”, “1234.50元”, full-width “１２３４．５０”) read by one regex over the joined
    column; anything else goes through ``parse_amount`` value by value (tests check both against it)."""
    if len(values) >= 64:
        kinds = set(map(type, values))
        if kinds == {float} and max(map(abs, values)) < 1e12:
            fens = list(map(round, map(mul, values, repeat(100.0))))
            if list(map(truediv, fens, repeat(100))) == values:
                return fens
        elif kinds == {str}:
            return _text_fen_batch(values)
    return _each(_amount_or_none, values)


def _amount_or_none(value: Any) -> int | None:
    try:
        return parse_amount(value)
    except (ValidationError, TypeError, ValueError, ArithmeticError):
        return None


# One everyday amount per NUL-terminated segment: optional ¥, digits (thousands groups or plain, at most 15),
# at most two decimals, optional 元. Any other segment matches the second branch and is left to parse_amount.
_FAST_AMOUNT = re.compile(
    r"(?:¥?([0-9]{1,3}(?:,[0-9]{3}){1,4}|[0-9]{1,15})(?:\.([0-9]{1,2}))?元?|[^\x00]*)\x00"
)


def _text_fen_batch(values: list[str]) -> list[Any]:
    big = "\x00".join(values)
    if V.UNDECODABLE in big:
        raise ValueError("undecodable text: convert one by one")
    if big.count("\x00") != len(values) - 1:
        return list(map(_amount_or_none, values))
    if not big.isascii():
        big = unicodedata.normalize(
            "NFKC", big
        )  # NUL is a starter: normalising the join = joining the normals
    parts = _FAST_AMOUNT.findall(big + "\x00")
    if len(parts) != len(values):  # pragma: no cover - every segment matches one branch
        return list(map(_amount_or_none, values))
    out: list[Any] = [int(i.replace(",", "") + (f + "00")[:2]) if i else None for i, f in parts]
    if None in out:
        for k, fen in enumerate(out):
            if fen is None:
                out[k] = _amount_or_none(values[k])
    return out


def _scaled_batch(unit: str, values: list[Any]) -> list[Any]:
    if any(type(v) is str and V.UNDECODABLE in v for v in values):
        raise ValueError("undecodable text: convert one by one")
    out: list[Any] = []
    for v in values:
        try:
            out.append(to_fen_in(v, unit))
        except V.BadValue:
            out.append(None)
    return out


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
    amount = rec.get("amount_fen")
    if amount is not None and amount <= 0:
        return [("amount_fen", "不是有效的支出金额（应大于0）")]
    upper = rec.get("amount_upper")
    if upper is not None and amount is not None:
        reason = upper_problem(upper, amount)
        if reason is not None:
            return [("amount_upper", reason)]
    return []


@lru_cache(maxsize=8192)
def upper_problem(upper: str, fen: int) -> str | None:
    """Why a 大写 amount does not state ``fen`` (C24) or is not written as C25 requires; ``None`` when fine.

    The reason completes “第n行「大写金额」列的值“…”{reason}” and names the 小写 amount."""
    errors = [f for f in validate_upper(upper, fen) if f.is_error]
    if not errors:
        return None
    first = errors[0]
    if first.detail == "mismatch":  # “大写金额为100.00元，与小写金额120.00元不符”: no rule to quote
        return f"有误：{first.message}"
    yuan = fen_to_yuan_str(fen)
    if first.detail == "nonstandard":
        return with_basis(f"有误：{first.message}（小写金额为{yuan}元）", first.code)
    said = "；".join(f.message for f in errors)
    return with_basis(f"有误：{said}（小写金额为{yuan}元，大写应写作“{fen_to_upper(fen)}”）", first.code)


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
    "assets": check_assets,
    "contracts": check_contracts,
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
    if kind == "contracts":
        return ("number", (rec.get("village"), rec["number"]), "同一村的合同编号不能重复")
    if kind == "assets" and rec.get("code"):
        return ("code", (rec.get("village"), rec["code"]), "同一村的资产编号不能重复")
    return None
