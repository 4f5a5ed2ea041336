"""The navigation table: every section's page builds on a real database for every role, through the factory
the main window uses; a page that cannot be built is an error the crash dialog reports, never a stand-in
page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from quzhou_desktop.gui import crash
from quzhou_desktop.gui.shell import sections
from quzhou_desktop.gui.shell.dashboard import PANELS
from quzhou_desktop.gui.shell.main_window import MainWindow
from quzhou_desktop.gui.widgets.pages import DashboardPanel, SectionPage
from quzhou_desktop.services.demo import DEMO_PASSWORD, build_demo
from quzhou_desktop.services.kernel.auth import login
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.roster.villages import list_villages
from quzhou_desktop.store.db import Database

# One user of each role in the demo township
USERS = ["admin", "wenshu", "jianwei_zr", "jianwei", "zhuren", "shuji", "chakan"]
# What the removed stand-in pages said; no page may say it again
STAND_IN_TEXTS = ("正在开发中", "加载失败", "尚未就绪")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path = tmp_path_factory.mktemp("sections") / "demo.sqlite3"
    build_demo(path)
    db = Database(path)
    yield db
    db.dispose()


def _as(db: Database, username: str) -> AppContext:
    ctx = AppContext(db)
    login(ctx, username, DEMO_PASSWORD)
    return ctx


def _texts(page: QWidget) -> list[str]:
    return [label.text() for label in page.findChildren(QLabel)]


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("sec", sections.SECTIONS, ids=[s.key for s in sections.SECTIONS])
def test_every_section_builds_its_page_for_every_role(
    qtbot: QtBot, demo_db: Database, sec: sections.Section, username: str
) -> None:
    # Each section is built from the table exactly as the main window builds it. A misspelt page class
    # (say ``MatersPage`` in ``sections.matters_page``) is caught twice: mypy reports that the page module
    # has no such attribute, and here the factory's import raises ImportError, which fails this test.
    ctx = _as(demo_db, username)
    page = sections.build_page(sec, ctx, None)
    qtbot.addWidget(page)
    assert isinstance(page, SectionPage)
    village = list_villages(ctx)[0].id
    page.set_village(village)
    page.refresh()
    page.set_village(None)
    shown = "\n".join(_texts(page))
    assert not [t for t in STAND_IN_TEXTS if t in shown], shown


def test_the_dashboard_shows_every_panel(qtbot: QtBot, demo_db: Database) -> None:
    page = sections.build_page(sections.section("dashboard"), _as(demo_db, "admin"), None)
    qtbot.addWidget(page)
    assert [type(p) for p in page.findChildren(DashboardPanel)] == list(PANELS)
    assert len(PANELS) == 6 and all(p.title() for p in page.findChildren(DashboardPanel))


def test_section_keys_are_unique_and_the_spreadsheets_section_keeps_its_title() -> None:
    keys = [s.key for s in sections.SECTIONS]
    assert len(set(keys)) == len(keys)
    # "exchange" is the village ↔ township data exchange, not the spreadsheets
    assert sections.section("spreadsheets").title == "导入导出"
    assert sections.section("exchange").title == "数据交换"
    with pytest.raises(KeyError):
        sections.section("excel")


def _misspelt_page(ctx: AppContext, parent: QWidget | None) -> SectionPage:
    """A factory with a deliberate misspelling: mypy flags the import (hence the ignore), the import fails."""
    from quzhou_desktop.gui.roster.page import RosterPgae  # type: ignore[attr-defined]  # misspelt on purpose

    page: SectionPage = RosterPgae(ctx, parent)
    return page


def test_a_misspelt_page_class_fails_when_its_section_is_built(qtbot: QtBot, demo_db: Database) -> None:
    broken = sections.Section("roster", "花名册", _misspelt_page)
    with pytest.raises(ImportError, match="RosterPgae"):
        sections.build_page(broken, _as(demo_db, "admin"), None)


@pytest.mark.qt_no_exception_capture
def test_a_page_that_cannot_be_built_goes_to_the_crash_dialog(
    qtbot: QtBot, demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = sections.Section("roster", "花名册", _misspelt_page)
    monkeypatch.setattr(sections, "SECTIONS", (sections.section("dashboard"), broken))
    win = MainWindow(_as(demo_db, "admin"))
    qtbot.addWidget(win)
    dashboard = win.stack.currentWidget()
    uninstall = crash.install_excepthook(tmp_path / "quzhou-desktop.log")
    try:
        win.nav.setCurrentRow(1)
        box = crash.current_dialog()
        assert box is not None and "RosterPgae" in box.detailedText()
        box.done(0)
    finally:
        uninstall()
    # nothing stands in for the page: the window still shows, and points at, the page it had
    assert win.stack.currentWidget() is dashboard and win.nav.currentRow() == 0
    assert win.page("roster") is None and QApplication.instance() is not None
