"""``verify`` limited to named records: each record against its latest audit entry, each of those entries' hash
recomputed and linked to the entry before it, and the chain's head entry — what an archive of some records needs
at the cost of those records, not of the whole database (``store.audit.verify.verify_all`` checks everything).

A record edited or deleted behind the app's back, an entry of one of them rewritten, or an entry removed before
one of them is found; a rewrite of the whole chain with recomputed hashes is not (only an anchor outside the file
finds that), nor a change to records not named.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, bindparam, select, text

from quzhou_desktop.store.audit.batch import batch_states
from quzhou_desktop.store.audit.chain import canonical, entry_hash, norm_value, row_state
from quzhou_desktop.store.audit.verify import Problem, audited_tables

__all__ = ["ScopedCheck", "verify_records_of"]

_CHUNK = 500


@dataclass(frozen=True)
class ScopedCheck:
    problems: list[Problem]
    records: int  # records compared with their audit state
    entries: int  # audit entries whose hash and link were recomputed


def _chunks(ids: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i : i + _CHUNK]


def _latest(conn: Connection, table: str, ids: list[str]) -> dict[str, tuple[str | None, int]]:
    """record id → (after-state JSON, seq) of its latest entry, own entries and import batches merged."""
    latest: dict[str, tuple[str | None, int]] = {}
    q = text(
        "SELECT entity_id, after_json, seq FROM audit_log WHERE entity = :e AND entity_id IN :ids"
    ).bindparams(bindparam("ids", expanding=True))
    for chunk in _chunks(ids):
        for rid, after, seq in conn.execute(q, {"e": table, "ids": chunk}):
            if rid not in latest or seq > latest[rid][1]:
                latest[rid] = (after, int(seq))
    wanted = set(ids)
    for rid, seq, after in batch_states(conn, table):
        if rid in wanted and (rid not in latest or seq > latest[rid][1]):
            latest[rid] = (after, int(seq))
    return latest


def _check_rows(
    conn: Connection, table: Table, ids: list[str], latest: Mapping[str, tuple[str | None, int]]
) -> Iterable[Problem]:
    seen: set[str] = set()
    for chunk in _chunks(ids):
        for row in conn.execute(select(table).where(table.c.id.in_(chunk))).mappings():
            rid = row["id"]
            seen.add(rid)
            got = latest.get(rid)
            if got is None:
                yield Problem("record_unaudited", f"记录 {table.name} {rid} 没有任何审计记录：数据是绕过本程序写入的",
                              table.name, rid)  # fmt: skip
            elif canonical(row_state(table, dict(row))) != got[0]:
                yield Problem("record_changed", f"记录 {table.name} {rid} 与审计日志第{got[1]}条记录的状态不符："
                              "数据在本程序之外被修改", table.name, rid, got[1])  # fmt: skip
    for rid in ids:
        got = latest.get(rid)
        if rid not in seen and got is not None and got[0] is not None:
            yield Problem("record_deleted", f"记录 {table.name} {rid} 已不在数据库中（审计日志第{got[1]}条记录过它）："
                          "数据被删除", table.name, rid, got[1])  # fmt: skip


def _check_entries(conn: Connection, seqs: set[int]) -> Iterable[Problem]:
    """Each entry's hash recomputed; its prev_hash equals the hash of the entry before it (which must exist)."""
    wanted = sorted(seqs | {s - 1 for s in seqs if s > 1})
    q = text(
        "SELECT seq, ts, user_id, username, action, entity, entity_id, before_json, after_json, reason, prev_hash, "
        "hash FROM audit_log WHERE seq IN :seqs"
    ).bindparams(bindparam("seqs", expanding=True))
    rows: dict[int, Any] = {}
    for i in range(0, len(wanted), _CHUNK):
        for row in conn.execute(q, {"seqs": wanted[i : i + _CHUNK]}):
            rows[int(row.seq)] = row
    for seq in sorted(seqs):
        r = rows.get(seq)
        if r is None:
            continue  # found missing by the records above
        where = f"审计日志第{seq}条（{r.entity} {r.entity_id}，{r.action}）"
        before = rows.get(seq - 1)
        if seq > 1 and (before is None or before.hash != r.prev_hash):
            yield Problem("chain", f"{where}与前一条不衔接：日志被删改", r.entity, r.entity_id, seq)
            continue
        ts = r.ts if isinstance(r.ts, str) else norm_value(r.ts)
        h = entry_hash(seq=seq, ts=ts, user_id=r.user_id, username=r.username, action=r.action, entity=r.entity,
                       entity_id=r.entity_id, before_json=r.before_json, after_json=r.after_json, reason=r.reason,
                       prev_hash=r.prev_hash)  # fmt: skip
        if h != r.hash:
            yield Problem("chain", f"{where}的内容与其校验值不符：日志被篡改", r.entity, r.entity_id, seq)


def verify_records_of(conn: Connection, records: Mapping[str, Iterable[str]]) -> ScopedCheck:
    """Check the records named by table name → ids (audited tables only), their latest entries and the head."""
    tables = {t.name: t for t in audited_tables()}
    problems: list[Problem] = []
    seqs: set[int] = set()
    count = 0
    for name, id_iter in records.items():
        ids = sorted(set(id_iter))
        if not ids or name not in tables:
            continue
        latest = _latest(conn, name, ids)
        problems += _check_rows(conn, tables[name], ids, latest)
        seqs |= {seq for _after, seq in latest.values()}
        count += len(ids)
    head = conn.execute(text("SELECT max(seq) FROM audit_log")).scalar()
    if head:
        seqs.add(int(head))
    problems += _check_entries(conn, seqs)
    return ScopedCheck(problems, count, len(seqs))
