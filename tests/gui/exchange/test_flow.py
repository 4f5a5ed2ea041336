"""The 数据交换 section end to end over real database files: the township enrols a village, the village PC joins
from the first-run wizard's "作为村安装", the village exports a package, the township imports a folder with that
package, a duplicate and a tampered copy, the table shows the village, a conflict is settled, and the receipt
goes back to the village."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QTableWidget, QWizard
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from quzhou_desktop.gui.exchange.dialogs import ExportDialog
from quzhou_desktop.gui.exchange.page import ExchangePage
from quzhou_desktop.gui.shell.first_run import FirstRunWizard
from quzhou_desktop.services.exchange.status import exchange_status, list_conflicts
from quzhou_desktop.services.kernel.auth import login
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.models import Township
from tests.support.gui import close_message_boxes
from tests.support.vouchers import make_voucher_village
from tests.support.world import PASSWORD, World, make_world


@pytest.fixture
def township(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path / "data"))
    return make_world(tmp_path / "township.sqlite3")


def cell(t: QTableWidget, row: int, column: int) -> str:
    item = t.item(row, column)
    assert item is not None
    return item.text()


def opened(qtbot: QtBot, page: ExchangePage) -> ExportDialog:
    """The export dialog, once the plan was read in the background."""
    qtbot.waitUntil(lambda: isinstance(page.dialog, ExportDialog) and page.dialog.isVisible(), timeout=10_000)
    assert isinstance(page.dialog, ExportDialog)
    return page.dialog


def texts(page: ExchangePage, column: int) -> list[str]:
    return [cell(page.results_table, r, column) for r in range(page.results_table.rowCount())]


def test_enrol_join_export_import_settle_and_receipt(qtbot: QtBot, township: World, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    page = ExchangePage(township.admin)
    qtbot.addWidget(page)
    assert page.kind == "township" and page.buttons["enrol"].isVisibleTo(page)
    assert not page.buttons["report"].isVisibleTo(page)

    # 登记村: the enrolment file for 溪口村 on the stick
    enrol = page.open_enrol()
    enrol.village_combo.setCurrentIndex(enrol.village_combo.findText("溪口村"))
    enrol.folder_row.edit.setText(str(usb))
    enrol.accept()
    qtbot.waitUntil(lambda: enrol.done_file is not None, timeout=10_000)
    assert enrol.done_file is not None and enrol.done_file.path == usb / "溪口村.登记.zip"
    township_fp = enrol.done_file.fingerprint
    assert any(township_fp.split()[0] in t for t in close_message_boxes())

    # The village PC: the first-run wizard's 作为村安装
    vdb = Database(tmp_path / "village.sqlite3", create=True)
    vctx = AppContext(vdb, clock=township.clock)
    wiz = FirstRunWizard(vctx)
    qtbot.addWidget(wiz)
    wiz.show()
    wiz.township_page.village_radio.setChecked(True)
    wiz.next()
    join = wiz.join_page
    assert wiz.currentPage() is join
    assert join.load(usb / "溪口村.登记.zip")
    assert join.township_fp.text().split() == township_fp.split()
    join.form.username_edit.setText("cunadmin")
    join.form.name_edit.setText("村管理员")
    join.form.password_edit.setText(PASSWORD)
    join.form.again_edit.setText(PASSWORD)
    wiz.next()  # the fingerprint was not confirmed yet
    assert wiz.currentPage() is join and "核对" in join.error.text()
    join.checked.setChecked(True)
    wiz.next()  # the database is set up in the background; the wizard moves on when it is done
    qtbot.waitUntil(lambda: wiz.currentPage() is wiz.joined_page or bool(join.error.text()), timeout=20_000)
    assert wiz.currentPage() is wiz.joined_page, join.error.text()
    joined = join.joined
    assert joined is not None and joined.answer == usb / "溪口村.应答.zip"
    assert wiz.joined_page.village_fp.text().split() == joined.village_fingerprint.split()
    assert not wiz.button(QWizard.WizardButton.CancelButton).isVisible()  # installed: nothing to cancel
    # The village administrator's 管理员恢复单, shown once, printed (or saved as PDF) from here
    panel = wiz.joined_page.panel
    assert panel is not None and joined.recovery is not None
    assert panel.code_label.text() == joined.recovery.recovery_code and joined.recovery.username == "cunadmin"
    preview = panel.open_preview()
    assert preview is not None and panel.printed
    preview.close()
    hint = wiz.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 728, hint
    wiz.accept()
    assert wiz.admin_username == "cunadmin"

    # 接受村的回复: the fingerprints side by side, accepted only once confirmed
    accept = page.open_accept(joined.answer)
    assert accept is not None
    ok = accept.buttons.buttons()
    assert not any(b.isEnabled() for b in ok if b.text() == "接受登记")
    accept.checked.setChecked(True)
    accept.accept()
    assert accept.enrolled is not None and accept.enrolled.village == "溪口村"
    close_message_boxes()
    page.reload()
    assert cell(page.peers, 0, 1) == "溪口村"

    # The village records vouchers, and renames the township (a record it does not own: a conflict)
    login(vctx, "cunadmin", PASSWORD)
    village = World(vdb, vctx, [_village_id(vctx)], township.clock)
    make_voucher_village(village)
    with vctx.write("township.rename") as s:
        s.scalars(select(Township)).one().name = "石梁镇（村里改的）"

    vpage = ExchangePage(vctx)
    qtbot.addWidget(vpage)
    assert vpage.kind == "village" and vpage.buttons["report"].isVisibleTo(vpage)
    assert not vpage.buttons["enrol"].isVisibleTo(vpage)
    vpage.export_report()
    export = opened(qtbot, vpage)
    assert export.plan.kind == "report" and export.plan.entries > 0
    export.folder_row.edit.setText(str(usb))
    export.accept()
    qtbot.waitUntil(lambda: export.written is not None, timeout=10_000)
    assert export.written is not None
    package = export.written.path
    assert package.parent == usb and package.name.endswith(".上报.zip")
    close_message_boxes()

    # A duplicate and a tampered copy beside it on the stick
    shutil.copy(package, usb / ("副本-" + package.name))
    data = bytearray(package.read_bytes())
    data[len(data) // 2] ^= 0x01
    (usb / ("改过-" + package.name)).write_bytes(bytes(data))
    page.import_folder(usb)
    qtbot.waitUntil(lambda: page.results_table.rowCount() == 3, timeout=20_000)
    outcomes = dict(zip(texts(page, 0), texts(page, 1), strict=True))
    assert sorted(outcomes.values()) == sorted(["已导入", "重复，未改动", "已拒绝"]), outcomes
    assert outcomes["改过-" + package.name] == "已拒绝"
    refused = texts(page, 2)[texts(page, 0).index("改过-" + package.name)]
    assert "未导入" in refused and "未作任何修改" in refused
    assert page.tabs.currentIndex() == 1

    # The per-village table: 溪口村 first (a conflict), its last package and entries
    row = [cell(page.peers, 0, c) for c in range(page.peers.columnCount())]
    assert row[0] == "有冲突" and row[1] == "溪口村" and row[8] == "1"
    assert row[3] != "" and int(row[3]) > 0
    assert page.tabs.tabText(2) == "冲突（1）"

    # The conflict, side by side, settled: keep the township's version, with a reason
    dlg = page.settle_conflict()
    assert dlg is not None
    fields = [cell(dlg.fields, r, 0) for r in range(dlg.fields.rowCount())]
    assert fields[:2] == ["名称", "修改次数"]  # the differing fields first
    assert cell(dlg.fields, 0, 1) == "石梁镇" and cell(dlg.fields, 0, 2) == "石梁镇（村里改的）"
    dlg.accept()
    assert "请选择" in dlg.error_text()
    dlg.choice.ours.setChecked(True)
    dlg.accept()
    assert "理由" in dlg.error_text()
    dlg.choice.reason.setText("乡镇名称以乡镇为准")
    dlg.choice.password.setText("不是这个密码")
    dlg.accept()
    assert "密码不正确" in dlg.error_text() and len(list_conflicts(township.admin)) == 1  # settled nothing
    dlg.choice.password.setText(PASSWORD)
    dlg.accept()
    assert dlg.result() == 1 and list_conflicts(township.admin) == []
    assert page.tabs.tabText(2) == "冲突"

    # 生成下发数据包 for the village selected in the table
    page.peers.selectRow(0)
    page.export_dispatch()
    dispatch = opened(qtbot, page)
    assert dispatch.plan.kind == "dispatch" and dispatch.plan.peer_name == "溪口村"
    assert dispatch.folder_row.edit.text() == str(usb)  # the folder last used
    dispatch.accept()
    qtbot.waitUntil(lambda: dispatch.written is not None, timeout=10_000)
    assert dispatch.written is not None and dispatch.written.path.name.endswith(".下发.zip")
    close_message_boxes()

    # The receipt and the dispatch go back to the village
    receipt = package.with_name(package.stem + ".回执.zip")
    assert receipt.exists()
    vpage.import_paths([dispatch.written.path, receipt])
    qtbot.waitUntil(lambda: vpage.results_table.rowCount() == 2, timeout=10_000)
    assert sorted(texts(vpage, 1)) == ["回执已导入", "已导入"], texts(vpage, 2)
    [tw] = exchange_status(vctx).peers
    assert tw.receipt_seq == export.written.plan.last_seq
    vdb.dispose()


def _village_id(ctx: AppContext) -> str:
    from quzhou_desktop.services.roster.villages import list_villages

    [v] = list_villages(ctx)
    return v.id
