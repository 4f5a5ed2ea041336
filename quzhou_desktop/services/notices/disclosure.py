"""The printable 党务公开 / 村务公开 notice from a disclosure record (财务公开 prints as the 财务公开表, see
``services.notices.money``).

The body and table are the record's; a table comes from the record's table (``{"columns": [...], "rows":
[[...], ...]}``) or, when it has none, from lines of the body separated by tabs (rows pasted from a spreadsheet;
the first such line is the header).  The 村监会 review is printed when a valid one is recorded; a category the
township requires to be reviewed (``TownshipRules.disclosure_review_scope``, C31) cannot be printed without it.
The 成文日期 is the posting date, else the review date, else the day the record was made — never "today".
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from quzhou_desktop.core.dates import format_chinese_date, month_of, quarter_of, year_of
from quzhou_desktop.core.errors import NotFound
from quzhou_desktop.printing.documents import DisclosureNotice, DisclosureTable
from quzhou_desktop.services.disclosures.disclosure import (
    CADENCE_LABELS,
    TownshipReviewRequired,
    _reviewer_name,
    review_valid,
)
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.notices.common import NoticeCache, feedback_text
from quzhou_desktop.services.notices.money import local_date
from quzhou_desktop.services.notices.register import NotPrintable
from quzhou_desktop.store.models import Disclosure, DisclosureItem

CATEGORY = {"party": "党务公开", "village": "村务公开"}
MAX_COLUMNS = 10


def period_label(start: dt.date | None, end: dt.date | None) -> str:
    """ "2026年10月" / "2026年第三季度" / "2026年" / "2026年10月1日至2026年10月15日" / ""."""
    if start is None or end is None:
        return ""
    for p in (month_of(start), quarter_of(start), year_of(start)):
        if (p.start, p.end) == (start, end):
            if p.months == 3:
                return f"{p.year}年第{'一二三四'[(p.first_month - 1) // 3]}季度"
            return p.label
    if start == end:
        return format_chinese_date(start)
    return f"{format_chinese_date(start)}至{format_chinese_date(end)}"


def _cells(line: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in line.split("\t"))


def split_body(body: str) -> tuple[str, DisclosureTable | None, str]:
    """(text before, table, text after): the first run of tab-separated lines becomes the table, its first line
    the header; without such lines the whole body is the text before."""
    lines = body.splitlines()
    first = next((i for i, ln in enumerate(lines) if "\t" in ln), None)
    if first is None:
        return body, None, ""
    last = first
    while last + 1 < len(lines) and "\t" in lines[last + 1]:
        last += 1
    head, *rows = [_cells(ln) for ln in lines[first : last + 1]]
    table = DisclosureTable(columns=head[:MAX_COLUMNS], rows=tuple(r[:MAX_COLUMNS] for r in rows))
    return "\n".join(lines[:first]), table, "\n".join(lines[last + 1 :])


def table_of(raw: str | None) -> DisclosureTable | None:
    """The record's own table (``{"columns": [...], "rows": [[...]]}``), None when it has none."""
    if not raw:
        return None
    data: Any = json.loads(raw)
    if not isinstance(data, dict) or not data.get("columns"):
        return None
    columns = tuple(str(c) for c in data["columns"])[:MAX_COLUMNS]
    rows = tuple(tuple("" if c is None else str(c) for c in r)[:MAX_COLUMNS] for r in data.get("rows") or ())
    return DisclosureTable(columns=columns, rows=rows)


def disclosure_notice(
    ctx: AppContext, disclosure_id: str, cache: NoticeCache | None = None
) -> DisclosureNotice:
    """The 公开栏 notice of a 党务公开 or 村务公开 disclosure."""
    cache = cache or NoticeCache()
    with ctx.read() as s:
        d = s.get(Disclosure, disclosure_id)
        if d is None:
            raise NotFound(what="这份公开内容")
        ctx.require_village(d.village_id)
        rules = cache.township_rules(s, d.village_id)
        if d.category not in CATEGORY:
            raise NotPrintable(what=d.title, reason="财务公开请按“财务公开表”打印")
        reviewed = review_valid(d) and d.reviewed_at is not None
        if rules.review_required(d.category) and not reviewed:
            raise TownshipReviewRequired(title=d.title, category=CATEGORY[d.category])
        org = cache.org(s, d.village_id)
        item = s.get(DisclosureItem, d.item_id) if d.item_id else None
        reviewer = (_reviewer_name(s, d) or "") if reviewed else ""
        review_date = local_date(d.reviewed_at) if reviewed and d.reviewed_at else None
        date = d.posted_from or review_date or local_date(d.created_at)
        text, pasted, after = split_body(d.body or "")
        own = table_of(d.table_json)
        party = d.category == "party"
        return DisclosureNotice(
            organisation=org.full,
            title=d.title,
            date=date,
            issuer=f"中共{org.village}支部委员会" if party else org.issuer,
            category=CATEGORY[d.category],
            item=f"{item.name}（{CADENCE_LABELS.get(item.cadence, item.cadence)}）" if item else "",
            period=period_label(d.period_start, d.period_end),
            addressee="全体党员、村民：" if party else "全体村民：",
            body=text.strip() if own is None else (d.body or "").strip(),
            table=own or pasted,
            closing=after.strip() if own is None else "",
            posting_from=d.posted_from,
            posting_to=d.posted_to,
            feedback=feedback_text(
                s, org, "党员、村民如有意见" if party else "村民如有意见", on=date, cache=cache
            ),
            reviewers=(reviewer,) if reviewer else (),
            review_date=review_date,
            review_opinion=(d.review_opinion or "") if reviewed else "",
        )
