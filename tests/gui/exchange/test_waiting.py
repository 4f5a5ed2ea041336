"""A package that arrives before its predecessor waits: the page lists it as 暂存 with the missing records, the
table names the gap, and importing the predecessor applies both (the follow-up shown under it)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from quzhou_desktop.gui.exchange.page import ExchangePage
from quzhou_desktop.services.exchange.receipts import receipt_path
from tests.services.exchange.test_rounds import full_round, reopen, set_phone
from tests.support.exchange import Sites, make_sites
from tests.support.vouchers import make_voucher_village


@pytest.fixture
def sites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Sites:
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path / "data"))
    return make_sites(tmp_path)


def rows(page: ExchangePage) -> list[list[str]]:
    t = page.results_table
    out = []
    for r in range(t.rowCount()):
        items = [t.item(r, c) for c in range(t.columnCount())]
        out.append([i.text() if i is not None else "" for i in items])
    return out


def test_a_package_waits_for_its_predecessor(qtbot: QtBot, sites: Sites, tmp_path: Path) -> None:
    xk = sites.villages["溪口村"]
    a = make_voucher_village(xk)
    full_round(sites)
    set_phone(xk, a.persons["主任丁"], "13900000001")
    p3 = sites.report("溪口村").path
    backup = tmp_path / "township-backup.sqlite3"
    sites.township.db.dispose()
    shutil.copy(sites.township.path, backup)
    reopen(sites.township)
    assert sites.at_township(p3)[0].status == "applied"
    sites.at("溪口村", receipt_path(p3))
    set_phone(xk, a.persons["书记戊"], "13900000002")
    p4 = sites.report("溪口村").path
    sites.township.db.dispose()
    shutil.copy(backup, sites.township.path)  # the township PC lost p3: p4 now starts after a gap
    reopen(sites.township)

    page = ExchangePage(sites.township.admin)
    qtbot.addWidget(page)
    page.import_paths([p4])
    qtbot.waitUntil(lambda: page.results_table.rowCount() == 1, timeout=20_000)
    [[name, outcome, message]] = rows(page)
    assert name == p4.name and outcome == "暂存，等前序数据包"
    assert "缺少第" in message and "请先导入" in message
    first = [page.peers.item(0, c) for c in (0, 1, 6)]
    assert [i.text() if i is not None else "" for i in first][:2] == ["缺少数据包", "溪口村"]
    gap = first[2]
    assert gap is not None and gap.text().startswith("缺少第")

    page.import_paths([p3])
    qtbot.waitUntil(lambda: len(rows(page)) == 2, timeout=20_000)
    shown = rows(page)
    assert shown[0][:2] == [p3.name, "已导入"]
    assert shown[1][0].endswith(p4.name) and "↳" in shown[1][0] and shown[1][1] == "已导入"
    cleared = page.peers.item(0, 6)
    assert cleared is not None and cleared.text() == ""
