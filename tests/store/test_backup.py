"""Backups: online copy, daily once, rotation, restore verified first; a tampered backup is refused."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from quzhou_desktop.services.roster.people import PersonFields, add_person, list_people
from quzhou_desktop.store import backup, restore
from quzhou_desktop.store.audit.verify import verify_all
from quzhou_desktop.store.db import Database


def test_backup_and_restore_round_trip(world) -> None:  # type: ignore[no-untyped-def]
    vid = world.village_ids[0]
    add_person(world.admin, vid, PersonFields(name="方海军"))
    copy = backup.make_backup(world.db.path, reason="manual")
    add_person(world.admin, vid, PersonFields(name="备份之后"))
    world.db.dispose()
    result = restore.restore(copy, world.db.path)
    assert result.safety_copy is not None and result.safety_copy.exists()
    db = Database(world.db.path)
    with db.read_engine.connect() as conn:
        assert verify_all(conn) == []
    world.db = db
    world.admin.db = db
    names = [p.name for p in list_people(world.admin, vid)]
    assert names == ["方海军"]


def test_daily_backup_once_per_day_and_rotation(world) -> None:  # type: ignore[no-untyped-def]
    day0 = datetime(2026, 1, 1, 9, 0)
    made = [backup.daily_backup(world.db.path, now=day0 + timedelta(days=i)) for i in range(20)]
    assert all(made)
    assert backup.daily_backup(world.db.path, now=day0 + timedelta(days=19, hours=3)) is None
    daily = [b for b in backup.list_backups(world.db.path) if b.reason == "daily"]
    assert len(daily) == backup.KEEP_DAILY
    assert daily[0].taken_at.date() == (day0 + timedelta(days=19)).date()


def test_backup_files_are_private(world) -> None:  # type: ignore[no-untyped-def]
    import os

    p = backup.make_backup(world.db.path)
    if os.name == "posix":
        assert p.stat().st_mode & 0o077 == 0


def test_tampered_backup_is_refused_and_database_untouched(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    add_person(world.admin, world.village_ids[0], PersonFields(name="毛文龙"))
    copy = backup.make_backup(world.db.path, dest=tmp_path / "copy.sqlite3")
    con = sqlite3.connect(copy)
    con.execute("UPDATE person SET name = '改过'")
    con.commit()
    con.close()
    before = [p.name for p in list_people(world.admin, world.village_ids[0])]
    with pytest.raises(restore.RestoreRefused, match="未通过校验"):
        restore.restore(copy, world.db.path)
    assert [p.name for p in list_people(world.admin, world.village_ids[0])] == before


def test_restore_of_missing_file(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(backup.BackupError, match="不存在"):
        restore.restore(tmp_path / "nothing.sqlite3", world.db.path)
