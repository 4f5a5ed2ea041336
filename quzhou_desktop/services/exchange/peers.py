"""The peers of this site (enrolled villages, or the township) and the audit entries of exchange bookkeeping."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from quzhou_desktop.services.exchange.errors import ExchangeNotReady
from quzhou_desktop.services.exchange.identity import LocalSite
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.store.audit.chain import Change, append_entries
from quzhou_desktop.store.models import ExchangeSite


def site_doc(me: LocalSite) -> dict[str, str]:
    return {"site": me.site_id, "kind": me.kind, "name": me.name}


def find_peer(s: Session, key: str) -> ExchangeSite:
    """The enrolled peer named ``key`` (its site id, its name, or its village id)."""
    rows = s.scalars(
        select(ExchangeSite).where(
            ExchangeSite.is_self.is_(False),
            or_(ExchangeSite.site_id == key, ExchangeSite.name == key, ExchangeSite.village_id == key),
        )
    ).all()
    if not rows:
        raise ExchangeNotReady(reason=f"没有登记过名为“{key}”的交换站点")
    row = rows[0]
    if row.state != "enrolled" or row.site_id is None or row.public_key is None:
        raise ExchangeNotReady(reason=f"“{row.name}”的登记还没有完成：请先导入它的应答文件并核对密钥指纹")
    return row


def peer_by_site(s: Session, site_id: str) -> ExchangeSite | None:
    return s.scalars(
        select(ExchangeSite).where(ExchangeSite.site_id == site_id, ExchangeSite.is_self.is_(False))
    ).first()


def audit(
    s: Session, ctx: AppContext, action: str, peer_id: str, after: dict[str, Any], reason: str | None = None
) -> None:
    """One entry of this site's chain recording an exchange step (inside the caller's write)."""
    append_entries(
        s.connection(),
        ctx.actor,
        [Change(action, "exchange_site", peer_id, None, after, reason)],
        ts=ctx.clock.now(),
    )
