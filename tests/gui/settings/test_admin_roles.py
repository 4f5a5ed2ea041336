"""A site's first administrator reads as that site's: 乡镇管理员 on a township PC, 村管理员 on a village's own PC
(作为村安装 from the township's enrolment file, or ``init`` with one village), with the same powers over that PC."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from quzhou_desktop.cli import main
from quzhou_desktop.gui.settings.page import SettingsPage
from quzhou_desktop.gui.settings.user_dialog import UserDialog
from quzhou_desktop.gui.settings.users_tab import UsersTab
from quzhou_desktop.gui.shell.first_run import FirstRunWizard
from quzhou_desktop.services.kernel import auth
from quzhou_desktop.services.kernel import users as users_svc
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm, Role
from quzhou_desktop.store.db import Database
from tests.support.exchange import join, problems
from tests.support.world import PASSWORD, World, make_world


@pytest.fixture
def township(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path / "data"))
    world = make_world(tmp_path / "township.sqlite3")
    yield world
    world.db.dispose()


def row_of(tab: UsersTab, username: str) -> list[str]:
    t = tab.table
    rows = [[t.item(r, c) for c in range(t.columnCount())] for r in range(t.rowCount())]
    [row] = [
        [i.text() if i is not None else "" for i in cells]
        for cells in rows
        if cells[0] and cells[0].text() == username
    ]
    return row


def roles_offered(dlg: UserDialog) -> list[str]:
    return [dlg.role_combo.itemText(i) for i in range(dlg.role_combo.count())]


def test_a_joined_village_pcs_administrator_is_the_villages(
    qtbot: QtBot, township: World, tmp_path: Path
) -> None:
    folder = tmp_path / "usb"
    folder.mkdir()
    village = join(township, township.village_ids[0], folder, tmp_path / "village.sqlite3")
    try:
        assert village.admin.user is not None and village.admin.user.role is Role.VILLAGE_ADMIN
        # the village PC is the administrator's to run: accounts, settings, packages and their conflicts
        for perm in (Perm.USERS_MANAGE, Perm.SETTINGS_EDIT, Perm.VILLAGE_MANAGE, Perm.BACKUP, Perm.EXCHANGE):
            assert village.admin.can(perm), perm
        page = SettingsPage(village.admin)
        qtbot.addWidget(page)
        assert "用户管理" in page.tab_titles()
        assert page.users is not None
        assert row_of(page.users, "cunadmin")[2:4] == ["村管理员", "全部"]
        dlg = UserDialog(village.admin, None, page)
        qtbot.addWidget(dlg)
        assert "村管理员" in roles_offered(dlg) and "乡镇管理员" not in roles_offered(dlg)
        # the account it creates is signed by the village's root of trust and verifies
        users_svc.create_user(
            village.admin,
            username="wenshu2",
            display_name="文书",
            role=Role.CLERK,
            password="Temp-2026-x",
            village_ids=village.village_ids,
            credential=PASSWORD,
        )
        assert problems(village) == []
        # the township's administrator still reads as the township's
        tab = UsersTab(township.admin)
        qtbot.addWidget(tab)
        assert row_of(tab, "admin")[2] == "乡镇管理员"
        dlg = UserDialog(township.admin, None, tab)
        qtbot.addWidget(dlg)
        assert "乡镇管理员" in roles_offered(dlg) and "村管理员" not in roles_offered(dlg)
    finally:
        village.db.dispose()


@pytest.mark.parametrize(
    ("villages", "kind", "label"),
    [
        ("余东村", [], "村管理员"),
        ("余东村,后溪村", [], "乡镇管理员"),
        ("余东村", ["--site-kind", "township"], "乡镇管理员"),
    ],
    ids=["one-village", "two-villages", "one-village-as-township"],
)
def test_init_gives_the_sites_administrator(
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    villages: str,
    kind: list[str],
    label: str,
) -> None:
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("QUZHOU_PASSWORD", PASSWORD)
    db_path = tmp_path / "q.sqlite3"
    args = ["init", "--db", str(db_path), "--township", "石梁镇", "--villages", villages, "--admin", "admin"]
    assert main([*args, *kind]) == 0
    db = Database(db_path)
    try:
        ctx = AppContext(db)
        auth.login(ctx, "admin", PASSWORD)
        tab = UsersTab(ctx)
        qtbot.addWidget(tab)
        assert row_of(tab, "admin")[2:4] == [label, "全部"]
    finally:
        db.dispose()


def test_the_wizard_names_the_administrator_it_makes(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one village the first-run wizard sets up a village's own PC: its administrator is a 村管理员."""
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path / "data"))
    db = Database(tmp_path / "q.sqlite3", create=True)
    ctx = AppContext(db)
    wiz = FirstRunWizard(ctx)
    qtbot.addWidget(wiz)
    wiz.show()
    wiz.township_page.name_edit.setText("石梁镇")
    wiz.next()
    wiz.villages_page.table.removeRow(0)
    wiz.villages_page.add_row("余东村", "", 412, 1130, False)
    wiz.next()
    a = wiz.admin_page
    assert wiz.currentPage() is a and "（村管理员）" in a.subTitle()
    a.form.username_edit.setText("admin")
    a.form.name_edit.setText("徐丽华")
    a.form.password_edit.setText(PASSWORD)
    a.form.again_edit.setText(PASSWORD)
    wiz.accept()
    assert wiz.currentPage() is wiz.recovery_page and wiz.admin_username == "admin"
    try:
        auth.login(ctx, "admin", PASSWORD)
        assert ctx.user is not None and ctx.user.role_label == "村管理员"
    finally:
        db.dispose()
