"""Signing keys: made, sealed by the password, unsealed to sign, re-sealed, retired.

Every user has one current key (``store.models.SigningKey``). Its private half is stored only sealed
(``core.signing.seal``: Argon2id + AES-GCM) under the user's password; the same derivation yields the password
verifier kept in ``user_account.password_hash``, so checking the password and opening the key cost one key
derivation. A password change re-seals the same key; an administrator's reset issues a new key and retires the
old one (its private half is dropped, its public half kept for older signatures).

Accounts made by a release before signing keys still hold a scrypt hash: the password is checked the old way
once more, and the user gets a key at that moment (``enroll``), recorded as a ``key.enroll`` act the new key
signs, which names the old hash by its digest so ``verify`` can match it with the account the root adopted.
"""

from __future__ import annotations

import time
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from quzhou_desktop.core import signing
from quzhou_desktop.services.kernel.context import AppContext, CurrentUser
from quzhou_desktop.services.kernel.passwords import check_password
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.services.kernel.signatures import NoSigningKey, Office, SignatureFailed, Signer, sign_act
from quzhou_desktop.services.kernel.statements import account_content, active_village_ids
from quzhou_desktop.store.audit.chain import secret_digest
from quzhou_desktop.store.models import SigningKey, UserAccount

LEGACY_PREFIX = "scrypt$"


def is_legacy(acc: UserAccount) -> bool:
    """The account still holds a password hash of a release before signing keys (it has no key yet)."""
    return acc.password_hash.startswith(LEGACY_PREFIX)


def password_ok(acc: UserAccount, password: str) -> bool:
    """Check a password against the account's verifier (or its old scrypt hash). One key derivation."""
    if is_legacy(acc):
        return check_password(password, acc.password_hash)
    return signing.check_secret(password, acc.password_hash)


def current_key(s: Session, user_id: str) -> SigningKey | None:
    return s.scalars(
        select(SigningKey)
        .where(SigningKey.user_id == user_id, SigningKey.retired_at.is_(None))
        .order_by(SigningKey.valid_from.desc(), SigningKey.created_at.desc())
    ).first()


def public_bytes(key: SigningKey) -> bytes:
    return bytes.fromhex(key.public_key)


class PreparedKey:
    """A new key pair sealed under a password (and maybe a recovery code), made before the write transaction
    so the key derivation does not hold the database's write lock."""

    __slots__ = ("pair", "recovery", "sealed")

    def __init__(self, password: str, recovery_code: str | None = None) -> None:
        self.pair = signing.new_keypair()
        self.sealed = signing.seal(password, self.pair.private)
        self.recovery = signing.seal(recovery_code, self.pair.private) if recovery_code is not None else None

    @property
    def public_hex(self) -> str:
        return self.pair.public.hex()


def store_key(s: Session, acc: UserAccount, prepared: PreparedKey, now: datetime) -> SigningKey:
    """Give ``acc`` the prepared key: its verifier becomes the account's, the sealed key a ``signing_key`` row
    (flushed)."""
    acc.password_hash = prepared.sealed.verifier
    s.flush()  # a new account is written before its key refers to it
    key = SigningKey(
        user_id=acc.id, public_key=prepared.public_hex, sealed_key=prepared.sealed.blob, valid_from=now
    )
    if prepared.recovery is not None:
        key.recovery_verifier, key.recovery_sealed = prepared.recovery.verifier, prepared.recovery.blob
    s.add(key)
    s.flush()
    return key


def new_key(s: Session, acc: UserAccount, password: str, now: datetime) -> tuple[SigningKey, bytes]:
    """A new key for ``acc`` sealed under ``password``, made inside the transaction. Returns the row and the
    private key."""
    prepared = PreparedKey(password)
    return store_key(s, acc, prepared, now), prepared.pair.private


def unseal(acc: UserAccount, key: SigningKey, password: str) -> bytes | None:
    if key.sealed_key is None or is_legacy(acc):
        return None
    return signing.unseal(password, signing.Sealed(acc.password_hash, key.sealed_key), public_bytes(key))


def reseal(acc: UserAccount, key: SigningKey, private: bytes, password: str) -> None:
    """Seal the same key under a new password (password change, recovery)."""
    sealed = signing.seal(password, private)
    acc.password_hash = sealed.verifier
    key.sealed_key = sealed.blob


def retire(key: SigningKey, now: datetime) -> None:
    """The key signs no more: its private half (and any recovery seal) is dropped; the public half stays."""
    key.retired_at = now
    key.sealed_key = None
    key.recovery_verifier = None
    key.recovery_sealed = None


def user_of(s: Session, acc: UserAccount) -> CurrentUser:
    return CurrentUser(
        acc.id,
        acc.username,
        acc.display_name,
        Role(acc.role),
        acc.person_id,
        frozenset(active_village_ids(s, acc.id)),
    )


def enroll(s: Session, acc: UserAccount, password: str, now: datetime, user: CurrentUser) -> Signer:
    """Give a legacy account (password already checked against its scrypt hash) its first key, sealed under
    the password, and record the ``key.enroll`` act the new key signs."""
    old = secret_digest(acc.password_hash)
    key, private = new_key(s, acc, password, now)
    signer = Signer(user, key.id, public_bytes(key), private)
    act = sign_act(
        s,
        signer,
        act="key.enroll",
        record_kind="user_account",
        record_id=acc.id,
        record_version=acc.row_version,
        content={"account": account_content(s, acc), "key": {"id": key.id, "public": key.public_key}},
        decision={"legacy_verifier": old},
        office=Office(user.role.value, user.role_label),
        at=now,
    )
    key.certified_act_id = act.id
    return signer


def unlock(ctx: AppContext, password: str) -> Signer:
    """The logged-in user's signer for one act: the password unseals the key (one key derivation). A legacy
    account gets its key now. Wrong password: ``SignatureFailed``, nothing written."""
    user = ctx.require_user()
    with ctx.read() as s:
        acc = s.get(UserAccount, user.id)
        if acc is None or not acc.active:
            raise SignatureFailed()
        legacy = is_legacy(acc)
        if not legacy:
            key = current_key(s, acc.id)
            if key is None:
                raise NoSigningKey(username=acc.username)
            private = unseal(acc, key, password)
            if private is None:
                raise SignatureFailed()
            return Signer(user, key.id, public_bytes(key), private)
        if not check_password(password, acc.password_hash):
            raise SignatureFailed()
    with ctx.write("key.enroll") as s:
        acc = s.get(UserAccount, user.id)
        assert acc is not None
        if not is_legacy(acc):  # enrolled meanwhile (another window): open that key
            key = current_key(s, acc.id)
            private = unseal(acc, key, password) if key is not None else None
            if key is None or private is None:
                raise SignatureFailed()
            return Signer(user, key.id, public_bytes(key), private)
        return enroll(s, acc, password, ctx.clock.now(), user)


# -- batch signing ------------------------------------------------------------------------------------------


class SignatureGrant:
    """The unsealed key of a user who typed the password once for a batch of signatures (the 例会 goes
    through the month's vouchers one by one; the chair types the password once).

    Only ``grant_signature`` makes one, and whoever asked for it holds it: nothing else keeps it, so the key is
    gone when its holder drops it. It is good for ``GRANT_SECONDS``, and only while the login it was made in
    lasts: it is bound to that login's ``CurrentUser`` (a new object at every login), so logging out or
    logging in again, as anyone, ends it."""

    __slots__ = ("_expires", "_login", "_signer")

    def __init__(self, login: CurrentUser, signer: Signer, expires: float, *, _key: object = None) -> None:
        if _key is not _GRANT_KEY:
            raise TypeError("SignatureGrant is made by grant_signature()")
        self._login = login
        self._signer = signer
        self._expires = expires

    @property
    def user_id(self) -> str:
        return self._login.id

    @property
    def valid(self) -> bool:
        return time.monotonic() < self._expires

    def serves(self, ctx: AppContext) -> bool:
        """True while unexpired and ``ctx`` is still in the login the grant was made in."""
        return self.valid and ctx.user is self._login

    def signer(self, ctx: AppContext) -> Signer:
        if not self.serves(ctx):
            raise SignatureFailed()
        return self._signer


GRANT_SECONDS = 15 * 60
_GRANT_KEY = object()  # an immutable token, so that only grant_signature makes grants

Credential = str | SignatureGrant
"""What an act that signs accepts: the password (checked and used now) or a live grant."""


def grant_signature(ctx: AppContext, password: str) -> SignatureGrant:
    signer = unlock(ctx, password)
    return SignatureGrant(ctx.require_user(), signer, time.monotonic() + GRANT_SECONDS, _key=_GRANT_KEY)


def signer_for(ctx: AppContext, credential: Credential) -> Signer:
    """A password (checked now) or a live grant of the same login; else ``SignatureFailed``."""
    if isinstance(credential, str):
        return unlock(ctx, credential)
    ctx.require_user()
    return credential.signer(ctx)
