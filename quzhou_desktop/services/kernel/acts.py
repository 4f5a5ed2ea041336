"""Acts that change no record but must be on the record: a backup, a restore, an export of full ID numbers,
the deletion of a safety copy. Each is one entry of the audit chain (who, when, what), appended like any other.

Its ``entity`` names the kind of act (``backup``, ``database``, ``export``, ``safety_copy`` — never a table's
name, so ``verify`` does not look for a row behind it), its ``entity_id`` is a new id for the act and its
after-state holds the details. Nothing secret goes into the details: file names, counts and chain hashes.
"""

from __future__ import annotations

from typing import Any

from quzhou_desktop.store.audit.chain import Actor, Change, append_entries, chain_head
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.models import new_uuid


def record_act(
    db: Database, actor: Actor, action: str, entity: str, details: dict[str, Any]
) -> tuple[str, int]:
    """Append the act to the chain in its own transaction; returns (act id, its seq)."""
    act_id = new_uuid()
    with db.write_connection() as conn:
        append_entries(conn, actor, [Change(action, entity, act_id, None, details)])
        seq, _head = chain_head(conn)
    return act_id, seq
