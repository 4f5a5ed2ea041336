"""SQL expressions that each engine spells its own way, as constructs compiled per dialect.

(The SQLite spellings carry ``%`` as such: pysqlite's parameter style is ``?``, so nothing escapes it.)

Services build queries once (often at import time) without knowing the engine; the expression is written
out for SQLite or PostgreSQL only when the statement is compiled for a connection.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, String, Text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import Integer

__all__ = [
    "DaysApart",
    "JsonRows",
    "LocalMinute",
    "RowKey",
    "ServerPlanHint",
    "StringAgg",
    "YearMonth",
    "sqlite_order",
]


class RowKey(ColumnElement[int]):
    """A table's physical row key for keyset paging and ``IN`` lists: SQLite's ``rowid`` (in every index
    entry, so covering indexes answer it); PostgreSQL has no stable row number, so the primary key ``id``."""

    inherit_cache = True
    _traverse_internals = [("table_name", InternalTraversal.dp_string)]  # noqa: RUF012
    type = Integer()

    def __init__(self, table: str) -> None:
        self.table_name = table


@compiles(RowKey)
def _row_key_sqlite(element: RowKey, compiler: Any, **kw: Any) -> str:
    return f"{element.table_name}.rowid"


@compiles(RowKey, "postgresql")
def _row_key_pg(element: RowKey, compiler: Any, **kw: Any) -> str:
    return f"{element.table_name}.id"


class YearMonth(FunctionElement[str]):
    """``YYYY-MM`` of a date column."""

    type = String()
    inherit_cache = True
    name = "year_month"


@compiles(YearMonth)
def _ym_sqlite(element: YearMonth, compiler: Any, **kw: Any) -> str:
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)})"


@compiles(YearMonth, "postgresql")
def _ym_pg(element: YearMonth, compiler: Any, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"


class LocalMinute(FunctionElement[str]):
    """``YYYY-MM-DD HH:MM`` of a UTC timestamp column in Asia/Shanghai (UTC + 8 h, no daylight saving)."""

    type = String()
    inherit_cache = True
    name = "local_minute"


@compiles(LocalMinute)
def _lm_sqlite(element: LocalMinute, compiler: Any, **kw: Any) -> str:
    return f"strftime('%Y-%m-%d %H:%M', {compiler.process(element.clauses, **kw)}, '+8 hours')"


@compiles(LocalMinute, "postgresql")
def _lm_pg(element: LocalMinute, compiler: Any, **kw: Any) -> str:
    arg = compiler.process(element.clauses, **kw)
    return f"to_char({arg} + interval '8 hours', 'YYYY-MM-DD HH24:MI')"


class StringAgg(FunctionElement[str]):
    """The group's values joined with a separator, in the order the rows arrive (from an ordered derived
    table: neither engine reorders it before aggregating)."""

    type = Text()
    inherit_cache = True
    name = "string_agg_in_order"


@compiles(StringAgg)
def _agg_sqlite(element: StringAgg, compiler: Any, **kw: Any) -> str:
    return f"group_concat({compiler.process(element.clauses, **kw)})"


@compiles(StringAgg, "postgresql")
def _agg_pg(element: StringAgg, compiler: Any, **kw: Any) -> str:
    return f"string_agg({compiler.process(element.clauses, **kw)})"


class JsonRows(FunctionElement[str]):
    """All rows of the query as one JSON text: an array of arrays (``[]`` without rows)."""

    type = Text()
    inherit_cache = True
    name = "json_rows"


@compiles(JsonRows)
def _json_sqlite(element: JsonRows, compiler: Any, **kw: Any) -> str:
    return f"json_group_array(json_array({compiler.process(element.clauses, **kw)}))"


@compiles(JsonRows, "postgresql")
def _json_pg(element: JsonRows, compiler: Any, **kw: Any) -> str:
    args = compiler.process(element.clauses, **kw)
    return f"CAST(coalesce(json_agg(json_build_array({args})), '[]') AS TEXT)"


class ServerPlanHint(ColumnElement[bool]):
    """A predicate that changes no result (it restates another one) but lets PostgreSQL start from an index:
    written out on PostgreSQL, always true on SQLite, whose plans are tuned on covering indexes and rowids.

    The 监督台账 of one village, for one: the village is on the voucher, and repeated on each event
    (``voucher_event.village_id``); PostgreSQL needs the event's copy to avoid joining every event."""

    inherit_cache = True
    _traverse_internals = [("clause", InternalTraversal.dp_clauseelement)]  # noqa: RUF012
    type = Boolean()

    def __init__(self, clause: ColumnElement[bool]) -> None:
        self.clause = clause


@compiles(ServerPlanHint)
def _hint_sqlite(element: ServerPlanHint, compiler: Any, **kw: Any) -> str:
    return "1"  # a Boolean in WHERE: SQLAlchemy writes "1 = 1" for SQLite


@compiles(ServerPlanHint, "postgresql")
def _hint_pg(element: ServerPlanHint, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.clause, **kw)})"


class DaysApart(FunctionElement[int]):
    """How many days lie between two dates, whichever comes first (for "nearest date first" orderings)."""

    type = Integer()
    inherit_cache = True
    name = "days_apart"


@compiles(DaysApart)
def _days_sqlite(element: DaysApart, compiler: Any, **kw: Any) -> str:
    a, b = (compiler.process(c, **kw) for c in element.clauses)
    return f"abs(julianday({a}) - julianday({b}))"


@compiles(DaysApart, "postgresql")
def _days_pg(element: DaysApart, compiler: Any, **kw: Any) -> str:
    a, b = (compiler.process(c, **kw) for c in element.clauses)
    return f"abs(({a}) - ({b}))"  # date - date is a whole number of days


def sqlite_order(column: Any, *, descending: bool = False) -> Any:
    """An ORDER BY term that places NULL where SQLite does on both engines (NULL is the smallest value:
    first ascending, last descending). PostgreSQL's own default is the opposite."""
    return column.desc().nulls_last() if descending else column.asc().nulls_first()


# Plain-text SQL fragments for the few services that write SQL as text (``dialect`` is ``dialect_of(s)``).


def dialect_of(bind: Any) -> str:
    """The engine's name for a Session or a Connection: "sqlite" or "postgresql"."""
    get_bind = getattr(bind, "get_bind", None)
    return str((get_bind() if get_bind is not None else bind).dialect.name)


def json_text(dialect: str, column: str, field: str) -> str:
    """A field of a JSON text column as SQL text (strings and NULL compare alike on both engines)."""
    if dialect == "postgresql":
        return f"(CAST({column} AS jsonb) ->> '{field}')"
    return f"json_extract({column}, '$.{field}')"


def json_equals(dialect: str, column: str, field: str, value: str | bool | int) -> str:
    """The JSON field equals ``value`` (a boolean is JSON true/false: SQLite's json_extract gives 1/0)."""
    import json

    if dialect == "postgresql":
        return f"(CAST({column} AS jsonb) -> '{field}') = CAST('{json.dumps(value)}' AS jsonb)"
    literal = str(int(value)) if isinstance(value, bool | int) else "'" + value.replace("'", "''") + "'"
    return f"json_extract({column}, '$.{field}') = {literal}"


def json_differs(dialect: str, column: str, field: str, value: str | bool | int) -> str:
    """The JSON field is not ``value``, NULL and absent included."""
    return f"NOT COALESCE({json_equals(dialect, column, field, value)}, FALSE)"


def distinct_from(dialect: str, a: str, b: str) -> str:
    """``a`` and ``b`` differ, NULL counting as a value (SQLite's ``IS NOT``)."""
    return f"{a} IS DISTINCT FROM {b}" if dialect == "postgresql" else f"{a} IS NOT {b}"
