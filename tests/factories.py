"""Shared test helpers: a real temporary database with a township, villages and users."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from quzhou_desktop.services.kernel.context import AppContext, Clock
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.services.roster.setup import initialise
from quzhou_desktop.services.roster.villages import VillageSpec
from quzhou_desktop.store.db import Database

PASSWORD = "test-pass-1"


class FixedClock(Clock):
    def __init__(self, now: datetime) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now

    def today(self) -> date:
        return (self._now + timedelta(hours=8)).date()

    def advance(self, **kw: float) -> None:
        self._now += timedelta(**kw)


@dataclass
class World:
    db: Database
    admin: AppContext
    village_ids: list[str]
    clock: FixedClock

    def as_user(self, user_id: str) -> AppContext:
        from quzhou_desktop.services.kernel.auth import load_current_user

        ctx = AppContext(self.db, clock=self.clock)
        ctx.user = load_current_user(ctx, user_id)
        return ctx

    def new_user(self, username: str, role: Role, villages: list[str] | None = None) -> AppContext:
        from quzhou_desktop.services.kernel.users import create_user

        info = create_user(
            self.admin,
            username=username,
            display_name=username,
            role=role,
            password=PASSWORD,
            village_ids=self.village_ids[:1] if villages is None else villages,
            credential=PASSWORD,
        )
        return self.as_user(info.id)


def make_world(path: Path | None, *, now: datetime | None = None) -> World:
    db = Database(path, create=True)
    clock = FixedClock(now or datetime(2026, 11, 24, 2, 0, 0))
    ctx = AppContext(db, clock=clock)
    sheet = initialise(
        ctx,
        township_name="石梁镇",
        villages=[
            VillageSpec(name="溪口村", households=300, adults=800, finance_busy=True),
            VillageSpec(name="上洋村", households=240, adults=600),
        ],
        admin_username="admin",
        admin_password=PASSWORD,
        admin_display_name="管理员",
    )
    from quzhou_desktop.services.kernel.auth import load_current_user
    from quzhou_desktop.services.roster.villages import list_villages

    ctx.user = load_current_user(ctx, sheet.admin_id)
    vids = [v.id for v in list_villages(ctx)]
    by_name = {v.name: v.id for v in list_villages(ctx)}
    vids = [by_name["溪口村"], by_name["上洋村"]]
    return World(db, ctx, vids, clock)
