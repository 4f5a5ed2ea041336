"""GUI test helpers: the message boxes a widget left open."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QMessageBox


def message_boxes() -> list[QMessageBox]:
    """The visible top-level message boxes."""
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def close_message_boxes() -> list[str]:
    """Close every open message box; returns their texts."""
    texts = []
    for box in message_boxes():
        texts.append(box.text())
        box.done(0)
    return texts
