"""三务公开 page over a real temporary SQLite: a clerk builds the October 财务公开 from reviewed vouchers, the
村监会 member reviews it with the password (C31), the clerk posts it; without the review posting is refused."""

from __future__ import annotations

from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from quzhou_desktop.gui.disclosures.cadence_tab import CadenceTab
from quzhou_desktop.gui.disclosures.detail import DisclosureDetail
from quzhou_desktop.gui.disclosures.dialogs import FinanceDialog, PostDialog, ReviewDialog
from quzhou_desktop.gui.disclosures.page import DisclosuresPage
from quzhou_desktop.gui.disclosures.panel import DisclosuresPanel
from quzhou_desktop.services.disclosures import disclosure as svc
from tests.support.disclosures import DisclosureStaff, add_vouchers
from tests.support.world import PASSWORD


@pytest.fixture
def staff(staff: DisclosureStaff) -> DisclosureStaff:
    """The staff, with October vouchers and a ledger income in 溪口村."""
    add_vouchers(
        staff.world, staff.v0,
        [(date(2026, 10, 8), "2026-031", 125000, "reviewed"), (date(2026, 10, 22), "2026-032", 38050, "accepted"),
         (date(2026, 10, 23), "2026-033", 99900, "submitted")],  # not reviewed: not in the table
        ledger=[(date(2026, 10, 15), None, "土地租金收入", 1800000, 0)],
    )  # fmt: skip
    return staff


def _new_finance(qtbot: QtBot, staff: DisclosureStaff) -> tuple[DisclosuresPage, str]:
    page = DisclosuresPage(staff.clerk)
    qtbot.addWidget(page)
    page.set_village(staff.v0)
    dlg = page.register.new_finance()
    assert isinstance(dlg, FinanceDialog)
    # the previous month (today 2026-11-24) is preselected
    assert dlg.title_label.text().startswith("<b>2026年10月财务收支公开")
    assert dlg.table.rowCount() == 3
    assert "¥18,000.00（人民币壹万捌仟元整）" in dlg.totals.text()
    assert "¥1,630.50（人民币壹仟陆佰叁拾元零伍角整）" in dlg.totals.text()
    dlg.accept()
    assert dlg.error_text() == ""
    detail = page.register.dialog
    assert isinstance(detail, DisclosureDetail) and detail.info is not None
    assert detail.info.status == "draft" and detail.info.total_expense_fen == 163050
    assert page.register.model.total == 1
    return page, detail.info.id


def test_monthly_finance_from_reviewed_vouchers_reviewed_then_posted(
    qtbot: QtBot, staff: DisclosureStaff
) -> None:
    page, did = _new_finance(qtbot, staff)
    # Given the 村监会 member opens it, When they sign with the password, Then it is reviewed (C31)
    sup_view = DisclosureDetail(staff.sup, did)
    qtbot.addWidget(sup_view)
    assert sup_view.review_button.isEnabled() and not sup_view.post_button.isEnabled()
    review = sup_view.review()
    assert isinstance(review, ReviewDialog)
    review.password.setText("wrong")
    review.accept()
    assert "密码不正确" in review.error_text()
    review.password.setText(PASSWORD)
    review.accept()
    assert review.error_text() == "" and svc.get_disclosure(staff.clerk, did).status == "reviewed"
    # When the clerk marks it posted on the 公开栏 and 网络, Then it is posted and immutable
    clerk_view = DisclosureDetail(staff.clerk, did)
    qtbot.addWidget(clerk_view)
    assert "郑监督" in clerk_view.review_line.text()
    post = clerk_view.post()
    assert isinstance(post, PostDialog)
    post.checks[3].setChecked(True)
    post.accept()
    assert "密码不正确" in post.error_text()  # posting is the clerk's signed act
    post.password.setText(PASSWORD)
    post.accept()
    assert post.error_text() == ""
    info = svc.get_disclosure(staff.clerk, did)
    assert info.status == "posted" and info.channels == ("公开栏", "网络")
    assert clerk_view.correct_button.isVisibleTo(clerk_view) and clerk_view.correct_button.isEnabled()
    assert not clerk_view.post_button.isVisibleTo(clerk_view)
    page.register.reload()
    assert page.register.model.row(0).status_label == "已公开"


def test_posting_without_review_is_refused_in_the_dialog(qtbot: QtBot, staff: DisclosureStaff) -> None:
    _page, did = _new_finance(qtbot, staff)
    view = DisclosureDetail(staff.clerk, did)
    qtbot.addWidget(view)
    assert (
        "财务公开须审核签字后方可公开、打印，依据《农村集体经济组织财务公开规定》" in view.review_line.text()
    )
    assert "C31" not in view.review_line.text()
    post = view.post()
    assert isinstance(post, PostDialog)
    post.accept()
    assert "须经村务监督委员会审核签字" in post.error_text()
    assert svc.get_disclosure(staff.clerk, did).status == "draft"


def test_cadence_tab_and_panel_speak_chinese(qtbot: QtBot, staff: DisclosureStaff) -> None:
    tab = CadenceTab(staff.clerk)
    qtbot.addWidget(tab)
    tab.set_village(staff.v0)
    assert tab.items.rowCount() >= 8
    assert "本期尚未公开" in tab.summary.text() and "已逾期" in tab.summary.text()
    assert tab.town.rowCount() == 2
    panel = DisclosuresPanel(staff.world.admin)
    qtbot.addWidget(panel)
    panel.set_village(None)  # the dashboard does this right after building its panels
    assert "【溪口村】已逾期" in panel.text.text()
    panel.set_village(staff.v1)
    assert panel.text.text().startswith("<span") and "上洋村" in panel.text.text()


def test_catalogue_names_are_never_cut_mid_word() -> None:
    from quzhou_desktop.gui.disclosures.cadence_tab import short_item_name

    assert short_item_name("财务收支情况（财务计划、各项收入和支出）") == "财务收支情况"
    assert short_item_name("村级重大事项决策情况") == "村级重大事项决策情况"
    from quzhou_desktop.core.disclosures import CATALOGUE

    for item in CATALOGUE:
        name = item.title
        short = short_item_name(name)
        assert name.startswith(short) and (short == name or name[len(short)] in "（(")
