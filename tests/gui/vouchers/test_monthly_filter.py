"""月度工作例会 tab: changing its month filter many times must not abort the interpreter.

Regression: the installed shiboken6 leaks a reference of ``None`` on every void Qt call under CPython 3.11,
and one reload of the tab makes one such call per cell property; a few reloads ended in
"Fatal Python error: none_dealloc" (gui/refguard.py; tests/gui/test_refguard.py checks the guard itself)."""

from __future__ import annotations

import sys
from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from quzhou_desktop.gui.vouchers.page import VouchersPage
from quzhou_desktop.services.vouchers.voucher import create_voucher
from tests.support.vouchers import make_voucher_village
from tests.support.world import World

VOUCHERS_IN_OCTOBER = 40


@pytest.mark.parametrize("changes", [300])
def test_month_filter_changed_many_times(qtbot: QtBot, world: World, changes: int) -> None:
    v = make_voucher_village(world)
    for i in range(VOUCHERS_IN_OCTOBER):
        create_voucher(
            v.clerk, v.vid, v.fields(10_000 + i, number=f"{i + 1:03d}", voucher_date=date(2026, 10, 5))
        )
    page = VouchersPage(v.chair)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    page.set_village(v.vid)
    page.tabs.setCurrentWidget(page.monthly_tab)
    tab = page.monthly_tab
    tab.set_month(2026, 10)
    expected = {10: VOUCHERS_IN_OCTOBER, 9: 0}
    for i in range(changes):
        month = 9 if i % 2 == 0 else 10
        tab.month_combo.setCurrentIndex(month - 1)
        qtbot.wait(0)
        assert tab.table.rowCount() == expected[month]
    tab.year_spin.setValue(2025)
    assert tab.table.rowCount() == 0
    tab.year_spin.setValue(2026)
    assert tab.table.rowCount() == VOUCHERS_IN_OCTOBER
    assert sys.getrefcount(None) > 1000
