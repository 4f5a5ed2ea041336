"""Township and villages. Adding, changing and (de)activating a village are signed acts of the administrator
(``village.create``, ``village.update``, ``village.active``) over ``services.kernel.statements.village_content``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from quzhou_desktop.core.errors import Conflict, NotFound, ValidationError
from quzhou_desktop.services.kernel import keys
from quzhou_desktop.services.kernel.context import AppContext, CurrentUser
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.signatures import Signer, office_of, sign_act
from quzhou_desktop.services.kernel.site import home_township
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
    township: str = ""  # the name of the village's township
    label: str = ""  # how pickers and columns show it: "乡镇 村" when the database holds several townships

    def __post_init__(self) -> None:
        if not self.label:
            object.__setattr__(self, "label", self.name)


@dataclass(frozen=True)
class TownshipInfo:
    id: str
    name: str
    code: str | None


def several_townships(s: Session) -> bool:
    """Whether the database holds villages of more than one township (a county's): village names are then
    unique only within their township, and shown with it (``village_label``)."""
    found = s.info.get(_SEVERAL)
    if found is None:
        found = s.info[_SEVERAL] = len(s.scalars(select(Village.township_id).distinct().limit(2)).all()) > 1
    return bool(found)


_SEVERAL = "several_townships"


def village_label(township: str, village: str, *, several: bool) -> str:
    """A village as pickers and registers show it: "乡镇 村" on a database of several townships, else its name."""
    return f"{township} {village}" if several and township else village


def _info(v: Village, towns: dict[str, str], several: bool) -> VillageInfo:
    town = towns.get(v.township_id, "")
    return VillageInfo(
        v.id, v.name, v.code, v.households, v.adults, v.finance_busy, v.active, v.row_version,
        town, village_label(town, v.name, several=several),
    )  # fmt: skip


def village_labels(s: Session) -> dict[str, str] | None:
    """Village id → "乡镇 村" on a database of several townships (registers' 村 column, ``label``); None on a
    database of one, whose registers show the names as they are. Read once per session."""
    if not several_townships(s):
        return None
    found = s.info.get(_LABELS)
    if found is None:
        q = select(Village.id, Village.name, Township.name).join(Township, Township.id == Village.township_id)
        found = s.info[_LABELS] = {vid: village_label(t, v, several=True) for vid, v, t in s.execute(q)}
    return dict(found)


def shown_village(labels: dict[str, str] | None, village_id: str, name: str) -> str:
    """``name`` as a register shows it, given ``village_labels``."""
    return name if labels is None else labels.get(village_id, name)


_LABELS = "village_labels"


def _towns(s: Session) -> dict[str, str]:
    return {tid: name for tid, name in s.execute(select(Township.id, Township.name))}


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
    """This office's own township (``site.home_township``; a county's own row on a county database)."""
    with ctx.read() as s:
        t = home_township(s)
        return TownshipInfo(t.id, t.name, t.code) if t else None


def list_villages(ctx: AppContext, *, include_inactive: bool = False) -> list[VillageInfo]:
    """Villages the current user may see, by name (by township, then name, on a database of several)."""
    visible = ctx.visible_village_ids()
    with ctx.read() as s:
        towns, several = _towns(s), several_townships(s)
        q = select(Village).order_by(Village.name)
        if not include_inactive:
            q = q.where(Village.active.is_(True))
        rows = [v for v in s.scalars(q) if visible is None or v.id in visible]
        if several:
            rows.sort(key=lambda v: (towns.get(v.township_id, ""), v.name))
        return [_info(v, towns, several) for v in rows]


def get_village(ctx: AppContext, village_id: str) -> VillageInfo:
    ctx.require_village(village_id)
    with ctx.read() as s:
        v = s.get(Village, village_id)
        if v is None:
            raise NotFound(what="这个村")
        return _info(v, _towns(s), several_townships(s))


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
        t = home_township(s)
        if t is None:
            raise NotFound(what="乡镇信息（请先完成首次设置）")
        if s.scalars(select(Village).where(Village.name == spec.name, Village.township_id == t.id)).first():
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
        return _info(v, _towns(s), several_townships(s))


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
        clash = s.scalars(
            select(Village).where(
                Village.name == spec.name, Village.township_id == v.township_id, Village.id != village_id
            )
        ).first()
        if clash:
            raise Conflict(f"已经有一个叫“{spec.name}”的村")
        v.name, v.code = spec.name, spec.code
        v.households, v.adults, v.finance_busy = int(spec.households), int(spec.adults), spec.finance_busy
        s.flush()
        _sign(s, signer, me, "village.update", v, now)
        return _info(v, _towns(s), several_townships(s))


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


def village_named(s: Session, name: str, visible: frozenset[str] | None, *, active_only: bool = False) -> str:
    """The id of the village ``name`` names among the ``visible`` ones (None: all), as the command line takes it:
    its name, or — where several townships have a village of that name (a county's database) — "乡镇/村"
    (also "乡镇 村" or "乡镇村"). An unknown name is refused with the choices; an ambiguous one with the
    townships that have it."""
    q = select(Village.id, Village.name, Township.name).join(Township, Township.id == Village.township_id)
    if active_only:
        q = q.where(Village.active.is_(True))
    rows = [(vid, v, t) for vid, v, t in s.execute(q.order_by(Township.name, Village.name))]
    rows = [r for r in rows if visible is None or r[0] in visible]
    wanted = "".join(name.split())
    bare = [r for r in rows if r[1] == wanted]
    if len(bare) == 1:
        return bare[0][0]
    if bare:
        towns = "、".join(t for _id, _v, t in bare)
        raise ValidationError(
            field="村",
            reason=f"{towns}都有“{wanted}”，请写明乡镇，如“{bare[0][2]}/{wanted}”",
        )
    town, sep, village = wanted.partition("/")
    found = [r for r in rows if (r[2], r[1]) == (town, village)] if sep else []
    found = found or [r for r in rows if r[2] + r[1] == wanted.replace("/", "")]
    if len(found) == 1:
        return found[0][0]
    several = len({t for _id, _v, t in rows}) > 1
    choices = "、".join(f"{t}/{v}" if several else v for _id, v, t in rows) or "无"
    raise NotFound(what=f"村“{name}”（可选：{choices}）")


def find_village(ctx: AppContext, name: str, *, active_only: bool = True) -> VillageInfo:
    """The village ``name`` names among those the user may see (``village_named``)."""
    visible = ctx.visible_village_ids()
    with ctx.read() as s:
        vid = village_named(s, name, visible, active_only=active_only)
    return get_village(ctx, vid)
