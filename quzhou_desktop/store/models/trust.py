"""Signing keys and signed acts: the root of trust and the electronic signatures of responsible acts.

``SigningKey``: one Ed25519 key pair of a user. The public half is kept for good (older signatures are checked
against it); the private half only sealed by the user's password (and, for the root administrator's key, also
by the recovery code printed on the 管理员恢复单), and dropped when the key is retired.

``SignedAct``: one signature: the canonical statement that was signed (UTF-8 JSON, exactly the signed bytes),
who signed it with which key, and which record it is about. ``number`` orders the acts.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from quzhou_desktop.store.models.base import SECRET, Audited, Base


class SigningKey(Audited, Base):
    __tablename__ = "signing_key"

    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id"), nullable=False, index=True)
    public_key: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)  # raw 32 bytes, hex
    sealed_key: Mapped[str | None] = mapped_column(Text, info=SECRET)  # None once retired
    recovery_verifier: Mapped[str | None] = mapped_column(String(300), info=SECRET)
    recovery_sealed: Mapped[str | None] = mapped_column(Text, info=SECRET)
    valid_from: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The key that certified this one (None: the root, or a key enrolled at a first login after an upgrade)
    # and the signed act that did.
    certified_by_key_id: Mapped[str | None] = mapped_column(String(36))
    certified_act_id: Mapped[str | None] = mapped_column(String(36))


class SignedAct(Audited, Base):
    __tablename__ = "signed_act"
    __table_args__ = (
        Index("ix_signed_act_record", "record_kind", "record_id"),
        Index("ix_signed_act_subject", "subject_id"),
    )

    number: Mapped[int] = mapped_column(Integer, nullable=False, unique=True)
    act: Mapped[str] = mapped_column(String(40), nullable=False)
    record_kind: Mapped[str] = mapped_column(String(30), nullable=False)
    record_id: Mapped[str] = mapped_column(String(36), nullable=False)
    record_version: Mapped[int | None] = mapped_column(Integer)
    subject_id: Mapped[str | None] = mapped_column(String(36))  # the row the act wrote (a voucher event)
    village_id: Mapped[str | None] = mapped_column(String(36))
    signer_id: Mapped[str] = mapped_column(ForeignKey("user_account.id"), nullable=False)
    key_id: Mapped[str] = mapped_column(ForeignKey("signing_key.id"), nullable=False)
    signed_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    statement: Mapped[str] = mapped_column(Text, nullable=False)
    signature: Mapped[str] = mapped_column(String(100), nullable=False)  # base64 of the 64-byte signature
