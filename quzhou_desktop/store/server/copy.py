"""Move a township from its SQLite file to a server database: copy every row, then prove both hold the same.

The copy is exact: every table's rows with the same ids, versions and times, and the audit log entry for
entry (same seq, same hashes), so the chain simply goes on on the server. Afterwards each table is compared
row by row in the canonical form the audit log uses, the chain heads must match, and ``verify`` must pass on
the server. The SQLite file is only read.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import psycopg
from sqlalchemy import Connection, Table, create_engine, select, text
from sqlalchemy.pool import NullPool

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.store.audit.chain import canonical, chain_head, row_state
from quzhou_desktop.store.audit.verify import verify_all
from quzhou_desktop.store.dialects.postgres import server_url
from quzhou_desktop.store.models import Base
from quzhou_desktop.store.server.roles import ServerNames, create_server_database, q, with_database

log = logging.getLogger(__name__)
CHUNK = 5000


class CopyRefused(QuzhouError):
    code = "server.copy_refused"
    template = "{message}"


@dataclass(frozen=True)
class CopyReport:
    tables: dict[str, int]  # table → rows copied
    audit_entries: int
    chain_head: str


def _tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables]


def _digest(conn: Connection, table: Table) -> tuple[int, str]:
    """(rows, SHA-256 over the rows' canonical states in primary-key order)."""
    h = hashlib.sha256()
    n = 0
    pk = list(table.primary_key.columns)
    for row in conn.execute(select(table).order_by(*pk)).mappings():
        h.update((canonical(row_state(table, dict(row))) or "").encode())
        h.update(b"\n")
        n += 1
    return n, h.hexdigest()


def copy_rows(
    src: Connection, dest: Connection, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Every table's rows, in dependency order, through PostgreSQL's COPY (several times faster than
    INSERTs): the values as SQLite stores them (ISO dates and times, 0/1 for booleans, text, integers, bytes),
    which PostgreSQL's input functions read as the same values; ``compare`` checks that afterwards."""
    counts: dict[str, int] = {}
    raw = cast("psycopg.Connection[Any]", dest.connection.dbapi_connection)
    quote = dest.dialect.identifier_preparer.quote  # (the same quoting suits SQLite)
    for table in _tables():
        n = 0
        cols = ", ".join(quote(c.name) for c in table.columns)
        name = quote(table.name)
        result = src.execution_options(yield_per=CHUNK).exec_driver_sql(f"SELECT {cols} FROM {name}")
        with raw.cursor() as cur, cur.copy(f"COPY {name} ({cols}) FROM STDIN") as cp:
            for part in result.partitions(CHUNK):
                for row in part:
                    cp.write_row(tuple(row))
                n += len(part)
                if progress is not None:
                    progress(table.name, n)
        counts[table.name] = n
    seq_name = dest.exec_driver_sql("SELECT pg_get_serial_sequence('audit_log', 'seq')").scalar()
    if seq_name:
        dest.execute(
            text("SELECT setval(CAST(:s AS regclass), greatest((SELECT max(seq) FROM audit_log), 1))"),
            {"s": seq_name},
        )
    return counts


def compare(src: Connection, dest: Connection) -> list[str]:
    """Differences between the two databases (empty: the same records and chain)."""
    out: list[str] = []
    for table in _tables():
        a, b = _digest(src, table), _digest(dest, table)
        if a[0] != b[0]:
            out.append(f"表 {table.name}：文件中 {a[0]} 行，服务器上 {b[0]} 行")
        elif a[1] != b[1]:
            out.append(f"表 {table.name}：行数相同（{a[0]} 行）但内容不同")
    if chain_head(src) != chain_head(dest):
        out.append("审计日志的最后一条在两边不同")
    return out


def migrate_from(
    sqlite_file: Path,
    address: str,
    names: ServerNames,
    *,
    app_password: str | None,
    admin_password: str | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> CopyReport:
    """Create the server database (as ``server init`` does, without a first administrator), copy
    ``sqlite_file`` into it, compare and verify. On any difference the new database is dropped."""
    from quzhou_desktop.store.db import Database

    source = Database(sqlite_file)  # refuses a foreign file; brings an older one to the current schema
    try:
        with source.read_engine.connect() as src:
            problems = verify_all(src)
            if problems:
                raise CopyRefused(f"数据库文件没有通过校验，未复制：{problems[0].message}")
        create_server_database(address, names, app_password=app_password, admin_password=admin_password)
        engine = create_engine(
            server_url(with_database(address, names.database), password=admin_password), poolclass=NullPool
        )
        try:
            with source.read_engine.connect() as src:
                with engine.begin() as dest:
                    dest.exec_driver_sql(f"SET LOCAL ROLE {q(names.owner)}")
                    counts = copy_rows(src, dest, progress)
                with engine.connect() as dest:
                    differences = compare(src, dest)
                    problems = verify_all(dest)
                    head = chain_head(dest)
        finally:
            engine.dispose()
    finally:
        source.dispose()
    if differences or problems:
        _drop(address, names.database, admin_password)
        first = differences[0] if differences else problems[0].message
        raise CopyRefused(f"复制后核对不一致，服务器上的新数据库已删除：{first}")
    return CopyReport(counts, head[0], head[1])


def _drop(address: str, database: str, admin_password: str | None) -> None:
    from quzhou_desktop.store.server.roles import admin_connection

    with admin_connection(address, password=admin_password) as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {q(database)} WITH (FORCE)")
