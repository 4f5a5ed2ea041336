"""三务公开 section: 公开台账, 应公开提醒 (cadence, township view) and 公开目录."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from quzhou_desktop.gui.disclosures.cadence_tab import CadenceTab
from quzhou_desktop.gui.disclosures.catalogue_tab import CatalogueTab
from quzhou_desktop.gui.disclosures.register_tab import RegisterTab
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.messages import attempt
from quzhou_desktop.gui.widgets.pages import SectionPage
from quzhou_desktop.services.disclosures.catalogue import ensure_default_catalogue
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm


class DisclosuresPage(SectionPage):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        if ctx.can(Perm.DISCLOSURE_EDIT) or ctx.can(Perm.SETTINGS_EDIT):
            attempt(self, lambda: ensure_default_catalogue(ctx))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.register = RegisterTab(ctx, self)
        self.cadence = CadenceTab(ctx, self)
        self.catalogue = CatalogueTab(ctx, self)
        self.tabs.addTab(self.register, tr("公开台账"))
        self.tabs.addTab(self.cadence, tr("应公开提醒"))
        self.tabs.addTab(self.catalogue, tr("公开目录"))
        self.tabs.currentChanged.connect(lambda _i: self.refresh())
        lay.addWidget(self.tabs)

    def set_village(self, village_id: str | None) -> None:
        with self.ctx.snapshot():  # one read transaction for what the tab shows (the others load when shown)
            self.register.village_id = village_id
            self.cadence.village_id = village_id
            self.catalogue.village_id = village_id
            self.refresh()

    def refresh(self) -> None:
        current = self.tabs.currentWidget()
        if current is self.register:
            self.register.reload()
        elif current is self.cadence:
            attempt(self, self.cadence.refresh)
        else:
            self.catalogue.refresh()
