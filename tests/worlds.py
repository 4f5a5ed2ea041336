"""The ``world`` fixture's database, made once per test session and engine and then handed out as copies.

Setting up a township (``make_world``: the schema, the administrator's password hash, the signing key sealed
with Argon2id, the site key) costs about a second per test; copying what it left costs milliseconds. The
first ``world`` of a session runs ``make_world`` for real into a seed; each test then gets

- SQLite: a copy of the seed's file;
- PostgreSQL: the session's work database emptied and filled again with the seed's rows (``TRUNCATE`` and
  ``COPY``, as the server's superuser, triggers off for that session), instead of a new database per test
  (``CREATE DATABASE`` alone takes about a second). A test that changed the schema itself (a trigger dropped
  or a function replaced behind the app's back) leaves a different catalog fingerprint, and the work
  database is then made again from the template;

and a data folder of its own holding a copy of the seed's site key (``QUZHOU_DATA_DIR``), so no two tests
share an anchor journal. The world is what ``make_world`` returns: the same township, ids and clock.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from quzhou_desktop.services.kernel.auth import load_current_user
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.models import Base, UserAccount, Village
from tests import pg
from tests.support.world import START, FixedClock, World, make_world

_SCHEMA_FINGERPRINT = (
    "SELECT string_agg(x, '|' ORDER BY x) FROM ("
    "SELECT tgname::text || tgenabled::text || pg_get_triggerdef(oid) AS x FROM pg_trigger WHERE NOT tgisinternal "
    "UNION ALL SELECT proname::text || md5(prosrc) FROM pg_proc WHERE pronamespace = 'public'::regnamespace "
    "UNION ALL SELECT conname::text || condeferrable::text FROM pg_constraint "
    "WHERE connamespace = 'public'::regnamespace "
    "UNION ALL SELECT relname::text || relkind::text FROM pg_class WHERE relnamespace = 'public'::regnamespace) s"
)


@dataclass
class _Seed:
    data_dir: Path  # the seed world's data folder (its site key)
    admin_id: str
    village_ids: list[str]
    file: Path | None = None  # SQLite: the seed's database file
    rows: dict[str, bytes] | None = None  # PostgreSQL: each table's rows as COPY text
    work: str | None = None  # PostgreSQL: the session's work database
    fingerprint: str = ""


_seeds: dict[str, _Seed] = {}
_root: Path | None = None


def _session_dir() -> Path:
    global _root
    if _root is None:
        _root = Path(tempfile.mkdtemp(prefix="qz-worlds-"))
    return _root


def _with_data_dir(folder: Path, make: Any) -> Any:
    before = os.environ.get("QUZHOU_DATA_DIR")
    os.environ["QUZHOU_DATA_DIR"] = str(folder)
    try:
        return make()
    finally:
        if before is None:
            os.environ.pop("QUZHOU_DATA_DIR", None)
        else:
            os.environ["QUZHOU_DATA_DIR"] = before


def _tables() -> list[str]:
    return [t.name for t in Base.metadata.sorted_tables] + ["alembic_version"]


def _seed(engine: str) -> _Seed:
    if engine in _seeds:
        return _seeds[engine]
    root = _session_dir() / engine
    data = root / "data"
    data.mkdir(parents=True)
    if engine == "sqlite":
        file = root / "seed.sqlite3"
        w = _with_data_dir(data, lambda: make_world(file))
        seed = _Seed(data, w.admin.require_user().id, list(w.village_ids), file=file)
        w.db.dispose()
    else:
        c = pg.cluster()
        name = c.fresh_database()
        w = _with_data_dir(data, lambda: make_world(c.app_url(name)))
        seed = _Seed(data, w.admin.require_user().id, list(w.village_ids))
        w.db.dispose()
        import psycopg

        rows: dict[str, bytes] = {}
        with psycopg.connect(c.admin_url(name)) as conn:
            for table in _tables():
                buf = bytearray()
                with conn.cursor().copy(f'COPY "{table}" TO STDOUT') as cp:
                    for block in cp:
                        buf += block
                rows[table] = bytes(buf)
            seed.fingerprint = _fingerprint(conn)
        seed.rows, seed.work = rows, name
    _seeds[engine] = seed
    return seed


def _fingerprint(conn: Any) -> str:
    value = conn.execute(_SCHEMA_FINGERPRINT).fetchone()[0] or ""
    return hashlib.sha256(value.encode()).hexdigest()


def _refill(seed: _Seed) -> str:
    """The work database holding exactly the seed's rows again (made anew when a test changed its schema)."""
    import psycopg

    c = pg.cluster()
    assert seed.work is not None and seed.rows is not None
    with psycopg.connect(c.admin_url("postgres"), autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (seed.work,),
        )
    with psycopg.connect(c.admin_url(seed.work)) as conn:
        changed = _fingerprint(conn) != seed.fingerprint
    if changed:
        c.drop(seed.work)
        seed.work = c.fresh_database()
    with psycopg.connect(c.admin_url(seed.work)) as conn:
        conn.execute("SET session_replication_role = replica")  # no trigger, no foreign key check
        conn.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in _tables()))
        for table, data in seed.rows.items():
            if data:
                with conn.cursor().copy(f'COPY "{table}" FROM STDIN') as cp:
                    cp.write(data)
        for table, column, seq_name in conn.execute(
            # the sequences owned by columns of the public schema's tables (from the catalog: a function over
            # information_schema.columns may be evaluated for other schemas' rows before the filter)
            "SELECT t.relname, a.attname, s.oid::regclass::text FROM pg_class s "
            "JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass "
            "AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') "
            "JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace n ON n.oid = t.relnamespace "
            "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid "
            "WHERE s.relkind = 'S' AND n.nspname = 'public'"
        ).fetchall():
            found = conn.execute(f'SELECT max("{column}") FROM "{table}"').fetchone()
            top = None if found is None else found[0]
            conn.execute("SELECT setval(%s, %s, %s)", (seq_name, top or 1, top is not None))
        if changed:
            seed.fingerprint = _fingerprint(conn)
    return c.app_url(seed.work)


def fresh_world(engine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    """A world as ``make_world`` makes it, from the session's seed."""
    seed = _seed(engine)
    data = tmp_path / "data"
    shutil.copytree(seed.data_dir, data, dirs_exist_ok=True)
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(data))
    if engine == "sqlite":
        assert seed.file is not None
        target: Path | str = tmp_path / "test.sqlite3"
        with sqlite3.connect(seed.file) as src, sqlite3.connect(target) as dest:
            src.backup(dest)
        src.close()
        dest.close()
    else:
        target = _refill(seed)
    db = Database(target)
    clock = FixedClock(START)
    ctx = AppContext(db, clock=clock)
    ctx.user = load_current_user(ctx, seed.admin_id)
    with db.read() as s:
        assert s.scalar(select(UserAccount.id).where(UserAccount.id == seed.admin_id)) is not None
        assert set(s.scalars(select(Village.id))) >= set(seed.village_ids)
    return World(db, ctx, list(seed.village_ids), clock)


def drop_seeds() -> None:
    """At the end of the session."""
    global _root
    for engine, seed in list(_seeds.items()):
        if engine == "postgresql" and seed.work is not None:
            try:
                pg.cluster().drop(seed.work)
            except Exception:  # the cluster may be gone already
                pass
    _seeds.clear()
    if _root is not None:
        shutil.rmtree(_root, ignore_errors=True)
        _root = None
