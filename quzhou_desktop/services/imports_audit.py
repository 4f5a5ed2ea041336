"""Bulk insert with audit entries for imports: the store's audit chain, written at import speed.

Each row's audit entry is exactly what ``store.audit.append_entries`` would append for a ``Change`` whose
after-state is ``row_state(table, row)``: the same canonical JSON (every column, sorted keys, dates as ISO
text), the same ``entry_hash`` and chain. It differs only in how the work is done: the canonical JSON is
built once per row from values already in column order, and rows go to SQLite with one plain
``executemany`` per batch (no per-parameter processing). Tests check the JSON equals ``canonical(row_state)``
and that ``verify_all`` passes after an import.

Ids are time-ordered UUIDs (RFC 9562 version 7, a random start plus a counter), so 100,000 new primary keys
append to the B-tree instead of landing on random pages.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Date, DateTime, Table

from quzhou_desktop.store.audit import Actor, chain_head, entry_hash
from quzhou_desktop.store.models import AuditEntry

_AUDIT_COLS = (
    "seq", "ts", "user_id", "username", "action", "entity", "entity_id",
    "before_json", "after_json", "reason", "prev_hash", "hash",
)  # fmt: skip
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def ordered_ids(n: int) -> list[str]:
    """``n`` UUIDv7 strings in increasing order."""
    ms = time.time_ns() // 1_000_000
    rand_a = int.from_bytes(os.urandom(2), "big") & 0xFFF
    start = int.from_bytes(os.urandom(8), "big") >> 4  # 60 random bits: no wrap within 62 bits
    head = (ms << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62)
    out = []
    for i in range(n):
        h = f"{head | (start + i):032x}"
        out.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
    return out


def _bind(conn: Connection, column_type: Any) -> Any:
    return column_type.dialect_impl(conn.dialect).bind_processor(conn.dialect)


def insert_audited(
    conn: Connection,
    actor: Actor,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    action: str,
    reasons: Sequence[str | None],
    when: datetime,
) -> int:
    """Insert ``rows`` (dicts with every column) into ``table`` and append one audit entry per row."""
    if not rows:
        return 0
    cols = [c.name for c in table.columns]
    by_name = sorted(cols)
    dates = [c.name for c in table.columns if isinstance(c.type, Date)]
    stamps = [c.name for c in table.columns if isinstance(c.type, DateTime)]
    stamp_db = _bind(conn, DateTime())
    insert_sql = f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    db_rows: list[tuple[Any, ...]] = []
    states: list[str] = []
    for row in rows:
        state = {k: row[k] for k in by_name}
        for k in dates:
            v = state[k]
            if v is not None:
                state[k] = v.isoformat()
        db = dict(state)
        for k in stamps:
            v = row[k]
            if v is not None:
                state[k] = v.isoformat(sep=" ", timespec="microseconds")
                db[k] = stamp_db(v)
        states.append(_dumps(state))
        db_rows.append(tuple(db[k] for k in cols))
    conn.exec_driver_sql(insert_sql, db_rows)

    seq, prev = chain_head(conn)
    ts_text = when.isoformat(sep=" ", timespec="microseconds")
    ts_db = stamp_db(when)
    entity = table.name
    audit_rows = []
    for row, after_json, reason in zip(rows, states, reasons, strict=True):
        seq += 1
        h = entry_hash(
            seq=seq,
            ts=ts_text,
            user_id=actor.user_id,
            username=actor.username,
            action=action,
            entity=entity,
            entity_id=row["id"],
            before_json=None,
            after_json=after_json,
            reason=reason,
            prev_hash=prev,
        )
        audit_rows.append(
            (
                seq,
                ts_db,
                actor.user_id,
                actor.username,
                action,
                entity,
                row["id"],
                None,
                after_json,
                reason,
                prev,
                h,
            )
        )
        prev = h
    conn.exec_driver_sql(
        f"INSERT INTO {AuditEntry.__tablename__} ({', '.join(_AUDIT_COLS)}) "
        f"VALUES ({', '.join('?' * len(_AUDIT_COLS))})",
        audit_rows,
    )
    return len(rows)
