"""The village's records in an enrolment file, and applying them on the village PC that joins.

A township may have kept a village's registers itself for years before it enrols the village's own PC. The
enrolment file therefore carries every record of that village as the township holds it — the roster, matters
with their steps, vouchers with their events, disclosures, contracts, 民主评议, the ledger, monthly reviews and
the scanned attachments — so the village continues its own history rather than starting empty. From then on
the village owns those records (``core.exchange``): its later changes to them reach the township as ordinary
updates of the states the township sent.

Which rows are the village's: the township row, the village row, every row with the village's ``village_id``,
the rows hanging from those by their parent key (``PARENT``), and, so that the village's database holds every
row its records point to, whatever those rows refer to in turn (a payee registered in another village, say).
User accounts, keys and signatures never leave the PC they were made on; printed notices stay with the office
that printed them (their 核验码 names that office's audit chain).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, select

from quzhou_desktop.core.exchange import LOCAL_ENTITIES
from quzhou_desktop.services.exchange.inserts import insert_audited
from quzhou_desktop.store.audit.chain import Actor, row_state
from quzhou_desktop.store.audit.verify import audited_tables
from quzhou_desktop.store.dialects.rows import run
from quzhou_desktop.store.models import Base

# A row of these tables belongs to the village when the row its column names does (and, for kinship, both).
PARENT: Mapping[str, tuple[str, ...]] = {
    "matter_step": ("matter_id",),
    "step_amendment": ("step_id",),
    "step_attendance": ("step_id",),
    "disclosure_feedback": ("disclosure_id",),
    "contract_party": ("contract_id",),
    "contract_deposit": ("contract_id",),
    "contract_schedule_line": ("contract_id",),
    "contract_payment": ("line_id",),
    "evaluation_entry": ("evaluation_id",),
    "kin_link": ("person_a_id", "person_b_id"),
    "attachment": ("owner_id",),
}
# Tables whose rows never go in an enrolment file.
KEPT_HERE = LOCAL_ENTITIES | {"notice_print"}

_CHUNK = 500


@dataclass(frozen=True)
class Seed:
    rows: list[tuple[str, dict[str, Any]]]  # (table, state), parents before children
    attachments: frozenset[str]  # SHA-256 of the scans the attachment rows name


def seed_tables() -> list[Table]:
    """The audited tables an enrolment file may carry, parents before children."""
    audited = {t.name for t in audited_tables()}
    return [t for t in Base.metadata.sorted_tables if t.name in audited and t.name not in KEPT_HERE]


def _chunks(ids: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i : i + _CHUNK]


def _states(conn: Connection, table: Table, column: str, values: Iterable[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    wanted = sorted(set(values))
    for chunk in _chunks(wanted):
        for row in conn.execute(select(table).where(table.c[column].in_(chunk))).mappings():
            out.append(row_state(table, dict(row)))
    return out


def village_seed(conn: Connection, village_id: str) -> Seed:
    """Every record of the village (see the module's note), as canonical states."""
    tables = seed_tables()
    by_name = {t.name: t for t in tables}
    owned: dict[str, dict[str, dict[str, Any]]] = {t.name: {} for t in tables}
    every_id: set[str] = set()

    def keep(name: str, states: Iterable[dict[str, Any]]) -> None:
        for st in states:
            owned[name][st["id"]] = st
            every_id.add(st["id"])

    village = _states(conn, by_name["village"], "id", [village_id])
    keep("village", village)
    keep("township", _states(conn, by_name["township"], "id", [v["township_id"] for v in village]))
    for t in tables:  # parents come first, so a child finds its parents already kept
        if t.name in ("village", "township", "attachment"):
            continue
        if "village_id" in t.c:
            keep(t.name, _states(conn, t, "village_id", [village_id]))
        elif t.name in PARENT:
            cols = PARENT[t.name]
            found = _states(conn, t, cols[0], owned[_parent_table(t, cols[0])])
            keep(t.name, [st for st in found if all(st[c] in every_id for c in cols)])
    _close_references(conn, tables, owned, every_id)
    # scans name their record by id only (no foreign key): the last, once every record is known
    keep("attachment", _states(conn, by_name["attachment"], "owner_id", every_id))
    rows = [(t.name, owned[t.name][rid]) for t in tables for rid in sorted(owned[t.name])]
    shas = frozenset(st["sha256"] for st in owned.get("attachment", {}).values())
    return Seed(rows, shas)


def _parent_table(table: Table, column: str) -> str:
    (fk,) = table.c[column].foreign_keys
    return fk.column.table.name


def _close_references(
    conn: Connection, tables: list[Table], owned: dict[str, dict[str, dict[str, Any]]], every_id: set[str]
) -> None:
    """Add every row a kept row points to by a foreign key (and what those point to), so the village's database
    holds no dangling reference."""
    by_name = {t.name: t for t in tables}
    fks = {
        t.name: [
            (c.name, fk.column.table.name)
            for c in t.columns
            for fk in c.foreign_keys
            if fk.column.table.name in by_name and fk.column.name == "id"
        ]
        for t in tables
    }
    todo = [(name, st) for name, states in owned.items() for st in states.values()]
    while todo:
        wanted: dict[str, set[str]] = {}
        for name, st in todo:
            for col, target in fks[name]:
                ref = st.get(col)
                if isinstance(ref, str) and ref not in owned[target]:
                    wanted.setdefault(target, set()).add(ref)
        todo = []
        for target, ids in wanted.items():
            for st in _states(conn, by_name[target], "id", ids):
                owned[target][st["id"]] = st
                every_id.add(st["id"])
                todo.append((target, st))


def apply_seed(
    conn: Connection,
    rows: list[tuple[str, dict[str, Any]]],
    actor: Actor,
    *,
    when: Any,
    reason: str,
    tables: Sequence[Table] | None = None,
) -> int:
    """Insert the seed's rows (parents before children) and record them as batch entries of this site's chain;
    returns how many rows. Rows of a table an enrolment file may not carry (``tables``, by default a village's
    ``seed_tables``) are an error of the file."""
    by_name = {t.name: t for t in (tables if tables is not None else seed_tables())}
    by_table: dict[str, list[dict[str, Any]]] = {}
    for name, state in rows:
        if name not in by_name:
            raise ValueError(name)
        by_table.setdefault(name, []).append(state)
    count = 0
    for name, table in by_name.items():
        try:
            count += insert_audited(
                conn, table, by_table.get(name, []), actor, action="exchange.enrol", reason=reason, when=when
            )
        except KeyError as exc:
            raise ValueError(f"{name}.{exc.args[0]}") from exc
    return count


def attachment_data(conn: Connection, sha256: str) -> bytes:
    data = run(conn, "SELECT data FROM attachment_blob WHERE sha256 = ?", (sha256,)).scalar_one()
    return bytes(data)
