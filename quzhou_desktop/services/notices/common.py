"""Shared pieces of notice building: the issuing organisation and the feedback channel a 公开栏 notice names, and
``NoticeCache``, the lookups one print batch shares (names, township rules, 村监会 rosters, cited vouchers, and the
batch's matters, monthly reviews, 财务公开 and vouchers read together).

A cache lives for one call (``print_notices``, one ``build_document``): the documents of a batch read the same
snapshot-worthy facts many times (≈11 queries a notice before), never across calls, so nothing can go stale
between a print and a later edit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quzhou_desktop.core.errors import NotFound
from quzhou_desktop.services.kernel.site import home_township
from quzhou_desktop.store.models import Membership, Person, Township, Village

if TYPE_CHECKING:
    from quzhou_desktop.core.rules_config import TownshipRules


@dataclass(frozen=True)
class Org:
    township: str
    village: str
    village_id: str

    @property
    def full(self) -> str:
        """村级组织名称, e.g. "石梁镇溪口村"."""
        return f"{self.township}{self.village}"

    @property
    def issuer(self) -> str:
        """署名 of the village's notices."""
        return f"{self.village}村民委员会"


@dataclass(frozen=True)
class _Seat:
    """One 村监会 membership row with what the feedback line prints."""

    person_id: str
    role: str
    name: str
    phone: str
    start: dt.date
    end: dt.date | None


@dataclass
class NoticeCache:
    """Per-call lookups shared by the documents of one print batch (see the module docstring)."""

    orgs: dict[str, Org] = field(default_factory=dict)
    rules: dict[str, TownshipRules] = field(default_factory=dict)  # village id -> its township's rules
    seats: dict[str, list[_Seat]] = field(default_factory=dict)  # village id -> supervisory memberships
    spending: dict[str, list[Any]] = field(default_factory=dict)  # village id -> vouchers citing a step
    spending_asks: dict[str, int] = field(default_factory=dict)  # village id -> result notices built
    # village id -> (the batch's result steps there, the spent vouchers citing them; None: too many steps)
    batch_spending: dict[str, tuple[frozenset[str], list[Any] | None]] = field(default_factory=dict)
    # (kind, record id) of the whole batch: the matters its 五议两公开 notices need are read together, once
    batch: list[tuple[str, str]] = field(default_factory=list)
    matters_read: bool = False
    step_matter: dict[str, str] = field(default_factory=dict)  # step id -> matter id
    # matter id -> (Matter, the views of its final steps)
    matters: dict[str, tuple[Any, list[Any]]] = field(default_factory=dict)

    # read with the batch the first time one of its 财务公开表 or 月度审核意见书 is built:
    finance_read: bool = False
    finance: dict[str, Any] = field(default_factory=dict)  # disclosure id -> FinanceNoticeData
    reviews_read: bool = False
    reviews: dict[str, Any] = field(default_factory=dict)  # review id -> MonthlyReviewView
    # and the first time one of its 支出凭证审批单 is built:
    vouchers_read: bool = False
    vouchers: dict[str, tuple[Any, list[Any]]] = field(
        default_factory=dict
    )  # voucher id -> (Voucher, events)

    def read_orgs(self, s: Session, village_ids: Sequence[str]) -> None:
        """``org`` of each village, read with two queries (the same values ``org_of`` reads one at a time)."""
        wanted = sorted(set(village_ids) - set(self.orgs))
        if not wanted:
            return
        towns: dict[str, str] = {tid: name for tid, name in s.execute(select(Township.id, Township.name))}
        home = home_township(s)
        first = home.name if home is not None else ""  # org_of's fallback: this office's own township
        for i in range(0, len(wanted), 900):
            q = select(Village.id, Village.name, Village.township_id).where(
                Village.id.in_(wanted[i : i + 900])
            )
            for vid, name, town in s.execute(q):
                self.orgs[vid] = Org(towns.get(town, first), name, vid)

    def org(self, s: Session, village_id: str) -> Org:
        found = self.orgs.get(village_id)
        if found is None:
            found = self.orgs[village_id] = org_of(s, village_id)
        return found

    def township_rules(self, s: Session, village_id: str) -> TownshipRules:
        """The rules of the village's own township (a county database holds several), read once a batch."""
        found = self.rules.get(village_id)
        if found is None:
            from quzhou_desktop.services.kernel.settings import rules_in

            found = self.rules[village_id] = rules_in(s, village_id)
        return found

    def chair(self, s: Session, village_id: str, on: dt.date) -> tuple[str, str]:
        """``supervisory_chair`` from the village's 村监会 memberships, read once per batch.

        Same choice as ``services.vouchers.flow.committee_in``: the memberships in force on ``on``, ordered by role then
        name, the first 主任 (role "chair").
        """
        seats = self.seats.get(village_id)
        if seats is None:
            rows = s.execute(
                select(
                    Membership.person_id,
                    Membership.role,
                    Person.name,
                    Person.phone,
                    Membership.start_date,
                    Membership.end_date,
                )
                .join(Person, Person.id == Membership.person_id)
                .where(Membership.village_id == village_id, Membership.body == "supervisory")
                .order_by(Membership.role, Person.name)
            ).all()
            seats = self.seats[village_id] = [_Seat(p, r, n, ph or "", a, b) for p, r, n, ph, a, b in rows]
        for seat in seats:
            if seat.role == "chair" and seat.start <= on and (seat.end is None or seat.end >= on):
                return seat.name, seat.phone
        return "", ""


def org_of(s: Session, village_id: str) -> Org:
    v = s.get(Village, village_id)
    if v is None:
        raise NotFound(what="这个村")
    t = s.get(Township, v.township_id) or home_township(s)
    return Org(t.name if t else "", v.name, v.id)


def supervisory_chair(s: Session, village_id: str, on: dt.date) -> tuple[str, str]:
    """(name, phone) of the 村监会主任 on ``on``; empty strings when none is on the roster."""
    from quzhou_desktop.services.vouchers.flow import committee_in

    com = committee_in(s, village_id, on)
    if com.chair_id is None:
        return "", ""
    p = s.get(Person, com.chair_id)
    return com.names.get(com.chair_id, ""), (p.phone or "") if p else ""


def feedback_text(
    s: Session,
    org: Org,
    lead: str,
    *,
    on: dt.date | None = None,
    short: bool = False,
    cache: NoticeCache | None = None,
) -> str:
    """How villagers give opinions: the 意见箱 and the 村监会主任 (name and phone when known).

    ``on`` is the notice's own date (never today: the printed text must be a function of the record, so
    ``verify_notice`` can rebuild it); without it the chair is not named.
    """
    if on is None:
        name, phone = "", ""
    elif cache is not None:
        name, phone = cache.chair(s, org.village_id, on)
    else:
        name, phone = supervisory_chair(s, org.village_id, on)
    who = "村务监督委员会"
    if name:
        who += f"主任{name}"
        if phone:
            who += f"（电话{phone}）"
    if short:
        return f"投入村委会门口意见箱，或向{who}反映。"
    return f"{lead}，可投入村委会门口意见箱，或向{who}反映。"
