"""公开台账: every disclosure, filtered by village (from the main window), category, period, overdue (C21) and
open feedback; sorted and paged in SQL."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.core.money import format_fen
from quzhou_desktop.gui.disclosures.detail import DisclosureDetail
from quzhou_desktop.gui.disclosures.dialogs import DisclosureDialog, FinanceDialog, pydate
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.messages import attempt
from quzhou_desktop.gui.printing.menu import PrintButton
from quzhou_desktop.gui.widgets.columns import arrange_columns
from quzhou_desktop.gui.widgets.paged_model import RIGHT, Column, PagedTableModel
from quzhou_desktop.gui.widgets.register_view import register_view
from quzhou_desktop.services.disclosures import register as reg
from quzhou_desktop.services.disclosures.disclosure import CATEGORY_LABELS, STATUS_LABELS
from quzhou_desktop.services.disclosures.register import DisclosureFilter, DisclosureRow
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm


def _money(fen: int | None) -> str:
    return format_fen(fen, symbol=False) if fen is not None else ""


COLUMNS: list[Column[DisclosureRow]] = [
    Column(tr("村"), lambda r: r.village_name, sort="village"),
    Column(tr("类别"), lambda r: r.category_label, sort="category"),
    Column(tr("标题"), lambda r: r.title, sort="title", tooltip=lambda r: r.item_name),
    Column(tr("所属期间"), lambda r: r.period_text, sort="period"),
    Column(tr("截止日期"), lambda r: r.due_on, sort="due"),
    Column(tr("公开日期"), lambda r: r.posted_from, sort="posted"),
    Column(tr("状态"), lambda r: r.status_label, sort="status"),
    Column(tr("逾期"), lambda r: r.late_text),
    Column(tr("收入合计"), lambda r: _money(r.total_income_fen), align=RIGHT),
    Column(tr("支出合计"), lambda r: _money(r.total_expense_fen), align=RIGHT),
    Column(tr("未答复意见"), lambda r: r.open_feedback or "", align=RIGHT),
]


WIDTHS = {0: 60, 1: 64, 2: 240, 3: 150, 4: 90, 5: 90, 6: 70, 7: 76, 8: 90, 9: 90, 10: 80}


class RegisterTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.village_id: str | None = None
        self.dialog: QDialog | None = None
        lay = QVBoxLayout(self)

        filters = QHBoxLayout()
        self.category = QComboBox()
        self.category.addItem(tr("全部类别"), None)
        for key, label in CATEGORY_LABELS.items():
            self.category.addItem(label, key)
        self.status = QComboBox()
        self.status.addItem(tr("全部状态"), None)
        for key, label in STATUS_LABELS.items():
            self.status.addItem(label, key)
        self.use_period = QCheckBox(tr("所属期间"))
        today = ctx.clock.today()
        self.period_from = QDateEdit(QDate(today.year, 1, 1))
        self.period_to = QDateEdit(QDate(today.year, 12, 31))
        for w in (self.period_from, self.period_to):
            w.setCalendarPopup(True)
            w.setDisplayFormat("yyyy-MM-dd")
            w.setEnabled(False)
        self.overdue = QCheckBox(tr("只看逾期"))
        self.open_fb = QCheckBox(tr("只看有未答复意见"))
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("按标题查找"))
        self.search.setClearButtonEnabled(True)
        for widget in (self.category, self.status, self.use_period, self.period_from, QLabel(tr("至")),
                  self.period_to, self.overdue, self.open_fb):  # fmt: skip
            filters.addWidget(widget)
        filters.addWidget(self.search, 1)
        lay.addLayout(filters)

        actions = QHBoxLayout()
        self.new_button = QPushButton(tr("新建公开…"))
        self.finance_button = QPushButton(tr("新建财务公开…"))
        self.open_button = QPushButton(tr("查看/办理…"))
        self.print_button = PrintButton(ctx, self.notice_entries, self)
        self.count = QLabel()
        for b in (self.new_button, self.finance_button, self.open_button, self.print_button):
            actions.addWidget(b)
        actions.addStretch(1)
        actions.addWidget(self.count)
        lay.addLayout(actions)

        self.model: PagedTableModel[DisclosureRow] = PagedTableModel(
            COLUMNS, self._fetch, self._count, sort="period", descending=True, parent=self
        )
        self.view = register_view(self.model, sort_column=3, descending=True, stretch_last=False)
        user = ctx.user
        # 标题, 所属期间, 状态, 逾期, 未答复意见 before the dates and totals: in view at 1366 px
        arrange_columns(self.view, "disclosures", user.id if user else None, widths=WIDTHS,
                        order=(0, 1, 2, 3, 6, 7, 10, 4, 5, 8, 9))  # fmt: skip
        lay.addWidget(self.view, 1)

        for combo in (self.category, self.status):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        for box in (self.overdue, self.open_fb):
            box.toggled.connect(lambda _b: self.reload())
        self.use_period.toggled.connect(self._period_toggled)
        self.period_from.dateChanged.connect(lambda _d: self.reload())
        self.period_to.dateChanged.connect(lambda _d: self.reload())
        self.search.returnPressed.connect(self.reload)
        self.search.textChanged.connect(lambda t: self.reload() if not t else None)
        self.view.doubleClicked.connect(lambda _i: self.open_selected())
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._buttons())
        self.model.reloaded.connect(lambda n: self.count.setText(f"{tr('共')} {n} {tr('份')}"))
        self.new_button.clicked.connect(self.new_general)
        self.finance_button.clicked.connect(self.new_finance)
        self.open_button.clicked.connect(self.open_selected)
        self.reload()

    # -- data --------------------------------------------------------------------------------------------

    def filter(self) -> DisclosureFilter:
        period = self.use_period.isChecked()
        return DisclosureFilter(
            village_id=self.village_id,
            category=self.category.currentData(),
            status=self.status.currentData(),
            period_from=pydate(self.period_from.date()) if period else None,
            period_to=pydate(self.period_to.date()) if period else None,
            overdue_only=self.overdue.isChecked(),
            open_feedback_only=self.open_fb.isChecked(),
            text=self.search.text(),
        )

    def _fetch(self, offset: int, limit: int, sort: str | None, desc: bool) -> list[DisclosureRow]:
        return reg.list_disclosures(
            self.ctx, self.filter(), offset=offset, limit=limit, sort=sort, descending=desc
        )

    def _count(self) -> int:
        return reg.count_disclosures(self.ctx, self.filter())

    def _period_toggled(self, on: bool) -> None:
        self.period_from.setEnabled(on)
        self.period_to.setEnabled(on)
        self.reload()

    def set_village(self, village_id: str | None) -> None:
        self.village_id = village_id
        self.reload()

    def set_period(self, start: date, end: date) -> None:
        self.period_from.setDate(QDate(start.year, start.month, start.day))
        self.period_to.setDate(QDate(end.year, end.month, end.day))
        self.use_period.setChecked(True)

    def reload(self) -> None:
        attempt(self, self.model.reload)
        self._buttons()

    def notice_entries(self) -> list[tuple[str, str, str | None]]:
        """A 财务公开 prints as the 财务公开表 (after the 村监会 review, C31); a 党务/村务公开 as its own notice (after
        the review where the township requires it); 决议公开 / 实施结果公开 also print from the 五议两公开 register."""
        row = self.selected()
        if row is None:
            return []
        if row.category != "finance":
            from quzhou_desktop.services.kernel.settings import get_rules

            label = tr(f"{row.category_label}公告")
            if get_rules(self.ctx, row.village_id).review_required(row.category) and not row.reviewed:
                return [(label + tr("（须先经村监会审核）"), "disclosure", None)]
            return [(label, "disclosure", row.id)]
        if not row.reviewed:
            return [(tr("财务公开表（须先经村监会审核）"), "finance", None)]
        return [(tr("财务公开表"), "finance", row.id)]

    def selected(self) -> DisclosureRow | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row(rows[0]) if rows else None

    def _buttons(self) -> None:
        can = self.village_id is not None and self.ctx.can(Perm.DISCLOSURE_EDIT, self.village_id)
        tip = "" if self.village_id else tr("请先在上方选择一个村")
        for b in (self.new_button, self.finance_button):
            b.setEnabled(can)
            b.setToolTip(tip)
        self.open_button.setEnabled(self.selected() is not None)

    # -- actions -----------------------------------------------------------------------------------------

    def _open(self, dlg: QDialog) -> QDialog:
        self.dialog = dlg
        dlg.finished.connect(lambda _r: self.reload())
        dlg.open()
        return dlg

    def new_general(self) -> QDialog | None:
        if self.village_id is None:
            return None
        dlg = DisclosureDialog(self.ctx, self.village_id, None, self)
        dlg.saved.connect(self.open_disclosure)
        return self._open(dlg)

    def new_finance(self) -> FinanceDialog | None:
        if self.village_id is None:
            return None
        dlg = attempt(self, lambda: FinanceDialog(self.ctx, str(self.village_id), self))
        if dlg is None:
            return None
        dlg.saved.connect(self.open_disclosure)
        self._open(dlg)
        return dlg

    def open_selected(self) -> DisclosureDetail | None:
        row = self.selected()
        return self.open_disclosure(row.id) if row else None

    def open_disclosure(self, disclosure_id: str) -> DisclosureDetail | None:
        dlg = attempt(self, lambda: DisclosureDetail(self.ctx, disclosure_id, self))
        if dlg is not None:
            self._open(dlg)
        return dlg
