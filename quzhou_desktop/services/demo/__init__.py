"""`quzhou-desktop demo`: a realistic demo township a new user can explore at once.

``PARTS`` add one part each (rosters, matters, vouchers, the ledger, disclosures, contracts, evaluations), in that
order: each builds on what the ones before it left in the ``DemoState``. All writes are audited like any other change,
so the demo verifies clean.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path

from quzhou_desktop.services.demo import (
    contracts,
    disclosures,
    evaluations,
    ledger,
    matters,
    rosters,
    vouchers,
)
from quzhou_desktop.services.demo.state import DEMO_PASSWORD, DemoState
from quzhou_desktop.services.kernel.context import AppContext, Clock
from quzhou_desktop.services.kernel.users import UserInfo, list_users
from quzhou_desktop.store.db import Database

__all__ = ["DEMO_PASSWORD", "PARTS", "DemoState", "build_demo", "build_demo_context"]

PARTS: tuple[Callable[[DemoState], None], ...] = (
    rosters.build,
    matters.build,
    vouchers.build,
    ledger.build,
    disclosures.build,
    contracts.build,
    evaluations.build,
)


class DemoClock(Clock):
    """The demo's day: the records are dated relative to it and the services check them against it (a demo
    built for another day than today is the same township, shifted)."""

    def __init__(self, today: date) -> None:
        self.day = today
        self._started = super().now()

    def today(self) -> date:
        return self.day

    def now(self) -> datetime:
        """08:00 in Shanghai (00:00 UTC) on the demo day, plus the time since the clock was made."""
        return datetime.combine(self.day, time(0)) + (super().now() - self._started)


def _context(db: Database, today: date | None) -> AppContext:
    return AppContext(db) if today is None else AppContext(db, clock=DemoClock(today))


def build_demo(path: Path | None, *, seed: int = 2026, today: date | None = None) -> list[UserInfo]:
    """Create the demo township in a new database at ``path`` (None = in memory, for tests); its dates are
    relative to ``today`` (default: the real today), and given the same day and seed it is the same township."""
    db = Database(path, create=True)
    ctx = _context(db, today)
    state = DemoState(ctx=ctx, rng=random.Random(seed), today=today or ctx.clock.today())
    try:
        for part in PARTS:
            part(state)
        admin = state.login("admin")
        users = list_users(admin)
    finally:
        if path is not None:
            db.dispose()
    order = ["admin", "wenshu", "jianwei_zr", "jianwei", "zhuren", "shuji", "chakan"]
    return sorted(users, key=lambda u: order.index(u.username) if u.username in order else 99)


def build_demo_context(*, seed: int = 2026, today: date | None = None) -> tuple[AppContext, DemoState]:
    """An in-memory demo for tests: the context (not logged in) and the state."""
    ctx = _context(Database(None), today)
    state = DemoState(ctx=ctx, rng=random.Random(seed), today=today or ctx.clock.today())
    for part in PARTS:
        part(state)
    return ctx, state
