"""The exchange suites' sites: the township and each village on files, or (PostgreSQL) each on a server
database of its own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests import pg
from tests.support.exchange import Sites, make_sites
from tests.support.world import World


@pytest.fixture
def target(request: pytest.FixtureRequest, tmp_path: Path, db_engine: str) -> Callable[[str], Path | str]:
    """What ``Database`` opens for a new site of this test: a file named ``name``, or a fresh server
    database."""
    return lambda name: pg.db_target(request, tmp_path, db_engine, name)


@pytest.fixture
def opened(request: pytest.FixtureRequest) -> Callable[[World], World]:
    """A world the test made itself, its connections closed at the end of the test (before its server
    database is dropped)."""

    def keep(world: World) -> World:
        request.addfinalizer(world.db.dispose)
        return world

    return keep


@pytest.fixture
def sites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: Callable[[str], Path | str]
) -> Iterator[Sites]:
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path / "data"))
    made = make_sites(tmp_path, target)
    yield made
    for w in [made.township, *made.villages.values()]:
        w.db.dispose()
