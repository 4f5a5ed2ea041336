"""PostgreSQL for the tests: a throwaway cluster, a template database at schema head, and one fresh database
per test, connected as the least-privilege application role.

The cluster's superuser address comes from ``QUZHOU_TEST_PG`` (``scripts/pg-test-cluster start DIR`` prints
it; .ci/run exports it). Without it, a private cluster is started in a temporary folder when PostgreSQL's
programs are installed, and stopped at the end of the session. With ``QUZHOU_REQUIRE_PG=1`` (CI) a missing
PostgreSQL fails the run instead of skipping the PostgreSQL half of the tests.

tests/conftest.py wires this in: ``db_engine`` is "sqlite" or "postgresql"; ``db_target(tmp_path,
db_engine)`` gives what ``Database`` opens (a file path or an address). Tests under ``BOTH_ENGINES`` that use
the ``world`` fixture (or ``db_target``) run once per engine; a test marked ``sqlite_only`` runs on SQLite
alone (it handles the file itself).
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from quzhou_desktop.store.db import Database
from quzhou_desktop.store.server.roles import (
    ServerNames,
    admin_connection,
    create_server_database,
    q,
    with_database,
)

ROOT = Path(__file__).resolve().parent.parent
# The store, services (exchange included) and server suites run on both engines; GUI, CLI, printing and
# spreadsheets suites run on SQLite alone (what they add is not the engine's).
BOTH_ENGINES = ("tests/store", "tests/services", "tests/server")
ENGINES = ("sqlite", "postgresql")
TEMPLATE = ServerNames(
    f"qz_tmpl_{os.getpid()}", "qz_owner", "qz_app"
)  # per session: sessions may share a cluster
_counter = itertools.count(1)


# Inside those suites, tests where the engine does not matter run on SQLite alone (each PostgreSQL case costs
# a fresh database from the template: about a second), so CI stays short:
SQLITE_ONLY = (
    "tests/services/test_permissions.py",  # the refusals come before any query
    "tests/services/disclosures/test_cadence.py",  # due-date arithmetic over a handful of plain rows
)


def runs_on_both(path: Path) -> bool:
    rel = path.resolve().relative_to(ROOT).as_posix()
    return rel.startswith(BOTH_ENGINES) and not rel.startswith(SQLITE_ONLY)


def _required() -> bool:
    return os.environ.get("QUZHOU_REQUIRE_PG") == "1"


class Cluster:
    """The superuser address of a running cluster, and the template database in it."""

    def __init__(self, url: str, own_dir: Path | None) -> None:
        self.url = url
        self.own_dir = own_dir
        self.template_ready = False

    def ensure_template(self) -> None:
        if self.template_ready:
            return
        self.drop(TEMPLATE.database)
        create_server_database(self.url, TEMPLATE, app_password="qz-app-pass-1")
        self.template_ready = True

    def fresh_database(self) -> str:
        """A new database copied from the template; returns its name."""
        self.ensure_template()
        name = f"qz_t{os.getpid()}_{next(_counter)}"
        with admin_connection(self.url) as conn:
            conn.exec_driver_sql(
                f"CREATE DATABASE {q(name)} TEMPLATE {q(TEMPLATE.database)} OWNER {q(TEMPLATE.owner)}"
            )
            conn.exec_driver_sql(f"REVOKE ALL ON DATABASE {q(name)} FROM PUBLIC")
            conn.exec_driver_sql(f"GRANT CONNECT, TEMPORARY ON DATABASE {q(name)} TO {q(TEMPLATE.app)}")
        return name

    def drop(self, name: str) -> None:
        with admin_connection(self.url) as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {q(name)} WITH (FORCE)")

    def app_url(self, name: str) -> str:
        return with_database(self.url, name, user=TEMPLATE.app)

    def admin_url(self, name: str) -> str:
        return with_database(self.url, name)

    def stop(self) -> None:
        if self.template_ready:
            self.drop(TEMPLATE.database)
        if self.own_dir is not None:
            subprocess.run(
                [str(ROOT / "scripts" / "pg-test-cluster"), "stop", str(self.own_dir)], check=False
            )
            shutil.rmtree(self.own_dir, ignore_errors=True)


_cluster: Cluster | None = None
_unavailable: str | None = None


def cluster() -> Cluster:
    """The session's cluster (started on first use); skips, or fails under QUZHOU_REQUIRE_PG=1, without one."""
    global _cluster, _unavailable
    if _cluster is not None:
        return _cluster
    if _unavailable is None:
        url = os.environ.get("QUZHOU_TEST_PG")
        own: Path | None = None
        if not url:
            own = Path(tempfile.mkdtemp(prefix="qz-pg-"))
            proc = subprocess.run(
                [str(ROOT / "scripts" / "pg-test-cluster"), "start", str(own)],
                capture_output=True,
                text=True,
                check=False,
            )
            if proc.returncode != 0:
                shutil.rmtree(own, ignore_errors=True)
                _unavailable = proc.stderr.strip() or "PostgreSQL is not installed"
            else:
                url = proc.stdout.strip().splitlines()[-1]
        if _unavailable is None and url:
            _cluster = Cluster(url, own)
            return _cluster
    message = f"PostgreSQL unavailable: {_unavailable}"
    if _required():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def stop_cluster() -> None:
    global _cluster
    if _cluster is not None:
        _cluster.stop()
        _cluster = None


@pytest.fixture
def pg_database() -> Iterator[tuple[Cluster, str]]:
    """(cluster, name) of a fresh database at schema head; dropped afterwards."""
    c = cluster()
    name = c.fresh_database()
    yield c, name
    c.drop(name)


def db_target(
    request: pytest.FixtureRequest, tmp_path: Path, engine: str, name: str = "test.sqlite3"
) -> str | Path:
    """What ``Database`` opens for this test: a new SQLite file (``name``), or a new server database at schema
    head (app role)."""
    if engine == "sqlite":
        return tmp_path / name
    c = cluster()
    name = c.fresh_database()
    request.addfinalizer(lambda: c.drop(name))
    return c.app_url(name)


def parametrize_engines(metafunc: pytest.Metafunc) -> None:
    """pytest_generate_tests: ``db_engine`` over both engines for the suites that run on both."""
    if "db_engine" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("sqlite_only") or not runs_on_both(metafunc.definition.path):
        return
    metafunc.parametrize("db_engine", ENGINES, indirect=True)


class _Row(tuple[Any, ...]):
    """A row read by index or by column name, like ``sqlite3.Row``."""

    names: tuple[str, ...] = ()

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self.names.index(key))
        return tuple.__getitem__(self, key)

    def keys(self) -> tuple[str, ...]:
        return self.names


def _row_factory(cursor: Any) -> Any:
    names = tuple(d.name for d in cursor.description or ())

    def make(values: Any) -> _Row:
        row = _Row(values)
        row.names = names
        return row

    return make


def target_of(db: Database) -> Path | str:
    """What ``Database`` opens to reach ``db`` again: its file, or its server address."""
    if db.server_url is not None:
        return db.server_url
    assert db.path is not None
    return db.path


class RawServerConnection:
    """What a forger with the server's superuser login could do, shaped like ``sqlite3.connect(path)`` so
    the tampering tests read the same on both engines: ``?`` parameters, ``execute``/``commit``/``close``. Runs with ``session_replication_role = replica``, which switches
    off triggers and foreign keys for this session only (superusers alone may)."""

    def __init__(self, url: str) -> None:
        import psycopg

        self._conn = psycopg.connect(
            url.replace("postgresql+psycopg://", "postgresql://"), row_factory=_row_factory
        )
        self._conn.execute("SET session_replication_role = replica")
        self.row_factory: object = (
            None  # (sqlite3's attribute: rows here are read by index and by name always)
        )

    def execute(self, sql: str, params: tuple[object, ...] = ()) -> object:
        if sql.startswith("DROP TRIGGER ") and " ON " not in sql:
            return None  # SQLite's spelling: replica mode has switched them off already
        sql = sql.replace("%", "%%").replace("?", "%s")
        return self._conn.execute(sql.encode(), params)

    def commit(self) -> None:
        self._conn.commit()

    def close(self) -> None:
        self._conn.close()


def raw_connection(db: Database) -> Any:
    """A connection behind the app's back: the SQLite file itself, or the server as its superuser."""
    import sqlite3

    from sqlalchemy.engine import make_url

    server = db.server_url
    if server is None:
        assert db.path is not None, "an in-memory database has no file"
        return sqlite3.connect(db.path)
    name = make_url(server).database
    assert name is not None
    return RawServerConnection(cluster().admin_url(name))
