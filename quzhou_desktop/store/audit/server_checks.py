"""``verify``'s checks below the audit chain on a PostgreSQL server: the counterpart of SQLite's integrity
check, its trigger check and ``PRAGMA foreign_key_check`` (``store.audit.integrity``).

- integrity: the collation and, with amcheck, every B-tree index against its table
  (``integrity_problems``);
- the append-only triggers of ``audit_log``: each present, enabled, with the definition migration 0001 gave it,
  over the function 0001 wrote; and no trigger the app did not create;
- foreign keys: every one the models declare is still a constraint, and no row points to a missing row (a
  superuser can switch the checks off with ``session_replication_role``, so the rows are re-checked with joins).

Everything is read from the catalogs and the tables, which the application role may read.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection, text

from quzhou_desktop.store.audit.problems import Problem

MAX_FOREIGN_KEY_PROBLEMS = 20
TRIGGER_FUNCTION = "audit_log_append_only"
EXPECTED_TRIGGERS = {
    "audit_log_no_update": "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW "
    "EXECUTE FUNCTION audit_log_append_only()",
    "audit_log_no_delete": "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW "
    "EXECUTE FUNCTION audit_log_append_only()",
    "audit_log_no_truncate": "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
}
EXPECTED_BODY = (
    "BEGIN RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege'; END"
)


def integrity_problems(conn: Connection) -> list[str]:
    """What ``PRAGMA integrity_check`` covers on SQLite, as far as the server lets the app see it:

    - the database sorts text byte by byte (collation C), as SQLite does and ``verify`` assumes;
    - with the ``amcheck`` extension (``server init`` installs it and lets the app role use it), every
      B-tree index of the app's tables is checked against its table."""
    problems: list[str] = []
    collate = conn.exec_driver_sql(
        "SELECT datcollate FROM pg_database WHERE datname = current_database()"
    ).scalar()
    if collate not in ("C", "POSIX"):
        problems.append(f"数据库的排序规则是 {collate}，应为 C：请用 quzhou-desktop server init 建库")
    has_amcheck = conn.exec_driver_sql(
        "SELECT count(*) FROM pg_proc WHERE proname = 'bt_index_check' AND has_function_privilege(oid, 'EXECUTE')"
    ).scalar()
    if has_amcheck:
        indexes = conn.exec_driver_sql(
            "SELECT c.oid::regclass::text, c.oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE a.amname = 'btree' AND n.nspname = current_schema() ORDER BY 1"
        ).all()
        for name, oid in indexes:
            try:
                with conn.begin_nested():
                    conn.execute(text("SELECT bt_index_check(CAST(:o AS oid)::regclass, true)"), {"o": oid})
            except Exception as exc:  # amcheck reports corruption as an error
                problems.append(f"索引 {name} 与数据不一致：{str(getattr(exc, 'orig', exc)).splitlines()[0]}")
    return problems


def _norm(sql: str) -> str:
    return " ".join(sql.replace("public.", "").split()).lower()


def trigger_problems(conn: Connection) -> Iterator[Problem]:
    found = {
        str(name): (str(table), str(enabled), str(definition))
        for name, table, enabled, definition in conn.exec_driver_sql(
            "SELECT t.tgname, c.relname, t.tgenabled, pg_get_triggerdef(t.oid) FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE NOT t.tgisinternal AND n.nspname = current_schema()"
        )
    }
    for name, sql in EXPECTED_TRIGGERS.items():
        if name not in found:
            yield Problem(
                "trigger",
                f"审计日志的只读保护（触发器 {name}）已被删除：日志可能在本程序之外被改写",
                "audit_log",
            )
        elif found[name][1] == "D":
            yield Problem(
                "trigger",
                f"审计日志的只读保护（触发器 {name}）被停用了：日志可能在本程序之外被改写",
                "audit_log",
            )
        elif _norm(found[name][2]) != _norm(sql):
            yield Problem(
                "trigger",
                f"审计日志的只读保护（触发器 {name}）已被修改：日志可能在本程序之外被改写",
                "audit_log",
            )
    body = conn.exec_driver_sql(
        "SELECT p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE p.proname = %s AND n.nspname = current_schema()",
        (TRIGGER_FUNCTION,),
    ).scalar()
    if body is None or _norm(str(body)) != _norm(EXPECTED_BODY):
        yield Problem(
            "trigger",
            f"审计日志只读保护所用的函数 {TRIGGER_FUNCTION} 已被删除或修改：日志可能在本程序之外被改写",
            "audit_log",
        )
    for name, (table, _enabled, _sql) in sorted(found.items()):
        if name not in EXPECTED_TRIGGERS:
            yield Problem(
                "trigger",
                f"数据库中有本程序没有创建的触发器 {name}（作用于 {table}）：数据库在本程序之外被修改",
                table,
            )


def _declared_foreign_keys() -> set[tuple[str, str]]:
    from sqlalchemy import ForeignKeyConstraint

    from quzhou_desktop.store.models import Base

    return {
        (table.name, str(c.name))
        for table in Base.metadata.tables.values()
        for c in table.constraints
        if isinstance(c, ForeignKeyConstraint) and c.name
    }


def foreign_key_problems(conn: Connection) -> Iterator[Problem]:
    rows = conn.exec_driver_sql(
        "SELECT c.conname, ch.relname, pa.relname, "
        "(SELECT attname FROM pg_attribute WHERE attrelid = c.conrelid AND attnum = c.conkey[1]), "
        "(SELECT attname FROM pg_attribute WHERE attrelid = c.confrelid AND attnum = c.confkey[1]) "
        "FROM pg_constraint c JOIN pg_class ch ON ch.oid = c.conrelid JOIN pg_class pa ON pa.oid = c.confrelid "
        "JOIN pg_namespace n ON n.oid = c.connamespace "
        "WHERE c.contype = 'f' AND n.nspname = current_schema() ORDER BY 2, 1"
    ).all()
    present = {(str(child), str(name)) for name, child, _p, _c, _pc in rows}
    for table, name in sorted(_declared_foreign_keys() - present):
        yield Problem(
            "foreign_key", f"表 {table} 的引用约束 {name} 已被删除：数据库在本程序之外被修改", table
        )
    shown = 0
    for _name, child, parent, column, parent_column in rows:
        orphans = conn.exec_driver_sql(
            f'SELECT c.id, c."{column}" FROM "{child}" c LEFT JOIN "{parent}" p ON p."{parent_column}" = c."{column}" '
            f'WHERE c."{column}" IS NOT NULL AND p."{parent_column}" IS NULL ORDER BY c.id LIMIT 21'
        ).all()
        for rid, _ref in orphans:
            shown += 1
            if shown > MAX_FOREIGN_KEY_PROBLEMS:
                yield Problem("foreign_key", "另有更多引用指向不存在的记录")
                return
            yield Problem(
                "foreign_key",
                f"记录 {child} {rid} 引用的 {parent} 记录不存在：数据在本程序之外被删除或修改",
                str(child),
                str(rid),
            )


def file_checks(conn: Connection) -> list[Problem]:
    """Integrity (alone when it fails: nothing else can be trusted), then the triggers and the foreign keys."""
    broken = [Problem("integrity", message) for message in integrity_problems(conn)]
    if broken:
        return broken
    return [*trigger_problems(conn), *foreign_key_problems(conn)]
