"""民主评议: the yearly review of village officials by the 村民会议 or 村民代表会议, chaired by the 村务监督委员会,
and the votes and verdict of each person reviewed."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from quzhou_desktop.store.models.base import Audited, Base


class Evaluation(Audited, Base):
    """One 民主评议 meeting of a village for a year (C35)."""

    __tablename__ = "evaluation"
    __table_args__ = (Index("ix_evaluation_village_year", "village_id", "year"),)

    village_id: Mapped[str] = mapped_column(ForeignKey("village.id"), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    held_on: Mapped[date] = mapped_column(Date, nullable=False)
    body: Mapped[str] = mapped_column(String(30), nullable=False)  # villagers / representatives
    chair_person_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"))
    place: Mapped[str | None] = mapped_column(String(100))
    participants: Mapped[int | None] = mapped_column(Integer)  # 参加评议人数
    note: Mapped[str | None] = mapped_column(Text)
    # draft, final. A final review has applied its consequences (C22) and is not edited again.
    state: Mapped[str] = mapped_column(String(10), nullable=False, default="draft")
    finalized_at: Mapped[datetime | None] = mapped_column(DateTime)
    finalized_by: Mapped[str | None] = mapped_column(String(36))
    disclosure_id: Mapped[str | None] = mapped_column(ForeignKey("disclosure.id"))  # 评议结果公开


class EvaluationEntry(Audited, Base):
    """One person reviewed: the office, the votes, the verdict and what followed from it (C22)."""

    __tablename__ = "evaluation_entry"
    __table_args__ = (
        Index("ix_evaluation_entry_evaluation", "evaluation_id", "seq"),
        Index("ix_evaluation_entry_person", "person_id", "office"),
    )

    evaluation_id: Mapped[str] = mapped_column(ForeignKey("evaluation.id"), nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), nullable=False)
    office: Mapped[str] = mapped_column(String(30), nullable=False)  # village_committee / supervisory / staff
    role_text: Mapped[str] = mapped_column(String(40), nullable=False)  # 村委会主任, 村监会委员, 报账员 …
    satisfied: Mapped[int] = mapped_column(Integer, nullable=False)
    basically_satisfied: Mapped[int] = mapped_column(Integer, nullable=False)
    dissatisfied: Mapped[int] = mapped_column(Integer, nullable=False)
    # competent 称职, basically_competent 基本称职, incompetent 不称职 (from the votes, ``core.evaluations``)
    verdict: Mapped[str] = mapped_column(String(20), nullable=False)
    # C22: the office ended by this review (the membership it ended), or a reminder for the township
    office_ended: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    ended_membership_id: Mapped[str | None] = mapped_column(ForeignKey("membership.id"))
    consequence: Mapped[str | None] = mapped_column(Text)
    # False once taken off a draft review
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
