"""连接单位服务器: the address of the unit's PostgreSQL server, tried before it is remembered.

The password field is optional: left empty, the PostgreSQL password file set up by the unit's IT person is
used. A typed password is used for this connection only and never saved.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.services.kernel import server

SSL_LABELS = {
    "prefer": "能加密就加密（默认）",
    "require": "必须加密",
    "verify-ca": "必须加密，并核对服务器证书",
    "verify-full": "必须加密，核对证书和服务器名称",
    "disable": "不加密（仅限单位内网）",
}


class ServerDialog(QDialog):
    """Accepted with ``database`` open and ``address`` saved for the next start."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("连接单位服务器"))
        self.database: Any = None
        self.address = ""
        lay = QVBoxLayout(self)
        intro = QLabel(
            tr("多台电脑共用一个数据库时，由单位的系统管理员在服务器上建库。请按管理员给的信息填写。")
        )
        intro.setWordWrap(True)
        lay.addWidget(intro)
        form = QFormLayout()
        self.host = QLineEdit()
        self.host.setPlaceholderText(tr("如 192.168.1.10"))
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.db_name = QLineEdit("quzhou")
        self.user = QLineEdit("quzhou_app")
        self.sslmode = QComboBox()
        for mode in server.SSL_MODES:
            self.sslmode.addItem(tr(SSL_LABELS[mode]), mode)
        self.ca = QLineEdit()
        self.ca.setPlaceholderText(tr("核对证书时填写根证书文件的路径"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(tr("留空则使用本机的密码文件；输入的密码不会保存"))
        for label, w in (
            ("服务器地址：", self.host),
            ("端口：", self.port),
            ("数据库名：", self.db_name),
            ("用户名：", self.user),
            ("加密方式：", self.sslmode),
            ("根证书：", self.ca),
            ("密码：", self.password),
        ):
            form.addRow(tr(label), w)
        lay.addLayout(form)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("连接"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        buttons.accepted.connect(self.try_connect)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        lay.addWidget(buttons)
        self.resize(520, 0)

    def spec(self) -> server.ServerSpec:
        return server.ServerSpec(
            host=self.host.text(),
            port=self.port.value(),
            database=self.db_name.text(),
            user=self.user.text(),
            sslmode=str(self.sslmode.currentData()),
            sslrootcert=self.ca.text(),
        )

    def try_connect(self) -> None:
        from quzhou_desktop.gui.tasks import run_task

        try:
            address = self.spec().address()
        except QuzhouError as exc:
            self.error.setText(str(exc))
            return
        password = self.password.text() or None
        self.error.setText(tr("正在连接……"))
        self.buttons.setEnabled(False)

        def done(db: Any) -> None:
            self.buttons.setEnabled(True)
            self.database = db
            self.address = address
            server.save_address(address)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            self.error.setText(str(exc) if isinstance(exc, QuzhouError) else tr("连接失败：") + str(exc))

        run_task(
            lambda _p: server.connect(address, password=password),
            parent=self,
            title=tr("正在连接单位服务器"),
            on_success=done,
            on_failure=failed,
        )
