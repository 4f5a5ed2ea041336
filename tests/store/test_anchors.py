"""store.anchors: the journal file, the anchor table inside backups, and points compared with the chain."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from quzhou_desktop.store import anchors, backup
from quzhou_desktop.store.anchors import ChainPoint
from quzhou_desktop.store.audit.chain import GENESIS
from tests.support.world import World


def test_journal_appends_owner_only_and_reads_back(tmp_path: Path) -> None:
    journal = tmp_path / "anchors" / "site-x.jsonl"
    assert anchors.read_journal(journal) == [] and anchors.journal_tail(journal) == []
    assert anchors.append_journal(journal, ["a", " ", "b"]) == 2
    anchors.append_journal(journal, ["c"])
    assert anchors.read_journal(journal) == ["a", "b", "c"]
    assert anchors.journal_tail(journal, max_bytes=3) == ["c"]  # a cut first line is dropped
    if os.name == "posix":
        assert journal.stat().st_mode & 0o777 == 0o600
    assert anchors.merge_journal(journal, ["b", "d", "d"]) == 1
    assert anchors.read_journal(journal) == ["a", "b", "c", "d"]


@pytest.mark.sqlite_only  # a server's backup carries its anchors beside it: tests/server/test_move.py
def test_backup_copy_carries_an_anchor_table_the_database_never_has(world: World) -> None:
    seen: list[tuple[int, str]] = []

    def hook(seq: int, head: str) -> list[str]:
        seen.append((seq, head))
        return ["line-1", "line-2"]

    copy = backup.make_backup(world.path, anchor=hook)
    assert seen == [anchors.file_head(world.path)]
    assert anchors.read_anchor_table(copy) == ["line-1", "line-2"]
    assert anchors.read_anchor_table(world.path) == []
    assert anchors.take_anchor_table(copy) == ["line-1", "line-2"]
    assert anchors.read_anchor_table(copy) == []
    if os.name == "posix":
        assert copy.stat().st_mode & 0o077 == 0


def _entries(world: World) -> list[tuple[int, str]]:
    with world.db.read_engine.connect() as conn:
        return [
            (int(s), str(h)) for s, h in conn.exec_driver_sql("SELECT seq, hash FROM audit_log ORDER BY seq")
        ]


def _check(world: World, points: list[ChainPoint]) -> list[anchors.PointCheck]:
    with world.db.read_engine.connect() as conn:
        return anchors.compare_points(conn, points)


def test_points_against_the_chain(world: World) -> None:
    chain = _entries(world)
    end = chain[-1][0]
    t = datetime(2026, 1, 1)
    points = [
        ChainPoint(0, GENESIS, t, "genesis"),
        ChainPoint(2, chain[1][1], t, "good"),
        ChainPoint(end, "f" * 64, t, "rewritten"),
        ChainPoint(end + 5, "e" * 64, t, "beyond"),
        ChainPoint(end + 5, None, None, "seq only"),
        ChainPoint(1, None, None, "seq only, within"),
    ]
    checks = _check(world, points)
    assert [c.status for c in checks] == ["ok", "ok", "rewritten", "missing", "missing", "ok"]
    assert checks[2].known_good == 2  # the highest confirmed seq below the rewritten one
    assert all(c.chain_end == end for c in checks)


def _record_restore(world: World, backup_seq: int, at: datetime) -> None:
    from quzhou_desktop.store.audit.chain import SYSTEM, Change, append_entries

    with world.db.write_connection() as conn:
        after = {"backup": {"seq": backup_seq, "head": "0" * 64}}
        append_entries(
            conn, SYSTEM, [Change(anchors.RESTORE_ACTION, anchors.RESTORE_ENTITY, "r1", None, after)], ts=at
        )


@pytest.mark.parametrize(("taken", "status"), [(-1, "superseded"), (+1, "missing")], ids=["before", "after"])
def test_a_restore_in_the_chain_explains_points_taken_before_it(
    world: World, taken: int, status: str
) -> None:
    end = _entries(world)[-1][0]
    at = datetime(2026, 6, 1)
    _record_restore(world, end, at)
    point = ChainPoint(end + 3, "a" * 64, at + timedelta(hours=taken), "old journal")
    (check,) = _check(world, [point])
    assert check.status == status
    if status == "superseded":
        assert check.restore is not None and check.restore.backup_seq == end


def test_restore_marks_ignore_unreadable_entries(world: World) -> None:
    from quzhou_desktop.store.audit.chain import SYSTEM, Change, append_entries

    with world.db.write_connection() as conn:
        append_entries(
            conn, SYSTEM, [Change(anchors.RESTORE_ACTION, anchors.RESTORE_ENTITY, "r", None, {"x": 1})]
        )
        assert anchors.restore_marks(conn) == []
