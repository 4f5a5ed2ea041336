"""Exchange bookkeeping: sites, accepted packages, receipts, waiting packages, conflicts and fork alarms

A township and its villages on separate PCs trade signed packages (``services.exchange``). Each database keeps
which sites it trades with (``exchange_site``, its own identity among them), what it accepted from each peer
(``exchange_accepted``: the seqs and hashes of every entry, to check overlapping packages), the receipts its
peers signed for its own packages (``exchange_receipt``), packages that arrived before their predecessors
(``exchange_pending``), changes to records the sender does not own (``exchange_conflict``) and forks
(``exchange_fork``). The tables start empty; nothing existing changes.

Frozen: databases of every later release are upgraded through this file, so it imports nothing from
``quzhou_desktop`` and states every table as it was when this revision was written.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 17:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLES = (
    "exchange_site",
    "exchange_accepted",
    "exchange_receipt",
    "exchange_pending",
    "exchange_conflict",
    "exchange_fork",
)


def upgrade() -> None:
    op.create_table(
        "exchange_site",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("site_id", sa.String(36)),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("village_id", sa.String(36)),
        sa.Column("public_key", sa.String(64)),
        sa.Column("is_self", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("enrolled_at", sa.DateTime()),
        sa.Column("accepted_seq", sa.Integer(), nullable=False),
        sa.Column("accepted_hash", sa.String(64), nullable=False),
        sa.Column("receipt_seq", sa.Integer(), nullable=False),
        sa.Column("receipt_hash", sa.String(64), nullable=False),
        sa.Column("last_package_at", sa.DateTime()),
        sa.Column("last_package_entries", sa.Integer(), nullable=False),
        sa.Column("last_receipt_at", sa.DateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_exchange_site"),
        sa.UniqueConstraint("site_id", name="uq_exchange_site_site_id"),
    )
    op.create_table(
        "exchange_accepted",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("peer_id", sa.String(36), nullable=False),
        sa.Column("package_sha256", sa.String(64), nullable=False),
        sa.Column("after_seq", sa.Integer(), nullable=False),
        sa.Column("after_hash", sa.String(64), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.Column("seqs", sa.LargeBinary(), nullable=False),
        sa.Column("hashes", sa.LargeBinary(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("superseded", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["peer_id"], ["exchange_site.id"], name="fk_exchange_accepted_peer_id_exchange_site"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_exchange_accepted"),
    )
    op.create_index("ix_exchange_accepted_peer", "exchange_accepted", ["peer_id", "last_seq"])
    op.create_table(
        "exchange_receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("peer_id", sa.String(36), nullable=False),
        sa.Column("package_sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("manifest", sa.Text(), nullable=False),
        sa.Column("signature", sa.String(100), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["peer_id"], ["exchange_site.id"], name="fk_exchange_receipt_peer_id_exchange_site"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_exchange_receipt"),
    )
    op.create_index("ix_exchange_receipt_peer", "exchange_receipt", ["peer_id", "seq"])
    op.create_table(
        "exchange_pending",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("peer_id", sa.String(36), nullable=False),
        sa.Column("package_sha256", sa.String(64), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("after_seq", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["peer_id"], ["exchange_site.id"], name="fk_exchange_pending_peer_id_exchange_site"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_exchange_pending"),
        sa.UniqueConstraint("package_sha256", name="uq_exchange_pending_package_sha256"),
    )
    op.create_index("ix_exchange_pending_peer_id", "exchange_pending", ["peer_id"])
    op.create_table(
        "exchange_conflict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("peer_id", sa.String(36), nullable=False),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.String(36), nullable=False),
        sa.Column("ours_json", sa.Text()),
        sa.Column("theirs_json", sa.Text(), nullable=False),
        sa.Column("package_sha256", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("decided_by", sa.String(40)),
        sa.Column("decided_at", sa.DateTime()),
        sa.Column("reason", sa.Text()),
        sa.ForeignKeyConstraint(
            ["peer_id"], ["exchange_site.id"], name="fk_exchange_conflict_peer_id_exchange_site"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_exchange_conflict"),
    )
    op.create_index("ix_exchange_conflict_state", "exchange_conflict", ["state", "peer_id"])
    op.create_table(
        "exchange_fork",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("peer_id", sa.String(36), nullable=False),
        sa.Column("side", sa.String(10), nullable=False),
        sa.Column("accepted_seq", sa.Integer(), nullable=False),
        sa.Column("accepted_hash", sa.String(64), nullable=False),
        sa.Column("their_seq", sa.Integer(), nullable=False),
        sa.Column("their_hash", sa.String(64), nullable=False),
        sa.Column("common_seq", sa.Integer(), nullable=False),
        sa.Column("common_hash", sa.String(64), nullable=False),
        sa.Column("package_sha256", sa.String(64), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("decision", sa.String(10)),
        sa.Column("decided_by", sa.String(40)),
        sa.Column("decided_at", sa.DateTime()),
        sa.Column("reason", sa.Text()),
        sa.ForeignKeyConstraint(
            ["peer_id"], ["exchange_site.id"], name="fk_exchange_fork_peer_id_exchange_site"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_exchange_fork"),
    )
    op.create_index("ix_exchange_fork_peer_id", "exchange_fork", ["peer_id"])


def downgrade() -> None:
    for table in reversed(TABLES):  # a table's indexes go with it
        op.drop_table(table)
