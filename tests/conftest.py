"""Fixtures shared by every test package.  The builders behind them live in ``tests/support``."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import pg, worlds
from tests.pg import pg_database  # noqa: F401  (a fixture)
from tests.support.disclosures import DisclosureStaff, make_disclosure_staff
from tests.support.matters import MattersTown, make_matters_town
from tests.support.notices import Printables, make_printables
from tests.support.vouchers import VoucherVillage, make_voucher_village
from tests.support.world import World

# Site keys and anchor journals go to the data folder: never the real one in tests (a test that needs its own
# sets QUZHOU_DATA_DIR itself).
_DATA_DIR = os.environ.get("QUZHOU_DATA_DIR") or tempfile.mkdtemp(prefix="quzhou-test-data-")
_OWN_DATA_DIR = "QUZHOU_DATA_DIR" not in os.environ
os.environ["QUZHOU_DATA_DIR"] = _DATA_DIR

# Qt must run offscreen in tests; pytest-qt aborts without a display otherwise.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")


@pytest.fixture
def db_engine(request: pytest.FixtureRequest) -> str:
    """ "sqlite", or "postgresql" for the suites that run on both engines (tests/pg.py)."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def world(tmp_path: Path, db_engine: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """A real temporary database with a township (石梁镇), two villages and an administrator: a SQLite file,
    or a PostgreSQL database reached as the application role (tests/pg.py); a copy of the session's seed
    (tests/worlds.py), with a data folder of its own."""
    w = worlds.fresh_world(db_engine, tmp_path, monkeypatch)
    yield w
    w.db.dispose()


@pytest.fixture
def village(world: World) -> VoucherVillage:
    """溪口村 of the ``world`` with a 村监会, 主任, 书记 and clerk, each logged in (先审后签)."""
    return make_voucher_village(world)


@pytest.fixture
def staff(world: World) -> DisclosureStaff:
    """The ``world`` with the default 公开目录 and the 三务公开 staff of both villages."""
    return make_disclosure_staff(world)


@pytest.fixture
def printables(world: World) -> Printables:
    """溪口村 of the ``world`` with one record of every printable kind."""
    return make_printables(world)


@pytest.fixture
def town() -> MattersTown:
    """The demo rosters in an in-memory database, 溪口村's clerk logged in (五议两公开)."""
    return make_matters_town()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    pg.parametrize_engines(metafunc)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    worlds.drop_seeds()
    pg.stop_cluster()


def pytest_unconfigure(config: pytest.Config) -> None:
    if _OWN_DATA_DIR:
        shutil.rmtree(_DATA_DIR, ignore_errors=True)
