"""月度工作例会, month lock/unlock, 工作台 queues, 监督台账 and the plain data for printing and export."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from quzhou_desktop.core.errors import PermissionDenied, ValidationError
from quzhou_desktop.services.exports.registers import register_columns
from quzhou_desktop.services.exports.rows import voucher_rows
from quzhou_desktop.services.vouchers.common import MonthLocked
from quzhou_desktop.services.vouchers.data import (
    LEDGER_EXPORT_HEADERS,
    finance_lines,
    ledger_export_rows,
    monthly_review_notice_data,
    voucher_notice_data,
)
from quzhou_desktop.services.vouchers.flow import review_voucher, sign_voucher
from quzhou_desktop.services.vouchers.monthly import (
    MonthlyReviewFields,
    lock_month,
    monthly_review,
    save_monthly_review,
    sign_monthly_review,
    unlock_month,
)
from quzhou_desktop.services.vouchers.queues import (
    LedgerFilter,
    awaiting_my_review,
    awaiting_my_signature,
    count_ledger,
    ledger_rows,
    months_not_reviewed,
    returned_to_me,
    stale_unreviewed,
)
from quzhou_desktop.services.vouchers.voucher import create_voucher, submit_voucher
from quzhou_desktop.store.models import AuditEntry, LedgerLine
from tests.factories import PASSWORD
from tests.services.vouchers.test_vouchers_world import Village, make_village


@pytest.fixture
def v(world):  # type: ignore[no-untyped-def]
    return make_village(world)


def _reviewed(v: Village, amount_fen: int = 150_000, **kw: object) -> str:
    vid = v.submitted(amount_fen, **kw)
    review_voucher(v.chair, vid, "agree", "", PASSWORD)
    review_voucher(v.member1, vid, "agree", "", PASSWORD)
    v.world.clock.advance(minutes=5)
    return vid


def _meeting(v: Village, attendees: tuple[str, ...] = ("监委甲", "监委乙")) -> MonthlyReviewFields:
    return MonthlyReviewFields(
        meeting_date=date(2026, 11, 20),
        attendee_ids=tuple(v.persons[a] for a in attendees),
        overall_opinion="本月支出票据齐全，程序规范",
        place="村委会会议室",
    )


def test_review_sign_lock_unlock(v: Village) -> None:
    vid = _reviewed(v)
    open_id = v.submitted(80_000, number="002")
    # Given the meeting is recorded and signed
    with pytest.raises(ValidationError, match="请先填写并保存例会记录"):
        sign_monthly_review(v.chair, v.vid, 2026, 11, PASSWORD)
    save_monthly_review(v.chair, v.vid, 2026, 11, _meeting(v))
    sign_monthly_review(v.chair, v.vid, 2026, 11, PASSWORD)
    view = monthly_review(v.chair, v.vid, 2026, 11)
    assert (view.state, view.total_fen, view.open_count) == ("signed", 230_000, 1)
    # When a voucher still awaits review, the month cannot be locked
    with pytest.raises(ValidationError, match="002（待村监会审核）"):
        lock_month(v.chair, v.vid, 2026, 11, PASSWORD)
    review_voucher(v.chair, open_id, "agree", "", PASSWORD)
    review_voucher(v.member2, open_id, "agree", "", PASSWORD)
    lock_month(v.chair, v.vid, 2026, 11, PASSWORD)
    assert monthly_review(v.chair, v.vid, 2026, 11).locked
    # Then nothing dated in the month can be entered
    with pytest.raises(MonthLocked, match="2026年11月已完成村监会月度审核并锁定，不能录入凭证"):
        create_voucher(v.clerk, v.vid, v.fields(number="003"))
    # but the leaders' signatures after the review still go on (先审后签 continues after the meeting)
    assert sign_voucher(v.director, vid, PASSWORD) == "director_signed"
    # Unlocking needs the 乡镇管理员 and a reason, audited with the reason
    with pytest.raises(PermissionDenied, match="不能解锁月份"):
        unlock_month(v.chair, v.vid, 2026, 11, "补录", PASSWORD)
    with pytest.raises(ValidationError, match="解锁原因：不能为空"):
        unlock_month(v.world.admin, v.vid, 2026, 11, " ", PASSWORD)
    unlock_month(v.world.admin, v.vid, 2026, 11, "漏录一张11月发票，经镇农经站同意", PASSWORD)
    view = monthly_review(v.chair, v.vid, 2026, 11)
    assert (view.locked, view.state) == (False, "draft")
    with v.world.db.read() as s:
        reasons = s.scalars(select(AuditEntry.reason).where(AuditEntry.action == "month.unlock")).all()
    assert reasons and all(r == "漏录一张11月发票，经镇农经站同意" for r in reasons)
    create_voucher(v.clerk, v.vid, v.fields(number="003"))


@pytest.mark.parametrize(
    ("attendees", "message"),
    [
        (("监委甲",), "共3人，出席1人，须过半数出席"),
        (("监委乙", "监委丙"), "只有出席例会的村务监督委员会成员才能签署"),
    ],
)
def test_sign_needs_quorum_and_signer_present(v: Village, attendees: tuple[str, ...], message: str) -> None:
    save_monthly_review(v.chair, v.vid, 2026, 11, _meeting(v, attendees))
    with pytest.raises((ValidationError, PermissionDenied), match=message):
        sign_monthly_review(v.chair, v.vid, 2026, 11, PASSWORD)


def test_attendees_only_from_the_committee(v: Village) -> None:
    bad = MonthlyReviewFields(date(2026, 11, 20), (v.persons["主任丁"],), "意见")
    with pytest.raises(ValidationError, match="只能从例会当日在任的村务监督委员会成员中选择"):
        save_monthly_review(v.chair, v.vid, 2026, 11, bad)
    with pytest.raises(ValidationError, match="不能早于2026年11月1日"):
        save_monthly_review(v.chair, v.vid, 2026, 11, MonthlyReviewFields(date(2026, 10, 31), (), ""))
    with pytest.raises(PermissionDenied, match="不能主持村监会月度审核"):
        save_monthly_review(v.member1, v.vid, 2026, 11, _meeting(v))


def test_lock_without_signed_review_refused(v: Village) -> None:
    with pytest.raises(ValidationError, match="本月村监会月度审核例会尚未记录"):
        lock_month(v.chair, v.vid, 2026, 11, PASSWORD)


def test_queues(v: Village) -> None:
    a = v.submitted(100_000, number="001")
    b = v.submitted(120_000, number="002")
    assert {r.id for r in awaiting_my_review(v.member1)} == {a, b}
    review_voucher(v.member1, a, "agree", "", PASSWORD)
    assert {r.id for r in awaiting_my_review(v.member1)} == {b}
    review_voucher(v.chair, a, "agree", "", PASSWORD)
    assert [r.id for r in awaiting_my_signature(v.director)] == [a]
    assert awaiting_my_signature(v.secretary) == []
    review_voucher(v.chair, b, "correct", "缺发票", PASSWORD)
    assert [r.id for r in returned_to_me(v.clerk)] == [b]
    assert awaiting_my_review(v.clerk) == []
    # stale: submitted more than N days ago and not reviewed
    c = v.submitted(50_000, number="003")
    assert stale_unreviewed(v.clerk, days=15) == []
    v.world.clock.advance(days=16)
    assert [r.id for r in stale_unreviewed(v.clerk, days=15)] == [c]
    # months not reviewed: November 2026 once December has started
    assert months_not_reviewed(v.clerk, today=date(2026, 11, 30)) == []
    months = months_not_reviewed(v.clerk, today=date(2026, 12, 1))
    assert [(m.year, m.month, m.voucher_count, m.state) for m in months] == [(2026, 11, 3, "none")]
    assert "溪口村 2026年11月：3张凭证" in months[0].label


def test_supervision_ledger(v: Village) -> None:
    a = _reviewed(v, number="001")
    b = v.submitted(90_000, number="002")
    review_voucher(v.member2, b, "disagree", "招待费超标", PASSWORD)
    assert count_ledger(v.clerk, LedgerFilter(village_id=v.vid)) == 3
    objections = ledger_rows(v.clerk, LedgerFilter(village_id=v.vid, kind="objections"))
    assert [(r.number, r.opinion_label, r.text) for r in objections] == [("002", "不同意", "招待费超标")]
    assert count_ledger(v.clerk, LedgerFilter(year=2026, month=11, kind="agree")) == 2
    assert count_ledger(v.clerk, LedgerFilter(year=2026, month=10)) == 0
    assert count_ledger(v.clerk, LedgerFilter(text="招待")) == 1
    # a search within the village (the walk over its vouchers): opinion text, voucher number, reviewer, no match
    for text, numbers in (("招待", ["002"]), ("001", ["001", "001"]), ("监委丙", ["002"]), ("无此内容", [])):
        flt = LedgerFilter(village_id=v.vid, text=text)
        assert count_ledger(v.clerk, flt) == len(numbers)
        assert (
            sorted(r.number for r in ledger_rows(v.clerk, flt)) == numbers
        )  # the page counting kept, or none
    rows = list(ledger_export_rows(v.clerk, LedgerFilter(village_id=v.vid)))
    assert len(rows) == 3 and all(len(r) == len(LEDGER_EXPORT_HEADERS) for r in rows)
    assert rows[0][1] == "2026年11月" and a


def test_print_and_export_data(v: Village) -> None:
    vid = _reviewed(v, 100_005, number="001")
    data = voucher_notice_data(v.clerk, vid)
    assert data["amount_upper"] == "人民币壹仟元零伍分"  # C24
    assert data["amount_lower"] == "¥1,000.05"
    assert data["date_text"] == "2026年11月3日"
    assert [r["opinion"] for r in data["reviews"]] == ["同意", "同意"]
    assert data["director"] is None and data["tamper"] == []
    save_monthly_review(v.chair, v.vid, 2026, 11, _meeting(v))
    sign_monthly_review(v.chair, v.vid, 2026, 11, PASSWORD)
    m = monthly_review_notice_data(v.chair, v.vid, 2026, 11)
    assert m["attendees"] == ["监委甲", "监委乙"]
    assert m["total_upper"] == "人民币壹仟元零伍分" and m["signed_by"] == "监委甲"
    with v.world.admin.write("test.ledger") as s:
        s.add(LedgerLine(village_id=v.vid, entry_date=date(2026, 11, 5), voucher_no="001", summary="水泥款",
                         expense_fen=100_005))  # fmt: skip
        s.add(
            LedgerLine(
                village_id=v.vid, entry_date=date(2026, 11, 6), summary="土地租金", income_fen=2_000_000
            )
        )
    lines = finance_lines(v.clerk, v.vid, date(2026, 11, 1), date(2026, 11, 30))
    assert [(ln.source, ln.number, ln.review) for ln in lines] == [
        ("账簿", "001", "村监会审核同意"),
        ("账簿", "", ""),
    ]
    assert lines[1].amount_upper == "人民币贰万元整"
    rows = list(voucher_rows(v.clerk, [v.vid], None, None))
    assert len(rows) == 1 and len(rows[0]) == len(register_columns("vouchers"))
    assert rows[0][7] == 100_005 and "村监会审核：同意" in rows[0][-1]


def test_unreviewed_voucher_not_in_finance_lines(v: Village) -> None:
    vid, _ = create_voucher(v.clerk, v.vid, v.fields())
    submit_voucher(v.clerk, vid)
    assert finance_lines(v.clerk, v.vid, date(2026, 11, 1), date(2026, 11, 30)) == []  # C31
