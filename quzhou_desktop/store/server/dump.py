"""Backups of a server database with pg_dump (custom format) and restores with pg_restore.

The same safety rules as for a SQLite file: a backup is written to a temporary name and renamed when
complete, readable by its owner only; a restore goes into a *fresh* database, is verified there (chain,
records, attachments, indexes), and only then takes the old database's name. The old database is kept under
``<name>_before_restore_<time>`` as the safety copy; a backup that fails verification is dropped and the
database in use is not touched.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.store.server.roles import (
    ServerNames,
    admin_connection,
    apply_grants,
    create_database,
    prepare_schema,
    q,
    with_database,
)

if TYPE_CHECKING:
    from quzhou_desktop.store.db import Database

log = logging.getLogger(__name__)


class ServerBackupError(QuzhouError):
    code = "server.backup"
    template = "{message}"


class ServerRestoreRefused(QuzhouError):
    code = "server.restore_refused"
    template = "备份未通过校验，没有恢复，正在使用的数据库未作修改：{problem}"


def find_tool(name: str) -> str:
    """pg_dump / pg_restore: on PATH, else the newest of Debian's /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
        reverse=True,
    )
    if candidates:
        return str(candidates[0])
    raise ServerBackupError(
        f"找不到 {name}：请在这台电脑上安装 PostgreSQL 客户端（Debian：postgresql-client）"
    )


def _libpq_env(password: str | None) -> dict[str, str]:
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = password  # only for the child process, never written anywhere
    return env


def _conninfo(address: str) -> str:
    return make_url(address).set(drivername="postgresql").render_as_string(hide_password=False)


def default_backup_path(address: str, *, now: datetime | None = None) -> Path:
    from quzhou_desktop.paths import data_dir, ensure_private_dir

    now = now or datetime.now()
    name = make_url(address).database or "quzhou"
    folder = ensure_private_dir(data_dir() / "server-backups")
    return folder / f"{name}-{now:%Y%m%d-%H%M%S}.dump"


def backup(address: str, dest: Path | None = None, *, password: str | None = None) -> Path:
    """pg_dump the database at ``address`` (any login that may read every table: the app role does)."""
    dest = dest or default_backup_path(address)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".partial")
    cmd = [find_tool("pg_dump"), "--format=custom", "--file", str(tmp), "--dbname", _conninfo(address)]
    proc = subprocess.run(cmd, env=_libpq_env(password), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise ServerBackupError(
            f"备份失败：{proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else proc.returncode}"
        )
    if os.name == "posix":
        tmp.chmod(0o600)
    tmp.replace(dest)
    log.info("server backup -> %s", dest)
    return dest


def anchors_beside(dump: Path) -> Path:
    """The anchor journal lines a server backup carries, in a file beside the dump (``verify --anchor`` reads
    it like any journal): ``quzhou-….dump.anchors``."""
    return dump.with_name(dump.name + ".anchors")


def backup_database(db: Database, dest: Path | None = None, anchor_lines: Sequence[str] = ()) -> Path:
    """pg_dump the server database ``db`` is open on, with its own login; ``anchor_lines`` go beside it."""
    assert db.server_url is not None, "a server database"
    address = db.read_engine.url.render_as_string(hide_password=False)
    out = backup(address, dest)
    if anchor_lines:
        side = anchors_beside(out)
        tmp = side.with_name(side.name + ".partial")
        tmp.write_text("".join(line.strip() + "\n" for line in anchor_lines), encoding="utf-8")
        if os.name == "posix":
            tmp.chmod(0o600)
        tmp.replace(side)
    return out


def _restore_list(dump: Path, env: dict[str, str]) -> str:
    """pg_restore's table of contents without extensions and comments (``server`` makes those itself)."""
    proc = subprocess.run(
        [find_tool("pg_restore"), "--list", str(dump)], env=env, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise ServerRestoreRefused(problem="这不是本系统的服务器备份文件（pg_dump 自定义格式）")
    keep = [line for line in proc.stdout.splitlines() if not re.search(r" (EXTENSION|COMMENT) ", line)]
    return "\n".join(keep) + "\n"


def restore(
    dump: Path, address: str, names: ServerNames, *, password: str | None = None, now: datetime | None = None
) -> str:
    """Restore ``dump`` over the database ``names.database``; ``address`` is the administrator's login.
    Returns the name under which the previous database was kept."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    from quzhou_desktop.store.audit.verify import verify_all
    from quzhou_desktop.store.dialects.postgres import server_url

    if not dump.is_file():
        raise ServerBackupError(f"备份文件不存在：{dump}")
    env = _libpq_env(password)
    listing = _restore_list(dump, env)
    stamp = f"{(now or datetime.now()):%Y%m%d%H%M%S}"
    fresh = ServerNames(f"{names.database}_restore_{stamp}", names.owner, names.app)
    with admin_connection(address, password=password) as conn:
        create_database(conn, fresh)
    try:
        with admin_connection(address, fresh.database, password=password) as conn:
            prepare_schema(conn, fresh)
        list_file = dump.with_name(dump.name + f".{stamp}.list")
        try:
            list_file.write_text(listing, encoding="utf-8")
            cmd = [
                find_tool("pg_restore"), "--exit-on-error", "--single-transaction", "--no-owner",
                "--no-privileges", f"--role={names.owner}", "--use-list", str(list_file),
                "--dbname", _conninfo(with_database(address, fresh.database)), str(dump),
            ]  # fmt: skip
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        finally:
            list_file.unlink(missing_ok=True)
        if proc.returncode != 0:
            raise ServerRestoreRefused(problem=(proc.stderr.strip().splitlines() or ["pg_restore"])[-1])
        with admin_connection(address, fresh.database, password=password) as conn:
            apply_grants(conn, fresh)
        engine = create_engine(
            server_url(with_database(address, fresh.database), password=password), poolclass=NullPool
        )
        try:
            with engine.connect() as conn:
                problems = verify_all(conn)
        finally:
            engine.dispose()
        if problems:
            raise ServerRestoreRefused(problem=problems[0].message)
    except BaseException:
        with admin_connection(address, password=password) as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {q(fresh.database)} WITH (FORCE)")
        raise
    safety = f"{names.database}_before_restore_{stamp}"
    with admin_connection(address, password=password) as conn:
        conn.exec_driver_sql(f"ALTER DATABASE {q(names.database)} ALLOW_CONNECTIONS false")
        conn.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (names.database,),
        )
        conn.exec_driver_sql(f"ALTER DATABASE {q(names.database)} RENAME TO {q(safety)}")
        conn.exec_driver_sql(f"ALTER DATABASE {q(fresh.database)} RENAME TO {q(names.database)}")
        conn.exec_driver_sql(f"ALTER DATABASE {q(safety)} ALLOW_CONNECTIONS true")
        conn.exec_driver_sql(f"REVOKE CONNECT ON DATABASE {q(safety)} FROM {q(names.app)}")
    log.info("restored %s from %s (previous kept as %s)", names.database, dump, safety)
    return safety
