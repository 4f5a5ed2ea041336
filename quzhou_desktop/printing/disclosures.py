"""The 党务公开 and 村务公开 notice for the 公开栏 (layout after GB/T 9704, C27–C30): title, category and period,
body, an optional table, the posting period, the feedback channel, the 村务监督委员会's review and the 署名."""

from __future__ import annotations

import re

from quzhou_desktop.printing.documents import DisclosureNotice, DisclosureTable
from quzhou_desktop.printing.forms import META_SIZE, SMALL, meta
from quzhou_desktop.printing.layout import Composer
from quzhou_desktop.printing.notices import cn, heading, paragraphs, posting_days
from quzhou_desktop.printing.tables import TABLE_SIZE, Row, columns, table

# A column's share of the width follows its longest text (plus one character of padding), within bounds.
MIN_CHARS, MAX_CHARS = 2, 14
_NUMBER = re.compile(r"^[¥￥]?-?[\d,]+(\.\d+)?%?$")


def _weights(t: DisclosureTable) -> list[float]:
    widths = []
    for i, head in enumerate(t.columns):
        texts = [head] + [row[i] if i < len(row) else "" for row in t.rows]
        longest = max(len(line) for text in texts for line in (text.split("\n") or [""]))
        widths.append(float(min(MAX_CHARS, max(MIN_CHARS, longest)) + 1))
    return widths


def _aligns(t: DisclosureTable) -> tuple[str, ...]:
    """Numbers right-aligned, a 序号 column centred, text left."""
    out = []
    for i, head in enumerate(t.columns):
        cells = [row[i].strip() for row in t.rows if i < len(row) and row[i].strip()]
        if head in ("序号", "编号") or (cells and all(c.isdigit() and len(c) <= 3 for c in cells)):
            out.append("center")
        elif cells and all(_NUMBER.match(c) for c in cells):
            out.append("right")
        else:
            out.append("left")
    return tuple(out)


def _table(comp: Composer, t: DisclosureTable) -> None:
    size = SMALL if len(t.columns) > 4 else TABLE_SIZE
    weights = _weights(t)
    n = len(t.columns)
    head = columns(weights, t.columns, aligns=("center",) * n, role="heading", size=size)
    aligns = _aligns(t)
    rows: list[Row] = [
        columns(weights, tuple((list(r) + [""] * n)[:n]), aligns=aligns, fields=tuple(t.columns), size=size)
        for r in t.rows
    ]
    table(comp, rows, header=[head], name="公开表")
    comp.skip_lines(0.5)


def render_disclosure(comp: Composer, doc: DisclosureNotice) -> None:
    comp.title(doc.title)
    meta(comp, f"公开类别：{doc.category}", f"公开期间：{doc.period}" if doc.period else "")
    if doc.item:
        comp.paragraph(f"公开事项：{doc.item}", field="公开事项", size=META_SIZE, indent=0)
    comp.paragraph(doc.addressee, field="主送", indent=0, align="left")
    paragraphs(comp, doc.body, "正文")
    if doc.table is not None and doc.table.columns:
        _table(comp, doc.table)
    paragraphs(comp, doc.closing, "正文")
    n = 1
    if doc.posting_from is not None:
        heading(comp, n, "公开期限")
        if doc.posting_to is not None:
            when = (
                f"自{cn(doc.posting_from)}至{cn(doc.posting_to)}，"
                f"共{posting_days(doc.posting_from, doc.posting_to)}天。"
            )
        else:
            when = f"自{cn(doc.posting_from)}起。"
        comp.paragraph(when, field="公开期限")
        n += 1
    if doc.feedback:
        heading(comp, n, "意见反馈")
        paragraphs(comp, doc.feedback, "意见反馈")
    if doc.reviewers:
        comp.skip_lines(0.5)
        opinion = doc.review_opinion or "经审核，同意公开。"
        comp.paragraph(f"村务监督委员会审核意见：{opinion}", field="审核意见", size=META_SIZE, indent=0)
        when = f"　审核日期：{cn(doc.review_date)}" if doc.review_date else ""
        # a paragraph (held, not drawn at once) so the 署名 can take it along to a new page
        comp.paragraph(f"审核人：{'、'.join(doc.reviewers)}{when}", field="审核人", size=META_SIZE, indent=0)
    comp.signature(doc.issuer, cn(doc.date))
