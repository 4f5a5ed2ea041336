"""The hash-chained audit log.

Every change to an ``Audited`` row is appended to ``audit_log`` in the same transaction as the change:
who, when, what (action), the entity and its before/after state as canonical JSON.  Each entry's hash covers
its own fields and the previous entry's hash, so a rewritten, removed or reordered entry breaks the chain.
``verify`` recomputes the chain and also checks that every audited row still equals the after-state its
latest entry recorded, so a row edited or deleted behind the app's back is caught too.

ORM changes are captured automatically by the ``after_flush`` hook installed by ``install_hooks``; bulk
imports append batch entries (``store.audit_batch``), one per few thousand rows with every row's state.
The chain's primitives live in ``store.audit_chain`` and are re-exported here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, event, select, text
from sqlalchemy.orm import Session, UOWTransaction

from quzhou_desktop.store.audit_batch import batch_states, find_batch_state
from quzhou_desktop.store.audit_chain import (
    GENESIS,
    SYSTEM,
    Actor,
    Change,
    append_entries,
    canonical,
    chain_head,
    entry_hash,
    norm_value,
    object_state,
    row_state,
)
from quzhou_desktop.store.models import AttachmentBlob, Audited, Base

__all__ = [
    "GENESIS",
    "SYSTEM",
    "Actor",
    "Change",
    "Problem",
    "append_entries",
    "audited_tables",
    "canonical",
    "chain_head",
    "entry_hash",
    "install_hooks",
    "norm_value",
    "object_state",
    "row_state",
    "verify_all",
    "verify_chain",
    "verify_records",
]

_norm = norm_value


# -- automatic capture of ORM changes ------------------------------------------------------------------


def _after_flush(session: Session, flush_context: UOWTransaction) -> None:
    actor: Actor = session.info.get("actor", SYSTEM)
    action: str | None = session.info.get("action")
    reason: str | None = session.info.get("reason")
    changes: list[Change] = []
    for obj in session.new:
        if isinstance(obj, Audited):
            table = obj.__table__.name  # type: ignore[attr-defined]
            changes.append(
                Change(action or f"{table}.create", table, obj.id, None, object_state(obj), reason)
            )
    known: dict[tuple[str, str], dict[str, Any]] = session.info.setdefault("audit_states", {})
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            table = obj.__table__.name  # type: ignore[attr-defined]
            before = (
                known.get((table, obj.id)) or _recorded_state(session, table, obj.id) or _object_before(obj)
            )
            after = object_state(obj)
            if before != after:
                changes.append(Change(action or f"{table}.update", table, obj.id, before, after, reason))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            raise RuntimeError("audited records are never deleted; void them with a reason instead")
    if changes:
        changes.sort(key=lambda c: (c.entity, c.entity_id))
        append_entries(session.connection(), actor, changes)
        for ch in changes:
            if ch.after is not None:
                known[(ch.entity, ch.entity_id)] = dict(ch.after)


def _object_before(obj: Any) -> dict[str, Any]:
    from sqlalchemy import inspect

    insp = inspect(obj)
    state: dict[str, Any] = {}
    for c in obj.__table__.columns:
        hist = insp.attrs[c.key].history
        if hist.deleted:
            state[c.name] = _norm(hist.deleted[0])
        elif hist.unchanged:
            state[c.name] = _norm(hist.unchanged[0])
        else:
            state[c.name] = _norm(getattr(obj, c.key))
    return state


def _recorded_state(session: Session, entity: str, entity_id: str) -> dict[str, Any] | None:
    """The after-state of the record's latest audit entry (its own, else the import batch that created it):
    the true 'before' of an update."""
    conn = session.connection()
    row = conn.execute(
        text(
            "SELECT after_json FROM audit_log WHERE entity = :e AND entity_id = :i ORDER BY seq DESC LIMIT 1"
        ),
        {"e": entity, "i": entity_id},
    ).first()
    if row is not None and row[0] is not None:
        state: dict[str, Any] = json.loads(row[0])
        return state
    if row is None:
        found = find_batch_state(conn, entity, entity_id)
        if found is not None:
            return found[0]
    return None


def _clear_known(session: Session, *_: Any) -> None:
    session.info.pop("audit_states", None)


_HOOKED: set[int] = set()


def install_hooks(session_class: type[Session]) -> None:
    if id(session_class) in _HOOKED:
        return
    event.listen(session_class, "after_flush", _after_flush)
    event.listen(session_class, "after_commit", _clear_known)
    event.listen(session_class, "after_rollback", _clear_known)
    _HOOKED.add(id(session_class))


# -- verification ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    kind: str  # integrity, chain, record_changed, record_deleted, record_unaudited, attachment
    message: str  # Chinese, names the record
    entity: str | None = None
    entity_id: str | None = None
    seq: int | None = None


def audited_tables() -> list[Table]:
    tables = []
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        if issubclass(cls, Audited) and isinstance(mapper.local_table, Table):
            tables.append(mapper.local_table)
    return sorted(tables, key=lambda t: t.name)


def verify_chain(conn: Connection) -> Iterator[Problem]:
    expected_seq = 0
    prev = GENESIS
    result = conn.execute(
        text(
            "SELECT seq, ts, user_id, username, action, entity, entity_id, before_json, after_json, "
            "reason, prev_hash, hash FROM audit_log ORDER BY seq"
        )
    )
    for r in result:
        expected_seq += 1
        ts = r.ts if isinstance(r.ts, str) else _norm(r.ts)
        where = f"审计日志第{r.seq}条（{r.entity} {r.entity_id}，{r.action}）"
        if r.seq != expected_seq:
            yield Problem(
                "chain",
                f"审计日志缺少第{expected_seq}条（下一条是第{r.seq}条）：日志被删改",
                r.entity,
                r.entity_id,
                r.seq,
            )
            return
        if r.prev_hash != prev:
            yield Problem("chain", f"{where}与前一条不衔接：日志被删改", r.entity, r.entity_id, r.seq)
            return
        h = entry_hash(
            seq=r.seq,
            ts=ts,
            user_id=r.user_id,
            username=r.username,
            action=r.action,
            entity=r.entity,
            entity_id=r.entity_id,
            before_json=r.before_json,
            after_json=r.after_json,
            reason=r.reason,
            prev_hash=r.prev_hash,
        )
        if h != r.hash:
            yield Problem("chain", f"{where}的内容与其校验值不符：日志被篡改", r.entity, r.entity_id, r.seq)
            return
        prev = r.hash


def _latest_after(conn: Connection, entity: str) -> Iterator[tuple[str, str | None, int]]:
    """(record id, after-state JSON, seq) of each record's latest entry, in id order: its own entries merged
    with the import batches that created records (the later entry wins)."""
    own = iter(
        conn.execute(
            text(
                "SELECT a.entity_id, a.after_json, a.seq FROM audit_log a JOIN "
                "(SELECT entity_id, max(seq) AS m FROM audit_log WHERE entity = :e GROUP BY entity_id) l "
                "ON a.seq = l.m ORDER BY a.entity_id"
            ),
            {"e": entity},
        )
    )
    batched = batch_states(conn, entity)
    a = next(own, None)
    b = next(batched, None)
    while a is not None or b is not None:
        if b is None or (a is not None and a[0] < b[0]):
            assert a is not None
            yield a[0], a[1], a[2]
            a = next(own, None)
        elif a is None or b[0] < a[0]:
            yield b[0], b[2], b[1]
            b = next(batched, None)
        else:  # both: the later entry is the record's latest state
            yield (a[0], a[1], a[2]) if a[2] > b[1] else (b[0], b[2], b[1])
            a, b = next(own, None), next(batched, None)


def _deleted(table: Table, latest: tuple[str, str | None, int]) -> Problem:
    rid, _after, seq = latest
    return Problem(
        "record_deleted",
        f"记录 {table.name} {rid} 已不在数据库中（审计日志第{seq}条记录过它）：数据被删除",
        table.name,
        rid,
        seq,
    )


def verify_records(conn: Connection, tables: Sequence[Table] | None = None) -> Iterator[Problem]:
    """Merge-walk each audited table against the latest audit state of each of its records."""
    for table in tables or audited_tables():
        rows = conn.execute(select(table).order_by(table.c.id)).mappings()
        audit_iter = _latest_after(conn, table.name)
        a = next(audit_iter, None)
        for row in rows:
            rid = row["id"]
            while a is not None and a[0] < rid:
                if a[1] is not None:
                    yield _deleted(table, a)
                    return
                a = next(audit_iter, None)
            if a is None or a[0] != rid:
                yield Problem(
                    "record_unaudited",
                    f"记录 {table.name} {rid} 没有任何审计记录：数据是绕过本程序写入的",
                    table.name,
                    rid,
                )
                return
            if canonical(row_state(table, dict(row))) != a[1]:
                yield Problem(
                    "record_changed",
                    f"记录 {table.name} {rid} 与审计日志第{a[2]}条记录的状态不符：数据在本程序之外被修改",
                    table.name,
                    rid,
                    a[2],
                )
                return
            a = next(audit_iter, None)
        while a is not None:
            if a[1] is not None:
                yield _deleted(table, a)
                return
            a = next(audit_iter, None)


def verify_attachments(conn: Connection) -> Iterator[Problem]:
    t = AttachmentBlob.__table__
    for sha, size, data in conn.execute(select(t.c.sha256, t.c.size, t.c.data)):
        if hashlib.sha256(data).hexdigest() != sha or len(data) != size:
            yield Problem(
                "attachment",
                f"附件内容 {sha[:12]}… 与登记的校验值不符：附件被修改或损坏",
                "attachment_blob",
                sha,
            )
            return


def verify_all(conn: Connection) -> list[Problem]:
    """Integrity check, chain, records and attachments. Empty list = clean."""
    problems: list[Problem] = []
    res = [r[0] for r in conn.execute(text("PRAGMA integrity_check")).all()]
    if res != ["ok"]:
        problems.append(Problem("integrity", "SQLite 完整性检查失败：" + "；".join(str(x) for x in res[:5])))
        return problems
    problems.extend(verify_chain(conn))
    problems.extend(verify_records(conn))
    problems.extend(verify_attachments(conn))
    return problems
