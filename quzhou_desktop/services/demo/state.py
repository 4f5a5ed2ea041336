"""What the parts of the demo township share: the context, the random source, and what earlier parts made."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from quzhou_desktop.services.kernel.auth import load_current_user
from quzhou_desktop.services.kernel.context import AppContext, Clock
from quzhou_desktop.services.kernel.keys import SignatureGrant, grant_signature

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
        ctx = AppContext(self.ctx.db, clock=self.ctx.clock)
        ctx.user = load_current_user(ctx, self.users[username])
        return ctx

    def signing(self, username: str) -> tuple[AppContext, SignatureGrant]:
        """A context acting as ``username`` and its signature grant (the demo types each password once)."""
        ctx = self.login(username)
        return ctx, grant_signature(ctx, DEMO_PASSWORD)


class StoryClock(Clock):
    """A clock the demo sets to the moments its story happened (signed acts carry those times)."""

    def __init__(self, now: datetime) -> None:
        self.at = now

    def now(self) -> datetime:
        return self.at

    def today(self) -> date:
        return (self.at + timedelta(hours=8)).date()


def utc_at(d: date, hour: int) -> datetime:
    return datetime.combine(d, time(hour)) - timedelta(hours=8)  # Asia/Shanghai working hours → UTC
