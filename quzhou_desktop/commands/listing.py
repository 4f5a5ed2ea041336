"""`list`: records with their IDs and human names, and the options `print` accepts for each."""

from __future__ import annotations

import argparse
import json

from quzhou_desktop.commands.common import add_user_arg, login, open_context
from quzhou_desktop.services.notices.records import LIST_KINDS


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "list",
        help="列出记录及其编号和名称（村、用户、事项、步骤、凭证、公开、月度审核），以及打印时的写法",
        description="列出记录及其编号和名称。打印时可用 --id 编号，也可用列出的“打印写法”（村名加事项名称、凭证号或期间）。",
    )
    kinds = "、".join(f"{k}（{v}）" for k, v in LIST_KINDS.items())
    p.add_argument("kind", metavar="类型", choices=tuple(LIST_KINDS), help=f"列出什么：{kinds}")
    p.add_argument("--village", help="只列这个村的记录")
    p.add_argument("--json", action="store_true", help="以 JSON 输出（每条含编号、村、名称、打印写法）")
    p.add_argument("--db", help="数据库文件路径")
    add_user_arg(p)
    p.set_defaults(handler=cmd_list)


def cmd_list(args: argparse.Namespace) -> int:
    from quzhou_desktop.services.notices.records import list_records

    ctx = open_context(args)
    try:
        login(ctx, args)
        rows = list_records(ctx, args.kind, village=args.village)
    finally:
        ctx.db.dispose()
    if args.json:
        print(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=2))
        return 0
    print(f"{LIST_KINDS[args.kind]}：共 {len(rows)} 条")
    for r in rows:
        print(f"\n{r.village}　{r.name}" + (f"　{r.detail}" if r.detail else ""))
        print(f"  编号：{r.id}")
        if r.prints:
            also = f"（类型也可为 {'、'.join(r.prints[1:])}）" if len(r.prints) > 1 else ""
            print(f"  打印：quzhou-desktop print {r.prints[0]} {r.key}{also}")
        elif r.key:
            print(f"  写法：{r.key}")
    return 0
