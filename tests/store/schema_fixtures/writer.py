"""Rows written with plain SQL, each with the audit entries the app writes for it (created, updated, or
imported in one batch entry), chained exactly as ``verify`` recomputes them."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import datetime
from typing import Any

from tests.store.schema_fixtures.formats import canonical, canonical_value, entry_hash, stored

GENESIS = "0" * 64
_NS = uuid.UUID("5b0c7f0e-3d4a-4c39-9a57-0f1f8e2b6a10")


def uid(name: str) -> str:
    """A fixed UUID for a named record, so every build writes the same ids."""
    return str(uuid.uuid5(_NS, name))


class Writer:
    """Inserts and updates rows with plain SQL and appends the audit entries the app writes for them."""

    def __init__(self, con: sqlite3.Connection, secrets: dict[str, tuple[str, ...]] | None = None) -> None:
        self.con = con
        self.seq, self.head = 0, GENESIS
        self.rows: dict[tuple[str, str], dict[str, Any]] = {}
        # From schema 0004 on, an audited state holds a digest in place of each secret column.
        self.secrets = secrets or {}

    def state(self, table: str, row: dict[str, Any]) -> str | None:
        from tests.store.schema_fixtures.signing import secret_digest

        hidden = self.secrets.get(table, ())
        return canonical({k: secret_digest(v) if k in hidden else v for k, v in row.items()})

    def columns(self, table: str) -> list[str]:
        return [r[1] for r in self.con.execute(f"PRAGMA table_info({table})")]

    def _check(self, table: str, row: dict[str, Any]) -> None:
        have, want = set(row), set(self.columns(table))
        if have != want:
            raise ValueError(f"{table}: missing {sorted(want - have)}, unknown {sorted(have - want)}")

    def _insert(self, table: str, row: dict[str, Any]) -> None:
        self._check(table, row)
        names = list(row)
        sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
        self.con.execute(sql, [stored(row[n]) for n in names])

    def entry(
        self,
        who: tuple[str | None, str],
        action: str,
        entity: str,
        entity_id: str,
        before: str | None,
        after: str | None,
        when: datetime,
        reason: str | None = None,
    ) -> None:
        self.seq += 1
        ts = canonical_value(when)
        fields = [self.seq, ts, who[0], who[1], action, entity, entity_id, before, after, reason, self.head]
        h = entry_hash(fields)
        self.con.execute(
            "INSERT INTO audit_log (seq, ts, user_id, username, action, entity, entity_id, before_json, "
            "after_json, reason, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*fields, h),
        )
        self.head = h

    def insert(
        self, who: tuple[str | None, str], action: str, when: datetime, table: str, row: dict[str, Any]
    ) -> None:
        self._insert(table, row)
        self.rows[(table, row["id"])] = dict(row)
        self.entry(who, action, table, row["id"], None, self.state(table, row), when)

    def update(
        self, who: tuple[str | None, str], action: str, when: datetime, table: str, rid: str, **changes: Any
    ) -> dict[str, Any]:
        before = self.rows[(table, rid)]
        after = {**before, **changes, "row_version": before["row_version"] + 1}
        sets = ", ".join(f"{k} = ?" for k in [*changes, "row_version"])
        self.con.execute(
            f"UPDATE {table} SET {sets} WHERE id = ?",
            [*(stored(v) for v in changes.values()), after["row_version"], rid],
        )
        self.rows[(table, rid)] = after
        self.entry(who, action, table, rid, self.state(table, before), self.state(table, after), when)
        return after

    def insert_batch(
        self,
        who: tuple[str | None, str],
        action: str,
        when: datetime,
        table: str,
        rows: list[dict[str, Any]],
        constants: dict[str, Any],
        source_rows: list[int],
        reason: str,
    ) -> None:
        """An import: the rows and ONE batch entry holding all their states (entity ``<table>#batch``)."""
        columns = [c for c in rows[0] if c not in constants]
        for r in rows:
            self._insert(table, {**r, **constants})
            self.rows[(table, r["id"])] = {**r, **constants}
        doc = {
            "columns": columns,
            "constants": {k: canonical_value(v) for k, v in sorted(constants.items())},
            "rows": [[canonical_value(r[c]) for c in columns] for r in rows],
            "source_rows": source_rows,
        }
        after = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
        self.entry(who, action, table + "#batch", min(r["id"] for r in rows), None, after, when, reason)


def record(key: str, created_at: datetime, /, **fields: Any) -> dict[str, Any]:
    return {**fields, "id": uid(key), "created_at": created_at, "row_version": 1}
