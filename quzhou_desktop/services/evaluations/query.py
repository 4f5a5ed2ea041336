"""Reading 民主评议: a village's reviews, one review in full, the people to review (the 村委会 and the 村监会 on the
day, with their offices), the chairs allowed (the 村监会, C35), the township overview of who has been reviewed in
a year, the villages that missed a year (C35), and the by-elections due after an office ended (C22)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from quzhou_desktop.core.disclosures import EvaluationResult
from quzhou_desktop.core.evaluations import EvaluatedOffice, Votes
from quzhou_desktop.core.meetings import Body
from quzhou_desktop.core.money import Finding
from quzhou_desktop.services.evaluations.evaluation import OFFICE_BODIES, active_on
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.roster.bodies import role_label
from quzhou_desktop.store.models import Evaluation, EvaluationEntry, Membership, Person, Village

__all__ = [
    "ByElection",
    "Candidate",
    "EntryRow",
    "EvaluationDetail",
    "EvaluationSummary",
    "VillageStatus",
    "by_elections_due",
    "candidates",
    "chair_choices",
    "evaluation_detail",
    "evaluations_of",
    "missed_years",
    "overview",
]

VERDICT_LABELS = {r.value: r.label for r in EvaluationResult}
BODY_CHOICES = {b.value: b.label for b in (Body.REPRESENTATIVES, Body.VILLAGERS)}
STATE_LABELS = {"draft": "草稿", "final": "已定稿"}


@dataclass(frozen=True)
class Candidate:
    person_id: str
    name: str
    office: str
    role_text: str

    @property
    def label(self) -> str:
        return f"{self.name}（{self.role_text}）"


def _role_text(body: str, role: str) -> str:
    head = "村委会" if body == "village_committee" else "村监会"
    return head + role_label(body, role)


def candidates(ctx: AppContext, village_id: str, on: date) -> list[Candidate]:
    """Who is reviewed on ``on``: the 村委会 members (主任 first) and the 村监会 members."""
    ctx.require_village(village_id)
    order = {"director": 0, "deputy_director": 1, "chair": 0}
    with ctx.read() as s:
        rows = s.execute(
            select(Membership.body, Membership.role, Person.id, Person.name)
            .join(Person, Person.id == Membership.person_id)
            .where(
                Membership.village_id == village_id,
                Membership.body.in_(list(OFFICE_BODIES.values())),
                active_on(on),
            )
        ).all()
    ordered = sorted(rows, key=lambda r: (r[0] != "village_committee", order.get(r[1], 5), r[3]))
    return [Candidate(pid, name, body, _role_text(body, role)) for body, role, pid, name in ordered]


def chair_choices(ctx: AppContext, village_id: str, on: date) -> list[tuple[str, str]]:
    """(person id, "张海军（村监会主任）") of the 村监会 on ``on``: who may chair (C35)."""
    return [(c.person_id, c.label) for c in candidates(ctx, village_id, on) if c.office == "supervisory"]


@dataclass(frozen=True)
class EvaluationSummary:
    id: str
    year: int
    held_on: date
    body: str
    state: str
    reviewed: int
    incompetent: int

    @property
    def label(self) -> str:
        state = STATE_LABELS.get(self.state, self.state)
        return f"{self.year}年度（{self.held_on.isoformat()}，{BODY_CHOICES.get(self.body, self.body)}，{state}）"


def evaluations_of(ctx: AppContext, village_id: str) -> list[EvaluationSummary]:
    """The village's reviews, newest first."""
    ctx.require_village(village_id)
    with ctx.read() as s:
        evs = s.scalars(
            select(Evaluation).where(Evaluation.village_id == village_id).order_by(Evaluation.held_on.desc())
        ).all()
        out = []
        for ev in evs:
            verdicts = [v for (v,) in s.execute(select(EvaluationEntry.verdict).where(
                EvaluationEntry.evaluation_id == ev.id, EvaluationEntry.active.is_(True)))]  # fmt: skip
            out.append(EvaluationSummary(ev.id, ev.year, ev.held_on, ev.body, ev.state, len(verdicts),
                                         verdicts.count(EvaluationResult.INCOMPETENT.value)))  # fmt: skip
        return out


@dataclass(frozen=True)
class EntryRow:
    person_id: str
    name: str
    office: str
    role_text: str
    votes: Votes
    verdict: str
    office_ended: bool
    consequence: str

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS.get(self.verdict, "")

    @property
    def office_label(self) -> str:
        return EvaluatedOffice(self.office).label


@dataclass(frozen=True)
class EvaluationDetail:
    id: str
    village_id: str
    village_name: str
    year: int
    held_on: date
    body: str
    chair_person_id: str | None
    chair_name: str  # with the role on the 村监会 when the chair sits on it: "主任杨龙"
    place: str
    participants: int | None
    note: str
    state: str
    entries: tuple[EntryRow, ...]
    findings: tuple[Finding, ...]
    disclosure_id: str | None

    @property
    def body_label(self) -> str:
        return BODY_CHOICES.get(self.body, self.body)

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)


def _detail(s: Session, ev: Evaluation) -> EvaluationDetail:
    from quzhou_desktop.services.evaluations.evaluation import EntryFields, EvaluationFields, _findings

    village = s.get(Village, ev.village_id)
    chair = s.get(Person, ev.chair_person_id) if ev.chair_person_id else None
    seat = (
        s.scalars(
            select(Membership.role).where(
                Membership.person_id == ev.chair_person_id,
                Membership.body == "supervisory",
                active_on(ev.held_on),
            )
        ).first()
        if chair is not None
        else None
    )
    chair_name = (role_label("supervisory", seat) if seat else "") + (chair.name if chair else "")
    rows = s.execute(
        select(EvaluationEntry, Person.name)
        .join(Person, Person.id == EvaluationEntry.person_id)
        .where(EvaluationEntry.evaluation_id == ev.id, EvaluationEntry.active.is_(True))
        .order_by(EvaluationEntry.seq)
    ).all()
    entries = tuple(
        EntryRow(e.person_id, name, e.office, e.role_text, Votes(e.satisfied, e.basically_satisfied, e.dissatisfied),
                 e.verdict, e.office_ended, e.consequence or "")
        for e, name in rows
    )  # fmt: skip
    fields = EvaluationFields(
        ev.village_id, ev.year, ev.held_on, ev.body, ev.chair_person_id,
        tuple(EntryFields(e.person_id, e.office, e.role_text, e.votes.satisfied, e.votes.basically_satisfied,
                          e.votes.dissatisfied) for e in entries),
        participants=ev.participants,
    )  # fmt: skip
    findings = tuple(_findings(s, fields)) if ev.state == "draft" and entries else ()
    return EvaluationDetail(
        ev.id, ev.village_id, village.name if village else "", ev.year, ev.held_on, ev.body, ev.chair_person_id,
        chair_name, ev.place or "", ev.participants, ev.note or "", ev.state, entries, findings,
        ev.disclosure_id,
    )  # fmt: skip


def evaluation_detail(ctx: AppContext, evaluation_id: str) -> EvaluationDetail:
    from quzhou_desktop.core.errors import NotFound

    with ctx.read() as s:
        ev = s.get(Evaluation, evaluation_id)
        if ev is None:
            raise NotFound(what="这次民主评议")
        ctx.require_village(ev.village_id)
        return _detail(s, ev)


# ---------------------------------------------------------------------------------------------------------
# the township's view


@dataclass(frozen=True)
class VillageStatus:
    village_id: str
    village_name: str
    evaluation_id: str | None
    held_on: date | None
    state: str  # "" none, draft, final
    reviewed: int
    members: int  # 村委会 and 村监会 members on the day (the review's, else the year's last day or today)
    not_reviewed: tuple[str, ...]
    incompetent: tuple[str, ...]
    offices_ended: tuple[str, ...]

    @property
    def status_label(self) -> str:
        if not self.state:
            return "未评议"
        return "已评议" if self.state == "final" else "评议记录未定稿"


def overview(ctx: AppContext, year: int) -> list[VillageStatus]:
    """For each village the user sees: this year's latest review, who was reviewed, who was not, the verdicts."""
    visible = ctx.visible_village_ids()
    today = ctx.clock.today()
    with ctx.read() as s:
        villages = s.scalars(select(Village).where(Village.active.is_(True)).order_by(Village.name)).all()
        villages = [v for v in villages if visible is None or v.id in visible]
        out = []
        for v in villages:
            ev = s.scalars(
                select(Evaluation)
                .where(Evaluation.village_id == v.id, Evaluation.year == year)
                .order_by((Evaluation.state == "final").desc(), Evaluation.held_on.desc())
            ).first()
            on = ev.held_on if ev else min(date(year, 12, 31), max(today, date(year, 1, 1)))
            members = {
                pid: name
                for pid, name in s.execute(
                    select(Person.id, Person.name)
                    .join(Membership, Membership.person_id == Person.id)
                    .where(Membership.village_id == v.id, Membership.body.in_(list(OFFICE_BODIES.values())),
                           active_on(on))
                )
            }  # fmt: skip
            if ev is None:
                out.append(VillageStatus(v.id, v.name, None, None, "", 0, len(members), tuple(members.values()),
                                         (), ()))  # fmt: skip
                continue
            d = _detail(s, ev)
            reviewed = {e.person_id for e in d.entries}
            out.append(
                VillageStatus(
                    v.id,
                    v.name,
                    ev.id,
                    ev.held_on,
                    ev.state,
                    len(d.entries),
                    len(set(members) | reviewed),
                    tuple(n for p, n in members.items() if p not in reviewed),
                    tuple(e.name for e in d.entries if e.verdict == EvaluationResult.INCOMPETENT.value),
                    tuple(e.name for e in d.entries if e.office_ended),
                )
            )
        return out


def missed_years(ctx: AppContext, year: int) -> list[tuple[str, str]]:
    """C35: (village id, name) of the villages with no final 民主评议 in ``year``."""
    return [(v.village_id, v.village_name) for v in overview(ctx, year) if v.state != "final"]


@dataclass(frozen=True)
class ByElection:
    village_id: str
    village_name: str
    person_name: str
    role_text: str
    ended_on: date

    @property
    def label(self) -> str:
        return (
            f"【{self.village_name}】{self.person_name}（{self.role_text}）连续两次民主评议不称职，"
            f"职务已于{self.ended_on.isoformat()}终止，请村民委员会组织补选"
        )


def by_elections_due(ctx: AppContext, village_id: str | None = None) -> list[ByElection]:
    """C22: offices ended by a review where nobody has been seated on the 村委会 since."""
    visible = ctx.visible_village_ids()
    with ctx.read() as s:
        q = (
            select(
                Evaluation.village_id,
                Village.name,
                Person.name,
                EvaluationEntry.role_text,
                Evaluation.held_on,
            )
            .join(Evaluation, Evaluation.id == EvaluationEntry.evaluation_id)
            .join(Village, Village.id == Evaluation.village_id)
            .join(Person, Person.id == EvaluationEntry.person_id)
            .where(EvaluationEntry.office_ended.is_(True), EvaluationEntry.active.is_(True))
            .order_by(Evaluation.held_on)
        )
        if village_id:
            ctx.require_village(village_id)
            q = q.where(Evaluation.village_id == village_id)
        out = []
        for vid, vname, pname, role, ended in s.execute(q):
            if visible is not None and vid not in visible:
                continue
            seated = s.scalars(select(Membership.id).where(
                Membership.village_id == vid, Membership.body == "village_committee",
                Membership.start_date >= ended)).first()  # fmt: skip
            if seated is None:
                out.append(ByElection(vid, vname, pname, role, ended))
        return out
