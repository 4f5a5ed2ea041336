"""`backup`, `restore`, `safety-copies`, `verify`, `site` and `selftest`."""

from __future__ import annotations

import argparse
from pathlib import Path

from quzhou_desktop.commands import EXIT_PROBLEM, Subcommands
from quzhou_desktop.commands.common import (
    CommandError,
    add_user_arg,
    db_target,
    login,
    open_context,
)


def register(sub: Subcommands) -> None:
    b = sub.add_parser("backup", help="备份数据库（含附件和锚点；需要登录，记入审计日志）")
    b.add_argument("--db", help="数据库文件路径，或单位服务器地址 postgresql://…")
    b.add_argument("--out", help="备份到此文件（默认放在数据库旁的备份文件夹，自动轮换）")
    add_user_arg(b)
    b.set_defaults(handler=cmd_backup)

    r = sub.add_parser("restore", help="从备份恢复数据库（先校验备份，原库另存一份恢复前副本，记入审计日志）")
    r.add_argument("backup", help="备份文件")
    r.add_argument("--db", help="要恢复到的数据库文件路径")
    r.add_argument("--owner", metavar="角色名", help="服务器：数据库所有者角色名（默认 数据库名_owner）")
    r.add_argument("--app-user", metavar="角色名", help="服务器：程序角色名（默认 数据库名_app）")
    add_user_arg(r)
    r.set_defaults(handler=cmd_restore)

    sc = sub.add_parser("safety-copies", help="列出恢复前副本（不参与自动轮换），或删除其中一个（管理员）")
    sc.add_argument("--db", help="数据库文件路径")
    sc.add_argument("--delete", metavar="FILE", help="删除这个恢复前副本")
    add_user_arg(sc)
    sc.set_defaults(handler=cmd_safety_copies)

    v = sub.add_parser(
        "verify",
        help="校验数据库：完整性、审计链、每条记录与审计日志是否一致、附件、电子签名与账号授权，"
        "以及数据库之外的锚点",
    )
    v.add_argument("--db", help="数据库文件路径，或单位服务器地址 postgresql://…")
    v.add_argument(
        "--anchor", action="append", default=[], metavar="FILE",
        help="另用这个锚点文件核对（从U盘拷来的锚点日志、回执或备份文件；可多次给出）",
    )  # fmt: skip
    v.add_argument(
        "--notice", action="append", default=[], metavar="CODE",
        help="另用纸面公告的核验码核对审计日志（可多次给出）",
    )  # fmt: skip
    v.set_defaults(handler=cmd_verify)

    st = sub.add_parser("site", help="显示本数据库的站点标识、站点密钥指纹和锚点日志位置")
    st.add_argument("--db", help="数据库文件路径")
    st.set_defaults(handler=cmd_site)

    s = sub.add_parser("selftest", help="自检：在内存数据库中演练存储层，成功则退出码为 0")
    s.set_defaults(handler=cmd_selftest)


def cmd_backup(args: argparse.Namespace) -> int:
    from quzhou_desktop.services.kernel.maintenance import backup_now

    ctx = open_context(args)  # checks the file is ours and up to date
    try:
        login(ctx, args)
        dest = backup_now(ctx, dest=Path(args.out).expanduser() if args.out else None)
    finally:
        ctx.db.dispose()
    print(f"已备份到 {dest}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from quzhou_desktop.services.kernel.maintenance import restore_backup

    target = db_target(args)
    if isinstance(target, str):
        return _restore_server(args, target)
    ctx = open_context(args)
    try:
        password = login(ctx, args)
        outcome = restore_backup(ctx, Path(args.backup).expanduser(), password)
    finally:
        ctx.db.dispose()
    signed = "，并由您签名" if outcome.signed else "（备份早于您的签名密钥，这次恢复未能签名）"
    print(f"已从 {args.backup} 恢复，已记入审计日志第{outcome.act_seq}条{signed}。")
    if outcome.safety_copy is not None:
        print(
            f"恢复前的数据库另存为 {outcome.safety_copy}（不会被自动清理，确认不再需要后用 safety-copies --delete 删除）"
        )
    return 0


def cmd_safety_copies(args: argparse.Namespace) -> int:
    from quzhou_desktop.services.kernel.maintenance import delete_safety_copy, list_safety_copies

    ctx = open_context(args)
    try:
        login(ctx, args)
        if args.delete:
            delete_safety_copy(ctx, Path(args.delete).expanduser())
            print(f"已删除恢复前副本 {args.delete}（已记入审计日志）")
            return 0
        copies = list_safety_copies(ctx)
    finally:
        ctx.db.dispose()
    if not copies:
        print("没有恢复前副本。")
    for c in copies:
        print(f"{c.taken_at:%Y-%m-%d %H:%M:%S}  {c.size // 1024} KB  {c.path}")
    return 0


def _restore_server(args: argparse.Namespace, address: str) -> int:
    """Into a fresh database, verified, then switched; ``address`` is the server administrator's login."""
    from quzhou_desktop.services.kernel.server_backup import restore_server
    from quzhou_desktop.store.server.roles import ServerNames, database_of

    names = ServerNames.for_database(database_of(address), args.owner, args.app_user)
    ctx = open_context(args)
    try:
        password = login(ctx, args)
        outcome = restore_server(ctx, Path(args.backup).expanduser(), address, names, password)
    finally:
        ctx.db.dispose()
    signed = "，并由您签名" if outcome.signed else "（备份早于您的签名密钥，这次恢复未能签名）"
    print(f"已从 {args.backup} 恢复，已记入审计日志第{outcome.act_seq}条{signed}。")
    print(f"恢复前的数据库保留为服务器上的 {outcome.safety_copy}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from quzhou_desktop.services.verification.run import verify

    files = [Path(a).expanduser() for a in args.anchor]
    for f in files:
        if not f.is_file():
            raise CommandError(f"锚点文件不存在：{f}")
    ctx = open_context(args)
    try:
        report = verify(ctx, anchor_files=files, notice_codes=list(args.notice))
    finally:
        ctx.db.dispose()
    print(report.summary)
    for p in report.problems:
        print(f"  - {p.message}")
    if report.notes:
        print("说明：")
        for note in report.notes:
            print(f"  - {note}")
    return 0 if report.ok else EXIT_PROBLEM


def cmd_site(args: argparse.Namespace) -> int:
    from quzhou_desktop.paths import anchor_journal_path, site_key_path
    from quzhou_desktop.services.kernel.site import local_key, read_site
    from quzhou_desktop.store.anchors import read_journal

    ctx = open_context(args)
    try:
        site = read_site(ctx.db)
    finally:
        ctx.db.dispose()
    if site is None:
        print("这个数据库还没有站点标识：请用管理员账号登录一次（程序界面或任一需要 --user 的命令）。")
        return EXIT_PROBLEM
    key = local_key(site)
    print(f"站点：{site.name}（{site.kind_label}），编号 {site.id}")
    for n, fp in enumerate(site.fingerprints, 1):
        mine = "（本机）" if key is not None and fp == site.fingerprints[site.keys.index(key.public)] else ""
        print(f"站点密钥 {n} 指纹：{fp}{mine}")
    if key is None:
        print(f"本机没有这个站点的密钥（{site_key_path(site.id)}）：请用管理员账号登录一次。")
    journal = anchor_journal_path(site.id)
    print(f"锚点日志：{journal}（{len(read_journal(journal))} 条）")
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
