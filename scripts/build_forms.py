#!/usr/bin/env python3
"""Compile forms/*.ui into quzhou_desktop/gui/forms/ui_*.py with pyside6-uic.

.venv/bin/python scripts/build_forms.py            # regenerate every committed form module
.venv/bin/python scripts/build_forms.py --out DIR  # write into DIR instead (the freshness test uses this)
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMS = ROOT / "forms"
OUT = ROOT / "quzhou_desktop" / "gui" / "forms"
HEADER = (
    "# Generated from forms/{ui} by pyside6-uic — do not edit.\n"
    "# Regenerate with: .venv/bin/python scripts/build_forms.py\n"
)


def uic_command() -> list[str]:
    """pyside6-uic next to the running interpreter (the venv), else on PATH."""
    here = Path(sys.executable).parent / "pyside6-uic"
    if here.exists():
        return [str(here)]
    found = shutil.which("pyside6-uic")
    if found:
        return [found]
    raise SystemExit("找不到 pyside6-uic，请先安装 PySide6（.venv/bin/pip install PySide6-Essentials）")


def compile_form(ui: Path, out_dir: Path) -> Path:
    target = out_dir / f"ui_{ui.stem}.py"
    result = subprocess.run(
        [*uic_command(), "--no-autoconnection", str(ui)], check=True, capture_output=True, text=True
    )
    # Drop uic's banner (it names the Qt version, which would make the freshness test depend on it).
    body = "\n".join(line for line in result.stdout.splitlines() if not line.startswith("#"))
    target.write_text(HEADER.format(ui=ui.name) + body.strip() + "\n", encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for ui in sorted(FORMS.glob("*.ui")):
        print(compile_form(ui, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
