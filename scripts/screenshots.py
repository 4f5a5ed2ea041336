"""Regenerate docs/screenshots/: every window and dialog of the app over the demo township, on a 1366×768
screen (the most common office laptop), one PNG each, named as in tests/gui/dialog_catalogue.py.

    .venv/bin/python scripts/screenshots.py [OUT_DIR]

Also writes OUT_DIR/sizes.json (each window's size and minimum size, and whether every button is reachable).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(out: Path) -> int:
    sys.path.insert(0, str(ROOT))
    from quzhou_desktop.services.demo import build_demo

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo.sqlite3"
        build_demo(demo)
        env = {**os.environ, "QUZHOU_DATA_DIR": str(Path(tmp) / "data")}
        env.pop("QT_SCALE_FACTOR", None)
        cmd = [sys.executable, "-m", "tests.gui.fit_check", str(demo), str(out / "sizes.json"),
               "--screen", "1366x768", "--maximise", "--shots", str(out)]  # fmt: skip
        return subprocess.call(cmd, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"))
