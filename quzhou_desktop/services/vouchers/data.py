"""Read models of 村务监督 for the detail screen, printing (支出凭证审批单, 月度审核意见书, 财务公开) and export.

Everything returned is plain data (str, int 分, date, datetime, tuples), so ``printing`` and ``exchange``
never touch the database or Qt.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from quzhou_desktop.core.money import fen_to_upper, fen_to_yuan_str, format_fen
from quzhou_desktop.core.vouchers import (
    VoucherState,
    check_decisions,
    check_review_completeness,
    spending_tier,
)
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.settings import rules_in
from quzhou_desktop.services.vouchers.common import (
    EVENT_LABELS,
    OPINION_LABELS,
    content_hash,
    events_of,
    is_month_locked,
    load_voucher,
    local_time,
    status_label,
    verify_events,
)
from quzhou_desktop.services.vouchers.flow import committee_in
from quzhou_desktop.services.vouchers.monthly import monthly_review
from quzhou_desktop.services.vouchers.query import row_of
from quzhou_desktop.services.vouchers.queues import LedgerFilter, ledger_rows
from quzhou_desktop.services.vouchers.voucher import VoucherRow
from quzhou_desktop.store.models import Attachment, LedgerLine, Village, Voucher

__all__ = [
    "EventRow",
    "FinanceLine",
    "VoucherDetail",
    "finance_lines",
    "ledger_export_rows",
    "monthly_review_notice_data",
    "voucher_detail",
    "voucher_notice_data",
]

PAST_REVIEW = frozenset(
    {
        VoucherState.REVIEWED.value,
        VoucherState.DIRECTOR_SIGNED.value,
        VoucherState.SECRETARY_SIGNED.value,
        VoucherState.DELIVERED.value,
        VoucherState.ACCEPTED.value,
    }
)


def cn_date(d: date) -> str:
    """成文日期 style: 2026年11月24日 (C27)."""
    return f"{d.year}年{d.month}月{d.day}日"


@dataclass(frozen=True)
class EventRow:
    """One step of the trail; ``at`` is Asia/Shanghai wall-clock time."""

    kind: str
    kind_label: str
    opinion: str | None
    opinion_label: str
    text: str
    actor_name: str
    actor_role: str
    at: datetime
    signature: str

    @property
    def summary(self) -> str:
        head = self.kind_label + (f"：{self.opinion_label}" if self.opinion_label else "")
        return head + (f"（{self.text}）" if self.text else "")


@dataclass(frozen=True)
class VoucherDetail:
    row: VoucherRow
    witness_name: str
    funding_source: str
    budget_line: str
    invoice_count: int
    decision_ref: str
    resolution_ref: str
    note: str
    tier_label: str
    decision_problems: tuple[str, ...]  # C16
    review_progress: tuple[str, ...]  # C18 findings still open in this round
    events: tuple[EventRow, ...]
    versions: tuple[tuple[str, int, str], ...]  # (id, version, status label), oldest first
    scans: tuple[tuple[str, str], ...]  # (attachment id, filename)
    tamper: tuple[str, ...]  # signatures that no longer match the content
    month_locked: bool
    content_hash: str


def _event_rows(events: list[Any]) -> tuple[EventRow, ...]:
    return tuple(
        EventRow(
            e.kind,
            EVENT_LABELS.get(e.kind, e.kind),
            e.opinion,
            OPINION_LABELS.get(e.opinion or "", ""),
            e.text or "",
            e.actor_name or "",
            e.actor_role or "",
            local_time(e.at),
            e.signature or "",
        )
        for e in events
    )


def voucher_detail(ctx: AppContext, voucher_id: str) -> VoucherDetail:
    with ctx.read() as s:
        v = load_voucher(s, voucher_id)
        ctx.require_village(v.village_id)
        rules = rules_in(s, v.village_id)
        village = s.get(Village, v.village_id)
        events = events_of(s, v.id)
        progress: list[str] = []
        if v.status == VoucherState.SUBMITTED.value:
            last = max((i for i, e in enumerate(events) if e.kind == "submit"), default=-1)
            agree = [e.person_id for e in events[last + 1 :] if e.kind == "review" and e.opinion == "agree"]
            com = committee_in(s, v.village_id, ctx.clock.today())
            progress = [
                f.shown
                for f in check_review_completeness(
                    v.amount_fen, com.member_ids, com.chair_id, [a for a in agree if a], rules, com.names
                )
            ]
        family = [v]
        while family[0].supersedes_id:
            prev = s.get(Voucher, family[0].supersedes_id)
            if prev is None:
                break
            family.insert(0, prev)
        nxt = s.scalars(select(Voucher).where(Voucher.supersedes_id == v.id)).first()
        while nxt is not None:
            family.append(nxt)
            nxt = s.scalars(select(Voucher).where(Voucher.supersedes_id == nxt.id)).first()
        scans = s.execute(
            select(Attachment.id, Attachment.filename).where(
                Attachment.owner_kind == "voucher", Attachment.owner_id == v.id, Attachment.active.is_(True)
            )
        ).all()
        refs = {
            "joint_meeting_ref": v.decision_ref or v.decision_step_id,
            "resolution_ref": v.resolution_ref or v.resolution_step_id,
        }
        return VoucherDetail(
            row=row_of(v, village.name if village else ""),
            witness_name=v.witness_name or "",
            funding_source=v.funding_source or "",
            budget_line=v.budget_line or "",
            invoice_count=v.invoice_count,
            decision_ref=v.decision_ref or ("（已关联五议两公开记录）" if v.decision_step_id else ""),
            resolution_ref=v.resolution_ref or ("（已关联五议两公开记录）" if v.resolution_step_id else ""),
            note=v.note or "",
            tier_label=spending_tier(v.amount_fen, rules).label,
            decision_problems=tuple(f.shown for f in check_decisions(v.amount_fen, rules, **refs)),
            review_progress=tuple(progress),
            events=_event_rows(events),
            versions=tuple((x.id, x.version, status_label(x.status)) for x in family),
            scans=tuple((a, n) for a, n in scans),
            tamper=tuple(verify_events(s, v)),
            month_locked=is_month_locked(s, v.village_id, v.voucher_date),
            content_hash=content_hash(s, v),
        )


def voucher_notice_data(ctx: AppContext, voucher_id: str) -> dict[str, Any]:
    """Plain data for the 支出凭证审批单 (printing)."""
    d = voucher_detail(ctx, voucher_id)
    r = d.row

    def signer(kind: str) -> dict[str, Any] | None:
        e = next((x for x in reversed(d.events) if x.kind == kind), None)
        return (
            None
            if e is None
            else {"name": e.actor_name, "role": e.actor_role, "at": e.at, "signature": e.signature}
        )

    last_submit = max((i for i, e in enumerate(d.events) if e.kind == "submit"), default=-1)
    agency = next((x for x in reversed(d.events) if x.kind in ("accept", "return")), None)
    return {
        "voucher_id": r.id,
        "village": r.village_name,
        "number": r.number,
        "version": r.version,
        "date": r.voucher_date,
        "date_text": cn_date(r.voucher_date),
        "handler": r.handler_name,
        "witness": d.witness_name,
        "payee": r.payee,
        "purpose": r.purpose,
        "amount_fen": r.amount_fen,
        "amount_lower": format_fen(r.amount_fen),
        "amount_upper": fen_to_upper(r.amount_fen),
        "funding_source": d.funding_source,
        "budget_line": d.budget_line,
        "invoice_count": d.invoice_count,
        "tier": d.tier_label,
        "decision_ref": d.decision_ref,
        "resolution_ref": d.resolution_ref,
        "status": r.status_label,
        "reviews": [
            {
                "name": e.actor_name,
                "role": e.actor_role,
                "opinion": e.opinion_label,
                "text": e.text,
                "at": e.at,
                "signature": e.signature,
            }
            for e in d.events[last_submit + 1 :]
            if e.kind == "review"
        ],
        "director": signer("sign_director"),
        "secretary": signer("sign_secretary"),
        "agency": None
        if agency is None
        else {"result": agency.kind_label, "reason": agency.text, "at": agency.at, "name": agency.actor_name},
        "content_hash": d.content_hash,
        "tamper": list(d.tamper),
    }


def monthly_review_notice_data(ctx: AppContext, village_id: str, year: int, month: int) -> dict[str, Any]:
    """Plain data for the 村监会月度审核意见书 (printing)."""
    view = monthly_review(ctx, village_id, year, month)
    names = {pid: name for pid, name, _ in view.members}
    return {
        "village": view.village_name,
        "year": year,
        "month": month,
        "title": f"{view.village_name}村务监督委员会{year}年{month}月财务审核意见书",
        "meeting_date": view.meeting_date,
        "meeting_date_text": cn_date(view.meeting_date) if view.meeting_date else "",
        "place": view.place,
        "attendees": [names.get(a, "") for a in view.attendee_ids],
        "members": [name for _, name, _ in view.members],
        "voucher_count": len(view.counted),
        "total_fen": view.total_fen,
        "total_lower": format_fen(view.total_fen),
        "total_upper": fen_to_upper(view.total_fen) if view.total_fen > 0 else "",
        "items": [
            {
                "number": i.voucher.number_text,
                "date": i.voucher.voucher_date,
                "payee": i.voucher.payee,
                "purpose": i.voucher.purpose,
                "amount_fen": i.voucher.amount_fen,
                "amount_lower": i.voucher.amount_text,
                "status": i.voucher.status_label,
                "reviews": i.reviews,
                "opinion": i.opinion,
                "open": i.open,
            }
            for i in view.items
        ],
        "overall_opinion": view.overall_opinion,
        "open_items": view.open_items,
        "state": view.state_label,
        "signed_by": view.signed_by,
        "signed_at": view.signed_at,
        "locked": view.locked,
    }


@dataclass(frozen=True)
class FinanceLine:
    """One line of a 财务公开 table: from a reviewed voucher or the agency's ledger."""

    on: date
    source: str  # "凭证" / "账簿"
    number: str
    summary: str
    income_fen: int
    expense_fen: int
    funding_source: str
    counterparty: str
    review: str  # 村监会审核意见 ("" for ledger lines without a voucher)

    @property
    def amount_upper(self) -> str:
        amount = self.expense_fen or self.income_fen
        return fen_to_upper(amount) if amount > 0 else ""


def finance_lines(ctx: AppContext, village_id: str, start: date, end: date) -> list[FinanceLine]:
    """Ledger lines and reviewed vouchers (村监会 past 同意) dated ``start``…``end`` inclusive, by date.

    A voucher whose number already appears on a ledger line is not repeated; the ledger line then carries
    the voucher's review result (C31: financial disclosure only of reviewed spending)."""
    ctx.require_village(village_id)
    with ctx.read() as s:
        vouchers = list(
            s.scalars(
                select(Voucher)
                .where(
                    Voucher.village_id == village_id,
                    Voucher.voucher_date >= start,
                    Voucher.voucher_date <= end,
                    Voucher.status.in_(PAST_REVIEW),
                )
                .order_by(Voucher.voucher_date, Voucher.number)
            )
        )
        lines = list(
            s.scalars(
                select(LedgerLine)
                .where(
                    LedgerLine.village_id == village_id,
                    LedgerLine.entry_date >= start,
                    LedgerLine.entry_date <= end,
                )
                .order_by(LedgerLine.entry_date, LedgerLine.voucher_no)
            )
        )
    reviewed = {v.number: v for v in vouchers}
    out = []
    for ln in lines:
        v = reviewed.pop(ln.voucher_no, None) if ln.voucher_no else None
        out.append(
            FinanceLine(
                ln.entry_date,
                "账簿",
                ln.voucher_no or "",
                ln.summary,
                ln.income_fen,
                ln.expense_fen,
                (v.funding_source or "") if v else "",
                ln.counterparty or "",
                "村监会审核同意" if v else "",
            )
        )
    for v in reviewed.values():
        out.append(
            FinanceLine(
                v.voucher_date,
                "凭证",
                v.number,
                v.purpose,
                0,
                v.amount_fen,
                v.funding_source or "",
                v.payee,
                "村监会审核同意",
            )
        )
    return sorted(out, key=lambda x: (x.on, x.number))


def ledger_export_rows(ctx: AppContext, flt: LedgerFilter, *, page: int = 1000) -> Iterator[tuple[Any, ...]]:
    """The 监督台账 export's rows (columns: ``services.exports.registers`` "supervision"), oldest first. Paged."""
    offset = 0
    while True:
        rows = ledger_rows(ctx, flt, offset=offset, limit=page, sort="at", descending=False)
        if not rows:
            return
        for r in rows:
            yield (
                r.village_name,
                r.month_text,
                r.number_text,
                r.voucher_date,
                r.purpose,
                r.payee,
                fen_to_yuan_str(r.amount_fen),
                r.opinion_label,
                r.text or "",
                r.actor_name or "",
                r.actor_role or "",
                local_time(r.at),
                r.status_label,
            )
        offset += page
