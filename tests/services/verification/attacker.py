"""What someone holding the computer and sqlite3 does to a database file (or the server's superuser to a server
database), done the careful way: the triggers dropped and put back with their own SQL (on the server: switched
off for the session), every hash after a change recomputed with the published algorithm, rows and their log
entries removed together. What is left is a database whose chain checks on its own."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from quzhou_desktop.store.audit.chain import entry_hash, norm_value
from quzhou_desktop.store.audit.integrity import EXPECTED_TRIGGERS
from quzhou_desktop.store.db import Database
from tests.pg import raw_connection

COLUMNS = (
    "seq, ts, user_id, username, action, entity, entity_id, before_json, after_json, reason, prev_hash, hash"
)


def _without_triggers(db: Database | Path, work: Callable[[Any], None]) -> None:
    # on the server: replica mode, the triggers off for this session only
    con = raw_connection(db) if isinstance(db, Database) else sqlite3.connect(db)
    file = isinstance(con, sqlite3.Connection)
    try:
        if file:
            for name in EXPECTED_TRIGGERS:
                con.execute(f"DROP TRIGGER {name}")
        work(con)
        if file:
            for sql in EXPECTED_TRIGGERS.values():
                con.execute(sql)
        con.commit()
    finally:
        con.close()


def rehash_from(con: Any, first: int) -> None:
    """Recompute the chain from entry ``first`` to the end, as a forger would."""
    prev = con.execute("SELECT hash FROM audit_log WHERE seq = ?", (first - 1,)).fetchone()
    prev_hash = prev[0] if prev else "0" * 64
    rows = con.execute(f"SELECT {COLUMNS} FROM audit_log WHERE seq >= ? ORDER BY seq", (first,)).fetchall()
    for seq, ts, uid, uname, action, entity, eid, before, after, reason, _prev, _hash in rows:
        ts = ts if isinstance(ts, str) else norm_value(ts)  # the server returns a timestamp
        h = entry_hash(seq=seq, ts=ts, user_id=uid, username=uname, action=action, entity=entity, entity_id=eid,
                       before_json=before, after_json=after, reason=reason, prev_hash=prev_hash)  # fmt: skip
        con.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?", (prev_hash, h, seq))
        prev_hash = h


def rewrite_person_name(db: Database, old: str, new: str) -> int:
    """Rename a person in the row and in every log entry that recorded it, then recompute the chain.
    Returns the first entry changed."""
    first: list[int] = []

    def work(con: Any) -> None:
        con.execute("UPDATE person SET name = ? WHERE name = ?", (new, old))
        seqs = [s for (s,) in con.execute(
            "SELECT seq FROM audit_log WHERE entity = 'person' AND after_json LIKE ? ORDER BY seq", (f"%{old}%",)
        )]  # fmt: skip
        for s in seqs:
            con.execute(
                "UPDATE audit_log SET after_json = replace(after_json, ?, ?), "
                "before_json = replace(before_json, ?, ?) WHERE seq = ?",
                (old, new, old, new, s),
            )
        first.append(seqs[0])
        rehash_from(con, seqs[0])

    _without_triggers(db, work)
    return first[0]


def roll_back_to(db: Database, seq: int, tables: tuple[str, ...] = ("person",)) -> None:
    """Remove every log entry after ``seq`` and the rows of ``tables`` they created: the file then looks
    as it did at ``seq``."""

    def work(con: Any) -> None:
        for table in tables:
            con.execute(
                f"DELETE FROM {table} WHERE id IN "
                "(SELECT entity_id FROM audit_log WHERE entity = ? AND seq > ? AND before_json IS NULL)",
                (table, seq),
            )
        con.execute("DELETE FROM audit_log WHERE seq > ?", (seq,))

    _without_triggers(db, work)
