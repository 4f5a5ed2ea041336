"""Bulk insert with audit for imports: rows go to the database by ``executemany``, their states to batch entries.

An import writes thousands of rows. Each batch of up to ``BATCH`` rows is inserted with one plain
``executemany`` (values already in the form SQLite stores) and recorded by ONE chained audit entry holding
every row's full state (``store.audit.batch``): the same tamper evidence as an entry per row — ``verify``
compares each row with its recorded state — at a fraction of the cost. The values bound and the values
recorded are the very same Python objects, so a row and its audit state cannot drift apart.

Columns that hold the same value in every row (the importing user, the time, ``status = 'draft'``, the many
empty columns) are written into the statement once rather than bound per row, and recorded once per batch.

Ids are time-ordered UUIDs (RFC 9562 version 7, a random start plus a counter), so 100,000 new primary keys
append to the B-tree instead of landing on random pages.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from quzhou_desktop.store.audit.batch import append_batch, batch_json
from quzhou_desktop.store.audit.chain import Actor, norm_value
from quzhou_desktop.store.dialects import driver_insert

BATCH = 5000  # rows per executemany and per audit entry


def ordered_ids(n: int) -> list[str]:
    """``n`` UUIDv7 strings in increasing order."""
    ms = time.time_ns() // 1_000_000
    rand_a = int.from_bytes(os.urandom(2), "big") & 0xFFF
    start = int.from_bytes(os.urandom(8), "big") >> 4  # 60 random bits: no wrap within 62 bits
    head = (ms << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62)
    out = []
    for i in range(n):
        h = f"{head | (start + i):032x}"
        out.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
    return out


@dataclass
class TableRows:
    """New rows for one table, column-wise described.

    ``rows`` are tuples in ``columns`` order; ``constants`` hold the columns that are the same for every row.
    Values are in canonical form (``store.audit.chain.norm_value``): text, int, bool, None, dates as ISO text and
    timestamps as ``YYYY-MM-DD HH:MM:SS.ffffff`` — exactly what SQLite stores for SQLAlchemy's Date/DateTime.
    ``source_rows`` are the spreadsheet row numbers the rows came from."""

    table: Any  # a Table (models' ``__table__`` is typed as a FromClause)
    columns: list[str]
    rows: list[tuple[Any, ...]]
    source_rows: list[int]
    constants: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names = {c.name for c in self.table.columns}
        given = set(self.columns) | set(self.constants)
        if given != names or len(self.columns) + len(self.constants) != len(names):
            raise ValueError(f"{self.table.name}: columns {sorted(given ^ names)} missing or repeated")


def insert_audited(
    conn: Connection,
    actor: Actor,
    t: TableRows,
    *,
    action: str,
    reason: Callable[[Sequence[int]], str],
    when: datetime,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert ``t.rows`` in batches, appending one audit batch entry per batch. Returns the row count.

    ``reason(source_rows)`` words the entry's reason; ``progress(n)`` is called after each batch."""
    if not t.rows:
        return 0
    constants: Mapping[str, Any] = {k: norm_value(v) for k, v in t.constants.items()}
    t = TableRows(t.table, t.columns, t.rows, t.source_rows, dict(constants))
    sql = driver_insert(conn, t.table.name, t.columns, dict(constants))
    id_at = t.columns.index("id")
    for i in range(0, len(t.rows), BATCH):
        part = t.rows[i : i + BATCH]
        src = t.source_rows[i : i + BATCH]
        conn.exec_driver_sql(sql, part)
        append_batch(
            conn,
            actor,
            action=action,
            table=t.table.name,
            first_id=min(r[id_at] for r in part),
            after_json=batch_json(t.columns, constants, part, src),
            reason=reason(src),
            when=when,
        )
        if progress is not None:
            progress(len(part))
    return len(t.rows)
