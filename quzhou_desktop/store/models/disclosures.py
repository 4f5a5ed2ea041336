"""三务公开: the 公开目录 catalogue, disclosures, villagers' feedback, and printed-notice records."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from quzhou_desktop.store.models.base import Audited, Base


class DisclosureItem(Audited, Base):
    """One line of a village's 公开目录 (village_id None = township default)."""

    __tablename__ = "disclosure_item"

    village_id: Mapped[str | None] = mapped_column(ForeignKey("village.id"))
    category: Mapped[str] = mapped_column(String(10), nullable=False)  # party / village / finance
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    cadence: Mapped[str] = mapped_column(
        String(20), nullable=False
    )  # fixed / quarterly / monthly / immediate
    basis: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class Disclosure(Audited, Base):
    __tablename__ = "disclosure"
    __table_args__ = (
        Index("ix_disclosure_village_period", "village_id", "category", "period_start"),
        Index("ix_disclosure_status", "status"),
    )

    village_id: Mapped[str] = mapped_column(ForeignKey("village.id"), nullable=False)
    category: Mapped[str] = mapped_column(String(10), nullable=False)
    item_id: Mapped[str | None] = mapped_column(ForeignKey("disclosure_item.id"))
    kind: Mapped[str] = mapped_column(String(30), nullable=False, default="general")
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    # C21 deadline of the posting (定期 items: the deadline of the period after the one covered)
    due_on: Mapped[date | None] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str | None] = mapped_column(Text)
    table_json: Mapped[str | None] = mapped_column(Text)
    total_income_fen: Mapped[int | None] = mapped_column(Integer)
    total_expense_fen: Mapped[int | None] = mapped_column(Integer)
    channels: Mapped[str | None] = mapped_column(String(100))  # 公开栏, 广播, 明白纸, 网络
    posted_from: Mapped[date | None] = mapped_column(Date)
    posted_to: Mapped[date | None] = mapped_column(Date)
    # draft, reviewed, posted, superseded
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="draft")
    reviewed_by_person_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"))
    reviewed_by_user: Mapped[str | None] = mapped_column(String(36))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    review_opinion: Mapped[str | None] = mapped_column(Text)
    review_signature: Mapped[str | None] = mapped_column(String(64))
    matter_id: Mapped[str | None] = mapped_column(ForeignKey("matter.id"))
    step_id: Mapped[str | None] = mapped_column(ForeignKey("matter_step.id"))
    supersedes_id: Mapped[str | None] = mapped_column(ForeignKey("disclosure.id"))
    created_by: Mapped[str | None] = mapped_column(String(36))


class DisclosureFeedback(Audited, Base):
    __tablename__ = "disclosure_feedback"

    disclosure_id: Mapped[str] = mapped_column(ForeignKey("disclosure.id"), nullable=False, index=True)
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    from_name: Mapped[str | None] = mapped_column(String(40))
    channel: Mapped[str | None] = mapped_column(String(20))  # 意见箱 / 电话 / 当面 / 网络
    kind: Mapped[str] = mapped_column(String(10), nullable=False, default="question")  # question / objection
    content: Mapped[str] = mapped_column(Text, nullable=False)
    reply: Mapped[str | None] = mapped_column(Text)
    replied_on: Mapped[date | None] = mapped_column(Date)
    replied_by: Mapped[str | None] = mapped_column(String(36))


class NoticePrint(Audited, Base):
    """A printed notice: its verification code ties the paper to the record and the audit chain."""

    __tablename__ = "notice_print"
    __table_args__ = (Index("ix_notice_print_record", "kind", "record_id"),)

    code: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    record_id: Mapped[str] = mapped_column(String(36), nullable=False)
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    audit_seq: Mapped[int | None] = mapped_column(Integer)
    audit_hash: Mapped[str | None] = mapped_column(String(64))
    printed_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    printed_by: Mapped[str | None] = mapped_column(String(36))
