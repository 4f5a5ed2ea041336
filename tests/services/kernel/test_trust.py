"""Keys and the root of trust through the services, on a real database file: setup makes the administrator the
root (its key sealed by the password and by the recovery code), every later account traces back to it, a
password change re-seals the same key, a reset issues a new one and retires the old, recovery keeps the chain,
and ``verify`` stays clean through all of it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from quzhou_desktop.core import signing
from quzhou_desktop.services.integrity import verify_db
from quzhou_desktop.services.kernel import auth, keys, trust
from quzhou_desktop.services.kernel.auth import LoginFailed
from quzhou_desktop.services.kernel.context import CurrentUser
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.services.kernel.signatures import SignatureFailed
from quzhou_desktop.services.kernel.trust import RecoveryFailed
from quzhou_desktop.services.roster.setup import initialise
from quzhou_desktop.services.roster.villages import VillageSpec
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.models import SignedAct, SigningKey, UserAccount
from tests.support.vouchers import make_voucher_village
from tests.support.world import PASSWORD, World


def _acts(world: World) -> list[SignedAct]:
    with world.db.read() as s:
        return list(s.scalars(select(SignedAct).order_by(SignedAct.number)))


def _keys(world: World, user_id: str) -> list[SigningKey]:
    with world.db.read() as s:
        return list(
            s.scalars(select(SigningKey).where(SigningKey.user_id == user_id).order_by(SigningKey.valid_from))
        )


def test_setup_makes_the_administrator_the_root(world: World) -> None:
    acts = _acts(world)
    assert [a.act for a in acts] == ["trust.root"]
    root = trust.root_info(world.admin)
    assert root is not None and root.username == "admin"
    assert re.fullmatch(r"\d{5}( \d{5}){5}", root.fingerprint)
    statement = json.loads(acts[0].statement)
    assert statement["content"]["account"]["role"] == "township_admin"
    assert {v["name"] for v in statement["content"]["villages"]} == {"溪口村", "上洋村"}
    (key,) = _keys(world, root.user_id)
    assert key.sealed_key and key.recovery_sealed and key.certified_act_id == acts[0].id
    with world.db.read() as s:
        acc = s.get(UserAccount, root.user_id)
        assert acc is not None and acc.password_hash.startswith("argon2id$")
    report = verify_db(world.db)
    assert report.problems == [] and any(root.fingerprint in n for n in report.notes)


def test_the_recovery_code_and_the_private_key_are_stored_nowhere(tmp_path: Path) -> None:
    from quzhou_desktop.services.kernel.context import AppContext
    from quzhou_desktop.store.db import Database

    path = tmp_path / "s.sqlite3"
    db = Database(path, create=True)
    try:
        sheet = initialise(AppContext(db), township_name="石梁镇", villages=[VillageSpec(name="溪口村")],
                           admin_username="admin", admin_password="Pass-word-1", admin_display_name="徐丽华")  # fmt: skip
        signer = keys.unlock(AppContext(db, user=keys_user(db, sheet.admin_id)), "Pass-word-1")
        private = signer._private  # the test looks inside: the file must not hold it
    finally:
        db.dispose()
    data = path.read_bytes() + b"".join(p.read_bytes() for p in tmp_path.glob("s.sqlite3-*"))
    raw_code = sheet.recovery_code.replace("-", "")
    for secret in (sheet.recovery_code.encode(), raw_code.encode(), private, private.hex().encode()):
        assert secret not in data


def keys_user(db: Database, user_id: str) -> CurrentUser:
    from quzhou_desktop.services.kernel.context import AppContext

    return auth.load_current_user(AppContext(db), user_id)


def test_every_account_is_a_signed_act_of_an_administrator(world: World) -> None:
    clerk = world.new_user("wenshu", Role.CLERK)
    acts = _acts(world)
    assert acts[-1].act == "user.create" and acts[-1].record_id == clerk.require_user().id
    assert acts[-1].signer_id == world.admin.require_user().id
    (key,) = _keys(world, clerk.require_user().id)
    assert key.certified_by_key_id == acts[0].key_id and key.certified_act_id == acts[-1].id
    with pytest.raises(SignatureFailed):  # the administrator's password is the signature
        from quzhou_desktop.services.kernel.users import create_user

        create_user(world.admin, username="x2", display_name="某", role=Role.READONLY, password="pass-word-1",
                    village_ids=[world.village_ids[0]], credential="wrong-password")  # fmt: skip
    assert verify_db(world.db).problems == []


def test_signatures_hold_after_a_password_change_a_reset_and_a_retirement(world: World) -> None:
    """C-keys: a password change re-seals the same key; a reset retires it (kept for older signatures) and
    issues a new one; acts signed with either verify."""
    v = make_voucher_village(world)
    chair_id = v.chair.require_user().id
    vid = v.submitted(150_000, number="001")
    from quzhou_desktop.services.vouchers.flow import review_voucher

    review_voucher(v.chair, vid, "agree", "票据齐全", PASSWORD)
    (first,) = _keys(world, chair_id)
    # the chair changes the password: same key, sealed anew
    auth.change_password(v.chair, PASSWORD, "new-pass-456")
    (same,) = _keys(world, chair_id)
    assert same.id == first.id and same.sealed_key != first.sealed_key
    with pytest.raises(SignatureFailed):
        keys.unlock(v.chair, PASSWORD)
    assert keys.unlock(v.chair, "new-pass-456").key_id == first.id
    world.clock.advance(minutes=5)
    vid2 = v.submitted(90_000, number="002")
    review_voucher(v.chair, vid2, "agree", "", "new-pass-456")
    # the administrator resets it: a new key, the old one retired and emptied
    world.clock.advance(minutes=5)
    auth.reset_password(world.admin, chair_id, "temp-pass-789", credential=PASSWORD)
    old, new = _keys(world, chair_id)
    assert old.id == first.id and old.retired_at is not None and old.sealed_key is None
    assert new.retired_at is None and new.certified_by_key_id is not None
    reset = _acts(world)[-1]
    assert reset.act == "user.reset" and json.loads(reset.statement)["decision"]["retired_key"] == old.id
    world.clock.advance(minutes=5)
    vid3 = v.submitted(80_000, number="003")
    assert keys.unlock(v.chair, "temp-pass-789").key_id == new.id
    review_voucher(v.chair, vid3, "agree", "", "temp-pass-789")
    report = verify_db(world.db)
    assert report.problems == []
    reviews = [a for a in _acts(world) if a.act == "voucher.review"]
    assert [a.key_id for a in reviews] == [old.id, old.id, new.id]


def test_recovery_keeps_the_root_key_and_the_chain(tmp_path: Path) -> None:
    from quzhou_desktop.services.kernel.context import AppContext
    from quzhou_desktop.store.db import Database

    db = Database(tmp_path / "r.sqlite3", create=True)
    ctx = AppContext(db)
    try:
        sheet = initialise(ctx, township_name="石梁镇", villages=[VillageSpec(name="溪口村")],
                           admin_username="admin", admin_password="forgotten-1", admin_display_name="徐丽华")  # fmt: skip
        with pytest.raises(RecoveryFailed):
            trust.recover(ctx, "admin", signing.new_recovery_code(), "brand-new-2")
        with pytest.raises(RecoveryFailed):
            trust.recover(ctx, "someone", sheet.recovery_code, "brand-new-2")
        typed = sheet.recovery_code.lower().replace("-", " ")  # read aloud, typed loosely
        new = trust.recover(ctx, "admin", typed, "brand-new-2")
        assert new.fingerprint == sheet.fingerprint and new.recovery_code != sheet.recovery_code
        with pytest.raises(LoginFailed):
            auth.login(ctx, "admin", "forgotten-1")
        auth.login(ctx, "admin", "brand-new-2")
        with pytest.raises(RecoveryFailed):  # the old sheet no longer works
            trust.recover(ctx, "admin", sheet.recovery_code, "another-3")
        with db.read() as s:
            acts = [a.act for a in s.scalars(select(SignedAct).order_by(SignedAct.number))]
        assert acts == ["trust.root", "trust.recover"]
        assert verify_db(db).problems == []
        # a new sheet replaces a lost one (the root administrator only)
        again = trust.issue_recovery_code(ctx, "brand-new-2")
        assert again.fingerprint == sheet.fingerprint
        assert (
            trust.recover(ctx, "admin", again.recovery_code, "third-pass-4").fingerprint == sheet.fingerprint
        )
        assert verify_db(db).problems == []
    finally:
        db.dispose()
