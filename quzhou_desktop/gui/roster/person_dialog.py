"""Add or edit a person (Designer form ``forms/person.ui``, held by composition)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.gui.forms.ui_person import Ui_PersonDialog
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.dialogs import show_field_error
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.roster import people as people_svc
from quzhou_desktop.services.roster.people import PersonFields, PersonRow

GENDERS = ("", "男", "女")


class PersonDialog(QDialog):
    """``saved(PersonRow)`` fires after the service accepted the fields; errors stay in the dialog."""

    saved = Signal(object)

    def __init__(
        self, ctx: AppContext, village_id: str, person_id: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.village_id, self.person_id = ctx, village_id, person_id
        self.version: int | None = None
        self.result_row: PersonRow | None = None
        self.ui = Ui_PersonDialog()
        self.ui.setupUi(self)
        self.can_edit = ctx.can(Perm.ROSTER_EDIT, village_id)
        self.can_reveal = self.can_edit or ctx.can(Perm.EXPORT_ID_NUMBERS)
        self.id_masked = False
        save = self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Save)
        save.setText(tr("保存"))
        self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Cancel).setText(
            tr("取消") if self.can_edit else tr("关闭")
        )
        save.setVisible(self.can_edit)
        self.ui.buttonBox.accepted.connect(self.accept)
        self.ui.buttonBox.rejected.connect(self.reject)
        self.ui.revealButton.clicked.connect(self.reveal_id)
        self.ui.idEdit.setPlaceholderText(tr("18位，最后一位可以是X"))
        self.ui.phoneEdit.setPlaceholderText(tr("手机11位，或区号-号码"))
        self.ui.noteEdit.setFixedHeight(self.ui.noteEdit.fontMetrics().lineSpacing() * 4 + 12)
        self.fields = {
            "姓名": self.ui.nameEdit,
            "性别": self.ui.genderCombo,
            "身份证号": self.ui.idEdit,
            "联系电话": self.ui.phoneEdit,
            "村民小组": self.ui.groupEdit,
            "备注": self.ui.noteEdit,
        }
        if person_id is None:
            self.setWindowTitle(tr("新增人员"))
            self.ui.revealButton.hide()
        else:
            self.setWindowTitle(tr("编辑人员信息"))
            self._load(reveal=False)
        for w in (*self.fields.values(), self.ui.headCheck):
            w.setEnabled(self.can_edit)
        self.ui.nameEdit.setFocus()
        self.setMinimumWidth(460)

    def _load(self, *, reveal: bool) -> None:
        assert self.person_id is not None
        row, f = people_svc.get_person(self.ctx, self.person_id, reveal_id=reveal)
        self.version = row.row_version
        self.ui.nameEdit.setText(f.name)
        self.ui.genderCombo.setCurrentIndex(GENDERS.index(f.gender) if f.gender in GENDERS else 0)
        self.ui.idEdit.setText(f.id_number or "")
        self.id_masked = bool(f.id_number and "*" in f.id_number)
        self.ui.idEdit.setReadOnly(self.id_masked)
        self.ui.idEdit.setToolTip(tr("点“显示完整号码”后才能修改") if self.id_masked else "")
        self.ui.revealButton.setVisible(self.id_masked and self.can_reveal)
        self.ui.phoneEdit.setText(f.phone or "")
        self.ui.groupEdit.setText(f.group_name or "")
        self.ui.headCheck.setChecked(f.household_head)
        self.ui.noteEdit.setPlainText(f.note or "")

    def reveal_id(self) -> None:
        """Show the full ID number (only for users with the right; the service checks again)."""
        if self.person_id is None:
            return
        _row, f = people_svc.get_person(self.ctx, self.person_id, reveal_id=True)
        self.ui.idEdit.setText(f.id_number or "")
        self.id_masked = bool(f.id_number and "*" in f.id_number)
        self.ui.idEdit.setReadOnly(self.id_masked or not self.can_edit)
        self.ui.revealButton.setVisible(self.id_masked)

    def form_fields(self) -> PersonFields:
        return PersonFields(
            name=self.ui.nameEdit.text(),
            gender=GENDERS[self.ui.genderCombo.currentIndex()] or None,
            id_number=self.ui.idEdit.text(),
            phone=self.ui.phoneEdit.text(),
            group_name=self.ui.groupEdit.text(),
            household_head=self.ui.headCheck.isChecked(),
            note=self.ui.noteEdit.toPlainText(),
        )

    def error_text(self) -> str:
        return self.ui.errorLabel.text()

    def accept(self) -> None:
        if not self.can_edit:
            self.reject()
            return
        try:
            if self.person_id is None:
                row = people_svc.add_person(self.ctx, self.village_id, self.form_fields())
            else:
                row = people_svc.update_person(
                    self.ctx, self.person_id, self.form_fields(), expected_version=self.version
                )
        except QuzhouError as exc:
            show_field_error(self.ui.errorLabel, exc, self.fields)
            return
        self.ui.errorLabel.clear()
        self.result_row = row
        self.saved.emit(row)
        super().accept()
