"""The audit chain: every change is logged, and `verify` catches edits, deletions and a rewritten log."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import select

from quzhou_desktop.services.roster.people import PersonFields, add_person, update_person
from quzhou_desktop.store.models import AttachmentBlob, AuditEntry, Person
from tests.pg import raw_connection
from tests.support.world import World, audit_problems, raw_sqlite


def test_every_change_is_chained_with_before_and_after(world: World) -> None:
    p = add_person(world.admin, world.village_ids[0], PersonFields(name="徐建国", gender="男"))
    update_person(world.admin, p.id, PersonFields(name="徐建国", gender="男", phone="13800001111"))
    with world.db.read() as s:
        entries = s.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == p.id).order_by(AuditEntry.seq)
        ).all()
    assert [e.action for e in entries] == ["roster.add_person", "roster.update_person"]
    assert entries[0].before_json is None and '"徐建国"' in (entries[0].after_json or "")
    assert '"phone":null' in (entries[1].before_json or "")
    assert '"phone":"13800001111"' in (entries[1].after_json or "")
    assert entries[1].username == "admin"
    # the update is the next link of the chain: it holds the hash of the entry before it
    assert entries[1].seq == entries[0].seq + 1 and entries[1].prev_hash == entries[0].hash
    assert audit_problems(world) == []


def test_record_edited_behind_the_apps_back_is_named(world: World) -> None:
    p = add_person(world.admin, world.village_ids[0], PersonFields(name="郑秀英", gender="女"))
    con = raw_connection(world.db)
    con.execute("UPDATE person SET name = '郑秀兰' WHERE id = ?", (p.id,))
    con.commit()
    con.close()
    problems = audit_problems(world)
    assert problems and problems[0].kind == "record_changed"
    assert problems[0].entity_id == p.id and p.id in problems[0].message


def test_record_deleted_behind_the_apps_back_is_named(world: World) -> None:
    p = add_person(world.admin, world.village_ids[0], PersonFields(name="吴志强", gender="男"))
    con = raw_connection(world.db)
    con.execute("DELETE FROM person WHERE id = ?", (p.id,))
    con.commit()
    con.close()
    problems = audit_problems(world)
    assert problems and problems[0].kind == "record_deleted" and problems[0].entity_id == p.id


def test_row_inserted_behind_the_apps_back_is_named(world: World) -> None:
    con = raw_connection(world.db)
    con.execute(
        "INSERT INTO person (id, village_id, name, household_head, active, created_at, row_version) "
        "VALUES ('ffffffff-0000-0000-0000-000000000000', ?, '冒名', FALSE, TRUE, '2026-01-01 00:00:00', 1)",
        (world.village_ids[0],),
    )
    con.commit()
    con.close()
    problems = audit_problems(world)
    assert problems and problems[0].kind == "record_unaudited"


@pytest.mark.sqlite_only  # the server's roles and triggers: tests/server/test_roles.py
def test_log_is_append_only_for_ordinary_clients(world: World) -> None:
    con = raw_sqlite(world)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("UPDATE audit_log SET action = 'x' WHERE seq = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("DELETE FROM audit_log WHERE seq = 1")
    con.close()


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE audit_log SET username = 'someone' WHERE seq = 2",
        "UPDATE audit_log SET after_json = replace(after_json, '石梁镇', '别的镇') WHERE seq = 1",
        "DELETE FROM audit_log WHERE seq = 2",
    ],
    ids=["rewrite-user", "rewrite-after", "delete-entry"],
)
def test_altered_log_entry_breaks_the_chain(world: World, tamper: str) -> None:
    con = raw_connection(world.db)
    on = "" if isinstance(con, sqlite3.Connection) else " ON audit_log"  # the server's spelling
    con.execute(f"DROP TRIGGER audit_log_no_update{on}")
    con.execute(f"DROP TRIGGER audit_log_no_delete{on}")
    con.execute(tamper)
    con.commit()
    con.close()
    problems = audit_problems(world)
    assert [p.kind for p in problems[:2]] == ["trigger", "trigger"]  # the triggers the forger dropped
    rest = [p for p in problems if p.kind != "trigger"]
    assert rest and rest[0].kind == "chain"
    assert rest[0].seq in (1, 2, 3)


def test_tampered_attachment_is_caught(world: World) -> None:
    import hashlib

    data = b"%PDF-1.4 scanned minutes"
    sha = hashlib.sha256(data).hexdigest()
    with world.admin.write("test.attach") as s:
        s.add(AttachmentBlob(sha256=sha, size=len(data), data=data))
    assert audit_problems(world) == []
    con = raw_connection(world.db)
    con.execute("UPDATE attachment_blob SET data = ? WHERE sha256 = ?", (b"%PDF-1.4 forged", sha))
    con.commit()
    con.close()
    problems = audit_problems(world)
    assert problems and problems[0].kind == "attachment"


def test_failed_transaction_leaves_no_trace(world: World) -> None:
    with world.db.read() as s:
        before = s.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()))
    with pytest.raises(RuntimeError), world.admin.write("test.fail") as s:
        s.add(Person(village_id=world.village_ids[0], name="半途"))
        s.flush()
        raise RuntimeError("crash mid-transaction")
    with world.db.read() as s:
        assert s.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc())) == before
        assert s.scalars(select(Person).where(Person.name == "半途")).first() is None


def test_row_changed_again_after_its_first_flush_is_audited_both_times(world: World) -> None:
    """A new row flushed, then given a value in a column never set, in one transaction (the second change
    must be logged with the right before-state, or verify would report the row as changed)."""
    with world.admin.write("test.two_flushes") as s:
        p = Person(village_id=world.village_ids[0], name="两次写入")
        s.add(p)
        s.flush()
        p.phone = "13800002222"
        s.flush()
        pid = p.id
    with world.db.read() as s:
        entries = s.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == pid).order_by(AuditEntry.seq)
        ).all()
    assert len(entries) == 2
    assert '"phone":null' in (entries[1].before_json or "") and '"phone":"13800002222"' in (
        entries[1].after_json or ""
    )
    assert audit_problems(world) == []


def test_whole_second_timestamps_verify(world: World) -> None:
    """An entry written at a time with zero microseconds hashes the same text SQLite gives back."""
    from datetime import datetime

    from quzhou_desktop.store.audit.chain import SYSTEM, Change, append_entries

    with world.db.write_connection() as conn:
        append_entries(
            conn, SYSTEM, [Change("test.note", "note", "n1", None, None)], ts=datetime(2026, 11, 24, 8, 0, 0)
        )
    assert audit_problems(world) == []
