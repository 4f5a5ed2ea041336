"""花名册: people per village, their kinship links and memberships in the bodies that vote.

Lists are paged (offset/limit) with SQL-side search and sort so the GUI's lazy table models never load every
row.  Nothing is deleted: people are deactivated and memberships ended, with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, false, func, or_, select

from quzhou_desktop.core.errors import Conflict, NotFound, ValidationError
from quzhou_desktop.core.idcard import mask_id, normalize_id, validate_id
from quzhou_desktop.core.rosters import RELATION_KIND
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.search import contains, contains_pattern
from quzhou_desktop.services.kernel.validate import clean_name, date_range, gender, optional, phone, required
from quzhou_desktop.services.roster.bodies import (
    BODY_LABELS,
    PARTY_STATUS_LABELS,
    ROLE_IN_BODY,
    body_label,
    role_label,
)
from quzhou_desktop.services.roster.composition import current_seats
from quzhou_desktop.store.models import KinLink, Membership, Person


@dataclass(frozen=True)
class PersonFields:
    name: str
    gender: str | None = None
    id_number: str | None = None
    phone: str | None = None
    group_name: str | None = None
    household_head: bool = False
    note: str | None = None


@dataclass(frozen=True)
class PersonRow:
    id: str
    village_id: str
    name: str
    gender: str | None
    id_masked: str
    phone: str | None
    group_name: str | None
    household_head: bool
    note: str | None
    active: bool
    roles: str  # "村民代表、正式党员" for lists
    row_version: int


@dataclass(frozen=True)
class MembershipRow:
    id: str
    person_id: str
    person_name: str
    body: str
    body_label: str
    role: str
    role_label: str
    party_status: str | None
    party_status_label: str
    start_date: date
    end_date: date | None
    end_reason: str | None
    gender: str | None


@dataclass(frozen=True)
class KinRow:
    id: str
    person_a_id: str
    person_a_name: str
    person_b_id: str
    person_b_name: str
    relation: str


SORTS = {
    "name": Person.name,
    "gender": Person.gender,
    "group": Person.group_name,
    "created": Person.created_at,
}
RELATIONS = tuple(RELATION_KIND)


def clean_person(fields: PersonFields) -> PersonFields:
    """Validate every field; a masked ID number (with *) passes through for the caller to keep the old one."""
    id_number = optional(fields.id_number, "身份证号", max_len=30)
    sex = gender(fields.gender)
    if id_number and "*" not in id_number:
        info = validate_id(id_number)
        id_number = info.number
        if sex is None:
            sex = info.gender
        elif sex != info.gender:
            raise ValidationError(
                field="性别", reason=f"填的是“{sex}”，但身份证号显示为“{info.gender}”，请核对"
            )
    return PersonFields(
        name=clean_name(required(fields.name, "姓名", max_len=40)),
        gender=sex,
        id_number=id_number,
        phone=phone(fields.phone),
        group_name=optional(fields.group_name, "村民小组", max_len=40),
        household_head=bool(fields.household_head),
        note=optional(fields.note, "备注", max_len=1000),
    )


def _roles_text(s: Any, person_ids: list[str], on: date) -> dict[str, str]:
    if not person_ids:
        return {}
    rows = s.execute(
        select(Membership.person_id, Membership.body, Membership.role, Membership.party_status).where(
            Membership.person_id.in_(person_ids), _active_on(on)
        )
    ).all()
    out: dict[str, list[str]] = {}
    for pid, body, role, ps in rows:
        if body == "party_meeting":
            label = PARTY_STATUS_LABELS.get(ps or "full", "党员")
        elif body == "rep_meeting":
            label = "村民代表"
        elif body == "villager_group":
            label = f"村民小组{role_label(body, role)}"
        else:
            short = (
                body_label(body)
                .split("（")[0]
                .replace("村民委员会", "村委会")
                .replace("村务监督委员会", "村监会")
            )
            label = f"{short}{role_label(body, role)}"
        out.setdefault(pid, []).append(label)
    return {k: "、".join(sorted(set(v))) for k, v in out.items()}


def _active_on(on: date) -> Any:
    return and_(Membership.start_date <= on, or_(Membership.end_date.is_(None), Membership.end_date >= on))


def sees_full_ids(ctx: AppContext, village_id: str) -> bool:
    """Whether the user may see the village's full ID numbers (and so search by parts of them)."""
    return ctx.can(Perm.ROSTER_EDIT, village_id) or ctx.can(Perm.EXPORT_ID_NUMBERS, village_id)


def _id_condition(text: str, full_ids: bool) -> Any:
    """Search by ID number: by any part for a user who sees full numbers; otherwise only by the whole number
    (a part would reveal the hidden digits one search at a time)."""
    if full_ids:
        return contains(Person.id_number, contains_pattern(text))
    number = normalize_id(text)
    return Person.id_number == number if len(number) in (15, 18) else false()


def _person_query(
    village_id: str, search: str, body: str | None, include_inactive: bool, on: date, *, full_ids: bool
) -> Select[Any]:
    q = select(Person).where(Person.village_id == village_id)
    if not include_inactive:
        q = q.where(Person.active.is_(True))
    text = search.strip()
    if text:
        like = contains_pattern(text)
        q = q.where(
            or_(
                contains(Person.name, like),
                contains(Person.phone, like),
                contains(Person.group_name, like),
                _id_condition(text, full_ids),
            )
        )
    if body:
        q = q.where(
            Person.id.in_(select(Membership.person_id).where(Membership.body == body, _active_on(on)))
        )
    return q


def count_people(
    ctx: AppContext,
    village_id: str,
    *,
    search: str = "",
    body: str | None = None,
    include_inactive: bool = False,
) -> int:
    ctx.require_village(village_id)
    on = ctx.clock.today()
    with ctx.read() as s:
        q = _person_query(
            village_id, search, body, include_inactive, on, full_ids=sees_full_ids(ctx, village_id)
        ).with_only_columns(func.count())
        return int(s.scalar(q) or 0)


def count_active_people_by_village(ctx: AppContext) -> dict[str, int]:
    """Active people of every village the user may see, in one query (the township overview: one round
    trip to a server instead of one per village)."""
    visible = ctx.visible_village_ids()
    q = select(Person.village_id, func.count()).where(Person.active.is_(True)).group_by(Person.village_id)
    if visible is not None:
        q = q.where(Person.village_id.in_(visible))
    with ctx.read() as s:
        return {vid: int(n) for vid, n in s.execute(q).all()}


def list_people(
    ctx: AppContext,
    village_id: str,
    *,
    search: str = "",
    body: str | None = None,
    include_inactive: bool = False,
    sort: str = "name",
    descending: bool = False,
    offset: int = 0,
    limit: int = 200,
) -> list[PersonRow]:
    ctx.require_village(village_id)
    on = ctx.clock.today()
    col = SORTS.get(sort, Person.name)
    with ctx.read() as s:
        q = _person_query(
            village_id, search, body, include_inactive, on, full_ids=sees_full_ids(ctx, village_id)
        )
        q = q.order_by(col.desc() if descending else col.asc(), Person.id).offset(offset).limit(limit)
        people = list(s.scalars(q))
        roles = _roles_text(s, [p.id for p in people], on)
        return [_row(p, roles.get(p.id, "")) for p in people]


def _row(p: Person, roles: str) -> PersonRow:
    return PersonRow(
        p.id,
        p.village_id,
        p.name,
        p.gender,
        mask_id(p.id_number) if p.id_number else "",
        p.phone,
        p.group_name,
        p.household_head,
        p.note,
        p.active,
        roles,
        p.row_version,
    )


def get_person(ctx: AppContext, person_id: str, *, reveal_id: bool = False) -> tuple[PersonRow, PersonFields]:
    """The row and the editable fields. The full ID number only with ``reveal_id`` and the right."""
    with ctx.read() as s:
        p = s.get(Person, person_id)
        if p is None:
            raise NotFound(what="这个人员")
        ctx.require_village(p.village_id)
        can_see = reveal_id and (ctx.can(Perm.ROSTER_EDIT, p.village_id) or ctx.can(Perm.EXPORT_ID_NUMBERS))
        roles = _roles_text(s, [p.id], ctx.clock.today())
        fields = PersonFields(
            p.name,
            p.gender,
            p.id_number if can_see else (mask_id(p.id_number) if p.id_number else None),
            p.phone,
            p.group_name,
            p.household_head,
            p.note,
        )
        return _row(p, roles.get(p.id, "")), fields


def _check_duplicate(s: Any, village_id: str, f: PersonFields, exclude: str | None = None) -> None:
    if f.id_number:
        q = select(Person).where(Person.id_number == f.id_number, Person.active.is_(True))
        if exclude:
            q = q.where(Person.id != exclude)
        other = s.scalars(q).first()
        if other is not None:
            raise Conflict(f"身份证号 {mask_id(f.id_number)} 已登记在“{other.name}”名下")


def add_person(ctx: AppContext, village_id: str, fields: PersonFields) -> PersonRow:
    ctx.require(Perm.ROSTER_EDIT, village_id)
    f = clean_person(fields)
    if f.id_number and "*" in f.id_number:
        raise ValidationError(field="身份证号", reason="请填写完整的18位号码")
    with ctx.write("roster.add_person") as s:
        _check_duplicate(s, village_id, f)
        p = Person(village_id=village_id, **f.__dict__)
        s.add(p)
        s.flush()
        return _row(p, "")


def update_person(
    ctx: AppContext, person_id: str, fields: PersonFields, *, expected_version: int | None = None
) -> PersonRow:
    with ctx.read() as s:
        p0 = s.get(Person, person_id)
        if p0 is None:
            raise NotFound(what="这个人员")
        village_id = p0.village_id
    ctx.require(Perm.ROSTER_EDIT, village_id)
    f = clean_person(fields)
    with ctx.write("roster.update_person") as s:
        p = s.get(Person, person_id)
        assert p is not None
        if expected_version is not None and p.row_version != expected_version:
            raise Conflict(f"“{p.name}”的信息已被其他人修改，请刷新后再改")
        if f.id_number and "*" in f.id_number:  # masked value came back unchanged
            f = PersonFields(**{**f.__dict__, "id_number": p.id_number})
        _check_duplicate(s, village_id, f, exclude=p.id)
        for k, v in f.__dict__.items():
            if getattr(p, k) != v:
                setattr(p, k, v)
        s.flush()
        return _row(p, _roles_text(s, [p.id], ctx.clock.today()).get(p.id, ""))


def set_person_active(ctx: AppContext, person_id: str, active: bool, *, reason: str) -> None:
    if not reason.strip():
        raise ValidationError(field="原因", reason="请写明原因（如迁出、死亡、登记错误）")
    with ctx.read() as s:
        p0 = s.get(Person, person_id)
        if p0 is None:
            raise NotFound(what="这个人员")
    ctx.require(Perm.ROSTER_EDIT, p0.village_id)
    with ctx.write("roster.set_person_active", reason=reason) as s:
        p = s.get(Person, person_id)
        assert p is not None
        p.active = active
        if not active:
            today = ctx.clock.today()
            for m in s.scalars(
                select(Membership).where(Membership.person_id == person_id, Membership.end_date.is_(None))
            ):
                m.end_date = max(today, m.start_date)
                m.end_reason = reason


# -- memberships -----------------------------------------------------------------------------------------


def _membership_row(m: Membership, p: Person) -> MembershipRow:
    return MembershipRow(
        m.id,
        m.person_id,
        p.name,
        m.body,
        body_label(m.body),
        m.role,
        role_label(m.body, m.role),
        m.party_status,
        PARTY_STATUS_LABELS.get(m.party_status or "", ""),
        m.start_date,
        m.end_date,
        m.end_reason,
        p.gender,
    )


def members(
    ctx: AppContext,
    village_id: str,
    body: str | None = None,
    *,
    on: date | None = None,
    include_past: bool = False,
) -> list[MembershipRow]:
    """Memberships in ``body`` (all bodies when None) current on ``on`` (today), by body then name."""
    ctx.require_village(village_id)
    on = on or ctx.clock.today()
    with ctx.read() as s:
        if not include_past:  # (shared with the composition checks inside a snapshot)
            pairs = current_seats(s, village_id, on)
            return [_membership_row(m, p) for m, p in pairs if not body or m.body == body]
        q = (
            select(Membership, Person)
            .join(Person, Person.id == Membership.person_id)
            .where(Membership.village_id == village_id)
        )
        if body:
            q = q.where(Membership.body == body)
        q = q.order_by(Membership.body, Membership.role, Person.name)
        return [_membership_row(m, p) for m, p in s.execute(q)]


def person_memberships(ctx: AppContext, person_id: str) -> list[MembershipRow]:
    with ctx.read() as s:
        p = s.get(Person, person_id)
        if p is None:
            raise NotFound(what="这个人员")
        ctx.require_village(p.village_id)
        ms = s.scalars(
            select(Membership).where(Membership.person_id == person_id).order_by(Membership.start_date)
        )
        return [_membership_row(m, p) for m in ms]


def add_membership(
    ctx: AppContext,
    person_id: str,
    *,
    body: str,
    role: str = "member",
    start_date: date,
    end_date: date | None = None,
    party_status: str | None = None,
) -> tuple[MembershipRow, list[str]]:
    """Seat a person in a body. Refuses what C19 forbids; returns (row, warnings)."""
    from quzhou_desktop.services.roster.composition import check_new_membership

    if body not in BODY_LABELS:
        raise ValidationError(field="组织", reason=f"未知的组织“{body}”")
    if role not in ROLE_IN_BODY[body]:
        raise ValidationError(field="职务", reason=f"{body_label(body)}没有“{role}”这个职务")
    if body == "party_meeting":
        if party_status not in PARTY_STATUS_LABELS:
            raise ValidationError(field="党员类别", reason="请选择正式党员或预备党员")
    else:
        party_status = None
    date_range(start_date, end_date, start_field="任职开始日期", end_field="任职结束日期")
    with ctx.read() as s:
        p0 = s.get(Person, person_id)
        if p0 is None:
            raise NotFound(what="这个人员")
        village_id = p0.village_id
        if not p0.active:
            raise ValidationError(field="人员", reason=f"“{p0.name}”已停用，不能任职")
    ctx.require(Perm.ROSTER_EDIT, village_id)
    with ctx.write("roster.add_membership") as s:
        p = s.get(Person, person_id)
        assert p is not None
        overlap = s.scalars(
            select(Membership).where(
                Membership.person_id == person_id,
                Membership.body == body,
                or_(Membership.end_date.is_(None), Membership.end_date >= start_date),
                Membership.start_date <= (end_date or date.max),
            )
        ).first()
        if overlap is not None:
            raise Conflict(
                f"“{p.name}”在{body_label(body)}已有重叠的任职记录（自{overlap.start_date.isoformat()}起）"
            )
        m = Membership(
            village_id=village_id,
            person_id=person_id,
            body=body,
            role=role,
            party_status=party_status,
            start_date=start_date,
            end_date=end_date,
        )
        s.add(m)
        s.flush()
        warnings = check_new_membership(
            s, village_id, m, on=max(start_date, ctx.clock.today()) if end_date is None else start_date
        )
        return _membership_row(m, p), warnings


def end_membership(ctx: AppContext, membership_id: str, *, end_date: date, reason: str) -> None:
    if not reason.strip():
        raise ValidationError(field="原因", reason="结束任职需要写明原因（如换届、辞职、迁出）")
    with ctx.read() as s:
        m0 = s.get(Membership, membership_id)
        if m0 is None:
            raise NotFound(what="这条任职记录")
    ctx.require(Perm.ROSTER_EDIT, m0.village_id)
    date_range(m0.start_date, end_date, start_field="任职开始日期", end_field="任职结束日期")
    with ctx.write("roster.end_membership", reason=reason) as s:
        m = s.get(Membership, membership_id)
        assert m is not None
        if m.end_date is not None:
            raise Conflict("这条任职记录已经结束")
        m.end_date = end_date
        m.end_reason = reason.strip()


# -- kinship ---------------------------------------------------------------------------------------------


def kin_links(ctx: AppContext, village_id: str) -> list[KinRow]:
    ctx.require_village(village_id)
    with ctx.read() as s:
        a = Person.__table__.alias("a")
        b = Person.__table__.alias("b")
        q = (
            select(KinLink.id, a.c.id, a.c.name, b.c.id, b.c.name, KinLink.relation)
            .join(a, a.c.id == KinLink.person_a_id)
            .join(b, b.c.id == KinLink.person_b_id)
            .where(KinLink.active.is_(True), a.c.village_id == village_id)
            .order_by(a.c.name)
        )
        return [KinRow(*r) for r in s.execute(q)]


def add_kin_link(ctx: AppContext, person_a_id: str, person_b_id: str, relation: str) -> KinRow:
    if person_a_id == person_b_id:
        raise ValidationError(field="亲属", reason="不能与自己建立亲属关系")
    if relation not in RELATIONS:
        raise ValidationError(field="亲属关系", reason=f"请从列表中选择（{'、'.join(RELATIONS)}）")
    with ctx.read() as s:
        pa, pb = s.get(Person, person_a_id), s.get(Person, person_b_id)
        if pa is None or pb is None:
            raise NotFound(what="所选人员")
        village_id = pa.village_id
    ctx.require(Perm.ROSTER_EDIT, village_id)
    with ctx.write("roster.add_kin_link") as s:
        exists = s.scalars(
            select(KinLink).where(
                KinLink.active.is_(True),
                or_(
                    and_(KinLink.person_a_id == person_a_id, KinLink.person_b_id == person_b_id),
                    and_(KinLink.person_a_id == person_b_id, KinLink.person_b_id == person_a_id),
                ),
            )
        ).first()
        if exists:
            raise Conflict(f"“{pa.name}”与“{pb.name}”的亲属关系已经登记")
        k = KinLink(person_a_id=person_a_id, person_b_id=person_b_id, relation=relation)
        s.add(k)
        s.flush()
        return KinRow(k.id, pa.id, pa.name, pb.id, pb.name, relation)


def remove_kin_link(ctx: AppContext, link_id: str, *, reason: str) -> None:
    if not reason.strip():
        raise ValidationError(field="原因", reason="请写明原因")
    with ctx.read() as s:
        k0 = s.get(KinLink, link_id)
        if k0 is None:
            raise NotFound(what="这条亲属关系")
        pa = s.get(Person, k0.person_a_id)
        assert pa is not None
    ctx.require(Perm.ROSTER_EDIT, pa.village_id)
    with ctx.write("roster.remove_kin_link", reason=reason) as s:
        k = s.get(KinLink, link_id)
        assert k is not None
        k.active = False
