"""Change one's own password: a dialog (forced after a reset) and the same form as a settings tab."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.services.kernel import auth
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.passwords import MIN_LENGTH


class PasswordForm(QWidget):
    """Old password, new password twice; ``submit()`` calls ``services.auth.change_password``."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        form = QFormLayout(self)
        self.old_edit = QLineEdit()
        self.new_edit = QLineEdit()
        self.again_edit = QLineEdit()
        for e in (self.old_edit, self.new_edit, self.again_edit):
            e.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_edit.setPlaceholderText(tr("至少{n}个字符").format(n=MIN_LENGTH))
        form.addRow(tr("原密码："), self.old_edit)
        form.addRow(tr("新密码："), self.new_edit)
        form.addRow(tr("再输一次新密码："), self.again_edit)
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        form.addRow(self.error_label)

    def fill(self, old: str, new: str, again: str | None = None) -> None:
        self.old_edit.setText(old)
        self.new_edit.setText(new)
        self.again_edit.setText(new if again is None else again)

    def submit(self) -> bool:
        if not self.old_edit.text():
            return self._fail(tr("原密码：不能为空"), self.old_edit)
        if self.new_edit.text() != self.again_edit.text():
            return self._fail(tr("再输一次新密码：两次输入的新密码不一致"), self.again_edit)
        if self.new_edit.text() == self.old_edit.text():
            return self._fail(tr("新密码：不能与原密码相同"), self.new_edit)
        try:
            auth.change_password(self.ctx, self.old_edit.text(), self.new_edit.text())
        except QuzhouError as exc:
            if exc.code == "auth.old_password":
                return self._fail(str(exc), self.old_edit)
            field = str(exc.params.get("field", ""))
            return self._fail(str(exc), self.new_edit if field == "密码" else self.old_edit)
        for e in (self.old_edit, self.new_edit, self.again_edit):
            e.clear()
        self.error_label.setStyleSheet("color: #1b5e20;")
        self.error_label.setText(tr("密码已修改"))
        self.changed.emit()
        return True

    def _fail(self, text: str, widget: QLineEdit) -> bool:
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setText(text)
        widget.setFocus()
        widget.selectAll()
        return False


class ChangePasswordDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, forced: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("修改密码"))
        lay = QVBoxLayout(self)
        if forced:
            note = QLabel(tr("您的密码是管理员设置的临时密码，或需要定期更换。请先设置自己的新密码再继续。"))
            note.setWordWrap(True)
            lay.addWidget(note)
        self.form = PasswordForm(ctx, self)
        lay.addWidget(self.form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("修改密码"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("退出") if forced else tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.setMinimumWidth(420)

    def accept(self) -> None:
        if self.form.submit():
            super().accept()


class PasswordTab(QWidget):
    """设置 → 修改密码 (for everyone)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        self.form = PasswordForm(ctx, self)
        lay.addWidget(self.form)
        self.button = QPushButton(tr("修改密码"))
        self.button.clicked.connect(self.form.submit)
        lay.addWidget(self.button)
        lay.addStretch(1)
