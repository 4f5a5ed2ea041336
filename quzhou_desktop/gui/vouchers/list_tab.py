"""支出凭证 register (lazy, SQL-filtered) with the actions of 先审后签 for the logged-in user's role."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QItemSelection, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.core.vouchers import VoucherState
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.messages import show_error, show_info, show_warnings
from quzhou_desktop.gui.printing.menu import PrintButton
from quzhou_desktop.gui.vouchers.detail import VoucherDetailView
from quzhou_desktop.gui.vouchers.sign_dialogs import ReviewDialog, SignDialog
from quzhou_desktop.gui.vouchers.voucher_dialog import VoucherDialog
from quzhou_desktop.gui.widgets.columns import arrange_columns
from quzhou_desktop.gui.widgets.dialogs import PasswordDialog, ReasonDialog, SignedReasonDialog
from quzhou_desktop.gui.widgets.paged_model import CENTER, RIGHT, Column, PagedTableModel
from quzhou_desktop.gui.widgets.register_view import register_view
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.vouchers import flow, query
from quzhou_desktop.services.vouchers import voucher as svc
from quzhou_desktop.services.vouchers.common import SUPERSEDED
from quzhou_desktop.services.vouchers.data import VoucherDetail, voucher_detail
from quzhou_desktop.services.vouchers.voucher import VoucherFilter, VoucherRow

SEARCH_DELAY_MS = 300

COLUMNS: list[Column[VoucherRow]] = [
    Column("凭证号", lambda r: r.number_text, sort="number"),
    Column("日期", lambda r: r.voucher_date, sort="date", align=CENTER),
    Column("用途", lambda r: r.purpose, tooltip=lambda r: r.purpose),
    Column("收款人", lambda r: r.payee, sort="payee", tooltip=lambda r: r.payee),
    Column("金额", lambda r: r.amount_text, sort="amount", align=RIGHT, tooltip=lambda r: r.amount_upper),
    Column("状态", lambda r: r.status_label, sort="status"),
    Column("经手人", lambda r: r.handler_name),
]

STATUS_FILTERS: list[tuple[str, frozenset[str]]] = [
    ("全部状态", frozenset()),
    ("草稿", frozenset({"draft"})),
    ("待村监会审核", frozenset({"submitted"})),
    ("退回待补正", frozenset({"needs_correction", "returned"})),
    ("待签字", frozenset({"reviewed", "director_signed"})),
    ("待报送或受理", frozenset({"secretary_signed", "delivered"})),
    ("已受理", frozenset({"accepted"})),
    ("不同意或作废", frozenset({"rejected", "void"})),
    ("已被更正取代", frozenset({SUPERSEDED})),
]


class VoucherListTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.village_id: str | None = None
        self.current: VoucherDetail | None = None
        self.dialog: QDialog | None = None
        lay = QVBoxLayout(self)

        bar = QHBoxLayout()
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(tr("查找：凭证号、用途、收款人、经手人"))
        self.search_edit.setClearButtonEnabled(True)
        self.year_combo = QComboBox()
        self.month_combo = QComboBox()
        self.month_combo.addItem(tr("全年"), None)
        for m in range(1, 13):
            self.month_combo.addItem(f"{m}{tr('月')}", m)
        self.status_combo = QComboBox()
        for label, _ in STATUS_FILTERS:
            self.status_combo.addItem(tr(label))
        bar.addWidget(self.search_edit, 2)
        for w in (self.year_combo, self.month_combo, self.status_combo):
            bar.addWidget(w)
        lay.addLayout(bar)

        actions = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        specs = [
            ("new", "录入凭证…", Perm.VOUCHER_EDIT, self.new_voucher),
            ("edit", "修改…", Perm.VOUCHER_EDIT, self.edit_voucher),
            ("submit", "提交村监会审核", Perm.VOUCHER_EDIT, self.submit),
            ("submit_selected", "提交所选草稿", Perm.VOUCHER_EDIT, self.submit_selected),
            ("correct", "更正…", Perm.VOUCHER_EDIT, self.correct),
            ("scan", "添加扫描件…", Perm.VOUCHER_EDIT, self.add_scan),
            ("review", "村监会审核…", Perm.VOUCHER_REVIEW, self.review),
            ("sign", "签字…", None, self.sign),
            ("deliver", "报送代理记账中心", Perm.VOUCHER_DELIVER, self.deliver),
            ("accept", "代理中心受理", Perm.VOUCHER_ACCEPT, self.accept),
            ("return", "代理中心退回…", Perm.VOUCHER_ACCEPT, self.return_),
            ("void", "作废…", Perm.VOUCHER_EDIT, self.void),
        ]
        can_sign = ctx.can(Perm.VOUCHER_SIGN_DIRECTOR) or ctx.can(Perm.VOUCHER_SIGN_SECRETARY)
        agency_here = flow.agency_acts_here(ctx)  # not on a village PC enrolled with its township
        for key, text, perm, slot in specs:
            b = QPushButton(tr(text))
            b.clicked.connect(lambda _c=False, f=slot: f())
            visible = can_sign if key == "sign" else perm is not None and ctx.can(perm)
            if key in ("accept", "return"):
                visible = visible and agency_here
            b.setVisible(visible)
            self.buttons[key] = b
            actions.addWidget(b)
        if ctx.can(Perm.VOUCHER_SIGN_SECRETARY):
            self.buttons["sign"].setText(tr("书记签字…"))
        elif ctx.can(Perm.VOUCHER_SIGN_DIRECTOR):
            self.buttons["sign"].setText(tr("主任（社长）签字…"))
        self.print_button = PrintButton(
            ctx,
            lambda: [(tr("支出凭证审批单"), "voucher", self.current.row.id)] if self.current else [],
            self,
        )
        actions.addWidget(self.print_button)
        actions.addStretch(1)
        self.count_label = QLabel()
        actions.addWidget(self.count_label)
        lay.addLayout(actions)
        self.sign_reason = QLabel()  # why 签字 is off for this voucher, before any password is typed
        self.sign_reason.setWordWrap(True)
        self.sign_reason.setStyleSheet("color: #8a5a00;")
        self.sign_reason.setVisible(False)
        lay.addWidget(self.sign_reason)

        self.model: PagedTableModel[VoucherRow] = PagedTableModel(
            COLUMNS, self._fetch, self._count, sort="date", descending=True, parent=self
        )
        self.view = register_view(
            self.model, sort_column=1, descending=True
        )  # by date, newest first, as loaded
        # several rows may be selected (Ctrl/Shift) to submit imported drafts together
        self.view.setSelectionMode(self.view.SelectionMode.ExtendedSelection)
        user = ctx.user
        # 凭证号, 日期, 金额, 状态, 经手人 first: in view at 1366 px without scrolling
        arrange_columns(self.view, "vouchers", user.id if user else None,
                        widths={0: 70, 1: 86, 2: 150, 3: 130, 4: 90, 5: 104, 6: 64},
                        order=(0, 1, 4, 5, 6, 2, 3))  # fmt: skip
        self.detail = VoucherDetailView(self)
        split = QSplitter()
        split.addWidget(self.view)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        lay.addWidget(split, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.reload)
        self.search_edit.textChanged.connect(lambda _t: self._timer.start())
        for combo in (self.year_combo, self.month_combo, self.status_combo):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.view.doubleClicked.connect(lambda _i: self._default_action())
        self._fill_years()
        self._update_buttons()

    # -- data ---------------------------------------------------------------------------------------------

    def filter(self) -> VoucherFilter:
        statuses = STATUS_FILTERS[max(self.status_combo.currentIndex(), 0)][1]
        return VoucherFilter(
            village_id=self.village_id,
            year=self.year_combo.currentData(),
            month=self.month_combo.currentData() if self.year_combo.currentData() else None,
            statuses=statuses,
            text=self.search_edit.text(),
        )

    def _fetch(self, offset: int, limit: int, sort: str | None, desc: bool) -> list[VoucherRow]:
        return query.list_vouchers(
            self.ctx, self.filter(), offset=offset, limit=limit, sort=sort or "date", descending=desc
        )

    def _count(self) -> int:
        n = query.count_vouchers(self.ctx, self.filter())
        self.count_label.setText(tr("共{n}张").format(n=n))
        return n

    def _fill_years(self) -> None:
        today = self.ctx.clock.today()
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        self.year_combo.addItem(tr("全部年度"), None)
        for y in range(today.year, today.year - 6, -1):
            self.year_combo.addItem(f"{y}{tr('年')}", y)
        self.year_combo.setCurrentIndex(1)
        self.year_combo.blockSignals(False)

    def set_village(self, village_id: str | None, *, load: bool = True) -> None:
        """``load=False`` (the tab is hidden): remember the village, load when the tab is shown."""
        self.village_id = village_id
        if load:
            self.reload()

    def reload(self, *, keep: bool = False) -> None:
        selected = self.current.row.id if keep and self.current else None
        self.model.reload()
        self.current = None
        self.detail.show_empty()
        if selected:
            self.select_voucher(selected)
        self._update_buttons()

    def select_voucher(self, voucher_id: str) -> bool:
        row = self.model.find(lambda r: r.id == voucher_id)
        while row < 0 and self.model.canFetchMore():
            self.model.fetchMore()
            row = self.model.find(lambda r: r.id == voucher_id)
        if row >= 0:
            self.view.selectRow(row)
            return True
        # Not in the filtered list (e.g. a new version in another month): show it anyway.
        self._show(voucher_id)
        return False

    def _selection_changed(self, selected: QItemSelection, _old: QItemSelection) -> None:
        idx = selected.indexes()
        if idx:
            self._show(self.model.row(idx[0]).id)
        self._update_buttons()  # 提交所选草稿 follows the number of selected drafts

    def _show(self, voucher_id: str) -> None:
        self.current = voucher_detail(self.ctx, voucher_id)
        self.detail.show_detail(self.current)
        self._update_buttons()

    def _update_buttons(self) -> None:
        st = self.current.row.status if self.current else None
        enabled = {
            "new": self.village_id is not None,
            "edit": st == VoucherState.DRAFT.value,
            "submit": st in ("draft", "needs_correction", "returned"),
            "submit_selected": len(self.selected_drafts()) > 1,
            "correct": st in ("needs_correction", "returned"),
            "scan": st == VoucherState.DRAFT.value,
            "review": st is not None,
            "sign": st is not None,
            "deliver": st == "secretary_signed",
            "accept": st == "delivered",
            "return": st == "delivered",
            "void": st in ("draft", "submitted", "needs_correction", "rejected", "reviewed", "returned"),
        }
        block = ""
        sign = self.buttons["sign"]
        if self.current is not None and not sign.isHidden():
            block = flow.sign_block(self.ctx, self.current.row.id)
            enabled["sign"] = not block
            offices = flow.signing_offices(self.ctx, self.current.row.id)
            if len(offices) > 1:  # 一肩挑: one act records both offices
                sign.setText(tr("签字（") + "、".join(offices) + tr("）…"))
            elif offices:
                sign.setText(offices[0] + tr("签字…"))
        sign.setToolTip(block)
        self.sign_reason.setText(tr("暂不能签字：") + block if block else "")
        self.sign_reason.setVisible(bool(block))
        for key, b in self.buttons.items():
            b.setEnabled(enabled[key])

    # -- actions ------------------------------------------------------------------------------------------

    def _open(self, dlg: QDialog, done: Callable[[], object]) -> QDialog:
        self.dialog = dlg
        dlg.accepted.connect(done)
        dlg.open()
        return dlg

    def _after_save(self, dlg: VoucherDialog) -> None:
        self.reload()
        if dlg.saved_id:
            self.select_voucher(dlg.saved_id)
        show_warnings(self, dlg.warnings)

    def new_voucher(self) -> QDialog | None:
        if self.village_id is None:
            show_info(self, tr("请先在上方选择一个村。"))
            return None
        dlg = VoucherDialog(self.ctx, self.village_id, parent=self)
        return self._open(dlg, lambda: self._after_save(dlg))

    def edit_voucher(self) -> QDialog | None:
        if self.current is None:
            return None
        r = self.current.row
        dlg = VoucherDialog(self.ctx, r.village_id, mode="edit", voucher_id=r.id, parent=self)
        return self._open(dlg, lambda: self._after_save(dlg))

    def correct(self) -> QDialog | None:
        if self.current is None:
            return None
        r = self.current.row
        dlg = VoucherDialog(self.ctx, r.village_id, mode="correct", voucher_id=r.id, parent=self)
        return self._open(dlg, lambda: self._after_save(dlg))

    def _run(self, fn: Callable[[], object], done_text: str = "") -> bool:
        if self.current is None:
            return False
        try:
            fn()
        except QuzhouError as exc:
            show_error(self, exc)
            return False
        self.reload(keep=True)
        if done_text:
            show_info(self, done_text)
        return True

    def selected_drafts(self) -> list[str]:
        """Ids of the selected rows that are drafts (or sent back), in list order."""
        sel = self.view.selectionModel()
        if sel is None:
            return []
        rows = sorted({i.row() for i in sel.selectedRows()})
        out = []
        for r in rows:
            row = self.model.row(r)
            if row.status in ("draft", "needs_correction", "returned"):
                out.append(row.id)
        return out

    def submit_selected(self) -> str:
        """Submit every selected draft (imported vouchers arrive as drafts); reports what was refused."""
        ids = self.selected_drafts()
        if not ids:
            return ""
        result = svc.submit_vouchers(self.ctx, ids)
        self.reload()
        if result.refused:
            show_error(self, result.summary, title=tr("部分凭证未能提交"))
        else:
            show_info(self, result.summary)
        return result.summary

    def submit(self) -> bool:
        d = self.current
        return d is not None and self._run(lambda: svc.submit_voucher(self.ctx, d.row.id))

    def deliver(self) -> bool:
        d = self.current
        return d is not None and self._run(lambda: flow.deliver_voucher(self.ctx, d.row.id))

    def accept(self) -> QDialog | None:
        d = self.current
        if d is None:
            return None
        dlg = PasswordDialog(
            tr("代理记账中心受理"),
            tr("受理凭证{n}（{payee}，{amount}）。受理是您的电子签名。").format(
                n=d.row.number_text, payee=d.row.payee, amount=d.row.amount_text
            ),
            lambda pw: flow.accept_voucher(self.ctx, d.row.id, pw),
            parent=self,
        )
        return self._open(dlg, lambda: self.reload(keep=True))

    def return_(self) -> QDialog | None:
        d = self.current
        if d is None:
            return None
        dlg = SignedReasonDialog(
            tr("代理记账中心退回"), tr("请写明退回原因（报账员据此更正）。退回是您的电子签名："),
            lambda why, pw: flow.return_voucher(self.ctx, d.row.id, why, pw), parent=self,
        )  # fmt: skip
        return self._open(dlg, lambda: self.reload(keep=True))

    def void(self) -> QDialog | None:
        d = self.current
        if d is None:
            return None
        dlg = ReasonDialog(
            tr("作废凭证"), tr("请写明作废原因（凭证保留，不会删除）："),
            lambda why: svc.void_voucher(self.ctx, d.row.id, why), parent=self,
        )  # fmt: skip
        return self._open(dlg, lambda: self.reload(keep=True))

    def review(self) -> QDialog | None:
        d = self.current
        if d is None:
            return None
        progress = tuple(f"{n} {o}" for n, o, _ in flow.review_round(self.ctx, d.row.id))
        dlg = ReviewDialog(
            self.ctx, d.row, lambda op, text, pw: flow.review_voucher(self.ctx, d.row.id, op, text, pw),
            progress=progress, parent=self,
        )  # fmt: skip
        return self._open(dlg, lambda: self.reload(keep=True))

    def sign(self) -> QDialog | None:
        d = self.current
        if d is None:
            return None
        title = self.buttons["sign"].text().rstrip("…")
        reviews = "；".join(
            f"{n} {o}" + (f"（{t}）" if t else "") for n, o, t in flow.review_round(self.ctx, d.row.id)
        )
        dlg = SignDialog(
            d.row, title, reviews, lambda pw: flow.sign_voucher(self.ctx, d.row.id, pw), parent=self
        )
        return self._open(dlg, lambda: self.reload(keep=True))

    def add_scan(self) -> None:
        d = self.current
        if d is None:
            return
        dlg = QFileDialog(
            self, tr("选择发票扫描件"), "", tr("扫描件 (*.pdf *.jpg *.jpeg *.png *.bmp *.tif *.tiff)")
        )
        dlg.setFileMode(QFileDialog.FileMode.ExistingFiles)
        self.dialog = dlg

        def chosen() -> None:
            for name in dlg.selectedFiles():
                if not self._run(partial(svc.add_scan, self.ctx, d.row.id, Path(name))):
                    return

        dlg.accepted.connect(chosen)
        dlg.open()

    def _default_action(self) -> None:
        d = self.current
        if d is None:
            return
        st = d.row.status
        if st == "draft" and self.buttons["edit"].isVisible():
            self.edit_voucher()
        elif st == "submitted" and self.buttons["review"].isVisible():
            self.review()
        elif st in ("reviewed", "director_signed") and self.buttons["sign"].isVisible():
            self.sign()
