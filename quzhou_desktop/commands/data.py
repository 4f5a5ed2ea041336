"""`backup`, `restore`, `verify` and `selftest`."""

from __future__ import annotations

import argparse
from pathlib import Path

from quzhou_desktop.commands import Subcommands
from quzhou_desktop.commands.common import (
    EXIT_PROBLEM,
    CommandError,
    add_user_arg,
    db_path,
    login,
    open_context,
)


def register(sub: Subcommands) -> None:
    b = sub.add_parser("backup", help="备份数据库（含附件）")
    b.add_argument("--db", help="数据库文件路径")
    b.add_argument("--out", help="备份到此文件（默认放在数据库旁的备份文件夹，自动轮换）")
    b.set_defaults(handler=cmd_backup)

    r = sub.add_parser("restore", help="从备份恢复数据库（先校验备份，原库另存一份）")
    r.add_argument("backup", help="备份文件")
    r.add_argument("--db", help="要恢复到的数据库文件路径")
    add_user_arg(r)
    r.set_defaults(handler=cmd_restore)

    v = sub.add_parser(
        "verify", help="校验数据库：完整性、审计链、每条记录与审计日志是否一致、附件、电子签名与账号授权"
    )
    v.add_argument("--db", help="数据库文件路径")
    v.set_defaults(handler=cmd_verify)

    s = sub.add_parser("selftest", help="自检：在内存数据库中演练存储层，成功则退出码为 0")
    s.set_defaults(handler=cmd_selftest)


def cmd_backup(args: argparse.Namespace) -> int:
    from quzhou_desktop.store.backup import make_backup

    path = db_path(args)
    ctx = open_context(args)  # checks the file is ours and up to date
    ctx.db.dispose()
    dest = make_backup(path, reason="manual", dest=Path(args.out).expanduser() if args.out else None)
    print(f"已备份到 {dest}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from quzhou_desktop.services.kernel.maintenance import restore_backup

    ctx = open_context(args)
    try:
        login(ctx, args)
        safety = restore_backup(ctx, Path(args.backup).expanduser())
    finally:
        ctx.db.dispose()
    print(f"已从 {args.backup} 恢复。恢复前的数据库另存为 {safety}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from quzhou_desktop.services.integrity import verify_db

    ctx = open_context(args)
    try:
        report = verify_db(ctx.db)
    finally:
        ctx.db.dispose()
    if report.problems:
        print(f"校验未通过：{db_path(args)}")
        for p in report.problems:
            print(f"  - {p.message}")
        for note in report.notes:
            print(f"  · {note}")
        return EXIT_PROBLEM
    print(
        f"校验通过：{db_path(args)}（完整性正常，审计日志 {report.entries} 条，记录与日志一致，附件完好，"
        "电子签名与账号授权有效）"
    )
    for note in report.notes:
        print(f"  · {note}")
    return 0


def cmd_selftest(args: argparse.Namespace) -> int:
    from quzhou_desktop.services.integrity import verify_db
    from quzhou_desktop.services.kernel.auth import login as do_login
    from quzhou_desktop.services.kernel.context import AppContext
    from quzhou_desktop.services.roster.people import PersonFields, add_person, list_people
    from quzhou_desktop.services.roster.setup import initialise
    from quzhou_desktop.services.roster.villages import VillageSpec, list_villages
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
    problems = verify_db(ctx.db).problems
    if problems:
        raise CommandError("自检失败：" + problems[0].message)
    print("自检通过：存储、审计链与校验工作正常")
    return 0
