"""Shared generator state: the scale, seeded ids, row templates and the villages being built."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Table

from benchmarks.gen.bulk import BulkWriter
from quzhou_desktop.store.models import Base

BENCH_PASSWORD = "bench-2026-pass"  # every generated user has this password (benchmarks log in with it)
ADMIN_USERNAME = "admin"


@dataclass(frozen=True)
class Scale:
    """How much to generate. ``full`` is the reference township (README: Performance)."""

    name: str
    villages: int
    years: int
    people: int
    matters: int
    vouchers: int
    ledger_lines: int
    workbook_rows: int
    workbook_layouts: tuple[str, ...] = ("title_merged", "two_row_header", "text_amounts")

    @property
    def key(self) -> str:
        return (
            f"{self.name}-v{self.villages}-y{self.years}-p{self.people}-m{self.matters}"
            f"-vo{self.vouchers}-l{self.ledger_lines}-w{self.workbook_rows}"
        )


SCALES: dict[str, Scale] = {
    "full": Scale("full", 30, 10, 20_000, 30_000, 300_000, 300_000, 100_000),
    "quick": Scale("quick", 8, 3, 3_000, 2_400, 24_000, 24_000, 10_000, ("title_merged",)),
    "tiny": Scale("tiny", 2, 2, 120, 24, 240, 240, 200),
}

AS_OF = date(2026, 10, 31)  # fixed "today" of the generated data, so the file is the same on every run


def new_id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _template(table: Table) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for c in table.columns:
        default = c.default
        if default is not None and getattr(default, "is_scalar", False):
            out[c.name] = default.arg  # type: ignore[attr-defined]
        elif c.nullable:
            out[c.name] = None
    return out


TEMPLATES: dict[str, dict[str, Any]] = {name: _template(t) for name, t in Base.metadata.tables.items()}


def row(table: str, rng: random.Random, created_at: datetime, **values: Any) -> dict[str, Any]:
    """A complete row for ``table``: defaults, a seeded UUID, ``created_at``, version 1, then ``values``."""
    r = dict(TEMPLATES[table])
    r["id"] = new_id(rng)
    r["created_at"] = created_at
    r["row_version"] = 1
    r.update(values)
    return r


def at(d: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, hour, minute)


def add_days(d: date, n: int) -> date:
    return d + timedelta(days=n)


@dataclass
class VillageData:
    """What later parts need to know about one generated village."""

    id: str
    name: str
    households: int
    weight: float
    finance_busy: bool
    people: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # person id -> name
    # role -> person id for the current and the previous term: secretary, director, sup_chair, clerk
    officers: dict[str, str] = field(default_factory=dict)
    branch: list[str] = field(default_factory=list)
    committee: list[str] = field(default_factory=list)
    supervisory: list[str] = field(default_factory=list)
    party_count: int = 0
    reps_count: int = 0
    users: dict[str, str] = field(default_factory=dict)  # role -> user id


@dataclass
class Gen:
    scale: Scale
    rng: random.Random
    writer: BulkWriter
    as_of: date
    township_id: str = ""
    admin_id: str = ""
    villages: list[VillageData] = field(default_factory=list)
    items: dict[str, str] = field(default_factory=dict)  # disclosure item key -> id

    @property
    def first_year(self) -> int:
        return self.as_of.year - self.scale.years + 1

    def year_end(self, year: int) -> date:
        return min(date(year, 12, 31), self.as_of)

    def share(self, total: int, v: VillageData) -> int:
        return max(1, round(total * v.weight))
