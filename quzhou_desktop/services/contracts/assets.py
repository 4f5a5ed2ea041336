"""资产资源台账: record, edit and dispose of a village's collective assets and resources; the lazy register (SQL-side
filter, search, sort and paging) and the choices a contract picks its subject from.

Nothing is deleted: a disposed asset stays in the register as 已处置 with the reason in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select

from quzhou_desktop.core.contracts import AssetKind, AssetStatus
from quzhou_desktop.core.errors import Conflict, ValidationError
from quzhou_desktop.core.money import format_fen
from quzhou_desktop.services.contracts.common import (
    AREA_UNITS,
    ASSET_KIND_LABELS,
    ASSET_STATUS_LABELS,
    load_asset,
)
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.validate import optional, required
from quzhou_desktop.store.models import Asset, Contract, Village

__all__ = [
    "AssetFields",
    "AssetFilter",
    "AssetRow",
    "asset_choices",
    "asset_fields",
    "count_assets",
    "create_asset",
    "dispose_asset",
    "format_area",
    "get_asset",
    "list_assets",
    "update_asset",
]

MAX_VALUE_FEN = 10**13  # 1千亿元: above is a typing mistake
MAX_AREA_CENTI = 10**11


@dataclass(frozen=True)
class AssetFields:
    name: str
    kind: str
    status: str
    code: str | None = None
    location: str | None = None
    area_centi: int | None = None  # hundredths of ``area_unit``
    area_unit: str | None = None
    value_fen: int | None = None
    acquired_on: date | None = None
    note: str | None = None


@dataclass(frozen=True)
class AssetRow:
    id: str
    village_id: str
    village_name: str
    code: str | None
    name: str
    kind: str
    location: str | None
    area_centi: int | None
    area_unit: str | None
    value_fen: int | None
    status: str
    active: bool
    contract: str  # the contract in force today ("YD-ZL-2026-01 刘丽华"), "" when none
    row_version: int

    @property
    def kind_label(self) -> str:
        return ASSET_KIND_LABELS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return ASSET_STATUS_LABELS.get(self.status, self.status) if self.active else "已处置"

    @property
    def area_text(self) -> str:
        return format_area(self.area_centi, self.area_unit)

    @property
    def value_text(self) -> str:
        return format_fen(self.value_fen) if self.value_fen is not None else ""

    @property
    def needs_contract(self) -> bool:
        """出租/承包 with no contract in force (a 工作台 reminder)."""
        return self.active and AssetStatus(self.status).needs_contract and not self.contract


@dataclass(frozen=True)
class AssetFilter:
    village_id: str | None = None
    kind: str = ""
    status: str = ""  # "" all, an AssetStatus value, "disposed", "no_contract"
    text: str = ""
    include_disposed: bool = False


def format_area(centi: int | None, unit: str | None) -> str:
    if centi is None:
        return ""
    whole, frac = divmod(centi, 100)
    number = f"{whole:,}" if not frac else f"{whole:,}.{frac:02d}".rstrip("0")
    return f"{number}{unit or ''}"


def clean_asset(f: AssetFields) -> AssetFields:
    if f.kind not in ASSET_KIND_LABELS:
        raise ValidationError(field="类别", reason="应为房屋建筑物、土地、水面、林地林木、机器设备或其他")
    if f.status not in ASSET_STATUS_LABELS:
        raise ValidationError(field="使用状态", reason="应为自用、出租、承包或闲置")
    if f.area_centi is not None and not 0 < f.area_centi <= MAX_AREA_CENTI:
        raise ValidationError(field="面积", reason="应大于零，且不超过十亿")
    unit = f.area_unit or (AssetKind(f.kind).unit if f.area_centi is not None else None)
    if unit is not None and unit not in AREA_UNITS:
        raise ValidationError(field="面积单位", reason="应为平方米或亩")
    if f.value_fen is not None and not 0 <= f.value_fen <= MAX_VALUE_FEN:
        raise ValidationError(field="价值", reason="不能是负数，也不能超过一千亿元")
    return replace(
        f,
        name=required(f.name, "名称", max_len=100),
        code=optional(f.code, "资产编号", max_len=30),
        location=optional(f.location, "坐落位置", max_len=200),
        area_unit=unit if f.area_centi is not None else None,
        note=optional(f.note, "备注", max_len=1000),
    )


def _apply(a: Asset, f: AssetFields) -> None:
    a.code, a.name, a.kind, a.location = f.code, f.name, f.kind, f.location
    a.area_centi, a.area_unit, a.value_fen = f.area_centi, f.area_unit, f.value_fen
    a.acquired_on, a.status, a.note = f.acquired_on, f.status, f.note


def _check_code(s: Any, village_id: str, code: str | None, exclude: str | None = None) -> None:
    if not code:
        return
    q = select(Asset.id).where(Asset.village_id == village_id, Asset.code == code)
    if exclude:
        q = q.where(Asset.id != exclude)
    if s.scalars(q).first() is not None:
        raise Conflict(f"本村已有编号为“{code}”的资产资源，请换一个编号")


def create_asset(ctx: AppContext, village_id: str, fields: AssetFields) -> str:
    ctx.require(Perm.CONTRACT_EDIT, village_id)
    f = clean_asset(fields)
    with ctx.write("asset.create") as s:
        _check_code(s, village_id, f.code)
        a = Asset(village_id=village_id, active=True)
        _apply(a, f)
        s.add(a)
        s.flush()
        return a.id


def update_asset(
    ctx: AppContext, asset_id: str, fields: AssetFields, *, expected_version: int | None = None
) -> None:
    f = clean_asset(fields)
    with ctx.write("asset.update") as s:
        a = load_asset(s, asset_id)
        ctx.require(Perm.CONTRACT_EDIT, a.village_id)
        if expected_version is not None and a.row_version != expected_version:
            raise Conflict("这项资产资源已被其他人修改，请刷新后再改")
        if not a.active:
            raise ValidationError(field="资产资源", reason=f"“{a.name}”已处置，不能再修改")
        _check_code(s, a.village_id, f.code, exclude=a.id)
        _apply(a, f)


def dispose_asset(ctx: AppContext, asset_id: str, reason: str) -> None:
    """拍卖、转让、报废 …: the asset leaves the register of what the village holds (kept, marked 已处置)."""
    why = required(reason, "处置原因", max_len=500)
    with ctx.write("asset.dispose", reason=why) as s:
        a = load_asset(s, asset_id)
        ctx.require(Perm.CONTRACT_EDIT, a.village_id)
        if not a.active:
            raise Conflict(f"“{a.name}”已经处置")
        a.active = False


def _in_force(today: date) -> Any:
    """Contracts in force today (for the asset they cover)."""
    return and_(Contract.status == "active", Contract.start_date <= today, Contract.end_date >= today)


def _covered(today: date) -> Any:
    """EXISTS a contract in force for the asset (correlated; one range of ix_contract_asset)."""
    return (
        select(Contract.id).where(Contract.asset_id == Asset.id, _in_force(today)).correlate(Asset).exists()
    )


SORTS: dict[str, Any] = {
    "code": Asset.code,
    "name": Asset.name,
    "kind": Asset.kind,
    "status": Asset.status,
    "value": Asset.value_fen,
    "area": Asset.area_centi,
}


def _query(ctx: AppContext, flt: AssetFilter, today: date) -> Any:
    """``select(Asset.id)`` of the matching assets, unordered: the page's ids are found on plain columns, and the
    contract in force is read for those rows only (``_rows_of``)."""
    q: Any = select(Asset.id)
    if flt.village_id:
        ctx.require_village(flt.village_id)
        q = q.where(Asset.village_id == flt.village_id)
    else:
        visible = ctx.visible_village_ids()
        if visible is not None:
            q = q.where(Asset.village_id.in_(visible))
    if flt.kind:
        q = q.where(Asset.kind == flt.kind)
    if flt.status == "disposed":
        q = q.where(Asset.active.is_(False))
    elif flt.status == "no_contract":
        needs = [s.value for s in AssetStatus if s.needs_contract]
        q = q.where(Asset.active.is_(True), Asset.status.in_(needs), ~_covered(today))
    else:
        if flt.status:
            q = q.where(Asset.status == flt.status)
        if not flt.include_disposed:
            q = q.where(Asset.active.is_(True))
    text = flt.text.strip()
    if text:
        like = f"%{text}%"
        q = q.where(or_(Asset.name.like(like), Asset.code.like(like), Asset.location.like(like)))
    return q


def _rows_of(s: Any, ids: list[str], today: date) -> list[AssetRow]:
    """The rows of ``ids`` in that order, each with the contract in force today ("编号 第一个乙方")."""
    if not ids:
        return []
    from quzhou_desktop.store.models import ContractParty

    rows = {a.id: (a, v) for a, v in s.execute(
        select(Asset, Village.name).join(Village, Village.id == Asset.village_id).where(Asset.id.in_(ids)))}  # fmt: skip
    current: dict[str, str] = {}
    q = (
        select(Contract.asset_id, Contract.id, Contract.number)
        .where(Contract.asset_id.in_(ids), _in_force(today))
        .order_by(Contract.start_date)
    )
    found = {aid: (cid, number) for aid, cid, number in s.execute(q)}  # the latest start wins
    party: dict[str, str] = {}
    if found:
        pq = (
            select(ContractParty.contract_id, ContractParty.name)
            .where(
                ContractParty.contract_id.in_([c for c, _ in found.values()]), ContractParty.active.is_(True)
            )
            .order_by(ContractParty.seq.desc())
        )
        party = {cid: name for cid, name in s.execute(pq)}  # the first by seq wins
    for aid, (cid, number) in found.items():
        current[aid] = f"{number} {party.get(cid, '')}".strip()
    return [_row(rows[i][0], rows[i][1], current.get(i)) for i in ids if i in rows]


def _row(a: Asset, village: str, contract: str | None) -> AssetRow:
    return AssetRow(
        a.id, a.village_id, village, a.code, a.name, a.kind, a.location, a.area_centi, a.area_unit, a.value_fen,
        a.status, a.active, contract or "", a.row_version,
    )  # fmt: skip


def count_assets(ctx: AppContext, flt: AssetFilter) -> int:
    ctx.require_user()
    with ctx.read() as s:
        q = _query(ctx, flt, ctx.clock.today())
        return int(s.scalar(select(func.count()).select_from(q.subquery())) or 0)


def list_assets(
    ctx: AppContext,
    flt: AssetFilter,
    *,
    offset: int = 0,
    limit: int = 200,
    sort: str = "code",
    descending: bool = False,
) -> list[AssetRow]:
    ctx.require_user()
    today = ctx.clock.today()
    col = SORTS.get(sort, Asset.code)
    order = [col.desc() if descending else col.asc(), Asset.name, Asset.id]
    with ctx.read() as s:
        ids = list(s.scalars(_query(ctx, flt, today).order_by(*order).offset(offset).limit(limit)))
        return _rows_of(s, ids, today)


def get_asset(ctx: AppContext, asset_id: str) -> AssetRow:
    with ctx.read() as s:
        a = load_asset(s, asset_id)
        ctx.require_village(a.village_id)
        return _rows_of(s, [a.id], ctx.clock.today())[0]


def asset_fields(ctx: AppContext, asset_id: str) -> AssetFields:
    with ctx.read() as s:
        a = load_asset(s, asset_id)
        ctx.require_village(a.village_id)
        return AssetFields(
            name=a.name, kind=a.kind, status=a.status, code=a.code, location=a.location, area_centi=a.area_centi,
            area_unit=a.area_unit, value_fen=a.value_fen, acquired_on=a.acquired_on, note=a.note,
        )  # fmt: skip


def asset_choices(ctx: AppContext, village_id: str) -> list[tuple[str, str]]:
    """(asset id, "ZC-001 村委会一楼店面（房屋建筑物，出租）") of the village's assets in hand, by code and name."""
    ctx.require_village(village_id)
    with ctx.read() as s:
        rows = s.scalars(
            select(Asset)
            .where(and_(Asset.village_id == village_id, Asset.active.is_(True)))
            .order_by(Asset.code, Asset.name)
        ).all()
        return [
            (
                a.id,
                f"{a.code + ' ' if a.code else ''}{a.name}（{ASSET_KIND_LABELS[a.kind]}，{ASSET_STATUS_LABELS[a.status]}）",
            )
            for a in rows
        ]
