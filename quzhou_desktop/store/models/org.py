"""Township, villages, people, kinship and memberships in the bodies that vote (花名册)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from quzhou_desktop.store.models.base import Audited, Base


class Township(Audited, Base):
    __tablename__ = "township"

    name: Mapped[str] = mapped_column(String(60), nullable=False)
    code: Mapped[str | None] = mapped_column(String(20))
    # TownshipRules.to_dict() as JSON text: thresholds, periods, step list options (``core.rules_config``).
    rules_json: Mapped[str] = mapped_column(Text, nullable=False, default="{}")


class Village(Audited, Base):
    __tablename__ = "village"
    __table_args__ = (UniqueConstraint("township_id", "name"),)

    township_id: Mapped[str] = mapped_column(ForeignKey("township.id"), nullable=False)
    name: Mapped[str] = mapped_column(String(60), nullable=False)
    code: Mapped[str | None] = mapped_column(String(20))
    households: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    adults: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # 往来较多: finances busy enough for a monthly 财务公开 (C20).
    finance_busy: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class Person(Audited, Base):
    __tablename__ = "person"
    __table_args__ = (
        Index("ix_person_village_name", "village_id", "name"),
        Index("ix_person_id_number", "id_number"),
    )

    village_id: Mapped[str] = mapped_column(ForeignKey("village.id"), nullable=False)
    name: Mapped[str] = mapped_column(String(40), nullable=False)
    gender: Mapped[str | None] = mapped_column(String(2))  # 男 / 女
    id_number: Mapped[str | None] = mapped_column(String(18))
    phone: Mapped[str | None] = mapped_column(String(20))
    group_name: Mapped[str | None] = mapped_column(String(40))  # 村民小组
    household_head: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class KinLink(Audited, Base):
    """近亲属 link between two people (C19: no close relative of a 村委会 member on the 村监会)."""

    __tablename__ = "kin_link"

    person_a_id: Mapped[str] = mapped_column(ForeignKey("person.id"), nullable=False, index=True)
    person_b_id: Mapped[str] = mapped_column(ForeignKey("person.id"), nullable=False, index=True)
    relation: Mapped[str] = mapped_column(String(20), nullable=False)  # 配偶 / 父母 / 子女 / 兄弟姐妹 …
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class Membership(Audited, Base):
    """A person's seat in a body from ``start_date`` to ``end_date`` (inclusive; open when None)."""

    __tablename__ = "membership"
    __table_args__ = (Index("ix_membership_village_body", "village_id", "body"),)

    village_id: Mapped[str] = mapped_column(ForeignKey("village.id"), nullable=False)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), nullable=False, index=True)
    # Body keys: party_branch 村党组织/支委会, village_committee 村委会, joint_meeting 村务联席会议,
    # party_meeting 党员大会, rep_meeting 村民代表会议, supervisory 村务监督委员会, villager_group 村民小组.
    body: Mapped[str] = mapped_column(String(30), nullable=False)
    # Role in the body: member, chair (主任/组长), secretary (书记), director (村委会主任), vice …
    role: Mapped[str] = mapped_column(String(30), nullable=False, default="member")
    # 党员大会: full (正式) or probationary (预备) member (C9).
    party_status: Mapped[str | None] = mapped_column(String(10))
    group_name: Mapped[str | None] = mapped_column(String(40))
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(200))
