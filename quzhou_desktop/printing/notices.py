"""The three 公开栏 notices of the 五议两公开 register: 方案公示, 决议公告, 实施结果公告 (layout after GB/T 9704, C27–C30)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from quzhou_desktop.core.dates import format_chinese_date
from quzhou_desktop.core.money import fen_to_upper, format_fen
from quzhou_desktop.printing.documents import AmountLine, Meeting, PlanNotice, ResolutionNotice, ResultNotice
from quzhou_desktop.printing.layout import Composer
from quzhou_desktop.printing.tables import Row, columns, table

ADDRESSEE = "全体村民："
NUMERALS = "一二三四五六七八九十"


def cn(d: dt.date) -> str:
    """成文日期 style, C27: "2026年11月24日"."""
    return format_chinese_date(d)


def rate(present: int, entitled: int) -> str:
    """到会率 as "93.3%" (display arithmetic in Decimal)."""
    if entitled <= 0:
        return "—"
    value = (Decimal(present) * 100 / Decimal(entitled)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{value}%"


def posting_days(start: dt.date, end: dt.date) -> int:
    return (end - start).days + 1


def paragraphs(comp: Composer, text: str, field: str) -> None:
    for part in text.splitlines():
        if part.strip():
            comp.paragraph(part.strip(), field=field)


def heading(comp: Composer, n: int, text: str) -> None:
    """First-level heading "一、…" in 黑体, indented two characters like body text (GB/T 9704-2012 §7.3.3)."""
    comp.paragraph(f"{NUMERALS[n - 1]}、{text}", field="标题", role="heading", keep_with_next=True)


def opening(comp: Composer, title: str) -> None:
    comp.title(title)
    comp.paragraph(ADDRESSEE, field="主送", indent=0, align="left")


def attendance(m: Meeting) -> str:
    if m.entitled is None or m.present is None:
        return ""
    return f"应到会{m.entitled}人，实到{m.present}人，到会率{rate(m.present, m.entitled)}。"


def meeting_sentence(m: Meeting, org: str) -> str:
    where = f"在{m.place}" if m.place else ""
    chair = f"，由{m.chair}主持" if m.chair else ""
    return f"{cn(m.date)}，{org}{where}召开{m.body}{chair}"


def render_plan(comp: Composer, doc: PlanNotice) -> None:
    opening(comp, doc.title)
    comp.paragraph(
        f"{meeting_sentence(doc.meeting, doc.organisation)}，对“{doc.matter}”进行了商议，"
        f"{attendance(doc.meeting)}会议形成初步方案，现予公示，广泛听取村民意见。",
        field="商议会议",
    )
    heading(comp, 1, "方案内容")
    paragraphs(comp, doc.plan_text, "方案内容")
    heading(comp, 2, "公示期限")
    comp.paragraph(
        f"自{cn(doc.posting_from)}至{cn(doc.posting_to)}，"
        f"共{posting_days(doc.posting_from, doc.posting_to)}天。",
        field="公示期限",
    )
    heading(comp, 3, "意见反馈")
    paragraphs(comp, doc.feedback, "意见反馈")
    comp.signature(doc.issuer, cn(doc.date))


def render_resolution(comp: Composer, doc: ResolutionNotice) -> None:
    v = doc.votes
    opening(comp, doc.title)
    comp.paragraph(
        f"{meeting_sentence(doc.meeting, doc.organisation)}，对“{doc.matter}”进行表决。"
        f"{attendance(doc.meeting)}会议采取{v.method}方式，同意{v.yes}票，反对{v.no}票，弃权{v.abstain}票。"
        "现将决议公告如下：",
        field="会议情况",
    )
    heading(comp, 1, "决议内容")
    paragraphs(comp, doc.decision_text, "决议内容")
    heading(comp, 2, "公告期限")
    comp.paragraph(
        f"自{cn(doc.posting_from)}至{cn(doc.posting_to)}，"
        f"共{posting_days(doc.posting_from, doc.posting_to)}天。",
        field="公告期限",
    )
    heading(comp, 3, "意见反馈")
    comp.paragraph(f"村民对本决议如有异议，请在公告期内通过以下方式反映：{doc.objection}", field="意见反馈")
    comp.signature(doc.issuer, cn(doc.date))


AMOUNT_WEIGHTS = (5.0, 3.2, 6.8)


def amount_rows(lines: tuple[AmountLine, ...], total_label: str = "合计") -> tuple[Row, list[Row]]:
    aligns = ("left", "right", "left")
    head = columns(
        AMOUNT_WEIGHTS, ("项目", "金额（小写）", "金额（大写）"), aligns=("center",) * 3, role="heading"
    )
    rows = [
        columns(
            AMOUNT_WEIGHTS,
            (a.label, format_fen(a.fen), fen_to_upper(a.fen)),
            aligns=aligns,
            fields=("资金项目", "金额", "金额"),
        )
        for a in lines
    ]
    if len(lines) > 1:
        total = sum(a.fen for a in lines)
        rows.append(
            columns(
                AMOUNT_WEIGHTS,
                (total_label, format_fen(total), fen_to_upper(total)),
                aligns=("center", "right", "left"),
            )
        )
    return head, rows


def render_result(comp: Composer, doc: ResultNotice) -> None:
    opening(comp, doc.title)
    comp.paragraph(f"“{doc.matter}”已于{cn(doc.completed)}实施完成。现将实施结果公告如下：", field="事项")
    heading(comp, 1, "实施情况")
    paragraphs(comp, doc.summary, "实施情况")
    n = 2
    if doc.amounts:
        heading(comp, n, "资金使用情况")
        head, rows = amount_rows(doc.amounts)
        table(comp, rows, header=[head], name="资金使用情况")
        comp.skip_lines(0.5)
        n += 1
    if doc.posting_from and doc.posting_to:
        heading(comp, n, "公告期限")
        comp.paragraph(f"自{cn(doc.posting_from)}至{cn(doc.posting_to)}。", field="公告期限")
        n += 1
    heading(comp, n, "群众评议")
    paragraphs(comp, doc.feedback, "群众评议")
    comp.signature(doc.issuer, cn(doc.date))
