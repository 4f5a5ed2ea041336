"""Login dialog (Designer form ``forms/login.ui``, held by composition)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QWidget

from quzhou_desktop import APP_TITLE
from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.gui.forms.ui_login import Ui_LoginDialog
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.services.kernel import auth
from quzhou_desktop.services.kernel.context import AppContext, CurrentUser
from quzhou_desktop.services.roster import villages as villages_svc


class LoginDialog(QDialog):
    """Accepts only after ``services.auth.login`` succeeded; errors (wrong password with attempts left,
    locked with minutes) stay in the dialog in red."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, username: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.user: CurrentUser | None = None
        self.ui = Ui_LoginDialog()
        self.ui.setupUi(self)
        self.setWindowTitle(tr("登录") + f" — {APP_TITLE}")
        self.ui.titleLabel.setText(f"<h2>{APP_TITLE}</h2>")
        t = villages_svc.township(ctx)
        self.ui.townshipLabel.setText(t.name if t else "")
        ok = self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(tr("登录"))
        self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("退出"))
        self.ui.buttonBox.accepted.connect(self.accept)
        self.ui.buttonBox.rejected.connect(self.reject)
        self.ui.usernameEdit.setText(username)
        (self.ui.passwordEdit if username else self.ui.usernameEdit).setFocus()
        self.recover_button = QPushButton(tr("忘记管理员密码？用恢复码找回…"))
        self.recover_button.setFlat(True)
        self.recover_button.setAutoDefault(False)
        self.recover_button.clicked.connect(self.open_recover)
        self.ui.mainLayout.insertWidget(self.ui.mainLayout.indexOf(self.ui.buttonBox), self.recover_button)
        self.recover_dialog: QDialog | None = None

    def open_recover(self) -> QDialog:
        """The 管理员恢复单 route (``gui.shell.recovery.RecoverDialog``)."""
        from quzhou_desktop.gui.printing.recovery import RecoverDialog

        dlg = RecoverDialog(self.ctx, self.ui.usernameEdit.text().strip(), parent=self)
        self.recover_dialog = dlg
        dlg.open()
        return dlg

    def error_text(self) -> str:
        return self.ui.errorLabel.text()

    def try_login(self, username: str | None = None, password: str | None = None) -> bool:
        """Fill the fields (when given) and attempt the login. True on success (the dialog then closes)."""
        if username is not None:
            self.ui.usernameEdit.setText(username)
        if password is not None:
            self.ui.passwordEdit.setText(password)
        self.accept()
        return self.user is not None

    def accept(self) -> None:
        name = self.ui.usernameEdit.text().strip()
        if not name:
            self.ui.errorLabel.setText(tr("请输入用户名"))
            self.ui.usernameEdit.setFocus()
            return
        if not self.ui.passwordEdit.text():
            self.ui.errorLabel.setText(tr("请输入密码"))
            self.ui.passwordEdit.setFocus()
            return
        try:
            self.user = auth.login(self.ctx, name, self.ui.passwordEdit.text())
        except QuzhouError as exc:
            self.ui.errorLabel.setText(str(exc))
            self.ui.passwordEdit.clear()
            self.ui.passwordEdit.setFocus()
            return
        self.ui.errorLabel.clear()
        super().accept()
