"""Key register columns are in view at 1366×728 without scrolling; each user's column widths and order are
remembered per table (and only for that user)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QTableView
from pytestqt.qtbot import QtBot

from quzhou_desktop.gui.shell.main_window import MainWindow
from quzhou_desktop.gui.widgets.columns import visible_columns
from quzhou_desktop.services.demo import DEMO_PASSWORD, build_demo
from quzhou_desktop.services.kernel.auth import login
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.store.db import Database


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path = tmp_path_factory.mktemp("columns") / "demo.sqlite3"
    build_demo(path)
    db = Database(path)
    yield db
    db.dispose()


def window(qtbot: QtBot, db: Database, username: str) -> MainWindow:
    ctx = AppContext(db)
    login(ctx, username, DEMO_PASSWORD)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(1366, 728)  # a maximised window on a 1366×768 laptop beside the taskbar
    win.show()
    return win


def table_of(win: MainWindow, section: str) -> QTableView:
    page = win.show_section(section)
    QApplication.processEvents()
    view = {
        "matters": lambda: page.view,  # type: ignore[attr-defined]
        "vouchers": lambda: page.list_tab.view,  # type: ignore[attr-defined]
        "disclosures": lambda: page.register.view,  # type: ignore[attr-defined]
    }[section]()
    assert isinstance(view, QTableView)
    return view


@pytest.mark.parametrize(
    ("section", "username", "key_columns"),
    [
        ("matters", "wenshu", {"事项", "进行到", "下一步可办日期", "逾期", "预计金额"}),
        ("vouchers", "wenshu", {"凭证号", "日期", "金额", "状态", "经手人"}),
        ("disclosures", "wenshu", {"标题", "状态", "逾期", "未答复意见"}),
    ],
)
def test_key_columns_are_in_view_at_1366(
    qtbot: QtBot, demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    section: str, username: str, key_columns: set[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path))
    win = window(qtbot, demo_db, username)
    view = table_of(win, section)
    shown = set(visible_columns(view))
    assert key_columns <= shown, (key_columns - shown, view.viewport().width())


def test_column_layout_is_remembered_per_user_and_table(
    qtbot: QtBot, demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path))
    first = window(qtbot, demo_db, "wenshu")
    header = table_of(first, "vouchers").horizontalHeader()
    header.resizeSection(3, 222)  # 收款人 wider
    header.moveSection(header.visualIndex(6), 0)  # 经手人 first
    second = window(qtbot, demo_db, "wenshu")
    again = table_of(second, "vouchers").horizontalHeader()
    assert again.sectionSize(3) == 222 and again.logicalIndex(0) == 6
    third = window(qtbot, demo_db, "admin")
    other = table_of(third, "vouchers").horizontalHeader()
    assert other.sectionSize(3) != 222 and other.logicalIndex(0) == 0  # another user keeps the default
    fourth = window(qtbot, demo_db, "wenshu")
    matters = table_of(fourth, "matters").horizontalHeader()
    assert matters.logicalIndex(0) == 1  # another table keeps its own default (事项 first)
