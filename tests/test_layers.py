"""Layer rule (README: Layout): Qt-free layers never import PySide6; gui never imports sqlalchemy."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "quzhou_desktop"
QT_FREE = ["core", "store", "services", "exchange", "printing"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _modules(sub: str) -> list[Path]:
    return sorted((PKG / sub).rglob("*.py"))


@pytest.mark.parametrize("layer", QT_FREE)
def test_qt_free_layers_do_not_import_pyside6(layer: str) -> None:
    offenders = [str(p.relative_to(PKG)) for p in _modules(layer) if "PySide6" in _imports(p)]
    assert offenders == []


def test_core_imports_neither_qt_nor_sql() -> None:
    offenders = [
        str(p.relative_to(PKG))
        for p in _modules("core")
        if _imports(p) & {"PySide6", "sqlalchemy", "alembic"}
    ]
    assert offenders == []


def test_gui_does_not_import_sqlalchemy() -> None:
    offenders = [str(p.relative_to(PKG)) for p in _modules("gui") if "sqlalchemy" in _imports(p)]
    assert offenders == []


def test_layers_have_modules() -> None:
    # The rule above must be checking something.
    assert _modules("core") and _modules("gui")
