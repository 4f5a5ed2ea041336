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
from quzhou_desktop.services.demo.state import DEMO_PASSWORD as PASSWORD
from tests.support.gui import close_message_boxes
from tests.support.matters import D0, MattersTown


@pytest.fixture
def page(qtbot: QtBot, town: MattersTown) -> MattersPage:
    p = MattersPage(town.clerk)
    qtbot.addWidget(p)
    p.set_village(town.vid)
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
    qtbot: QtBot, page: MattersPage, town: MattersTown
) -> None:
    create_matter(qtbot, page, "村道硬化工程")
    chair, recorder = town.people["secretary"], town.people["committee"][2]
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


def test_invalid_quorum_is_explained_once_and_recorded_as_it_was(
    qtbot: QtBot, page: MattersPage, town: MattersTown
) -> None:
    create_matter(qtbot, page, "宅基地规划")
    dlg = page.record_step(StepType.PROPOSE)
    assert dlg is not None
    fill_meeting(qtbot, dlg, D0, town.people["secretary"], town.people["committee"][2])
    dlg.set_present(2)  # 支委会 5 members, 2 present
    dlg.yes_spin.setValue(2)
    dlg.run_check()
    text = dlg.verdict.text()
    assert text.count("会议无效") == 3  # the arithmetic, the vote line, and what 定稿 will do — no "可以定稿"
    assert "应到5人，实到2人，不足半数以上（需3人），会议无效" in text
    assert "可以定稿。" not in text and "事项不推进" in text
    assert dlg.final_button.text() == "定稿（记为会议无效）"
    dlg.password.setText(PASSWORD)  # 定稿 is a signed act
    qtbot.mouseClick(dlg.final_button, Qt.MouseButton.LeftButton)
    assert dlg.result() == 1, dlg.error.text()
    close_message_boxes()
    assert page.current is not None
    assert [s.result_label for s in page.current.steps] == ["会议无效"]
    assert page.current.matter.status == "in_progress"
    assert StepType.PROPOSE in page.allowed_steps()  # the 提议 is still to be made


def test_a_new_form_shows_what_to_fill_not_errors(qtbot: QtBot, page: MattersPage, town: MattersTown) -> None:
    create_matter(qtbot, page, "宅基地规划")
    dlg = page.record_step(StepType.PROPOSE)
    assert dlg is not None
    text = dlg.verdict.text()
    assert "还需填写：" in text and "出席情况" in text and "会议地点" in text
    assert "#b00020" not in text and "会议无效" not in text  # nothing red on a blank form
    # the chair defaults to the 书记 (支委会), shown by office; names sorted by pinyin
    assert dlg.chair_combo.currentData() == town.people["secretary"]
    assert "书记" in dlg.chair_combo.currentText()
    labels = [dlg.chair_combo.itemText(i) for i in range(1, dlg.chair_combo.count())]
    assert not any("联席会议成员" in t and "书记" in t for t in labels)
    from quzhou_desktop.core.names import pinyin_key

    names = [t.split("（")[0] for t in labels]
    assert names == sorted(names, key=pinyin_key)
    # 定稿 now is refused with the same words the dialog shows, once
    qtbot.mouseClick(dlg.final_button, Qt.MouseButton.LeftButton)
    assert dlg.isVisible() and dlg.error.text() == "尚不能定稿，请按上面所列补充或更正。"
    assert dlg.verdict.text().count("还需填写") == 1


def test_filters_and_dashboard_panel(qtbot: QtBot, page: MattersPage, town: MattersTown) -> None:
    create_matter(qtbot, page, "山塘清淤")
    create_matter(qtbot, page, "文化礼堂")
    page.search_edit.setText("山塘")
    qtbot.waitUntil(lambda: page.model.total == 1, timeout=2000)
    page.status_combo.setCurrentIndex(page.status_combo.findData("failed"))
    assert page.model.total == 0
    panel = MattersPanel(town.clerk)
    qtbot.addWidget(panel)
    panel.set_village(town.vid)
    assert "文化礼堂" in panel.waiting.text()
