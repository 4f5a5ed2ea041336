"""恢复单位服务器上的数据库: choose a backup (a pg_dump file), say plainly what a restore does, take the
server administrator's login (the office PCs' application role cannot restore) and the user's own password
as the signature; both are checked before the window closes. The restore itself runs after the main window
closes (``gui.shell.flow.AppFlow.restore_from``), on the worker thread."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.dialogs import ServiceDialog, button_box, password_edit
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.server_backup import ServerRestoreRequest

DEFAULT_ADMIN = "postgres"


class ServerRestoreDialog(ServiceDialog):
    """Accepted with ``request`` (a ``ServerRestoreRequest``) once the backup file exists, the user's
    password signs and the administrator's login may restore this database."""

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        folder: Path | None = None,
        database: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.folder = folder
        self.request: ServerRestoreRequest | None = None
        self.setWindowTitle(tr("恢复单位服务器上的数据库"))
        lay = QVBoxLayout(self)
        database = database or ctx.db.read_engine.url.database or ""
        text = QLabel(
            tr(
                "用备份文件替换单位服务器上正在使用的数据库 {db}：\n"
                "· 先在服务器上校验备份，校验不通过就不作任何修改；\n"
                "· 当前的数据库不删除，改名后保留在服务器上，作为恢复前副本；\n"
                "· 恢复时所有办公电脑与服务器的连接都会断开：恢复后请每台电脑关闭本程序再重新打开，"
                "重新登录；备份之后录入的内容不在恢复后的数据库里；\n"
                "· 恢复记入审计日志，由您签名。\n\n"
                "办公电脑使用的程序角色不能恢复数据库，需要服务器管理员的登录（密码可留空，"
                "使用本机的 PostgreSQL 密码文件；输入的密码只用于这一次，不会保存）。"
            ).format(db=database)
        )
        text.setWordWrap(True)
        lay.addWidget(text)
        form = QFormLayout()
        self.file_edit = QLineEdit()
        self.file_edit.setPlaceholderText(tr("服务器备份文件（.dump）"))
        choose = QPushButton(tr("选择…"))
        choose.clicked.connect(self.choose_file)
        row = QHBoxLayout()
        row.addWidget(self.file_edit, 1)
        row.addWidget(choose)
        form.addRow(tr("备份文件："), row)
        self.admin_user = QLineEdit(DEFAULT_ADMIN)
        form.addRow(tr("服务器管理员："), self.admin_user)
        self.admin_password = QLineEdit()
        self.admin_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.admin_password.setPlaceholderText(tr("留空则使用本机的密码文件；不会保存"))
        form.addRow(tr("管理员密码："), self.admin_password)
        self.password = password_edit()
        form.addRow(tr("您的登录密码："), self.password)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(button_box("校验并恢复", dialog=self))
        self.field_widgets = {
            "备份文件": self.file_edit,
            "管理员用户名": self.admin_user,
            "登录密码": self.password,
        }
        self.setMinimumWidth(560)

    def choose_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self,
            tr("选择服务器备份文件"),
            str(self.folder or ""),
            tr("服务器备份 (*.dump);;所有文件 (*)"),
        )
        if name:
            self.file_edit.setText(name)

    def save(self) -> None:
        """Check everything that can be checked before the window closes: the file, the signature, the
        administrator's login and rights (one short connection to the server)."""
        from quzhou_desktop.services.kernel.keys import grant_signature
        from quzhou_desktop.services.kernel.server_backup import server_admin_login

        self.ctx.require(Perm.RESTORE)
        text = self.file_edit.text().strip()
        if not text:
            raise ValidationError(field="备份文件", reason="请选择服务器备份文件")
        backup = Path(text).expanduser()
        if not backup.is_file():
            raise ValidationError(field="备份文件", reason=f"文件不存在：{backup}")
        grant = grant_signature(self.ctx, self.password.text())
        admin = server_admin_login(self.ctx, self.admin_user.text(), self.admin_password.text() or None)
        self.request = ServerRestoreRequest(backup, admin, grant)
