"""The register (台账) of all disclosures: filters and sorting in SQL, one page at a time, and export rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import load_only

from quzhou_desktop.core.dates import format_chinese_date
from quzhou_desktop.core.disclosures import reply_status
from quzhou_desktop.core.money import format_fen
from quzhou_desktop.core.rules_config import TownshipRules
from quzhou_desktop.services.disclosures.disclosure import CATEGORY_LABELS, KIND_LABELS, STATUS_LABELS
from quzhou_desktop.services.disclosures.feedback import FEEDBACK_KINDS
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.settings import get_rules
from quzhou_desktop.services.roster.villages import shown_village, village_labels
from quzhou_desktop.store.models import Disclosure, DisclosureFeedback, DisclosureItem, Village


@dataclass(frozen=True)
class DisclosureFilter:
    village_id: str | None = None  # None = every village the user may see
    category: str | None = None
    period_from: date | None = None  # disclosures whose covered period (or posting) overlaps [from, to]
    period_to: date | None = None
    status: str | None = None
    overdue_only: bool = False  # C21: posted after the deadline, or deadline passed and not posted
    open_feedback_only: bool = False  # has feedback not yet replied
    text: str = ""


@dataclass(frozen=True)
class DisclosureRow:
    id: str
    village_id: str
    village_name: str
    category: str
    kind: str
    item_name: str
    title: str
    period_start: date | None
    period_end: date | None
    due_on: date | None
    posted_from: date | None
    posted_to: date | None
    channels: str
    status: str
    reviewed: bool
    total_income_fen: int | None
    total_expense_fen: int | None
    open_feedback: int
    feedback: int
    supersedes_id: str | None
    days_late: int  # C21: days after ``due_on`` (posted late, or still unposted at today)

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS.get(self.category, self.category)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def period_text(self) -> str:
        if self.period_start is None:
            return ""
        if self.period_end is None or self.period_end == self.period_start:
            return self.period_start.isoformat()
        return f"{self.period_start.isoformat()} 至 {self.period_end.isoformat()}"

    @property
    def late_text(self) -> str:
        if not self.days_late:
            return ""
        return f"逾期{self.days_late}天" + ("公开" if self.posted_from else "未公开")


SORTS = {
    "village": Village.name,
    "category": Disclosure.category,
    "title": Disclosure.title,
    "period": Disclosure.period_start,
    "due": Disclosure.due_on,
    "posted": Disclosure.posted_from,
    "status": Disclosure.status,
}


# the columns ``DisclosureRow`` shows (not the text and tables of the disclosure)
_ROW_FIELDS = (
    Disclosure.village_id, Disclosure.category, Disclosure.kind, Disclosure.title, Disclosure.period_start,
    Disclosure.period_end, Disclosure.due_on, Disclosure.posted_from, Disclosure.posted_to, Disclosure.channels,
    Disclosure.status, Disclosure.reviewed_at, Disclosure.total_income_fen, Disclosure.total_expense_fen,
    Disclosure.supersedes_id, Disclosure.item_id, Disclosure.created_at,
)  # fmt: skip


def _open_fb() -> Any:
    return (
        select(func.count(DisclosureFeedback.id))
        .where(DisclosureFeedback.disclosure_id == Disclosure.id, DisclosureFeedback.replied_on.is_(None))
        .scalar_subquery()
    )


def _all_fb() -> Any:
    return (
        select(func.count(DisclosureFeedback.id))
        .where(DisclosureFeedback.disclosure_id == Disclosure.id)
        .scalar_subquery()
    )


def _where(ctx: AppContext, q: Select[Any], flt: DisclosureFilter, today: date) -> Select[Any]:
    visible = ctx.visible_village_ids()
    if flt.village_id is not None:
        ctx.require_village(flt.village_id)
        q = q.where(Disclosure.village_id == flt.village_id)
    elif visible is not None:
        q = q.where(Disclosure.village_id.in_(sorted(visible)))
    if flt.category:
        q = q.where(Disclosure.category == flt.category)
    if flt.status:
        q = q.where(Disclosure.status == flt.status)
    start = func.coalesce(Disclosure.period_start, Disclosure.posted_from, func.date(Disclosure.created_at))
    end = func.coalesce(Disclosure.period_end, Disclosure.period_start, Disclosure.posted_from, start)
    if flt.period_from is not None:
        q = q.where(end >= flt.period_from)
    if flt.period_to is not None:
        q = q.where(start <= flt.period_to)
    if flt.overdue_only:
        q = q.where(
            Disclosure.due_on.is_not(None),
            or_(
                and_(Disclosure.status.in_(("draft", "reviewed")), Disclosure.due_on < today),
                Disclosure.posted_from > Disclosure.due_on,
            ),
        )
    if flt.open_feedback_only:
        q = q.where(
            exists().where(
                DisclosureFeedback.disclosure_id == Disclosure.id, DisclosureFeedback.replied_on.is_(None)
            )
        )
    if flt.text.strip():
        q = q.where(Disclosure.title.contains(flt.text.strip(), autoescape=True))
    return q


def count_disclosures(ctx: AppContext, flt: DisclosureFilter) -> int:
    today = ctx.clock.today()
    with ctx.read() as s:
        q = _where(ctx, select(func.count(Disclosure.id)), flt, today)
        return int(s.scalar(q) or 0)


def list_disclosures(
    ctx: AppContext,
    flt: DisclosureFilter,
    *,
    offset: int = 0,
    limit: int = 200,
    sort: str | None = "period",
    descending: bool = True,
) -> list[DisclosureRow]:
    """One page of the register, sorted in SQL (``sort`` is a key of ``SORTS``)."""
    today = ctx.clock.today()
    col = SORTS.get(sort or "period", Disclosure.period_start)
    order: tuple[Any, ...] = (
        (col.desc() if descending else col.asc()).nulls_last(),
        Disclosure.created_at.desc(),
        Disclosure.id,
    )
    # the page's ids first, sorted on narrow rows (a village has thousands), then those rows in full
    ids: Any = select(Disclosure.id)
    inner_order = order
    if col is Village.name and flt.village_id is not None:
        inner_order = order[1:]  # one village: its name is the same on every row
    elif col is Village.name:
        ids = ids.join(Village, Village.id == Disclosure.village_id)
    page = _where(ctx, ids, flt, today).order_by(*inner_order).offset(offset).limit(limit).subquery()
    q = (
        select(Disclosure, Village.name, DisclosureItem.name, _open_fb(), _all_fb())
        .join(page, page.c.id == Disclosure.id)
        .join(Village, Village.id == Disclosure.village_id)
        .outerjoin(DisclosureItem, DisclosureItem.id == Disclosure.item_id)
        .options(load_only(*_ROW_FIELDS))
        .order_by(*order)
    )
    with ctx.read() as s:
        out = []
        labels = village_labels(s)
        for d, vname, iname, open_fb, all_fb in s.execute(q):
            vname = shown_village(labels, d.village_id, vname)
            days = 0
            if d.due_on is not None:
                end = d.posted_from or (today if d.status in ("draft", "reviewed") else d.due_on)
                days = max(0, (end - d.due_on).days)
            out.append(
                DisclosureRow(
                    d.id,
                    d.village_id,
                    vname,
                    d.category,
                    d.kind,
                    iname or "",
                    d.title,
                    d.period_start,
                    d.period_end,
                    d.due_on,
                    d.posted_from,
                    d.posted_to,
                    d.channels or "",
                    d.status,
                    d.reviewed_at is not None,
                    d.total_income_fen,
                    d.total_expense_fen,
                    int(open_fb or 0),
                    int(all_fb or 0),
                    d.supersedes_id,
                    days,
                )
            )
        return out


# ---------------------------------------------------------------------------------------------------------
# export

EXPORT_HEADERS = (
    "村", "类别", "公开事项", "标题", "公开期间", "截止日期", "公开日期", "撤下日期", "公开方式", "状态",
    "收入合计", "支出合计", "逾期", "意见收到日期", "反映人", "反映方式", "意见类型", "意见内容", "答复",
    "答复日期", "答复期限", "答复是否逾期",
)  # fmt: skip


def export_rows(ctx: AppContext, flt: DisclosureFilter) -> list[list[object]]:
    """Rows for the 三务公开台账 workbook: one row per feedback (the disclosure repeated), or one row for a
    disclosure without feedback.  Headers in ``EXPORT_HEADERS``; amounts as display text."""
    today = ctx.clock.today()
    rules_of_village: dict[str, TownshipRules] = {}  # each village by its own township's rules
    rows: list[list[object]] = []
    offset = 0
    while True:
        page = list_disclosures(ctx, flt, offset=offset, limit=1000, sort="period", descending=False)
        if not page:
            break
        offset += len(page)
        ids = [r.id for r in page if r.feedback]
        fb: dict[str, list[DisclosureFeedback]] = {}
        if ids:
            with ctx.read() as s:
                for f in s.scalars(
                    select(DisclosureFeedback)
                    .where(DisclosureFeedback.disclosure_id.in_(ids))
                    .order_by(DisclosureFeedback.received_on)
                ):
                    fb.setdefault(f.disclosure_id, []).append(f)
        for r in page:
            head: list[object] = [
                r.village_name, r.category_label, r.item_name, r.title, r.period_text, r.due_on,
                r.posted_from, r.posted_to, r.channels, r.status_label,
                format_fen(r.total_income_fen) if r.total_income_fen is not None else "",
                format_fen(r.total_expense_fen) if r.total_expense_fen is not None else "",
                r.late_text,
            ]  # fmt: skip
            items = fb.get(r.id, [])
            rules = rules_of_village.get(r.village_id)
            if rules is None and items:
                rules = rules_of_village[r.village_id] = get_rules(ctx, r.village_id)
            if not items:
                rows.append(head + [""] * 9)
            for f in items:
                assert rules is not None
                st = reply_status(f.received_on, f.replied_on, today, rules)
                rows.append(
                    [
                        *head,
                        f.received_on,
                        f.from_name or "",
                        f.channel or "",
                        FEEDBACK_KINDS.get(f.kind, f.kind),
                        f.content,
                        f.reply or "",
                        f.replied_on,
                        format_chinese_date(st.deadline),
                        f"逾期{st.days_late}天" if st.late else "否",
                    ]
                )
    return rows
