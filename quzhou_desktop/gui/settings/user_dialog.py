"""Create or edit a user account (role, villages), and reset a password (administrators only). Each is the
administrator's signed act: the administrator's own password is asked for ("您的密码（签名）")."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.admin_form import password_pair
from quzhou_desktop.gui.widgets.dialogs import ServiceDialog, button_box, password_edit
from quzhou_desktop.services.kernel import auth
from quzhou_desktop.services.kernel import users as users_svc
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import ROLE_LABELS, Role, admin_role
from quzhou_desktop.services.kernel.site import read_site
from quzhou_desktop.services.kernel.users import UserInfo
from quzhou_desktop.services.roster import villages as villages_svc


class UserDialog(ServiceDialog):
    def __init__(self, ctx: AppContext, user: UserInfo | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.user = ctx, user
        self.setWindowTitle(tr("编辑用户") if user else tr("新建用户"))
        form = QFormLayout(self)
        self.username_edit = QLineEdit(user.username if user else "")
        self.username_edit.setReadOnly(user is not None)
        self.name_edit = QLineEdit(user.display_name if user else "")
        self.role_combo = QComboBox()
        offered = users_svc.roles_offered(ctx)
        if user is not None and user.role not in offered:
            offered.append(user.role)  # an account made before: its role stays shown
        for role in offered:
            self.role_combo.addItem(ROLE_LABELS[role], role.value)
        if user:
            self.role_combo.setCurrentIndex(self.role_combo.findData(user.role.value))
        self.villages_list = QListWidget()
        self.villages_list.setMaximumHeight(150)
        chosen = set(user.village_ids) if user else set()
        for v in villages_svc.list_villages(ctx):
            item = QListWidgetItem(v.label)
            item.setData(Qt.ItemDataRole.UserRole, v.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if v.id in chosen else Qt.CheckState.Unchecked)
            self.villages_list.addItem(item)
        form.addRow(tr("用户名："), self.username_edit)
        form.addRow(tr("姓名："), self.name_edit)
        form.addRow(tr("角色："), self.role_combo)
        form.addRow(tr("可代表的村："), self.villages_list)
        site = read_site(ctx.db)
        admin = admin_role(site.kind if site is not None else "township").label
        hint = QLabel(
            tr("管理员和区县查看可查看各乡镇所有村的记录，都不能修改。")
            if ctx.county
            else tr("{admin}可查看所有村；其他角色只能处理勾选的村。").format(admin=admin)
        )
        hint.setWordWrap(True)
        form.addRow(hint)
        self.password_edit, self.again_edit = password_pair()
        self.active_check = QCheckBox(tr("账号可用"))
        if user is None:
            form.addRow(tr("初始密码："), self.password_edit)
            form.addRow(tr("再输一次："), self.again_edit)
            form.addRow(QLabel(tr("用户第一次登录时须修改初始密码。")))
        else:
            self.active_check.setChecked(user.active)
            form.addRow(self.active_check)
        self.sign_edit = password_edit("您（管理员）的登录密码，作为电子签名")
        form.addRow(tr("您的密码（签名）："), self.sign_edit)
        form.addRow(self.error)
        buttons = button_box("签名保存", dialog=self)
        form.addRow(buttons)
        self.field_widgets = {
            "用户名": self.username_edit,
            "姓名": self.name_edit,
            "角色": self.role_combo,
            "所属村": self.villages_list,
            "密码": self.password_edit,
            "登录密码": self.sign_edit,
        }
        self.setMinimumWidth(440)

    def set_villages(self, village_ids: set[str]) -> None:
        for i in range(self.villages_list.count()):
            item = self.villages_list.item(i)
            on = item.data(Qt.ItemDataRole.UserRole) in village_ids
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def village_ids(self) -> list[str]:
        out = []
        for i in range(self.villages_list.count()):
            item = self.villages_list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(Qt.ItemDataRole.UserRole))
        return out

    def save(self) -> None:
        role = Role(self.role_combo.currentData())
        if self.user is None:
            if self.password_edit.text() != self.again_edit.text():
                raise ValidationError(field="密码", reason="两次输入的密码不一致")
            users_svc.create_user(
                self.ctx, username=self.username_edit.text(), display_name=self.name_edit.text(), role=role,
                password=self.password_edit.text(), village_ids=self.village_ids(), credential=self.sign_edit.text(),
            )  # fmt: skip
        else:
            users_svc.update_user(
                self.ctx, self.user.id, display_name=self.name_edit.text(), role=role,
                village_ids=self.village_ids(), person_id=self.user.person_id, active=self.active_check.isChecked(),
                credential=self.sign_edit.text(),
            )  # fmt: skip


class ResetPasswordDialog(ServiceDialog):
    def __init__(self, ctx: AppContext, user: UserInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.user = ctx, user
        self.setWindowTitle(tr("重置密码") + f" — {user.display_name}")
        form = QFormLayout(self)
        self.password_edit, self.again_edit = password_pair()
        note = QLabel(
            tr(
                "设置一个临时密码告诉用户，用户下次登录时须改成自己的密码。账号如被锁定会同时解锁。"
                "用户会得到新的签名密钥（原密钥停用，以前的签名仍然有效）。"
            )
        )
        note.setWordWrap(True)
        form.addRow(note)
        form.addRow(tr("临时密码："), self.password_edit)
        form.addRow(tr("再输一次："), self.again_edit)
        self.sign_edit = password_edit("您（管理员）的登录密码，作为电子签名")
        form.addRow(tr("您的密码（签名）："), self.sign_edit)
        form.addRow(self.error)
        buttons = button_box("重置密码", dialog=self)
        form.addRow(buttons)
        self.field_widgets = {"密码": self.password_edit, "登录密码": self.sign_edit}
        self.setMinimumWidth(420)

    def save(self) -> None:
        if self.password_edit.text() != self.again_edit.text():
            raise ValidationError(field="密码", reason="两次输入的密码不一致")
        auth.reset_password(
            self.ctx, self.user.id, self.password_edit.text(), credential=self.sign_edit.text()
        )
