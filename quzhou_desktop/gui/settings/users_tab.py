"""用户管理: list, create, edit (role, villages, enabled), reset password (administrators only), and a new
管理员恢复单 for the root administrator."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QTableWidgetItem, QVBoxLayout, QWidget

from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.printing.recovery import RootDialog
from quzhou_desktop.gui.settings.user_dialog import ResetPasswordDialog, UserDialog
from quzhou_desktop.gui.widgets.table import table
from quzhou_desktop.services.kernel import trust
from quzhou_desktop.services.kernel import users as users_svc
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import TOWNSHIP_WIDE
from quzhou_desktop.services.kernel.users import UserInfo

D = TypeVar("D", bound=QDialog)


class UsersTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.users: list[UserInfo] = []
        self.dialog: QDialog | None = None
        lay = QVBoxLayout(self)
        self.table = table(["用户名", "姓名", "角色", "可代表的村", "状态", "最近登录"])
        lay.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.new_button = QPushButton(tr("新建用户…"))
        self.edit_button = QPushButton(tr("编辑…"))
        self.reset_button = QPushButton(tr("重置密码…"))
        for b in (self.new_button, self.edit_button, self.reset_button):
            row.addWidget(b)
        row.addStretch(1)
        self.recovery_button = QPushButton(tr("重新生成管理员恢复码…"))
        self.recovery_button.setToolTip(tr("管理员恢复单丢失或恢复码已用过时，由信任根管理员重新生成"))
        self.recovery_button.clicked.connect(self.new_recovery_code)
        root = trust.root_info(ctx)
        self.recovery_button.setVisible(
            root is not None and ctx.user is not None and root.user_id == ctx.user.id
        )
        row.addWidget(self.recovery_button)
        lay.addLayout(row)
        self.new_button.clicked.connect(self.new_user)
        self.edit_button.clicked.connect(self.edit_selected)
        self.reset_button.clicked.connect(self.reset_selected)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.refresh()

    def refresh(self) -> None:
        self.users = users_svc.list_users(self.ctx)
        self.table.setRowCount(len(self.users))
        now = self.ctx.clock.now()
        for r, u in enumerate(self.users):
            if not u.active:
                state = tr("已停用")
            elif u.locked_until is not None and u.locked_until > now:
                state = tr("已锁定")
            else:
                state = tr("正常")
            villages = (
                tr("全部") if not u.village_names and u.role in TOWNSHIP_WIDE else "、".join(u.village_names)
            )
            last = u.last_login_at.strftime("%Y-%m-%d %H:%M") if u.last_login_at else ""
            for c, text in enumerate([u.username, u.display_name, u.role_label, villages, state, last]):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def selected(self) -> UserInfo | None:
        r = self.table.currentRow()
        return self.users[r] if 0 <= r < len(self.users) else None

    def _open(self, dlg: D) -> D:
        self.dialog = dlg
        dlg.accepted.connect(self.refresh)
        dlg.open()
        return dlg

    def new_recovery_code(self) -> RootDialog:
        return self._open(RootDialog(self.ctx, new_code=True, parent=self))

    def new_user(self) -> UserDialog:
        return self._open(UserDialog(self.ctx, None, self))

    def edit_selected(self) -> UserDialog | None:
        u = self.selected()
        return self._open(UserDialog(self.ctx, u, self)) if u else None

    def reset_selected(self) -> ResetPasswordDialog | None:
        u = self.selected()
        return self._open(ResetPasswordDialog(self.ctx, u, self)) if u else None
