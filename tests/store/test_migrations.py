"""Migrations: the initial migration builds exactly the models' schema; the start-up fast path knows head."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from quzhou_desktop.store.db import Database
from quzhou_desktop.store.models import Base
from quzhou_desktop.store.schema import MIGRATIONS_DIR, SCHEMA_HEAD
from tests.support.world import World


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
        assert verify_all(conn) == []
    db.dispose()
