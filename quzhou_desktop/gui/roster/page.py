"""花名册 section page: 人员名单 and 组织成员."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.roster.bodies_tab import BodiesTab
from quzhou_desktop.gui.roster.people_tab import PeopleTab
from quzhou_desktop.gui.widgets.pages import SectionPage
from quzhou_desktop.services.kernel.context import AppContext


class RosterPage(SectionPage):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.people = PeopleTab(ctx, self)
        self.bodies = BodiesTab(ctx, self)
        self.tabs.addTab(self.people, tr("人员名单"))
        self.tabs.addTab(self.bodies, tr("组织成员"))
        self.tabs.currentChanged.connect(lambda _i: self.refresh())
        lay.addWidget(self.tabs)

    def set_village(self, village_id: str | None) -> None:
        with self.ctx.snapshot():  # the people's count and first page, the bodies: one read transaction
            self.people.set_village(village_id)
            self.bodies.set_village(village_id)

    def refresh(self) -> None:
        """Called when the section is shown again: re-read what other sections may have changed."""
        if self.tabs.currentWidget() is self.bodies:
            self.bodies.refresh()
