"""The register list (paged, filtered and sorted in SQL over indexed columns) and the 工作台 queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select

from quzhou_desktop.core.matters import StepType
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.search import contains, contains_pattern
from quzhou_desktop.services.matters.common import POSTING_STEPS, fmt_date
from quzhou_desktop.services.matters.matter import MatterRow, matter_row
from quzhou_desktop.services.roster.villages import shown_village, village_labels
from quzhou_desktop.store.models import Matter, MatterStep, Village

__all__ = [
    "SORTS",
    "DashboardItem",
    "MatterFilter",
    "MattersDashboard",
    "count_matters",
    "dashboard",
    "list_matters",
    "matter_years",
]


@dataclass(frozen=True)
class MatterFilter:
    village_id: str | None = None
    year: int | None = None
    category: str | None = None
    current_step: str | None = None  # a StepType value, or "none" for matters with no final step yet
    status: str | None = None  # in_progress / failed / completed / withdrawn
    overdue: bool = False
    failed: bool = False  # 未通过 only
    search: str = ""


SORTS: dict[str, Any] = {
    "title": Matter.title,
    "village": Village.name,
    "year": Matter.year,
    "category": Matter.category,
    "status": Matter.status,
    "current_step": Matter.current_step,
    "next_due": Matter.next_due_date,
    "deadline": Matter.next_deadline,
    "amount": Matter.amount_fen,
    "created": Matter.created_at,
}


def _query(ctx: AppContext, flt: MatterFilter, today: date) -> Select[Matter, str]:
    q = select(Matter, Village.name).join(Village, Village.id == Matter.village_id)
    visible = ctx.visible_village_ids()
    if flt.village_id:
        ctx.require_village(flt.village_id)
        q = q.where(Matter.village_id == flt.village_id)
    elif visible is not None:
        q = q.where(Matter.village_id.in_(sorted(visible)))
    if flt.year:
        q = q.where(Matter.year == flt.year)
    if flt.category:
        q = q.where(Matter.category == flt.category)
    if flt.current_step == "none":
        q = q.where(Matter.current_step.is_(None))
    elif flt.current_step:
        q = q.where(Matter.current_step == flt.current_step)
    if flt.failed:
        q = q.where(Matter.status == "failed")
    elif flt.status:
        q = q.where(Matter.status == flt.status)
    if flt.overdue:
        q = q.where(Matter.status == "in_progress", Matter.next_deadline < today)
    text = flt.search.strip()
    if text:
        like = contains_pattern(text)
        q = q.where(
            or_(
                contains(Matter.title, like),
                contains(Matter.suggested_by, like),
                contains(Village.name, like),
            )
        )
    return q


def count_matters(ctx: AppContext, flt: MatterFilter) -> int:
    today = ctx.clock.today()
    with ctx.read() as s:
        q = _query(ctx, flt, today).with_only_columns(func.count()).order_by(None)
        return int(s.scalar(q) or 0)


def list_matters(
    ctx: AppContext,
    flt: MatterFilter,
    *,
    sort: str = "created",
    descending: bool = True,
    offset: int = 0,
    limit: int = 100,
) -> list[MatterRow]:
    today = ctx.clock.today()
    col = SORTS.get(sort, Matter.created_at)
    order = col.desc() if descending else col.asc()
    with ctx.read() as s:
        q = _query(ctx, flt, today).order_by(order.nulls_last(), Matter.id).offset(offset).limit(limit)
        labels = village_labels(s)
        return [matter_row(m, shown_village(labels, m.village_id, vname), today) for m, vname in s.execute(q)]


def matter_years(ctx: AppContext, village_id: str | None = None) -> list[int]:
    """Years that have matters (for the year filter), newest first."""
    with ctx.read() as s:
        q = select(Matter.year).distinct()
        visible = ctx.visible_village_ids()
        if village_id:
            ctx.require_village(village_id)
            q = q.where(Matter.village_id == village_id)
        elif visible is not None:
            q = q.where(Matter.village_id.in_(sorted(visible)))
        return sorted((int(y) for y in s.scalars(q)), reverse=True)


@dataclass(frozen=True)
class DashboardItem:
    matter_id: str
    village_name: str
    title: str
    text: str  # Chinese one-liner, e.g. "下一步：党员大会审议，2026年5月17日起"
    when: date | None
    overdue: bool = False
    step_id: str | None = None


@dataclass(frozen=True)
class MattersDashboard:
    waiting: tuple[DashboardItem, ...]  # matters waiting for their next step (soonest / overdue first)
    postings_ending: tuple[DashboardItem, ...]  # postings whose period ends within ``soon_days``
    undisclosed: tuple[DashboardItem, ...]  # resolutions or results not yet disclosed

    @property
    def total(self) -> int:
        return len(self.waiting) + len(self.postings_ending) + len(self.undisclosed)


_DISCLOSE_NEXT = {
    StepType.RESOLVE.value: "决议已通过，尚未公开",
    StepType.IMPLEMENT.value: "已实施，实施结果尚未公开",
}


def dashboard(
    ctx: AppContext, *, village_id: str | None = None, soon_days: int = 3, limit: int = 50
) -> MattersDashboard:
    """The 工作台 lists for the villages the user may see (or one village)."""
    from quzhou_desktop.core.matters import step_sequence
    from quzhou_desktop.services.kernel.settings import rules_in

    today = ctx.clock.today()
    flt = MatterFilter(village_id=village_id, status="in_progress")
    with ctx.read() as s:
        base = _query(ctx, flt, today)
        waiting_rows = s.execute(
            base.where(Matter.current_step.not_in(list(_DISCLOSE_NEXT)) | Matter.current_step.is_(None))
            .where(or_(Matter.next_due_date.is_(None), Matter.next_due_date <= today + timedelta(days=7)))
            .order_by(Matter.next_deadline.asc().nulls_last(), Matter.next_due_date, Matter.id)
            .limit(limit)
        )
        waiting = []
        labels = village_labels(s)
        for m, vname in waiting_rows:
            vname = shown_village(labels, m.village_id, vname)
            row = matter_row(m, vname, today)
            # each village's own township's step list (a county database holds several townships)
            nxt = _next_label(m.current_step, step_sequence(rules_in(s, m.village_id)))
            when = f"，{fmt_date(m.next_due_date)}起" if m.next_due_date and m.next_due_date > today else ""
            late = f"（已逾期，应于{fmt_date(m.next_deadline)}前完成）" if row.overdue else ""
            waiting.append(
                DashboardItem(
                    m.id, vname, row.display_title, f"下一步：{nxt}{when}{late}", m.next_due_date, row.overdue
                )
            )
        undisclosed = []
        for m, vname in s.execute(
            base.where(Matter.current_step.in_(list(_DISCLOSE_NEXT)))
            .order_by(Matter.next_deadline, Matter.id)
            .limit(limit)
        ):
            vname = shown_village(labels, m.village_id, vname)
            row = matter_row(m, vname, today)
            text = _DISCLOSE_NEXT[m.current_step or ""]
            if m.next_deadline:
                text += f"（{'已逾期，' if row.overdue else ''}应于{fmt_date(m.next_deadline)}前公开）"
            undisclosed.append(
                DashboardItem(m.id, vname, row.display_title, text, m.next_deadline, row.overdue)
            )
        postings = []
        pq = (
            select(MatterStep, Matter, Village.name)
            .join(Matter, Matter.id == MatterStep.matter_id)
            .join(Village, Village.id == Matter.village_id)
            .where(
                MatterStep.step_type.in_([st.value for st in POSTING_STEPS]),
                MatterStep.state == "final",
                and_(
                    MatterStep.posting_to >= today, MatterStep.posting_to <= today + timedelta(days=soon_days)
                ),
                Matter.status != "withdrawn",
            )
            .order_by(MatterStep.posting_to, MatterStep.id)
            .limit(limit)
        )
        visible = ctx.visible_village_ids()
        if village_id:
            pq = pq.where(Matter.village_id == village_id)
        elif visible is not None:
            pq = pq.where(Matter.village_id.in_(sorted(visible)))
        for st, m, vname in s.execute(pq):
            assert st.posting_to is not None
            left = (st.posting_to - today).days
            when = "今天" if left == 0 else f"{left}天后"
            text = f"{StepType(st.step_type).label}于{fmt_date(st.posting_to)}期满（{when}），期满后可撤下并登记下一步"
            title = m.title if m.run_no == 1 else f"{m.title}（第{m.run_no}轮）"
            postings.append(
                DashboardItem(
                    m.id, shown_village(labels, m.village_id, vname), title, text, st.posting_to, False, st.id
                )
            )
    return MattersDashboard(tuple(waiting), tuple(postings), tuple(undisclosed))


def _next_label(current: str | None, seq: tuple[StepType, ...]) -> str:
    if current is None:
        return (
            seq[0].label
            if seq[0] is not StepType.SUGGEST or len(seq) < 2
            else f"{seq[0].label}或{seq[1].label}"
        )
    cur = StepType(current)
    if cur in seq:
        i = seq.index(cur)
        if i + 1 < len(seq):
            return seq[i + 1].label
    return "（无）"


def register_steps(ctx: AppContext) -> tuple[StepType, ...]:
    """The steps the register's 环节 filter offers: the configured step list (C10) of the township of the
    villages the user sees; on a database of several townships (a county's), every step any of them uses,
    in the order of the procedure."""
    from quzhou_desktop.core.matters import step_sequence
    from quzhou_desktop.services.kernel.settings import rules_in

    visible = ctx.visible_village_ids()
    with ctx.read() as s:
        q = select(Village.id, Village.township_id).where(Village.active.is_(True))
        first: dict[str, str] = {}
        for vid, tid in s.execute(q):
            if visible is None or vid in visible:
                first.setdefault(tid, vid)
        seqs = [step_sequence(rules_in(s, vid)) for vid in first.values()] or [step_sequence(rules_in(s))]
    if len(seqs) == 1:
        return seqs[0]
    used = {st for seq in seqs for st in seq}
    return tuple(st for st in StepType if st in used)
