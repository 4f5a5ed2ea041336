"""Writing a package for a peer: a village's 上报数据包 for its township (every entry of its chain since the
township's last receipt), a township's 下发数据包 for one village (its own acts about that village since the
village's last receipt), or a township's 上报数据包 for its county (every entry since the county's last receipt,
with the states of every record it holds: ``core.exchange.travels_to_county``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from quzhou_desktop.core.exchange import concerns_village, travels, travels_to_county
from quzhou_desktop.services.exchange.county import county_tables
from quzhou_desktop.services.exchange.errors import ExchangeNotReady
from quzhou_desktop.services.exchange.identity import LocalSite, local_site, site_private_key
from quzhou_desktop.services.exchange.package import Entry, entry_line, write_package
from quzhou_desktop.services.exchange.peers import audit, find_peer, site_doc
from quzhou_desktop.services.exchange.signed import signed_members
from quzhou_desktop.services.exchange.states import changes_of
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.site import home_township
from quzhou_desktop.store.audit.chain import chain_head, norm_value
from quzhou_desktop.store.dialects.rows import run
from quzhou_desktop.store.models import ExchangeSite
from quzhou_desktop.store.schema import SCHEMA_HEAD

_COLUMNS = (
    "seq, ts, user_id, username, action, entity, entity_id, before_json, after_json, reason, prev_hash, hash"
)


@dataclass(frozen=True)
class ExportPlan:
    """What a package for ``peer`` would hold now (what the 生成上报数据包 screen shows before writing)."""

    peer_id: str
    peer_name: str
    kind: str  # report | dispatch
    after_seq: int
    last_seq: int
    entries: int  # entries with their states
    stubs: int  # entries sent as links only
    attachments: int


@dataclass(frozen=True)
class ExportResult:
    plan: ExportPlan
    path: Path
    sha256: str


def _rows(conn: Connection, after_seq: int) -> Iterator[Any]:
    return iter(run(conn, f"SELECT {_COLUMNS} FROM audit_log WHERE seq > ? ORDER BY seq", (after_seq,)))


def _entry(r: Any, *, stub: bool) -> Entry:
    if stub:
        return Entry(int(r[0]), r[10], r[11], stub=True)
    ts = r[1] if isinstance(r[1], str) else norm_value(r[1])
    return Entry(int(r[0]), r[10], r[11], ts, r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9])


def _collect(
    conn: Connection, me: LocalSite, peer: ExchangeSite
) -> tuple[list[Entry], set[str], tuple[int, str]]:
    entries: list[Entry] = []
    shas: set[str] = set()
    head = chain_head(conn)
    village = peer.village_id or ""
    to_county = peer.kind == "county"
    records = frozenset(t.name for t in county_tables())  # printed notices stay with the office too
    dispatch = me.kind == "township" and not to_county
    vouchers: dict[str, str] = {}
    if dispatch:
        vouchers = {
            str(r[0]): str(r[1])
            for r in run(conn, "SELECT id, village_id FROM voucher WHERE village_id = ?", (village,))
        }
    for r in _rows(conn, peer.receipt_seq):
        if r[0] > head[0]:
            break
        full = travels_to_county(r[5], records) if to_county else travels(r[5], r[4])
        e = _entry(r, stub=not full)
        if dispatch:
            if not full:
                continue  # a dispatch holds the township's own acts about the village only
            if not any(concerns_village(c.entity, c.after, village, vouchers) for c in changes_of(e)):
                continue
        entries.append(e)
        if full and r[5].startswith("attachment"):
            shas.update(c.after["sha256"] for c in changes_of(e) if c.entity == "attachment")
    return entries, shas, head


def _plan(me: LocalSite, peer: ExchangeSite, entries: list[Entry], shas: set[str], head: int) -> ExportPlan:
    stubs = sum(1 for e in entries if e.stub)
    return ExportPlan(
        peer.id,
        peer.name,
        "report" if me.kind == "village" or peer.kind == "county" else "dispatch",
        peer.receipt_seq,
        head,
        len(entries) - stubs,
        stubs,
        len(shas),
    )


def _ready(ctx: AppContext, to: str) -> tuple[LocalSite, ExchangeSite]:
    ctx.require(Perm.EXCHANGE)
    with ctx.read() as s:
        me = local_site(s)
        if me is None:
            raise ExchangeNotReady(
                reason="本数据库还没有站点身份，或这台电脑上没有本站点的密钥（管理员登录一次即可生成）"
            )
        if me.kind == "county":
            raise ExchangeNotReady(reason="区县站点只接收各乡镇的上报数据包，不向乡镇发送数据包")
        peer = find_peer(s, to)
    if me.kind == "township" and peer.village_id is not None:
        ctx.require(
            Perm.EXCHANGE, peer.village_id
        )  # a village's clerk at the township: only for their village
    return me, peer


def plan_export(ctx: AppContext, *, to: str) -> ExportPlan:
    me, peer = _ready(ctx, to)
    with ctx.db.read_engine.connect() as conn:
        entries, shas, head = _collect(conn, me, peer)
    return _plan(me, peer, entries, shas, head[0])


def export_package(ctx: AppContext, *, to: str, out: Path) -> ExportResult:
    """Write the package for the peer ``to`` (site id or name) to ``out``; recorded in the audit chain."""
    me, peer = _ready(ctx, to)
    private = site_private_key(me)
    with ctx.db.read_engine.connect() as conn:
        with conn.begin():
            entries, shas, (head_seq, head_hash) = _collect(conn, me, peer)
            village = peer.village_id if me.kind == "township" and peer.kind == "village" else None
            signed, signed_counts = signed_members(
                conn, after_seq=peer.receipt_seq, head_seq=head_seq, village_id=village
            )
            blobs: dict[str, bytes] = {}
            for sha in shas:
                data = run(conn, "SELECT data FROM attachment_blob WHERE sha256 = ?", (sha,)).scalar()
                if data is not None:
                    blobs[sha] = bytes(data)
    plan = _plan(me, peer, entries, shas, head_seq)
    user = ctx.require_user()
    manifest: dict[str, Any] = {
        "kind": plan.kind,
        "from": site_doc(me),
        "to": {"site": peer.site_id, "kind": peer.kind, "name": peer.name},
        "village": _village_field(ctx, me, peer),
        **({"township": {"id": _own_township(ctx)}} if peer.kind == "county" else {}),
        "schema": SCHEMA_HEAD,
        "range": {
            "after": {"seq": peer.receipt_seq, "hash": peer.receipt_hash},
            "last": {"seq": head_seq, "hash": head_hash},
            "complete": me.kind == "village" or peer.kind == "county",
        },
        "counts": {"entries": plan.entries, "stubs": plan.stubs, "attachments": len(blobs), **signed_counts},
        "created_by": {"username": user.username, "name": user.display_name},
        "created_at": norm_value(ctx.clock.now()),
    }
    body = "".join(entry_line(e) + "\n" for e in entries)
    sha = write_package(out, manifest, private=private, entries_text=body, attachments=blobs, extra=signed)
    with ctx.write("exchange.export") as s:
        audit(
            s,
            ctx,
            "exchange.export",
            peer.id,
            {"package": sha, "file": out.name, "after_seq": plan.after_seq, "last_seq": plan.last_seq},
        )
    return ExportResult(plan, out, sha)


def _village_field(ctx: AppContext, me: LocalSite, peer: ExchangeSite) -> str | None:
    """The manifest's ``village``: the village a dispatch is for, or the village a report is from (none for a
    township's report to its county)."""
    if peer.kind == "county":
        return None
    return peer.village_id if me.kind == "township" else _own_village(ctx)


def _own_township(ctx: AppContext) -> str | None:
    with ctx.read() as s:
        home = home_township(s)
        return None if home is None else home.id


def _own_village(ctx: AppContext) -> str | None:
    with ctx.read() as s:
        row = s.scalars(select(ExchangeSite).where(ExchangeSite.is_self.is_(True))).first()
        return None if row is None else row.village_id
