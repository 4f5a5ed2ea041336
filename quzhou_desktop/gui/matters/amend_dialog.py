"""登记更正: correct a final step's text fields with a reason (kept in the history and the audit log)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.dialogs import ServiceDialog, button_box
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.matters import steps as steps_svc
from quzhou_desktop.services.matters.common import AMENDABLE, StepView


class AmendDialog(ServiceDialog):
    def __init__(self, ctx: AppContext, steps: list[StepView], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.steps = [s for s in steps if s.is_final]
        self.setWindowTitle(tr("登记更正"))
        lay = QVBoxLayout(self)
        note = QLabel(
            tr(
                "定稿的记录不能直接修改。更正会连同原因记入事项历史和审计日志；会议日期、出席和表决结果不能更正。"
            )
        )
        note.setWordWrap(True)
        lay.addWidget(note)
        form = QFormLayout()
        lay.addLayout(form)
        self.step_combo = QComboBox()
        for s in self.steps:
            self.step_combo.addItem(f"{s.seq}. {s.label}", s.id)
        self.field_combo = QComboBox()
        for key, label in AMENDABLE.items():
            if key not in ("chair_person_id", "recorder_person_id", "vote_method"):
                self.field_combo.addItem(label, key)
        self.value_edit = QPlainTextEdit()
        self.value_edit.setTabChangesFocus(True)
        self.reason_edit = QLineEdit()
        self.reason_edit.setMaxLength(200)
        self.reason_edit.setPlaceholderText(tr("如：据手写会议记录补正漏记的发言"))
        form.addRow(tr("步骤"), self.step_combo)
        form.addRow(tr("更正项目"), self.field_combo)
        form.addRow(tr("更正后内容"), self.value_edit)
        form.addRow(tr("更正原因"), self.reason_edit)
        lay.addWidget(self.error)
        buttons = button_box("登记更正", dialog=self)
        lay.addWidget(buttons)
        self.field_widgets = {"更正原因": self.reason_edit, "更正内容": self.value_edit}
        self.step_combo.currentIndexChanged.connect(lambda _i: self._load())
        self.field_combo.currentIndexChanged.connect(lambda _i: self._load())
        self._load()
        self.resize(560, 420)

    def _step(self) -> StepView | None:
        i = self.step_combo.currentIndex()
        return self.steps[i] if 0 <= i < len(self.steps) else None

    def _load(self) -> None:
        s = self._step()
        key = self.field_combo.currentData()
        self.value_edit.setPlainText(str(s[key] or "") if s and key else "")

    def save(self) -> None:
        s = self._step()
        if s is None:
            from quzhou_desktop.core.errors import ValidationError

            raise ValidationError(field="步骤", reason="没有已定稿的步骤可以更正")
        steps_svc.amend_step(
            self.ctx,
            s.id,
            {self.field_combo.currentData(): self.value_edit.toPlainText()},
            reason=self.reason_edit.text(),
        )
