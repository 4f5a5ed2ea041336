"""What an attacker with the database file and sqlite3 does (and the app's own code, which is public): write
rows behind the app's back and make the audit chain agree again."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from quzhou_desktop.store.audit.chain import GENESIS, canonical, entry_hash, norm_value, row_state
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.models import Base
from tests.pg import raw_connection

TRIGGERS = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
)


def connect(target: Path | Database) -> Any:
    """The file with sqlite3 (the triggers dropped), or a server database as its superuser (the triggers off
    for the session): rows by index and by name either way."""
    if isinstance(target, Database):
        con = raw_connection(target)
        if not isinstance(con, sqlite3.Connection):
            return con
        con.close()
        assert target.path is not None
        target = target.path
    con = sqlite3.connect(target)
    con.row_factory = sqlite3.Row
    con.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    con.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    return con


def close(con: Any) -> None:
    if isinstance(con, sqlite3.Connection):
        for sql in TRIGGERS:
            con.execute(sql)
    con.commit()
    con.close()


def state(con: sqlite3.Connection, table: str, rid: str) -> str:
    """The row's canonical audit state, computed as the app does (secrets digested)."""
    t = Base.metadata.tables[table]
    row = dict(con.execute(f"SELECT * FROM {table} WHERE id = ?", (rid,)).fetchone())
    values: dict[str, Any] = {}
    for c in t.columns:
        v = row[c.name]
        if c.type.python_type is bool and v is not None:
            v = bool(v)
        values[c.name] = v
    out = canonical(row_state(t, values))
    assert out is not None
    return out


def append(con: sqlite3.Connection, *, action: str, entity: str, entity_id: str, before: str | None,
           after: str | None, user: tuple[str | None, str] = (None, "system"), ts: str = "2026-11-24 03:00:00.000000"
           ) -> int:  # fmt: skip
    """Append one entry, chained after the last one."""
    last = con.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    h = entry_hash(seq=seq, ts=ts, user_id=user[0], username=user[1], action=action, entity=entity,
                   entity_id=entity_id, before_json=before, after_json=after, reason=None, prev_hash=prev)  # fmt: skip
    con.execute(
        "INSERT INTO audit_log (seq, ts, user_id, username, action, entity, entity_id, before_json, after_json, "
        "reason, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)",
        (seq, ts, user[0], user[1], action, entity, entity_id, before, after, prev, h),
    )
    return seq


def rewrite_latest(con: sqlite3.Connection, table: str, rid: str) -> int:
    """Make the record's latest audit entry say what the row now holds, and re-chain every entry from there
    (the whole log after it is rewritten). Returns the entry's seq."""
    seq = con.execute(
        "SELECT max(seq) FROM audit_log WHERE entity = ? AND entity_id = ?", (table, rid)
    ).fetchone()[0]
    con.execute("UPDATE audit_log SET after_json = ? WHERE seq = ?", (state(con, table, rid), seq))
    rechain(con, seq)
    return int(seq)


def rechain(con: sqlite3.Connection, from_seq: int) -> None:
    prev_row = con.execute("SELECT hash FROM audit_log WHERE seq = ?", (from_seq - 1,)).fetchone()
    prev = prev_row[0] if prev_row else GENESIS
    rows = con.execute("SELECT * FROM audit_log WHERE seq >= ? ORDER BY seq", (from_seq,)).fetchall()
    for r in rows:
        ts = r["ts"] if isinstance(r["ts"], str) else norm_value(r["ts"])  # the server returns a timestamp
        h = entry_hash(seq=r["seq"], ts=ts, user_id=r["user_id"], username=r["username"], action=r["action"],
                       entity=r["entity"], entity_id=r["entity_id"], before_json=r["before_json"],
                       after_json=r["after_json"], reason=r["reason"], prev_hash=prev)  # fmt: skip
        con.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, h, r["seq"]))
        prev = h


def rechain_all(con: sqlite3.Connection, from_seq: int) -> None:
    """``rechain``, also over entries a redaction rewrote (schema 0004): their original text is gone, so the
    attacker makes the redaction entry vouch for the new hashes."""
    import json

    docs = {
        r["seq"]: json.loads(r["after_json"])
        for r in con.execute("SELECT seq, after_json FROM audit_log WHERE entity = 'audit_log#redaction'")
    }
    listed = {int(e[0]): (seq, i) for seq, d in docs.items() for i, e in enumerate(d["entries"])}
    prev_row = con.execute("SELECT hash FROM audit_log WHERE seq = ?", (from_seq - 1,)).fetchone()
    prev = prev_row[0] if prev_row else GENESIS
    rows = con.execute("SELECT * FROM audit_log WHERE seq >= ? ORDER BY seq", (from_seq,)).fetchall()
    for r in rows:
        after = r["after_json"]
        if r["seq"] in docs:
            after = json.dumps(docs[r["seq"]], ensure_ascii=False, separators=(",", ":"))
            con.execute("UPDATE audit_log SET after_json = ? WHERE seq = ?", (after, r["seq"]))
        ts = r["ts"] if isinstance(r["ts"], str) else norm_value(r["ts"])  # the server returns a timestamp
        h = entry_hash(seq=r["seq"], ts=ts, user_id=r["user_id"], username=r["username"], action=r["action"],
                       entity=r["entity"], entity_id=r["entity_id"], before_json=r["before_json"],
                       after_json=after, reason=r["reason"], prev_hash=prev)  # fmt: skip
        if r["seq"] in listed:
            doc_seq, i = listed[r["seq"]]
            docs[doc_seq]["entries"][i] = [r["seq"], h, h]
        con.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, h, r["seq"]))
        prev = h
