"""User accounts: create, edit role and villages, deactivate (administrators only)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from quzhou_desktop.core.errors import Conflict, NotFound, ValidationError
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.passwords import hash_password, validate_new_password
from quzhou_desktop.services.kernel.roles import ROLE_LABELS, Perm, Role
from quzhou_desktop.services.kernel.validate import clean_name, required
from quzhou_desktop.store.models import Person, UserAccount, UserVillage, Village

_USERNAME = re.compile(r"^[A-Za-z0-9_.\-\u3400-\u9fff]{2,40}$")


@dataclass(frozen=True)
class UserInfo:
    id: str
    username: str
    display_name: str
    role: Role
    role_label: str
    person_id: str | None
    village_ids: tuple[str, ...]
    village_names: tuple[str, ...]
    active: bool
    locked_until: datetime | None
    last_login_at: datetime | None


def check_username(username: str) -> str:
    name = username.strip()
    if not _USERNAME.match(name):
        raise ValidationError(field="用户名", reason="2–40个字符，只能用字母、数字、汉字、下划线、点或横线")
    return name


def new_account(
    *,
    username: str,
    display_name: str,
    role: Role,
    password: str,
    person_id: str | None = None,
    must_change: bool = False,
) -> UserAccount:
    username = check_username(username)
    validate_new_password(password, username=username)
    return UserAccount(
        username=username,
        display_name=clean_name(required(display_name, "姓名", max_len=40)),
        role=Role(role).value,
        person_id=person_id,
        password_hash=hash_password(password),
        must_change_password=must_change,
    )


def _info(s: Session, acc: UserAccount) -> UserInfo:
    links = s.execute(
        select(Village.id, Village.name)
        .join(UserVillage, UserVillage.village_id == Village.id)
        .where(UserVillage.user_id == acc.id, UserVillage.active.is_(True))
        .order_by(Village.name)
    ).all()
    return UserInfo(
        acc.id,
        acc.username,
        acc.display_name,
        Role(acc.role),
        ROLE_LABELS[Role(acc.role)],
        acc.person_id,
        tuple(r[0] for r in links),
        tuple(r[1] for r in links),
        acc.active,
        acc.locked_until,
        acc.last_login_at,
    )


def list_users(ctx: AppContext) -> list[UserInfo]:
    ctx.require(Perm.USERS_MANAGE)
    with ctx.read() as s:
        return [_info(s, a) for a in s.scalars(select(UserAccount).order_by(UserAccount.username))]


def _set_villages(s: Session, user_id: str, village_ids: Iterable[str]) -> None:
    wanted = set(village_ids)
    for vid in wanted:
        if s.get(Village, vid) is None:
            raise NotFound(what="所选的村")
    existing = {
        uv.village_id: uv for uv in s.scalars(select(UserVillage).where(UserVillage.user_id == user_id))
    }
    for vid, uv in existing.items():
        uv_active = vid in wanted
        if uv.active != uv_active:
            uv.active = uv_active
    for vid in wanted - existing.keys():
        s.add(UserVillage(user_id=user_id, village_id=vid))


def create_user(
    ctx: AppContext,
    *,
    username: str,
    display_name: str,
    role: Role,
    password: str,
    village_ids: Iterable[str] = (),
    person_id: str | None = None,
) -> UserInfo:
    ctx.require(Perm.USERS_MANAGE)
    role = Role(role)
    village_ids = list(village_ids)
    if role is not Role.TOWNSHIP_ADMIN and not village_ids:
        raise ValidationError(
            field="所属村", reason=f"{ROLE_LABELS[role]}至少要关联一个村（只能查看所关联的村）"
        )
    acc = new_account(
        username=username,
        display_name=display_name,
        role=role,
        password=password,
        person_id=person_id,
        must_change=True,
    )
    with ctx.write("user.create") as s:
        if s.scalars(select(UserAccount).where(UserAccount.username == acc.username)).first():
            raise Conflict(f"用户名“{acc.username}”已被使用")
        if person_id is not None and s.get(Person, person_id) is None:
            raise NotFound(what="关联的人员")
        s.add(acc)
        s.flush()
        _set_villages(s, acc.id, village_ids)
        s.flush()
        return _info(s, acc)


def update_user(
    ctx: AppContext,
    user_id: str,
    *,
    display_name: str,
    role: Role,
    village_ids: Iterable[str],
    person_id: str | None,
    active: bool = True,
) -> UserInfo:
    me = ctx.require(Perm.USERS_MANAGE)
    role = Role(role)
    village_ids = list(village_ids)
    if role is not Role.TOWNSHIP_ADMIN and not village_ids:
        raise ValidationError(
            field="所属村", reason=f"{ROLE_LABELS[role]}至少要关联一个村（只能查看所关联的村）"
        )
    if user_id == me.id and (role is not Role.TOWNSHIP_ADMIN or not active):
        raise ValidationError(field="角色", reason="不能取消自己的管理员身份或停用自己")
    with ctx.write("user.update") as s:
        acc = s.get(UserAccount, user_id)
        if acc is None:
            raise NotFound(what="这个用户")
        acc.display_name = clean_name(required(display_name, "姓名", max_len=40))
        acc.role = role.value
        acc.person_id = person_id
        acc.active = active
        _set_villages(s, acc.id, village_ids)
        s.flush()
        return _info(s, acc)
