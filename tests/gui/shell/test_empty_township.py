"""An empty township does not read as "no problems": the dashboard names what the roster lacks; impossible
village numbers are questioned before they are saved (first-run wizard and 村 dialog)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from quzhou_desktop.gui.settings.villages_tab import VillageDialog
from quzhou_desktop.gui.shell.dashboard import DashboardPage
from quzhou_desktop.gui.shell.first_run import FirstRunWizard
from quzhou_desktop.services.kernel import auth
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.roster import setup
from quzhou_desktop.services.roster.villages import VillageSpec, list_villages, number_warnings


def test_dashboard_names_what_an_empty_village_lacks(qtbot: QtBot, ctx: AppContext) -> None:
    setup.initialise(ctx, township_name="石梁镇", township_code="330802100",
                     villages=[VillageSpec("余东村", None, 412, 1130, False)],
                     admin_username="admin", admin_password="Quzhou-2026", admin_display_name="徐丽华")  # fmt: skip
    auth.login(ctx, "admin", "Quzhou-2026")
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.set_village(list_villages(ctx)[0].id)
    text = page.checks_label.text()
    assert "未发现问题" not in text
    for lacking in ("村党组织书记", "村民委员会成员", "村民代表", "村务监督委员会成员"):
        assert lacking in text
    assert "依据" in text and "C19" not in text


def test_impossible_numbers_are_questioned_once() -> None:
    assert number_warnings(VillageSpec("余东村", None, 0, 0)) == [
        "户数为0：村民会议的户代表到会条件和村民代表人数无法计算",
        "18周岁以上人数为0：村民会议的应到人数无法计算",
    ]
    assert number_warnings(VillageSpec("余东村", None, 412, 1130)) == []
    assert "少于户数" in number_warnings(VillageSpec("余东村", None, 412, 100))[0]


def test_wizard_asks_before_accepting_zero_households(qtbot: QtBot, ctx: AppContext) -> None:
    wiz = FirstRunWizard(ctx)
    qtbot.addWidget(wiz)
    wiz.show()
    wiz.township_page.name_edit.setText("石梁镇")
    wiz.next()
    page = wiz.villages_page
    page.table.removeRow(0)
    page.add_row("余东村", "", 0, 0, False)
    wiz.next()
    assert wiz.currentPage() is page and "户数为0" in page.error.text()
    wiz.next()  # confirmed: the same numbers go on
    assert wiz.currentPage() is not page


def test_village_dialog_warns_live_and_saves_on_confirmation(qtbot: QtBot, ctx: AppContext) -> None:
    setup.initialise(ctx, township_name="石梁镇", township_code="330802100",
                     villages=[VillageSpec("余东村", None, 412, 1130, False)],
                     admin_username="admin", admin_password="Quzhou-2026", admin_display_name="徐丽华")  # fmt: skip
    auth.login(ctx, "admin", "Quzhou-2026")
    dlg = VillageDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.name_edit.setText("后溪村")
    dlg.password.setText("Quzhou-2026")  # adding a village is the administrator's signed act
    assert "户数为0" in dlg.warning.text()
    dlg.accept()
    assert dlg.isVisible() and "再点“保存”" in dlg.error.text()
    dlg.households_spin.setValue(268)
    dlg.adults_spin.setValue(745)
    assert dlg.warning.isHidden()
    qtbot.mouseClick(dlg.findChildren(type(dlg.name_edit))[0], Qt.MouseButton.LeftButton)
    dlg.accept()
    assert dlg.result() == 1
    assert [v.name for v in list_villages(ctx)] == ["余东村", "后溪村"]
