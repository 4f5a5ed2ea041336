"""人员名单: the village's people in a lazy, SQL-sorted table with search, body filter and actions."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QItemSelection, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.roster.detail import PersonDetail
from quzhou_desktop.gui.roster.person_dialog import PersonDialog
from quzhou_desktop.gui.widgets.dialogs import ReasonDialog
from quzhou_desktop.gui.widgets.paged_model import CENTER, Column, PagedTableModel
from quzhou_desktop.gui.widgets.register_view import register_view
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.roster import people as people_svc
from quzhou_desktop.services.roster.bodies import BODY_LABELS
from quzhou_desktop.services.roster.people import PersonRow

D = TypeVar("D", bound=QDialog)
SEARCH_DELAY_MS = 300

COLUMNS: list[Column[PersonRow]] = [
    Column("姓名", lambda r: r.name, sort="name"),
    Column("性别", lambda r: r.gender, sort="gender", align=CENTER),
    Column("身份证号", lambda r: r.id_masked),
    Column("电话", lambda r: r.phone),
    Column("村民小组", lambda r: r.group_name, sort="group"),
    Column("户主", lambda r: r.household_head, align=CENTER),
    Column("任职/身份", lambda r: r.roles, tooltip=lambda r: r.roles),
    Column("备注", lambda r: r.note, tooltip=lambda r: r.note or ""),
    Column("状态", lambda r: "" if r.active else "已停用"),
]


class PeopleTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.village_id: str | None = None
        self.dialog: QDialog | None = None
        lay = QVBoxLayout(self)

        bar = QHBoxLayout()
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(tr("查找：姓名、电话、村民小组或身份证号"))
        self.search_edit.setClearButtonEnabled(True)
        self.body_combo = QComboBox()
        self.body_combo.addItem(tr("全部人员"), None)
        for key, label in BODY_LABELS.items():
            self.body_combo.addItem(label, key)
        self.inactive_check = QCheckBox(tr("含已停用"))
        bar.addWidget(self.search_edit, 2)
        bar.addWidget(QLabel(tr("组织：")))
        bar.addWidget(self.body_combo)
        bar.addWidget(self.inactive_check)
        lay.addLayout(bar)

        actions = QHBoxLayout()
        self.add_button = QPushButton(tr("新增人员…"))
        self.edit_button = QPushButton(tr("查看/编辑…"))
        self.active_button = QPushButton(tr("停用…"))
        self.count_label = QLabel()
        for b in (self.add_button, self.edit_button, self.active_button):
            actions.addWidget(b)
        actions.addStretch(1)
        actions.addWidget(self.count_label)
        lay.addLayout(actions)

        self.model: PagedTableModel[PersonRow] = PagedTableModel(
            COLUMNS, self._fetch, self._count, sort="name", parent=self
        )
        self.view = register_view(self.model, sort_column=0)
        self.detail = PersonDetail(ctx, self)
        self.detail.on_changed = self._reload_keep_selection
        split = QSplitter()
        split.addWidget(self.view)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([800, 380])
        lay.addWidget(split, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.reload)
        self.search_edit.textChanged.connect(lambda _t: self._timer.start())
        self.body_combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.inactive_check.toggled.connect(lambda _b: self.reload())
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.view.doubleClicked.connect(lambda _i: self.edit_selected())
        self.model.reloaded.connect(self._show_count)
        self.add_button.clicked.connect(self.add_person)
        self.edit_button.clicked.connect(self.edit_selected)
        self.active_button.clicked.connect(self.toggle_active)
        self._update_buttons()

    # -- data --------------------------------------------------------------------------------------------

    def _fetch(self, offset: int, limit: int, sort: str | None, desc: bool) -> list[PersonRow]:
        if self.village_id is None:
            return []
        return people_svc.list_people(
            self.ctx, self.village_id, search=self.search_edit.text(), body=self.body_combo.currentData(),
            include_inactive=self.inactive_check.isChecked(), sort=sort or "name", descending=desc,
            offset=offset, limit=limit,
        )  # fmt: skip

    def _count(self) -> int:
        if self.village_id is None:
            return 0
        return people_svc.count_people(
            self.ctx, self.village_id, search=self.search_edit.text(), body=self.body_combo.currentData(),
            include_inactive=self.inactive_check.isChecked(),
        )  # fmt: skip

    def set_village(self, village_id: str | None) -> None:
        self.village_id = village_id
        self.reload()

    def reload(self) -> None:
        self._timer.stop()
        if self.village_id is None:
            self.model.clear()
        else:
            self.model.reload()
        self.detail.show_person(None)
        self._update_buttons()

    def _reload_keep_selection(self) -> None:
        current = self.selected()
        self.reload()
        if current is not None:
            self.select_person(current.id)

    def _show_count(self, total: int) -> None:
        self.count_label.setText(tr("共 {n} 人").format(n=total))

    # -- selection ---------------------------------------------------------------------------------------

    def selected(self) -> PersonRow | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row(rows[0]) if rows else None

    def select_person(self, person_id: str) -> bool:
        while True:
            i = self.model.find(lambda r: r.id == person_id)
            if i >= 0:
                self.view.selectRow(i)
                return True
            if not self.model.canFetchMore():
                return False
            self.model.fetchMore()

    def _selection_changed(self, _sel: QItemSelection, _old: QItemSelection) -> None:
        self.detail.show_person(self.selected())
        self._update_buttons()

    def _update_buttons(self) -> None:
        can = self.village_id is not None and self.ctx.can(Perm.ROSTER_EDIT, self.village_id)
        person = self.selected()
        self.add_button.setEnabled(can)
        self.edit_button.setEnabled(person is not None)
        self.active_button.setEnabled(can and person is not None)
        self.active_button.setText(tr("恢复…") if person is not None and not person.active else tr("停用…"))

    # -- actions -----------------------------------------------------------------------------------------

    def _open(self, dlg: D) -> D:
        self.dialog = dlg
        dlg.open()
        return dlg

    def add_person(self) -> PersonDialog | None:
        if self.village_id is None:
            return None
        dlg = PersonDialog(self.ctx, self.village_id, None, self)
        dlg.saved.connect(self._added)
        return self._open(dlg)

    def _added(self, row: PersonRow) -> None:
        self.reload()
        self.select_person(row.id)

    def edit_selected(self) -> PersonDialog | None:
        person = self.selected()
        if person is None or self.village_id is None:
            return None
        dlg = PersonDialog(self.ctx, self.village_id, person.id, self)
        dlg.saved.connect(lambda _row: self._reload_keep_selection())
        return self._open(dlg)

    def toggle_active(self) -> ReasonDialog | None:
        person = self.selected()
        if person is None:
            return None
        activate = not person.active
        verb = tr("恢复") if activate else tr("停用")
        prompt = (
            tr("恢复“{name}”。请写明原因：") if activate
            else tr("停用“{name}”（如迁出、死亡、登记错误）。停用后其现有任职一并结束。请写明原因：")
        ).format(name=person.name)  # fmt: skip
        dlg = ReasonDialog(
            verb + tr("人员"),
            prompt,
            lambda reason: people_svc.set_person_active(self.ctx, person.id, activate, reason=reason),
            self,
        )
        dlg.accepted.connect(self.reload)
        return self._open(dlg)
