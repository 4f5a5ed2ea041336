"""Demo step 20: 五议两公开 matters at every step in several villages, through the real services.

Includes a matter whose 党员大会 vote failed (closed as 未通过, then re-proposed as a second run), a completed
matter with an audited correction, a plan posting that ends within days, a resolution not yet disclosed and a
draft meeting record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from quzhou_desktop.core.matters import StepType, step_sequence
from quzhou_desktop.services.demo.state import DemoState
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.keys import SignatureGrant
from quzhou_desktop.services.kernel.settings import get_rules
from quzhou_desktop.services.matters.matter import MatterFields, create_matter, start_new_run
from quzhou_desktop.services.matters.steps import (
    AttendanceEntry,
    StepInput,
    amend_step,
    meeting_roster,
    save_step,
)

# Day offsets of each step from the matter's start (fits 15-day plan posting, 3-day resolution posting).
OFFSETS = {
    StepType.SUGGEST: 0,
    StepType.PROPOSE: 3,
    StepType.CONSULT: 6,
    StepType.PLAN_POSTING: 8,
    StepType.DELIBERATE: 25,
    StepType.RESOLVE: 28,
    StepType.RESOLUTION_DISCLOSURE: 29,
    StepType.IMPLEMENT: 60,
    StepType.RESULT_DISCLOSURE: 62,
}


@dataclass(frozen=True)
class DemoMatter:
    village: int
    title: str
    category: str
    source: str
    amount_yuan: int | None
    steps_done: int  # how many steps of the sequence are final
    age_days: int  # days between the last recorded step and today
    fail_at: StepType | None = None
    draft_next: bool = False


MATTERS = [
    DemoMatter(0, "溪口村主干道硬化及路灯安装工程", "public_welfare", "村干部提议", 386000, 9, 20),
    DemoMatter(0, "村集体闲置仓库对外租赁", "asset_transfer", "村干部提议", 48000, 7, 12),
    DemoMatter(0, "2026年度村级财务收支计划", "plan_budget", "上级党委政府安排", None, 4, 13),
    DemoMatter(0, "村文化礼堂提升改造", "public_welfare", "党员群众建议", 150000, 3, 2, draft_next=True),
    DemoMatter(0, "山塘清淤及灌溉渠修复", "public_welfare", "党员群众建议", 92000, 6, 5),
    DemoMatter(1, "土地承包经营权流转方案", "land_contract", "村干部提议", None, 6, 4),
    DemoMatter(
        1,
        "光伏发电项目入股",
        "external_investment",
        "上级党委政府安排",
        600000,
        9,
        3,
        fail_at=StepType.DELIBERATE,
    ),
    DemoMatter(1, "村办公用房维修", "other", "村干部提议", 26000, 1, 1),
    DemoMatter(2, "宅基地统一规划使用方案", "homestead", "党员群众建议", None, 8, 9),
    DemoMatter(2, "征地补偿款分配方案", "expropriation_compensation", "上级党委政府安排", 1240000, 5, 40),
    DemoMatter(3, "村民误工补贴标准调整", "subsidy_staff", "村干部提议", None, 9, 30),
    DemoMatter(3, "集体茶园承包方案", "collective_project", "党员群众建议", 300000, 2, 6),
]

PLANS = {
    "public_welfare": "资金来源：上级补助及村集体收入；工程公开招标，由村监会全程监督。",
    "asset_transfer": "采用公开竞价方式出租，租期三年，底价每年4.8万元，租金按年收取。",
}


def build(state: DemoState) -> None:
    clerk = state.signing("wenshu")  # each types the password once for the demo (a signature grant)
    admin = state.signing("admin")
    rules = get_rules(clerk[0])
    seq = step_sequence(rules)
    for k, spec in enumerate(MATTERS):
        vid = state.village_ids[spec.village]
        actor, grant = clerk if spec.village < 2 else admin
        _one(state, actor, grant, vid, spec, seq, k)


def _one(
    state: DemoState,
    ctx: AppContext,
    grant: SignatureGrant,
    vid: str,
    spec: DemoMatter,
    seq: tuple[StepType, ...],
    k: int,
) -> None:
    today = state.today
    done = seq[: spec.steps_done]
    last = OFFSETS[done[-1]] if done else 0
    start = today - timedelta(days=last + spec.age_days)
    m = create_matter(
        ctx,
        MatterFields(
            village_id=vid,
            title=spec.title,
            category=spec.category,
            source=spec.source,
            amount_fen=spec.amount_yuan * 100 if spec.amount_yuan else None,
            suggested_by="第三村民小组党员、村民代表" if spec.source == "党员群众建议" else None,
            description=PLANS.get(spec.category),
            year=start.year,
        ),
    )
    people = state.people[vid]
    steps: dict[StepType, Any] = {}
    for st in done:
        fail = st is spec.fail_at
        inp = _input(ctx, vid, people, spec, st, start + timedelta(days=OFFSETS[st]), fail, rng_pick=k)
        steps[st] = save_step(ctx, m.id, inp, final=True, password=grant)
        if fail:
            break
    if spec.draft_next and len(done) < len(seq):
        nxt = seq[len(done)]
        draft = _input(ctx, vid, people, spec, nxt, today, False, partial=True, rng_pick=k)
        save_step(ctx, m.id, draft, final=False)
    if spec.fail_at is not None:
        new = start_new_run(
            ctx, m.id, reason="根据党员大会意见，入股比例由30%调整为15%，并增加年度分红保底条款"
        )
        d = min(today, start + timedelta(days=OFFSETS[spec.fail_at] + 3))
        save_step(
            ctx,
            new.id,
            _input(ctx, vid, people, spec, StepType.PROPOSE, d, False),
            final=True,
            password=grant,
        )
    if spec.steps_done == 9 and spec.village == 0 and spec.fail_at is None:
        amend_step(
            ctx,
            steps[StepType.CONSULT].id,
            {"minutes": _minutes(spec, StepType.CONSULT) + "\n补记：村监会主任列席会议，对招标方式无异议。"},
            reason="原始会议记录第2页漏录村监会主任的列席意见，据手写记录补正",
        )


def _minutes(spec: DemoMatter, st: StepType) -> str:
    return f"会议讨论了“{spec.title}”，与会人员逐一发表意见。"


def _input(
    ctx: AppContext,
    vid: str,
    people: dict[str, Any],
    spec: DemoMatter,
    st: StepType,
    on: date,
    fail: bool,
    *,
    partial: bool = False,
    rng_pick: int = 0,
) -> StepInput:
    chair, recorder = people["secretary"], people["committee"][2]
    text = spec.title + "：" + PLANS.get(spec.category, "具体方案详见附件。")

    def meeting(body: str, absent: int, short: int, **kw: Any) -> StepInput:
        roster = meeting_roster(ctx, vid, body, on)
        att = []
        voting_present = 0
        for i, e in enumerate(roster.entries):
            if body == "party" and i == 0:
                reason = "外出务工半年以上，经镇党委同意不计入应到人数"
                att.append(AttendanceEntry(e.person_id, "excluded", reason))
            elif 0 < i <= absent:
                att.append(AttendanceEntry(e.person_id, "absent"))
            else:
                att.append(AttendanceEntry(e.person_id, "present"))
                voting_present += e.votes
        yes = voting_present - short
        if fail:
            yes = roster.voting_members // 2 - 2
        abstain = 1 if voting_present - yes > 0 else 0
        return StepInput(
            st.value,
            chair_person_id=chair,
            recorder_person_id=recorder,
            body=body,
            meeting_date=on,
            place="村委会二楼会议室",
            attendance=tuple(att),
            votes_for=None if partial else yes,
            votes_against=None if partial else voting_present - yes - abstain,
            votes_abstain=None if partial else abstain,
            vote_method=None if partial else ("无记名" if body == "party" else "举手"),
            plan_text=text,
            minutes=None if partial else _minutes(spec, st),
            decision_text=None if partial else f"同意{spec.title}方案。",
            **kw,
        )

    if st is StepType.SUGGEST:
        return StepInput(st.value, meeting_date=on, plan_text=f"建议：{spec.title}。")
    if st is StepType.PROPOSE:
        return meeting("branch", 0, 0)
    if st is StepType.CONSULT:
        return meeting("joint", 1, 1)
    if st is StepType.PLAN_POSTING:
        return StepInput(
            st.value,
            posting_from=on,
            posting_to=on + timedelta(days=16),
            posting_place="村务公开栏",
            plan_text=text,
        )
    if st is StepType.DELIBERATE:
        # one member working away for over half a year is excluded with the township's approval (C7)
        return meeting("party", 2 + rng_pick % 3, 3, township_attendees="镇驻村干部 王立新")
    if st is StepType.RESOLVE:
        return meeting(
            "representatives",
            3 + rng_pick % 4,
            4,
            notice_date=on - timedelta(days=4),
            township_attendees="镇农经站 陈伟（站长）",
        )
    if st is StepType.RESOLUTION_DISCLOSURE:
        return StepInput(
            st.value,
            posting_from=on,
            posting_to=on + timedelta(days=4),
            posting_place="村务公开栏、村民微信群",
            decision_text=f"经村民代表会议表决，同意{spec.title}方案。",
        )
    if st is StepType.IMPLEMENT:
        return StepInput(
            st.value, meeting_date=on, minutes="工程已按方案完成并通过验收，村监会全程监督，资金按合同支付。"
        )
    return StepInput(
        st.value,
        posting_from=on,
        posting_to=on + timedelta(days=7),
        posting_place="村务公开栏",
        decision_text=f"{spec.title}已实施完成，实际支出与方案一致。",
        minutes="公示期间收到群众意见2条，均已答复。",
    )
