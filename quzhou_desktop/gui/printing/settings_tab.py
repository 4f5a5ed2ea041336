"""设置 → 打印: which installed face serves each GB/T 9704 role, and a choice of another one.

The choice is stored per PC in ``paths.config_dir()/printing.json`` (``services.notices.fonts``): fonts belong to
the computer, not to the township's data.  Also offers 核验公告 and 批量打印本期公告.

The font machinery (reportlab, fontTools, the scan of installed faces: ≈8 MB) is imported when the tab is first
shown or its font widgets are first used, not when the 设置 page is built: most visits to 设置 never open 打印.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.gui.messages import show_error
from quzhou_desktop.services.kernel.context import AppContext

if TYPE_CHECKING:
    from quzhou_desktop.printing.fonts import FontFace

AUTO = "自动选择"


def face_label(face: FontFace) -> str:
    return f"{face.family}（{face.path.name}）"


class PrintSettingsTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._faces: list[FontFace] | None = None  # None until the font part is built
        self._combos: dict[str, QComboBox] = {}
        self._current: dict[str, QLabel] = {}

        self.box = QGroupBox("公告字体（按 GB/T 9704 的用途）", self)
        self.form = QFormLayout(self.box)
        note = QLabel(
            "公告中的字体会嵌入 PDF，任何电脑打印效果一致。缺字（生僻字）时自动改用含该字的字体；"
            "所有字体都没有的字会在打印前提示。此设置只对本机有效。",
            self,
        )
        note.setWordWrap(True)

        self.verify_button = QPushButton("核验公告…", self)
        self.batch_button = QPushButton("批量打印本期公告…", self)
        self.verify_button.clicked.connect(self.open_verify)
        self.batch_button.clicked.connect(self.batch)
        buttons = QHBoxLayout()
        buttons.addWidget(self.verify_button)
        buttons.addWidget(self.batch_button)
        buttons.addStretch(1)

        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(self.box)
        self.layout_.addWidget(note)
        self.layout_.addLayout(buttons)
        self.layout_.addStretch(1)

    @property
    def faces(self) -> list[FontFace]:
        return self._build()

    @property
    def combos(self) -> dict[str, QComboBox]:
        self._build()
        return self._combos

    @property
    def current(self) -> dict[str, QLabel]:
        self._build()
        return self._current

    def showEvent(self, event: QShowEvent) -> None:
        self._build()
        super().showEvent(event)

    def _build(self) -> list[FontFace]:
        """Scan the installed faces and fill one combo per role (once)."""
        if self._faces is not None:
            return self._faces
        from quzhou_desktop.services.notices.fonts import list_usable_faces, role_faces

        faces = self._faces = list_usable_faces()
        box = self.box
        for rf in role_faces():
            combo = QComboBox(box)
            combo.addItem(AUTO, None)
            for face in faces:
                combo.addItem(face_label(face), face)
            now = QLabel(box)
            self._combos[rf.role], self._current[rf.role] = combo, now
            row = QHBoxLayout()
            row.addWidget(combo, 1)
            row.addWidget(now, 1)
            self.form.addRow(rf.label + "：", row)
        if not faces:
            self.layout_.insertWidget(
                0, QLabel("本机没有找到可嵌入的中文 TrueType 字体，无法打印公告。", self)
            )
        self.refresh()
        for role, combo in self._combos.items():
            combo.currentIndexChanged.connect(lambda _i, r=role: self.choose(r))
        return faces

    def refresh(self) -> None:
        if self._faces is None:
            return  # not built yet: the first show reads the current choices
        from quzhou_desktop.services.notices.fonts import role_faces

        for rf in role_faces():
            combo = self._combos[rf.role]
            combo.blockSignals(True)
            index = next((i + 1 for i, f in enumerate(self._faces) if f == rf.face), 0) if rf.chosen else 0
            combo.setCurrentIndex(index)
            combo.blockSignals(False)
            how = "（已指定）" if rf.chosen else "（自动）"
            self._current[rf.role].setText(f"当前：{face_label(rf.face)}{how}")

    def choose(self, role: str) -> None:
        from quzhou_desktop.services.notices.fonts import save_choice

        face = self.combos[role].currentData()
        try:
            save_choice(role, face)
        except OSError as exc:
            show_error(self, f"无法保存打印设置：{exc}")
        self.refresh()

    def open_verify(self) -> None:
        from quzhou_desktop.gui.printing.verify_dialog import VerifyDialog

        VerifyDialog(self.ctx, self).exec()

    def batch(self) -> None:
        from quzhou_desktop.gui.printing.actions import batch_print, choose_villages

        ids = choose_villages(self, self.ctx)
        if ids:
            batch_print(self, self.ctx, ids)
