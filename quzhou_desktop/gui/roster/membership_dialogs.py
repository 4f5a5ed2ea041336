"""Add a membership (body, role, 正式/预备 for 党员大会, dates) and end one (date, reason)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QFormLayout, QLabel, QLineEdit, QWidget

from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.dialogs import ServiceDialog, button_box
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.roster import people as people_svc
from quzhou_desktop.services.roster.bodies import BODY_LABELS, PARTY_STATUS_LABELS, ROLE_IN_BODY


def date_edit(value: date) -> QDateEdit:
    edit = QDateEdit(QDate(value.year, value.month, value.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def to_date(edit: QDateEdit) -> date:
    d = edit.date()
    return date(d.year(), d.month(), d.day())


class AddMembershipDialog(ServiceDialog):
    """After ``accept``: ``warnings`` holds what the service returned (shown by the caller)."""

    def __init__(
        self, ctx: AppContext, person_id: str, person_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.person_id = ctx, person_id
        self.warnings: list[str] = []
        self.setWindowTitle(tr("新增任职") + f" — {person_name}")
        form = QFormLayout(self)
        self.body_combo = QComboBox()
        for key, label in BODY_LABELS.items():
            self.body_combo.addItem(label, key)
        self.role_combo = QComboBox()
        self.status_combo = QComboBox()
        for key, label in PARTY_STATUS_LABELS.items():
            self.status_combo.addItem(label, key)
        today = ctx.clock.today()
        self.start_edit = date_edit(today)
        self.has_end = QCheckBox(tr("已知任期结束日期"))
        self.end_edit = date_edit(today)
        self.end_edit.setEnabled(False)
        self.has_end.toggled.connect(self.end_edit.setEnabled)
        form.addRow(tr("组织："), self.body_combo)
        form.addRow(tr("职务："), self.role_combo)
        form.addRow(tr("党员类别："), self.status_combo)
        form.addRow(tr("任职开始日期："), self.start_edit)
        form.addRow(self.has_end)
        form.addRow(tr("任职结束日期："), self.end_edit)
        form.addRow(self.error)
        buttons = button_box("保存", dialog=self)
        form.addRow(buttons)
        self.body_combo.currentIndexChanged.connect(self._body_changed)
        self._body_changed()
        self.field_widgets = {
            "组织": self.body_combo,
            "职务": self.role_combo,
            "党员类别": self.status_combo,
            "任职开始日期": self.start_edit,
            "任职结束日期": self.end_edit,
        }
        self.setMinimumWidth(420)

    def set_body(self, body: str, role: str | None = None, party_status: str | None = None) -> None:
        self.body_combo.setCurrentIndex(self.body_combo.findData(body))
        if role is not None:
            self.role_combo.setCurrentIndex(self.role_combo.findData(role))
        if party_status is not None:
            self.status_combo.setCurrentIndex(self.status_combo.findData(party_status))

    def _body_changed(self) -> None:
        body = self.body_combo.currentData()
        self.role_combo.clear()
        for key, label in ROLE_IN_BODY.get(body, {}).items():
            self.role_combo.addItem(label, key)
        self.status_combo.setEnabled(body == "party_meeting")

    def save(self) -> None:
        body = self.body_combo.currentData()
        _row, self.warnings = people_svc.add_membership(
            self.ctx,
            self.person_id,
            body=body,
            role=self.role_combo.currentData(),
            start_date=to_date(self.start_edit),
            end_date=to_date(self.end_edit) if self.has_end.isChecked() else None,
            party_status=self.status_combo.currentData() if body == "party_meeting" else None,
        )


class EndMembershipDialog(ServiceDialog):
    def __init__(
        self, ctx: AppContext, membership: people_svc.MembershipRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.membership = ctx, membership
        self.setWindowTitle(tr("结束任职"))
        form = QFormLayout(self)
        form.addRow(QLabel(f"{membership.person_name}　{membership.body_label}{membership.role_label}"))
        self.end_edit = date_edit(ctx.clock.today())
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(tr("如：换届、辞职、迁出"))
        form.addRow(tr("结束日期："), self.end_edit)
        form.addRow(tr("原因："), self.reason_edit)
        form.addRow(self.error)
        buttons = button_box("结束任职", dialog=self)
        form.addRow(buttons)
        self.field_widgets = {"原因": self.reason_edit, "任职结束日期": self.end_edit}
        self.setMinimumWidth(420)

    def save(self) -> None:
        people_svc.end_membership(
            self.ctx, self.membership.id, end_date=to_date(self.end_edit), reason=self.reason_edit.text()
        )
