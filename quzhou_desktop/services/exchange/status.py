"""What the 数据交换 screen and ``exchange status`` show: this site, each peer's progress, what waits, the
conflict list and fork alarms. Peers are sorted by what needs attention (forks, then conflicts, then gaps)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quzhou_desktop.services.exchange.identity import LocalSite, local_site
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.store.models import ExchangeConflict, ExchangeFork, ExchangePending, ExchangeSite


@dataclass(frozen=True)
class PeerStatus:
    peer_id: str
    site_id: str | None
    kind: str
    name: str
    village_id: str | None
    state: str  # invited | enrolled
    accepted_seq: int  # how far this site holds the peer's chain
    last_package_at: datetime | None
    last_package_entries: int
    receipt_seq: int  # how far the peer's latest receipt acknowledges this site's chain
    last_receipt_at: datetime | None
    waiting: tuple[tuple[int, int], ...]  # (first, last) seq of each waiting package
    forks: int  # open fork alarms
    conflicts: int  # open conflicts
    reports: bool = (
        False  # it sends this site 上报数据包 (a village to its township, a township to its county)
    )

    @property
    def attention(self) -> int:
        """Higher needs a person sooner: forks, conflicts, waiting packages, an unfinished enrolment."""
        return self.forks * 1000 + self.conflicts * 10 + len(self.waiting) * 3 + (self.state != "enrolled")

    def as_dict(self) -> dict[str, Any]:
        return {
            "peer_id": self.peer_id,
            "site_id": self.site_id,
            "kind": self.kind,
            "name": self.name,
            "village_id": self.village_id,
            "state": self.state,
            "accepted_seq": self.accepted_seq,
            "last_package_at": _iso(self.last_package_at),
            "last_package_entries": self.last_package_entries,
            "receipt_seq": self.receipt_seq,
            "last_receipt_at": _iso(self.last_receipt_at),
            "waiting": [list(w) for w in self.waiting],
            "forks": self.forks,
            "conflicts": self.conflicts,
            "reports": self.reports,
        }


@dataclass(frozen=True)
class ExchangeStatus:
    site: LocalSite | None
    peers: list[PeerStatus]

    def as_dict(self) -> dict[str, Any]:
        site = None
        if self.site is not None:
            site = {
                "site_id": self.site.site_id,
                "kind": self.site.kind,
                "name": self.site.name,
                "fingerprint": self.site.fingerprint,
            }
        return {"site": site, "peers": [p.as_dict() for p in self.peers]}


@dataclass(frozen=True)
class ConflictInfo:
    id: int
    peer: str
    entity: str
    entity_id: str
    ours: dict[str, Any] | None  # this site's version (None: the record is not here)
    theirs: dict[str, Any]  # the peer's version
    detected_at: datetime
    state: str  # open, ours, theirs

    @property
    def differing(self) -> list[str]:
        """The fields whose values differ, for showing both versions side by side."""
        ours = self.ours or {}
        return sorted(k for k in set(ours) | set(self.theirs) if ours.get(k) != self.theirs.get(k))


@dataclass(frozen=True)
class ForkInfo:
    id: int
    peer: str
    side: str  # theirs: the peer's history diverged; ours: the peer says ours did
    accepted_seq: int
    accepted_hash: str
    their_seq: int
    their_hash: str
    common_seq: int
    common_hash: str
    detected_at: datetime
    state: str
    decision: str | None

    @property
    def message(self) -> str:
        if self.side == "theirs":
            return (
                f"{self.peer}的历史分叉：本站点已接收到第{self.accepted_seq}条（{self.accepted_hash[:12]}…），"
                f"对方第{self.their_seq}条是 {self.their_hash[:12]}…，最后一致的是第{self.common_seq}条"
            )
        return f"{self.peer}报告本站点的历史分叉：对方已接收本站点到第{self.accepted_seq}条（{self.accepted_hash[:12]}…）"


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(sep=" ", timespec="seconds")


def _open_counts(s: Session, model: type[ExchangeFork] | type[ExchangeConflict]) -> dict[str, int]:
    """Open forks or conflicts per peer."""
    q = select(model.peer_id, func.count()).where(model.state == "open").group_by(model.peer_id)
    return {peer_id: int(n) for peer_id, n in s.execute(q)}


def exchange_status(ctx: AppContext) -> ExchangeStatus:
    ctx.require(Perm.EXCHANGE)
    with ctx.read() as s:
        site = local_site(s)
        receiver = site.kind if site is not None else "township"
        sites = list(s.scalars(select(ExchangeSite).where(ExchangeSite.is_self.is_(False))))
        waiting: dict[str, list[tuple[int, int]]] = {}
        forks: dict[str, int] = {}
        conflicts: dict[str, int] = {}
        if sites:  # (waiting packages, forks and conflicts each belong to a peer: none without one)
            for peer_id, after, last in s.execute(
                select(ExchangePending.peer_id, ExchangePending.after_seq, ExchangePending.last_seq).order_by(
                    ExchangePending.after_seq
                )
            ):
                waiting.setdefault(peer_id, []).append((after + 1, last))
            forks = _open_counts(s, ExchangeFork)
            conflicts = _open_counts(s, ExchangeConflict)
        peers = [
            PeerStatus(
                p.id,
                p.site_id,
                p.kind,
                p.name,
                p.village_id,
                p.state,
                p.accepted_seq,
                p.last_package_at,
                p.last_package_entries,
                p.receipt_seq,
                p.last_receipt_at,
                tuple(waiting.get(p.id, [])),
                int(forks.get(p.id, 0)),
                int(conflicts.get(p.id, 0)),
                p.kind == "village" or (p.kind == "township" and receiver == "county"),
            )
            for p in sites
        ]
    visible = ctx.visible_village_ids()
    if visible is not None:
        peers = [p for p in peers if p.village_id is None or p.village_id in visible]
    peers.sort(key=lambda p: (-p.attention, p.name))
    return ExchangeStatus(site, peers)


def list_conflicts(ctx: AppContext, *, open_only: bool = True) -> list[ConflictInfo]:
    ctx.require(Perm.EXCHANGE)
    with ctx.read() as s:
        q = select(ExchangeConflict, ExchangeSite.name).join(
            ExchangeSite, ExchangeSite.id == ExchangeConflict.peer_id
        )
        if open_only:
            q = q.where(ExchangeConflict.state == "open")
        return [
            ConflictInfo(
                c.id,
                name,
                c.entity,
                c.entity_id,
                None if c.ours_json is None else json.loads(c.ours_json),
                json.loads(c.theirs_json),
                c.detected_at,
                c.state,
            )
            for c, name in s.execute(q.order_by(ExchangeConflict.id)).all()
        ]


def list_forks(ctx: AppContext, *, open_only: bool = True) -> list[ForkInfo]:
    ctx.require(Perm.EXCHANGE)
    with ctx.read() as s:
        q = select(ExchangeFork, ExchangeSite.name).join(
            ExchangeSite, ExchangeSite.id == ExchangeFork.peer_id
        )
        if open_only:
            q = q.where(ExchangeFork.state == "open")
        return [
            ForkInfo(
                f.id,
                name,
                f.side,
                f.accepted_seq,
                f.accepted_hash,
                f.their_seq,
                f.their_hash,
                f.common_seq,
                f.common_hash,
                f.detected_at,
                f.state,
                f.decision,
            )
            for f, name in s.execute(q.order_by(ExchangeFork.id)).all()
        ]
