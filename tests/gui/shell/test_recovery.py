"""The forgotten administrator password from the login screen: the recovery code from the 管理员恢复单 sets a
new password, and the new sheet is shown (the old code no longer works)."""

from __future__ import annotations

import re

from pytestqt.qtbot import QtBot

from quzhou_desktop.gui.printing.recovery import RecoverDialog, RootDialog
from quzhou_desktop.gui.shell.login import LoginDialog
from quzhou_desktop.services.kernel import auth
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.roster.setup import initialise
from quzhou_desktop.services.roster.villages import VillageSpec


def test_recover_the_administrator_from_the_login_screen(qtbot: QtBot, ctx: AppContext) -> None:
    sheet = initialise(ctx, township_name="石梁镇", villages=[VillageSpec(name="溪口村")], admin_username="admin",
                       admin_password="Forgotten-1", admin_display_name="徐丽华")  # fmt: skip
    login = LoginDialog(ctx, username="admin")
    qtbot.addWidget(login)
    dlg = login.open_recover()
    assert isinstance(dlg, RecoverDialog)
    qtbot.addWidget(dlg)
    assert dlg.username_edit.text() == "admin"
    dlg.code_edit.setText("2222-3333-4444-5555-6666-7777")
    dlg.new_edit.setText("Brand-new-2")
    dlg.again_edit.setText("Brand-new-2")
    dlg.accept()
    assert "恢复码不正确" in dlg.error_text() and dlg.panel is None
    dlg.code_edit.setText(sheet.recovery_code)
    dlg.accept()
    assert dlg.error_text() == "" and dlg.panel is not None
    assert dlg.panel.fingerprint_label.text() == sheet.fingerprint  # the same root key
    new_code = dlg.panel.code_label.text()
    assert re.fullmatch(r"[2-9A-Z]{4}(-[2-9A-Z]{4}){5}", new_code) and new_code != sheet.recovery_code
    with qtbot.waitSignal(dlg.accepted):
        dlg.accept()
    assert login.try_login(password="Brand-new-2")


def test_the_root_administrator_replaces_a_lost_sheet(qtbot: QtBot, ctx: AppContext) -> None:
    sheet = initialise(ctx, township_name="石梁镇", villages=[VillageSpec(name="溪口村")], admin_username="admin",
                       admin_password="Pass-word-1", admin_display_name="徐丽华")  # fmt: skip
    auth.login(ctx, "admin", "Pass-word-1")
    from quzhou_desktop.gui.settings.users_tab import UsersTab

    tab = UsersTab(ctx)
    qtbot.addWidget(tab)
    assert tab.recovery_button.isVisibleTo(tab)
    dlg = tab.new_recovery_code()
    assert isinstance(dlg, RootDialog)
    dlg.password.setText("Pass-word-1")
    dlg.accept()
    assert dlg.panel is not None and dlg.panel.fingerprint_label.text() == sheet.fingerprint
    assert dlg.panel.code_label.text() != sheet.recovery_code
