"""Every text argparse prints is Chinese: ``--help`` of the program and of every command, and each kind of
parse error (missing argument, bad choice, bad number, unknown argument, missing value, conflicting options,
ambiguous abbreviation, one of a group required)."""

from __future__ import annotations

import argparse
import re

import pytest

from quzhou_desktop.cli import build_parser, main
from quzhou_desktop.commands.argparse_zh import ChineseArgumentParser, translate_error

# Words of argparse's own English templates; none may reach a user.
ENGLISH = re.compile(
    r"usage|options|positional arguments|show this help|show program|error|argument|required|invalid|expected"
    r"|unrecognized|choose from|not allowed|ambiguous|could match|default:|subcommands",
    re.IGNORECASE,
)
CJK = re.compile(r"[\u4e00-\u9fff]")


def _commands() -> dict[str, argparse.ArgumentParser]:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[object, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    captured = capsys.readouterr()
    return exc.value.code, captured.out + captured.err


@pytest.mark.parametrize("command", ["", *sorted(_commands())])
def test_help_is_chinese(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, text = _run([command, "--help"] if command else ["--help"], capsys)
    assert code == 0
    assert text.startswith("用法：quzhou-desktop")
    assert "选项：" in text and "显示此帮助并退出" in text
    assert not ENGLISH.search(text), ENGLISH.search(text)


@pytest.mark.parametrize("command", sorted(set(_commands()) - {"smoke"}))
def test_every_argument_is_explained_in_chinese(command: str) -> None:
    parser = _commands()[command]
    assert parser.description is None or CJK.search(parser.description)
    for action in parser._actions:
        assert action.help and CJK.search(action.help), (command, action.dest)


ERRORS = [
    (["init", "--db", "x.sqlite3"], "缺少必需的参数：--township、--admin"),
    (["export", "--user", "a"], "缺少必需的参数：类型、文件"),
    (["print", "finance", "--paper", "B5", "--out", "x.pdf", "--user", "a"], "参数 --paper：无效的选项“B5”（可选：A4、A3）"),
    (["print", "poster", "--out", "x.pdf", "--user", "a"], "参数 类型：无效的选项“poster”"),
    (["nosuch"], "参数 命令：无效的选项“nosuch”"),
    (["demo", "--db", "x", "--seed", "abc"], "参数 --seed：“abc”不是有效的整数"),
    (["rules", "--bogus"], "无法识别的参数：--bogus"),
    (["print", "finance", "--out"], "参数 --out：需要提供一个值"),
    (["print", "finance", "--id", "1", "--due", "--out", "x.pdf", "--user", "a"], "参数 --due：不能与参数 --id 同时使用"),
    (["print", "finance", "--p", "A4", "--out", "x.pdf", "--user", "a"], "选项 --p 不明确，可能是：--period、--paper"),
    (["demo"], "缺少必需的参数：--db"),
]  # fmt: skip


@pytest.mark.parametrize(("argv", "message"), ERRORS, ids=[" ".join(a) for a, _ in ERRORS])
def test_errors_are_chinese(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, text = _run(argv, capsys)
    assert code == 2
    assert message in text
    assert "参数错误" in text and text.startswith("用法：")
    assert not ENGLISH.search(text), ENGLISH.search(text)


def test_a_required_group_and_the_rarer_templates_translate() -> None:
    p = ChineseArgumentParser(prog="x")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--a", action="store_true")
    group.add_argument("--b", action="store_true")
    with pytest.raises(SystemExit):
        p.parse_args([])
    for english, chinese in [
        ("one of the arguments --a --b is required", "以下参数必须提供一个：--a、--b"),
        ("argument --x: expected at least one argument", "参数 --x：至少提供一个值"),
        ("argument --x: ignored explicit argument 'v'", "参数 --x：这个选项不接受值：“v”"),
        ("argument --n: invalid float value: 'q'", "参数 --n：“q”不是有效的数字"),
        ("argument --x: expected 2 arguments", "参数 --x：需要提供 2 个值"),
    ]:
        assert translate_error(english) == chinese
