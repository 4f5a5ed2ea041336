"""Backups: online copy, daily once, rotation, restore verified first; a tampered backup is refused."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from quzhou_desktop.services.roster.people import PersonFields, add_person, list_people
from quzhou_desktop.store import backup, restore
from quzhou_desktop.store.audit.verify import verify_all
from quzhou_desktop.store.db import Database
from tests.support.world import World

pytestmark = pytest.mark.sqlite_only  # SQLite files; the server's own: tests/server


def test_backup_and_restore_round_trip(world: World) -> None:
    vid = world.village_ids[0]
    add_person(world.admin, vid, PersonFields(name="方海军"))
    copy = backup.make_backup(world.path, reason="manual")
    add_person(world.admin, vid, PersonFields(name="备份之后"))
    world.db.dispose()
    result = restore.restore(copy, world.path)
    assert result.safety_copy is not None and result.safety_copy.exists()
    db = Database(world.path)
    with db.read_engine.connect() as conn:
        assert verify_all(conn) == []
    world.db = db
    world.admin.db = db
    names = [p.name for p in list_people(world.admin, vid)]
    assert names == ["方海军"]


def test_daily_backup_once_per_day_and_rotation(world: World) -> None:
    day0 = datetime(2026, 1, 1, 9, 0)
    made = [backup.daily_backup(world.path, now=day0 + timedelta(days=i)) for i in range(20)]
    assert all(made)
    assert backup.daily_backup(world.path, now=day0 + timedelta(days=19, hours=3)) is None
    daily = [b for b in backup.list_backups(world.path) if b.reason == "daily"]
    assert len(daily) == backup.KEEP_DAILY
    assert daily[0].taken_at.date() == (day0 + timedelta(days=19)).date()


def test_many_backups_in_one_second_keep_the_newest_and_never_the_one_just_made(world: World) -> None:
    """Rotation orders backups of the same second by when they were written: the backup just made is never the
    one rotated away (a fast machine makes a dozen manual backups within one second)."""
    now = datetime(2026, 1, 1, 9, 0, 0)
    made = []
    for _ in range(backup.KEEP_OTHER + 3):
        path = backup.make_backup(world.path, reason="manual", now=now)
        assert path.is_file()
        made.append(path)
    kept = [b.path for b in backup.list_backups(world.path)]
    assert len(kept) == backup.KEEP_OTHER
    assert set(kept) <= set(made) and made[-1] in kept


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_backup_files_are_private(world: World) -> None:
    p = backup.make_backup(world.path)
    assert p.stat().st_mode & 0o077 == 0


def test_tampered_backup_is_refused_and_database_untouched(world: World, tmp_path: Path) -> None:
    add_person(world.admin, world.village_ids[0], PersonFields(name="毛文龙"))
    copy = backup.make_backup(world.path, dest=tmp_path / "copy.sqlite3")
    con = sqlite3.connect(copy)
    con.execute("UPDATE person SET name = '改过'")
    con.commit()
    con.close()
    before = [p.name for p in list_people(world.admin, world.village_ids[0])]
    with pytest.raises(restore.RestoreRefused, match="未通过校验"):
        restore.restore(copy, world.path)
    assert [p.name for p in list_people(world.admin, world.village_ids[0])] == before


def test_restore_of_missing_file(world: World, tmp_path: Path) -> None:
    with pytest.raises(backup.BackupError, match="不存在"):
        restore.restore(tmp_path / "nothing.sqlite3", world.path)


@pytest.mark.parametrize("what", ["garbage", "zeros", "empty", "other program", "damaged schema"])
def test_restore_of_a_file_that_is_no_backup_is_refused_in_chinese(
    world: World, tmp_path: Path, what: str
) -> None:
    """SQLAlchemy's and SQLite's own text (with the engine URL) stay in the log; the user reads Chinese."""
    from quzhou_desktop.core.errors import QuzhouError

    bogus = tmp_path / "quzhou-backup.sqlite3"
    if what == "other program":  # a real SQLite database of some other program
        con = sqlite3.connect(bogus)
        con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        con.commit()
        con.close()
    elif what == "damaged schema":  # looks like ours (alembic version, an audit_log) but is not
        con = sqlite3.connect(bogus)
        con.execute("CREATE TABLE audit_log (x)")
        con.execute("CREATE TABLE alembic_version (version_num TEXT)")
        con.execute("INSERT INTO alembic_version VALUES ('0003')")
        con.commit()
        con.close()
    else:
        bogus.write_bytes({"garbage": b"not a database" * 100, "zeros": b"\x00" * 4096, "empty": b""}[what])
    with pytest.raises(QuzhouError) as exc:
        restore.restore(bogus, world.path)
    message = str(exc.value)
    assert "未通过校验" in message or "不是本系统的数据库" in message, message
    assert "sqlalchemy" not in message.lower() and "://" not in message and "sqlite3." not in message
