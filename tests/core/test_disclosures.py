"""三务公开: C20 cadence, C21 deadlines, C22 民主评议, C23 replies, C31 pre-review."""

from __future__ import annotations

from datetime import date

import pytest

from quzhou_desktop.core.dates import Period
from quzhou_desktop.core.disclosures import (
    CATALOGUE,
    DisclosureCategory,
    DisclosureKind,
    DueState,
    EvaluationResult,
    check_can_post,
    check_finance_cadence,
    due_disclosures,
    evaluate_evaluations,
    period_deadline,
    reply_deadline,
    reply_status,
)
from quzhou_desktop.core.rules_config import TownshipRules

RULES = TownshipRules()
D = date.fromisoformat


def test_catalogue_covers_every_cell_used_by_domain() -> None:
    cells = {(i.category, i.kind) for i in CATALOGUE}
    for cat in DisclosureCategory:
        assert (cat, DisclosureKind.REGULAR) in cells
        assert (cat, DisclosureKind.IMMEDIATE) in cells
    assert (DisclosureCategory.PARTY, DisclosureKind.FIXED) in cells
    assert all(i.title and i.cadence and i.source for i in CATALOGUE)


@pytest.mark.parametrize(
    ("published", "busy", "start", "end", "missing"),
    [
        pytest.param(["2024-01-15", "2024-03-15"], True, "2024-01-01", "2024-03-31", ["2024年2月"],
                     id="C20-busy-jan-mar-only-feb-missing"),
        pytest.param(["2024-01-15", "2024-03-15"], False, "2024-01-01", "2024-03-31", [],
                     id="C20-not-busy-one-per-quarter"),
        pytest.param(["2024-01-31", "2024-02-01", "2024-03-01"], True, "2024-01-01", "2024-03-31", [],
                     id="C20-busy-month-boundaries"),
        pytest.param(["2024-03-31"], False, "2024-01-01", "2024-06-30", ["2024年第2季度"],
                     id="C20-quarter-boundary-0331-counts-for-Q1"),
        pytest.param(["2024-04-01"], False, "2024-01-01", "2024-06-30", ["2024年第1季度"],
                     id="C20-quarter-boundary-0401-counts-for-Q2"),
        pytest.param(["2028-02-29"], True, "2028-02-01", "2028-02-29", [], id="C20-leap-day"),
    ],
)  # fmt: skip
def test_c20_cadence(published: list[str], busy: bool, start: str, end: str, missing: list[str]) -> None:
    findings = check_finance_cadence([D(p) for p in published], D(start), D(end), busy=busy, rules=RULES)
    assert [f.detail for f in findings] == missing
    assert all(f.code == "C20" for f in findings)


def test_c20_busy_flag_off_by_config() -> None:
    rules = RULES.with_changes(finance_monthly_if_busy=False)
    assert (
        check_finance_cadence([D("2024-01-15")], D("2024-01-01"), D("2024-03-31"), busy=True, rules=rules)
        == []
    )


@pytest.mark.parametrize(
    ("period", "deadline"),
    [
        pytest.param(Period(2024, 7, 3), D("2024-07-20"), id="C21-Q3-2024-0720"),
        pytest.param(Period(2025, 1, 3), D("2025-01-20"), id="C21-Q1-2025"),
        pytest.param(Period(2024, 2, 1), D("2024-02-20"), id="C21-monthly-feb"),
    ],
)
def test_c21_deadline(period: Period, deadline: date) -> None:
    assert period_deadline(period, RULES) == deadline


@pytest.mark.parametrize(
    ("published", "today", "state", "days"),
    [
        pytest.param("2024-07-20", "2024-07-25", DueState.DONE, 0, id="C21-0720-on-time-inclusive"),
        pytest.param("2024-07-22", "2024-07-25", DueState.LATE, 2, id="C21-0722-late-2-days"),
        pytest.param(None, "2024-07-20", DueState.PENDING, 0, id="C21-not-yet-due"),
        pytest.param(None, "2024-07-21", DueState.OVERDUE, 1, id="C21-overdue-1-day"),
        pytest.param(None, "2024-08-31", DueState.OVERDUE, 42, id="C21-overdue-31-day-month"),
    ],
)
def test_c21_due_state(published: str | None, today: str, state: DueState, days: int) -> None:
    items = due_disclosures(
        [D(published)] if published else [], D("2024-07-01"), D(today), busy=False, rules=RULES
    )
    assert len(items) == 1
    [item] = items
    assert (item.state, item.days_late, item.deadline) == (state, days, D("2024-07-20"))
    assert item.period.label in item.explanation


def test_c21_monthly_when_busy() -> None:
    items = due_disclosures([D("2024-01-10")], D("2024-01-01"), D("2024-03-05"), busy=True, rules=RULES)
    assert [(i.period.label, i.state) for i in items] == [
        ("2024年1月", DueState.DONE),
        ("2024年2月", DueState.OVERDUE),
        ("2024年3月", DueState.PENDING),
    ]
    assert items[1].days_late == 14  # 2024-02-20 → 2024-03-05 in a leap year


E = EvaluationResult


@pytest.mark.parametrize(
    ("evals", "first", "last", "missing", "terminate"),
    [
        pytest.param([("2023-12-01", E.INCOMPETENT), ("2024-12-01", E.INCOMPETENT)], 2023, 2024, (), True,
                     id="C22-2023-2024-incompetent-terminate"),
        pytest.param([("2023-12-01", E.INCOMPETENT), ("2024-06-01", E.COMPETENT), ("2024-12-01", E.INCOMPETENT)],
                     2023, 2024, (), False, id="C22-not-consecutive"),
        pytest.param([("2023-12-01", E.BASICALLY_COMPETENT)], 2023, 2025, (2024, 2025), False,
                     id="C22-missing-years"),
        pytest.param([("2024-12-01", E.INCOMPETENT), ("2023-12-01", E.INCOMPETENT)], 2023, 2024, (), True,
                     id="C22-unsorted-input"),
    ],
)  # fmt: skip
def test_c22_evaluations(
    evals: list[tuple[str, EvaluationResult]],
    first: int,
    last: int,
    missing: tuple[int, ...],
    terminate: bool,
) -> None:
    status = evaluate_evaluations([(D(d), r) for d, r in evals], first, last, person="张三")
    assert status.missing_years == missing
    assert status.terminate is terminate
    assert all(f.code == "C22" for f in status.findings)
    if terminate:
        assert "张三" in status.findings[-1].message


@pytest.mark.parametrize(
    ("objection", "reply", "today", "late", "days", "rules"),
    [
        pytest.param("2024-03-01", "2024-03-12", "2024-03-12", True, 1, RULES, id="C23-0301-0312-late"),
        pytest.param("2024-03-01", "2024-03-11", "2024-03-20", False, 0, RULES, id="C23-0301-0311-on-time"),
        pytest.param("2024-03-01", None, "2024-03-11", False, 0, RULES, id="C23-pending-last-day"),
        pytest.param("2024-03-01", None, "2024-03-15", True, 4, RULES, id="C23-unanswered-overdue"),
        pytest.param("2024-03-01", "2024-03-09", "2024-03-09", True, 1, RULES.with_changes(reply_days=7),
                     id="C23-cfg-7-days"),
        pytest.param("2028-02-25", "2028-03-07", "2028-03-07", True, 1, RULES, id="C23-leap-year-0307-late"),
        pytest.param("2027-02-25", "2027-03-07", "2027-03-07", False, 0, RULES, id="C23-non-leap-0307-ok"),
    ],
)  # fmt: skip
def test_c23_reply(
    objection: str, reply: str | None, today: str, late: bool, days: int, rules: TownshipRules
) -> None:
    status = reply_status(D(objection), D(reply) if reply else None, D(today), rules)
    assert (status.late, status.days_late) == (late, days)
    assert status.deadline == reply_deadline(D(objection), rules)


@pytest.mark.parametrize(
    ("category", "reviewed", "levels"),
    [
        pytest.param(DisclosureCategory.FINANCE, False, ["error"], id="C31-finance-no-review-block"),
        pytest.param(DisclosureCategory.FINANCE, True, [], id="C31-finance-reviewed"),
        pytest.param(DisclosureCategory.VILLAGE, False, ["warning"], id="C31-village-warning"),
        pytest.param(DisclosureCategory.PARTY, True, [], id="C31-party-reviewed"),
    ],
)
def test_c31_pre_review(category: DisclosureCategory, reviewed: bool, levels: list[str]) -> None:
    assert [f.level for f in check_can_post(category, reviewed=reviewed)] == levels


@pytest.mark.parametrize(
    ("published", "month", "today", "states"),
    [
        pytest.param(["2024-01-18"], 1, "2025-01-10", [("2024年", DueState.DONE), ("2025年", DueState.PENDING)],
                     id="C21-fixed-yearly-on-time-then-pending"),
        pytest.param(["2024-02-03"], 1, "2024-03-01", [("2024年", DueState.LATE)], id="C21-fixed-late"),
        pytest.param(["2024-02-03"], 2, "2024-03-01", [("2024年", DueState.DONE)], id="C21-fixed-month-setting"),
        pytest.param([], 1, "2024-01-21", [("2024年", DueState.OVERDUE)], id="C21-fixed-overdue"),
    ],
)  # fmt: skip
def test_c21_fixed_items_are_due_once_a_year(
    published: list[str], month: int, today: str, states: list[tuple[str, DueState]]
) -> None:
    rules = RULES.with_changes(fixed_disclosure_month=month)
    items = due_disclosures(
        [D(p) for p in published], D("2024-01-01"), D(today), busy=False, rules=rules, yearly=True
    )
    assert [(i.period.label, i.state) for i in items] == states
    assert items[0].deadline == date(2024, month, 20)
    assert "固定公开" in items[0].explanation


def test_c21_yearly_deadline_of_a_fixed_disclosure_record() -> None:
    from quzhou_desktop.services.disclosures.disclosure import due_date_for

    rules = RULES.with_changes(fixed_disclosure_month=3, disclosure_deadline_day=15)
    due = due_date_for("fixed", D("2025-12-31"), busy=False, rules=rules, category="party")
    assert due == D("2025-03-15")
