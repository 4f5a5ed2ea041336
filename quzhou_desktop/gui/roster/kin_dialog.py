"""Record a close relative (近亲属) of a person: pick the other person by searching, pick the relation."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QListWidget, QListWidgetItem, QWidget

from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.dialogs import ServiceDialog, button_box
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.roster import people as people_svc

MATCHES = 50


class AddKinDialog(ServiceDialog):
    def __init__(
        self,
        ctx: AppContext,
        village_id: str,
        person_id: str,
        person_name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.village_id, self.person_id = ctx, village_id, person_id
        self.setWindowTitle(tr("添加近亲属") + f" — {person_name}")
        form = QFormLayout(self)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(tr("输入姓名、电话或村民小组查找"))
        self.results = QListWidget()
        self.results.setMinimumHeight(160)
        self.relation_combo = QComboBox()
        self.relation_combo.addItems(list(people_svc.RELATIONS))
        form.addRow(tr("查找本村人员："), self.search_edit)
        form.addRow(tr("选择亲属："), self.results)
        form.addRow(tr("是{name}的：").format(name=person_name), self.relation_combo)
        form.addRow(self.error)
        buttons = button_box("保存", dialog=self)
        form.addRow(buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh_results)
        self.search_edit.textChanged.connect(lambda _t: self._timer.start())
        self.field_widgets = {"亲属": self.results, "亲属关系": self.relation_combo}
        self.refresh_results()
        self.setMinimumWidth(440)

    def refresh_results(self) -> None:
        self.results.clear()
        rows = people_svc.list_people(
            self.ctx, self.village_id, search=self.search_edit.text(), limit=MATCHES
        )
        for r in rows:
            if r.id == self.person_id:
                continue
            extra = "　".join(x for x in (r.gender or "", r.group_name or "", r.roles) if x)
            item = QListWidgetItem(f"{r.name}　{extra}".strip())
            item.setData(Qt.ItemDataRole.UserRole, r.id)
            self.results.addItem(item)

    def choose(self, name: str, relation: str) -> None:
        """Select the first match named ``name`` and the relation (keyboard users and tests)."""
        self.search_edit.setText(name)
        self.refresh_results()
        for i in range(self.results.count()):
            if self.results.item(i).text().split("　")[0] == name:
                self.results.setCurrentRow(i)
                break
        self.relation_combo.setCurrentText(relation)

    def save(self) -> None:
        item = self.results.currentItem()
        if item is None:
            raise ValidationError(field="亲属", reason="请先在列表中选择一个人")
        people_svc.add_kin_link(
            self.ctx, self.person_id, item.data(Qt.ItemDataRole.UserRole), self.relation_combo.currentText()
        )
