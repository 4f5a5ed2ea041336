"""合同与资产 section: 合同台账 and 资产资源台账 as two tabs."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from quzhou_desktop.gui.contracts.assets_tab import AssetsTab
from quzhou_desktop.gui.contracts.contracts_tab import ContractsTab
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.pages import SectionPage
from quzhou_desktop.services.kernel.context import AppContext


class ContractsPage(SectionPage):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.village_id: str | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.contracts = ContractsTab(ctx, self)
        self.assets = AssetsTab(ctx, self)
        self.tabs.addTab(self.contracts, tr("合同台账"))
        self.tabs.addTab(self.assets, tr("资产资源台账"))
        lay.addWidget(self.tabs)
        self.tabs.currentChanged.connect(lambda _i: self.refresh())

    def set_village(self, village_id: str | None) -> None:
        """Only the visible tab queries now; the other loads when shown."""
        self.village_id = village_id
        current = self.tabs.currentWidget()
        self.contracts.set_village(village_id, load=current is self.contracts)
        self.assets.set_village(village_id, load=current is self.assets)

    def refresh(self) -> None:
        if self.tabs.currentWidget() is self.contracts:
            self.contracts.reload(keep=True)
        else:
            self.assets.reload()

    def open_contract(self, contract_id: str) -> None:
        """Show one contract (from a 工作台 reminder)."""
        self.tabs.setCurrentWidget(self.contracts)
        self.contracts.set_status("")
        self.contracts.select_contract(contract_id)

    def open_assets_without_contract(self) -> None:
        self.tabs.setCurrentWidget(self.assets)
        self.assets.set_status("no_contract")
