"""A database made before signing keys (the schema fixtures): upgraded, its first administrator establishes the
root and adopts every account in one signed act; the others get their keys at their next login; records
signed the old way are reported as such, not as forged; and the attacker's edits of old signed records are
caught once the root anchors the log."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from quzhou_desktop.services.integrity import verify_db
from quzhou_desktop.services.kernel import auth, trust
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.store.audit.verify import verify_all
from quzhou_desktop.store.db import Database
from tests.services.integrity import attacker
from tests.store.schema_fixtures import ADMIN, CHAIR, PASSWORD, fixture_path
from tests.store.schema_fixtures.formats import event_signature, voucher_content_hash

LEGACY = ("0001", "0002", "0003")


def _rooted(tmp_path: Path, revision: str) -> Path:
    path = tmp_path / f"{revision}.sqlite3"
    shutil.copyfile(fixture_path(revision), path)
    ctx = AppContext(Database(path))  # opening upgrades it
    try:
        assert trust.needs_root(ctx)
        report = verify_db(ctx.db)
        assert report.problems == [] and any("尚未建立信任根" in n for n in report.notes)
        auth.login(ctx, ADMIN, PASSWORD)  # the administrator's first login gives the key
        sheet = trust.establish_root(ctx, PASSWORD)
        assert sheet.username == ADMIN and not trust.needs_root(ctx)
        with pytest.raises(trust.RootExists):
            trust.establish_root(ctx, PASSWORD)
        other = AppContext(ctx.db)
        auth.login(other, CHAIR, PASSWORD)  # a user's next login: the key, matched with the adoption
    finally:
        ctx.db.dispose()
    return path


@pytest.mark.parametrize("revision", LEGACY)
def test_an_old_database_is_adopted_and_reports_what_predates_signing(tmp_path: Path, revision: str) -> None:
    path = _rooted(tmp_path, revision)
    db = Database(path)
    try:
        report = verify_db(db)
        assert report.problems == []
        notes = "\n".join(report.notes)
        assert "升级后由管理员建立" in notes
        assert "早于电子签名的记录" in notes and "凭证审核、签字 1 条" in notes and "公开审核 1 条" in notes
        assert "会议记录定稿 2 条" in notes and "月度审核 1 条" in notes
        assert "首次登录时生成的签名密钥 2 把" in notes and "admin、jianwei_zr" in notes
    finally:
        db.dispose()


def _legacy_amount_change(con: object, vid: str, amount: int) -> None:
    """Change the voucher's amount and recompute its old-style event hashes (the fixture's own formats)."""
    import sqlite3

    assert isinstance(con, sqlite3.Connection)
    con.execute("UPDATE voucher SET amount_fen = ? WHERE id = ?", (amount, vid))
    v = dict(con.execute("SELECT * FROM voucher WHERE id = ?", (vid,)).fetchone())
    scans = [
        r[0] for r in con.execute("SELECT sha256 FROM attachment WHERE owner_id = ? AND active = 1", (vid,))
    ]
    previous = None
    for e in con.execute(
        "SELECT * FROM voucher_event WHERE voucher_id = ? ORDER BY at, created_at, id", (vid,)
    ):
        e = dict(e)
        from datetime import datetime

        e["at"] = datetime.fromisoformat(e["at"])
        v2 = {**v, "voucher_date": __import__("datetime").date.fromisoformat(v["voucher_date"])}
        sig = event_signature(voucher_content_hash(v2, scans), e, previous)
        con.execute("UPDATE voucher_event SET signature = ? WHERE id = ?", (sig, e["id"]))
        previous = sig


def test_an_old_signed_voucher_changed_later_is_caught(tmp_path: Path) -> None:
    """The amount changed, the old hash recomputed, the change recorded as a new audit entry: the old-style
    signature holds again, the chain is whole — but the log after the root shows a signed voucher changed."""
    path = _rooted(tmp_path, "0003")
    con = attacker.connect(path)
    vid = con.execute("SELECT id FROM voucher WHERE number = '001'").fetchone()[0]
    before = attacker.state(con, "voucher", vid)
    events = [r[0] for r in con.execute("SELECT id FROM voucher_event WHERE voucher_id = ?", (vid,))]
    old_events = {e: attacker.state(con, "voucher_event", e) for e in events}
    _legacy_amount_change(con, vid, 4_870_000)
    attacker.append(con, action="voucher.update", entity="voucher", entity_id=vid, before=before,
                    after=attacker.state(con, "voucher", vid))  # fmt: skip
    for e in events:
        attacker.append(con, action="voucher.update", entity="voucher_event", entity_id=e, before=old_events[e],
                        after=attacker.state(con, "voucher_event", e))  # fmt: skip
    attacker.close(con)
    db = Database(path)
    try:
        with db.read_engine.connect() as conn:
            assert verify_all(conn) == []
        problems = [p.message for p in verify_db(db).problems]
    finally:
        db.dispose()
    assert any("凭证 余东村 2026年 001号（第1版）" in p and "提交审核后凭证内容被改动" in p for p in problems)
    assert any("凭证 余东村 2026年 001号（第1版）" in p and "审核或签字记录被改动" in p for p in problems)


def test_an_old_signed_voucher_rewritten_in_the_log_is_caught(tmp_path: Path) -> None:
    """The same change written into the voucher's original entries and the whole chain recomputed (the
    redaction entry made to vouch for the new hashes too): the root's signature names the old head."""
    path = _rooted(tmp_path, "0003")
    con = attacker.connect(path)
    vid = con.execute("SELECT id FROM voucher WHERE number = '001'").fetchone()[0]
    _legacy_amount_change(con, vid, 4_870_000)
    first = None
    for table, rid in [("voucher", vid)] + [
        ("voucher_event", r[0])
        for r in con.execute("SELECT id FROM voucher_event WHERE voucher_id = ?", (vid,))
    ]:
        for (seq,) in con.execute(
            "SELECT seq FROM audit_log WHERE entity = ? AND entity_id = ? AND after_json IS NOT NULL",
            (table, rid),
        ).fetchall():
            con.execute(
                "UPDATE audit_log SET after_json = ? WHERE seq = ?", (attacker.state(con, table, rid), seq)
            )
            first = seq if first is None else min(first, seq)
    assert first is not None
    attacker.rechain_all(con, first)
    attacker.close(con)
    db = Database(path)
    try:
        with db.read_engine.connect() as conn:
            assert verify_all(conn) == []
        problems = [p.message for p in verify_db(db).problems]
    finally:
        db.dispose()
    assert any("及之前的记录被改写" in p for p in problems)
