"""Migrations: the initial migration builds exactly the models' schema; the start-up fast path knows head."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from quzhou_desktop.store.db import Database
from quzhou_desktop.store.models import Base
from quzhou_desktop.store.schema import MIGRATIONS_DIR, SCHEMA_HEAD


def test_schema_head_constant_matches_alembic_head() -> None:
    assert ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head() == SCHEMA_HEAD


def test_migrations_build_exactly_the_models(tmp_path: Path) -> None:
    db = Database(tmp_path / "m.sqlite3", create=True)
    with db.write_engine.connect() as conn:
        mc = MigrationContext.configure(conn, opts={"render_as_batch": True})
        diff = compare_metadata(mc, Base.metadata)
    db.dispose()
    assert diff == []


def test_reopen_is_idempotent(tmp_path: Path) -> None:
    f = tmp_path / "r.sqlite3"
    Database(f, create=True).dispose()
    db = Database(f)
    with db.write_engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == SCHEMA_HEAD
    db.dispose()
