"""Money: integer fen (分), Chinese uppercase amounts (大写, C24/C25) and lowercase amounts (小写, C26).

All arithmetic is on ``int`` fen.  ``Decimal`` is used only to read what people type or spreadsheets hold.

Uppercase rules follow 《会计基础工作规范》第五十二条 and the 基本规定 of the 支付结算办法 (C24, C25 in
``core.rules``): ``fen_to_upper`` writes the canonical form of the worked examples in ``tests/core/test_money.py``,
``validate_upper`` accepts the canonical form and the listed also-acceptable variants (optional 零 of
zero rule 3, 正 for 整, 角 ending with or without 整, traditional 貳/陸/億/萬/圓/圆, with or without 人民币).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.core.rules import with_basis

__all__ = [
    "MAX_FEN",
    "Finding",
    "fen_to_upper",
    "fen_to_yuan_str",
    "format_fen",
    "has_errors",
    "parse_amount",
    "upper_variants",
    "validate_lower",
    "validate_upper",
]

Level = Literal["error", "warning"]

#: Largest amount handled: 9999万亿 元 minus one fen (four 4-digit groups: 个/万/亿/万亿).
MAX_FEN = 10**18 - 1

_FIELD = "金额"
_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_IN_GROUP_UNITS = ("", "拾", "佰", "仟")  # index = position inside a 4-digit group (0 = ones)
_GROUP_UNITS = ("", "万", "亿", "万")  # 万亿 = group 3 written as "…万" followed by the 亿 of group 2
_SMALL_STYLES = ("short", "full")


@dataclass(frozen=True)
class Finding:
    """One problem found by a rule check.

    ``code`` is the rule id of ``core.rules`` (e.g. ``"C25"``); ``detail`` a stable machine key for the case;
    ``message`` the Chinese sentence; ``shown`` that sentence with the rule's legal source, for the user.
    """

    level: Level
    code: str
    message: str
    detail: str = ""

    @property
    def is_error(self) -> bool:
        return self.level == "error"

    @property
    def shown(self) -> str:
        """``message`` followed by the legal source of its rule: "…，依据《会计基础工作规范》第五十二条"."""
        return with_basis(self.message, self.code)


def has_errors(findings: list[Finding] | tuple[Finding, ...]) -> bool:
    """True when any finding is an error (warnings alone do not block)."""
    return any(f.is_error for f in findings)


# ---------------------------------------------------------------------------------------------------------
# fen -> uppercase (C24)


def _check_fen(fen: int) -> None:
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise ValidationError(field=_FIELD, reason=f"应为整数分，收到 {fen!r}")
    if fen < 0:
        raise ValidationError(field=_FIELD, reason="不能为负数")
    if fen > MAX_FEN:
        raise ValidationError(field=_FIELD, reason="超出可处理的范围（万亿元以内）")


def _group_text(group: int) -> str:
    """A non-zero 4-digit group: one 零 per inner zero run followed by a non-zero digit; always 壹拾."""
    digits = [(group // 10**pos) % 10 for pos in range(3, -1, -1)]  # 仟 佰 拾 个
    out: list[str] = []
    started = False
    pending_zero = False
    for i, d in enumerate(digits):
        pos = 3 - i
        if d == 0:
            if started:
                pending_zero = True
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(_DIGITS[d] + _IN_GROUP_UNITS[pos])
        started = True
    return "".join(out)


def _integer_variants(yuan: int) -> list[str]:
    """All acceptable spellings of the integer part (canonical first); ``yuan`` > 0.

    A 零 before a group whose 仟 digit is non-zero but which follows zeros (the higher group's 个 digit is
    0, or whole groups are zero) is optional (zero rule 3, e.g. "壹拾万零柒仟"); the canonical form omits it.
    """
    groups = [(yuan // 10 ** (4 * g)) % 10000 for g in range(4)]
    top = max(g for g in range(4) if groups[g])
    # pieces: list of alternatives per position
    pieces: list[tuple[str, ...]] = []
    prev_ends_with_zero = False  # digits since the last written non-zero digit include a zero
    for g in range(top, -1, -1):
        value = groups[g]
        if value == 0:
            if g == 2 and top > 2:
                pieces.append(("亿",))
            prev_ends_with_zero = True
            continue
        text = _group_text(value) + _GROUP_UNITS[g]
        if g < top:
            if value < 1000:
                pieces.append(("零",))  # required: run of zeros inside the number, before 佰/拾/个
            elif prev_ends_with_zero:
                pieces.append(("", "零"))  # optional (rule 3)
        pieces.append((text,))
        prev_ends_with_zero = value % 10 == 0
    return ["".join(p) for p in itertools.product(*pieces)]


def _decimal_variants(yuan: int, jiao: int, fen_digit: int, *, small_style: str) -> list[str]:
    """Spellings of everything after the integer digits, including 元 (canonical first)."""
    if yuan == 0:
        if jiao == 0 and fen_digit == 0:
            return ["零元整"]
        short = ""
        full = "零元"
        if jiao:
            short += _DIGITS[jiao] + "角"
            full += _DIGITS[jiao] + "角"
        elif fen_digit:
            full += "零角"
        if fen_digit:
            short += _DIGITS[fen_digit] + "分"
            full += _DIGITS[fen_digit] + "分"
        forms = [short, full] if small_style == "short" else [full, short]
    else:
        if jiao == 0 and fen_digit == 0:
            return ["元整"]
        forms = []
        jiao_opts: tuple[str, ...]
        if jiao:
            jiao_opts = ("零", "") if yuan % 10 == 0 else ("",)
            jiao_opts = tuple(z + _DIGITS[jiao] + "角" for z in jiao_opts)
        else:
            jiao_opts = ("零",)  # rule 4: 角 = 0, 分 ≠ 0 → 零 required
        for j in jiao_opts:
            forms.append("元" + j + (_DIGITS[fen_digit] + "分" if fen_digit else ""))
    if fen_digit == 0:  # ends at 角: canonical adds 整; the bank rule accepts it without
        forms = [f + "整" for f in forms] + forms
    return forms


def upper_variants(fen: int, *, small_style: str = "short") -> list[str]:
    """Every acceptable 大写 spelling of ``fen`` without the 人民币 prefix; canonical first.

    Only simplified characters and 整 (not 正) appear; ``validate_upper`` normalises the rest.
    """
    _check_fen(fen)
    if small_style not in _SMALL_STYLES:
        raise ValidationError(field="小额大写样式", reason=f"应为 {'/'.join(_SMALL_STYLES)} 之一")
    yuan, rest = divmod(fen, 100)
    jiao, fen_digit = divmod(rest, 10)
    decimals = _decimal_variants(yuan, jiao, fen_digit, small_style=small_style)
    if yuan == 0:
        return decimals
    return [i + d for d in decimals for i in _integer_variants(yuan)]


def fen_to_upper(fen: int, *, small_style: str = "short") -> str:
    """Canonical uppercase amount (C24), e.g. 100005 → "人民币壹仟元零伍分".

    ``small_style`` chooses the form of amounts below one 元: "short" → "人民币柒分",
    "full" → "人民币零元零角柒分".  Negative amounts raise ``ValidationError``.
    """
    return "人民币" + upper_variants(fen, small_style=small_style)[0]


# ---------------------------------------------------------------------------------------------------------
# uppercase validator (C25)

_FORBIDDEN: dict[str, str] = {
    "〇": "零",
    "○": "零",
    "一": "壹",
    "二": "贰",
    "两": "贰",
    "三": "叁",
    "四": "肆",
    "五": "伍",
    "六": "陆",
    "七": "柒",
    "八": "捌",
    "九": "玖",
    "十": "拾",
    "百": "佰",
    "千": "仟",
    "念": "贰拾",
    "廿": "贰拾",
    "毛": "角",
    "另": "零",
}
_TRADITIONAL = str.maketrans(
    {"貳": "贰", "陸": "陆", "億": "亿", "萬": "万", "圓": "元", "圆": "元", "正": "整"}
)
_ALLOWED = set(_DIGITS + "拾佰仟万亿元角分整")
_PREFIX = "人民币"


def _parse_upper_value(body: str) -> int | None:
    """Value in fen of a normalised body (no prefix, simplified, 整 removed), or None if unreadable."""
    m = re.fullmatch(r"(?:(.*)元)?(?:零?([壹贰叁肆伍陆柒捌玖])角)?(?:零?角?([壹贰叁肆伍陆柒捌玖])分)?", body)
    if m is None or body == "":
        return None
    int_part, jiao, fen_digit = m.group(1), m.group(2), m.group(3)
    yuan = 0
    if int_part is not None:
        if int_part == "":
            return None
        parsed = _parse_integer(int_part)
        if parsed is None:
            return None
        yuan = parsed
    return (
        yuan * 100
        + (_DIGITS.index(jiao) * 10 if jiao else 0)
        + (_DIGITS.index(fen_digit) if fen_digit else 0)
    )


def _parse_integer(text: str) -> int | None:
    total = section = number = 0
    units = {"拾": 10, "佰": 100, "仟": 1000}
    for ch in text:
        if ch in _DIGITS:
            number = _DIGITS.index(ch)
        elif ch in units:
            section += (number or (1 if ch == "拾" else 0)) * units[ch]
            number = 0
        elif ch == "万":
            total += (section + number) * 10_000
            section = number = 0
        elif ch == "亿":
            total = (total + section + number) * 100_000_000
            section = number = 0
        else:
            return None
    return total + section + number


def _yuan_text(fen: int) -> str:
    return f"{fen_to_yuan_str(fen)}元"


def validate_upper(text: str, fen: int | None = None) -> list[Finding]:
    """Check a hand-written uppercase amount (C25) and, when ``fen`` is given, that it states that amount.

    Returns an empty list when the text is acceptable; warnings (e.g. a leading bare 拾) do not block.
    """
    findings: list[Finding] = []
    raw = (text or "").strip()
    if not raw:
        return [Finding("error", "C25", "大写金额不能为空", "empty")]
    if any(ch.isspace() for ch in raw):
        findings.append(Finding("error", "C25", "大写金额中间不得留空格", "space"))
    seen: set[str] = set()
    for ch in raw:
        if ch in seen:
            continue
        seen.add(ch)
        if ch in _FORBIDDEN:
            findings.append(
                Finding("error", "C25", f"不得使用“{ch}”，应写“{_FORBIDDEN[ch]}”", "forbidden_char")
            )
        elif unicodedata.category(ch) == "Nd":
            findings.append(Finding("error", "C25", f"大写金额中不得出现阿拉伯数字“{ch}”", "forbidden_char"))
    if findings:
        return findings

    body = raw[len(_PREFIX) :] if raw.startswith(_PREFIX) else raw
    body = body.translate(_TRADITIONAL)
    unknown = sorted({ch for ch in body if ch not in _ALLOWED})
    if unknown:
        names = "、".join(f"“{ch}”" for ch in unknown)
        return [Finding("error", "C25", f"大写金额中有不可识别的字符：{names}", "unknown_char")]

    if "整" in body.rstrip("整") or body.endswith("整整"):
        findings.append(Finding("error", "C25", "“整（正）”只能写在金额末尾，且只写一次", "zheng_position"))
    core = body.rstrip("整")
    has_zheng = core != body
    if core.endswith("元") and not has_zheng:
        findings.append(Finding("error", "C25", "金额到“元”为止的，末尾应写“整”或“正”", "missing_zheng"))
    if core.endswith("分") and has_zheng:
        findings.append(Finding("error", "C25", "金额到“分”为止的，末尾不写“整”或“正”", "zheng_after_fen"))
    if findings:
        return findings

    warnings: list[Finding] = []
    candidate = body
    if body.startswith("拾"):
        candidate = "壹" + body
        warnings.append(Finding("warning", "C25", "首位“拾”前习惯加“壹”，应写“壹拾”", "bare_shi"))

    if fen is not None:
        if candidate in upper_variants(fen):
            return warnings
        value = _parse_upper_value(core if not core.startswith("拾") else "壹" + core)
        if value is not None and value <= MAX_FEN and candidate in upper_variants(value):
            return [
                *warnings,
                Finding(
                    "error",
                    "C24",
                    f"大写金额为{_yuan_text(value)}，与小写金额{_yuan_text(fen)}不符",
                    "mismatch",
                ),
            ]
        return [
            *warnings,
            Finding("error", "C24", f"大写金额写法不规范，应写作“{fen_to_upper(fen)}”", "nonstandard"),
        ]

    value = _parse_upper_value(core if not core.startswith("拾") else "壹" + core)
    if value is None or value > MAX_FEN:
        return [*warnings, Finding("error", "C24", "无法识别的大写金额", "unreadable")]
    if candidate not in upper_variants(value):
        return [
            *warnings,
            Finding("error", "C24", f"大写金额写法不规范，应写作“{fen_to_upper(value)}”", "nonstandard"),
        ]
    return warnings


# ---------------------------------------------------------------------------------------------------------
# lowercase (C26) and plain formatting

_LOWER_RE = re.compile(r"[¥￥](0|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*)\.(\d{2}|—)")


def validate_lower(text: str) -> list[Finding]:
    """Check a written lowercase amount (C26): "¥7.60", "¥1,234.50", "¥76.—"."""
    raw = text or ""
    if not raw.strip():
        return [Finding("error", "C26", "小写金额不能为空", "empty")]
    if raw != raw.strip():
        return [Finding("error", "C26", "小写金额前后不得有空格", "space")]
    if raw.endswith("元"):
        return [Finding("error", "C26", "写了人民币符号“¥”的，数字后不得再写“元”", "trailing_unit")]
    if raw[0] not in "¥￥":
        return [Finding("error", "C26", "小写金额应以人民币符号“¥”开头", "no_symbol")]
    if len(raw) > 1 and raw[1].isspace():
        return [Finding("error", "C26", "人民币符号“¥”与数字之间不得留空", "space")]
    if _LOWER_RE.fullmatch(raw) is None:
        if re.fullmatch(r"[¥￥][\d,]+\.\d—", raw):
            msg = "有角无分的，分位应写“0”，不得写“—”"
            return [Finding("error", "C26", msg, "dash_with_jiao")]
        if re.fullmatch(r"[¥￥][\d,]+(\.\d)?", raw):
            return [Finding("error", "C26", "小写金额应写到角分（小数点后两位），如“¥7.60”", "no_cents")]
        return [Finding("error", "C26", "小写金额格式不正确，应如“¥1,234.50”或“¥76.—”", "format")]
    return []


def fen_to_yuan_str(fen: int) -> str:
    """Plain yuan with two decimals and no grouping: 123450 → "1234.50"."""
    sign = "-" if fen < 0 else ""
    yuan, rest = divmod(abs(fen), 100)
    return f"{sign}{yuan}.{rest:02d}"


def format_fen(fen: int, *, symbol: bool = True, grouping: bool = True) -> str:
    """Display form: 123450 → "¥1,234.50"; negatives as "-¥1,234.50"."""
    sign = "-" if fen < 0 else ""
    yuan, rest = divmod(abs(fen), 100)
    digits = f"{yuan:,}" if grouping else str(yuan)
    return f"{sign}{'¥' if symbol else ''}{digits}.{rest:02d}"


# ---------------------------------------------------------------------------------------------------------
# lenient parsing of typed / imported amounts

_FLOAT_NOISE = Decimal("0.000001")
_CENT = Decimal("0.01")
_NUMBER_RE = re.compile(r"(?P<int>\d{1,3}(?:,\d{3})+|\d+)?(?:\.(?P<frac>\d+))?")
_YUAN_JIAO_FEN_RE = re.compile(r"(?:(?P<yuan>\d+)元)?(?:(?P<jiao>\d)角)?(?:(?P<fen>\d)分)?整?")


def _bad(reason: str) -> ValidationError:
    return ValidationError(field=_FIELD, reason=reason)


def _decimal_to_fen(value: Decimal, *, tolerate_noise: bool) -> int:
    if not value.is_finite():
        raise _bad("不是有效的数字")
    if abs(value) > MAX_FEN // 100 + 1:
        raise _bad("金额过大")
    cents = value.quantize(_CENT, rounding=ROUND_HALF_UP)
    if cents != value and not (tolerate_noise and abs(cents - value) < _FLOAT_NOISE):
        raise _bad(f"“{value}”最多只能有两位小数（角、分）")
    fen = int(cents * 100)
    if abs(fen) > MAX_FEN:
        raise _bad("金额过大")
    return fen


def parse_amount(text: str | int | float | Decimal) -> int:
    """Read an amount in 元 as people type it or spreadsheets hold it; return fen.

    Accepts "1,234.50", "￥1,234.50", "¥ 1234.5", "1234.5元", "1234元5角", "人民币1234.50元", "1234.50元整",
    full-width "１２３４．５",
    negatives "－12" / "-¥12", ints (元), floats (via ``Decimal(str(x))``, float noise rounded half-up),
    and ``Decimal``.  Anything else raises ``ValidationError`` (field "金额").
    """
    if isinstance(text, bool):
        raise _bad("不是有效的金额")
    if isinstance(text, int):
        return _decimal_to_fen(Decimal(text), tolerate_noise=False)
    if isinstance(text, float):
        try:
            return _decimal_to_fen(Decimal(str(text)), tolerate_noise=True)
        except InvalidOperation as exc:  # pragma: no cover - str(float) is always a valid Decimal
            raise _bad("不是有效的数字") from exc
    if isinstance(text, Decimal):
        return _decimal_to_fen(text, tolerate_noise=False)
    if not isinstance(text, str):
        raise _bad(f"不是有效的金额：{text!r}")

    s = unicodedata.normalize("NFKC", text).strip().replace("−", "-").replace("＋", "+")
    if not s:
        raise _bad("不能为空")
    original = text.strip()
    negative = False
    if s[0] in "+-":
        negative = s[0] == "-"
        s = s[1:].lstrip()
    if s[:1] in ("¥", "￥"):
        s = s[1:].lstrip()
        if s[:1] in ("+", "-"):
            if negative:
                raise _bad(f"无法识别“{original}”")
            negative = s[0] == "-"
            s = s[1:].lstrip()
    elif s.upper().startswith("RMB"):
        s = s[3:].lstrip()
    elif s.startswith("人民币"):
        s = s[3:].lstrip()
    if s.endswith("整") and len(s) > 1 and s[-2] in "元角分":  # "1234.50元整", "1234元5角整"
        s = s[:-1].rstrip()
    if s.endswith("元") and not re.search(r"[角分]", s) and s.count("元") == 1:
        s = s[:-1].rstrip()
    m = _NUMBER_RE.fullmatch(s)
    if m is not None and (m.group("int") or m.group("frac")):
        number = (m.group("int") or "0").replace(",", "") + "." + (m.group("frac") or "0")
        fen = _decimal_to_fen(Decimal(number), tolerate_noise=False)
    else:
        m2 = _YUAN_JIAO_FEN_RE.fullmatch(s)
        if m2 is None or not any(m2.group(k) for k in ("yuan", "jiao", "fen")):
            raise _bad(f"无法识别“{original}”，请填写如 1234.50 的数字")
        fen = int(m2.group("yuan") or 0) * 100 + int(m2.group("jiao") or 0) * 10 + int(m2.group("fen") or 0)
        if fen > MAX_FEN:
            raise _bad("金额过大")
    return -fen if negative else fen
