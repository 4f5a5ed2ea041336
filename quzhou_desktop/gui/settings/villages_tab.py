"""村: add and edit villages (administrators)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.dialogs import ServiceDialog, button_box, password_edit
from quzhou_desktop.gui.widgets.table import table
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.roster import villages as villages_svc
from quzhou_desktop.services.roster.villages import VillageInfo, VillageSpec


class VillageDialog(ServiceDialog):
    def __init__(
        self, ctx: AppContext, village: VillageInfo | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.village = ctx, village
        self.setWindowTitle(tr("编辑村信息") if village else tr("新增村"))
        form = QFormLayout(self)
        self.name_edit = QLineEdit(village.name if village else "")
        self.code_edit = QLineEdit((village.code or "") if village else "")
        self.households_spin = QSpinBox()
        self.households_spin.setRange(0, 100_000)
        self.adults_spin = QSpinBox()
        self.adults_spin.setRange(0, 1_000_000)
        for spin in (self.households_spin, self.adults_spin):
            spin.setButtonSymbols(QSpinBox.ButtonSymbols.NoButtons)
        self.busy_check = QCheckBox(tr("财务往来较多（财务每月公开）"))
        if village:
            self.households_spin.setValue(village.households)
            self.adults_spin.setValue(village.adults)
            self.busy_check.setChecked(village.finance_busy)
        form.addRow(tr("村名："), self.name_edit)
        form.addRow(tr("村代码："), self.code_edit)
        form.addRow(tr("户数："), self.households_spin)
        form.addRow(tr("18周岁以上人数："), self.adults_spin)
        form.addRow(self.busy_check)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #8a5a00;")
        form.addRow(self.warning)
        self.password = password_edit("您（管理员）的登录密码，作为电子签名")
        form.addRow(tr("您的密码（签名）："), self.password)
        form.addRow(self.error)
        self._confirmed: tuple[int, int] | None = None
        for spin in (self.households_spin, self.adults_spin):
            spin.valueChanged.connect(lambda _v: self._warn())
        self._warn()
        buttons = button_box("签名保存", dialog=self)
        form.addRow(buttons)
        self.field_widgets = {"村名": self.name_edit, "村代码": self.code_edit, "登录密码": self.password}
        self.setMinimumWidth(380)

    def _spec(self) -> VillageSpec:
        return VillageSpec(
            self.name_edit.text(), self.code_edit.text() or None, self.households_spin.value(),
            self.adults_spin.value(), self.busy_check.isChecked(),
        )  # fmt: skip

    def _warn(self) -> list[str]:
        warnings = villages_svc.number_warnings(self._spec())
        self.warning.setText("\n".join(tr("请核对：") + w for w in warnings))
        self.warning.setVisible(bool(warnings))
        return warnings

    def accept(self) -> None:
        numbers = (self.households_spin.value(), self.adults_spin.value())
        if self._warn() and self._confirmed != numbers:
            self._confirmed = numbers  # shown once; a second 保存 with the same numbers saves them
            self.error.setText(tr("户数或人数可能有误，请核对；确认无误请再点“保存”。"))
            return
        super().accept()

    def save(self) -> None:
        spec = VillageSpec(
            self.name_edit.text(), self.code_edit.text() or None, self.households_spin.value(),
            self.adults_spin.value(), self.busy_check.isChecked(),
        )  # fmt: skip
        if self.village is None:
            villages_svc.add_village(self.ctx, spec, credential=self.password.text())
        else:
            villages_svc.update_village(
                self.ctx,
                self.village.id,
                spec,
                expected_version=self.village.row_version,
                credential=self.password.text(),
            )


class VillagesTab(QWidget):
    villagesChanged = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.villages: list[VillageInfo] = []
        self.dialog: VillageDialog | None = None
        lay = QVBoxLayout(self)
        self.table = table(["村名", "代码", "户数", "18周岁以上人数", "财务往来较多"])
        lay.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton(tr("新增村…"))
        self.edit_button = QPushButton(tr("编辑…"))
        row.addWidget(self.add_button)
        row.addWidget(self.edit_button)
        row.addStretch(1)
        lay.addLayout(row)
        self.add_button.clicked.connect(self.add_village)
        self.edit_button.clicked.connect(self.edit_selected)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.refresh()

    def refresh(self) -> None:
        self.villages = villages_svc.list_villages(self.ctx)
        self.table.setRowCount(len(self.villages))
        for r, v in enumerate(self.villages):
            cells = [
                v.label,
                v.code or "",
                str(v.households),
                str(v.adults),
                tr("是") if v.finance_busy else tr("否"),
            ]
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def _open(self, dlg: VillageDialog) -> VillageDialog:
        self.dialog = dlg
        dlg.accepted.connect(self._changed)
        dlg.open()
        return dlg

    def _changed(self) -> None:
        self.refresh()
        self.villagesChanged.emit()

    def add_village(self) -> VillageDialog:
        return self._open(VillageDialog(self.ctx, None, self))

    def edit_selected(self) -> VillageDialog | None:
        r = self.table.currentRow()
        return (
            self._open(VillageDialog(self.ctx, self.villages[r], self))
            if 0 <= r < len(self.villages)
            else None
        )
