"""村务监督 section: 支出凭证 (先审后签), 月度工作例会 and 监督台账 as three tabs."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.vouchers.ledger_tab import LedgerTab
from quzhou_desktop.gui.vouchers.list_tab import VoucherListTab
from quzhou_desktop.gui.vouchers.monthly_tab import MonthlyTab
from quzhou_desktop.gui.widgets.pages import SectionPage
from quzhou_desktop.services.kernel.context import AppContext


class VouchersPage(SectionPage):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.village_id: str | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.list_tab = VoucherListTab(ctx, self)
        self.monthly_tab = MonthlyTab(ctx, self)
        self.ledger_tab = LedgerTab(ctx, self)
        self.tabs.addTab(self.list_tab, tr("支出凭证（先审后签）"))
        self.tabs.addTab(self.monthly_tab, tr("月度工作例会"))
        self.tabs.addTab(self.ledger_tab, tr("监督台账"))
        lay.addWidget(self.tabs)
        self.tabs.currentChanged.connect(lambda _i: self.refresh())

    def set_village(self, village_id: str | None) -> None:
        """Only the visible tab queries now; the others load when shown (``refresh`` on tab change)."""
        self.village_id = village_id
        current = self.tabs.currentWidget()
        with self.ctx.snapshot():  # one read transaction for what the tab shows
            self.list_tab.set_village(village_id, load=current is self.list_tab)
            self.monthly_tab.set_village(village_id, load=current is self.monthly_tab)
            self.ledger_tab.set_village(village_id, load=current is self.ledger_tab)

    def refresh(self) -> None:
        w = self.tabs.currentWidget()
        if w is self.list_tab:
            self.list_tab.reload(keep=True)
        elif w is self.monthly_tab:
            self.monthly_tab.reload()
        else:
            self.ledger_tab.reload()

    def open_voucher(self, voucher_id: str) -> None:
        """Show one voucher (from a 工作台 queue)."""
        self.tabs.setCurrentWidget(self.list_tab)
        self.list_tab.select_voucher(voucher_id)

    def open_month(self, year: int, month: int) -> None:
        self.tabs.setCurrentWidget(self.monthly_tab)
        self.monthly_tab.set_month(year, month)
