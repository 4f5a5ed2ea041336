"""`rules`: the rule catalogue with the township's current settings (defaults where the database has none)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from quzhou_desktop.commands import Subcommands
from quzhou_desktop.commands.common import db_path, open_context


def register(sub: Subcommands) -> None:
    p = sub.add_parser(
        "rules",
        help="列出程序依据的全部规则：内容、依据（法律条文或地方做法）和本乡镇当前的设置值",
        description="列出程序依据的全部规则。每条写明内容、依据，以及乡镇可调整的设置和当前值"
        "（数据库中没有设置的按默认值）。",
    )
    p.add_argument("--db", help="数据库文件路径（默认在用户数据目录；还没有数据库时显示默认设置）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出（含规则编号和设置键名，供其他程序使用）")
    p.set_defaults(handler=cmd_rules)


def _current_settings(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    """(settings, where they come from)."""
    from quzhou_desktop.core.rules_config import TownshipRules
    from quzhou_desktop.services.kernel.settings import get_rules

    path = db_path(args)
    if not path.exists() and not getattr(args, "db", None):
        return TownshipRules().to_dict(), "还没有数据库，显示默认设置"
    ctx = open_context(args)  # a --db that does not exist or is not ours: a Chinese error, exit 2
    try:
        return get_rules(ctx).to_dict(), f"本乡镇的设置，取自 {path}"
    finally:
        ctx.db.dispose()


def catalogue_with_settings(values: dict[str, Any]) -> list[dict[str, Any]]:
    """Every rule with its settings' current values, for ``--json`` and the text listing."""
    from quzhou_desktop.core.rules import AREAS
    from quzhou_desktop.core.rules_config import FIELDS, TownshipRules, format_value

    by_key = {f.key: f for f in FIELDS}
    defaults = TownshipRules().to_dict()
    out = []
    for area, rules in AREAS:
        for r in sorted(rules, key=lambda r: int(r.id[1:])):
            settings = [
                {
                    "key": k,
                    "label": by_key[k].label,
                    "value": values[k],
                    "shown": format_value(by_key[k], values[k]),
                    "default": values[k] == defaults[k],
                }
                for k in r.settings
            ]
            out.append(
                {
                    "id": r.id,
                    "area": area,
                    "title": r.title,
                    "statement": r.statement,
                    "source": r.source,
                    "checked": r.checked,
                    "note": r.note,
                    "settings": settings,
                }
            )
    return out


def cmd_rules(args: argparse.Namespace) -> int:
    values, origin = _current_settings(args)
    rules = catalogue_with_settings(values)
    if args.json:
        print(json.dumps({"settings_from": origin, "rules": rules}, ensure_ascii=False, indent=2))
        return 0
    checked = sum(1 for r in rules if r["checked"])
    print(f"程序依据的规则共 {len(rules)} 条，其中 {checked} 条由程序检查（{origin}）")
    area = None
    for r in rules:
        if r["area"] != area:
            area = r["area"]
            print(f"\n【{area}】")
        print(f"\n{r['title']}" + ("" if r["checked"] else "（程序尚未检查，列出备查）"))
        print(f"  {r['statement']}")
        print(f"  依据：{r['source']}")
        for s in r["settings"]:
            print(f"  设置：{s['label']}＝{s['shown']}" + ("" if s["default"] else "（已按本乡镇调整）"))
        if r["note"]:
            print(f"  说明：{r['note']}")
    return 0
