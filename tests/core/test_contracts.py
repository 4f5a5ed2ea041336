"""Collective contracts: C33 (a disposal needs a passed 决议 before signing) and C34 (schedule lines paid / not due /
due / overdue with the township's grace, nothing paid beyond the contract amount)."""

from __future__ import annotations

from datetime import date

import pytest

from quzhou_desktop.core.contracts import (
    AssetKind,
    AssetStatus,
    ContractKind,
    Decision,
    Direction,
    LineState,
    check_decision,
    check_payments,
    check_schedule,
    even_schedule,
    line_status,
)
from quzhou_desktop.core.meetings import Body
from quzhou_desktop.core.rules_config import TownshipRules

D = date.fromisoformat
K = ContractKind
PASSED = Decision(Body.REPRESENTATIVES, True, D("2026-03-10"), "村集体闲置仓库对外租赁")


@pytest.mark.parametrize(
    ("kind", "decision", "signed", "detail"),
    [
        pytest.param(K.LEASE, None, D("2026-04-01"), "missing", id="C33-5-year-hall-lease-without-decision"),
        pytest.param(K.CONTRACTING, Decision(), D("2026-04-01"), "missing", id="C33-empty-decision"),
        pytest.param(K.LEASE, PASSED, D("2026-04-01"), None, id="C33-representatives-passed-before-signing"),
        pytest.param(K.CONTRACTING, Decision(Body.VILLAGERS, True, D("2026-03-10")), D("2026-03-10"), None,
                     id="C33-villagers-same-day"),
        pytest.param(K.LEASE, Decision(Body.JOINT, True, D("2026-03-10")), D("2026-04-01"), "body",
                     id="C33-joint-meeting-minutes-only"),
        pytest.param(K.LEASE, Decision(Body.REPRESENTATIVES, False, D("2026-03-10")), D("2026-04-01"),
                     "not_passed", id="C33-failed-vote"),
        pytest.param(K.LEASE, PASSED, D("2026-03-09"), "after_signing", id="C33-signed-before-decision"),
        pytest.param(K.LEASE, Decision(written="2019年5月村民代表会议决议（纸质）"), D("2020-01-01"), None,
                     id="C33-paper-decision-named"),
        pytest.param(K.WORKS, None, D("2026-04-01"), None, id="C33-works-not-a-disposal"),
        pytest.param(K.PURCHASE, None, D("2026-04-01"), None, id="C33-purchase-not-a-disposal"),
        pytest.param(K.SERVICE, None, D("2026-04-01"), None, id="C33-service-not-a-disposal"),
    ],
)  # fmt: skip
def test_c33_disposal_needs_a_passed_decision(
    kind: ContractKind, decision: Decision | None, signed: date, detail: str | None
) -> None:
    found = check_decision(kind, decision, signed_on=signed)
    if detail is None:
        assert found == []
    else:
        assert [(f.code, f.level, f.detail) for f in found] == [("C33", "error", detail)]
        assert "村民委员会组织法》第二十四条" in found[0].shown


GRACE0 = TownshipRules()
GRACE15 = TownshipRules(contract_grace_days=15)


@pytest.mark.parametrize(
    ("today", "paid", "rules", "state", "outstanding", "days"),
    [
        pytest.param("2026-03-30", 800_000, GRACE0, LineState.NOT_DUE, 400_000, 0, id="C34-before-due"),
        pytest.param("2026-03-31", 800_000, GRACE0, LineState.DUE, 400_000, 0, id="C34-on-due-date"),
        pytest.param("2026-04-01", 800_000, GRACE0, LineState.OVERDUE, 400_000, 1,
                     id="C34-12000-due-0331-8000-received-4000-overdue-from-0401"),
        pytest.param("2026-04-15", 800_000, GRACE15, LineState.DUE, 400_000, 0, id="C34-inside-15-day-grace"),
        pytest.param("2026-04-16", 800_000, GRACE15, LineState.OVERDUE, 400_000, 1, id="C34-grace-ended"),
        pytest.param("2026-05-01", 1_200_000, GRACE0, LineState.PAID, 0, 0, id="C34-paid-in-full"),
        pytest.param("2026-05-01", 1_500_000, GRACE0, LineState.PAID, 0, 0, id="C34-more-than-the-line"),
    ],
)  # fmt: skip
def test_c34_line_states(
    today: str, paid: int, rules: TownshipRules, state: LineState, outstanding: int, days: int
) -> None:
    st = line_status(D("2026-03-31"), 1_200_000, paid, D(today), rules)
    assert (st.state, st.outstanding_fen, st.days_overdue) == (state, outstanding, days)
    if state is LineState.OVERDUE and rules is GRACE0:
        assert st.overdue_from == D("2026-04-01")
        assert "¥4,000.00自2026年4月1日起逾期" in st.explanation


def test_c34_labels_follow_the_direction() -> None:
    assert LineState.PAID.label(Direction.RECEIVABLE) == "已收清"
    assert LineState.DUE.label(Direction.PAYABLE) == "到期待付"
    st = line_status(D("2026-03-31"), 100_000, 0, D("2026-06-01"), GRACE0, direction=Direction.PAYABLE)
    assert "应付" in st.explanation


@pytest.mark.parametrize(
    ("amount", "paid", "new", "detail"),
    [
        pytest.param(1_200_000, 800_000, 400_000, None, id="C34-exactly-the-contract-amount"),
        pytest.param(1_200_000, 800_000, 400_001, "beyond_contract", id="C34-one-fen-beyond"),
        pytest.param(1_200_000, 0, 0, "not_positive", id="C34-zero-payment"),
    ],
)
def test_c34_payments_beyond_the_contract_amount(
    amount: int, paid: int, new: int, detail: str | None
) -> None:
    found = check_payments(amount, paid, new)
    assert [f.detail for f in found] == ([] if detail is None else [detail])
    assert all(f.code == "C34" and f.level == "error" for f in found)


@pytest.mark.parametrize(
    ("lines", "details"),
    [
        pytest.param([("2026-04-01", 600_000), ("2027-04-01", 600_000)], [], id="C34-schedule-equals-amount"),
        pytest.param([("2026-04-01", 600_000), ("2027-04-01", 700_000)], ["schedule_beyond"],
                     id="C34-schedule-beyond-amount"),
        pytest.param([("2026-04-01", 600_000)], ["schedule_short"], id="C34-schedule-short-is-a-warning"),
        pytest.param([("2026-04-01", 600_000), ("2031-04-01", 600_000)], ["outside_term"],
                     id="C34-line-after-the-term"),
        pytest.param([("2026-04-01", 0), ("2027-04-01", 1_200_000)], ["line_not_positive"], id="C34-zero-line"),
    ],
)  # fmt: skip
def test_c34_schedule_against_the_contract(lines: list[tuple[str, int]], details: list[str]) -> None:
    found = check_schedule(1_200_000, [(D(d), a) for d, a in lines], D("2026-04-01"), D("2028-03-31"))
    assert [f.detail for f in found] == details


def test_even_schedule_splits_the_term_and_keeps_every_fen() -> None:
    lines = even_schedule(D("2026-04-01"), D("2031-03-31"), 6_000_001, "year")
    assert [d for d, _ in lines] == [D(f"{y}-04-01") for y in range(2026, 2031)]
    assert sum(a for _, a in lines) == 6_000_001 and lines[-1][1] == 1_200_001
    assert even_schedule(D("2026-01-31"), D("2026-04-30"), 300, "month") == [
        (D("2026-01-31"), 75), (D("2026-02-28"), 75), (D("2026-03-31"), 75), (D("2026-04-30"), 75),
    ]  # fmt: skip
    assert even_schedule(D("2026-04-01"), D("2026-12-31"), 50_000, "once") == [(D("2026-04-01"), 50_000)]
    assert even_schedule(D("2026-04-01"), D("2026-03-31"), 50_000, "year") == []


def test_kinds_say_what_they_dispose_of() -> None:
    assert [k for k in ContractKind if k.disposes_property] == [K.CONTRACTING, K.LEASE]
    assert K.LEASE.direction is Direction.RECEIVABLE and K.WORKS.direction is Direction.PAYABLE
    assert [k.label for k in ContractKind] == ["发包/承包", "租赁", "工程", "采购", "服务"]
    assert {k for k in AssetKind if k.is_resource} == {AssetKind.LAND, AssetKind.WATER, AssetKind.FOREST}
    assert AssetKind.LAND.unit == "亩" and AssetKind.BUILDING.unit == "平方米"
    assert [s.label for s in AssetStatus] == ["自用", "出租", "承包", "闲置"]
    assert {s for s in AssetStatus if s.needs_contract} == {AssetStatus.LEASED, AssetStatus.CONTRACTED}
