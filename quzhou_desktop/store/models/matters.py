"""五议两公开 register: matters (事项), their steps (meetings and postings), attendance and amendments."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from quzhou_desktop.store.models.base import Audited, Base


class Matter(Audited, Base):
    __tablename__ = "matter"
    __table_args__ = (
        Index("ix_matter_village_created", "village_id", "created_at"),
        Index("ix_matter_status", "status", "current_step"),
        Index("ix_matter_village_year", "village_id", "year"),
        Index("ix_matter_deadline", "status", "next_deadline"),
    )

    village_id: Mapped[str] = mapped_column(ForeignKey("village.id"), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    category: Mapped[str] = mapped_column(String(40), nullable=False)
    amount_fen: Mapped[int | None] = mapped_column(Integer)
    # 党员群众建议 / 村干部提议 / 上级党委政府安排
    source: Mapped[str] = mapped_column(String(30), nullable=False)
    suggested_by: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    # in_progress, failed (未通过), completed, withdrawn
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="in_progress")
    current_step: Mapped[str | None] = mapped_column(String(30))
    # First day the next step may be taken, and the day after which the matter counts as overdue.
    next_due_date: Mapped[date | None] = mapped_column(Date)
    next_deadline: Mapped[date | None] = mapped_column(Date)
    run_no: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    previous_run_id: Mapped[str | None] = mapped_column(ForeignKey("matter.id"))
    created_by: Mapped[str | None] = mapped_column(String(36))


class MatterStep(Audited, Base):
    __tablename__ = "matter_step"
    __table_args__ = (
        Index("ix_matter_step_matter", "matter_id", "seq"),
        Index("ix_matter_step_posting_to", "posting_to"),
    )

    matter_id: Mapped[str] = mapped_column(ForeignKey("matter.id"), nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    # suggest, propose, consult, supervise, plan_posting, deliberate, resolve,
    # resolution_disclosure, implement, result_disclosure
    step_type: Mapped[str] = mapped_column(String(30), nullable=False)
    body: Mapped[str | None] = mapped_column(String(30))
    meeting_date: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(100))
    notice_date: Mapped[date | None] = mapped_column(Date)
    urgent: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    chair_person_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"))
    recorder_person_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"))
    # Counts as computed at save time from the roster and attendance (kept for the register and print).
    roster_count: Mapped[int | None] = mapped_column(Integer)
    entitled_count: Mapped[int | None] = mapped_column(Integer)
    present_count: Mapped[int | None] = mapped_column(Integer)
    households_count: Mapped[int | None] = mapped_column(Integer)
    household_reps_present: Mapped[int | None] = mapped_column(Integer)
    votes_for: Mapped[int | None] = mapped_column(Integer)
    votes_against: Mapped[int | None] = mapped_column(Integer)
    votes_abstain: Mapped[int | None] = mapped_column(Integer)
    vote_method: Mapped[str | None] = mapped_column(String(10))  # 举手 / 无记名
    township_attendees: Mapped[str | None] = mapped_column(Text)
    plan_text: Mapped[str | None] = mapped_column(Text)
    minutes: Mapped[str | None] = mapped_column(Text)
    decision_text: Mapped[str | None] = mapped_column(Text)
    posting_from: Mapped[date | None] = mapped_column(Date)
    posting_to: Mapped[date | None] = mapped_column(Date)
    posting_place: Mapped[str | None] = mapped_column(String(100))
    valid: Mapped[bool | None] = mapped_column(Boolean)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    outcome_text: Mapped[str | None] = mapped_column(Text)
    # draft, final. Final steps are immutable; a correction is a StepAmendment.
    state: Mapped[str] = mapped_column(String(10), nullable=False, default="draft")
    finalized_at: Mapped[datetime | None] = mapped_column(DateTime)
    finalized_by: Mapped[str | None] = mapped_column(String(36))


class StepAttendance(Audited, Base):
    __tablename__ = "step_attendance"
    __table_args__ = (Index("ix_step_attendance_step", "step_id"),)

    step_id: Mapped[str] = mapped_column(ForeignKey("matter_step.id"), nullable=False)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), nullable=False)
    # present, absent, excluded (with reason; C7/C9)
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    reason: Mapped[str | None] = mapped_column(String(200))
    party_status: Mapped[str | None] = mapped_column(String(10))


class StepAmendment(Audited, Base):
    """An audited correction of a final step: what changed and why."""

    __tablename__ = "step_amendment"

    step_id: Mapped[str] = mapped_column(ForeignKey("matter_step.id"), nullable=False, index=True)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    changes_json: Mapped[str] = mapped_column(Text, nullable=False)
    amended_by: Mapped[str | None] = mapped_column(String(36))
