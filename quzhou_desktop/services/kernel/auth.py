"""Log in, lock after repeated failures, change and reset passwords, and re-check a password for an
electronic signature (审核/签字)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from quzhou_desktop.core.errors import PermissionDenied, QuzhouError
from quzhou_desktop.services.kernel.context import AppContext, CurrentUser
from quzhou_desktop.services.kernel.passwords import check_password, hash_password, validate_new_password
from quzhou_desktop.services.kernel.roles import Perm, Role
from quzhou_desktop.store.audit.chain import Actor, Change, append_entries
from quzhou_desktop.store.models import UserAccount, UserVillage, new_uuid

MAX_FAILURES = 5
LOCK_MINUTES = 15


class LoginFailed(QuzhouError):
    """The same words whether the user name is unknown or the password wrong (no count of attempts left:
    it would tell a known name from an unknown one)."""

    code = "auth.failed"
    template = "用户名或密码不正确（连续输错{count}次，账号将锁定{minutes}分钟）"


class AccountLocked(QuzhouError):
    code = "auth.locked"
    template = "密码连续输错{count}次，账号已锁定，请在{minutes}分钟后再试，或请乡镇管理员重置密码"


class AccountDisabled(QuzhouError):
    code = "auth.disabled"
    template = "账号「{username}」已停用，请联系乡镇管理员"


class WrongOldPassword(QuzhouError):
    code = "auth.old_password"
    template = "原密码：不正确，密码没有修改"


class SignatureFailed(QuzhouError):
    code = "auth.signature"
    template = "密码不正确，签名未完成，未作任何修改"


def load_current_user(ctx: AppContext, user_id: str) -> CurrentUser:
    with ctx.read() as s:
        acc = s.get(UserAccount, user_id)
        if acc is None:
            raise PermissionDenied("用户不存在")
        villages = s.scalars(
            select(UserVillage.village_id).where(UserVillage.user_id == acc.id, UserVillage.active.is_(True))
        ).all()
        return CurrentUser(
            acc.id, acc.username, acc.display_name, Role(acc.role), acc.person_id, frozenset(villages)
        )


# A password hash of the same scheme and cost as real ones (of a random password nobody knows): an unknown
# user name is checked against it, so it costs what a wrong password costs.
DUMMY_PASSWORD_HASH = "scrypt$16384$8$1$I+h+idLgUKm89v6HWZ7aoA==$ijWvyi8gzDVS9gafIL7PA6S7RE5/2OmQkvHIl7jEMpo="


def _failed() -> LoginFailed:
    return LoginFailed(count=MAX_FAILURES, minutes=LOCK_MINUTES)


def login(ctx: AppContext, username: str, password: str) -> CurrentUser:
    """Check the password; on success set ``ctx.user``. Failures are counted and audited.

    An unknown user name and a wrong password answer with the same message after the same work: one password
    check (against ``DUMMY_PASSWORD_HASH`` for an unknown name) and one audited write (an unknown name is
    recorded as ``auth.login_unknown``, without the name typed, which may be a password typed in the wrong
    field). A disabled or locked account is named only after the password check."""
    username = username.strip()
    now = ctx.clock.now()
    error: QuzhouError | None = None
    with ctx.db.write(Actor(None, username or "?"), "auth.login") as s:
        acc = s.scalars(select(UserAccount).where(UserAccount.username == username)).first()
        ok = check_password(password, acc.password_hash if acc is not None else DUMMY_PASSWORD_HASH)
        if acc is None:
            append_entries(
                s.connection(),
                Actor(None, "?"),
                [Change("auth.login_unknown", "login", new_uuid(), None, {"result": "unknown_user"})],
            )
            error = _failed()
        elif not acc.active:
            error = AccountDisabled(username=username) if ok else _failed()
        elif acc.locked_until is not None and acc.locked_until > now:
            left = max(1, -int(-(acc.locked_until - now).total_seconds() // 60))
            error = AccountLocked(count=MAX_FAILURES, minutes=left)
        elif not ok:
            acc.failed_logins += 1
            s.info["action"] = "auth.login_failed"
            locked = acc.failed_logins >= MAX_FAILURES
            if locked:
                acc.locked_until = now + timedelta(minutes=LOCK_MINUTES)
                acc.failed_logins = 0
            error = AccountLocked(count=MAX_FAILURES, minutes=LOCK_MINUTES) if locked else _failed()
        else:
            acc.failed_logins = 0
            acc.locked_until = None
            acc.last_login_at = now
        user_id = acc.id if acc is not None else ""
    if error is not None:
        raise error
    ctx.user = load_current_user(ctx, user_id)
    return ctx.user


def must_change_password(ctx: AppContext) -> bool:
    u = ctx.require_user()
    with ctx.read() as s:
        acc = s.get(UserAccount, u.id)
        return bool(acc and acc.must_change_password)


def change_password(ctx: AppContext, old: str, new: str) -> None:
    u = ctx.require_user()
    validate_new_password(new, username=u.username)
    with ctx.write("auth.change_password") as s:
        acc = s.get(UserAccount, u.id)
        assert acc is not None
        if not check_password(old, acc.password_hash):
            raise WrongOldPassword()
        acc.password_hash = hash_password(new)
        acc.must_change_password = False
        acc.password_changed_at = ctx.clock.now()


def reset_password(ctx: AppContext, user_id: str, new: str) -> None:
    """Administrator sets a temporary password; the user must change it at next login. Unlocks."""
    ctx.require(Perm.USERS_MANAGE)
    with ctx.write("auth.reset_password") as s:
        acc = s.get(UserAccount, user_id)
        if acc is None:
            raise PermissionDenied("用户不存在")
        validate_new_password(new, username=acc.username)
        acc.password_hash = hash_password(new)
        acc.must_change_password = True
        acc.failed_logins = 0
        acc.locked_until = None
        acc.password_changed_at = ctx.clock.now()


def confirm_signature(ctx: AppContext, password: str) -> CurrentUser:
    """Re-check the logged-in user's password before a review or signature (electronic signature)."""
    u = ctx.require_user()
    with ctx.read() as s:
        acc = s.get(UserAccount, u.id)
        if acc is None or not acc.active or not check_password(password, acc.password_hash):
            raise SignatureFailed()
    return u
