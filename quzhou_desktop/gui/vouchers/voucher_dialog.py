"""录入/修改/更正支出凭证: the clerk's form, with the 大写 amount shown live (C24) and the C16 tier."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.core.errors import QuzhouError, ValidationError
from quzhou_desktop.core.money import fen_to_upper, parse_amount
from quzhou_desktop.core.rules import with_basis
from quzhou_desktop.core.vouchers import DecisionKind, required_decisions
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.dialogs import ServiceDialog, button_box
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.settings import get_rules
from quzhou_desktop.services.vouchers import query
from quzhou_desktop.services.vouchers import voucher as svc

FUNDING_SOURCES = ("村集体经营收入", "上级补助", "一事一议财政奖补", "社会捐赠", "土地补偿费", "其他")


def qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class VoucherDialog(ServiceDialog):
    """``mode``: "new", "edit" (a draft) or "correct" (a new version of a voucher sent back)."""

    def __init__(
        self,
        ctx: AppContext,
        village_id: str,
        *,
        mode: str = "new",
        voucher_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.village_id, self.mode, self.voucher_id = ctx, village_id, mode, voucher_id
        self.rules = get_rules(ctx, village_id)
        self.saved_id: str | None = None
        self.warnings: list[str] = []
        titles = {"new": "录入支出凭证", "edit": "修改凭证（草稿）", "correct": "更正凭证（生成新版本）"}
        self.setWindowTitle(tr(titles[mode]))
        self.setMinimumWidth(620)
        lay = QVBoxLayout(self)
        if mode == "correct":
            note = QLabel(
                tr(
                    "原凭证已经村监会审核或被退回，不能直接修改。保存后生成新版本（原版本保留），需重新提交村监会审核。"
                )
            )
            note.setWordWrap(True)
            lay.addWidget(note)
        form = QFormLayout()
        lay.addLayout(form)

        self.number_edit = QLineEdit()
        self.number_edit.setMaxLength(30)
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setDate(qdate(ctx.clock.today()))
        self.handler_edit = QLineEdit()
        self.handler_edit.setPlaceholderText(tr("经手人姓名"))
        self.witness_edit = QLineEdit()
        self.witness_edit.setPlaceholderText(tr("证明人姓名，可不填"))
        self.payee_edit = QLineEdit()
        self.payee_edit.setPlaceholderText(tr("收款单位或个人"))
        self.purpose_edit = QLineEdit()
        self.purpose_edit.setMaxLength(200)
        self.purpose_edit.setPlaceholderText(tr("如：村道修补水泥沙石"))
        self.amount_edit = QLineEdit()
        self.amount_edit.setPlaceholderText(tr("元，如 1500 或 1500.50"))
        self.upper_label = QLabel()
        self.upper_label.setWordWrap(True)
        self.tier_label = QLabel()
        self.tier_label.setWordWrap(True)
        self.funding_combo = QComboBox()
        self.funding_combo.setEditable(True)
        self.funding_combo.addItems(list(FUNDING_SOURCES))
        self.budget_edit = QLineEdit()
        self.budget_edit.setPlaceholderText(tr("预算项目，如：道路维护"))
        self.invoices_spin = QSpinBox()
        self.invoices_spin.setRange(0, 999)
        self.invoices_spin.setSuffix(tr(" 张"))
        self.decision_combo = QComboBox()
        self.decision_combo.setEditable(True)
        self.resolution_combo = QComboBox()
        self.resolution_combo.setEditable(True)
        for combo, hint in (
            (
                self.decision_combo,
                tr("选择本村联席会议的决定，或直接填写，如：2026年3月12日村务联席会议决定"),
            ),
            (self.resolution_combo, tr("选择本村村民（代表）会议的决议，或直接填写")),
        ):
            line = combo.lineEdit()
            if line is not None:
                line.setPlaceholderText(hint)
        self._fill_choices()
        self.date_edit.dateChanged.connect(lambda _d: self._fill_choices())
        self.note_edit = QPlainTextEdit()
        self.note_edit.setFixedHeight(56)

        amount_row = QVBoxLayout()
        amount_row.addWidget(self.amount_edit)
        amount_row.addWidget(self.upper_label)
        amount_row.addWidget(self.tier_label)
        money = QWidget()
        money.setLayout(amount_row)
        amount_row.setContentsMargins(0, 0, 0, 0)
        people = QHBoxLayout()
        people.addWidget(self.handler_edit)
        people.addWidget(QLabel(tr("证明人：")))
        people.addWidget(self.witness_edit)
        form.addRow(tr("凭证号："), self.number_edit)
        form.addRow(tr("凭证日期："), self.date_edit)
        form.addRow(tr("经手人："), people)
        form.addRow(tr("收款人（单位）："), self.payee_edit)
        form.addRow(tr("用途（摘要）："), self.purpose_edit)
        form.addRow(tr("金额（小写）："), money)
        form.addRow(tr("资金来源："), self.funding_combo)
        form.addRow(tr("预算项目："), self.budget_edit)
        form.addRow(tr("附单据张数："), self.invoices_spin)
        form.addRow(tr("联席会议决定："), self.decision_combo)
        form.addRow(tr("村民（代表）会议决议："), self.resolution_combo)
        form.addRow(tr("备注："), self.note_edit)
        lay.addWidget(self.error)
        buttons = button_box("保存", dialog=self)
        lay.addWidget(buttons)
        self.field_widgets = {
            "凭证号": self.number_edit,
            "凭证日期": self.date_edit,
            "经手人": self.handler_edit,
            "证明人": self.witness_edit,
            "收款人（单位）": self.payee_edit,
            "用途（摘要）": self.purpose_edit,
            "金额": self.amount_edit,
            "资金来源": self.funding_combo,
            "预算项目": self.budget_edit,
        }
        # Widgets were created in reading order, so Tab follows the form top to bottom.
        self.amount_edit.textChanged.connect(self._amount_changed)
        if voucher_id is not None:
            self._load(query.get_fields(ctx, voucher_id))
        else:
            self.number_edit.setText(query.next_number(ctx, village_id, ctx.clock.today().year))
        self.number_edit.setReadOnly(mode == "correct")
        self._amount_changed(self.amount_edit.text())

    def _load(self, f: svc.VoucherFields) -> None:
        self.number_edit.setText(f.number)
        self.date_edit.setDate(qdate(f.voucher_date))
        self.handler_edit.setText(f.handler_name)
        self.witness_edit.setText(f.witness_name or "")
        self.payee_edit.setText(f.payee)
        self.purpose_edit.setText(f.purpose)
        self.amount_edit.setText(f"{f.amount_fen // 100}.{f.amount_fen % 100:02d}")
        self.funding_combo.setCurrentText(f.funding_source or "")
        self.budget_edit.setText(f.budget_line or "")
        self.invoices_spin.setValue(f.invoice_count)
        self._set_ref(self.decision_combo, f.decision_step_id, f.decision_ref)
        self._set_ref(self.resolution_combo, f.resolution_step_id, f.resolution_ref)
        self.note_edit.setPlainText(f.note or "")

    def _fill_choices(self) -> None:
        """Only decisions of the body each slot needs (C16), held on or before the voucher date, named by
        their matter: "村文化礼堂提升改造——2026年12月4日村务联席会议决定"."""
        on = pydate(self.date_edit.date())
        for combo, kind in (
            (self.decision_combo, DecisionKind.JOINT_MEETING),
            (self.resolution_combo, DecisionKind.VILLAGERS_RESOLUTION),
        ):
            keep = combo.currentData() if combo.currentIndex() > 0 else None
            text = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("", None)
            for c in query.decision_choices(self.ctx, self.village_id, kind, on=on):
                combo.addItem(c.label, c.step_id)
            i = combo.findData(keep) if keep else -1
            if i > 0:
                combo.setCurrentIndex(i)
            elif keep is None:
                combo.setCurrentText(text)
            else:
                combo.setCurrentIndex(0)  # the chosen decision is later than the new date: no longer offered
            combo.blockSignals(False)

    @staticmethod
    def _set_ref(combo: QComboBox, step_id: str | None, text: str | None) -> None:
        i = combo.findData(step_id) if step_id else -1
        if i > 0:
            combo.setCurrentIndex(i)
        else:
            combo.setCurrentText(text or "")

    @staticmethod
    def _ref(combo: QComboBox) -> tuple[str | None, str | None]:
        """(step id, free text) of a decision reference."""
        text = combo.currentText().strip()
        i = combo.findText(text)
        step = combo.itemData(i) if i > 0 else None
        return (step, None) if step else (None, text or None)

    def _amount_changed(self, text: str) -> None:
        if not text.strip():
            self.upper_label.setText(tr("大写：（输入金额后自动显示）"))
            self.tier_label.clear()
            return
        try:
            fen = parse_amount(text)
        except QuzhouError as exc:
            self.upper_label.setText(f"<span style='color:#b00020'>{exc}</span>")
            self.tier_label.clear()
            return
        if fen <= 0:
            self.upper_label.setText(f"<span style='color:#b00020'>{tr('金额必须大于零')}</span>")
            return
        self.upper_label.setText(tr("大写：") + fen_to_upper(fen))
        needs = required_decisions(fen, self.rules)
        if not needs:
            self.tier_label.setText(tr("数额较小，按一般财务制度办理"))
        else:
            what = "、".join(k.label for k in needs)
            text = with_basis(tr("须关联") + what + tr("，否则不能提交审核"), "C16")
            self.tier_label.setText(f"<span style='color:#8a5a00'>{text}</span>")
        self.resolution_combo.setEnabled(
            DecisionKind.VILLAGERS_RESOLUTION in needs or bool(self.resolution_combo.currentText())
        )

    def fields(self) -> svc.VoucherFields:
        text = self.amount_edit.text().strip()
        if not text:
            raise ValidationError(field="金额", reason="不能为空")
        fen = parse_amount(text)
        d_step, d_text = self._ref(self.decision_combo)
        r_step, r_text = self._ref(self.resolution_combo)
        return svc.VoucherFields(
            number=self.number_edit.text(),
            voucher_date=pydate(self.date_edit.date()),
            handler_name=self.handler_edit.text(),
            witness_name=self.witness_edit.text(),
            payee=self.payee_edit.text(),
            purpose=self.purpose_edit.text(),
            amount_fen=fen,
            funding_source=self.funding_combo.currentText(),
            budget_line=self.budget_edit.text(),
            invoice_count=self.invoices_spin.value(),
            decision_ref=d_text,
            decision_step_id=d_step,
            resolution_ref=r_text,
            resolution_step_id=r_step,
            note=self.note_edit.toPlainText(),
        )

    def save(self) -> None:
        f = self.fields()
        if self.mode == "new":
            self.saved_id, self.warnings = svc.create_voucher(self.ctx, self.village_id, f)
        elif self.mode == "edit":
            assert self.voucher_id is not None
            self.warnings = svc.update_voucher(self.ctx, self.voucher_id, f)
            self.saved_id = self.voucher_id
        else:
            assert self.voucher_id is not None
            self.saved_id, self.warnings = svc.correct_voucher(self.ctx, self.voucher_id, f)
