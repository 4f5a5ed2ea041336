"""docs/RULES.md as text, from the catalogue and the settings' defaults (pure; ``scripts/gen_rules_doc.py``
writes the file, and a test fails when the committed file differs)."""

from __future__ import annotations

from quzhou_desktop.core.rules import AREAS, RULES, Rule
from quzhou_desktop.core.rules_config import FIELDS, TownshipRules, format_value

GENERATOR = "scripts/gen_rules_doc.py"

_BY_KEY = {f.key: f for f in FIELDS}


def _settings_line(r: Rule, defaults: dict[str, object]) -> str:
    if not r.settings:
        return "- 乡镇设置：无（全乡镇统一执行）"
    parts = [
        f"“{_BY_KEY[k].label}”（默认：{format_value(_BY_KEY[k], defaults[k])}，`{k}`）" for k in r.settings
    ]
    return "- 乡镇设置：" + "；".join(parts)


def _entry(r: Rule, defaults: dict[str, object]) -> list[str]:
    lines = [
        f"### {r.title}（{r.id}）",
        "",
        r.statement,
        "",
        f"- 依据：{r.source}",
        _settings_line(r, defaults),
    ]
    if not r.checked:
        lines.append("- 程序尚未检查这条规则，列出备查。")
    if r.note:
        lines.append(f"- 说明：{r.note}")
    return [*lines, ""]


def render() -> str:
    """The whole of docs/RULES.md."""
    defaults = TownshipRules().to_dict()
    checked = sum(1 for r in RULES if r.checked)
    out = [
        "# 规则说明",
        "",
        f"<!-- 本文件由 {GENERATOR} 根据 quzhou_desktop/core/rules/ 生成，请勿手改；"
        f"重新生成：.venv/bin/python {GENERATOR} -->",
        "",
        f"本程序依据的规则共 {len(RULES)} 条，其中 {checked} 条由程序检查，其余列出备查。程序提示中引用的“依据”、"
        "设置页面中每项下注明的规则，都取自这里。"
        f"编号（{RULES[0].id}、{RULES[1].id}……）供开发和测试使用，程序界面上不显示。",
        "",
        "“依据”写的是办事人员可以引用的出处：法律、党内法规、国家标准写到条；只是地方做法或范本的，写明“地方做法”"
        "或“通行做法”，这类规则的数额、天数由乡镇在“设置 → 规则设置”中按本地规定调整。"
        "命令 `quzhou-desktop rules` 显示本乡镇当前的设置值。",
        "",
    ]
    for area, rules in AREAS:
        out += [f"## {area}", ""]
        for r in sorted(rules, key=lambda r: int(r.id[1:])):
            out += _entry(r, defaults)
    return "\n".join(out).rstrip("\n") + "\n"
