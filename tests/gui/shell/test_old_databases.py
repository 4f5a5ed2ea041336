"""A database made by any earlier release opens in this one: each schema fixture (tests/fixtures/schema/, made by
tests/store/schema_fixtures.py) is upgraded to the newest schema, passes ``verify``, keeps every row it had,
and the main window opens on it with every section.

Every future migration adds its fixture (see tests/store/test_schema_fixtures.py); this test then covers it.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from quzhou_desktop.cli import main as cli_main
from quzhou_desktop.gui.printing.recovery import RootDialog
from quzhou_desktop.gui.shell import sections
from quzhou_desktop.gui.shell.flow import AppFlow
from quzhou_desktop.gui.shell.login import LoginDialog
from quzhou_desktop.gui.shell.main_window import MainWindow
from quzhou_desktop.gui.tasks import running_tasks, worker_pool
from quzhou_desktop.gui.widgets.pages import SectionPage
from quzhou_desktop.services.disclosures.disclosure import review_valid
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.vouchers.common import events_of, verify_events
from quzhou_desktop.store.audit.verify import verify_all
from quzhou_desktop.store.backup import list_backups
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.models import Disclosure, Voucher
from quzhou_desktop.store.schema import SCHEMA_HEAD
from tests.store.schema_fixtures import ADMIN, PASSWORD, REVISIONS, TOWNSHIP, VILLAGES, fixture_path
from tests.support.gui import close_message_boxes

# Columns whose values a migration rewrites on purpose: (table, column) → the revision that rewrites them.
# Every other value of every row must come through an upgrade unchanged.
REWRITTEN: dict[tuple[str, str], str] = {
    # 0004 replaces each password hash recorded in an audit state by its digest (the entry keeps its hash)
    ("audit_log", "before_json"): "0004",
    ("audit_log", "after_json"): "0004",
}


def _snapshot(path: Path) -> dict[str, dict[tuple[Any, ...], dict[str, Any]]]:
    """table → primary key → row (column → value), read straight from the file."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        out: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {}
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            info = con.execute(f"PRAGMA table_info({table})").fetchall()
            key = [r["name"] for r in sorted(info, key=lambda r: r["pk"]) if r["pk"]]
            out[table] = {
                tuple(row[k] for k in key): dict(row) for row in con.execute(f"SELECT * FROM {table}")
            }
        return out
    finally:
        con.close()


def _lost_or_changed(revision: str, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    problems = []
    for table, rows in old.items():
        if table == "alembic_version":
            continue
        for key, row in rows.items():
            now = new.get(table, {}).get(key)
            if now is None:
                problems.append(f"{table} {key} lost")
                continue
            for column, value in row.items():
                if REWRITTEN.get((table, column), "") > revision:
                    continue
                if column not in now or now[column] != value:
                    problems.append(f"{table} {key} {column}: {value!r} → {now.get(column, '<gone>')!r}")
    return problems


@pytest.mark.parametrize("revision", REVISIONS)
def test_old_database_upgrades_verifies_and_opens(
    qtbot: QtBot, db_path: Path, capsys: pytest.CaptureFixture[str], revision: str
) -> None:
    shutil.copyfile(fixture_path(revision), db_path)
    before = _snapshot(db_path)

    # `quzhou-desktop verify` on the old file: opening it backs it up and migrates it, then everything checks
    assert cli_main(["verify", "--db", str(db_path)]) == 0
    assert "校验通过" in capsys.readouterr().out
    backups = [b.reason for b in list_backups(db_path)]
    assert backups == ([] if revision == SCHEMA_HEAD else [f"before-migration-{revision}"])

    after = _snapshot(db_path)
    assert after["alembic_version"] == {(SCHEMA_HEAD,): {"version_num": SCHEMA_HEAD}}
    assert _lost_or_changed(revision, before, after) == []
    audit = after["audit_log"]
    assert len(audit) >= len(before["audit_log"]) + (revision < "0003")  # 0003 records the events' new state
    # no password hash is left in the log (0004 digested them; nothing since writes one)
    assert not [e for e in audit.values() if "scrypt$" in f"{e['before_json']}{e['after_json']}"]
    voucher_village = {r["id"]: r["village_id"] for r in after["voucher"].values()}
    events = list(after["voucher_event"].values())
    assert events and all(e["village_id"] == voucher_village[e["voucher_id"]] for e in events)

    ctx = AppContext(Database(db_path))
    try:
        with ctx.db.read_engine.connect() as conn:
            assert verify_all(conn) == []
        with ctx.read() as s:  # signatures made by the old release still hold
            vouchers = list(s.scalars(select(Voucher)))
            assert sum(len(events_of(s, v.id)) for v in vouchers) == len(events)
            assert [verify_events(s, v) for v in vouchers] == [[] for _ in vouchers]
            reviewed = [d for d in s.scalars(select(Disclosure)) if d.review_signature]
            assert reviewed and all(review_valid(d) for d in reviewed)
        _open_main_window(qtbot, ctx)
        with ctx.db.read_engine.connect() as conn:  # the login and the pages kept the chain whole
            assert verify_all(conn) == []
    finally:
        worker_pool().waitForDone(10_000)
        ctx.db.dispose()


def _open_main_window(qtbot: QtBot, ctx: AppContext) -> None:
    """Log in as the fixture's administrator through the login dialog; show every section for the first village."""
    flow = AppFlow(ctx)
    flow.show_login(ADMIN)
    login = flow.login
    assert isinstance(login, LoginDialog)
    qtbot.addWidget(login)
    assert login.try_login(password=PASSWORD)
    if flow.root_dialog is not None:  # made before signing keys: the administrator establishes the root
        root = flow.root_dialog
        assert isinstance(root, RootDialog)
        qtbot.addWidget(root)
        root.password.setText(PASSWORD)
        root.accept()
        assert root.error_text() == "" and root.panel is not None
        root.accept()  # printed; closing it opens the main window
    win = flow.main
    assert isinstance(win, MainWindow)
    qtbot.addWidget(win)
    assert TOWNSHIP in win.windowTitle()
    names = [win.village_combo.itemText(i) for i in range(win.village_combo.count())]
    assert set(VILLAGES) <= set(names)
    win.village_combo.setCurrentIndex(names.index(VILLAGES[0]))
    for sec in sections.SECTIONS:
        page = win.show_section(sec.key)
        assert isinstance(page, SectionPage), sec.key  # a page that fails to build raises instead
        qtbot.waitUntil(lambda: not running_tasks(), timeout=10_000)
        assert close_message_boxes() == [], sec.key
    win.close()
