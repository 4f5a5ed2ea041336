"""docs/RULES.md is what the catalogue renders (regenerate with scripts/gen_rules_doc.py); README links it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from quzhou_desktop.core.rules import RULES
from quzhou_desktop.core.rules_doc import GENERATOR, render

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "RULES.md"


def test_rules_doc_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/RULES.md is stale: run .venv/bin/python scripts/gen_rules_doc.py"
    )


def test_rules_doc_names_its_generator_and_every_rule() -> None:
    text = render()
    assert GENERATOR in text.splitlines()[2] and (ROOT / GENERATOR).is_file()
    for r in RULES:
        assert f"### {r.title}（{r.id}）" in text and f"- 依据：{r.source}" in text
    assert "程序尚未检查这条规则" in text  # C36 and others are listed, and said not to be checked


def test_generator_check_mode_agrees() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / GENERATOR), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_readme_links_the_rules() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/RULES.md)" in readme
