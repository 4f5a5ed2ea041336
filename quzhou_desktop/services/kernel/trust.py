"""The root of trust: the first administrator's key, the 管理员恢复单's recovery code, and recovery.

A new database: ``services.roster.setup.initialise`` makes the first administrator the root — its key signs
``trust.root`` (the township, its villages and rules, the administrator's account and key) and is sealed twice,
under the password and under a recovery code shown once and printed on the 管理员恢复单 with the key's
fingerprint. Every later account, role and village grant is a signed act of an administrator whose own account
traces back to this one.

A database made before signing keys has no root. The first administrator who logs in after the upgrade
establishes it (``establish_root``): one ``trust.adopt`` act, signed by that administrator's key, names every
existing account (role, villages, and its old password hash by digest), the villages and the rules as they
stand, and makes that key the root. Users who had no key yet get one at their next login (``key.enroll``),
which ``verify`` matches with the adopted account. Records signed before the root existed keep their old hash
signatures and are reported as signed the old way.

Recovery: an office that forgets the only administrator password types the recovery code (login screen, or
``quzhou-desktop recover``). The code unseals the same root key, which is sealed again under a new password and
a new recovery code (the old sheet stops working), and the recovery itself is signed by the root key
(``trust.recover``), so the chain of trust is unbroken.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from quzhou_desktop.core import signing
from quzhou_desktop.core.errors import PermissionDenied, QuzhouError, ValidationError
from quzhou_desktop.services.kernel import keys
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.passwords import validate_new_password
from quzhou_desktop.services.kernel.roles import ADMINS
from quzhou_desktop.services.kernel.signatures import Office, Signer, office_of, sign_act
from quzhou_desktop.services.kernel.statements import (
    account_content,
    the_township,
    township_content,
    villages_content,
)
from quzhou_desktop.store.audit.chain import Actor, secret_digest
from quzhou_desktop.store.models import SignedAct, SigningKey, Township, UserAccount, Village

ROOT_ACTS = ("trust.root", "trust.adopt")


class RecoveryFailed(QuzhouError):
    code = "trust.recovery"
    template = "恢复码不正确，或该账号不是最初的管理员账号；没有作任何修改"


class RootExists(QuzhouError):
    code = "trust.exists"
    template = "信任根已经建立（管理员「{name}」，密钥指纹 {fingerprint}），不需要再建立"


class NoRoot(QuzhouError):
    code = "trust.none"
    template = "这个数据库还没有建立信任根：请乡镇管理员登录一次以建立"


@dataclass(frozen=True)
class RecoverySheet:
    """What the 管理员恢复单 shows (``printing.recovery``) and the screen shows once."""

    township: str
    admin_name: str
    username: str
    fingerprint: str
    recovery_code: str
    issued_at: datetime  # UTC
    admin_id: str = ""

    @property
    def issued_on_local(self) -> str:
        from datetime import timedelta

        d = (self.issued_at + timedelta(hours=8)).date()
        return f"{d.year}年{d.month}月{d.day}日"


@dataclass(frozen=True)
class RootInfo:
    act: str  # trust.root / trust.adopt
    user_id: str
    username: str
    admin_name: str
    key_id: str
    fingerprint: str
    established_at: datetime
    log_seq: int  # the audit entry the root's statement anchors: records before it predate signing


def root_act(s: Session) -> SignedAct | None:
    return s.scalars(
        select(SignedAct).where(SignedAct.act.in_(ROOT_ACTS)).order_by(SignedAct.number).limit(1)
    ).first()


def root_info_in(s: Session) -> RootInfo | None:
    act = root_act(s)
    if act is None:
        return None
    statement = json.loads(act.statement)
    key = s.get(SigningKey, act.key_id)
    acc = s.get(UserAccount, act.signer_id)
    return RootInfo(
        act=act.act,
        user_id=act.signer_id,
        username=acc.username if acc else "",
        admin_name=acc.display_name if acc else "",
        key_id=act.key_id,
        fingerprint=signing.fingerprint(bytes.fromhex(key.public_key)) if key else "",
        established_at=act.signed_at,
        log_seq=int(statement.get("log", {}).get("seq", 0)),
    )


def root_info(ctx: AppContext) -> RootInfo | None:
    with ctx.read() as s:
        return root_info_in(s)


def needs_root(ctx: AppContext) -> bool:
    """True for a database made before signing keys whose root is not established yet."""
    with ctx.read() as s:
        return root_act(s) is None and s.scalars(select(UserAccount.id)).first() is not None


def _key_json(key: SigningKey) -> dict[str, str]:
    return {
        "id": key.id,
        "public": key.public_key,
        "fingerprint": signing.fingerprint(bytes.fromhex(key.public_key)),
    }


# -- a new database -------------------------------------------------------------------------------------------


def sign_root(
    s: Session, township: Township, admin: UserAccount, key: SigningKey, private: bytes, now: datetime
) -> SignedAct:
    """The first administrator's key signs ``trust.root`` (setup: township, villages, rules, account, key)."""
    user = keys.user_of(s, admin)
    signer = Signer(user, key.id, keys.public_bytes(key), private)
    villages = list(s.scalars(select(Village)))
    act = sign_act(
        s,
        signer,
        act="trust.root",
        record_kind="user_account",
        record_id=admin.id,
        record_version=admin.row_version,
        content={
            "township": township_content(township),
            "villages": villages_content(villages),
            "account": account_content(s, admin),
            "key": _key_json(key),
        },
        office=Office(user.role.value, user.role_label),
        at=now,
    )
    key.certified_act_id = act.id
    return act


def new_code() -> tuple[str, str]:
    """(code as shown, code as sealed)."""
    shown = signing.new_recovery_code()
    sealed = signing.normalise_recovery_code(shown)
    assert sealed is not None
    return shown, sealed


# -- an upgraded database ---------------------------------------------------------------------------------------


def establish_root(ctx: AppContext, password: str) -> RecoverySheet:
    """The logged-in administrator becomes the root of a database made before signing keys and adopts every
    account, village and the rules as they stand, in one signed act. Returns the recovery sheet to print."""
    user = ctx.require_user()
    if user.role not in ADMINS:
        raise PermissionDenied("只有管理员才能建立信任根")
    with ctx.read() as s:
        existing = root_info_in(s)
    if existing is not None:
        raise RootExists(name=existing.admin_name, fingerprint=existing.fingerprint)
    signer = keys.unlock(ctx, password)
    shown, sealed_code = new_code()
    recovery = signer.seal(sealed_code)
    now = ctx.clock.now()
    with ctx.write("trust.adopt") as s:
        if root_act(s) is not None:
            raise RootExists(name="", fingerprint="")
        key = s.get(SigningKey, signer.key_id)
        township = the_township(s)
        assert key is not None and township is not None
        key.recovery_verifier, key.recovery_sealed = recovery.verifier, recovery.blob
        accounts = []
        for acc in s.scalars(select(UserAccount).order_by(UserAccount.id)):
            current = keys.current_key(s, acc.id)
            accounts.append(
                {
                    **account_content(s, acc),
                    "key": _key_json(current) if current is not None else None,
                    "legacy_verifier": secret_digest(acc.password_hash) if keys.is_legacy(acc) else None,
                }
            )
        sign_act(
            s,
            signer,
            act="trust.adopt",
            record_kind="township",
            record_id=township.id,
            record_version=township.row_version,
            content={
                "township": township_content(township),
                "villages": villages_content(list(s.scalars(select(Village)))),
                "accounts": accounts,
                "root": {"account": user.id, "key": _key_json(key)},
            },
            office=office_of(s, user),
            at=now,
        )
        fp = signing.fingerprint(keys.public_bytes(key))
        name = township.name
    return RecoverySheet(name, user.display_name, user.username, fp, shown, now, user.id)


# -- recovery ---------------------------------------------------------------------------------------------------


def _root_key(s: Session) -> tuple[SignedAct, SigningKey, UserAccount]:
    act = root_act(s)
    if act is None:
        raise NoRoot()
    key = s.get(SigningKey, act.key_id)
    acc = s.get(UserAccount, act.signer_id)
    if key is None or acc is None:
        raise NoRoot()
    return act, key, acc


def recover(ctx: AppContext, username: str, code: str, new_password: str) -> RecoverySheet:
    """Forgotten administrator password: the recovery code opens the root key, which is sealed again under
    ``new_password`` and a new recovery code (returned: print the new sheet; the old one no longer works).
    Signed by the root key (``trust.recover``). Nobody is logged in afterwards."""
    raw = signing.normalise_recovery_code(code)
    if raw is None:
        raise ValidationError(field="恢复码", reason="应为24个字母和数字（可带横线），请对照管理员恢复单输入")
    username = username.strip()
    validate_new_password(new_password, username=username)
    with ctx.read() as s:
        _act, key, acc = _root_key(s)
        if acc.username != username or key.recovery_verifier is None or key.recovery_sealed is None:
            raise RecoveryFailed()
        private = signing.unseal(
            raw, signing.Sealed(key.recovery_verifier, key.recovery_sealed), keys.public_bytes(key)
        )
        if private is None:
            raise RecoveryFailed()
        user = keys.user_of(s, acc)
        key_id = key.id
    shown, sealed_code = new_code()
    by_password = signing.seal(new_password, private)
    by_code = signing.seal(sealed_code, private)
    signer = Signer(user, key_id, signing.public_of(private), private)
    now = ctx.clock.now()
    with ctx.db.write(Actor(user.id, user.username), "trust.recover") as s:
        key_row = s.get(SigningKey, key_id)
        acc_row = s.get(UserAccount, user.id)
        assert key_row is not None and acc_row is not None
        key, acc = key_row, acc_row
        if key.retired_at is not None:
            raise RecoveryFailed()
        acc.password_hash, key.sealed_key = by_password.verifier, by_password.blob
        key.recovery_verifier, key.recovery_sealed = by_code.verifier, by_code.blob
        acc.failed_logins = 0
        acc.locked_until = None
        acc.must_change_password = False
        acc.password_changed_at = now
        sign_act(
            s,
            signer,
            act="trust.recover",
            record_kind="user_account",
            record_id=acc.id,
            record_version=acc.row_version,
            content={"account": account_content(s, acc), "key": _key_json(key)},
            decision={"new_password": True, "new_recovery_code": True},
            office=office_of(s, user),
            at=now,
        )
        township = the_township(s)
        name = township.name if township else ""
    return RecoverySheet(
        name, user.display_name, user.username, signing.fingerprint(signer.public), shown, now, user.id
    )


def issue_recovery_code(ctx: AppContext, password: str) -> RecoverySheet:
    """The root administrator replaces a lost (or used) recovery sheet: a new code seals the root key; the old
    code stops working. Signed (``trust.recovery_code``)."""
    user = ctx.require_user()
    with ctx.read() as s:
        _act, key, _acc = _root_key(s)
        if key.user_id != user.id:
            raise PermissionDenied("只有信任根管理员（最初的管理员账号）才能重新生成恢复码")
    signer = keys.unlock(ctx, password)
    if signer.key_id != key.id:
        raise PermissionDenied("只有信任根管理员（最初的管理员账号）才能重新生成恢复码")
    shown, sealed_code = new_code()
    recovery = signer.seal(sealed_code)
    now = ctx.clock.now()
    with ctx.write("trust.recovery_code") as s:
        key_row = s.get(SigningKey, signer.key_id)
        acc = s.get(UserAccount, user.id)
        assert key_row is not None and acc is not None
        key = key_row
        key.recovery_verifier, key.recovery_sealed = recovery.verifier, recovery.blob
        sign_act(
            s,
            signer,
            act="trust.recovery_code",
            record_kind="user_account",
            record_id=acc.id,
            record_version=acc.row_version,
            content={"account": account_content(s, acc), "key": _key_json(key)},
            decision={"new_recovery_code": True},
            office=office_of(s, user),
            at=now,
        )
        township = the_township(s)
        name = township.name if township else ""
    return RecoverySheet(
        name, user.display_name, user.username, signing.fingerprint(signer.public), shown, now, user.id
    )
