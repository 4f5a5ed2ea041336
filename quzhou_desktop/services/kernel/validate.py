"""Small field validators shared by services. Each raises ValidationError naming the field in Chinese."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from quzhou_desktop.core.errors import ValidationError

_SPACES = re.compile(r"[\s\u3000]+")


def clean_text(value: str | None) -> str:
    """NFC, trimmed, inner runs of spaces (incl. full-width) folded."""
    if value is None:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()


def clean_name(value: str | None) -> str:
    """A person's or village's name: no spaces at all between CJK characters."""
    text = clean_text(value)
    if re.fullmatch(r"[\u3400-\u9fff\U00020000-\U0003ffff· ]+", text):
        text = text.replace(" ", "")
    return text


def required(value: str | None, field: str, *, max_len: int = 200) -> str:
    text = clean_text(value)
    if not text:
        raise ValidationError(field=field, reason="不能为空")
    if len(text) > max_len:
        raise ValidationError(field=field, reason=f"不能超过{max_len}个字（现在{len(text)}个）")
    return text


def optional(value: str | None, field: str, *, max_len: int = 200) -> str | None:
    text = clean_text(value)
    if not text:
        return None
    if len(text) > max_len:
        raise ValidationError(field=field, reason=f"不能超过{max_len}个字（现在{len(text)}个）")
    return text


def non_negative_int(value: int | str | None, field: str, *, maximum: int = 10_000_000) -> int:
    try:
        n = int(str(value).strip()) if value is not None and str(value).strip() != "" else 0
    except ValueError:
        raise ValidationError(field=field, reason=f"“{value}”不是整数") from None
    if n < 0:
        raise ValidationError(field=field, reason="不能是负数")
    if n > maximum:
        raise ValidationError(field=field, reason=f"不能大于{maximum}")
    return n


_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{7,8})$")


def phone(value: str | None, field: str = "联系电话") -> str | None:
    text = clean_text(value).replace(" ", "")
    if not text:
        return None
    text = unicodedata.normalize("NFKC", text)
    if not _PHONE.match(text):
        raise ValidationError(field=field, reason=f"“{text}”不像手机号（11位）或固定电话（区号-号码）")
    return text


def gender(value: str | None) -> str | None:
    text = clean_text(value)
    if not text:
        return None
    if text in ("男", "女"):
        return text
    raise ValidationError(field="性别", reason=f"只能填“男”或“女”，不能是“{text}”")


def date_range(start: date, end: date | None, *, start_field: str, end_field: str) -> None:
    if end is not None and end < start:
        raise ValidationError(field=end_field, reason=f"不能早于{start_field}（{start.isoformat()}）")
