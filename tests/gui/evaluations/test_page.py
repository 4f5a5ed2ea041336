"""民主评议 over a real temporary SQLite, as the clerk records it: two years of reviews chaired by the 村监会主任
with a 村委会 member found 不称职 both times — her office ends in the roster, the by-election shows on the 工作台,
the township overview lists who was reviewed; a review chaired by the 村委会主任 cannot be finalised (C35)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QTableWidget
from pytestqt.qtbot import QtBot

from quzhou_desktop.gui.evaluations.evaluation_dialog import EvaluationDialog
from quzhou_desktop.gui.evaluations.page import EvaluationsPage
from quzhou_desktop.gui.evaluations.panel import EvaluationsPanel
from quzhou_desktop.gui.widgets.dates import qdate
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.services.roster.people import person_memberships
from quzhou_desktop.store.models import Membership, Person
from tests.support.gui import close_message_boxes
from tests.support.world import PASSWORD, World

START = date(2024, 3, 1)


@pytest.fixture
def people(world: World) -> dict[str, str]:
    vid = world.village_ids[0]
    seats = [("李主任", "village_committee", "director"), ("张委员", "village_committee", "member"),
             ("刘监委", "supervisory", "chair"), ("陈监委", "supervisory", "member")]  # fmt: skip
    with world.admin.write("test.roster") as s:
        out = {}
        for name, body, role in seats:
            p = Person(village_id=vid, name=name)
            s.add(p)
            s.flush()
            s.add(Membership(village_id=vid, person_id=p.id, body=body, role=role, start_date=START))
            out[name] = p.id
    return out


def _record(qtbot: QtBot, page: EvaluationsPage, year: int, *, chair: str = "刘监委") -> EvaluationDialog:
    dlg = page.village.new_evaluation()
    assert isinstance(dlg, EvaluationDialog)
    dlg.show()
    size = dlg.size().expandedTo(dlg.sizeHint())
    assert size.width() <= 1366 and size.height() <= 728 - 30
    box = dlg.findChild(QDialogButtonBox)
    assert box is not None
    for b in box.buttons():
        assert dlg.rect().contains(b.mapTo(dlg, b.rect().bottomRight()))
    dlg.year_spin.setValue(year)
    dlg.date_edit.setDate(qdate(date(year, 12, 10)))
    i = next(i for i in range(dlg.chair_combo.count()) if dlg.chair_combo.itemText(i).startswith(chair))
    dlg.chair_combo.setCurrentIndex(i)
    dlg.participants_spin.setValue(40)
    assert dlg.table.rowCount() == 4  # the 村委会 and the 村监会, filled in
    dlg.set_votes("李主任", 33, 5, 2)
    dlg.set_votes("张委员", 6, 10, 24)
    dlg.set_votes("刘监委", 30, 8, 2)
    dlg.set_votes("陈监委", 18, 14, 8)
    assert [_text(dlg.table, r, 6) for r in range(4)] == ["称职", "不称职", "称职", "基本称职"]
    dlg.accept()
    assert dlg.error_text() == ""
    return dlg


def test_two_years_of_reviews_with_an_incompetent_verdict_twice(
    qtbot: QtBot, world: World, people: dict[str, str]
) -> None:
    vid = world.village_ids[0]
    clerk = world.new_user("wenshu", Role.CLERK, villages=[vid])
    page = EvaluationsPage(clerk)
    qtbot.addWidget(page)
    page.set_village(vid)
    page.show()
    for year in (2024, 2025):
        _record(qtbot, page, year)
        assert close_message_boxes() == []  # no finding
        assert page.village.current is not None and page.village.current.state == "draft"
        done = page.village.do_finalize(page.village.current.id, PASSWORD)
        shown = close_message_boxes()
        assert shown and shown[0].startswith("已定稿。")
    # the second 不称职 ended her office in the roster, with the reason
    assert done is not None and "张委员在2024年、2025年民主评议中连续两次被评为不称职，其职务终止" in done[0]
    seat = next(m for m in person_memberships(clerk, people["张委员"]) if m.body == "village_committee")
    assert seat.end_date == date(2025, 12, 10) and "连续两次被评为不称职" in (seat.end_reason or "")
    assert "评议结果的处理" in page.village.text.toPlainText()
    assert _text(page.village.entries, 1, 5) == "不称职"
    # the result notice is made; the 工作台 reminds of the by-election; the overview lists the year
    assert page.village.disclose() is not None and close_message_boxes()
    assert page.village.notice_entries()[0][2] is not None
    panel = EvaluationsPanel(clerk)
    qtbot.addWidget(panel)
    panel.set_village(vid)
    assert "张委员（村委会委员）连续两次民主评议不称职" in panel.by_election.text()
    township = EvaluationsPage(world.admin)  # the township's inspector sees every village
    qtbot.addWidget(township)
    township.show_overview()
    ov = township.overview
    ov.year_combo.setCurrentIndex(ov.year_combo.findData(2025))
    rows = {_text(ov.table, r, 0): r for r in range(ov.table.rowCount())}
    assert _text(ov.table, rows["溪口村"], 1) == "已评议"
    assert _text(ov.table, rows["溪口村"], 7) == "张委员"
    assert _text(ov.table, rows["上洋村"], 1) == "未评议"
    assert ov.summary.text() == "1/2个村已完成评议"


def test_a_review_chaired_by_the_director_cannot_be_finalised(
    qtbot: QtBot, world: World, people: dict[str, str]
) -> None:
    vid = world.village_ids[0]
    clerk = world.new_user("wenshu", Role.CLERK, villages=[vid])
    page = EvaluationsPage(clerk)
    qtbot.addWidget(page)
    page.set_village(vid)
    dlg = page.village.new_evaluation()
    assert isinstance(dlg, EvaluationDialog)
    assert [dlg.chair_combo.itemText(i) for i in range(dlg.chair_combo.count())] == [
        "刘监委（村监会主任）", "陈监委（村监会委员）",
    ]  # fmt: skip
    dlg.chair_combo.addItem("李主任（村委会主任）", people["李主任"])  # as if typed in by mistake
    dlg.chair_combo.setCurrentIndex(2)
    for name in ("李主任", "张委员", "刘监委", "陈监委"):
        dlg.set_votes(name, 30, 5, 2)
    dlg.accept()
    shown = close_message_boxes()
    assert len(shown) == 1 and "错误：主持人李主任不是本村在任的村务监督委员会成员" in shown[0]
    assert page.village.current is not None
    assert page.village.do_finalize(page.village.current.id, PASSWORD) is None
    assert "民主评议须由村务监督机构主持" in close_message_boxes()[0]


def _text(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    assert item is not None, (row, column)
    return item.text()
