"""The hash chain's primitives: actors, changes, the canonical state of a row, entry hashes, appending.

``store.audit.hooks`` builds on these (automatic capture of ORM changes), ``store.audit.verify`` recomputes them
and ``store.audit.batch`` adds batch entries for bulk imports.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Table, insert, text

from quzhou_desktop.store.dialects import lock_chain
from quzhou_desktop.store.models import AuditEntry
from quzhou_desktop.store.models.base import utcnow

GENESIS = "0" * 64
# One encoder each instead of json.dumps per call (which builds a new encoder for non-default options); same text.
_canonical_json = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
_payload_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


@dataclass(frozen=True)
class Actor:
    user_id: str | None
    username: str | None


SYSTEM = Actor(None, "system")


@dataclass(frozen=True)
class Change:
    action: str
    entity: str
    entity_id: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    reason: str | None = None


def norm_value(value: Any) -> Any:
    if isinstance(value, datetime):
        # SQLite stores microseconds always; so does the canonical form (a whole second keeps ".000000").
        return value.isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


SECRET_PREFIX = "sha256:"


def secret_digest(value: Any) -> Any:
    """What the audit log holds in place of a secret (a password verifier, a sealed key): its SHA-256, so a
    state still shows that the secret changed, and a row can still be compared with its recorded state, while
    the secret itself never enters the log. None stays None."""
    if value is None:
        return None
    text = value.hex() if isinstance(value, bytes) else str(value)
    return SECRET_PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_secret(column: Any) -> bool:
    """A column the models mark ``info={"secret": True}`` (see ``store.models.base.SECRET``)."""
    return bool(column.info.get("secret"))


def state_value(column: Any, value: Any) -> Any:
    """One column's value as an audited state records it: canonical, and a digest for a secret column."""
    return secret_digest(value) if is_secret(column) else norm_value(value)


def canonical(state: Mapping[str, Any] | None) -> str | None:
    if state is None:
        return None
    return _canonical_json(state)


def row_state(table: Table, values: Mapping[str, Any]) -> dict[str, Any]:
    """The canonical state of one row (every column), from an ORM object's or a Core row's values. Secret
    columns hold their digest (``secret_digest``)."""
    return {c.name: state_value(c, values[c.name]) for c in table.columns}


def object_state(obj: Any) -> dict[str, Any]:
    table = obj.__table__
    return {c.name: state_value(c, getattr(obj, c.key)) for c in table.columns}


def entry_hash(
    *,
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
    payload = _payload_json(
        [seq, ts, user_id, username, action, entity, entity_id, before_json, after_json, reason, prev_hash]
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def chain_head(conn: Connection) -> tuple[int, str]:
    row = conn.execute(text("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")).first()
    return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))


def append_entries(
    conn: Connection, actor: Actor, changes: Iterable[Change], *, ts: datetime | None = None
) -> int:
    """Append ``changes`` to the chain on ``conn`` (inside the caller's transaction). Returns the count."""
    lock_chain(conn)
    seq, prev = chain_head(conn)
    when = ts or utcnow()
    ts_text = norm_value(when)
    rows: list[dict[str, Any]] = []
    for ch in changes:
        seq += 1
        before_json = canonical(ch.before)
        after_json = canonical(ch.after)
        h = entry_hash(
            seq=seq,
            ts=ts_text,
            user_id=actor.user_id,
            username=actor.username,
            action=ch.action,
            entity=ch.entity,
            entity_id=ch.entity_id,
            before_json=before_json,
            after_json=after_json,
            reason=ch.reason,
            prev_hash=prev,
        )
        rows.append(
            {
                "seq": seq,
                "ts": when,
                "user_id": actor.user_id,
                "username": actor.username,
                "action": ch.action,
                "entity": ch.entity,
                "entity_id": ch.entity_id,
                "before_json": before_json,
                "after_json": after_json,
                "reason": ch.reason,
                "prev_hash": prev,
                "hash": h,
            }
        )
        prev = h
    if rows:
        conn.execute(insert(AuditEntry), rows)
    return len(rows)
