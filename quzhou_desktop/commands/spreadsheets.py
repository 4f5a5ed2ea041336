"""`import`, `export` and `template`: spreadsheets in and out, headless."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from quzhou_desktop.commands import EXIT_PROBLEM, Subcommands
from quzhou_desktop.commands.common import CommandError, add_user_arg, login, open_context
from quzhou_desktop.services.exports.kinds import EXPORT_KINDS

IMPORT_KINDS = ("people", "vouchers", "ledger", "assets", "contracts")


def register(sub: Subcommands) -> None:
    i = sub.add_parser(
        "import",
        help="导入表格：花名册（people）、支出凭证（vouchers）、收支明细（ledger）、资产资源台账（assets）、合同台账（contracts）",
    )
    i.add_argument(
        "kind",
        choices=IMPORT_KINDS,
        help="导入什么：people 花名册、vouchers 支出凭证、ledger 收支明细、assets 资产资源台账、contracts 合同台账",
    )
    i.add_argument("file", help=".xlsx / .xls / .ods / .csv 文件")
    i.add_argument("--village", help="村名（表中没有“村名”列时必须指定）")
    i.add_argument("--sheet", help="工作表名称（默认自动查找）")
    i.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")
    i.add_argument("--clean-rows-only", action="store_true", help="有问题的行跳过，只导入无误的行")
    i.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    i.add_argument("--db", help="数据库文件路径，或单位服务器地址 postgresql://…")
    add_user_arg(i)
    i.set_defaults(handler=cmd_import)

    e = sub.add_parser("export", help="导出台账为 Excel 工作簿")
    e.add_argument("kind", choices=EXPORT_KINDS, help="导出哪个台账")
    e.add_argument("file", help="输出的 .xlsx 文件")
    e.add_argument("--village", help="村名（默认：有权查看的全部村）")
    e.add_argument("--from", dest="date_from", help="开始日期，如 2026-01-01")
    e.add_argument("--to", dest="date_to", help="结束日期，如 2026-12-31")
    e.add_argument("--with-id-numbers", action="store_true", help="导出完整身份证号（需相应权限）")
    e.add_argument("--db", help="数据库文件路径，或单位服务器地址 postgresql://…")
    add_user_arg(e)
    e.set_defaults(handler=cmd_export)

    t = sub.add_parser("template", help="生成空白导入模板（含示例行和下拉选项）")
    t.add_argument(
        "kind", choices=IMPORT_KINDS, help="哪种模板：people 花名册、vouchers 支出凭证、ledger 收支明细"
    )
    t.add_argument("file", help="输出的 .xlsx 文件")
    t.add_argument("--db", help="数据库文件路径（模板不读数据库，可省略；写上也无妨）")
    t.set_defaults(handler=cmd_template)


def _village_id(ctx: object, name: str | None) -> str | None:
    from quzhou_desktop.services.kernel.context import AppContext
    from quzhou_desktop.services.roster.villages import find_village

    assert isinstance(ctx, AppContext)
    if not name:
        return None
    return find_village(ctx, name).id  # a name, or "乡镇/村" where townships share it


def _date(text: str | None, what: str) -> date | None:
    if not text:
        return None
    from quzhou_desktop.spreadsheets.values import BadValue, to_date

    try:
        value = to_date(text)
    except BadValue:
        raise CommandError(f"{what}“{text}”不是有效的日期，请写作 2026-01-31") from None
    assert isinstance(value, date)
    return value


def cmd_import(args: argparse.Namespace) -> int:
    from quzhou_desktop.services.imports.plan import run_import
    from quzhou_desktop.spreadsheets.errors import ImportFileError

    path = Path(args.file).expanduser()
    ctx = open_context(args)
    try:
        login(ctx, args)
        report = run_import(
            ctx,
            path,
            args.kind,
            village_id=_village_id(ctx, args.village),
            sheet=args.sheet,
            dry_run=args.dry_run,
            clean_rows_only=args.clean_rows_only,
        )
    except ImportFileError as exc:  # the file as a whole: named, with the reason; nothing was written
        if args.json:
            print(json.dumps(_file_error(args, str(path), str(exc)), ensure_ascii=False))
        else:
            print(f"错误：{exc}", file=sys.stderr)
            print("未写入任何数据。", file=sys.stderr)
        return EXIT_PROBLEM
    finally:
        ctx.db.dispose()
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        print(report.summary())
        for err in report.errors:
            print(f"  {err.sheet} {err.column_letter}{err.row}：{err.message}")
        if report.errors and not report.dry_run and not report.imported:
            print("未写入任何数据。请改正上面的问题后重新导入，或加 --clean-rows-only 只导入无误的行。")
    return 0 if report.ok else EXIT_PROBLEM


def _file_error(args: argparse.Namespace, file: str, message: str) -> dict[str, object]:
    """The ``--json`` object when the file as a whole cannot be read (no sheet, no header, not a table)."""
    return {
        "kind": args.kind,
        "file": file,
        "sheet": args.sheet or "",
        "header_row": 0,
        "rows_read": 0,
        "imported": 0,
        "duplicates": 0,
        "total_fen": 0,
        "errors": [{"sheet": args.sheet or "", "row": 0, "column": "", "value": "", "message": message}],
    }


def cmd_export(args: argparse.Namespace) -> int:
    from quzhou_desktop.services.exports.registers import export_register

    ctx = open_context(args)
    try:
        login(ctx, args)
        n = export_register(
            ctx,
            args.kind,
            Path(args.file).expanduser(),
            village_id=_village_id(ctx, args.village),
            date_from=_date(args.date_from, "开始日期"),
            date_to=_date(args.date_to, "结束日期"),
            with_id_numbers=args.with_id_numbers,
        )
    finally:
        ctx.db.dispose()
    print(f"已导出{n}行到 {args.file}")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from quzhou_desktop.spreadsheets.templates import write_template

    out = write_template(args.kind, Path(args.file).expanduser())
    print(f"已生成导入模板 {out}", file=sys.stdout)
    return 0
