"""The 管理员恢复单 on screen, and the dialogs that issue one.

``RecoverySheetPanel``: who the root administrator is, the root key's fingerprint, the recovery code (shown
this once) and 打印恢复单 (a preview of the one-page PDF, printed or saved from there). ``RecoverDialog`` (login
screen, 忘记管理员密码): the root administrator's user name, the code from the sheet and a new password; the
same root key is sealed again (``services.kernel.trust.recover``) and the new sheet is shown. ``RootDialog``: the
first administrator of a database made before signing keys establishes the root of trust with the password
(``establish_root``), or the root administrator replaces a lost sheet (``issue_recovery_code``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
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

from quzhou_desktop.core.errors import QuzhouError, ValidationError
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.messages import attempt
from quzhou_desktop.gui.printing.preview import PreviewDialog
from quzhou_desktop.gui.widgets.dialogs import button_box, error_label, password_edit, show_field_error
from quzhou_desktop.services.kernel import trust
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.passwords import MIN_LENGTH
from quzhou_desktop.services.kernel.trust import RecoverySheet
from quzhou_desktop.services.notices.recovery import recovery_sheet_pdf


def _big(text: str) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.6)
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setFamily("monospace")
    label.setFont(font)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


class RecoverySheetPanel(QWidget):
    def __init__(self, sheet: RecoverySheet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sheet = sheet
        self.preview: PreviewDialog | None = None
        lay = QVBoxLayout(self)
        who = QLabel(
            tr("管理员「{name}」（用户名 {user}）是本数据库的信任根：所有账号和授权都由它签名追溯。").format(
                name=sheet.admin_name, user=sheet.username
            )
        )
        who.setWordWrap(True)
        lay.addWidget(who)
        lay.addWidget(QLabel(tr("信任根密钥指纹（校验数据库时会显示，应与此相同）：")))
        self.fingerprint_label = _big(sheet.fingerprint)
        lay.addWidget(self.fingerprint_label)
        lay.addWidget(QLabel(tr("恢复码（忘记管理员密码时凭它找回）：")))
        self.code_label = _big(sheet.recovery_code)
        lay.addWidget(self.code_label)
        warn = QLabel(
            tr(
                "恢复码只显示这一次。请现在打印管理员恢复单，锁入文件柜；不要拍照，不要存在电脑里。"
                "丢失后可由该管理员登录后重新生成。"
            )
        )
        warn.setWordWrap(True)
        warn.setStyleSheet("color: #b00020;")
        lay.addWidget(warn)
        self.print_button = QPushButton(tr("打印管理员恢复单…"))
        self.print_button.clicked.connect(self.open_preview)
        lay.addWidget(self.print_button)
        self.printed = False

    def open_preview(self) -> PreviewDialog | None:
        pdf = attempt(self, lambda: recovery_sheet_pdf(self.sheet))
        if pdf is None:
            return None
        title = f"{self.sheet.township}管理员恢复单"
        self.preview = PreviewDialog(pdf, title=title, suggested_name=f"{title}.pdf", parent=self)
        self.preview.show()
        self.printed = True
        return self.preview


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
            sheet = self.act()
        except QuzhouError as exc:
            show_field_error(self.error, exc, self.field_widgets)
            return
        self.show_sheet(sheet)

    def show_sheet(self, sheet: RecoverySheet) -> None:
        """The new recovery sheet in place of the form (shown this once); OK then closes the dialog."""
        self.sheet = sheet
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
