"""argparse in Chinese: help ("用法：", "位置参数", "选项", Chinese placeholders) and every parse error.

argparse builds its texts from English templates; ``ChineseArgumentParser`` sets its own group titles and help
line, ``ChineseHelpFormatter`` the usage prefix and the placeholders of arguments that name none, and
``translate_error`` turns each error template argparse has (Python 3.10–3.13) into a Chinese sentence.  A test
runs ``--help`` of every command and provokes each kind of error, and fails on any English word left.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from typing import Any, NoReturn

from quzhou_desktop.commands import EXIT_USAGE

# Placeholders shown for an argument without a metavar, by its dest.
PLACEHOLDERS = {
    "db": "数据库文件",
    "global_db": "数据库文件",
    "user": "用户名",
    "out": "文件",
    "file": "文件",
    "kind": "类型",
    "village": "村名",
    "sheet": "工作表",
    "date_from": "日期",
    "date_to": "日期",
    "id": "编号",
    "month": "年月",
    "period": "期间",
    "matter": "事项名称",
    "step": "步骤",
    "number": "凭证号",
    "title": "标题",
    "code": "核验码",
    "backup": "备份文件",
    "township": "乡镇名称",
    "villages": "村名列表",
    "admin": "用户名",
    "admin_name": "姓名",
    "seed": "整数",
    "paper": "纸张",
    "keep_db": "文件",
    "anchor": "文件",
}
DEFAULT_PLACEHOLDER = "值"

_Sub = Callable[[re.Match[str]], str]
_TYPES = {"int": "整数", "float": "数字"}


def _q(text: str) -> str:
    """ "'x'" (argparse's repr of a value) → “x”."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    return f"“{text}”"


def _label(name: str) -> str:
    """An argument as users know it: options by their flag, positionals by their Chinese placeholder."""
    return name if name.startswith("-") else PLACEHOLDERS.get(name, name)


def _names(text: str) -> str:
    """ "'a', 'b'" or "a, b" or "--x/-y" → "a、b" (positionals named in Chinese)."""
    parts = [_label(p.strip().strip("'\"")) for p in re.split(r",\s*", text) if p.strip()]
    return "、".join(parts)


_ERRORS: tuple[tuple[re.Pattern[str], _Sub], ...] = tuple(
    (re.compile(pattern, re.DOTALL), sub)
    for pattern, sub in (
        (r"^the following arguments are required: (.*)$", lambda m: f"缺少必需的参数：{_names(m[1])}"),
        (r"^one of the arguments (.*) is required$", lambda m: f"以下参数必须提供一个：{_names(m[1].replace(' ', ', '))}"),
        (r"^invalid choice: (.*) \(choose from (.*)\)$", lambda m: f"无效的选项{_q(m[1])}（可选：{_names(m[2])}）"),
        (r"^expected one argument$", lambda m: "需要提供一个值"),
        (r"^expected at most one argument$", lambda m: "最多提供一个值"),
        (r"^expected at least one argument$", lambda m: "至少提供一个值"),
        (r"^expected (\d+) arguments?$", lambda m: f"需要提供 {m[1]} 个值"),
        (r"^not allowed with argument (.*)$", lambda m: f"不能与参数 {m[1]} 同时使用"),
        (r"^ignored explicit argument (.*)$", lambda m: f"这个选项不接受值：{_q(m[1])}"),
        (r"^unrecognized arguments: (.*)$", lambda m: f"无法识别的参数：{m[1]}"),
        (r"^ambiguous option: (\S+) could match (.*)$", lambda m: f"选项 {m[1]} 不明确，可能是：{_names(m[2])}"),
        (r"^invalid (\w+) value: (.*)$", lambda m: f"{_q(m[2])}不是有效的{_TYPES.get(m[1], '值')}"),
        (r"^can't open '(.*)': (.*)$", lambda m: f"无法打开文件“{m[1]}”：{m[2]}"),
        (r"^unexpected option string: (.*)$", lambda m: f"意外的选项：{m[1]}"),
        (r'^argument "-" with mode (.*)$', lambda m: f"不能以模式 {m[1]} 使用“-”"),
        (r"^unknown parser (.*) \(choices: (.*)\)$", lambda m: f"未知的命令{_q(m[1])}（可选：{_names(m[2])}）"),
    )
)  # fmt: skip
_ARGUMENT = re.compile(r"^argument (.+?): (.*)$", re.DOTALL)


def translate_error(message: str) -> str:
    """An argparse error message in Chinese ("argument --paper: invalid choice: 'B5' (choose from 'A4', 'A3')"
    → "参数 --paper：无效的选项“B5”（可选：A4、A3）"); a message argparse does not produce is returned as is."""
    prefix = ""
    m = _ARGUMENT.match(message)
    if m:
        prefix, message = f"参数 {_label(m[1])}：", m[2]
    for pattern, sub in _ERRORS:
        found = pattern.match(message)
        if found:
            return prefix + sub(found)
    return prefix + message


class ChineseHelpFormatter(argparse.HelpFormatter):
    """Usage prefixed "用法：" and Chinese placeholders for arguments without a metavar."""

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

    def _get_default_metavar_for_optional(self, action: argparse.Action) -> str:
        return PLACEHOLDERS.get(action.dest, DEFAULT_PLACEHOLDER)

    def _get_default_metavar_for_positional(self, action: argparse.Action) -> str:
        return PLACEHOLDERS.get(action.dest, action.dest)


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose help and errors are Chinese (subcommand parsers are of this class too)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = "显示此帮助并退出"

    def add_subparsers(self, **kwargs: Any) -> Any:
        kwargs.setdefault("parser_class", ChineseArgumentParser)
        return super().add_subparsers(**kwargs)

    def format_help(self) -> str:
        """argparse ends section headings with an ASCII colon; Chinese headings take the full-width one."""
        text = super().format_help()
        for title in {g.title for g in self._action_groups if g.title}:
            text = text.replace(f"\n{title}:\n", f"\n{title}：\n")
        return text

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}：参数错误：{translate_error(message)}\n（用 --help 查看用法）\n")
