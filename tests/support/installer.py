"""Installer test helpers: what a run of the PyInstaller spec asked for, and a stand-in Debian font tree."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from installer.project import BUNDLED_FONTS


@dataclass
class SpecRun:
    analysis: dict[str, Any] = field(default_factory=dict)
    binaries: list[tuple[str, str, str]] = field(default_factory=list)
    datas: list[tuple[str, str, str]] = field(default_factory=list)
    exes: list[dict[str, Any]] = field(default_factory=list)
    collect: dict[str, Any] = field(default_factory=dict)
    submodule_packages: list[str] = field(default_factory=list)
    workpath: Path = Path()
    python_checked: int = 0  # calls of interpreter.require_bundle_python (the real one stops CPython 3.11)


def fake_font_tree(root: Path) -> tuple[Path, Path]:
    """Tiny stand-ins for the Debian font packages: (font root, doc root)."""
    fonts, docs = root / "fonts", root / "doc"
    for f in BUNDLED_FONTS:
        (fonts / f.relpath).parent.mkdir(parents=True, exist_ok=True)
        (fonts / f.relpath).write_bytes(b"font")
        (docs / f.package).mkdir(parents=True, exist_ok=True)
        (docs / f.package / "copyright").write_text(f"licence of {f.package}\n", encoding="utf-8")
    return fonts, docs
