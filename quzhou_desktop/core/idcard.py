"""Resident identity numbers (公民身份号码, GB 11643-1999): validation and masking.

An 18-character number is: 6-digit region code, 8-digit birth date (YYYYMMDD), 3-digit sequence (odd for
men, even for women) and a check character computed with ISO 7064 MOD 11-2 (``0-9`` or ``X``).
Pure functions, no I/O.
"""

from __future__ import annotations

import datetime as _dt
import unicodedata
from dataclasses import dataclass

from quzhou_desktop.core.errors import ValidationError

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# First two digits: provinces, autonomous regions, municipalities (GB/T 2260) and the 81/82/83 codes
# used on residence permits for Hong Kong, Macao and Taiwan residents.
_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)
EARLIEST_BIRTH = _dt.date(1890, 1, 1)
FIELD = "身份证号"


@dataclass(frozen=True, slots=True)
class IdCardInfo:
    """A checked identity number and what it encodes."""

    number: str  # 18 characters, upper-case X
    birth_date: _dt.date
    gender: str  # "男" or "女"
    region: str  # the 6-digit region code


class InvalidIdNumber(ValidationError):
    code = "idcard"
    template = "身份证号“{value}”{reason}"


def check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isdigit() or not first17.isascii():
        raise ValueError("need exactly 17 ASCII digits")
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def normalize_id(text: str) -> str:
    """Full-width digits to ASCII, spaces removed, ``x`` upper-cased."""
    s = unicodedata.normalize("NFKC", text) if not text.isascii() else text
    return "".join(s.split()).upper()


def validate_id(text: str, *, today: _dt.date | None = None) -> IdCardInfo:
    """Check an 18-character identity number; raise :class:`InvalidIdNumber` with the reason in Chinese."""
    s = normalize_id(text)
    if len(s) == 15 and s.isdigit():
        raise InvalidIdNumber(value=text, reason="是15位旧号码，已停止使用，请填写18位号码")
    if len(s) != 18:
        raise InvalidIdNumber(value=text, reason=f"应为18位，实际为{len(s)}位")
    if not (s[:17].isdigit() and s[:17].isascii()) or not (s[17].isdigit() or s[17] == "X"):
        raise InvalidIdNumber(value=text, reason="只能由数字组成，最后一位可以是X")
    if int(s[:2]) not in _PROVINCES:
        raise InvalidIdNumber(value=text, reason=f"的前两位“{s[:2]}”不是有效的省级行政区划代码")
    try:
        birth = _dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        raise InvalidIdNumber(value=text, reason=f"中的出生日期“{s[6:14]}”不存在") from None
    today = today or _dt.date.today()
    if birth > today:
        raise InvalidIdNumber(value=text, reason=f"中的出生日期“{s[6:14]}”晚于今天")
    if birth < EARLIEST_BIRTH:
        raise InvalidIdNumber(
            value=text, reason=f"中的出生日期“{s[6:14]}”早于{EARLIEST_BIRTH.year}年，不合理"
        )
    expected = check_digit(s[:17])
    if s[17] != expected:
        raise InvalidIdNumber(value=text, reason=f"的校验位错误（最后一位应为{expected}），请核对是否抄错")
    gender = "男" if int(s[16]) % 2 == 1 else "女"
    return IdCardInfo(number=s, birth_date=birth, gender=gender, region=s[:6])


def mask_id(number: str) -> str:
    """Hide the birth date and sequence: ``330802199001011234`` → ``330802********1234``.

    Shorter or odd strings keep at most their first 6 and last 4 characters visible, never more than half.
    """
    s = normalize_id(number)
    n = len(s)
    if n == 0:
        return ""
    if n >= 12:
        return s[:6] + "*" * (n - 10) + s[-4:]
    keep = n // 4
    return s[:keep] + "*" * (n - 2 * keep) + (s[-keep:] if keep else "")
