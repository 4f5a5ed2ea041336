"""Settling what the exchange cannot decide alone: a conflict (which version of a record stands) and a fork
(which history stands). Both are decisions of a person with the right, recorded with a reason in the audit
chain and signed with the deciding user's key (``exchange.settle_conflict`` / ``exchange.settle_fork``: the
password is asked like for every signed act); nothing is settled silently."""

from __future__ import annotations

import json
from array import array

from sqlalchemy import update

from quzhou_desktop.core.errors import NotFound, ValidationError
from quzhou_desktop.services.exchange.peers import audit
from quzhou_desktop.services.kernel import keys
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.keys import Credential
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.signatures import office_of, sign_act
from quzhou_desktop.services.kernel.validate import required
from quzhou_desktop.store.audit.chain import Change, append_entries, canonical, row_state
from quzhou_desktop.store.audit.verify import audited_tables
from quzhou_desktop.store.dialects.rows import defer_foreign_keys, insert_states, update_state
from quzhou_desktop.store.models import ExchangeAccepted, ExchangeConflict, ExchangeFork, ExchangeSite

CHOICES = {"ours": "保留本站点的版本", "theirs": "采用对方的版本"}


def _choice(keep: str) -> str:
    if keep not in CHOICES:
        raise ValidationError(field="处理方式", reason="只能是 ours（保留本站点）或 theirs（采用对方）")
    return keep


def settle_conflict(
    ctx: AppContext, conflict_id: int, *, keep: str, reason: str, password: Credential
) -> None:
    """Keep this site's version, or take the peer's (written as an audited change); a signed act."""
    user = ctx.require(Perm.VILLAGE_MANAGE)
    keep = _choice(keep)
    why = required(reason, "理由", max_len=500)
    signer = keys.signer_for(ctx, password)
    with ctx.write("exchange.settle_conflict", reason=why) as s:
        c = s.get(ExchangeConflict, conflict_id)
        if c is None or c.state != "open":
            raise NotFound("找不到这条待处理的冲突")
        if keep == "theirs":
            table = {t.name: t for t in audited_tables()}[c.entity]
            theirs = json.loads(c.theirs_json)
            conn = s.connection()
            defer_foreign_keys(conn)
            row = conn.execute(table.select().where(table.c.id == c.entity_id)).mappings().first()
            before = None if row is None else row_state(table, dict(row))
            cols = [col.name for col in table.columns]
            if row is None:
                insert_states(conn, table, cols, [tuple(theirs[k] for k in cols)])
            else:
                rest = [k for k in cols if k != "id"]
                update_state(conn, table, rest, [theirs[k] for k in rest], c.entity_id)
            if canonical(before) != c.theirs_json:
                append_entries(
                    conn,
                    ctx.actor,
                    [Change("exchange.settle", c.entity, c.entity_id, before, theirs, why)],
                    ts=ctx.clock.now(),
                )
        c.state, c.decided_by, c.decided_at, c.reason = keep, user.username, ctx.clock.now(), why
        content = {
            "peer": c.peer_id,
            "entity": c.entity,
            "entity_id": c.entity_id,
            "ours": c.ours_json,
            "theirs": c.theirs_json,
            "package": c.package_sha256,
        }
        sign_act(
            s, signer, act="exchange.settle_conflict", record_kind="exchange_conflict", record_id=str(c.id),
            content=content, decision={"keep": keep, "reason": why}, office=office_of(s, user),
            at=ctx.clock.now(),
        )  # fmt: skip
        audit(s, ctx, "exchange.settle_conflict", c.peer_id, {"conflict": c.id, "keep": keep}, why)


def settle_fork(ctx: AppContext, fork_id: int, *, keep: str, reason: str, password: Credential) -> None:
    """Decide which history stands.

    ``theirs``: the peer's new history stands; what this site accepted after the last common entry no longer
    counts, so the peer's next package (from the common entry on) is applied. ``ours``: the history this site
    accepted stands; the peer must go back to it (restore its latest backup, or be enrolled again). A signed
    act."""
    user = ctx.require(Perm.VILLAGE_MANAGE)
    keep = _choice(keep)
    why = required(reason, "理由", max_len=500)
    signer = keys.signer_for(ctx, password)
    with ctx.write("exchange.settle_fork", reason=why) as s:
        f = s.get(ExchangeFork, fork_id)
        if f is None or f.state != "open":
            raise NotFound("找不到这条待处理的分叉警报")
        if keep == "theirs" and f.side == "theirs":
            peer = s.get_one(ExchangeSite, f.peer_id)
            s.execute(
                update(ExchangeAccepted)
                .where(ExchangeAccepted.peer_id == f.peer_id, ExchangeAccepted.last_seq > f.common_seq)
                .values(superseded=True)
            )
            s.add(
                ExchangeAccepted(
                    peer_id=f.peer_id,
                    package_sha256=f.package_sha256,
                    after_seq=f.common_seq,
                    after_hash=f.common_hash,
                    last_seq=f.common_seq,
                    last_hash=f.common_hash,
                    seqs=array("I").tobytes(),
                    hashes=b"",
                    entries=0,
                    imported_at=ctx.clock.now(),
                    superseded=False,
                )
            )
            peer.accepted_seq, peer.accepted_hash = f.common_seq, f.common_hash
        if keep == "ours" and f.side == "ours" and f.common_hash:
            # our present history stands: the next package for the peer starts again at the common entry
            peer = s.get_one(ExchangeSite, f.peer_id)
            peer.receipt_seq, peer.receipt_hash = f.common_seq, f.common_hash
        f.state, f.decision, f.decided_by, f.decided_at, f.reason = (
            "settled",
            keep,
            user.username,
            ctx.clock.now(),
            why,
        )
        content = {
            "peer": f.peer_id,
            "side": f.side,
            "accepted": {"seq": f.accepted_seq, "hash": f.accepted_hash},
            "theirs": {"seq": f.their_seq, "hash": f.their_hash},
            "common": {"seq": f.common_seq, "hash": f.common_hash},
            "package": f.package_sha256,
        }
        sign_act(
            s, signer, act="exchange.settle_fork", record_kind="exchange_fork", record_id=str(f.id),
            content=content, decision={"keep": keep, "reason": why}, office=office_of(s, user),
            at=ctx.clock.now(),
        )  # fmt: skip
        audit(s, ctx, "exchange.settle_fork", f.peer_id, {"fork": f.id, "keep": keep}, why)
