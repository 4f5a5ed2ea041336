"""Normalise raw spreadsheet cell values into typed values.

Every converter takes one raw cell (``str``, ``float``, ``int``, ``bool``, ``date``, ``datetime``, ``timedelta``
or ``None`` as python-calamine and the CSV reader give them) and returns the normalised value or raises
:class:`BadValue` carrying a short Chinese reason. Blank cells are handled by the caller.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from typing import Any

from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.core.idcard import InvalidIdNumber, validate_id
from quzhou_desktop.core.money import fen_to_upper, parse_amount
from quzhou_desktop.core.rules import with_basis


class BadValue(Exception):
    """A cell value that cannot be used; ``reason`` completes the sentence “……的值“x”{reason}”, or, when
    ``quote`` is false (the value cannot be shown), “第n行「列」列{reason}”."""

    def __init__(self, reason: str, *, quote: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.quote = quote


# A cell whose bytes no encoding could read (see spreadsheets.sniff.UNDECODABLE).
UNDECODABLE = "\ufdd0"
UNDECODABLE_REASON = "含有无法识别的字符"
QUOTE_CHARS = 40  # spreadsheets.limits.QUOTE_CHARS
VALUE_CHARS = 200


def undecodable() -> BadValue:
    return BadValue(UNDECODABLE_REASON, quote=False)


def quote(text: str, most: int = QUOTE_CHARS) -> str:
    """``text`` cut to ``most`` characters for a message (a whole 32,767-character cell is unreadable)."""
    return text if len(text) <= most else text[: most - 1] + "…"


DATE_MIN = _dt.date(1950, 1, 1)
DATE_MAX = _dt.date(2099, 12, 31)
_EXCEL_EPOCH = _dt.date(1899, 12, 30)  # serial 0 in the 1900 system, after the 1900-02-29 bug (serial > 60)
_CJK = "\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")
_DATE_TEXT = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?"
    r"(?:[ T]+\d{1,2}[:：]\d{1,2}(?:[:：]\d{1,2}(?:\.\d+)?)?)?"
)
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_COUNT_TEXT = re.compile(r"(?:共|附)?\s*(\d+)\s*(?:张|页|份)?")


def cell_text(value: Any) -> str:
    """How a raw cell value is quoted back to the user in an error message."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, _dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    text = str(value)
    return text.replace(UNDECODABLE, "\ufffd") if UNDECODABLE in text else text


def _nfkc(s: str) -> str:
    return s if s.isascii() else unicodedata.normalize("NFKC", s)


def to_text(value: Any) -> str:
    """Free text (摘要, 备注): trimmed, runs of spaces, tabs, newlines and full-width spaces become one space.

    Punctuation is left alone (NFKC would turn Chinese “，” into “,”).
    """
    s = value if isinstance(value, str) else cell_text(value)
    return _SPACES.sub(" ", s).strip()


def to_name(value: Any) -> str:
    """Names of people, villages, groups, payees: NFKC, no spaces between Chinese characters."""
    s = _nfkc(value if isinstance(value, str) else cell_text(value))
    if not s.isascii():
        s = SPACE_BETWEEN_CJK.sub("", s)
    return _SPACES.sub(" ", s).strip()


def to_code(value: Any) -> str:
    """Identifiers such as 凭证号: NFKC, all spaces removed, whole numbers without “.0”."""
    s = cell_text(value) if not isinstance(value, str) else value
    return "".join(_nfkc(s).split())


def excel_serial_to_date(serial: float) -> _dt.date:
    """An Excel 1900-system serial number as a date (serial 1 = 1900-01-01).

    Excel counts a 29 February 1900 that never existed (serial 60); serials below it are one day off.
    """
    day = int(serial)
    if day < 1 or day > 2958465:
        raise BadValue("不是有效的日期序号")
    if day == 60:
        raise BadValue("对应 1900年2月29日，该日期不存在")
    if day < 60:
        return _EXCEL_EPOCH + _dt.timedelta(days=day + 1)
    return _EXCEL_EPOCH + _dt.timedelta(days=day)


def _checked(d: _dt.date) -> _dt.date:
    if d < DATE_MIN or d > DATE_MAX:
        raise BadValue(f"超出合理的日期范围（{DATE_MIN.year}年至{DATE_MAX.year}年）")
    return d


def _ymd(y: str, m: str, d: str) -> _dt.date:
    try:
        return _dt.date(int(y), int(m), int(d))
    except ValueError:
        raise BadValue(f"不是存在的日期（{int(y)}年{int(m)}月没有{int(d)}日）") from None


def to_date(value: Any) -> _dt.date:
    """A date from a real date/datetime cell, an Excel serial, or text in the usual Chinese office forms."""
    if isinstance(value, _dt.datetime):
        return _checked(value.date())
    if isinstance(value, _dt.date):
        return _checked(value)
    if isinstance(value, bool):
        raise BadValue("不是有效日期")
    if isinstance(value, (int, float)):
        if value != value or value in (float("inf"), float("-inf")):
            raise BadValue("不是有效日期")
        if float(value).is_integer() and 19000101 <= value <= 20991231:
            m = _DATE_COMPACT.fullmatch(str(int(value)))
            assert m is not None
            return _checked(_ymd(*m.groups()))
        return _checked(excel_serial_to_date(float(value)))
    if not isinstance(value, str):
        raise BadValue("不是有效日期")
    s = _nfkc(value).strip()
    m = _DATE_TEXT.fullmatch(s) or _DATE_COMPACT.fullmatch(s)
    if m is None:
        raise BadValue(
            "不是可识别的日期（可写作 2026-10-05、2026/10/5、2026年10月5日、2026.10.05 或 20261005）"
        )
    return _checked(_ymd(*m.groups()))


def to_count(value: Any) -> int:
    """A non-negative whole number such as 附件张数 (“3”, 3.0, “3张”, “３”)."""
    if isinstance(value, bool):
        raise BadValue("不是有效的张数")
    if isinstance(value, (int, float)):
        if value != value or not float(value).is_integer() or value < 0 or value > 100000:
            raise BadValue("不是有效的张数（应为不小于0的整数）")
        return int(value)
    s = _nfkc(cell_text(value)).strip()
    m = _COUNT_TEXT.fullmatch(s)
    if m is None:
        raise BadValue("不是有效的张数（应为不小于0的整数）")
    return int(m.group(1))


def to_fen(value: Any) -> int:
    """An amount in 分, via :func:`quzhou_desktop.core.money.parse_amount`."""
    if isinstance(value, bool) or isinstance(value, (_dt.date, _dt.timedelta)):
        raise BadValue("不是有效金额")
    try:
        return parse_amount(value)
    except ValidationError as exc:
        reason = str(exc.params.get("reason", ""))
        if "小数" in reason:
            raise BadValue("不是有效金额（最多只能有两位小数）") from None
        if "过大" in reason:
            raise BadValue("不是有效金额（金额过大）") from None
        raise BadValue("不是有效金额") from None
    except (TypeError, ValueError, ArithmeticError):
        raise BadValue("不是有效金额") from None


def to_upper_amount(value: Any) -> str:
    """A 大写 amount cell (C24/C25) as written, outer spaces trimmed; checked against the 小写 amount later.

    A number here is a cell shown in 大写 by a number format ([DBNum2]): it stands for that amount and is
    kept as its canonical 大写 text."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        fen = to_fen(value)
        if fen < 0:
            raise BadValue("不是有效的大写金额")
        return fen_to_upper(fen)
    raise BadValue("不是有效的大写金额")


# Cells that mean “nothing here” in typed columns (ledger exports put “-” in the unused amount column).
PLACEHOLDERS = frozenset({"-", "--", "—", "——", "－", "/", "／", "\\", "无", "空"})


_GENDERS = {
    "男": "男",
    "女": "女",
    "男性": "男",
    "女性": "女",
    "M": "男",
    "F": "女",
    "MALE": "男",
    "FEMALE": "女",
}


def to_gender(value: Any) -> str:
    s = _nfkc(cell_text(value)).strip().upper()
    try:
        return _GENDERS[s]
    except KeyError:
        raise BadValue("不是有效性别（应为“男”或“女”）") from None


_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"(0\d{2,3})(\d{7,8})")
_LOCAL = re.compile(r"[2-9]\d{6,7}")
_PHONE_SPLIT = re.compile(r"[/、,，;；]+|\s{2,}")


def _one_phone(raw: str) -> str:
    s = re.sub(r"[\s\-()（）]", "", raw)
    if s.startswith("+86"):
        s = s[3:]
    elif s.startswith("86") and len(s) == 13:
        s = s[2:]
    if _MOBILE.fullmatch(s):
        return s
    m = _LANDLINE.fullmatch(s)
    if m and not (m.group(1) == "010" and len(s) < 11):
        return f"{m.group(1)}-{m.group(2)}"
    if _LOCAL.fullmatch(s):
        return s
    raise BadValue("不是有效的电话号码（手机号应为1开头的11位数字，固定电话如 0570-1234567）")


def to_phone(value: Any) -> str:
    """One or several phone numbers (separated by / 、 ，), each checked; joined with “/”."""
    if isinstance(value, float):
        if not value.is_integer():
            raise BadValue("不是有效的电话号码")
        value = str(int(value))
    s = _nfkc(cell_text(value)).strip()
    parts = [p for p in _PHONE_SPLIT.split(s) if p.strip()]
    if not parts:
        raise BadValue("不是有效的电话号码")
    return "/".join(_one_phone(p) for p in parts)


def to_id_number(value: Any) -> str:
    """A checked 18-character identity number (GB 11643)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise BadValue("被存成了数字，末几位可能已丢失；请把该列设置为“文本”格式后重新填写")
    try:
        return validate_id(cell_text(value)).number
    except InvalidIdNumber as exc:
        raise BadValue(str(exc.params["reason"])) from None


# 身份 values. Keys are what offices write; values are the canonical role names.
ROLES: tuple[str, ...] = (
    "正式党员",
    "预备党员",
    "村民代表",
    "村委会",
    "村委会主任",
    "村监会",
    "村监会主任",
    "党组织书记",
    "党组织委员",
    "村民小组长",
    "户代表",
)
_ROLE_ALIASES = {r: r for r in ROLES} | {
    "党员": "正式党员",
    "中共党员": "正式党员",
    "中共预备党员": "预备党员",
    "代表": "村民代表",
    "村委": "村委会",
    "村委委员": "村委会",
    "村委会委员": "村委会",
    "村委会成员": "村委会",
    "村主任": "村委会主任",
    "村监委": "村监会",
    "村监会委员": "村监会",
    "村监会成员": "村监会",
    "村务监督委员会委员": "村监会",
    "监委会委员": "村监会",
    "村务监督委员会主任": "村监会主任",
    "监委会主任": "村监会主任",
    "书记": "党组织书记",
    "支部书记": "党组织书记",
    "党支部书记": "党组织书记",
    "村党组织书记": "党组织书记",
    "党委书记": "党组织书记",
    "支委": "党组织委员",
    "党支部委员": "党组织委员",
    "组长": "村民小组长",
    "小组长": "村民小组长",
}
_NO_ROLE = frozenset({"群众", "无", "普通村民", "村民"})
_ROLE_SPLIT = re.compile(r"[,，、;；/|\s]+")


def to_roles(value: Any) -> tuple[str, ...]:
    """A list of roles separated by commas, 、, semicolons, slashes or spaces; canonical names, in order."""
    s = _nfkc(cell_text(value))
    out: list[str] = []
    for part in _ROLE_SPLIT.split(s):
        if not part or part in _NO_ROLE:
            continue
        role = _ROLE_ALIASES.get(part)
        if role is None:
            raise BadValue(f"中的“{part}”不是可识别的身份（可选：{'、'.join(ROLES)}）")
        if role not in out:
            out.append(role)
    if "村监会主任" in out and "村监会" not in out:
        out.insert(out.index("村监会主任"), "村监会")
    if "村委会主任" in out and "村委会" not in out:
        out.insert(out.index("村委会主任"), "村委会")
    if "正式党员" in out and "预备党员" in out:
        raise BadValue("同时写了正式党员和预备党员，只能是其中之一")
    if "村监会" in out and "村委会" in out:
        # C19: nobody on the 村委会 may sit on the 村监会.
        raise BadValue(with_basis("同时是村委会和村监会成员，村委会成员不得担任村监会成员", "C19"))
    return tuple(out)
