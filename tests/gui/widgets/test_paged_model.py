"""The lazy register model: pages on demand, SQL-side sort, filters through reload — over the real
people service and a temporary SQLite."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from quzhou_desktop.gui.roster.page import RosterPage
from quzhou_desktop.gui.roster.people_tab import COLUMNS
from quzhou_desktop.gui.widgets.paged_model import Column, PagedTableModel, display
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.roster import people as people_svc
from quzhou_desktop.services.roster.people import PersonRow
from quzhou_desktop.services.roster.villages import list_villages


def _model(
    ctx: AppContext, vid: str, page: int, calls: list[tuple[int, int, str | None, bool]]
) -> PagedTableModel[PersonRow]:
    def fetch(offset: int, limit: int, sort: str | None, desc: bool) -> list[PersonRow]:
        calls.append((offset, limit, sort, desc))
        return people_svc.list_people(
            ctx, vid, sort=sort or "name", descending=desc, offset=offset, limit=limit
        )

    return PagedTableModel(
        COLUMNS, fetch, lambda: people_svc.count_people(ctx, vid), page_size=page, sort="name"
    )


def test_rows_arrive_page_by_page(demo_ctx: AppContext) -> None:
    vid = list_villages(demo_ctx)[0].id  # 30 people
    calls: list[tuple[int, int, str | None, bool]] = []
    model = _model(demo_ctx, vid, 12, calls)
    model.reload()
    counts = [model.rowCount()]
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
        counts.append(model.rowCount())
    assert counts == [12, 24, 30]
    assert model.total == 30
    assert [c[0] for c in calls] == [0, 12, 24]
    assert not model.canFetchMore(QModelIndex())


def test_header_click_sorts_in_sql(demo_ctx: AppContext) -> None:
    vid = list_villages(demo_ctx)[0].id
    calls: list[tuple[int, int, str | None, bool]] = []
    model = _model(demo_ctx, vid, 50, calls)
    model.reload()
    names = [model.row(i).name for i in range(model.rowCount())]
    assert names == sorted(names)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert calls[-1] == (0, 50, "name", True)
    assert [model.row(i).name for i in range(model.rowCount())] == sorted(names, reverse=True)
    groups_col = [c.title for c in COLUMNS].index("村民小组")
    model.sort(groups_col, Qt.SortOrder.AscendingOrder)
    groups = [model.row(i).group_name or "" for i in range(model.rowCount())]
    assert groups == sorted(groups) and calls[-1][2] == "group"
    n = len(calls)
    model.sort([c.title for c in COLUMNS].index("电话"), Qt.SortOrder.AscendingOrder)  # unsortable: no query
    assert len(calls) == n


def test_view_fetches_lazily_and_search_filters(qtbot: QtBot, demo_ctx: AppContext) -> None:
    vid = list_villages(demo_ctx)[0].id
    page = RosterPage(demo_ctx)
    qtbot.addWidget(page)
    page.people.model.page_size = 10
    page.set_village(vid)
    assert page.people.model.rowCount() == 10
    assert page.people.count_label.text() == "共 30 人"
    # Typing in the search box filters after the debounce, not on every key
    page.people.search_edit.setText("第1村民小组")
    assert page.people.model.total == 30
    qtbot.waitUntil(lambda: page.people.model.total == 5, timeout=3000)
    assert {page.people.model.row(i).group_name for i in range(page.people.model.rowCount())} == {
        "第1村民小组"
    }
    page.people.search_edit.clear()
    qtbot.waitUntil(lambda: page.people.model.total == 30, timeout=3000)
    # filtering by body uses the memberships (村务监督委员会: 3 people in the demo)
    combo = page.people.body_combo
    combo.setCurrentIndex(combo.findData("supervisory"))
    assert page.people.model.total == 3


def test_display_values() -> None:
    from datetime import date, datetime

    assert [display(v) for v in (None, True, False, date(2026, 11, 24), datetime(2026, 11, 24, 9, 5), 3)] == [
        "", "是", "", "2026-11-24", "2026-11-24 09:05", "3",
    ]  # fmt: skip


def test_model_in_a_view_with_a_plain_source(qtbot: QtBot) -> None:
    rows = [f"第{i:03d}号" for i in range(450)]

    def fetch(offset: int, limit: int, sort: str | None, desc: bool) -> list[str]:
        ordered = sorted(rows, reverse=desc)
        return ordered[offset : offset + limit]

    model: PagedTableModel[str] = PagedTableModel(
        [Column("编号", lambda r: r, sort="no")], fetch, lambda: len(rows)
    )
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    model.reload()
    assert model.rowCount() == 200
    view.scrollToBottom()  # the view asks for the next page itself as the user scrolls
    assert model.rowCount() == 400
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 450 and not model.canFetchMore(QModelIndex())
    assert model.data(model.index(449, 0)) == "第449号"
    assert model.headerData(0, Qt.Orientation.Horizontal) == "编号"
