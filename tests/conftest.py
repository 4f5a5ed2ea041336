from __future__ import annotations

import os

# Qt must run offscreen in tests; pytest-qt aborts without a display otherwise.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

import pytest


@pytest.fixture
def world(tmp_path):  # type: ignore[no-untyped-def]
    """A real temporary SQLite file with a township (石梁镇), two villages and an administrator."""
    from tests.factories import make_world

    w = make_world(tmp_path / "test.sqlite3")
    yield w
    w.db.dispose()
