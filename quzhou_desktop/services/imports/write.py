"""The write half of an import: the new rows of each table, built column-wise, inserted and audited in the
caller's transaction (see ``services.imports.audit``).

Rows are assembled from the records' columns with ``zip`` rather than a dict per row: at 100,000 rows the
per-row Python work is what an import costs beyond SQLite itself. Each audit batch entry names the file and
the spreadsheet rows its records came from.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from operator import attrgetter
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from quzhou_desktop.services.imports.audit import TableRows, insert_audited, ordered_ids
from quzhou_desktop.services.imports.contracts import asset_rows, contract_rows
from quzhou_desktop.services.imports.people import HOUSEHOLD_HEAD, seats_of
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.spreadsheets.errors import ImportCancelled
from quzhou_desktop.spreadsheets.result import ParseResult
from quzhou_desktop.spreadsheets.schemas import LedgerRecord, PersonRecord, VoucherRecord
from quzhou_desktop.store.models import LedgerLine, Membership, Person, Voucher
from quzhou_desktop.store.models.base import utcnow

IMPORT_CACHE_KIB = 131072  # SQLite page cache while importing (grows only as needed)
DEFAULT_CACHE = -2000  # SQLite's default
ProgressFn = Callable[[int, int, str], None]
_iso = date.isoformat


def write_rows(
    conn: Connection,
    ctx: AppContext,
    result: ParseResult,
    new: Sequence[tuple[Any, str]],
    keys: Sequence[str],
    *,
    today: date,
    progress: ProgressFn | None = None,
    cancel: Callable[[], bool] | None = None,
) -> int:
    """Insert ``new`` (records with their village ids) and audit them. Returns the number of records."""
    if not new:
        return 0
    name = Path(result.file).name
    action = f"import.{result.kind}"
    now = utcnow()
    # Rows go in village by village (file order within a village): the indexes that lead with the village then
    # take them in runs instead of at random, and the new ids, generated in this order, append to the primary
    # key (SQLite's part of 100,000 vouchers of 30 villages ≈ 0.2 s less).
    villages = [v for _, v in new]
    order = sorted(range(len(new)), key=villages.__getitem__)
    new = [new[i] for i in order]
    keys = [keys[i] for i in order]
    if result.kind == "vouchers":
        tables = [_voucher_rows(conn, ctx, new, now)]
    elif result.kind == "ledger":
        tables = [_ledger_rows(new, keys, now)]
    elif result.kind == "assets":
        tables = asset_rows(new, now)
    elif result.kind == "contracts":
        tables = contract_rows(conn, ctx, new, now)
    else:
        tables = _people_rows(new, today, now)
    total = sum(len(t.rows) for t in tables)
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total, f"正在写入数据库：{done}/{total}")
        if cancel is not None and cancel():
            raise ImportCancelled(name=name)

    def reason(rows: Sequence[int]) -> str:
        return f"导入“{name}”第{min(rows)}至{max(rows)}行（{len(rows)}条）"

    conn.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")  # index pages stay in memory
    try:
        for t in tables:
            insert_audited(conn, ctx.actor, t, action=action, reason=reason, when=now, progress=step)
        if result.kind == "people":
            _recheck_composition(conn, {vid for _, vid in new}, tables[1], today)
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {DEFAULT_CACHE}")
    return len(new)


def _unique_names(conn: Connection, village_ids: set[str]) -> dict[tuple[str, str], str]:
    """(village, name) → person id where exactly one active person has that name (links 经手人/收款人)."""
    p = Person.__table__
    seen: dict[tuple[str, str], str | None] = {}
    for vid in village_ids:
        for pid, name in conn.execute(select(p.c.id, p.c.name).where(p.c.village_id == vid, p.c.active)):
            key = (vid, name)
            seen[key] = None if key in seen else pid
    return {k: v for k, v in seen.items() if v is not None}


def _split(new: Sequence[tuple[Any, str]]) -> tuple[list[Any], list[str]]:
    return [r for r, _ in new], [v for _, v in new]


def _voucher_rows(conn: Connection, ctx: AppContext, new: Sequence[tuple[Any, str]], now: Any) -> TableRows:
    user = ctx.require_user()
    recs: list[VoucherRecord]
    recs, vids = _split(new)
    handlers = [r.handler for r in recs]
    payees = [r.payee or r.handler for r in recs]
    names = _unique_names(conn, set(vids))
    if names:
        handler_ids = [names.get(k) for k in zip(vids, handlers, strict=True)]
        payee_ids = [names.get(k) for k in zip(vids, payees, strict=True)]
    else:
        handler_ids = payee_ids = [None] * len(recs)
    dates = list(map(attrgetter("date"), recs))
    columns = [
        "id", "village_id", "year", "number", "voucher_date", "handler_name", "handler_person_id", "payee",
        "payee_person_id", "purpose", "amount_fen", "funding_source", "invoice_count", "note",
    ]  # fmt: skip
    rows = list(
        zip(
            ordered_ids(len(recs)),
            vids,
            map(attrgetter("year"), dates),
            map(attrgetter("number"), recs),
            map(_iso, dates),
            handlers,
            handler_ids,
            payees,
            payee_ids,
            map(attrgetter("summary"), recs),
            map(attrgetter("amount_fen"), recs),
            map(attrgetter("fund_source"), recs),
            [r.attachments or 0 for r in recs],
            map(attrgetter("remark"), recs),
            strict=True,
        )
    )
    constants = {
        "created_at": now,
        "row_version": 1,
        "version": 1,
        "supersedes_id": None,
        "witness_name": None,
        "budget_line": None,
        "decision_ref": None,
        "decision_step_id": None,
        "resolution_ref": None,
        "resolution_step_id": None,
        "submitted_at": None,
        "status": "draft",  # imported vouchers still need submission, review and signatures (C17)
        "prepared_by": user.id,
        "import_key": None,  # vouchers are matched by village, year and 凭证号 (schema 0002)
    }
    return TableRows(Voucher.__table__, columns, rows, [r.row for r in recs], constants)


def _ledger_rows(new: Sequence[tuple[Any, str]], keys: Sequence[str], now: Any) -> TableRows:
    recs: list[LedgerRecord]
    recs, vids = _split(new)
    columns = [
        "id", "village_id", "entry_date", "voucher_no", "summary", "subject", "income_fen", "expense_fen",
        "counterparty", "import_key",
    ]  # fmt: skip
    rows = list(
        zip(
            ordered_ids(len(recs)),
            vids,
            [r.date.isoformat() for r in recs],
            map(attrgetter("number"), recs),
            map(attrgetter("summary"), recs),
            map(attrgetter("subject"), recs),
            map(attrgetter("income_fen"), recs),
            map(attrgetter("expense_fen"), recs),
            map(attrgetter("counterparty"), recs),
            keys,
            strict=True,
        )
    )
    constants = {"created_at": now, "row_version": 1}
    return TableRows(LedgerLine.__table__, columns, rows, [r.row for r in recs], constants)


def _people_rows(new: Sequence[tuple[Any, str]], today: date, now: Any) -> list[TableRows]:
    recs: list[PersonRecord]
    recs, vids = _split(new)
    person_ids = ordered_ids(len(recs))
    people = [
        (pid, vid, r.name, r.gender, r.id_number, r.phone, r.group, HOUSEHOLD_HEAD in r.roles)
        for pid, vid, r in zip(person_ids, vids, recs, strict=True)
    ]
    seats: list[tuple[Any, ...]] = []
    seat_rows: list[int] = []
    for pid, vid, r in zip(person_ids, vids, recs, strict=True):
        for body, role, status in seats_of(r.roles):
            group = r.group if body == "villager_group" else None
            seats.append((vid, pid, body, role, status, group, (r.start_date or today).isoformat()))
            seat_rows.append(r.row)
    seat_ids = ordered_ids(len(seats))
    return [
        TableRows(
            Person.__table__,
            ["id", "village_id", "name", "gender", "id_number", "phone", "group_name", "household_head"],
            people,
            [r.row for r in recs],
            {"created_at": now, "row_version": 1, "note": None, "active": True},
        ),
        TableRows(
            Membership.__table__,
            ["id", "village_id", "person_id", "body", "role", "party_status", "group_name", "start_date"],
            [(i, *s) for i, s in zip(seat_ids, seats, strict=True)],
            seat_rows,
            {"created_at": now, "row_version": 1, "end_date": None, "end_reason": None},
        ),
    ]


def _recheck_composition(conn: Connection, village_ids: set[str], seats: TableRows, today: date) -> None:
    """C19 through the composition service, inside this transaction: a refusal rolls the import back."""
    from quzhou_desktop.services.roster.composition import check_new_membership

    vid_at, body_at = seats.columns.index("village_id"), seats.columns.index("body")
    bodies = {(r[vid_at], r[body_at]) for r in seats.rows}
    touched = sorted(
        vid for vid, body in bodies if body in ("supervisory", "village_committee") and vid in village_ids
    )
    if not touched:
        return
    with Session(bind=conn) as s:
        for vid in touched:
            check_new_membership(s, vid, Membership(body="supervisory"), on=today)
