"""Enrolment: the township invites a village, the village PC joins, the township accepts the answer.

1. ``write_enrolment`` (township): a file with the township's site identity and public key, the head of its
   chain, and every record of the village as the township holds it (``seed``: roster and settings, and the
   matters, vouchers, disclosures, contracts and scans the township may have kept for it before), signed by
   the township's site key.
2. ``join_as_village`` (village PC, on a new database — the first-run wizard's "作为村安装"): makes the
   village's site identity and key, applies the village's records, records the township as its peer and creates the
   first administrator; writes an answer file with the village's site identity and public key.
3. ``accept_answer`` (township): after the two clerks compared the fingerprints (``fingerprint``) by phone,
   the township types the village's fingerprint; only a match enrols the village.

From then on the village owns its records, the township its own acts about them (``core.exchange``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quzhou_desktop.core.errors import NotFound
from quzhou_desktop.core.exchange import GENESIS, Head, with_own_site
from quzhou_desktop.core.signing import b64, fingerprint, unb64
from quzhou_desktop.services.exchange.acts import check_peer_acts, store_peer_acts
from quzhou_desktop.services.exchange.errors import ExchangeRefused
from quzhou_desktop.services.exchange.identity import LocalSite, ensure_local_site, self_row, site_private_key
from quzhou_desktop.services.exchange.inserts import store_scans
from quzhou_desktop.services.exchange.package import Package, write_package
from quzhou_desktop.services.exchange.peers import audit, site_doc
from quzhou_desktop.services.exchange.seed import apply_seed, attachment_data, village_seed
from quzhou_desktop.services.exchange.signed import signed_members
from quzhou_desktop.services.kernel.context import AppContext, Clock
from quzhou_desktop.services.kernel.keys import PreparedKey, store_key
from quzhou_desktop.services.kernel.roles import Perm, admin_role
from quzhou_desktop.services.kernel.site import home_township, initial_site_settings
from quzhou_desktop.services.kernel.trust import RecoverySheet, new_code, sign_root
from quzhou_desktop.services.kernel.users import new_account
from quzhou_desktop.store.audit.chain import Actor, chain_head, norm_value
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.dialects.rows import defer_foreign_keys
from quzhou_desktop.store.models import (
    ExchangeSite,
    Township,
    Village,
)
from quzhou_desktop.store.schema import SCHEMA_HEAD

SEED = "seed.jsonl"


@dataclass(frozen=True)
class EnrolmentFile:
    path: Path
    village: str
    fingerprint: str  # the township's key


@dataclass(frozen=True)
class Joined:
    admin_id: str
    answer: Path
    village: str
    township: str
    township_fingerprint: str
    village_fingerprint: str
    recovery: RecoverySheet | None = None  # the village's root of trust: its 管理员恢复单, shown once


@dataclass(frozen=True)
class Enrolled:
    village: str
    fingerprint: str


def township_site(s: Session, out: Path, refusal: str) -> tuple[Township, LocalSite]:
    """This township's row and site, made when it has none yet (inside the caller's write); ``refusal`` when
    this database is not a township's."""
    township = home_township(s)
    if township is None:
        raise NotFound("这个数据库还没有完成首次设置")
    me = ensure_local_site(s, kind="township", name=township.name)
    if me.kind != "township":
        raise ExchangeRefused(file=out.name, reason=refusal)
    return township, me


def write_enrolment(ctx: AppContext, village_id: str, out: Path) -> EnrolmentFile:
    """The township's enrolment file for one of its villages (the village stays invited until it answers)."""
    user = ctx.require(Perm.VILLAGE_MANAGE)
    with ctx.write("exchange.enrol") as s:
        _township, me = township_site(s, out, "只有乡镇站点可以登记村")
        village = s.get(Village, village_id)
        if village is None:
            raise NotFound("找不到这个村")
        peer = s.scalars(select(ExchangeSite).where(ExchangeSite.village_id == village_id)).first()
        if peer is not None and peer.state == "enrolled":
            raise ExchangeRefused(file=out.name, reason=f"{village.name}已经登记过")
        if peer is None:
            peer = ExchangeSite(
                kind="village", name=village.name, village_id=village_id, state="invited", is_self=False
            )
            s.add(peer)
            s.flush()
        seed = village_seed(s.connection(), village_id)
        blobs = {sha: attachment_data(s.connection(), sha) for sha in sorted(seed.attachments)}
        audit(s, ctx, "exchange.enrol", peer.id, {"village": village_id, "file": out.name})
        head_seq, head_hash = chain_head(s.connection())
        # the township's signatures on the village's records (reviews at the township PC, 受理/退回) and their
        # signers' keys, so the village's verify finds every signed record signed
        signed, signed_counts = signed_members(
            s.connection(), after_seq=0, head_seq=head_seq, village_id=village_id
        )
        peer.receipt_seq, peer.receipt_hash = head_seq, head_hash
        peer_id, village_name = peer.id, village.name
    manifest = {
        "kind": "enrolment",
        "from": {**site_doc(me), "public_key": b64(me.public)},
        "village": {"id": village_id, "name": village_name},
        "invitation": peer_id,
        "head": {"seq": head_seq, "hash": head_hash},
        "schema": SCHEMA_HEAD,
        "counts": {"records": len(seed.rows), "attachments": len(blobs), **signed_counts},
        "created_by": {"username": user.username, "name": user.display_name},
        "created_at": norm_value(ctx.clock.now()),
    }
    body = "".join(
        json.dumps({"table": t, "state": st}, ensure_ascii=False, sort_keys=True) + "\n"
        for t, st in seed.rows
    )
    write_package(
        out,
        manifest,
        private=site_private_key(me),
        attachments=blobs,
        extra={SEED: body.encode("utf-8"), **signed},
    )
    return EnrolmentFile(out, village_name, me.fingerprint)


def read_enrolment(path: Path) -> tuple[Package, bytes]:
    """The enrolment file and the township's public key (the file must be signed by it)."""
    pkg = Package.open(path)
    if pkg.kind != "enrolment":
        raise pkg.refused("这不是乡镇的登记文件")
    try:
        public = unb64(str(pkg.field("from", "public_key")))
    except ValueError as exc:
        raise pkg.refused("登记文件中的乡镇密钥无法读取") from exc
    pkg.check_signature(public)
    if pkg.field("schema") != SCHEMA_HEAD:
        raise pkg.refused("乡镇程序的数据版本与本程序不同，请先把两边升级到同一版本")
    return pkg, public


def enrolment_fingerprint(path: Path) -> str:
    """The township's key fingerprint in an enrolment file (shown before joining)."""
    return fingerprint(read_enrolment(path)[1])


def join_as_village(
    db: Database,
    enrolment: Path,
    *,
    admin_username: str,
    admin_password: str,
    admin_display_name: str,
    answer: Path | None = None,
    clock: Clock | None = None,
) -> Joined:
    """Set up an empty database as the village of ``enrolment`` and write the answer for the township."""
    pkg, public = read_enrolment(enrolment)
    if is_county_enrolment(pkg):
        raise pkg.refused("这是乡镇给区县的登记文件，应在区县的数据库中导入，不能用来安装村的电脑")
    ctx = AppContext(db, clock=clock or Clock())
    village_id = str(pkg.field("village", "id"))
    village_name = str(pkg.field("village", "name"))
    admin = new_account(
        username=admin_username,
        display_name=admin_display_name or admin_username,
        role=admin_role("village"),  # 村管理员: the village's own PC
        password=admin_password,
    )
    seed = [json.loads(line) for line in pkg.member(SEED).decode("utf-8").splitlines() if line]
    signatures = check_peer_acts(ctx, pkg, [])  # every act checked against its key before anything is written
    shown, sealed_code = new_code()
    prepared = PreparedKey(admin_password, sealed_code)  # the key derivation outside the write lock
    with db.write(Actor(None, admin.username), "exchange.join") as s:
        if s.scalar(select(func.count()).select_from(Township)):
            raise pkg.refused("这个数据库已经有数据：作为村安装需要一个新的数据库")
        conn = s.connection()
        defer_foreign_keys(conn)
        _apply_seed(conn, pkg, seed, Actor(None, admin.username), ctx, village_name)
        store_peer_acts(conn, signatures, Actor(None, admin.username), "登记文件", ctx.clock.now())
        me = ensure_local_site(s, kind="village", name=village_name)  # the site the seed gave the village
        row = self_row(s)
        assert row is not None
        row.village_id = village_id
        head = Head(int(pkg.field("head", "seq")), str(pkg.field("head", "hash")))
        peer = ExchangeSite(
            site_id=str(pkg.field("from", "site")),
            kind="township",
            name=str(pkg.field("from", "name")),
            public_key=b64(public),
            is_self=False,
            state="enrolled",
            enrolled_at=ctx.clock.now(),
            accepted_seq=head.seq,
            accepted_hash=head.hash,
            receipt_seq=0,
            receipt_hash=GENESIS,
        )
        s.add(peer)
        s.add(admin)
        key = store_key(s, admin, prepared, ctx.clock.now())
        # the village's own root of trust: its first administrator signs the township and village as seeded
        sign_root(s, s.scalars(select(Township)).one(), admin, key, prepared.pair.private, ctx.clock.now())
        audit(s, ctx, "exchange.join", peer.id, {"enrolment": pkg.sha256, "village": village_id})
        township_name = peer.name
    out = answer or enrolment.with_name(f"{village_name}.应答.zip")
    write_answer(
        out,
        me,
        pkg,
        township_name,
        {"village": {"id": village_id, "name": village_name}},
        (admin.username, admin.display_name),
        ctx.clock.now(),
    )
    sheet = RecoverySheet(
        township_name + village_name,
        admin.display_name,
        admin.username,
        fingerprint(prepared.pair.public),
        shown,
        ctx.clock.now(),
        admin_id=admin.id,
    )
    return Joined(admin.id, out, village_name, township_name, fingerprint(public), me.fingerprint, sheet)


def own_village_site(township: dict[str, Any], village_name: str) -> str:
    """The township settings for the village's database: the township's site identity (which the enrolment
    file carries with the township row) replaced by a new identity of the village's own site, with its key
    file written here. The village signs its anchors and packages as itself, never as the township."""
    settings = with_own_site(township.get("rules_json"), None) or "{}"
    return initial_site_settings(
        settings, township_name=str(township["name"]), village_names=[village_name], kind="village"
    )


def _apply_seed(
    conn: Any, pkg: Package, seed: list[Any], actor: Actor, ctx: AppContext, village_name: str
) -> None:
    rows: list[tuple[str, dict[str, Any]]] = []
    try:
        for item in seed:
            table, state = str(item["table"]), dict(item["state"])
            if table == "township":
                state["rules_json"] = own_village_site(state, village_name)
            rows.append((table, state))
        shas = {st["sha256"] for t, st in rows if t == "attachment"}
        store_scans(conn, pkg, shas)
        apply_seed(conn, rows, actor, when=ctx.clock.now(), reason="登记文件")
    except (KeyError, TypeError, ValueError) as exc:
        raise pkg.refused("登记文件中的村数据无法读取或不完整") from exc


def write_answer(
    out: Path,
    me: LocalSite,
    enrolment: Package,
    to_name: str,
    unit: dict[str, Any],
    by: tuple[str, str],
    now: Any,
) -> None:
    """The answer to ``enrolment`` (a village's to its township, a county's to a township): this site's identity
    and key, the unit it concerns (``unit``: its village, or the township), signed by this site's key."""
    manifest = {
        "kind": "answer",
        "from": {**site_doc(me), "public_key": b64(me.public)},
        "to": {"site": str(enrolment.field("from", "site")), "kind": "township", "name": to_name},
        **unit,
        "invitation": enrolment.field("invitation"),
        "schema": SCHEMA_HEAD,
        "created_by": {"username": by[0], "name": by[1]},
        "created_at": norm_value(now),
    }
    write_package(out, manifest, private=site_private_key(me))


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def is_county_enrolment(pkg: Package) -> bool:
    """A township's enrolment file for its county (``services.exchange.county``), not one for a village."""
    to = pkg.manifest.get("to")
    return pkg.kind == "enrolment" and isinstance(to, dict) and to.get("kind") == "county"


def _answers(pkg: Package, peer: ExchangeSite) -> bool:
    """Whether the answer ``pkg`` is from the kind of site ``peer`` invited (and, from a village, that village)."""
    sender = pkg.manifest.get("from")
    kind = sender.get("kind") if isinstance(sender, dict) else None
    if peer.kind == "county":
        return kind == "county"
    village = pkg.manifest.get("village")
    return kind == "village" and isinstance(village, dict) and peer.village_id == village.get("id")


def read_answer(path: Path) -> tuple[Package, bytes]:
    pkg = Package.open(path)
    if pkg.kind != "answer":
        raise pkg.refused("这不是应答文件")
    try:
        public = unb64(str(pkg.field("from", "public_key")))
    except ValueError as exc:
        raise pkg.refused("应答文件中的村密钥无法读取") from exc
    pkg.check_signature(public)
    return pkg, public


def answer_fingerprint(path: Path) -> str:
    return fingerprint(read_answer(path)[1])


def accept_answer(ctx: AppContext, path: Path, *, confirmed_fingerprint: str) -> Enrolled:
    """Enrol the village (or the county) of the answer file once the fingerprint read out by phone matches."""
    ctx.require(Perm.VILLAGE_MANAGE)
    pkg, public = read_answer(path)
    shown = fingerprint(public)
    if digits(confirmed_fingerprint) != digits(shown):
        raise pkg.refused("输入的密钥指纹与应答文件中的不一致：请与对方电话核对，不要接受来历不明的文件")
    with ctx.write("exchange.accept") as s:
        me = self_row(s)
        if me is None or me.site_id != pkg.field("to", "site"):
            raise pkg.refused("这个应答文件不是发给本站点的")
        peer = s.get(ExchangeSite, str(pkg.field("invitation")))
        site_id = str(pkg.field("from", "site"))
        if peer is None or not _answers(pkg, peer):
            raise pkg.refused("找不到对应的登记邀请")
        if peer.state == "enrolled":
            if peer.site_id == site_id and peer.public_key == b64(public):
                return Enrolled(peer.name, shown)
            raise pkg.refused(f"{peer.name}已经以另一个站点身份登记过")
        peer.site_id, peer.public_key, peer.state = site_id, b64(public), "enrolled"
        peer.enrolled_at = ctx.clock.now()
        audit(s, ctx, "exchange.accept", peer.id, {"site": site_id, "fingerprint": shown})
        return Enrolled(peer.name, shown)
