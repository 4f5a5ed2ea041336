"""GUI test fixtures: a real temporary SQLite through the real services, Chinese font, message-box helpers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from quzhou_desktop.gui.fonts import apply_ui_font
from quzhou_desktop.gui.i18n import install_qt_translations
from quzhou_desktop.gui.tasks import worker_pool
from quzhou_desktop.services import auth
from quzhou_desktop.services.context import AppContext
from quzhou_desktop.store.db import Database
from tests.gui import demo_data


@pytest.fixture(scope="session", autouse=True)
def _chinese_ui(qapp: QApplication) -> None:
    install_qt_translations(qapp)
    apply_ui_font(qapp)


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


@pytest.fixture
def demo_ctx(ctx: AppContext) -> AppContext:
    """The demo township, logged in as its administrator."""
    demo_data.build(ctx)
    auth.login(ctx, demo_data.ADMIN, demo_data.ADMIN_PASSWORD)
    return ctx


def message_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def close_message_boxes() -> list[str]:
    """Close every open message box; returns their texts."""
    texts = []
    for box in message_boxes():
        texts.append(box.text())
        box.done(0)
    return texts
