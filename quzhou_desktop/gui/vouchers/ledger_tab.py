"""监督台账: every 村监会 review and every objection (需补正, 不同意, 代理中心退回), per village and month."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.paged_model import CENTER, RIGHT, Column, PagedTableModel
from quzhou_desktop.gui.widgets.register_view import register_view
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.vouchers.common import OPINION_LABELS, local_time
from quzhou_desktop.services.vouchers.queues import LedgerFilter, LedgerPages, LedgerRow

COLUMNS: list[Column[LedgerRow]] = [
    Column("村", lambda r: r.village_name),
    Column("月份", lambda r: r.month_text, sort="date", align=CENTER),
    Column("凭证号", lambda r: r.number_text),
    Column("用途", lambda r: r.purpose, tooltip=lambda r: r.purpose),
    Column("金额", lambda r: r.amount_text, sort="amount", align=RIGHT),
    Column("审核结果", lambda r: r.opinion_label, align=CENTER),
    Column("意见内容", lambda r: r.text or "", tooltip=lambda r: r.text or ""),
    Column("审核人", lambda r: f"{r.actor_name or ''}（{r.actor_role or ''}）"),
    Column("时间", lambda r: local_time(r.at), sort="at", align=CENTER),
    Column("凭证现状", lambda r: r.status_label),
]
KINDS = [
    ("全部记录", ""),
    ("只看异议（需补正、不同意、退回）", "objections"),
    *((label, opinion) for opinion, label in OPINION_LABELS.items()),
]


class LedgerTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.village_id: str | None = None
        # this table's reader of the 监督台账: it keeps the first page it counted for the fetch that follows
        self.pages = LedgerPages(ctx)
        # the count of the current filter: a header sort re-pages without re-counting (reload() re-counts)
        self._counted: tuple[LedgerFilter, int] | None = None
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(tr("查找：凭证号、用途、审核人、意见"))
        self.search_edit.setClearButtonEnabled(True)
        self.year_combo = QComboBox()
        self.year_combo.addItem(tr("全部年度"), None)
        today = ctx.clock.today()
        for y in range(today.year, today.year - 6, -1):
            self.year_combo.addItem(f"{y}{tr('年')}", y)
        self.month_combo = QComboBox()
        self.month_combo.addItem(tr("全年"), None)
        for m in range(1, 13):
            self.month_combo.addItem(f"{m}{tr('月')}", m)
        self.kind_combo = QComboBox()
        for label, key in KINDS:
            self.kind_combo.addItem(tr(label), key)
        self.count_label = QLabel()
        bar.addWidget(self.search_edit, 2)
        for w in (self.year_combo, self.month_combo, self.kind_combo, self.count_label):
            bar.addWidget(w)
        lay.addLayout(bar)
        self.model: PagedTableModel[LedgerRow] = PagedTableModel(
            COLUMNS, self._fetch, self._count, sort="at", descending=True, parent=self
        )
        self.view = register_view(self.model, sort_column=8, descending=True)  # newest first, as loaded
        for col, width in enumerate((70, 90, 90, 160, 90, 110, 200, 150, 130)):
            self.view.setColumnWidth(col, width)
        lay.addWidget(self.view, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(self.reload)
        self.search_edit.textChanged.connect(lambda _t: self._timer.start())
        for combo in (self.year_combo, self.month_combo, self.kind_combo):
            combo.currentIndexChanged.connect(lambda _i: self.reload())

    def filter(self) -> LedgerFilter:
        year = self.year_combo.currentData()
        return LedgerFilter(
            village_id=self.village_id,
            year=year,
            month=self.month_combo.currentData() if year else None,
            kind=str(self.kind_combo.currentData() or ""),
            text=self.search_edit.text(),
        )

    def _fetch(self, offset: int, limit: int, sort: str | None, desc: bool) -> list[LedgerRow]:
        return self.pages.rows(self.filter(), offset=offset, limit=limit, sort=sort or "at", descending=desc)

    def _count(self) -> int:
        flt = self.filter()
        if self._counted is not None and self._counted[0] == flt:
            return self._counted[1]
        n = self.pages.count(flt, sort=self.model.sort_key or "at", descending=self.model.descending)
        self._counted = (flt, n)
        self.count_label.setText(tr("共{n}条").format(n=n))
        return n

    def set_village(self, village_id: str | None, *, load: bool = True) -> None:
        """``load=False`` (the tab is hidden): remember the village, load when the tab is shown."""
        self.village_id = village_id
        if load:
            self.reload()
        else:
            self._counted = None
            self.model.clear()

    def reload(self) -> None:
        self._counted = None
        self.model.reload()
