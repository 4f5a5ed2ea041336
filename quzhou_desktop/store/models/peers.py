"""What a site received from its peers about their signatures: their users' public keys and their signed acts.

A peer's ``signing_key`` and ``signed_act`` rows refer to its user accounts, which never leave the PC they were
made on, so the receiver keeps its copies in tables of their own, each row marked with the peer's site id:

``PeerKey``: one public key of a peer's user (the key's own id, its holder's id, username and name as the peer
listed them, its validity). Never a private or sealed key.

``PeerAct``: one signed act of a peer, exactly as it was signed: the canonical statement (the signed bytes) and
its Ed25519 signature, with the columns of the peer's ``signed_act`` row. ``verify`` checks every one against its
``PeerKey`` again.

Both are ``Audited``: the exchange writes them in the import's transaction, recorded in this site's chain.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from quzhou_desktop.store.models.base import Audited, Base


class PeerKey(Audited, Base):
    __tablename__ = "peer_key"

    site_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)  # the peer's site id
    user_id: Mapped[str] = mapped_column(String(36), nullable=False)  # the holder's account at the peer
    username: Mapped[str] = mapped_column(String(40), nullable=False)
    display_name: Mapped[str] = mapped_column(String(60), nullable=False)
    public_key: Mapped[str] = mapped_column(String(64), nullable=False)  # raw 32 bytes, hex
    valid_from: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)
    certified_by_key_id: Mapped[str | None] = mapped_column(String(36))
    certified_act_id: Mapped[str | None] = mapped_column(String(36))


class PeerAct(Audited, Base):
    __tablename__ = "peer_act"
    __table_args__ = (
        Index("ix_peer_act_record", "record_kind", "record_id"),
        Index("ix_peer_act_site", "site_id", "number"),
    )

    site_id: Mapped[str] = mapped_column(String(36), nullable=False)  # the peer's site id
    number: Mapped[int] = mapped_column(Integer, nullable=False)  # the act's number at the peer
    act: Mapped[str] = mapped_column(String(40), nullable=False)
    record_kind: Mapped[str] = mapped_column(String(30), nullable=False)
    record_id: Mapped[str] = mapped_column(String(36), nullable=False)
    record_version: Mapped[int | None] = mapped_column(Integer)
    subject_id: Mapped[str | None] = mapped_column(String(36))
    village_id: Mapped[str | None] = mapped_column(String(36))
    signer_id: Mapped[str] = mapped_column(String(36), nullable=False)
    key_id: Mapped[str] = mapped_column(ForeignKey("peer_key.id"), nullable=False, index=True)
    signed_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    statement: Mapped[str] = mapped_column(Text, nullable=False)
    signature: Mapped[str] = mapped_column(String(100), nullable=False)  # base64 of the 64-byte signature
