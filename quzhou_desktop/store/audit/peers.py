"""``verify``'s check of the signatures received from peers: every ``peer_act`` against its ``peer_key`` again
(``core.peer_acts.act_fault``), so an act or key edited in the database file after it was imported is named."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, text

from quzhou_desktop.core.peer_acts import ACT_FIELDS, KEY_FIELDS, Verifier, act_fault, time_text, verifier
from quzhou_desktop.store.audit.problems import Problem
from quzhou_desktop.store.dialects.rows import has_table

__all__ = ["verify_peer_acts"]


def _when(value: Any) -> str:
    """The time in Shanghai (acts keep UTC), to the minute."""
    try:
        at = datetime.fromisoformat(str(time_text(value)))
    except ValueError:
        return "时间不详"
    return f"{at + timedelta(hours=8):%Y-%m-%d %H:%M}"


def verify_peer_acts(conn: Connection) -> Iterator[Problem]:
    """One problem per act that no longer holds (in the order the peer numbered them)."""
    if not has_table(conn, "peer_act"):
        return  # a file from before schema 0007
    names: dict[str, str] = dict(
        conn.execute(text("SELECT site_id, name FROM exchange_site WHERE site_id IS NOT NULL")).all()
    )
    keys = {
        r[0]: dict(zip(KEY_FIELDS, r, strict=True))
        for r in conn.execute(text(f"SELECT {', '.join(KEY_FIELDS)} FROM peer_key"))
    }
    key_sites: dict[str, str] = dict(conn.execute(text("SELECT id, site_id FROM peer_key")).all())
    checks: dict[str, Verifier] = {}
    rows = conn.execute(
        text(f"SELECT site_id, {', '.join(ACT_FIELDS)} FROM peer_act ORDER BY site_id, number")
    )
    for site_id, *values in rows:
        act = dict(zip(ACT_FIELDS, values, strict=True))
        key = keys.get(act["key_id"])
        peer = names.get(site_id, "其他站点")
        where = f"从{peer}收到的签名记录第{act['number']}号（{_when(act['signed_at'])}签署）"
        if key is None or key_sites.get(key["id"]) != site_id:
            fault: str | None = "签名人密钥不在本站点的记录中"
        else:
            check = checks.get(key["id"]) or checks.setdefault(key["id"], verifier(key))
            fault = act_fault(act, key, check)
        if fault is not None:
            yield Problem(
                "peer_act",
                f"{where}：{fault}（签名记录或签名人密钥在本程序之外被修改）",
                "peer_act",
                str(act["id"]),
            )
