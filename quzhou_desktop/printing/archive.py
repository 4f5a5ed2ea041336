"""Pages of the village-year archive (村务档案): the 卷内目录 (catalogue), the 校验报告 (what ``verify`` found, with
the audit entry the archive was built at) and the 会议记录 of one meeting, laid out like the other printed pages
(GB/T 9704 geometry). They carry no 核验码: the archive's manifest and its audit entry vouch for them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from quzhou_desktop.printing.documents import Notice
from quzhou_desktop.printing.forms import SMALL, meta
from quzhou_desktop.printing.layout import Composer
from quzhou_desktop.printing.notices import cn, heading, paragraphs
from quzhou_desktop.printing.tables import columns, table

__all__ = ["CatalogueDoc", "CatalogueLine", "MinutesDoc", "VerifyReportDoc"]


@dataclass(frozen=True, kw_only=True)
class CatalogueLine:
    number: int  # 件号
    title: str  # 题名
    date: dt.date | None
    category: str  # 类别, as users read it
    retention: str  # 保管期限, as users read it
    extent: str  # "3页" or "12 KB"
    file: str  # path inside the archive folder


@dataclass(frozen=True, kw_only=True)
class CatalogueDoc(Notice):
    kind: ClassVar[str] = "archive_catalogue"
    span: str  # "2026年" or "2024年1月1日至2026年6月30日"
    built: str  # "2026年12月6日编制，审计日志第1234条"
    lines: tuple[CatalogueLine, ...]


@dataclass(frozen=True, kw_only=True)
class VerifyReportDoc(Notice):
    kind: ClassVar[str] = "archive_verify"
    passed: bool
    summary: str
    problems: tuple[str, ...]
    anchor: tuple[str, ...]  # lines naming the audit entry and chain head the archive was built at


@dataclass(frozen=True, kw_only=True)
class MinutesDoc(Notice):
    kind: ClassVar[str] = "archive_minutes"
    matter: str
    step: str  # 商议, 决议 …
    body: str  # 村民代表会议 …
    meeting_date: dt.date
    place: str
    chair: str
    recorder: str
    attendance: str  # "应到45人，实到38人" or ""
    votes: str  # "赞成30票，反对2票，弃权1票" or ""
    minutes: str
    decision: str


CAT_W = (2.2, 10.4, 4.4, 4.6, 2.8, 2.6, 7.6)
CAT_HEAD = ("件号", "题名", "日期", "类别", "保管\n期限", "页数\n大小", "文件名")


def render_catalogue(comp: Composer, doc: CatalogueDoc) -> None:
    comp.title(doc.title)
    meta(comp, f"立档单位：{doc.organisation}", f"期间：{doc.span}")
    comp.paragraph(doc.built, field="编制说明", indent=0, align="left", size=SMALL)
    head = columns(CAT_W, CAT_HEAD, aligns=("center",) * 7, role="heading", size=SMALL)
    aligns = ("center", "left", "center", "center", "center", "center", "left")
    fields = ("件号", "题名", "日期", "类别", "保管期限", "页数", "文件名")
    rows = [
        columns(
            CAT_W,
            (
                str(x.number),
                x.title,
                cn(x.date) if x.date else "—",
                x.category,
                x.retention,
                x.extent,
                x.file.rsplit("/", 1)[-1],
            ),
            aligns=aligns,
            fields=fields,
            size=SMALL,
        )
        for x in doc.lines
    ]
    table(comp, rows, header=[head], name="卷内目录")


def render_verify(comp: Composer, doc: VerifyReportDoc) -> None:
    comp.title(doc.title)
    meta(comp, f"立档单位：{doc.organisation}", f"校验日期：{cn(doc.date)}")
    heading(comp, 1, "校验结论")
    comp.paragraph(doc.summary, field="校验结论")
    if doc.problems:
        heading(comp, 2, "发现的问题")
        for n, p in enumerate(doc.problems, 1):
            comp.paragraph(f"{n}. {p}", field="问题")
    heading(comp, 3 if doc.problems else 2, "档案与数据库的对应")
    for line in doc.anchor:
        comp.paragraph(line, field="对应", size=SMALL, indent=0, align="left")


def render_minutes(comp: Composer, doc: MinutesDoc) -> None:
    comp.title(doc.title)
    meta(comp, f"村（社区）：{doc.organisation}", f"会议日期：{cn(doc.meeting_date)}")
    facts = [
        ("事项", doc.matter),
        ("步骤", doc.step),
        ("会议", doc.body),
        ("地点", doc.place),
        ("主持人", doc.chair),
        ("记录人", doc.recorder),
        ("到会情况", doc.attendance),
        ("表决情况", doc.votes),
    ]
    rows = [columns((3.0, 13.0), (k, v or "—"), aligns=("center", "left")) for k, v in facts if v]
    table(comp, rows, name="会议情况")
    comp.skip_lines(0.5)
    heading(comp, 1, "会议记录")
    paragraphs(comp, doc.minutes or "（未录入会议记录）", "会议记录")
    if doc.decision:
        heading(comp, 2, "决定事项")
        paragraphs(comp, doc.decision, "决定事项")
    comp.signature(doc.issuer, cn(doc.date))
