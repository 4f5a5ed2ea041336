"""`quzhou-desktop demo`: a realistic demo township a new user can explore at once.

Each module in this package with ``ORDER`` and ``build(state)`` adds one part (rosters, matters, vouchers,
disclosures …), in ``ORDER``.  All writes are audited like any other change, so the demo verifies clean.
"""

from __future__ import annotations

import importlib
import pkgutil
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from quzhou_desktop.services.kernel.context import AppContext, Clock
from quzhou_desktop.services.kernel.users import UserInfo
from quzhou_desktop.store.db import Database

DEMO_PASSWORD = "demo1234"


@dataclass
class DemoState:
    """What earlier demo steps made, for later ones to use."""

    ctx: AppContext
    rng: random.Random
    today: date
    township_id: str = ""
    village_ids: list[str] = field(default_factory=list)
    # village id -> {"party_branch": [person ids], "secretary": id, "director": id, "supervisory_chair": id, ...}
    people: dict[str, dict[str, Any]] = field(default_factory=dict)
    # username -> user id; role users act for the first village
    users: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def login(self, username: str) -> AppContext:
        """A context acting as ``username`` (for steps that go through permission-checked services)."""
        from quzhou_desktop.services.kernel.auth import load_current_user

        ctx = AppContext(self.ctx.db, clock=self.ctx.clock)
        ctx.user = load_current_user(ctx, self.users[username])
        return ctx


def _steps() -> list[Any]:
    mods = []
    for info in pkgutil.iter_modules(__path__):
        mod = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(mod, "ORDER") and hasattr(mod, "build"):
            mods.append(mod)
    return sorted(mods, key=lambda m: m.ORDER)


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
    from quzhou_desktop.services.kernel.users import list_users

    db = Database(path, create=True)
    ctx = _context(db, today)
    state = DemoState(ctx=ctx, rng=random.Random(seed), today=today or ctx.clock.today())
    try:
        for step in _steps():
            step.build(state)
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
    for step in _steps():
        step.build(state)
    return ctx, state
