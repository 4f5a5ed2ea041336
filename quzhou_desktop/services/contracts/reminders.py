"""工作台 reminders for contracts and assets, and the 村务监督委员会's queue of contracts without a decision.

- contracts in force that end within the township's ``contract_expiry_days`` (soonest first);
- receivables overdue beyond the grace period (C34), per contract, the biggest first;
- assets marked 出租 or 承包 that no contract in force covers;
- disposals of collective property without a passed 决议 (C33): the 村监会 supervises them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from quzhou_desktop.core.contracts import Direction
from quzhou_desktop.core.money import format_fen
from quzhou_desktop.services.contracts.assets import AssetFilter, AssetRow, list_assets
from quzhou_desktop.services.contracts.query import ContractFilter, ContractRow, list_contracts
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.settings import get_rules
from quzhou_desktop.store.models import (
    Contract,
    ContractParty,
    ContractPayment,
    ContractScheduleLine,
    Village,
)

__all__ = [
    "OverdueContract",
    "expiring_contracts",
    "leased_without_contract",
    "overdue_receivables",
    "undecided_contracts",
]

LIMIT = 500


def expiring_contracts(ctx: AppContext, village_id: str | None = None) -> list[ContractRow]:
    """Contracts in force whose end falls within the reminder period, the soonest first."""
    flt = ContractFilter(village_id=village_id, status="expiring")
    return list_contracts(ctx, flt, limit=LIMIT, sort="end")


def undecided_contracts(ctx: AppContext, village_id: str | None = None) -> list[ContractRow]:
    """C33: 发包/承包 and 租赁 contracts not terminated that lack a passed 村民（代表）会议 决议 before signing."""
    flt = ContractFilter(village_id=village_id, status="no_decision")
    return list_contracts(ctx, flt, limit=LIMIT, sort="start")


def leased_without_contract(ctx: AppContext, village_id: str | None = None) -> list[AssetRow]:
    """Assets marked 出租/承包 that no contract in force covers today."""
    return list_assets(
        ctx, AssetFilter(village_id=village_id, status="no_contract"), limit=LIMIT, sort="code"
    )


@dataclass(frozen=True)
class OverdueContract:
    contract_id: str
    village_id: str
    village_name: str
    number: str
    title: str
    party: str
    overdue_fen: int
    lines: int
    oldest_due: date

    @property
    def label(self) -> str:
        who = f"（{self.party}）" if self.party else ""
        return (
            f"【{self.village_name}】{self.number} {self.title}{who}逾期{self.lines}期，共{format_fen(self.overdue_fen)}，"
            f"最早应收于{self.oldest_due.isoformat()}"
        )


def overdue_receivables(ctx: AppContext, village_id: str | None = None) -> list[OverdueContract]:
    """C34: receivable lines past their due date plus the grace, not received in full; per contract, biggest first."""
    ctx.require_user()
    rules = get_rules(ctx, village_id)  # over every village: this office's own township's grace
    cutoff = ctx.clock.today() - timedelta(days=rules.contract_grace_days + 1)
    paid = (
        select(ContractPayment.line_id, func.sum(ContractPayment.amount_fen).label("paid"))
        .where(ContractPayment.active.is_(True))
        .group_by(ContractPayment.line_id)
        .subquery()
    )
    party = (
        select(ContractParty.name)
        .where(ContractParty.contract_id == Contract.id, ContractParty.active.is_(True))
        .order_by(ContractParty.seq)
        .limit(1)
        .correlate(Contract)
        .scalar_subquery()
    )
    left = ContractScheduleLine.amount_fen - func.coalesce(paid.c.paid, 0)
    q = (
        select(
            Contract.id,
            Contract.village_id,
            Village.name,
            Contract.number,
            Contract.title,
            party,
            func.sum(left),
            func.count(),
            func.min(ContractScheduleLine.due_on),
        )
        .join(ContractScheduleLine, ContractScheduleLine.contract_id == Contract.id)
        .join(Village, Village.id == Contract.village_id)
        .outerjoin(paid, paid.c.line_id == ContractScheduleLine.id)
        .where(
            ContractScheduleLine.active.is_(True),
            ContractScheduleLine.direction == Direction.RECEIVABLE.value,
            ContractScheduleLine.due_on <= cutoff,
            left > 0,
        )
        .group_by(Contract.id, Village.name)  # PostgreSQL: every plain column of another table grouped
        .order_by(func.sum(left).desc(), Contract.number)
        .limit(LIMIT)
    )
    if village_id:
        ctx.require_village(village_id)
        q = q.where(Contract.village_id == village_id)
    else:
        visible = ctx.visible_village_ids()
        if visible is not None:
            q = q.where(Contract.village_id.in_(visible))
    with ctx.read() as s:
        return [
            OverdueContract(cid, vid, vname, number, title, p or "", int(total), int(n), oldest)
            for cid, vid, vname, number, title, p, total, n, oldest in s.execute(q)
        ]
