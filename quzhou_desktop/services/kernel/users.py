"""User accounts: create, edit role and villages, deactivate (administrators only).

Each is a signed act of the administrator (``user.create``, ``user.update``): the statement names the account
as granted (role, villages, active) and, for a new account, the public half of the key it is given, so every
account and grant traces back to the root of trust (``services.kernel.trust``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from quzhou_desktop.core.errors import Conflict, NotFound, ValidationError
from quzhou_desktop.services.kernel import keys
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.passwords import validate_new_password
from quzhou_desktop.services.kernel.roles import ROLE_LABELS, TOWNSHIP_WIDE, Perm, Role, offered_roles
from quzhou_desktop.services.kernel.signatures import office_of, sign_act
from quzhou_desktop.services.kernel.site import read_site
from quzhou_desktop.services.kernel.statements import account_content
from quzhou_desktop.services.kernel.validate import clean_name, required
from quzhou_desktop.store.models import Person, UserAccount, UserVillage, Village, new_uuid

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
    """A checked new account (not yet added). It has its id already; ``keys.store_key`` gives it its key and
    password verifier in the transaction that adds it."""
    username = check_username(username)
    validate_new_password(password, username=username)
    return UserAccount(
        id=new_uuid(),
        username=username,
        display_name=clean_name(required(display_name, "姓名", max_len=40)),
        role=Role(role).value,
        person_id=person_id,
        password_hash="",
        must_change_password=must_change,
        failed_logins=0,
        active=True,
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


def roles_offered(ctx: AppContext) -> list[Role]:
    """The roles the users tab offers (``roles.offered_roles`` for this database's site)."""
    if ctx.county:
        return offered_roles("county")
    site = read_site(ctx.db)
    return offered_roles(site.kind if site is not None else "township")


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
    credential: keys.Credential,
    must_change: bool = True,
) -> UserInfo:
    """A new account with a temporary ``password`` (changed at first login unless ``must_change`` is False)
    and its own signing key. A signed act of the administrator; ``credential`` is the administrator's password
    (or grant)."""
    ctx.require(Perm.USERS_MANAGE)
    role = Role(role)
    village_ids = list(village_ids)
    if role not in TOWNSHIP_WIDE and not village_ids:
        raise ValidationError(
            field="所属村", reason=f"{ROLE_LABELS[role]}至少要关联一个村（只能查看所关联的村）"
        )
    acc = new_account(
        username=username,
        display_name=display_name,
        role=role,
        password=password,
        person_id=person_id,
        must_change=must_change,
    )
    signer = keys.signer_for(ctx, credential)
    prepared = keys.PreparedKey(password)
    now = ctx.clock.now()
    with ctx.write("user.create") as s:
        if s.scalars(select(UserAccount).where(UserAccount.username == acc.username)).first():
            raise Conflict(f"用户名“{acc.username}”已被使用")
        if person_id is not None and s.get(Person, person_id) is None:
            raise NotFound(what="关联的人员")
        s.add(acc)
        key = keys.store_key(s, acc, prepared, now)
        _set_villages(s, acc.id, village_ids)
        s.flush()
        act = sign_act(
            s,
            signer,
            act="user.create",
            record_kind="user_account",
            record_id=acc.id,
            record_version=acc.row_version,
            content={"account": account_content(s, acc), "key": {"id": key.id, "public": key.public_key}},
            office=office_of(s, signer.user),
            at=now,
        )
        key.certified_by_key_id, key.certified_act_id = signer.key_id, act.id
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
    credential: keys.Credential,
) -> UserInfo:
    """Change an account's name, role, villages or active flag: a signed act of the administrator."""
    me = ctx.require(Perm.USERS_MANAGE)
    role = Role(role)
    village_ids = list(village_ids)
    if role not in TOWNSHIP_WIDE and not village_ids:
        raise ValidationError(
            field="所属村", reason=f"{ROLE_LABELS[role]}至少要关联一个村（只能查看所关联的村）"
        )
    if user_id == me.id and (role is not me.role or not active):
        raise ValidationError(field="角色", reason="不能取消自己的管理员身份或停用自己")
    name = clean_name(required(display_name, "姓名", max_len=40))
    signer = keys.signer_for(ctx, credential)
    now = ctx.clock.now()
    with ctx.write("user.update") as s:
        acc = s.get(UserAccount, user_id)
        if acc is None:
            raise NotFound(what="这个用户")
        if person_id is not None and s.get(Person, person_id) is None:
            raise NotFound(what="关联的人员")
        acc.display_name = name
        acc.role = role.value
        acc.person_id = person_id
        acc.active = active
        _set_villages(s, acc.id, village_ids)
        s.flush()
        sign_act(
            s,
            signer,
            act="user.update",
            record_kind="user_account",
            record_id=acc.id,
            record_version=acc.row_version,
            content={"account": account_content(s, acc)},
            office=office_of(s, me),
            at=now,
        )
        return _info(s, acc)
