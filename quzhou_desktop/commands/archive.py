"""`archive`: a village's 村务档案 for a year or a span of dates, as a folder (and a zip)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from quzhou_desktop.commands import Subcommands
from quzhou_desktop.commands.common import CommandError, add_user_arg, login, open_context


def register(sub: Subcommands) -> None:
    a = sub.add_parser(
        "archive",
        help="编制村务档案：一个村一年（或一段任期）的公告、会议记录、附件、台账、卷内目录和校验报告",
        description="把一个村一年（或任期、离任审计的起止日期）内的全部公告打印为 PDF（每份带核验码），连同会议记录、"
        "附件、各类台账（Excel）、卷内目录（PDF 和 Excel，写明类别和保管期限）、校验报告和文件清单放入一个文件夹，"
        "可另打包为一个 zip 文件。文件夹先在输出位置建好再改名，出错时不留半成品。",
    )
    a.add_argument("--village", required=True, help="村名")
    a.add_argument("--year", type=int, help="年度，如 2026")
    a.add_argument("--from", dest="date_from", help="开始日期，如 2024-01-01（任期或离任审计；与 --to 同用）")
    a.add_argument("--to", dest="date_to", help="结束日期，如 2026-06-30")
    a.add_argument("--out", required=True, help="在此文件夹中建立档案文件夹")
    a.add_argument("--zip", action="store_true", help="另生成一个 zip 文件（内容与文件夹相同）")
    a.add_argument("--voucher-forms", action="store_true", help="同时打印每张支出凭证审批单（凭证多时较慢）")
    a.add_argument(
        "--full-verify",
        action="store_true",
        help="校验报告对整个数据库做完整校验（与 verify 命令相同，大库需数分钟）；默认只校验档案所含的记录",
    )
    a.add_argument("--db", help="数据库文件路径")
    add_user_arg(a)
    a.set_defaults(handler=cmd_archive)


def cmd_archive(args: argparse.Namespace) -> int:
    from quzhou_desktop.commands.spreadsheets import _date, _village_id
    from quzhou_desktop.services.archive.build import build_archive
    from quzhou_desktop.services.archive.span import span_of

    span = span_of(args.year, _date(args.date_from, "开始日期"), _date(args.date_to, "结束日期"))
    out = Path(args.out).expanduser()
    if not out.is_dir():
        raise CommandError(f"输出文件夹不存在：{out}")
    ctx = open_context(args)
    try:
        login(ctx, args)
        vid = _village_id(ctx, args.village)
        assert vid is not None
        result = build_archive(
            ctx,
            vid,
            span,
            out,
            make_zip=args.zip,
            voucher_forms=args.voucher_forms,
            full_verify=args.full_verify,
            progress=_progress if sys.stderr.isatty() else None,
        )
    finally:
        ctx.db.dispose()
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(f"已生成村务档案 {result.folder}")
    if result.zip_path is not None:
        print(f"  压缩包 {result.zip_path}")
    print(
        f"  共{result.files}个文件（{result.size / 1024 / 1024:.1f} MB），其中公告{result.notices}份带核验码；"
        f"审计日志第{result.audit_seq}条记录了本次编制"
    )
    print("  校验" + ("通过" if result.verify_passed else "未通过，详见档案中的校验报告"))
    for line in result.skipped:
        print(f"  未归档：{line}")
    return 0 if result.verify_passed else 1


def _progress(done: int, total: int, text: str) -> None:
    share = f"{done}/{total} " if total else ""
    print(f"\r{share}{text}".ljust(40), end="", file=sys.stderr, flush=True)
