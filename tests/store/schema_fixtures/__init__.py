"""Make the fixture databases of tests/fixtures/schema/: one file per schema revision, as that release left it.

Run from the repository root::

    .venv/bin/python -m tests.store.schema_fixtures            # writes the fixtures that do not exist yet
    .venv/bin/python -m tests.store.schema_fixtures 0004       # writes (or rewrites) the named ones

Each fixture is built by running the migrations up to its revision on an empty file, then writing a small
township with a few rows in every table (``township``), each with the audit entries the app writes for it
(``writer``), so ``verify`` passes on the file. tests/gui/shell/test_old_databases.py upgrades a copy of each
to the newest schema, verifies it, checks nothing was lost and opens the main window on it.

Frozen, like the migrations: this package imports nothing from ``quzhou_desktop``. It writes plain SQL and
carries its own copy of what it needs (``formats``: the audit chain's canonical JSON and hashes, the password
hash, the voucher and disclosure signatures, the notice code) as each was when the fixtures were made, so later
changes to the live code cannot change what an old release's database looks like. A committed fixture is
never rewritten; a new schema revision adds its own file (add it to ``REVISIONS`` and, where the new schema
stores something new, teach ``township.build`` to write it from that revision on).
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from tests.store.schema_fixtures.township import ADMIN, CHAIR, CLERK, PASSWORD, TOWNSHIP, VILLAGES, build

__all__ = ["ADMIN", "CHAIR", "CLERK", "PASSWORD", "REVISIONS", "TOWNSHIP", "VILLAGES", "fixture_path", "make"]

ROOT = Path(__file__).resolve().parents[3]
FIXTURE_DIR = ROOT / "tests" / "fixtures" / "schema"
MIGRATIONS_DIR = ROOT / "quzhou_desktop" / "store" / "migrations"
REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007")
PAGE_SIZE = 512  # every table and index takes a page at least: small pages keep the files small


def fixture_path(revision: str) -> Path:
    return FIXTURE_DIR / f"{revision}.sqlite3"


def migrate(path: Path, revision: str) -> None:
    """Run the migrations of this checkout up to ``revision`` on ``path``."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{path}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    engine.dispose()


def make(revision: str, path: Path) -> Path:
    """Build the fixture of ``revision`` at ``path`` (replacing any file there only once the build succeeded)."""
    part = path.with_name(path.name + ".part")
    part.unlink(missing_ok=True)
    con = sqlite3.connect(part)
    con.execute(f"PRAGMA page_size = {PAGE_SIZE}")
    con.execute("VACUUM")  # the page size takes effect in the empty file
    con.close()
    try:
        migrate(part, revision)
        con = sqlite3.connect(part)
        try:
            con.execute("PRAGMA foreign_keys = ON")
            with con:
                build(con, revision)
            problems = con.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise RuntimeError(f"foreign keys broken: {problems}")
            con.execute("VACUUM")
        finally:
            con.close()
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    part.replace(path)
    return path


def main(argv: Sequence[str]) -> int:
    wanted = list(argv) or [r for r in REVISIONS if not fixture_path(r).exists()]
    unknown = [r for r in wanted if r not in REVISIONS]
    if unknown:
        print(f"unknown revision(s) {unknown}; known: {', '.join(REVISIONS)}", file=sys.stderr)
        return 2
    FIXTURE_DIR.mkdir(parents=True, exist_ok=True)
    for revision in wanted:
        path = make(revision, fixture_path(revision))
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")
    if not wanted:
        print("every fixture exists; name a revision to rewrite it")
    return 0
