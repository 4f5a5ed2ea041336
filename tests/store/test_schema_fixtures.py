"""The fixture databases of tests/fixtures/schema/: one per schema revision, each a small township as that
release left it (rows in every table, with their audit entries).

Every future migration adds its fixture. After writing ``NNNN_something.py``:

1. add ``"NNNN"`` to ``REVISIONS`` in tests/store/schema_fixtures.py and, if the new schema stores something
   new, teach ``build`` to write it from that revision on (older revisions must come out unchanged);
2. run ``.venv/bin/python -m tests.store.schema_fixtures`` (it writes only the missing file);
3. commit tests/fixtures/schema/NNNN.sqlite3 in a commit of its own.

Committed fixtures are never rewritten: they stand for databases users already have. The tests here keep the
set complete and prove the generator (and the frozen migrations it runs) still makes each file exactly;
tests/gui/shell/test_old_databases.py upgrades a copy of each to the newest schema, verifies it, checks that
nothing was lost and opens the main window on it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory

from quzhou_desktop.store.schema import MIGRATIONS_DIR
from tests.store import schema_fixtures
from tests.store.schema_fixtures import REVISIONS, fixture_path

# 0004 adds the keys and the signed acts (statements in the log too); 0005 eight tables; 0007 the peers' keys
# and acts (two tables, three indexes: a page each at least)
MAX_BYTES = 250 * 1024


def test_every_revision_has_its_fixture() -> None:
    """A new migration without its fixture fails here."""
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    in_order = [r.revision for r in reversed(list(script.walk_revisions()))]
    assert list(REVISIONS) == in_order
    assert sorted(p.name for p in fixture_path("x").parent.glob("*.sqlite3")) == [
        f"{r}.sqlite3" for r in REVISIONS
    ]


@pytest.mark.parametrize("revision", REVISIONS)
def test_fixture_is_at_its_revision_with_rows_in_every_table(revision: str) -> None:
    path = fixture_path(revision)
    assert path.stat().st_size <= MAX_BYTES
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [(revision,)]
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        empty = [t for t in tables if con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] == 0]
        assert len(tables) > 20 and empty == []
        assert con.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # no -wal file to commit
    finally:
        con.close()


def _contents(path: Path) -> dict[str, Any]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        schema = con.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        out: dict[str, Any] = {
            # the DDL as SQLite keeps it, blanks collapsed (a SQLAlchemy release may lay it out differently)
            "schema": [(t, n, tbl, " ".join(sql.split()) if sql else sql) for t, n, tbl, sql in schema],
            "page_size": con.execute("PRAGMA page_size").fetchone(),
        }
        for (table,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        ).fetchall():
            out[table] = sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
        return out
    finally:
        con.close()


@pytest.mark.parametrize("revision", REVISIONS)
def test_generator_makes_the_committed_fixture(tmp_path: Path, revision: str) -> None:
    """Rebuilding gives the same schema and the same rows: the migrations up to the revision still build what
    that release built (nobody edited an old migration), and the generator still writes what it wrote."""
    made = schema_fixtures.make(revision, tmp_path / f"{revision}.sqlite3")
    assert _contents(made) == _contents(fixture_path(revision))


def test_make_leaves_nothing_behind_when_the_build_fails(tmp_path: Path) -> None:
    target = tmp_path / "9999.sqlite3"
    with pytest.raises(Exception, match="9999"):
        schema_fixtures.make("9999", target)  # no such revision
    assert list(tmp_path.iterdir()) == []
