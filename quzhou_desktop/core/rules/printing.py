"""Printed notices after the 党政机关公文格式 standard: C27–C30."""

from __future__ import annotations

from quzhou_desktop.core.rules.entry import Rule

AREA = "公告格式"

_STD = "GB/T 9704-2012《党政机关公文格式》"
_BORROWED = "这项国家标准规范的是党政机关公文，村务公开栏的公告借用它的版式。"

RULES: tuple[Rule, ...] = (
    Rule(
        "C27", "成文日期",
        "成文日期用阿拉伯数字，年份写全，月、日不编虚位，如“2024年5月1日”，不写“2024年05月01日”或“二〇二四年五月一日”。",
        f"{_STD}第7.3.5.4条",
        note=_BORROWED,
    ),
    Rule(
        "C28", "发文字号",
        "发文字号由发文机关代字、年份和序号组成，年份用六角括号“〔〕”括入，序号不编虚位、不加“第”，如“衢柯〔2024〕3号”。",
        f"{_STD}第7.2.5条",
        note=_BORROWED,
    ),
    Rule(
        "C29", "纸张和版心",
        "公告用A4纸，天头37毫米，订口28毫米，版心156毫米×225毫米。",
        f"{_STD}第5.1条、第5.2.1条",
        note=_BORROWED,
    ),
    Rule(
        "C30", "页码",
        "多页的公告在版心下边缘之下7毫米处印页码：4号半角宋体阿拉伯数字，两侧各加一条一字线，如“— 1 —”；"
        "单页码居右空一字，双页码居左空一字。",
        f"{_STD}第7.5条",
        note=_BORROWED,
    ),
)  # fmt: skip
