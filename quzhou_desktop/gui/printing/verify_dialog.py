"""核验: type (or scan) the code from a printed notice and see which record it is and whether it is unchanged."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.notices.checks import NoticeCheck, verify_notice

OK_STYLE = "color: #1b6e20; font-weight: bold;"
BAD_STYLE = "color: #b00020; font-weight: bold;"


class VerifyDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("核验公告")
        self.resize(560, 260)
        self.code_edit = QLineEdit(self)
        self.code_edit.setPlaceholderText("公告页脚的核验码，如 7K4M-2P9X-QZ3H-238L（可用扫码枪扫二维码）")
        self.check_button = QPushButton("核验", self)
        self.check_button.setDefault(True)
        self.verdict = QLabel("", self)
        self.details = QLabel("", self)
        self.details.setWordWrap(True)
        self.check: NoticeCheck | None = None
        self.check_button.clicked.connect(self.run)
        self.code_edit.returnPressed.connect(self.run)
        close = QPushButton("关闭", self)
        close.clicked.connect(self.accept)

        row = QHBoxLayout()
        row.addWidget(QLabel("核验码：", self))
        row.addWidget(self.code_edit, 1)
        row.addWidget(self.check_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.verdict)
        layout.addWidget(self.details, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout.addLayout(bottom)

    def run(self) -> None:
        try:
            self.check = verify_notice(self.ctx, self.code_edit.text())
        except QuzhouError as exc:
            self.check = None
            self.verdict.setStyleSheet(BAD_STYLE)
            self.verdict.setText("无法核验")
            self.details.setText(str(exc))
            return
        c = self.check
        self.code_edit.setText(c.code)
        if c.unchanged:
            self.verdict.setStyleSheet(OK_STYLE)
            self.verdict.setText("✔ 与数据库一致（未变更）")
        else:
            self.verdict.setStyleSheet(BAD_STYLE)
            self.verdict.setText("✘ 已变更")
        self.details.setText(f"{c.summary}\n记录编号：{c.record_id}")
