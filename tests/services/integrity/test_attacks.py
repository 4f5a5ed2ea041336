"""The attacker of issue 15 against real database files made through the services: sqlite3 on the file, the
app's own (public) code to recompute hashes and chain entries. The store's checks (``verify_all``) pass each
forgery — the audit chain is consistent again — and ``verify`` names the record and the act."""

from __future__ import annotations

import base64
import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from quzhou_desktop.cli import main
from quzhou_desktop.core import signing
from quzhou_desktop.services.integrity import verify_db
from quzhou_desktop.services.kernel import auth, keys
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.services.vouchers.flow import review_voucher
from quzhou_desktop.store.audit.verify import verify_all
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.models import AuditEntry, SignedAct
from tests.pg import target_of
from tests.services.integrity import attacker
from tests.support.vouchers import VoucherVillage, make_voucher_village
from tests.support.world import PASSWORD, World, make_world


@pytest.fixture
def reviewed(tmp_path: Path) -> tuple[World, VoucherVillage, str]:
    """A real file: a village, a voucher of ¥1,500.00 reviewed (signed) by the 村监会主任."""
    w = make_world(tmp_path / "real.sqlite3")
    v = make_voucher_village(w)
    vid = v.submitted(150_000, number="001")
    review_voucher(v.chair, vid, "agree", "票据齐全", PASSWORD)
    w.db.dispose()
    return w, v, vid


def _check(path: Path | str) -> tuple[list[str], list[str]]:
    """(store-level problems, every problem ``verify`` finds) on the file."""
    db = Database(path)
    try:
        with db.read_engine.connect() as conn:
            store = [p.message for p in verify_all(conn)]
        return store, [p.message for p in verify_db(db).problems]
    finally:
        db.dispose()


def test_a_forged_township_administrator_fails_verify_and_cannot_log_in(
    reviewed: tuple[World, VoucherVillage, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Another user's password verifier copied into a new 乡镇管理员 account, its audit entry appended and
    chained: the log is consistent, but no administrator signed the account."""
    w, _v, _vid = reviewed
    path = w.db.path
    assert path is not None
    con = attacker.connect(path)
    clerk = con.execute("SELECT * FROM user_account WHERE username = 'wenshu'").fetchone()
    rid = "6f1c2b9e-0000-4000-8000-00000000beef"
    con.execute(
        "INSERT INTO user_account (id, username, display_name, role, person_id, password_hash, failed_logins, "
        "locked_until, last_login_at, password_changed_at, must_change_password, active, created_at, "
        "row_version) VALUES (?, 'mallory', '王某', 'township_admin', NULL, ?, 0, NULL, NULL, NULL, 0, 1, "
        "'2026-11-24 03:00:00.000000', 1)",
        (rid, clerk["password_hash"]),
    )
    attacker.append(con, action="user.create", entity="user_account", entity_id=rid, before=None,
                    after=attacker.state(con, "user_account", rid), user=(None, "admin"))  # fmt: skip
    attacker.close(con)
    store, problems = _check(path)
    assert store == []  # the hole of issue 15: the chain and the records agree
    assert any("用户「mallory」（王某）" in p and "没有任何管理员签名新建过这个账号" in p for p in problems)
    # and it cannot log in, though the clerk's verifier opens with the clerk's password: the account does not
    # trace back to the root (the refusal is audited); nor can it sign, with a key no administrator issued
    ctx = AppContext(Database(path))
    try:
        with pytest.raises(auth.AccountNotTrusted, match="没有任何管理员签名新建过这个账号"):
            auth.login(ctx, "mallory", PASSWORD)
        assert ctx.user is None
        with ctx.db.read() as s:
            refused = s.scalars(select(AuditEntry).where(AuditEntry.action == "auth.login_untrusted")).all()
        assert [e.entity_id for e in refused] == [rid]
    finally:
        ctx.db.dispose()
    # the CLI refuses it the same way
    monkeypatch.setenv("QUZHOU_PASSWORD", PASSWORD)
    assert main(["backup", "--db", str(path), "--user", "mallory"]) == 2
    assert "不能追溯到信任根" in capsys.readouterr().err


def test_a_clerk_promoted_to_administrator_behind_the_app_cannot_log_in(
    reviewed: tuple[World, VoucherVillage, str],
) -> None:
    """The clerk's own row edited to 乡镇管理员 (audit entry rewritten to match): the password and the key are
    the clerk's, but no administrator granted that role."""
    w, _v, _vid = reviewed
    con = attacker.connect(w.path)
    (rid,) = con.execute("SELECT id FROM user_account WHERE username = 'wenshu'").fetchone()
    con.execute("UPDATE user_account SET role = 'township_admin' WHERE id = ?", (rid,))
    attacker.rewrite_latest(con, "user_account", rid)
    attacker.close(con)
    store, problems = _check(w.path)
    assert store == []
    assert any("wenshu" in p and "与管理员最后一次签名授予的不符" in p for p in problems)
    ctx = AppContext(Database(w.path))
    try:
        with pytest.raises(auth.AccountNotTrusted, match="角色、所属村或状态与管理员签名授予的不符"):
            auth.login(ctx, "wenshu", PASSWORD)
        with pytest.raises(auth.LoginFailed):  # a wrong password is still just a wrong password
            auth.login(ctx, "wenshu", "wrong-password")
        assert auth.login(ctx, "admin", PASSWORD).username == "admin"  # the real administrator still can
    finally:
        ctx.db.dispose()


def test_a_signed_voucher_changed_and_the_chain_recomputed_fails_verify(
    reviewed: tuple[World, VoucherVillage, str],
) -> None:
    w, _v, vid = reviewed
    path = w.db.path
    assert path is not None
    con = attacker.connect(path)
    con.execute("UPDATE voucher SET amount_fen = 950000 WHERE id = ?", (vid,))
    attacker.rewrite_latest(con, "voucher", vid)
    attacker.close(con)
    store, problems = _check(path)
    assert store == []
    hit = [p for p in problems if "凭证 溪口村 2026年 001号（第1版）" in p and "金额被改动" in p]
    assert hit and "村监会审核凭证（监委甲" in hit[0]


def test_a_recomputed_or_forged_signature_fails_verify(
    reviewed: tuple[World, VoucherVillage, str], tmp_path: Path
) -> None:
    """The statement changed to the new amount: the old signature no longer holds; re-signed with a key of
    the attacker's own: the key was issued by nobody."""
    w, _v, vid = reviewed
    path = w.db.path
    assert path is not None
    for resign in (False, True):
        copy = tmp_path / f"forged-{resign}.sqlite3"
        shutil.copyfile(path, copy)
        con = attacker.connect(copy)
        con.execute("UPDATE voucher SET amount_fen = 950000 WHERE id = ?", (vid,))
        act = con.execute("SELECT * FROM signed_act WHERE act = 'voucher.review'").fetchone()
        statement = json.loads(act["statement"])
        statement["content"]["amount_fen"] = 950000
        text = signing.statement_bytes(statement)
        sql = "UPDATE signed_act SET statement = ? WHERE id = ?"
        con.execute(sql, (text.decode(), act["id"]))
        if resign:
            pair = signing.new_keypair()
            con.execute(
                "UPDATE signing_key SET public_key = ? WHERE id = ?", (pair.public.hex(), act["key_id"])
            )
            sig = base64.b64encode(signing.sign(pair.private, text)).decode()
            con.execute("UPDATE signed_act SET signature = ? WHERE id = ?", (sig, act["id"]))
            attacker.rewrite_latest(con, "signing_key", act["key_id"])
        attacker.rewrite_latest(con, "signed_act", act["id"])
        attacker.rewrite_latest(con, "voucher", vid)
        attacker.close(con)
        store, problems = _check(copy)
        assert store == []
        if resign:
            assert any("签名密钥与签发时的不符" in p for p in problems)
        assert any("凭证 溪口村 2026年 001号" in p and "电子签名无效" in p for p in problems)


def test_a_removed_signature_fails_verify(reviewed: tuple[World, VoucherVillage, str]) -> None:
    w, _v, _vid = reviewed
    path = w.db.path
    assert path is not None
    con = attacker.connect(path)
    act = con.execute("SELECT id FROM signed_act WHERE act = 'voucher.review'").fetchone()
    con.execute("DELETE FROM signed_act WHERE id = ?", (act["id"],))
    con.execute("DELETE FROM audit_log WHERE entity = 'signed_act' AND entity_id = ?", (act["id"],))
    first = con.execute(
        "SELECT min(seq) FROM audit_log WHERE seq NOT IN (SELECT seq FROM audit_log) "
    ).fetchone()
    del first
    seqs = [r[0] for r in con.execute("SELECT seq FROM audit_log ORDER BY seq")]
    for i, seq in enumerate(seqs, 1):  # close the gap the deletion left, then re-chain
        if seq != i:
            con.execute("UPDATE audit_log SET seq = ? WHERE seq = ?", (i, seq))
    attacker.rechain(con, 1)
    attacker.close(con)
    store, problems = _check(path)
    assert store == []
    assert any("凭证 溪口村 2026年 001号" in p and "签名记录缺失" in p for p in problems)


def test_a_retired_key_cannot_sign_after_its_retirement(world: World) -> None:
    """The private key copied before a reset: an act it signs after the reset is refused (the key was not
    valid then); the acts it signed before still verify."""
    v = make_voucher_village(world)
    vid = v.submitted(150_000, number="001")
    stolen = keys.unlock(v.chair, PASSWORD)
    review_voucher(v.chair, vid, "agree", "", PASSWORD)
    world.clock.advance(hours=1)
    auth.reset_password(world.admin, v.chair.require_user().id, "temp-pass-789", credential=PASSWORD)
    assert verify_db(world.db).problems == []
    # the attacker signs a copy of the review, dated after the reset, with the stolen key
    with world.db.read() as s:
        act = s.scalars(select(SignedAct).where(SignedAct.act == "voucher.review")).one()
        statement = json.loads(act.statement)
        number = act.number
    later = datetime.fromisoformat(statement["at"]) + timedelta(hours=2)
    statement["at"] = later.isoformat(sep=" ", timespec="microseconds")
    text = signing.statement_bytes(statement)
    path = target_of(world.db)
    world.db.dispose()
    con = attacker.connect(world.db)
    con.execute(
        "INSERT INTO signed_act (id, number, act, record_kind, record_id, record_version, subject_id, village_id, "
        "signer_id, key_id, signed_at, statement, signature, created_at, row_version) SELECT ?, ?, act, "
        "record_kind, record_id, record_version, subject_id, village_id, signer_id, key_id, ?, ?, ?, created_at, 1 "
        "FROM signed_act WHERE number = ?",
        ("7e57a11d-0000-4000-8000-000000000001", 1000, statement["at"], text.decode(),
         base64.b64encode(stolen.sign(text)).decode(), number),
    )  # fmt: skip
    rid = "7e57a11d-0000-4000-8000-000000000001"
    attacker.append(con, action="voucher.review.agree", entity="signed_act", entity_id=rid, before=None,
                    after=attacker.state(con, "signed_act", rid))  # fmt: skip
    attacker.close(con)
    store, problems = _check(path)
    assert store == []
    assert any("签署时该密钥无效" in p for p in problems)


def test_an_act_by_someone_without_the_right_fails_verify(world: World) -> None:
    """A clerk whose password the attacker knows signs a 村监会 review: the signature is the clerk's own,
    but the clerk's role never allowed it."""
    v = make_voucher_village(world)
    vid = v.submitted(150_000, number="001")
    review_voucher(v.chair, vid, "agree", "", PASSWORD)
    clerk = keys.unlock(v.clerk, PASSWORD)
    with world.db.read() as s:
        act = s.scalars(select(SignedAct).where(SignedAct.act == "voucher.review")).one()
        statement = json.loads(act.statement)
    statement["signer"] = {
        "user": clerk.user.id,
        "username": clerk.user.username,
        "name": clerk.user.display_name,
    }
    statement["key"] = clerk.key_id
    text = signing.statement_bytes(statement)
    path = target_of(world.db)
    world.db.dispose()
    con = attacker.connect(world.db)
    con.execute(
        "UPDATE signed_act SET signer_id = ?, key_id = ?, statement = ?, signature = ? WHERE id = ?",
        (clerk.user.id, clerk.key_id, text.decode(), base64.b64encode(clerk.sign(text)).decode(), act.id),
    )
    attacker.rewrite_latest(con, "signed_act", act.id)
    attacker.close(con)
    store, problems = _check(path)
    assert store == []
    assert any("签名人当时的角色（报账员/文书）无权做这件事" in p for p in problems)


def test_secrets_never_enter_the_audit_log(world: World) -> None:
    """Logins, password changes, resets, new accounts and recovery seal and re-seal keys: the log holds only
    digests of verifiers and sealed keys."""
    clerk = world.new_user("wenshu", Role.CLERK)
    ctx = AppContext(world.db, clock=world.clock)
    auth.login(ctx, "wenshu", PASSWORD)
    auth.change_password(ctx, PASSWORD, "new-pass-456")
    auth.reset_password(world.admin, clerk.require_user().id, "temp-pass-789", credential=PASSWORD)
    with pytest.raises(auth.LoginFailed):
        auth.login(ctx, "wenshu", "wrong-pass-000")
    with world.db.read_engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT coalesce(before_json, '') || coalesce(after_json, '') FROM audit_log"
        )
        text = "".join(r[0] for r in rows)
        secrets = conn.exec_driver_sql(
            "SELECT password_hash FROM user_account UNION ALL SELECT sealed_key FROM signing_key "
            "UNION ALL SELECT recovery_verifier FROM signing_key UNION ALL SELECT recovery_sealed FROM signing_key"
        ).all()
    for marker in ("argon2id$", "aesgcm$", "scrypt$"):
        assert marker not in text
    assert [s for (s,) in secrets if s and s in text] == []
    assert '"password_hash":"sha256:' in text and '"sealed_key":"sha256:' in text
    assert verify_db(world.db).problems == []
