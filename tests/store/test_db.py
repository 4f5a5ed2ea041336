"""Opening the database: pragmas, clear Chinese refusals, and two app instances on one file."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from quzhou_desktop.store.db import Database
from quzhou_desktop.store.errors import (
    DatabaseDirMissing,
    DatabaseMissing,
    DatabaseReadOnly,
    DatabaseTooNew,
    NotADatabase,
)
from tests.support.world import World


def test_pragmas_wal_foreign_keys_synchronous_full(tmp_path: Path) -> None:
    db = Database(tmp_path / "a.sqlite3", create=True)
    with db.write_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    db.dispose()
    if os.name == "posix":
        assert (tmp_path / "a.sqlite3").stat().st_mode & 0o077 == 0


def test_missing_file_is_refused_in_chinese(tmp_path: Path) -> None:
    with pytest.raises(DatabaseMissing, match="数据库文件不存在"):
        Database(tmp_path / "none.sqlite3")


def test_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseDirMissing, match="文件夹不存在"):
        Database(tmp_path / "no" / "such" / "x.sqlite3", create=True)


@pytest.mark.parametrize("content", [b"hello, not a database", b"PK\x03\x04 spreadsheet"])
def test_not_a_database(tmp_path: Path, content: bytes) -> None:
    f = tmp_path / "x.sqlite3"
    f.write_bytes(content)
    with pytest.raises(NotADatabase, match="不是本系统的数据库"):
        Database(f)


def test_foreign_sqlite_database_is_refused_unchanged(tmp_path: Path) -> None:
    f = tmp_path / "other.sqlite3"
    con = sqlite3.connect(f)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    before = f.read_bytes()
    with pytest.raises(NotADatabase):
        Database(f)
    assert f.read_bytes() == before


def test_read_only_detected_by_access(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "ro.sqlite3"
    Database(f, create=True).dispose()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode))
    with pytest.raises(DatabaseReadOnly, match="只读"):
        Database(f)


def test_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    f = tmp_path / "new.sqlite3"
    Database(f, create=True).dispose()
    con = sqlite3.connect(f)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    before = f.read_bytes()
    with pytest.raises(DatabaseTooNew, match="更新版本"):
        Database(f)
    assert f.read_bytes() == before


def test_two_instances_on_one_file_lose_no_write(world: World) -> None:
    """A second app instance writing at the same time waits for the lock; every write lands."""
    from quzhou_desktop.services.kernel.context import AppContext
    from quzhou_desktop.services.roster.people import PersonFields, add_person
    from quzhou_desktop.store.audit.verify import verify_all
    from quzhou_desktop.store.models import Person

    other_db = Database(world.db.path)
    other = AppContext(other_db, user=world.admin.user, clock=world.clock)
    errors: list[BaseException] = []

    def writer(ctx: AppContext, prefix: str) -> None:
        try:
            for i in range(15):
                add_person(ctx, world.village_ids[0], PersonFields(name=f"{prefix}{i:02d}"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=writer, args=(world.admin, "甲")),
        threading.Thread(target=writer, args=(other, "乙")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    other_db.dispose()
    assert errors == []
    with world.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 30
    with world.db.read_engine.connect() as conn:
        assert verify_all(conn) == []
