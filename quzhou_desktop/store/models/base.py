"""Declarative base and the ``Audited`` mixin.

Every row that can travel between databases has a UUID primary key (text, 36 chars).  Rows of classes that
inherit ``Audited`` are written to the hash-chained audit log by ``store.audit`` in the same transaction as
the change, and carry ``row_version`` for optimistic concurrency between two app instances.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import DateTime, FromClause, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


SECRET: dict[str, object] = {"secret": True}
"""``mapped_column(..., info=SECRET)`` marks a column whose value never enters the audit log: an audited
state holds its digest instead (``store.audit.chain.secret_digest``)."""


def new_uuid() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    """Current UTC time without tzinfo (stored as UTC; shown in Asia/Shanghai)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Audited:
    """Mixin: UUID key, timestamps and an optimistic-lock version; changes are audited."""

    if TYPE_CHECKING:  # every audited class is also a mapped model of one table (set by declarative mapping)
        __table__: ClassVar[FromClause]

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    row_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.row_version}
