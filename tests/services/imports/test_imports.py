"""services.imports: preview, one-transaction commit, duplicates, conflicts, C19 refusals, audit (issue 6)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import Table, select, text

from quzhou_desktop.core.errors import PermissionDenied
from quzhou_desktop.services.imports.audit import ordered_ids
from quzhou_desktop.services.imports.plan import ImportRefused, commit_import, preview_import, run_import
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.store.audit.batch import find_batch_state
from quzhou_desktop.store.audit.chain import canonical, row_state
from quzhou_desktop.store.models import Membership, Person, Voucher
from tests.fixtures.make_fixtures import FEMALE_ID, MALE_ID
from tests.support.spreadsheets import VOUCHER_HEADER, book, voucher_book
from tests.support.world import World, audit_problems, table_counts


def test_clean_vouchers_import_as_drafts_prepared_by_importer_and_audited(
    world: World, tmp_path: Path
) -> None:
    before = table_counts(world)
    rep = run_import(world.admin, voucher_book(tmp_path / "v.xlsx"), "vouchers")
    assert rep.ok and rep.imported == 3 and rep.duplicates == 0 and rep.rows_read == 3
    assert rep.total_fen == 10050 + 20050 + 30050
    with world.db.read() as s:
        got = s.scalars(select(Voucher).order_by(Voucher.number)).all()
    assert [v.status for v in got] == ["draft"] * 3  # C17: never imported as reviewed or signed
    assert {v.prepared_by for v in got} == {world.admin.require_user().id}
    assert [v.amount_fen for v in got] == [10050, 20050, 30050]
    assert all(v.import_key is None for v in got)  # matched by village, year and 凭证号 (schema 0002)
    after = table_counts(world)
    assert after["audit_log"] - before["audit_log"] == 1  # one batch entry holds the three rows' states
    assert audit_problems(world) == []


def test_audit_batch_records_each_rows_canonical_state_and_source_row(world: World, tmp_path: Path) -> None:
    run_import(world.admin, voucher_book(tmp_path / "v.xlsx", 2), "vouchers")
    t = Voucher.__table__
    assert isinstance(t, Table)
    with world.db.read_engine.connect() as conn:
        entry = conn.execute(
            text(
                "SELECT seq, action, entity, reason, after_json FROM audit_log WHERE entity = 'voucher#batch'"
            )
        ).one()
        assert entry.action == "import.vouchers"
        assert entry.reason == "导入“v.xlsx”第3至4行（2条）"  # title row, header row, then the data
        assert json.loads(entry.after_json)["source_rows"] == [3, 4]
        for row in conn.execute(select(t)).mappings():
            state, seq = find_batch_state(conn, "voucher", row["id"]) or ({}, 0)
            assert seq == entry.seq
            assert canonical(state) == canonical(row_state(t, dict(row)))


def test_reimport_changes_nothing_and_counts_duplicates(world: World, tmp_path: Path) -> None:
    f = voucher_book(tmp_path / "v.xlsx", 4)
    run_import(world.admin, f, "vouchers")
    before = table_counts(world)
    rep = run_import(world.admin, f, "vouchers")
    assert (rep.imported, rep.duplicates, rep.ok) == (0, 4, True)
    assert table_counts(world) == before


def test_row_colliding_with_stored_voucher_but_different_is_an_error_not_an_overwrite(
    world: World, tmp_path: Path
) -> None:
    run_import(world.admin, voucher_book(tmp_path / "a.xlsx", 2), "vouchers")
    before = table_counts(world)
    changed = book(
        tmp_path / "b.xlsx",
        VOUCHER_HEADER,
        [["记-001", dt.date(2026, 10, 2), "李四", "某某建材", "路灯材料第1批", "999.00", "溪口村"],
         ["记-009", dt.date(2026, 10, 3), "李四", "某某建材", "新的一行", "5", "溪口村"]],
    )  # fmt: skip
    rep = run_import(world.admin, changed, "vouchers")
    assert rep.imported == 0 and len(rep.errors) == 1
    e = rep.errors[0]
    assert (e.row, e.column, e.value) == (3, "金额", "999.00")
    assert "已登记的金额为“100.50”" in e.message
    assert table_counts(world) == before


@pytest.mark.parametrize("clean_only", [False, True])
def test_bad_rows_block_the_write_unless_clean_rows_only(
    world: World, tmp_path: Path, clean_only: bool
) -> None:
    f = book(
        tmp_path / "v.xlsx",
        VOUCHER_HEADER,
        [["记-001", "2026-10-05", "李四", "甲", "摘要", "1,234.50", "溪口村"],
         ["记-002", "2026-02-30", "李四", "甲", "摘要", "10", "溪口村"],
         ["记-003", "2026-10-06", "李四", "甲", "摘要", "10", "不存在村"]],
    )  # fmt: skip
    before = table_counts(world)
    rep = run_import(world.admin, f, "vouchers", clean_rows_only=clean_only)
    assert [(e.row, e.column) for e in rep.errors] == [(4, "日期"), (5, "村名")]
    assert rep.imported == (1 if clean_only else 0)
    assert table_counts(world)["voucher"] == before["voucher"] + rep.imported
    assert audit_problems(world) == []


def test_commit_refuses_a_plan_with_errors(world: World, tmp_path: Path) -> None:
    f = book(
        tmp_path / "v.xlsx", VOUCHER_HEADER, [["记-1", "2026-13-01", "李四", "甲", "摘要", "1", "溪口村"]]
    )
    plan = preview_import(world.admin, f, "vouchers")
    with pytest.raises(ImportRefused):
        commit_import(world.admin, plan)


def test_missing_village_column_needs_a_default_village(world: World, tmp_path: Path) -> None:
    f = book(tmp_path / "v.xlsx", VOUCHER_HEADER[:-1], [["记-1", "2026-10-01", "李四", "甲", "摘要", "1"]])
    rep = run_import(world.admin, f, "vouchers", clean_rows_only=True)
    assert rep.imported == 0 and [e.column for e in rep.errors] == ["村名"]
    rep = run_import(world.admin, f, "vouchers", village_id=world.village_ids[1])
    assert rep.imported == 1
    with world.db.read() as s:
        assert s.scalars(select(Voucher.village_id)).one() == world.village_ids[1]


def test_ledger_lines_dedupe_by_content_even_identical_lines_in_one_file(
    world: World, tmp_path: Path
) -> None:
    header = ["日期", "凭证号", "摘要", "科目", "收入金额", "支出金额", "对方单位"]
    rows: list[list[object]] = [
        ["2026-10-05", "记-1", "收到补助", "补助收入", "50,000.00", "", "镇财政所"],
        ["2026-10-06", "记-2", "付电费", "管理费用", "", "120.00", "供电所"],
        ["2026-10-06", "记-2", "付电费", "管理费用", "", "120.00", "供电所"],
    ]
    f = book(tmp_path / "l.xlsx", header, rows)
    rep = run_import(world.admin, f, "ledger", village_id=world.village_ids[0])
    assert (rep.imported, rep.total_fen) == (3, 5_000_000 - 24_000)
    rep = run_import(world.admin, f, "ledger", village_id=world.village_ids[0])
    assert (rep.imported, rep.duplicates) == (0, 3)
    assert audit_problems(world) == []


PEOPLE_HEADER = ["姓名", "性别", "身份证号", "联系电话", "村民小组", "身份", "任职日期"]


def test_people_with_roles_become_memberships_from_the_start_date(world: World, tmp_path: Path) -> None:
    f = book(
        tmp_path / "p.xlsx",
        PEOPLE_HEADER,
        [["张三", "男", MALE_ID, "13800000001", "第一小组", "正式党员、村民代表", "2025-03-01"],
         ["李梅", "", FEMALE_ID, "", "第二小组", "村监会主任", ""],
         ["王五", "男", "", "13800000003", "第一小组", "户代表", ""]],
    )  # fmt: skip
    rep = run_import(world.admin, f, "people", village_id=world.village_ids[0])
    assert rep.ok and rep.imported == 3
    with world.db.read() as s:
        seats = {
            (p.name, m.body, m.role, m.party_status, m.start_date)
            for m, p in s.execute(select(Membership, Person).join(Person, Person.id == Membership.person_id))
        }
        head = s.scalars(select(Person.household_head).where(Person.name == "王五")).one()
        gender = s.scalars(select(Person.gender).where(Person.name == "李梅")).one()
    today = world.clock.today()
    assert seats == {
        ("张三", "party_meeting", "member", "full", dt.date(2025, 3, 1)),
        ("张三", "rep_meeting", "rep", None, dt.date(2025, 3, 1)),
        ("李梅", "supervisory", "chair", None, today),
    }
    assert head is True and gender == "女"  # gender from the ID number
    again = run_import(world.admin, f, "people", village_id=world.village_ids[0])
    assert (again.imported, again.duplicates) == (0, 3)
    assert audit_problems(world) == []


@pytest.mark.parametrize(
    ("roles", "bad_rows", "reason"),
    [
        (["村监会主任", "村监会主任"], [4], "只能设主任1名"),  # C19: one 主任
        (["村监会"] * 6, [8], "不能超过5人"),  # C19: at most five members
        (["村委会、村监会"], [3], "村委会成员不得担任村监会成员"),  # C19 within one row
    ],
)
def test_c19_refusals_are_row_errors(
    world: World, tmp_path: Path, roles: list[str], bad_rows: list[int], reason: str
) -> None:
    rows = [[f"成员{i}", "男", "", f"1380000{i:04d}", "", r, ""] for i, r in enumerate(roles)]
    f = book(tmp_path / "p.xlsx", PEOPLE_HEADER, rows)
    before = table_counts(world)
    rep = run_import(world.admin, f, "people", village_id=world.village_ids[0])
    assert [e.row for e in rep.errors] == bad_rows
    assert all(e.column == "身份" for e in rep.errors) and reason in rep.errors[0].message
    assert table_counts(world) == before


def test_existing_person_with_a_role_they_do_not_hold_is_an_error(world: World, tmp_path: Path) -> None:
    f1 = book(tmp_path / "a.xlsx", PEOPLE_HEADER, [["张三", "男", MALE_ID, "", "", "", ""]])
    run_import(world.admin, f1, "people", village_id=world.village_ids[0])
    f2 = book(tmp_path / "b.xlsx", PEOPLE_HEADER, [["张三", "男", MALE_ID, "", "", "村民代表", ""]])
    rep = run_import(world.admin, f2, "people", village_id=world.village_ids[0])
    assert [(e.row, e.column) for e in rep.errors] == [(3, "身份")]
    f3 = book(tmp_path / "c.xlsx", PEOPLE_HEADER, [["张四", "男", MALE_ID, "", "", "", ""]])
    rep = run_import(world.admin, f3, "people", village_id=world.village_ids[0])
    assert [(e.row, e.column) for e in rep.errors] == [(3, "身份证号")]
    assert MALE_ID not in rep.errors[0].message  # masked in messages


def test_locked_month_refuses_vouchers(world: World, tmp_path: Path) -> None:
    from quzhou_desktop.store.models import MonthlyReview

    with world.admin.write("test.lock") as s:
        s.add(
            MonthlyReview(village_id=world.village_ids[0], year=2026, month=10, state="signed", locked=True)
        )
    rep = run_import(world.admin, voucher_book(tmp_path / "v.xlsx", 1), "vouchers")
    assert [e.column for e in rep.errors] == ["日期"] and "锁定" in rep.errors[0].message


def test_permissions(world: World, tmp_path: Path) -> None:
    reader = world.new_user("reader", Role.READONLY)
    with pytest.raises(PermissionDenied):
        preview_import(reader, voucher_book(tmp_path / "v.xlsx"), "vouchers")
    clerk = world.new_user("clerk", Role.CLERK, [world.village_ids[1]])
    rep = run_import(
        clerk, voucher_book(tmp_path / "w.xlsx"), "vouchers"
    )  # 溪口村 is not the clerk's village
    assert rep.imported == 0 and {e.column for e in rep.errors} == {"村名"}


def test_ordered_ids_are_increasing_uuid7() -> None:
    import uuid

    ids = ordered_ids(1000)
    assert ids == sorted(ids) and len(set(ids)) == 1000
    assert {uuid.UUID(i).version for i in ids} == {7}
