"""五议两公开 register services over a real (in-memory) SQLite: the life of a matter, refusals with their
Chinese reasons (C1–C15), immutability, amendments and their audit entries, permissions."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from quzhou_desktop.core.errors import Conflict, PermissionDenied, QuzhouError, ValidationError
from quzhou_desktop.core.matters import StepNotAllowed
from quzhou_desktop.core.meetings import QuorumNotMet
from quzhou_desktop.services.demo import DemoState, rosters
from quzhou_desktop.services.demo.state import DEMO_PASSWORD as PASSWORD
from quzhou_desktop.services.kernel.context import AppContext, Clock
from quzhou_desktop.services.matters import matter as M
from quzhou_desktop.services.matters import steps as S
from quzhou_desktop.services.matters.export import register_data, resolution_notice_data
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.models import AuditEntry

TODAY = date(2026, 11, 25)
D0 = date(2026, 9, 1)  # the matter's first meeting; rosters run from 2025-03-01


class FixedClock(Clock):
    def __init__(self, today: date) -> None:
        self.day = today

    def today(self) -> date:
        return self.day

    def now(self) -> datetime:
        return datetime(self.day.year, self.day.month, self.day.day, 2, 0)


@dataclass
class World:
    state: DemoState
    clerk: AppContext
    vid: str
    people: dict[str, Any]

    def login(self, username: str) -> AppContext:
        return self.state.login(username)


def make_world() -> World:
    ctx = AppContext(Database(None), clock=FixedClock(TODAY))
    state = DemoState(ctx=ctx, rng=random.Random(7), today=TODAY)
    rosters.build(state)
    vid = state.village_ids[0]
    return World(state, state.login("wenshu"), vid, state.people[vid])


@pytest.fixture
def world() -> World:
    return make_world()


def new_matter(w: World, category: str = "public_welfare", title: str = "村道硬化工程") -> M.MatterRow:
    return M.create_matter(
        w.clerk,
        M.MatterFields(
            village_id=w.vid, title=title, category=category, source="村干部提议", amount_fen=12_000_000
        ),
    )


def meeting(
    w: World, step: str, body: str, on: date, *, absent: int = 0, yes: int | None = None, **kw: Any
) -> S.StepInput:
    """Everyone on the roster present except the first ``absent``; all voting present vote yes unless ``yes``."""
    roster = S.meeting_roster(w.clerk, w.vid, body, on)
    att = tuple(
        S.AttendanceEntry(e.person_id, "absent" if i < absent else "present")
        for i, e in enumerate(roster.entries)
    )
    voting_present = sum(1 for i, e in enumerate(roster.entries) if i >= absent and e.votes)
    y = voting_present if yes is None else yes
    return S.StepInput(
        step,
        body=body,
        meeting_date=on,
        place="村委会会议室",
        chair_person_id=w.people["secretary"],
        recorder_person_id=w.people["committee"][2],
        attendance=att,
        votes_for=y,
        votes_against=voting_present - y,
        votes_abstain=0,
        vote_method="举手",
        plan_text="方案全文",
        decision_text="同意方案",
        **kw,
    )


def posting(step: str, start: date, end: date, **kw: Any) -> S.StepInput:
    return S.StepInput(
        step,
        posting_from=start,
        posting_to=end,
        posting_place="村务公开栏",
        plan_text="方案",
        decision_text="决议内容",
        **kw,
    )


def run_to(w: World, matter_id: str, upto: str) -> dict[str, S.StepView]:
    """Record the default sequence (propose … ``upto``) with dates that satisfy every rule."""
    plan = [
        ("propose", lambda: meeting(w, "propose", "branch", D0)),
        ("consult", lambda: meeting(w, "consult", "joint", D0 + timedelta(3))),
        ("plan_posting", lambda: posting("plan_posting", D0 + timedelta(4), D0 + timedelta(20))),
        ("deliberate", lambda: meeting(w, "deliberate", "party", D0 + timedelta(20))),
        (
            "resolve",
            lambda: meeting(
                w, "resolve", "representatives", D0 + timedelta(23), notice_date=D0 + timedelta(20)
            ),
        ),
        (
            "resolution_disclosure",
            lambda: posting("resolution_disclosure", D0 + timedelta(24), D0 + timedelta(28)),
        ),
        (
            "implement",
            lambda: S.StepInput("implement", meeting_date=D0 + timedelta(50), minutes="已完工验收"),
        ),
        ("result_disclosure", lambda: posting("result_disclosure", D0 + timedelta(52), D0 + timedelta(60))),
    ]
    out = {}
    for key, make in plan:
        out[key] = S.save_step(w.clerk, matter_id, make(), final=True, password=PASSWORD)
        if key == upto:
            break
    return out


def test_whole_life_of_a_matter(world: World) -> None:
    # Given a new matter
    m = new_matter(world)
    assert (m.status, m.current_step_label, m.overdue) == ("in_progress", "尚未开始", False)
    # When every step is recorded in order
    steps = run_to(world, m.id, "result_disclosure")
    # Then each vote carries the arithmetic and the matter is complete
    assert "会议有效" in steps["deliberate"]["outcome_text"]
    assert steps["resolve"]["passed"] is True and steps["resolve"]["entitled_count"] == 45
    d = M.get_matter(world.clerk, m.id)
    assert d.matter.status == "completed" and d.matter.status_label == "已完成"
    assert [s.label for s in d.steps] == [
        "村党组织提议", "村务联席会议商议", "方案公示", "党员大会审议", "村民（代表）会议决议", "决议公开", "组织实施", "实施结果公开",
    ]  # fmt: skip
    assert d.due.step is None and d.due.explanation == "五议两公开程序已全部完成"
    # And every finalisation is in the audit chain
    with world.clerk.read() as s:
        actions = list(s.scalars(select(AuditEntry.action).where(AuditEntry.entity == "matter_step")))
    assert actions.count("matter.finalize_step") >= 8


def test_due_dates_follow_the_posting_period(world: World) -> None:
    m = new_matter(world)
    run_to(world, m.id, "plan_posting")
    d = M.get_matter(world.clerk, m.id)
    # C11: posted 09-05, 15 days counted from 09-06 → 审议 from 09-21
    assert d.due.step is not None and d.due.step.value == "deliberate"
    assert d.due.earliest == date(2026, 9, 21)


@pytest.mark.parametrize(
    ("days_after_posting", "ok"),
    [(15, False), (16, True)],  # C11: 15 counted days from the day after posting
)
def test_c11_deliberation_only_after_the_posting_period(
    world: World, days_after_posting: int, ok: bool
) -> None:
    m = new_matter(world)
    run_to(world, m.id, "plan_posting")
    posted = D0 + timedelta(4)
    inp = meeting(world, "deliberate", "party", posted + timedelta(days_after_posting))
    if ok:
        assert S.save_step(world.clerk, m.id, inp, final=True, password=PASSWORD).is_final
    else:
        with pytest.raises(StepNotAllowed, match="须公示满15日，2026年9月21日起方可审议"):
            S.save_step(world.clerk, m.id, inp, final=True, password=PASSWORD)


@pytest.mark.parametrize(("removal_offset", "ok"), [(15, False), (16, True)])
def test_c11_plan_posting_cannot_come_down_early(world: World, removal_offset: int, ok: bool) -> None:
    m = new_matter(world)
    run_to(world, m.id, "consult")
    start = D0 + timedelta(4)
    inp = posting("plan_posting", start, start + timedelta(removal_offset))
    if ok:
        S.save_step(world.clerk, m.id, inp, final=True, password=PASSWORD)
    else:
        with pytest.raises(QuzhouError, match="须公示满15日"):
            S.save_step(world.clerk, m.id, inp, final=True, password=PASSWORD)


@pytest.mark.parametrize(("removal_offset", "ok"), [(3, False), (4, True)])  # C12: posted 06-03 → down 06-07
def test_c12_resolution_posting_period(world: World, removal_offset: int, ok: bool) -> None:
    m = new_matter(world)
    run_to(world, m.id, "resolve")
    start = D0 + timedelta(24)
    inp = posting("resolution_disclosure", start, start + timedelta(removal_offset))
    if ok:
        S.save_step(world.clerk, m.id, inp, final=True, password=PASSWORD)
    else:
        with pytest.raises(StepNotAllowed, match="须公示满3日") as exc:
            S.save_step(world.clerk, m.id, inp, final=True, password=PASSWORD)
        assert exc.value.params["rule"] == "C12"


@pytest.mark.parametrize(("notice_days", "ok"), [(2, False), (3, True)])  # C13: 代表会议 3 days' notice
def test_c13_representatives_notice(world: World, notice_days: int, ok: bool) -> None:
    m = new_matter(world)
    run_to(world, m.id, "deliberate")
    on = D0 + timedelta(23)
    inp = meeting(world, "resolve", "representatives", on, notice_date=on - timedelta(notice_days))
    if ok:
        S.save_step(world.clerk, m.id, inp, final=True, password=PASSWORD)
    else:
        with pytest.raises(StepNotAllowed, match="应提前3日即2026年9月21日前通知"):
            S.save_step(world.clerk, m.id, inp, final=True, password=PASSWORD)


def test_c13_missing_notice_is_a_warning_not_a_refusal(world: World) -> None:
    m = new_matter(world)
    run_to(world, m.id, "deliberate")
    check = S.check_step_input(
        world.clerk, m.id, meeting(world, "resolve", "representatives", D0 + timedelta(23))
    )
    assert check.can_finalize and any("未记录村民代表会议的通知日期" in w for w in check.warnings)
    # the warning cites where the notice period comes from, not the rule id
    assert all("依据" in w and "C13" not in w for w in check.warnings)


REFUSALS = [
    # (rule, recorded before, the refused input, expected Chinese text)
    ("C10", "propose", lambda w: meeting(w, "deliberate", "party", D0 + timedelta(5)), "之前须先完成"),
    ("C10", "consult", lambda w: meeting(w, "propose", "branch", D0 + timedelta(5)), "不能重复"),
    (
        "C10",
        "consult",
        lambda w: posting("plan_posting", D0 + timedelta(1), D0 + timedelta(30)),
        "早于上一步",
    ),
]


@pytest.mark.parametrize(("rule", "before", "make", "text"), REFUSALS)
def test_c10_order_and_dates(world: World, rule: str, before: str, make: Any, text: str) -> None:
    m = new_matter(world)
    run_to(world, m.id, before)
    with pytest.raises(StepNotAllowed, match=text) as exc:
        S.save_step(world.clerk, m.id, make(world), final=True, password=PASSWORD)
    assert exc.value.params["rule"] == rule


@pytest.mark.parametrize(
    ("body", "ok"),
    [("representatives", False), ("villagers", True)],  # C15: 村规民约 only by the 村民会议
)
def test_c15_village_rules_need_the_villagers_meeting(world: World, body: str, ok: bool) -> None:
    m = new_matter(world, category="village_rules", title="修订村规民约")
    run_to(world, m.id, "deliberate")
    on = D0 + timedelta(32)
    if body == "villagers":
        # 1130 adults: 566 present is more than half (C1), 10 days' notice (C13)
        inp = replace(
            meeting(world, "resolve", "villagers", on, notice_date=on - timedelta(10)),
            attendance=(), present_count=566, household_reps_present=0, votes_for=300, votes_against=200,
        )  # fmt: skip
    else:
        inp = meeting(world, "resolve", "representatives", on, notice_date=on - timedelta(5))
    if ok:
        v = S.save_step(world.clerk, m.id, inp, final=True, password=PASSWORD)
        assert v["passed"] is True and "到会566人" in v["outcome_text"]
    else:
        with pytest.raises(StepNotAllowed, match="只能由村民会议决定") as exc:
            S.save_step(world.clerk, m.id, inp, final=True, password=PASSWORD)
        assert exc.value.params["rule"] == "C15"


def test_c13_villagers_meeting_needs_ten_days(world: World) -> None:
    m = new_matter(world, category="charter", title="修改村民自治章程")
    run_to(world, m.id, "deliberate")
    on = D0 + timedelta(32)
    inp = replace(
        meeting(world, "resolve", "villagers", on, notice_date=on - timedelta(9)),
        attendance=(), present_count=600, household_reps_present=0, votes_for=400, votes_against=100,
    )  # fmt: skip
    with pytest.raises(StepNotAllowed, match="应提前10日"):
        S.save_step(world.clerk, m.id, inp, final=True, password=PASSWORD)


@pytest.mark.parametrize(
    ("absent", "valid"),
    [(15, True), (16, False)],  # C3 worked example: M=45 → P=30 valid, P=29 invalid
)
def test_c3_quorum_of_the_representatives(world: World, absent: int, valid: bool) -> None:
    m = new_matter(world)
    run_to(world, m.id, "deliberate")
    on = D0 + timedelta(23)
    inp = meeting(world, "resolve", "representatives", on, absent=absent, notice_date=on - timedelta(3))
    if valid:
        assert S.save_step(world.clerk, m.id, inp, final=True, password=PASSWORD)["valid"] is True
    else:
        with pytest.raises(QuorumNotMet, match="应到45人，实到29人，不足三分之二（需30人），会议无效") as exc:
            S.save_step(world.clerk, m.id, inp, final=True, password=PASSWORD)
        # the id for developers, the law for the user
        assert exc.value.code == "C3"
        assert str(exc.value).endswith("表决结果不发生效力，依据《中华人民共和国村民委员会组织法》第二十六条")
        # the invalid meeting may still be kept as a draft
        draft = S.save_step(world.clerk, m.id, inp, final=False)
        assert draft.state == "draft" and draft["valid"] is False


def test_c7_c9_exclusions_and_probationary_members(world: World) -> None:
    m = new_matter(world)
    run_to(world, m.id, "plan_posting")
    on = D0 + timedelta(20)
    base = meeting(world, "deliberate", "party", on)
    roster = S.meeting_roster(world.clerk, world.vid, "party", on)
    assert roster.voting_members == 32 and len(roster.entries) == 34  # 2 预备党员 (C9)
    first = base.attendance[0]
    no_reason = replace(
        base, attendance=(S.AttendanceEntry(first.person_id, "excluded"), *base.attendance[1:]), votes_for=31
    )
    with pytest.raises(ValidationError, match="须写明原因"):
        S.save_step(world.clerk, m.id, no_reason, final=True, password=PASSWORD)
    ok = replace(
        no_reason,
        attendance=(S.AttendanceEntry(first.person_id, "excluded", "外出半年以上"), *base.attendance[1:]),
    )
    v = S.save_step(world.clerk, m.id, ok, final=True, password=PASSWORD)
    # C7: 32 正式党员, 1 excluded → 应到31; 预备党员 present but not counted (C9)
    assert v["entitled_count"] == 31 and v["present_count"] == 31
    assert "经批准不计入1人" in v["outcome_text"] and "预备党员2人" in v["outcome_text"]


def test_votes_more_than_voters_are_refused(world: World) -> None:
    m = new_matter(world)
    inp = replace(meeting(world, "propose", "branch", D0), votes_for=6)
    with pytest.raises(ValidationError, match="多于有表决权的到会人数5人"):
        S.save_step(world.clerk, m.id, inp, final=True, password=PASSWORD)


def test_failed_vote_closes_the_run_and_a_new_run_is_linked(world: World) -> None:
    m = new_matter(world)
    run_to(world, m.id, "plan_posting")
    # 党员大会: 应到32, 16 yes is not more than half (需17) → 未通过
    failed = S.save_step(
        world.clerk,
        m.id,
        meeting(world, "deliberate", "party", D0 + timedelta(20), yes=16),
        final=True,
        password=PASSWORD,
    )
    assert failed["passed"] is False and "未超过半数（需17人），未通过" in failed["outcome_text"]
    d = M.get_matter(world.clerk, m.id)
    assert d.matter.status_label == "未通过" and d.due.step is None
    with pytest.raises(Conflict, match="不能再登记步骤"):
        S.save_step(
            world.clerk,
            m.id,
            meeting(world, "resolve", "representatives", D0 + timedelta(25)),
            final=True,
            password=PASSWORD,
        )
    with pytest.raises(ValidationError, match="请写明方案作了哪些修改"):
        M.start_new_run(world.clerk, m.id, reason=" ")
    new = M.start_new_run(world.clerk, m.id, reason="补偿标准下调")
    assert (new.run_no, new.previous_run_id, new.display_title) == (2, m.id, "村道硬化工程（第2轮）")
    assert M.get_matter(world.clerk, m.id).later_run_id == new.id
    with pytest.raises(Conflict, match="已经重新提议过"):
        M.start_new_run(world.clerk, m.id, reason="再次")


def test_final_steps_are_immutable_and_corrected_by_audited_amendments(world: World) -> None:
    m = new_matter(world)
    steps = run_to(world, m.id, "consult")
    consult = steps["consult"]
    with pytest.raises(Conflict, match="已定稿，不能再修改"):
        S.save_step(
            world.clerk,
            m.id,
            meeting(world, "consult", "joint", D0 + timedelta(3)),
            step_id=consult.id,
            final=True,
            password=PASSWORD,
        )
    with pytest.raises(ValidationError, match="表决结果定稿后不能更正"):
        S.amend_step(world.clerk, consult.id, {"votes_for": "3"}, reason="录错")
    with pytest.raises(ValidationError, match="须写明原因"):
        S.amend_step(world.clerk, consult.id, {"minutes": "补记"}, reason="")
    v = S.amend_step(world.clerk, consult.id, {"minutes": "补记：村监会主任列席"}, reason="据手写记录补正")
    assert v["minutes"] == "补记：村监会主任列席"
    assert v.amendments[0].reason == "据手写记录补正" and v.amendments[0].changes[0][0] == "会议记录"
    with world.clerk.read() as s:
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
    # the register print shows the corrected text and the correction note
    reg = register_data(world.clerk, m.id)
    assert reg.steps[1].content == "同意方案" and "据手写记录补正" in reg.steps[1].supervision


def test_matter_fields_lock_after_first_final_step(world: World) -> None:
    m = new_matter(world)
    fields = M.MatterFields(
        village_id=world.vid, title="村道硬化工程（一期）", category="public_welfare", source="村干部提议"
    )
    m2 = M.update_matter(world.clerk, m.id, fields, expected_version=m.row_version)
    assert m2.title == "村道硬化工程（一期）"
    run_to(world, m.id, "propose")
    version = M.get_matter(world.clerk, m.id).matter.row_version
    with pytest.raises(Conflict, match="已有定稿的步骤"):
        M.update_matter(world.clerk, m.id, fields, expected_version=version)


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({"title": " "}, "事项名称：不能为空"),
        ({"source": "群众来信"}, "动议来源"),
        ({"category": "lottery"}, "未知的类别"),
        ({"amount_fen": -1}, "预计金额"),
    ],
)
def test_create_matter_validation(world: World, fields: dict[str, Any], text: str) -> None:
    base = {"village_id": world.vid, "title": "村道", "category": "other", "source": "村干部提议"}
    with pytest.raises(ValidationError, match=text):
        M.create_matter(world.clerk, M.MatterFields(**{**base, **fields}))


@pytest.mark.parametrize("username", ["zhuren", "chakan", "jianwei"])
def test_users_without_matter_edit_are_refused(world: World, username: str) -> None:
    ctx = world.login(username)
    with pytest.raises(PermissionDenied, match="不能登记五议两公开事项"):
        M.create_matter(
            ctx, M.MatterFields(village_id=world.vid, title="村道", category="other", source="村干部提议")
        )


def test_clerk_is_refused_outside_their_villages(world: World) -> None:
    other = world.state.village_ids[3]
    with pytest.raises(PermissionDenied, match="不能代表这个村"):
        M.create_matter(
            world.clerk, M.MatterFields(village_id=other, title="村道", category="other", source="村干部提议")
        )
    admin_matter = M.create_matter(
        world.login("admin"),
        M.MatterFields(village_id=other, title="村道", category="other", source="村干部提议"),
    )
    with pytest.raises(PermissionDenied):
        S.save_step(
            world.clerk,
            admin_matter.id,
            meeting(world, "propose", "branch", D0),
            final=True,
            password=PASSWORD,
        )
    with pytest.raises(PermissionDenied, match="无权查看"):
        M.get_matter(world.clerk, admin_matter.id)


def test_one_draft_at_a_time_and_discard(world: World) -> None:
    m = new_matter(world)
    d1 = S.save_step(world.clerk, m.id, S.StepInput("propose", body="branch", meeting_date=D0), final=False)
    with pytest.raises(Conflict, match="已有一份“村党组织提议”草稿"):
        S.save_step(world.clerk, m.id, S.StepInput("propose", body="branch", meeting_date=D0), final=False)
    S.discard_draft(world.clerk, d1.id)
    assert M.get_matter(world.clerk, m.id).draft is None


def test_finalising_a_future_meeting_is_refused(world: World) -> None:
    m = new_matter(world)
    with pytest.raises(ValidationError, match="晚于今天"):
        S.save_step(
            world.clerk,
            m.id,
            meeting(world, "propose", "branch", TODAY + timedelta(1)),
            final=True,
            password=PASSWORD,
        )


def test_resolution_notice_data(world: World) -> None:
    m = new_matter(world)
    steps = run_to(world, m.id, "resolution_disclosure")
    data = resolution_notice_data(world.clerk, steps["resolution_disclosure"].id)
    assert data.title == "溪口村关于村道硬化工程的决议公告"
    assert (data.meeting.entitled, data.meeting.present, data.votes.yes, data.votes.method) == (
        45,
        45,
        45,
        "举手表决",
    )
    assert data.posting_from == D0 + timedelta(24) and data.decision_text == "决议内容"
    assert data.header.organisation == "石梁镇溪口村"
