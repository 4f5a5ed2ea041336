"""README's command synopsis is exactly the command line: every option a synopsis line names exists in that
command's parser, every option a command has appears in its synopsis, every command has a line, and each
line's ``--help`` runs (in Chinese)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from quzhou_desktop.cli import build_parser, main

README = Path(__file__).resolve().parents[2] / "README.md"
OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z-]*|-[a-z])\b")
HIDDEN = {"smoke"}  # a release check, deliberately left out of the help


def synopsis() -> list[tuple[str | None, str]]:
    """(command or None for the program's own options, synopsis part) of each line of the README block."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Command line") :]
    block = section[section.index("```") + 3 :]
    block = block[block.index("\n") + 1 : block.index("```")]
    commands = set(_subparsers(build_parser()).choices)
    out = []
    for line in block.splitlines():
        if not line.startswith("quzhou-desktop"):
            continue
        part = re.split(r"\s{2,}", line.strip())[0]
        words = [w.strip("[]()|") for w in part.split()[1:]]
        command = next((w for w in words if w in commands), None)
        out.append((command, part))
    return out


def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def _options(parser: argparse.ArgumentParser) -> set[str]:
    found = {
        o for a in parser._actions for o in a.option_strings if not isinstance(a, argparse._SubParsersAction)
    }
    return found - {"-h", "--help"}


def _parser(command: str | None) -> argparse.ArgumentParser:
    root = build_parser()
    return root if command is None else _subparsers(root).choices[command]


def _named(part: str) -> set[str]:
    return set(OPTION.findall(part))


LINES = synopsis()


def test_the_readme_has_a_synopsis_line_for_every_command() -> None:
    visible = {c.dest for c in _subparsers(build_parser())._choices_actions}
    assert visible == set(_subparsers(build_parser()).choices) - HIDDEN
    assert {c for c, _ in LINES if c} == visible
    assert None in {c for c, _ in LINES}  # the GUI line with the program's own options


@pytest.mark.parametrize(("command", "part"), LINES, ids=[p for _, p in LINES])
def test_every_option_a_line_names_exists(command: str | None, part: str) -> None:
    missing = _named(part) - _options(_parser(command))
    assert not missing, f"{part}: {missing}"


@pytest.mark.parametrize("command", sorted({c or "" for c, _ in LINES}))
def test_every_option_of_a_command_is_in_its_synopsis(command: str) -> None:
    named = set().union(*(_named(p) for c, p in LINES if (c or "") == command))
    actions = [
        a for a in _parser(command or None)._actions if a.option_strings and "--help" not in a.option_strings
    ]
    left_out = [a.option_strings for a in actions if not named & set(a.option_strings)]
    assert left_out == []
    assert "--db" in named or command == "selftest"  # every command on a database names --db


@pytest.mark.parametrize("command", sorted({c for c, _ in LINES if c}))
def test_each_line_runs_its_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"用法：quzhou-desktop {command}")
    assert "选项：" in out
