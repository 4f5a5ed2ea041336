"""规则设置: a form generated from ``core.rules_config.FIELDS``; only 乡镇管理员 may change it.

Under each setting: what it does (``FieldSpec.help``) and the rules it changes with their legal sources, from
the catalogue (``core.rules``); the tooltip holds the rules' statements."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.core.errors import QuzhouError, ValidationError
from quzhou_desktop.core.money import fen_to_yuan_str, parse_amount
from quzhou_desktop.core.rules import basis, rules_for_setting
from quzhou_desktop.core.rules_config import FIELDS, FieldSpec, unit_of
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.dialogs import error_label, password_edit
from quzhou_desktop.services.kernel import settings as settings_svc
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm


def rules_line(key: str) -> str:
    """The rules the setting ``key`` changes, e.g. 影响的规则：村民代表会议表决（依据《…》第二十六条）."""
    found = rules_for_setting(key)
    return tr("影响的规则：") + "；".join(f"{r.title}（{basis(r.id)}）" for r in found) if found else ""


def rules_tooltip(spec: FieldSpec) -> str:
    return "\n\n".join([spec.help, *(f"{r.title}：{r.statement}" for r in rules_for_setting(spec.key))])


def unit(spec: FieldSpec) -> str:
    u = unit_of(spec)
    return tr(u) if u else ""


class FieldEditor:
    """One setting's widget, its value conversion and its error line."""

    def __init__(self, spec: FieldSpec) -> None:
        self.spec = spec
        self.error = error_label()
        self.widget: QWidget
        if spec.kind == "bool":
            self.widget = QCheckBox(tr("是"))
        elif spec.kind == "choice":
            combo = QComboBox()
            for value, label in spec.choices:
                combo.addItem(label, value)
            self.widget = combo
        elif spec.kind == "int":
            spin = QSpinBox()
            spin.setRange(
                spec.minimum if spec.minimum is not None else 0,
                spec.maximum if spec.maximum is not None else 10**9,
            )
            spin.setSuffix(f" {unit(spec)}" if unit(spec) else "")
            self.widget = spin
        else:  # fen, typed in 元 with up to two decimals
            edit = QLineEdit()
            edit.setPlaceholderText(tr("金额（元），如 5000 或 5,000.00"))
            self.widget = edit

    def set_value(self, value: Any) -> None:
        w = self.widget
        if isinstance(w, QCheckBox):
            w.setChecked(bool(value))
        elif isinstance(w, QComboBox):
            w.setCurrentIndex(max(w.findData(value), 0))
        elif isinstance(w, QSpinBox):
            w.setValue(int(value))
        elif isinstance(w, QLineEdit):
            w.setText(fen_to_yuan_str(int(value)))

    def value(self) -> Any:
        w = self.widget
        if isinstance(w, QCheckBox):
            return w.isChecked()
        if isinstance(w, QComboBox):
            return w.currentData()
        if isinstance(w, QSpinBox):
            return w.value()
        assert isinstance(w, QLineEdit)
        try:
            return parse_amount(w.text().strip())
        except ValidationError as exc:
            raise ValidationError(field=self.spec.label, reason=str(exc.params.get("reason", exc))) from None


class RulesTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.editable = ctx.can(Perm.SETTINGS_EDIT)
        outer = QVBoxLayout(self)
        note = QLabel(
            tr(
                "以下设置的默认值按法律法规和浙江各地的通行做法预设，乡镇可按本地规定调整；每项下注明它影响的规则和依据。"
            )
            + ("" if self.editable else tr("只有乡镇管理员可以修改，您只能查看。"))
        )
        note.setWordWrap(True)
        outer.addWidget(note)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        grid = QGridLayout(body)
        grid.setColumnStretch(2, 1)
        grid.setHorizontalSpacing(12)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self.editors: dict[str, FieldEditor] = {}
        r = 0
        for spec in FIELDS:
            ed = FieldEditor(spec)
            ed.widget.setEnabled(self.editable)
            ed.widget.setToolTip(rules_tooltip(spec))
            ed.widget.setMinimumWidth(240)
            label = QLabel(spec.label + "：")
            label.setBuddy(ed.widget)
            help_label = QLabel("\n".join(t for t in (spec.help, rules_line(spec.key)) if t))
            help_label.setWordWrap(True)
            help_label.setStyleSheet("color: #555555;")
            grid.addWidget(label, r, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(ed.widget, r, 1)
            grid.addWidget(ed.error, r, 2)
            grid.addWidget(help_label, r + 1, 1, 1, 2)
            grid.setRowMinimumHeight(r + 2, 8)
            ed.error.hide()
            self.editors[spec.key] = ed
            r += 3
        grid.setRowStretch(r, 1)
        row = QHBoxLayout()
        self.status = QLabel()
        self.save_button = QPushButton(tr("签名保存规则"))
        self.reset_button = QPushButton(tr("撤销未保存的修改"))
        self.password = password_edit("您的登录密码（签名）")
        self.password.setMaximumWidth(200)
        self.save_button.clicked.connect(self.save)
        self.reset_button.clicked.connect(self.load)
        row.addWidget(self.status, 1)
        row.addWidget(self.reset_button)
        row.addWidget(self.password)
        row.addWidget(self.save_button)
        self.save_button.setVisible(self.editable)
        self.reset_button.setVisible(self.editable)
        self.password.setVisible(self.editable)
        outer.addLayout(row)
        self.load()

    def load(self) -> None:
        values = settings_svc.get_rules(self.ctx).to_dict()
        for key, ed in self.editors.items():
            ed.set_value(values[key])
            ed.error.hide()
        self.status.clear()

    def editor_for_label(self, label: str) -> FieldEditor | None:
        return next((e for e in self.editors.values() if e.spec.label == label), None)

    def _show_error(self, exc: QuzhouError) -> None:
        ed = self.editor_for_label(str(exc.params.get("field", "")))
        self.status.setStyleSheet("color: #b00020;")
        self.status.setText(tr("没有保存：") + str(exc))
        if ed is not None:
            ed.error.setText(str(exc.params.get("reason", exc)))
            ed.error.show()
            ed.widget.setFocus()

    def save(self) -> bool:
        for ed in self.editors.values():
            ed.error.hide()
        try:
            values = {key: ed.value() for key, ed in self.editors.items()}
            settings_svc.update_rules(self.ctx, values, credential=self.password.text())
        except QuzhouError as exc:
            self._show_error(exc)
            return False
        self.password.clear()
        self.load()
        self.status.setStyleSheet("color: #1b5e20;")
        self.status.setText(tr("规则已保存"))
        return True
