"""Peers' signatures: the public keys of a peer site's users and the signed acts it sent

Exchange packages now carry the signed acts (村监会 reviews, 主任/书记 signatures, 定稿, 代理记账中心 受理/退回 …)
and the public keys of the users who signed them. A peer's ``signing_key`` and ``signed_act`` rows refer to its
user accounts, which never leave their PC, so the receiver keeps them in tables of their own, each row with the
peer's site id: ``peer_key`` (public keys only) and ``peer_act`` (the exact signed statement and its signature).
Both are audited like other records. The tables start empty; nothing existing changes.

Frozen: databases of every later release are upgraded through this file, so it imports nothing from
``quzhou_desktop`` and states every table as it was when this revision was written.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 20:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "peer_key",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("username", sa.String(40), nullable=False),
        sa.Column("display_name", sa.String(60), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("valid_from", sa.DateTime(), nullable=False),
        sa.Column("retired_at", sa.DateTime()),
        sa.Column("certified_by_key_id", sa.String(36)),
        sa.Column("certified_act_id", sa.String(36)),
        sa.PrimaryKeyConstraint("id", name="pk_peer_key"),
    )
    op.create_index("ix_peer_key_site_id", "peer_key", ["site_id"])
    op.create_table(
        "peer_act",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.String(36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("act", sa.String(40), nullable=False),
        sa.Column("record_kind", sa.String(30), nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("record_version", sa.Integer()),
        sa.Column("subject_id", sa.String(36)),
        sa.Column("village_id", sa.String(36)),
        sa.Column("signer_id", sa.String(36), nullable=False),
        sa.Column("key_id", sa.String(36), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("signature", sa.String(100), nullable=False),
        sa.ForeignKeyConstraint(["key_id"], ["peer_key.id"], name="fk_peer_act_key_id_peer_key"),
        sa.PrimaryKeyConstraint("id", name="pk_peer_act"),
    )
    op.create_index("ix_peer_act_key_id", "peer_act", ["key_id"])
    op.create_index("ix_peer_act_record", "peer_act", ["record_kind", "record_id"])
    op.create_index("ix_peer_act_site", "peer_act", ["site_id", "number"])


def downgrade() -> None:
    op.drop_table("peer_act")
    op.drop_table("peer_key")
