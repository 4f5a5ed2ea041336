"""Recording the steps of a matter: drafts, finalisation with every rule checked, and amendments.

A step is first a draft (any field may change).  Finalising checks, in this order: required fields, the body's
roster on the meeting date and the attendance ticks, quorum and pass rule (C1–C4, C7–C9 via
``core.meetings.evaluate_meeting``), step order, dates, posting and notice periods and the body allowed for the
category (C10–C15 via ``core.matters.require_step``).  A final step is immutable; a correction is a
``StepAmendment`` with a reason, applied over the step when it is shown or printed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quzhou_desktop.core.dates import earliest_after
from quzhou_desktop.core.errors import Conflict, NotFound, RuleViolation, ValidationError
from quzhou_desktop.core.matters import StepNotAllowed, StepRecord, StepType, check_step
from quzhou_desktop.core.meetings import (
    Attendance,
    Body,
    MeetingOutcome,
    RosterCounts,
    Votes,
    evaluate_meeting,
)
from quzhou_desktop.core.money import Finding
from quzhou_desktop.core.rules_config import TownshipRules
from quzhou_desktop.services.context import AppContext
from quzhou_desktop.services.matters_common import (
    AMENDABLE,
    BODY_MEMBERSHIPS,
    DATED_STEPS,
    JOINT_FALLBACK,
    POSTING_STEPS,
    STATUS_LABELS,
    VOTE_METHODS,
    StepView,
    body_of,
    category_of,
    due_of,
    fmt_date,
    load_matter,
    long_text,
    run_steps,
    step_type,
    step_views,
)
from quzhou_desktop.services.people import members
from quzhou_desktop.services.roles import Perm
from quzhou_desktop.services.settings import get_rules
from quzhou_desktop.services.validate import optional
from quzhou_desktop.store.models import Matter, MatterStep, Person, StepAmendment, StepAttendance, Village

__all__ = [
    "AttendanceEntry",
    "PostingTooShort",
    "Roster",
    "RosterEntry",
    "StepCheck",
    "StepInput",
    "amend_step",
    "check_step_input",
    "discard_draft",
    "get_step",
    "meeting_roster",
    "save_step",
]


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
    """Live verdict for the step dialog: the meeting outcome, rule findings and missing fields."""

    outcome: MeetingOutcome | None
    findings: tuple[Finding, ...]
    problems: tuple[str, ...]

    @property
    def errors(self) -> tuple[str, ...]:
        return self.problems + tuple(f"{f.message}（{f.code}）" for f in self.findings if f.is_error)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(f"{f.message}（{f.code}）" for f in self.findings if not f.is_error)

    @property
    def can_finalize(self) -> bool:
        return not self.errors and (self.outcome is None or self.outcome.valid)


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
    entries = sorted(seen.values(), key=lambda e: (not e.votes, e.name))
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
                problems.append(f"{name}不计入应到人数，须写明原因（如外出半年以上、卧床，C7）")
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
        for v, label in (
            (inp.votes_for, "赞成票"),
            (inp.votes_against, "反对票"),
            (inp.votes_abstain, "弃权票"),
        ):
            need(v, label)
    elif st in POSTING_STEPS:
        need(inp.posting_from, "公示开始日期")
        need(inp.posting_to, "公示截止日期")
        need(inp.posting_place, "公示地点")
        need(inp.plan_text if st is StepType.PLAN_POSTING else inp.decision_text, "公示内容")
    else:
        need(inp.meeting_date, "日期")
        need(inp.plan_text if st is StepType.SUGGEST else inp.minutes, "内容")
    return [f"请填写“{m}”" for m in missing]


def _validate(st: StepType, inp: StepInput) -> StepInput:
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


def _evaluate(
    ctx: AppContext,
    matter: Matter,
    st: StepType,
    inp: StepInput,
    rules: TownshipRules,
    existing: list[StepView],
) -> tuple[StepCheck, list[AttendanceEntry], Roster | None, int]:
    problems = _required_fields(st, inp)
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
        if inp.votes_for is not None:
            votes = Votes(inp.votes_for or 0, inp.votes_against or 0, inp.votes_abstain or 0)
        try:
            outcome = evaluate_meeting(body, counts, attendance, votes, rules)
        except ValidationError as exc:
            problems.append(str(exc))
        if outcome is not None and prob_present:
            line = f"另有预备党员{prob_present}人到会，不参加表决、不计入实到人数（C9）"
            outcome = replace(outcome, explanation_lines=(*outcome.explanation_lines, line))
    findings: list[Finding] = []
    on = inp.posting_from if st in POSTING_STEPS else inp.meeting_date
    if on is not None and (body is not None or not st.bodies):
        records = [v.record() for v in existing if v.is_final]
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
                    PostingTooShort(
                        start=fmt_date(inp.posting_from),
                        days=rules.plan_posting_days,
                        earliest=fmt_date(earliest),
                        end=fmt_date(inp.posting_to),
                    ).message,
                    "posting_period",
                )
            )
    return StepCheck(outcome, tuple(findings), tuple(problems)), entries, roster, prob_present


def check_step_input(
    ctx: AppContext, matter_id: str, inp: StepInput, *, step_id: str | None = None
) -> StepCheck:
    """What finalising ``inp`` would say, without writing anything (the dialog's live explanation)."""
    rules = get_rules(ctx)
    with ctx.read() as s:
        matter = load_matter(s, matter_id)
        ctx.require_village(matter.village_id)
        existing = step_views(s, run_steps(s, matter_id, include_drafts=False))
    st = step_type(inp.step_type)
    try:
        clean = _validate(st, inp)
    except ValidationError as exc:
        return StepCheck(None, (), (str(exc),))
    check, *_ = _evaluate(ctx, matter, st, clean, rules, existing)
    return check


def _person_ok(s: Session, village_id: str, person_id: str | None, label: str) -> None:
    if not person_id:
        return
    p = s.get(Person, person_id)
    if p is None or p.village_id != village_id:
        raise ValidationError(field=label, reason="应为本村花名册中的人员")


def save_step(
    ctx: AppContext,
    matter_id: str,
    inp: StepInput,
    *,
    step_id: str | None = None,
    final: bool = False,
    expected_version: int | None = None,
) -> StepView:
    """Save a draft (``final=False``) or record the step as final. Finalising refuses, with the rule and the
    numbers, anything C1–C15 forbids; a failed vote closes the run as 未通过."""
    rules = get_rules(ctx)
    st = step_type(inp.step_type)
    with ctx.read() as s:
        matter0 = load_matter(s, matter_id)
        row0 = s.get(MatterStep, step_id) if step_id else None
    user = ctx.require(Perm.MATTER_EDIT, matter0.village_id)
    if matter0.status != "in_progress":
        raise Conflict(f"事项已{_status(matter0)}，不能再登记步骤")
    if row0 is not None and row0.state != "draft":
        raise Conflict("这个步骤已定稿，不能再修改；如有错误请登记更正并写明原因")
    clean = _validate(st, inp)
    with ctx.read() as s:
        existing = step_views(s, run_steps(s, matter_id, include_drafts=False))
    check, entries, roster, _ = _evaluate(ctx, matter0, st, clean, rules, existing)
    if final:
        if check.problems:
            raise ValidationError(field=st.label, reason="；".join(check.problems))
        if check.outcome is not None:
            check.outcome.raise_if_not_valid()
        errors = [f for f in check.findings if f.is_error]
        if errors:  # C10–C15 from core.matters.check_step, plus the plan posting's own period (C11)
            raise StepNotAllowed(rule=errors[0].code, explanation="；".join(f.message for f in errors))
    action = "matter.finalize_step" if final else "matter.save_draft"
    with ctx.write(action) as s:
        matter = load_matter(s, matter_id)
        if matter.status != "in_progress":
            raise Conflict(f"事项已{_status(matter)}，不能再登记步骤")
        if final and len(run_steps(s, matter_id, include_drafts=False)) != len(existing):
            raise Conflict("这个事项刚被其他人登记了新的步骤，请关闭后重新打开")
        _person_ok(s, matter.village_id, clean.chair_person_id, "主持人")
        _person_ok(s, matter.village_id, clean.recorder_person_id, "记录人")
        if step_id is None:
            draft = s.scalars(
                select(MatterStep).where(MatterStep.matter_id == matter_id, MatterStep.state == "draft")
            ).first()
            if draft is not None:
                raise Conflict(f"这个事项已有一份“{StepType(draft.step_type).label}”草稿，请先定稿或作废")
            seq = int(
                s.scalar(select(func.max(MatterStep.seq)).where(MatterStep.matter_id == matter_id)) or 0
            )
            row = MatterStep(matter_id=matter_id, seq=seq + 1, step_type=st.value, state="draft")
            s.add(row)
        else:
            found = s.get(MatterStep, step_id)
            if found is None or found.matter_id != matter_id:
                raise NotFound(what="这个步骤")
            row = found
            if row.state != "draft":
                raise Conflict("这个步骤已定稿，不能再修改；如有错误请登记更正并写明原因")
            if expected_version is not None and row.row_version != expected_version:
                raise Conflict("这个步骤已被其他人修改，请关闭后重新打开")
            if row.step_type != st.value:
                raise ValidationError(field="步骤", reason="草稿的步骤类型不能更改，请作废后重新登记")
        _fill(row, clean, check, roster)
        s.flush()
        _write_attendance(s, row.id, entries, roster)
        if final:
            row.state = "final"
            row.finalized_at = ctx.clock.now()
            row.finalized_by = user.id
            _advance(s, matter, existing, row, rules, ctx.clock.today())
        s.flush()
        view = step_views(s, [row], with_attendance=True)[0]
    return view


def _status(m: Matter) -> str:
    return STATUS_LABELS.get(m.status, m.status)


def _fill(row: MatterStep, inp: StepInput, check: StepCheck, roster: Roster | None) -> None:
    values: dict[str, Any] = {
        "body": inp.body,
        "meeting_date": inp.meeting_date,
        "place": inp.place,
        "notice_date": inp.notice_date,
        "urgent": bool(inp.urgent),
        "chair_person_id": inp.chair_person_id,
        "recorder_person_id": inp.recorder_person_id,
        "votes_for": inp.votes_for,
        "votes_against": inp.votes_against,
        "votes_abstain": inp.votes_abstain,
        "vote_method": inp.vote_method,
        "township_attendees": inp.township_attendees,
        "plan_text": inp.plan_text,
        "minutes": inp.minutes,
        "decision_text": inp.decision_text,
        "posting_from": inp.posting_from,
        "posting_to": inp.posting_to,
        "posting_place": inp.posting_place,
    }
    o = check.outcome
    values.update(
        roster_count=_roster_count(roster),
        entitled_count=o.entitled if o else None,
        present_count=o.present if o else None,
        households_count=roster.households if roster and roster.body is Body.VILLAGERS else None,
        household_reps_present=o.household_reps if o and o.body is Body.VILLAGERS else None,
        valid=o.valid if o else None,
        passed=o.passed if o else None,
        outcome_text="\n".join(o.explanation_lines) if o else None,
    )
    if row.step_type in {s.value for s in DATED_STEPS | POSTING_STEPS}:
        values.update(valid=None, passed=None)
    for k, v in values.items():
        if getattr(row, k) != v:
            setattr(row, k, v)


def _roster_count(roster: Roster | None) -> int | None:
    if roster is None:
        return None
    return roster.adults if roster.body is Body.VILLAGERS else len(roster.entries)


def _write_attendance(
    s: Session, step_id: str, entries: list[AttendanceEntry], roster: Roster | None
) -> None:
    """Upsert one row per roster member; rows of people no longer on the roster are marked void."""
    old = {a.person_id: a for a in s.scalars(select(StepAttendance).where(StepAttendance.step_id == step_id))}
    party = {e.person_id: e.party_status for e in roster.entries} if roster else {}
    seen = set()
    for e in entries:
        seen.add(e.person_id)
        reason = (e.reason or "").strip() or None if e.status == "excluded" else None
        a = old.get(e.person_id)
        if a is None:
            s.add(
                StepAttendance(
                    step_id=step_id,
                    person_id=e.person_id,
                    status=e.status,
                    reason=reason,
                    party_status=party.get(e.person_id),
                )
            )
        elif (a.status, a.reason) != (e.status, reason):
            a.status, a.reason = e.status, reason
    for pid, a in old.items():
        if pid not in seen and a.status != "void":
            a.status = "void"


def _advance(
    s: Session, matter: Matter, existing: list[StepView], row: MatterStep, rules: TownshipRules, today: date
) -> None:
    st = StepType(row.step_type)
    matter.current_step = st.value
    if st.is_vote and row.passed is False:
        matter.status = "failed"
        matter.next_due_date = None
        matter.next_deadline = None
        return
    if st is StepType.RESULT_DISCLOSURE:
        matter.status = "completed"
        matter.next_due_date = None
        matter.next_deadline = None
        return
    records = [v.record() for v in existing] + [step_views(s, [row])[0].record()]
    due = due_of(records, rules, created=matter.created_at.date())
    matter.next_due_date = due.earliest
    matter.next_deadline = due.deadline
    if due.step is None:
        matter.status = "completed"


def get_step(ctx: AppContext, step_id: str) -> StepView:
    with ctx.read() as s:
        row = s.get(MatterStep, step_id)
        if row is None:
            raise NotFound(what="这个步骤")
        ctx.require_village(load_matter(s, row.matter_id).village_id)
        return step_views(s, [row], with_attendance=True)[0]


def discard_draft(ctx: AppContext, step_id: str, *, reason: str = "作废草稿") -> None:
    with ctx.read() as s:
        row0 = s.get(MatterStep, step_id)
        if row0 is None:
            raise NotFound(what="这个步骤")
        village_id = load_matter(s, row0.matter_id).village_id
    ctx.require(Perm.MATTER_EDIT, village_id)
    with ctx.write("matter.discard_draft", reason=reason) as s:
        row = s.get(MatterStep, step_id)
        assert row is not None
        if row.state != "draft":
            raise Conflict("只有草稿可以作废；定稿的步骤请登记更正")
        row.state = "void"


def amend_step(ctx: AppContext, step_id: str, changes: dict[str, str | None], *, reason: str) -> StepView:
    """Record a correction of a final step (only the ``AMENDABLE`` fields), audited with ``reason``."""
    why = (reason or "").strip()
    if not why:
        raise ValidationError(field="更正原因", reason="更正已定稿的记录须写明原因")
    bad = [k for k in changes if k not in AMENDABLE]
    if bad:
        raise ValidationError(
            field="更正内容",
            reason="会议日期、出席和表决结果定稿后不能更正（如有错误须重新召开会议）；只能更正"
            + "、".join(AMENDABLE.values()),
        )
    with ctx.read() as s:
        row0 = s.get(MatterStep, step_id)
        if row0 is None:
            raise NotFound(what="这个步骤")
        village_id = load_matter(s, row0.matter_id).village_id
    user = ctx.require(Perm.MATTER_EDIT, village_id)
    with ctx.write("matter.amend_step", reason=why) as s:
        row = s.get(MatterStep, step_id)
        assert row is not None
        if row.state != "final":
            raise Conflict("草稿可以直接修改，不需要登记更正")
        current = step_views(s, [row])[0].values
        diff: dict[str, dict[str, Any]] = {}
        for k, new in changes.items():
            if k in ("chair_person_id", "recorder_person_id"):
                _person_ok(s, village_id, new, AMENDABLE[k])
                value: str | None = new or None
            elif k == "vote_method":
                if new not in VOTE_METHODS:
                    raise ValidationError(field="表决方式", reason="请选择举手或无记名投票")
                value = new
            elif k in ("place", "posting_place"):
                value = optional(new, AMENDABLE[k], max_len=100)
            else:
                value = long_text(new, AMENDABLE[k])
            if value != current.get(k):
                diff[k] = {"old": current.get(k), "new": value}
        if not diff:
            raise ValidationError(field="更正内容", reason="没有改动任何内容")
        s.add(
            StepAmendment(
                step_id=step_id,
                reason=why,
                changes_json=json.dumps(diff, ensure_ascii=False, sort_keys=True),
                amended_by=user.id,
            )
        )
        s.flush()
        return step_views(s, [row], with_attendance=True)[0]
