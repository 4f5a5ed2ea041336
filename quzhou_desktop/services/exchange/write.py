"""The write step of an import: the last state of each record a checked package changes, compared with what
this site holds and written — new records inserted, records unchanged here since the sender's first state
of them updated, the rest (and changes the sender may not make) kept as 冲突 — with their audit entries.

The SQL is written with ``?`` placeholders and run through ``store.dialects.rows``, for either engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, select
from sqlalchemy.orm import Session

from quzhou_desktop.core.exchange import may_change, with_own_site
from quzhou_desktop.services.exchange.checked import Checked
from quzhou_desktop.services.exchange.inserts import insert_audited, store_scans
from quzhou_desktop.services.exchange.states import RecordChange, changes_of
from quzhou_desktop.store.audit.chain import Actor, Change, append_entries, canonical, row_state
from quzhou_desktop.store.audit.verify import audited_tables
from quzhou_desktop.store.dialects.rows import run, update_state
from quzhou_desktop.store.models import ExchangeConflict

__all__ = ["Final", "Prepared", "prepare", "write_states"]

_IN_CHUNK = 2000


@dataclass
class Final:
    """A record's state before the package's first change of it and after its last."""

    first_before: dict[str, Any] | None
    after: dict[str, Any]
    after_text: str


@dataclass
class Prepared:
    tables: dict[str, Table]
    finals: dict[tuple[str, str], Final]  # the last state of each record the package changes
    refused: list[RecordChange]  # changes the sender may not make


def prepare(c: Checked) -> Prepared:
    """The last state of each record the package's new entries change, and the changes its sender may not
    make; an entry of a table this program does not know refuses the package."""
    tables = {t.name: t for t in audited_tables()}
    finals: dict[tuple[str, str], Final] = {}
    refused: list[RecordChange] = []
    accepted, kind, known = c.accepted.seq, c.peer_kind, finals.get
    county = c.me.kind == "county"  # keeps what its townships hold (``services.exchange.county``)
    for e in c.entries:
        if e.seq <= accepted:
            continue
        for ch in changes_of(e):
            if ch.entity not in tables:
                raise c.pkg.refused(f"第{e.seq}条记录属于本程序不认识的数据表“{ch.entity}”")
            if not county and not may_change(kind, ch.entity, ch.before, ch.after):
                refused.append(ch)
                continue
            key = (ch.entity, ch.entity_id)
            f = known(key)
            if f is None:
                finals[key] = Final(ch.before, ch.after, ch.after_text)
            else:
                f.after, f.after_text = ch.after, ch.after_text
    return Prepared(tables, finals, refused)


def _as_ours(entity: str, state: dict[str, Any], ours: dict[str, Any] | None) -> tuple[dict[str, Any], str]:
    """A township row state from the sender with the receiver's own site identity in its settings."""
    if entity != "township":
        return state, canonical(state) or ""
    mine = None if ours is None else ours.get("rules_json")
    state = {**state, "rules_json": with_own_site(state.get("rules_json"), mine)}
    return state, canonical(state) or ""


def _keep_own_site(
    current: dict[str, dict[str, tuple[dict[str, Any], str]]], finals: dict[tuple[str, str], Final]
) -> None:
    """The township row travels, its site entry never does: the sender's states of it are compared and
    written with the receiver's own identity (or none)."""
    for (entity, rid), f in finals.items():
        if entity != "township":
            continue
        cur = current[entity].get(rid)
        ours = None if cur is None else cur[0]
        f.after, f.after_text = _as_ours(entity, f.after, ours)
        if f.first_before is not None:
            f.first_before = _as_ours(entity, f.first_before, ours)[0]


def _current(conn: Connection, table: Table, ids: list[str]) -> dict[str, tuple[dict[str, Any], str]]:
    """The present state of those of ``ids`` this site already holds (one indexed probe per chunk first)."""
    present: list[str] = []
    for i in range(0, len(ids), _IN_CHUNK):
        chunk = ids[i : i + _IN_CHUNK]
        marks = ", ".join("?" * len(chunk))
        present += [r[0] for r in run(conn, f"SELECT id FROM {table.name} WHERE id IN ({marks})", chunk)]
    out: dict[str, tuple[dict[str, Any], str]] = {}
    for i in range(0, len(present), _IN_CHUNK):
        chunk = present[i : i + _IN_CHUNK]
        for row in conn.execute(select(table).where(table.c.id.in_(chunk))).mappings():
            state = row_state(table, dict(row))
            out[row["id"]] = (state, canonical(state) or "")
    return out


def write_states(
    conn: Connection,
    s: Session,
    c: Checked,
    p: Prepared,
    actor: Actor,
    reason: str,
    now: Any,
) -> int:
    """Write ``p`` (of package ``c``) in the open transaction: inserts, updates and their audit entries, and
    the 冲突 rows; returns how many conflicts."""
    tables, finals, refused = p.tables, p.finals, p.refused
    by_table: dict[str, list[str]] = {}
    for entity, rid in finals:
        by_table.setdefault(entity, []).append(rid)
    for ch in refused:
        by_table.setdefault(ch.entity, []).append(ch.entity_id)
    current = {name: _current(conn, tables[name], ids) for name, ids in by_table.items()}
    _keep_own_site(current, finals)
    conflicts: list[tuple[RecordChange | None, str, str, str | None, str]] = []
    inserts: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    updates: list[Change] = []
    for (entity, rid), f in finals.items():
        cur = current[entity].get(rid)
        if cur is None:
            inserts.setdefault(entity, []).append((rid, f.after))
            continue
        if cur[1] == f.after_text:
            continue
        if f.first_before is not None and canonical(f.first_before) == cur[1]:
            updates.append(Change("exchange.apply", entity, rid, cur[0], f.after, reason))
        else:
            conflicts.append((None, entity, rid, cur[1], f.after_text))
    for ch in refused:
        cur = current[ch.entity].get(ch.entity_id)
        theirs = _as_ours(ch.entity, ch.after, None if cur is None else cur[0])[1]
        if cur is not None and cur[1] == theirs:
            continue
        conflicts.append((ch, ch.entity, ch.entity_id, None if cur is None else cur[1], theirs))
    shas = {f.after["sha256"] for (entity, _rid), f in finals.items() if entity == "attachment"}
    store_scans(conn, c.pkg, shas)
    for entity, rows in inserts.items():
        try:
            insert_audited(
                conn,
                tables[entity],
                [state for _rid, state in rows],
                actor,
                action="exchange.apply",
                reason=reason,
                when=now,
            )
        except KeyError as exc:
            raise c.pkg.refused(f"数据表“{entity}”的记录缺少字段 {exc}") from exc
    for u in updates:
        assert u.after is not None
        cols = [col.name for col in tables[u.entity].columns if col.name != "id"]
        update_state(conn, tables[u.entity], cols, [u.after[k] for k in cols], u.entity_id)
    if updates:
        append_entries(conn, actor, updates, ts=now)
    for ch_or_none, entity, rid, ours, theirs in conflicts:
        s.add(
            ExchangeConflict(
                peer_id=c.peer_id,
                entity=entity,
                entity_id=rid,
                ours_json=ours,
                theirs_json=theirs,
                package_sha256=c.pkg.sha256,
                seq=ch_or_none.seq if ch_or_none is not None else c.last.seq,
                detected_at=now,
                state="open",
            )
        )
    return len(conflicts)
