"""合同与资产 over a real temporary SQLite, as a clerk would: the hall in the asset register, a lease from the
村民代表会议's 决议 to its last payment (rent tied to the ledger, the rest on a receipt), the 合同公开; a lease
without a decision told as an error and put on the 工作台's supervision list; every dialog fits 1366×728."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QDialogButtonBox, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from quzhou_desktop.core.contracts import LineState
from quzhou_desktop.gui.contracts.assets_tab import AssetDialog
from quzhou_desktop.gui.contracts.contract_dialog import CompanyDialog, ContractDialog
from quzhou_desktop.gui.contracts.contracts_tab import TerminateDialog
from quzhou_desktop.gui.contracts.page import ContractsPage
from quzhou_desktop.gui.contracts.panel import ContractsPanel
from quzhou_desktop.gui.contracts.payment_dialog import PaymentDialog
from quzhou_desktop.gui.widgets.dates import qdate
from quzhou_desktop.gui.widgets.person_picker import PersonPicker
from quzhou_desktop.services.contracts import query as Q
from quzhou_desktop.services.disclosures.disclosure import get_disclosure
from quzhou_desktop.services.kernel.roles import Role
from tests.support.contracts import D, Village, make_village
from tests.support.gui import close_message_boxes
from tests.support.world import World

SCREEN = QRect(0, 0, 1366, 728)


@pytest.fixture
def v(world: World) -> Village:
    return make_village(world)


def _page(qtbot: QtBot, v: Village) -> ContractsPage:
    page = ContractsPage(v.clerk)
    qtbot.addWidget(page)
    page.resize(1366 - 160, 728 - 90)  # the main window's navigation, tool bar and status bar take the rest
    page.set_village(v.vid)
    page.show()
    qtbot.waitExposed(page)
    return page


def fits(dlg: QWidget) -> None:
    """The dialog at its size fits the screen, and its buttons lie inside it."""
    dlg.show()
    size = dlg.size().expandedTo(dlg.sizeHint())
    assert size.width() <= SCREEN.width() and size.height() <= SCREEN.height() - 30, (
        type(dlg).__name__,
        size,
    )
    for box in dlg.findChildren(QDialogButtonBox):
        for b in box.buttons():
            assert dlg.rect().contains(b.mapTo(dlg, b.rect().bottomRight())), b.text()


def test_a_lease_from_decision_to_last_payment(qtbot: QtBot, v: Village) -> None:
    page = _page(qtbot, v)
    tab = page.contracts
    # Given the 村文化礼堂 in the asset register and the 决议 of 2026-03-10
    dlg = tab.new_contract()
    assert isinstance(dlg, ContractDialog)
    fits(dlg)
    assert dlg.number_edit.text() == "HT-2026-01"
    dlg.title_edit.setText("村文化礼堂租赁合同")
    dlg.kind_combo.setCurrentIndex(dlg.kind_combo.findData("lease"))
    assert "第二十四条" in dlg.decision_hint.text()
    dlg.asset_combo.setCurrentIndex(dlg.asset_combo.findData(v.hall))
    picker = dlg.add_villager()
    assert isinstance(picker, PersonPicker)
    picker.choose("王建国")
    picker.accept()
    assert dlg.party_table.rowCount() == 1 and _text(dlg.party_table, 0, 1) == "王建国"
    qtbot.keyClicks(dlg.amount_edit, "24000")
    assert dlg.upper_label.text() == "人民币贰万肆仟元整"
    dlg.start_edit.setDate(qdate(D("2026-04-01")))
    dlg.end_edit.setDate(qdate(D("2028-03-31")))
    dlg.signed_edit.setDate(qdate(D("2026-03-20")))
    labels = [dlg.decision_combo.itemText(i) for i in range(dlg.decision_combo.count())]
    assert "村文化礼堂对外出租（2026年3月10日村民代表会议决议通过）" in labels
    dlg.decision_combo.setCurrentIndex(
        labels.index("村文化礼堂对外出租（2026年3月10日村民代表会议决议通过）")
    )
    # When the schedule is generated yearly and the contract saved
    dlg.tabs.setCurrentIndex(1)
    dlg.generate()
    assert dlg.schedule.rowCount() == 2 and "¥24,000.00 / 合同金额 ¥24,000.00" in dlg.total_label.text()
    dlg.accept()
    assert dlg.error_text() == ""
    assert close_message_boxes() == ["已保存，但请注意：\n\n• 资产资源“村文化礼堂”的使用状态已随合同改为出租"]
    # Then it is in the register, in force, with two lines to receive
    assert tab.current is not None and tab.current.row.title == "村文化礼堂租赁合同"
    assert [x.state for x in tab.current.lines] == [LineState.OVERDUE, LineState.NOT_DUE]
    # The first year's rent is tied to the ledger line that received it
    pay = tab.record_payment()
    assert isinstance(pay, PaymentDialog)
    fits(pay)
    pay.choose("收文化礼堂租金")
    assert pay.amount_edit.text() == "12000.00"
    pay.accept()
    assert pay.error_text() == ""
    assert tab.current.lines[0].state is LineState.PAID
    # A year later ¥8,000 came in and the rest on a paper receipt: the contract is settled
    v.world.clock._now = datetime(2027, 4, 20, 2, 0)
    tab.reload(keep=True)
    assert tab.current.lines[1].state is LineState.OVERDUE  # nothing yet, 2027-04-01 passed
    pay = tab.record_payment()
    assert isinstance(pay, PaymentDialog)
    pay.choose("（部分）")
    assert pay.amount_edit.text() == "8000.00"
    pay.accept()
    assert tab.current.lines[1].status.outstanding_fen == 400_000
    pay = tab.record_payment()
    assert isinstance(pay, PaymentDialog)
    pay.by_receipt.setChecked(True)
    pay.receipt_edit.setText("0012")
    pay.date_edit.setDate(qdate(D("2027-04-18")))
    pay.accept()
    assert pay.error_text() == ""
    assert [x.state_label for x in tab.current.lines] == ["已收清", "已收清"]
    assert tab.current.row.settled_fen == 2_400_000
    assert _text(tab.detail.lines, 1, 5) == "已收清"
    # The 合同公开 is made as a 村务公开 draft and can be printed from here
    did = tab.disclose()
    assert did is not None and close_message_boxes()
    assert get_disclosure(v.clerk, did).title == "溪口村关于《村文化礼堂租赁合同》的合同公开"
    assert tab.notice_entries() == [("合同公开", "contract", did)]


def test_a_lease_without_decision_is_an_error_and_on_the_supervision_list(qtbot: QtBot, v: Village) -> None:
    page = _page(qtbot, v)
    dlg = page.contracts.new_contract()
    assert isinstance(dlg, ContractDialog)
    dlg.title_edit.setText("村南山塘养殖承包合同")
    dlg.kind_combo.setCurrentIndex(dlg.kind_combo.findData("contracting"))
    company = dlg.add_company()
    assert isinstance(company, CompanyDialog)
    company.name_edit.setText("衢州市某某水产养殖场")
    company.accept()
    qtbot.keyClicks(dlg.amount_edit, "27000")
    dlg.accept()
    shown = close_message_boxes()
    assert (
        len(shown) == 1
        and "错误：发包/承包合同处分村集体资产资源，须有村民会议或村民代表会议的决议" in shown[0]
    )
    assert "第二十四条" in shown[0]
    chair = v.world.new_user("jianwei_zr", Role.SUPERVISOR_CHAIR, villages=[v.vid])
    panel = ContractsPanel(chair)
    qtbot.addWidget(panel)
    panel.set_village(v.vid)
    assert "村南山塘养殖承包合同" in panel.labels["undecided"].text()
    assert "村文化礼堂" not in panel.labels["no_contract"].text()  # the hall is idle: no reminder
    # the register's 缺少决议 filter shows it too
    page.contracts.set_status("no_decision")
    assert page.contracts.model.total == 1


def test_assets_terminate_and_dialogs_fit(qtbot: QtBot, v: Village) -> None:
    page = _page(qtbot, v)
    page.tabs.setCurrentWidget(page.assets)
    dlg = page.assets.new_asset()
    assert isinstance(dlg, AssetDialog)
    fits(dlg)
    dlg.name_edit.setText("村南山塘")
    dlg.kind_combo.setCurrentIndex(dlg.kind_combo.findData("water"))
    assert dlg.unit_combo.currentText() == "亩"
    dlg.area_edit.setText("12.5")
    dlg.status_combo.setCurrentIndex(dlg.status_combo.findData("contracted"))
    dlg.accept()
    assert dlg.error_text() == ""
    assert page.assets.model.total == 2
    page.assets.set_status("no_contract")
    assert [r.name for r in page.assets.model.loaded_rows()] == ["村南山塘"]
    assert page.assets.model.row(0).area_text == "12.5亩"
    # a lease in force, then terminated: the hall goes back to 闲置
    from quzhou_desktop.services.contracts.contract import create_contract

    cid, _ = create_contract(v.clerk, v.vid, v.lease())
    page.tabs.setCurrentWidget(page.contracts)
    page.open_contract(cid)
    term = page.contracts.terminate()
    assert isinstance(term, TerminateDialog)
    fits(term)
    term.reason.setText("承租人申请提前退租")
    term.accept()
    assert term.error_text() == ""
    assert "资产资源“村文化礼堂”的使用状态改为闲置" in close_message_boxes()[0]
    assert Q.contract_detail(v.clerk, cid).row.status_label == "已终止"
    assert not page.contracts.buttons["edit"].isEnabled()


def test_a_reader_sees_but_cannot_record(qtbot: QtBot, v: Village) -> None:
    reader = v.world.new_user("chakan", Role.READONLY, villages=[v.vid])
    page = ContractsPage(reader)
    qtbot.addWidget(page)
    page.set_village(v.vid)
    assert all(b.isHidden() for b in page.contracts.buttons.values())
    assert all(b.isHidden() for b in page.assets.buttons.values())
    page.tabs.setCurrentWidget(page.assets)
    assert page.assets.model.total == 1


def _text(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    assert item is not None, (row, column)
    return item.text()
