"""设置 → 备份与恢复 on a unit's server (a real PostgreSQL database, tests/pg.py): back up to this PC, then
restore from that file through the dialog — the application role and a role without the rights are refused
by name before anything is touched, the restore runs after the window closes, keeps the replaced database on
the server, is the administrator's signed act, and the app connects again and asks for a new login."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.engine import make_url

from quzhou_desktop.gui.settings.page import SettingsPage
from quzhou_desktop.gui.settings.server_restore import ServerRestoreDialog
from quzhou_desktop.gui.shell.flow import AppFlow
from quzhou_desktop.gui.shell.login import LoginDialog
from quzhou_desktop.gui.shell.main_window import MainWindow
from quzhou_desktop.services.roster.people import PersonFields, add_person
from quzhou_desktop.store.models import Person, SignedAct
from tests.pg import TEMPLATE, Cluster
from tests.support.gui import close_message_boxes, message_boxes
from tests.support.world import PASSWORD, make_world

WEAK = f"qz_weak_{os.getpid()}"


@pytest.fixture
def weak_role(pg_database: tuple[Cluster, str]) -> object:
    """A login role that may connect but not create databases."""
    c, _name = pg_database
    with psycopg.connect(c.admin_url("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP ROLE IF EXISTS {WEAK}")
        conn.execute(f"CREATE ROLE {WEAK} LOGIN NOCREATEDB")
    yield WEAK
    with psycopg.connect(c.admin_url("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP ROLE IF EXISTS {WEAK}")


def _names(c: Cluster) -> set[str]:
    with psycopg.connect(c.admin_url("postgres")) as conn:
        return {r[0] for r in conn.execute("SELECT datname FROM pg_database")}


def test_restore_a_server_database_from_the_backup_page(
    qtbot: QtBot,
    pg_database: tuple[Cluster, str],
    weak_role: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path / "data"))
    c, name = pg_database
    w = make_world(c.app_url(name))
    vid = w.village_ids[0]
    add_person(w.admin, vid, PersonFields(name="备份前", gender="男"))
    ctx = w.admin
    flow = AppFlow(ctx)
    flow.show_main()
    win = flow.main
    assert isinstance(win, MainWindow)
    qtbot.addWidget(win)
    page = win.show_section("settings")
    assert isinstance(page, SettingsPage)
    tab = page.backup
    assert tab.restore_button.isEnabled() and tab.restore_button.text() == "从备份文件恢复…"

    # When the administrator backs the server up to this PC from the page
    tab.backup_now()
    qtbot.waitUntil(lambda: "已备份到" in tab.result_label.text() or bool(message_boxes()), timeout=60_000)
    assert not message_boxes(), close_message_boxes()
    dump = Path(tab.result_label.text().split("已备份到：")[1].strip())
    assert dump.is_file() and dump.parent == tmp_path / "data" / "server-backups"
    add_person(w.admin, vid, PersonFields(name="备份后", gender="女"))

    # and asks to restore it: the dialog says what happens
    dlg = tab.restore_selected()
    assert isinstance(dlg, ServerRestoreDialog)
    shown = " ".join(label.text() for label in dlg.findChildren(type(tab.result_label)))
    for words in ("恢复前副本", "每台电脑", "重新登录", "校验", "不会保存", name):
        assert words in shown, words
    dlg.file_edit.setText(str(dump))
    dlg.password.setText(PASSWORD)

    # Then the office PCs' application role is refused by name, and so is a role without the rights
    dlg.admin_user.setText(TEMPLATE.app)
    dlg.accept()
    assert dlg.isVisible() and "程序角色" in dlg.error_text() and TEMPLATE.app in dlg.error_text()
    dlg.admin_user.setText(weak_role)
    dlg.accept()
    assert dlg.isVisible() and "建库权限" in dlg.error_text() and weak_role in dlg.error_text()
    # and a wrong signature password
    superuser = make_url(c.url).username or "postgres"
    dlg.admin_user.setText(superuser)
    dlg.password.setText("wrong-password")
    dlg.accept()
    assert dlg.isVisible() and "密码不正确" in dlg.error_text()
    before = _names(c)
    assert tab.server_dialog is dlg

    # When the administrator's login and the signature are right
    dlg.password.setText(PASSWORD)
    dlg.accept()
    assert not dlg.isVisible(), dlg.error_text()
    qtbot.waitUntil(lambda: isinstance(flow.login, LoginDialog), timeout=120_000)

    # Then the app connected again, nobody logged in, and the message says what became of the old database
    login = flow.login
    assert isinstance(login, LoginDialog)
    qtbot.addWidget(login)
    assert flow.main is None and ctx.user is None
    texts = close_message_boxes()
    assert any("已从备份恢复单位服务器上的数据库" in t and "并由您签名" in t for t in texts), texts
    (safety,) = _names(c) - before
    assert safety.startswith(f"{name}_before_restore_")
    assert any(safety in t and "每台电脑" in t for t in texts)
    assert login.try_login("admin", PASSWORD)
    assert isinstance(flow.main, MainWindow)
    qtbot.addWidget(flow.main)
    with ctx.db.read() as s:
        names = set(s.scalars(select(Person.name)))
        (act,) = s.scalars(select(SignedAct).where(SignedAct.act == "data.restore")).all()
    assert "备份前" in names and "备份后" not in names
    assert act.signer_id == ctx.require_user().id
    with psycopg.connect(c.admin_url(safety)) as conn:  # the replaced database, kept on the server
        assert conn.execute("SELECT count(*) FROM person WHERE name = '备份后'").fetchone() == (1,)
    ctx.db.dispose()
    c.drop(safety)


def test_a_refused_backup_leaves_the_server_database_in_use(
    qtbot: QtBot, pg_database: tuple[Cluster, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path / "data"))
    c, name = pg_database
    w = make_world(c.app_url(name))
    ctx = w.admin
    flow = AppFlow(ctx)
    flow.show_main()
    win = flow.main
    assert isinstance(win, MainWindow)
    qtbot.addWidget(win)
    page = win.show_section("settings")
    assert isinstance(page, SettingsPage)
    dlg = page.backup.restore_selected()
    assert isinstance(dlg, ServerRestoreDialog)
    not_a_dump = tmp_path / "quzhou.dump"
    not_a_dump.write_bytes(b"PGDMP" + b"\x00" * 100)
    dlg.file_edit.setText(str(tmp_path / "missing.dump"))
    dlg.admin_user.setText(make_url(c.url).username or "postgres")
    dlg.password.setText(PASSWORD)
    dlg.accept()
    assert dlg.isVisible() and "文件不存在" in dlg.error_text()
    dlg.file_edit.setText(str(not_a_dump))
    before = _names(c)
    dlg.accept()
    qtbot.waitUntil(lambda: isinstance(flow.login, LoginDialog), timeout=60_000)
    login = flow.login
    assert isinstance(login, LoginDialog)
    qtbot.addWidget(login)
    texts = close_message_boxes()
    assert any("没有恢复" in t and "未作修改" in t for t in texts), texts
    assert _names(c) == before
    assert login.try_login("admin", PASSWORD)
    assert isinstance(flow.main, MainWindow)
    qtbot.addWidget(flow.main)
    ctx.db.dispose()
