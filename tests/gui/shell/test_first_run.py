"""The whole first-run path through real widgets over a real temporary SQLite:
first-run wizard → login → every navigation section → add and edit a person in 花名册 → add a membership."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QLineEdit, QSpinBox, QWizard
from pytestqt.qtbot import QtBot

from quzhou_desktop.gui.roster.page import RosterPage
from quzhou_desktop.gui.shell.first_run import FirstRunWizard
from quzhou_desktop.gui.shell.flow import AppFlow
from quzhou_desktop.gui.shell.login import LoginDialog
from quzhou_desktop.gui.shell.main_window import MainWindow
from quzhou_desktop.gui.shell.sections import SECTIONS
from quzhou_desktop.gui.widgets.pages import SectionPage
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.roster import people as people_svc
from tests.support.gui import close_message_boxes

PASSWORD = "Shiliang-2026"


def walk_wizard(qtbot: QtBot, wiz: FirstRunWizard) -> None:
    # Given an empty database, the wizard refuses each empty field by name
    wiz.next()
    assert wiz.currentPage() is wiz.township_page
    assert "乡镇名称" in wiz.township_page.error.text()
    wiz.township_page.name_edit.setText("石梁镇")
    wiz.next()
    assert wiz.currentPage() is wiz.villages_page
    wiz.next()  # the first row has no name yet
    assert "村名" in wiz.villages_page.error.text()
    page = wiz.villages_page
    name = page.table.cellWidget(0, 0)
    assert isinstance(name, QLineEdit)
    name.setText("余东村")
    for col, value in ((2, 412), (3, 1130)):  # 户数, 18周岁以上人数 (0 would be questioned first)
        spin = page.table.cellWidget(0, col)
        assert isinstance(spin, QSpinBox)
        spin.setValue(value)
    page.add_row("后溪村", "102", 268, 745, False)
    page.add_row("多余村")
    page.table.selectRow(2)
    page.remove_selected()
    assert [s.name for s in page.specs()] == ["余东村", "后溪村"]
    wiz.next()
    assert wiz.currentPage() is wiz.admin_page
    a = wiz.admin_page
    assert "乡镇管理员" in a.subTitle()  # two villages: a township's PC
    a.form.username_edit.setText("admin")
    a.form.name_edit.setText("徐丽华")
    a.form.password_edit.setText("short")
    a.form.again_edit.setText("short")
    wiz.accept()
    assert "密码" in a.error.text() and "8" in a.error.text()
    a.form.password_edit.setText(PASSWORD)
    a.form.again_edit.setText(PASSWORD + "x")
    wiz.accept()
    assert "不一致" in a.error.text()
    a.form.again_edit.setText(PASSWORD)
    wiz.accept()
    # Then the database is set up and the administrator's recovery sheet is shown, once, with no way back
    assert wiz.currentPage() is wiz.recovery_page
    panel = wiz.recovery_page.panel
    assert panel is not None and wiz.sheet is not None
    assert re.fullmatch(r"\d{5}( \d{5}){5}", panel.fingerprint_label.text())
    assert re.fullmatch(r"[2-9A-Z]{4}(-[2-9A-Z]{4}){5}", panel.code_label.text())
    assert (
        not wiz.button(QWizard.WizardButton.BackButton).isEnabled()
        or not wiz.button(QWizard.WizardButton.BackButton).isVisible()
    )
    preview = panel.open_preview()
    assert preview is not None and preview.document.pageCount() == 1
    qtbot.addWidget(preview)
    preview.close()
    with qtbot.waitSignal(wiz.accepted):
        wiz.accept()


def test_first_run_to_roster(qtbot: QtBot, ctx: AppContext) -> None:
    flow = AppFlow(ctx)
    flow.start()
    wiz = flow.wizard
    assert isinstance(wiz, FirstRunWizard)
    qtbot.addWidget(wiz)
    walk_wizard(qtbot, wiz)

    # When the wizard finishes, the login dialog opens with the administrator's name filled in
    login = flow.login
    assert isinstance(login, LoginDialog)
    qtbot.addWidget(login)
    assert login.ui.usernameEdit.text() == "admin"
    assert not login.try_login(password="wrong-password")
    assert "用户名或密码不正确" in login.error_text()
    assert login.try_login(password=PASSWORD)

    win = flow.main
    assert isinstance(win, MainWindow)
    qtbot.addWidget(win)
    assert win.village_combo.count() == 2
    assert "徐丽华" in win.user_label.text() and "乡镇管理员" in win.user_label.text()
    assert str(ctx.db.path) in win.db_label.text()

    # Every navigation section opens on a database with no people yet
    for sec in SECTIONS:
        page = win.show_section(sec.key)
        assert isinstance(page, SectionPage)
        assert win.stack.currentWidget() is page
    assert isinstance(win.page("roster"), RosterPage)

    roster = win.show_section("roster")
    assert isinstance(roster, RosterPage)
    tab = roster.people
    assert tab.model.rowCount() == 0

    # Add a person: a bad ID number is refused in the dialog, naming the field
    dlg = tab.add_person()
    assert dlg is not None
    dlg.ui.nameEdit.setText("王建国")
    dlg.ui.idEdit.setText("330802196501011234")
    dlg.accept()
    assert "身份证号" in dlg.error_text()
    assert dlg.isVisible()
    dlg.ui.idEdit.setText("33080219650101101X")
    dlg.ui.idEdit.setText(_valid_id("3308021965010110"))
    dlg.ui.phoneEdit.setText("13957001013")
    dlg.ui.groupEdit.setText("第2村民小组")
    dlg.ui.headCheck.setChecked(True)
    dlg.accept()
    assert dlg.error_text() == ""
    assert tab.model.rowCount() == 1
    person = tab.selected()
    assert person is not None and person.name == "王建国" and person.gender == "男"
    assert "*" in person.id_masked

    # Edit it: the masked ID is kept, the phone changes
    edit = tab.edit_selected()
    assert edit is not None
    assert edit.ui.idEdit.isReadOnly()
    edit.reveal_id()
    assert "*" not in edit.ui.idEdit.text()
    edit.ui.phoneEdit.setText("0570-3012345")
    edit.accept()
    assert edit.error_text() == ""
    row = tab.selected()
    assert row is not None and row.phone == "0570-3012345"

    # Add a membership (党员大会, 预备党员): it appears in the person's panel and the roles column
    detail = tab.detail
    m = detail.add_membership()
    assert m is not None
    m.set_body("party_meeting", "member", "probationary")
    m.accept()
    assert m.error_text() == ""
    close_message_boxes()
    assert [x.party_status_label for x in detail.memberships] == ["预备党员"]
    assert "预备党员" in (tab.selected() or row).roles
    assert [x.person_name for x in people_svc.members(ctx, row.village_id, "party_meeting")] == ["王建国"]

    win.close()


def _valid_id(first16: str) -> str:
    from quzhou_desktop.core.idcard import check_digit

    first17 = first16 + "1"
    return first17 + check_digit(first17)
