"""The ``world``: a real temporary SQLite file with a township (石梁镇), two villages and an administrator."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from quzhou_desktop.services.kernel.auth import load_current_user
from quzhou_desktop.services.kernel.context import AppContext, Clock
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.services.kernel.users import create_user
from quzhou_desktop.services.roster.setup import initialise
from quzhou_desktop.services.roster.villages import VillageSpec, list_villages
from quzhou_desktop.store.audit.verify import Problem, verify_all
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.models import AuditEntry, LedgerLine, Membership, Person, Voucher

PASSWORD = "test-pass-1"
"""Every user the test builders create signs in (and signs) with this password."""

START = datetime(2026, 11, 24, 2, 0, 0)
"""The world's clock at creation, in UTC (10:00 in Quzhou)."""


class FixedClock(Clock):
    """A clock that moves only when told; ``today`` is the Quzhou (UTC+8) date."""

    def __init__(self, now: datetime) -> None:
        self._now = now

    @classmethod
    def on(cls, day: date) -> FixedClock:
        """10:00 in Quzhou on ``day``."""
        return cls(datetime(day.year, day.month, day.day, 2, 0))

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
    village_ids: list[str]  # 溪口村 (finance-busy), 上洋村
    clock: FixedClock

    @property
    def path(self) -> Path:
        """The database file."""
        assert self.db.path is not None, "an in-memory world has no file"
        return self.db.path

    def as_user(self, user_id: str) -> AppContext:
        ctx = AppContext(self.db, clock=self.clock)
        ctx.user = load_current_user(ctx, user_id)
        return ctx

    def new_user(self, username: str, role: Role, villages: list[str] | None = None) -> AppContext:
        """A new account (password ``PASSWORD``), for the first village unless ``villages`` is given."""
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


def make_world(path: Path | str | None, *, now: datetime | None = None) -> World:
    """Set up a township in a new database at ``path`` (a file, a ``postgresql://`` address; None: in memory)
    and log its administrator in."""
    db = Database(path, create=True)
    clock = FixedClock(now or START)
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
    ctx.user = load_current_user(ctx, sheet.admin_id)
    by_name = {v.name: v.id for v in list_villages(ctx)}
    return World(db, ctx, [by_name["溪口村"], by_name["上洋村"]], clock)


def audit_problems(world: World) -> list[Problem]:
    """What ``verify`` finds wrong with the world's database (empty: the chain and every record check out)."""
    with world.db.read_engine.connect() as conn:
        return verify_all(conn)


def table_counts(world: World) -> dict[str, int]:
    """Rows in the tables an import writes (and the audit log), by table name."""
    with world.db.read() as s:
        return {
            m.__tablename__: s.scalar(select(func.count()).select_from(m)) or 0
            for m in (Voucher, LedgerLine, Person, Membership, AuditEntry)
        }


def raw_sqlite(world: World) -> sqlite3.Connection:
    """A plain sqlite3 connection to the world's file, to change it behind the app's back."""
    return sqlite3.connect(world.path)
