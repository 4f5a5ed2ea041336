"""Checks of the database file itself, below the audit chain: SQLite's integrity and foreign-key checks and the
append-only triggers of ``audit_log``. On a PostgreSQL server each check has its counterpart in
``store.audit.server_checks`` (the server's own integrity tools, its triggers, foreign keys re-checked with joins).

A trigger dropped or altered, a row whose foreign key points nowhere (rows deleted with foreign keys off, as
the sqlite3 shell has them by default) — each is named. The expected trigger SQL is the one migration 0001
creates; a migration that changes the triggers changes ``EXPECTED_TRIGGERS`` with it.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection, text

from quzhou_desktop.store.audit.problems import Problem

EXPECTED_TRIGGERS: dict[str, str] = {
    "audit_log_no_update": (
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    ),
    "audit_log_no_delete": (
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    ),
}
MAX_FOREIGN_KEY_PROBLEMS = 20


def is_sqlite(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite"


def _same_sql(a: str, b: str) -> bool:
    return " ".join(a.split()).lower() == " ".join(b.split()).lower()


def integrity_problems(conn: Connection) -> list[Problem]:
    res = [r[0] for r in conn.execute(text("PRAGMA integrity_check")).all()]
    if res == ["ok"]:
        return []
    return [Problem("integrity", "SQLite 完整性检查失败：" + "；".join(str(x) for x in res[:5]))]


def trigger_problems(conn: Connection) -> Iterator[Problem]:
    """Every expected trigger present with its SQL, and no trigger the app did not create."""
    if not is_sqlite(conn):
        from quzhou_desktop.store.audit.server_checks import trigger_problems as server_triggers

        yield from server_triggers(conn)
        return
    found = {
        str(name): (str(table), str(sql or ""))
        for name, table, sql in conn.execute(
            text("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
        )
    }
    for name, sql in EXPECTED_TRIGGERS.items():
        if name not in found:
            yield Problem(
                "trigger",
                f"审计日志的只读保护（触发器 {name}）已被删除：日志可能在本程序之外被改写",
                "audit_log",
            )
        elif not _same_sql(found[name][1], sql):
            yield Problem(
                "trigger",
                f"审计日志的只读保护（触发器 {name}）已被修改：日志可能在本程序之外被改写",
                "audit_log",
            )
    for name, (table, _sql) in sorted(found.items()):
        if name not in EXPECTED_TRIGGERS:
            yield Problem(
                "trigger",
                f"数据库中有本程序没有创建的触发器 {name}（作用于 {table}）：数据库在本程序之外被修改",
                table,
            )


def foreign_key_problems(conn: Connection) -> Iterator[Problem]:
    """``PRAGMA foreign_key_check``: rows whose reference points to no row (at most 20 named)."""
    if not is_sqlite(conn):
        from quzhou_desktop.store.audit.server_checks import foreign_key_problems as server_keys

        yield from server_keys(conn)
        return
    rows = conn.execute(text("PRAGMA foreign_key_check")).all()
    for table, rowid, parent, _fkid in rows[:MAX_FOREIGN_KEY_PROBLEMS]:
        rid = (
            conn.execute(text(f'SELECT id FROM "{table}" WHERE rowid = :r'), {"r": rowid}).scalar()
            if rowid is not None
            else None
        )
        yield Problem(
            "foreign_key",
            f"记录 {table} {rid or rowid} 引用的 {parent} 记录不存在：数据在本程序之外被删除或修改",
            str(table),
            None if rid is None else str(rid),
        )
    if len(rows) > MAX_FOREIGN_KEY_PROBLEMS:
        yield Problem("foreign_key", f"另有 {len(rows) - MAX_FOREIGN_KEY_PROBLEMS} 处引用指向不存在的记录")


def file_checks(conn: Connection) -> list[Problem]:
    """Integrity (alone when it fails: nothing else can be trusted), then the triggers and the foreign keys."""
    if not is_sqlite(conn):
        from quzhou_desktop.store.audit.server_checks import file_checks as server_checks

        return server_checks(conn)
    broken = integrity_problems(conn)
    if broken:
        return broken
    return [*trigger_problems(conn), *foreign_key_problems(conn)]
