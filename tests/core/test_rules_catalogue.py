"""The rule catalogue: every entry complete, its settings real, every setting owned by a rule, every rule id the
code uses catalogued, and citations in the form users read."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from quzhou_desktop.core.rules import (
    AREAS,
    RULES,
    Rule,
    basis,
    is_rule_id,
    rule,
    rules_for_setting,
    with_basis,
)
from quzhou_desktop.core.rules_config import FIELDS

PACKAGE = Path(__file__).resolve().parents[2] / "quzhou_desktop"
INTERNAL = re.compile(r"\b[CS]\d{1,2}\b|DOMAIN|DESIGN\.md|STYLE\.md")
FIELD_KEYS = {f.key for f in FIELDS}


@pytest.mark.parametrize("r", RULES, ids=[r.id for r in RULES])
def test_entry_is_complete(r: Rule) -> None:
    assert re.fullmatch(r"C[1-9]\d?", r.id)
    assert r.title and r.statement and r.source
    assert len(r.title) <= 16, "a short title"
    for text in (r.title, r.statement, r.source, r.note):
        assert not INTERNAL.search(text), text  # users read these
    assert set(r.settings) <= FIELD_KEYS, set(r.settings) - FIELD_KEYS
    assert len(set(r.settings)) == len(r.settings)


@pytest.mark.parametrize("spec", FIELDS, ids=[f.key for f in FIELDS])
def test_every_setting_belongs_to_a_rule(spec: object) -> None:
    assert rules_for_setting(spec.key)  # type: ignore[attr-defined]


def test_ids_are_unique_numbered_and_every_area_has_rules() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    assert ids == [f"C{n}" for n in range(1, len(ids) + 1)], "C1 … Cn without gaps, in order"
    assert sum(len(rs) for _, rs in AREAS) == len(RULES)
    assert all(rs for _, rs in AREAS)


@pytest.mark.parametrize(
    ("rule_id", "source"),
    [
        pytest.param("C1", "《中华人民共和国村民委员会组织法》第二十二条", id="C1-quorum-art22"),
        pytest.param("C3", "《中华人民共和国村民委员会组织法》第二十六条", id="C3-art26"),
        pytest.param("C5", "《中华人民共和国村民委员会组织法》第二十五条", id="C5-art25"),
        pytest.param("C7", "《中国共产党支部工作条例（试行）》第十一条", id="C7-branch-art11"),
        pytest.param("C24", "《会计基础工作规范》第五十二条", id="C24-norm-art52"),
        pytest.param("C27", "GB/T 9704-2012《党政机关公文格式》第7.3.5.4条", id="C27-gbt9704"),
        pytest.param("C11", "浙江省宁海县村级小微权力清单（地方做法）", id="C11-local-practice-said-so"),
        pytest.param("C18", "（地方做法）", id="C18-local-practice-said-so"),
    ],
)
def test_sources_as_a_clerk_quotes_them(rule_id: str, source: str) -> None:
    assert source in rule(rule_id).source


def test_local_practice_and_templates_are_labelled_honestly() -> None:
    # a source that is not a law, party regulation or standard says what it is
    for r in RULES:
        for part in r.source.split("；"):
            if "《" not in part:
                assert any(w in part for w in ("地方", "做法", "规定", "制度", "实施办法", "工作法")), (
                    r.id,
                    part,
                )


def test_with_basis_and_basis() -> None:
    assert with_basis("应到45人，实到29人，会议无效。", "C3") == (
        "应到45人，实到29人，会议无效，依据《中华人民共和国村民委员会组织法》第二十六条"
    )
    assert with_basis("金额不能为空", "validation") == "金额不能为空"
    assert basis(["C1", "C2"]) == "依据《中华人民共和国村民委员会组织法》第二十二条"  # one source once
    assert basis(["C20", "C21"]).count("；") >= 1
    assert basis("quorum") == ""
    assert is_rule_id("C41") and not is_rule_id("C99") and not is_rule_id(None)


def _rule_ids_in_code() -> set[str]:
    """String literals that are exactly a rule id ("C17"): the codes of findings and errors."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if "forms" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if re.fullmatch(r"C\d{1,2}", node.value):
                    found.add(node.value)
    return found


def test_every_rule_id_the_code_uses_is_catalogued() -> None:
    used = _rule_ids_in_code() - {r.id for r in RULES}
    assert not used, f"rule ids used in code but missing from core.rules: {sorted(used)}"


def test_every_checked_rule_is_used_by_the_code() -> None:
    # rules enforced only by how a notice is laid out (C29, C30) or by counting (C39) have no finding code;
    # C41 drives the overdue reminders through fixed periods
    by_layout = {"C29", "C30", "C39", "C41"}
    unused = {r.id for r in RULES if r.checked} - _rule_ids_in_code() - by_layout
    assert not unused, f"rules marked checked that no code refers to: {sorted(unused)}"
