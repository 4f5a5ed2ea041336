"""Batch audit entries: one chained entry records the created state of many rows of one table.

A bulk import of 100,000 rows would otherwise append 100,000 entries (canonical JSON, a chained hash and an
insert each — most of the import's time). A batch entry keeps the same guarantees:

- it is an ordinary link of the hash chain (``verify_chain`` checks it like any other entry);
- it holds every row's full state, so ``verify_records`` still compares each row with what was written, and
  a later ORM update of such a row finds its true before-state (``find_batch_state``).

Its ``entity`` is ``"<table>#batch"`` (a name no table has, so per-record lookups never see it) and its
``entity_id`` is the first row id of the batch. ``after_json`` is a JSON object::

    {"columns": [...], "constants": {...}, "rows": [[...], ...], "source_rows": [...]}

where the state of row ``i`` is ``constants`` plus ``zip(columns, rows[i])``, with values in the canonical
form of ``store.audit`` (dates as ISO text, timestamps with microseconds); ``source_rows`` optionally names
where each row came from (the spreadsheet row numbers of an import).
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import Connection, text

from quzhou_desktop.store.audit.chain import Actor, canonical, chain_head, entry_hash, norm_value
from quzhou_desktop.store.dialects import lock_chain

BATCH_SUFFIX = "#batch"


def _plain(value: Any) -> Any:
    """A str subclass (a reflected column's ``quoted_name``) as the text it is; anything else unsupported."""
    if isinstance(value, str):
        return str.__str__(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


# Compact UTF-8 JSON, the same text as ``json.dumps(ensure_ascii=False, separators=(",", ":"))`` for the values a
# canonical state holds (text, integers, booleans, None), several times faster.
_encode = msgspec.json.Encoder(enc_hook=_plain).encode


def batch_entity(table: str) -> str:
    return table + BATCH_SUFFIX


def batch_json(
    columns: Sequence[str],
    constants: Mapping[str, Any],
    rows: Sequence[Sequence[Any]],
    source_rows: Sequence[int] | None = None,
) -> str:
    """The ``after_json`` of a batch entry. Values must already be canonical (see ``norm_value``): text,
    integers, booleans and None, which read back (``BatchDoc``) exactly as they were."""
    doc: dict[str, Any] = {
        "columns": list(columns),
        "constants": dict(sorted(constants.items())),
        "rows": rows,
    }
    if source_rows is not None:
        doc["source_rows"] = source_rows
    return _encode(doc).decode("utf-8")


def append_batch(
    conn: Connection,
    actor: Actor,
    *,
    action: str,
    table: str,
    first_id: str,
    after_json: str,
    reason: str | None,
    when: datetime,
) -> int:
    """Append one batch entry to the chain on ``conn`` (the caller's transaction); returns its ``seq``.

    ``when`` (naive UTC) is stored as its canonical text, which is also what SQLite stores for a DateTime."""
    lock_chain(conn)
    seq, prev = chain_head(conn)
    seq += 1
    entity = batch_entity(table)
    ts = norm_value(when)
    h = entry_hash(
        seq=seq,
        ts=ts,
        user_id=actor.user_id,
        username=actor.username,
        action=action,
        entity=entity,
        entity_id=first_id,
        before_json=None,
        after_json=after_json,
        reason=reason,
        prev_hash=prev,
    )
    conn.execute(
        text(
            "INSERT INTO audit_log (seq, ts, user_id, username, action, entity, entity_id, before_json, "
            "after_json, reason, prev_hash, hash) VALUES (:seq, :ts, :user_id, :username, :action, :entity, "
            ":entity_id, NULL, :after_json, :reason, :prev_hash, :hash)"
        ),
        {
            "seq": seq, "ts": ts, "user_id": actor.user_id, "username": actor.username, "action": action,
            "entity": entity, "entity_id": first_id, "after_json": after_json, "reason": reason,
            "prev_hash": prev, "hash": h,
        },
    )  # fmt: skip
    return seq


# -- reading ------------------------------------------------------------------------------------------


class BatchDoc:
    """A parsed batch entry: row id → full state."""

    def __init__(self, seq: int, after_json: str) -> None:
        doc = json.loads(after_json)
        self.seq = seq
        self.columns: list[str] = doc["columns"]
        self.constants: dict[str, Any] = doc["constants"]
        self.rows: list[list[Any]] = doc["rows"]
        self._id_at = self.columns.index("id")

    def state(self, values: Sequence[Any]) -> dict[str, Any]:
        out = dict(self.constants)
        out.update(zip(self.columns, values, strict=True))
        return out

    def ids_and_states(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(id, state) in id order."""
        at = self._id_at
        for values in sorted(self.rows, key=lambda r: r[at]):
            yield values[at], self.state(values)

    def find(self, entity_id: str) -> dict[str, Any] | None:
        at = self._id_at
        for values in self.rows:
            if values[at] == entity_id:
                return self.state(values)
        return None


def find_batch_state(conn: Connection, table: str, entity_id: str) -> tuple[dict[str, Any], int] | None:
    """The state a batch entry recorded for one row, with the entry's seq (None if no batch holds the row).

    Batches are looked up by their first id (index ``ix_audit_entity``); a row lies in a batch whose first id
    is not after its own, normally the nearest one."""
    candidates = conn.execute(
        text(
            "SELECT seq FROM audit_log WHERE entity = :e AND entity_id <= :i "
            "ORDER BY entity_id DESC, seq DESC"
        ),
        {"e": batch_entity(table), "i": entity_id},
    )
    for (seq,) in candidates:
        after = conn.execute(text("SELECT after_json FROM audit_log WHERE seq = :s"), {"s": seq}).scalar()
        if after is None:
            continue
        state = BatchDoc(seq, after).find(entity_id)
        if state is not None:
            return state, seq
    return None


def batch_states(conn: Connection, table: str) -> Iterator[tuple[str, int, str]]:
    """(row id, seq, canonical state JSON) of every row recorded by the table's batch entries, in id order.

    Batches are opened lazily in the order of their first id, so memory holds only the batches whose id
    ranges overlap the current position (normally one)."""
    heads = conn.execute(
        text("SELECT entity_id, seq FROM audit_log WHERE entity = :e ORDER BY entity_id, seq"),
        {"e": batch_entity(table)},
    ).all()
    pending = iter(heads)
    nxt = next(pending, None)
    heap: list[tuple[str, int, str, Iterator[tuple[str, dict[str, Any]]]]] = []

    def push(it: Iterator[tuple[str, dict[str, Any]]], seq: int) -> None:
        for rid, state in it:
            heapq.heappush(heap, (rid, seq, canonical(state) or "", it))
            return

    while heap or nxt is not None:
        # Open every batch that starts at or before the smallest id waiting to be yielded.
        while nxt is not None and (not heap or nxt[0] <= heap[0][0]):
            _first, seq = nxt
            after = conn.execute(text("SELECT after_json FROM audit_log WHERE seq = :s"), {"s": seq}).scalar()
            if after is not None:
                push(BatchDoc(seq, after).ids_and_states(), seq)
            nxt = next(pending, None)
        if not heap:
            continue
        rid, seq, state_json, it = heapq.heappop(heap)
        push(it, seq)
        yield rid, seq, state_json
