"""The GUI's composition root: arguments, logging, QApplication (Chinese font, Qt's zh_CN catalogue,
icon, crash hook), the database, the daily backup, then the window flow (wizard or login → main window).

Heavy modules (SQLAlchemy via the store, section pages) load lazily so the first window paints quickly.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from quzhou_desktop.gui.shell.flow import AppFlow
    from quzhou_desktop.store.db import Database

log = logging.getLogger(__name__)
EXIT_DB_PROBLEM = 2
ICON_NAMES = ("app.ico", "app.png", "app.svg", "icons/app.ico", "icons/app.png", "icons/app.svg")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="quzhou-desktop", add_help=False)
    p.add_argument("--db", default=None)
    p.add_argument("-v", "--verbose", action="store_true")
    args, _unknown = p.parse_known_args(list(argv))
    return args


def database_path(arg: str | None) -> tuple[Path | str, bool]:
    """(path or server address, create): ``--db`` (a file, which must exist, or ``postgresql://…``), else
    the unit's server this PC was connected to (连接单位服务器), else the default file, created on first run."""
    from quzhou_desktop.paths import default_db_path, ensure_private_dir

    if arg:
        if arg.startswith(("postgresql://", "postgres://")):
            return arg, False
        return Path(arg).expanduser().resolve(), False
    from quzhou_desktop.services.kernel.server import saved_address

    saved = saved_address()
    if saved:
        return saved, False
    path = default_db_path()
    ensure_private_dir(path.parent)
    return path, True


def open_database(target: Path | str, *, create: bool) -> Database:
    from quzhou_desktop.store.db import Database

    if isinstance(target, str):
        return open_server(target)
    return Database(target, create=create)


def open_server(address: str) -> Database:
    """The unit's server; asks for the password when the PostgreSQL password file has none (kept in memory
    for this run only)."""
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    from quzhou_desktop.gui.i18n import tr
    from quzhou_desktop.services.kernel.server import ServerPasswordNeeded, connect

    try:
        return connect(address)
    except ServerPasswordNeeded as exc:
        user = exc.params.get("user") or ""
        password, ok = QInputDialog.getText(
            None,
            tr("连接单位服务器"),
            tr("服务器用户 ") + user + tr(" 的密码："),
            QLineEdit.EchoMode.Password,
        )
        if not ok:
            raise
        return connect(address, password=password)


def make_application(argv: Sequence[str]) -> QApplication:
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from quzhou_desktop import APP_NAME, APP_TITLE
    from quzhou_desktop.gui.fonts import apply_ui_font
    from quzhou_desktop.gui.i18n import install_qt_translations
    from quzhou_desktop.paths import resource

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0], *argv])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_TITLE)
    install_qt_translations(app)
    apply_ui_font(app)
    for name in ICON_NAMES:
        icon_path = resource(name)
        if icon_path.is_file():
            app.setWindowIcon(QIcon(str(icon_path)))
            break
    return app


def start_daily_backup(db: Database) -> None:
    """Today's automatic backup (with its anchor), off the GUI thread; a failure is a warning, never fatal."""
    from quzhou_desktop.gui.i18n import tr
    from quzhou_desktop.gui.messages import show_error
    from quzhou_desktop.gui.tasks import run_task
    from quzhou_desktop.services.kernel.maintenance import daily_backup

    def failed(exc: BaseException) -> None:
        log.warning("daily backup failed: %s", exc)
        show_error(
            None,
            tr("今天的自动备份没有完成：")
            + f"{exc}\n"
            + tr("程序可以继续使用，请稍后在“设置 → 备份与恢复”中手动备份。"),
            title=tr("自动备份失败"),
        )

    run_task(
        lambda _p: daily_backup(db),
        parent=None,
        title=tr("自动备份"),
        on_failure=failed,
        show_after_ms=10_000,
    )


def run_gui(argv: Sequence[str]) -> int:
    """Run the desktop app; returns the process exit code.

    A start-up window is painted first; the database layer (SQLAlchemy) is imported and the file opened on
    the first turn of the event loop, then the wizard or the login dialog replaces the start-up window."""
    from quzhou_desktop.logs import setup_logging

    args = parse_args(argv)
    log_path = setup_logging(verbose=args.verbose)
    app = make_application(argv)

    from PySide6.QtCore import QTimer

    from quzhou_desktop.gui import crash
    from quzhou_desktop.gui.shell.splash import show_splash

    uninstall = crash.install_excepthook(log_path)
    app.setQuitOnLastWindowClosed(False)
    splash = show_splash(app)
    opened: list[Database] = []
    flows: list[AppFlow] = []  # keeps the flow alive for the app's lifetime

    def boot() -> None:
        from quzhou_desktop.core.errors import QuzhouError
        from quzhou_desktop.gui.i18n import tr

        try:
            path, create = database_path(args.db)
            db = open_database(path, create=create)
        except (QuzhouError, OSError) as exc:
            log.error("cannot open database: %s", exc)
            splash.close()
            text = str(exc) if isinstance(exc, QuzhouError) else tr("无法访问数据库文件：") + str(exc)
            show_fatal(tr("无法打开数据库"), text)
            app.exit(EXIT_DB_PROBLEM)
            return
        opened.append(db)

        from quzhou_desktop.gui.shell.flow import AppFlow
        from quzhou_desktop.services.kernel.context import AppContext

        ctx = AppContext(db)
        flow = AppFlow(ctx)
        flow.finished.connect(app.exit)
        flow.start()
        splash.close()
        flows.append(flow)
        if db.path is not None:  # a server is backed up on the server (docs/SERVER.md)
            start_daily_backup(db)

    QTimer.singleShot(0, boot)
    try:
        code = app.exec()
    finally:
        from quzhou_desktop.gui.tasks import worker_pool

        worker_pool().waitForDone(30_000)
        for flow in flows:
            anchor_on_close(flow.ctx.db)
            flow.ctx.db.dispose()  # may differ from opened[0] after a restore
        for db in opened:
            db.dispose()
        uninstall()
    return int(code)


def anchor_on_close(db: Database) -> None:
    """The day's work anchored as the app closes (when the chain moved since the last anchor)."""
    from quzhou_desktop.core.errors import QuzhouError
    from quzhou_desktop.services.kernel.anchoring import anchor_if_due

    try:
        anchor_if_due(db, "close")
    except (OSError, QuzhouError) as exc:
        log.warning("no anchor on close: %s", exc)


def show_fatal(title: str, text: str) -> None:
    """A blocking box before any window exists (start-up errors only)."""
    from PySide6.QtWidgets import QMessageBox

    from quzhou_desktop.gui.i18n import tr

    box = QMessageBox(QMessageBox.Icon.Critical, title, text)
    box.addButton(tr("退出"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()
