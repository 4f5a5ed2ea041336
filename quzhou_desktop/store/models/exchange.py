"""Exchange bookkeeping: the sites this database trades packages with, what it accepted from each, the receipts
it holds, packages waiting for their predecessors, conflicts and fork alarms (see ``services.exchange``).

These rows are not ``Audited``: they are this PC's own bookkeeping, never sent to another site. Every change
of them is still recorded in the audit chain by the exchange service (``exchange.*`` entries).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from quzhou_desktop.store.models.base import Base, new_uuid

GENESIS = "0" * 64


class ExchangeSite(Base):
    """This site (``is_self``) or a peer: an enrolled village of a township, or the township of a village."""

    __tablename__ = "exchange_site"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    site_id: Mapped[str | None] = mapped_column(String(36), unique=True)  # None until a village answers
    kind: Mapped[str] = mapped_column(String(10), nullable=False)  # township | village
    name: Mapped[str] = mapped_column(String(60), nullable=False)
    village_id: Mapped[str | None] = mapped_column(String(36))
    public_key: Mapped[str | None] = mapped_column(String(64))  # base64 of the raw Ed25519 public key
    is_self: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    state: Mapped[str] = mapped_column(String(10), nullable=False, default="enrolled")  # invited | enrolled
    enrolled_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The peer's chain as far as this site accepted it.
    accepted_seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    accepted_hash: Mapped[str] = mapped_column(String(64), nullable=False, default=GENESIS)
    # This site's chain as far as the peer's latest receipt acknowledges it.
    receipt_seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    receipt_hash: Mapped[str] = mapped_column(String(64), nullable=False, default=GENESIS)
    last_package_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_package_entries: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_receipt_at: Mapped[datetime | None] = mapped_column(DateTime)


class ExchangeAccepted(Base):
    """One package applied from a peer: the seqs and hashes of the entries it held (raw, 4 and 32 bytes each),
    so a later package that overlaps it is checked entry by entry."""

    __tablename__ = "exchange_accepted"
    __table_args__ = (Index("ix_exchange_accepted_peer", "peer_id", "last_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    peer_id: Mapped[str] = mapped_column(ForeignKey("exchange_site.id"), nullable=False)
    package_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    after_seq: Mapped[int] = mapped_column(Integer, nullable=False)
    after_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    last_seq: Mapped[int] = mapped_column(Integer, nullable=False)
    last_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    seqs: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    hashes: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    entries: Mapped[int] = mapped_column(Integer, nullable=False)
    imported_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    superseded: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class ExchangeReceipt(Base):
    """A signed receipt from a peer for one of this site's packages: an anchor of this site's chain."""

    __tablename__ = "exchange_receipt"
    __table_args__ = (Index("ix_exchange_receipt_peer", "peer_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    peer_id: Mapped[str] = mapped_column(ForeignKey("exchange_site.id"), nullable=False)
    package_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False)  # applied, duplicate, waiting, fork
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)
    manifest: Mapped[str] = mapped_column(Text, nullable=False)
    signature: Mapped[str] = mapped_column(String(100), nullable=False)
    received_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class ExchangePending(Base):
    """A verified package that starts after what was accepted: applied once its predecessors are."""

    __tablename__ = "exchange_pending"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    peer_id: Mapped[str] = mapped_column(ForeignKey("exchange_site.id"), nullable=False, index=True)
    package_sha256: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    filename: Mapped[str] = mapped_column(Text, nullable=False)
    after_seq: Mapped[int] = mapped_column(Integer, nullable=False)
    last_seq: Mapped[int] = mapped_column(Integer, nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    received_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class ExchangeConflict(Base):
    """A change from a peer to a record the peer does not own (or changed on both sides): both versions, until
    a person with the right decides."""

    __tablename__ = "exchange_conflict"
    __table_args__ = (Index("ix_exchange_conflict_state", "state", "peer_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    peer_id: Mapped[str] = mapped_column(ForeignKey("exchange_site.id"), nullable=False)
    entity: Mapped[str] = mapped_column(String(40), nullable=False)
    entity_id: Mapped[str] = mapped_column(String(36), nullable=False)
    ours_json: Mapped[str | None] = mapped_column(Text)
    theirs_json: Mapped[str] = mapped_column(Text, nullable=False)
    package_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    detected_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    state: Mapped[str] = mapped_column(String(12), nullable=False, default="open")  # open, ours, theirs
    decided_by: Mapped[str | None] = mapped_column(String(40))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    reason: Mapped[str | None] = mapped_column(Text)


class ExchangeFork(Base):
    """A fork alarm: a peer's chain no longer extends what was accepted (``side`` here), or the peer refused
    one of this site's packages as a fork (``side`` there, from its receipt)."""

    __tablename__ = "exchange_fork"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    peer_id: Mapped[str] = mapped_column(ForeignKey("exchange_site.id"), nullable=False, index=True)
    side: Mapped[str] = mapped_column(String(10), nullable=False)
    accepted_seq: Mapped[int] = mapped_column(Integer, nullable=False)
    accepted_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    their_seq: Mapped[int] = mapped_column(Integer, nullable=False)
    their_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    common_seq: Mapped[int] = mapped_column(Integer, nullable=False)
    common_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    package_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    detected_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    state: Mapped[str] = mapped_column(String(10), nullable=False, default="open")  # open, settled
    decision: Mapped[str | None] = mapped_column(String(10))  # theirs | ours
    decided_by: Mapped[str | None] = mapped_column(String(40))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    reason: Mapped[str | None] = mapped_column(Text)
