"""Automatic capture of ORM changes into the audit log.

Every change to an ``Audited`` row is appended to ``audit_log`` in the same transaction as the change, by the
``after_flush`` hook that ``install_hooks`` installs on the session class: who, when, what (action), the
entity and its before/after state as canonical JSON (see ``store.audit.chain``). Bulk imports append batch
entries instead (``store.audit.batch``).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Table, event, text
from sqlalchemy.orm import Session, UOWTransaction

from quzhou_desktop.store.audit.batch import find_batch_state
from quzhou_desktop.store.audit.chain import SYSTEM, Actor, Change, append_entries, object_state, state_value
from quzhou_desktop.store.models import Audited


def _after_flush(session: Session, flush_context: UOWTransaction) -> None:
    actor: Actor = session.info.get("actor", SYSTEM)
    action: str | None = session.info.get("action")
    reason: str | None = session.info.get("reason")
    changes: list[Change] = []
    for obj in session.new:
        if isinstance(obj, Audited):
            table = _table_name(obj)
            changes.append(
                Change(action or f"{table}.create", table, obj.id, None, object_state(obj), reason)
            )
    known: dict[tuple[str, str], dict[str, Any]] = session.info.setdefault("audit_states", {})
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            table = _table_name(obj)
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


def _table_name(obj: Audited) -> str:
    table = obj.__table__  # typed as any FromClause; an audited model maps exactly one Table
    assert isinstance(table, Table)
    return table.name


def _object_before(obj: Any) -> dict[str, Any]:
    from sqlalchemy import inspect

    insp = inspect(obj)
    state: dict[str, Any] = {}
    for c in obj.__table__.columns:
        hist = insp.attrs[c.key].history
        if hist.deleted:
            state[c.name] = state_value(c, hist.deleted[0])
        elif hist.unchanged:
            state[c.name] = state_value(c, hist.unchanged[0])
        else:
            state[c.name] = state_value(c, getattr(obj, c.key))
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


def install_hooks(session_class: type[Session]) -> None:
    """Audit every flush of ``session_class`` (once: SQLAlchemy's own registry says whether it is done)."""
    if event.contains(session_class, "after_flush", _after_flush):
        return
    event.listen(session_class, "after_flush", _after_flush)
    event.listen(session_class, "after_commit", _clear_known)
    event.listen(session_class, "after_rollback", _clear_known)
