"""Scanned minutes, invoices and photos. Content lives in the database (one blob per SHA-256), so backup,
restore, export packages and ``verify`` cover it with the rest of the data."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from quzhou_desktop.store.models.base import Audited, Base


class AttachmentBlob(Base):
    __tablename__ = "attachment_blob"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class Attachment(Audited, Base):
    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_owner", "owner_kind", "owner_id"),)

    # matter_step, voucher, disclosure, monthly_review, ...
    owner_kind: Mapped[str] = mapped_column(String(30), nullable=False)
    owner_id: Mapped[str] = mapped_column(String(36), nullable=False)
    sha256: Mapped[str] = mapped_column(ForeignKey("attachment_blob.sha256"), nullable=False)
    filename: Mapped[str] = mapped_column(String(200), nullable=False)
    mime: Mapped[str] = mapped_column(String(80), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    caption: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True, nullable=False)
