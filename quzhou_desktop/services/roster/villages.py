"""Township and villages. Adding, changing and (de)activating a village are signed acts of the administrator
(``village.create``, ``village.update``, ``village.active``) over ``services.kernel.statements.village_content``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from quzhou_desktop.core.errors import Conflict, NotFound, ValidationError
from quzhou_desktop.services.kernel import keys
from quzhou_desktop.services.kernel.context import AppContext, CurrentUser, township_row
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.signatures import Signer, office_of, sign_act
from quzhou_desktop.services.kernel.statements import village_content
from quzhou_desktop.services.kernel.validate import clean_name, non_negative_int, optional, required
from quzhou_desktop.store.models import Township, Village


@dataclass(frozen=True)
class VillageSpec:
    name: str
    code: str | None = None
    households: int | str = 0
    adults: int | str = 0
    finance_busy: bool = False


@dataclass(frozen=True)
class VillageInfo:
    id: str
    name: str
    code: str | None
    households: int
    adults: int
    finance_busy: bool
    active: bool
    row_version: int


@dataclass(frozen=True)
class TownshipInfo:
    id: str
    name: str
    code: str | None


def _info(v: Village) -> VillageInfo:
    return VillageInfo(v.id, v.name, v.code, v.households, v.adults, v.finance_busy, v.active, v.row_version)


def clean_spec(spec: VillageSpec) -> VillageSpec:
    name = clean_name(required(spec.name, "村名", max_len=60))
    return VillageSpec(
        name=name,
        code=optional(spec.code, "村代码", max_len=20),
        households=non_negative_int(spec.households, f"{name}的户数", maximum=100_000),
        adults=non_negative_int(spec.adults, f"{name}的18周岁以上村民人数", maximum=1_000_000),
        finance_busy=bool(spec.finance_busy),
    )


def number_warnings(spec: VillageSpec) -> list[str]:
    """Numbers that cannot be right (saved anyway once confirmed): the 村民会议 quorum (C1) and the 村民代表
    ratio (C6) are computed from them."""
    hh, adults = int(spec.households), int(spec.adults)
    out = []
    if hh == 0:
        out.append("户数为0：村民会议的户代表到会条件和村民代表人数无法计算")
    if adults == 0:
        out.append("18周岁以上人数为0：村民会议的应到人数无法计算")
    if hh and adults and adults < hh:
        out.append(f"18周岁以上人数（{adults}）少于户数（{hh}），每户通常至少有一名成年人")
    if hh and adults > hh * 10:
        out.append(f"平均每户超过10名18周岁以上村民（{adults}人、{hh}户）")
    return out


def township(ctx: AppContext) -> TownshipInfo | None:
    with ctx.read() as s:
        t = township_row(s)
        return TownshipInfo(t.id, t.name, t.code) if t else None


def list_villages(ctx: AppContext, *, include_inactive: bool = False) -> list[VillageInfo]:
    """Villages the current user may see, by name."""
    visible = ctx.visible_village_ids()
    with ctx.read() as s:
        q = select(Village).order_by(Village.name)
        if not include_inactive:
            q = q.where(Village.active.is_(True))
        rows = [v for v in s.scalars(q) if visible is None or v.id in visible]
        return [_info(v) for v in rows]


def get_village(ctx: AppContext, village_id: str) -> VillageInfo:
    ctx.require_village(village_id)
    with ctx.read() as s:
        v = s.get(Village, village_id)
        if v is None:
            raise NotFound(what="这个村")
        return _info(v)


def _sign(s: Session, signer: Signer, me: CurrentUser, act: str, v: Village, now: datetime) -> None:
    s.flush()
    sign_act(
        s,
        signer,
        act=act,
        record_kind="village",
        record_id=v.id,
        record_version=v.row_version,
        content={"village": village_content(v)},
        office=office_of(s, me, v.id),
        at=now,
    )


def add_village(ctx: AppContext, spec: VillageSpec, *, credential: keys.Credential) -> VillageInfo:
    me = ctx.require(Perm.VILLAGE_MANAGE)
    spec = clean_spec(spec)
    signer = keys.signer_for(ctx, credential)
    now = ctx.clock.now()
    with ctx.write("village.create") as s:
        t = s.scalars(select(Township)).first()
        if t is None:
            raise NotFound(what="乡镇信息（请先完成首次设置）")
        if s.scalars(select(Village).where(Village.name == spec.name)).first():
            raise Conflict(f"已经有一个叫“{spec.name}”的村")
        v = Village(
            township_id=t.id,
            name=spec.name,
            code=spec.code,
            households=int(spec.households),
            adults=int(spec.adults),
            finance_busy=spec.finance_busy,
        )
        s.add(v)
        s.flush()
        _sign(s, signer, me, "village.create", v, now)
        return _info(v)


def update_village(
    ctx: AppContext,
    village_id: str,
    spec: VillageSpec,
    *,
    expected_version: int | None = None,
    credential: keys.Credential,
) -> VillageInfo:
    me = ctx.require(Perm.VILLAGE_MANAGE, village_id)
    spec = clean_spec(spec)
    signer = keys.signer_for(ctx, credential)
    now = ctx.clock.now()
    with ctx.write("village.update") as s:
        v = s.get(Village, village_id)
        if v is None:
            raise NotFound(what="这个村")
        if expected_version is not None and v.row_version != expected_version:
            raise Conflict("这个村的信息已被其他人修改，请刷新后再改")
        clash = s.scalars(select(Village).where(Village.name == spec.name, Village.id != village_id)).first()
        if clash:
            raise Conflict(f"已经有一个叫“{spec.name}”的村")
        v.name, v.code = spec.name, spec.code
        v.households, v.adults, v.finance_busy = int(spec.households), int(spec.adults), spec.finance_busy
        s.flush()
        _sign(s, signer, me, "village.update", v, now)
        return _info(v)


def set_village_active(
    ctx: AppContext, village_id: str, active: bool, *, reason: str, credential: keys.Credential
) -> None:
    me = ctx.require(Perm.VILLAGE_MANAGE, village_id)
    if not reason.strip():
        raise ValidationError(field="原因", reason="停用或恢复一个村需要写明原因")
    signer = keys.signer_for(ctx, credential)
    now = ctx.clock.now()
    with ctx.write("village.set_active", reason=reason) as s:
        v = s.get(Village, village_id)
        if v is None:
            raise NotFound(what="这个村")
        v.active = active
        _sign(s, signer, me, "village.active", v, now)
