"""Counted days (C39), C11–C13 periods, C27 成文日期, C28 发文字号, months and quarters."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from quzhou_desktop.core.dates import (
    Period,
    bill_date_upper,
    earliest_after,
    format_chinese_date,
    latest_notice_date,
    month_of,
    months_between,
    notice_gap_ok,
    parse_chinese_date,
    parse_date,
    period_last_day,
    quarter_of,
    validate_chinese_date,
    validate_doc_number,
)
from quzhou_desktop.core.errors import ValidationError


@pytest.mark.parametrize(
    ("start", "days", "last", "earliest"),
    [
        pytest.param(date(2024, 5, 1), 15, date(2024, 5, 16), date(2024, 5, 17), id="C11-0501-15d-0517"),
        pytest.param(date(2024, 6, 3), 3, date(2024, 6, 6), date(2024, 6, 7), id="C12-0603-3d-0607"),
        pytest.param(
            date(2024, 1, 31), 1, date(2024, 2, 1), date(2024, 2, 2), id="C39-next-day-31-day-month"
        ),
        pytest.param(date(2028, 2, 20), 15, date(2028, 3, 6), date(2028, 3, 7), id="C39-leap-2028"),
        pytest.param(date(2027, 2, 20), 15, date(2027, 3, 7), date(2027, 3, 8), id="C39-non-leap-2027"),
        pytest.param(date(2028, 2, 29), 3, date(2028, 3, 3), date(2028, 3, 4), id="C39-from-0229"),
        pytest.param(date(2024, 12, 25), 15, date(2025, 1, 9), date(2025, 1, 10), id="C39-year-end"),
        pytest.param(date(2024, 5, 1), 0, date(2024, 5, 1), date(2024, 5, 2), id="C39-zero-days"),
    ],
)
def test_counted_days(start: date, days: int, last: date, earliest: date) -> None:
    assert period_last_day(start, days) == last
    assert earliest_after(start, days) == earliest


@pytest.mark.parametrize(
    ("meeting", "days", "notice", "ok"),
    [
        pytest.param(date(2024, 6, 20), 10, date(2024, 6, 10), True, id="C13-villagers-0610-ok"),
        pytest.param(date(2024, 6, 20), 10, date(2024, 6, 11), False, id="C13-villagers-0611-late"),
        pytest.param(date(2024, 6, 20), 3, date(2024, 6, 17), True, id="C13-reps-3d-ok"),
        pytest.param(date(2024, 6, 20), 3, date(2024, 6, 18), False, id="C13-reps-2d-late"),
        pytest.param(date(2024, 3, 1), 10, date(2024, 2, 20), True, id="C13-leap-feb-2024"),
    ],
)
def test_c13_notice_gap(meeting: date, days: int, notice: date, ok: bool) -> None:
    assert notice_gap_ok(notice, meeting, days) is ok
    assert (notice <= latest_notice_date(meeting, days)) is ok


@pytest.mark.parametrize(
    ("d", "text"),
    [
        pytest.param(date(2026, 11, 24), "2026年11月24日", id="C27-format"),
        pytest.param(date(2024, 5, 1), "2024年5月1日", id="C27-no-padding"),
    ],
)
def test_format_chinese_date(d: date, text: str) -> None:
    assert format_chinese_date(d) == text
    assert validate_chinese_date(text) == []
    assert parse_chinese_date(text) == d


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        pytest.param("2024年05月01日", "padding", id="C27-padded-reject"),
        pytest.param("二〇二四年五月一日", "format", id="C27-chinese-numerals-reject"),
        pytest.param("2024-05-01", "format", id="C27-iso-reject"),
        pytest.param("2024年2月30日", "calendar", id="C27-feb-30-reject"),
        pytest.param("2027年2月29日", "calendar", id="C27-non-leap-reject"),
        pytest.param("2024年13月1日", "calendar", id="C27-month-13-reject"),
    ],
)
def test_c27_rejects(text: str, detail: str) -> None:
    findings = validate_chinese_date(text)
    assert [f.detail for f in findings] == [detail]
    assert findings[0].code == "C27"
    with pytest.raises(ValidationError):
        parse_chinese_date(text)


def test_c27_leap_day_ok() -> None:
    assert validate_chinese_date("2028年2月29日") == []


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        pytest.param("衢柯〔2024〕3号", None, id="C28-ok"),
        pytest.param("村委〔2026〕12号", None, id="C28-ok-two-digits"),
        pytest.param("[2024]03号", "brackets", id="C28-square-brackets"),
        pytest.param("衢柯（2024）3号", "brackets", id="C28-round-brackets"),
        pytest.param("衢柯〔2024〕第3号", "di", id="C28-di"),
        pytest.param("衢柯〔2024〕03号", "leading_zero", id="C28-leading-zero"),
        pytest.param("〔2024〕3号", "no_agency", id="C28-no-agency"),
        pytest.param("衢柯〔24〕3号", "format", id="C28-short-year"),
        pytest.param("衢柯〔2024〕3", "format", id="C28-no-hao"),
    ],
)
def test_c28_doc_number(text: str, detail: str | None) -> None:
    findings = validate_doc_number(text)
    assert [f.detail for f in findings] == ([] if detail is None else [detail])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("2026-10-05", date(2026, 10, 5), id="date-iso"),
        pytest.param("2026/10/5", date(2026, 10, 5), id="date-slash"),
        pytest.param("2026年10月5日", date(2026, 10, 5), id="date-chinese"),
        pytest.param("2026.10.05", date(2026, 10, 5), id="date-dots"),
        pytest.param("２０２６－１０－０５", date(2026, 10, 5), id="date-fullwidth"),
        pytest.param("20261005", date(2026, 10, 5), id="date-compact"),
        pytest.param(date(2026, 10, 5), date(2026, 10, 5), id="date-object"),
        pytest.param(datetime(2026, 10, 5, 9, 30), date(2026, 10, 5), id="date-datetime"),
        pytest.param("2028-02-29", date(2028, 2, 29), id="date-leap"),
    ],
)
def test_parse_date(value: str | date, expected: date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("2027-02-29", id="date-non-leap"),
        pytest.param("2026-13-01", id="date-month-13"),
        pytest.param("10/05/2026", id="date-us-order"),
        pytest.param("", id="date-empty"),
        pytest.param("明天", id="date-words"),
    ],
)
def test_parse_date_rejects(value: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_date(value)
    assert info.value.params["field"] == "日期"


@pytest.mark.parametrize(
    ("d", "quarter_start", "quarter_end", "label"),
    [
        pytest.param(
            date(2024, 7, 1), date(2024, 7, 1), date(2024, 9, 30), "2024年第3季度", id="Q3-first-day"
        ),
        pytest.param(
            date(2024, 9, 30), date(2024, 7, 1), date(2024, 9, 30), "2024年第3季度", id="Q3-last-day"
        ),
        pytest.param(
            date(2024, 10, 1), date(2024, 10, 1), date(2024, 12, 31), "2024年第4季度", id="Q4-first"
        ),
        pytest.param(date(2028, 2, 29), date(2028, 1, 1), date(2028, 3, 31), "2028年第1季度", id="Q1-leap"),
    ],
)
def test_quarters(d: date, quarter_start: date, quarter_end: date, label: str) -> None:
    q = quarter_of(d)
    assert (q.start, q.end, q.label) == (quarter_start, quarter_end, label)
    assert q.contains(d)


@pytest.mark.parametrize(
    ("d", "end"),
    [
        pytest.param(date(2028, 2, 10), date(2028, 2, 29), id="month-feb-leap"),
        pytest.param(date(2027, 2, 10), date(2027, 2, 28), id="month-feb"),
        pytest.param(date(2024, 1, 31), date(2024, 1, 31), id="month-31"),
        pytest.param(date(2024, 4, 2), date(2024, 4, 30), id="month-30"),
    ],
)
def test_months(d: date, end: date) -> None:
    assert month_of(d).end == end


def test_months_between_crosses_year() -> None:
    months = months_between(date(2024, 11, 15), date(2025, 2, 1))
    assert [m.label for m in months] == ["2024年11月", "2024年12月", "2025年1月", "2025年2月"]
    quarters = months_between(date(2024, 11, 15), date(2025, 4, 1), quarterly=True)
    assert quarters == [Period(2024, 10, 3), Period(2025, 1, 3), Period(2025, 4, 3)]


@pytest.mark.parametrize(
    ("d", "text"),
    [
        pytest.param(date(2024, 1, 15), "贰零贰肆年零壹月壹拾伍日", id="bill-date-0115"),
        pytest.param(date(2024, 10, 20), "贰零贰肆年零壹拾月零贰拾日", id="bill-date-1020"),
        pytest.param(date(2024, 3, 9), "贰零贰肆年叁月零玖日", id="bill-date-0309"),
        pytest.param(date(2024, 2, 30 - 1), "贰零贰肆年零贰月贰拾玖日", id="bill-date-0229"),
        pytest.param(date(2024, 12, 31), "贰零贰肆年壹拾贰月叁拾壹日", id="bill-date-1231"),
        pytest.param(date(2024, 11, 30), "贰零贰肆年壹拾壹月零叁拾日", id="bill-date-1130"),
        pytest.param(date(2024, 11, 10), "贰零贰肆年壹拾壹月零壹拾日", id="bill-date-1110"),
    ],
)
def test_bill_date_upper(d: date, text: str) -> None:
    assert bill_date_upper(d) == text
