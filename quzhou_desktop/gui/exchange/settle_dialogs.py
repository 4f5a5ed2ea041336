"""Settling what the exchange cannot decide alone: a conflict (both versions side by side, field by field) and a
fork alarm (the two heads and the last common entry). Each is a person's decision with a reason, signed with
the login password and recorded in the audit chain by ``services.exchange.settle``; a wrong password settles
nothing."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QRadioButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.gui.exchange.labels import field_label, record_label, when
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.dialogs import ServiceDialog, button_box, password_edit
from quzhou_desktop.gui.widgets.table import table
from quzhou_desktop.services.exchange.settle import settle_conflict, settle_fork
from quzhou_desktop.services.exchange.status import ConflictInfo, ForkInfo
from quzhou_desktop.services.kernel.context import AppContext

DIFF_BG = QColor("#ffe3a3")


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return tr("是") if value else tr("否")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class _Choice(QWidget):
    """Two radio buttons (keep ours / keep theirs), the reason line and the password (the signature)."""

    def __init__(self, ours: str, theirs: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.ours, self.theirs = QRadioButton(ours), QRadioButton(theirs)
        self.group = QButtonGroup(self)
        for b in (self.ours, self.theirs):
            self.group.addButton(b)
            lay.addWidget(b)
        form = QFormLayout()
        self.reason = QLineEdit()
        self.reason.setMaxLength(500)
        self.reason.setPlaceholderText(tr("例如：乡镇名称以乡镇为准"))
        form.addRow(tr("理由："), self.reason)
        self.password = password_edit()
        form.addRow(tr("登录密码："), self.password)
        lay.addLayout(form)

    def keep(self) -> str:
        if self.ours.isChecked():
            return "ours"
        if self.theirs.isChecked():
            return "theirs"
        raise ValidationError(field="处理方式", reason="请选择保留哪个版本")

    def fields(self) -> dict[str, QWidget]:
        return {"理由": self.reason, "处理方式": self.ours, "登录密码": self.password}


class ConflictDialog(ServiceDialog):
    def __init__(self, ctx: AppContext, conflict: ConflictInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.conflict = ctx, conflict
        self.setWindowTitle(tr("处理冲突"))
        lay = QVBoxLayout(self)
        head = QLabel(
            tr("{peer}改动了一条{rec}记录，与本站点的版本不同（{t} 发现）。不同的字段以黄色标出。").format(
                peer=conflict.peer, rec=record_label(conflict.entity), t=when(conflict.detected_at)
            )
        )
        head.setWordWrap(True)
        lay.addWidget(head)
        self.fields = table(["字段", "本站点的版本", f"{conflict.peer}的版本"])
        self.fields.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.fields.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        ours = conflict.ours or {}
        differing = set(conflict.differing)
        keys = sorted(set(ours) | set(conflict.theirs), key=lambda k: (k not in differing, k))
        self.fields.setRowCount(len(keys))
        for r, key in enumerate(keys):
            cells = [field_label(key),
                     _shown(ours.get(key)) if conflict.ours is not None else tr("（本站点没有这条记录）"),
                     _shown(conflict.theirs.get(key))]  # fmt: skip
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if key in differing:
                    item.setBackground(DIFF_BG)
                self.fields.setItem(r, c, item)
        lay.addWidget(self.fields, 1)
        self.choice = _Choice(
            tr("保留本站点的版本（不采用对方的改动）"), tr("采用{peer}的版本").format(peer=conflict.peer)
        )
        lay.addWidget(self.choice)
        lay.addWidget(self.error)
        lay.addWidget(button_box("确定处理", dialog=self))
        self.field_widgets = self.choice.fields()
        self.resize(760, 520)

    def save(self) -> None:
        c = self.choice
        settle_conflict(
            self.ctx, self.conflict.id, keep=c.keep(), reason=c.reason.text(), password=c.password.text()
        )


class ForkDialog(ServiceDialog):
    def __init__(self, ctx: AppContext, fork: ForkInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.fork = ctx, fork
        self.setWindowTitle(tr("处理历史分叉"))
        lay = QVBoxLayout(self)
        alarm = QLabel(fork.message)
        alarm.setWordWrap(True)
        alarm.setStyleSheet("color: #b00020; font-weight: bold;")
        lay.addWidget(alarm)
        form = QFormLayout()
        if fork.side == "theirs":
            form.addRow(tr("本站点已接收的："), QLabel(_head(fork.accepted_seq, fork.accepted_hash)))
            form.addRow(tr("{p}现在的：").format(p=fork.peer), QLabel(_head(fork.their_seq, fork.their_hash)))
        else:
            form.addRow(tr("{p}已接收本站点的：").format(p=fork.peer),
                        QLabel(_head(fork.accepted_seq, fork.accepted_hash)))  # fmt: skip
        if fork.common_hash:
            form.addRow(tr("最后一致的："), QLabel(_head(fork.common_seq, fork.common_hash)))
        form.addRow(tr("发现时间："), QLabel(when(fork.detected_at)))
        lay.addLayout(form)
        how = QLabel(tr("通常是某台电脑从旧备份恢复后又继续录入，或历史被改写。请先与对方电话核实是哪台电脑、"
                        "恢复后录入了什么，再由管理员决定以哪一份历史为准。此决定记入审计日志。"))  # fmt: skip
        how.setWordWrap(True)
        lay.addWidget(how)
        if fork.side == "theirs":
            ours = tr("以本站点已接收的历史为准：{p}须恢复到包含它的备份，或重新登记").format(p=fork.peer)
            theirs = tr("以{p}现在的历史为准：本站点从最后一致的一条起接收它的下一个数据包").format(
                p=fork.peer
            )
        else:
            ours = tr("以本站点现在的历史为准：下一个数据包从最后一致的一条起发送")
            theirs = tr("以{p}已接收的历史为准：本站点须恢复到包含它的备份，或重新登记").format(p=fork.peer)
        self.choice = _Choice(ours, theirs)
        self.choice.reason.setPlaceholderText(tr("例如：村电脑硬盘损坏，已从备份恢复并补录"))
        lay.addWidget(self.choice)
        lay.addWidget(self.error)
        lay.addWidget(button_box("确定处理", dialog=self))
        self.field_widgets = self.choice.fields()
        self.setMinimumWidth(620)

    def save(self) -> None:
        c = self.choice
        settle_fork(self.ctx, self.fork.id, keep=c.keep(), reason=c.reason.text(), password=c.password.text())


def _head(seq: int, digest: str) -> str:
    return tr("第{n}条（校验值 {h}…）").format(n=seq, h=digest[:12])
