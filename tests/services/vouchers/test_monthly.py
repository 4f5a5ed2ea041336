"""月度工作例会, month lock/unlock, 工作台 queues, 监督台账 and the plain data for printing and export."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select, update

from quzhou_desktop.core.errors import PermissionDenied, ValidationError
from quzhou_desktop.services.exports.registers import register_columns
from quzhou_desktop.services.exports.rows import voucher_rows
from quzhou_desktop.services.vouchers.common import MonthLocked
from quzhou_desktop.services.vouchers.data import (
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
    monthly_reviews,
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
from quzhou_desktop.store.models import AuditEntry, LedgerLine, MonthlyReview, Voucher
from tests.support.vouchers import VoucherVillage
from tests.support.world import PASSWORD


def _reviewed(village: VoucherVillage, amount_fen: int = 150_000, **kw: object) -> str:
    vid = village.submitted(amount_fen, **kw)
    review_voucher(village.chair, vid, "agree", "", PASSWORD)
    review_voucher(village.member1, vid, "agree", "", PASSWORD)
    village.world.clock.advance(minutes=5)
    return vid


def _meeting(
    village: VoucherVillage, attendees: tuple[str, ...] = ("监委甲", "监委乙")
) -> MonthlyReviewFields:
    return MonthlyReviewFields(
        meeting_date=date(2026, 11, 20),
        attendee_ids=tuple(village.persons[a] for a in attendees),
        overall_opinion="本月支出票据齐全，程序规范",
        place="村委会会议室",
    )


def test_review_sign_lock_unlock(village: VoucherVillage) -> None:
    vid = _reviewed(village)
    open_id = village.submitted(80_000, number="002")
    # Given the meeting is recorded and signed
    with pytest.raises(ValidationError, match="请先填写并保存例会记录"):
        sign_monthly_review(village.chair, village.vid, 2026, 11, PASSWORD)
    save_monthly_review(village.chair, village.vid, 2026, 11, _meeting(village))
    # a voucher still open: no signature, the refusal names it, its state and who must act …
    view = monthly_review(village.chair, village.vid, 2026, 11)
    assert "凭证002（待村监会审核，须村监会成员审核）" in view.sign_block
    with pytest.raises(ValidationError, match=r"凭证002（待村监会审核，须村监会成员审核）"):
        sign_monthly_review(village.chair, village.vid, 2026, 11, PASSWORD)
    # … unless the meeting records why; the reason is kept with the review and signed with it
    why = "002号凭证发票在补开中，下次例会审核"
    save_monthly_review(
        village.chair, village.vid, 2026, 11, replace(_meeting(village), unreviewed_reason=why)
    )
    assert monthly_review(village.chair, village.vid, 2026, 11).sign_block == ""
    sign_monthly_review(village.chair, village.vid, 2026, 11, PASSWORD)
    view = monthly_review(village.chair, village.vid, 2026, 11)
    assert (view.state, view.total_fen, view.open_count) == ("signed", 230_000, 1)
    assert view.unreviewed_reason == why and not any(i.opinion == why for i in view.items)
    # When a voucher still awaits review, the month cannot be locked
    with pytest.raises(ValidationError, match="凭证002（待村监会审核，须村监会成员审核）"):
        lock_month(village.chair, village.vid, 2026, 11, PASSWORD)
    review_voucher(village.chair, open_id, "agree", "", PASSWORD)
    review_voucher(village.member2, open_id, "agree", "", PASSWORD)
    lock_month(village.chair, village.vid, 2026, 11, PASSWORD)
    assert monthly_review(village.chair, village.vid, 2026, 11).locked
    # Then nothing dated in the month can be entered
    with pytest.raises(MonthLocked, match="2026年11月已完成村监会月度审核并锁定，不能录入凭证"):
        create_voucher(village.clerk, village.vid, village.fields(number="003"))
    # but the leaders' signatures after the review still go on (先审后签 continues after the meeting)
    assert sign_voucher(village.director, vid, PASSWORD) == "director_signed"
    # Unlocking needs the 乡镇管理员 and a reason, audited with the reason
    with pytest.raises(PermissionDenied, match="不能解锁月份"):
        unlock_month(village.chair, village.vid, 2026, 11, "补录", PASSWORD)
    with pytest.raises(ValidationError, match="解锁原因：不能为空"):
        unlock_month(village.world.admin, village.vid, 2026, 11, " ", PASSWORD)
    unlock_month(village.world.admin, village.vid, 2026, 11, "漏录一张11月发票，经镇农经站同意", PASSWORD)
    view = monthly_review(village.chair, village.vid, 2026, 11)
    assert (view.locked, view.state) == (False, "draft")
    with village.world.db.read() as s:
        reasons = s.scalars(select(AuditEntry.reason).where(AuditEntry.action == "month.unlock")).all()
    assert reasons and all(r == "漏录一张11月发票，经镇农经站同意" for r in reasons)
    create_voucher(village.clerk, village.vid, village.fields(number="003"))


@pytest.mark.parametrize(
    ("attendees", "message"),
    [
        (("监委甲",), "共3人，出席1人，须过半数出席"),
        (("监委乙", "监委丙"), "只有出席例会的村务监督委员会成员才能签署"),
    ],
)
def test_sign_needs_quorum_and_signer_present(
    village: VoucherVillage, attendees: tuple[str, ...], message: str
) -> None:
    save_monthly_review(village.chair, village.vid, 2026, 11, _meeting(village, attendees))
    with pytest.raises((ValidationError, PermissionDenied), match=message):
        sign_monthly_review(village.chair, village.vid, 2026, 11, PASSWORD)


def test_attendees_only_from_the_committee(village: VoucherVillage) -> None:
    bad = MonthlyReviewFields(date(2026, 11, 20), (village.persons["主任丁"],), "意见")
    with pytest.raises(ValidationError, match="只能从例会当日在任的村务监督委员会成员中选择"):
        save_monthly_review(village.chair, village.vid, 2026, 11, bad)
    with pytest.raises(ValidationError, match="不能早于2026年11月1日"):
        save_monthly_review(
            village.chair, village.vid, 2026, 11, MonthlyReviewFields(date(2026, 10, 31), (), "")
        )
    with pytest.raises(PermissionDenied, match="不能主持村监会月度审核"):
        save_monthly_review(village.member1, village.vid, 2026, 11, _meeting(village))


def test_lock_without_signed_review_refused(village: VoucherVillage) -> None:
    with pytest.raises(ValidationError, match="本月村监会月度审核例会尚未记录"):
        lock_month(village.chair, village.vid, 2026, 11, PASSWORD)


def test_queues(village: VoucherVillage) -> None:
    a = village.submitted(100_000, number="001")
    b = village.submitted(120_000, number="002")
    assert {r.id for r in awaiting_my_review(village.member1)} == {a, b}
    review_voucher(village.member1, a, "agree", "", PASSWORD)
    assert {r.id for r in awaiting_my_review(village.member1)} == {b}
    review_voucher(village.chair, a, "agree", "", PASSWORD)
    assert [r.id for r in awaiting_my_signature(village.director)] == [a]
    assert awaiting_my_signature(village.secretary) == []
    review_voucher(village.chair, b, "correct", "缺发票", PASSWORD)
    assert [r.id for r in returned_to_me(village.clerk)] == [b]
    assert awaiting_my_review(village.clerk) == []
    # stale: submitted more than N days ago and not reviewed
    c = village.submitted(50_000, number="003")
    assert stale_unreviewed(village.clerk, days=15) == []
    village.world.clock.advance(days=16)
    assert [r.id for r in stale_unreviewed(village.clerk, days=15)] == [c]
    # months not reviewed: November 2026 once December has started
    assert months_not_reviewed(village.clerk, today=date(2026, 11, 30)) == []
    months = months_not_reviewed(village.clerk, today=date(2026, 12, 1))
    assert [(m.year, m.month, m.voucher_count, m.state) for m in months] == [(2026, 11, 3, "none")]
    assert "溪口村 2026年11月：3张凭证" in months[0].label


def test_months_not_reviewed_skips_signed_months_between_open_ones(village: VoucherVillage) -> None:
    """Only the months without a signed review are counted (a signed month between two open ones, a draft, a
    voided voucher left out), for the township or for one village."""
    for n, day in enumerate((date(2026, 8, 10), date(2026, 9, 10), date(2026, 9, 20), date(2026, 10, 10),
                             date(2026, 11, 3), date(2026, 11, 4))):  # fmt: skip
        create_voucher(
            village.clerk, village.vid, village.fields(10_000 * (n + 1), number=f"0{n}", voucher_date=day)
        )
    with village.world.admin.write("test.reviews") as s:
        s.add(MonthlyReview(village_id=village.vid, year=2026, month=9, state="signed"))
        s.add(MonthlyReview(village_id=village.vid, year=2026, month=10, state="draft"))
        s.execute(update(Voucher).where(Voucher.number == "05").values(status="void"))
    expected = [(2026, 8, 1, 10_000, "none"), (2026, 10, 1, 40_000, "draft"), (2026, 11, 1, 50_000, "none")]
    for ctx, village_id in ((village.clerk, None), (village.world.admin, village.vid)):
        got = months_not_reviewed(ctx, today=date(2026, 12, 1), village_id=village_id)
        assert [(m.year, m.month, m.voucher_count, m.total_fen, m.state) for m in got] == expected
    other = village.world.village_ids[1]
    assert months_not_reviewed(village.world.admin, today=date(2026, 12, 1), village_id=other) == []
    with pytest.raises(PermissionDenied):
        months_not_reviewed(village.clerk, today=date(2026, 12, 1), village_id=other)


def test_supervision_ledger(village: VoucherVillage) -> None:
    a = _reviewed(village, number="001")
    b = village.submitted(90_000, number="002")
    review_voucher(village.member2, b, "disagree", "招待费超标", PASSWORD)
    assert count_ledger(village.clerk, LedgerFilter(village_id=village.vid)) == 3
    objections = ledger_rows(village.clerk, LedgerFilter(village_id=village.vid, kind="objections"))
    assert [(r.number, r.opinion_label, r.text) for r in objections] == [("002", "不同意", "招待费超标")]
    assert count_ledger(village.clerk, LedgerFilter(year=2026, month=11, kind="agree")) == 2
    assert count_ledger(village.clerk, LedgerFilter(year=2026, month=10)) == 0
    assert count_ledger(village.clerk, LedgerFilter(text="招待")) == 1
    # a search within the village (the walk over its vouchers): opinion text, voucher number, reviewer, no match
    for text, numbers in (("招待", ["002"]), ("001", ["001", "001"]), ("监委丙", ["002"]), ("无此内容", [])):
        flt = LedgerFilter(village_id=village.vid, text=text)
        assert count_ledger(village.clerk, flt) == len(numbers)
        # the page counting kept, or none
        assert sorted(r.number for r in ledger_rows(village.clerk, flt)) == numbers
    rows = list(ledger_export_rows(village.clerk, LedgerFilter(village_id=village.vid)))
    assert len(rows) == 3 and all(len(r) == len(register_columns("supervision")) for r in rows)
    assert rows[0][1] == "2026年11月" and a


def test_print_and_export_data(village: VoucherVillage) -> None:
    vid = _reviewed(village, 100_005, number="001")
    data = voucher_notice_data(village.clerk, vid)
    assert data["amount_upper"] == "人民币壹仟元零伍分"  # C24
    assert data["amount_lower"] == "¥1,000.05"
    assert data["date_text"] == "2026年11月3日"
    assert [r["opinion"] for r in data["reviews"]] == ["同意", "同意"]
    assert data["director"] is None and data["tamper"] == []
    save_monthly_review(village.chair, village.vid, 2026, 11, _meeting(village))
    sign_monthly_review(village.chair, village.vid, 2026, 11, PASSWORD)
    m = monthly_review_notice_data(village.chair, village.vid, 2026, 11)
    assert m["attendees"] == ["监委甲", "监委乙"]
    assert m["total_upper"] == "人民币壹仟元零伍分" and m["signed_by"] == "监委甲"
    with village.world.admin.write("test.ledger") as s:
        s.add(LedgerLine(village_id=village.vid, entry_date=date(2026, 11, 5), voucher_no="001", summary="水泥款",
                         expense_fen=100_005))  # fmt: skip
        s.add(
            LedgerLine(
                village_id=village.vid, entry_date=date(2026, 11, 6), summary="土地租金", income_fen=2_000_000
            )
        )
    lines = finance_lines(village.clerk, village.vid, date(2026, 11, 1), date(2026, 11, 30))
    assert [(ln.source, ln.number, ln.review) for ln in lines] == [
        ("账簿", "001", "村监会审核同意"),
        ("账簿", "", ""),
    ]
    assert lines[1].amount_upper == "人民币贰万元整"
    rows = list(voucher_rows(village.clerk, [village.vid], None, None))
    assert len(rows) == 1 and len(rows[0]) == len(register_columns("vouchers"))
    assert rows[0][7] == 100_005 and "村监会审核：同意" in rows[0][-1]


def test_unreviewed_voucher_not_in_finance_lines(village: VoucherVillage) -> None:
    vid, _ = create_voucher(village.clerk, village.vid, village.fields())
    submit_voucher(village.clerk, vid)
    assert finance_lines(village.clerk, village.vid, date(2026, 11, 1), date(2026, 11, 30)) == []  # C31


def test_refusals_name_the_real_state_and_who_must_act(village: VoucherVillage) -> None:
    _reviewed(village)
    waiting = village.submitted(80_000, number="002")
    review_voucher(village.chair, waiting, "correct", "缺发票", PASSWORD)
    save_monthly_review(village.chair, village.vid, 2026, 11, _meeting(village))
    view = monthly_review(village.chair, village.vid, 2026, 11)
    assert [b.text for b in view.blockers] == ["凭证002（待报账员补正，须报账员补正后重新提交）"]
    assert "未审核完毕：凭证002（待报账员补正" in view.sign_block
    with pytest.raises(ValidationError, match="待报账员补正，须报账员补正后重新提交"):
        sign_monthly_review(village.chair, village.vid, 2026, 11, PASSWORD)


def test_month_rows_read_as_columns_equal_the_vouchers_rows(village: VoucherVillage) -> None:
    """The monthly review reads its vouchers as columns; each row equals ``row_of`` the voucher object, in the
    same order, superseded versions left out as before."""
    from quzhou_desktop.services.vouchers.month_gather import month_rows
    from quzhou_desktop.services.vouchers.monthly import _month_vouchers
    from quzhou_desktop.services.vouchers.query import row_of

    _reviewed(village, 120_000)
    _reviewed(village, 80_000, number="002")
    village.submitted(50_000, number="003")
    with village.world.db.read() as s:
        expected = [row_of(v, "某村") for v in _month_vouchers(s, village.vid, 2026, 11)]
        assert len(expected) == 3
        key = (village.vid, 2026, 11)
        assert month_rows(s, [key], {village.vid: "某村"})[key] == expected
    view = monthly_review(village.chair, village.vid, 2026, 11)
    assert [i.voucher.id for i in view.items] == [r.id for r in expected]


def test_months_gathered_together_equal_each_month_read_alone(village: VoucherVillage) -> None:
    """``monthly_reviews`` reads the months of several villages with a few queries (a print batch); each view equals
    ``monthly_review`` of that month: recorded or not, with vouchers or none, another village's roster."""
    _reviewed(village, 120_000)
    village.submitted(50_000, number="003")
    save_monthly_review(village.chair, village.vid, 2026, 11, _meeting(village))
    admin, other = village.world.admin, village.world.village_ids[1]
    keys = [(village.vid, 2026, 11), (village.vid, 2026, 10), (other, 2026, 11), (village.vid, 2026, 11)]
    together = monthly_reviews(admin, keys)
    assert list(together) == keys[:3]
    for key in keys:
        assert together[key] == monthly_review(admin, *key), key
    view = together[(village.vid, 2026, 11)]
    assert len(view.items) == 2 and view.state == "draft" and len(view.members) == 3
    assert together[(other, 2026, 11)].items == () and together[(other, 2026, 11)].state == "none"
