"""``server upgrade`` of a database a release before signing keys left (schema 0003) to the newest schema:
migration 0004 digests the password hashes out of the audit log on the server too (as the owner role, the
append-only triggers switched off for the rewrite and on again), appends its redaction entry, and ``verify``
then passes; 0005, 0006 and 0007 add their tables in the server's forms."""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from quzhou_desktop.store.audit.verify import verify_all
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.dialects.postgres import server_url
from quzhou_desktop.store.models import Base
from quzhou_desktop.store.schema import SCHEMA_HEAD
from quzhou_desktop.store.server.roles import (
    ServerNames,
    admin_connection,
    create_database,
    migrate_as_owner,
    prepare_schema,
    q,
)
from tests.pg import TEMPLATE, Cluster, cluster
from tests.store.schema_fixtures import fixture_path

_n = itertools.count(1)


def copy_fixture(revision: str, conn: psycopg.Connection[Any]) -> None:
    """The rows of the SQLite fixture of ``revision`` into the server database (its tables as they were then)."""
    src = sqlite3.connect(f"file:{fixture_path(revision)}?mode=ro", uri=True)
    try:
        present = {r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        for table in Base.metadata.sorted_tables:
            if table.name not in present:
                continue
            cols = [r[1] for r in src.execute(f'PRAGMA table_info("{table.name}")')]
            names = ", ".join(f'"{c}"' for c in cols)
            with conn.cursor() as cur, cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as cp:
                for row in src.execute(f'SELECT {names} FROM "{table.name}"'):
                    cp.write_row(row)
    finally:
        src.close()


@pytest.fixture
def old_server() -> Iterator[tuple[Cluster, ServerNames]]:
    """A server database at schema 0003 holding the 0003 fixture's township."""
    c = cluster()
    c.ensure_template()  # the roles
    names = ServerNames(f"qz_up{os.getpid()}_{next(_n)}", TEMPLATE.owner, TEMPLATE.app)
    with admin_connection(c.url) as conn:
        create_database(conn, names)
    with admin_connection(c.url, names.database) as conn:
        prepare_schema(conn, names)
    migrate_as_owner(c.url, names, target="0003")
    with psycopg.connect(c.admin_url(names.database)) as conn:
        conn.execute(f"SET ROLE {q(names.owner)}")
        copy_fixture("0003", conn)
    yield c, names
    c.drop(names.database)


def _audit(c: Cluster, names: ServerNames) -> list[tuple[Any, ...]]:
    with psycopg.connect(c.admin_url(names.database)) as conn:
        return conn.execute(
            "SELECT seq, entity, before_json, after_json, hash FROM audit_log ORDER BY seq"
        ).fetchall()


def test_upgrade_from_0003_redacts_the_password_hashes_and_verifies(
    old_server: tuple[Cluster, ServerNames],
) -> None:
    c, names = old_server
    before = _audit(c, names)
    hashes_before = [r for r in before if r[1] == "user_account" and "scrypt$" in (r[3] or "")]
    assert hashes_before, "the fixture records account states with their password hashes"

    migrate_as_owner(c.url, names)  # what `server upgrade` runs

    after = _audit(c, names)
    assert len(after) == len(before) + 1
    _seq, entity, _b, doc_text, _h = after[-1]
    assert entity == "audit_log#redaction"
    doc = json.loads(doc_text)
    listed = {e[0] for e in doc["entries"]}
    assert {r[0] for r in hashes_before} <= listed
    assert not any("scrypt$" in (r[2] or "") + (r[3] or "") for r in after)  # no hash left in any entry
    assert [r[4] for r in after[:-1]] == [r[4] for r in before]  # every entry keeps its chained hash

    db = Database(c.app_url(names.database))  # the office PCs' login opens it at head
    try:
        with db.read_engine.connect() as conn:
            assert verify_all(conn) == []
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == SCHEMA_HEAD
    finally:
        db.dispose()
    # the triggers are back on, and the new tables have the server's forms
    engine = create_engine(server_url(c.admin_url(names.database)), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            states: dict[str, str] = dict(
                conn.exec_driver_sql(
                    "SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass "
                    "AND NOT tgisinternal"
                ).all()
            )
            assert states == {
                "audit_log_no_update": "O",
                "audit_log_no_delete": "O",
                "audit_log_no_truncate": "O",
            }
            varchar = conn.exec_driver_sql(
                "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' "
                "AND table_name IN ('signing_key', 'signed_act', 'exchange_site', 'peer_key', 'peer_act') "
                "AND data_type = 'character varying'"
            ).scalar()
            assert varchar == 0
            peer_tables = conn.exec_driver_sql(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' "
                "AND table_name IN ('peer_key', 'peer_act')"
            ).scalar()
            assert peer_tables == 2  # 0007's tables, made by the upgrade
            stiff = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND NOT condeferrable"
            ).scalar()
            assert stiff == 0
    finally:
        engine.dispose()


def test_the_application_role_cannot_run_the_redaction(old_server: tuple[Cluster, ServerNames]) -> None:
    """The rewrite needs the owner: the office PCs' login can neither update the log nor switch a trigger."""
    c, names = old_server
    with psycopg.connect(c.app_url(names.database)) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update")
