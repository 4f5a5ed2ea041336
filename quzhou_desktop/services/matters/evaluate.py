"""Evaluating a step before it is saved: the body's roster on the meeting date, attendance counts, the quorum
and pass rule (C1–C4, C7–C9 via ``core.meetings``) and the order, date, posting, notice and authority rules
(C10–C15 via ``core.matters``). Pure reads; ``services.matters.steps`` saves what this approves."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from quzhou_desktop.core.dates import earliest_after
from quzhou_desktop.core.errors import NotFound, RuleViolation, ValidationError
from quzhou_desktop.core.matters import StepRecord, StepType, check_step
from quzhou_desktop.core.meetings import (
    VOTE_METHODS,
    Attendance,
    Body,
    MeetingOutcome,
    RosterCounts,
    Votes,
    evaluate_meeting,
)
from quzhou_desktop.core.money import Finding
from quzhou_desktop.core.names import pinyin_key
from quzhou_desktop.core.rules import with_basis
from quzhou_desktop.core.rules_config import TownshipRules
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.settings import rules_in
from quzhou_desktop.services.kernel.validate import optional
from quzhou_desktop.services.matters.common import (
    BODY_MEMBERSHIPS,
    JOINT_FALLBACK,
    POSTING_STEPS,
    StepView,
    body_of,
    category_of,
    fmt_date,
    load_matter,
    long_text,
    run_steps,
    step_type,
    step_views,
)
from quzhou_desktop.services.roster.people import members
from quzhou_desktop.store.models import Matter, Village


class PostingTooShort(RuleViolation):
    """C11: the plan posting is taken down before its counted period has elapsed."""

    code = "C11"
    template = "方案于{start}公示，须公示满{days}日，{earliest}起方可撤下（记录为{end}）"


@dataclass(frozen=True)
class AttendanceEntry:
    person_id: str
    status: str  # present / absent / excluded (党员大会, with reason: C7)
    reason: str | None = None


@dataclass(frozen=True)
class StepInput:
    step_type: str
    body: str | None = None
    meeting_date: date | None = None  # meeting; 建议 date; 实施 completion date
    place: str | None = None
    notice_date: date | None = None
    urgent: bool = False
    chair_person_id: str | None = None
    recorder_person_id: str | None = None
    attendance: tuple[AttendanceEntry, ...] = ()
    present_count: int | None = None  # 村民会议: adults present (no name list)
    household_reps_present: int | None = None  # 村民会议: household representatives present (C1)
    votes_for: int | None = None
    votes_against: int | None = None
    votes_abstain: int | None = None
    vote_method: str | None = None
    township_attendees: str | None = None
    plan_text: str | None = None
    minutes: str | None = None
    decision_text: str | None = None
    posting_from: date | None = None
    posting_to: date | None = None
    posting_place: str | None = None


@dataclass(frozen=True)
class RosterEntry:
    person_id: str
    name: str
    roles: str
    party_status: str | None

    @property
    def votes(self) -> bool:
        """C9: 预备党员 attend but do not vote."""
        return self.party_status != "probationary"


@dataclass(frozen=True)
class Roster:
    body: Body
    on: date
    entries: tuple[RosterEntry, ...]
    adults: int = 0  # 村民会议
    households: int = 0

    @property
    def voting_members(self) -> int:
        if self.body is Body.VILLAGERS:
            return self.adults
        return sum(1 for e in self.entries if e.votes)

    @property
    def summary(self) -> str:
        if self.body is Body.VILLAGERS:
            return f"十八周岁以上村民{self.adults}人，{self.households}户"
        prob = len(self.entries) - self.voting_members
        extra = f"（另有预备党员{prob}人，列席不表决）" if prob else ""
        return f"{self.body.label}名册{self.voting_members}人{extra}"


@dataclass(frozen=True)
class StepCheck:
    """What finalising would say — the one source of the dialog's live verdict and of ``save_step``'s refusal.

    ``todo`` names the fields still to fill (a new form shows these, not errors); ``problems`` and the error
    ``findings`` forbid finalising.  An inquorate meeting (会议无效) or a failed vote (未通过) does *not*: the
    meeting took place and is recorded as it was (see ``outcome_note``)."""

    outcome: MeetingOutcome | None
    findings: tuple[Finding, ...]
    problems: tuple[str, ...]
    todo: tuple[str, ...] = ()

    @property
    def errors(self) -> tuple[str, ...]:
        return self.problems + tuple(f.shown for f in self.findings if f.is_error)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(f.shown for f in self.findings if not f.is_error)

    @property
    def can_finalize(self) -> bool:
        return not self.todo and not self.errors

    @property
    def todo_line(self) -> str:
        return "还需填写：" + "、".join(self.todo) if self.todo else ""

    @property
    def outcome_note(self) -> str:
        """What finalising does to the matter when the meeting was inquorate or the vote failed ("" else)."""
        o = self.outcome
        if o is None:
            return ""
        if not o.valid:
            return "定稿后如实记录为“会议无效”，事项不推进，停留在本步骤；可另行召开会议后再登记本步骤。"
        if o.passed is False:
            return "定稿后如实记录为“未通过”，本轮程序终止；如仍要办理，须重新提议。"
        return ""

    @property
    def refusal(self) -> str:
        """Why 定稿 is refused, exactly as the dialog shows it ("" when it may be finalised)."""
        if self.can_finalize:
            return ""
        return "；".join(([self.todo_line] if self.todo else []) + list(self.errors))


def meeting_roster(ctx: AppContext, village_id: str, body: str, on: date) -> Roster:
    """Who sits in ``body`` on ``on`` (from the 花名册), or the village's adult and household counts."""
    b = body_of(body)
    if b is None:
        raise ValidationError(field="会议", reason="请选择会议类型")
    ctx.require_village(village_id)
    if b is Body.VILLAGERS:
        with ctx.read() as s:
            v = s.get(Village, village_id)
            if v is None:
                raise NotFound(what="这个村")
            return Roster(b, on, (), v.adults, v.households)
    keys = BODY_MEMBERSHIPS[b]
    rows = [r for k in keys for r in members(ctx, village_id, k, on=on)]
    if b is Body.JOINT and not rows:
        rows = [r for k in JOINT_FALLBACK for r in members(ctx, village_id, k, on=on)]
    seen: dict[str, RosterEntry] = {}
    for r in rows:
        role = r.party_status_label if r.body == "party_meeting" else r.role_label
        if r.person_id in seen:
            old = seen[r.person_id]
            seen[r.person_id] = replace(old, roles=f"{old.roles}、{role}")
        else:
            seen[r.person_id] = RosterEntry(r.person_id, r.person_name, role, r.party_status)
    entries = sorted(seen.values(), key=lambda e: (not e.votes, pinyin_key(e.name)))
    return Roster(b, on, tuple(entries))


def _counts(
    roster: Roster, inp: StepInput
) -> tuple[RosterCounts, Attendance, list[AttendanceEntry], list[str], int]:
    """(roster counts, attendance, entries for every roster member, problems, probationary present)."""
    problems: list[str] = []
    if roster.body is Body.VILLAGERS:
        present = inp.present_count or 0
        reps = inp.household_reps_present or 0
        return RosterCounts(roster.adults, roster.households), Attendance(present, reps), [], problems, 0
    by_id = {e.person_id: e for e in roster.entries}
    ticks: dict[str, AttendanceEntry] = {}
    for a in inp.attendance:
        if a.person_id not in by_id:
            problems.append(f"有人员不在{fmt_date(roster.on)}的{roster.body.label}名册中，请刷新名单")
            continue
        if a.status not in ("present", "absent", "excluded"):
            raise ValidationError(field="出席情况", reason=f"未知的状态“{a.status}”")
        if a.status == "excluded":
            name = by_id[a.person_id].name
            if roster.body is not Body.PARTY:
                problems.append(f"只有党员大会可以经批准不计入应到人数（{name}）")
            elif not by_id[a.person_id].votes:
                problems.append(f"{name}是预备党员，本来就不计入应到人数")
            elif not (a.reason or "").strip():
                problems.append(with_basis(f"{name}不计入应到人数，须写明原因（如外出半年以上、卧床）", "C7"))
        ticks[a.person_id] = a
    entries = [ticks.get(e.person_id, AttendanceEntry(e.person_id, "absent")) for e in roster.entries]
    voting = {e.person_id for e in roster.entries if e.votes}
    excluded = sum(1 for a in entries if a.status == "excluded" and a.person_id in voting)
    present = sum(1 for a in entries if a.status == "present" and a.person_id in voting)
    probationary_present = sum(1 for a in entries if a.status == "present" and a.person_id not in voting)
    counts = RosterCounts(len(voting), 0, excluded if roster.body is Body.PARTY else 0)
    return counts, Attendance(present), entries, problems, probationary_present


def _required_fields(st: StepType, inp: StepInput) -> list[str]:
    missing: list[str] = []

    def need(value: Any, label: str) -> None:
        if value is None or (isinstance(value, str) and not value.strip()):
            missing.append(label)

    if st.bodies:
        need(inp.body, "会议类型")
        need(inp.meeting_date, "会议日期")
        need(inp.place, "会议地点")
        need(inp.chair_person_id, "主持人")
        need(inp.recorder_person_id, "记录人")
        need(inp.vote_method, "表决方式")
    elif st in POSTING_STEPS:
        need(inp.posting_from, "公示开始日期")
        need(inp.posting_to, "公示截止日期")
        need(inp.posting_place, "公示地点")
        need(inp.plan_text if st is StepType.PLAN_POSTING else inp.decision_text, "公示内容")
    else:
        need(inp.meeting_date, "日期")
        need(inp.plan_text if st is StepType.SUGGEST else inp.minutes, "内容")
    return missing


def validate_input(st: StepType, inp: StepInput) -> StepInput:
    body = body_of(inp.body)
    if st.bodies and body is not None and body not in st.bodies:
        names = "或".join(b.label for b in st.bodies)
        raise ValidationError(field="会议类型", reason=f"“{st.label}”应由{names}进行")
    if not st.bodies and inp.body:
        inp = replace(inp, body=None)
    if inp.vote_method is not None and inp.vote_method not in VOTE_METHODS:
        raise ValidationError(field="表决方式", reason="请选择举手或无记名投票")
    if inp.posting_from and inp.posting_to and inp.posting_to < inp.posting_from:
        raise ValidationError(field="公示截止日期", reason="不能早于公示开始日期")
    if inp.notice_date and inp.meeting_date and inp.notice_date > inp.meeting_date:
        raise ValidationError(field="通知日期", reason="不能晚于会议日期")
    return replace(
        inp,
        place=optional(inp.place, "会议地点", max_len=100),
        posting_place=optional(inp.posting_place, "公示地点", max_len=100),
        township_attendees=long_text(inp.township_attendees, "乡镇参会人员", max_len=500),
        plan_text=long_text(inp.plan_text, "方案内容"),
        minutes=long_text(inp.minutes, "会议记录"),
        decision_text=long_text(inp.decision_text, "决议内容"),
    )


def evaluate_input(
    ctx: AppContext,
    matter: Matter,
    st: StepType,
    inp: StepInput,
    rules: TownshipRules,
    existing: list[StepView],
) -> tuple[StepCheck, list[AttendanceEntry], Roster | None, int]:
    todo = _required_fields(st, inp)
    problems: list[str] = []
    outcome: MeetingOutcome | None = None
    entries: list[AttendanceEntry] = []
    roster: Roster | None = None
    prob_present = 0
    body = body_of(inp.body)
    if st.bodies and body is not None and inp.meeting_date is not None:
        roster = meeting_roster(ctx, matter.village_id, body.value, inp.meeting_date)
        counts, attendance, entries, more, prob_present = _counts(roster, inp)
        problems += more
        votes = None
        if inp.votes_for or inp.votes_against or inp.votes_abstain:
            votes = Votes(inp.votes_for or 0, inp.votes_against or 0, inp.votes_abstain or 0)
        if attendance.present == 0 and attendance.household_reps == 0 and not prob_present:
            todo.append("到会人数" if body is Body.VILLAGERS else "出席情况")  # nothing entered yet
        else:
            if votes is None and st.is_vote:
                todo.append("表决票数")
            try:
                outcome = evaluate_meeting(body, counts, attendance, votes, rules)
            except ValidationError as exc:
                problems.append(str(exc))
        if outcome is not None and prob_present:
            line = with_basis(f"另有预备党员{prob_present}人到会，不参加表决、不计入实到人数", "C9")
            outcome = replace(outcome, explanation_lines=(*outcome.explanation_lines, line))
    findings: list[Finding] = []
    on = inp.posting_from if st in POSTING_STEPS else inp.meeting_date
    if on is not None and (body is not None or not st.bodies):
        records = [v.record() for v in existing if v.in_run]
        new = StepRecord(
            step=st,
            on=on,
            body=body,
            passed=outcome.passed if outcome else None,
            notice_on=inp.notice_date,
            urgent=inp.urgent,
            ends_on=inp.posting_to,
        )
        findings = check_step(records, new, rules, category_of(matter.category))
        today = ctx.clock.today()
        if on > today:
            problems.append(f"日期{fmt_date(on)}晚于今天，须在会议召开（或张贴）后再定稿")
    if st is StepType.PLAN_POSTING and inp.posting_from and inp.posting_to:
        earliest = earliest_after(inp.posting_from, rules.plan_posting_days)
        if inp.posting_to < earliest:
            findings.append(
                Finding(
                    "error",
                    "C11",
                    PostingTooShort.template.format(
                        start=fmt_date(inp.posting_from),
                        days=rules.plan_posting_days,
                        earliest=fmt_date(earliest),
                        end=fmt_date(inp.posting_to),
                    ),
                    "posting_period",
                )
            )
    return StepCheck(outcome, tuple(findings), tuple(problems), tuple(todo)), entries, roster, prob_present


def check_step_input(
    ctx: AppContext, matter_id: str, inp: StepInput, *, step_id: str | None = None
) -> StepCheck:
    """What finalising ``inp`` would say, without writing anything (the dialog's live explanation)."""
    with ctx.read() as s:
        matter = load_matter(s, matter_id)
        ctx.require_village(matter.village_id)
        rules = rules_in(s, matter.village_id)
        existing = step_views(s, run_steps(s, matter_id, include_drafts=False))
    st = step_type(inp.step_type)
    try:
        clean = validate_input(st, inp)
    except ValidationError as exc:
        return StepCheck(None, (), (str(exc),))
    check, *_ = evaluate_input(ctx, matter, st, clean, rules, existing)
    return check
