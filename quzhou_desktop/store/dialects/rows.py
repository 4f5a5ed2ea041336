"""Plain SQL run on either engine: the driver's parameter style, deferred foreign keys, table presence, and
rows written from their audited states.

Services that write many rows at once (the exchange, imports) go below the ORM for speed. They write their
SQL once with ``?`` placeholders and call these helpers, which hand it to the driver in its own style
(pysqlite's ``?``, psycopg's ``%s``); nothing in a service names an engine.

- ``run`` / ``run_many``: ``conn.exec_driver_sql`` for ``?``-style SQL;
- ``defer_foreign_keys``: until the end of the transaction (SQLite's ``PRAGMA defer_foreign_keys``;
  PostgreSQL's ``SET CONSTRAINTS ALL DEFERRED``, which ``deferrable_foreign_keys`` makes possible: the
  server's migrations leave every foreign key DEFERRABLE INITIALLY IMMEDIATE);
- ``has_table``: whether the schema has a table (an older file may lack one);
- ``insert_states`` / ``update_state``: rows whose values are audited states (``store.audit.chain.row_state``:
  dates and times as ISO text, which both engines read back as the same values).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, CursorResult, Table, inspect
from sqlalchemy.util.typing import TupleAny
from typing_extensions import Unpack

__all__ = [
    "defer_foreign_keys",
    "deferrable_foreign_keys",
    "has_table",
    "insert_sql",
    "insert_states",
    "qmark",
    "run",
    "run_many",
    "update_state",
]


def _percent_style(conn: Connection) -> bool:
    return conn.dialect.paramstyle in ("format", "pyformat")


def qmark(conn: Connection, sql: str) -> str:
    """``sql`` written with ``?`` placeholders, in the driver's parameter style (no ``?`` inside literals)."""
    if not _percent_style(conn):
        return sql
    return sql.replace("%", "%%").replace("?", "%s")


def run(conn: Connection, sql: str, params: Sequence[Any] = ()) -> CursorResult[Unpack[TupleAny]]:
    """``conn.exec_driver_sql`` for SQL written with ``?`` placeholders."""
    return conn.exec_driver_sql(qmark(conn, sql), tuple(params))


def run_many(conn: Connection, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """``executemany`` of ``?``-style SQL over ``rows`` (nothing when there are none)."""
    if rows:
        conn.exec_driver_sql(qmark(conn, sql), [tuple(r) for r in rows])


def defer_foreign_keys(conn: Connection) -> None:
    """Foreign keys checked at commit instead of row by row, for the rest of ``conn``'s transaction."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET CONSTRAINTS ALL DEFERRED")
    else:
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")


def deferrable_foreign_keys(conn: Connection) -> int:
    """PostgreSQL: make every foreign key of the current schema DEFERRABLE INITIALLY IMMEDIATE (checked row by
    row unless a transaction defers them). Run by the table owner after the migrations; returns how many
    constraints changed. Nothing to do on SQLite, whose foreign keys can always be deferred."""
    if conn.dialect.name != "postgresql":
        return 0
    rows = conn.exec_driver_sql(
        "SELECT c.conrelid::regclass::text, c.conname FROM pg_constraint c "
        "JOIN pg_namespace n ON n.oid = c.connamespace "
        "WHERE c.contype = 'f' AND NOT c.condeferrable AND n.nspname = current_schema() ORDER BY 1, 2"
    ).all()
    for table, name in rows:
        quoted = name.replace('"', '""')
        conn.exec_driver_sql(
            f'ALTER TABLE {table} ALTER CONSTRAINT "{quoted}" DEFERRABLE INITIALLY IMMEDIATE'
        )
    return len(rows)


def has_table(conn: Connection, name: str) -> bool:
    return bool(inspect(conn).has_table(name))


def insert_sql(table: str, columns: Sequence[str]) -> str:
    """``INSERT INTO table (columns…) VALUES (?, …)`` (for ``run``/``run_many``)."""
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def _adapter(conn: Connection, table: Table, columns: Sequence[str]) -> Any:
    """A function from a row of state values to the driver's values. SQLite stores the states' values as
    they are; PostgreSQL casts ISO text to dates and times itself, but a 0/1 for a boolean column must be
    a bool."""
    if conn.dialect.name != "postgresql":
        return None
    from sqlalchemy import Boolean

    flags = [isinstance(table.c[name].type, Boolean) for name in columns]
    if not any(flags):
        return None

    def adapt(row: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(
            bool(v) if flag and isinstance(v, int) and not isinstance(v, bool) else v
            for v, flag in zip(row, flags, strict=True)
        )

    return adapt


def insert_states(
    conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Insert rows given as state values, in ``columns``' order."""
    values = list(rows)
    adapt = _adapter(conn, table, columns)
    if adapt is not None:
        values = [adapt(r) for r in values]
    run_many(conn, insert_sql(table.name, columns), values)


def update_state(
    conn: Connection, table: Table, columns: Sequence[str], values: Sequence[Any], row_id: Any
) -> None:
    """``UPDATE table SET columns… = values… WHERE id = row_id`` with state values."""
    adapt = _adapter(conn, table, columns)
    row = adapt(values) if adapt is not None else tuple(values)
    run(
        conn, f"UPDATE {table.name} SET {', '.join(c + ' = ?' for c in columns)} WHERE id = ?", (*row, row_id)
    )
