"""Reading 支出凭证: the lazy register (SQL-side filter, sort and paging), fields for an edit, number
suggestions and the 五议两公开 decisions a voucher can refer to (C16)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select

from quzhou_desktop.core.vouchers import DecisionKind, spending_tier
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.search import contains, contains_pattern
from quzhou_desktop.services.kernel.settings import get_rules
from quzhou_desktop.services.roster.villages import shown_village, village_labels
from quzhou_desktop.services.vouchers.common import SUPERSEDED, load_voucher
from quzhou_desktop.services.vouchers.voucher import VoucherFields, VoucherFilter, VoucherRow
from quzhou_desktop.store.models import MatterStep, Village, Voucher

__all__ = [
    "DecisionChoice",
    "count_vouchers",
    "decision_choices",
    "filtered_vouchers",
    "get_fields",
    "list_vouchers",
    "next_number",
    "row_of",
    "tier_label",
]

SORTS: dict[str, Any] = {
    "date": Voucher.voucher_date,
    "number": Voucher.number,
    "amount": Voucher.amount_fen,
    "status": Voucher.status,
    "payee": Voucher.payee,
}
# ---------------------------------------------------------------------------------------------------------
# reading


def get_fields(ctx: AppContext, voucher_id: str) -> VoucherFields:
    """The voucher's fields, to prefill an edit or a correction."""
    with ctx.read() as s:
        v = load_voucher(s, voucher_id)
        ctx.require_village(v.village_id)
        return VoucherFields(
            number=v.number,
            voucher_date=v.voucher_date,
            handler_name=v.handler_name,
            payee=v.payee,
            purpose=v.purpose,
            amount_fen=v.amount_fen,
            witness_name=v.witness_name,
            funding_source=v.funding_source,
            budget_line=v.budget_line,
            invoice_count=v.invoice_count,
            decision_ref=v.decision_ref,
            decision_step_id=v.decision_step_id,
            resolution_ref=v.resolution_ref,
            resolution_step_id=v.resolution_step_id,
            note=v.note,
            handler_person_id=v.handler_person_id,
            payee_person_id=v.payee_person_id,
        )


def row_of(v: Voucher, village_name: str) -> VoucherRow:
    return VoucherRow(
        v.id,
        v.village_id,
        village_name,
        v.year,
        v.number,
        v.version,
        v.voucher_date,
        v.handler_name,
        v.payee,
        v.purpose,
        v.amount_fen,
        v.status,
        v.submitted_at,
        v.prepared_by,
    )


def filtered_vouchers(ctx: AppContext, flt: VoucherFilter) -> Any:
    """``select(Voucher, Village.name)`` with the filter applied, unordered (register, counts, export)."""
    q: Any = select(Voucher, Village.name).join(Village, Village.id == Voucher.village_id)
    if flt.village_id:
        ctx.require_village(flt.village_id)
        q = q.where(Voucher.village_id == flt.village_id)
    else:
        visible = ctx.visible_village_ids()
        if visible is not None:
            q = q.where(Voucher.village_id.in_(visible))
    if flt.year:
        q = q.where(Voucher.year == flt.year)
    if flt.year and flt.month:
        start = date(flt.year, flt.month, 1)
        end = date(flt.year + (flt.month == 12), flt.month % 12 + 1, 1)
        q = q.where(Voucher.voucher_date >= start, Voucher.voucher_date < end)
    if flt.start:
        q = q.where(Voucher.voucher_date >= flt.start)
    if flt.end:
        q = q.where(Voucher.voucher_date <= flt.end)
    if flt.statuses:
        q = q.where(Voucher.status.in_(flt.statuses))
    elif not flt.include_superseded:
        q = q.where(Voucher.status != SUPERSEDED)
    text = flt.text.strip()
    if text:
        like = contains_pattern(text)
        q = q.where(
            or_(
                contains(Voucher.number, like),
                contains(Voucher.payee, like),
                contains(Voucher.purpose, like),
                contains(Voucher.handler_name, like),
            )
        )
    return q


def count_vouchers(ctx: AppContext, flt: VoucherFilter) -> int:
    ctx.require_user()
    q = filtered_vouchers(ctx, flt)
    if flt.village_id and flt.text.strip() and not (flt.year or flt.start or flt.end):
        # a tautology (voucher_date is NOT NULL) so the search reads the village's rows over
        # ix_voucher_village_date, in about file order (≈2× faster than over ix_voucher_village_amount)
        q = q.where(Voucher.voucher_date >= date.min)
    with ctx.read() as s:
        sub = q.subquery()
        return int(s.scalar(select(func.count()).select_from(sub)) or 0)


def list_vouchers(
    ctx: AppContext,
    flt: VoucherFilter,
    *,
    offset: int = 0,
    limit: int = 200,
    sort: str = "date",
    descending: bool = True,
) -> list[VoucherRow]:
    ctx.require_user()
    col = SORTS.get(sort, Voucher.voucher_date)
    order = [col.desc() if descending else col.asc(), Voucher.number.desc() if descending else Voucher.number]
    with ctx.read() as s:
        q = filtered_vouchers(ctx, flt).order_by(*order, Voucher.version.desc()).offset(offset).limit(limit)
        labels = village_labels(s)
        return [row_of(v, shown_village(labels, v.village_id, name)) for v, name in s.execute(q)]


def next_number(ctx: AppContext, village_id: str, year: int) -> str:
    """A suggested number: one more than the highest purely numeric number of that year, 3 digits."""
    ctx.require_village(village_id)
    with ctx.read() as s:
        numbers = s.scalars(
            select(Voucher.number).where(Voucher.village_id == village_id, Voucher.year == year)
        ).all()
    top = max((int(n) for n in numbers if n.isdigit()), default=0)
    return f"{top + 1:03d}"


@dataclass(frozen=True)
class DecisionChoice:
    step_id: str
    label: str
    body: str | None
    on: date | None = None
    matter_title: str = ""


DECISION_BODIES: dict[DecisionKind, tuple[str, ...]] = {
    DecisionKind.JOINT_MEETING: ("joint",),  # 村务联席会议 (商议, or 提议、商议 合并)
    DecisionKind.VILLAGERS_RESOLUTION: ("representatives", "villagers"),  # 村民(代表)会议 决议
}


def decision_label(title: str, body: str | None, on: date | None) -> str:
    """ "村文化礼堂提升改造——2026年12月4日村务联席会议决定"."""
    from quzhou_desktop.core.meetings import Body

    name = Body(body).label.split("（")[0] if body else ""
    what = "决议" if body in DECISION_BODIES[DecisionKind.VILLAGERS_RESOLUTION] else "决定"
    when = f"{on.year}年{on.month}月{on.day}日" if on else ""
    return f"{title}——{when}{name}{what}"


def decision_choices(
    ctx: AppContext, village_id: str, kind: DecisionKind | None = None, *, on: date | None = None
) -> list[DecisionChoice]:
    """Final, passed 五议两公开 decisions of the village a voucher can refer to (C16), newest first: of the
    body ``kind`` requires (联席会议 for a 决定, 村民(代表)会议 for a 决议), held on or before ``on``."""
    from quzhou_desktop.store.models import Matter

    ctx.require_village(village_id)
    bodies = DECISION_BODIES[kind] if kind else tuple(b for v in DECISION_BODIES.values() for b in v)
    with ctx.read() as s:
        q = (
            select(MatterStep, Matter.title)
            .join(Matter, Matter.id == MatterStep.matter_id)
            .where(
                Matter.village_id == village_id,
                MatterStep.state == "final",
                MatterStep.passed.is_(True),
                MatterStep.body.in_(bodies),
            )
            .order_by(MatterStep.meeting_date.desc())
            .limit(200)
        )
        if on is not None:
            q = q.where(MatterStep.meeting_date <= on)
        return [
            DecisionChoice(
                st.id, decision_label(title, st.body, st.meeting_date), st.body, st.meeting_date, title
            )
            for st, title in s.execute(q)
        ]


def tier_label(ctx: AppContext, amount_fen: int, village_id: str | None = None) -> str:
    """The C16 tier of ``amount_fen`` by ``village_id``'s township's thresholds (None: this office's own)."""
    return spending_tier(amount_fen, get_rules(ctx, village_id)).label
