from __future__ import annotations

import os
import shutil
import tempfile

import pytest

# Site keys and anchor journals go to the data folder: never the real one in tests (a test that needs its own
# sets QUZHOU_DATA_DIR itself).
_DATA_DIR = os.environ.get("QUZHOU_DATA_DIR") or tempfile.mkdtemp(prefix="quzhou-test-data-")
_OWN_DATA_DIR = "QUZHOU_DATA_DIR" not in os.environ
os.environ["QUZHOU_DATA_DIR"] = _DATA_DIR

# Qt must run offscreen in tests; pytest-qt aborts without a display otherwise.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")


@pytest.fixture
def world(tmp_path):  # type: ignore[no-untyped-def]
    """A real temporary SQLite file with a township (石梁镇), two villages and an administrator."""
    from tests.factories import make_world

    w = make_world(tmp_path / "test.sqlite3")
    yield w
    w.db.dispose()


def pytest_configure(config: pytest.Config) -> None:
    # The app applies this guard when it makes its QApplication; GUI tests make theirs through pytest-qt.
    from quzhou_desktop.gui.refguard import ensure_none_headroom

    ensure_none_headroom()


def pytest_unconfigure(config: pytest.Config) -> None:
    if _OWN_DATA_DIR:
        shutil.rmtree(_DATA_DIR, ignore_errors=True)
