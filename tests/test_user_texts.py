"""What users read never shows internal rule codes ("C16", "S37") or names a document outside the repository;
error messages of rules cite the rule's source instead; the repository names nothing outside itself."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import string
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from quzhou_desktop.core.errors import QuzhouError, RuleViolation
from quzhou_desktop.core.money import Finding
from quzhou_desktop.core.rules import RULES, is_rule_id
from quzhou_desktop.core.rules_config import FIELDS

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "quzhou_desktop"
INTERNAL = re.compile(r"\b[CS]\d{1,2}\b|DOMAIN")
LAYERS = ("core", "store", "services", "spreadsheets", "printing", "commands", "gui")


def _leaks(texts: list[str]) -> list[str]:
    return [t for t in texts if INTERNAL.search(t)]


def _docstring_nodes(tree: ast.AST) -> set[int]:
    out: set[int] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            out.add(id(node.value))  # module, class, function and attribute docstrings
    return out


def test_string_literals_carry_no_internal_codes() -> None:
    """Every string in the package except docstrings and bare ids (the ``code`` of findings and errors)."""
    found = []
    for path in sorted(PKG.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstring_nodes(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
                if is_rule_id(node.value) or node.value in {r.id for r in RULES}:
                    continue
                if INTERNAL.search(node.value):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:60]}")
    assert not found, "\n".join(found)


def _import_all() -> None:
    for layer in LAYERS:
        pkg = importlib.import_module(f"quzhou_desktop.{layer}")
        for info in pkgutil.walk_packages(pkg.__path__, f"{pkg.__name__}."):
            if ".forms." in info.name or ".migrations" in info.name or info.name.endswith("__main__"):
                continue
            importlib.import_module(info.name)


def _subclasses(cls: type) -> list[type]:
    out: list[type] = []
    subs: list[type] = cls.__subclasses__()
    for sub in subs:
        out += [sub, *_subclasses(sub)]
    return out


def _sample_params(template: str) -> dict[str, Any]:
    names = {f for _, f, _, _ in string.Formatter().parse(template) if f}
    return {n.split(".")[0].split("[")[0]: "样例" for n in names}


def _render(cls: type[QuzhouError]) -> Sequence[QuzhouError]:
    """Instances of ``cls`` with sample parameters; errors raised for several rules once per rule."""
    if "findings" in cls.__init__.__code__.co_varnames:  # RuleFailed: the findings it is made of
        made: Callable[[list[Finding]], QuzhouError] = cls  # RuleFailed(findings)
        return [made([Finding("error", r.id, "样例问题", "x")]) for r in RULES]
    params = _sample_params(cls.template)
    if (
        issubclass(cls, RuleViolation) and not cls.cites
    ):  # StepNotAllowed: made of findings citing their rules
        return [cls(rule=r.id, explanation=Finding("error", r.id, "样例问题").shown) for r in RULES]
    if issubclass(cls, RuleViolation) and not is_rule_id(cls.code):
        return [cls(**params, rule=r.id) for r in RULES] + [cls(**params)]
    return [cls(**params)]


def test_every_error_message_is_free_of_codes_and_rules_cite_their_source() -> None:
    _import_all()
    classes = sorted(set(_subclasses(QuzhouError)), key=lambda c: f"{c.__module__}.{c.__qualname__}")
    assert len(classes) > 20
    leaks, uncited = [], []
    for cls in classes:
        for err in _render(cls):
            text = str(err)
            if INTERNAL.search(text):
                leaks.append(f"{cls.__qualname__}: {text}")
            if isinstance(err, RuleViolation) and is_rule_id(err.code) and "依据" not in text:
                uncited.append(f"{cls.__qualname__}({err.code}): {text}")
    assert not leaks, "\n".join(leaks)
    assert not uncited, "\n".join(uncited)


@pytest.mark.parametrize(
    ("cls_path", "params", "expected"),
    [
        pytest.param(
            "core.meetings.QuorumNotMet",
            {
                "rule": "C1",
                "explanation": "十八周岁以上村民600人，到会300人，未超过半数（需301人）；会议无效",
            },
            "会议无效，依据《中华人民共和国村民委员会组织法》第二十二条",
            id="C1",
        ),
        pytest.param(
            "services.disclosures.disclosure.ReviewRequired",
            {"title": "2024年第三季度财务公开"},
            "须经村务监督委员会审核签字后方可公开、打印，依据《农村集体经济组织财务公开规定》",
            id="C31",
        ),
    ],
)
def test_rule_violations_carry_the_id_and_cite_the_law(
    cls_path: str, params: dict[str, Any], expected: str
) -> None:
    module, name = cls_path.rsplit(".", 1)
    cls = getattr(importlib.import_module(f"quzhou_desktop.{module}"), name)
    err = cls(**params)
    assert is_rule_id(err.code) and err.code == params.get("rule", err.code)
    assert expected in str(err)


def test_settings_labels_help_and_choices_are_free_of_codes() -> None:
    texts = [t for f in FIELDS for t in (f.label, f.help, *(label for _, label in f.choices))]
    assert not _leaks(texts)


# names of documents that live outside the repository (built here so this file does not name them itself)
_OUTSIDE = [n + ".md" for n in ("DOMAIN", "DESIGN", "STYLE")] + ["../" + "shared", "/work" + "/"]
_SCANNED = [
    "quzhou_desktop",
    "tests",
    "benchmarks",
    "docs",
    "scripts",
    "installer",
    "forms",
    ".ci",
    "README.md",
    "CONTRIBUTING.md",
    "pyproject.toml",
]


def test_repository_names_nothing_outside_itself() -> None:
    found = []
    for top in _SCANNED:
        base = ROOT / top
        paths = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        for path in paths:
            if path.suffix not in {
                ".py",
                ".md",
                ".txt",
                ".ui",
                ".toml",
                ".cfg",
                ".spec",
                "",
            }:
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            found += [f"{path.relative_to(ROOT)}: {n}" for n in _OUTSIDE if n in text]
    assert not found, "\n".join(found)
