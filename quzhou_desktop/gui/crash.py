"""One crash dialog for unexpected exceptions, showing where the log file is."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QThread, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from quzhou_desktop.gui.i18n import tr

log = logging.getLogger(__name__)
_state: dict[str, object] = {"box": None, "log_path": None}


def crash_text(log_path: Path | None) -> str:
    where = str(log_path) if log_path else tr("（日志文件无法写入）")
    return (
        tr("程序遇到了意外错误，刚才的操作可能没有完成。")
        + "\n\n"
        + tr("详细信息已写入日志文件：")
        + f"\n{where}\n\n"
        + tr("请把这个文件发给乡镇技术人员。建议保存手头工作后重新启动程序。")
    )


def report_exception(exc: BaseException) -> None:
    handle(type(exc), exc, exc.__traceback__)


def handle(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """Log the exception and show the crash dialog once (later crashes are only logged)."""
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    log.critical("unexpected exception", exc_info=(exc_type, exc, tb))
    app = QApplication.instance()
    if app is None:
        sys.__excepthook__(exc_type, exc, tb)
        return
    details = "".join(traceback.format_exception(exc_type, exc, tb))
    if QThread.currentThread() is not app.thread():
        QTimer.singleShot(0, app, lambda: _show(details))
        return
    _show(details)


def _show(details: str) -> None:
    if _state["box"] is not None:
        return
    path = _state["log_path"]
    box = QMessageBox(
        QMessageBox.Icon.Critical, tr("程序错误"), crash_text(path if isinstance(path, Path) else None)
    )
    box.setDetailedText(details)
    box.addButton(tr("关闭"), QMessageBox.ButtonRole.AcceptRole)
    _state["box"] = box

    def closed(_result: int) -> None:
        _state["box"] = None
        box.deleteLater()

    box.finished.connect(closed)
    box.open()


def current_dialog() -> QMessageBox | None:
    box = _state["box"]
    return box if isinstance(box, QMessageBox) else None


def install_excepthook(log_path: Path | None) -> Callable[[], None]:
    """Route uncaught exceptions (GUI thread, slots, worker threads) to ``handle``. Returns an uninstaller."""
    _state["log_path"] = log_path
    old_hook, old_thread_hook = sys.excepthook, threading.excepthook
    sys.excepthook = handle

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            handle(args.exc_type, args.exc_value, args.exc_traceback)

    threading.excepthook = thread_hook

    def uninstall() -> None:
        sys.excepthook, threading.excepthook = old_hook, old_thread_hook

    return uninstall
