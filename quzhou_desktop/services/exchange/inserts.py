"""Rows and scans that arrive with a file written in one go: the enrolment file's village records, an import's
new records, the signers' keys and acts a package brings, and the scans those records name.

- ``insert_audited``: rows of one table inserted from their states and recorded as batch entries of this
  site's chain (``store.audit.batch``), one entry per ``BATCH_ROWS`` rows;
- ``store_scans``: the scans a package carries that this database does not hold yet.

A scan's content is checked when the package is opened (``Package``: every member against the SHA-256 the
signed manifest lists, and each ``attachments/<sha256>`` member's name against that same digest), so by the
time a scan is stored its content is known to be the one its name says; it is not hashed a second time here.
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table

from quzhou_desktop.services.exchange.package import ATTACHMENTS, Package
from quzhou_desktop.store.audit.batch import append_batch, batch_json
from quzhou_desktop.store.audit.chain import Actor
from quzhou_desktop.store.dialects.rows import insert_sql, insert_states, run, run_many

__all__ = ["BATCH_ROWS", "insert_audited", "store_scans"]

BATCH_ROWS = 2000
_IN_CHUNK = 2000


def insert_audited(
    conn: Connection,
    table: Table,
    states: Iterable[dict[str, Any]],
    actor: Actor,
    *,
    action: str,
    reason: str,
    when: Any,
) -> int:
    """Insert ``states`` (canonical row states, every column of ``table``) in id order and append their batch
    entries; returns how many rows. A state lacking a column raises ``KeyError`` naming it, before anything
    is written."""
    rows = sorted(states, key=lambda st: str(st["id"]))
    if not rows:
        return 0
    cols = [c.name for c in table.columns]
    pick = itemgetter(*cols)
    values = [pick(st) for st in rows] if len(cols) > 1 else [(st[cols[0]],) for st in rows]
    insert_states(conn, table, cols, values)
    for i in range(0, len(values), BATCH_ROWS):
        append_batch(
            conn,
            actor,
            action=action,
            table=table.name,
            first_id=str(rows[i]["id"]),
            after_json=batch_json(cols, {}, values[i : i + BATCH_ROWS]),
            reason=reason,
            when=when,
        )
    return len(values)


def store_scans(conn: Connection, pkg: Package, shas: Iterable[str]) -> None:
    """Store the scans ``shas`` from ``pkg`` that this database does not hold yet (their content was checked
    against their names when ``pkg`` was opened); a scan the package lacks refuses it, naming the member."""
    wanted = sorted(set(shas))
    have: set[str] = set()
    for i in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[i : i + _IN_CHUNK]
        marks = ", ".join("?" * len(chunk))
        have.update(
            r[0] for r in run(conn, f"SELECT sha256 FROM attachment_blob WHERE sha256 IN ({marks})", chunk)
        )
    rows = []
    for sha in wanted:
        if sha in have:
            continue
        data = pkg.attachment(sha)
        if data is None:
            raise pkg.refused(f"缺少附件“{ATTACHMENTS}{sha}”的内容")
        rows.append((sha, len(data), data))
    run_many(conn, insert_sql("attachment_blob", ("sha256", "size", "data")), rows)
