"""Migrations: together they build exactly the models' schema; each is frozen (imports nothing from the
package, and 0003's copy of the audit chain writes the very bytes the live chain code writes); the start-up
fast path knows head. Old databases: tests/store/test_schema_fixtures.py and tests/gui/shell/test_old_databases.py.
"""

from __future__ import annotations

import ast
import importlib.util
import shutil
import sqlite3
import sys
from datetime import date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from quzhou_desktop.store.db import Database
from quzhou_desktop.store.models import Base
from quzhou_desktop.store.schema import MIGRATIONS_DIR, SCHEMA_HEAD
from tests.store import schema_fixtures
from tests.support.world import World

VERSIONS = sorted(p for p in (MIGRATIONS_DIR / "versions").glob("*.py") if p.name != "__init__.py")
# What a frozen file may import: the standard library, Alembic and SQLAlchemy.
ALLOWED = {"__future__", "alembic", "sqlalchemy"} | set(sys.stdlib_module_names)

pytestmark = pytest.mark.sqlite_only  # SQLite files; the server's own: tests/server


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


def test_a_0001_database_with_data_is_backed_up_and_upgraded(tmp_path: Path) -> None:
    """A file made by the first release (schema 0001) opens: backed up, migrated, its rows untouched."""
    import sqlite3

    from quzhou_desktop.store.backup import list_backups
    from quzhou_desktop.store.schema import upgrade

    f = tmp_path / "old.sqlite3"
    old = Database(f, create=True, migrate=False)
    upgrade(old, "0001")
    old.dispose()
    con = sqlite3.connect(f)
    con.execute(
        "INSERT INTO township (id, name, rules_json, created_at, row_version) VALUES ('t1', '石梁镇', '{}', '2026-01-01', 1)"
    )
    con.commit()
    assert "ix_voucher_import_key" in {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    con.close()

    db = Database(f)
    with db.write_engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == SCHEMA_HEAD
        names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
        assert conn.exec_driver_sql("SELECT name FROM township").scalar() == "石梁镇"
    db.dispose()
    assert "ix_voucher_import_key" not in names
    assert any(b.reason == "before-migration-0001" for b in list_backups(f))


def test_0003_gives_existing_events_their_village_and_audits_the_new_states(world: World) -> None:
    """Events written before 0003 get their voucher's village; verify stays clean because the migration records
    every event's new state in chained batch entries."""
    import sqlite3

    from alembic import command
    from alembic.config import Config

    from quzhou_desktop.services.vouchers.flow import review_voucher
    from quzhou_desktop.store.audit.verify import verify_all
    from quzhou_desktop.store.schema import MIGRATIONS_DIR as DIR
    from tests.support.vouchers import make_voucher_village
    from tests.support.world import PASSWORD

    v = make_voucher_village(world)
    vid = v.submitted(120_000, number="001")
    review_voucher(v.member1, vid, "agree", "票据齐全", PASSWORD)
    cfg = Config()
    cfg.set_main_option("script_location", str(DIR))
    with world.db.write_engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    world.db.dispose()
    with sqlite3.connect(world.path) as con:
        assert "village_id" not in [r[1] for r in con.execute("PRAGMA table_info(voucher_event)")]

    db = Database(world.db.path)  # opening migrates (after a backup)
    with db.read_engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT e.village_id, v.village_id FROM voucher_event e JOIN voucher v ON v.id = e.voucher_id"
        ).all()
        assert len(rows) == 2 and all(a == b == v.vid for a, b in rows)
        entry = conn.exec_driver_sql(
            "SELECT action, username, reason FROM audit_log WHERE entity = 'voucher_event#batch'"
        ).one()
        assert entry[0] == "schema.upgrade" and entry[1] == "system" and "0003" in entry[2]
        # the downgrade below 0004 dropped the keys and signed acts (their audit entries stay): nothing else
        assert {p.entity for p in verify_all(conn)} <= {"signed_act", "signing_key"}
    db.dispose()


# -- frozen migrations ----------------------------------------------------------------------------------------


def _imports(path: Path) -> list[str]:
    """Every module ``path`` imports (anywhere, also inside functions), relative imports as ".name"."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__"):
                found.append(str(node.args[0].value))
    return found


GENERATOR = sorted(Path(schema_fixtures.__file__).parent.glob("*.py"))


@pytest.mark.parametrize("path", [*VERSIONS, *GENERATOR], ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_frozen_files_import_nothing_from_the_package(path: Path) -> None:
    """A migration (and the fixture generator) runs the same in every later release: it may use the standard
    library, Alembic and SQLAlchemy (the generator also its own modules, and ``cryptography`` to sign as
    schema 0004 and 0006 do), never quzhou_desktop (models, audit helpers, services, core)."""
    imported = _imports(path)
    own = "tests.store.schema_fixtures"
    assert imported, "the check must see the file's imports"
    generator_may = (own, "cryptography")
    offenders = [
        m
        for m in imported
        if m.startswith(".")
        or (m.split(".")[0] not in ALLOWED and not (path in GENERATOR and m.startswith(generator_may)))
    ]
    assert offenders == []


def test_the_import_check_catches_a_late_import(tmp_path: Path) -> None:
    bad = tmp_path / "0099_bad.py"
    bad.write_text(
        "import json\n\ndef upgrade():\n    from quzhou_desktop.store.audit.chain import canonical\n"
        "    importlib.import_module('quzhou_desktop.store.models')\n    from . import sibling\n"
    )
    flagged = {m for m in _imports(bad) if m.split(".")[0] not in ALLOWED or m.startswith(".")}
    assert flagged == {"quzhou_desktop.store.audit.chain", "quzhou_desktop.store.models", "."}


@pytest.mark.parametrize("path", VERSIONS, ids=lambda p: p.stem)
def test_each_migration_says_what_it_does_and_that_it_is_frozen(path: Path) -> None:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    assert "Frozen:" in doc and "Revision ID: " + path.name[:4] in doc


def test_downgrade_to_nothing_and_up_again_builds_the_same_schema(tmp_path: Path) -> None:
    def schema(path: Path) -> list[tuple[str, str, str | None]]:
        with sqlite3.connect(path) as con:
            return con.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()

    fresh, cycled = tmp_path / "fresh.sqlite3", tmp_path / "cycled.sqlite3"
    schema_fixtures.migrate(fresh, "head")
    schema_fixtures.migrate(cycled, "head")
    _alembic(cycled, "downgrade", "base")
    assert sorted(n for _t, n, _s in schema(cycled)) == [
        "alembic_version",
        "sqlite_autoindex_alembic_version_1",
    ]
    schema_fixtures.migrate(cycled, "head")
    assert schema(cycled) == schema(fresh)


def _alembic(path: Path, verb: str, target: str) -> None:
    engine = sa.create_engine(f"sqlite:///{path}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, verb)(cfg, target)
    engine.dispose()


# -- 0003's copy of the audit chain against the live one -----------------------------------------------------


def _migration_0003() -> ModuleType:
    path = next(p for p in VERSIONS if p.name.startswith("0003_"))
    spec = importlib.util.spec_from_file_location("migration_0003_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _live_record_new_states(conn: sa.Connection, *, when: datetime, batch: int, reason: str) -> None:
    """What 0003 wrote before it was frozen, through the live ``store.audit`` helpers."""
    from quzhou_desktop.store.audit.batch import append_batch, batch_json
    from quzhou_desktop.store.audit.chain import SYSTEM, norm_value

    table = sa.Table("voucher_event", sa.MetaData(), autoload_with=conn)
    columns = [c.name for c in table.columns]
    last = ""
    while True:
        rows = conn.execute(sa.select(table).where(table.c.id > last).order_by(table.c.id).limit(batch)).all()
        if not rows:
            return
        first, last = rows[0].id, rows[-1].id
        append_batch(
            conn,
            SYSTEM,
            action="schema.upgrade",
            table="voucher_event",
            first_id=first,
            after_json=batch_json(columns, {}, [[norm_value(v) for v in r] for r in rows]),
            reason=reason,
            when=when,
        )


def _at_0002_with_the_new_column(tmp_path: Path, name: str) -> Path:
    """A copy of the 0002 fixture with 0003's schema change applied (its states not yet recorded)."""
    path = tmp_path / name
    shutil.copyfile(schema_fixtures.fixture_path("0002"), path)
    with sqlite3.connect(path) as con:
        con.execute("ALTER TABLE voucher_event ADD COLUMN village_id VARCHAR(36)")
        con.execute(
            "UPDATE voucher_event SET village_id = "
            "(SELECT voucher.village_id FROM voucher WHERE voucher.id = voucher_event.voucher_id)"
        )
        # one more event written in the odd ways a hand-made row can be: a date without time, an empty text
        con.execute(
            "INSERT INTO voucher_event (voucher_id, kind, opinion, text, user_id, person_id, actor_name, actor_role,"
            " at, signature, id, created_at, row_version, village_id) SELECT id, 'review', 'correct', '', NULL, NULL,"
            " '刘丽华', '村监会委员', '2026-10-19', NULL, 'ffffffff-0000-4000-8000-000000000000',"
            " '2026-10-19 08:30:00.000000', 1, village_id FROM voucher WHERE number = '001'"
        )
    return path


def _audit_rows(path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as con:
        return con.execute("SELECT * FROM audit_log ORDER BY seq").fetchall()


@pytest.mark.parametrize("batch", [1, 2, 5000])
def test_0003_writes_the_same_bytes_as_the_live_audit_chain(tmp_path: Path, batch: int) -> None:
    """The frozen copy in 0003 and the live store.audit code append byte-identical entries (time, states,
    hashes) to the same chain, in batches of any size."""
    m = _migration_0003()
    when = datetime(2026, 12, 4, 9, 30, 15, 123456)
    frozen, live = (
        _at_0002_with_the_new_column(tmp_path, "a.sqlite3"),
        _at_0002_with_the_new_column(tmp_path, "b.sqlite3"),
    )
    before = len(_audit_rows(frozen))
    for path, run in [
        (frozen, lambda c: m.record_new_states(c, when=when, batch=batch)),
        (live, lambda c: _live_record_new_states(c, when=when, batch=batch, reason=m.REASON)),
    ]:
        engine = sa.create_engine(f"sqlite:///{path}")
        with engine.begin() as conn:
            run(conn)
        engine.dispose()
    written = _audit_rows(frozen)
    events = 3  # two from the fixture, one added above
    assert len(written) - before == -(-events // batch)
    assert written == _audit_rows(live)
    assert all(r[5] == "voucher_event#batch" and r[3] == "system" for r in written[before:])


def test_0003_copied_values_equal_the_live_ones() -> None:
    """canonical_value, batch_json and entry_hash against store.audit on awkward values."""
    from quzhou_desktop.store.audit.batch import batch_json
    from quzhou_desktop.store.audit.chain import entry_hash, norm_value

    m = _migration_0003()
    values: list[Any] = [
        None, True, False, 0, -7, 2**62, "", "村监会\n\"引号\"\\ \u2028 \U0001f600", "a\x00b",
        date(2026, 1, 2), datetime(2026, 1, 2), datetime(2026, 1, 2, 3, 4, 5, 6), b"\x00\xff", 1.5,
    ]  # fmt: skip
    assert [m.canonical_value(v) for v in values] == [norm_value(v) for v in values]
    rows = [[norm_value(v) for v in values], [norm_value(v) for v in reversed(values)]]
    columns = [f"c{i}" for i in range(len(values))]
    assert m.batch_json(columns, rows) == batch_json(columns, {}, rows)
    fields: dict[str, Any] = dict(
        seq=12, ts="2026-12-04 09:30:15.123456", user_id=None, username="system", action="schema.upgrade",
        entity="voucher_event#batch", entity_id="ab", before_json=None, after_json=m.batch_json(columns, rows),
        reason=m.REASON, prev_hash="0" * 64,
    )  # fmt: skip
    assert m.entry_hash(*fields.values()) == entry_hash(**fields)
