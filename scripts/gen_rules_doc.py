#!/usr/bin/env python3
"""Write docs/RULES.md from the rule catalogue (quzhou_desktop/core/rules/).

.venv/bin/python scripts/gen_rules_doc.py           # regenerate docs/RULES.md
.venv/bin/python scripts/gen_rules_doc.py --check   # exit 1 when docs/RULES.md is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "RULES.md"
sys.path.insert(0, str(ROOT))

from quzhou_desktop.core.rules_doc import render  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="根据规则目录生成 docs/RULES.md")
    p.add_argument("--check", action="store_true", help="只检查 docs/RULES.md 是否为最新，不写文件")
    args = p.parse_args(argv)
    text = render()
    if args.check:
        current = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
        if current != text:
            print(f"{DOC.relative_to(ROOT)} 不是最新的，请运行：.venv/bin/python scripts/gen_rules_doc.py")
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    print(f"已写入 {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
