"""GUI test fixtures: a real temporary SQLite through the real services, Chinese font, message-box helpers."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from quzhou_desktop.gui.fonts import apply_ui_font
from quzhou_desktop.gui.i18n import install_qt_translations
from quzhou_desktop.gui.tasks import running_tasks, worker_pool
from quzhou_desktop.services.kernel import auth
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.store.db import Database
from tests.support import township


@pytest.fixture(scope="session", autouse=True)
def _chinese_ui(qapp: QApplication) -> None:
    install_qt_translations(qapp)
    apply_ui_font(qapp)


@pytest.fixture(autouse=True)
def _no_task_outlives_its_test() -> Iterator[None]:
    yield
    for task in running_tasks():
        task.cancel()
    worker_pool().waitForDone(10_000)


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "quzhou.sqlite3"


@pytest.fixture
def ctx(db_path: Path) -> Iterator[AppContext]:
    context = AppContext(Database(db_path, create=True))
    yield context
    worker_pool().waitForDone(10_000)
    context.db.dispose()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo township built once per session through the services; tests get a copy."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    context = AppContext(Database(path, create=True))
    township.build_demo_township(context)
    context.db.dispose()
    return path


@pytest.fixture
def demo_ctx(db_path: Path, demo_template: Path) -> Iterator[AppContext]:
    """A fresh copy of the demo township, logged in as its administrator."""
    shutil.copyfile(demo_template, db_path)
    context = AppContext(Database(db_path))
    auth.login(context, township.ADMIN, township.ADMIN_PASSWORD)
    yield context
    worker_pool().waitForDone(10_000)
    context.db.dispose()
