"""A trained clerk records one 决议 meeting — date, notice, place, chair, recorder, attendance of 36, votes, a
40-character decision and a 200-character minutes text — through the real dialog, by keyboard and mouse,
counting every input. The time model (keystroke-level model, with a Chinese typing rate) must stay within three
minutes; the counts are printed for the closing note (pytest -s)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QDateEdit, QWidget
from pytestqt.qtbot import QtBot

from quzhou_desktop.core.matters import StepType
from quzhou_desktop.gui.matters.step_dialog import StepDialog
from quzhou_desktop.services.demo.state import DEMO_PASSWORD as PASSWORD
from quzhou_desktop.services.matters import steps as S
from quzhou_desktop.services.matters.matter import get_matter
from tests.support.matters import D0, MattersTown, make_matters_town, new_matter, run_to

DECISION = "同意村文化礼堂提升改造方案，总投资三十八万元，资金由村集体收入和上级补助共同解决"
MINUTES = (
    "会议由村委会主任主持，应到村民代表三十六人，实到三十三人，符合法定人数。主任介绍了村文化礼堂提升改造的"
    "方案，包括屋面翻修、舞台改造、照明音响更新和无障碍通道建设，总投资约三十八万元。代表们进行了讨论，有代表"
    "提出施工期间应保障老年活动室正常使用，有代表建议工程招标要公开透明，主任一一作了答复。经举手表决，赞成"
    "三十人，反对二人，弃权一人，方案通过。会议要求村委会按程序公开决议并组织实施，村监会全程监督"
)
# Keystroke-level model (Card, Moran & Newell): pointing and clicking, one keystroke, and the mental
# preparation before each field; Chinese text at a trained clerk's pinyin-IME rate.
CLICK_S, KEY_S, THINK_S, CHARS_PER_MIN = 1.3, 0.28, 1.35, 100


@dataclass
class Clerk:
    """Performs inputs through qtbot and counts them."""

    qtbot: QtBot
    clicks: int = 0
    keys: int = 0
    fields: int = 0  # distinct things the clerk decides to do (mental preparations)
    chars: int = 0  # Chinese characters committed through the input method
    log: list[str] = field(default_factory=list)

    def click(self, w: QWidget, pos: QPoint | None = None, what: str = "", *, think: bool = True) -> None:
        """``think``: a new decision (KLM's mental preparation); off for the next click of the same chunk."""
        self.qtbot.mouseClick(w, Qt.MouseButton.LeftButton, pos=pos or w.rect().center())
        self.clicks += 1
        self.fields += think
        self.log.append(f"点击 {what or w.objectName() or type(w).__name__}")

    def double_click(self, w: QWidget, what: str = "") -> None:
        self.qtbot.mouseDClick(w, Qt.MouseButton.LeftButton, pos=w.rect().center())
        self.clicks += 1
        self.fields += 1
        self.log.append(f"双击 {what}")

    def pick_section(self, edit: QDateEdit, section: QDateEdit.Section, *, think: bool = True) -> None:
        """Double-click a section of a date (counted as one click): it is selected, typing replaces it."""
        edit.setFocus()
        edit.setSelectedSection(section)
        self.clicks += 1
        self.fields += think

    def key(self, w: QWidget, key: Qt.Key) -> None:
        self.qtbot.keyClick(w, key)
        self.keys += 1

    def type_digits(self, w: QWidget, text: str) -> None:
        self.qtbot.keyClicks(w, text)
        self.keys += len(text)

    def type_chinese(self, w: QWidget, text: str, chunk: int = 4) -> None:
        """Commit ``text`` as a pinyin IME does, a word at a time."""
        for i in range(0, len(text), chunk):
            event = QInputMethodEvent()
            event.setCommitString(text[i : i + chunk])
            QApplication.sendEvent(w, event)
        self.chars += len(text)
        self.fields += 1

    @property
    def seconds(self) -> float:
        return (
            self.clicks * CLICK_S
            + self.keys * KEY_S
            + self.fields * THINK_S
            + self.chars * 60 / CHARS_PER_MIN
        )


@pytest.fixture
def village36() -> MattersTown:
    """The demo village whose 村民代表会议 has 36 members, up to its 党员大会审议."""
    base = make_matters_town()
    admin = base.state.login("admin")
    for vid in base.state.village_ids:
        if S.meeting_roster(admin, vid, "representatives", D0 + timedelta(23)).voting_members == 36:
            return MattersTown(base.state, admin, vid, base.state.people[vid])
    raise AssertionError("the demo has no village with 36 representatives")


def cell_center(dlg: StepDialog, row: int) -> QPoint:
    rect = dlg.table.visualRect(dlg.table.model().index(row, dlg.COL_PRESENT))
    return rect.center()


def test_record_a_resolution_meeting_in_three_minutes(qtbot: QtBot, village36: MattersTown) -> None:
    w = village36
    m = new_matter(w, title="村文化礼堂提升改造")
    done = run_to(w, m.id, "deliberate")
    on: date = D0 + timedelta(23)
    dlg = StepDialog(w.clerk, m.id, w.vid, StepType.RESOLVE, carry=done["deliberate"])
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.activateWindow()
    qtbot.waitActive(dlg)
    # defaults the clerk only checks: body (代表会议), place (from the last step), chair (主任), recorder
    body = dlg.body()
    assert body is not None and body.value == "representatives"
    assert dlg.place_edit.text() == "村委会会议室"
    assert "主任" in dlg.chair_combo.currentText()
    clerk = Clerk(qtbot)

    # 1. meeting date (this year): double-click the month, type it; double-click the day, type it
    edit = dlg.date_edit
    assert isinstance(edit, QAbstractSpinBox) and edit.date().year() == on.year
    for section, value in ((edit.Section.MonthSection, on.month), (edit.Section.DaySection, on.day)):
        clerk.pick_section(edit, section, think=section is edit.Section.MonthSection)
        clerk.type_digits(edit, str(value))
    assert edit.date().toPython() == on, edit.date()
    # 2. notice: one tick (the date defaults to the latest C13 allows)
    clerk.click(dlg.notice_check, QPoint(8, dlg.notice_check.height() // 2), "已通知")
    notice_day = dlg.notice_edit.date().toPython()
    assert dlg.notice_check.isChecked() and isinstance(notice_day, date) and notice_day < on
    # 3. recorder: the village's last recorder is the default; here the clerk picks 记录人 by keyboard
    if dlg.recorder_combo.currentData() is None:
        clerk.click(dlg.recorder_combo, what="记录人")
        clerk.key(dlg.recorder_combo, Qt.Key.Key_Down)
        clerk.key(dlg.recorder_combo, Qt.Key.Key_Return)
    # 4. attendance of 36: all present, then untick the three who were away
    clerk.click(dlg.all_present, what="全部到会")
    assert dlg.table.rowCount() == 36
    for row in (4, 17, 29):
        clerk.click(dlg.table.viewport(), cell_center(dlg, row), "缺席", think=row == 4)
    present = sum(1 for a in dlg.attendance() if a.status == "present")
    assert present == 33
    # 5. votes: 赞成 follows 到会 − 反对 − 弃权; type 反对 and 弃权
    clerk.double_click(dlg.no_spin.lineEdit(), what="反对")  # selects the 0, typing replaces it
    clerk.type_digits(dlg.no_spin, "2")
    clerk.double_click(dlg.abstain_spin.lineEdit(), what="弃权")
    clerk.type_digits(dlg.abstain_spin, "1")
    assert (dlg.yes_spin.value(), dlg.no_spin.value(), dlg.abstain_spin.value()) == (30, 2, 1)
    # 6. texts: the decision (40 characters) and the minutes (200 characters)
    assert (len(DECISION), len(MINUTES)) == (40, 200)
    clerk.click(dlg.decision_edit.viewport(), what="决议")
    clerk.type_chinese(dlg.decision_edit, DECISION)
    clerk.click(dlg.minutes_edit.viewport(), what="会议记录")
    clerk.type_chinese(dlg.minutes_edit, MINUTES)
    assert dlg.decision_edit.toPlainText() == DECISION and dlg.minutes_edit.toPlainText() == MINUTES
    # 7. 定稿, a signed act: the clerk types the login password beside the button
    check = dlg.run_check()
    assert check is not None and check.can_finalize, dlg.verdict.text()
    clerk.click(dlg.password, what="登录密码")  # one decision, "sign": the password, then the button
    clerk.type_digits(dlg.password, PASSWORD)
    clerk.click(dlg.final_button, what="定稿", think=False)
    assert dlg.result() == 1, dlg.error.text()
    saved = get_matter(w.clerk, m.id).final_steps[-1]
    assert saved.step is StepType.RESOLVE and saved["passed"] is True and saved["votes_for"] == 30
    assert saved["present_count"] == 33 and saved["decision_text"] == DECISION

    print(
        f"\n决议录入：点击{clerk.clicks}次，按键{clerk.keys}次，输入汉字{clerk.chars}个，"
        f"估计用时{clerk.seconds:.0f}秒（点击{CLICK_S}秒、按键{KEY_S}秒、每项思考{THINK_S}秒、"
        f"汉字每分钟{CHARS_PER_MIN}个）"
    )
    assert clerk.clicks + clerk.keys <= 30
    assert clerk.seconds <= 180


def test_attendance_from_the_previous_meeting_and_a_decision_from_the_plan(
    qtbot: QtBot, village36: MattersTown
) -> None:
    w = village36
    first = new_matter(w, title="山塘清淤")
    run_to(w, first.id, "resolve")  # a 代表会议 with everyone present …
    second = new_matter(w, title="村文化礼堂提升改造")
    done = run_to(w, second.id, "deliberate")
    dlg = StepDialog(w.clerk, second.id, w.vid, StepType.RESOLVE, carry=done["deliberate"])
    qtbot.addWidget(dlg)
    dlg.date_edit.setDate(dlg.date_edit.date().fromString("2026-09-24", "yyyy-MM-dd"))
    assert not any(a.status == "present" for a in dlg.attendance())
    qtbot.mouseClick(dlg.copy_previous, Qt.MouseButton.LeftButton)  # … copied in one click
    assert sum(1 for a in dlg.attendance() if a.status == "present") == 36
    assert dlg.yes_spin.value() == 36  # 赞成 follows attendance until typed over
    dlg.plan_edit.setPlainText("村文化礼堂屋面翻修、舞台改造和照明更新\n总投资三十八万元")
    qtbot.mouseClick(dlg.suggest_button, Qt.MouseButton.LeftButton)
    text = dlg.decision_edit.toPlainText()
    assert text.startswith("经村民代表会议表决，同意“村文化礼堂提升改造”方案") and "屋面翻修" in text


def test_copy_previous_says_when_there_is_none(qtbot: QtBot, village36: MattersTown) -> None:
    w = village36
    m = new_matter(w, title="村文化礼堂提升改造")
    done = run_to(w, m.id, "deliberate")
    dlg = StepDialog(w.clerk, m.id, w.vid, StepType.RESOLVE, carry=done["deliberate"])
    qtbot.addWidget(dlg)
    assert not dlg.copy_previous_attendance()
    assert "还没有登记过村民代表会议" in dlg.error.text()
