"""Reading contracts: the lazy 合同台账 (SQL-side filter, search, sort and paging), one contract in full with its
schedule and C33/C34 findings, and the 五议两公开 决议 a contract can name (title and decision date in Chinese).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, false, func, or_, select

from quzhou_desktop.core.contracts import ContractKind, Direction, LineState
from quzhou_desktop.core.dates import format_chinese_date
from quzhou_desktop.core.idcard import mask_id
from quzhou_desktop.core.matters import StepType
from quzhou_desktop.core.meetings import Body
from quzhou_desktop.core.money import Finding, format_fen
from quzhou_desktop.services.contracts.common import (
    KIND_LABELS,
    PARTY_KINDS,
    STATUS_LABELS,
    load_contract,
    status_of,
)
from quzhou_desktop.services.contracts.contract import contract_findings
from quzhou_desktop.services.contracts.payments import LineRow, schedule_of
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.settings import get_rules, rules_in
from quzhou_desktop.store.dialects.sql import sqlite_order
from quzhou_desktop.store.models import (
    Asset,
    Contract,
    ContractDeposit,
    ContractParty,
    ContractPayment,
    ContractScheduleLine,
    Matter,
    MatterStep,
    Person,
    Village,
)

__all__ = [
    "ContractDetail",
    "ContractFilter",
    "ContractRow",
    "DecisionChoice",
    "contract_detail",
    "count_contracts",
    "decision_choices",
    "list_contracts",
    "next_number",
]

DISPOSALS = [k.value for k in ContractKind if k.disposes_property]
_DECIDING = [Body.VILLAGERS.value, Body.REPRESENTATIVES.value]


@dataclass(frozen=True)
class ContractFilter:
    village_id: str | None = None
    kind: str = ""
    # "" all, "active" 履行中, "expiring" 即将到期, "expired" 已到期, "terminated" 已终止, "no_decision" 缺少决议
    status: str = ""
    text: str = ""
    asset_id: str | None = None


@dataclass(frozen=True)
class ContractRow:
    id: str
    village_id: str
    village_name: str
    number: str
    title: str
    kind: str
    parties: str
    asset_name: str
    amount_fen: int
    start_date: date
    end_date: date
    status: str  # active / expired / terminated
    settled_fen: int  # received or paid so far
    row_version: int

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def amount_text(self) -> str:
        return format_fen(self.amount_fen)

    @property
    def settled_text(self) -> str:
        return format_fen(self.settled_fen)

    @property
    def term_text(self) -> str:
        return f"{self.start_date.isoformat()} 至 {self.end_date.isoformat()}"


def lacks_decision() -> Any:
    """SQL for C33 (kept equal to ``core.contracts.check_decision`` by a test): a disposal with no decision, or
    one naming a step that is not a passed 村民（代表）会议 决议 taken on or before the signing."""
    step = MatterStep.__table__.alias("decision_step")
    good = (
        select(step.c.id)
        .where(
            step.c.id == Contract.decision_step_id,
            step.c.passed.is_(True),
            step.c.body.in_(_DECIDING),
            or_(
                step.c.meeting_date.is_(None),
                step.c.meeting_date <= func.coalesce(Contract.signed_on, Contract.start_date),
            ),
        )
        .correlate(Contract)
        .exists()
    )
    written = and_(Contract.decision_step_id.is_(None), func.coalesce(Contract.decision_ref, "") != "")
    return and_(Contract.kind.in_(DISPOSALS), ~written, ~good)


SORTS: dict[str, Any] = {
    "number": Contract.number,
    "title": Contract.title,
    "kind": Contract.kind,
    "amount": Contract.amount_fen,
    "start": Contract.start_date,
    "end": Contract.end_date,
    "status": Contract.status,
}


def _query(ctx: AppContext, flt: ContractFilter, today: date, expiry_days: int) -> Any:
    """``select(Contract.id)`` of the matching contracts, unordered: a page's ids are found on plain columns and
    indexes, and the parties and payments are read for those rows only (``_rows_of``)."""
    q: Any = select(Contract.id)
    if flt.village_id:
        ctx.require_village(flt.village_id)
        q = q.where(Contract.village_id == flt.village_id)
    else:
        visible = ctx.visible_village_ids()
        if visible is not None:
            q = q.where(Contract.village_id.in_(visible))
    if flt.kind:
        q = q.where(Contract.kind == flt.kind)
    if flt.asset_id:
        q = q.where(Contract.asset_id == flt.asset_id)
    live = Contract.status == "active"
    conditions = {
        "active": and_(live, Contract.end_date >= today),
        "expiring": and_(
            live, Contract.end_date >= today, Contract.end_date <= today + timedelta(days=expiry_days)
        ),
        "expired": and_(live, Contract.end_date < today),
        "terminated": Contract.status == "terminated",
        "no_decision": and_(Contract.status != "terminated", lacks_decision()),
    }
    if flt.status:
        q = q.where(conditions.get(flt.status, false()))
    text = flt.text.strip()
    if text:
        like = f"%{text}%"
        party = (
            select(ContractParty.id)
            .where(ContractParty.contract_id == Contract.id, ContractParty.name.like(like))
            .correlate(Contract)
            .exists()
        )
        q = q.where(
            or_(Contract.number.like(like), Contract.title.like(like), Contract.subject.like(like), party)
        )
    return q


def _rows_of(s: Any, ids: list[str], today: date) -> list[ContractRow]:
    """The rows of ``ids`` in that order, with village, asset, parties (joined by 、) and what was settled."""
    if not ids:
        return []
    found = {
        c.id: (c, v, a)
        for c, v, a in s.execute(
            select(Contract, Village.name, Asset.name)
            .join(Village, Village.id == Contract.village_id)
            .outerjoin(Asset, Asset.id == Contract.asset_id)
            .where(Contract.id.in_(ids))
        )
    }
    parties: dict[str, list[str]] = {}
    pq = (
        select(ContractParty.contract_id, ContractParty.name)
        .where(ContractParty.contract_id.in_(ids), ContractParty.active.is_(True))
        .order_by(ContractParty.contract_id, ContractParty.seq)
    )
    for cid, name in s.execute(pq):
        parties.setdefault(cid, []).append(name)
    sq = (
        select(ContractScheduleLine.contract_id, func.sum(ContractPayment.amount_fen))
        .join(ContractPayment, ContractPayment.line_id == ContractScheduleLine.id)
        .where(ContractScheduleLine.contract_id.in_(ids), ContractPayment.active.is_(True))
        .group_by(ContractScheduleLine.contract_id)
    )
    settled = {cid: int(total or 0) for cid, total in s.execute(sq)}
    out = []
    for i in ids:
        if i not in found:
            continue
        c, village, asset = found[i]
        out.append(
            ContractRow(
                c.id,
                c.village_id,
                village,
                c.number,
                c.title,
                c.kind,
                "、".join(parties.get(i, [])),
                asset or "",
                c.amount_fen,
                c.start_date,
                c.end_date,
                status_of(c, today),
                settled.get(i, 0),
                c.row_version,
            )
        )
    return out


def count_contracts(ctx: AppContext, flt: ContractFilter) -> int:
    ctx.require_user()
    rules = get_rules(ctx, flt.village_id)  # 即将到期: one village's township's period, or this office's own
    q = _query(ctx, flt, ctx.clock.today(), rules.contract_expiry_days)
    with ctx.read() as s:
        return int(s.scalar(select(func.count()).select_from(q.subquery())) or 0)


def list_contracts(
    ctx: AppContext, flt: ContractFilter, *, offset: int = 0, limit: int = 200, sort: str = "end",
    descending: bool = False,
) -> list[ContractRow]:  # fmt: skip
    ctx.require_user()
    today = ctx.clock.today()
    rules = get_rules(ctx, flt.village_id)
    col = SORTS.get(sort, Contract.end_date)
    order = [sqlite_order(col, descending=descending), Contract.number, Contract.id]
    with ctx.read() as s:
        q = _query(ctx, flt, today, rules.contract_expiry_days).order_by(*order).offset(offset).limit(limit)
        return _rows_of(s, list(s.scalars(q)), today)


def next_number(ctx: AppContext, village_id: str, year: int) -> str:
    """A suggested 合同编号: HT-<year>-<n+1> after the village's highest of that form."""
    ctx.require_village(village_id)
    prefix = f"HT-{year}-"
    with ctx.read() as s:
        numbers = s.scalars(
            select(Contract.number).where(
                Contract.village_id == village_id, Contract.number.like(prefix + "%")
            )
        ).all()
    top = max((int(n[len(prefix) :]) for n in numbers if n[len(prefix) :].isdigit()), default=0)
    return f"{prefix}{top + 1:02d}"


# ---------------------------------------------------------------------------------------------------------
# one contract


@dataclass(frozen=True)
class PartyRow:
    kind: str
    name: str
    id_shown: str  # a villager's ID number masked, a company's credit code
    phone: str

    @property
    def kind_label(self) -> str:
        return PARTY_KINDS.get(self.kind, self.kind)


@dataclass(frozen=True)
class DepositRow:
    kind: str
    direction: str
    amount_fen: int
    received_on: date | None
    returned_on: date | None
    note: str | None

    @property
    def text(self) -> str:
        verb = "收取" if self.direction == Direction.RECEIVABLE.value else "缴纳"
        when = f"，{format_chinese_date(self.received_on)}{verb}" if self.received_on else f"，尚未{verb}"
        back = f"，{format_chinese_date(self.returned_on)}已退还" if self.returned_on else ""
        return f"{self.kind}{format_fen(self.amount_fen)}{when}{back}"


@dataclass(frozen=True)
class ContractDetail:
    row: ContractRow
    subject: str
    signed_on: date | None
    asset_id: str | None
    # "村集体闲置仓库对外租赁（2026年3月10日村民代表会议决议通过）", a written reference, or ""
    decision_text: str
    decision_phrase: str  # as a notice says it: "2026年3月10日村民代表会议决议（村文化礼堂对外出租）"
    decision_step_id: str | None
    parties: tuple[PartyRow, ...]
    deposits: tuple[DepositRow, ...]
    lines: tuple[LineRow, ...]
    findings: tuple[Finding, ...]  # C33 (the decision) and C34 (overdue lines)
    terminated_on: date | None
    termination_reason: str | None
    disclosure_id: str | None
    note: str | None

    @property
    def outstanding_fen(self) -> int:
        return sum(x.status.outstanding_fen for x in self.lines)

    @property
    def overdue_fen(self) -> int:
        return sum(x.status.outstanding_fen for x in self.lines if x.state is LineState.OVERDUE)


def _decision_text(s: Any, c: Contract) -> tuple[str, str]:
    """(chooser label, notice phrase) of the decision a contract names."""
    if c.decision_step_id:
        st = s.get(MatterStep, c.decision_step_id)
        if st is not None:
            m = s.get(Matter, st.matter_id)
            title = m.title if m else ""
            when = format_chinese_date(st.meeting_date) if st.meeting_date else ""
            return _choice_label(title, st), f"{when}{_body_label(st)}决议（{title}）"
    return c.decision_ref or "", c.decision_ref or ""


def _body_label(st: MatterStep) -> str:
    try:
        return Body(st.body).label if st.body else "会议"
    except ValueError:
        return st.body or "会议"


def _choice_label(title: str, st: MatterStep) -> str:
    body = _body_label(st)
    when = format_chinese_date(st.meeting_date) if st.meeting_date else "日期未记录"
    result = "通过" if st.passed else "未通过"
    return f"{title}（{when}{body}决议{result}）"


def contract_detail(ctx: AppContext, contract_id: str) -> ContractDetail:
    today = ctx.clock.today()
    with ctx.read() as s:
        c = load_contract(s, contract_id)
        ctx.require_village(c.village_id)
        rules = rules_in(s, c.village_id)
        row = _rows_of(s, [c.id], today)[0]
        parties = []
        for p, person in s.execute(
            select(ContractParty, Person)
            .outerjoin(Person, Person.id == ContractParty.person_id)
            .where(ContractParty.contract_id == c.id, ContractParty.active.is_(True))
            .order_by(ContractParty.seq)
        ):
            shown = (
                mask_id(person.id_number) if person is not None and person.id_number else (p.id_code or "")
            )
            parties.append(PartyRow(p.kind, p.name, shown, p.phone or ""))
        deposits = tuple(
            DepositRow(d.kind, d.direction, d.amount_fen, d.received_on, d.returned_on, d.note)
            for d in s.scalars(
                select(ContractDeposit).where(
                    ContractDeposit.contract_id == c.id, ContractDeposit.active.is_(True)
                )
            )
        )
        lines = schedule_of(s, c.id, today, rules)
        findings = contract_findings(s, c) if c.status != "terminated" else []
        decision = _decision_text(s, c)
        overdue = [x for x in lines if x.state is LineState.OVERDUE]
        if overdue:
            total = sum(x.status.outstanding_fen for x in overdue)
            v = Direction(overdue[0].direction).verb
            findings.append(
                Finding(
                    "warning",
                    "C34",
                    f"{len(overdue)}期款项逾期未{v}清，共{format_fen(total)}："
                    + "；".join(x.status.explanation for x in overdue[:3]),
                    "overdue",
                )
            )
        return ContractDetail(
            row=row, subject=c.subject or "", signed_on=c.signed_on, asset_id=c.asset_id,
            decision_text=decision[0], decision_phrase=decision[1], decision_step_id=c.decision_step_id, parties=tuple(parties),
            deposits=deposits, lines=tuple(lines), findings=tuple(findings), terminated_on=c.terminated_on,
            termination_reason=c.termination_reason, disclosure_id=c.disclosure_id, note=c.note,
        )  # fmt: skip


# ---------------------------------------------------------------------------------------------------------
# the decisions a contract may name


@dataclass(frozen=True)
class DecisionChoice:
    step_id: str
    label: str  # "村集体闲置仓库对外租赁（2026年3月10日村民代表会议决议通过）"
    title: str
    on: date | None


def decision_choices(ctx: AppContext, village_id: str) -> list[DecisionChoice]:
    """Final, passed 村民会议 / 村民代表会议 决议 of the village (C33), newest first."""
    ctx.require_village(village_id)
    with ctx.read() as s:
        q = (
            select(MatterStep, Matter.title)
            .join(Matter, Matter.id == MatterStep.matter_id)
            .where(
                Matter.village_id == village_id,
                MatterStep.step_type == StepType.RESOLVE.value,
                MatterStep.state == "final",
                MatterStep.passed.is_(True),
            )
            .order_by(MatterStep.meeting_date.desc(), Matter.title)
            .limit(500)
        )
        return [
            DecisionChoice(st.id, _choice_label(title, st), title, st.meeting_date)
            for st, title in s.execute(q)
        ]
