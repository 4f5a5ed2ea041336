"""Per-kind checks that look at several fields of one row, and the in-file duplicate keys."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from quzhou_desktop.core.idcard import validate_id
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
