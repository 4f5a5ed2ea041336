"""The 工作台's 数据交换提醒 at the township: villages that never reported or sent nothing for long, packages
waiting for missing records, conflicts and forks are listed; a village in order is not; a line opens the
数据交换 section; the panel fits the 1366×768 screen's page width."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from quzhou_desktop.gui.exchange.panel import ExchangePanel, reasons
from quzhou_desktop.gui.exchange.peers import STALE_DAYS
from quzhou_desktop.gui.shell.dashboard import PANELS
from quzhou_desktop.services.exchange.receipts import receipt_path
from quzhou_desktop.services.exchange.status import PeerStatus
from quzhou_desktop.services.kernel.roles import Role
from tests.services.exchange.test_rounds import delivered, reopen
from tests.support.exchange import Sites, make_sites
from tests.support.vouchers import make_voucher_village
from tests.support.world import make_world

PAGE_WIDTH = 1366 - 160  # the main window's navigation takes the rest


class Window(QWidget):
    """Stands in for the main window: records which section a panel asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[str] = []

    def show_section(self, key: str) -> None:
        self.shown.append(key)


@pytest.fixture
def sites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Sites:
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path / "data"))
    return make_sites(tmp_path)


def _panel(qtbot: QtBot, sites: Sites) -> tuple[ExchangePanel, Window]:
    win = Window()
    qtbot.addWidget(win)
    panel = ExchangePanel(sites.township.admin, win)
    QVBoxLayout(win).addWidget(panel)
    win.resize(PAGE_WIDTH, 300)
    panel.set_village(None)
    return panel, win


def test_the_panel_lists_the_villages_that_need_attention(qtbot: QtBot, sites: Sites, tmp_path: Path) -> None:
    assert ExchangePanel in PANELS
    panel, _win = _panel(qtbot, sites)
    text = panel.label.text()
    assert "【溪口村】" in text and "【上洋村】" in text and "从未上报数据包" in text

    # 溪口村's p2 arrives at a township restored from a backup made before p1 was imported: p2 waits
    xk, sy = sites.villages["溪口村"], sites.villages["上洋村"]
    a = make_voucher_village(xk)
    delivered(a)
    p1 = sites.report("溪口村").path
    backup = tmp_path / "township-backup.sqlite3"
    sites.township.db.dispose()
    shutil.copy(sites.township.path, backup)
    reopen(sites.township)
    assert sites.at_township(p1)[0].status == "applied"
    sites.at("溪口村", receipt_path(p1))
    delivered(a, 160_000)
    p2 = sites.report("溪口村").path
    sites.township.db.dispose()
    shutil.copy(backup, sites.township.path)
    reopen(sites.township)
    assert sites.at_township(p2)[0].status == "waiting"
    delivered(make_voucher_village(sy))
    assert sites.at_township(sites.report("上洋村").path)[0].status == "applied"
    panel, win = _panel(qtbot, sites)
    text = panel.label.text()
    assert "【溪口村】" in text and "缺少第" in text and "【上洋村】" not in text

    sites.township.clock.advance(days=STALE_DAYS + 1)
    panel.refresh()
    assert f"超过{STALE_DAYS}天未上报" in panel.label.text() and "【上洋村】" in panel.label.text()

    panel.set_village(sy.village_ids[0])  # the village selector narrows it to one village
    assert "【溪口村】" not in panel.label.text() and "【上洋村】" in panel.label.text()
    sites.township.clock.advance(days=-(STALE_DAYS + 1))
    panel.refresh()
    assert "没有需要处理的村" in panel.label.text()

    panel.set_village(None)
    panel.label.linkActivated.emit("exchange")
    assert win.shown == ["exchange"]
    assert panel.sizeHint().width() <= PAGE_WIDTH and panel.sizeHint().height() < 728 // 2


def test_every_alarm_is_named() -> None:
    now = datetime(2026, 6, 1, 9, 0)
    last = now - timedelta(days=STALE_DAYS + 5)
    p = PeerStatus(
        "p", "s", "village", "溪口村", "v", "enrolled", 40, last, 12, 9, None, ((51, 60),), 1, 2, True
    )
    assert reasons(p, now) == [
        "历史分叉，须管理员裁定",
        "2处冲突待处理",
        "缺少第41至50条",
        f"超过{STALE_DAYS}天未上报（最近{last.date().isoformat()}）",
    ]
    township = PeerStatus("t", "s", "township", "石梁镇", None, "enrolled", 3, None, 0, 0, None, (), 0, 0)
    assert reasons(township, now) == []  # a township never reports to a village
    county = PeerStatus("c", "s", "county", "柯城区", None, "enrolled", 0, None, 0, 5, None, (), 0, 0)
    assert reasons(county, now) == []  # nor a county to its township
    reporting = PeerStatus(
        "t", "s", "township", "航埠镇", "t", "enrolled", 3, last, 0, 0, None, (), 0, 0, True
    )
    assert reasons(reporting, now) == [
        f"超过{STALE_DAYS}天未上报（最近{last.date().isoformat()}）"
    ]  # at a county


def test_the_panel_is_hidden_without_the_right_or_without_exchange(
    qtbot: QtBot, sites: Sites, tmp_path: Path
) -> None:
    """A 村监会 member has nothing to do with packages; a township that keeps its villages itself exchanges with
    no other PC: neither sees the panel. The township administrator does."""
    panel, win = _panel(qtbot, sites)
    win.show()
    assert panel.isVisible()
    member = sites.township.new_user("jianwei", Role.SUPERVISOR, villages=[sites.township.village_ids[0]])
    alone = make_world(tmp_path / "alone.sqlite3")
    for ctx in (member, alone.admin):
        other = ExchangePanel(ctx, win)
        other.show()
        other.set_village(None)
        assert not other.isVisible()
