"""``verify``: the file's own checks (``store.audit.integrity``), the audit chain recomputed, every audited record
against its latest recorded state, and the attachments: each attachment record's content present and hashing to
its key. A rewritten, removed or reordered entry breaks the chain; a row edited or deleted behind the app's back
no longer equals the after-state its latest entry recorded. A chain rewritten whole, hashes recomputed, is found
only against an anchor kept outside the file (``store.anchors``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Table, select, text

from quzhou_desktop.core.signing import unb64
from quzhou_desktop.core.signing import verify as verify_signature
from quzhou_desktop.store.audit.batch import batch_states
from quzhou_desktop.store.audit.chain import GENESIS, canonical, entry_hash, norm_value, row_state
from quzhou_desktop.store.audit.integrity import file_checks
from quzhou_desktop.store.audit.peers import verify_peer_acts
from quzhou_desktop.store.audit.problems import Problem
from quzhou_desktop.store.dialects.rows import has_table
from quzhou_desktop.store.models import Attachment, AttachmentBlob, Audited, Base

__all__ = ["Problem", "audited_tables", "verify_all", "verify_attachments", "verify_chain", "verify_records"]
_norm = norm_value


def audited_tables() -> list[Table]:
    tables = []
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        if issubclass(cls, Audited) and isinstance(mapper.local_table, Table):
            tables.append(mapper.local_table)
    return sorted(tables, key=lambda t: t.name)


REDACTION_ENTITY = "audit_log#redaction"


@dataclass(frozen=True)
class Redacted:
    """One entry rewritten by a redaction (schema 0004 took the password hashes out of the log): the hash it
    was chained with, the hash of its text as it is now, and the redaction entry that says so."""

    original: str
    redacted: str
    by_seq: int


def redactions(conn: Connection) -> dict[int, Redacted]:
    """seq → what the redaction entries record for it (see migration 0004). A malformed document counts as
    none: the redacted entries then fail the chain check."""
    out: dict[int, Redacted] = {}
    rows = conn.execute(
        text("SELECT seq, after_json FROM audit_log WHERE entity = :e ORDER BY seq"), {"e": REDACTION_ENTITY}
    )
    for seq, after in rows:
        try:
            for listed, original, redacted in json.loads(after or "{}").get("entries", []):
                if int(listed) < seq:
                    out[int(listed)] = Redacted(str(original), str(redacted), int(seq))
        except (ValueError, TypeError, AttributeError):
            continue
    return out


def verify_chain(conn: Connection) -> Iterator[Problem]:
    """Every entry's hash recomputed and linked to the one before. An entry a redaction rewrote keeps the hash
    it was chained with; its current text must hash to what the redaction entry recorded."""
    expected_seq = 0
    prev = GENESIS
    redacted = redactions(conn)
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
        known = redacted.get(r.seq)
        if known is not None:
            ok = h == known.redacted and r.hash == known.original
        else:
            ok = h == r.hash
        if not ok:
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
    """Every attachment record has its content; every content hashes to its key and has its recorded size."""
    a, b = Attachment.__table__, AttachmentBlob.__table__
    missing = conn.execute(
        select(a.c.id, a.c.filename, a.c.owner_kind, a.c.owner_id, a.c.sha256)
        .select_from(a.outerjoin(b, b.c.sha256 == a.c.sha256))
        .where(b.c.sha256.is_(None))
        .order_by(a.c.id)
    ).first()
    if missing is not None:
        yield Problem(
            "attachment_missing",
            f"附件“{missing.filename}”（{missing.owner_kind} {missing.owner_id}）的内容不在数据库中："
            f"附件内容被删除（校验值 {missing.sha256[:12]}…）",
            "attachment",
            missing.id,
        )
    t = b
    for sha, size, data in conn.execute(select(t.c.sha256, t.c.size, t.c.data)):
        if hashlib.sha256(data).hexdigest() != sha or len(data) != size:
            yield Problem(
                "attachment",
                f"附件内容 {sha[:12]}… 与登记的校验值不符：附件被修改或损坏",
                "attachment_blob",
                sha,
            )
            return


def verify_receipts(conn: Connection) -> Iterator[Problem]:
    """The receipts (回执) peers signed for this site's exchange packages are anchors of this chain: each must
    still carry its peer's signature, and the entry it acknowledges must still be in the chain with the same
    hash. A database rolled back below a receipt, or a history rewritten and re-hashed, fails here."""
    if not has_table(conn, "exchange_receipt"):
        return  # a file from before schema 0006
    rows = conn.execute(
        text(
            "SELECT r.seq, r.hash, r.manifest, r.signature, s.public_key, s.name FROM exchange_receipt r "
            "JOIN exchange_site s ON s.id = r.peer_id ORDER BY r.seq DESC"
        )
    ).all()
    for seq, h, manifest, signature, public, name in rows:
        try:
            signed = public is not None and verify_signature(
                unb64(public), manifest.encode("utf-8"), unb64(signature)
            )
        except ValueError:
            signed = False
        if not signed:
            yield Problem("anchor", f"{name}的回执（审计日志第{seq}条）签名不符：回执被改动", seq=seq)
            return
        if seq == 0:
            continue
        mine = conn.execute(text("SELECT hash FROM audit_log WHERE seq = :s"), {"s": seq}).scalar()
        if mine != h:
            now = "已不存在" if mine is None else f"是 {str(mine)[:12]}…"
            yield Problem(
                "anchor",
                f"{name}的回执证明本站点审计日志第{seq}条曾是 {h[:12]}…，现在{now}：数据库被恢复到旧备份或历史被改写",
                seq=seq,
            )
            return


def verify_all(conn: Connection) -> list[Problem]:
    """The file's checks, chain, records, attachments, exchange receipts and the signatures received from peers.
    Empty list = clean."""
    problems = file_checks(conn)
    if any(p.kind == "integrity" for p in problems):
        return problems
    problems.extend(verify_chain(conn))
    problems.extend(verify_records(conn))
    problems.extend(verify_attachments(conn))
    problems.extend(verify_receipts(conn))
    problems.extend(verify_peer_acts(conn))
    return problems
