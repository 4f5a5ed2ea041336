"""设置 section page: tabs for rules, users, password, villages, backup and printing."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.printing.settings_tab import PrintSettingsTab
from quzhou_desktop.gui.settings.backup_tab import BackupTab
from quzhou_desktop.gui.settings.password import PasswordTab
from quzhou_desktop.gui.settings.rules_tab import RulesTab
from quzhou_desktop.gui.settings.users_tab import UsersTab
from quzhou_desktop.gui.settings.villages_tab import VillagesTab
from quzhou_desktop.gui.widgets.pages import SectionPage
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm


class SettingsPage(SectionPage):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        lay.addWidget(self.tabs)
        self.rules = RulesTab(ctx, self)
        self.tabs.addTab(self.rules, tr("规则设置"))
        self.users: UsersTab | None = None
        if ctx.can(Perm.USERS_MANAGE):
            self.users = UsersTab(ctx, self)
            self.tabs.addTab(self.users, tr("用户管理"))
        self.password = PasswordTab(ctx, self)
        self.tabs.addTab(self.password, tr("修改密码"))
        self.villages: VillagesTab | None = None
        if ctx.can(Perm.VILLAGE_MANAGE):
            self.villages = VillagesTab(ctx, self)
            self.villages.villagesChanged.connect(self.villagesChanged.emit)
            self.tabs.addTab(self.villages, tr("村"))
        self.backup = BackupTab(ctx, self)
        self.backup.reopenRequested.connect(self.reopenRequested.emit)
        self.tabs.addTab(self.backup, tr("备份与恢复"))
        self.printing = PrintSettingsTab(ctx, self)
        self.tabs.addTab(self.printing, tr("打印"))

    def set_village(self, village_id: str | None) -> None:
        """No settings tab follows the village selector."""

    def tab_titles(self) -> list[str]:
        return [self.tabs.tabText(i) for i in range(self.tabs.count())]
