"""`print` (notices to PDF, with 核验码) and `verify-notice`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from quzhou_desktop.commands import Subcommands
from quzhou_desktop.commands.common import EXIT_PROBLEM, CommandError, add_user_arg, login, open_context

if TYPE_CHECKING:
    from quzhou_desktop.services.kernel.context import AppContext

KINDS = ("plan", "resolution", "result", "finance", "review", "voucher", "register")


def register(sub: Subcommands) -> None:
    p = sub.add_parser(
        "print",
        help="打印公告为 PDF（方案公示、决议公告、实施结果公告、财务公开表、月度审核意见书、支出凭证审批单、登记表）",
    )
    p.add_argument(
        "kind",
        metavar="KIND",
        help="plan 方案公示 / resolution 决议公告 / result 实施结果公告 / finance 财务公开表 / "
        "review 村监会月度审核意见书 / voucher 支出凭证审批单 / register 五议两公开登记表",
    )
    what = p.add_mutually_exclusive_group()
    what.add_argument("--id", help="记录编号（步骤、事项、凭证或公开的编号）")
    what.add_argument("--due", action="store_true", help="本期所有应公开而未打印的公告，合成一个 PDF")
    p.add_argument("--village", help="村名（--due 时限定村；review 时必填）")
    p.add_argument("--month", help="审核月份 YYYY-MM（review 时必填）")
    p.add_argument("--out", required=True, help="输出 PDF 文件")
    p.add_argument("--paper", default="A4", choices=("A4", "A3"), help="纸张（默认 A4，公开栏可用 A3）")
    p.add_argument("--db", help="数据库文件路径")
    add_user_arg(p)
    p.set_defaults(handler=cmd_print)

    v = sub.add_parser("verify-notice", help="核验打印的公告：是哪条记录、数据库中的内容是否仍与纸面一致")
    v.add_argument(
        "code", metavar="CODE", help="公告页脚的核验码，如 7K4M-2P9X-QZ3H-238L（较早打印的为 12 位）"
    )
    v.add_argument("--db", help="数据库文件路径")
    v.set_defaults(handler=cmd_verify_notice)


def _village_id(ctx: AppContext, name: str) -> str:
    from quzhou_desktop.services.roster.villages import list_villages

    found = [v for v in list_villages(ctx) if v.name == name.strip()]
    if not found:
        raise CommandError(f"找不到村“{name}”")
    return found[0].id


def cmd_print(args: argparse.Namespace) -> int:
    from quzhou_desktop.services.notices.issue import KIND_LABELS, due_items, print_notices, review_record_id
    from quzhou_desktop.services.notices.money import month_of

    if args.kind not in KINDS:
        choices = "、".join(f"{k}（{v}）" for k, v in KIND_LABELS.items())
        raise CommandError(f"不支持的打印类型“{args.kind}”。可选：{choices}")
    out = Path(args.out).expanduser()
    if out.suffix.lower() != ".pdf":
        raise CommandError(f"输出文件应以 .pdf 结尾：{out}")
    if not out.parent.is_dir():
        raise CommandError(f"输出文件夹不存在：{out.parent}")
    ctx = open_context(args)
    try:
        login(ctx, args)
        if args.due:
            from quzhou_desktop.services.roster.villages import list_villages

            ids = [_village_id(ctx, args.village)] if args.village else [v.id for v in list_villages(ctx)]
            items = [(k, r) for k, r in due_items(ctx, ids, ctx.clock.today()) if k == args.kind]
            if not items:
                print(f"本期没有需要打印的{KIND_LABELS[args.kind]}。")
                return EXIT_PROBLEM
        elif args.kind == "review":
            if not (args.village and args.month):
                raise CommandError("打印月度审核意见书需要 --village 村名 和 --month YYYY-MM")
            year, month = month_of(args.month)
            items = [("review", review_record_id(ctx, _village_id(ctx, args.village), year, month))]
        else:
            if not args.id:
                raise CommandError("请用 --id 指定记录编号，或用 --due 打印本期应公开的全部公告")
            items = [(args.kind, args.id.strip())]
        issued = print_notices(ctx, items, out, paper=args.paper)
    finally:
        ctx.db.dispose()
    pages = sum(i.pages for i in issued)
    print(f"已生成 {out}：{len(issued)} 份，共 {pages} 页")
    for i in issued:
        print(f"  {KIND_LABELS[i.kind]}《{i.document.title}》 核验码 {i.code}")
    return 0


def cmd_verify_notice(args: argparse.Namespace) -> int:
    from quzhou_desktop.services.notices.checks import verify_notice

    ctx = open_context(args)
    try:
        check = verify_notice(ctx, args.code)
    finally:
        ctx.db.dispose()
    print(check.summary)
    print(f"  记录编号：{check.record_id}")
    return 0 if check.unchanged else EXIT_PROBLEM
