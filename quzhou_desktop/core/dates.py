"""Dates: counted-day periods (C39), 成文日期 (C27), 发文字号 (C28), months and quarters.

Periods in days start the day after the triggering day (开始的当日不计入, 民法典 第二百零一条); "以上/以内"
include the number itself (民法典 第一千二百五十九条).  So a 15-day posting started on 05-01 runs 05-02…05-16 and the next step may be held
on 05-17 (C11).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.core.money import Finding

__all__ = [
    "Period",
    "bill_date_upper",
    "earliest_after",
    "format_chinese_date",
    "latest_notice_date",
    "month_of",
    "months_between",
    "notice_gap_ok",
    "parse_chinese_date",
    "parse_date",
    "period_last_day",
    "quarter_of",
    "validate_chinese_date",
    "validate_doc_number",
]


def period_last_day(start: date, days: int) -> date:
    """Last counted day of a ``days``-day period triggered on ``start`` (counting from the next day)."""
    if days < 0:
        raise ValueError("days must not be negative")
    return start + timedelta(days=days)


def earliest_after(start: date, days: int) -> date:
    """First day after a ``days``-day period triggered on ``start`` has fully elapsed.

    C11: posted 2024-05-01, 15 days → 2024-05-17.  C12: posted 06-03, 3 days → may come down 06-07.
    """
    return period_last_day(start, days) + timedelta(days=1)


def latest_notice_date(meeting: date, days: int) -> date:
    """Latest day a notice may be given for a meeting needing ``days`` days' notice (C13: 06-20, 10 → 06-10)."""
    return meeting - timedelta(days=days)


def notice_gap_ok(notice: date, meeting: date, days: int) -> bool:
    """C13: the gap between notice and meeting is at least ``days`` days."""
    return (meeting - notice).days >= days


# ---------------------------------------------------------------------------------------------------------
# 成文日期 and 发文字号


def format_chinese_date(d: date) -> str:
    """GB/T 9704 成文日期: Arabic digits, full year, no padding: "2026年11月24日"."""
    return f"{d.year}年{d.month}月{d.day}日"


_CN_DATE_RE = re.compile(r"(\d{4})年([1-9]\d?)月([1-9]\d?)日")


def validate_chinese_date(text: str) -> list[Finding]:
    """C27: "2024年5月1日" ok; "2024年05月01日", "二〇二四年…", "2024年2月30日" rejected."""
    m = _CN_DATE_RE.fullmatch(text or "")
    if m is None:
        if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", text or ""):
            msg = "成文日期的月、日不编虚位，应写作如“2024年5月1日”"
            return [Finding("error", "C27", msg, "padding")]
        return [Finding("error", "C27", "成文日期应用阿拉伯数字写作如“2024年5月1日”", "format")]
    try:
        date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return [Finding("error", "C27", f"“{text}”不是真实存在的日期", "calendar")]
    return []


def parse_chinese_date(text: str) -> date:
    """Parse a valid 成文日期; raises ``ValidationError`` (field "成文日期") otherwise."""
    findings = validate_chinese_date(text)
    if findings:
        raise ValidationError(field="成文日期", reason=findings[0].message)
    m = _CN_DATE_RE.fullmatch(text)
    assert m is not None
    return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


_DOC_NO_RE = re.compile(r"(.+)〔(\d{4})〕([1-9]\d*)号")


def validate_doc_number(text: str) -> list[Finding]:
    """C28 发文字号: "衢柯〔2024〕3号" ok; "[2024]03号", "第3号", "〔2024〕3号" (no 机关代字) rejected."""
    t = text or ""
    if _DOC_NO_RE.fullmatch(t):
        return []
    if "第" in t:
        return [Finding("error", "C28", "发文字号中不加“第”字", "di")]
    if re.search(r"[\[(（【]\d{4}[\])）】]", t):
        return [Finding("error", "C28", "年份应使用六角括号“〔〕”括入", "brackets")]
    if re.search(r"〕0\d*号$", t):
        return [Finding("error", "C28", "发文顺序号不编虚位（不加“0”）", "leading_zero")]
    if t.startswith("〔"):
        return [Finding("error", "C28", "发文字号应以发文机关代字开头", "no_agency")]
    return [Finding("error", "C28", "发文字号应写作如“衢柯〔2024〕3号”", "format")]


# ---------------------------------------------------------------------------------------------------------
# lenient parsing for imports and typing

_DATE_TEXT_RE = re.compile(r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?")


def parse_date(value: str | date | datetime) -> date:
    """Read a date as typed or imported: date objects, "2026-10-05", "2026/10/5", "2026年10月5日", "2026.10.05".

    Raises ``ValidationError`` (field "日期") for anything else, including impossible dates.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValidationError(field="日期", reason=f"无法识别“{value!r}”")
    text = value.strip().translate(str.maketrans("０１２３４５６７８９／－．", "0123456789/-."))
    m = _DATE_TEXT_RE.fullmatch(text)
    if m is None:
        m8 = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
        if m8 is None:
            raise ValidationError(field="日期", reason=f"无法识别“{value}”，请写作如 2026-10-05")
        m = m8
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError as exc:
        raise ValidationError(field="日期", reason=f"“{value}”不是真实存在的日期") from exc


# ---------------------------------------------------------------------------------------------------------
# months and quarters


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month (``months == 1``), quarter (``months == 3``) or year (``months == 12``, first_month 1)
    starting at ``first_month``."""

    year: int
    first_month: int
    months: int = 1

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        last_month = self.first_month + self.months - 1
        return date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end

    @property
    def label(self) -> str:
        if self.months == 12:
            return f"{self.year}年"
        if self.months == 3:
            return f"{self.year}年第{(self.first_month - 1) // 3 + 1}季度"
        return f"{self.year}年{self.first_month}月"

    def next(self) -> Period:
        m = self.first_month + self.months
        if m > 12:
            return Period(self.year + 1, m - 12, self.months)
        return Period(self.year, m, self.months)


def quarter_of(d: date) -> Period:
    return Period(d.year, (d.month - 1) // 3 * 3 + 1, 3)


def month_of(d: date) -> Period:
    return Period(d.year, d.month, 1)


def year_of(d: date) -> Period:
    return Period(d.year, 1, 12)


def months_between(start: date, end: date, *, quarterly: bool = False) -> list[Period]:
    """Months (or quarters) from the one containing ``start`` to the one containing ``end``, inclusive."""
    p = quarter_of(start) if quarterly else month_of(start)
    out: list[Period] = []
    while p.start <= end:
        out.append(p)
        p = p.next()
    return out


# ---------------------------------------------------------------------------------------------------------
# bill dates (出票日期) in uppercase, after the 基本规定 of the 支付结算办法

_UP = "零壹贰叁肆伍陆柒捌玖"


def _upper_month_day(n: int, *, is_day: bool) -> str:
    if n < 10:
        # months 壹/贰 and days 壹–玖 get a leading 零 (the 基本规定 of the 支付结算办法)
        return ("零" if is_day or n <= 2 else "") + _UP[n]
    tens, ones = divmod(n, 10)
    text = _UP[tens] + "拾" + (_UP[ones] if ones else "")
    if ones == 0:  # 壹拾/贰拾/叁拾 get a leading 零; 拾壹–拾玖 are written 壹拾壹…
        text = "零" + text
    return text


def bill_date_upper(d: date) -> str:
    """Uppercase bill date (the 基本规定 of the 支付结算办法): 2024-01-15 → "贰零贰肆年零壹月壹拾伍日"; 10月20日 → "零壹拾月零贰拾日"."""
    year = "".join(_UP[int(ch)] for ch in str(d.year))
    return f"{year}年{_upper_month_day(d.month, is_day=False)}月{_upper_month_day(d.day, is_day=True)}日"
