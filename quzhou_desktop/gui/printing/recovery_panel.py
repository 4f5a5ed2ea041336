"""The 管理员恢复单 on screen: who the root administrator is, the root key's fingerprint, the recovery code
(shown this once), and 打印恢复单 (a preview of the one-page PDF, printed or saved from there)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.messages import attempt
from quzhou_desktop.gui.printing.preview import PreviewDialog
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
