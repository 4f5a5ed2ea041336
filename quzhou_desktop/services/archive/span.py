"""The span of an archive: a calendar year, or the dates of a 任期 or a 离任审计."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from quzhou_desktop.core.errors import ValidationError

__all__ = ["Span", "span_of"]

FIRST_YEAR = 1980  # older than any record a village keeps in this app


@dataclass(frozen=True)
class Span:
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        """ "2026年" for a whole year, else "2024年1月1日至2026年6月30日"."""
        if (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31) and (
            self.start.year == self.end.year
        ):
            return f"{self.start.year}年"
        return f"{_cn(self.start)}至{_cn(self.end)}"


def _cn(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def span_of(year: int | None, date_from: dt.date | None = None, date_to: dt.date | None = None) -> Span:
    """The year, or the dates (both needed; they win over the year). Refused with a Chinese reason."""
    if date_from is not None or date_to is not None:
        if date_from is None or date_to is None:
            raise ValidationError(field="期间", reason="按起止日期编制档案时，开始日期和结束日期都要写")
        if date_from > date_to:
            raise ValidationError(field="期间", reason="开始日期晚于结束日期")
        return Span(date_from, date_to)
    if year is None:
        raise ValidationError(field="年度", reason="请写出档案的年度（如 2026），或起止日期")
    if not FIRST_YEAR <= year <= 2100:
        raise ValidationError(field="年度", reason=f"“{year}”不是有效的年度，请写四位数年份，如 2026")
    return Span(dt.date(year, 1, 1), dt.date(year, 12, 31))
