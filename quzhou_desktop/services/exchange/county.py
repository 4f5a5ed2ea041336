"""A county (区/县) and its townships: enrolment, and what a township may report.

A county server keeps the records of every township that reports to it and changes none of them (its users
only read: ``services.kernel.context``). A township joins it in three steps, like a village joins its
township but the other way round, because the township already has years of records:

1. ``write_county_enrolment`` (township): a file for the county with the township's site identity and key, the
   head of its chain and every record it holds (``township_seed``: its own, those it applied from its villages'
   packages, and the villages' signatures it received and checked), plus its own signed acts with their keys;
   signed by the township's site key. The county is recorded as invited.
2. ``accept_township`` (county): the two offices compare the township's key fingerprint by phone; only a match
   adds the township's records to the county's database (every signature checked first), records the
   township as a peer and writes an answer with the county's identity and key.
3. ``enrol.accept_answer`` (township): the county's answer, after the county's fingerprint was compared.

From then on the township sends the county 上报数据包 (``services.exchange.export``): every record it changed
since the county's last receipt. The county applies them as they are; a package that changes a record of
another township is refused whole (``foreign_record``), and so is a village signature that does not verify
(``relayed_fault``).

A township peer of a county keeps the id of the township's row in ``ExchangeSite.village_id`` (the unit the
peer holds: a village for a village peer, the township for a township peer).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, select
from sqlalchemy.exc import IntegrityError

from quzhou_desktop.core.exchange import ACCOUNT_ENTITIES, Head, with_own_site
from quzhou_desktop.core.peer_acts import ACT_FIELDS, KEY_FIELDS, Verifier, act_fault, verifier
from quzhou_desktop.core.signing import b64, fingerprint
from quzhou_desktop.services.exchange.acts import check_peer_acts, store_peer_acts
from quzhou_desktop.services.exchange.checked import Checked
from quzhou_desktop.services.exchange.enrol import (
    digits,
    is_county_enrolment,
    read_enrolment,
    township_site,
    write_answer,
)
from quzhou_desktop.services.exchange.errors import ExchangeRefused
from quzhou_desktop.services.exchange.identity import ensure_local_site, site_private_key
from quzhou_desktop.services.exchange.inserts import store_scans
from quzhou_desktop.services.exchange.package import Package, write_package
from quzhou_desktop.services.exchange.peers import audit, site_doc
from quzhou_desktop.services.exchange.seed import apply_seed, attachment_data
from quzhou_desktop.services.exchange.signed import signed_members
from quzhou_desktop.services.exchange.write import Prepared
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.site import home_township, site_kind
from quzhou_desktop.store.audit.chain import chain_head, norm_value, row_state
from quzhou_desktop.store.audit.verify import audited_tables
from quzhou_desktop.store.dialects.rows import defer_foreign_keys, run
from quzhou_desktop.store.models import Base, ExchangeSite, PeerKey, Township
from quzhou_desktop.store.schema import SCHEMA_HEAD

SEED_DIR = "seed/"  # the township's records: seed/00001.jsonl, seed/00002.jsonl, … in order
PART_ROWS = 100_000  # lines a member holds (a member stays far below the reader's limit)
_CHUNK = 500
_line = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
# Tables whose rows stay on the township's PC: its accounts, keys and acts (its acts travel in acts.jsonl),
# and printed notices (their 核验码 name the township's own chain).
_KEPT = ACCOUNT_ENTITIES | {"notice_print"}


@dataclass(frozen=True)
class CountyEnrolment:
    path: Path
    county: str
    fingerprint: str  # the township's key
    records: int


@dataclass(frozen=True)
class TownshipAdded:
    township: str
    fingerprint: str  # the township's key, as confirmed
    county_fingerprint: str  # the county's key, for the township to confirm
    answer: Path
    records: int


def county_tables() -> list[Table]:
    """The audited tables a township's records go to its county in, parents before children."""
    audited = {t.name for t in audited_tables()}
    return [t for t in Base.metadata.sorted_tables if t.name in audited and t.name not in _KEPT]


def township_seed(conn: Connection) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every record the township holds, as (table, canonical state), parents before children."""
    for table in county_tables():
        for row in conn.execute(select(table).order_by(table.c.id)).mappings():
            yield table.name, _without_site(table.name, row_state(table, dict(row)))


# -- township: the enrolment file ---------------------------------------------------------------------


def write_county_enrolment(ctx: AppContext, county: str, out: Path) -> CountyEnrolment:
    """The township's enrolment file for its county (the county stays invited until it answers)."""
    user = ctx.require(Perm.SETTINGS_EDIT)
    name = county.strip()
    if not name:
        raise ExchangeRefused(file=out.name, reason="请填写区县的名称")
    with ctx.write("exchange.enrol") as s:
        township, me = township_site(s, out, "只有乡镇站点可以向区县登记")
        peer = s.scalars(
            select(ExchangeSite).where(ExchangeSite.is_self.is_(False), ExchangeSite.kind == "county")
        ).first()
        if peer is not None and peer.state == "enrolled":
            raise ExchangeRefused(file=out.name, reason=f"本乡镇已经向{peer.name}登记过")
        if peer is None:
            peer = ExchangeSite(kind="county", name=name, is_self=False, state="invited")
            s.add(peer)
        peer.name = name
        s.flush()
        audit(s, ctx, "exchange.enrol", peer.id, {"county": name, "file": out.name})
        conn = s.connection()
        head_seq, head_hash = chain_head(conn)
        parts, count, shas = _seed_parts(township_seed(conn))
        blobs = {sha: attachment_data(conn, sha) for sha in sorted(shas)}
        signed, signed_counts = signed_members(conn, after_seq=0, head_seq=head_seq)
        peer.receipt_seq, peer.receipt_hash = head_seq, head_hash
        invitation, township_id, township_name = peer.id, township.id, township.name
    manifest = {
        "kind": "enrolment",
        "from": {**site_doc(me), "public_key": b64(me.public)},
        "to": {"kind": "county", "name": name},
        "township": {"id": township_id, "name": township_name},
        "invitation": invitation,
        "head": {"seq": head_seq, "hash": head_hash},
        "schema": SCHEMA_HEAD,
        "counts": {"records": count, "seed_parts": len(parts), "attachments": len(blobs), **signed_counts},
        "created_by": {"username": user.username, "name": user.display_name},
        "created_at": norm_value(ctx.clock.now()),
    }
    write_package(out, manifest, private=site_private_key(me), attachments=blobs, extra={**parts, **signed})
    return CountyEnrolment(out, name, me.fingerprint, count)


def _seed_parts(rows: Iterable[tuple[str, dict[str, Any]]]) -> tuple[dict[str, bytes], int, set[str]]:
    """The seed as members of at most ``PART_ROWS`` lines each (one JSON object a line), how many rows, and the
    SHA-256 of the scans the attachment rows name."""
    parts: dict[str, bytes] = {}
    shas: set[str] = set()
    count = 0
    buf = io.BytesIO()
    for table, state in rows:
        buf.write(_line({"table": table, "state": state}).encode("utf-8") + b"\n")
        if table == "attachment":
            shas.add(state["sha256"])
        count += 1
        if count % PART_ROWS == 0:
            parts[part_name(len(parts) + 1)] = buf.getvalue()
            buf = io.BytesIO()
    if buf.tell() or not parts:
        parts[part_name(len(parts) + 1)] = buf.getvalue()
    return parts, count, shas


def part_name(n: int) -> str:
    return f"{SEED_DIR}{n:05d}.jsonl"


# -- county: adding the township ----------------------------------------------------------------------


def accept_township(ctx: AppContext, path: Path, *, confirmed: str) -> TownshipAdded:
    """Add the township of the enrolment file at ``path`` to this county's database, once the fingerprint read
    out by phone (``confirmed``) matches; writes the county's answer next to the file."""
    ctx.require(Perm.EXCHANGE)
    pkg, public = read_enrolment(path)
    if not is_county_enrolment(pkg):
        raise pkg.refused("这是乡镇给村的登记文件，请在村的电脑上“作为村安装”时使用")
    shown = fingerprint(public)
    if digits(confirmed) != digits(shown):
        raise pkg.refused("输入的密钥指纹与登记文件中的不一致：请与乡镇电话核对，不要接受来历不明的文件")
    with ctx.read() as s:
        if site_kind(s) != "county":
            raise pkg.refused("这是乡镇给区县的登记文件，只能在区县的数据库中导入")
    township_id = str(pkg.field("township", "id"))
    township_name = str(pkg.field("township", "name"))
    site_id = str(pkg.field("from", "site"))
    signatures = check_peer_acts(ctx, pkg, [])
    head = Head(int(pkg.field("head", "seq")), str(pkg.field("head", "hash")))
    with ctx.write("exchange.join") as s:
        county = home_township(s)
        assert county is not None
        me = ensure_local_site(s, kind="county", name=county.name)
        known = s.scalars(select(ExchangeSite).where(ExchangeSite.site_id == site_id)).first()
        if known is not None:
            if known.public_key == b64(public) and known.state == "enrolled":
                raise pkg.refused(f"{known.name}已经登记过，这个登记文件不必再导入")
            raise pkg.refused(f"{known.name}已经以另一个站点密钥登记过")
        if s.get(Township, township_id) is not None:
            raise pkg.refused(f"本区县的数据库中已经有{township_name}的记录")
        conn = s.connection()
        defer_foreign_keys(conn)
        try:
            records = _apply_parts(conn, pkg, township_id, ctx)
        except (KeyError, TypeError, ValueError) as exc:
            raise pkg.refused("登记文件中的乡镇数据无法读取或不完整") from exc
        except IntegrityError as exc:
            raise pkg.refused("登记文件中的记录与本区县已有的记录编号相同：登记文件被改动") from exc
        store_peer_acts(conn, signatures, ctx.actor, "乡镇登记文件", ctx.clock.now())
        peer = ExchangeSite(
            site_id=site_id,
            kind="township",
            name=str(pkg.field("from", "name")),
            village_id=township_id,
            public_key=b64(public),
            is_self=False,
            state="enrolled",
            enrolled_at=ctx.clock.now(),
            accepted_seq=head.seq,
            accepted_hash=head.hash,
        )
        s.add(peer)
        s.flush()
        audit(s, ctx, "exchange.join", peer.id, {"enrolment": pkg.sha256, "township": township_id})
    user = ctx.require_user()
    out = path.with_name(f"{township_name}.区县.应答.zip")
    write_answer(
        out,
        me,
        pkg,
        str(pkg.field("from", "name")),
        {"township": {"id": township_id, "name": township_name}},
        (user.username, user.display_name),
        ctx.clock.now(),
    )
    return TownshipAdded(township_name, shown, me.fingerprint, out, records)


def _without_site(table: str, state: dict[str, Any]) -> dict[str, Any]:
    """The township row as the county keeps it: without the township's site identity (the county's database
    has one site, its own: ``home_township``)."""
    if table != "township":
        return state
    return {**state, "rules_json": with_own_site(state.get("rules_json"), None)}


def _apply_parts(conn: Connection, pkg: Package, township_id: str, ctx: AppContext) -> int:
    """Check and insert the seed part by part (a township's ten years do not fit in memory as states), in the
    county's open transaction: a refusal in any part rolls back every part. Returns how many rows."""
    counts = pkg.manifest.get("counts") or {}
    n_parts = counts.get("seed_parts")
    if (
        not isinstance(n_parts, int)
        or n_parts < 1
        or not all(pkg.has(part_name(i + 1)) for i in range(n_parts))
    ):
        raise pkg.refused("登记文件中没有乡镇的数据，或数据不完整")
    owners = Ownership(conn, township_id)
    keys: dict[str, dict[str, Any]] = {}
    townships: list[str] = []
    total = 0
    for i in range(n_parts):
        rows = [(t, _without_site(t, st)) for t, st in _part_rows(pkg, part_name(i + 1))]
        total += len(rows)
        townships += [str(st.get("id")) for t, st in rows if t == "township"]
        keys.update((str(st["id"]), st) for t, st in rows if t == "peer_key")
        fault = owners.fault(rows) or relayed_fault([st for t, st in rows if t == "peer_act"], keys)
        if fault is not None:
            raise pkg.refused(fault)
        store_scans(conn, pkg, {st["sha256"] for t, st in rows if t == "attachment"})
        apply_seed(conn, rows, ctx.actor, when=ctx.clock.now(), reason="乡镇登记文件", tables=county_tables())
    if townships != [township_id]:
        raise pkg.refused("登记文件中的乡镇与清单所列的不一致：登记文件被改动")
    if counts.get("records") != total:
        raise pkg.refused("清单所列的记录条数与登记文件内容不符")
    return total


def _part_rows(pkg: Package, name: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for line in io.BytesIO(pkg.member(name)):
        if line.strip():
            item = json.loads(line)
            yield str(item["table"]), dict(item["state"])


# -- checks of what a township sends ------------------------------------------------------------------


def relayed_fault(acts: Iterable[Mapping[str, Any]], keys: Mapping[str, Mapping[str, Any]]) -> str | None:
    """The first village signature a township passes on (``peer_act`` states with their ``peer_key``) that
    does not hold, described in Chinese; None when every one verifies."""
    checks: dict[str, Verifier] = {}
    for act in acts:
        key = keys.get(str(act.get("key_id")))
        where = f"转来的村电子签名（第{act.get('number')}号）"
        if key is None or key.get("site_id") != act.get("site_id"):
            return f"{where}的签名人密钥不在数据包中：数据包被改动"
        try:
            check = checks.get(key["id"]) or checks.setdefault(key["id"], verifier(key))
            fault = act_fault({f: act[f] for f in ACT_FIELDS}, {f: key[f] for f in KEY_FIELDS}, check)
        except (KeyError, TypeError, ValueError):
            fault = "无法读取"
        if fault is not None:
            return f"{where}：{fault}"
    return None


def foreign_record(
    conn: Connection | None, township_id: str, states: Iterable[tuple[str, Mapping[str, Any]]]
) -> str | None:
    """The first of ``states`` (table, state) that belongs to a village of another township than
    ``township_id`` (in the states themselves or, with ``conn``, as this database holds it), described in
    Chinese; None when every one is the township's own or belongs to no village."""
    return Ownership(conn, township_id).fault(list(states))


class Ownership:
    """Which township the records a township sends belong to, remembering what it learnt (the villages and
    each row's village) over the parts of an enrolment file."""

    def __init__(self, conn: Connection | None, township_id: str) -> None:
        self.conn, self.township_id = conn, township_id
        self.tables = {t.name: t for t in county_tables()}
        self.village_town: dict[str, str] = {}
        if conn is not None:
            self.village_town.update(
                (str(v), str(t)) for v, t in run(conn, "SELECT id, township_id FROM village")
            )
        self.village_of_row: dict[str, dict[str, str | None]] = {}  # table → id → village id

    def fault(self, states: Sequence[tuple[str, Mapping[str, Any]]]) -> str | None:
        for table, st in states:
            if table == "village":
                self.village_town[str(st["id"])] = str(st.get("township_id"))
            elif table in self.tables and "village_id" in self.tables[table].c:
                v = st.get("village_id")
                self.village_of_row.setdefault(table, {})[str(st["id"])] = None if v is None else str(v)
        for table, st in states:
            if table == "township":
                if st.get("id") != self.township_id:
                    return "数据中有另一个乡镇的记录：数据包被改动"
                continue
            village = self._village(table, st)
            if village is not None and self.village_town.get(village, self.township_id) != self.township_id:
                return f"数据中有另一个乡镇的村的记录（{table}）：数据包被改动"
        return None

    def _village(self, table: str, st: Mapping[str, Any]) -> str | None:
        """The village a state belongs to: its own ``village_id``, or that of the row a foreign key of it
        names (one step); None when it belongs to no village."""
        t = self.tables.get(table)
        if t is None:
            return None
        if table == "village":
            return str(st["id"])
        if "village_id" in t.c:
            v = st.get("village_id")
            return None if v is None else str(v)
        for col in t.columns:
            for fk in col.foreign_keys:
                target = fk.column.table.name
                ref = st.get(col.name)
                if (
                    not isinstance(ref, str)
                    or target not in self.tables
                    or "village_id" not in self.tables[target].c
                ):
                    continue
                known = self.village_of_row.setdefault(target, {})
                if ref not in known and self.conn is not None:
                    row = run(self.conn, f"SELECT village_id FROM {target} WHERE id = ?", (ref,)).first()
                    known[ref] = None if row is None else row[0]
                v = known.get(ref)
                if v is not None:
                    return str(v)
        return None


def check_report(conn: Connection, c: Checked, p: Prepared, township_id: str) -> None:
    """Refuse a township's report that changes a record of another township, or passes on a village
    signature that does not verify (in the county's open transaction, before anything is written)."""
    states = [(entity, f.after) for (entity, _rid), f in p.finals.items()]
    fault = foreign_record(conn, township_id, states)
    if fault is None:
        acts = [st for entity, st in states if entity == "peer_act"]
        keys = {str(st["id"]): st for entity, st in states if entity == "peer_key"}
        wanted = sorted({str(a.get("key_id")) for a in acts} - set(keys))
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i : i + _CHUNK]
            table = _peer_key_table()
            for row in conn.execute(select(table).where(table.c.id.in_(chunk))).mappings():
                keys[str(row["id"])] = row_state(table, dict(row))
        fault = relayed_fault(acts, keys)
    if fault is not None:
        raise c.pkg.refused(fault)


def _peer_key_table() -> Table:
    table = PeerKey.__table__
    assert isinstance(table, Table)
    return table
