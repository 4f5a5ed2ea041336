"""花名册 import rules: who is already on the roster, the seats a 身份 column gives, and C19 refusals.

A person is the same person when the ID number matches, or (without one) the village, name and phone match.
An existing person is never modified by an import: a row that names them with different details, or with a
身份 they do not hold, is an error for the clerk to settle in the 花名册. New people's 身份 become memberships
from the 任职日期 column (or the import date). C19 as ``services.composition.check_new_membership`` enforces
it: at most 5 村务监督委员会 members and one 主任; nobody both on the 村委会 and the 村监会 (the parser refuses
that within a row; the writer re-runs the composition check inside the transaction as a safety net).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import Connection, or_, select

from quzhou_desktop.core.idcard import mask_id
from quzhou_desktop.core.rules import with_basis
from quzhou_desktop.spreadsheets.schemas import PersonRecord
from quzhou_desktop.store.models import Membership, Person, Village

# 身份 → (body, role in body, party status)
ROLE_SEATS: dict[str, tuple[str, str, str | None]] = {
    "正式党员": ("party_meeting", "member", "full"),
    "预备党员": ("party_meeting", "member", "probationary"),
    "村民代表": ("rep_meeting", "rep", None),
    "村委会": ("village_committee", "member", None),
    "村委会主任": ("village_committee", "director", None),
    "村监会": ("supervisory", "member", None),
    "村监会主任": ("supervisory", "chair", None),
    "党组织书记": ("party_branch", "secretary", None),
    "党组织委员": ("party_branch", "member", None),
    "村民小组长": ("villager_group", "leader", None),
}
HOUSEHOLD_HEAD = "户代表"
MAX_SUPERVISORS = 5
Blamer = Callable[[int, str, Any, str], None]


def seats_of(roles: tuple[str, ...]) -> list[tuple[str, str, str | None]]:
    """Memberships for a 身份 list; a 主任 role replaces the plain member role of the same body."""
    out = []
    for r in roles:
        if (r == "村委会" and "村委会主任" in roles) or (r == "村监会" and "村监会主任" in roles):
            continue
        seat = ROLE_SEATS.get(r)
        if seat is not None:
            out.append(seat)
    return out


def _role_names(held: set[tuple[str, str, str | None]]) -> set[str]:
    names = {name for name, seat in ROLE_SEATS.items() if seat in held}
    bodies = {b for b, _, _ in held}
    if "village_committee" in bodies:
        names.add("村委会")
    if "supervisory" in bodies:
        names.add("村监会")
    return names


def _current(on: date) -> Any:
    return (Membership.start_date <= on) & or_(Membership.end_date.is_(None), Membership.end_date >= on)


def check_people(
    conn: Connection,
    items: list[tuple[PersonRecord, str]],
    blame: Blamer,
    *,
    today: date,
) -> tuple[list[tuple[PersonRecord, str]], int]:
    """(new rows, duplicate count); problems go to ``blame``."""
    p, m = Person.__table__, Membership.__table__
    vids = sorted({vid for _, vid in items})
    ids = sorted({r.id_number for r, _ in items if r.id_number})
    cols = (p.c.id, p.c.village_id, p.c.name, p.c.gender, p.c.id_number, p.c.phone, p.c.group_name)
    people: dict[str, Any] = {}
    for part in _chunks(vids):
        people.update(
            {r.id: r for r in conn.execute(select(*cols).where(p.c.village_id.in_(part), p.c.active))}
        )
    for part in _chunks(ids):
        people.update(
            {r.id: r for r in conn.execute(select(*cols).where(p.c.id_number.in_(part), p.c.active))}
        )
    by_id = {r.id_number: r for r in people.values() if r.id_number}
    by_key: dict[tuple[str, str, str | None], list[Any]] = {}
    for r in people.values():
        by_key.setdefault((r.village_id, r.name, r.phone), []).append(r)
    village_names = dict(conn.execute(select(Village.id, Village.name)).all())
    held: dict[str, set[tuple[str, str, str | None]]] = {}
    sup_members: dict[str, int] = {}
    sup_chairs: dict[str, list[str]] = {}
    q = (
        select(m.c.person_id, m.c.village_id, m.c.body, m.c.role, m.c.party_status, p.c.name)
        .join(p, p.c.id == m.c.person_id)
        .where(m.c.village_id.in_(vids), _current(today))
    )
    for pid, vid, body, role, status, name in conn.execute(q) if vids else ():
        held.setdefault(pid, set()).add((body, role, status))
        if body == "supervisory":
            sup_members[vid] = sup_members.get(vid, 0) + 1
            if role == "chair":
                sup_chairs.setdefault(vid, []).append(name)

    new: list[tuple[PersonRecord, str]] = []
    duplicates = 0
    first_row: dict[tuple[str, str, str], int] = {}
    for rec, vid in items:
        match = by_id.get(rec.id_number) if rec.id_number else None
        candidates = [match] if match is not None else []
        if not rec.id_number:
            candidates = by_key.get((vid, rec.name, rec.phone), [])
        if candidates:
            same = [c for c in candidates if _same(rec, vid, c)]
            if not same:
                c = candidates[0]
                where = village_names.get(c.village_id, "")
                key, value = ("id_number", mask_id(rec.id_number)) if rec.id_number else ("name", rec.name)
                blame(
                    rec.row,
                    key,
                    value,
                    f"已登记在{where}“{c.name}”名下，但本行的姓名、性别、电话或村民小组与登记的不同；"
                    "导入不会修改已登记的人员，请先在花名册中核对",
                )
                continue
            want = {s for s in seats_of(rec.roles)}
            have = held.get(same[0].id, set())
            if not want <= have:
                missing = "、".join(r for r in rec.roles if r in ROLE_SEATS and r not in _role_names(have))
                blame(
                    rec.row,
                    "roles",
                    rec.roles,
                    f"：已登记的“{rec.name}”目前没有“{missing}”身份。导入不会修改已登记的人员，"
                    "请在花名册中为其登记任职",
                )
                continue
            duplicates += 1
            continue
        if rec.phone and not rec.id_number:
            k = (vid, rec.name, rec.phone)
            if k in first_row:
                blame(rec.row, "name", rec.name, f"与第{first_row[k]}行是同一人（同村、同名、同电话）")
                continue
            first_row[k] = rec.row
        seats = seats_of(rec.roles)
        bodies = [(b, r) for b, r, _ in seats if b == "supervisory"]
        if bodies:
            n = sup_members.get(vid, 0)
            chairs = sup_chairs.get(vid, [])
            if n >= MAX_SUPERVISORS:
                blame(
                    rec.row,
                    "roles",
                    rec.roles,
                    with_basis(
                        f"：{village_names.get(vid, '')}村务监督委员会已有{n}名成员，不能超过{MAX_SUPERVISORS}人",
                        "C19",
                    ),
                )
                continue
            if bodies[0][1] == "chair" and chairs:
                blame(
                    rec.row,
                    "roles",
                    rec.roles,
                    with_basis(f"：村务监督委员会只能设主任1名，已有主任{'、'.join(chairs)}", "C19"),
                )
                continue
            sup_members[vid] = n + 1
            if bodies[0][1] == "chair":
                sup_chairs.setdefault(vid, []).append(f"{rec.name}（第{rec.row}行）")
        new.append((rec, vid))
    return new, duplicates


def _same(rec: PersonRecord, vid: str, c: Any) -> bool:
    """The row describes the stored person: same village and name; gender, phone, group equal where given."""
    if c.village_id != vid or c.name != rec.name:
        return False
    for mine, theirs in ((rec.gender, c.gender), (rec.phone, c.phone), (rec.group, c.group_name)):
        if mine is not None and mine != theirs:
            return False
    return True


def _chunks(items: list[str], n: int = 900) -> list[list[str]]:
    return [items[i : i + n] for i in range(0, len(items), n)]
