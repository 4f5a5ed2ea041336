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
    title: str  # "{year}" is the demo year
    category: str
    source: str
    amount_yuan: int | None
    steps_done: int  # how many steps of the sequence are final
    age_days: int  # days between the last recorded step and today
    plan: str  # the 方案 as tabled at the meetings
    decision: str = ""  # what the 村民代表会议 resolved (and the 决议公开 shows)
    outcome: str = ""  # 实施情况
    result: str = ""  # what the 实施结果公开 says
    fail_at: StepType | None = None
    draft_next: bool = False
    this_month: bool = False  # the last step falls in the current month (a 决议公开 due to print)


MATTERS = [
    DemoMatter(
        0, "主干道硬化及路灯安装工程", "public_welfare", "村干部提议", 386000, 9, 20,
        plan="对村主干道1.6公里实施水泥硬化，路宽5米，沿线安装太阳能路灯48盏。预算38.6万元，其中上级“千万工程”"
        "补助25万元，村集体自筹13.6万元。工程委托镇招投标中心公开比选施工单位，村务监督委员会全程监督。",
        decision="同意实施主干道硬化及路灯安装工程，预算38.6万元；由村民委员会组织公开比选施工单位，"
        "村务监督委员会全程监督，完工后公开实施结果。",
        outcome="工程由衢州市通达路桥工程有限公司施工，主干道硬化1.6公里、路灯48盏已全部完成，"
        "经镇村建办、村务监督委员会和村民代表共同验收合格。",
        result="主干道硬化及路灯安装工程已完工并验收合格，实际支出37.92万元，比预算节约0.68万元。",
    ),
    DemoMatter(
        0, "村集体闲置仓库对外租赁", "asset_transfer", "村干部提议", 48000, 7, 12, this_month=True,
        plan="村集体原粮站仓库（约600平方米）闲置多年，拟以公开竞价方式对外出租，租期三年，底价每年4.8万元，"
        "租金按年预收，承租人不得改变房屋结构。",
        decision="同意将原粮站仓库以公开竞价方式对外出租，租期三年，底价每年4.8万元；竞价由村务监督委员会"
        "现场监督，结果另行公开。",
    ),
    DemoMatter(
        0, "{year}年度村级财务收支计划", "plan_budget", "上级党委政府安排", None, 4, 13,
        plan="{year}年计划收入136万元（上级转移支付58万元、集体资产租金46万元、其他收入32万元），计划支出128万元"
        "（村级组织运转42万元、公益事业55万元、农田水利18万元、其他13万元）。",
        decision="同意{year}年度村级财务收支计划：收入136万元，支出128万元，执行情况按季度公开。",
    ),
    DemoMatter(
        0, "村文化礼堂提升改造", "public_welfare", "党员群众建议", 150000, 3, 2, draft_next=True,
        plan="对村文化礼堂屋面防水、舞台灯光音响和室内座椅进行提升改造，预算15万元，上级文化礼堂补助和"
        "村集体收入各承担一半。",
    ),
    DemoMatter(
        0, "山塘清淤及灌溉渠修复", "public_welfare", "党员群众建议", 92000, 6, 5,
        plan="对后山山塘清淤约3000立方米，修复灌溉渠800米，预算9.2万元，施工安排在农闲季节。",
        decision="同意实施后山山塘清淤及灌溉渠修复，预算9.2万元。",
    ),
    DemoMatter(
        1, "土地承包经营权流转", "land_contract", "村干部提议", None, 6, 4,
        plan="第二、第三村民小组约320亩承包地，在农户自愿的前提下统一流转给家庭农场经营，期限五年，"
        "流转费每亩每年600元，按年支付到户。",
        decision="同意土地承包经营权流转方案：流转费每亩每年600元，期限五年，由农户自愿签订流转合同。",
    ),
    DemoMatter(
        1, "光伏发电项目入股", "external_investment", "上级党委政府安排", 600000, 9, 3,
        fail_at=StepType.DELIBERATE,
        plan="以村集体资金60万元入股镇强村公司光伏发电项目，占股30%，按年分红。",
    ),
    DemoMatter(
        1, "村办公用房维修", "other", "村干部提议", 26000, 1, 1,
        plan="村办公楼屋面漏水、外墙瓷砖脱落，拟维修屋面和外墙，预算2.6万元。",
    ),
    DemoMatter(
        2, "宅基地统一规划使用", "homestead", "党员群众建议", None, 8, 9,
        plan="在村东侧规划宅基地12宗，每宗不超过120平方米，优先安排无房户和危房户，按登记先后和评分排序分配。",
        decision="同意宅基地统一规划使用方案，规划12宗，分配名单经村民代表会议评议后公开。",
        outcome="12宗宅基地已完成放样，分配名单经村民代表会议评议、公示无异议后报镇政府审批。",
    ),
    DemoMatter(
        2, "征地补偿款分配", "expropriation_compensation", "上级党委政府安排", 1240000, 5, 40,
        plan="省道拓宽工程征收村集体土地62亩，补偿款124万元，拟提取20%作为村集体公益金，其余按被征地农户"
        "承包面积分配到户。",
    ),
    DemoMatter(
        3, "村民误工补贴标准调整", "subsidy_staff", "村干部提议", None, 9, 30,
        plan="村民参加村务工作的误工补贴由每人每天100元调整为每人每天120元，每年总额不超过3万元。",
        decision="同意误工补贴标准调整为每人每天120元，每年总额不超过3万元，发放情况按季度公开。",
        outcome="新标准已执行一个季度，误工补贴按季度发放，发放名单已张榜公开。",
        result="误工补贴已按新标准发放，上季度共发放8,640元，发放名单已在村务公开栏公开。",
    ),
    DemoMatter(
        3, "集体茶园承包", "collective_project", "党员群众建议", 300000, 2, 6,
        plan="村集体茶园约150亩公开发包，承包期八年，底价每年3万元，承包人须保持茶园连片经营。",
    ),
]  # fmt: skip

# What each meeting concludes when it agrees (the 决议 says the matter's own decision).
AGREED = {
    StepType.PROPOSE: "提议“{title}”，形成初步方案，提交村务联席会议商议。",
    StepType.CONSULT: "商议同意初步方案，经方案公示后提交党员大会审议。",
    StepType.DELIBERATE: "审议同意方案，提交村民代表会议表决。",
}
FAILED = "多数党员认为入股比例过高、风险较大，方案未获通过，须修改后重新提议。"


def build(state: DemoState) -> None:
    clerk = state.signing("wenshu")  # each types the password once for the demo (a signature grant)
    admin = state.signing("admin")
    rules = get_rules(clerk[0])
    seq = step_sequence(rules)
    for k, spec in enumerate(MATTERS):
        vid = state.village_ids[spec.village]
        actor, grant = clerk if spec.village == 0 else admin  # the demo clerk works for the demo village only
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
    age = min(spec.age_days, today.day - 1) if spec.this_month else spec.age_days
    start = today - timedelta(days=last + age)
    spec = _texts(spec, today.year)
    m = create_matter(
        ctx,
        MatterFields(
            village_id=vid,
            title=spec.title,
            category=spec.category,
            source=spec.source,
            amount_fen=spec.amount_yuan * 100 if spec.amount_yuan else None,
            suggested_by="第三村民小组党员、村民代表" if spec.source == "党员群众建议" else None,
            description=spec.plan,
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


def _texts(spec: DemoMatter, year: int) -> DemoMatter:
    """The matter's texts with the demo year filled in."""
    from dataclasses import replace

    return replace(
        spec,
        title=spec.title.format(year=year),
        plan=spec.plan.format(year=year),
        decision=spec.decision.format(year=year),
    )


def _minutes(spec: DemoMatter, st: StepType) -> str:
    what = {
        StepType.PROPOSE: "支部委员结合党员群众意见和实地查看情况，对事项的必要性和可行性进行了研究",
        StepType.CONSULT: "村两委成员和村监会主任对初步方案逐条讨论，对资金来源和实施方式提出修改意见",
        StepType.DELIBERATE: "主持人介绍方案及公示期间收集的意见，到会党员逐一发表意见",
        StepType.RESOLVE: "主持人说明方案和党员大会审议情况，村民代表讨论后现场表决，表决结果当场宣布",
    }.get(st, "与会人员逐一发表意见")
    return f"会议议题：{spec.title}。{what}。"


def _decision(spec: DemoMatter, st: StepType, fail: bool) -> str:
    if fail:
        return FAILED
    if st is StepType.RESOLVE:
        return spec.decision or f"同意“{spec.title}”的方案。"
    return AGREED.get(st, "同意。").format(title=spec.title)


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
            plan_text=spec.plan,
            minutes=None if partial else _minutes(spec, st),
            decision_text=None if partial else _decision(spec, st, fail),
            **kw,
        )

    if st is StepType.SUGGEST:
        who = "第三村民小组党员、村民代表" if spec.source == "党员群众建议" else "村两委负责人"
        return StepInput(st.value, meeting_date=on, plan_text=f"{who}建议研究“{spec.title}”。")
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
            plan_text=spec.plan,
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
            township_attendees="镇农经站站长 陈伟",
        )
    if st is StepType.RESOLUTION_DISCLOSURE:
        return StepInput(
            st.value,
            posting_from=on,
            posting_to=on + timedelta(days=4),
            posting_place="村务公开栏、村民微信群",
            decision_text=spec.decision,
        )
    if st is StepType.IMPLEMENT:
        return StepInput(
            st.value, meeting_date=on, minutes=spec.outcome or f"“{spec.title}”已按决议组织实施。"
        )
    return StepInput(
        st.value,
        posting_from=on,
        posting_to=on + timedelta(days=7),
        posting_place="村务公开栏",
        decision_text=spec.result or f"“{spec.title}”已按决议实施完成。",
        minutes="公示期间收到群众意见2条，均已当面答复。",
    )
