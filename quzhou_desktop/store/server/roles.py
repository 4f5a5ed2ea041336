"""Create a server database with an owner role and a least-privilege application role.

Three kinds of login are involved:

- the administrator's (normally ``postgres``, a superuser) given to ``server init``/``upgrade``/``restore``;
- the **owner role** (``<database>_owner``, NOLOGIN): owns the database, its schema, every table and the
  triggers. Migrations run as this role (``SET ROLE``), so only it — or a superuser — can alter tables, drop
  or disable the audit log's triggers;
- the **application role** (``<database>_app``, LOGIN): what every office PC connects as. It may read every
  table and insert and update the records, but on ``audit_log`` only SELECT and INSERT: no UPDATE, DELETE or
  TRUNCATE (and the triggers refuse those to anyone); it owns nothing, so it cannot drop or disable a
  trigger. Nothing in the app deletes rows but a waiting exchange package once applied, so only
  ``exchange_pending`` grants DELETE.

The database is created with collation C (text compared byte by byte, as SQLite does; ``verify`` relies on
it) and UTF-8. Passwords are sent to the server already hashed (SCRAM), never in clear in a statement.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.store.dialects.postgres import display_url, server_forms, server_url

log = logging.getLogger(__name__)


class ServerSetupError(QuzhouError):
    code = "server.setup"
    template = "{message}"


@dataclass(frozen=True)
class ServerNames:
    database: str
    owner: str
    app: str

    @classmethod
    def for_database(cls, database: str, owner: str | None = None, app: str | None = None) -> ServerNames:
        for name in (database, owner, app):
            if name is not None and not _plain_name(name):
                raise ServerSetupError(f"名称“{name}”不合适：只用小写英文字母、数字和下划线，以字母开头")
        return cls(database, owner or f"{database}_owner", app or f"{database}_app")


def _plain_name(name: str) -> bool:
    return (
        bool(name)
        and len(name) <= 60
        and name[0].isascii()
        and name[0].isalpha()
        and all(ch.isascii() and (ch.islower() or ch.isdigit() or ch == "_") for ch in name)
    )


def database_of(address: str) -> str:
    name = make_url(address).database
    if not name:
        raise ServerSetupError("服务器地址里缺少数据库名，例如 postgresql://postgres@服务器/quzhou")
    return name


def with_database(address: str, database: str, *, user: str | None = None) -> str:
    """The same server and options, another database (and optionally another login)."""
    url = make_url(address).set(database=database)
    if user is not None:
        url = url.set(username=user)._replace(password=None)  # (URL.set treats None as "unchanged")
    return url.render_as_string(hide_password=False)


@contextmanager
def admin_connection(
    address: str, database: str | None = None, *, password: str | None = None
) -> Iterator[Any]:
    """An autocommit connection as the administrator (to ``database``, default the maintenance database)."""
    url: URL = server_url(with_database(address, database or "postgres"), password=password)
    engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def q(name: str) -> str:
    """A quoted identifier (names are checked by ``ServerNames`` already)."""
    return '"' + name.replace('"', '""') + '"'


def _role_exists(conn: Connection, name: str) -> bool:
    return bool(conn.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).first())


def hashed_password(conn: Connection, user: str, password: str) -> str:
    """The SCRAM verifier of ``password`` computed by libpq on this side."""
    raw: Any = conn.connection.dbapi_connection  # a psycopg connection
    verifier: bytes = raw.pgconn.encrypt_password(password.encode(), user.encode(), b"scram-sha-256")
    return verifier.decode()


def create_roles(conn: Connection, names: ServerNames, app_password: str | None) -> None:
    if not _role_exists(conn, names.owner):
        conn.exec_driver_sql(f"CREATE ROLE {q(names.owner)} NOLOGIN")
    if not _role_exists(conn, names.app):
        conn.exec_driver_sql(
            f"CREATE ROLE {q(names.app)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT"
        )
    if app_password:
        verifier = hashed_password(conn, names.app, app_password).replace("'", "''")
        conn.exec_driver_sql(f"ALTER ROLE {q(names.app)} PASSWORD '{verifier}'")


def create_database(conn: Connection, names: ServerNames) -> None:
    """CREATE DATABASE owned by the owner role, collation C; only the app role may connect besides it."""
    if conn.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %s", (names.database,)).first():
        raise ServerSetupError(f"服务器上已经有数据库 {names.database}，未作修改（换一个名字，或先删除它）")
    ctype = "C.UTF-8"
    try:
        conn.exec_driver_sql(
            f"CREATE DATABASE {q(names.database)} OWNER {q(names.owner)} TEMPLATE template0 "
            f"ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE '{ctype}'"
        )
    except Exception:  # a server without the C.UTF-8 locale
        conn.exec_driver_sql(
            f"CREATE DATABASE {q(names.database)} OWNER {q(names.owner)} TEMPLATE template0 "
            "ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
        )
    conn.exec_driver_sql(f"REVOKE ALL ON DATABASE {q(names.database)} FROM PUBLIC")
    conn.exec_driver_sql(f"GRANT CONNECT, TEMPORARY ON DATABASE {q(names.database)} TO {q(names.app)}")


def prepare_schema(conn: Connection, names: ServerNames) -> None:
    """In the new database (as administrator): amcheck for ``verify``, the public schema closed to others."""
    try:
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS amcheck")
    except Exception:
        log.warning("amcheck is not available; verify checks no index")
    conn.exec_driver_sql("REVOKE ALL ON SCHEMA public FROM PUBLIC")
    conn.exec_driver_sql(f"ALTER SCHEMA public OWNER TO {q(names.owner)}")
    conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {q(names.app)}")


def apply_grants(conn: Connection, names: ServerNames) -> None:
    """The application role's rights on every table (run again after each migration)."""
    app = q(names.app)
    conn.exec_driver_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {app}")
    conn.exec_driver_sql(f"GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO {app}")
    conn.exec_driver_sql(f"REVOKE INSERT, UPDATE ON audit_log, alembic_version FROM {app}")
    conn.exec_driver_sql(f"GRANT INSERT ON audit_log TO {app}")
    # the one table rows leave: a package waiting for an earlier one, once applied (services.exchange.apply)
    if conn.exec_driver_sql("SELECT to_regclass('exchange_pending')").scalar() is not None:
        conn.exec_driver_sql(f"GRANT DELETE ON exchange_pending TO {app}")
    conn.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app}")
    has_amcheck = conn.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'amcheck'").first()
    if has_amcheck:
        conn.exec_driver_sql(f"GRANT EXECUTE ON FUNCTION bt_index_check(regclass, boolean) TO {app}")


def migrate_as_owner(
    address: str, names: ServerNames, *, password: str | None = None, target: str = "head"
) -> None:
    """Run the migrations in the database as its owner role (then the server's forms of what they made,
    ``server_forms``), then renew the application role's grants."""
    from quzhou_desktop.store.schema import migrate_connection

    url = server_url(with_database(address, names.database), password=password)
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"SET LOCAL ROLE {q(names.owner)}")
            migrate_connection(conn, target)
            server_forms(conn)
            conn.exec_driver_sql("RESET ROLE")
            apply_grants(conn, names)
    finally:
        engine.dispose()


def create_server_database(
    address: str, names: ServerNames, *, app_password: str | None, admin_password: str | None = None
) -> None:
    """Roles, database, schema at head and grants. ``address`` is the administrator's login."""
    with admin_connection(address, password=admin_password) as conn:
        create_roles(conn, names, app_password)
        create_database(conn, names)
    with admin_connection(address, names.database, password=admin_password) as conn:
        prepare_schema(conn, names)
    migrate_as_owner(address, names, password=admin_password)
    log.info("created %s", display_url(with_database(address, names.database)))


def app_address(address: str, names: ServerNames) -> str:
    """What the office PCs use: the same server and options, the application role, no password."""
    return display_url(with_database(address, names.database, user=names.app))


def restore_names(address: str, app: str, *, password: str | None = None) -> ServerNames:
    """Check that the login in ``address`` (its database the one to be restored) may restore it, and name
    the roles involved: the database's owner role (read from the server) and ``app``, the application role.

    A restore creates a fresh database owned by the owner role, loads the backup as that role, ends the
    office PCs' sessions and renames both databases: a superuser may, or a role with CREATEDB that is a
    member of the owner role and of ``pg_signal_backend``. Refuses in Chinese (``ServerSetupError``) otherwise;
    a refused login raises the usual ``ServerLoginFailed`` / ``ServerPasswordNeeded``."""
    from sqlalchemy.exc import DBAPIError

    from quzhou_desktop.store.dialects.postgres import translate

    database = database_of(address)
    user = make_url(address).username or ""
    if user == app:
        raise ServerSetupError(
            f"服务器用户 {user} 是各办公电脑使用的程序角色，不能恢复数据库。"
            "请填写服务器管理员（通常是 postgres）的用户名和密码"
        )
    try:
        with admin_connection(address, password=password) as conn:
            row = conn.exec_driver_sql(
                "SELECT r.rolsuper, r.rolcreatedb, pg_get_userbyid(d.datdba), "
                "pg_has_role(current_user, d.datdba, 'MEMBER'), "
                "pg_has_role(current_user, 'pg_signal_backend', 'MEMBER') "
                "FROM pg_roles r, pg_database d WHERE r.rolname = current_user AND d.datname = %s",
                (database,),
            ).first()
    except DBAPIError as exc:
        mapped = translate(exc)
        if mapped is not None:
            raise mapped from exc
        raise
    if row is None:
        raise ServerSetupError(f"服务器上没有数据库 {database}")
    superuser, createdb, owner, in_owner, signals = row
    if not superuser and not (createdb and in_owner and signals):
        missing = [
            what
            for what, ok in (
                ("建库权限（CREATEDB）", createdb),
                (f"数据库所有者角色 {owner} 的成员身份", in_owner),
                ("结束其他电脑连接的权限（pg_signal_backend）", signals),
            )
            if not ok
        ]
        raise ServerSetupError(
            f"服务器用户 {user} 不能恢复数据库 {database}：缺少{'、'.join(missing)}。"
            "请改用服务器管理员（通常是 postgres）的登录，或请单位的系统管理员授权"
        )
    return ServerNames.for_database(database, owner, app)
