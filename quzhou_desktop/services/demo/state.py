"""What the parts of the demo township share: the context, the random source, and what earlier parts made."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from quzhou_desktop.services.kernel.auth import load_current_user
from quzhou_desktop.services.kernel.context import AppContext

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
