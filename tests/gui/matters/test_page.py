"""pytest-qt: record a matter from 提议 to 实施结果公开 through the real dialogs; see a quorum refused in Chinese."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from quzhou_desktop.core.matters import StepType
from quzhou_desktop.gui.matters.matter_dialog import MatterDialog
from quzhou_desktop.gui.matters.page import MattersPage
from quzhou_desktop.gui.matters.panel import MattersPanel
from quzhou_desktop.gui.matters.step_dialog import StepDialog, qdate
from tests.gui.conftest import close_message_boxes
from tests.services.matters.test_matters import D0, PASSWORD, World, make_world


@pytest.fixture
def world() -> World:
    return make_world()


@pytest.fixture
def page(qtbot: QtBot, world: World) -> MattersPage:
    p = MattersPage(world.clerk)
    qtbot.addWidget(p)
    p.set_village(world.vid)
    p.resize(1300, 760)
    p.show()
    return p


def create_matter(qtbot: QtBot, page: MattersPage, title: str) -> None:
    page.new_button.click()
    dlg = page.dialog
    assert isinstance(dlg, MatterDialog)
    dlg.title_edit.setText(title)  # QTest cannot type CJK characters; digits below are typed
    dlg.category_combo.setCurrentIndex(dlg.category_combo.findData("public_welfare"))
    qtbot.keyClicks(dlg.amount_edit, "120000.50")
    dlg.accept()
    assert dlg.result() == 1, dlg.error_text()
    assert page.current is not None and page.current.matter.title == title


def fill_meeting(qtbot: QtBot, dlg: StepDialog, on: date, chair: str, recorder: str) -> None:
    dlg.date_edit.setDate(qdate(on))
    dlg.place_edit.setText("村委会会议室")
    dlg.chair_combo.setCurrentIndex(dlg.chair_combo.findData(chair))
    dlg.recorder_combo.setCurrentIndex(dlg.recorder_combo.findData(recorder))
    dlg.mark_all_present()
    assert dlg.roster is not None
    voters = dlg.roster.voting_members
    dlg.yes_spin.selectAll()
    qtbot.keyClicks(dlg.yes_spin, str(voters))  # numbers typed on the keyboard
    qtbot.keyClick(dlg.yes_spin, Qt.Key.Key_Tab)
    if dlg.notice_check.isVisible():
        dlg.notice_check.setChecked(True)
        dlg.notice_edit.setDate(qdate(on - timedelta(days=5)))


def fill_posting(dlg: StepDialog, start: date, end: date, text: str) -> None:
    dlg.posting_from.setDate(qdate(start))
    dlg.posting_to.setDate(qdate(end))
    dlg.posting_place.setText("村务公开栏")
    (dlg.plan_edit if dlg.step is StepType.PLAN_POSTING else dlg.decision_edit).setPlainText(text)


def test_record_a_matter_from_proposal_to_result_disclosure(
    qtbot: QtBot, page: MattersPage, world: World
) -> None:
    create_matter(qtbot, page, "村道硬化工程")
    chair, recorder = world.people["secretary"], world.people["committee"][2]
    plan = [
        (StepType.PROPOSE, D0),
        (StepType.CONSULT, D0 + timedelta(3)),
        (StepType.PLAN_POSTING, D0 + timedelta(4)),
        (StepType.DELIBERATE, D0 + timedelta(20)),
        (StepType.RESOLVE, D0 + timedelta(23)),
        (StepType.RESOLUTION_DISCLOSURE, D0 + timedelta(24)),
        (StepType.IMPLEMENT, D0 + timedelta(50)),
        (StepType.RESULT_DISCLOSURE, D0 + timedelta(52)),
    ]
    for step, on in plan:
        assert step in page.allowed_steps(), page.current
        dlg = page.record_step(step)
        assert dlg is not None
        if step.bodies:
            fill_meeting(qtbot, dlg, on, chair, recorder)
            dlg.decision_edit.setPlainText("同意")
        elif step is StepType.IMPLEMENT:
            dlg.date_edit.setDate(qdate(on))
            dlg.minutes_edit.setPlainText("已完工并验收")
        else:
            end = on + timedelta(days=16 if step is StepType.PLAN_POSTING else 7)
            fill_posting(dlg, on, end, "公示内容")
        check = dlg.run_check()
        assert check is not None and check.can_finalize, dlg.verdict.text()
        dlg.password.setText(PASSWORD)  # 定稿 is the clerk's signed act
        qtbot.mouseClick(dlg.final_button, Qt.MouseButton.LeftButton)
        assert dlg.result() == 1, dlg.error.text()
        close_message_boxes()
    assert page.current is not None
    assert page.current.matter.status_label == "已完成"
    html = page.detail.toPlainText()
    assert "五议两公开程序已全部完成" in html and "实施结果公开" in html
    assert page.model.total == 1 and page.model.row(0).current_step_label == "实施结果公开"


def test_invalid_quorum_is_explained_in_chinese(qtbot: QtBot, page: MattersPage, world: World) -> None:
    create_matter(qtbot, page, "宅基地规划")
    dlg = page.record_step(StepType.PROPOSE)
    assert dlg is not None
    fill_meeting(qtbot, dlg, D0, world.people["secretary"], world.people["committee"][2])
    dlg.set_present(2)  # 支委会 5 members, 2 present
    dlg.yes_spin.setValue(2)
    dlg.run_check()
    text = dlg.verdict.text()
    assert "应到5人，实到2人，不足半数以上（需3人），会议无效" in text
    dlg.password.setText(PASSWORD)
    qtbot.mouseClick(dlg.final_button, Qt.MouseButton.LeftButton)
    assert dlg.isVisible() and "会议无效" in dlg.error.text()
    # the clerk keeps the record as a draft
    qtbot.mouseClick(dlg.draft_button, Qt.MouseButton.LeftButton)
    assert dlg.result() == 1
    assert page.current is not None and page.current.draft is not None
    assert page.step_button.text() == "继续草稿…"


def test_filters_and_dashboard_panel(qtbot: QtBot, page: MattersPage, world: World) -> None:
    create_matter(qtbot, page, "山塘清淤")
    create_matter(qtbot, page, "文化礼堂")
    page.search_edit.setText("山塘")
    qtbot.waitUntil(lambda: page.model.total == 1, timeout=2000)
    page.status_combo.setCurrentIndex(page.status_combo.findData("failed"))
    assert page.model.total == 0
    panel = MattersPanel(world.clerk)
    qtbot.addWidget(panel)
    panel.set_village(world.vid)
    assert "文化礼堂" in panel.waiting.text()
