"""连接单位服务器 from the first-run wizard, through real widgets, against a real PostgreSQL database: a wrong
password is named in the dialog, the right one opens the server's login, the address is remembered without
the password, and the main window says which database it uses."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from quzhou_desktop.gui.shell.first_run import FirstRunWizard
from quzhou_desktop.gui.shell.flow import AppFlow
from quzhou_desktop.gui.shell.login import LoginDialog
from quzhou_desktop.gui.shell.main_window import MainWindow
from quzhou_desktop.gui.shell.server_dialog import ServerDialog
from quzhou_desktop.services.kernel import server
from quzhou_desktop.services.kernel.context import AppContext
from tests.pg import TEMPLATE, Cluster
from tests.support.world import PASSWORD, make_world

APP_PASSWORD = "qz-app-pass-1"  # what tests/pg.py gives the application role


def _fill(dlg: ServerDialog, c: Cluster, name: str, password: str) -> None:
    dlg.host.setText("127.0.0.1")
    dlg.port.setValue(int(c.url.split("port=")[1]))
    dlg.db_name.setText(name)
    dlg.user.setText(TEMPLATE.app)
    dlg.sslmode.setCurrentIndex(dlg.sslmode.findData("disable"))  # the test cluster has no certificate
    dlg.password.setText(password)


def test_wizard_connects_to_the_units_server(
    qtbot: QtBot, ctx: AppContext, pg_database: tuple[Cluster, str]
) -> None:
    c, name = pg_database
    make_world(c.app_url(name)).db.dispose()  # set up on the server (石梁镇, admin)
    flow = AppFlow(ctx)
    flow.start()
    wiz = flow.wizard
    assert isinstance(wiz, FirstRunWizard)
    qtbot.addWidget(wiz)

    wiz.connect_server()
    dlg = wiz.server_dialog
    assert isinstance(dlg, ServerDialog)
    _fill(dlg, c, name, "wrong-password")
    dlg.try_connect()
    qtbot.waitUntil(lambda: "拒绝登录" in dlg.error.text(), timeout=30_000)
    assert server.saved_address() is None

    dlg.password.setText(APP_PASSWORD)
    with qtbot.waitSignal(wiz.serverChosen, timeout=30_000):
        dlg.try_connect()
    login = flow.login
    assert isinstance(login, LoginDialog)
    qtbot.addWidget(login)
    assert flow.ctx.db.server_url is not None and name in flow.ctx.db.server_url
    saved = server.saved_address()
    assert saved is not None and name in saved and "127.0.0.1" in saved and APP_PASSWORD not in saved

    login.ui.usernameEdit.setText("admin")
    assert login.try_login(password=PASSWORD)
    win = flow.main
    assert isinstance(win, MainWindow)
    qtbot.addWidget(win)
    assert "postgresql://" in win.db_label.text() and APP_PASSWORD not in win.db_label.text()
    assert win.village_combo.count() == 2
    flow.ctx.db.dispose()
