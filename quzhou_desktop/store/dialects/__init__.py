"""What differs between the two database engines, kept here so services never see it.

SQLite (one file per township office) and PostgreSQL (a township LAN or county server) run the same models,
migrations and audit chain. This package holds the few places where they differ:

- ``is_server_url`` / ``server_url``: a ``postgresql://`` address instead of a file path;
- ``lock_chain``: appends to the audit chain are serialised (SQLite's ``BEGIN IMMEDIATE`` already does it;
  on PostgreSQL a transaction-scoped advisory lock);
- ``driver_insert``: a plain ``INSERT`` for ``executemany`` in the driver's parameter style;
- ``bulk_tuning``: engine settings for a large import;
- ``store.dialects.sql``: SQL expressions written differently by each engine (months, local time,
  string aggregation, JSON pages, the physical row key).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, text

SERVER_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")
# Every appender of the audit chain takes this transaction-scoped advisory lock first (any 64-bit key that
# no other program on the server uses; "QZAUDIT" in ASCII).
CHAIN_LOCK_KEY = 0x515A4155444954


def is_server_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(SERVER_SCHEMES)


def is_postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def lock_chain(conn: Connection) -> None:
    """Serialise appends to the audit chain for the rest of ``conn``'s transaction."""
    if is_postgres(conn):
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHAIN_LOCK_KEY})


def _literal(value: Any, *, percent: bool) -> str:
    """An SQL literal for one of our own constants (never user text of unknown shape)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # SQLite (3.23+) reads these as 1 and 0
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and "\x00" not in value:
        quoted = "'" + value.replace("'", "''") + "'"
        return quoted.replace("%", "%%") if percent else quoted
    raise TypeError(f"no literal for {value!r}")


def driver_insert(conn: Connection, table: str, columns: Sequence[str], constants: dict[str, Any]) -> str:
    """``INSERT INTO table (columns…, constants…) VALUES (placeholders…, literals…)`` for
    ``conn.exec_driver_sql(sql, rows)``, in the driver's own parameter style."""
    style = conn.dialect.paramstyle
    percent = style in ("format", "pyformat")
    mark = "%s" if percent else "?"
    names = [*columns, *constants]
    values = [mark] * len(columns) + [_literal(v, percent=percent) for v in constants.values()]
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(values)})"


IMPORT_CACHE_KIB = 131072  # SQLite page cache while importing (grows only as needed)
DEFAULT_CACHE = -2000  # SQLite's default


@contextmanager
def bulk_tuning(conn: Connection) -> Iterator[None]:
    """Settings for a large insert on ``conn``: SQLite keeps index pages in a bigger cache; PostgreSQL's
    own buffers need nothing per connection."""
    if is_postgres(conn):
        yield
        return
    conn.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {DEFAULT_CACHE}")
