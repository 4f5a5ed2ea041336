"""村务监督 section over a real temporary SQLite: the clerk submits, the 村监会 reviews with passwords, the
主任 and 书记 sign (C17); a signature before the review is refused with a Chinese message."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from quzhou_desktop.gui.vouchers.page import VouchersPage
from quzhou_desktop.gui.vouchers.sign_dialogs import ReviewDialog, SignDialog
from quzhou_desktop.gui.vouchers.voucher_dialog import VoucherDialog
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.vouchers.data import voucher_detail
from tests.support.gui import close_message_boxes
from tests.support.vouchers import VoucherVillage, make_voucher_village
from tests.support.world import PASSWORD, World


def _page(qtbot: QtBot, ctx: AppContext, village_id: str) -> VouchersPage:
    page = VouchersPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.set_village(village_id)
    page.show()
    qtbot.waitExposed(page)
    return page


def _enter_voucher(qtbot: QtBot, v: VoucherVillage) -> tuple[VouchersPage, str]:
    page = _page(qtbot, v.clerk, v.vid)
    tab = page.list_tab
    assert tab.buttons["review"].isHidden() and not tab.buttons["new"].isHidden()  # a clerk does not review
    dlg = tab.new_voucher()
    assert isinstance(dlg, VoucherDialog)
    assert dlg.number_edit.text() == "001"
    dlg.handler_edit.setText("王小明")
    dlg.payee_edit.setText("柯城区建材经营部")
    dlg.purpose_edit.setText("村道修补水泥")
    qtbot.keyClicks(dlg.amount_edit, "1500")
    assert dlg.upper_label.text() == "大写：人民币壹仟伍佰元整"  # C24, shown live
    assert "数额较小" in dlg.tier_label.text()  # C16 tier
    dlg.invoices_spin.setValue(2)
    dlg.accept()
    assert dlg.error_text() == ""
    close_message_boxes()
    assert tab.current is not None and tab.current.row.status == "draft"
    vid = tab.current.row.id
    qtbot.mouseClick(tab.buttons["submit"], Qt.MouseButton.LeftButton)
    assert close_message_boxes() == []
    assert tab.current.row.status == "submitted"
    v.world.clock.advance(hours=2)
    return page, vid


def _review(qtbot: QtBot, ctx: AppContext, v: VoucherVillage, voucher_id: str) -> str:
    page = _page(qtbot, ctx, v.vid)
    tab = page.list_tab
    tab.select_voucher(voucher_id)
    dlg = tab.review()
    assert isinstance(dlg, ReviewDialog)
    dlg.password.setText("wrong-password")
    dlg.accept()
    assert dlg.error_text() == "密码不正确，签名未完成，未作任何修改"
    dlg.password.setText(PASSWORD)
    dlg.accept()
    assert dlg.error_text() == ""
    assert tab.current is not None
    return tab.current.row.status


def _sign(qtbot: QtBot, ctx: AppContext, v: VoucherVillage, voucher_id: str) -> tuple[SignDialog, str]:
    page = _page(qtbot, ctx, v.vid)
    tab = page.list_tab
    tab.select_voucher(voucher_id)
    dlg = tab.sign()
    assert isinstance(dlg, SignDialog)
    dlg.password.setText(PASSWORD)
    dlg.accept()
    return dlg, voucher_detail(ctx, voucher_id).row.status


def test_clerk_submits_committee_reviews_leaders_sign(qtbot: QtBot, world: World) -> None:
    v = make_voucher_village(world)
    _page_clerk, vid = _enter_voucher(qtbot, v)
    # The 村监会 主任 reviews with the password; one more member completes the review (C18: more than half)
    assert _review(qtbot, v.chair, v, vid) == "submitted"
    world.clock.advance(minutes=10)
    assert _review(qtbot, v.member1, v, vid) == "reviewed"
    world.clock.advance(hours=1)
    dlg, status = _sign(qtbot, v.director, v, vid)
    assert (dlg.error_text(), status) == ("", "director_signed")
    assert "村监会审核意见：监委甲 同意；监委乙 同意" in dlg.findChildren(type(dlg.error))[1].text()
    world.clock.advance(hours=1)
    dlg, status = _sign(qtbot, v.secretary, v, vid)
    assert (dlg.error_text(), status) == ("", "secretary_signed")
    trail = [e.kind for e in voucher_detail(v.clerk, vid).events]
    assert trail == ["submit", "review", "review", "sign_director", "sign_secretary"]


def test_signature_before_review_is_refused(qtbot: QtBot, world: World) -> None:
    v = make_voucher_village(world)
    _page_clerk, vid = _enter_voucher(qtbot, v)
    dlg, status = _sign(qtbot, v.director, v, vid)
    assert status == "submitted"
    assert dlg.isVisible()
    assert (
        dlg.error_text()
        == "先审后签：凭证001目前为“待村监会审核”，须经村监会审核同意后才能由主任（社长）签字，"
        "依据浙江省有关地方规定（财务支出事项应经村务监督委员会审查）；武义县后陈村的做法（地方做法）"
    )


def test_monthly_tab_and_ledger(qtbot: QtBot, world: World) -> None:
    v = make_voucher_village(world)
    _page_clerk, vid = _enter_voucher(qtbot, v)
    _review(qtbot, v.chair, v, vid)
    page = _page(qtbot, v.chair, v.vid)
    page.open_month(2026, 11)
    tab = page.monthly_tab
    assert tab.table.rowCount() == 1
    assert "尚未审核完毕：凭证001（待村监会审核，须村监会成员审核）" in tab.totals_label.text()
    names = [c.text() for c in tab.attendee_checks]
    assert names[0] == "监委甲（主任）" and sorted(names[1:]) == ["监委丙", "监委乙"]  # the chair first
    assert page.ledger_tab.model.total == 0  # a hidden tab does not query until it is shown
    page.tabs.setCurrentWidget(page.ledger_tab)
    assert page.ledger_tab.model.total == 1
    assert page.ledger_tab.model.row(0).opinion_label == "同意"


def test_dashboard_panel_per_role(qtbot: QtBot, world: World) -> None:
    from quzhou_desktop.gui.vouchers.panel import VouchersPanel

    v = make_voucher_village(world)
    _page_clerk, vid = _enter_voucher(qtbot, v)
    chair = VouchersPanel(v.chair)
    qtbot.addWidget(chair)
    chair.set_village(None)  # the dashboard does this right after building its panels
    assert f"voucher:{vid}" in chair.labels["review"].text()
    assert chair.labels["sign"].isHidden() and chair.labels["returned"].isHidden()
    clerk = VouchersPanel(v.clerk)
    qtbot.addWidget(clerk)
    clerk.set_village(None)
    assert clerk.labels["review"].isHidden()
    assert clerk.labels["returned"].text().endswith("没有退回的凭证</span>")


def test_sign_button_is_off_with_its_reason_before_any_password(qtbot: QtBot, world: World) -> None:
    v = make_voucher_village(world)
    _page_clerk, vid = _enter_voucher(qtbot, v)
    page = _page(qtbot, v.director, v.vid)
    tab = page.list_tab
    tab.select_voucher(vid)
    sign = tab.buttons["sign"]
    assert not sign.isHidden() and not sign.isEnabled()
    assert tab.sign_reason.text().startswith("暂不能签字：先审后签：凭证001目前为“待村监会审核”")
    assert sign.toolTip() in tab.sign_reason.text() and "C17" not in tab.sign_reason.text()
    _review(qtbot, v.chair, v, vid)
    _review(qtbot, v.member1, v, vid)
    tab.reload(keep=True)
    tab.select_voucher(vid)
    assert sign.isEnabled() and tab.sign_reason.isHidden() and sign.text() == "主任（社长）签字…"


def test_monthly_form_is_read_only_for_the_clerk_and_signing_waits(qtbot: QtBot, world: World) -> None:
    v = make_voucher_village(world)
    _page_clerk, _vid = _enter_voucher(qtbot, v)
    clerk = _page(qtbot, v.clerk, v.vid)
    clerk.open_month(2026, 11)
    tab = clerk.monthly_tab
    assert tab.save_button.isHidden() and tab.sign_button.isHidden()
    assert tab.overall_edit.isReadOnly() and not tab.date_edit.isEnabled()
    assert not any(c.isEnabled() for c in tab.attendee_checks)
    assert tab.table.editTriggers() == tab.table.EditTrigger.NoEditTriggers
    chair = _page(qtbot, v.chair, v.vid)
    chair.open_month(2026, 11)
    tab = chair.monthly_tab
    assert not tab.overall_edit.isReadOnly()
    tab.overall_edit.setPlainText("本月票据齐全")
    for c in tab.attendee_checks:
        c.setChecked(True)
    assert tab.save()
    close_message_boxes()
    assert not tab.sign_button.isEnabled()
    assert "凭证001（待村监会审核，须村监会成员审核）" in tab.sign_reason.text()
    tab.unreviewed_edit.setText("001号凭证待下次例会审核")
    assert tab.save()
    close_message_boxes()
    assert tab.sign_button.isEnabled() and tab.sign_reason.isHidden()


def test_submit_the_selected_imported_drafts_at_once(qtbot: QtBot, world: World) -> None:
    from PySide6.QtCore import QItemSelectionModel

    from quzhou_desktop.services.vouchers.voucher import create_voucher

    v = make_voucher_village(world)
    for n in ("001", "002", "003"):
        create_voucher(v.clerk, v.vid, v.fields(number=n))
    create_voucher(v.clerk, v.vid, v.fields(2_500_000, number="004"))  # 数额较大 without a decision: refused
    page = _page(qtbot, v.clerk, v.vid)
    tab = page.list_tab
    assert not tab.buttons["submit_selected"].isEnabled()
    sel = tab.view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for r in range(tab.model.rowCount()):
        sel.select(tab.model.index(r, 0), flags)
    assert len(tab.selected_drafts()) == 4 and tab.buttons["submit_selected"].isEnabled()
    qtbot.mouseClick(tab.buttons["submit_selected"], Qt.MouseButton.LeftButton)
    texts = close_message_boxes()
    assert len(texts) == 1 and texts[0].startswith("已提交3张凭证；1张未能提交——004：")
    assert "联席会议" in texts[0]
    statuses = sorted(tab.model.row(r).status for r in range(tab.model.rowCount()))
    assert statuses == ["draft", "submitted", "submitted", "submitted"]
