"""``verify_records_of``: the named records against their audit entries, those entries' hashes and links, and
the head — an edit, a deletion, a record written behind the app, a rewritten entry; records not named are not
looked at."""

from __future__ import annotations

from sqlalchemy import text

from quzhou_desktop.services.roster.people import PersonFields, add_person, update_person
from quzhou_desktop.store.audit.scoped import verify_records_of
from tests.support.world import World, raw_sqlite


def _people(world: World, *names: str) -> list[str]:
    return [
        add_person(world.admin, world.village_ids[0], PersonFields(name=n, gender="男")).id for n in names
    ]


def _check(world: World, ids: list[str]) -> list[tuple[str, str | None]]:
    with world.db.read_engine.connect() as conn:
        found = verify_records_of(conn, {"person": ids, "no_such_table": ["x"]})
    assert found.records == len(set(ids))
    return [(p.kind, p.entity_id) for p in found.problems]


def test_clean_records_pass(world: World) -> None:
    a, b = _people(world, "张建国", "李海军")
    update_person(world.admin, a, PersonFields(name="张建国", gender="男", phone="13800001111"))
    assert _check(world, [a, b]) == []


def test_an_edit_a_deletion_and_an_unaudited_row_are_named(world: World) -> None:
    a, b, c = _people(world, "王伟", "刘志强", "陈德明")
    con = raw_sqlite(world)
    con.execute("UPDATE person SET name = '王玮' WHERE id = ?", (a,))
    con.execute("DELETE FROM person WHERE id = ?", (b,))
    cols = [r[1] for r in con.execute("PRAGMA table_info(person)")]
    con.execute(
        f"INSERT INTO person ({', '.join(cols)}) SELECT {', '.join('?' if x == 'id' else x for x in cols)} "
        "FROM person WHERE id = ?",
        ("ghost", c),
    )
    con.commit()
    con.close()
    assert sorted(_check(world, [a, b, c, "ghost"])) == sorted(
        [("record_changed", a), ("record_deleted", b), ("record_unaudited", "ghost")]
    )
    assert _check(world, [c]) == []  # records not named are not looked at


def test_a_rewritten_entry_is_named(world: World) -> None:
    (a,) = _people(world, "周文斌")
    con = raw_sqlite(world)
    seq = con.execute("SELECT max(seq) FROM audit_log WHERE entity_id = ?", (a,)).fetchone()[0]
    con.execute("DROP TRIGGER audit_log_no_update")
    con.execute("UPDATE audit_log SET reason = '改' WHERE seq = ?", (seq,))
    con.commit()
    con.close()
    assert _check(world, [a]) == [("chain", a)]
    with world.db.read_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar()
