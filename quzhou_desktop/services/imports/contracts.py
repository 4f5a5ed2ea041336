"""Importing the asset and contract ledgers villages keep: matching rows against the database and the rows to write.

Deterministic keys, as for vouchers:
- assets: village + 资产编号 when the sheet has one, else village + 名称 + 坐落位置;
- contracts: village + 合同编号 (``uq_contract_number``).
A row whose key is stored with the same content is a duplicate (skipped); with different content it is an error
naming the column that differs, never an overwrite.

A contract row becomes the contract, its 乙方 (a villager when exactly one active villager of that name is on
the roster, else an outside party), its schedule (from 收付方式, rent in advance; none when the column is
empty) and its deposit. Its 标的资产 is linked when it names an asset of the village (by 编号 or 名称); the
决议依据 is kept as a decision on paper: a disposal without one appears on the 村监会's list (C33) like any other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, select

from quzhou_desktop.core.contracts import ContractKind, even_schedule
from quzhou_desktop.core.money import format_fen
from quzhou_desktop.services.contracts.common import ASSET_KIND_LABELS, ASSET_STATUS_LABELS, KIND_LABELS
from quzhou_desktop.services.imports.audit import TableRows, ordered_ids
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.spreadsheets.schemas import AssetRecord, ContractRecord
from quzhou_desktop.store.models import (
    Asset,
    Contract,
    ContractDeposit,
    ContractParty,
    ContractScheduleLine,
    Person,
)

Blame = Callable[[int, str, Any, str], None]

ASSET_LIMITS = {"code": 30, "name": 100, "location": 200, "note": 1000}
CONTRACT_LIMITS = {"number": 30, "title": 200, "party": 100, "party_code": 30, "subject": 200, "decision": 200,
                   "note": 2000}  # fmt: skip
_A_FIELDS = ("name", "kind", "location", "area", "area_unit", "value_fen", "acquired_on", "status")
_A_LABELS = ("资产名称", "类别", "坐落位置", "面积", "面积单位", "价值", "取得日期", "使用状态")
_C_FIELDS = ("title", "kind", "amount_fen", "start", "end")
_C_LABELS = ("合同名称", "合同类型", "合同金额", "开始日期", "结束日期")
DEPOSIT_KIND = {"lease": "押金", "contracting": "押金"}


def _asset_key(rec: AssetRecord, vid: str) -> tuple[Any, ...]:
    return (vid, "code", rec.code) if rec.code else (vid, "name", rec.name, rec.location or "")


def asset_content(rec: AssetRecord) -> tuple[Any, ...]:
    return (
        rec.name,
        rec.kind,
        rec.location,
        rec.area,
        rec.area_unit,
        rec.value_fen,
        rec.acquired_on,
        rec.status,
    )


def _shown(field: str, value: Any, labels: dict[str, str] | None = None) -> Any:
    """A value as the sheet writes it: amounts and areas in 元/units, kinds and states by their Chinese names."""
    if field in ("value_fen", "amount_fen", "area") and value is not None:
        return format_fen(value, symbol=False)
    if labels is not None:
        return labels.get(value, value)
    return value


def _labels(field: str, asset: bool) -> dict[str, str] | None:
    if field == "kind":
        return ASSET_KIND_LABELS if asset else KIND_LABELS
    return ASSET_STATUS_LABELS if field == "status" else None


def match_assets(
    conn: Connection, items: list[tuple[Any, str]], blame: Blame
) -> tuple[list[tuple[Any, str]], int]:
    """(new rows, duplicates)."""
    t = Asset.__table__
    stored: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for vid in {v for _, v in items}:
        q = select(t.c.code, t.c.name, t.c.kind, t.c.location, t.c.area_centi, t.c.area_unit, t.c.value_fen,
                   t.c.acquired_on, t.c.status).where(t.c.village_id == vid)  # fmt: skip
        for code, name, kind, loc, area, unit, value, acquired, status in conn.execute(q):
            content = (name, kind, loc, area, unit, value, acquired, status)
            stored[(vid, "code", code) if code else (vid, "name", name, loc or "")] = content
    new, duplicates = [], 0
    for rec, vid in items:
        theirs = stored.get(_asset_key(rec, vid))
        if theirs is None:
            new.append((rec, vid))
            continue
        mine = asset_content(rec)
        if mine == theirs:
            duplicates += 1
            continue
        i = next(i for i, (a, b) in enumerate(zip(mine, theirs, strict=True)) if a != b)
        f, labels = _A_FIELDS[i], _labels(_A_FIELDS[i], True)
        blame(rec.row, f, _shown(f, mine[i], labels),
              f"与资产资源台账中已登记的“{rec.code or rec.name}”不一致（已登记的{_A_LABELS[i]}为"
              f"“{_shown(f, theirs[i], labels) or '空'}”），同一资产资源不能导入两次；如需修改，请在资产资源台账中修改")  # fmt: skip
    return new, duplicates


def match_contracts(
    conn: Connection, items: list[tuple[Any, str]], blame: Blame
) -> tuple[list[tuple[Any, str]], int]:
    t = Contract.__table__
    stored: dict[tuple[str, str], tuple[Any, ...]] = {}
    for vid in {v for _, v in items}:
        q = select(t.c.number, t.c.title, t.c.kind, t.c.amount_fen, t.c.start_date, t.c.end_date).where(
            t.c.village_id == vid
        )
        for number, *content in conn.execute(q):
            stored[(vid, number)] = tuple(content)
    new, duplicates = [], 0
    for rec, vid in items:
        theirs = stored.get((vid, rec.number))
        if theirs is None:
            new.append((rec, vid))
            continue
        mine = (rec.title, rec.kind, rec.amount_fen, rec.start, rec.end)
        if mine == theirs:
            duplicates += 1
            continue
        i = next(i for i, (a, b) in enumerate(zip(mine, theirs, strict=True)) if a != b)
        f, labels = _C_FIELDS[i], _labels(_C_FIELDS[i], False)
        blame(rec.row, f, _shown(f, mine[i], labels),
              f"与已登记的合同{rec.number}不一致（已登记的{_C_LABELS[i]}为“{_shown(f, theirs[i], labels)}”），"
              "同一合同编号不能导入两次；如需修改，请在合同台账中修改")  # fmt: skip
    return new, duplicates


# -- writing -----------------------------------------------------------------------------------------------


def asset_rows(new: Sequence[tuple[Any, str]], now: Any) -> list[TableRows]:
    recs: list[AssetRecord] = [r for r, _ in new]
    vids = [v for _, v in new]
    columns = ["id", "village_id", "code", "name", "kind", "location", "area_centi", "area_unit", "value_fen",
               "acquired_on", "status", "note"]  # fmt: skip
    rows = [
        (i, vid, r.code, r.name, r.kind, r.location, r.area, r.area_unit, r.value_fen,
         r.acquired_on.isoformat() if r.acquired_on else None, r.status, r.note)
        for i, vid, r in zip(ordered_ids(len(recs)), vids, recs, strict=True)
    ]  # fmt: skip
    return [TableRows(Asset.__table__, columns, rows, [r.row for r in recs],
                      {"created_at": now, "row_version": 1, "active": True})]  # fmt: skip


def _lookups(
    conn: Connection, village_ids: set[str]
) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], str]]:
    """(village, name) → person id for names exactly one active villager has; (village, 编号 or 名称) → asset id."""
    p, a = Person.__table__, Asset.__table__
    people: dict[tuple[str, str], str | None] = {}
    assets: dict[tuple[str, str], str] = {}
    for vid in village_ids:
        for pid, name in conn.execute(select(p.c.id, p.c.name).where(p.c.village_id == vid, p.c.active)):
            people[(vid, name)] = None if (vid, name) in people else pid
        for aid, code, name in conn.execute(
            select(a.c.id, a.c.code, a.c.name).where(a.c.village_id == vid, a.c.active)
        ):
            assets.setdefault((vid, name), aid)
            if code:
                assets[(vid, code)] = aid
    return {k: v for k, v in people.items() if v is not None}, assets


def contract_rows(
    conn: Connection, ctx: AppContext, new: Sequence[tuple[Any, str]], now: Any
) -> list[TableRows]:
    user = ctx.require_user()
    recs: list[ContractRecord] = [r for r, _ in new]
    vids = [v for _, v in new]
    people, assets = _lookups(conn, set(vids))
    ids = ordered_ids(len(recs))
    contracts, parties, lines, deposits = [], [], [], []
    line_src, deposit_src = [], []
    for cid, vid, r in zip(ids, vids, recs, strict=True):
        asset_id = assets.get((vid, r.asset)) if r.asset else None
        subject = r.subject if asset_id or not r.asset else "；".join(x for x in (r.asset, r.subject) if x)
        contracts.append((cid, vid, r.number, r.title, r.kind, asset_id, subject, r.amount_fen,
                          r.signed_on.isoformat() if r.signed_on else None, r.start.isoformat(), r.end.isoformat(),
                          r.decision, r.note))  # fmt: skip
        person = people.get((vid, r.party))
        parties.append(
            (cid, "villager" if person else "company", person, r.party, r.party_code, r.party_phone)
        )
        direction = ContractKind(r.kind).direction.value
        if r.period:
            for seq, (due, amount) in enumerate(even_schedule(r.start, r.end, r.amount_fen, r.period), 1):
                lines.append((cid, seq, due.isoformat(), amount, direction))
                line_src.append(r.row)
        if r.deposit_fen:
            deposits.append((cid, DEPOSIT_KIND.get(r.kind, "履约保证金"), "receivable", r.deposit_fen))
            deposit_src.append(r.row)
    base = {"created_at": now, "row_version": 1}
    src = [r.row for r in recs]
    return [
        TableRows(Contract.__table__,
                  ["id", "village_id", "number", "title", "kind", "asset_id", "subject", "amount_fen", "signed_on",
                   "start_date", "end_date", "decision_ref", "note"], contracts, src,
                  {**base, "decision_step_id": None, "status": "active", "terminated_on": None,
                   "termination_reason": None, "disclosure_id": None, "created_by": user.id}),
        TableRows(ContractParty.__table__, ["id", "contract_id", "kind", "person_id", "name", "id_code", "phone"],
                  [(i, *p) for i, p in zip(ordered_ids(len(parties)), parties, strict=True)], src,
                  {**base, "seq": 1, "address": None, "active": True}),
        TableRows(ContractScheduleLine.__table__, ["id", "contract_id", "seq", "due_on", "amount_fen", "direction"],
                  [(i, *x) for i, x in zip(ordered_ids(len(lines)), lines, strict=True)], line_src,
                  {**base, "note": None, "active": True}),
        TableRows(ContractDeposit.__table__, ["id", "contract_id", "kind", "direction", "amount_fen"],
                  [(i, *d) for i, d in zip(ordered_ids(len(deposits)), deposits, strict=True)], deposit_src,
                  {**base, "received_on": None, "returned_on": None, "note": None, "active": True}),
    ]  # fmt: skip
