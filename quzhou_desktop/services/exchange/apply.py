"""Importing packages: check, place against what was accepted, apply in one transaction, receipt.

``import_files`` takes any number of files in any order (a whole USB folder): receipts are kept, packages are
checked (members, signature against the enrolled key, every entry's hash, the links of a complete chain) and
placed against what was accepted from their sender (``core.exchange.place``):

- new: the states of the entries after the accepted head are applied in one transaction; changes the sender
  does not own, or that meet a local change, go to the 冲突 list; the import is recorded in this site's chain;
- duplicate: nothing changes;
- gap: the package waits (``exchange_pending``) and is applied as soon as its predecessors are;
- fork: refused, and a fork alarm names the two heads and the last common entry.

Every outcome but a refusal writes a signed receipt next to the package for the sender.
"""

from __future__ import annotations

import gc
import hashlib
from array import array
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.core.exchange import (
    Head,
    Placement,
    Standing,
    check_links,
    gap_message,
    place,
)
from quzhou_desktop.core.signing import unb64
from quzhou_desktop.services.exchange.acts import check_peer_acts, store_peer_acts
from quzhou_desktop.services.exchange.checked import Checked
from quzhou_desktop.services.exchange.county import check_report
from quzhou_desktop.services.exchange.errors import ExchangeRefused
from quzhou_desktop.services.exchange.identity import local_site
from quzhou_desktop.services.exchange.package import KINDS, Package
from quzhou_desktop.services.exchange.peers import audit, peer_by_site
from quzhou_desktop.services.exchange.receipts import import_receipt, receipt_path, write_receipt
from quzhou_desktop.services.exchange.write import Prepared, prepare, write_states
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.store.audit.chain import Actor
from quzhou_desktop.store.dialects.rows import defer_foreign_keys
from quzhou_desktop.store.models import (
    ExchangeAccepted,
    ExchangeFork,
    ExchangePending,
    ExchangeSite,
)
from quzhou_desktop.store.schema import SCHEMA_HEAD

GROUP_ENTRIES = 20_000  # entries of the packages applied in one transaction (memory)


@dataclass(frozen=True)
class ImportResult:
    file: str
    kind: str  # report, dispatch, receipt, …
    status: str  # applied, duplicate, waiting, fork, refused, receipt
    message: str  # Chinese, names the file
    peer: str | None = None
    entries: int = 0  # entries newly accepted
    records: int = 0  # records inserted or changed
    conflicts: int = 0
    receipt: Path | None = None
    then: tuple[ImportResult, ...] = field(default=())  # waiting packages applied after this one

    @property
    def ok(self) -> bool:
        return self.status in ("applied", "duplicate", "waiting", "receipt")


def import_files(ctx: AppContext, paths: Sequence[Path]) -> list[ImportResult]:
    """Import every file (packages and receipts, any order); one result per file, refusals included."""
    ctx.require(Perm.EXCHANGE)
    opened: list[tuple[Path, Package]] = []
    results: list[ImportResult] = []
    for path in paths:
        try:
            opened.append((path, Package.open(path)))
        except ExchangeRefused as exc:
            results.append(ImportResult(path.name, "", "refused", str(exc)))

    def order(item: tuple[Path, Package]) -> tuple[int, str, int]:
        pkg = item[1]
        rng = pkg.manifest.get("range") or {}
        after = rng.get("after", {}).get("seq", 0) if isinstance(rng, dict) else 0
        return (0 if pkg.kind == "receipt" else 1, str(pkg.manifest.get("from", {})), int(after or 0))

    queue = sorted(opened, key=order)
    opened.clear()
    with _no_cycle_collection():
        while queue:
            group = _take_group(queue)  # let each group's bytes go once it is imported
            if len(group) == 1:
                path, pkg = group[0]
                try:
                    results.append(import_package(ctx, pkg, receipt_dir=path.parent))
                except QuzhouError as exc:
                    results.append(_refusal(pkg, exc))
            else:
                results += _import_group(ctx, group)
    return results


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector: an import makes hundreds of thousands of small dicts and tuples (the
    states), which hold no cycles but which the collector would otherwise scan again and again — a tenth of
    the import's time at the scale of a township's year. Whatever cycles appear meanwhile are collected after."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _refusal(pkg: Package, exc: QuzhouError) -> ImportResult:
    if not isinstance(exc, ExchangeRefused):  # e.g. a village's clerk importing another village's package
        exc = ExchangeRefused(file=pkg.label, reason=str(exc))
    return ImportResult(pkg.label, pkg.kind, "refused", str(exc))


def _take_group(queue: list[tuple[Path, Package]]) -> list[tuple[Path, Package]]:
    """The next packages to apply in one transaction: a run of reports or dispatches from different senders
    (a sender's next package is placed against what its previous one left), up to ``GROUP_ENTRIES``
    entries as their manifests count them. A receipt or anything else goes alone."""
    group = [queue.pop(0)]
    if group[0][1].kind not in ("report", "dispatch"):
        return group
    senders = {_sender(group[0][1])}
    total = _counted(group[0][1])
    while queue and queue[0][1].kind in ("report", "dispatch") and _sender(queue[0][1]) not in senders:
        total += _counted(queue[0][1])
        if total > GROUP_ENTRIES:
            break
        senders.add(_sender(queue[0][1]))
        group.append(queue.pop(0))
    return group


def _sender(pkg: Package) -> str:
    sender = pkg.manifest.get("from")
    return str(sender.get("site")) if isinstance(sender, dict) else ""


def _counted(pkg: Package) -> int:
    counts = pkg.manifest.get("counts")
    n = counts.get("entries") if isinstance(counts, dict) else None
    return n if isinstance(n, int) and n > 0 else 0


def import_file(ctx: AppContext, path: Path) -> ImportResult:
    return import_files(ctx, [path])[0]


def _receipt(
    ctx: AppContext, c: Checked, status: str, accepted: Head, out: Path, **extra: Any
) -> Path | None:
    """Write the receipt; a folder that cannot be written (a write-protected stick) is not an error of the
    import: the data is in, and importing the same package again writes the receipt (and changes nothing)."""
    try:
        return write_receipt(
            ctx, c.me, _peer(ctx, c), c.pkg, status=status, accepted=accepted, out=out, extra=extra
        )
    except OSError:
        return None


def _no_receipt(out: Path) -> str:
    return (
        f"；回执无法写入 {out.parent}（文件夹只读或已满），请把数据包复制到可写的文件夹再导入一次以生成回执"
    )


def import_package(ctx: AppContext, pkg: Package, *, receipt_dir: Path) -> ImportResult:
    if pkg.kind == "receipt":
        r = import_receipt(ctx, pkg)
        return ImportResult(pkg.label, "receipt", "fork" if r.alarm else "receipt", r.message, r.peer)
    c, placement = _checked(ctx, pkg)
    out = receipt_path(receipt_dir / pkg.label)
    if placement.standing is not Standing.NEW:
        return _not_new(ctx, c, placement, out)
    return _applied(ctx, c, _apply(ctx, c), out, receipt_dir)


def _import_group(ctx: AppContext, group: list[tuple[Path, Package]]) -> list[ImportResult]:
    """Several senders' packages: each checked whole and placed first, then the new ones applied in one
    transaction, each in its own savepoint (a package refused while it is written rolls back only itself);
    receipts are written after the commit."""
    results: dict[int, ImportResult] = {}
    ready: list[tuple[int, Checked, Path]] = []
    for i, (path, pkg) in enumerate(group):
        try:
            c, placement = _checked(ctx, pkg)
            out = receipt_path(path.parent / pkg.label)
            if placement.standing is Standing.NEW:
                ready.append((i, c, out))
            else:
                results[i] = _not_new(ctx, c, placement, out)
        except QuzhouError as exc:
            results[i] = _refusal(pkg, exc)
    done = _apply_many(ctx, [c for _i, c, _out in ready])
    for (i, c, out), outcome in zip(ready, done, strict=True):
        if isinstance(outcome, QuzhouError):
            results[i] = _refusal(c.pkg, outcome)
            continue
        try:
            results[i] = _applied(ctx, c, outcome, out, group[i][0].parent)
        except QuzhouError as exc:
            results[i] = _refusal(c.pkg, exc)
    return [results[i] for i in range(len(group))]


def _checked(ctx: AppContext, pkg: Package) -> tuple[Checked, Placement]:
    if pkg.kind not in ("report", "dispatch"):
        label = KINDS.get(pkg.kind, "未知文件")
        raise pkg.refused(f"这是{label}，请在“登记”中导入")
    c = _check(ctx, pkg)
    # only entries the receiver may already hold take part in the placing (the rest are new to it)
    held = [Head(e.seq, e.hash) for e in c.entries if e.seq <= c.accepted.seq]
    placement = place(c.accepted, c.after, c.last, held, _known(ctx, c))
    return c, placement


def _not_new(ctx: AppContext, c: Checked, placement: Placement, out: Path) -> ImportResult:
    pkg = c.pkg
    if placement.standing is Standing.DUPLICATE:
        rp = _receipt(ctx, c, "duplicate", c.accepted, out)
        note = "" if rp else _no_receipt(out)
        return ImportResult(
            pkg.label,
            pkg.kind,
            "duplicate",
            f"{pkg.label}：已导入过，未作修改{note}",
            c.peer_name,
            receipt=rp,
        )
    if placement.standing is Standing.GAP:
        assert placement.missing is not None
        _wait(ctx, c)
        rp = _receipt(ctx, c, "waiting", c.accepted, out)
        return ImportResult(
            pkg.label,
            pkg.kind,
            "waiting",
            f"{pkg.label}：{gap_message(placement.missing)}",
            c.peer_name,
            receipt=rp,
        )
    assert placement.standing is Standing.FORK
    return _fork(ctx, c, placement, out)


def _applied(
    ctx: AppContext, c: Checked, done: tuple[int, int, Head], out: Path, receipt_dir: Path
) -> ImportResult:
    """The result of a committed package: its receipt, then the waiting packages it lets through."""
    pkg = c.pkg
    records, conflicts, accepted = done
    rp = _receipt(ctx, c, "applied", accepted, out, conflicts=conflicts)
    fresh = sum(1 for e in c.entries if e.seq > c.accepted.seq)
    note = (f"，{conflicts}处冲突待处理" if conflicts else "") + ("" if rp else _no_receipt(out))
    then = tuple(_follow_ups(ctx, c.peer_id, receipt_dir))
    return ImportResult(
        pkg.label,
        pkg.kind,
        "applied",
        f"{pkg.label}：已导入{c.peer_name}第{c.accepted.seq + 1}至{c.last.seq}条记录（{records}项数据）{note}",
        c.peer_name,
        entries=fresh,
        records=records,
        conflicts=conflicts,
        receipt=rp,
        then=then,
    )


# -- checks -------------------------------------------------------------------------------------------


def _head(pkg: Package, *path: str) -> Head:
    try:
        return Head(int(pkg.field(*path, "seq")), str(pkg.field(*path, "hash")))
    except (TypeError, ValueError) as exc:
        raise pkg.refused("清单中的记录范围无法读取") from exc


def _check(ctx: AppContext, pkg: Package) -> Checked:
    with ctx.read() as s:
        me = local_site(s)
        if me is None:
            raise pkg.refused("本数据库还没有站点身份，请先完成登记")
        peer = peer_by_site(s, str(pkg.field("from", "site")))
        if peer is None or peer.public_key is None or peer.state != "enrolled":
            raise pkg.refused(f"发送方“{pkg.field('from', 'name')}”未在本站点登记（签名密钥未知）")
        pkg.check_signature(unb64(peer.public_key))
        if me.kind == "township" and peer.village_id is not None:
            ctx.require(Perm.EXCHANGE, peer.village_id)
        if pkg.field("to", "site") != me.site_id:
            raise pkg.refused(f"这个数据包是发给“{pkg.field('to', 'name')}”的，不是本站点")
        wanted = "report" if me.kind in ("township", "county") else "dispatch"
        if pkg.kind != wanted:
            raise pkg.refused(f"{me.name}只接收{KINDS[wanted]}")
        if pkg.field("schema") != SCHEMA_HEAD:
            raise pkg.refused(
                f"发送方程序的数据版本（{pkg.field('schema')}）与本程序（{SCHEMA_HEAD}）不同，请先把两边升级到同一版本"
            )
        c = Checked(
            pkg,
            me,
            peer.id,
            peer.name,
            peer.kind,
            Head(peer.accepted_seq, peer.accepted_hash),
            _head(pkg, "range", "after"),
            _head(pkg, "range", "last"),
            list(pkg.entries()),
        )
    _check_entries(c, complete=bool(pkg.field("range", "complete")))
    c.signatures = check_peer_acts(ctx, pkg, c.entries, relayed=me.kind == "county")
    return c


def _check_entries(c: Checked, *, complete: bool) -> None:
    pkg = c.pkg
    prev = c.after.seq
    last = c.last.seq
    sha256 = hashlib.sha256
    for e in c.entries:
        if not (prev < e.seq <= last):
            raise pkg.refused(f"第{e.seq}条记录不在清单所列的范围内或顺序错乱")
        prev = e.seq
        if e.stub:
            continue
        line, h = e.line, e.hash
        if line is not None and line.endswith(b',"' + h.encode() + b'"]'):
            # the line as read minus its last field is the payload the hash covers (``Entry.recomputed``)
            if sha256(line[: -len(h) - 4] + b"]").hexdigest() == h:
                continue
        if e.recomputed() != h:
            raise pkg.refused(f"第{e.seq}条记录的内容与其校验值不符：记录被改动")
    if complete:
        broken = check_links(c.after, [(e.seq, e.prev_hash, e.hash) for e in c.entries])
        if broken is not None:
            raise pkg.refused(f"第{broken}条记录与前一条不衔接：数据包不完整或被改动")
        end = Head(c.entries[-1].seq, c.entries[-1].hash) if c.entries else c.after
        if end != c.last:
            raise pkg.refused("清单所列的最后一条记录与数据包内容不符")
    counts = pkg.manifest.get("counts") or {}
    stubs = sum(1 for e in c.entries if e.stub)
    if counts.get("entries") != len(c.entries) - stubs or counts.get("stubs") != stubs:
        raise pkg.refused("清单所列的记录条数与数据包内容不符")


def _known(ctx: AppContext, c: Checked) -> Any:
    table: dict[int, str] = {}
    with ctx.read() as s:
        rows = s.scalars(
            select(ExchangeAccepted).where(
                ExchangeAccepted.peer_id == c.peer_id,
                ExchangeAccepted.superseded.is_(False),
                ExchangeAccepted.last_seq >= c.after.seq,
            )
        ).all()
        for r in rows:
            table[r.after_seq] = r.after_hash
            table[r.last_seq] = r.last_hash
            seqs = array("I")
            seqs.frombytes(r.seqs)
            for i, seq in enumerate(seqs):
                table[seq] = r.hashes[i * 32 : i * 32 + 32].hex()
    return table.get


def _peer(ctx: AppContext, c: Checked) -> ExchangeSite:
    with ctx.read() as s:
        return s.get_one(ExchangeSite, c.peer_id)


# -- outcomes other than applying -------------------------------------------------------------------


def _wait(ctx: AppContext, c: Checked) -> None:
    with ctx.write("exchange.wait") as s:
        if s.scalars(select(ExchangePending).where(ExchangePending.package_sha256 == c.pkg.sha256)).first():
            return
        s.add(
            ExchangePending(
                peer_id=c.peer_id,
                package_sha256=c.pkg.sha256,
                filename=c.pkg.label,
                after_seq=c.after.seq,
                last_seq=c.last.seq,
                data=c.pkg.data,
                received_at=ctx.clock.now(),
            )
        )
        audit(s, ctx, "exchange.wait", c.peer_id, {"package": c.pkg.sha256, "file": c.pkg.label})


def _fork(ctx: AppContext, c: Checked, p: Placement, out: Path) -> ImportResult:
    assert p.common is not None and p.theirs is not None
    with ctx.write("exchange.fork") as s:
        known = s.scalars(
            select(ExchangeFork).where(
                ExchangeFork.package_sha256 == c.pkg.sha256, ExchangeFork.peer_id == c.peer_id
            )
        ).first()
        if known is None:
            s.add(
                ExchangeFork(
                    peer_id=c.peer_id,
                    side="theirs",
                    accepted_seq=c.accepted.seq,
                    accepted_hash=c.accepted.hash,
                    their_seq=p.theirs.seq,
                    their_hash=p.theirs.hash,
                    common_seq=p.common.seq,
                    common_hash=p.common.hash,
                    package_sha256=c.pkg.sha256,
                    detected_at=ctx.clock.now(),
                    state="open",
                )
            )
            audit(s, ctx, "exchange.fork", c.peer_id, {"package": c.pkg.sha256, "their_seq": p.theirs.seq})
    fork = {
        "their_seq": p.theirs.seq,
        "their_hash": p.theirs.hash,
        "common_seq": p.common.seq,
        "common_hash": p.common.hash,
    }
    rp = _receipt(ctx, c, "fork", c.accepted, out, fork=fork)
    message = (
        f"{c.pkg.label} 未导入：{c.peer_name}的历史与本站点已接收的不一致（分叉）。本站点已接收到第{c.accepted.seq}条"
        f"（{c.accepted.hash[:12]}…），数据包第{p.theirs.seq}条是 {p.theirs.hash[:12]}…，最后一致的是第{p.common.seq}条"
        f"（{p.common.hash[:12]}…）。未作任何修改；已记为分叉警报，请管理员按分叉处理办法裁定哪一份历史有效。"
    )
    return ImportResult(c.pkg.label, c.pkg.kind, "fork", message, c.peer_name, receipt=rp)


def _follow_ups(ctx: AppContext, peer_id: str, receipt_dir: Path) -> Iterable[ImportResult]:
    while True:
        with ctx.read() as s:
            peer = s.get_one(ExchangeSite, peer_id)
            nxt = s.scalars(
                select(ExchangePending)
                .where(ExchangePending.peer_id == peer_id, ExchangePending.after_seq <= peer.accepted_seq)
                .order_by(ExchangePending.after_seq)
            ).first()
            if nxt is None:
                return
            label, data, pid = nxt.filename, nxt.data, nxt.id
        with ctx.write("exchange.unwait") as s:
            s.delete(s.get_one(ExchangePending, pid))
        try:
            yield import_package(ctx, Package(label, data), receipt_dir=receipt_dir)
        except ExchangeRefused as exc:
            yield ImportResult(label, "", "refused", str(exc))


# -- applying -----------------------------------------------------------------------------------------


def _dangling(c: Checked) -> ExchangeRefused:
    return c.pkg.refused("数据包中的记录引用了本站点没有的数据（如村、人员或凭证），请先导入更早的数据包")


def _apply(ctx: AppContext, c: Checked) -> tuple[int, int, Head]:
    """One package in a transaction of its own."""
    prepared = prepare(c)
    try:
        with ctx.write("exchange.import") as s:
            defer_foreign_keys(s.connection())
            done = _apply_in(ctx, s, c, prepared)
    except IntegrityError as exc:
        raise _dangling(c) from exc
    return done


def _apply_many(ctx: AppContext, cs: list[Checked]) -> list[tuple[int, int, Head] | QuzhouError]:
    """Several packages (of different senders) in one transaction, each in a savepoint of its own: a package
    refused while it is written rolls back only itself. References are checked at the commit (deferred
    foreign keys); if that fails, nothing was committed and each package is applied alone instead, so only
    the one at fault is refused."""
    outcomes: list[tuple[int, int, Head] | QuzhouError | None] = [None] * len(cs)
    prepared: list[tuple[int, Prepared]] = []
    for i, c in enumerate(cs):
        try:
            prepared.append((i, prepare(c)))
        except QuzhouError as exc:
            outcomes[i] = exc
    try:
        with ctx.write("exchange.import") as s:
            defer_foreign_keys(s.connection())
            for i, prep in prepared:
                try:
                    with s.begin_nested():
                        outcomes[i] = _apply_in(ctx, s, cs[i], prep)
                except IntegrityError:
                    outcomes[i] = _dangling(cs[i])
                except QuzhouError as exc:
                    outcomes[i] = exc
                if isinstance(outcomes[i], QuzhouError):
                    s.info.pop("audit_states", None)  # states the rolled-back savepoint recorded
    except IntegrityError:
        for i, _prep in prepared:
            if isinstance(outcomes[i], QuzhouError):
                continue
            try:
                outcomes[i] = _apply(ctx, cs[i])
            except QuzhouError as exc:
                outcomes[i] = exc
    return [o for o in outcomes if o is not None]


def _apply_in(ctx: AppContext, s: Session, c: Checked, p: Prepared) -> tuple[int, int, Head]:
    """Write one package's states, its acceptance and its audit entry in the open transaction ``s``."""
    now = ctx.clock.now()
    reason = f"{c.peer_name} {KINDS[c.pkg.kind]} {c.pkg.label}"
    s.info["reason"] = reason
    actor = Actor(ctx.actor.user_id, ctx.actor.username)
    peer = s.get_one(ExchangeSite, c.peer_id)
    if (peer.accepted_seq, peer.accepted_hash) != (c.accepted.seq, c.accepted.hash):
        raise c.pkg.refused("同时有另一个导入改变了接收进度，请重新导入")
    conn = s.connection()
    if c.me.kind == "county":
        check_report(conn, c, p, peer.village_id or "")
    conflicts = write_states(conn, s, c, p, actor, reason, now)
    store_peer_acts(conn, c.signatures, actor, reason, now)
    seqs = array("I", [e.seq for e in c.entries])
    s.add(
        ExchangeAccepted(
            peer_id=c.peer_id,
            package_sha256=c.pkg.sha256,
            after_seq=c.after.seq,
            after_hash=c.after.hash,
            last_seq=c.last.seq,
            last_hash=c.last.hash,
            seqs=seqs.tobytes(),
            hashes=b"".join(bytes.fromhex(e.hash) for e in c.entries),
            entries=len(c.entries),
            imported_at=now,
            superseded=False,
        )
    )
    peer.accepted_seq, peer.accepted_hash = c.last.seq, c.last.hash
    peer.last_package_at = now
    peer.last_package_entries = sum(1 for e in c.entries if e.seq > c.accepted.seq)
    audit(
        s,
        ctx,
        "exchange.import",
        c.peer_id,
        {
            "package": c.pkg.sha256,
            "file": c.pkg.label,
            "after_seq": c.accepted.seq,
            "last_seq": c.last.seq,
            "records": len(p.finals),
            "conflicts": conflicts,
        },
        reason,
    )
    s.flush()
    return len(p.finals), conflicts, c.last
