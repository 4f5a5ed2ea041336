"""Recording the steps of a matter: drafts, finalisation with every rule checked, and amendments.

A step is first a draft (any field may change).  Finalising checks, in this order: required fields, the body's
roster on the meeting date and the attendance ticks, quorum and pass rule (C1–C4, C7–C9 via
``core.meetings.evaluate_meeting``), step order, dates, posting and notice periods and the body allowed for the
category (C10–C15 via ``core.matters.require_step``).  定稿 is a signed act (``matter.finalize``, statement in
``services.matters.statements``): the person recording it re-enters the password.  A final step is immutable;
a correction is a ``StepAmendment`` with a reason, applied over the step when it is shown or printed.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quzhou_desktop.core.errors import Conflict, NotFound, ValidationError
from quzhou_desktop.core.matters import StepNotAllowed, StepType
from quzhou_desktop.core.meetings import VOTE_METHODS, Body
from quzhou_desktop.core.rules_config import TownshipRules
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.keys import Credential, signer_for
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.settings import rules_in
from quzhou_desktop.services.kernel.signatures import office_of, sign_act
from quzhou_desktop.services.kernel.validate import optional
from quzhou_desktop.services.matters.common import (
    AMENDABLE,
    DATED_STEPS,
    POSTING_STEPS,
    STATUS_LABELS,
    StepView,
    due_of,
    load_matter,
    long_text,
    run_steps,
    step_type,
    step_views,
)
from quzhou_desktop.services.matters.evaluate import (
    AttendanceEntry,
    PostingTooShort,
    Roster,
    RosterEntry,
    StepCheck,
    StepInput,
    check_step_input,
    evaluate_input,
    meeting_roster,
    validate_input,
)
from quzhou_desktop.services.matters.statements import step_content, step_scans
from quzhou_desktop.store.models import Matter, MatterStep, Person, StepAmendment, StepAttendance

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
    "last_recorder",
    "meeting_roster",
    "previous_attendance",
    "save_step",
    "suggested_decision",
]


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
    password: Credential | None = None,
) -> StepView:
    """Save a draft (``final=False``) or record the step as final (定稿, a signed act: ``password`` is the
    recording user's). Finalising refuses, with the rule and the numbers, anything C1–C15 forbids; a failed
    vote closes the run as 未通过."""
    st = step_type(inp.step_type)
    with ctx.read() as s:
        matter0 = load_matter(s, matter_id)
        row0 = s.get(MatterStep, step_id) if step_id else None
        rules = rules_in(s, matter0.village_id)
    user = ctx.require(Perm.MATTER_EDIT, matter0.village_id)
    if matter0.status != "in_progress":
        raise Conflict(f"事项已{_status(matter0)}，不能再登记步骤")
    if row0 is not None and row0.state != "draft":
        raise Conflict("这个步骤已定稿，不能再修改；如有错误请登记更正并写明原因")
    clean = validate_input(st, inp)
    with ctx.read() as s:
        existing = step_views(s, run_steps(s, matter_id, include_drafts=False))
    check, entries, roster, _ = evaluate_input(ctx, matter0, st, clean, rules, existing)
    if final and not check.can_finalize:  # the same words the dialog shows, once
        errors = [f for f in check.findings if f.is_error]
        if errors and not check.todo and not check.problems:  # C10–C15, and the plan posting's period (C11)
            raise StepNotAllowed(rule=errors[0].code, explanation=check.refusal)
        raise ValidationError(field=st.label, reason=check.refusal)
    signer = None
    if final:
        if password is None:
            raise ValidationError(field="登录密码", reason="定稿须重新输入您的登录密码，作为电子签名")
        signer = signer_for(ctx, password)
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
            assert signer is not None
            now = ctx.clock.now()
            row.state = "final"
            row.finalized_at = now
            row.finalized_by = user.id
            _advance(s, matter, existing, row, rules, ctx.clock.today())
            s.flush()
            sign_act(
                s,
                signer,
                act="matter.finalize",
                record_kind="matter_step",
                record_id=row.id,
                record_version=row.row_version,
                content=step_content(s, row),
                decision={"scans": step_scans(s, row.id)},
                office=office_of(s, user, matter.village_id),
                at=now,
            )
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
    """Move the matter on after ``row`` was finalised. An inquorate meeting (会议无效) is kept on record but
    moves nothing: the step stays due and may be recorded again. A failed vote (未通过) closes the run (C10)."""
    if row.valid is False:
        return
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
    records = [v.record() for v in existing if v.in_run] + [step_views(s, [row])[0].record()]
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


def _village_meetings(village_id: str, *more: Any) -> Any:
    return (
        select(MatterStep)
        .join(Matter, Matter.id == MatterStep.matter_id)
        .where(Matter.village_id == village_id, MatterStep.state.in_(("draft", "final")), *more)
        .order_by(MatterStep.meeting_date.desc(), MatterStep.created_at.desc())
        .limit(1)
    )


def last_recorder(ctx: AppContext, village_id: str) -> str | None:
    """The 记录人 of the village's most recent meeting (the usual default for the next one)."""
    ctx.require_village(village_id)
    with ctx.read() as s:
        row = s.scalars(_village_meetings(village_id, MatterStep.recorder_person_id.is_not(None))).first()
        return row.recorder_person_id if row else None


def previous_attendance(
    ctx: AppContext, village_id: str, body: str, *, before: date, exclude_step_id: str | None = None
) -> tuple[date | None, dict[str, str]]:
    """Who came to the body's last meeting in the village on or before ``before`` (any matter):
    (its date, person id → present / absent / excluded). Empty when there was none."""
    ctx.require_village(village_id)
    with ctx.read() as s:
        cond = [MatterStep.body == body, MatterStep.meeting_date <= before]
        if exclude_step_id:
            cond.append(MatterStep.id != exclude_step_id)
        row = s.scalars(_village_meetings(village_id, *cond)).first()
        if row is None:
            return None, {}
        marks = s.scalars(select(StepAttendance).where(StepAttendance.step_id == row.id))
        return row.meeting_date, {a.person_id: a.status for a in marks if a.status != "void"}


def suggested_decision(title: str, plan_text: str | None, body: Body | None) -> str:
    """A starting text for the 决议 (意见), from the matter and the plan the meeting voted on."""
    who = body.label if body is not None else "会议"
    plan = (plan_text or "").strip().splitlines()
    first = plan[0].strip().rstrip("。；;") if plan else ""
    gist = f"（{first[:40]}）" if first and first != title else ""
    return f"经{who}表决，同意“{title}”方案{gist}，按公示的方案组织实施。"
