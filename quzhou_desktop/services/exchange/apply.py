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
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.core.exchange import (
    Head,
    Placement,
    Standing,
    check_links,
    gap_message,
    may_change,
    place,
    with_own_site,
)
from quzhou_desktop.core.signing import unb64
from quzhou_desktop.services.exchange.acts import PeerSignatures, check_peer_acts, store_peer_acts
from quzhou_desktop.services.exchange.errors import ExchangeRefused
from quzhou_desktop.services.exchange.identity import LocalSite, local_site
from quzhou_desktop.services.exchange.package import KINDS, Entry, Package
from quzhou_desktop.services.exchange.peers import audit, peer_by_site
from quzhou_desktop.services.exchange.receipts import import_receipt, receipt_path, write_receipt
from quzhou_desktop.services.exchange.states import RecordChange, changes_of
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.store.audit.batch import append_batch, batch_json
from quzhou_desktop.store.audit.chain import Actor, Change, append_entries, canonical, row_state
from quzhou_desktop.store.audit.verify import audited_tables
from quzhou_desktop.store.models import (
    ExchangeAccepted,
    ExchangeConflict,
    ExchangeFork,
    ExchangePending,
    ExchangeSite,
)
from quzhou_desktop.store.schema import SCHEMA_HEAD

BATCH_ROWS = 2000
GROUP_ENTRIES = 20_000  # entries of the packages applied in one transaction (memory)
_IN_CHUNK = 2000


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


@dataclass
class _Checked:
    pkg: Package
    me: LocalSite
    peer_id: str
    peer_name: str
    peer_kind: str
    accepted: Head
    after: Head
    last: Head
    entries: list[Entry]
    signatures: PeerSignatures | None = None  # the package's signed acts and keys, checked


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
    ctx: AppContext, c: _Checked, status: str, accepted: Head, out: Path, **extra: Any
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
    ready: list[tuple[int, _Checked, Path]] = []
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


def _checked(ctx: AppContext, pkg: Package) -> tuple[_Checked, Placement]:
    if pkg.kind not in ("report", "dispatch"):
        label = KINDS.get(pkg.kind, "未知文件")
        raise pkg.refused(f"这是{label}，请在“登记”中导入")
    c = _check(ctx, pkg)
    # only entries the receiver may already hold take part in the placing (the rest are new to it)
    held = [Head(e.seq, e.hash) for e in c.entries if e.seq <= c.accepted.seq]
    placement = place(c.accepted, c.after, c.last, held, _known(ctx, c))
    return c, placement


def _not_new(ctx: AppContext, c: _Checked, placement: Placement, out: Path) -> ImportResult:
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
    ctx: AppContext, c: _Checked, done: tuple[int, int, Head], out: Path, receipt_dir: Path
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


def _check(ctx: AppContext, pkg: Package) -> _Checked:
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
        wanted = "report" if me.kind == "township" else "dispatch"
        if pkg.kind != wanted:
            raise pkg.refused(f"{me.name}只接收{KINDS[wanted]}")
        if pkg.field("schema") != SCHEMA_HEAD:
            raise pkg.refused(
                f"发送方程序的数据版本（{pkg.field('schema')}）与本程序（{SCHEMA_HEAD}）不同，请先把两边升级到同一版本"
            )
        c = _Checked(
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
    c.signatures = check_peer_acts(ctx, pkg, c.entries)
    return c


def _check_entries(c: _Checked, *, complete: bool) -> None:
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


def _known(ctx: AppContext, c: _Checked) -> Any:
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


def _peer(ctx: AppContext, c: _Checked) -> ExchangeSite:
    with ctx.read() as s:
        return s.get_one(ExchangeSite, c.peer_id)


# -- outcomes other than applying -------------------------------------------------------------------


def _wait(ctx: AppContext, c: _Checked) -> None:
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


def _fork(ctx: AppContext, c: _Checked, p: Placement, out: Path) -> ImportResult:
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


@dataclass
class _Final:
    first_before: dict[str, Any] | None
    after: dict[str, Any]
    after_text: str


@dataclass
class _Prepared:
    tables: dict[str, Table]
    finals: dict[tuple[str, str], _Final]  # the last state of each record the package changes
    refused: list[RecordChange]  # changes the sender may not make


def _prepare(c: _Checked) -> _Prepared:
    tables = {t.name: t for t in audited_tables()}
    finals: dict[tuple[str, str], _Final] = {}
    refused: list[RecordChange] = []
    accepted, kind, known = c.accepted.seq, c.peer_kind, finals.get
    for e in c.entries:
        if e.seq <= accepted:
            continue
        for ch in changes_of(e):
            if ch.entity not in tables:
                raise c.pkg.refused(f"第{e.seq}条记录属于本程序不认识的数据表“{ch.entity}”")
            if not may_change(kind, ch.entity, ch.before, ch.after):
                refused.append(ch)
                continue
            key = (ch.entity, ch.entity_id)
            f = known(key)
            if f is None:
                finals[key] = _Final(ch.before, ch.after, ch.after_text)
            else:
                f.after, f.after_text = ch.after, ch.after_text
    return _Prepared(tables, finals, refused)


def _dangling(c: _Checked) -> ExchangeRefused:
    return c.pkg.refused("数据包中的记录引用了本站点没有的数据（如村、人员或凭证），请先导入更早的数据包")


def _apply(ctx: AppContext, c: _Checked) -> tuple[int, int, Head]:
    """One package in a transaction of its own."""
    prepared = _prepare(c)
    try:
        with ctx.write("exchange.import") as s:
            s.connection().exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            done = _apply_in(ctx, s, c, prepared)
    except IntegrityError as exc:
        raise _dangling(c) from exc
    return done


def _apply_many(ctx: AppContext, cs: list[_Checked]) -> list[tuple[int, int, Head] | QuzhouError]:
    """Several packages (of different senders) in one transaction, each in a savepoint of its own: a package
    refused while it is written rolls back only itself. References are checked at the commit (deferred
    foreign keys); if that fails, nothing was committed and each package is applied alone instead, so only
    the one at fault is refused."""
    outcomes: list[tuple[int, int, Head] | QuzhouError | None] = [None] * len(cs)
    prepared: list[tuple[int, _Prepared]] = []
    for i, c in enumerate(cs):
        try:
            prepared.append((i, _prepare(c)))
        except QuzhouError as exc:
            outcomes[i] = exc
    try:
        with ctx.write("exchange.import") as s:
            s.connection().exec_driver_sql("PRAGMA defer_foreign_keys = ON")
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


def _apply_in(ctx: AppContext, s: Session, c: _Checked, p: _Prepared) -> tuple[int, int, Head]:
    """Write one package's states, its acceptance and its audit entry in the open transaction ``s``."""
    now = ctx.clock.now()
    reason = f"{c.peer_name} {KINDS[c.pkg.kind]} {c.pkg.label}"
    s.info["reason"] = reason
    actor = Actor(ctx.actor.user_id, ctx.actor.username)
    peer = s.get_one(ExchangeSite, c.peer_id)
    if (peer.accepted_seq, peer.accepted_hash) != (c.accepted.seq, c.accepted.hash):
        raise c.pkg.refused("同时有另一个导入改变了接收进度，请重新导入")
    conn = s.connection()
    conflicts = _write(conn, s, c, p.tables, p.finals, p.refused, actor, reason, now)
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


def _as_ours(entity: str, state: dict[str, Any], ours: dict[str, Any] | None) -> tuple[dict[str, Any], str]:
    """A township row state from the sender with the receiver's own site identity in its settings."""
    if entity != "township":
        return state, canonical(state) or ""
    mine = None if ours is None else ours.get("rules_json")
    state = {**state, "rules_json": with_own_site(state.get("rules_json"), mine)}
    return state, canonical(state) or ""


def _keep_own_site(
    current: dict[str, dict[str, tuple[dict[str, Any], str]]], finals: dict[tuple[str, str], _Final]
) -> None:
    """The township row travels, its site entry never does: the sender's states of it are compared and
    written with the receiver's own identity (or none)."""
    for (entity, rid), f in finals.items():
        if entity != "township":
            continue
        cur = current[entity].get(rid)
        ours = None if cur is None else cur[0]
        f.after, f.after_text = _as_ours(entity, f.after, ours)
        if f.first_before is not None:
            f.first_before = _as_ours(entity, f.first_before, ours)[0]


def _current(conn: Connection, table: Table, ids: list[str]) -> dict[str, tuple[dict[str, Any], str]]:
    """The present state of those of ``ids`` this site already holds (one indexed probe per chunk first)."""
    present: list[str] = []
    for i in range(0, len(ids), _IN_CHUNK):
        chunk = ids[i : i + _IN_CHUNK]
        marks = ", ".join("?" * len(chunk))
        present += [
            r[0]
            for r in conn.exec_driver_sql(f"SELECT id FROM {table.name} WHERE id IN ({marks})", tuple(chunk))
        ]
    out: dict[str, tuple[dict[str, Any], str]] = {}
    for i in range(0, len(present), _IN_CHUNK):
        chunk = present[i : i + _IN_CHUNK]
        for row in conn.execute(select(table).where(table.c.id.in_(chunk))).mappings():
            state = row_state(table, dict(row))
            out[row["id"]] = (state, canonical(state) or "")
    return out


def _write(
    conn: Connection,
    s: Session,
    c: _Checked,
    tables: dict[str, Table],
    finals: dict[tuple[str, str], _Final],
    refused: list[RecordChange],
    actor: Actor,
    reason: str,
    now: Any,
) -> int:
    by_table: dict[str, list[str]] = {}
    for entity, rid in finals:
        by_table.setdefault(entity, []).append(rid)
    for ch in refused:
        by_table.setdefault(ch.entity, []).append(ch.entity_id)
    current = {name: _current(conn, tables[name], ids) for name, ids in by_table.items()}
    _keep_own_site(current, finals)
    conflicts: list[tuple[RecordChange | None, str, str, str | None, str]] = []
    inserts: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    updates: list[Change] = []
    for (entity, rid), f in finals.items():
        cur = current[entity].get(rid)
        if cur is None:
            inserts.setdefault(entity, []).append((rid, f.after))
            continue
        if cur[1] == f.after_text:
            continue
        if f.first_before is not None and canonical(f.first_before) == cur[1]:
            updates.append(Change("exchange.apply", entity, rid, cur[0], f.after, reason))
        else:
            conflicts.append((None, entity, rid, cur[1], f.after_text))
    for ch in refused:
        cur = current[ch.entity].get(ch.entity_id)
        theirs = _as_ours(ch.entity, ch.after, None if cur is None else cur[0])[1]
        if cur is not None and cur[1] == theirs:
            continue
        conflicts.append((ch, ch.entity, ch.entity_id, None if cur is None else cur[1], theirs))
    shas = {f.after["sha256"] for (entity, _rid), f in finals.items() if entity == "attachment"}
    _blobs(conn, c.pkg, shas)
    for entity, rows in inserts.items():
        table = tables[entity]
        cols = [col.name for col in table.columns]
        rows.sort(key=itemgetter(0))
        pick = itemgetter(*cols)
        try:
            values = [pick(state) for _rid, state in rows]
        except KeyError as exc:
            raise c.pkg.refused(f"数据表“{entity}”的记录缺少字段 {exc}") from exc
        conn.exec_driver_sql(
            f"INSERT INTO {entity} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", values
        )
        for i in range(0, len(values), BATCH_ROWS):
            part = values[i : i + BATCH_ROWS]
            append_batch(
                conn,
                actor,
                action="exchange.apply",
                table=entity,
                first_id=rows[i][0],
                after_json=batch_json(cols, {}, part),
                reason=reason,
                when=now,
            )
    for u in updates:
        assert u.after is not None
        cols = [col.name for col in tables[u.entity].columns if col.name != "id"]
        conn.exec_driver_sql(
            f"UPDATE {u.entity} SET {', '.join(k + ' = ?' for k in cols)} WHERE id = ?",
            (*(u.after[k] for k in cols), u.entity_id),
        )
    if updates:
        append_entries(conn, actor, updates, ts=now)
    for ch_or_none, entity, rid, ours, theirs in conflicts:
        s.add(
            ExchangeConflict(
                peer_id=c.peer_id,
                entity=entity,
                entity_id=rid,
                ours_json=ours,
                theirs_json=theirs,
                package_sha256=c.pkg.sha256,
                seq=ch_or_none.seq if ch_or_none is not None else c.last.seq,
                detected_at=now,
                state="open",
            )
        )
    return len(conflicts)


def _blobs(conn: Connection, pkg: Package, shas: set[str]) -> None:
    wanted = sorted(shas)
    have: set[str] = set()
    for i in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[i : i + _IN_CHUNK]
        marks = ", ".join("?" * len(chunk))
        have.update(
            r[0]
            for r in conn.exec_driver_sql(
                f"SELECT sha256 FROM attachment_blob WHERE sha256 IN ({marks})", tuple(chunk)
            )
        )
    rows = []
    for sha in wanted:
        if sha in have:
            continue
        data = pkg.attachment(sha)
        if data is None:
            raise pkg.refused(f"缺少附件 {sha[:12]}…的内容")
        rows.append((sha, len(data), data))
    if rows:
        conn.exec_driver_sql("INSERT INTO attachment_blob (sha256, size, data) VALUES (?, ?, ?)", rows)
