"""The write half of an import: Core ``executemany`` inserts and their audit entries, in the caller's transaction.

Each inserted row gets an audit entry whose after-state is the canonical state of exactly the values inserted
(see ``imports_audit``), so ``verify_all`` finds every imported record audited and unchanged. The reason names
the file and the row the record came from.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from quzhou_desktop.exchange.errors import ImportCancelled
from quzhou_desktop.exchange.result import ParseResult
from quzhou_desktop.exchange.schemas import LedgerRecord, PersonRecord, VoucherRecord
from quzhou_desktop.services.context import AppContext
from quzhou_desktop.services.imports_audit import insert_audited, ordered_ids
from quzhou_desktop.services.imports_people import HOUSEHOLD_HEAD, seats_of
from quzhou_desktop.store.models import LedgerLine, Membership, Person, Voucher
from quzhou_desktop.store.models.base import utcnow

BATCH = 5000
IMPORT_CACHE_KIB = 131072  # SQLite page cache while importing (grows only as needed)
DEFAULT_CACHE = -2000  # SQLite's default
ProgressFn = Callable[[int, int, str], None]


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
    name = Path(result.file).name
    action = f"import.{result.kind}"
    if result.kind == "vouchers":
        tables = _voucher_rows(conn, ctx, new, keys)
    elif result.kind == "ledger":
        tables = _ledger_rows(new, keys)
    else:
        tables = _people_rows(new, today)
    total = sum(len(rows) for _, rows, _ in tables)
    when = utcnow()
    done = 0
    conn.exec_driver_sql(
        f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}"
    )  # index pages of a big import stay in memory
    try:
        for table, rows, source_rows in tables:
            for i in range(0, len(rows), BATCH):
                if cancel is not None and cancel():
                    raise ImportCancelled(name=name)
                part = rows[i : i + BATCH]
                reasons = [f"导入“{name}”第{n}行" for n in source_rows[i : i + BATCH]]
                insert_audited(conn, ctx.actor, table, part, action=action, reasons=reasons, when=when)
                done += len(part)
                if progress is not None:
                    progress(done, total, f"正在写入数据库：{done}/{total}")
        if result.kind == "people":
            _recheck_composition(conn, {vid for _, vid in new}, tables, today)
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {DEFAULT_CACHE}")
    return len(new)


def _base(ident: str, now: Any) -> dict[str, Any]:
    return {"id": ident, "created_at": now, "row_version": 1}


def _unique_names(conn: Connection, village_ids: set[str]) -> dict[tuple[str, str], str]:
    """(village, name) → person id where exactly one active person has that name (links 经手人/收款人)."""
    p = Person.__table__
    seen: dict[tuple[str, str], str | None] = {}
    for vid in village_ids:
        for pid, name in conn.execute(select(p.c.id, p.c.name).where(p.c.village_id == vid, p.c.active)):
            key = (vid, name)
            seen[key] = None if key in seen else pid
    return {k: v for k, v in seen.items() if v is not None}


Batch = list[tuple[Any, list[dict[str, Any]], list[int]]]  # (table, rows, source row numbers)


def _voucher_rows(
    conn: Connection, ctx: AppContext, new: Sequence[tuple[Any, str]], keys: Sequence[str]
) -> Batch:
    user = ctx.require_user()
    names = _unique_names(conn, {vid for _, vid in new})
    now = utcnow()
    rows = []
    for (rec, vid), key, ident in zip(new, keys, ordered_ids(len(new)), strict=True):
        r: VoucherRecord = rec
        payee = r.payee or r.handler
        rows.append(
            {
                "id": ident,
                "created_at": now,
                "row_version": 1,
                "village_id": vid,
                "year": r.date.year,
                "number": r.number,
                "version": 1,
                "supersedes_id": None,
                "voucher_date": r.date,
                "handler_name": r.handler,
                "handler_person_id": names.get((vid, r.handler)),
                "witness_name": None,
                "payee": payee,
                "payee_person_id": names.get((vid, payee)),
                "purpose": r.summary,
                "amount_fen": r.amount_fen,
                "funding_source": r.fund_source,
                "budget_line": None,
                "invoice_count": r.attachments or 0,
                "decision_ref": None,
                "decision_step_id": None,
                "resolution_ref": None,
                "resolution_step_id": None,
                "submitted_at": None,
                "note": r.remark,
                "status": "draft",  # imported vouchers still need submission, review and signatures (C17)
                "prepared_by": user.id,
                "import_key": key,
            }
        )
    return [(Voucher.__table__, rows, [r.row for r, _ in new])]


def _ledger_rows(new: Sequence[tuple[Any, str]], keys: Sequence[str]) -> Batch:
    now = utcnow()
    rows = []
    for (rec, vid), key, ident in zip(new, keys, ordered_ids(len(new)), strict=True):
        r: LedgerRecord = rec
        rows.append(
            {
                **_base(ident, now),
                "village_id": vid,
                "entry_date": r.date,
                "voucher_no": r.number,
                "summary": r.summary,
                "subject": r.subject,
                "income_fen": r.income_fen,
                "expense_fen": r.expense_fen,
                "counterparty": r.counterparty,
                "import_key": key,
            }
        )
    return [(LedgerLine.__table__, rows, [r.row for r, _ in new])]


def _people_rows(new: Sequence[tuple[Any, str]], today: date) -> Batch:
    now = utcnow()
    people: list[dict[str, Any]] = []
    seats: list[dict[str, Any]] = []
    seat_rows: list[int] = []
    ids = iter(ordered_ids(len(new) * 12))
    for rec, vid in new:
        r: PersonRecord = rec
        person = {
            **_base(next(ids), now),
            "village_id": vid,
            "name": r.name,
            "gender": r.gender,
            "id_number": r.id_number,
            "phone": r.phone,
            "group_name": r.group,
            "household_head": HOUSEHOLD_HEAD in r.roles,
            "note": None,
            "active": True,
        }
        people.append(person)
        for body, role, status in seats_of(r.roles):
            seats.append(
                {
                    **_base(next(ids), now),
                    "village_id": vid,
                    "person_id": person["id"],
                    "body": body,
                    "role": role,
                    "party_status": status,
                    "group_name": r.group if body == "villager_group" else None,
                    "start_date": r.start_date or today,
                    "end_date": None,
                    "end_reason": None,
                }
            )
            seat_rows.append(r.row)
    return [
        (Person.__table__, people, [r.row for r, _ in new]),
        (Membership.__table__, seats, seat_rows),
    ]


def _recheck_composition(conn: Connection, village_ids: set[str], tables: Batch, today: date) -> None:
    """C19 through the composition service, inside this transaction: a refusal rolls the import back."""
    from quzhou_desktop.services.composition import check_new_membership

    bodies = {(r["village_id"], r["body"]) for _, rows, _ in tables[1:] for r in rows}
    touched = sorted({vid for vid, body in bodies if body in ("supervisory", "village_committee")})
    if not touched:
        return
    with Session(bind=conn) as s:
        for vid in touched:
            check_new_membership(s, vid, Membership(body="supervisory"), on=today)
