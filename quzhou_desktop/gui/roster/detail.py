"""The selected person's memberships (任职) and close relatives (近亲属), with their actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.messages import show_warnings
from quzhou_desktop.gui.roster.kin_dialog import AddKinDialog
from quzhou_desktop.gui.roster.membership_dialogs import AddMembershipDialog, EndMembershipDialog
from quzhou_desktop.gui.widgets.dialogs import ReasonDialog
from quzhou_desktop.gui.widgets.table import table
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.roster import people as people_svc
from quzhou_desktop.services.roster.people import KinRow, MembershipRow, PersonRow

D = TypeVar("D", bound=QDialog)
PAST = QBrush(QColor("#888888"))


class PersonDetail(QWidget):
    """Shows one person; emits nothing — the page reloads its list after changes through ``changed``."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.person: PersonRow | None = None
        self.memberships: list[MembershipRow] = []
        self.kin: list[KinRow] = []
        self.dialog: QDialog | None = None
        self.warning_box: QMessageBox | None = None
        self.on_changed: Callable[[], object] = lambda: None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel(tr("在左侧选择一个人"))
        lay.addWidget(self.title)

        box = QGroupBox(tr("任职"))
        b = QVBoxLayout(box)
        self.m_table = table(["组织", "职务", "类别", "开始", "结束", "结束原因"])
        b.addWidget(self.m_table)
        row = QHBoxLayout()
        self.add_m_button = QPushButton(tr("新增任职…"))
        self.end_m_button = QPushButton(tr("结束所选任职…"))
        row.addWidget(self.add_m_button)
        row.addWidget(self.end_m_button)
        row.addStretch(1)
        b.addLayout(row)
        lay.addWidget(box, 3)

        kbox = QGroupBox(tr("近亲属"))
        k = QVBoxLayout(kbox)
        self.k_table = table(["亲属", "关系"])
        k.addWidget(self.k_table)
        krow = QHBoxLayout()
        self.add_k_button = QPushButton(tr("添加近亲属…"))
        self.remove_k_button = QPushButton(tr("删除所选关系…"))
        krow.addWidget(self.add_k_button)
        krow.addWidget(self.remove_k_button)
        krow.addStretch(1)
        k.addLayout(krow)
        lay.addWidget(kbox, 2)

        self.add_m_button.clicked.connect(self.add_membership)
        self.end_m_button.clicked.connect(self.end_membership)
        self.add_k_button.clicked.connect(self.add_kin)
        self.remove_k_button.clicked.connect(self.remove_kin)
        self.show_person(None)

    def show_person(self, person: PersonRow | None) -> None:
        self.person = person
        can = person is not None and person.active and self.ctx.can(Perm.ROSTER_EDIT, person.village_id)
        for b in (self.add_m_button, self.end_m_button, self.add_k_button, self.remove_k_button):
            b.setEnabled(bool(can))
        if person is None:
            self.title.setText(tr("在左侧选择一个人"))
            self.memberships, self.kin = [], []
        else:
            state = "" if person.active else tr("（已停用）")
            self.title.setText(f"<b>{person.name}</b>{state}")
            self.memberships = people_svc.person_memberships(self.ctx, person.id)
            self.kin = [
                k
                for k in people_svc.kin_links(self.ctx, person.village_id)
                if person.id in (k.person_a_id, k.person_b_id)
            ]
        self._fill()

    def _fill(self) -> None:
        today = self.ctx.clock.today()
        self.m_table.setRowCount(len(self.memberships))
        for r, m in enumerate(self.memberships):
            cells = [m.body_label, m.role_label, m.party_status_label, m.start_date.isoformat(),
                     m.end_date.isoformat() if m.end_date else "", m.end_reason or ""]  # fmt: skip
            past = m.end_date is not None and m.end_date < today
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if past:
                    item.setForeground(PAST)
                self.m_table.setItem(r, c, item)
        self.k_table.setRowCount(len(self.kin))
        assert self.person is not None or not self.kin
        for r, k in enumerate(self.kin):
            other = k.person_b_name if self.person and k.person_a_id == self.person.id else k.person_a_name
            self.k_table.setItem(r, 0, QTableWidgetItem(other))
            self.k_table.setItem(r, 1, QTableWidgetItem(k.relation))

    def _changed(self) -> None:
        self.show_person(self.person)
        self.on_changed()

    def add_membership(self) -> AddMembershipDialog | None:
        if self.person is None:
            return None
        dlg = AddMembershipDialog(self.ctx, self.person.id, self.person.name, self)
        dlg.accepted.connect(lambda: self._membership_added(dlg.warnings))
        return self._open(dlg)

    def _membership_added(self, warnings: list[str]) -> None:
        self._changed()
        self.warning_box = show_warnings(self.window(), warnings)

    def end_membership(self) -> EndMembershipDialog | None:
        r = self.m_table.currentRow()
        if self.person is None or r < 0:
            return None
        dlg = EndMembershipDialog(self.ctx, self.memberships[r], self)
        dlg.accepted.connect(self._changed)
        return self._open(dlg)

    def add_kin(self) -> AddKinDialog | None:
        if self.person is None:
            return None
        dlg = AddKinDialog(self.ctx, self.person.village_id, self.person.id, self.person.name, self)
        dlg.accepted.connect(self._changed)
        return self._open(dlg)

    def remove_kin(self) -> ReasonDialog | None:
        r = self.k_table.currentRow()
        if self.person is None or r < 0:
            return None
        link = self.kin[r]
        dlg = ReasonDialog(
            tr("删除亲属关系"),
            tr("删除“{a}”与“{b}”的{rel}关系。请写明原因：").format(
                a=link.person_a_name, b=link.person_b_name, rel=link.relation
            ),
            lambda reason: people_svc.remove_kin_link(self.ctx, link.id, reason=reason),
            self,
        )
        dlg.accepted.connect(self._changed)
        return self._open(dlg)

    def _open(self, dlg: D) -> D:
        self.dialog = dlg
        dlg.open()
        return dlg
