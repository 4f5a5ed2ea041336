"""`server init | upgrade | migrate-from`: a PostgreSQL server database for a township LAN or a county.

Each takes the administrator's address (a superuser such as ``postgres``) with the database name, e.g.
``postgresql://postgres@192.168.1.10/quzhou``. Passwords come from the PostgreSQL password file
(``~/.pgpass`` or ``PGPASSFILE``), ``PGPASSWORD``, or a prompt; the app never writes one down.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from quzhou_desktop.commands import Subcommands
from quzhou_desktop.commands.common import CommandError, read_password
from quzhou_desktop.commands.setup import village_names

if TYPE_CHECKING:
    from quzhou_desktop.store.server.roles import ServerNames


def register(sub: Subcommands) -> None:
    s = sub.add_parser("server", help="单位服务器（PostgreSQL）：建库、升级、从数据库文件迁移")
    ssub = s.add_subparsers(
        dest="server_command",
        metavar="操作",
        required=True,
        help="init 建库、upgrade 升级、migrate-from 从数据库文件迁入",
    )

    i = ssub.add_parser("init", help="在服务器上建库：数据库、所有者角色、程序用的角色、首位管理员")
    _common(i)
    i.add_argument("--township", required=True, help="乡镇名称（区县服务器填区县名称）")
    i.add_argument("--villages", help="村名，用逗号分隔，如 甲村,乙村（区县服务器不填）")
    i.add_argument("--admin", required=True, help="本系统管理员用户名（密码从提示或 QUZHOU_PASSWORD 读取）")
    i.add_argument("--admin-name", help="管理员姓名（默认同用户名）")
    i.add_argument(
        "--site-kind", choices=("township", "county"),
        help="站点类型：township 乡镇或 county 区县（接收各乡镇的数据包，只查看）；默认按村的个数",
    )  # fmt: skip
    i.set_defaults(handler=cmd_init)

    u = ssub.add_parser("upgrade", help="新版本程序需要时，升级服务器上的数据库结构（先备份）")
    _common(u, app_password=False)
    u.set_defaults(handler=cmd_upgrade)

    m = ssub.add_parser("migrate-from", help="把一个乡镇的数据库文件整体复制到服务器上，并核对两边一致")
    m.add_argument("file", help="乡镇的数据库文件（.sqlite3）")
    _common(m)
    m.set_defaults(handler=cmd_migrate_from)


def _common(p: argparse.ArgumentParser, *, app_password: bool = True) -> None:
    p.add_argument(
        "address", metavar="postgresql://管理员@服务器/数据库名", help="服务器管理员的连接地址，含数据库名"
    )
    p.add_argument("--owner", metavar="角色名", help="数据库所有者角色名（默认 数据库名_owner）")
    p.add_argument("--app-user", metavar="角色名", help="各办公电脑连接用的角色名（默认 数据库名_app）")
    if app_password:
        p.add_argument(
            "--no-app-password",
            action="store_true",
            help="不给程序角色设密码（服务器用证书或其他方式认证时）",
        )


def _names(args: argparse.Namespace) -> ServerNames:
    from quzhou_desktop.store.server.roles import ServerNames, database_of

    _check_address(args.address)
    return ServerNames.for_database(database_of(args.address), args.owner, args.app_user)


def _check_address(address: str) -> None:
    from quzhou_desktop.store.dialects import is_server_url

    if not is_server_url(address):
        raise CommandError(
            "服务器地址应以 postgresql:// 开头，例如 postgresql://postgres@192.168.1.10/quzhou"
        )


def _app_password(args: argparse.Namespace, user: str) -> str | None:
    if args.no_app_password:
        return None
    value = os.environ.get("QUZHOU_APP_DB_PASSWORD")
    if value:
        return value
    first = read_password(f"为程序角色 {user} 设一个密码：", env="QUZHOU_APP_DB_PASSWORD")
    if len(first) < 10:
        raise CommandError("程序角色的密码至少 10 位")
    if sys.stdin.isatty() and read_password("再输一次：", env="QUZHOU_APP_DB_PASSWORD_CONFIRM") != first:
        raise CommandError("两次输入的密码不一致")
    return first


def _print_next_steps(args: argparse.Namespace, names: ServerNames) -> None:
    from quzhou_desktop.store.server.roles import app_address

    print(f"各办公电脑连接地址：{app_address(args.address, names)}")
    print("程序角色的密码请写入各电脑的 PostgreSQL 密码文件（见 docs/SERVER.md），或在程序提示时输入。")


def cmd_init(args: argparse.Namespace) -> int:
    from quzhou_desktop.services.kernel.context import AppContext
    from quzhou_desktop.services.roster.setup import initialise
    from quzhou_desktop.services.roster.villages import VillageSpec
    from quzhou_desktop.store.db import Database
    from quzhou_desktop.store.server.roles import create_server_database, with_database

    names = _names(args)
    villages = village_names(args.villages, args.site_kind)
    admin_password = read_password("本系统管理员密码：")
    if not os.environ.get("QUZHOU_PASSWORD") and sys.stdin.isatty():
        if read_password("再输一次：", env="QUZHOU_PASSWORD_CONFIRM") != admin_password:
            raise CommandError("两次输入的密码不一致")
    app_password = _app_password(args, names.app)
    create_server_database(args.address, names, app_password=app_password)
    db = Database(with_database(args.address, names.database))
    try:
        initialise(
            AppContext(db),
            township_name=args.township,
            villages=[VillageSpec(name=n) for n in villages],
            admin_username=args.admin,
            admin_password=admin_password,
            admin_display_name=args.admin_name or args.admin,
            site_kind=args.site_kind,
        )
    finally:
        db.dispose()
    what = f"{len(villages)} 个村" if villages else "区县站点（各乡镇的记录随数据包到达，只查看）"
    print(f"已在服务器上建库 {names.database}：{args.township}，{what}，管理员 {args.admin}")
    print(f"所有者角色 {names.owner}（不登录），程序角色 {names.app}")
    _print_next_steps(args, names)
    return 0


def cmd_upgrade(args: argparse.Namespace) -> int:
    from quzhou_desktop.store.server.dump import backup
    from quzhou_desktop.store.server.roles import migrate_as_owner

    names = _names(args)
    dest = backup(args.address)
    print(f"升级前已备份到 {dest}")
    migrate_as_owner(args.address, names)
    print(f"数据库 {names.database} 已升级到当前版本")
    return 0


def cmd_migrate_from(args: argparse.Namespace) -> int:
    from quzhou_desktop.store.server.copy import migrate_from

    source = Path(args.file).expanduser()
    if not source.is_file():
        raise CommandError(f"数据库文件不存在：{source}")
    names = _names(args)
    app_password = _app_password(args, names.app)
    shown: dict[str, int] = {}

    def progress(table: str, rows: int) -> None:
        if rows - shown.get(table, 0) >= 50_000:
            shown[table] = rows
            print(f"  正在复制 {table}：{rows} 行", file=sys.stderr, flush=True)

    print(f"正在把 {source} 复制到服务器……", file=sys.stderr, flush=True)
    report = migrate_from(source, args.address, names, app_password=app_password, progress=progress)
    rows = sum(report.tables.values())
    print(f"已把 {source} 复制到服务器数据库 {names.database}：{rows} 行，审计日志 {report.audit_entries} 条")
    print("核对通过：两边的每张表逐行一致，审计链的最后一条相同，服务器上校验通过")
    _print_next_steps(args, names)
    return 0
