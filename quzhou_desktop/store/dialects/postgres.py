"""PostgreSQL engines for ``store.db.Database``: connection settings, the write lock, errors in Chinese,
the schema check and the integrity check.

Reads run in REPEATABLE READ (one snapshot per read session, as a deferred SQLite transaction gives); writes
run in READ COMMITTED and take the audit chain's advisory lock as their first statement, so writers from
several PCs queue one after another exactly as ``BEGIN IMMEDIATE`` makes them queue on a SQLite file. Each
write therefore sees every earlier commit, and the optimistic ``row_version`` checks of the services hold
across PCs. A writer that waits longer than ``LOCK_TIMEOUT_MS`` gets the usual 数据库正忙 message. The app's
sessions price parallel workers high (``PARALLEL_SETUP_COST``): its queries are short, and starting workers
cost more than they saved.

Passwords never come from the app's settings: libpq reads the standard password file (``~/.pgpass``, or
``PGPASSFILE``), or the caller passes one typed at a prompt (kept in memory only). TLS settings (``sslmode``,
``sslrootcert``, ``sslcert``, ``sslkey``) are libpq's own parameters in the address and pass through.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url

from quzhou_desktop.store.dialects import CHAIN_LOCK_KEY
from quzhou_desktop.store.errors import (
    DatabaseBusy,
    DatabaseError,
)

LOCK_TIMEOUT_MS = 15000
PARALLEL_SETUP_COST = 50_000
"""The planner's price of starting parallel workers for the app's sessions (the server's default is 1,000). A
register page's query runs in a few milliseconds; starting workers for it took 30–60 ms on a busy server
(监督台账 by month: 48 ms with two workers, 9 ms without). Scans big enough to gain from workers still get
them."""
CONNECT_TIMEOUT_S = 10
APP_NAME = "quzhou-desktop"


class ServerUnreachable(DatabaseError):
    code = "db.server_unreachable"
    template = "无法连接单位服务器：{detail}。请检查网络和服务器地址，或联系单位的系统管理员。"


class ServerLoginFailed(DatabaseError):
    code = "db.server_login"
    template = (
        "单位服务器拒绝登录（用户 {user}）：密码不对，或没有密码。请在密码文件中填写密码，或在提示时输入。"
    )


class ServerPasswordNeeded(ServerLoginFailed):
    code = "db.server_password_needed"


class ServerNotInitialised(DatabaseError):
    code = "db.server_not_initialised"
    template = "服务器上的数据库 {database} 还没有建好。请单位的系统管理员先运行 quzhou-desktop server init。"


class ServerNeedsUpgrade(DatabaseError):
    code = "db.server_upgrade"
    template = (
        "服务器上的数据库结构是旧版本（{found}），本程序需要 {supported}。"
        "请单位的系统管理员运行 quzhou-desktop server upgrade 后再打开，数据未作任何修改。"
    )


class ServerPermission(DatabaseError):
    code = "db.server_permission"
    template = "服务器拒绝了这项操作（权限不足）：{detail}"


def server_url(target: str, *, password: str | None = None) -> URL:
    """The SQLAlchemy URL for a ``postgresql://`` address (the psycopg 3 driver), with ``password`` when one
    was typed at a prompt."""
    url = make_url(target)
    url = url.set(drivername="postgresql+psycopg")
    if password is not None:
        url = url.set(password=password)
    return url


def display_url(target: str | URL) -> str:
    """The address for messages and logs: never the password."""
    url = make_url(target) if isinstance(target, str) else target
    return url.set(drivername="postgresql").render_as_string(hide_password=True)


def without_password(address: str) -> str:
    """``address`` as it may be written down: any password removed."""
    url = make_url(address)._replace(password=None)  # (URL.set treats None as "unchanged")
    return url.render_as_string(hide_password=False)


def make_engines(url: URL) -> tuple[Engine, Engine]:
    """(write engine, read engine)."""
    common: dict[str, Any] = {
        "connect_args": {"connect_timeout": CONNECT_TIMEOUT_S, "application_name": APP_NAME},
        "pool_pre_ping": True,
        "pool_size": 2,
        "max_overflow": 2,  # at most 8 connections per PC (two engines): docs/SERVER.md
    }
    write = create_engine(url, isolation_level="READ COMMITTED", **common)
    read = create_engine(url, isolation_level="REPEATABLE READ", **common)

    @event.listens_for(write, "connect")
    def _on_connect(dbapi_conn: Any, _rec: Any) -> None:
        with dbapi_conn.cursor() as cur:
            cur.execute(
                f"SET lock_timeout = {LOCK_TIMEOUT_MS}; SET parallel_setup_cost = {PARALLEL_SETUP_COST}"
            )
        dbapi_conn.commit()

    @event.listens_for(read, "connect")
    def _on_read_connect(dbapi_conn: Any, _rec: Any) -> None:
        with dbapi_conn.cursor() as cur:
            cur.execute(f"SET parallel_setup_cost = {PARALLEL_SETUP_COST}")
        dbapi_conn.commit()

    @event.listens_for(write, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({CHAIN_LOCK_KEY})")

    return write, read


def translate(exc: BaseException) -> Exception | None:
    """A psycopg error as a Chinese ``DatabaseError`` (None if it is not one we know)."""
    orig = getattr(exc, "orig", exc)
    state = getattr(orig, "sqlstate", None) or ""
    msg = str(orig)
    low = msg.lower()
    if state == "55P03" or "lock timeout" in low:
        return DatabaseBusy()
    if state == "42501":
        return ServerPermission(detail=msg.splitlines()[0] if msg else "")
    if state in ("28P01", "28000") or "password authentication failed" in low:
        user = _user_in(low)
        return ServerLoginFailed(user=user)
    if "no password supplied" in low or "fe_sendauth" in low:
        return ServerPasswordNeeded(user=_user_in(low))
    if state == "3D000":
        return ServerNotInitialised(database=msg.split('"')[1] if '"' in msg else "")
    if state.startswith("08") or (
        "connection" in low and ("refused" in low or "failed" in low or "closed" in low)
    ):
        return ServerUnreachable(detail=msg.splitlines()[0] if msg else "")
    return None


def _user_in(low: str) -> str:
    if 'user "' in low:
        return low.split('user "', 1)[1].split('"', 1)[0]
    return ""


def current_revision(conn: Connection) -> tuple[str | None, bool]:
    names = set(inspect(conn).get_table_names())
    if "alembic_version" not in names:
        return None, bool(names)
    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return (row[0] if row else None), True


def server_forms(conn: Connection) -> None:
    """After the migrations, as the tables' owner: the server's forms of what every migration creates, so a
    migration written for both engines needs no PostgreSQL branch of its own for them:

    - every VARCHAR column becomes TEXT (SQLite never enforces a length, and the app relies on the two engines
      accepting the same rows; user text is length-checked by the app);
    - every INTEGER column of money in 分 (``…_fen``) becomes BIGINT (a 4-byte integer stops at 21,474,836.47 元);
    - every foreign key becomes DEFERRABLE INITIALLY IMMEDIATE (``store.dialects.rows.defer_foreign_keys``).
    """
    from quzhou_desktop.store.dialects.rows import deferrable_foreign_keys

    for table, column, kind in conn.exec_driver_sql(
        "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c "
        "JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
        "WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND (c.data_type = "
        "'character varying' OR (c.data_type = 'integer' AND c.column_name LIKE '%%\\_fen')) ORDER BY 1, 2"
    ).all():
        target = "text" if kind == "character varying" else "bigint"
        conn.exec_driver_sql(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE {target}')
    deferrable_foreign_keys(conn)
