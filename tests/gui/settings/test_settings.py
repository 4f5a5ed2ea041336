"""设置: the generated rules form (the rules each setting changes, with their sources; refusals next to the
field), users, villages, backup/verify."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QLabel, QLineEdit, QSpinBox
from pytestqt.qtbot import QtBot

from quzhou_desktop.core.rules import rules_for_setting
from quzhou_desktop.core.rules_config import FIELDS
from quzhou_desktop.gui.printing.settings_tab import PrintSettingsTab
from quzhou_desktop.gui.settings.page import SettingsPage
from quzhou_desktop.gui.settings.rules_tab import RulesTab
from quzhou_desktop.gui.shell.main_window import MainWindow
from quzhou_desktop.services.kernel import auth, settings, users
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.services.roster.villages import list_villages
from tests.support import township as demo_data


def test_rules_form_has_every_field_with_its_rules_and_their_sources(
    qtbot: QtBot, demo_ctx: AppContext
) -> None:
    tab = RulesTab(demo_ctx)
    qtbot.addWidget(tab)
    assert list(tab.editors) == [f.key for f in FIELDS]
    texts = [w.text() for w in tab.findChildren(QLabel)]
    for spec in FIELDS:
        tip = tab.editors[spec.key].widget.toolTip()
        assert spec.help in tip
        for r in rules_for_setting(spec.key):
            assert r.statement in tip
            assert any(r.title in t and r.source in t for t in texts), (spec.key, r.id)
    # C4: the law's article, not an internal code, under the 代表会议 setting
    assert any("村民代表会议表决（依据《中华人民共和国村民委员会组织法》第二十六条）" in t for t in texts)
    # C16: local practice is said to be local practice
    assert any("支出数额档次（依据浙江省有关地方规定" in t for t in texts)
    seen = texts + [e.widget.toolTip() for e in tab.editors.values()]
    assert not [t for t in seen if re.search(r"\b[CS]\d{1,2}\b", t) or "DOMAIN" in t]
    spin = tab.editors["plan_posting_days"].widget
    assert isinstance(spin, QSpinBox) and spin.suffix() == " 天" and spin.value() == 15


def test_rules_form_saves_a_good_value(qtbot: QtBot, demo_ctx: AppContext) -> None:
    tab = RulesTab(demo_ctx)
    qtbot.addWidget(tab)
    spin = tab.editors["plan_posting_days"].widget
    assert isinstance(spin, QSpinBox)
    spin.setValue(7)
    money = tab.editors["spending_t1_fen"].widget
    assert isinstance(money, QLineEdit)
    money.setText("¥8,000.50")
    tab.password.setText("wrong-password")
    assert not tab.save()  # a settings change is the administrator's signed act
    assert "密码不正确" in tab.status.text()
    assert settings.get_rules(demo_ctx).plan_posting_days != 7
    tab.password.setText(demo_data.ADMIN_PASSWORD)
    assert tab.save()
    assert tab.password.text() == ""
    rules = settings.get_rules(demo_ctx)
    assert (rules.plan_posting_days, rules.spending_t1_fen) == (7, 800_050)
    assert money.text() == "8000.50"
    assert tab.status.text() == "规则已保存"


def test_rules_form_refuses_bad_values_next_to_the_field(qtbot: QtBot, demo_ctx: AppContext) -> None:
    tab = RulesTab(demo_ctx)
    qtbot.addWidget(tab)
    t1, t2 = tab.editors["spending_t1_fen"], tab.editors["spending_t2_fen"]
    assert isinstance(t1.widget, QLineEdit) and isinstance(t2.widget, QLineEdit)
    # C16: 数额巨大 must exceed 数额较大 — refused by the service, shown beside 数额巨大起点
    t2.widget.setText("3000")
    assert not tab.save()
    assert not t2.error.isHidden()
    assert t2.error.text() == "应大于“数额较大起点”"
    assert "数额巨大起点（元）" in tab.status.text()
    # not a number at all: refused before the service, named
    t2.widget.setText("五万块")
    assert not tab.save()
    assert "数额巨大起点（元）" in tab.status.text()
    assert not t2.error.isHidden()
    assert settings.get_rules(demo_ctx).spending_t2_fen == 5_000_000  # nothing saved


def test_rules_form_is_read_only_for_a_clerk(qtbot: QtBot, demo_ctx: AppContext) -> None:
    vid = list_villages(demo_ctx)[0].id
    users.create_user(demo_ctx, username="clerk", display_name="叶德明", role=Role.CLERK,
                      password="Temp-pass-1", village_ids=[vid], credential=demo_data.ADMIN_PASSWORD)  # fmt: skip
    auth.login(demo_ctx, "clerk", "Temp-pass-1")
    tab = RulesTab(demo_ctx)
    qtbot.addWidget(tab)
    assert tab.save_button.isHidden()
    assert tab.editors and all(not e.widget.isEnabled() for e in tab.editors.values())


def test_users_tab_creates_and_resets(qtbot: QtBot, demo_ctx: AppContext) -> None:
    page = SettingsPage(demo_ctx)
    qtbot.addWidget(page)
    tab = page.users
    assert tab is not None
    dlg = tab.new_user()
    dlg.username_edit.setText("baozhang")
    dlg.name_edit.setText("周春燕")
    dlg.role_combo.setCurrentIndex(dlg.role_combo.findData(Role.CLERK.value))
    dlg.password_edit.setText("Temp-pass-1")
    dlg.again_edit.setText("Temp-pass-1")
    dlg.sign_edit.setText(demo_data.ADMIN_PASSWORD)
    dlg.accept()
    assert "所属村" in dlg.error_text()  # a clerk needs a village
    dlg.set_villages({list_villages(demo_ctx)[1].id})
    dlg.accept()
    assert dlg.error_text() == ""
    names = [u.username for u in tab.users]
    assert "baozhang" in names
    tab.table.selectRow(names.index("baozhang"))
    reset = tab.reset_selected()
    assert reset is not None
    reset.password_edit.setText("Other-pass-2")
    reset.again_edit.setText("Other-pass-2")
    reset.accept()
    assert "密码不正确" in reset.error_text()  # the administrator signs the reset
    reset.sign_edit.setText(demo_data.ADMIN_PASSWORD)
    reset.accept()
    assert reset.error_text() == ""
    demo_ctx.user = None
    auth.login(demo_ctx, "baozhang", "Other-pass-2")
    assert auth.must_change_password(demo_ctx)


def test_new_village_reaches_the_selector(qtbot: QtBot, demo_ctx: AppContext) -> None:
    win = MainWindow(demo_ctx)
    qtbot.addWidget(win)
    page = win.show_section("settings")
    assert isinstance(page, SettingsPage) and page.villages is not None
    dlg = page.villages.add_village()
    dlg.password.setText(demo_data.ADMIN_PASSWORD)
    dlg.name_edit.setText("余东村")
    dlg.households_spin.setValue(150)
    dlg.adults_spin.setValue(420)
    dlg.accept()
    assert "余东村" in dlg.error_text()  # duplicate name refused
    dlg.name_edit.setText("芳村")
    dlg.accept()
    assert dlg.error_text() == ""
    assert win.village_combo.findText("芳村") >= 0


def test_backup_now_and_verify(qtbot: QtBot, demo_ctx: AppContext) -> None:
    page = SettingsPage(demo_ctx)
    qtbot.addWidget(page)
    tab = page.backup
    tab.backup_now()
    assert tab.task is not None
    qtbot.waitUntil(lambda: tab.task is not None and not tab.task.running, timeout=10_000)
    assert tab.table.rowCount() == 1 and "已备份到" in tab.result_label.text()
    import sqlite3

    assert demo_ctx.db.path is not None
    with sqlite3.connect(demo_ctx.db.path) as con:  # the backup is an act of the logged-in user
        assert con.execute("SELECT username FROM audit_log WHERE action = 'backup.create'").fetchall() == [
            ("admin",)
        ]
    tab.verify()
    qtbot.waitUntil(lambda: tab.task is not None and not tab.task.running, timeout=10_000)
    assert tab.result_label.text().startswith("校验通过")


def test_administrator_sees_every_tab(qtbot: QtBot, demo_ctx: AppContext) -> None:
    page = SettingsPage(demo_ctx)
    qtbot.addWidget(page)
    assert page.tab_titles() == ["规则设置", "用户管理", "修改密码", "村", "备份与恢复", "打印"]
    assert isinstance(page.tabs.widget(5), PrintSettingsTab)


def test_backup_tab_shows_the_site_key_and_deletes_a_safety_copy(qtbot: QtBot, demo_ctx: AppContext) -> None:
    from quzhou_desktop.services.kernel.anchoring import after_login
    from quzhou_desktop.services.kernel.site import local_key, read_site
    from quzhou_desktop.store.backup import make_safety_copy
    from tests.support.gui import message_boxes

    page = SettingsPage(demo_ctx)
    qtbot.addWidget(page)
    tab = page.backup
    # the demo database was made on "another computer" (the template): no key here until an administrator logs in
    assert "本机没有站点密钥" in tab.site_label.text()
    after_login(demo_ctx)
    tab.refresh()
    site = read_site(demo_ctx.db)
    assert site is not None
    key = local_key(site)
    assert key is not None and site.fingerprints[site.keys.index(key.public)] in tab.site_label.text()

    assert demo_ctx.db.path is not None
    copy = make_safety_copy(demo_ctx.db.path)  # what a restore leaves behind
    tab.refresh()
    tab.table.selectRow(tab.backups.index(copy))
    item = tab.table.item(tab.backups.index(copy), 1)
    assert item is not None and "恢复前副本" in item.text()
    tab.delete_selected()
    (box,) = message_boxes()
    assert "删除后无法找回" in box.text()
    box.buttons()[0].click()  # 删除
    assert not copy.exists() and "已删除恢复前副本" in tab.result_label.text()
