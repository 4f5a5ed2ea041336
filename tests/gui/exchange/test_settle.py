"""Fork alarms and refusals on the 数据交换 page over three real database files: the alarm names both heads, an
administrator settles it with a reason, and the package then applies; a user without the right sees no
buttons; a file that is not an enrolment file is refused in the wizard with its reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from quzhou_desktop.gui.exchange.page import ExchangePage
from quzhou_desktop.gui.shell.first_run import FirstRunWizard
from quzhou_desktop.services.exchange.status import list_forks
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.store.db import Database
from tests.services.exchange.test_rounds import full_round, reopen, set_phone
from tests.support.exchange import Sites, make_sites
from tests.support.vouchers import make_voucher_village
from tests.support.world import PASSWORD


@pytest.fixture
def sites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Sites:
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path / "data"))
    return make_sites(tmp_path)


def test_a_fork_is_shown_and_settled_by_the_administrator(qtbot: QtBot, sites: Sites, tmp_path: Path) -> None:
    xk = sites.villages["溪口村"]
    a = make_voucher_village(xk)
    full_round(sites)
    backup = tmp_path / "backup.sqlite3"
    xk.db.dispose()
    shutil.copy(xk.path, backup)
    reopen(xk)
    set_phone(xk, a.persons["主任丁"], "13900000001")
    sites.at_township(sites.report("溪口村").path)
    xk.db.dispose()
    shutil.copy(backup, xk.path)  # the village PC restored from the old backup, then used
    reopen(xk)
    set_phone(xk, a.persons["书记戊"], "13900000002")
    p3 = sites.report("溪口村").path

    page = ExchangePage(sites.township.admin)
    qtbot.addWidget(page)
    assert not page.alarm.isVisibleTo(page)
    page.import_paths([p3])
    qtbot.waitUntil(lambda: page.results_table.rowCount() == 1, timeout=20_000)
    result = page.results_table.item(0, 1)
    assert result is not None and result.text() == "历史分叉，已拒绝"
    assert page.alarm.isVisibleTo(page)
    assert "最后一致的是第" in page.alarm_text.text() and "溪口村" in page.alarm_text.text()
    first = page.peers.item(0, 0)
    assert first is not None and first.text() == "历史分叉"

    dlg = page.settle_fork()
    assert dlg is not None
    dlg.choice.theirs.setChecked(True)
    dlg.accept()
    assert "理由" in dlg.error_text() and list_forks(sites.township.admin) != []
    dlg.choice.reason.setText("村电脑硬盘损坏，已从备份恢复并补录")
    dlg.accept()
    assert "密码不正确" in dlg.error_text() and list_forks(sites.township.admin) != []  # no signature yet
    dlg.choice.password.setText(PASSWORD)
    dlg.accept()
    assert dlg.result() == 1 and list_forks(sites.township.admin) == []
    assert not page.alarm.isVisibleTo(page)
    page.import_paths([p3])
    qtbot.waitUntil(lambda: page.results_table.rowCount() == 1 and _outcome(page) != "历史分叉，已拒绝")
    assert _outcome(page) == "已导入"


def _outcome(page: ExchangePage) -> str:
    item = page.results_table.item(0, 1)
    return item.text() if item is not None else ""


def test_a_user_without_the_right_sees_no_exchange(qtbot: QtBot, sites: Sites) -> None:
    reader = sites.township.new_user("chakan", Role.READONLY)
    page = ExchangePage(reader)
    qtbot.addWidget(page)
    assert page.denied.isVisibleTo(page) and "没有数据交换的权限" in page.denied.text()
    assert not any(b.isVisibleTo(page) for b in page.buttons.values())


def test_a_village_clerk_at_the_township_cannot_enrol_or_settle(qtbot: QtBot, sites: Sites) -> None:
    clerk = sites.township.new_user("wenshu2", Role.CLERK)
    page = ExchangePage(clerk)
    qtbot.addWidget(page)
    assert page.buttons["import_files"].isVisibleTo(page)
    assert not page.buttons["enrol"].isVisibleTo(page) and not page.buttons["accept"].isVisibleTo(page)
    shown = [page.peers.item(r, 1) for r in range(page.peers.rowCount())]
    assert [i.text() for i in shown if i is not None] == ["溪口村"]  # only their own village


def test_the_wizard_refuses_a_file_that_is_not_an_enrolment(
    qtbot: QtBot, tmp_path: Path, sites: Sites
) -> None:
    ctx = AppContext(Database(tmp_path / "new-village.sqlite3", create=True))
    wiz = FirstRunWizard(ctx)
    qtbot.addWidget(wiz)
    wiz.show()
    wiz.township_page.village_radio.setChecked(True)
    assert not wiz.township_page.name_edit.isVisibleTo(wiz)
    wiz.next()
    report = sites.report("溪口村").path
    assert not wiz.join_page.load(report)
    assert "未导入" in wiz.join_page.error.text() and "登记文件" in wiz.join_page.error.text()
    wiz.next()
    assert wiz.currentPage() is wiz.join_page
    ctx.db.dispose()


def test_the_wizard_keeps_the_township_and_village_paths_apart(qtbot: QtBot, tmp_path: Path) -> None:
    ctx = AppContext(Database(tmp_path / "new.sqlite3", create=True))
    wiz = FirstRunWizard(ctx)
    qtbot.addWidget(wiz)
    wiz.show()
    assert wiz.nextId() == wiz.pageIds()[1]  # 新建乡镇数据库 by default: the villages come next
    wiz.township_page.village_radio.setChecked(True)
    assert wiz.nextId() == wiz.join_id
    wiz.township_page.township_radio.setChecked(True)
    wiz.township_page.name_edit.setText("石梁镇")
    wiz.next()
    name = wiz.villages_page.table.cellWidget(0, 0)
    assert isinstance(name, QLineEdit)
    name.setText("溪口村")
    wiz.next()
    wiz.next()  # the zero households were shown once and are confirmed
    assert wiz.currentPage() is wiz.admin_page and wiz.nextId() == wiz.pageIds()[3]  # then the recovery sheet
    admin = wiz.admin_page
    admin.form.username_edit.setText("zhenadmin")
    admin.form.name_edit.setText("镇管理员")
    admin.form.password_edit.setText(PASSWORD)
    admin.form.again_edit.setText(PASSWORD)
    wiz.next()
    assert wiz.currentPage() is wiz.recovery_page and wiz.recovery_page.panel is not None, admin.error.text()
    assert wiz.nextId() == -1  # the village's pages are not next
    ctx.db.dispose()
