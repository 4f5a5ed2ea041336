"""The 数据交换 section between a township and its county over real database files: the township writes its
enrolment file for the county, the county adds the township after the fingerprints were compared, the township
accepts the county's answer and sends its 上报数据包, the county imports it and writes the receipt."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from quzhou_desktop.gui.exchange.page import ExchangePage
from quzhou_desktop.services.exchange.receipts import receipt_path
from tests.gui.exchange.test_flow import cell, opened
from tests.services.exchange.test_county import make_county
from tests.support.gui import close_message_boxes
from tests.support.vouchers import make_voucher_village
from tests.support.world import World, make_world


@pytest.fixture
def township(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path / "data"))
    return make_world(tmp_path / "township.sqlite3")


def test_township_joins_county_and_reports(qtbot: QtBot, township: World, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    make_voucher_village(township)
    page = ExchangePage(township.admin)
    qtbot.addWidget(page)
    assert page.buttons["county_enrol"].isVisibleTo(page)
    assert not page.buttons["add_township"].isVisibleTo(page)
    assert not page.buttons["report"].isVisibleTo(page)  # no county yet

    # 向区县登记: the county's name is required, then the file is written in the background
    enrol = page.open_county_enrol()
    enrol.folder_row.edit.setText(str(usb))
    enrol.accept()
    assert "区县" in enrol.error.text() and enrol.done_file is None
    enrol.county_edit.setText("柯城区")
    enrol.accept()
    qtbot.waitUntil(lambda: enrol.done_file is not None, timeout=20_000)
    assert enrol.done_file is not None and enrol.done_file.path == usb / "柯城区.区县.登记.zip"
    township_fp = enrol.done_file.fingerprint
    assert any(township_fp.split()[0] in t for t in close_message_boxes())

    # The county's server: 添加乡镇, accepted only once the fingerprint was confirmed
    county = make_county(tmp_path / "county.sqlite3", township.clock).admin
    cpage = ExchangePage(county)
    qtbot.addWidget(cpage)
    assert cpage.kind == "county" and cpage.buttons["add_township"].isVisibleTo(cpage)
    assert not any(
        cpage.buttons[k].isVisibleTo(cpage) for k in ("enrol", "dispatch", "report", "county_enrol")
    )
    add = cpage.open_add_township(enrol.done_file.path)
    assert add is not None
    add.accept()
    assert add.added is None  # not confirmed
    add.checked.setChecked(True)
    add.accept()
    qtbot.waitUntil(lambda: add.added is not None or bool(add.error.text()), timeout=30_000)
    assert add.added is not None, add.error.text()
    assert add.added.answer == usb / "石梁镇.区县.应答.zip"
    close_message_boxes()
    cpage.reload()
    assert cell(cpage.peers, 0, 1) == "石梁镇"

    # The township accepts the county's answer, then 生成上报数据包 goes to the county
    accept = page.open_accept(add.added.answer)
    assert accept is not None
    accept.checked.setChecked(True)
    accept.accept()
    assert accept.enrolled is not None and accept.enrolled.village == "柯城区"
    close_message_boxes()
    page.reload()
    assert page.buttons["report"].isVisibleTo(page)
    assert not page.buttons["county_enrol"].isVisibleTo(page)  # enrolled: nothing more to enrol
    page.export_report()
    export = opened(qtbot, page)
    assert export.plan.kind == "report" and export.plan.peer_name == "柯城区"
    export.folder_row.edit.setText(str(usb))
    export.accept()
    qtbot.waitUntil(lambda: export.written is not None, timeout=10_000)
    assert export.written is not None
    close_message_boxes()

    # The county imports the stick's folder: the package is applied, the enrolment and answer files skipped
    cpage.import_folder(usb)
    qtbot.waitUntil(lambda: bool(cpage.results), timeout=30_000)
    assert [r.status for r in cpage.results] == ["applied"], [r.message for r in cpage.results]
    assert receipt_path(export.written.path).exists()
    county.db.dispose()
