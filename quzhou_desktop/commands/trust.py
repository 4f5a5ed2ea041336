"""`recover` (a forgotten administrator password, with the recovery code) and `root` (the root of trust: show
it, establish it in a database made before signing keys, or issue a new recovery code)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from quzhou_desktop.commands import Subcommands
from quzhou_desktop.commands.common import (
    CommandError,
    add_user_arg,
    db_path,
    login,
    open_context,
    read_password,
)
from quzhou_desktop.services.kernel.trust import RecoverySheet


def register(sub: Subcommands) -> None:
    r = sub.add_parser(
        "recover",
        help="用管理员恢复单上的恢复码找回管理员密码（恢复码从提示或环境变量 QUZHOU_RECOVERY_CODE 读取）",
    )
    r.add_argument("--db", help="数据库文件路径")
    r.add_argument("--user", required=True, help="最初的管理员用户名（恢复单上写明）")
    r.add_argument("--sheet", help="新的管理员恢复单（PDF）保存到此文件（默认放在数据库旁）")
    r.set_defaults(handler=cmd_recover)

    t = sub.add_parser(
        "root",
        help="信任根：显示密钥指纹；旧版本数据库由管理员建立信任根；或重新生成恢复码（需管理员登录）",
    )
    t.add_argument("--db", help="数据库文件路径")
    add_user_arg(t)
    t.add_argument("--new-code", action="store_true", help="重新生成恢复码（原恢复单作废），打印新的恢复单")
    t.add_argument("--sheet", help="管理员恢复单（PDF）保存到此文件（默认放在数据库旁）")
    t.set_defaults(handler=cmd_root)


def default_sheet_path(args: argparse.Namespace, township: str) -> Path:
    if getattr(args, "sheet", None):
        return Path(args.sheet).expanduser()
    return db_path(args).parent / f"{township}管理员恢复单.pdf"


def print_sheet(sheet: RecoverySheet, path: Path, *, heading: str) -> None:
    """Write the sheet's PDF and show what it holds (the code is shown this once)."""
    from quzhou_desktop.services.notices.recovery import write_recovery_sheet

    write_recovery_sheet(sheet, path)
    print(heading)
    print(f"  管理员：{sheet.admin_name}（用户名 {sheet.username}）")
    print(f"  信任根密钥指纹：{sheet.fingerprint}")
    print(f"  恢复码：{sheet.recovery_code}")
    print(f"管理员恢复单已保存到 {path}")
    print("请立即打印这张恢复单并锁入文件柜，然后删除这个文件；恢复码不会再次显示。")


def _read_code() -> str:
    value = os.environ.get("QUZHOU_RECOVERY_CODE")
    if value:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        raise CommandError("需要恢复码：请在终端运行以便输入，或设置环境变量 QUZHOU_RECOVERY_CODE")
    import getpass

    return getpass.getpass("恢复码（管理员恢复单上，24个字母和数字）：")


def _new_password() -> str:
    password = read_password("新密码：")
    if not os.environ.get("QUZHOU_PASSWORD") and sys.stdin.isatty():
        if read_password("再输一次：", env="QUZHOU_PASSWORD_CONFIRM") != password:
            raise CommandError("两次输入的密码不一致")
    return password


def cmd_recover(args: argparse.Namespace) -> int:
    from quzhou_desktop.services.kernel.trust import recover

    ctx = open_context(args)
    try:
        code = _read_code()
        sheet = recover(ctx, args.user, code, _new_password())
    finally:
        ctx.db.dispose()
    print(f"已找回管理员 {sheet.username} 的账号，请用新密码登录。原恢复码已失效。")
    print_sheet(sheet, default_sheet_path(args, sheet.township), heading="新的管理员恢复单：")
    return 0


def cmd_root(args: argparse.Namespace) -> int:
    from quzhou_desktop.services.kernel.trust import establish_root, issue_recovery_code, root_info

    ctx = open_context(args)
    try:
        login(ctx, args)
        info = root_info(ctx)
        if info is None:
            sheet = establish_root(ctx, read_password(f"用户 {args.user} 的密码（签名）："))
            print_sheet(sheet, default_sheet_path(args, sheet.township), heading="已建立信任根：")
            return 0
        if args.new_code:
            sheet = issue_recovery_code(ctx, read_password(f"用户 {args.user} 的密码（签名）："))
            print_sheet(sheet, default_sheet_path(args, sheet.township), heading="已重新生成恢复码：")
            return 0
    finally:
        ctx.db.dispose()
    print(f"信任根：管理员 {info.admin_name}（用户名 {info.username}），密钥指纹 {info.fingerprint}")
    return 0
