"""Login dialog: Chinese errors from services.auth (the lock-out warning, lockout) and the forced password change."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from quzhou_desktop.gui.settings.password import ChangePasswordDialog
from quzhou_desktop.gui.shell.flow import AppFlow
from quzhou_desktop.gui.shell.login import LoginDialog
from quzhou_desktop.gui.shell.main_window import MainWindow
from quzhou_desktop.services.kernel import auth, users
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Role
from tests.support import township


@pytest.mark.parametrize(
    ("wrong_tries", "expected"),
    [
        (1, "用户名或密码不正确（连续输错5次，账号将锁定15分钟）"),
        (4, "用户名或密码不正确（连续输错5次，账号将锁定15分钟）"),
        (5, "账号已锁定，请在15分钟后再试"),
    ],
)
def test_wrong_password_messages(qtbot: QtBot, demo_ctx: AppContext, wrong_tries: int, expected: str) -> None:
    demo_ctx.user = None
    dlg = LoginDialog(demo_ctx, username=township.ADMIN)
    qtbot.addWidget(dlg)
    for _ in range(wrong_tries):
        assert not dlg.try_login(password="not-the-password")
    assert expected in dlg.error_text()
    assert dlg.ui.passwordEdit.text() == ""


def test_locked_account_refuses_even_the_right_password(qtbot: QtBot, demo_ctx: AppContext) -> None:
    demo_ctx.user = None
    dlg = LoginDialog(demo_ctx, username=township.ADMIN)
    qtbot.addWidget(dlg)
    for _ in range(5):
        dlg.try_login(password="nope-nope-nope")
    assert not dlg.try_login(password=township.ADMIN_PASSWORD)
    assert "已锁定" in dlg.error_text() and "分钟" in dlg.error_text()
    assert demo_ctx.user is None


def test_empty_fields_are_named(qtbot: QtBot, demo_ctx: AppContext) -> None:
    dlg = LoginDialog(demo_ctx)
    qtbot.addWidget(dlg)
    assert not dlg.try_login("", "")
    assert dlg.error_text() == "请输入用户名"
    assert not dlg.try_login("admin", "")
    assert dlg.error_text() == "请输入密码"


def test_must_change_password_before_main_window(qtbot: QtBot, demo_ctx: AppContext) -> None:
    # Given a clerk created by the administrator (temporary password, must change it)
    village = demo_ctx.visible_village_ids()
    assert village is None
    from quzhou_desktop.services.roster.villages import list_villages

    vid = list_villages(demo_ctx)[0].id
    users.create_user(demo_ctx, username="wenshu", display_name="方文斌", role=Role.CLERK,
                      password="Temp-pass-1", village_ids=[vid], credential=township.ADMIN_PASSWORD)  # fmt: skip
    flow = AppFlow(demo_ctx)
    flow.show_login("wenshu")
    login = flow.login
    assert isinstance(login, LoginDialog)
    qtbot.addWidget(login)
    assert login.try_login(password="Temp-pass-1")

    # Then the password dialog comes first, and refuses a mismatch and a short password
    dlg = flow.password_dialog
    assert isinstance(dlg, ChangePasswordDialog)
    qtbot.addWidget(dlg)
    assert flow.main is None
    dlg.form.fill("Temp-pass-1", "New-pass-123", "New-pass-999")
    dlg.accept()
    assert "不一致" in dlg.form.error_label.text()
    dlg.form.fill("Temp-pass-1", "short")
    dlg.accept()
    assert "至少需要8个字符" in dlg.form.error_label.text()
    dlg.form.fill("wrong-old-pass", "New-pass-123")
    dlg.accept()
    assert "原密码" in dlg.form.error_label.text()
    dlg.form.fill("Temp-pass-1", "New-pass-123")
    dlg.accept()
    assert isinstance(flow.main, MainWindow)
    qtbot.addWidget(flow.main)
    assert not auth.must_change_password(demo_ctx)
    assert "报账员/文书" in flow.main.user_label.text()
    # A clerk sees only their village, and the settings page has no user or village management
    assert flow.main.village_combo.count() == 1
    settings = flow.main.show_section("settings")
    assert "用户管理" not in settings.tab_titles()
    assert "村" not in settings.tab_titles()


def test_cancelling_forced_change_returns_to_login(qtbot: QtBot, demo_ctx: AppContext) -> None:
    from quzhou_desktop.services.roster.villages import list_villages

    users.create_user(demo_ctx, username="jianshi", display_name="吴根土", role=Role.SUPERVISOR,
                      password="Temp-pass-1", village_ids=[list_villages(demo_ctx)[0].id],
                      credential=township.ADMIN_PASSWORD)  # fmt: skip
    flow = AppFlow(demo_ctx)
    flow.show_login("jianshi")
    first = flow.login
    assert isinstance(first, LoginDialog)
    qtbot.addWidget(first)
    first.try_login(password="Temp-pass-1")
    assert isinstance(flow.password_dialog, ChangePasswordDialog)
    qtbot.addWidget(flow.password_dialog)
    flow.password_dialog.reject()
    assert flow.main is None
    assert flow.login is not first and isinstance(flow.login, LoginDialog)
    qtbot.addWidget(flow.login)
    assert demo_ctx.user is None


def test_a_forged_administrator_account_is_refused_at_the_login_screen(
    qtbot: QtBot, demo_ctx: AppContext
) -> None:
    """The attacker of issue 15 on the real file: a 乡镇管理员 row copied in with the administrator's own
    password verifier and a chained audit entry. The password opens the verifier; the login screen still
    refuses the account, because no administrator's signed act made it."""
    from tests.services.integrity import attacker

    path = demo_ctx.db.path
    assert path is not None
    demo_ctx.db.dispose()
    con = attacker.connect(path)
    admin = con.execute("SELECT * FROM user_account WHERE username = ?", (township.ADMIN,)).fetchone()
    rid = "6f1c2b9e-0000-4000-8000-00000000f00d"
    con.execute(
        "INSERT INTO user_account (id, username, display_name, role, person_id, password_hash, failed_logins, "
        "locked_until, last_login_at, password_changed_at, must_change_password, active, created_at, "
        "row_version) VALUES (?, 'mallory', '王某', 'township_admin', NULL, ?, 0, NULL, NULL, NULL, 0, 1, "
        "'2026-11-24 03:00:00.000000', 1)",
        (rid, admin["password_hash"]),
    )
    attacker.append(con, action="user.create", entity="user_account", entity_id=rid, before=None,
                    after=attacker.state(con, "user_account", rid), user=(None, township.ADMIN))  # fmt: skip
    attacker.close(con)
    demo_ctx.user = None
    dlg = LoginDialog(demo_ctx, username="mallory")
    qtbot.addWidget(dlg)
    assert not dlg.try_login(password=township.ADMIN_PASSWORD)
    assert "不能追溯到信任根" in dlg.error_text() and demo_ctx.user is None
    assert dlg.try_login(township.ADMIN, township.ADMIN_PASSWORD)  # the real administrator still logs in
