"""Schema version check and Alembic migrations at start-up.

The common case (file already at ``SCHEMA_HEAD``) costs one query and never imports Alembic, which keeps
start-up fast.  An older file is backed up, then upgraded; a newer file is refused untouched.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, Engine, text

from quzhou_desktop.store.backup import make_backup
from quzhou_desktop.store.errors import DatabaseTooNew, NotADatabase

log = logging.getLogger(__name__)


class Migratable(Protocol):
    """What migrating needs of ``store.db.Database`` (which calls ``ensure_schema`` while it opens)."""

    @property
    def write_engine(self) -> Engine: ...

    @property
    def path(self) -> Path | None: ...

    @property
    def label(self) -> str: ...


# The newest migration in store/migrations/versions (a test keeps this in step with Alembic's head).
SCHEMA_HEAD = "0007"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def current_revision(db: Migratable) -> tuple[str | None, bool]:
    """(revision, has_tables)."""
    from sqlalchemy import inspect

    with db.write_engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
        conn.rollback()
        if "alembic_version" not in names:
            return None, bool(names - {"sqlite_sequence"})
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        conn.rollback()
        return (row[0] if row else None), True


def known_revisions() -> list[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return [rev.revision for rev in script.walk_revisions()]


def upgrade(db: Migratable, target: str = "head") -> None:
    with db.write_engine.begin() as conn:
        migrate_connection(conn, target)


def migrate_connection(conn: Connection, target: str = "head") -> None:
    """Run the migrations up to ``target`` on ``conn``, inside its transaction (``server init`` and
    ``server upgrade`` run them as the database's owner role)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, target)


def precheck_file(path: Path) -> None:
    """Before anything writes to an existing file (even a WAL pragma): refuse a foreign or newer database.

    Uses a read-only connection so a refused file is left byte-for-byte as it was."""
    import sqlite3

    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise NotADatabase(path=str(path)) from exc
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        rev = None
        if "alembic_version" in names:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            rev = row[0] if row else None
    except sqlite3.DatabaseError as exc:
        raise NotADatabase(path=str(path)) from exc
    finally:
        con.close()
    if rev is None:
        if names - {"sqlite_sequence"}:
            raise NotADatabase(path=str(path))
        return
    if rev != SCHEMA_HEAD and rev not in known_revisions():
        raise DatabaseTooNew(found=rev, supported=SCHEMA_HEAD)


def ensure_schema(db: Migratable) -> None:
    rev, has_tables = current_revision(db)
    if rev == SCHEMA_HEAD:
        return
    if rev is None:
        if has_tables:
            raise NotADatabase(path=db.label)
        log.info("creating schema in %s", db.label)
        upgrade(db)
        return
    if rev not in known_revisions():
        raise DatabaseTooNew(found=rev, supported=SCHEMA_HEAD)
    if db.path is not None:
        make_backup(db.path, reason=f"before-migration-{rev}")
    log.info("migrating %s from %s to %s", db.label, rev, SCHEMA_HEAD)
    upgrade(db)


def ensure_server_schema(db: Migratable, *, create: bool) -> None:
    """At head: nothing to do. Empty and ``create``: build the schema (a superuser or the owner role does
    this, through ``server init``). Older: the app role cannot migrate; refused with what to do."""
    from quzhou_desktop.store.dialects.postgres import (
        ServerNeedsUpgrade,
        ServerNotInitialised,
        current_revision,
    )

    with db.write_engine.connect() as conn:
        rev, has_tables = current_revision(conn)
        database = conn.exec_driver_sql("SELECT current_database()").scalar()
        conn.rollback()
    if rev == SCHEMA_HEAD:
        return
    if rev is None:
        if has_tables:
            raise NotADatabase(path=db.label)
        if not create:
            raise ServerNotInitialised(database=str(database))
        upgrade(db)
        return
    if rev not in known_revisions():
        raise DatabaseTooNew(found=rev, supported=SCHEMA_HEAD)
    raise ServerNeedsUpgrade(found=rev, supported=SCHEMA_HEAD)
