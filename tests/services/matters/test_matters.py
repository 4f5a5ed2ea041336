"""五议两公开 register services over a real (in-memory) SQLite: the life of a matter, refusals with their
Chinese reasons (C1–C15), immutability, amendments and their audit entries, permissions."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from quzhou_desktop.core.errors import Conflict, PermissionDenied, QuzhouError, ValidationError
from quzhou_desktop.core.matters import StepNotAllowed, StepType
from quzhou_desktop.printing.documents import RegisterForm, ResolutionNotice
from quzhou_desktop.services.demo.state import DEMO_PASSWORD as PASSWORD
from quzhou_desktop.services.matters import matter as M
from quzhou_desktop.services.matters import steps as S
from quzhou_desktop.services.matters.export import export_rows
from quzhou_desktop.services.matters.matter import get_matter
from quzhou_desktop.services.notices.issue import build_document
from quzhou_desktop.store.models import AuditEntry
from tests.support.matters import D0, TODAY, MattersTown, meeting, new_matter, posting, run_to


def test_whole_life_of_a_matter(town: MattersTown) -> None:
    # Given a new matter
    m = new_matter(town)
    assert (m.status, m.current_step_label, m.overdue) == ("in_progress", "尚未开始", False)
    # When every step is recorded in order
    steps = run_to(town, m.id, "result_disclosure")
    # Then each vote carries the arithmetic and the matter is complete
    assert "会议有效" in steps["deliberate"]["outcome_text"]
    assert steps["resolve"]["passed"] is True and steps["resolve"]["entitled_count"] == 45
    d = M.get_matter(town.clerk, m.id)
    assert d.matter.status == "completed" and d.matter.status_label == "已完成"
    assert [s.label for s in d.steps] == [
        "村党组织提议", "村务联席会议商议", "方案公示", "党员大会审议", "村民（代表）会议决议", "决议公开", "组织实施", "实施结果公开",
    ]  # fmt: skip
    assert d.due.step is None and d.due.explanation == "五议两公开程序已全部完成"
    # And every finalisation is in the audit chain
    with town.clerk.read() as s:
        actions = list(s.scalars(select(AuditEntry.action).where(AuditEntry.entity == "matter_step")))
    assert actions.count("matter.finalize_step") >= 8


def test_due_dates_follow_the_posting_period(town: MattersTown) -> None:
    m = new_matter(town)
    run_to(town, m.id, "plan_posting")
    d = M.get_matter(town.clerk, m.id)
    # C11: posted 09-05, 15 days counted from 09-06 → 审议 from 09-21
    assert d.due.step is not None and d.due.step.value == "deliberate"
    assert d.due.earliest == date(2026, 9, 21)


@pytest.mark.parametrize(
    ("days_after_posting", "ok"),
    [(15, False), (16, True)],  # C11: 15 counted days from the day after posting
)
def test_c11_deliberation_only_after_the_posting_period(
    town: MattersTown, days_after_posting: int, ok: bool
) -> None:
    m = new_matter(town)
    run_to(town, m.id, "plan_posting")
    posted = D0 + timedelta(4)
    inp = meeting(town, "deliberate", "party", posted + timedelta(days_after_posting))
    if ok:
        assert S.save_step(town.clerk, m.id, inp, final=True, password=PASSWORD).is_final
    else:
        with pytest.raises(StepNotAllowed, match="须公示满15日，2026年9月21日起方可审议"):
            S.save_step(town.clerk, m.id, inp, final=True, password=PASSWORD)


@pytest.mark.parametrize(("removal_offset", "ok"), [(15, False), (16, True)])
def test_c11_plan_posting_cannot_come_down_early(town: MattersTown, removal_offset: int, ok: bool) -> None:
    m = new_matter(town)
    run_to(town, m.id, "consult")
    start = D0 + timedelta(4)
    inp = posting("plan_posting", start, start + timedelta(removal_offset))
    if ok:
        S.save_step(town.clerk, m.id, inp, final=True, password=PASSWORD)
    else:
        with pytest.raises(QuzhouError, match="须公示满15日"):
            S.save_step(town.clerk, m.id, inp, final=True, password=PASSWORD)


@pytest.mark.parametrize(("removal_offset", "ok"), [(3, False), (4, True)])  # C12: posted 06-03 → down 06-07
def test_c12_resolution_posting_period(town: MattersTown, removal_offset: int, ok: bool) -> None:
    m = new_matter(town)
    run_to(town, m.id, "resolve")
    start = D0 + timedelta(24)
    inp = posting("resolution_disclosure", start, start + timedelta(removal_offset))
    if ok:
        S.save_step(town.clerk, m.id, inp, final=True, password=PASSWORD)
    else:
        with pytest.raises(StepNotAllowed, match="须公示满3日") as exc:
            S.save_step(town.clerk, m.id, inp, final=True, password=PASSWORD)
        assert exc.value.params["rule"] == "C12"


@pytest.mark.parametrize(("notice_days", "ok"), [(2, False), (3, True)])  # C13: 代表会议 3 days' notice
def test_c13_representatives_notice(town: MattersTown, notice_days: int, ok: bool) -> None:
    m = new_matter(town)
    run_to(town, m.id, "deliberate")
    on = D0 + timedelta(23)
    inp = meeting(town, "resolve", "representatives", on, notice_date=on - timedelta(notice_days))
    if ok:
        S.save_step(town.clerk, m.id, inp, final=True, password=PASSWORD)
    else:
        with pytest.raises(StepNotAllowed, match="应提前3日即2026年9月21日前通知"):
            S.save_step(town.clerk, m.id, inp, final=True, password=PASSWORD)


def test_c13_missing_notice_is_a_warning_not_a_refusal(town: MattersTown) -> None:
    m = new_matter(town)
    run_to(town, m.id, "deliberate")
    check = S.check_step_input(
        town.clerk, m.id, meeting(town, "resolve", "representatives", D0 + timedelta(23))
    )
    assert check.can_finalize and any("未记录村民代表会议的通知日期" in w for w in check.warnings)
    # the warning cites where the notice period comes from, not the rule id
    assert all("依据" in w and "C13" not in w for w in check.warnings)


REFUSALS = [
    # (rule, recorded before, the refused input, expected Chinese text)
    ("C10", "propose", lambda town: meeting(town, "deliberate", "party", D0 + timedelta(5)), "之前须先完成"),
    ("C10", "consult", lambda town: meeting(town, "propose", "branch", D0 + timedelta(5)), "不能重复"),
    (
        "C10",
        "consult",
        lambda town: posting("plan_posting", D0 + timedelta(1), D0 + timedelta(30)),
        "早于上一步",
    ),
]


@pytest.mark.parametrize(("rule", "before", "make", "text"), REFUSALS)
def test_c10_order_and_dates(town: MattersTown, rule: str, before: str, make: Any, text: str) -> None:
    m = new_matter(town)
    run_to(town, m.id, before)
    with pytest.raises(StepNotAllowed, match=text) as exc:
        S.save_step(town.clerk, m.id, make(town), final=True, password=PASSWORD)
    assert exc.value.params["rule"] == rule


@pytest.mark.parametrize(
    ("body", "ok"),
    [("representatives", False), ("villagers", True)],  # C15: 村规民约 only by the 村民会议
)
def test_c15_village_rules_need_the_villagers_meeting(town: MattersTown, body: str, ok: bool) -> None:
    m = new_matter(town, category="village_rules", title="修订村规民约")
    run_to(town, m.id, "deliberate")
    on = D0 + timedelta(32)
    if body == "villagers":
        # 1130 adults: 566 present is more than half (C1), 10 days' notice (C13)
        inp = replace(
            meeting(town, "resolve", "villagers", on, notice_date=on - timedelta(10)),
            attendance=(), present_count=566, household_reps_present=0, votes_for=300, votes_against=200,
        )  # fmt: skip
    else:
        inp = meeting(town, "resolve", "representatives", on, notice_date=on - timedelta(5))
    if ok:
        v = S.save_step(town.clerk, m.id, inp, final=True, password=PASSWORD)
        assert v["passed"] is True and "到会566人" in v["outcome_text"]
    else:
        with pytest.raises(StepNotAllowed, match="只能由村民会议决定") as exc:
            S.save_step(town.clerk, m.id, inp, final=True, password=PASSWORD)
        assert exc.value.params["rule"] == "C15"


def test_c13_villagers_meeting_needs_ten_days(town: MattersTown) -> None:
    m = new_matter(town, category="charter", title="修改村民自治章程")
    run_to(town, m.id, "deliberate")
    on = D0 + timedelta(32)
    inp = replace(
        meeting(town, "resolve", "villagers", on, notice_date=on - timedelta(9)),
        attendance=(), present_count=600, household_reps_present=0, votes_for=400, votes_against=100,
    )  # fmt: skip
    with pytest.raises(StepNotAllowed, match="应提前10日"):
        S.save_step(town.clerk, m.id, inp, final=True, password=PASSWORD)


@pytest.mark.parametrize(
    ("absent", "valid"),
    [(15, True), (16, False)],  # C3 worked example: M=45 → P=30 valid, P=29 invalid
)
def test_c3_quorum_of_the_representatives(town: MattersTown, absent: int, valid: bool) -> None:
    m = new_matter(town)
    run_to(town, m.id, "deliberate")
    on = D0 + timedelta(23)
    inp = meeting(town, "resolve", "representatives", on, absent=absent, notice_date=on - timedelta(3))
    if valid:
        assert S.save_step(town.clerk, m.id, inp, final=True, password=PASSWORD)["valid"] is True
        return
    check = S.check_step_input(town.clerk, m.id, inp)
    assert check.outcome is not None and not check.outcome.valid
    assert "应到45人，实到29人，不足三分之二（需30人），会议无效" in check.outcome.explanation
    # the meeting took place: it is recorded as 会议无效 (no invented figures), once, and moves nothing
    assert check.can_finalize and check.refusal == "" and "事项不推进" in check.outcome_note
    before = get_matter(town.clerk, m.id).matter
    step = S.save_step(town.clerk, m.id, inp, final=True, password=PASSWORD)
    assert step.is_final and step["valid"] is False and step.result_label == "会议无效" and not step.in_run
    after = get_matter(town.clerk, m.id)
    assert after.matter.status == "in_progress" and after.matter.current_step == before.current_step
    assert after.due.step is StepType.RESOLVE  # still due: a new meeting may be held
    again = replace(inp, meeting_date=on + timedelta(7), notice_date=on + timedelta(3))
    again = replace(again, attendance=meeting(town, "resolve", "representatives", on, absent=0).attendance)
    assert S.save_step(town.clerk, m.id, again, final=True, password=PASSWORD)["valid"] is True
    assert get_matter(town.clerk, m.id).due.step is StepType.RESOLUTION_DISCLOSURE


def test_c7_c9_exclusions_and_probationary_members(town: MattersTown) -> None:
    m = new_matter(town)
    run_to(town, m.id, "plan_posting")
    on = D0 + timedelta(20)
    base = meeting(town, "deliberate", "party", on)
    roster = S.meeting_roster(town.clerk, town.vid, "party", on)
    assert roster.voting_members == 32 and len(roster.entries) == 34  # 2 预备党员 (C9)
    first = base.attendance[0]
    no_reason = replace(
        base, attendance=(S.AttendanceEntry(first.person_id, "excluded"), *base.attendance[1:]), votes_for=31
    )
    with pytest.raises(ValidationError, match="须写明原因"):
        S.save_step(town.clerk, m.id, no_reason, final=True, password=PASSWORD)
    ok = replace(
        no_reason,
        attendance=(S.AttendanceEntry(first.person_id, "excluded", "外出半年以上"), *base.attendance[1:]),
    )
    v = S.save_step(town.clerk, m.id, ok, final=True, password=PASSWORD)
    # C7: 32 正式党员, 1 excluded → 应到31; 预备党员 present but not counted (C9)
    assert v["entitled_count"] == 31 and v["present_count"] == 31
    assert "经批准不计入1人" in v["outcome_text"] and "预备党员2人" in v["outcome_text"]


def test_votes_more_than_voters_are_refused(town: MattersTown) -> None:
    m = new_matter(town)
    inp = replace(meeting(town, "propose", "branch", D0), votes_for=6)
    with pytest.raises(ValidationError, match="多于有表决权的到会人数5人"):
        S.save_step(town.clerk, m.id, inp, final=True, password=PASSWORD)


def test_failed_vote_closes_the_run_and_a_new_run_is_linked(town: MattersTown) -> None:
    m = new_matter(town)
    run_to(town, m.id, "plan_posting")
    # 党员大会: 应到32, 16 yes is not more than half (需17) → 未通过
    failed = S.save_step(
        town.clerk,
        m.id,
        meeting(town, "deliberate", "party", D0 + timedelta(20), yes=16),
        final=True,
        password=PASSWORD,
    )
    assert failed["passed"] is False and "未超过半数（需17人），未通过" in failed["outcome_text"]
    d = M.get_matter(town.clerk, m.id)
    assert d.matter.status_label == "未通过" and d.due.step is None
    with pytest.raises(Conflict, match="不能再登记步骤"):
        S.save_step(
            town.clerk,
            m.id,
            meeting(town, "resolve", "representatives", D0 + timedelta(25)),
            final=True,
            password=PASSWORD,
        )
    with pytest.raises(ValidationError, match="请写明方案作了哪些修改"):
        M.start_new_run(town.clerk, m.id, reason=" ")
    new = M.start_new_run(town.clerk, m.id, reason="补偿标准下调")
    assert (new.run_no, new.previous_run_id, new.display_title) == (2, m.id, "村道硬化工程（第2轮）")
    assert M.get_matter(town.clerk, m.id).later_run_id == new.id
    with pytest.raises(Conflict, match="已经重新提议过"):
        M.start_new_run(town.clerk, m.id, reason="再次")


def test_final_steps_are_immutable_and_corrected_by_audited_amendments(town: MattersTown) -> None:
    m = new_matter(town)
    steps = run_to(town, m.id, "consult")
    consult = steps["consult"]
    with pytest.raises(Conflict, match="已定稿，不能再修改"):
        S.save_step(
            town.clerk,
            m.id,
            meeting(town, "consult", "joint", D0 + timedelta(3)),
            step_id=consult.id,
            final=True,
            password=PASSWORD,
        )
    with pytest.raises(ValidationError, match="表决结果定稿后不能更正"):
        S.amend_step(town.clerk, consult.id, {"votes_for": "3"}, reason="录错")
    with pytest.raises(ValidationError, match="须写明原因"):
        S.amend_step(town.clerk, consult.id, {"minutes": "补记"}, reason="")
    v = S.amend_step(town.clerk, consult.id, {"minutes": "补记：村监会主任列席"}, reason="据手写记录补正")
    assert v["minutes"] == "补记：村监会主任列席"
    assert v.amendments[0].reason == "据手写记录补正" and v.amendments[0].changes[0][0] == "会议记录"
    with town.clerk.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.entity == "step_amendment")).one()
        row_minutes = json.loads(
            s.scalars(
                select(AuditEntry.after_json)
                .where(AuditEntry.entity_id == consult.id)
                .order_by(AuditEntry.seq.desc())
            ).first()
            or "{}"
        )["minutes"]
    assert (entry.action, entry.reason, entry.username) == ("matter.amend_step", "据手写记录补正", "wenshu")
    assert row_minutes is None  # the step row itself was never updated in place
    # the printed register shows a corrected text, and the 台账 export names each correction with its reason
    S.amend_step(town.clerk, consult.id, {"decision_text": "同意方案（修正稿）"}, reason="据会议原件更正")
    reg = build_document(town.clerk, "register", m.id)
    assert isinstance(reg, RegisterForm) and reg.steps[1].content == "同意方案（修正稿）"
    (row,) = [r for r in export_rows(town.clerk) if r["step"] == "村务联席会议商议"]
    assert "更正会议记录，原因：据手写记录补正" in row["corrections"]
    assert "更正决议内容，原因：据会议原件更正" in row["corrections"]


def test_matter_fields_lock_after_first_final_step(town: MattersTown) -> None:
    m = new_matter(town)
    fields = M.MatterFields(
        village_id=town.vid, title="村道硬化工程（一期）", category="public_welfare", source="村干部提议"
    )
    m2 = M.update_matter(town.clerk, m.id, fields, expected_version=m.row_version)
    assert m2.title == "村道硬化工程（一期）"
    run_to(town, m.id, "propose")
    version = M.get_matter(town.clerk, m.id).matter.row_version
    with pytest.raises(Conflict, match="已有定稿的步骤"):
        M.update_matter(town.clerk, m.id, fields, expected_version=version)


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({"title": " "}, "事项名称：不能为空"),
        ({"source": "群众来信"}, "动议来源"),
        ({"category": "lottery"}, "未知的类别"),
        ({"amount_fen": -1}, "预计金额"),
    ],
)
def test_create_matter_validation(town: MattersTown, fields: dict[str, Any], text: str) -> None:
    base = {"village_id": town.vid, "title": "村道", "category": "other", "source": "村干部提议"}
    with pytest.raises(ValidationError, match=text):
        M.create_matter(town.clerk, M.MatterFields(**{**base, **fields}))


@pytest.mark.parametrize("username", ["zhuren", "chakan", "jianwei"])
def test_users_without_matter_edit_are_refused(town: MattersTown, username: str) -> None:
    ctx = town.login(username)
    with pytest.raises(PermissionDenied, match="不能登记五议两公开事项"):
        M.create_matter(
            ctx, M.MatterFields(village_id=town.vid, title="村道", category="other", source="村干部提议")
        )


def test_clerk_is_refused_outside_their_villages(town: MattersTown) -> None:
    other = town.state.village_ids[3]
    with pytest.raises(PermissionDenied, match="不能代表这个村"):
        M.create_matter(
            town.clerk, M.MatterFields(village_id=other, title="村道", category="other", source="村干部提议")
        )
    admin_matter = M.create_matter(
        town.login("admin"),
        M.MatterFields(village_id=other, title="村道", category="other", source="村干部提议"),
    )
    with pytest.raises(PermissionDenied):
        S.save_step(
            town.clerk, admin_matter.id, meeting(town, "propose", "branch", D0), final=True, password=PASSWORD
        )
    with pytest.raises(PermissionDenied, match="无权查看"):
        M.get_matter(town.clerk, admin_matter.id)


def test_one_draft_at_a_time_and_discard(town: MattersTown) -> None:
    m = new_matter(town)
    d1 = S.save_step(town.clerk, m.id, S.StepInput("propose", body="branch", meeting_date=D0), final=False)
    with pytest.raises(Conflict, match="已有一份“村党组织提议”草稿"):
        S.save_step(town.clerk, m.id, S.StepInput("propose", body="branch", meeting_date=D0), final=False)
    S.discard_draft(town.clerk, d1.id)
    assert M.get_matter(town.clerk, m.id).draft is None


def test_finalising_a_future_meeting_is_refused(town: MattersTown) -> None:
    m = new_matter(town)
    with pytest.raises(ValidationError, match="晚于今天"):
        S.save_step(
            town.clerk,
            m.id,
            meeting(town, "propose", "branch", TODAY + timedelta(1)),
            final=True,
            password=PASSWORD,
        )


def test_resolution_notice_prints_the_vote_and_the_posting(town: MattersTown) -> None:
    m = new_matter(town)
    steps = run_to(town, m.id, "resolution_disclosure")
    doc = build_document(town.clerk, "resolution", steps["resolution_disclosure"].id)
    assert isinstance(doc, ResolutionNotice)
    assert doc.title == "溪口村关于村道硬化工程的决议公告"
    assert (doc.meeting.entitled, doc.meeting.present, doc.votes.yes, doc.votes.no, doc.votes.method) == (
        45,
        45,
        45,
        0,
        "举手表决",
    )
    assert (doc.posting_from, doc.posting_to) == (D0 + timedelta(24), D0 + timedelta(28))
    assert doc.decision_text == "同意方案" and doc.date == doc.posting_from
    assert doc.organisation.endswith("石梁镇溪口村") and doc.issuer == "溪口村村民委员会"


@pytest.mark.parametrize(
    ("upto", "key", "default_days", "new_days"),
    [
        ("resolve", "resolution_disclosure_days", 1, 3),  # C41: 决议公开 the day after, by default
        ("implement", "result_disclosure_days", 30, 10),  # C41: 实施结果公开 within 30 days
        ("propose", "stall_days", 90, 60),  # C41: any other step within 90 days
    ],
)
def test_c41_overdue_periods_are_township_settings(
    town: MattersTown, upto: str, key: str, default_days: int, new_days: int
) -> None:
    from quzhou_desktop.services.kernel.settings import get_rules, update_rules

    # Given a matter waiting for the step after ``upto`` with the default period
    m = new_matter(town)
    done = run_to(town, m.id, upto)[upto]
    assert getattr(get_rules(town.clerk), key) == default_days
    start = M.get_matter(town.clerk, m.id).due.earliest or done.on
    assert start is not None
    row = M.get_matter(town.clerk, m.id).matter
    assert row.next_deadline == start + timedelta(days=default_days)
    # When the township sets another period
    update_rules(town.login("admin"), {key: new_days}, credential=PASSWORD)
    # Then the stored deadline (the register's 逾期 and the dashboard) and the explanation follow it
    d = M.get_matter(town.clerk, m.id)
    assert d.matter.next_deadline == start + timedelta(days=new_days)
    assert d.due.deadline == start + timedelta(days=new_days)
