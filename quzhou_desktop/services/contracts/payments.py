"""A contract's payments: each schedule line with what was received or paid against it and its C34 state, money
tied to a 支出凭证, a 收支明细 line or a paper receipt, and the vouchers and ledger lines a line may be tied to.

A payment never exceeds what is left of its line, nor (C34) takes the contract beyond its amount; a voucher or a
ledger line is never used for more than it holds. Payments are withdrawn with a reason, never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quzhou_desktop.core.contracts import Direction, LineState, LineStatus, check_payments, line_status
from quzhou_desktop.core.errors import NotFound, ValidationError
from quzhou_desktop.core.money import format_fen
from quzhou_desktop.core.rules_config import TownshipRules
from quzhou_desktop.services.contracts.common import load_contract
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.validate import optional, required
from quzhou_desktop.services.vouchers.common import RuleFailed
from quzhou_desktop.store.models import (
    Contract,
    ContractPayment,
    ContractScheduleLine,
    LedgerLine,
    Voucher,
)

__all__ = [
    "Candidate",
    "LineRow",
    "PaymentRow",
    "link_payment",
    "payment_candidates",
    "schedule_of",
    "withdraw_payment",
]

_UNUSABLE_VOUCHERS = ("superseded", "void", "rejected")


@dataclass(frozen=True)
class PaymentRow:
    id: str
    paid_on: date
    amount_fen: int
    source: str  # "支出凭证 2026年012号", "收支明细 2026-10-26 J1026 农家乐管理费", "收据 0012"
    voucher_id: str | None
    ledger_line_id: str | None
    receipt_no: str | None
    note: str | None


@dataclass(frozen=True)
class LineRow:
    id: str
    seq: int
    due_on: date
    amount_fen: int
    direction: str
    note: str | None
    paid_fen: int
    status: LineStatus
    payments: tuple[PaymentRow, ...]

    @property
    def state(self) -> LineState:
        return self.status.state

    @property
    def state_label(self) -> str:
        return self.status.state.label(Direction(self.direction))

    @property
    def direction_label(self) -> str:
        return Direction(self.direction).label


def _source(p: ContractPayment, v: Voucher | None, ln: LedgerLine | None) -> str:
    if v is not None:
        return f"支出凭证 {v.year}年{v.number}号（{v.purpose}）"
    if ln is not None:
        no = f" {ln.voucher_no}" if ln.voucher_no else ""
        return f"收支明细 {ln.entry_date.isoformat()}{no} {ln.summary}"
    return f"收据 {p.receipt_no or ''}".strip()


def schedule_of(s: Session, contract_id: str, today: date, rules: TownshipRules) -> list[LineRow]:
    """The contract's active schedule lines in order, each with its payments and C34 state."""
    lines = s.scalars(
        select(ContractScheduleLine)
        .where(ContractScheduleLine.contract_id == contract_id, ContractScheduleLine.active.is_(True))
        .order_by(ContractScheduleLine.due_on, ContractScheduleLine.seq)
    ).all()
    rows = s.execute(
        select(ContractPayment, Voucher, LedgerLine)
        .outerjoin(Voucher, Voucher.id == ContractPayment.voucher_id)
        .outerjoin(LedgerLine, LedgerLine.id == ContractPayment.ledger_line_id)
        .where(ContractPayment.line_id.in_([x.id for x in lines]), ContractPayment.active.is_(True))
        .order_by(ContractPayment.paid_on)
    ).all()
    by_line: dict[str, list[PaymentRow]] = {}
    for p, v, ln in rows:
        by_line.setdefault(p.line_id, []).append(
            PaymentRow(
                p.id,
                p.paid_on,
                p.amount_fen,
                _source(p, v, ln),
                p.voucher_id,
                p.ledger_line_id,
                p.receipt_no,
                p.note,
            )
        )
    out = []
    for x in lines:
        pays = tuple(by_line.get(x.id, ()))
        paid = sum(p.amount_fen for p in pays)
        st = line_status(x.due_on, x.amount_fen, paid, today, rules, direction=Direction(x.direction))
        out.append(LineRow(x.id, x.seq, x.due_on, x.amount_fen, x.direction, x.note, paid, st, pays))
    return out


def _paid_on_contract(s: Session, contract_id: str) -> int:
    q = (
        select(func.coalesce(func.sum(ContractPayment.amount_fen), 0))
        .join(ContractScheduleLine, ContractScheduleLine.id == ContractPayment.line_id)
        .where(ContractScheduleLine.contract_id == contract_id, ContractPayment.active.is_(True))
    )
    return int(s.scalar(q) or 0)


def _used(s: Session, column: Any, record_id: str) -> int:
    q = select(func.coalesce(func.sum(ContractPayment.amount_fen), 0)).where(
        column == record_id, ContractPayment.active.is_(True)
    )
    return int(s.scalar(q) or 0)


def link_payment(
    ctx: AppContext,
    line_id: str,
    *,
    amount_fen: int,
    voucher_id: str | None = None,
    ledger_line_id: str | None = None,
    receipt_no: str | None = None,
    paid_on: date | None = None,
    note: str | None = None,
) -> str:
    """Record money received or paid against a schedule line, tied to exactly one voucher, ledger line or receipt.
    Returns the payment id."""
    receipt = optional(receipt_no, "收据号", max_len=40)
    note = optional(note, "说明", max_len=200)
    if sum(x is not None for x in (voucher_id, ledger_line_id, receipt)) != 1:
        raise ValidationError(
            field="收付款依据", reason="请选择一张支出凭证、一条收支明细，或填写收据号（三者取一）"
        )
    amount = int(amount_fen)
    with ctx.write("contract.payment") as s:
        line = s.get(ContractScheduleLine, line_id)
        if line is None or not line.active:
            raise NotFound(what="这一期收付款计划")
        c = load_contract(s, line.contract_id)
        ctx.require(Perm.CONTRACT_EDIT, c.village_id)
        direction = Direction(line.direction)
        when = paid_on
        if voucher_id is not None:
            when = when or _check_voucher(s, c, direction, voucher_id, amount)
        elif ledger_line_id is not None:
            when = when or _check_ledger(s, c, direction, ledger_line_id, amount)
        if when is None:
            raise ValidationError(field="收付款日期", reason="凭收据登记时请填写收付款日期")
        findings = check_payments(c.amount_fen, _paid_on_contract(s, c.id), amount)
        if findings:
            raise RuleFailed(findings)
        left = line.amount_fen - _used(s, ContractPayment.line_id, line.id)
        if amount > left:
            raise ValidationError(
                field="金额",
                reason=f"超过本期尚未{direction.verb}的{format_fen(max(left, 0))}；多{direction.verb}的部分请记入下一期",
            )
        p = ContractPayment(line_id=line.id, voucher_id=voucher_id, ledger_line_id=ledger_line_id,
                            receipt_no=receipt, paid_on=when, amount_fen=amount, note=note, active=True)  # fmt: skip
        s.add(p)
        s.flush()
        return p.id


def _check_voucher(s: Session, c: Contract, direction: Direction, voucher_id: str, amount: int) -> date:
    v = s.get(Voucher, voucher_id)
    if v is None or v.village_id != c.village_id:
        raise NotFound(what="本村的这张支出凭证")
    if direction is Direction.RECEIVABLE:
        raise ValidationError(
            field="收付款依据", reason="支出凭证只能对应应付款项；应收款项请选择收支明细中的收入或填写收据号"
        )
    if v.status in _UNUSABLE_VOUCHERS:
        raise ValidationError(
            field="收付款依据", reason=f"凭证{v.number}已作废、被更正或未获同意，不能作为付款依据"
        )
    left = v.amount_fen - _used(s, ContractPayment.voucher_id, v.id)
    if amount > left:
        raise ValidationError(
            field="金额", reason=f"凭证{v.number}只剩{format_fen(max(left, 0))}未对应合同付款"
        )
    return v.voucher_date


def _check_ledger(s: Session, c: Contract, direction: Direction, line_id: str, amount: int) -> date:
    ln = s.get(LedgerLine, line_id)
    if ln is None or ln.village_id != c.village_id:
        raise NotFound(what="本村的这条收支明细")
    held = ln.income_fen if direction is Direction.RECEIVABLE else ln.expense_fen
    if held <= 0:
        what = "收入" if direction is Direction.RECEIVABLE else "支出"
        raise ValidationError(
            field="收付款依据", reason=f"“{ln.summary}”不是{what}，与本期{direction.label}款项方向不符"
        )
    left = held - _used(s, ContractPayment.ledger_line_id, ln.id)
    if amount > left:
        raise ValidationError(
            field="金额", reason=f"“{ln.summary}”只剩{format_fen(max(left, 0))}未对应合同收付款"
        )
    return ln.entry_date


def withdraw_payment(ctx: AppContext, payment_id: str, reason: str) -> None:
    why = required(reason, "撤销原因", max_len=500)
    with ctx.write("contract.payment_withdraw", reason=why) as s:
        p = s.get(ContractPayment, payment_id)
        if p is None or not p.active:
            raise NotFound(what="这笔收付款记录")
        line = s.get(ContractScheduleLine, p.line_id)
        assert line is not None
        c = load_contract(s, line.contract_id)
        ctx.require(Perm.CONTRACT_EDIT, c.village_id)
        p.active = False


@dataclass(frozen=True)
class Candidate:
    kind: str  # voucher / ledger
    id: str
    on: date
    label: str
    left_fen: int


def payment_candidates(ctx: AppContext, line_id: str, *, text: str = "", limit: int = 100) -> list[Candidate]:
    """Vouchers (应付) or ledger lines of the right direction with money not yet tied to contracts, nearest to the
    line's due date first; ``text`` searches the summary, payee or counterparty."""
    with ctx.read() as s:
        line = s.get(ContractScheduleLine, line_id)
        if line is None:
            raise NotFound(what="这一期收付款计划")
        c = load_contract(s, line.contract_id)
        ctx.require_village(c.village_id)
        direction = Direction(line.direction)
        like = f"%{text.strip()}%"
        out: list[Candidate] = []
        used_l = (
            select(func.coalesce(func.sum(ContractPayment.amount_fen), 0))
            .where(ContractPayment.ledger_line_id == LedgerLine.id, ContractPayment.active.is_(True))
            .correlate(LedgerLine)
            .scalar_subquery()
        )
        held = LedgerLine.income_fen if direction is Direction.RECEIVABLE else LedgerLine.expense_fen
        q: Any = select(LedgerLine, used_l).where(LedgerLine.village_id == c.village_id, held > used_l)
        if text.strip():
            q = q.where(LedgerLine.summary.like(like) | LedgerLine.counterparty.like(like))
        near = func.abs(func.julianday(LedgerLine.entry_date) - func.julianday(line.due_on))
        for ln, used in s.execute(q.order_by(near, LedgerLine.entry_date).limit(limit)):
            amount = ln.income_fen or ln.expense_fen
            no = f"{ln.voucher_no} " if ln.voucher_no else ""
            label = f"收支明细 {ln.entry_date.isoformat()} {no}{ln.summary} {format_fen(amount)}"
            out.append(Candidate("ledger", ln.id, ln.entry_date, label, amount - int(used)))
        if direction is Direction.PAYABLE:
            used_v = (
                select(func.coalesce(func.sum(ContractPayment.amount_fen), 0))
                .where(ContractPayment.voucher_id == Voucher.id, ContractPayment.active.is_(True))
                .correlate(Voucher)
                .scalar_subquery()
            )
            vq: Any = select(Voucher, used_v).where(
                Voucher.village_id == c.village_id,
                Voucher.status.notin_(_UNUSABLE_VOUCHERS),
                Voucher.amount_fen > used_v,
            )
            if text.strip():
                vq = vq.where(
                    Voucher.purpose.like(like) | Voucher.payee.like(like) | Voucher.number.like(like)
                )
            near_v = func.abs(func.julianday(Voucher.voucher_date) - func.julianday(line.due_on))
            for v, used in s.execute(vq.order_by(near_v, Voucher.voucher_date).limit(limit)):
                label = f"支出凭证 {v.year}年{v.number}号 {v.voucher_date.isoformat()} {v.payee} {v.purpose} {format_fen(v.amount_fen)}"
                out.append(Candidate("voucher", v.id, v.voucher_date, label, v.amount_fen - int(used)))
        out.sort(key=lambda x: abs((x.on - line.due_on).days))
        return out[:limit]
