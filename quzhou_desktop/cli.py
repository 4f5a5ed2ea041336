"""`quzhou-desktop` entry point: the GUI by default, headless subcommands otherwise.

Subcommands live in ``quzhou_desktop.commands``: each module's ``register(subparsers)`` adds its group, and
``command_groups`` names them (imported only when a subcommand is parsed, so the GUI starts without them).
Each command prints a Chinese error and exits non-zero on bad input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from quzhou_desktop import APP_TITLE, __version__
from quzhou_desktop.commands import Subcommands
from quzhou_desktop.commands.argparse_zh import ChineseArgumentParser

# Process exit codes of every command: 0 done, 1 a problem the message explains, 2 a usage error.


def command_groups() -> tuple[Callable[[Subcommands], None], ...]:
    """Each command module's ``register``, in the order the groups appear in ``--help``."""
    from quzhou_desktop.commands import (
        archive,
        data,
        exchange,
        listing,
        printing,
        rules,
        server,
        setup,
        smoke,
        spreadsheets,
        trust,
    )

    return (
        archive.register,
        data.register,
        exchange.register,
        listing.register,
        printing.register,
        rules.register,
        setup.register,
        trust.register,
        smoke.register,
        spreadsheets.register,
        server.register,
    )


def build_parser() -> argparse.ArgumentParser:
    p = ChineseArgumentParser(
        prog="quzhou-desktop", description=f"{APP_TITLE}：五议两公开、三务公开、村务监督（先审后签）"
    )
    p.add_argument(
        "--version", action="version", version=f"quzhou-desktop {__version__}", help="显示版本号并退出"
    )
    # its own dest: a subcommand's --db (default None) would otherwise overwrite one given before the command
    p.add_argument(
        "--db",
        dest="global_db",
        metavar="数据库",
        help="数据库文件路径（默认在用户数据目录），或单位服务器地址 postgresql://…",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="在终端显示日志")
    sub: Subcommands = p.add_subparsers(dest="command", metavar="命令", parser_class=ChineseArgumentParser)
    for register in command_groups():
        register(sub)
    return p


def _wants_gui(args: list[str]) -> bool:
    """True when the arguments are only GUI options (--db PATH, -v)."""
    skip = False
    for a in args:
        if skip:
            skip = False
        elif a == "--db":
            skip = True
        elif not (a.startswith("--db=") or a in ("-v", "--verbose")):
            return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if _wants_gui(args_list):  # fast path: no subcommand parsers built
        return gui_main(args_list)
    parser = build_parser()
    args = parser.parse_args(args_list)
    if args.command is None:
        return gui_main(args_list)
    if getattr(args, "db", None) is None:  # `quzhou-desktop --db PATH 命令 …` as well as `命令 --db PATH`
        args.db = args.global_db
    if getattr(args, "db_required", False) and not args.db:
        parser.error("the following arguments are required: --db")
    from quzhou_desktop.commands.common import run_command

    return run_command(args)


def gui_main(argv: Sequence[str] | None = None) -> int:
    from quzhou_desktop.app import run_gui

    return run_gui(list(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
