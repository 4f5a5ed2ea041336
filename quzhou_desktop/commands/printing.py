"""`print` (notices to PDF, with 核验码) and `verify-notice`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from quzhou_desktop.commands import EXIT_PROBLEM, Subcommands
from quzhou_desktop.commands.common import CommandError, add_user_arg, login, open_context

if TYPE_CHECKING:
    from quzhou_desktop.services.kernel.context import AppContext

KINDS = (
    "plan",
    "resolution",
    "result",
    "finance",
    "disclosure",
    "review",
    "voucher",
    "register",
    "contract",
    "evaluation",
)
KIND_HELP = (
    "plan 方案公示 / resolution 决议公告 / result 实施结果公告 / finance 财务公开表 / disclosure 党务、村务公开 / "
    "review 村监会月度审核意见书 / voucher 支出凭证审批单 / register 五议两公开登记表 / contract 合同公开 / "
    "evaluation 民主评议结果公告（后两种 --id 为公开的编号）；与 --due 同用时可省略（打印全部）"
)


def register(sub: Subcommands) -> None:
    p = sub.add_parser(
        "print",
        help="打印公告为 PDF（方案公示、决议公告、实施结果公告、财务公开表、党务村务公开、月度审核意见书、"
        "支出凭证审批单、登记表、合同公开、民主评议结果公告）",
        description="打印公告为 PDF，每份带核验码。用 --id 指定记录，或用村名加事项名称、凭证号、期间指定"
        "（list 命令列出记录和写法），或用 --due 打印本期应公开而未打印的全部公告。",
    )
    p.add_argument("kind", metavar="类型", nargs="?", choices=KINDS, help=KIND_HELP)
    what = p.add_mutually_exclusive_group()
    what.add_argument("--id", help="记录编号（list 命令列出的编号）")
    what.add_argument("--due", action="store_true", help="本期所有应公开而未打印的公告，合成一个 PDF")
    p.add_argument("--village", help="村名：与事项名称、凭证号或期间一起指定记录；--due 时限定村")
    p.add_argument("--matter", help="事项名称（plan、resolution、result、register；可只写其中一段）")
    p.add_argument("--step", help="步骤，如 商议、决议、决议公开（默认按公告类型选）")
    p.add_argument("--number", help="凭证号（voucher）")
    p.add_argument(
        "--period", help="期间：2026-10（月）、2026Q3（季度）或 2026（年）（finance、disclosure、review）"
    )
    p.add_argument("--month", dest="period", help="同 --period（review 的审核月份）")
    p.add_argument("--title", help="同一期间有多份党务、村务公开时，标题中的一段（disclosure）")
    p.add_argument("--out", required=True, help="输出 PDF 文件")
    p.add_argument("--paper", default="A4", choices=("A4", "A3"), help="纸张（默认 A4，公开栏可用 A3）")
    p.add_argument("--db", help="数据库文件路径，或单位服务器地址 postgresql://…")
    add_user_arg(p)
    p.set_defaults(handler=cmd_print)

    v = sub.add_parser("verify-notice", help="核验打印的公告：是哪条记录、数据库中的内容是否仍与纸面一致")
    v.add_argument(
        "code", metavar="核验码", help="公告页脚的核验码，如 7K4M-2P9X-QZ3H-238L（较早打印的为 12 位）"
    )
    v.add_argument("--db", help="数据库文件路径，或单位服务器地址 postgresql://…")
    v.set_defaults(handler=cmd_verify_notice)


def _village_id(ctx: AppContext, name: str) -> str:
    """``--village``: a name, or "乡镇/村" where townships share it (``villages.village_named``)."""
    from quzhou_desktop.services.roster.villages import find_village

    return find_village(ctx, name).id


def _items(ctx: AppContext, args: argparse.Namespace) -> list[tuple[str, str]]:
    """What to print: the due notices, the record --id names, or the one a human key names."""
    from quzhou_desktop.services.notices.issue import KIND_LABELS, due_items
    from quzhou_desktop.services.notices.records import PrintKey, resolve

    if args.due:
        from quzhou_desktop.services.roster.villages import list_villages

        ids = [_village_id(ctx, args.village)] if args.village else [v.id for v in list_villages(ctx)]
        items = [(k, r) for k, r in due_items(ctx, ids, ctx.clock.today()) if args.kind in (None, k)]
        if not items:
            print(f"本期没有需要打印的{KIND_LABELS[args.kind] if args.kind else '公告'}。")
        return items
    if args.kind is None:
        raise CommandError("请写出打印类型（如 resolution、finance），或用 --due 打印本期应公开的全部公告")
    if args.id:
        return [(args.kind, args.id.strip())]
    if not args.village:
        raise CommandError(
            "请用 --id 指定记录编号，或用 --village 村名加 --matter 事项名称、--number 凭证号、--period 期间指定；"
            "list 命令可列出记录和写法。也可用 --due 打印本期应公开的全部公告"
        )
    key = PrintKey(args.village, args.matter, args.step, args.number, args.period, args.title)
    return [(args.kind, resolve(ctx, args.kind, key))]


def cmd_print(args: argparse.Namespace) -> int:
    from quzhou_desktop.services.notices.issue import KIND_LABELS, print_notices

    out = Path(args.out).expanduser()
    if out.suffix.lower() != ".pdf":
        raise CommandError(f"输出文件应以 .pdf 结尾：{out}")
    if not out.parent.is_dir():
        raise CommandError(f"输出文件夹不存在：{out.parent}")
    ctx = open_context(args)
    try:
        login(ctx, args)
        items = _items(ctx, args)
        if not items:
            return EXIT_PROBLEM
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
