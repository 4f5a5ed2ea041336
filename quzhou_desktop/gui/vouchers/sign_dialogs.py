"""Electronic signatures: the 村监会 review (同意/需补正/不同意 + opinion) and the leaders' signatures, each
confirmed by re-entering one's password."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.dialogs import ServiceDialog, button_box, password_edit
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.vouchers.common import OPINION_LABELS
from quzhou_desktop.services.vouchers.voucher import VoucherRow


def summary_label(row: VoucherRow) -> QLabel:
    label = QLabel(
        f"<b>{row.village_name} {tr('凭证')} {row.number_text}</b>　{row.voucher_date.isoformat()}<br>"
        f"{tr('用途')}：{row.purpose}<br>{tr('收款人')}：{row.payee}　{tr('经手人')}：{row.handler_name}<br>"
        f"{tr('金额')}：{row.amount_text}　{row.amount_upper}"
    )
    label.setWordWrap(True)
    return label


class ReviewDialog(ServiceDialog):
    """村监会审核: choose the opinion, write it, re-enter the password."""

    def __init__(
        self,
        ctx: AppContext,
        row: VoucherRow,
        action: Callable[[str, str, str], object],
        *,
        progress: tuple[str, ...] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.row, self.action = ctx, row, action
        self.setWindowTitle(tr("村监会审核凭证"))
        self.setMinimumWidth(520)
        lay = QVBoxLayout(self)
        lay.addWidget(summary_label(row))
        if progress:
            p = QLabel(tr("本轮审核情况：") + "；".join(progress))
            p.setWordWrap(True)
            lay.addWidget(p)
        form = QFormLayout()
        lay.addLayout(form)
        self.agree, self.correct, self.disagree = (
            QRadioButton(tr(OPINION_LABELS[opinion])) for opinion in ("agree", "correct", "disagree")
        )
        self.group = QButtonGroup(self)
        row_lay = QHBoxLayout()
        for b in (self.agree, self.correct, self.disagree):
            self.group.addButton(b)
            row_lay.addWidget(b)
        row_lay.addStretch(1)
        self.agree.setChecked(True)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setFixedHeight(70)
        self.text_edit.setPlaceholderText(tr("同意可不填；需补正请写明缺什么，不同意请写明理由"))
        self.password = password_edit()
        form.addRow(tr("审核意见："), row_lay)
        form.addRow(tr("意见内容："), self.text_edit)
        form.addRow(tr("登录密码："), self.password)
        lay.addWidget(self.error)
        buttons = button_box("签名确认", dialog=self)
        lay.addWidget(buttons)
        self.field_widgets = {"审核意见": self.text_edit}
        self.setTabOrder(self.agree, self.correct)
        self.setTabOrder(self.correct, self.disagree)
        self.setTabOrder(self.disagree, self.text_edit)
        self.setTabOrder(self.text_edit, self.password)

    @property
    def opinion(self) -> str:
        if self.correct.isChecked():
            return "correct"
        return "disagree" if self.disagree.isChecked() else "agree"

    def save(self) -> None:
        self.action(self.opinion, self.text_edit.toPlainText(), self.password.text())


class SignDialog(ServiceDialog):
    """主任（社长） or 书记 signs: show the voucher and the review result, re-enter the password."""

    def __init__(
        self,
        row: VoucherRow,
        title: str,
        reviews: str,
        action: Callable[[str], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.action = action
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        lay = QVBoxLayout(self)
        lay.addWidget(summary_label(row))
        rev = QLabel(tr("村监会审核意见：") + (reviews or tr("（尚无）")))
        rev.setWordWrap(True)
        lay.addWidget(rev)
        form = QFormLayout()
        self.password = password_edit()
        form.addRow(tr("登录密码："), self.password)
        lay.addLayout(form)
        lay.addWidget(self.error)
        buttons = button_box("签名确认", dialog=self)
        lay.addWidget(buttons)

    def save(self) -> None:
        self.action(self.password.text())
