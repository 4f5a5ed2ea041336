"""Pick one person by searching: a search box over a list the caller fills (``search(text)`` gives (id, label)
pairs), for choosing a villager from the roster in any form."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.dialogs import button_box, error_label

Search = Callable[[str], list[tuple[str, str]]]


class PersonPicker(QDialog):
    """``chosen`` holds (id, label) after OK. Double-click or OK chooses the selected line."""

    def __init__(self, title: str, search: Search, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.search = search
        self.chosen: tuple[str, str] | None = None
        lay = QVBoxLayout(self)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(tr("输入姓名、电话或村民小组查找"))
        self.search_edit.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setMinimumHeight(220)
        self.error = error_label()
        lay.addWidget(QLabel(tr("查找本村人员：")))
        lay.addWidget(self.search_edit)
        lay.addWidget(self.results, 1)
        lay.addWidget(self.error)
        lay.addWidget(button_box("选择", dialog=self))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh)
        self.search_edit.textChanged.connect(lambda _t: self._timer.start())
        self.results.itemDoubleClicked.connect(lambda _i: self.accept())
        self.setMinimumWidth(420)
        self.refresh()

    def refresh(self) -> None:
        self.results.clear()
        for pid, label in self.search(self.search_edit.text()):
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, pid)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def choose(self, name: str) -> None:
        """Search for ``name`` and select the first line that starts with it (keyboard users and tests)."""
        self.search_edit.setText(name)
        self.refresh()
        for i in range(self.results.count()):
            if self.results.item(i).text().startswith(name):
                self.results.setCurrentRow(i)
                return

    def accept(self) -> None:
        item = self.results.currentItem()
        if item is None:
            self.error.setText(tr("请先在列表中选择一个人"))
            return
        self.chosen = (str(item.data(Qt.ItemDataRole.UserRole)), item.text())
        super().accept()
