"""Where anchors are kept, and how they compare with the chain.

- The **journal**: a JSON-lines file per site in the user's data folder (``paths.anchor_journal_path``), one
  anchor per line (``core.anchors.to_line``), appended and never rewritten.
- Inside every **backup**: the table ``quzhou_anchor`` (one journal line per row), written into the backup copy
  only — never into the database itself. A restore reads it back into the journal and drops it.
- ``compare_points`` checks (seq, head) points — from anchors or printed codes — against the chain in the
  database: still there (ok), a different head at that seq (the chain was rewritten at or before it), a seq
  past the chain's end (entries were removed), or replaced by a restore recorded in the chain after the point
  was taken (a restore rolls the chain back on purpose; see ``RESTORE_ACTION``).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, text

from quzhou_desktop.paths import ensure_private_dir
from quzhou_desktop.store.audit.chain import GENESIS

ANCHOR_TABLE = "quzhou_anchor"
# The audit action of a restore, recorded in the restored database (``services.kernel.maintenance``); its
# after-state names the backup's chain end as {"backup": {"seq": …, "head": …}, "replaced": {…}, …}.
RESTORE_ACTION = "backup.restore"
RESTORE_ENTITY = "database"


# -- the journal --------------------------------------------------------------------------------------------


def append_journal(path: Path, lines: Iterable[str]) -> int:
    """Append ``lines`` (one anchor each) to the journal, creating it owner-only; returns how many."""
    batch = [line.strip() for line in lines if line.strip()]
    if not batch:
        return 0
    ensure_private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fh.write("".join(line + "\n" for line in batch))
        fh.flush()
        os.fsync(fh.fileno())
    return len(batch)


def read_journal(path: Path) -> list[str]:
    """Every non-empty line of a journal file (an absent file has none)."""
    try:
        with path.open("r", encoding="utf-8", errors="replace") as fh:
            return [line.strip() for line in fh if line.strip()]
    except FileNotFoundError:
        return []


def journal_tail(path: Path, *, max_bytes: int = 16384) -> list[str]:
    """The last complete lines of the journal (reads at most ``max_bytes`` from its end)."""
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - max_bytes))
            data = fh.read()
    except FileNotFoundError:
        return []
    lines = data.decode("utf-8", errors="replace").splitlines()
    if size > max_bytes and lines:
        lines = lines[1:]  # the first may be cut
    return [line.strip() for line in lines if line.strip()]


def merge_journal(path: Path, lines: Iterable[str]) -> int:
    """Append the lines the journal does not hold yet (a restore bringing back a backup's anchors)."""
    have = set(read_journal(path))
    new = [line for line in dict.fromkeys(x.strip() for x in lines) if line and line not in have]
    return append_journal(path, new)


# -- anchors inside a backup file ---------------------------------------------------------------------------


def file_head(db_file: Path) -> tuple[int, str]:
    """(seq, hash) of the last audit entry of an SQLite file, read-only; (0, genesis) for an empty chain."""
    with contextlib.closing(sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)) as con:
        row = con.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))


def write_anchor_table(db_file: Path, lines: Sequence[str]) -> None:
    """Write ``lines`` into the table ``quzhou_anchor`` of a backup copy (replacing what it held)."""
    with contextlib.closing(sqlite3.connect(db_file)) as con:
        with con:
            con.execute(
                f"CREATE TABLE IF NOT EXISTS {ANCHOR_TABLE} (n INTEGER PRIMARY KEY, line TEXT NOT NULL)"
            )
            con.execute(f"DELETE FROM {ANCHOR_TABLE}")
            con.executemany(f"INSERT INTO {ANCHOR_TABLE} (line) VALUES (?)", [(line,) for line in lines])


def read_anchor_table(db_file: Path) -> list[str]:
    """The anchor lines a backup file carries (none when it has no such table). Read-only."""
    with contextlib.closing(sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)) as con:
        found = con.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (ANCHOR_TABLE,)
        ).fetchone()
        if found is None:
            return []
        return [str(r[0]) for r in con.execute(f"SELECT line FROM {ANCHOR_TABLE} ORDER BY n")]


def take_anchor_table(db_file: Path) -> list[str]:
    """Read and drop the anchor table of a database restored from a backup (it belongs to backups only)."""
    lines = read_anchor_table(db_file)
    with contextlib.closing(sqlite3.connect(db_file)) as con:
        with con:
            con.execute(f"DROP TABLE IF EXISTS {ANCHOR_TABLE}")
    return lines


# -- comparing points with the chain ------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainPoint:
    """What an anchor or a printed code says about the chain: it had ``head`` at ``seq`` (``head`` None: only
    that it had at least ``seq`` entries) at time ``at`` (naive UTC; None when unknown)."""

    seq: int
    head: str | None
    at: datetime | None
    source: str  # where the point comes from, in Chinese (shown by verify)


@dataclass(frozen=True)
class RestoreMark:
    """A restore recorded in the chain: entries after ``backup_seq`` before ``at`` belonged to the replaced
    database."""

    seq: int
    at: datetime
    backup_seq: int
    username: str


@dataclass(frozen=True)
class PointCheck:
    point: ChainPoint
    status: str  # ok, rewritten, missing, superseded
    chain_end: int
    known_good: int = 0  # rewritten: the highest seq below the point another point still confirms
    restore: RestoreMark | None = None


def restore_marks(conn: Connection) -> list[RestoreMark]:
    """Every restore the chain records, oldest first."""
    rows = conn.execute(
        text(
            "SELECT seq, ts, username, after_json FROM audit_log WHERE action = :a AND entity = :e ORDER BY seq"
        ),
        {"a": RESTORE_ACTION, "e": RESTORE_ENTITY},
    )
    marks: list[RestoreMark] = []
    for seq, ts, username, after in rows:
        try:
            backup_seq = int(json.loads(after or "{}")["backup"]["seq"])
        except (ValueError, KeyError, TypeError):
            continue
        when = ts if isinstance(ts, datetime) else datetime.fromisoformat(str(ts))
        marks.append(RestoreMark(int(seq), when, backup_seq, str(username or "")))
    return marks


def _superseding(point: ChainPoint, marks: Sequence[RestoreMark]) -> RestoreMark | None:
    """The restore that replaced the chain the point was taken from, if one did."""
    if point.at is None:
        return None
    for mark in marks:
        if point.seq > mark.backup_seq and point.at <= mark.at:
            return mark
    return None


def compare_points(conn: Connection, points: Sequence[ChainPoint]) -> list[PointCheck]:
    """Check each point against the chain (see the module docstring); results in the order of ``points``."""
    end_row = conn.execute(text("SELECT max(seq) FROM audit_log")).scalar()
    end = int(end_row or 0)
    marks = restore_marks(conn)
    heads: dict[int, str | None] = {0: GENESIS}
    checks: list[PointCheck] = []
    for p in points:
        if p.seq > end:
            status = "missing"
        elif p.head is None:
            status = "ok"
        else:
            if p.seq not in heads:
                heads[p.seq] = conn.execute(
                    text("SELECT hash FROM audit_log WHERE seq = :s"), {"s": p.seq}
                ).scalar()
            status = "ok" if heads[p.seq] == p.head else "rewritten"
        mark = None
        if status != "ok":
            mark = _superseding(p, marks)
            if mark is not None:
                status = "superseded"
        checks.append(PointCheck(p, status, end, restore=mark))
    good = sorted(c.point.seq for c in checks if c.status == "ok" and c.point.head is not None)
    out: list[PointCheck] = []
    for c in checks:
        if c.status == "rewritten":
            below = [s for s in good if s < c.point.seq]
            c = PointCheck(c.point, c.status, c.chain_end, below[-1] if below else 0, c.restore)
        out.append(c)
    return out
