"""`init` (first-run setup without the GUI), `passwd` (change one's own password) and `demo` (a realistic demo
township)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from quzhou_desktop.commands import Subcommands
from quzhou_desktop.commands.common import CommandError, add_user_arg, db_path, open_context, read_password
from quzhou_desktop.services.roster.villages import VillageSpec


def register(sub: Subcommands) -> None:
    p = sub.add_parser("init", help="首次设置：创建乡镇、村和管理员账号（不打开界面）")
    p.add_argument("--db", help="新数据库文件路径（必填）")
    p.add_argument("--township", required=True, help="乡镇名称（区县站点填区县名称）")
    p.add_argument("--villages", help="村名，用逗号分隔，如 甲村,乙村（区县站点不填）")
    p.add_argument("--admin", required=True, help="管理员用户名（密码从提示或 QUZHOU_PASSWORD 读取）")
    p.add_argument("--admin-name", help="管理员姓名（默认同用户名）")
    p.add_argument("--sheet", help="管理员恢复单（PDF）保存到此文件（默认放在数据库旁）")
    p.add_argument(
        "--site-kind", choices=("township", "village", "county"),
        help="站点类型：township 乡镇（多个村）、village 村（一个村）或 county 区县（只查看各乡镇报送的记录）；"
        "默认按村的个数",
    )  # fmt: skip
    p.set_defaults(handler=cmd_init, db_required=True)

    pw = sub.add_parser("passwd", help="修改自己的密码（管理员重置或新建账号后必须先改）")
    pw.add_argument("--db", help="数据库文件路径")
    add_user_arg(pw)
    pw.set_defaults(handler=cmd_passwd)

    d = sub.add_parser(
        "demo", help="创建一个演示乡镇（多个村、花名册、各类事项、凭证和公开），每个角色一个用户"
    )
    d.add_argument("--db", help="演示数据库文件路径（必填，不能已存在）")
    d.add_argument("--seed", type=int, default=2026, help="随机种子（默认 2026）")
    d.set_defaults(handler=cmd_demo, db_required=True)


def _split_villages(text: str) -> list[str]:
    for sep in ("，", "、", ";", "；"):
        text = text.replace(sep, ",")
    return [v.strip() for v in text.split(",") if v.strip()]


def village_names(text: str | None, site_kind: str | None) -> list[str]:
    """The villages of ``--villages``: at least one, or none for a county (区县) site."""
    names = _split_villages(text or "")
    if site_kind == "county":
        if names:
            raise CommandError("区县站点不添加村（--villages 不填）：各村的记录随乡镇报送的数据包到达")
        return []
    if not names:
        raise CommandError("--villages 至少要有一个村名（区县站点用 --site-kind county）")
    return names


def cmd_init(args: argparse.Namespace) -> int:
    from quzhou_desktop.services.kernel.site import read_site
    from quzhou_desktop.services.roster.setup import initialise, is_initialised

    path = db_path(args)
    names = village_names(args.villages, args.site_kind)
    password = read_password("管理员密码：")
    if not os.environ.get("QUZHOU_PASSWORD") and sys.stdin.isatty():
        if read_password("再输一次：", env="QUZHOU_PASSWORD_CONFIRM") != password:
            raise CommandError("两次输入的密码不一致")
    ctx = open_context(args, create=True)
    try:
        if is_initialised(ctx):
            raise CommandError(f"数据库 {path} 已经完成过首次设置，未作修改")
        sheet = initialise(
            ctx,
            township_name=args.township,
            villages=[VillageSpec(name=n) for n in names],
            admin_username=args.admin,
            admin_password=password,
            admin_display_name=args.admin_name or args.admin,
            site_kind=args.site_kind,
        )
        site = read_site(ctx.db)
    finally:
        ctx.db.dispose()
    what = (
        f"{len(names)} 个村（{'、'.join(names)}）"
        if names
        else "区县站点（各乡镇的记录随数据包到达，只查看）"
    )
    print(f"已创建数据库 {path}：{args.township}，{what}，管理员 {args.admin}")
    if site is not None:
        print(f"站点：{site.name}（{site.kind_label}），站点密钥指纹：{site.fingerprints[-1]}")
    from quzhou_desktop.commands.trust import default_sheet_path, print_sheet

    print_sheet(sheet, default_sheet_path(args, sheet.township), heading="管理员是本数据库的信任根：")
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    from quzhou_desktop.services.kernel.anchoring import after_login
    from quzhou_desktop.services.kernel.auth import change_password
    from quzhou_desktop.services.kernel.auth import login as do_login

    ctx = open_context(args)
    try:
        old = read_password(f"用户 {args.user} 的原密码：")
        do_login(ctx, args.user, old)
        new = read_password("新密码：", env="QUZHOU_NEW_PASSWORD")
        if not os.environ.get("QUZHOU_NEW_PASSWORD") and sys.stdin.isatty():
            if read_password("再输一次新密码：", env="QUZHOU_NEW_PASSWORD_CONFIRM") != new:
                raise CommandError("两次输入的新密码不一致，密码没有修改")
        change_password(ctx, old, new)
        after_login(ctx)
    finally:
        ctx.db.dispose()
    print(f"用户 {args.user} 的密码已修改")
    return 0


def _pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (a Chinese character takes two)."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(1, width - used)


def cmd_demo(args: argparse.Namespace) -> int:
    from quzhou_desktop.services.demo import DEMO_PASSWORD, build_demo

    path = Path(args.db).expanduser()
    if path.exists():
        raise CommandError(f"文件已存在：{path}。演示数据库需要一个新文件，未作修改")
    users = build_demo(path, seed=args.seed)
    village = next((u.village_names[0] for u in users if u.village_names), "")
    print(f"已创建演示数据库 {path}：石梁镇 5 个村，演示村是{village}（日期以今天为准）")
    print(f"所有演示用户的密码都是：{DEMO_PASSWORD}")
    print(_pad("用户名", 14) + _pad("角色", 18) + _pad("姓名", 10) + "所在村")
    for u in users:
        where = "、".join(u.village_names) or "全乡镇"
        print(_pad(u.username, 14) + _pad(u.role_label, 18) + _pad(u.display_name, 10) + where)
    db = str(path)
    print("\n接下来可以：")
    print(f"  scripts/run-app --db {db}                      打开界面，用上面的用户登录")
    print(f"  quzhou-desktop list matters --user wenshu --db {db}     列出事项和打印写法")
    print(f"  quzhou-desktop print --due --user wenshu --out 本期公告.pdf --db {db}   打印本期应公开的公告")
    return 0
