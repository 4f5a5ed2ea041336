"""Message boxes for expected outcomes. All are window-modal and non-blocking (``open()``), so tests and
background callbacks never sit in a nested event loop; a callback runs when the user answers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.gui.i18n import tr

T = TypeVar("T")


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return box


def show_error(parent: QWidget | None, error: BaseException | str, *, title: str = "") -> QMessageBox:
    """Show an expected error (a ``QuzhouError`` carries its own Chinese sentence)."""
    box = _box(parent, QMessageBox.Icon.Warning, title or tr("操作未完成"), str(error))
    box.addButton(tr("确定"), QMessageBox.ButtonRole.AcceptRole)
    box.open()
    return box


def show_info(parent: QWidget | None, text: str, *, title: str = "", details: str = "") -> QMessageBox:
    box = _box(parent, QMessageBox.Icon.Information, title or tr("提示"), text)
    if details:
        box.setDetailedText(details)
    box.addButton(tr("确定"), QMessageBox.ButtonRole.AcceptRole)
    box.open()
    return box


def show_warnings(parent: QWidget | None, warnings: Sequence[str], *, title: str = "") -> QMessageBox | None:
    """List rule warnings (saved anyway) in one box; nothing when there are none."""
    if not warnings:
        return None
    text = tr("已保存，但请注意：") + "\n\n" + "\n".join(f"• {w}" for w in warnings)
    box = _box(parent, QMessageBox.Icon.Warning, title or tr("提醒"), text)
    box.addButton(tr("知道了"), QMessageBox.ButtonRole.AcceptRole)
    box.open()
    return box


def ask(
    parent: QWidget | None,
    text: str,
    on_yes: Callable[[], object],
    *,
    title: str = "",
    yes_text: str = "",
    no_text: str = "",
) -> QMessageBox:
    """Ask for confirmation; ``on_yes`` runs only if the user confirms. The safe answer is the default."""
    box = _box(parent, QMessageBox.Icon.Question, title or tr("请确认"), text)
    yes = box.addButton(yes_text or tr("确定"), QMessageBox.ButtonRole.AcceptRole)
    no = box.addButton(no_text or tr("取消"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no)

    def done(_result: int) -> None:
        if box.clickedButton() is yes:
            on_yes()

    box.finished.connect(done)
    box.open()
    return box


def attempt(parent: QWidget | None, fn: Callable[[], T]) -> T | None:
    """Run ``fn``; an expected error becomes a message box and None. Unexpected errors propagate (crash)."""
    try:
        return fn()
    except QuzhouError as exc:
        show_error(parent, exc)
        return None
