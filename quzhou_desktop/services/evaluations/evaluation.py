"""Record a 民主评议: the meeting (year, date, body, chair from the 村务监督委员会; C35) and, per person reviewed,
the office and the counts of 满意 / 基本满意 / 不满意, from which the verdict follows by the township's shares.

A review is saved as a draft (findings shown), then finalised: finalising refuses while a C35/C22 error remains,
and applies C22 — a 村民委员会 member found 不称职 for the second review in a row loses the office: the roster
membership ends on the review date with the reason, in the same transaction, and the by-election is listed on
the 工作台 until somebody is seated again. A final review is not edited again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from quzhou_desktop.core.errors import Conflict, NotFound, ValidationError
from quzhou_desktop.core.evaluations import (
    EvaluatedOffice,
    EvaluationResult,
    Votes,
    check_evaluation,
    consequence,
    verdict_of,
)
from quzhou_desktop.core.meetings import Body
from quzhou_desktop.core.money import Finding
from quzhou_desktop.core.rules_config import TownshipRules
from quzhou_desktop.services.evaluations.statements import evaluation_content
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.keys import Credential, signer_for
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.settings import get_rules
from quzhou_desktop.services.kernel.signatures import office_of, sign_act
from quzhou_desktop.services.kernel.validate import non_negative_int, optional
from quzhou_desktop.services.vouchers.common import RuleFailed
from quzhou_desktop.store.models import Evaluation, EvaluationEntry, Membership, Person

__all__ = [
    "EntryFields",
    "EvaluationFields",
    "finalize_evaluation",
    "save_evaluation",
]

OFFICE_BODIES = {
    EvaluatedOffice.COMMITTEE.value: "village_committee",
    EvaluatedOffice.SUPERVISORY.value: "supervisory",
}


@dataclass(frozen=True)
class EntryFields:
    person_id: str
    office: str  # village_committee / supervisory / staff
    role_text: str  # 村委会主任, 村监会委员, 报账员 …
    satisfied: int
    basically_satisfied: int
    dissatisfied: int


@dataclass(frozen=True)
class EvaluationFields:
    village_id: str
    year: int
    held_on: date
    body: str  # villagers / representatives
    chair_person_id: str | None
    entries: tuple[EntryFields, ...]
    place: str | None = None
    participants: int | None = None
    note: str | None = None


def active_on(on: date) -> ColumnElement[bool]:
    return and_(Membership.start_date <= on, or_(Membership.end_date.is_(None), Membership.end_date >= on))


def is_supervisory(s: Session, person_id: str | None, village_id: str, on: date) -> bool:
    if person_id is None:
        return False
    q = select(Membership.id).where(
        Membership.person_id == person_id,
        Membership.village_id == village_id,
        Membership.body == "supervisory",
        active_on(on),
    )
    return s.scalars(q).first() is not None


def _clean(f: EvaluationFields) -> EvaluationFields:
    if not isinstance(f.held_on, date):
        raise ValidationError(field="评议日期", reason="请填写日期")
    if not 2000 <= int(f.year) <= 2100:
        raise ValidationError(field="评议年度", reason="不是有效的年份")
    if not f.entries:
        raise ValidationError(field="评议对象", reason="请至少填写一名被评议人员")
    seen: set[tuple[str, str]] = set()
    entries = []
    for e in f.entries:
        if e.office not in {o.value for o in EvaluatedOffice}:
            raise ValidationError(field="评议对象", reason="职务类别应为村民委员会、村务监督委员会或聘用人员")
        if (e.person_id, e.office) in seen:
            raise ValidationError(field="评议对象", reason="同一人员在同一职务上只能评议一次")
        seen.add((e.person_id, e.office))
        role = optional(e.role_text, "职务", max_len=40) or EvaluatedOffice(e.office).label
        entries.append(
            replace(
                e,
                role_text=role,
                satisfied=non_negative_int(e.satisfied, "满意票", maximum=100_000),
                basically_satisfied=non_negative_int(e.basically_satisfied, "基本满意票", maximum=100_000),
                dissatisfied=non_negative_int(e.dissatisfied, "不满意票", maximum=100_000),
            )
        )
    participants = (
        non_negative_int(f.participants, "参加评议人数", maximum=100_000)
        if f.participants is not None
        else None
    )
    return replace(
        f,
        entries=tuple(entries),
        place=optional(f.place, "地点", max_len=100),
        note=optional(f.note, "备注", max_len=2000),
        participants=participants or None,
    )


def _findings(s: Session, f: EvaluationFields) -> list[Finding]:
    names = {
        p.id: p.name for p in s.scalars(select(Person).where(Person.id.in_([e.person_id for e in f.entries])))
    }
    chair = s.get(Person, f.chair_person_id) if f.chair_person_id else None
    try:
        body: Body | None = Body(f.body)
    except ValueError:
        body = None
    return check_evaluation(
        body=body,
        chair_on_supervisory=is_supervisory(s, f.chair_person_id, f.village_id, f.held_on),
        chair_name=chair.name if chair else "",
        held_on=f.held_on,
        year=f.year,
        participants=f.participants,
        votes=[
            (names.get(e.person_id, ""), Votes(e.satisfied, e.basically_satisfied, e.dissatisfied))
            for e in f.entries
        ],
    )


def _verdict(e: EntryFields, rules: TownshipRules) -> str:
    votes = Votes(e.satisfied, e.basically_satisfied, e.dissatisfied)
    return verdict_of(votes, rules).value if votes.total else ""


def save_evaluation(
    ctx: AppContext, fields: EvaluationFields, *, evaluation_id: str | None = None
) -> tuple[str, list[Finding]]:
    """Save (or replace) a draft review; returns its id and the C35/C22 findings to show."""
    ctx.require(Perm.EVALUATION_EDIT, fields.village_id)
    f = _clean(fields)
    rules = get_rules(ctx, f.village_id)
    action = "evaluation.update" if evaluation_id else "evaluation.create"
    with ctx.write(action) as s:
        people = {
            p.id: p for p in s.scalars(select(Person).where(Person.id.in_([e.person_id for e in f.entries])))
        }
        if len(people) != len({e.person_id for e in f.entries}) or any(
            p.village_id != f.village_id for p in people.values()
        ):
            raise NotFound(what="被评议的本村人员")
        if evaluation_id is None:
            ev = Evaluation(village_id=f.village_id, state="draft")
            s.add(ev)
        else:
            found = s.get(Evaluation, evaluation_id)
            if found is None or found.village_id != f.village_id:
                raise NotFound(what="这次民主评议")
            if found.state == "final":
                raise ValidationError(field="民主评议", reason="这次民主评议已定稿，不能再修改")
            ev = found
        ev.year, ev.held_on, ev.body, ev.chair_person_id = f.year, f.held_on, f.body, f.chair_person_id
        ev.place, ev.participants, ev.note = f.place, f.participants, f.note
        s.flush()
        old = {(x.person_id, x.office): x for x in s.scalars(
            select(EvaluationEntry).where(EvaluationEntry.evaluation_id == ev.id))}  # fmt: skip
        for seq, e in enumerate(f.entries, 1):
            row = old.pop((e.person_id, e.office), None)
            if row is None:
                row = EvaluationEntry(evaluation_id=ev.id, person_id=e.person_id, office=e.office)
                s.add(row)
            row.seq, row.role_text, row.active = seq, e.role_text, True
            row.satisfied, row.basically_satisfied, row.dissatisfied = (
                e.satisfied, e.basically_satisfied, e.dissatisfied,
            )  # fmt: skip
            row.verdict, row.office_ended, row.consequence = _verdict(e, rules), False, None
        for row in old.values():
            row.active = False
        s.flush()
        return ev.id, _findings(s, f)


def _history(
    s: Session, person_id: str, office: str, upto: Evaluation
) -> list[tuple[date, EvaluationResult]]:
    """The person's verdicts in this office: earlier final reviews of the village and this one."""
    q = (
        select(Evaluation.held_on, EvaluationEntry.verdict)
        .join(Evaluation, Evaluation.id == EvaluationEntry.evaluation_id)
        .where(
            EvaluationEntry.person_id == person_id,
            EvaluationEntry.office == office,
            EvaluationEntry.active.is_(True),
            or_(
                Evaluation.id == upto.id, and_(Evaluation.state == "final", Evaluation.held_on < upto.held_on)
            ),
        )
        .order_by(Evaluation.held_on)
    )
    return [(d, EvaluationResult(v)) for d, v in s.execute(q) if v]


def _end_office(s: Session, entry: EvaluationEntry, ev: Evaluation, reason: str) -> Membership | None:
    """End the person's 村委会 seat (and the 联席会议 seat that came with it, unless they sit on the party branch)."""
    seats = s.scalars(
        select(Membership).where(
            Membership.person_id == entry.person_id,
            Membership.village_id == ev.village_id,
            active_on(ev.held_on),
        )
    ).all()
    committee = [m for m in seats if m.body == "village_committee"]
    in_branch = any(m.body == "party_branch" for m in seats)
    for m in committee + ([] if in_branch else [m for m in seats if m.body == "joint_meeting"]):
        m.end_date, m.end_reason = ev.held_on, reason
    return committee[0] if committee else None


def finalize_evaluation(ctx: AppContext, evaluation_id: str, *, password: Credential) -> list[str]:
    """Finalise a draft (refused while C35/C22 errors remain) and apply C22: a signed act (``evaluation.finalize``)
    over the meeting, every person's votes and verdict and what followed (``statements.evaluation_content``).
    ``password`` is the recording user's (or a grant). Returns what followed, in Chinese."""
    user = ctx.require_user()
    with ctx.read() as s:
        ev0 = s.get(Evaluation, evaluation_id)
        if ev0 is None:
            raise NotFound(what="这次民主评议")
        village_id = ev0.village_id
    ctx.require(Perm.EVALUATION_EDIT, village_id)
    signer = signer_for(ctx, password)
    done: list[str] = []
    with ctx.write("evaluation.finalize") as s:
        ev = s.get(Evaluation, evaluation_id)
        assert ev is not None
        if ev.state == "final":
            raise Conflict("这次民主评议已经定稿")
        entries = s.scalars(select(EvaluationEntry).where(
            EvaluationEntry.evaluation_id == ev.id, EvaluationEntry.active.is_(True)).order_by(EvaluationEntry.seq)).all()  # fmt: skip
        fields = EvaluationFields(
            ev.village_id, ev.year, ev.held_on, ev.body, ev.chair_person_id,
            tuple(EntryFields(e.person_id, e.office, e.role_text, e.satisfied, e.basically_satisfied, e.dissatisfied)
                  for e in entries),
            participants=ev.participants,
        )  # fmt: skip
        errors = [x for x in _findings(s, fields) if x.is_error]
        if errors:
            raise RuleFailed(errors)
        ev.state, ev.finalized_at, ev.finalized_by = "final", ctx.clock.now(), user.id
        s.flush()
        for e in entries:
            person = s.get(Person, e.person_id)
            name = person.name if person else ""
            c = consequence(EvaluatedOffice(e.office), _history(s, e.person_id, e.office, ev), person=name)
            if c.ends_office:
                text = c.findings[0].message
                ended = _end_office(s, e, ev, f"{text}（民主评议）")
                e.office_ended, e.ended_membership_id = True, ended.id if ended else None
                e.consequence = text + "；出缺的职位须另行补选"
                done.append(Finding("error", "C22", e.consequence).shown)
            elif c.remind:
                e.consequence = c.findings[0].message
                done.append(c.findings[0].shown)
        s.flush()
        sign_act(
            s,
            signer,
            act="evaluation.finalize",
            record_kind="evaluation",
            record_id=ev.id,
            record_version=ev.row_version,
            content=evaluation_content(s, ev),
            office=office_of(s, user, ev.village_id),
            at=ev.finalized_at or ctx.clock.now(),
        )
    return done
