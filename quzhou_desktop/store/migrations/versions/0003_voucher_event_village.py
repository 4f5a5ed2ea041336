"""voucher_event.village_id (its voucher's village) and an index for the 监督台账 search within a village

The search looked at every voucher of the village and every review of each (≈15,000 vouchers and 45,000
events in the reference township's largest village); with the village on the event, the reviews that name
the searched text are found in one index range.

Every existing event gets its voucher's village. ``verify`` compares each audited row with the state its
latest audit entry records, so the new states are recorded too: one chained batch entry per 5,000 events, as
the system user, with the reason below. A batch entry is an ordinary link of the hash chain whose
``after_json`` is ``{"columns": [...], "constants": {}, "rows": [[...], ...]}`` (entity
``voucher_event#batch``, entity id the batch's first event id).

Frozen: databases of every later release are upgraded through this file, so it imports nothing from
``quzhou_desktop``. What it needs of the audit chain (the canonical form of a value, the batch document, the
entry hash, the chain head and the insert) is copied below as the chain was when this revision was written;
the bytes it writes are the bytes ``verify`` checks, and tests/store/test_migrations.py proves they equal
what the live ``store.audit`` code writes for the same rows. Should the live chain format ever change, this
copy stays: entries already written keep the format they were hashed in.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 17:00:00.000000
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date, datetime, timezone
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BATCH = 5000
REASON = "数据库升级（0003）：每条凭证审核签字记录写明所属的村（取自其凭证），以便在村内查找"
ACTION = "schema.upgrade"
ENTITY = "voucher_event#batch"
SYSTEM_USERNAME = "system"  # the system actor: no user id
GENESIS = "0" * 64

# voucher_event as this revision leaves it, in table order (the order of a batch's "columns").
EVENT = sa.table(
    "voucher_event",
    sa.column("voucher_id", sa.String),
    sa.column("kind", sa.String),
    sa.column("opinion", sa.String),
    sa.column("text", sa.Text),
    sa.column("user_id", sa.String),
    sa.column("person_id", sa.String),
    sa.column("actor_name", sa.String),
    sa.column("actor_role", sa.String),
    sa.column("at", sa.DateTime),
    sa.column("signature", sa.String),
    sa.column("id", sa.String),
    sa.column("created_at", sa.DateTime),
    sa.column("row_version", sa.Integer),
    sa.column("village_id", sa.String),
)


def upgrade() -> None:
    op.add_column("voucher_event", sa.Column("village_id", sa.String(length=36), nullable=True))
    op.execute(
        "UPDATE voucher_event SET village_id = "
        "(SELECT voucher.village_id FROM voucher WHERE voucher.id = voucher_event.voucher_id)"
    )
    op.create_index(
        "ix_voucher_event_village",
        "voucher_event",
        ["village_id", "kind", "actor_name", "text"],
        unique=False,
    )
    record_new_states(op.get_bind(), when=utcnow())


def downgrade() -> None:
    op.drop_index("ix_voucher_event_village", table_name="voucher_event")
    with op.batch_alter_table("voucher_event") as batch_op:
        batch_op.drop_column("village_id")


# -- the new states, as chained batch entries ---------------------------------------------------------


def record_new_states(conn: sa.Connection, *, when: datetime, batch: int = BATCH) -> None:
    """One batch entry per ``batch`` events, in id order (so each covers one range of ids; verify opens
    them one at a time)."""
    columns = [c.name for c in EVENT.columns]
    last = ""
    while True:
        rows = conn.execute(sa.select(EVENT).where(EVENT.c.id > last).order_by(EVENT.c.id).limit(batch)).all()
        if not rows:
            return
        values = [[canonical_value(v) for v in r] for r in rows]
        first, last = rows[0].id, rows[-1].id
        append_batch(conn, first_id=first, after_json=batch_json(columns, values), when=when)


def utcnow() -> datetime:
    """Now in UTC, without tzinfo (how the app stores times)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def canonical_value(value: Any) -> Any:
    """A column value as the audit log records it: times with microseconds, dates in ISO form, bytes as hex."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def batch_json(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A batch entry's ``after_json`` (no constants, no source rows); values already canonical."""
    doc = {"columns": list(columns), "constants": {}, "rows": rows}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def entry_hash(
    seq: int,
    ts: str,
    user_id: str | None,
    username: str | None,
    action: str,
    entity: str,
    entity_id: str,
    before_json: str | None,
    after_json: str | None,
    reason: str | None,
    prev_hash: str,
) -> str:
    """SHA-256 of the entry's fields (and the previous entry's hash) as compact JSON."""
    payload = json.dumps(
        [seq, ts, user_id, username, action, entity, entity_id, before_json, after_json, reason, prev_hash],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append_batch(conn: sa.Connection, *, first_id: str, after_json: str, when: datetime) -> int:
    """Append one batch entry after the chain's last entry; returns its seq. ``ts`` is stored as its
    canonical text (what SQLite stores for a DateTime)."""
    row = conn.exec_driver_sql("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").first()
    seq, prev = (0, GENESIS) if row is None else (int(row[0]), str(row[1]))
    seq += 1
    ts = canonical_value(when)
    h = entry_hash(seq, ts, None, SYSTEM_USERNAME, ACTION, ENTITY, first_id, None, after_json, REASON, prev)
    insert = (
        "INSERT INTO audit_log (seq, ts, user_id, username, action, entity, entity_id, before_json, after_json, "
        "reason, prev_hash, hash) VALUES (?, ?, NULL, ?, ?, ?, ?, NULL, ?, ?, ?, ?)"
    )
    if conn.dialect.paramstyle in ("format", "pyformat"):  # psycopg
        insert = insert.replace("?", "%s")
    conn.exec_driver_sql(
        insert,
        (seq, ts, SYSTEM_USERNAME, ACTION, ENTITY, first_id, after_json, REASON, prev, h),
    )
    return seq
