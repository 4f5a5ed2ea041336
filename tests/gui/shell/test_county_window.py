"""The main window on a county (区/县) database, as its 区县查看 sees it: every township's villages as
"乡镇 村", and no action that would change a record in the 五议两公开 or 村务监督 registers."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from quzhou_desktop.gui.matters.page import COLUMNS, MattersPage
from quzhou_desktop.gui.shell.main_window import MainWindow
from quzhou_desktop.gui.vouchers.page import VouchersPage
from tests.support.county import make_county
from tests.support.world import World

COLUMNS_TITLES = [c.title for c in COLUMNS]
EDIT_BUTTONS = ("new_button", "step_button", "amend_button", "rerun_button", "withdraw_button")


def test_the_county_viewer_sees_every_township_and_no_edit_action(qtbot: QtBot, world: World) -> None:
    county = make_county(world)
    win = MainWindow(county.viewer)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    combo = [win.village_combo.itemText(i) for i in range(win.village_combo.count())]
    assert {"石梁镇 溪口村", "航埠镇 溪口村", "航埠镇 大坪村"} <= set(combo)
    shots = os.environ.get("QUZHOU_SCREENSHOTS")
    if shots:
        win.grab().save(str(Path(shots) / "county-dashboard.png"))

    win.select_village(county.villages["航埠镇/溪口村"])
    matters = win.show_section("matters")
    assert isinstance(matters, MattersPage)
    qtbot.waitUntil(lambda: matters.model.rowCount() == 1)
    shown = {matters.model.index(0, c).data() for c in range(matters.model.columnCount())}
    assert "航埠镇 溪口村" in shown
    column = COLUMNS_TITLES.index("村")
    assert matters.view.columnWidth(column) >= 120  # "乡镇 村" is not cut short
    matters.view.selectRow(0)
    qtbot.waitUntil(lambda: matters.current is not None)
    for name in EDIT_BUTTONS:
        assert not getattr(matters, name).isEnabled(), name
    if shots:
        win.grab().save(str(Path(shots) / "county-matters.png"))

    vouchers = win.show_section("vouchers")
    assert isinstance(vouchers, VouchersPage)
    edit = {k: b for k, b in vouchers.list_tab.buttons.items() if k != "print"}
    assert edit and all(b.isHidden() for b in edit.values()), [k for k, b in edit.items() if not b.isHidden()]
    for tab in (vouchers.monthly_tab,):
        for b in tab.findChildren(QPushButton):
            if b.text() in ("保存例会记录", "签署例会记录…", "锁定本月", "解锁本月…"):
                assert b.isHidden(), b.text()
    if shots:
        win.grab().save(str(Path(shots) / "county-vouchers.png"))
