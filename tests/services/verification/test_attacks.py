"""The attacker holds the computer and sqlite3. Against real database files, each case: what ``verify`` says.

A chain rewritten whole (hashes recomputed, triggers put back) or rolled back (entries and rows removed
together) passes every check inside the file; it is caught by an anchor kept outside it — the journal, a copy of
the journal or a backup off a USB stick, a code printed on a posted notice."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from quzhou_desktop.core.anchors import make_anchor, to_line
from quzhou_desktop.core.signing import new_keypair
from quzhou_desktop.paths import anchor_journal_path
from quzhou_desktop.services.kernel import anchoring, maintenance, site
from quzhou_desktop.services.roster.people import PersonFields, add_person
from quzhou_desktop.services.verification.run import VerifyReport, verify
from quzhou_desktop.store.models import utcnow
from tests.pg import raw_connection
from tests.services.verification import attacker
from tests.support.world import World


def _verify(world: World, **kw: Any) -> VerifyReport:
    return verify(world.admin, **kw)


def _kinds(report: VerifyReport) -> list[str]:
    return [p.kind for p in report.problems]


def _journal(world: World) -> Path:
    s = site.read_site(world.db)
    assert s is not None
    return anchor_journal_path(s.id)


def _person(world: World, name: str) -> None:
    add_person(world.admin, world.village_ids[0], PersonFields(name=name))


def test_clean_database_with_anchors_passes(world: World) -> None:
    _person(world, "张三")
    maintenance.backup_now(world.admin)
    report = _verify(world)
    assert report.ok, report.problems
    assert report.anchors_used == 1 and report.latest is not None
    assert report.summary.startswith("校验通过") and "锚点 1 个" in report.summary


def test_without_anchors_verify_says_what_it_cannot_see(world: World) -> None:
    report = _verify(world)
    assert report.ok and "没有数据库之外的锚点" in report.summary
    assert any("没有找到本站点的锚点" in n for n in report.notes)


def test_rewritten_chain_passes_inside_the_file_but_not_against_an_anchor(world: World) -> None:
    first = anchoring.write_anchor(world.db, "manual")  # before the person existed
    _person(world, "张三")
    _person(world, "李四")
    later = anchoring.write_anchor(world.db, "manual")
    assert first is not None and later is not None
    changed = attacker.rewrite_person_name(world.db, "张三", "王五")
    assert first.seq < changed <= later.seq

    journal = _journal(world)
    saved = journal.read_text(encoding="utf-8")
    journal.unlink()  # without anchors the forgery is invisible: that is the limit the docs state
    assert _verify(world).ok
    journal.write_text(saved, encoding="utf-8")

    report = _verify(world)
    assert _kinds(report) == ["anchor_rewritten"]
    assert report.problems[0].message.startswith(f"审计日志在第{first.seq}条之后被改写")
    assert f"第{later.seq}条" in report.problems[0].message


def test_rollback_is_caught_as_missing_entries(world: World) -> None:
    base = anchoring.write_anchor(world.db, "manual")
    assert base is not None
    _person(world, "张三")
    top = anchoring.write_anchor(world.db, "manual")
    assert top is not None and top.seq > base.seq
    attacker.roll_back_to(world.db, base.seq)
    report = _verify(world)
    assert _kinds(report) == ["anchor_missing"]
    assert report.problems[0].message.startswith(f"第{base.seq}条之后的记录缺失")


def test_an_anchor_file_off_a_usb_stick_catches_what_the_local_journal_no_longer_can(
    world: World, tmp_path: Path
) -> None:
    _person(world, "张三")
    anchoring.write_anchor(world.db, "manual")
    usb = tmp_path / "usb" / "anchors.jsonl"
    usb.parent.mkdir()
    shutil.copy(_journal(world), usb)
    attacker.rewrite_person_name(world.db, "张三", "王五")
    _journal(world).unlink()  # the attacker cleans up the computer too
    assert _verify(world).ok
    report = _verify(world, anchor_files=[usb])
    assert _kinds(report) == ["anchor_rewritten"] and str(usb) in report.problems[0].message


def test_a_backup_on_a_usb_stick_carries_anchors(world: World, tmp_path: Path) -> None:
    _person(world, "张三")
    copy = maintenance.backup_now(world.admin, dest=tmp_path / "usb-backup.sqlite3")
    attacker.rewrite_person_name(world.db, "张三", "王五")
    _journal(world).unlink()
    report = _verify(world, anchor_files=[copy])
    assert _kinds(report) == ["anchor_rewritten"] and "备份文件" in report.problems[0].message


def test_forged_and_foreign_anchors_are_named_and_not_used(world: World, tmp_path: Path) -> None:
    good = anchoring.write_anchor(world.db, "manual")
    assert good is not None
    s = site.read_site(world.db)
    assert s is not None
    forged = json.loads(to_line(good))
    forged["seq"] = good.seq + 100  # moved forward without the key: the signature no longer fits
    stranger = new_keypair()
    unknown = make_anchor(stranger.private, stranger.public, site=s.id, seq=good.seq, head="1" * 64,
                          at=utcnow(), why="manual")  # fmt: skip
    other_site = make_anchor(stranger.private, stranger.public, site="another-site", seq=1, head="2" * 64,
                             at=utcnow(), why="manual")  # fmt: skip
    f = tmp_path / "planted.jsonl"
    f.write_text("\n".join([json.dumps(forged), to_line(unknown), to_line(other_site), "garbage"]) + "\n")
    report = _verify(world, anchor_files=[f])
    assert _kinds(report) == ["anchor_signature", "anchor_unknown_key"]
    assert "签名不符" in report.problems[0].message and "未登记的密钥" in report.problems[1].message
    assert any("另一个站点" in n for n in report.notes) and any(
        "第4行不是有效的锚点" in n for n in report.notes
    )
    assert report.anchors_used == 1  # only the genuine one was compared with the chain


@pytest.mark.sqlite_only  # a server's restore: tests/server/test_move.py
def test_restore_is_recorded_and_verify_explains_the_anchors_it_replaced(world: World) -> None:
    _person(world, "张三")
    copy = maintenance.backup_now(world.admin)
    _person(world, "备份之后")
    anchoring.write_anchor(world.db, "manual")
    journal = _journal(world)
    journal.unlink()  # a new computer, or a lost journal: the backup brings its anchors back
    anchoring.write_anchor(world.db, "manual")
    outcome = maintenance.restore_backup(world.admin, copy)
    assert outcome.anchors_recovered >= 1
    world.db = world.admin.db = type(world.db)(world.path)
    report = _verify(world)
    assert report.ok, report.problems
    assert any("属于恢复之前的数据库" in n for n in report.notes)
    with sqlite3.connect(world.path) as con:
        user, after = con.execute(
            "SELECT username, after_json FROM audit_log WHERE action = 'backup.restore'"
        ).fetchone()
    details = json.loads(after)
    assert user == "admin"
    assert details["backup"]["seq"] == outcome.act_seq - 1 and len(details["backup"]["head"]) == 64
    assert details["replaced"]["seq"] > details["backup"]["seq"] and len(details["replaced"]["head"]) == 64
    assert details["safety_copy"] == str(outcome.safety_copy)


@pytest.mark.parametrize(
    ("tamper", "params", "kind", "words"),
    [
        ("DELETE FROM attachment_blob", (), "attachment_missing", "附件内容被删除"),
        ("UPDATE attachment_blob SET data = ?", (b"\x00",), "attachment", "附件被修改或损坏"),
    ],
    ids=["content-deleted", "content-changed"],
)
def test_attachment_content_removed_or_changed_fails(
    world: World, tmp_path: Path, tamper: str, params: tuple[bytes, ...], kind: str, words: str
) -> None:
    from quzhou_desktop.services.kernel.attachments import add_attachment
    from quzhou_desktop.services.kernel.roles import Perm

    add_attachment(world.admin, owner_kind="village", owner_id=world.village_ids[0], village_id=world.village_ids[0],
                   perm=Perm.ROSTER_EDIT, data=b"%PDF-1.4 scanned minutes\n%%EOF\n", filename="会议记录.pdf")  # fmt: skip
    assert _verify(world).ok
    con = raw_connection(world.db)  # foreign keys off, as in the sqlite3 shell (the server: replica mode)
    con.execute(tamper, params)
    con.commit()
    con.close()
    report = _verify(world)
    assert kind in _kinds(report) and any(words in p.message for p in report.problems)
    if kind == "attachment_missing":  # the content's row gone: its reference points nowhere
        assert "foreign_key" in _kinds(report)


TRIGGER_ATTACKS = {
    "sqlite": [
        ("DROP TRIGGER audit_log_no_delete", "触发器 audit_log_no_delete）已被删除"),
        ("DROP TRIGGER audit_log_no_update; CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
         "BEGIN SELECT 1; END", "触发器 audit_log_no_update）已被修改"),
        ("CREATE TRIGGER sneaky AFTER INSERT ON person BEGIN SELECT 1; END", "本程序没有创建的触发器 sneaky"),
    ],
    "postgresql": [
        ("DROP TRIGGER audit_log_no_delete ON audit_log", "触发器 audit_log_no_delete）已被删除"),
        ("DROP TRIGGER audit_log_no_update ON audit_log; CREATE TRIGGER audit_log_no_update AFTER UPDATE ON "
         "audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()", "触发器 audit_log_no_update）已被修改"),
        ("CREATE TRIGGER sneaky AFTER INSERT ON person FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
         "本程序没有创建的触发器 sneaky"),
        ("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_truncate", "触发器 audit_log_no_truncate）被停用了"),
        ("CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
         "$$ BEGIN RETURN NEW; END $$", "函数 audit_log_append_only 已被删除或修改"),
    ],
}  # fmt: skip


@pytest.mark.parametrize("attack", range(5), ids=["dropped", "altered", "added", "disabled", "function"])
def test_append_only_triggers_dropped_or_altered_are_named(world: World, db_engine: str, attack: int) -> None:
    attacks = TRIGGER_ATTACKS[db_engine]
    if attack >= len(attacks):
        pytest.skip("a server's own way of switching a trigger off")
    sql, words = attacks[attack]
    con = raw_connection(world.db)
    if isinstance(con, sqlite3.Connection):
        con.executescript(sql)
    else:
        for statement in [sql] if "$$" in sql else sql.split("; "):
            con.execute(statement)
    con.commit()
    con.close()
    report = _verify(world)
    assert _kinds(report) == ["trigger"] and words in report.problems[0].message


def test_a_dangling_reference_is_found_by_the_foreign_key_check(world: World) -> None:
    from quzhou_desktop.store.audit.integrity import foreign_key_problems

    con = raw_connection(world.db)  # foreign keys are off in the sqlite3 shell (the server: replica mode)
    con.execute("UPDATE village SET township_id = 'nowhere' WHERE id = ?", (world.village_ids[0],))
    con.commit()
    con.close()
    with world.db.read_engine.connect() as conn:
        found = list(foreign_key_problems(conn))
    assert [p.kind for p in found] == ["foreign_key"] and "township" in found[0].message
    assert "foreign_key" in _kinds(_verify(world))
