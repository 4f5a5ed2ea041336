"""The first administrator's account rows (username, name, password twice) and their checks, shared by the
first-run wizard's township path and its 作为村安装 path; ``password_pair`` also serves the user dialogs."""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.services.kernel.passwords import MIN_LENGTH, validate_new_password
from quzhou_desktop.services.kernel.users import check_username
from quzhou_desktop.services.kernel.validate import required


def password_pair() -> tuple[QLineEdit, QLineEdit]:
    """A new password and its repetition, both hidden; the first says how long it must be."""
    a, b = QLineEdit(), QLineEdit()
    for e in (a, b):
        e.setEchoMode(QLineEdit.EchoMode.Password)
    a.setPlaceholderText(tr("至少{n}个字符").format(n=MIN_LENGTH))
    return a, b


class Admin(NamedTuple):
    username: str
    display_name: str
    password: str


class AdminForm(QWidget):
    """Four rows of a form; ``checked()`` returns what was typed or raises the ``ValidationError`` to show."""

    def __init__(self, username_label: str = "用户名：", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.username_edit = QLineEdit()
        self.name_edit = QLineEdit()
        self.password_edit, self.again_edit = password_pair()
        form.addRow(tr(username_label), self.username_edit)
        form.addRow(tr("姓名："), self.name_edit)
        form.addRow(tr("密码："), self.password_edit)
        form.addRow(tr("再输一次密码："), self.again_edit)

    def checked(self) -> Admin:
        username = check_username(self.username_edit.text())
        name = required(self.name_edit.text(), "姓名", max_len=40)
        validate_new_password(self.password_edit.text(), username=username)
        if self.password_edit.text() != self.again_edit.text():
            raise ValidationError(field="再输一次密码", reason="两次输入的密码不一致")
        return Admin(username, name, self.password_edit.text())
