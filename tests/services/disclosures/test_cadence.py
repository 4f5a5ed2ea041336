"""The cadence engine through the services (C20 monthly when busy, else quarterly; C21 by the 20th of the
period's first month), with the boundaries: the 20th, a 31-day month, a quarter boundary, a leap year."""

from __future__ import annotations

from datetime import date

import pytest

from quzhou_desktop.core.disclosures import DueState
from quzhou_desktop.services.disclosures import cadence as cad
from quzhou_desktop.services.disclosures import disclosure as svc
from quzhou_desktop.services.disclosures.disclosure import DisclosureSpec
from quzhou_desktop.services.kernel.settings import update_rules
from tests.support.disclosures import DisclosureStaff
from tests.support.world import PASSWORD


def post_finance(staff: DisclosureStaff, village_id: str, posted: date) -> str:
    """A reviewed, posted 财务公开 on ``posted`` (covering the previous month)."""
    spec = DisclosureSpec(
        village_id=village_id, category="finance", title=f"财务公开{posted}", kind="finance_period",
        item_id=staff.item(village_id, "finance", "quarterly"), period_start=posted.replace(day=1),
        period_end=posted.replace(day=1),
    )  # fmt: skip
    did = svc.create_disclosure(staff.clerk, spec)
    sup = staff.sup if village_id == staff.v0 else staff.sup_other
    svc.review_disclosure(sup, did, password=PASSWORD, opinion="同意")
    svc.post_disclosure(staff.clerk, did, channels=("公开栏",), posted_from=posted, password=PASSWORD)
    return did


def finance_periods(
    staff: DisclosureStaff, village_id: str, since: date, today: date
) -> list[tuple[str, str, int]]:
    vc = cad.village_cadence(staff.clerk, village_id, since=since, today=today)
    fin = next(i for i in vc.items if i.item.category == "finance")
    return [(p.period.label, p.state.value, p.days_late) for p in fin.periods]


# C21: Q3 2024 → by 2024-07-20 (上洋村 is not busy: quarterly)
@pytest.mark.parametrize(
    "posted,today,state,days",
    [
        (date(2024, 7, 20), date(2024, 7, 25), "done", 0),  # on the 20th: in time
        (date(2024, 7, 21), date(2024, 7, 25), "late", 1),
        (date(2024, 7, 1), date(2024, 7, 25), "done", 0),
        (date(2024, 9, 30), date(2024, 9, 30), "late", 72),  # last day of the quarter
        (None, date(2024, 7, 20), "pending", 0),  # the 20th itself is not yet overdue
        (None, date(2024, 7, 21), "overdue", 1),
        (None, date(2024, 8, 31), "overdue", 42),  # across a 31-day month
    ],
    ids=["on-20th", "21st-late", "early", "quarter-end", "pending-on-20th", "overdue-21st", "overdue-aug31"],
)
def test_c21_quarterly_deadline(
    staff: DisclosureStaff, posted: date | None, today: date, state: str, days: int
) -> None:
    if posted is not None:
        post_finance(staff, staff.v1, posted)
    periods = finance_periods(staff, staff.v1, date(2024, 7, 1), today)
    assert periods == [("2024年第3季度", state, days)]


def test_c21_quarter_boundary_counts_for_the_quarter_of_the_posting(staff: DisclosureStaff) -> None:
    post_finance(staff, staff.v1, date(2024, 3, 31))  # Q1: late (deadline 01-20)
    post_finance(staff, staff.v1, date(2024, 4, 1))  # Q2: in time
    periods = finance_periods(staff, staff.v1, date(2024, 1, 1), date(2024, 4, 30))
    assert periods == [("2024年第1季度", "late", 71), ("2024年第2季度", "done", 0)]


# C20: 往来较多 → one per calendar month (溪口村 is busy)
def test_c20_busy_village_jan_and_mar_only_feb_missing(staff: DisclosureStaff) -> None:
    post_finance(staff, staff.v0, date(2024, 1, 15))
    post_finance(staff, staff.v0, date(2024, 3, 10))
    periods = finance_periods(staff, staff.v0, date(2024, 1, 1), date(2024, 3, 31))
    assert periods == [
        ("2024年1月", "done", 0),
        ("2024年2月", "overdue", 40),  # leap year: 02-20 → 03-31 is 40 days
        ("2024年3月", "done", 0),
    ]
    vc = cad.village_cadence(staff.clerk, staff.v0, since=date(2024, 1, 1), today=date(2024, 3, 31))
    assert vc.finance_frequency_label == "每月"


@pytest.mark.parametrize(
    "posted,label,state,days",
    [
        (date(2024, 1, 31), "2024年1月", "late", 11),  # 31-day month: still January
        (date(2024, 2, 29), "2024年2月", "late", 9),  # leap day counts for February
        (date(2024, 2, 20), "2024年2月", "done", 0),
    ],
)
def test_c20_month_ends(staff: DisclosureStaff, posted: date, label: str, state: str, days: int) -> None:
    post_finance(staff, staff.v0, posted)
    periods = finance_periods(staff, staff.v0, posted.replace(day=1), posted)
    assert periods == [(label, state, days)]


def test_c20_configurable_quarterly_for_busy_and_deadline_day(staff: DisclosureStaff) -> None:
    update_rules(
        staff.world.admin,
        {"finance_monthly_if_busy": False, "disclosure_deadline_day": 25},
        credential=PASSWORD,
    )
    post_finance(staff, staff.v0, date(2024, 7, 24))
    periods = finance_periods(staff, staff.v0, date(2024, 7, 1), date(2024, 8, 31))
    assert periods == [("2024年第3季度", "done", 0)]


def test_correction_does_not_count_twice_and_superseded_still_counts(staff: DisclosureStaff) -> None:
    did = post_finance(staff, staff.v1, date(2024, 7, 10))
    new = svc.start_correction(staff.clerk, did, reason="金额有误")
    svc.review_disclosure(staff.sup_other, new, password=PASSWORD, opinion="同意")
    svc.post_disclosure(
        staff.clerk, new, channels=("公开栏",), posted_from=date(2024, 10, 30), password=PASSWORD
    )
    periods = finance_periods(staff, staff.v1, date(2024, 7, 1), date(2024, 11, 30))
    assert periods == [("2024年第3季度", "done", 0), ("2024年第4季度", "overdue", 41)]


def test_township_overview_counts_every_regular_item(staff: DisclosureStaff) -> None:
    rows = {r.village_name: r for r in cad.township_overview(staff.world.admin, since=date(2026, 7, 1))}
    assert set(rows) == {"溪口村", "上洋村"}
    xk, sy = rows["溪口村"], rows["上洋村"]
    # 2026-11-24: monthly finance Jul–Nov all overdue (5); quarterly items Q3+Q4 overdue
    fin_x = next(i for i in xk.items if i.item.category == "finance")
    assert [p.state for p in fin_x.periods] == [DueState.OVERDUE] * 5
    # 固定公开 items (once a year): 2026 overdue since 2026-01-20 (C21, fixed_disclosure_month)
    yearly = [i for i in sy.items if i.yearly]
    assert yearly and all(i.frequency_label == "每年" for i in yearly)
    assert [(p.period.label, p.deadline, p.state) for p in yearly[0].periods] == [
        ("2026年", date(2026, 1, 20), DueState.OVERDUE)
    ]
    n_regular = len([i for i in sy.items if not i.yearly])
    n_yearly = len(yearly)
    assert sy.overdue_count == 2 * n_regular + n_yearly
    assert xk.overdue_count == 5 + 2 * (n_regular - 1) + n_yearly
    assert xk.max_days_overdue == (date(2026, 11, 24) - date(2026, 1, 20)).days
    assert sy.fixed_missing  # 固定公开 items not posted this year are listed
    assert {i.item.category for i in sy.due_now} >= {"finance", "party", "village"}


def test_due_notices_for_batch_printing(staff: DisclosureStaff) -> None:
    draft_fin = svc.create_disclosure(
        staff.clerk, DisclosureSpec(staff.v0, "finance", "未审核", kind="finance_period")
    )
    reviewed_fin = svc.create_disclosure(
        staff.clerk, DisclosureSpec(staff.v0, "finance", "已审核", kind="finance_period")
    )
    svc.review_disclosure(staff.sup, reviewed_fin, password=PASSWORD, opinion="同意")
    party = svc.create_disclosure(staff.clerk, DisclosureSpec(staff.v0, "party", "党务"))
    old = svc.create_disclosure(staff.clerk, DisclosureSpec(staff.v0, "party", "上月已公开"))
    svc.post_disclosure(
        staff.clerk, old, channels=("公开栏",), posted_from=date(2026, 10, 5), password=PASSWORD
    )
    notices = cad.due_notices(staff.clerk, [staff.v0], date(2026, 11, 24))
    assert ("finance", reviewed_fin) in notices and ("disclosure", party) in notices
    assert ("finance", draft_fin) not in notices  # C31
    assert ("disclosure", old) not in notices
