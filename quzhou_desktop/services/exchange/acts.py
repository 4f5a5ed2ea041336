"""Importing the signed part of a package (``services.exchange.signed``): every act checked before anything is
written, then the new keys and acts kept as ``peer_key`` and ``peer_act`` in the import's transaction.

``check_peer_acts`` (the import's checking step) refuses the whole package, naming the line, when:

- an entry carries the state of a record that never travels (accounts, keys, acts: they go as stubs);
- ``keys.jsonl`` or ``acts.jsonl`` is missing, unreadable or not what the manifest counts;
- a key differs from the one received earlier from the same peer under the same id (a key swapped);
- an act's key is neither in the package nor received earlier from the same peer;
- an act's statement is not the canonical text, its signature does not verify over the statement's exact bytes
  with its signer's key, its row says something else than its statement, or it was signed outside the key's
  validity (``core.peer_acts.act_fault``);
- an act differs from the one received earlier under the same id;
- a record in the package names an act (a voucher event's, a disclosure review's or a monthly review's
  signature) that signs another record.

``store_peer_acts`` (the writing step) inserts what is new and records a key's retirement, each audited.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, select

from quzhou_desktop.core.exchange import ACCOUNT_ENTITIES, LOCAL_ENTITIES
from quzhou_desktop.core.peer_acts import ACT_FIELDS, KEY_FIELDS, Verifier, act_fault, time_text, verifier
from quzhou_desktop.services.exchange.inserts import insert_audited
from quzhou_desktop.services.exchange.package import ACTS, KEYS, Entry, Package
from quzhou_desktop.services.exchange.states import changes_of
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.signatures import ACT_LABELS, is_legacy_hash
from quzhou_desktop.store.audit.chain import Actor, Change, append_entries, norm_value, row_state
from quzhou_desktop.store.dialects.rows import update_state
from quzhou_desktop.store.models import PeerAct, PeerKey

SIGN_BOTH_ACT = "voucher.sign_both"  # 一肩挑: one act signs two events of the voucher
_IN_CHUNK = 500
# Records that name the act signing them: table → (column, the act's record kind).
SIGNED_BY = {
    "voucher_event": ("signature", "voucher"),
    "disclosure": ("review_signature", "disclosure"),
    "monthly_review": ("signature", "monthly_review"),
}


@dataclass
class PeerSignatures:
    """What a package's signed part adds: checked, not yet written."""

    site_id: str
    keys: list[dict[str, Any]] = field(default_factory=list)  # new keys
    retired: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)  # (stored, now)
    acts: list[dict[str, Any]] = field(default_factory=list)  # new acts


def _table(model: Any) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _read(pkg: Package, name: str, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    if not pkg.has(name):
        raise pkg.refused(f"缺少签名人密钥或电子签名（{name}）")
    out: list[dict[str, Any]] = []
    for n, line in enumerate(pkg.member(name).decode("utf-8", errors="replace").splitlines(), start=1):
        try:
            doc = json.loads(line)
        except ValueError:
            doc = None
        if not isinstance(doc, dict) or set(doc) != set(fields) or not isinstance(doc.get("id"), str):
            raise pkg.refused(f"{name}第{n}行无法读取")
        out.append(doc)
    if len({d["id"] for d in out}) != len(out):
        raise pkg.refused(f"{name}中有重复的编号")
    counted = (pkg.manifest.get("counts") or {}).get("keys" if name == KEYS else "acts")
    if counted != len(out):
        raise pkg.refused("清单所列的签名人密钥或电子签名份数与数据包内容不符")
    return out


def _stored(ctx: AppContext, model: Any, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Rows of ``peer_key`` / ``peer_act`` with those ids, as canonical states."""
    table = _table(model)
    wanted = sorted(set(ids))
    out: dict[str, dict[str, Any]] = {}
    with ctx.db.read_engine.connect() as conn:
        for i in range(0, len(wanted), _IN_CHUNK):
            chunk = wanted[i : i + _IN_CHUNK]
            for row in conn.execute(select(table).where(table.c.id.in_(chunk))).mappings():
                out[row["id"]] = row_state(table, dict(row))
    return out


def _label(act: Mapping[str, Any], key: Mapping[str, Any] | None) -> str:
    what = ACT_LABELS.get(str(act.get("act")), "电子签名")
    who = f"，签名人 {key.get('display_name')}" if key is not None else ""
    return f"{ACTS}第{{n}}行的电子签名（{what}{who}）"


def _check_entries(
    pkg: Package, entries: list[Entry], kept: frozenset[str]
) -> list[tuple[int, str, str, dict[str, Any]]]:
    """Refuse full entries of records that never travel (``kept``); return (seq, table, id, state) of the
    records that name their signing act."""
    named: list[tuple[int, str, str, dict[str, Any]]] = []
    for e in entries:
        if e.stub:
            continue
        table = e.entity.split("#", 1)[0]
        if table in kept:
            raise pkg.refused(f"第{e.seq}条记录是不随数据包传送的数据（{table}）：数据包被改动")
        if table in SIGNED_BY:
            named += [(e.seq, c.entity, c.entity_id, c.after) for c in changes_of(e)]
    return named


def _check_keys(
    pkg: Package,
    site_id: str,
    keys: list[dict[str, Any]],
    stored: dict[str, dict[str, Any]],
    out: PeerSignatures,
) -> dict[str, dict[str, Any]]:
    """The package's keys merged with those received before (a key retired since keeps its retirement)."""
    peer = pkg.manifest.get("from", {}).get("name", "该站点")
    merged: dict[str, dict[str, Any]] = {}
    for k in keys:
        old = stored.get(k["id"])
        if old is None:
            out.keys.append(k)
            merged[k["id"]] = k
            continue
        same = old["site_id"] == site_id and all(
            old[f] == k[f] for f in ("user_id", "public_key", "valid_from", "certified_by_key_id")
        )
        if not same or (old["retired_at"] is not None and old["retired_at"] != k["retired_at"]):
            raise pkg.refused(
                f"签名人密钥 {k['display_name']}（编号 {k['id'][:8]}）与此前从{peer}收到的不同：密钥被替换"
            )
        if old["retired_at"] is None and k["retired_at"] is not None:
            out.retired.append(
                (old, {**old, "retired_at": k["retired_at"], "row_version": old["row_version"] + 1})
            )
        merged[k["id"]] = k
    return merged


def _names_its_act(table: str, rid: str, state: Mapping[str, Any], act: Mapping[str, Any]) -> bool:
    kind = SIGNED_BY[table][1]
    if act["record_kind"] != kind:
        return False
    if table != "voucher_event":
        return bool(act["record_id"] == rid)
    voucher = state.get("voucher_id")
    return bool(act["record_id"] == voucher and (act["subject_id"] == rid or act["act"] == SIGN_BOTH_ACT))


def check_peer_acts(
    ctx: AppContext, pkg: Package, entries: list[Entry], *, relayed: bool = False
) -> PeerSignatures:
    """Check the package's signed part (see the module docstring); nothing is written. ``relayed``: a
    township's report to its county, whose entries also carry the villages' signatures the township received
    (``peer_key`` / ``peer_act`` states, checked by ``services.exchange.county``)."""
    site_id = str(pkg.field("from", "site"))
    peer = str(pkg.field("from", "name"))
    named = _check_entries(pkg, entries, ACCOUNT_ENTITIES if relayed else LOCAL_ENTITIES)
    keys = _read(pkg, KEYS, KEY_FIELDS)
    acts = _read(pkg, ACTS, ACT_FIELDS)
    stored_keys = _stored(ctx, PeerKey, [*(k["id"] for k in keys), *(str(a["key_id"]) for a in acts)])
    out = PeerSignatures(site_id)
    merged = _check_keys(pkg, site_id, keys, stored_keys, out)
    for kid, old in stored_keys.items():
        if kid not in merged and old["site_id"] == site_id:
            merged[kid] = old
    stored_acts = _stored(ctx, PeerAct, [a["id"] for a in acts])
    checks: dict[str, Verifier] = {}
    line_of: dict[str, int] = {}
    for n, act in enumerate(acts, start=1):
        line_of[act["id"]] = n
        key = merged.get(str(act["key_id"]))
        where = _label(act, key).format(n=n)
        earlier = stored_acts.get(act["id"])
        if earlier is not None:  # checked when it first came (and by every verify since): the same act again
            if earlier["site_id"] != site_id or any(earlier[f] != act[f] for f in ACT_FIELDS):
                raise pkg.refused(f"{where}与此前从{peer}收到的同一份签名不同：签名记录被改动")
            continue
        if key is None:
            raise pkg.refused(f"{where}的签名人密钥未知：既不在数据包中，也不是此前从{peer}收到的")
        check = checks.get(key["id"]) or checks.setdefault(key["id"], verifier(key))
        fault = act_fault(act, key, check)
        if fault is not None:
            raise pkg.refused(f"{where}：{fault}")
        out.acts.append(act)
    by_id = {a["id"]: a for a in acts}
    for seq, table, rid, state in named:
        sig = state.get(SIGNED_BY[table][0])
        signed = by_id.get(sig) if isinstance(sig, str) and not is_legacy_hash(sig) else None
        if signed is not None and not _names_its_act(table, rid, state, signed):
            raise pkg.refused(
                f"第{seq}条记录所指的电子签名（{ACTS}第{line_of[signed['id']]}行）签署的是另一条记录：数据包被改动"
            )
    return out


# -- writing --------------------------------------------------------------------------------------------


def store_peer_acts(
    conn: Connection, sigs: PeerSignatures | None, actor: Actor, reason: str, when: Any
) -> None:
    """Write what ``check_peer_acts`` found new, in the import's transaction, each change audited."""
    if sigs is None:
        return
    local = {"created_at": norm_value(when), "row_version": 1, "site_id": sigs.site_id}
    keys = [{**k, **local} for k in sigs.keys]
    insert_audited(conn, _table(PeerKey), keys, actor, action="exchange.apply", reason=reason, when=when)
    for _old, new in sigs.retired:
        update_state(
            conn,
            _table(PeerKey),
            ("retired_at", "row_version"),
            (time_text(new["retired_at"]), new["row_version"]),
            new["id"],
        )
    if sigs.retired:
        changes = [Change("exchange.apply", "peer_key", n["id"], o, n, reason) for o, n in sigs.retired]
        append_entries(conn, actor, changes, ts=when)
    acts = [{**a, **local} for a in sigs.acts]
    insert_audited(conn, _table(PeerAct), acts, actor, action="exchange.apply", reason=reason, when=when)
