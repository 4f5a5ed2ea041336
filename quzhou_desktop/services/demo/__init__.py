"""`quzhou-desktop demo`: a realistic demo township a new user can explore at once.

``PARTS`` add one part each (rosters, matters, vouchers, disclosures, contracts, evaluations), in that order: each
builds on what the ones before it left in the ``DemoState``. All writes are audited like any other change, so the demo
verifies clean.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from pathlib import Path

from quzhou_desktop.services.demo import contracts, disclosures, evaluations, matters, rosters, vouchers
from quzhou_desktop.services.demo.state import DEMO_PASSWORD, DemoState
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.users import UserInfo, list_users
from quzhou_desktop.store.db import Database

__all__ = ["DEMO_PASSWORD", "PARTS", "DemoState", "build_demo", "build_demo_context"]

PARTS: tuple[Callable[[DemoState], None], ...] = (
    rosters.build,
    matters.build,
    vouchers.build,
    disclosures.build,
    contracts.build,
    evaluations.build,
)


def build_demo(path: Path | None, *, seed: int = 2026, today: date | None = None) -> list[UserInfo]:
    """Create the demo township in a new database at ``path`` (None = in memory, for tests)."""
    db = Database(path, create=True)
    ctx = AppContext(db)
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
