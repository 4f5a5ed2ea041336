"""Shared CLI plumbing: open the database with Chinese errors, log in as ``--user``, run a command."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from pathlib import Path

from quzhou_desktop.commands import EXIT_PROBLEM, EXIT_USAGE
from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.paths import default_db_path
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.store.db import Database

log = logging.getLogger(__name__)


class CommandError(QuzhouError):
    code = "cli"


def db_path(args: argparse.Namespace) -> Path:
    return Path(args.db).expanduser() if getattr(args, "db", None) else default_db_path()


def db_target(args: argparse.Namespace) -> Path | str:
    """The ``--db`` file path, or a ``postgresql://`` server address as given."""
    from quzhou_desktop.store.dialects import is_server_url

    given = getattr(args, "db", None)
    return str(given) if is_server_url(given) else db_path(args)


def open_context(args: argparse.Namespace, *, create: bool = False) -> AppContext:
    target = db_target(args)
    if isinstance(target, str):
        return AppContext(open_server(target))
    return AppContext(Database(target, create=create))


def open_server(address: str) -> Database:
    """A server database; asks for the password at the terminal when the password file has none."""
    from quzhou_desktop.store.dialects.postgres import ServerPasswordNeeded

    try:
        return Database(address)
    except ServerPasswordNeeded as exc:
        if not sys.stdin or not sys.stdin.isatty():
            raise
        user = exc.params.get("user") or "程序角色"
        return Database(address, password=getpass.getpass(f"服务器用户 {user} 的密码："))


def add_user_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--user", required=True, help="以哪个用户的身份操作（密码从提示或环境变量 QUZHOU_PASSWORD 读取）"
    )


def read_password(prompt: str = "密码：", *, env: str = "QUZHOU_PASSWORD") -> str:
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        raise CommandError(f"需要密码：请在终端运行以便输入，或设置环境变量 {env}")
    return getpass.getpass(prompt)


class MustChangePassword(CommandError):
    code = "cli.must_change_password"
    template = (
        "用户 {username} 的密码是管理员设置的临时密码（新账号或重置后），必须先改成自己的密码才能继续，未作任何操作。"
        "请运行：quzhou-desktop passwd --user {username}（原密码从提示或 QUZHOU_PASSWORD 读取，"
        "新密码从提示或 QUZHOU_NEW_PASSWORD 读取），或在程序界面登录后按提示修改"
    )


def login(ctx: AppContext, args: argparse.Namespace) -> str:
    """Log in as ``--user``; refuse a user who must change the password first (``passwd`` does that). An
    administrator's login gives the database its site (key) if it has none; the chain is anchored if due.
    Returns the password typed, for a command whose act is signed (``restore``)."""
    from quzhou_desktop.services.kernel.anchoring import after_login
    from quzhou_desktop.services.kernel.auth import login as do_login
    from quzhou_desktop.services.kernel.auth import must_change_password

    password = read_password(f"用户 {args.user} 的密码：")
    user = do_login(ctx, args.user, password)
    if must_change_password(ctx):
        ctx.user = None
        raise MustChangePassword(username=user.username)
    after_login(ctx)
    return password


def run_command(args: argparse.Namespace) -> int:
    from quzhou_desktop.logs import setup_logging

    setup_logging(verbose=bool(getattr(args, "verbose", False)))
    handler = getattr(args, "handler", None)
    if handler is None:
        print("错误：未知命令", file=sys.stderr)
        return EXIT_USAGE
    try:
        return int(handler(args) or 0)
    except QuzhouError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # the output was cut short by the reader (`| head`): nothing went wrong here
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("已取消，未作修改。", file=sys.stderr)
        return EXIT_PROBLEM
    except Exception:
        log.exception("command failed")
        from quzhou_desktop.logs import log_file

        print(f"程序内部错误，详情已写入日志：{log_file()}", file=sys.stderr)
        return 70
