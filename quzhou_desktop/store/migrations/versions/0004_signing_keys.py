"""signing keys and signed acts; password hashes taken out of the audit log

Two new tables:

- ``signing_key``: each user's Ed25519 key. The public half stays for good; the private half is stored only
  sealed by the user's password (and the root administrator's also by the recovery code), and is dropped when
  the key is retired.
- ``signed_act``: one row per signature: the canonical statement signed, the signer, the key, the record.

Databases made before this revision have no keys: the app gives each user a key at the next login, and the
first administrator who logs in establishes the root of trust and adopts the existing accounts in one signed
act. Nothing of that happens here (a migration cannot sign: it knows no password).

Password hashes out of the audit log. Every release before this one copied the user's password hash into the
audit log whenever an account row changed (at every login), and the log is append-only and chained, so the
copies could not simply be removed: changing an entry's JSON changes its hash and breaks the chain. The choice
made here is a *redaction entry*:

1. in every entry that records a ``user_account`` state (its ``before_json``/``after_json``, and the rows of a
   ``user_account#batch`` entry), each ``password_hash`` value is replaced by ``"sha256:"`` followed by the
   SHA-256 of the value — the form in which the app now records every secret column, so a row can still be
   compared with its recorded state;
2. the entry keeps its stored ``hash`` (the hash of the original text), so every link of the chain still holds;
3. one new entry is appended to the chain (entity ``audit_log#redaction``, action ``schema.redact``, as the
   system user) whose ``after_json`` lists, for every changed entry, ``[seq, original hash, redacted hash]``,
   where the redacted hash is the entry hash recomputed over the redacted text.

``verify`` knows redaction entries: an entry listed in one must still carry its original hash, and the hash of
its current text must be the redacted hash recorded for it; anything else changed in a redacted entry, or a
redaction entry that is itself altered, fails the check. A redaction entry written after the root of trust was
established is refused (only this upgrade writes one). The alternatives were worse: re-hashing the chain from
the first redacted entry on would make every later entry's hash differ from any copy kept elsewhere, and
leaving the hashes in place keeps a secret that must not be there. The entry is written even when nothing was
redacted (a database with entries but no account changes): it also marks the upgrade. A new, empty database
gets none. SQLite's ``secure_delete`` is switched on while the entries are rewritten, so the old text is not
left in free pages of the file; the automatic backup made before this upgrade still holds it, as does any
older backup (docs/SECURITY.md says so).

The triggers that make ``audit_log`` append-only are dropped for the rewrite and created again, as 0001 made
them.

Frozen: databases of every later release are upgraded through this file, so it imports nothing from
``quzhou_desktop``. What it needs of the audit chain (the canonical JSON of a state, the entry hash, the
secret's digest, the batch document) is copied below as the chain was when this revision was written.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 15:00:00.000000
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SECRETS = {"user_account": ("password_hash",)}
REASON = "数据库升级（0004）：审计日志中的密码哈希改为其摘要（原条目的校验值保留，本条记录每条的新旧校验值）"
ACTION = "schema.redact"
ENTITY = "audit_log#redaction"
SYSTEM_USERNAME = "system"
DIGEST_PREFIX = "sha256:"
NO_UPDATE = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
)
NO_DELETE = (
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
)


def upgrade() -> None:
    op.create_table(
        "signing_key",
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("sealed_key", sa.Text()),
        sa.Column("recovery_verifier", sa.String(300)),
        sa.Column("recovery_sealed", sa.Text()),
        sa.Column("valid_from", sa.DateTime(), nullable=False),
        sa.Column("retired_at", sa.DateTime()),
        sa.Column("certified_by_key_id", sa.String(36)),
        sa.Column("certified_act_id", sa.String(36)),
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name="fk_signing_key_user_id_user_account"),
        sa.PrimaryKeyConstraint("id", name="pk_signing_key"),
        sa.UniqueConstraint("public_key", name="uq_signing_key_public_key"),
    )
    op.create_index("ix_signing_key_user_id", "signing_key", ["user_id"])
    op.create_table(
        "signed_act",
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
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["key_id"], ["signing_key.id"], name="fk_signed_act_key_id_signing_key"),
        sa.ForeignKeyConstraint(
            ["signer_id"], ["user_account.id"], name="fk_signed_act_signer_id_user_account"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_signed_act"),
        sa.UniqueConstraint("number", name="uq_signed_act_number"),
    )
    op.create_index("ix_signed_act_record", "signed_act", ["record_kind", "record_id"])
    op.create_index("ix_signed_act_subject", "signed_act", ["subject_id"])
    redact(op.get_bind(), when=utcnow())


def downgrade() -> None:
    # The redaction stays: the password hashes it removed are not kept anywhere to put back.
    op.drop_index("ix_signed_act_subject", table_name="signed_act")
    op.drop_index("ix_signed_act_record", table_name="signed_act")
    op.drop_table("signed_act")
    op.drop_index("ix_signing_key_user_id", table_name="signing_key")
    op.drop_table("signing_key")


# -- the redaction ---------------------------------------------------------------------------------------------


def utcnow() -> datetime:
    """Now in UTC, without tzinfo (how the app stores times)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def digest(value: Any) -> Any:
    """The audit log's form of a secret: ``sha256:`` and the hex SHA-256 of its text; None stays None; a value
    already in that form is kept."""
    if value is None:
        return None
    text = str(value)
    if text.startswith(DIGEST_PREFIX) and len(text) == len(DIGEST_PREFIX) + 64:
        return text
    return DIGEST_PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical(state: dict[str, Any]) -> str:
    """A state's canonical JSON (sorted keys, no spaces, not ASCII-escaped)."""
    return json.dumps(state, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def batch_text(doc: dict[str, Any]) -> str:
    """A batch entry's ``after_json``: keys in the order the batch writer puts them, no spaces."""
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


def redact_state(text: str | None, columns: tuple[str, ...]) -> str | None:
    """A state JSON with each secret column replaced by its digest (None and unchanged text as they were)."""
    if text is None:
        return None
    state = json.loads(text)
    changed = False
    for c in columns:
        if c in state and digest(state[c]) != state[c]:
            state[c] = digest(state[c])
            changed = True
    return canonical(state) if changed else text


def redact_batch(text: str | None, columns: tuple[str, ...]) -> str | None:
    """A batch entry's document with each secret column (in ``columns`` or ``constants``) digested."""
    if text is None:
        return None
    doc = json.loads(text)
    changed = False
    for c in columns:
        constants = doc.get("constants", {})
        if c in constants and digest(constants[c]) != constants[c]:
            constants[c] = digest(constants[c])
            changed = True
        if c in doc.get("columns", []):
            at = doc["columns"].index(c)
            for row in doc["rows"]:
                if digest(row[at]) != row[at]:
                    row[at] = digest(row[at])
                    changed = True
    return batch_text(doc) if changed else text


def _ts_text(value: Any) -> str:
    return value if isinstance(value, str) else value.isoformat(sep=" ", timespec="microseconds")


def _sql(conn: sa.Connection, statement: str) -> str:
    """``statement`` written with ``?`` placeholders, in the driver's style (psycopg's ``%s``)."""
    if conn.dialect.paramstyle in ("format", "pyformat"):
        return statement.replace("%", "%%").replace("?", "%s")
    return statement


# PostgreSQL: the same advisory lock every appender of the chain takes ("QZAUDIT"), and the append-only
# triggers 0001 made there (this migration runs as the owner of audit_log, who alone may switch them off).
CHAIN_LOCK_KEY = 0x515A4155444954
PG_TRIGGERS = ("audit_log_no_update", "audit_log_no_delete")


def _open_log(conn: sa.Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({CHAIN_LOCK_KEY})")
        for name in PG_TRIGGERS:
            conn.exec_driver_sql(f"ALTER TABLE audit_log DISABLE TRIGGER {name}")
        return
    conn.exec_driver_sql("PRAGMA secure_delete = ON")
    conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_log_no_update")
    conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_log_no_delete")


def _close_log(conn: sa.Connection) -> None:
    if conn.dialect.name == "postgresql":
        for name in PG_TRIGGERS:
            conn.exec_driver_sql(f"ALTER TABLE audit_log ENABLE TRIGGER {name}")
        return
    conn.exec_driver_sql(NO_UPDATE)
    conn.exec_driver_sql(NO_DELETE)
    conn.exec_driver_sql("PRAGMA secure_delete = OFF")


def redact(conn: sa.Connection, *, when: datetime) -> int:
    """Digest the secrets in every audit entry and append the redaction entry. Returns how many entries
    changed (the redaction entry is written whenever the log has entries).

    On PostgreSQL the old texts stay in the table's dead row versions until the server's autovacuum reclaims
    them (VACUUM cannot run inside the upgrade's transaction); docs/SERVER.md tells the administrator to run
    ``VACUUM FULL audit_log`` after the upgrade."""
    count = conn.exec_driver_sql("SELECT count(*) FROM audit_log").scalar()
    if not count:
        return 0
    _open_log(conn)
    listed: list[list[Any]] = []
    for table, columns in SECRETS.items():
        rows = conn.exec_driver_sql(
            _sql(
                conn,
                "SELECT seq, ts, user_id, username, action, entity, entity_id, before_json, after_json, reason, "
                "prev_hash, hash FROM audit_log WHERE entity = ? OR entity = ? ORDER BY seq",
            ),
            (table, table + "#batch"),
        ).all()
        for r in rows:
            if r.entity == table:
                before, after = redact_state(r.before_json, columns), redact_state(r.after_json, columns)
            else:
                before, after = r.before_json, redact_batch(r.after_json, columns)
            if (before, after) == (r.before_json, r.after_json):
                continue
            redacted = entry_hash(r.seq, _ts_text(r.ts), r.user_id, r.username, r.action, r.entity,
                                  r.entity_id, before, after, r.reason, r.prev_hash)  # fmt: skip
            conn.exec_driver_sql(
                _sql(conn, "UPDATE audit_log SET before_json = ?, after_json = ? WHERE seq = ?"),
                (before, after, r.seq),
            )
            listed.append([r.seq, r.hash, redacted])
    listed.sort()
    doc = {"columns": {t: list(c) for t, c in SECRETS.items()}, "digest": "sha256", "entries": listed}
    after_json = batch_text(doc)
    last = conn.exec_driver_sql("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").one()
    seq, prev = int(last[0]) + 1, str(last[1])
    ts = when.isoformat(sep=" ", timespec="microseconds")
    h = entry_hash(seq, ts, None, SYSTEM_USERNAME, ACTION, ENTITY, revision, None, after_json, REASON, prev)
    conn.exec_driver_sql(
        _sql(
            conn,
            "INSERT INTO audit_log (seq, ts, user_id, username, action, entity, entity_id, before_json, "
            "after_json, reason, prev_hash, hash) VALUES (?, ?, NULL, ?, ?, ?, ?, NULL, ?, ?, ?, ?)",
        ),
        (seq, ts, SYSTEM_USERNAME, ACTION, ENTITY, revision, after_json, REASON, prev, h),
    )
    _close_log(conn)
    return len(listed)
