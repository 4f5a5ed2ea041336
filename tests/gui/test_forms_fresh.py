"""The committed quzhou_desktop/gui/forms/ui_*.py must match what pyside6-uic makes from forms/*.ui."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORMS = sorted((ROOT / "forms").glob("*.ui"))


def test_every_form_has_a_module() -> None:
    assert {"login", "person"} <= {f.stem for f in FORMS}


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("forms")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_forms.py"), "--out", str(out)], check=True,
                   capture_output=True)  # fmt: skip
    return out


@pytest.mark.parametrize("ui", FORMS, ids=lambda p: p.stem)
def test_generated_module_is_fresh(regenerated: Path, ui: Path) -> None:
    committed = ROOT / "quzhou_desktop" / "gui" / "forms" / f"ui_{ui.stem}.py"
    assert committed.exists(), f"run scripts/build_forms.py: {committed.name} is missing"
    fresh = (regenerated / committed.name).read_text(encoding="utf-8")
    assert committed.read_text(encoding="utf-8") == fresh, (
        f"{committed.name} is stale: run .venv/bin/python scripts/build_forms.py and commit the result"
    )
    assert fresh.startswith(f"# Generated from forms/{ui.name} by pyside6-uic")
