"""The sequence of windows: first-run wizard or login, forced password change, the root of trust for a
database made before signing keys (its first administrator to log in establishes it), main window; logout and
restore (which re-opens the database and asks for a new login). ``finished(code)`` ends the app."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.gui import crash
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.messages import show_error, show_info
from quzhou_desktop.services.kernel import auth
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.roster import setup

log = logging.getLogger(__name__)


class AppFlow(QObject):
    finished = Signal(int)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.wizard: QWidget | None = None
        self.login: QWidget | None = None
        self.password_dialog: QWidget | None = None
        self.root_dialog: QWidget | None = None
        self.main: QWidget | None = None
        self._leaving_main = False

    def start(self) -> None:
        if setup.is_initialised(self.ctx):
            self.show_login()
        else:
            self.show_wizard()

    def show_wizard(self) -> None:
        from quzhou_desktop.gui.shell.first_run import FirstRunWizard

        wiz = FirstRunWizard(self.ctx)
        self.wizard = wiz
        wiz.accepted.connect(lambda: self.show_login(wiz.admin_username))
        wiz.rejected.connect(lambda: self.finished.emit(0))
        wiz.serverChosen.connect(self.use_server)
        wiz.show()

    def use_server(self, database: object) -> None:
        """From now on the unit's server database: this PC's file stays as it is, unused."""
        from quzhou_desktop.services.kernel.server import switch_to

        switch_to(self.ctx, database)
        if self.wizard is not None:
            self.wizard.deleteLater()
            self.wizard = None
        if setup.is_initialised(self.ctx):
            self.show_login()
        else:
            show_error(None, tr("服务器上的数据库还没有完成首次设置，请联系单位的系统管理员。"))
            self.finished.emit(0)

    def show_login(self, username: str = "") -> None:
        from quzhou_desktop.gui.shell.login import LoginDialog

        self.ctx.user = None
        dlg = LoginDialog(self.ctx, username=username)
        self.login = dlg
        dlg.accepted.connect(self._logged_in)
        dlg.rejected.connect(lambda: self.finished.emit(0))
        dlg.show()
        dlg.raise_()

    def _logged_in(self) -> None:
        if auth.must_change_password(self.ctx):
            from quzhou_desktop.gui.settings.password import ChangePasswordDialog

            dlg = ChangePasswordDialog(self.ctx, forced=True)
            self.password_dialog = dlg
            dlg.accepted.connect(self._password_ready)
            dlg.rejected.connect(lambda: self.show_login(self.ctx.user.username if self.ctx.user else ""))
            dlg.show()
            return
        self._password_ready()

    def _password_ready(self) -> None:
        from quzhou_desktop.services.kernel.roles import ADMINS
        from quzhou_desktop.services.kernel.trust import needs_root

        user = self.ctx.user
        if user is not None and user.role in ADMINS and needs_root(self.ctx):
            from quzhou_desktop.gui.printing.recovery import RootDialog

            dlg = RootDialog(self.ctx)
            self.root_dialog = dlg
            dlg.finished.connect(lambda _r: self.show_main())
            dlg.show()
            return
        self.show_main()

    def show_main(self) -> None:
        from quzhou_desktop.gui.shell.main_window import MainWindow
        from quzhou_desktop.services.kernel.anchoring import after_login

        after_login(
            self.ctx
        )  # an administrator gives the database its site key; the chain is anchored if due

        win = MainWindow(self.ctx)
        self.main = win
        win.closed.connect(self._main_closed)
        win.logoutRequested.connect(self.logout)
        win.reopenRequested.connect(self.restore_from)
        win.show()

    def _main_closed(self) -> None:
        if not self._leaving_main:
            self.finished.emit(0)

    def _close_main(self) -> None:
        if self.main is not None:
            self._leaving_main = True
            self.main.close()
            self.main.deleteLater()
            self.main = None
            self._leaving_main = False

    def logout(self) -> None:
        username = self.ctx.user.username if self.ctx.user else ""
        self.show_login(username)
        self._close_main()

    def restore_from(self, request: object) -> None:
        """Close the window, release the database, restore ``backup`` over it (verified first), re-open."""
        from quzhou_desktop.gui.tasks import run_task
        from quzhou_desktop.services.kernel.maintenance import (
            RestoreOutcome,
            RestoreRequest,
            reopen_database,
            restore_backup,
        )

        if isinstance(request, Path):
            request = RestoreRequest(request)
        if not isinstance(request, RestoreRequest):
            self.restore_server_from(request)
            return
        assert isinstance(request, RestoreRequest)
        backup, credential = request.backup, request.credential

        assert isinstance(backup, Path) and self.ctx.db.path is not None
        self._close_main()
        ctx = self.ctx

        def work(_progress: object) -> RestoreOutcome:
            return restore_backup(ctx, backup, credential)

        def done(outcome: RestoreOutcome) -> None:
            reopen_database(self.ctx)
            self.show_login()
            if self.login is not None:
                text = tr("已从备份恢复数据库（已记入审计日志），请重新登录。")
                if outcome.safety_copy is not None:
                    text += tr("恢复前的数据库另存为（不会被自动清理）：") + f"\n{outcome.safety_copy}"
                show_info(self.login, text, title=tr("恢复完成"))

        def failed(exc: BaseException) -> None:
            reopen_database(self.ctx)
            self.show_login()
            if isinstance(exc, QuzhouError):
                show_error(self.login, exc, title=tr("没有恢复"))
            else:
                crash.report_exception(exc)

        run_task(work, parent=None, title=tr("正在恢复数据库"), on_success=done, on_failure=failed)

    def restore_server_from(self, request: object) -> None:
        """A server database: close the window, restore on the worker thread (verified in a fresh database
        first; the replaced one is kept on the server), connect again and ask for a new login."""
        from quzhou_desktop.gui.tasks import run_task
        from quzhou_desktop.services.kernel.maintenance import reopen_database
        from quzhou_desktop.services.kernel.server_backup import (
            ServerRestoreOutcome,
            ServerRestoreRequest,
            restore_server_as,
        )

        assert isinstance(request, ServerRestoreRequest)
        self._close_main()
        ctx = self.ctx

        def work(_progress: object) -> ServerRestoreOutcome:
            return restore_server_as(ctx, request)

        def reconnect() -> BaseException | None:
            try:
                reopen_database(self.ctx)
            except Exception as exc:  # the server is out of reach now: say so, the app can be restarted
                return exc
            return None

        def done(outcome: ServerRestoreOutcome) -> None:
            problem = reconnect()
            self.show_login()
            text = tr("已从备份恢复单位服务器上的数据库，已记入审计日志第{n}条").format(n=outcome.act_seq)
            text += (
                tr("，并由您签名。") if outcome.signed else tr("（备份早于您的签名密钥，这次恢复未能签名）。")
            )
            text += "\n" + tr("恢复前的数据库保留在服务器上，名为 {name}。").format(name=outcome.safety_copy)
            text += "\n" + tr("其他办公电脑与服务器的连接已断开：请每台电脑关闭本程序后重新打开，再登录。")
            if problem is not None:
                text += (
                    "\n\n" + tr("本机重新连接服务器没有成功：") + str(problem) + tr("。请重新启动本程序。")
                )
            show_info(self.login, text + "\n" + tr("请重新登录。"), title=tr("恢复完成"))

        def failed(exc: BaseException) -> None:
            problem = reconnect()
            self.show_login()
            if isinstance(exc, QuzhouError):
                text = tr("没有恢复，服务器上正在使用的数据库未作修改。") + "\n" + str(exc)
                if problem is not None:
                    text += "\n\n" + tr("本机重新连接服务器没有成功：") + str(problem)
                show_error(self.login, text, title=tr("没有恢复"))
            else:
                crash.report_exception(exc)

        run_task(work, parent=None, title=tr("正在恢复服务器上的数据库"), on_success=done, on_failure=failed)
