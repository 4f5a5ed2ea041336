"""Open the SQLite file: checks with clear messages, pragmas, migrations, sessions for reads and writes.

A ``postgresql://`` address instead of a path opens a server database the same way (engines, lock and errors
in ``store.dialects.postgres``); everything above this module works the same on both.

Two engines over one file: reads use ordinary deferred transactions; writes use ``BEGIN IMMEDIATE`` so a
second app instance on the same file waits (busy timeout) instead of failing half-way with a stale snapshot.
Every write goes through ``Database.write`` which tags the session with the acting user and action; the audit
hook (``store.audit.hooks``) then chains every change in the same transaction.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.pool import StaticPool

from quzhou_desktop.store.audit.chain import Actor
from quzhou_desktop.store.audit.hooks import install_hooks
from quzhou_desktop.store.dialects import is_server_url
from quzhou_desktop.store.errors import (
    DatabaseBusy,
    DatabaseDirMissing,
    DatabaseMissing,
    DatabaseReadOnly,
    DiskFull,
    NotADatabase,
    RecordChanged,
)
from quzhou_desktop.store.schema import ensure_schema, ensure_server_schema, precheck_file

log = logging.getLogger(__name__)
BUSY_TIMEOUT_MS = 15000


class AuditedSession(Session):
    """Session class whose flushes append to the audit chain."""


install_hooks(AuditedSession)


def _set_pragmas(dbapi_conn: sqlite3.Connection, wal: bool) -> None:
    dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys = ON")
    if wal:
        cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = FULL")
    cur.close()


def _make_engine(url: str, *, wal: bool, begin: str, memory: bool) -> Engine:
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}}
    if memory:
        kwargs["poolclass"] = StaticPool
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _rec: Any) -> None:
        _set_pragmas(dbapi_conn, wal)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql(begin)

    return engine


def check_path(path: Path, *, create: bool) -> None:
    """Refuse early, in Chinese, a path that cannot work."""
    if path.exists():
        if path.is_dir():
            raise NotADatabase(path=str(path))
        with path.open("rb") as fh:
            head = fh.read(16)
        if head and head != b"SQLite format 3\x00":
            raise NotADatabase(path=str(path))
        if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
            raise DatabaseReadOnly(path=str(path))
        return
    if not create:
        raise DatabaseMissing(path=str(path))
    if not path.parent.exists():
        raise DatabaseDirMissing(path=str(path.parent))
    if not os.access(path.parent, os.W_OK):
        raise DatabaseReadOnly(path=str(path))


def translate_error(exc: BaseException, path: str) -> Exception | None:
    """Map a driver error to a Chinese ``DatabaseError`` (None if it is not one we know)."""
    orig = getattr(exc, "orig", exc)
    if type(orig).__module__.startswith("psycopg"):
        from quzhou_desktop.store.dialects.postgres import translate

        return translate(exc)
    msg = str(orig).lower()
    if "database or disk is full" in msg or "disk i/o error" in msg:
        return DiskFull(path=path)
    if "readonly" in msg or "read-only" in msg:
        return DatabaseReadOnly(path=path)
    if "database is locked" in msg or "database is busy" in msg:
        return DatabaseBusy()
    if "file is not a database" in msg or "malformed" in msg:
        return NotADatabase(path=path)
    return None


class Database:
    """One open database file (or ``:memory:``)."""

    def __init__(
        self,
        path: Path | str | None,
        *,
        create: bool = False,
        migrate: bool = True,
        password: str | None = None,
    ) -> None:
        self.server_url: str | None = None
        self.dialect = "sqlite"
        if is_server_url(path):
            assert isinstance(path, str)
            self._open_server(path, create=create, migrate=migrate, password=password)
            return
        if isinstance(path, str):
            path = Path(path)
        self.path = path
        self.memory = path is None
        label = ":memory:" if path is None else str(path)
        self.label = label
        if path is not None:
            check_path(path, create=create)
            if path.exists() and path.stat().st_size > 0:
                precheck_file(path)
            url = f"sqlite:///{path}"
        else:
            url = "sqlite://"
        try:
            self.write_engine = _make_engine(
                url, wal=not self.memory, begin="BEGIN IMMEDIATE", memory=self.memory
            )
            if self.memory:
                self.read_engine = self.write_engine
            else:
                self.read_engine = _make_engine(url, wal=True, begin="BEGIN", memory=False)
            if path is not None and os.name == "posix":
                with self.write_engine.connect() as conn:  # creates the file
                    conn.execute(text("SELECT 1"))
                try:
                    path.chmod(0o600)
                except OSError:
                    pass
            if migrate:
                ensure_schema(self)
        except SADatabaseError as exc:
            self.dispose()
            mapped = translate_error(exc, label)
            if mapped is not None:
                raise mapped from exc
            raise
        self._reader = sessionmaker(self.read_engine, class_=Session, expire_on_commit=False)
        self._writer = sessionmaker(self.write_engine, class_=AuditedSession, expire_on_commit=False)

    def _open_server(self, address: str, *, create: bool, migrate: bool, password: str | None) -> None:
        from quzhou_desktop.store.dialects import postgres

        self.path = None
        self.memory = False
        self.dialect = "postgresql"
        self.server_url = postgres.display_url(address)
        self.label = self.server_url
        try:
            self.write_engine, self.read_engine = postgres.make_engines(
                postgres.server_url(address, password=password)
            )
            if migrate:
                ensure_server_schema(self, create=create)
            else:
                with self.read_engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
        except SADatabaseError as exc:
            self.dispose()
            mapped = translate_error(exc, self.label)
            if mapped is not None:
                raise mapped from exc
            raise
        except Exception:
            self.dispose()
            raise
        self._reader = sessionmaker(self.read_engine, class_=Session, expire_on_commit=False)
        self._writer = sessionmaker(self.write_engine, class_=AuditedSession, expire_on_commit=False)

    def dispose(self) -> None:
        for name in ("write_engine", "read_engine"):
            eng = getattr(self, name, None)
            if eng is not None:
                eng.dispose()

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as s:
            try:
                yield s
            except (OperationalError, ProgrammingError) as exc:
                mapped = translate_error(exc, self.label)
                if mapped is not None:
                    raise mapped from exc
                raise

    @contextmanager
    def write(self, actor: Actor, action: str, *, reason: str | None = None) -> Iterator[Session]:
        """One atomic unit of work: commits on success, rolls back on any exception. Audited."""
        with self._writer() as s:
            s.info["actor"] = actor
            s.info["action"] = action
            s.info["reason"] = reason
            try:
                with s.begin():
                    yield s
            except StaleDataError as exc:  # a guard the services did not check: same message as theirs
                raise RecordChanged() from exc
            except (OperationalError, ProgrammingError) as exc:
                mapped = translate_error(exc, self.label)
                if mapped is not None:
                    raise mapped from exc
                raise

    @contextmanager
    def write_connection(self) -> Iterator[Any]:
        """A Core connection in one immediate transaction, for bulk inserts (caller appends audit entries)."""
        try:
            with self.write_engine.begin() as conn:
                yield conn
        except (OperationalError, ProgrammingError) as exc:
            mapped = translate_error(exc, self.label)
            if mapped is not None:
                raise mapped from exc
            raise
