"""Bulk writer for the reference database: Core inserts plus real audit entries, in bulk.

Rows are collected per table and flushed in foreign-key order with ``conn.execute(table.insert(), rows)``.
For every row the writer computes the canonical state with ``store.audit.chain.row_state``/``canonical`` and chains
an entry with ``store.audit.chain.entry_hash`` exactly as ``store.audit.chain.append_entries`` does (it is that function,
unrolled so each phase can be timed separately: canonical states, chain hashing, SQL inserts).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Date, DateTime, Table

from quzhou_desktop.store.audit.chain import (
    Actor,
    canonical,
    chain_head,
    entry_hash,
    is_secret,
    secret_digest,
)
from quzhou_desktop.store.models import AuditEntry, Base
from quzhou_desktop.store.models.base import Audited

# Parents before children (foreign keys are enforced on every insert).
TABLE_ORDER = (
    "township",
    "village",
    "person",
    "kin_link",
    "membership",
    "user_account",
    "user_village",
    "disclosure_item",
    "matter",
    "matter_step",
    "step_attendance",
    "voucher",
    "voucher_event",
    "monthly_review",
    "ledger_line",
    "disclosure",
    "disclosure_feedback",
)


def state_function(table: Table) -> Any:
    """A fast equivalent of ``store.audit.chain.row_state`` for one table (tests assert equal output on every row).

    ``row_state`` walks the column collection and type-checks every value on every row (≈ 11 µs for a voucher);
    here the column names and the date/time columns are looked up once per table."""
    names = [c.name for c in table.columns]
    stamps = [c.name for c in table.columns if isinstance(c.type, DateTime)]
    days = [c.name for c in table.columns if isinstance(c.type, Date) and not isinstance(c.type, DateTime)]
    secrets = [c.name for c in table.columns if is_secret(c)]

    def state(values: dict[str, Any]) -> dict[str, Any]:
        out = {n: values[n] for n in names}
        for n in secrets:
            out[n] = secret_digest(out[n])
        for n in stamps:
            v = out[n]
            if v is not None:
                out[n] = v.isoformat(sep=" ", timespec="microseconds")
        for n in days:
            v = out[n]
            if v is not None:
                out[n] = v.isoformat()
        return out

    return state


@dataclass
class Phases:
    """Seconds spent per phase, and counts."""

    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    cpu: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    audit_entries: int = 0

    def add(self, phase: str, started: tuple[float, float]) -> None:
        """Add wall and CPU seconds since ``started`` (from :func:`start`)."""
        self.seconds[phase] += time.perf_counter() - started[0]
        self.cpu[phase] += time.process_time() - started[1]


def start() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


class BulkWriter:
    """Collects rows; ``flush(ts)`` inserts them and appends one audited ``<table>.create`` entry per row."""

    def __init__(self, conn: Connection, actor: Actor, phases: Phases) -> None:
        self.conn = conn
        self.actor = actor
        self.phases = phases
        self.tables: dict[str, Table] = {name: Base.metadata.tables[name] for name in TABLE_ORDER}
        audited = {m.class_.__table__.name for m in Base.registry.mappers if issubclass(m.class_, Audited)}
        self.audited = audited
        self.states = {name: state_function(t) for name, t in self.tables.items()}
        self.pending: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.seq, self.prev = chain_head(conn)

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.pending[table].append(row)

    def extend(self, table: str, rows: Iterable[dict[str, Any]]) -> None:
        self.pending[table].extend(rows)

    def flush(self, ts: datetime) -> None:
        """Insert everything pending (one statement per table) and chain its audit entries at ``ts``."""
        ph = self.phases
        audit_rows: list[dict[str, Any]] = []
        ts_text = ts.isoformat(sep=" ", timespec="microseconds")
        user_id, username = self.actor.user_id, self.actor.username
        for name in TABLE_ORDER:
            rows = self.pending.pop(name, None)
            if not rows:
                continue
            table = self.tables[name]
            t = start()
            self.conn.execute(table.insert(), rows)
            ph.add("sql insert (data rows)", t)
            ph.rows[name] += len(rows)
            if name not in self.audited:
                continue
            t = start()
            state = self.states[name]
            states = [canonical(state(r)) for r in rows]
            ph.add("canonical states (JSON)", t)
            t = start()
            action = f"{name}.create"
            seq, prev = self.seq, self.prev
            for r, after in zip(rows, states, strict=True):
                seq += 1
                h = entry_hash(
                    seq=seq,
                    ts=ts_text,
                    user_id=user_id,
                    username=username,
                    action=action,
                    entity=name,
                    entity_id=r["id"],
                    before_json=None,
                    after_json=after,
                    reason=None,
                    prev_hash=prev,
                )
                audit_rows.append(
                    {
                        "seq": seq,
                        "ts": ts,
                        "user_id": user_id,
                        "username": username,
                        "action": action,
                        "entity": name,
                        "entity_id": r["id"],
                        "before_json": None,
                        "after_json": after,
                        "reason": None,
                        "prev_hash": prev,
                        "hash": h,
                    }
                )
                prev = h
            self.seq, self.prev = seq, prev
            ph.add("audit chain hashing", t)
        if audit_rows:
            t = start()
            self.conn.execute(AuditEntry.__table__.insert(), audit_rows)
            ph.add("sql insert (audit entries)", t)
            ph.audit_entries += len(audit_rows)
