"""Roster composition checks over the database: 村民代表会议 (C5, C6) and 村务监督委员会 (C19).

``village_findings`` reports the state of a village on a date (工作台, 花名册).  ``check_new_membership`` runs
inside the transaction that seats someone: what C19 forbids outright (a 村委会 member or a close relative of
one on the 村监会, a second 主任, a sixth member) rolls the change back; the rest comes back as warnings,
because a committee is built up one member at a time.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from quzhou_desktop.core.errors import RuleViolation
from quzhou_desktop.core.money import Finding
from quzhou_desktop.core.rosters import (
    RELATION_KIND,
    KinRelation,
    SupervisoryMember,
    check_representative_composition,
    check_representative_ratio,
    check_supervisory_committee,
)
from quzhou_desktop.core.rosters import (
    KinLink as CoreKinLink,
)
from quzhou_desktop.services.kernel.context import AppContext, snapshot_memo
from quzhou_desktop.services.kernel.settings import rules_in
from quzhou_desktop.store.models import KinLink, Membership, Person, Village


class CompositionViolation(RuleViolation):
    code = "C19"
    template = "{message}"


def _current(on: date) -> Any:
    return and_(Membership.start_date <= on, or_(Membership.end_date.is_(None), Membership.end_date >= on))


def current_seats(s: Session, village_id: str, on: date) -> list[tuple[Membership, Person]]:
    """The village's memberships current on ``on`` with their people, by body, role and name; read once per
    ``ctx.snapshot()`` (the 工作台's member counts and composition checks share it)."""

    def load() -> list[tuple[Membership, Person]]:
        q = (
            select(Membership, Person)
            .join(Person, Person.id == Membership.person_id)
            .where(Membership.village_id == village_id, _current(on))
            .order_by(Membership.body, Membership.role, Person.name)
        )
        return [(m, p) for m, p in s.execute(q)]

    return snapshot_memo(s, f"seats:{village_id}:{on.isoformat()}", load)


def _seats(s: Any, village_id: str, on: date) -> list[tuple[Membership, Person]]:
    return current_seats(s, village_id, on)


def _supervisory_findings(s: Any, village_id: str, on: date) -> list[Finding]:
    return _supervisory_state(s, village_id, on)[0]


def _supervisory_state(
    s: Any, village_id: str, on: date, seats: list[tuple[Membership, Person]] | None = None
) -> tuple[list[Finding], int, int]:
    """(C19 findings, number of 村监会 members, number of 主任)."""
    seats = _seats(s, village_id, on) if seats is None else seats
    sup = [(m, p) for m, p in seats if m.body == "supervisory"]
    committee = {p.id for m, p in seats if m.body == "village_committee"}
    secretary = next((p.id for m, p in seats if m.body == "party_branch" and m.role == "secretary"), None)
    if not sup and not committee:
        return [], 0, 0
    ids = {p.id for _, p in sup} | committee
    links = [
        CoreKinLink(k.person_a_id, k.person_b_id, RELATION_KIND.get(k.relation, KinRelation.IN_LAW))
        for k in s.scalars(
            select(KinLink).where(
                KinLink.active.is_(True), or_(KinLink.person_a_id.in_(ids), KinLink.person_b_id.in_(ids))
            )
        )
    ]
    names = {p.id: p.name for _, p in seats}
    members = [
        SupervisoryMember(
            person_id=p.id,
            name=p.name,
            is_chair=m.role == "chair",
            is_party_member=any(mm.body == "party_meeting" and pp.id == p.id for mm, pp in seats),
            has_finance_skill=True,  # not recorded in the roster; the skills warning is not ours to raise
        )
        for m, p in sup
    ]
    findings = check_supervisory_committee(members, committee, links, secretary_id=secretary, names=names)
    return findings, len(members), sum(1 for m in members if m.is_chair)


def _representative_findings(
    s: Any, village: Village, on: date, seats: list[tuple[Membership, Person]] | None = None
) -> list[Finding]:
    seats = _seats(s, village.id, on) if seats is None else seats
    reps = [p for m, p in seats if m.body == "rep_meeting"]
    if not reps:
        return []
    committee = {p.id for m, p in seats if m.body == "village_committee"}
    members = len(committee | {p.id for p in reps})
    women = sum(1 for p in reps if p.gender == "女")
    rules = rules_in(s, village.id)
    return check_representative_composition(members, len(reps), women) + check_representative_ratio(
        village.households, len(reps), rules
    )


def village_findings(ctx: AppContext, village_id: str, *, on: date | None = None) -> list[Finding]:
    """C5, C6 and C19 findings for a village's roster on ``on`` (today)."""
    ctx.require_village(village_id)
    on = on or ctx.clock.today()
    with ctx.read() as s:
        village = s.get(Village, village_id)
        if village is None:
            return []
        seats = _seats(s, village_id, on)  # once for the three checks
        missing = _missing_bodies(s, village, on, seats)
        return (
            missing
            + _representative_findings(s, village, on, seats)
            + _supervisory_state(s, village_id, on, seats)[0]
        )


def _missing_bodies(
    s: Any, village: Village, on: date, seats: list[tuple[Membership, Person]] | None = None
) -> list[Finding]:
    """What the roster still lacks (an empty township must not read as "no problems")."""
    seats = _seats(s, village.id, on) if seats is None else seats
    bodies = {(m.body, m.role) for m, _ in seats}
    held = {b for b, _ in bodies}
    out = []
    if ("party_branch", "secretary") not in bodies:
        out.append(
            Finding(
                "warning", "C10", "花名册中没有在任的村党组织书记，五议两公开的提议无人主持", "no_secretary"
            )
        )
    if "village_committee" not in held:
        out.append(Finding("warning", "C5", "花名册中没有在任的村民委员会成员", "no_committee"))
    if "rep_meeting" not in held:
        out.append(Finding("warning", "C5", "花名册中没有村民代表，村民代表会议的组成无法检查", "no_reps"))
    if "supervisory" not in held:
        out.append(
            Finding("warning", "C19", "花名册中没有村务监督委员会成员（应由三至五人组成）", "no_supervisory")
        )
    return out


_BLOCKING = {"in_committee", "close_relative"}


def check_new_membership(s: Any, village_id: str, m: Membership, *, on: date) -> list[str]:
    """Inside the seating transaction: raise for what C19 forbids, return warnings otherwise."""
    warnings: list[str] = []
    if m.body in ("supervisory", "village_committee"):
        findings, n_members, n_chairs = _supervisory_state(s, village_id, on)
        for f in findings:
            blocking = f.level == "error" and (
                f.detail in _BLOCKING
                or (f.detail == "size" and n_members > 5)
                or (f.detail == "chair_count" and n_chairs > 1)
            )
            if blocking:
                raise CompositionViolation(f.message)  # the violation cites C19 itself
            warnings.append(f.shown)
    if m.body in ("rep_meeting", "village_committee"):
        village = s.get(Village, village_id)
        if village is not None:
            warnings.extend(f.shown for f in _representative_findings(s, village, on))
    return warnings
