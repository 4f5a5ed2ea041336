"""The server's roles: the application role may add to the audit log but never rewrite it, nor switch off
the triggers that guard it; ``verify`` notices a guard that a superuser removed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from quzhou_desktop.store.audit.verify import verify_all
from quzhou_desktop.store.db import Database
from tests.pg import TEMPLATE, Cluster


@pytest.fixture
def app_conn(pg_database: tuple[Cluster, str]) -> Iterator[psycopg.Connection[Any]]:
    from tests.support.world import make_world

    c, name = pg_database
    make_world(c.app_url(name)).db.dispose()  # a township, so audit_log has entries
    conn = psycopg.connect(c.app_url(name), autocommit=True)
    yield conn
    conn.close()


@pytest.mark.parametrize(
    ("sql", "refusal"),
    [
        ("UPDATE audit_log SET action = 'x' WHERE seq = 1", "permission denied"),
        ("DELETE FROM audit_log WHERE seq = 1", "permission denied"),
        ("TRUNCATE audit_log", "permission denied"),
        ("DROP TRIGGER audit_log_no_update ON audit_log", "must be owner"),
        ("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_delete", "must be owner"),
        ("DROP TABLE audit_log", "must be owner"),
        ("SET session_replication_role = replica", "permission denied"),
        ("DELETE FROM person", "permission denied"),  # the app deletes nothing, so it may not
        ("CREATE TABLE mine (x int)", "permission denied"),
        ("UPDATE alembic_version SET version_num = '9999'", "permission denied"),
    ],
)
def test_application_role_cannot_rewrite_history(
    app_conn: psycopg.Connection[Any], sql: str, refusal: str
) -> None:
    with pytest.raises(psycopg.Error, match=refusal):
        app_conn.execute(sql)
    entries = app_conn.execute("SELECT count(*) FROM audit_log").fetchone()
    assert entries is not None and entries[0] > 0


def test_application_role_may_append_and_read(app_conn: psycopg.Connection[Any]) -> None:
    assert app_conn.execute("SELECT has_table_privilege('audit_log', 'INSERT')").fetchone() == (True,)
    assert app_conn.execute("SELECT has_table_privilege('audit_log', 'SELECT')").fetchone() == (True,)
    assert app_conn.execute("SELECT current_user").fetchone() == (TEMPLATE.app,)


@pytest.mark.parametrize(
    "sql", ["UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"]
)
def test_triggers_refuse_even_the_owner(pg_database: tuple[Cluster, str], sql: str) -> None:
    c, name = pg_database
    with psycopg.connect(c.admin_url(name)) as conn:
        conn.execute(
            "INSERT INTO audit_log (seq, ts, action, entity, entity_id, prev_hash, hash) "
            "VALUES (1, now(), 'a', 'e', 'i', 'p', 'h')"
        )
        conn.execute(f"SET ROLE {TEMPLATE.owner}")
        with pytest.raises(psycopg.Error, match="append-only"):
            conn.execute(sql)


def test_verify_reports_a_guard_removed_by_a_superuser(pg_database: tuple[Cluster, str]) -> None:
    c, name = pg_database
    with psycopg.connect(c.admin_url(name), autocommit=True) as conn:
        conn.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update")
        conn.execute("DROP TRIGGER audit_log_no_truncate ON audit_log")
    db = Database(c.app_url(name))
    try:
        with db.read_engine.connect() as conn:
            problems = verify_all(conn)
    finally:
        db.dispose()
    kinds = {(p.kind, p.message) for p in problems}
    assert any(k == "trigger" and "audit_log_no_update" in m and "停用" in m for k, m in kinds)
    assert any(k == "trigger" and "audit_log_no_truncate" in m and "已被删除" in m for k, m in kinds)


def test_verify_checks_the_indexes_with_amcheck(pg_database: tuple[Cluster, str]) -> None:
    """amcheck's index check runs as the app role (server init grants it); a clean database passes."""
    c, name = pg_database
    with psycopg.connect(c.app_url(name)) as conn:
        granted = conn.execute(
            "SELECT count(*) FROM pg_proc WHERE proname = 'bt_index_check' AND has_function_privilege(oid, 'EXECUTE')"
        ).fetchone()
    assert granted is not None and granted[0] >= 1
    db = Database(c.app_url(name))
    try:
        with db.read_engine.connect() as conn:
            assert verify_all(conn) == []
    finally:
        db.dispose()
