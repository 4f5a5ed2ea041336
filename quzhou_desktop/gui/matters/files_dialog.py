"""扫描件: the scans attached to one step — add (PDF or images), open, withdraw with a reason."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.messages import attempt
from quzhou_desktop.gui.widgets.dialogs import ReasonDialog, error_label
from quzhou_desktop.services.kernel.attachments import attachment_data
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.matters import files as matters_files
from quzhou_desktop.services.matters.common import StepView

FILTER = "扫描件 (*.pdf *.jpg *.jpeg *.png *.gif *.bmp *.tif *.tiff *.webp)"


class FilesDialog(QDialog):
    def __init__(self, ctx: AppContext, steps: list[StepView], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.steps = [s for s in steps if s.state != "void"]
        self.setWindowTitle(tr("扫描件"))
        lay = QVBoxLayout(self)
        self.step_combo = QComboBox()
        for s in self.steps:
            self.step_combo.addItem(f"{s.seq}. {s.label}", s.id)
        lay.addWidget(self.step_combo)
        self.list = QListWidget()
        lay.addWidget(self.list, 1)
        self.error = error_label()
        lay.addWidget(self.error)
        row = QHBoxLayout()
        self.add_button = QPushButton(tr("添加扫描件…"))
        self.open_button = QPushButton(tr("打开"))
        self.withdraw_button = QPushButton(tr("撤下…"))
        close = QPushButton(tr("关闭"))
        for b in (self.add_button, self.open_button, self.withdraw_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(close)
        lay.addLayout(row)
        self.step_combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.add_button.clicked.connect(self.choose)
        self.open_button.clicked.connect(self.open_selected)
        self.withdraw_button.clicked.connect(self.withdraw_selected)
        close.clicked.connect(self.accept)
        self.dialog: QDialog | None = None
        self.reload()
        self.resize(520, 360)

    def step_id(self) -> str | None:
        data = self.step_combo.currentData()
        return data if isinstance(data, str) else None

    def reload(self) -> None:
        self.list.clear()
        sid = self.step_id()
        if sid is None:
            return
        for f in matters_files.step_files(self.ctx, [sid]):
            item = QListWidgetItem(f"{f.filename}（{f.size_text}）")
            item.setData(256, f.id)
            self.list.addItem(item)

    def add_path(self, path: Path) -> bool:
        sid = self.step_id()
        if sid is None:
            return False
        self.error.clear()
        try:
            matters_files.add_step_file(self.ctx, sid, path)
        except Exception as exc:  # QuzhouError subclasses carry the Chinese reason
            from quzhou_desktop.core.errors import QuzhouError

            if not isinstance(exc, QuzhouError):
                raise
            self.error.setText(str(exc))
            return False
        self.reload()
        return True

    def choose(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, tr("选择扫描件"), "", tr(FILTER))
        for p in paths:
            if not self.add_path(Path(p)):
                break

    def _selected(self) -> str | None:
        item = self.list.currentItem()
        return item.data(256) if item else None

    def open_selected(self) -> None:
        aid = self._selected()
        if aid is None:
            return
        got = attempt(self, lambda: attachment_data(self.ctx, aid))
        if got is None:
            return
        info, data = got
        out = Path(tempfile.mkdtemp(prefix="quzhou-")) / info.filename
        out.write_bytes(data)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(out)))

    def withdraw_selected(self) -> None:
        aid = self._selected()
        if aid is None:
            return

        def act(reason: str) -> None:
            matters_files.withdraw_step_file(self.ctx, aid, reason=reason)
            self.reload()

        self.dialog = ReasonDialog(tr("撤下扫描件"), tr("请写明撤下的原因（如：传错文件）："), act, self)
        self.dialog.open()
