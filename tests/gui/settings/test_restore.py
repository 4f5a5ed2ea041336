"""Restore from 设置 → 备份与恢复: verified first, the app re-opens the database and asks for a new login."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from quzhou_desktop.gui.settings.page import SettingsPage
from quzhou_desktop.gui.shell.flow import AppFlow
from quzhou_desktop.gui.shell.login import LoginDialog
from quzhou_desktop.gui.shell.main_window import MainWindow
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.roster import people as people_svc
from quzhou_desktop.services.roster.villages import list_villages
from quzhou_desktop.store.backup import make_backup
from quzhou_desktop.store.models import SignedAct
from tests.support import township
from tests.support.gui import close_message_boxes


def _main(qtbot: QtBot, ctx: AppContext) -> tuple[AppFlow, MainWindow]:
    assert ctx.db.path is not None
    flow = AppFlow(ctx)
    flow.show_main()
    assert isinstance(flow.main, MainWindow)
    return flow, flow.main


def test_restore_replaces_data_and_asks_for_login(qtbot: QtBot, demo_ctx: AppContext) -> None:
    assert demo_ctx.db.path is not None
    vid = list_villages(demo_ctx)[0].id
    before = people_svc.count_people(demo_ctx, vid)
    backup = make_backup(demo_ctx.db.path, reason="manual")
    people_svc.add_person(demo_ctx, vid, people_svc.PersonFields(name="后来者"))
    flow, win = _main(qtbot, demo_ctx)
    page = win.show_section("settings")
    assert isinstance(page, SettingsPage)
    page.backup.refresh()
    row = page.backup.backups.index(backup)
    page.backup.table.selectRow(row)

    # When the administrator confirms the restore with the password (a signed act; a wrong one stays there)
    dlg = page.backup.restore_selected()
    assert dlg is not None
    assert any("恢复后需要重新登录" in label.text() for label in dlg.findChildren(QLabel))
    dlg.password.setText("wrong-password")
    dlg.accept()
    assert dlg.isVisible() and "密码不正确" in dlg.error_text()
    dlg.password.setText(township.ADMIN_PASSWORD)
    dlg.accept()
    qtbot.waitUntil(lambda: isinstance(flow.login, LoginDialog), timeout=15_000)

    # Then the database was re-opened, the user logged out, and the later person is gone
    login = flow.login
    assert isinstance(login, LoginDialog)
    qtbot.addWidget(login)
    assert flow.main is None and demo_ctx.user is None
    assert any("已从备份恢复数据库" in t for t in close_message_boxes())
    assert login.try_login(township.ADMIN, township.ADMIN_PASSWORD)
    assert people_svc.count_people(demo_ctx, vid) == before
    assert isinstance(flow.main, MainWindow)
    qtbot.addWidget(flow.main)
    # and the restored database records the restore as the administrator's signed act
    with demo_ctx.db.read() as s:
        (act,) = s.scalars(select(SignedAct).where(SignedAct.act == "data.restore")).all()
        assert act.signer_id == demo_ctx.require_user().id


def test_damaged_backup_is_refused(qtbot: QtBot, demo_ctx: AppContext, tmp_path: Path) -> None:
    bad = tmp_path / "quzhou-20260101-000000-manual.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)
    flow, _win = _main(qtbot, demo_ctx)
    flow.restore_from(bad)
    qtbot.waitUntil(lambda: isinstance(flow.login, LoginDialog), timeout=15_000)
    qtbot.addWidget(flow.login)
    texts = close_message_boxes()
    # a file that only looks like SQLite is refused before anything is replaced, naming the file
    assert len(texts) == 1 and "不是本系统的数据库" in texts[0] and str(bad) in texts[0]
    # the current database is untouched and still opens
    assert isinstance(flow.login, LoginDialog)
    assert flow.login.try_login(township.ADMIN, township.ADMIN_PASSWORD)
    assert people_svc.count_people(demo_ctx, list_villages(demo_ctx)[0].id) == 30
    assert isinstance(flow.main, MainWindow)
    qtbot.addWidget(flow.main)
