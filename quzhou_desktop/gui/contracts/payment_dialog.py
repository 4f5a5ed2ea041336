"""登记收付款: money received or paid against one schedule line, tied to a 收支明细 line or a 支出凭证 found by
search (nearest to the due date first), or to a paper receipt. The amount proposed is what is still owed."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.core.money import fen_to_yuan_str, format_fen, parse_amount
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.dates import date_edit, pydate
from quzhou_desktop.gui.widgets.dialogs import ServiceDialog, button_box
from quzhou_desktop.services.contracts import payments
from quzhou_desktop.services.contracts.payments import Candidate, LineRow
from quzhou_desktop.services.kernel.context import AppContext

CANDIDATE_ROLE = Qt.ItemDataRole.UserRole


class PaymentDialog(ServiceDialog):
    def __init__(self, ctx: AppContext, line: LineRow, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.line = ctx, line
        self.saved_id: str | None = None
        verb = "收款" if line.direction == "receivable" else "付款"
        self.setWindowTitle(tr(f"登记{verb}") + f" — {title}")
        lay = QVBoxLayout(self)
        head = QLabel(
            f"<b>{line.due_on.isoformat()} {line.direction_label} {format_fen(line.amount_fen)}</b>　"
            f"{tr('已收付')} {format_fen(line.paid_fen)}　{tr('尚欠')} {format_fen(line.status.outstanding_fen)}"
        )
        lay.addWidget(head)
        self.by_record = QRadioButton(tr("对应收支明细或支出凭证"))
        self.by_receipt = QRadioButton(tr("凭收据登记（收支明细尚未导入）"))
        group = QButtonGroup(self)
        group.addButton(self.by_record)
        group.addButton(self.by_receipt)
        self.by_record.setChecked(True)
        lay.addWidget(self.by_record)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(tr("按摘要、对方单位、收款人或凭证号查找"))
        self.search_edit.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setMinimumHeight(180)
        lay.addWidget(self.search_edit)
        lay.addWidget(self.results, 1)
        lay.addWidget(self.by_receipt)
        form = QFormLayout()
        self.receipt_edit = QLineEdit()
        self.receipt_edit.setPlaceholderText(tr("收据编号"))
        self.date_edit = date_edit(ctx.clock.today())
        receipt = QHBoxLayout()
        receipt.addWidget(self.receipt_edit)
        receipt.addWidget(QLabel(tr("日期：")))
        receipt.addWidget(self.date_edit)
        form.addRow(tr("收据："), receipt)
        self.amount_edit = QLineEdit(fen_to_yuan_str(line.status.outstanding_fen))
        form.addRow(tr("本次金额（元）："), self.amount_edit)
        self.note_edit = QLineEdit()
        form.addRow(tr("说明："), self.note_edit)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(button_box("登记", dialog=self))
        self.field_widgets = {"金额": self.amount_edit, "收付款依据": self.results, "收据号": self.receipt_edit,
                              "收付款日期": self.date_edit}  # fmt: skip
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh)
        self.search_edit.textChanged.connect(lambda _t: self._timer.start())
        self.results.currentItemChanged.connect(lambda _a, _b: self._picked())
        self.by_record.toggled.connect(lambda _on: self._mode())
        self.setMinimumSize(620, 520)
        self.refresh()
        self._mode()

    def _mode(self) -> None:
        record = self.by_record.isChecked()
        self.search_edit.setEnabled(record)
        self.results.setEnabled(record)
        self.receipt_edit.setEnabled(not record)
        self.date_edit.setEnabled(not record)

    def refresh(self) -> None:
        self.results.clear()
        found = payments.payment_candidates(self.ctx, self.line.id, text=self.search_edit.text())
        for c in found:
            item = QListWidgetItem(f"{c.label}　（{tr('可对应')} {format_fen(c.left_fen)}）")
            item.setData(CANDIDATE_ROLE, c)
            self.results.addItem(item)
        if not found:
            empty = QListWidgetItem(
                tr("没有可对应的收支明细或支出凭证。收支明细可在“导入导出”中导入，或凭收据登记。")
            )
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.results.addItem(empty)

    def _picked(self) -> None:
        c = self.candidate()
        if c is not None:
            self.amount_edit.setText(fen_to_yuan_str(min(c.left_fen, self.line.status.outstanding_fen)))

    def candidate(self) -> Candidate | None:
        item = self.results.currentItem()
        c = item.data(CANDIDATE_ROLE) if item is not None else None
        return c if isinstance(c, Candidate) else None

    def choose(self, text: str) -> None:
        """Select the first candidate whose label contains ``text`` (tests and keyboard users)."""
        for i in range(self.results.count()):
            if text in self.results.item(i).text():
                self.results.setCurrentRow(i)
                return

    def save(self) -> None:
        amount = parse_amount(self.amount_edit.text()) if self.amount_edit.text().strip() else 0
        note = self.note_edit.text()
        if self.by_receipt.isChecked():
            self.saved_id = payments.link_payment(
                self.ctx, self.line.id, amount_fen=amount, receipt_no=self.receipt_edit.text(),
                paid_on=pydate(self.date_edit.date()), note=note,
            )  # fmt: skip
            return
        c = self.candidate()
        if c is None:
            raise ValidationError(field="收付款依据", reason="请在列表中选择一条收支明细或支出凭证")
        self.saved_id = payments.link_payment(
            self.ctx, self.line.id, amount_fen=amount, note=note,
            voucher_id=c.id if c.kind == "voucher" else None,
            ledger_line_id=c.id if c.kind == "ledger" else None,
        )  # fmt: skip
