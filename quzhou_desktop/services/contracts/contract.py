"""Record, edit and terminate collective contracts: parties (a villager of the roster or an outside company),
subject (an asset or resource), amount, term, the payment schedule (应收/应付 by date), deposits, and the 决议
behind a disposal of collective property (C33).

A contract that lets or contracts out collective property without a passed 决议 is saved — it exists — but the
clerk is told it breaks the rule, and it stays on the 村务监督委员会's queue (``services.contracts.reminders``)
until a decision is linked. A schedule promising more than the contract amount is refused (C34).
Lines and payments are never deleted: replaced lines are marked inactive, lines with payments stay.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quzhou_desktop.core.contracts import AssetStatus, ContractKind, check_decision, check_schedule
from quzhou_desktop.core.errors import Conflict, NotFound, ValidationError
from quzhou_desktop.core.money import Finding, format_fen
from quzhou_desktop.services.contracts.common import (
    DEPOSIT_KINDS,
    PARTY_KINDS,
    check_step_of_village,
    contract_kind,
    decision_of,
    direction,
    load_asset,
    load_contract,
)
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.validate import clean_name, optional, phone, required
from quzhou_desktop.services.vouchers.common import RuleFailed
from quzhou_desktop.store.models import (
    Asset,
    Contract,
    ContractDeposit,
    ContractParty,
    ContractPayment,
    ContractScheduleLine,
    Person,
)

__all__ = [
    "ContractFields",
    "DepositFields",
    "PartyFields",
    "ScheduleFields",
    "contract_fields",
    "contract_findings",
    "create_contract",
    "terminate_contract",
    "update_contract",
]

MAX_AMOUNT_FEN = 10**13


@dataclass(frozen=True)
class PartyFields:
    """乙方. ``kind`` villager (``person_id`` from the roster; name, phone taken from it) or company."""

    kind: str
    name: str = ""
    person_id: str | None = None
    id_code: str | None = None  # 统一社会信用代码 (or an outside person's ID number)
    phone: str | None = None
    address: str | None = None
    id: str | None = None  # an existing party's id when editing


@dataclass(frozen=True)
class ScheduleFields:
    due_on: date
    amount_fen: int
    direction: str  # receivable / payable
    note: str | None = None
    id: str | None = None


@dataclass(frozen=True)
class DepositFields:
    kind: str
    direction: str
    amount_fen: int
    received_on: date | None = None
    returned_on: date | None = None
    note: str | None = None
    id: str | None = None


@dataclass(frozen=True)
class ContractFields:
    number: str
    title: str
    kind: str
    amount_fen: int
    start_date: date
    end_date: date
    signed_on: date | None = None
    asset_id: str | None = None
    subject: str | None = None
    decision_step_id: str | None = None
    decision_ref: str | None = None  # a decision on paper, in words
    note: str | None = None
    parties: tuple[PartyFields, ...] = ()
    schedule: tuple[ScheduleFields, ...] = ()
    deposits: tuple[DepositFields, ...] = ()


# ---------------------------------------------------------------------------------------------------------
# validation


def _money(value: int, field: str) -> int:
    fen = int(value)
    if fen <= 0:
        raise ValidationError(field=field, reason="必须大于零")
    if fen > MAX_AMOUNT_FEN:
        raise ValidationError(field=field, reason=f"{format_fen(fen)}过大，请核对")
    return fen


def clean_party(p: PartyFields) -> PartyFields:
    if p.kind not in PARTY_KINDS:
        raise ValidationError(field="乙方", reason="应为本村村民或外部单位")
    if p.kind == "villager" and not p.person_id:
        raise ValidationError(field="乙方", reason="请从花名册中选择村民")
    name = clean_name(optional(p.name, "乙方名称", max_len=100)) or ""
    if p.kind == "company" and not name:
        raise ValidationError(field="乙方", reason="请填写外部单位（或个人）的名称")
    return replace(
        p,
        name=name,
        id_code=optional(p.id_code, "统一社会信用代码", max_len=30),
        phone=phone(p.phone, "乙方电话"),
        address=optional(p.address, "乙方地址", max_len=200),
    )


def clean_contract(f: ContractFields) -> ContractFields:
    contract_kind(f.kind)
    if not isinstance(f.start_date, date) or not isinstance(f.end_date, date):
        raise ValidationError(field="合同期限", reason="请填写起止日期")
    if f.end_date < f.start_date:
        raise ValidationError(field="合同期限", reason="结束日期不能早于开始日期")
    if f.signed_on is not None and f.signed_on > f.end_date:
        raise ValidationError(field="签订日期", reason="不能晚于合同结束日期")
    if not f.parties:
        raise ValidationError(field="乙方", reason="请至少填写一个合同相对方（乙方）")
    if f.decision_step_id and f.decision_ref:
        raise ValidationError(field="决议", reason="请选择五议两公开决议或填写纸质决议，二者取一")
    schedule = []
    for line in f.schedule:
        direction(line.direction)
        if not isinstance(line.due_on, date):
            raise ValidationError(field="收付款计划", reason="每期都须填写日期")
        schedule.append(replace(line, amount_fen=_money(line.amount_fen, "收付款计划金额"),
                                note=optional(line.note, "收付款说明", max_len=200)))  # fmt: skip
    deposits = []
    for d in f.deposits:
        direction(d.direction)
        if d.kind not in DEPOSIT_KINDS:
            raise ValidationError(field="保证金", reason="种类应为押金、履约保证金或质量保证金")
        if d.received_on and d.returned_on and d.returned_on < d.received_on:
            raise ValidationError(field="保证金", reason="退还日期不能早于收取日期")
        deposits.append(replace(d, amount_fen=_money(d.amount_fen, "保证金金额"),
                                note=optional(d.note, "保证金说明", max_len=200)))  # fmt: skip
    return replace(
        f,
        number=required(f.number, "合同编号", max_len=30),
        title=required(f.title, "合同名称", max_len=200),
        amount_fen=_money(f.amount_fen, "合同金额"),
        subject=optional(f.subject, "标的", max_len=200),
        decision_ref=optional(f.decision_ref, "决议", max_len=200),
        note=optional(f.note, "备注", max_len=2000),
        parties=tuple(clean_party(p) for p in f.parties),
        schedule=tuple(sorted(schedule, key=lambda x: x.due_on)),
        deposits=tuple(deposits),
    )


def _refuse_schedule(f: ContractFields) -> list[Finding]:
    """C34 on the schedule: errors refuse the save; warnings are returned."""
    found = check_schedule(
        f.amount_fen, [(x.due_on, x.amount_fen) for x in f.schedule], f.start_date, f.end_date
    )
    errors = [x for x in found if x.is_error]
    if errors:
        raise RuleFailed(errors)
    return found


# ---------------------------------------------------------------------------------------------------------
# writing


def _check_number(s: Session, village_id: str, number: str, exclude: str | None = None) -> None:
    q = select(Contract.id).where(Contract.village_id == village_id, Contract.number == number)
    if exclude:
        q = q.where(Contract.id != exclude)
    if s.scalars(q).first() is not None:
        raise Conflict(f"本村已有编号为“{number}”的合同，请换一个编号")


def _parties(s: Session, c: Contract, parties: tuple[PartyFields, ...]) -> None:
    old = {p.id: p for p in s.scalars(select(ContractParty).where(ContractParty.contract_id == c.id))}
    keep: set[str] = set()
    for seq, f in enumerate(parties, 1):
        name, phone_no = f.name, f.phone
        if f.kind == "villager":
            person = s.get(Person, f.person_id)
            if person is None or person.village_id != c.village_id:
                raise NotFound(what="所选的本村村民")
            name, phone_no = person.name, f.phone or person.phone
        row = old.get(f.id) if f.id else None
        if row is None:
            row = ContractParty(contract_id=c.id, active=True)
            s.add(row)
        row.seq, row.kind, row.person_id, row.name = (
            seq,
            f.kind,
            f.person_id if f.kind == "villager" else None,
            name,
        )
        row.id_code, row.phone, row.address, row.active = f.id_code, phone_no, f.address, True
        if f.id:
            keep.add(f.id)
    for pid, row in old.items():
        if pid not in keep and row.active:
            row.active = False


def _paid_by_line(s: Session, line_ids: list[str]) -> dict[str, int]:
    if not line_ids:
        return {}
    q = (
        select(ContractPayment.line_id, func.sum(ContractPayment.amount_fen))
        .where(ContractPayment.line_id.in_(line_ids), ContractPayment.active.is_(True))
        .group_by(ContractPayment.line_id)
    )
    return {lid: int(total or 0) for lid, total in s.execute(q)}


def _schedule(s: Session, c: Contract, lines: tuple[ScheduleFields, ...]) -> None:
    old = {x.id: x for x in s.scalars(
        select(ContractScheduleLine).where(ContractScheduleLine.contract_id == c.id,
                                           ContractScheduleLine.active.is_(True)))}  # fmt: skip
    paid = _paid_by_line(s, list(old))
    keep: set[str] = set()
    for seq, f in enumerate(lines, 1):
        row = old.get(f.id) if f.id else None
        if f.id and row is None:
            raise NotFound(what="要修改的收付款计划")
        if row is None:
            row = ContractScheduleLine(contract_id=c.id, active=True)
            s.add(row)
        elif paid.get(row.id, 0) > f.amount_fen:
            raise ValidationError(
                field="收付款计划金额",
                reason=f"第{seq}期已收付{format_fen(paid[row.id])}，计划金额不能少于这个数",
            )
        row.seq, row.due_on, row.amount_fen, row.direction, row.note = (
            seq,
            f.due_on,
            f.amount_fen,
            f.direction,
            f.note,
        )
        if f.id:
            keep.add(f.id)
    for lid, row in old.items():
        if lid in keep:
            continue
        if paid.get(lid):
            raise ValidationError(
                field="收付款计划",
                reason=f"{row.due_on.isoformat()}这一期已有收付款记录，不能删除；请先撤销其收付款",
            )
        row.active = False


def _deposits(s: Session, c: Contract, deposits: tuple[DepositFields, ...]) -> None:
    old = {d.id: d for d in s.scalars(select(ContractDeposit).where(ContractDeposit.contract_id == c.id))}
    keep: set[str] = set()
    for f in deposits:
        row = old.get(f.id) if f.id else None
        if row is None:
            row = ContractDeposit(contract_id=c.id, active=True)
            s.add(row)
        row.kind, row.direction, row.amount_fen = f.kind, f.direction, f.amount_fen
        row.received_on, row.returned_on, row.note, row.active = f.received_on, f.returned_on, f.note, True
        if f.id:
            keep.add(f.id)
    for did, row in old.items():
        if did not in keep and row.active:
            row.active = False


def _apply(s: Session, c: Contract, f: ContractFields) -> None:
    if f.asset_id:
        a = load_asset(s, f.asset_id)
        if a.village_id != c.village_id:
            raise NotFound(what="本村的这项资产资源")
    if f.decision_step_id:
        check_step_of_village(s, f.decision_step_id, c.village_id)
    c.number, c.title, c.kind, c.amount_fen = f.number, f.title, f.kind, f.amount_fen
    c.start_date, c.end_date, c.signed_on = f.start_date, f.end_date, f.signed_on
    c.asset_id, c.subject, c.note = f.asset_id, f.subject, f.note
    c.decision_step_id, c.decision_ref = f.decision_step_id, f.decision_ref


def _sync_asset(s: Session, c: Contract, today: date) -> list[Finding]:
    """A lease or 承包 in force puts its asset to 出租/承包 (the register then agrees with the contract)."""
    if not c.asset_id or c.status != "active" or not (c.start_date <= today <= c.end_date):
        return []
    kind = ContractKind(c.kind)
    if not kind.disposes_property:
        return []
    a = s.get(Asset, c.asset_id)
    want = AssetStatus.LEASED if kind is ContractKind.LEASE else AssetStatus.CONTRACTED
    if a is None or not a.active or a.status == want.value:
        return []
    a.status = want.value
    return [
        Finding("warning", "asset", f"资产资源“{a.name}”的使用状态已随合同改为{want.label}", "asset_status")
    ]


def contract_findings(s: Session, c: Contract) -> list[Finding]:
    """C33 for a saved contract: what the clerk is told and what puts it on the 村监会's queue."""
    decision, _ = decision_of(s, c)
    return check_decision(ContractKind(c.kind), decision, signed_on=c.signed_on or c.start_date)


def create_contract(ctx: AppContext, village_id: str, fields: ContractFields) -> tuple[str, list[Finding]]:
    """Save a new contract. Returns its id and the findings to show (C33 errors, C34 reminders)."""
    user = ctx.require(Perm.CONTRACT_EDIT, village_id)
    f = clean_contract(fields)
    shown = _refuse_schedule(f)
    with ctx.write("contract.create") as s:
        _check_number(s, village_id, f.number)
        c = Contract(village_id=village_id, status="active", created_by=user.id)
        _apply(s, c, f)
        s.add(c)
        s.flush()
        _parties(s, c, f.parties)
        _schedule(s, c, f.schedule)
        _deposits(s, c, f.deposits)
        s.flush()
        shown = contract_findings(s, c) + shown + _sync_asset(s, c, ctx.clock.today())
        return c.id, shown


def update_contract(
    ctx: AppContext, contract_id: str, fields: ContractFields, *, expected_version: int | None = None
) -> list[Finding]:
    f = clean_contract(fields)
    shown = _refuse_schedule(f)
    with ctx.write("contract.update") as s:
        c = load_contract(s, contract_id)
        ctx.require(Perm.CONTRACT_EDIT, c.village_id)
        if expected_version is not None and c.row_version != expected_version:
            raise Conflict("这份合同已被其他人修改，请刷新后再改")
        if c.status == "terminated":
            raise ValidationError(field="合同", reason=f"“{c.title}”已终止，不能再修改")
        _check_number(s, c.village_id, f.number, exclude=c.id)
        _apply(s, c, f)
        _parties(s, c, f.parties)
        _schedule(s, c, f.schedule)
        _deposits(s, c, f.deposits)
        s.flush()
        return contract_findings(s, c) + shown + _sync_asset(s, c, ctx.clock.today())


def terminate_contract(ctx: AppContext, contract_id: str, *, on: date, reason: str) -> list[str]:
    """提前终止 on ``on``: instalments due after it and not yet paid are taken off the schedule; an asset let
    under it and under no other contract becomes 闲置. Returns what was done, in Chinese."""
    why = required(reason, "终止原因", max_len=500)
    done: list[str] = []
    with ctx.write("contract.terminate", reason=why) as s:
        c = load_contract(s, contract_id)
        ctx.require(Perm.CONTRACT_EDIT, c.village_id)
        if c.status == "terminated":
            raise Conflict(f"“{c.title}”已经终止")
        if on < c.start_date:
            raise ValidationError(field="终止日期", reason="不能早于合同开始日期")
        c.status, c.terminated_on, c.termination_reason = "terminated", on, why
        lines = s.scalars(select(ContractScheduleLine).where(
            ContractScheduleLine.contract_id == c.id, ContractScheduleLine.active.is_(True),
            ContractScheduleLine.due_on > on)).all()  # fmt: skip
        paid = _paid_by_line(s, [x.id for x in lines])
        dropped = [x for x in lines if not paid.get(x.id)]
        for x in dropped:
            x.active = False
        if dropped:
            total = sum(x.amount_fen for x in dropped)
            done.append(f"终止日以后未收付的{len(dropped)}期款项（共{format_fen(total)}）不再计收付")
        if c.asset_id:
            a = s.get(Asset, c.asset_id)
            others = s.scalars(select(Contract.id).where(
                Contract.asset_id == c.asset_id, Contract.id != c.id, Contract.status == "active",
                Contract.end_date > on)).first()  # fmt: skip
            if a is not None and a.active and others is None and AssetStatus(a.status).needs_contract:
                a.status = AssetStatus.IDLE.value
                done.append(f"资产资源“{a.name}”的使用状态改为闲置")
    return done


# ---------------------------------------------------------------------------------------------------------
# reading for an edit


def contract_fields(ctx: AppContext, contract_id: str) -> ContractFields:
    with ctx.read() as s:
        c = load_contract(s, contract_id)
        ctx.require_village(c.village_id)
        parties = s.scalars(select(ContractParty).where(
            ContractParty.contract_id == c.id, ContractParty.active.is_(True)).order_by(ContractParty.seq)).all()  # fmt: skip
        lines = s.scalars(select(ContractScheduleLine).where(
            ContractScheduleLine.contract_id == c.id, ContractScheduleLine.active.is_(True))
            .order_by(ContractScheduleLine.seq)).all()  # fmt: skip
        deposits = s.scalars(select(ContractDeposit).where(
            ContractDeposit.contract_id == c.id, ContractDeposit.active.is_(True))).all()  # fmt: skip
        return ContractFields(
            number=c.number, title=c.title, kind=c.kind, amount_fen=c.amount_fen, start_date=c.start_date,
            end_date=c.end_date, signed_on=c.signed_on, asset_id=c.asset_id, subject=c.subject,
            decision_step_id=c.decision_step_id, decision_ref=c.decision_ref, note=c.note,
            parties=tuple(PartyFields(p.kind, p.name, p.person_id, p.id_code, p.phone, p.address, p.id)
                          for p in parties),
            schedule=tuple(ScheduleFields(x.due_on, x.amount_fen, x.direction, x.note, x.id) for x in lines),
            deposits=tuple(DepositFields(d.kind, d.direction, d.amount_fen, d.received_on, d.returned_on, d.note,
                                         d.id) for d in deposits),
        )  # fmt: skip
