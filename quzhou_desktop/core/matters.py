"""Matters and the 五议两公开 step sequence (C10–C15 in ``core.rules``).

``check_step`` says whether a new step record may follow the existing ones; ``next_step_due`` tells a
工作台 what is due next and from which date.  Findings carry the rule id and a Chinese sentence with dates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum

from quzhou_desktop.core.dates import earliest_after, format_chinese_date, latest_notice_date
from quzhou_desktop.core.errors import RuleViolation
from quzhou_desktop.core.meetings import Body
from quzhou_desktop.core.money import Finding, has_errors
from quzhou_desktop.core.rules_config import TownshipRules

__all__ = [
    "MatterCategory",
    "NextStep",
    "StepNotAllowed",
    "StepRecord",
    "StepType",
    "check_matter_approval",
    "check_step",
    "next_step_due",
    "require_step",
    "step_sequence",
]


class MatterCategory(Enum):
    """Matter categories: 组织法 第二十四条, Zhejiang local rules, other 村民会议 powers (地方实施办法), 其他."""

    SUBSIDY_STAFF = "subsidy_staff"
    COLLECTIVE_INCOME_USE = "collective_income_use"
    PUBLIC_WELFARE = "public_welfare"
    LAND_CONTRACT = "land_contract"
    COLLECTIVE_PROJECT = "collective_project"
    HOMESTEAD = "homestead"
    EXPROPRIATION_COMPENSATION = "expropriation_compensation"
    ASSET_DISPOSAL = "asset_disposal"
    VILLAGERS_OTHER = "villagers_other"
    EXTERNAL_INVESTMENT = "external_investment"
    ASSET_TRANSFER = "asset_transfer"
    MAJOR_WORKS = "major_works"
    PLAN_BUDGET = "plan_budget"
    RECALL_COMMITTEE = "recall_committee"
    CHARTER = "charter"
    VILLAGE_RULES = "village_rules"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _CATEGORY_INFO[self][0]

    @property
    def source(self) -> str:
        return _CATEGORY_INFO[self][1]

    @property
    def requires_resolution(self) -> bool:
        """C14: cannot be approved without a 村民(代表)会议 决议."""
        return self is not MatterCategory.OTHER

    @property
    def villagers_meeting_only(self) -> bool:
        """C15: reserved to the 村民会议 (cannot be delegated to the 代表会议)."""
        return self in _VILLAGERS_ONLY


_ART24 = "《中华人民共和国村民委员会组织法》第二十四条"
_ZJ = "浙江省有关地方规定"
_LOCAL = "村民委员会组织法的地方实施办法"
_CATEGORY_INFO: dict[MatterCategory, tuple[str, str]] = {
    MatterCategory.SUBSIDY_STAFF: ("享受误工补贴的人员及补贴标准", f"{_ART24}（一）"),
    MatterCategory.COLLECTIVE_INCOME_USE: ("从村集体经济所得收益的使用", f"{_ART24}（二）"),
    MatterCategory.PUBLIC_WELFARE: ("公益事业的兴办和筹资筹劳方案及建设承包方案", f"{_ART24}（三）"),
    MatterCategory.LAND_CONTRACT: ("土地承包经营方案", f"{_ART24}（四）"),
    MatterCategory.COLLECTIVE_PROJECT: ("村集体经济项目的立项、承包方案", f"{_ART24}（五）"),
    MatterCategory.HOMESTEAD: ("宅基地的使用方案", f"{_ART24}（六）"),
    MatterCategory.EXPROPRIATION_COMPENSATION: ("征地补偿费的使用、分配方案", f"{_ART24}（七）"),
    MatterCategory.ASSET_DISPOSAL: ("以借贷、租赁或者其他方式处分村集体财产", f"{_ART24}（八）"),
    MatterCategory.VILLAGERS_OTHER: ("村民会议认为应当由其决定的其他事项", f"{_ART24}（九）"),
    MatterCategory.EXTERNAL_INVESTMENT: ("村集体资金对外投资经营", _ZJ),
    MatterCategory.ASSET_TRANSFER: ("集体资产拍卖、转让、承包租赁", _ZJ),
    MatterCategory.MAJOR_WORKS: ("重大工程建设", _ZJ),
    MatterCategory.PLAN_BUDGET: ("发展规划、年度计划和财务收支计划", _LOCAL),
    MatterCategory.RECALL_COMMITTEE: ("罢免、补选村民委员会成员", _LOCAL),
    MatterCategory.CHARTER: ("制定、修改村民自治章程", _LOCAL),
    MatterCategory.VILLAGE_RULES: ("制定、修改村规民约", _LOCAL),
    MatterCategory.OTHER: ("其他事项", ""),
}
_VILLAGERS_ONLY = frozenset(
    {MatterCategory.RECALL_COMMITTEE, MatterCategory.CHARTER, MatterCategory.VILLAGE_RULES}
)


class StepType(Enum):
    SUGGEST = "suggest"
    PROPOSE = "propose"
    PROPOSE_AND_CONSULT = "propose_and_consult"
    CONSULT = "consult"
    SUPERVISORY_REVIEW = "supervisory_review"
    PLAN_POSTING = "plan_posting"
    DELIBERATE = "deliberate"
    RESOLVE = "resolve"
    RESOLUTION_DISCLOSURE = "resolution_disclosure"
    IMPLEMENT = "implement"
    RESULT_DISCLOSURE = "result_disclosure"

    @property
    def label(self) -> str:
        return _STEP_LABELS[self]

    @property
    def is_vote(self) -> bool:
        """Steps decided by a vote; a failed vote closes the run (C10)."""
        return self in _VOTE_STEPS

    @property
    def bodies(self) -> tuple[Body, ...]:
        """Bodies that may hold this step (empty for non-meeting steps)."""
        return _STEP_BODIES.get(self, ())


_STEP_LABELS = {
    StepType.SUGGEST: "党员群众建议",
    StepType.PROPOSE: "村党组织提议",
    StepType.PROPOSE_AND_CONSULT: "提议、商议（合并）",
    StepType.CONSULT: "村务联席会议商议",
    StepType.SUPERVISORY_REVIEW: "村务监督委员会核议",
    StepType.PLAN_POSTING: "方案公示",
    StepType.DELIBERATE: "党员大会审议",
    StepType.RESOLVE: "村民（代表）会议决议",
    StepType.RESOLUTION_DISCLOSURE: "决议公开",
    StepType.IMPLEMENT: "组织实施",
    StepType.RESULT_DISCLOSURE: "实施结果公开",
}
_VOTE_STEPS = frozenset(
    {
        StepType.PROPOSE,
        StepType.PROPOSE_AND_CONSULT,
        StepType.CONSULT,
        StepType.SUPERVISORY_REVIEW,
        StepType.DELIBERATE,
        StepType.RESOLVE,
    }
)
_STEP_BODIES = {
    StepType.PROPOSE: (Body.BRANCH,),
    StepType.PROPOSE_AND_CONSULT: (Body.JOINT,),
    StepType.CONSULT: (Body.JOINT,),
    StepType.SUPERVISORY_REVIEW: (Body.SUPERVISORY,),
    StepType.DELIBERATE: (Body.PARTY,),
    StepType.RESOLVE: (Body.REPRESENTATIVES, Body.VILLAGERS),
}
_NOTICE_BODIES = (Body.VILLAGERS, Body.REPRESENTATIVES)


def step_sequence(rules: TownshipRules) -> tuple[StepType, ...]:
    """The configured ordered step list (C10)."""
    steps: list[StepType] = []
    if rules.include_suggest:
        steps.append(StepType.SUGGEST)
    if rules.merge_propose_consult:
        steps.append(StepType.PROPOSE_AND_CONSULT)
    else:
        steps += [StepType.PROPOSE, StepType.CONSULT]
    if rules.include_supervisory_review:
        steps.append(StepType.SUPERVISORY_REVIEW)
    if rules.include_plan_posting:
        steps.append(StepType.PLAN_POSTING)
    steps += [
        StepType.DELIBERATE,
        StepType.RESOLVE,
        StepType.RESOLUTION_DISCLOSURE,
        StepType.IMPLEMENT,
        StepType.RESULT_DISCLOSURE,
    ]
    return tuple(steps)


_OPTIONAL_STEPS = frozenset({StepType.SUGGEST})


@dataclass(frozen=True)
class StepRecord:
    """One recorded step.  ``on`` is the meeting date or the posting start; ``ends_on`` the posting removal
    date (决议公开, C12); ``notice_on`` the date the meeting notice went out (C13); ``passed`` the vote result
    (None for non-vote steps)."""

    step: StepType
    on: date
    body: Body | None = None
    passed: bool | None = None
    notice_on: date | None = None
    urgent: bool = False
    ends_on: date | None = None


class StepNotAllowed(RuleViolation):
    """Params: rule (C10…C15, also the ``code``), explanation (the findings, each citing its own rule)."""

    code = "step"
    template = "{explanation}"
    cites = False


def _d(d: date) -> str:
    return format_chinese_date(d)


def _err(rule: str, message: str, detail: str) -> Finding:
    return Finding("error", rule, message, detail)


def check_step(
    existing: Sequence[StepRecord],
    new: StepRecord,
    rules: TownshipRules,
    category: MatterCategory = MatterCategory.OTHER,
) -> list[Finding]:
    """Findings (C10–C15) against adding ``new`` after ``existing`` (in recorded order) in one run."""
    seq = step_sequence(rules)
    findings: list[Finding] = []
    if new.step not in seq:
        return [_err("C10", f"本乡镇的程序中没有“{new.step.label}”步骤", "not_configured")]
    last = existing[-1] if existing else None
    failed = next((r for r in existing if r.step.is_vote and r.passed is False), None)
    if failed is not None:
        return [_err("C10", f"“{failed.step.label}”未通过，本轮程序已终止，须重新提议", "run_closed")]
    for r in existing:
        if r.step.is_vote and r.passed is None:
            findings.append(_err("C10", f"“{r.step.label}”尚未记录表决结果，不能进入下一步", "vote_missing"))
    done = {r.step for r in existing}
    if new.step in done:
        findings.append(_err("C10", f"“{new.step.label}”已记录，不能重复", "duplicate"))
    # order: every mandatory step before the new one must be done; nothing after it may be done
    pos = seq.index(new.step)
    missing = [s for s in seq[:pos] if s not in done and s not in _OPTIONAL_STEPS]
    if missing:
        names = "、".join(f"“{s.label}”" for s in missing)
        findings.append(_err("C10", f"“{new.step.label}”之前须先完成{names}", "order"))
    later = [r.step for r in existing if r.step in seq and seq.index(r.step) > pos]
    if later:
        findings.append(_err("C10", f"“{later[0].label}”已记录，不能再补录“{new.step.label}”", "order"))
    if last is not None and new.on < last.on:
        findings.append(
            _err(
                "C10",
                f"“{new.step.label}”日期{_d(new.on)}早于上一步“{last.step.label}”日期{_d(last.on)}",
                "date_order",
            )
        )
    if new.step.bodies and new.body is not None and new.body not in new.step.bodies:
        findings.append(_err("C10", f"“{new.step.label}”不能由{new.body.label}进行", "body"))

    # C11: 审议 only after the plan posting period
    posting = next((r for r in existing if r.step is StepType.PLAN_POSTING), None)
    if new.step is StepType.DELIBERATE and posting is not None:
        earliest = earliest_after(posting.on, rules.plan_posting_days)
        if new.on < earliest:
            findings.append(
                _err(
                    "C11",
                    f"方案于{_d(posting.on)}公示，须公示满{rules.plan_posting_days}日，"
                    f"{_d(earliest)}起方可审议（拟于{_d(new.on)}）",
                    "posting_period",
                )
            )
    # C12: resolution notice stays up for the configured days
    if new.step is StepType.RESOLUTION_DISCLOSURE and new.ends_on is not None:
        earliest = earliest_after(new.on, rules.result_posting_days)
        if new.ends_on < earliest:
            findings.append(
                _err(
                    "C12",
                    f"决议于{_d(new.on)}公开，须公示满{rules.result_posting_days}日，"
                    f"{_d(earliest)}起方可撤下（记录为{_d(new.ends_on)}）",
                    "posting_period",
                )
            )
    # C13: notice before 村民会议 / 代表会议
    if new.body in _NOTICE_BODIES and not new.urgent:
        findings += check_notice(new.body, new.on, new.notice_on, rules)
    # C15 and C14 on the resolution
    if new.step is StepType.RESOLVE:
        if category.villagers_meeting_only and new.body is not Body.VILLAGERS:
            findings.append(
                _err("C15", f"“{category.label}”只能由村民会议决定，不能由村民代表会议决定", "villagers_only")
            )
    if new.step is StepType.IMPLEMENT:
        findings += check_matter_approval(category, existing)
    return findings


def check_notice(body: Body, meeting: date, notice_on: date | None, rules: TownshipRules) -> list[Finding]:
    """C13: 村民会议 notice ≥ ``notice_days_villagers`` days before; 代表会议 ≥ ``notice_days_representatives``."""
    days = rules.notice_days_villagers if body is Body.VILLAGERS else rules.notice_days_representatives
    if days == 0:
        return []
    latest = latest_notice_date(meeting, days)
    if notice_on is None:
        return [
            Finding(
                "warning", "C13", f"未记录{body.label}的通知日期（应于{_d(latest)}前通知）", "notice_missing"
            )
        ]
    if notice_on > latest:
        return [
            _err(
                "C13",
                f"{body.label}于{_d(meeting)}召开，应提前{days}日即{_d(latest)}前通知，实际{_d(notice_on)}通知",
                "notice_late",
            )
        ]
    return []


def check_matter_approval(category: MatterCategory, steps: Sequence[StepRecord]) -> list[Finding]:
    """C14: a matter of a listed category needs a passed 村民(代表)会议 决议 before it counts as approved."""
    if not category.requires_resolution:
        return []
    if any(r.step is StepType.RESOLVE and r.passed for r in steps):
        return []
    return [
        _err("C14", f"“{category.label}”须经村民会议或村民代表会议决议通过后方可实施", "resolution_required")
    ]


def require_step(
    existing: Sequence[StepRecord],
    new: StepRecord,
    rules: TownshipRules,
    category: MatterCategory = MatterCategory.OTHER,
) -> list[Finding]:
    """Like ``check_step`` but raises ``StepNotAllowed`` on the first error; returns the warnings."""
    findings = check_step(existing, new, rules, category)
    if has_errors(findings):
        first = next(f for f in findings if f.is_error)
        raise StepNotAllowed(rule=first.code, explanation="；".join(f.shown for f in findings if f.is_error))
    return findings


@dataclass(frozen=True)
class NextStep:
    step: StepType | None  # None: run finished or closed
    earliest: date | None
    explanation: str
    notice_by: date | None = None  # for a meeting held on ``earliest``: latest notice date (C13)


def next_step_due(existing: Sequence[StepRecord], rules: TownshipRules) -> NextStep:
    """What is due next in this run and from which date."""
    seq = step_sequence(rules)
    last = existing[-1] if existing else None
    failed = next((r for r in existing if r.step.is_vote and r.passed is False), None)
    if failed is not None:
        return NextStep(None, None, f"“{failed.step.label}”未通过，本轮程序已终止")
    done = {r.step for r in existing}
    pending = [s for s in seq if s not in done and (s not in _OPTIONAL_STEPS or not existing)]
    if existing:
        last_pos = max(seq.index(r.step) for r in existing if r.step in seq)
        pending = [s for s in pending if seq.index(s) > last_pos]
    if not pending:
        return NextStep(None, None, "五议两公开程序已全部完成")
    step = pending[0]
    if last is None:
        return NextStep(step, None, f"下一步：{step.label}")
    earliest = last.on
    reason = f"下一步：{step.label}，{_d(earliest)}起"
    posting = next((r for r in existing if r.step is StepType.PLAN_POSTING), None)
    if step is StepType.DELIBERATE and posting is not None:
        earliest = max(earliest, earliest_after(posting.on, rules.plan_posting_days))
        reason = f"下一步：{step.label}，方案公示期满后{_d(earliest)}起"
    notice_by = None
    if step is StepType.RESOLVE:
        notice_by = latest_notice_date(earliest, rules.notice_days_representatives)
        reason += f"（村民代表会议须提前{rules.notice_days_representatives}日通知，村民会议须提前{rules.notice_days_villagers}日）"
    return NextStep(step, earliest, reason, notice_by)
