"""Recovery and the root of trust on screen.

``RecoverDialog`` (login screen, 忘记管理员密码): the root administrator's user name, the recovery code from the
管理员恢复单 and a new password; the same root key is sealed again (``services.kernel.trust.recover``) and the
new recovery sheet is shown. ``RootDialog``: a database made before signing keys, the first administrator to
log in establishes the root of trust with the password (``establish_root``) and prints the recovery sheet.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from quzhou_desktop.core.errors import QuzhouError, ValidationError
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.printing.recovery_panel import RecoverySheetPanel
from quzhou_desktop.gui.widgets.dialogs import button_box, error_label, password_edit, show_field_error
from quzhou_desktop.services.kernel import trust
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.passwords import MIN_LENGTH
from quzhou_desktop.services.kernel.trust import RecoverySheet


class _SheetStep(QDialog):
    """A dialog whose act returns a new recovery sheet, shown in place of the form once the act is done."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.sheet: RecoverySheet | None = None
        self.panel: RecoverySheetPanel | None = None
        self.error = error_label()
        self.field_widgets: dict[str, QWidget] = {}
        self.lay = QVBoxLayout(self)
        self.form_widget = QWidget()
        self.lay.addWidget(self.form_widget)
        self.lay.addWidget(self.error)
        self.buttons = button_box("确定", dialog=self)
        self.lay.addWidget(self.buttons)
        self.setMinimumWidth(520)

    def act(self) -> RecoverySheet:
        raise NotImplementedError

    def error_text(self) -> str:
        return self.error.text()

    def accept(self) -> None:
        if self.sheet is not None:
            super().accept()
            return
        try:
            self.sheet = self.act()
        except QuzhouError as exc:
            show_field_error(self.error, exc, self.field_widgets)
            return
        self.error.clear()
        self.form_widget.hide()
        self.panel = RecoverySheetPanel(self.sheet, self)
        self.lay.insertWidget(0, self.panel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(tr("我已打印，关闭"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).hide()


class RecoverDialog(_SheetStep):
    def __init__(self, ctx: AppContext, username: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("忘记管理员密码：用恢复码找回"))
        form = QFormLayout(self.form_widget)
        intro = QLabel(
            tr(
                "请取出管理员恢复单，输入上面的用户名和恢复码，再设置新密码。找回后会生成新的恢复码，"
                "原恢复单随即失效。"
            )
        )
        intro.setWordWrap(True)
        form.addRow(intro)
        self.username_edit = QLineEdit(username)
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText(tr("24个字母和数字，可带横线"))
        self.new_edit = password_edit("至少{n}个字符".replace("{n}", str(MIN_LENGTH)))
        self.again_edit = password_edit("再输一次新密码")
        form.addRow(tr("管理员用户名："), self.username_edit)
        form.addRow(tr("恢复码："), self.code_edit)
        form.addRow(tr("新密码："), self.new_edit)
        form.addRow(tr("再输一次："), self.again_edit)
        self.field_widgets = {"恢复码": self.code_edit, "密码": self.new_edit}

    def act(self) -> RecoverySheet:
        if self.new_edit.text() != self.again_edit.text():
            raise ValidationError(field="密码", reason="两次输入的新密码不一致")
        return trust.recover(self.ctx, self.username_edit.text(), self.code_edit.text(), self.new_edit.text())


class RootDialog(_SheetStep):
    """Establish the root of trust (a database made before signing keys), or issue a new recovery code."""

    def __init__(self, ctx: AppContext, *, new_code: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.new_code = ctx, new_code
        form = QFormLayout(self.form_widget)
        if new_code:
            self.setWindowTitle(tr("重新生成管理员恢复码"))
            text = tr("生成新的恢复码后，原管理员恢复单立即失效。请准备好打印机。")
        else:
            self.setWindowTitle(tr("建立信任根"))
            text = tr(
                "本数据库由旧版本创建，还没有信任根。您是第一位登录的乡镇管理员：请输入您的密码，"
                "由您的签名密钥接收现有的全部账号、角色和村，并成为信任根。之后请打印管理员恢复单。"
                "其他用户下次登录时会自动获得签名密钥。"
            )
        intro = QLabel(text)
        intro.setWordWrap(True)
        form.addRow(intro)
        self.password = password_edit("您的登录密码（签名）")
        form.addRow(tr("登录密码："), self.password)
        self.field_widgets = {"登录密码": self.password}

    def act(self) -> RecoverySheet:
        if self.new_code:
            return trust.issue_recovery_code(self.ctx, self.password.text())
        return trust.establish_root(self.ctx, self.password.text())
