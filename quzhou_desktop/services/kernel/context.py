"""The acting user and the database, passed to every service."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from quzhou_desktop.core.errors import PermissionDenied
from quzhou_desktop.services.kernel.roles import (
    COUNTY_PERMS,
    COUNTY_REFUSAL,
    PERM_LABELS,
    ROLE_LABELS,
    TOWNSHIP_WIDE,
    Perm,
    Role,
    has_perm,
)
from quzhou_desktop.store.audit.chain import Actor
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.models import Township
from quzhou_desktop.store.models.base import utcnow

T = TypeVar("T")
_MEMO = "snapshot_memo"


@dataclass(frozen=True)
class CurrentUser:
    id: str
    username: str
    display_name: str
    role: Role
    person_id: str | None
    village_ids: frozenset[str] = field(default_factory=frozenset)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def township_wide(self) -> bool:
        """Only the township roles see every village; anyone else (a read-only user too) sees the villages
        linked to the account — none when none are."""
        return self.role in TOWNSHIP_WIDE


class Clock:
    """Injectable clock (tests move time)."""

    def now(self) -> datetime:
        return utcnow()

    def today(self) -> date:
        from datetime import datetime as _dt
        from datetime import timedelta, timezone

        return (_dt.now(timezone.utc) + timedelta(hours=8)).date()  # Asia/Shanghai


@dataclass
class AppContext:
    db: Database
    user: CurrentUser | None = None
    clock: Clock = field(default_factory=Clock)
    # the session shared by ``snapshot`` on each thread (the GUI's worker thread has its own)
    _shared: threading.local = field(default_factory=threading.local, init=False, repr=False, compare=False)
    _county: bool | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def actor(self) -> Actor:
        if self.user is None:
            return Actor(None, "system")
        return Actor(self.user.id, self.user.username)

    def require_user(self) -> CurrentUser:
        if self.user is None:
            raise PermissionDenied("请先登录")
        return self.user

    @property
    def county(self) -> bool:
        """Whether this database is a county's (区/县, site kind ``county``): it shows the records its townships
        reported and changes none of them, whatever the role (``roles.COUNTY_PERMS`` stay). Read once."""
        if self._county is None:
            self._county = False if self.db.memory else _county_site(self)
        return self._county

    def role_can(self, perm: Perm) -> bool:
        """The role's own grant, whatever the site: for what is not a change of the townships' records (a
        county administrator listing this computer's site key)."""
        return self.user is not None and has_perm(self.user.role, perm)

    def can(self, perm: Perm, village_id: str | None = None) -> bool:
        u = self.user
        if u is None or not has_perm(u.role, perm):
            return False
        if perm not in COUNTY_PERMS and self.county:
            return False
        return village_id is None or u.township_wide or village_id in u.village_ids

    def require(self, perm: Perm, village_id: str | None = None) -> CurrentUser:
        u = self.require_user()
        if perm not in COUNTY_PERMS and self.county:  # first: whatever the role, the reason is the site
            raise PermissionDenied(COUNTY_REFUSAL.format(what=PERM_LABELS[perm]))
        if not has_perm(u.role, perm):
            raise PermissionDenied(f"{u.role_label}「{u.display_name}」不能{PERM_LABELS[perm]}")
        if village_id is not None and not (u.township_wide or village_id in u.village_ids):
            raise PermissionDenied(f"「{u.display_name}」不能代表这个村{PERM_LABELS[perm]}")
        return u

    def require_village(self, village_id: str) -> None:
        u = self.require_user()
        if not (u.township_wide or village_id in u.village_ids):
            raise PermissionDenied(f"「{u.display_name}」无权查看这个村的数据")

    def visible_village_ids(self) -> frozenset[str] | None:
        """None = every village."""
        u = self.require_user()
        return None if u.township_wide else u.village_ids

    @contextmanager
    def write(self, action: str, *, reason: str | None = None) -> Iterator[Session]:
        if getattr(self._shared, "session", None) is not None:
            raise RuntimeError("ctx.write inside ctx.snapshot(): a snapshot is for reading only")
        with self.db.write(self.actor, action, reason=reason) as s:
            yield s

    @contextmanager
    def read(self) -> Iterator[Session]:
        shared: Session | None = getattr(self._shared, "session", None)
        if shared is not None:
            yield shared
            return
        with self.db.read() as s:
            yield s

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Every ``read`` on this thread inside shares one session: one transaction (on a server one
        consistent snapshot) instead of a connection check-out, BEGIN and ROLLBACK per service call — the
        round trips that made the 工作台 slow on a server. For reading only; nested snapshots are one."""
        if getattr(self._shared, "session", None) is not None:
            yield
            return
        with self.db.read() as s:
            kept: list[
                object
            ] = []  # what the snapshot loaded stays in the identity map: ``s.get`` again is free

            def keep(_session: Session, instance: object) -> None:
                kept.append(instance)

            s.info[_MEMO] = {}
            event.listen(s, "loaded_as_persistent", keep)
            self._shared.session = s
            try:
                yield
            finally:
                self._shared.session = None
                event.remove(s, "loaded_as_persistent", keep)
                s.info.pop(_MEMO, None)
                kept.clear()


def snapshot_memo(s: Session, key: str, load: Callable[[], T]) -> T:
    """``load()`` once per ``ctx.snapshot()`` (one read-only transaction: the answer cannot change inside it);
    outside a snapshot — a write session too — every call loads."""
    memo: dict[str, Any] | None = s.info.get(_MEMO)
    if memo is None:
        return load()
    if key not in memo:
        memo[key] = load()
    return memo[key]  # type: ignore[no-any-return]


def _county_site(ctx: AppContext) -> bool:
    """Whether a township row's settings hold a site of kind ``county``. Only this office's own row holds a
    site (the townships' rows a county receives never carry theirs), so this is ``site.site_kind(s) ==
    "county"`` read without the site module (which builds on this one)."""
    import json

    with ctx.read() as s:
        for (settings,) in s.execute(select(Township.rules_json)):
            try:
                doc = json.loads(settings or "{}")
            except ValueError:
                continue
            site = doc.get("site") if isinstance(doc, dict) else None
            if isinstance(site, dict) and site.get("kind") == "county":
                return True
    return False
