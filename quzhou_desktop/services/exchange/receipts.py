"""Receipts (回执): what a receiver signs after importing a package, and what the sender keeps as an anchor.

A receipt states which package (its SHA-256) was imported with what outcome (applied, a duplicate, waiting for
its predecessors, refused as a fork) and how far the receiver now holds the sender's chain (seq and hash).
The sender imports it: the receipt must be signed by the enrolled peer and the acknowledged entry must still
be in the sender's own chain, else the sender's history was rewritten or rolled back (a fork alarm). Kept
receipts are checked again by ``check_receipts`` (part of ``verify``): a database restored from a backup
older than a receipt, or a chain rewritten below one, is caught.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from quzhou_desktop.core.exchange import Head
from quzhou_desktop.core.signing import b64, unb64
from quzhou_desktop.services.exchange.identity import LocalSite, local_site, site_private_key
from quzhou_desktop.services.exchange.package import Package, write_package
from quzhou_desktop.services.exchange.peers import audit, peer_by_site, site_doc
from quzhou_desktop.services.kernel.anchoring import write_anchor
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.store.audit.chain import norm_value
from quzhou_desktop.store.audit.verify import Problem, verify_receipts
from quzhou_desktop.store.dialects.rows import run
from quzhou_desktop.store.models import ExchangeFork, ExchangeReceipt, ExchangeSite

STATUS_LABELS = {
    "applied": "已导入",
    "duplicate": "重复（已导入过）",
    "waiting": "暂存待前序",
    "fork": "分叉，拒绝",
}


@dataclass(frozen=True)
class ReceiptResult:
    file: str
    peer: str
    status: str  # the receipt's own status (applied, duplicate, waiting, fork)
    seq: int
    message: str
    alarm: bool = False  # a fork: the peer refused us, or our chain no longer holds what it acknowledged


def receipt_path(package_file: Path) -> Path:
    return package_file.with_name(package_file.stem + ".回执.zip")


def write_receipt(
    ctx: AppContext,
    me: LocalSite,
    peer: ExchangeSite,
    pkg: Package,
    *,
    status: str,
    accepted: Head,
    out: Path,
    extra: dict[str, Any] | None = None,
) -> Path:
    user = ctx.require_user()
    manifest: dict[str, Any] = {
        "kind": "receipt",
        "from": site_doc(me),
        "to": {"site": peer.site_id, "kind": peer.kind, "name": peer.name},
        "package": {
            "sha256": pkg.sha256,
            "file": pkg.label,
            "kind": pkg.kind,
            "range": pkg.manifest.get("range"),
        },
        "status": status,
        "accepted": {"seq": accepted.seq, "hash": accepted.hash},
        "created_by": {"username": user.username, "name": user.display_name},
        "created_at": norm_value(ctx.clock.now()),
        **(extra or {}),
    }
    write_package(out, manifest, private=site_private_key(me))
    return out


def import_receipt(ctx: AppContext, pkg: Package) -> ReceiptResult:
    """Check and keep a receipt from a peer (idempotent)."""
    with ctx.read() as s:
        me = local_site(s)
        peer = peer_by_site(s, str(pkg.field("from", "site")))
        if me is None or peer is None or peer.public_key is None or peer.state != "enrolled":
            raise pkg.refused("回执的签发站点未登记（签名密钥未知）")
        pkg.check_signature(unb64(peer.public_key))
        if pkg.field("to", "site") != me.site_id:
            raise pkg.refused(f"这份回执是发给“{pkg.field('to', 'name')}”的，不是本站点")
        status = str(pkg.field("status"))
        head = Head(int(pkg.field("accepted", "seq")), str(pkg.field("accepted", "hash")))
        package_sha = str(pkg.field("package", "sha256"))
        seen = s.scalars(
            select(ExchangeReceipt).where(
                ExchangeReceipt.peer_id == peer.id,
                ExchangeReceipt.package_sha256 == package_sha,
                ExchangeReceipt.status == status,
                ExchangeReceipt.seq == head.seq,
            )
        ).first()
        mine = run(s.connection(), "SELECT hash FROM audit_log WHERE seq = ?", (head.seq,)).scalar()
        peer_id, peer_name = peer.id, peer.name
    if seen is not None:
        return ReceiptResult(pkg.label, peer_name, status, head.seq, f"回执 {pkg.label} 已导入过，未作修改")
    holds = head.seq == 0 or mine == head.hash
    now = ctx.clock.now()
    with ctx.write("exchange.receipt") as s:
        peer = s.get_one(ExchangeSite, peer_id)
        if status == "fork" or not holds:
            fork = pkg.manifest.get("fork") or {}
            known = s.scalars(
                select(ExchangeFork).where(
                    ExchangeFork.peer_id == peer.id,
                    ExchangeFork.side == "ours",
                    ExchangeFork.package_sha256 == package_sha,
                    ExchangeFork.accepted_seq == head.seq,
                )
            ).first()
            if known is not None:
                return ReceiptResult(
                    pkg.label, peer_name, status, head.seq, f"回执 {pkg.label} 已导入过，未作修改", True
                )
            s.add(
                ExchangeFork(
                    peer_id=peer.id,
                    side="ours",
                    accepted_seq=head.seq,
                    accepted_hash=head.hash,
                    their_seq=int(fork.get("their_seq", head.seq)),
                    their_hash=str(fork.get("their_hash", mine or "")),
                    common_seq=int(fork.get("common_seq", 0)),
                    common_hash=str(fork.get("common_hash", "")),
                    package_sha256=package_sha,
                    detected_at=now,
                    state="open",
                )
            )
            audit(
                s, ctx, "exchange.fork", peer.id, {"receipt": pkg.sha256, "status": status, "seq": head.seq}
            )
            if not holds:
                return ReceiptResult(
                    pkg.label,
                    peer_name,
                    status,
                    head.seq,
                    f"回执 {pkg.label}：{peer_name}已接收本站点到第{head.seq}条，但本站点的审计日志里这一条已不同或不存在"
                    "（数据库被恢复到旧备份或历史被改写）。已记为分叉警报，请管理员按分叉处理办法裁定",
                    alarm=True,
                )
            return ReceiptResult(
                pkg.label,
                peer_name,
                status,
                head.seq,
                f"回执 {pkg.label}：{peer_name}拒绝了本站点的数据包，因为本站点的历史与它已接收的不一致（分叉）。"
                "已记为分叉警报，请管理员按分叉处理办法裁定",
                alarm=True,
            )
        s.add(
            ExchangeReceipt(
                peer_id=peer.id,
                package_sha256=package_sha,
                status=status,
                seq=head.seq,
                hash=head.hash,
                manifest=pkg.manifest_bytes.decode("utf-8"),
                signature=b64(pkg.signature),
                received_at=now,
            )
        )
        if head.seq >= peer.receipt_seq:
            peer.receipt_seq, peer.receipt_hash = head.seq, head.hash
        peer.last_receipt_at = now
        audit(s, ctx, "exchange.receipt", peer.id, {"receipt": pkg.sha256, "status": status, "seq": head.seq})
    if head.seq > 0:  # the peer holds this point of our chain: an anchor of the site's journal (``verify``)
        write_anchor(ctx.db, f"{peer_name}回执", point=(head.seq, head.hash))
    label = STATUS_LABELS.get(status, status)
    return ReceiptResult(
        pkg.label,
        peer_name,
        status,
        head.seq,
        f"回执 {pkg.label}：{peer_name}{label}，已接收本站点到第{head.seq}条",
    )


def check_receipts(conn: Connection) -> Iterator[Problem]:
    """The kept receipts against this chain (also part of ``verify``: ``store.audit.verify.verify_receipts``)."""
    return verify_receipts(conn)
