from __future__ import annotations

import os

# Qt must run offscreen in tests; pytest-qt aborts without a display otherwise.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

import pytest

from tests import pg
from tests.pg import pg_database  # noqa: F401  (a fixture)


@pytest.fixture
def db_engine(request: pytest.FixtureRequest) -> str:
    """ "sqlite", or "postgresql" for the suites that run on both engines (tests/pg.py)."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def world(request, tmp_path, db_engine):  # type: ignore[no-untyped-def]
    """A real temporary database with a township (石梁镇), two villages and an administrator: a SQLite file,
    or a PostgreSQL database reached as the application role."""
    from tests.factories import make_world

    w = make_world(pg.db_target(request, tmp_path, db_engine))
    yield w
    w.db.dispose()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    pg.parametrize_engines(metafunc)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    pg.stop_cluster()
