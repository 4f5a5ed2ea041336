"""Plain pages for sections that are not built yet or failed to load: text only, no fake controls."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from quzhou_desktop.gui.i18n import tr

PENDING_TEXT = "本功能正在开发中，尚不可用"


class _TextPage(QWidget):
    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        heading = QLabel(f"<h2>{title}</h2>")
        body = QLabel(text)
        body.setWordWrap(True)
        body.setObjectName("placeholderText")
        layout.addWidget(heading)
        layout.addWidget(body)
        layout.addStretch(1)
        for w in (heading, body):
            w.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.text = text

    def set_village(self, village_id: str | None) -> None:
        """Placeholders show nothing per village."""


class PendingPage(_TextPage):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, tr(PENDING_TEXT) + "。", parent)


class FailedPage(_TextPage):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        from quzhou_desktop.logs import log_file

        super().__init__(
            title, tr("此功能加载失败，暂时无法使用。详细信息已写入日志：") + str(log_file()), parent
        )
