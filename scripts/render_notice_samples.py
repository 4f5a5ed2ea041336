#!/usr/bin/env python3
"""Write docs/notices/<kind>.png: the first page of each sample notice (tests/support/printing.py) at 60 dpi.

.venv/bin/python scripts/render_notice_samples.py      # needs pdftoppm (poppler-utils)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "notices"
sys.path.insert(0, str(ROOT))

from quzhou_desktop.printing.render import render  # noqa: E402
from tests.support.printing import ALL  # noqa: E402


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for kind, doc in ALL.items():
            pdf = Path(tmp) / f"{kind}.pdf"
            render(doc, pdf)
            stem = OUT / kind
            subprocess.run(
                ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
                check=True,
            )
            print(f"已写入 {stem.with_suffix('.png').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
