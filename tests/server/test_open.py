"""Opening a server database: each way it can go wrong gets its own Chinese message, and nothing is changed."""

from __future__ import annotations

import psycopg
import pytest

from quzhou_desktop.services.roster.people import PersonFields, add_person
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.dialects import CHAIN_LOCK_KEY, postgres
from quzhou_desktop.store.errors import DatabaseBusy, DatabaseTooNew
from tests.pg import TEMPLATE, Cluster, cluster
from tests.support.world import make_world


def test_an_empty_database_asks_for_server_init(request: pytest.FixtureRequest) -> None:
    c = cluster()
    name = "qz_tempty"
    c.drop(name)
    request.addfinalizer(lambda: c.drop(name))
    with psycopg.connect(c.admin_url("postgres"), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    with pytest.raises(postgres.ServerNotInitialised, match="server init"):
        Database(c.admin_url(name))


@pytest.mark.parametrize(
    ("revision", "error", "words"),
    [("0002", postgres.ServerNeedsUpgrade, "server upgrade"), ("9999", DatabaseTooNew, "更新版本")],
)
def test_an_older_or_newer_schema_is_refused_untouched(
    pg_database: tuple[Cluster, str], revision: str, error: type[Exception], words: str
) -> None:
    c, name = pg_database
    with psycopg.connect(c.admin_url(name)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = %s", (revision,))
    with pytest.raises(error, match=words):
        Database(c.app_url(name))
    with psycopg.connect(c.admin_url(name)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (revision,)


def test_an_unreachable_server_is_named() -> None:
    with pytest.raises(postgres.ServerUnreachable, match="无法连接单位服务器"):
        Database("postgresql://qz_app@127.0.0.1:9/quzhou?connect_timeout=2")


def test_a_writer_waiting_too_long_gets_the_busy_message(
    pg_database: tuple[Cluster, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    c, name = pg_database
    monkeypatch.setattr(postgres, "LOCK_TIMEOUT_MS", 300)
    w = make_world(c.app_url(name))
    holder = psycopg.connect(c.app_url(name))  # another PC in the middle of a long write
    holder.execute("SELECT pg_advisory_xact_lock(%s)", (CHAIN_LOCK_KEY,))
    try:
        with pytest.raises(DatabaseBusy, match="稍后重试"):
            add_person(w.admin, w.village_ids[0], PersonFields(name="等不及", gender="男"))
    finally:
        holder.rollback()
        holder.close()
    add_person(w.admin, w.village_ids[0], PersonFields(name="轮到了", gender="男"))  # the lock is free again
    w.db.dispose()


def test_the_password_is_never_shown(pg_database: tuple[Cluster, str]) -> None:
    c, name = pg_database
    address = c.app_url(name).replace(f"{TEMPLATE.app}@", f"{TEMPLATE.app}:secret-pass@")
    db = Database(address)
    try:
        assert (
            "secret-pass" not in db.label and db.server_url is not None and "secret-pass" not in db.server_url
        )
    finally:
        db.dispose()
    assert "secret-pass" not in postgres.without_password(address)
