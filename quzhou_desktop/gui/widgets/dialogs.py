"""Small shared dialog pieces: a dialog base with an inline error line, a reason prompt, and the password
prompts of signed acts (the password unseals the user's signing key for that one act)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.gui.i18n import tr


def error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("errorLabel")
    label.setStyleSheet("color: #b00020;")
    label.setWordWrap(True)
    return label


def button_box(ok_text: str, *, cancel_text: str = "取消", dialog: QDialog | None = None) -> QDialogButtonBox:
    """OK/Cancel with Chinese texts; with ``dialog``, wired to its accept() and reject()."""
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    box.button(QDialogButtonBox.StandardButton.Ok).setText(tr(ok_text))
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(tr(cancel_text))
    if dialog is not None:
        box.accepted.connect(dialog.accept)
        box.rejected.connect(dialog.reject)
    return box


def show_field_error(label: QLabel, exc: QuzhouError, fields: Mapping[str, QWidget]) -> None:
    """Put the Chinese message in ``label`` and focus the widget of the field the error names."""
    label.setText(str(exc))
    widget = fields.get(str(exc.params.get("field", "")))
    if widget is not None:
        widget.setFocus()


class ServiceDialog(QDialog):
    """A dialog whose OK runs ``save()``; an expected error stays in the dialog, shown in red."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error = error_label()
        self.field_widgets: dict[str, QWidget] = {}

    def save(self) -> None:
        raise NotImplementedError

    def error_text(self) -> str:
        return self.error.text()

    def accept(self) -> None:
        try:
            self.save()
        except QuzhouError as exc:
            show_field_error(self.error, exc, self.field_widgets)
            return
        self.error.clear()
        super().accept()


class ReasonDialog(ServiceDialog):
    """Ask for a reason, then run ``action(reason)`` (which raises QuzhouError on refusal)."""

    def __init__(
        self, title: str, prompt: str, action: Callable[[str], object], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.action = action
        lay = QVBoxLayout(self)
        text = QLabel(prompt)
        text.setWordWrap(True)
        lay.addWidget(text)
        self.reason_edit = QLineEdit()
        self.reason_edit.setMaxLength(200)
        lay.addWidget(self.reason_edit)
        lay.addWidget(self.error)
        buttons = button_box("确定", dialog=self)
        lay.addWidget(buttons)
        self.field_widgets = {"原因": self.reason_edit}
        self.setMinimumWidth(400)

    def save(self) -> None:
        self.action(self.reason_edit.text())


def password_edit(placeholder: str = "重新输入您的登录密码，作为电子签名") -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setPlaceholderText(tr(placeholder))
    return edit


class PasswordDialog(ServiceDialog):
    """A signed act: say what is signed, re-enter the password, then ``action(password)``."""

    def __init__(
        self, title: str, text: str, action: Callable[[str], object], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.action = action
        lay = QVBoxLayout(self)
        label = QLabel(text)
        label.setWordWrap(True)
        lay.addWidget(label)
        form = QFormLayout()
        self.password = password_edit()
        form.addRow(tr("登录密码："), self.password)
        lay.addLayout(form)
        lay.addWidget(self.error)
        buttons = button_box("签名确认", dialog=self)
        lay.addWidget(buttons)
        self.field_widgets = {"登录密码": self.password}
        self.setMinimumWidth(420)
        self.password.setFocus()

    def save(self) -> None:
        self.action(self.password.text())


class SignedReasonDialog(ServiceDialog):
    """A signed act that needs a reason (退回, 解锁): the reason and the password, then ``action(reason,
    password)``."""

    def __init__(
        self, title: str, prompt: str, action: Callable[[str, str], object], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.action = action
        lay = QVBoxLayout(self)
        text = QLabel(prompt)
        text.setWordWrap(True)
        lay.addWidget(text)
        self.reason_edit = QLineEdit()
        self.reason_edit.setMaxLength(200)
        lay.addWidget(self.reason_edit)
        form = QFormLayout()
        self.password = password_edit()
        form.addRow(tr("登录密码："), self.password)
        lay.addLayout(form)
        lay.addWidget(self.error)
        buttons = button_box("签名确认", dialog=self)
        lay.addWidget(buttons)
        self.field_widgets = {"原因": self.reason_edit, "登录密码": self.password}
        self.setMinimumWidth(420)

    def save(self) -> None:
        self.action(self.reason_edit.text(), self.password.text())
