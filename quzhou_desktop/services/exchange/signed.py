"""The signed part of a package: the sender's signed acts (``acts.jsonl``) and the public keys of the users who
signed them (``keys.jsonl``), one canonical JSON object a line (sorted keys, no spaces, UTF-8).

A village's 上报数据包 carries every act it signed in the range of its chain the package covers (村监会 reviews,
主任/书记 signatures, 定稿, postings, administrators' acts …); a township's 下发数据包 carries its acts about that
village in the range (代理记账中心 受理/退回 of the village's vouchers, acts about the village and the township's
rule settings). Each package lists every key its acts need, so it can be checked on its own; the manifest lists
both members with their SHA-256 like any other, so the site key's signature vouches for them.

The receiver checks and keeps them (``services.exchange.acts``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection

from quzhou_desktop.core.peer_acts import ACT_FIELDS, KEY_FIELDS
from quzhou_desktop.services.exchange.package import ACTS, KEYS
from quzhou_desktop.store.audit.chain import norm_value
from quzhou_desktop.store.dialects.rows import run

_line = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
_IN_CHUNK = 500
# Acts of the township that a village receives whatever their record: its rule settings (the township row
# travels to every village).
TOWNSHIP_WIDE_ACTS = frozenset({"settings.rules"})


def lines(docs: Iterable[dict[str, Any]]) -> bytes:
    return "".join(_line(d) + "\n" for d in docs).encode("utf-8")


def _acts_in_range(conn: Connection, after_seq: int, head_seq: int) -> list[dict[str, Any]]:
    cols = ", ".join(f"a.{c}" for c in ACT_FIELDS)
    rows = run(
        conn,
        f"SELECT {cols} FROM signed_act a WHERE a.id IN (SELECT entity_id FROM audit_log "
        "WHERE entity = 'signed_act' AND seq > ? AND seq <= ?) ORDER BY a.number",
        (after_seq, head_seq),
    )
    return [{c: norm_value(v) for c, v in zip(ACT_FIELDS, r, strict=True)} for r in rows]


def _about_village(act: dict[str, Any], village_id: str, vouchers: set[str]) -> bool:
    if act["village_id"] == village_id or act["act"] in TOWNSHIP_WIDE_ACTS:
        return True
    kind, rid = act["record_kind"], act["record_id"]
    return (kind == "village" and rid == village_id) or (kind == "voucher" and rid in vouchers)


def _keys(conn: Connection, ids: list[str]) -> list[dict[str, Any]]:
    cols = ", ".join(f"u.{c}" if c in ("username", "display_name") else f"k.{c}" for c in KEY_FIELDS)
    out: list[dict[str, Any]] = []
    for i in range(0, len(ids), _IN_CHUNK):
        chunk = ids[i : i + _IN_CHUNK]
        rows = run(
            conn,
            f"SELECT {cols} FROM signing_key k JOIN user_account u ON u.id = k.user_id "
            f"WHERE k.id IN ({', '.join('?' * len(chunk))})",
            tuple(chunk),
        )
        out += [{c: norm_value(v) for c, v in zip(KEY_FIELDS, r, strict=True)} for r in rows]
    return sorted(out, key=lambda k: (k["valid_from"], k["id"]))


def signed_members(
    conn: Connection, *, after_seq: int, head_seq: int, village_id: str | None = None
) -> tuple[dict[str, bytes], dict[str, int]]:
    """The members ``keys.jsonl`` and ``acts.jsonl`` for the sender's chain from ``after_seq`` (exclusive) to
    ``head_seq``, and their counts for the manifest. ``village_id``: a township's dispatch for that village
    (its acts about the village only); None: a village's report (every act)."""
    acts = _acts_in_range(conn, after_seq, head_seq)
    if village_id is not None:
        vouchers = {
            str(r[0]) for r in run(conn, "SELECT id FROM voucher WHERE village_id = ?", (village_id,))
        }
        acts = [a for a in acts if _about_village(a, village_id, vouchers)]
    keys = _keys(conn, sorted({str(a["key_id"]) for a in acts}))
    return {KEYS: lines(keys), ACTS: lines(acts)}, {"keys": len(keys), "acts": len(acts)}
