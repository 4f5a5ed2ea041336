"""`backup`, `restore`, `verify` and `selftest`."""

from __future__ import annotations

import argparse
from pathlib import Path

from quzhou_desktop.commands import EXIT_PROBLEM, Subcommands
from quzhou_desktop.commands.common import (
    CommandError,
    add_user_arg,
    db_path,
    db_target,
    login,
    open_context,
)


def register(sub: Subcommands) -> None:
    b = sub.add_parser("backup", help="备份数据库（含附件）")
    b.add_argument("--db", help="数据库文件路径，或单位服务器地址 postgresql://…")
    b.add_argument("--out", help="备份到此文件（默认放在数据库旁的备份文件夹，自动轮换）")
    b.set_defaults(handler=cmd_backup)

    r = sub.add_parser("restore", help="从备份恢复数据库（先校验备份，原库另存一份）")
    r.add_argument("backup", help="备份文件")
    r.add_argument("--db", help="要恢复到的数据库文件路径")
    r.add_argument("--owner", metavar="角色名", help="服务器：数据库所有者角色名（默认 数据库名_owner）")
    r.add_argument("--app-user", metavar="角色名", help="服务器：程序角色名（默认 数据库名_app）")
    add_user_arg(r)
    r.set_defaults(handler=cmd_restore)

    v = sub.add_parser("verify", help="校验数据库：完整性、审计链、每条记录与审计日志是否一致、附件")
    v.add_argument("--db", help="数据库文件路径，或单位服务器地址 postgresql://…")
    v.set_defaults(handler=cmd_verify)

    s = sub.add_parser("selftest", help="自检：在内存数据库中演练存储层，成功则退出码为 0")
    s.set_defaults(handler=cmd_selftest)


def cmd_backup(args: argparse.Namespace) -> int:
    from quzhou_desktop.store.backup import make_backup

    target = db_target(args)
    if isinstance(target, str):  # a server: pg_dump, custom format
        from quzhou_desktop.store.server.dump import backup

        open_context(args).db.dispose()  # checks the address, the login and the schema first
        dest_file = backup(target, Path(args.out).expanduser() if args.out else None)
        print(f"已备份到 {dest_file}")
        return 0
    path = db_path(args)
    ctx = open_context(args)  # checks the file is ours and up to date
    ctx.db.dispose()
    dest = make_backup(path, reason="manual", dest=Path(args.out).expanduser() if args.out else None)
    print(f"已备份到 {dest}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from quzhou_desktop.services.kernel.maintenance import restore_backup

    target = db_target(args)
    if isinstance(target, str):
        return _restore_server(args, target)
    ctx = open_context(args)
    try:
        login(ctx, args)
        safety = restore_backup(ctx, Path(args.backup).expanduser())
    finally:
        ctx.db.dispose()
    print(f"已从 {args.backup} 恢复。恢复前的数据库另存为 {safety}")
    return 0


def _restore_server(args: argparse.Namespace, address: str) -> int:
    """Into a fresh database, verified, then switched; ``address`` is the server administrator's login."""
    from quzhou_desktop.services.kernel.maintenance import check_restore_right
    from quzhou_desktop.store.server.dump import restore
    from quzhou_desktop.store.server.roles import ServerNames, database_of

    ctx = open_context(args)
    try:
        login(ctx, args)
        check_restore_right(ctx)
    finally:
        ctx.db.dispose()
    names = ServerNames.for_database(database_of(address), args.owner, args.app_user)
    safety = restore(Path(args.backup).expanduser(), address, names)
    print(f"已从 {args.backup} 恢复。恢复前的数据库保留为 {safety}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from quzhou_desktop.store.audit.verify import verify_all

    ctx = open_context(args)
    try:
        with ctx.db.read_engine.connect() as conn:
            problems = verify_all(conn)
            entries = conn.exec_driver_sql("SELECT count(*) FROM audit_log").scalar()
    finally:
        ctx.db.dispose()
    if problems:
        print(f"校验未通过：{ctx.db.label}")
        for p in problems:
            print(f"  - {p.message}")
        return EXIT_PROBLEM
    print(f"校验通过：{ctx.db.label}（完整性正常，审计日志 {entries} 条，记录与日志一致，附件完好）")
    return 0


def cmd_selftest(args: argparse.Namespace) -> int:
    from quzhou_desktop.services.kernel.auth import login as do_login
    from quzhou_desktop.services.kernel.context import AppContext
    from quzhou_desktop.services.roster.people import PersonFields, add_person, list_people
    from quzhou_desktop.services.roster.setup import initialise
    from quzhou_desktop.services.roster.villages import VillageSpec, list_villages
    from quzhou_desktop.store.audit.verify import verify_all
    from quzhou_desktop.store.db import Database

    ctx = AppContext(Database(None))
    initialise(
        ctx,
        township_name="自检镇",
        villages=[VillageSpec(name="自检村", households=100, adults=300)],
        admin_username="selftest",
        admin_password="selftest-pass-1",
        admin_display_name="自检",
    )
    do_login(ctx, "selftest", "selftest-pass-1")
    village = list_villages(ctx)[0]
    add_person(ctx, village.id, PersonFields(name="张三", gender="男"))
    if [p.name for p in list_people(ctx, village.id)] != ["张三"]:
        raise CommandError("自检失败：写入的人员读不回来")
    with ctx.db.read_engine.connect() as conn:
        problems = verify_all(conn)
    if problems:
        raise CommandError("自检失败：" + problems[0].message)
    print("自检通过：存储、审计链与校验工作正常")
    return 0
