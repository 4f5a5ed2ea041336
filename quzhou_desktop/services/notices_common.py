"""Shared pieces of notice building: the issuing organisation and the feedback channel (DOMAIN.md §6.3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from quzhou_desktop.core.errors import NotFound
from quzhou_desktop.store.models import Person, Township, Village


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


def org_of(s: Session, village_id: str) -> Org:
    v = s.get(Village, village_id)
    if v is None:
        raise NotFound(what="这个村")
    t = s.get(Township, v.township_id) or s.scalars(select(Township)).first()
    return Org(t.name if t else "", v.name, v.id)


def supervisory_chair(s: Session, village_id: str, on: dt.date) -> tuple[str, str]:
    """(name, phone) of the 村监会主任 on ``on``; empty strings when none is on the roster."""
    from quzhou_desktop.services.vouchers_flow import committee_in

    com = committee_in(s, village_id, on)
    if com.chair_id is None:
        return "", ""
    p = s.get(Person, com.chair_id)
    return com.names.get(com.chair_id, ""), (p.phone or "") if p else ""


def feedback_text(s: Session, org: Org, lead: str, *, on: dt.date | None = None, short: bool = False) -> str:
    """How villagers give opinions: the 意见箱 and the 村监会主任 (name and phone when known).

    ``on`` is the notice's own date (never today: the printed text must be a function of the record, so
    ``verify_notice`` can rebuild it); without it the chair is not named.
    """
    name, phone = supervisory_chair(s, org.village_id, on) if on else ("", "")
    who = "村务监督委员会"
    if name:
        who += f"主任{name}"
        if phone:
            who += f"（电话{phone}）"
    if short:
        return f"投入村委会门口意见箱，或向{who}反映。"
    return f"{lead}，可投入村委会门口意见箱，或向{who}反映。"
