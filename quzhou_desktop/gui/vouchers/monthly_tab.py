"""月度工作例会: one screen for a village and month — the meeting, every voucher with its reviews and the
meeting's note, totals and open items, the overall opinion, the chair's signature, then lock/unlock."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.core.money import format_fen
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.messages import show_error, show_info
from quzhou_desktop.gui.printing.menu import PrintButton
from quzhou_desktop.gui.vouchers.voucher_dialog import pydate, qdate
from quzhou_desktop.gui.widgets.dialogs import PasswordDialog, SignedReasonDialog
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.vouchers import monthly
from quzhou_desktop.services.vouchers.monthly import MonthlyReviewFields, MonthlyReviewView

HEADERS = ["凭证号", "日期", "用途", "收款人", "金额", "状态", "村监会审核", "例会意见"]
OPINION_COL = 7


class MonthlyTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.village_id: str | None = None
        self.view_: MonthlyReviewView | None = None
        self.dialog: QDialog | None = None
        lay = QVBoxLayout(self)

        top = QHBoxLayout()
        today = ctx.clock.today()
        prev_y, prev_m = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setSuffix(tr("年"))
        self.year_spin.setValue(prev_y)
        self.month_combo = QComboBox()
        for m in range(1, 13):
            self.month_combo.addItem(f"{m}{tr('月')}", m)
        self.month_combo.setCurrentIndex(prev_m - 1)
        self.state_label = QLabel()
        top.addWidget(QLabel(tr("审核月份：")))
        top.addWidget(self.year_spin)
        top.addWidget(self.month_combo)
        top.addSpacing(16)
        top.addWidget(self.state_label, 1)
        lay.addLayout(top)

        meeting = QGroupBox(tr("例会情况"))
        form = QFormLayout(meeting)
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setMaximumWidth(160)
        self.place_edit = QLineEdit()
        self.place_edit.setPlaceholderText(tr("如：村委会会议室"))
        self.place_edit.setMaximumWidth(420)
        self.attendee_box = QHBoxLayout()
        self.attendee_checks: list[QCheckBox] = []
        attend = QWidget()
        attend.setLayout(self.attendee_box)
        self.attendee_box.setContentsMargins(0, 0, 0, 0)
        form.addRow(tr("例会日期："), self.date_edit)
        form.addRow(tr("地点："), self.place_edit)
        form.addRow(tr("出席成员："), attend)
        lay.addWidget(meeting)

        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels([tr(h) for h in HEADERS])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((90, 90, 160, 130, 100, 110, 280)):
            self.table.setColumnWidth(col, width)
        lay.addWidget(self.table, 1)
        self.totals_label = QLabel()
        self.totals_label.setWordWrap(True)
        lay.addWidget(self.totals_label)

        opinions = QFormLayout()
        self.overall_edit = QPlainTextEdit()
        self.overall_edit.setFixedHeight(54)
        self.overall_edit.setPlaceholderText(tr("如：经逐笔审核，本月支出票据真实、手续齐全，同意入账"))
        self.open_edit = QPlainTextEdit()
        self.open_edit.setFixedHeight(40)
        self.open_edit.setPlaceholderText(tr("尚未解决的问题，下次例会跟进"))
        self.unreviewed_edit = QLineEdit()
        self.unreviewed_edit.setMaxLength(500)
        self.unreviewed_edit.setPlaceholderText(tr("仅当本月仍有凭证未审核完毕而需先签署时填写原因"))
        opinions.addRow(tr("总体审核意见："), self.overall_edit)
        opinions.addRow(tr("遗留问题："), self.open_edit)
        opinions.addRow(tr("未审核说明："), self.unreviewed_edit)
        lay.addLayout(opinions)
        self.sign_reason = QLabel()  # why 签署 is off, shown before anyone types a password
        self.sign_reason.setWordWrap(True)
        self.sign_reason.setStyleSheet("color: #8a5a00;")
        lay.addWidget(self.sign_reason)

        buttons = QHBoxLayout()
        self.save_button = QPushButton(tr("保存例会记录"))
        self.sign_button = QPushButton(tr("签署例会记录…"))
        self.lock_button = QPushButton(tr("锁定本月"))
        self.unlock_button = QPushButton(tr("解锁本月…"))
        self.print_button = PrintButton(ctx, self.notice_entries, self)
        for b in (
            self.save_button,
            self.sign_button,
            self.lock_button,
            self.unlock_button,
            self.print_button,
        ):
            buttons.addWidget(b)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        self.save_button.setVisible(ctx.can(Perm.MONTH_REVIEW))
        self.sign_button.setVisible(ctx.can(Perm.MONTH_REVIEW))
        self.lock_button.setVisible(ctx.can(Perm.MONTH_LOCK))
        self.unlock_button.setVisible(ctx.can(Perm.MONTH_UNLOCK))
        self.save_button.clicked.connect(lambda: self.save())
        self.sign_button.clicked.connect(lambda: self.sign())
        self.lock_button.clicked.connect(lambda: self.lock())
        self.unlock_button.clicked.connect(lambda: self.unlock())
        self.year_spin.valueChanged.connect(lambda _v: self.reload())
        self.month_combo.currentIndexChanged.connect(lambda _i: self.reload())

    def notice_entries(self) -> list[tuple[str, str, str | None]]:
        """The 村监会月度审核意见书 of the shown month, once its meeting record exists."""
        from quzhou_desktop.core.errors import QuzhouError
        from quzhou_desktop.services.notices.money import review_record_id

        if self.village_id is None:
            return []
        try:
            rid: str | None = review_record_id(self.ctx, self.village_id, self.year, self.month)
        except QuzhouError:
            rid = None
        return [
            (
                tr("村监会月度审核意见书") if rid else tr("村监会月度审核意见书（本月尚无例会记录）"),
                "review",
                rid,
            )
        ]

    @property
    def year(self) -> int:
        return self.year_spin.value()

    @property
    def month(self) -> int:
        return int(self.month_combo.currentData())

    def set_village(self, village_id: str | None, *, load: bool = True) -> None:
        """``load=False`` (the tab is hidden): remember the village, load when the tab is shown."""
        self.village_id = village_id
        if load:
            self.reload()

    def set_month(self, year: int, month: int) -> None:
        self.year_spin.blockSignals(True)
        self.year_spin.setValue(year)
        self.year_spin.blockSignals(False)
        self.month_combo.setCurrentIndex(month - 1)
        self.reload()

    def reload(self) -> None:
        if self.village_id is None:
            self.view_ = None
            self.state_label.setText(tr("请先在上方选择一个村。"))
            self.table.setRowCount(0)
            self._enable(False)
            return
        v = self.view_ = monthly.monthly_review(self.ctx, self.village_id, self.year, self.month)
        self.state_label.setText(f"{v.village_name} {v.year}{tr('年')}{v.month}{tr('月')}：{tr(v.state_label)}"
                                 + (f"（{tr('签署人')}：{v.signed_by}）" if v.signed_by else ""))  # fmt: skip
        default = v.meeting_date or min(self.ctx.clock.today(), _twentieth_after(v.year, v.month))
        self.date_edit.setDate(qdate(default))
        self.place_edit.setText(v.place)
        for c in self.attendee_checks:
            self.attendee_box.removeWidget(c)
            c.deleteLater()
        self.attendee_checks = []
        for pid, name, chair in v.members:
            c = QCheckBox(name + (tr("（主任）") if chair else ""))
            c.setProperty("person_id", pid)
            c.setChecked(pid in v.attendee_ids or (not v.attendee_ids and v.state == "none"))
            self.attendee_box.addWidget(c)
            self.attendee_checks.append(c)
        if not v.members:
            self.attendee_checks.append(QCheckBox(tr("本村村务监督委员会花名册为空，请先在花名册中登记")))
            self.attendee_box.addWidget(self.attendee_checks[-1])
            self.attendee_checks[-1].setEnabled(False)
        self.table.setRowCount(len(v.items))
        for r, item in enumerate(v.items):
            vr = item.voucher
            cells = [vr.number_text, vr.voucher_date.isoformat(), vr.purpose, vr.payee, vr.amount_text,
                     vr.status_label, item.reviews or tr("（未审核）"), item.opinion]  # fmt: skip
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                if col != OPINION_COL:
                    cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if col == 4:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if item.open and col == 5:
                    cell.setForeground(Qt.GlobalColor.darkRed)
                cell.setData(Qt.ItemDataRole.UserRole, vr.id)
                self.table.setItem(r, col, cell)
        blockers = v.blockers
        self.totals_label.setText(
            tr("本月凭证{n}张（不含作废、不同意），合计{total}；").format(
                n=len(v.counted), total=format_fen(v.total_fen)
            )
            + (tr("尚未审核完毕：") + "；".join(b.text for b in blockers) if blockers else tr("全部已审核。"))
        )
        self.overall_edit.setPlainText(v.overall_opinion)
        self.open_edit.setPlainText(v.open_items)
        self.unreviewed_edit.setText(v.unreviewed_reason)
        self.unreviewed_edit.setVisible(bool(blockers or v.unreviewed_reason))
        can_review = self.ctx.can(Perm.MONTH_REVIEW, self.village_id)
        editable = v.state != "signed" and not v.locked and can_review  # the 报账员 reads, never edits
        self._enable(editable)
        block = v.sign_block
        self.sign_button.setEnabled(can_review and not block)
        self.sign_button.setToolTip(tr(block) if block else tr("签署后例会记录不能再修改"))
        show_reason = can_review and bool(block) and v.state == "draft"
        self.sign_reason.setText(tr("暂不能签署：") + tr(block) if show_reason else "")
        self.sign_reason.setVisible(show_reason)
        self.lock_button.setEnabled(v.state == "signed" and not v.locked)
        self.unlock_button.setEnabled(v.locked)

    def _enable(self, editable: bool) -> None:
        for w in (self.date_edit, self.place_edit, self.save_button):
            w.setEnabled(editable)
        for t in (self.overall_edit, self.open_edit):
            t.setReadOnly(not editable)  # read-only, still selectable and scrollable
        self.unreviewed_edit.setReadOnly(not editable)
        for c in self.attendee_checks:
            c.setEnabled(editable)
        triggers = QAbstractItemView.EditTrigger
        self.table.setEditTriggers(
            triggers.DoubleClicked | triggers.EditKeyPressed if editable else triggers.NoEditTriggers
        )

    def fields(self) -> MonthlyReviewFields:
        opinions = {}
        for r in range(self.table.rowCount()):
            cell = self.table.item(r, OPINION_COL)
            if cell is not None and cell.text().strip():
                opinions[str(cell.data(Qt.ItemDataRole.UserRole))] = cell.text()
        return MonthlyReviewFields(
            meeting_date=pydate(self.date_edit.date()),
            attendee_ids=tuple(str(c.property("person_id")) for c in self.attendee_checks if c.isChecked()),
            overall_opinion=self.overall_edit.toPlainText(),
            open_items=self.open_edit.toPlainText(),
            place=self.place_edit.text(),
            item_opinions=opinions,
            unreviewed_reason=self.unreviewed_edit.text(),
        )

    def save(self) -> bool:
        if self.village_id is None:
            return False
        try:
            monthly.save_monthly_review(self.ctx, self.village_id, self.year, self.month, self.fields())
        except QuzhouError as exc:
            show_error(self, exc)
            return False
        self.reload()
        show_info(self, tr("例会记录已保存。全部审核完毕后请签署。"))
        return True

    def sign(self) -> QDialog | None:
        if self.village_id is None:
            return None
        vid, y, m = self.village_id, self.year, self.month
        dlg = PasswordDialog(
            tr("签署月度审核记录"),
            tr("签署后例会记录不能再修改。请确认已逐笔审核{y}年{m}月的凭证。").format(y=y, m=m),
            lambda pw: monthly.sign_monthly_review(self.ctx, vid, y, m, pw),
            parent=self,
        )
        return self._open(dlg)

    def lock(self) -> QDialog | None:
        if self.village_id is None:
            return None
        vid, y, m = self.village_id, self.year, self.month
        dlg = PasswordDialog(
            tr("锁定月份"),
            tr("锁定后{y}年{m}月的凭证不能再录入、修改或审核。锁定是您的电子签名。").format(y=y, m=m),
            lambda pw: monthly.lock_month(self.ctx, vid, y, m, pw),
            parent=self,
        )
        return self._open(dlg)

    def unlock(self) -> QDialog | None:
        if self.village_id is None:
            return None
        vid, y, m = self.village_id, self.year, self.month
        dlg = SignedReasonDialog(
            tr("解锁月份"),
            tr("解锁后本月凭证可以补录或更正，例会记录需要重新签署。请写明解锁原因："),
            lambda why, pw: monthly.unlock_month(self.ctx, vid, y, m, why, pw),
            parent=self,
        )
        return self._open(dlg)

    def _open(self, dlg: QDialog) -> QDialog:
        self.dialog = dlg
        dlg.accepted.connect(self.reload)
        dlg.open()
        return dlg


def _twentieth_after(year: int, month: int) -> date:
    """后陈 practice: the committee meets on the 20th of the next month (C38)."""
    return date(year + (month == 12), month % 12 + 1, 20)
