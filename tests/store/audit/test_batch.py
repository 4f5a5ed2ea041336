"""Batch audit entries (imports): every imported row is covered by the chain and by `verify`, like any other.

An import records its rows in batch entries (one per few thousand rows, each holding every row's state).
These tests tamper with imported rows and batch entries behind the app's back and expect `verify` to name
the damage, and check that a later change to an imported row is audited with the imported state as its
before-state.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, text

from quzhou_desktop.services.imports.audit import BATCH, TableRows, insert_audited
from quzhou_desktop.services.imports.plan import run_import
from quzhou_desktop.services.vouchers.voucher import submit_voucher
from quzhou_desktop.store.audit.batch import batch_states, find_batch_state
from quzhou_desktop.store.audit.chain import canonical
from quzhou_desktop.store.models import AuditEntry, Voucher
from tests.pg import raw_connection
from tests.support.spreadsheets import voucher_book
from tests.support.world import World, audit_problems


def _imported(world: World, tmp_path: Path, n: int = 3) -> list[str]:
    rep = run_import(world.admin, voucher_book(tmp_path / "v.xlsx", n), "vouchers")
    assert rep.ok and rep.imported == n
    with world.db.read() as s:
        return list(s.scalars(select(Voucher.id).order_by(Voucher.number)))


def test_imported_rows_verify_clean(world: World, tmp_path: Path) -> None:
    _imported(world, tmp_path)
    assert audit_problems(world) == []


@pytest.mark.parametrize(
    ("tamper", "kind"),
    [
        ("UPDATE voucher SET amount_fen = amount_fen + 100 WHERE id = :id", "record_changed"),
        ("UPDATE voucher SET status = 'secretary_signed' WHERE id = :id", "record_changed"),
        ("DELETE FROM voucher WHERE id = :id", "record_deleted"),
    ],
    ids=["amount", "forged-status", "deleted"],
)
def test_imported_row_tampered_behind_the_apps_back_is_named(
    world: World, tmp_path: Path, tamper: str, kind: str
) -> None:
    ids = _imported(world, tmp_path)
    victim = ids[1]
    con = raw_connection(world.db)
    con.execute(tamper.replace(":id", "?"), (victim,))
    con.commit()
    con.close()
    problems = [p for p in audit_problems(world) if p.kind != "trigger"]  # the dropped triggers are named too
    assert problems and problems[0].kind == kind
    assert problems[0].entity_id == victim and victim in problems[0].message


@pytest.mark.parametrize(
    ("tamper", "kind"),
    [
        (
            "UPDATE audit_log SET after_json = replace(after_json, '路灯材料第2批', '路灯材料第9批') "
            "WHERE entity = 'voucher#batch'",
            "chain",
        ),
        ("UPDATE audit_log SET entity = 'voucher' WHERE entity = 'voucher#batch'", "chain"),
        # the newest entry removed: the chain alone cannot tell a cut-off tail, the rows it covered can
        ("DELETE FROM audit_log WHERE entity = 'voucher#batch'", "record_unaudited"),
    ],
    ids=["rewrite-state", "disguise-as-row-entry", "delete-batch"],
)
def test_altered_batch_entry_is_caught(world: World, tmp_path: Path, tamper: str, kind: str) -> None:
    _imported(world, tmp_path)
    con = raw_connection(world.db)
    con.execute("DROP TRIGGER audit_log_no_update")
    con.execute("DROP TRIGGER audit_log_no_delete")
    con.execute(tamper)
    con.commit()
    con.close()
    problems = [p for p in audit_problems(world) if p.kind != "trigger"]  # the dropped triggers are named too
    assert problems and problems[0].kind == kind


def test_rewriting_row_and_batch_together_still_breaks_the_chain(world: World, tmp_path: Path) -> None:
    """Changing a row and its recorded state consistently is what a forger would do: the hash chain sees it."""
    ids = _imported(world, tmp_path)
    con = raw_connection(world.db)
    con.execute("DROP TRIGGER audit_log_no_update")
    con.execute("UPDATE voucher SET amount_fen = 1 WHERE id = ?", (ids[0],))
    con.execute(
        "UPDATE audit_log SET after_json = replace(after_json, '10050', '1') WHERE entity = 'voucher#batch'"
    )
    con.commit()
    con.close()
    problems = [p for p in audit_problems(world) if p.kind != "trigger"]  # the dropped trigger is named too
    assert problems and problems[0].kind == "chain"


def test_later_change_to_an_imported_row_has_the_imported_state_as_before(
    world: World, tmp_path: Path
) -> None:
    ids = _imported(world, tmp_path)
    with world.db.read_engine.connect() as conn:
        imported_state, batch_seq = find_batch_state(conn, "voucher", ids[0]) or ({}, 0)
    submit_voucher(world.admin, ids[0])
    with world.db.read() as s:
        entry = s.scalars(
            select(AuditEntry).where(AuditEntry.entity == "voucher", AuditEntry.entity_id == ids[0])
        ).one()
    assert entry.seq > batch_seq
    assert entry.before_json == canonical(imported_state)
    assert json.loads(entry.after_json or "{}")["status"] == "submitted"
    assert audit_problems(world) == []  # the row's latest state is now its own entry, not the batch


_CONSTANTS = {
    "created_at": "2026-11-02 08:00:00.000000",
    "row_version": 1,
    "version": 1,
    "status": "draft",
    "invoice_count": 0,
    **dict.fromkeys(
        [
            "supersedes_id", "handler_person_id", "witness_name", "payee_person_id", "funding_source",
            "budget_line", "decision_ref", "decision_step_id", "resolution_ref", "resolution_step_id",
            "submitted_at", "note", "prepared_by", "import_key",
        ]
    ),
}  # fmt: skip


def _rows(world: World, n: int, ids: list[str]) -> TableRows:
    """Voucher rows with given ids (for batches whose id ranges overlap, as after a PC clock set back)."""
    vid = world.village_ids[0]
    columns = [
        "id",
        "village_id",
        "year",
        "number",
        "voucher_date",
        "handler_name",
        "payee",
        "purpose",
        "amount_fen",
    ]
    rows = [
        (i, vid, 2026, f"批-{i}", "2026-10-01", "李四", "某店", "材料", 100 + k) for k, i in enumerate(ids)
    ]
    return TableRows(Voucher.__table__, columns, rows, list(range(2, 2 + n)), _CONSTANTS)


def _write(world: World, t: TableRows) -> None:
    from quzhou_desktop.store.models.base import utcnow

    with world.db.write_connection() as conn:
        insert_audited(
            conn, world.admin.actor, t, action="import.vouchers", reason=lambda r: "测试", when=utcnow()
        )


def test_overlapping_batches_and_many_batches_verify(world: World) -> None:
    evens = [f"00000000-0000-7000-8000-{i:012d}" for i in range(0, 40, 2)]
    odds = [f"00000000-0000-7000-8000-{i:012d}" for i in range(1, 40, 2)]
    _write(world, _rows(world, len(evens), evens))
    _write(world, _rows(world, len(odds), odds))
    many = [f"00000000-0000-7000-9000-{i:012d}" for i in range(BATCH * 2 + 7)]
    _write(world, _rows(world, len(many), many))
    with world.db.read_engine.connect() as conn:
        assert (
            conn.execute(text("SELECT count(*) FROM audit_log WHERE entity = 'voucher#batch'")).scalar() == 5
        )
        streamed = [rid for rid, _seq, _state in batch_states(conn, "voucher")]
        assert streamed == sorted(evens + odds + many)
        state, _ = find_batch_state(conn, "voucher", odds[3]) or ({}, 0)
        assert state["number"] == f"批-{odds[3]}"
        assert find_batch_state(conn, "voucher", "00000000-0000-7000-8000-999999999999") is None
    assert audit_problems(world) == []


def test_row_of_an_overlapping_batch_changed_is_named(world: World) -> None:
    evens = [f"00000000-0000-7000-8000-{i:012d}" for i in range(0, 10, 2)]
    odds = [f"00000000-0000-7000-8000-{i:012d}" for i in range(1, 10, 2)]
    _write(world, _rows(world, len(evens), evens))
    _write(world, _rows(world, len(odds), odds))
    con = raw_connection(world.db)
    con.execute("UPDATE voucher SET purpose = '改过' WHERE id = ?", (odds[2],))
    con.commit()
    con.close()
    problems = audit_problems(world)
    assert problems and problems[0].kind == "record_changed" and problems[0].entity_id == odds[2]


def test_table_rows_must_cover_every_column_once(world: World) -> None:
    with pytest.raises(ValueError, match="missing or repeated"):
        TableRows(Voucher.__table__, ["id"], [], [], {})
