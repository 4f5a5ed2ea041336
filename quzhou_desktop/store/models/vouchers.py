"""村务监督: vouchers under 先审后签, their review/signature events, monthly reviews and ledger lines."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from quzhou_desktop.store.models.base import Audited, Base


class Voucher(Audited, Base):
    __tablename__ = "voucher"
    __table_args__ = (
        UniqueConstraint("village_id", "year", "number", "version", name="uq_voucher_number_version"),
        # register pages per village in every sort order (ties by number, version) without a temp sort
        Index("ix_voucher_village_date", "village_id", "voucher_date", "number", "version"),
        # the township-wide register and export: keyset pages on (voucher_date, number, version, id)
        Index("ix_voucher_date", "voucher_date", "number", "version", "id"),
        # counts per village and the 监督台账 joins: status and id without reading voucher rows
        Index("ix_voucher_village_id", "village_id", "status", "id"),
        Index("ix_voucher_village_amount", "village_id", "amount_fen"),
        Index("ix_voucher_status", "status"),
    )

    village_id: Mapped[str] = mapped_column(ForeignKey("village.id"), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    number: Mapped[str] = mapped_column(String(30), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    supersedes_id: Mapped[str | None] = mapped_column(ForeignKey("voucher.id"))
    voucher_date: Mapped[date] = mapped_column(Date, nullable=False)
    handler_name: Mapped[str] = mapped_column(String(40), nullable=False)  # 经手人
    handler_person_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"))
    witness_name: Mapped[str | None] = mapped_column(String(40))  # 证明人
    payee: Mapped[str] = mapped_column(String(100), nullable=False)
    payee_person_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"))
    purpose: Mapped[str] = mapped_column(String(200), nullable=False)
    amount_fen: Mapped[int] = mapped_column(Integer, nullable=False)
    funding_source: Mapped[str | None] = mapped_column(String(60))
    budget_line: Mapped[str | None] = mapped_column(String(60))
    invoice_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    decision_ref: Mapped[str | None] = mapped_column(String(200))
    decision_step_id: Mapped[str | None] = mapped_column(ForeignKey("matter_step.id"))
    # C16 数额巨大: the 村民（代表）会议 resolution, in addition to the 联席会议 decision above.
    resolution_ref: Mapped[str | None] = mapped_column(String(200))
    resolution_step_id: Mapped[str | None] = mapped_column(ForeignKey("matter_step.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)  # last submission (queue of stale items)
    note: Mapped[str | None] = mapped_column(Text)
    # draft, submitted, needs_correction, rejected, reviewed, director_signed, secretary_signed,
    # delivered, accepted, returned, superseded, void
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="draft")
    prepared_by: Mapped[str | None] = mapped_column(String(36))
    # Set only on vouchers imported before schema 0002 (a hash of village, year and 凭证号); not indexed.
    import_key: Mapped[str | None] = mapped_column(String(64))


class VoucherEvent(Audited, Base):
    """One step of a voucher's life: submit, review (同意/补正/不同意), sign, deliver, accept, return, void.

    Review and signature events are electronic signatures: the user re-entered the password, and
    ``signature`` is a hash over the voucher content and the event, so a later edit is evident."""

    __tablename__ = "voucher_event"
    __table_args__ = (
        # covers the 监督台账 count and page-id queries (kind, opinion, at) as well as one voucher's trail
        Index("ix_voucher_event_voucher", "voucher_id", "kind", "opinion", "at"),
        # the 监督台账 search within a village: its events with reviewer and opinion text, no voucher walk
        Index("ix_voucher_event_village", "village_id", "kind", "actor_name", "text"),
    )

    voucher_id: Mapped[str] = mapped_column(ForeignKey("voucher.id"), nullable=False)
    # The voucher's village, kept here for the search (schema 0003); set from the voucher on insert.
    village_id: Mapped[str | None] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    opinion: Mapped[str | None] = mapped_column(String(10))
    text: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[str | None] = mapped_column(String(36))
    person_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"))
    actor_name: Mapped[str | None] = mapped_column(String(40))
    actor_role: Mapped[str | None] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    signature: Mapped[str | None] = mapped_column(String(64))


class MonthlyReview(Audited, Base):
    """村监会月度工作例会 and 村财务月度审核 for one village and month; a signed month may be locked."""

    __tablename__ = "monthly_review"
    __table_args__ = (UniqueConstraint("village_id", "year", "month"),)

    village_id: Mapped[str] = mapped_column(ForeignKey("village.id"), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    month: Mapped[int] = mapped_column(Integer, nullable=False)
    meeting_date: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(100))
    attendee_ids_json: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    voucher_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    total_fen: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    item_opinions_json: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    overall_opinion: Mapped[str | None] = mapped_column(Text)
    open_items: Mapped[str | None] = mapped_column(Text)
    # draft, signed
    state: Mapped[str] = mapped_column(String(10), nullable=False, default="draft")
    signed_at: Mapped[datetime | None] = mapped_column(DateTime)
    signed_by: Mapped[str | None] = mapped_column(String(36))
    signature: Mapped[str | None] = mapped_column(String(64))
    locked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    locked_at: Mapped[datetime | None] = mapped_column(DateTime)
    lock_reason: Mapped[str | None] = mapped_column(Text)


class LedgerLine(Audited, Base):
    """收支明细 from the township bookkeeping agency (imported)."""

    __tablename__ = "ledger_line"
    __table_args__ = (Index("ix_ledger_village_date", "village_id", "entry_date"),)

    village_id: Mapped[str] = mapped_column(ForeignKey("village.id"), nullable=False)
    entry_date: Mapped[date] = mapped_column(Date, nullable=False)
    voucher_no: Mapped[str | None] = mapped_column(String(30))
    summary: Mapped[str] = mapped_column(String(200), nullable=False)
    subject: Mapped[str | None] = mapped_column(String(60))
    income_fen: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    expense_fen: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    counterparty: Mapped[str | None] = mapped_column(String(100))
    import_key: Mapped[str | None] = mapped_column(String(64), index=True)


@event.listens_for(VoucherEvent, "before_insert")
def _event_village(_mapper: Any, connection: Any, target: VoucherEvent) -> None:
    """A voucher event belongs to its voucher's village (an event never changes voucher)."""
    if target.village_id is None:
        target.village_id = connection.execute(
            select(Voucher.village_id).where(Voucher.id == target.voucher_id)
        ).scalar_one()
