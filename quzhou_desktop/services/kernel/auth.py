"""Log in, lock after repeated failures, change and reset passwords, and re-check a password for an
electronic signature (审核/签字).

The password is checked against the verifier made when the user's signing key was sealed (``keys``); an
account of a release before signing keys is checked against its old scrypt hash once more and gets its key at
that login. A password change re-seals the same key; an administrator's reset is a signed act that issues a
new key and retires the old one."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from quzhou_desktop.core import signing
from quzhou_desktop.core.errors import PermissionDenied, QuzhouError
from quzhou_desktop.services.kernel import keys
from quzhou_desktop.services.kernel.context import AppContext, CurrentUser
from quzhou_desktop.services.kernel.passwords import validate_new_password
from quzhou_desktop.services.kernel.roles import Perm, Role
from quzhou_desktop.services.kernel.signatures import SignatureFailed, office_of, sign_act
from quzhou_desktop.services.kernel.standing import account_standing
from quzhou_desktop.services.kernel.statements import account_content
from quzhou_desktop.store.audit.chain import Actor, Change, append_entries
from quzhou_desktop.store.models import UserAccount, UserVillage, new_uuid

__all__ = [
    "AccountDisabled",
    "AccountLocked",
    "AccountNotTrusted",
    "LoginFailed",
    "SignatureFailed",
    "WrongOldPassword",
    "change_password",
    "confirm_signature",
    "load_current_user",
    "login",
    "must_change_password",
    "reset_password",
]

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


class AccountNotTrusted(QuzhouError):
    """The password is right, but the account does not trace back to the root of trust through signed
    administrators' acts (``services.kernel.standing``): it was made or changed behind the app's back."""

    code = "auth.untrusted"
    template = (
        "账号「{username}」不能登录：{reason}，不能追溯到信任根（可能是绕过程序伪造或改动的账号）。"
        "请乡镇管理员运行“校验数据库”检查"
    )


class AccountDisabled(QuzhouError):
    code = "auth.disabled"
    template = "账号「{username}」已停用，请联系乡镇管理员"


class WrongOldPassword(QuzhouError):
    code = "auth.old_password"
    template = "原密码：不正确，密码没有修改"


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


# A password verifier of the same scheme and cost as real ones (``keys``: Argon2id, of a random password nobody
# knows): an unknown user name is checked against it, so it costs what a wrong password costs.
DUMMY_PASSWORD_HASH = (
    "argon2id$m=19456,t=2,p=1$ubedCsoOmhdoDc6kbeyGVA==$h9nMG+6XcGfSvD493uzn1rz7e3f+iRQkJD3A44DpjYA="
)


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
        ok = (
            keys.password_ok(acc, password)
            if acc is not None
            else signing.check_secret(password, DUMMY_PASSWORD_HASH)
        )
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
        elif (why := account_standing(s, acc.id)) is not None:
            s.info["action"] = "auth.login_untrusted"
            acc.failed_logins += 1  # the refusal is on the record (an audited change of the account)
            error = AccountNotTrusted(username=username, reason=why)
        else:
            acc.failed_logins = 0
            acc.locked_until = None
            acc.last_login_at = now
            if keys.is_legacy(acc):  # first login since signing keys: the user gets one now
                s.info["actor"] = Actor(acc.id, acc.username)
                keys.enroll(s, acc, password, now, keys.user_of(s, acc))
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
    """The user's own password: checked, then the signing key is sealed under the new one (same key)."""
    u = ctx.require_user()
    validate_new_password(new, username=u.username)
    now = ctx.clock.now()
    with ctx.write("auth.change_password") as s:
        acc = s.get(UserAccount, u.id)
        assert acc is not None
        if keys.is_legacy(acc):
            if not keys.password_ok(acc, old):
                raise WrongOldPassword()
            keys.enroll(s, acc, old, now, u)
        key = keys.current_key(s, acc.id)
        private = keys.unseal(acc, key, old) if key is not None else None
        if key is None or private is None:
            raise WrongOldPassword()
        keys.reseal(acc, key, private, new)
        acc.must_change_password = False
        acc.password_changed_at = now


def reset_password(ctx: AppContext, user_id: str, new: str, *, credential: keys.Credential) -> None:
    """Administrator sets a temporary password (the user must change it at next login) and unlocks the
    account. A signed act: the user gets a new signing key; the old one is retired (kept to check the
    signatures it made). ``credential`` is the administrator's own password (or grant)."""
    me = ctx.require(Perm.USERS_MANAGE)
    with ctx.read() as s:
        target = s.get(UserAccount, user_id)
        if target is None:
            raise PermissionDenied("用户不存在")
        validate_new_password(new, username=target.username)
    signer = keys.signer_for(ctx, credential)
    prepared = keys.PreparedKey(new)
    now = ctx.clock.now()
    with ctx.write("auth.reset_password") as s:
        acc = s.get(UserAccount, user_id)
        if acc is None:
            raise PermissionDenied("用户不存在")
        old = keys.current_key(s, acc.id)
        if old is not None:
            keys.retire(old, now)
        key = keys.store_key(s, acc, prepared, now)
        acc.must_change_password = True
        acc.failed_logins = 0
        acc.locked_until = None
        acc.password_changed_at = now
        s.flush()
        act = sign_act(
            s,
            signer,
            act="user.reset",
            record_kind="user_account",
            record_id=acc.id,
            record_version=acc.row_version,
            content={"account": account_content(s, acc), "key": {"id": key.id, "public": key.public_key}},
            decision={"retired_key": old.id if old is not None else None, "must_change_password": True},
            office=office_of(s, me),
            at=now,
        )
        key.certified_by_key_id, key.certified_act_id = signer.key_id, act.id


def confirm_signature(ctx: AppContext, password: str) -> CurrentUser:
    """Re-check the logged-in user's password before a review or signature (electronic signature)."""
    return keys.unlock(ctx, password).user
