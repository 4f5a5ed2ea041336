"""合同台账: the village's contracts (lazy, filtered and sorted in SQL) and the selected one in full; new, edit,
receive or pay against a schedule line, terminate, make its 合同公开 and print it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelection, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.core.contracts import ContractKind
from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.gui.contracts.contract_dialog import ContractDialog
from quzhou_desktop.gui.contracts.detail import ContractDetailView
from quzhou_desktop.gui.contracts.payment_dialog import PaymentDialog
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.messages import show_error, show_info, show_warnings
from quzhou_desktop.gui.printing.menu import PrintButton
from quzhou_desktop.gui.widgets.dates import date_edit, pydate
from quzhou_desktop.gui.widgets.dialogs import ServiceDialog, button_box
from quzhou_desktop.gui.widgets.paged_model import CENTER, RIGHT, Column, PagedTableModel
from quzhou_desktop.gui.widgets.register_view import register_view
from quzhou_desktop.services.contracts import contract as svc
from quzhou_desktop.services.contracts import query
from quzhou_desktop.services.contracts.query import ContractDetail, ContractFilter, ContractRow
from quzhou_desktop.services.disclosures.from_records import create_from_contract
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm

SEARCH_DELAY_MS = 300

COLUMNS: list[Column[ContractRow]] = [
    Column("合同编号", lambda r: r.number, sort="number"),
    Column("合同名称", lambda r: r.title, sort="title", tooltip=lambda r: r.title),
    Column("类型", lambda r: r.kind_label, sort="kind"),
    Column("乙方", lambda r: r.parties, tooltip=lambda r: r.parties),
    Column("金额", lambda r: r.amount_text, sort="amount", align=RIGHT),
    Column("到期", lambda r: r.end_date, sort="end", align=CENTER, tooltip=lambda r: r.term_text),
    Column("状态", lambda r: r.status_label, sort="status"),
    Column("已收付", lambda r: r.settled_text, align=RIGHT),
]

STATUS_FILTERS = [("全部合同", ""), ("履行中", "active"), ("即将到期", "expiring"), ("已到期", "expired"),
                  ("已终止", "terminated"), ("缺少决议", "no_decision")]  # fmt: skip


class TerminateDialog(ServiceDialog):
    def __init__(self, ctx: AppContext, row: ContractRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.row = ctx, row
        self.done_text: list[str] = []
        self.setWindowTitle(tr("终止合同") + f" — {row.title}")
        lay = QVBoxLayout(self)
        text = QLabel(tr("提前终止后，终止日以后尚未收付的各期款项不再计收付；合同和已收付的记录都保留。"))
        text.setWordWrap(True)
        lay.addWidget(text)
        self.date = date_edit(ctx.clock.today())
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(tr("如：承租人申请提前退租，经两委会研究同意"))
        row_ = QHBoxLayout()
        row_.addWidget(QLabel(tr("终止日期：")))
        row_.addWidget(self.date)
        row_.addStretch(1)
        lay.addLayout(row_)
        lay.addWidget(QLabel(tr("终止原因：")))
        lay.addWidget(self.reason)
        lay.addWidget(self.error)
        lay.addWidget(button_box("终止合同", dialog=self))
        self.field_widgets = {"终止原因": self.reason, "终止日期": self.date}
        self.setMinimumWidth(460)

    def save(self) -> None:
        self.done_text = svc.terminate_contract(self.ctx, self.row.id, on=pydate(self.date.date()),
                                                reason=self.reason.text())  # fmt: skip


class ContractsTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.village_id: str | None = None
        self.current: ContractDetail | None = None
        self.dialog: QDialog | None = None
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(tr("查找：合同编号、名称、乙方、标的"))
        self.search_edit.setClearButtonEnabled(True)
        self.kind_combo = QComboBox()
        self.kind_combo.addItem(tr("全部类型"), "")
        for k in ContractKind:
            self.kind_combo.addItem(tr(k.label), k.value)
        self.status_combo = QComboBox()
        for label, key in STATUS_FILTERS:
            self.status_combo.addItem(tr(label), key)
        bar.addWidget(self.search_edit, 2)
        bar.addWidget(self.kind_combo)
        bar.addWidget(self.status_combo)
        lay.addLayout(bar)

        actions = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        specs: list[tuple[str, str, Perm, Callable[[], object]]] = [
            ("new", "新建合同…", Perm.CONTRACT_EDIT, self.new_contract),
            ("edit", "修改…", Perm.CONTRACT_EDIT, self.edit_contract),
            ("pay", "登记收付款…", Perm.CONTRACT_EDIT, self.record_payment),
            ("terminate", "终止合同…", Perm.CONTRACT_EDIT, self.terminate),
            ("disclose", "生成合同公开", Perm.DISCLOSURE_EDIT, self.disclose),
        ]
        for key, text, perm, slot in specs:
            b = QPushButton(tr(text))
            b.clicked.connect(lambda _c=False, f=slot: f())
            b.setVisible(ctx.can(perm))
            self.buttons[key] = b
            actions.addWidget(b)
        self.print_button = PrintButton(ctx, self.notice_entries, self)
        actions.addWidget(self.print_button)
        actions.addStretch(1)
        self.count_label = QLabel()
        actions.addWidget(self.count_label)
        lay.addLayout(actions)

        self.model: PagedTableModel[ContractRow] = PagedTableModel(
            COLUMNS, self._fetch, self._count, sort="end", parent=self
        )
        self.view = register_view(self.model, sort_column=5)
        for col, width in enumerate((100, 140, 64, 90, 96, 84, 52)):
            self.view.setColumnWidth(col, width)
        self.detail = ContractDetailView(self)
        split = QSplitter()
        split.addWidget(self.view)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([760, 480])
        lay.addWidget(split, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.reload)
        self.search_edit.textChanged.connect(lambda _t: self._timer.start())
        for combo in (self.kind_combo, self.status_combo):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.view.doubleClicked.connect(lambda _i: self.edit_contract())
        self._update_buttons()

    # -- data ---------------------------------------------------------------------------------------------

    def filter(self) -> ContractFilter:
        return ContractFilter(
            village_id=self.village_id,
            kind=str(self.kind_combo.currentData() or ""),
            status=str(self.status_combo.currentData() or ""),
            text=self.search_edit.text(),
        )

    def _fetch(self, offset: int, limit: int, sort: str | None, desc: bool) -> list[ContractRow]:
        return query.list_contracts(self.ctx, self.filter(), offset=offset, limit=limit, sort=sort or "end",
                                    descending=desc)  # fmt: skip

    def _count(self) -> int:
        n = query.count_contracts(self.ctx, self.filter())
        self.count_label.setText(tr("共{n}份").format(n=n))
        return n

    def set_village(self, village_id: str | None, *, load: bool = True) -> None:
        self.village_id = village_id
        if load:
            self.reload()

    def set_status(self, key: str) -> None:
        self.status_combo.setCurrentIndex(max(self.status_combo.findData(key), 0))

    def reload(self, *, keep: bool = False) -> None:
        selected = self.current.row.id if keep and self.current else None
        if self.village_id is None:
            self.model.clear()
        else:
            self.model.reload()
        self.current = None
        self.detail.show_empty()
        if selected:
            self.select_contract(selected)
        self._update_buttons()

    def select_contract(self, contract_id: str) -> None:
        row = self.model.find(lambda r: r.id == contract_id)
        while row < 0 and self.model.canFetchMore():
            self.model.fetchMore()
            row = self.model.find(lambda r: r.id == contract_id)
        if row >= 0:
            self.view.selectRow(row)
        else:
            self._show(contract_id)

    def _selection_changed(self, selected: QItemSelection, _old: QItemSelection) -> None:
        idx = selected.indexes()
        if idx:
            self._show(self.model.row(idx[0]).id)

    def _show(self, contract_id: str) -> None:
        self.current = query.contract_detail(self.ctx, contract_id)
        self.detail.show_detail(self.current)
        self._update_buttons()

    def _update_buttons(self) -> None:
        live = self.current is not None and self.current.row.status != "terminated"
        enabled = {
            "new": self.village_id is not None,
            "edit": live,
            "pay": self.current is not None and bool(self.current.lines),
            "terminate": live,
            "disclose": self.current is not None,
        }
        for key, b in self.buttons.items():
            b.setEnabled(enabled[key])

    def notice_entries(self) -> list[tuple[str, str, str | None]]:
        if self.current is None:
            return []
        did = self.current.disclosure_id
        label = tr("合同公开") if did else tr("合同公开（请先生成合同公开）")
        return [(label, "contract", did)]

    # -- actions ------------------------------------------------------------------------------------------

    def _open(self, dlg: QDialog, done: Callable[[], object]) -> QDialog:
        self.dialog = dlg
        dlg.accepted.connect(done)
        dlg.open()
        return dlg

    def _after_save(self, dlg: ContractDialog) -> None:
        self.reload()
        if dlg.saved_id:
            self.select_contract(dlg.saved_id)
        shown = [(tr("错误：") if f.is_error else "") + f.shown for f in dlg.findings]
        show_warnings(self, shown)

    def new_contract(self) -> QDialog | None:
        if self.village_id is None:
            show_info(self, tr("请先在上方选择一个村。"))
            return None
        dlg = ContractDialog(self.ctx, self.village_id, parent=self)
        return self._open(dlg, lambda: self._after_save(dlg))

    def edit_contract(self) -> QDialog | None:
        if self.current is None or self.current.row.status == "terminated":
            return None
        r = self.current.row
        dlg = ContractDialog(self.ctx, r.village_id, r.id, parent=self)
        return self._open(dlg, lambda: self._after_save(dlg))

    def record_payment(self) -> QDialog | None:
        if self.current is None:
            return None
        line = self.detail.selected_line()
        if line is None:
            show_info(self, tr("这份合同的各期款项都已收付清。"))
            return None
        dlg = PaymentDialog(self.ctx, line, self.current.row.title, parent=self)
        return self._open(dlg, lambda: self.reload(keep=True))

    def terminate(self) -> QDialog | None:
        if self.current is None:
            return None
        dlg = TerminateDialog(self.ctx, self.current.row, parent=self)

        def done() -> None:
            self.reload(keep=True)
            if dlg.done_text:
                show_info(self, tr("合同已终止。") + "\n" + "\n".join(dlg.done_text))

        return self._open(dlg, done)

    def disclose(self) -> str | None:
        if self.current is None:
            return None
        try:
            did = create_from_contract(self.ctx, self.current.row.id)
        except QuzhouError as exc:
            show_error(self, exc)
            return None
        self.reload(keep=True)
        show_info(
            self, tr("已生成合同公开（村务公开），请到“三务公开”中请村务监督委员会审核后公开，并可在此打印。")
        )
        return did
