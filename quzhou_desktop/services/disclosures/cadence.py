"""The cadence engine: for each village and each 定期 item of its 公开目录, what is due in the current period,
what is overdue and by how many days (C20 monthly when finances are busy, otherwise quarterly; C21 by the
``disclosure_deadline_day`` of the period's first month).  The rules live in ``core.disclosures``; this module
only gathers the posting dates.  Also: the township overview and the due-notices list for batch printing."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from quzhou_desktop.core.dates import month_of, quarter_of
from quzhou_desktop.core.disclosures import DueItem, DueState, due_disclosures
from quzhou_desktop.core.rules_config import TownshipRules
from quzhou_desktop.services.disclosures.catalogue import ItemInfo, list_items
from quzhou_desktop.services.disclosures.disclosure import review_valid
from quzhou_desktop.services.disclosures.feedback import FeedbackCounts, feedback_counts
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.settings import get_rules, rules_in
from quzhou_desktop.services.roster.villages import VillageInfo, get_village, list_villages
from quzhou_desktop.store.models import Disclosure, NoticePrint

PUBLISHED = ("posted", "superseded")


def default_since(today: date) -> date:
    """Start of the window the engine checks: the quarter that began about a year ago."""
    return quarter_of(date(today.year - 1, today.month, 1)).start


@dataclass(frozen=True)
class ItemCadence:
    item: ItemInfo
    monthly: bool
    periods: tuple[DueItem, ...]  # oldest first; the last one is the current period
    yearly: bool = False  # a 固定公开 item: once a year, by ``fixed_disclosure_month`` (C21)

    @property
    def current(self) -> DueItem | None:
        return self.periods[-1] if self.periods else None

    @property
    def overdue(self) -> tuple[DueItem, ...]:
        return tuple(p for p in self.periods if p.state is DueState.OVERDUE)

    @property
    def late(self) -> tuple[DueItem, ...]:
        return tuple(p for p in self.periods if p.state is DueState.LATE)

    @property
    def frequency_label(self) -> str:
        if self.yearly:
            return "每年"
        return "每月" if self.monthly else "每季度"


@dataclass(frozen=True)
class VillageCadence:
    village_id: str
    village_name: str
    finance_busy: bool
    since: date
    today: date
    items: tuple[ItemCadence, ...]
    fixed_missing: tuple[str, ...]  # 固定 items not yet posted this year (informational)
    feedback: FeedbackCounts

    @property
    def overdue_count(self) -> int:
        return sum(len(i.overdue) for i in self.items)

    @property
    def late_count(self) -> int:
        return sum(len(i.late) for i in self.items)

    @property
    def max_days_overdue(self) -> int:
        return max((p.days_late for i in self.items for p in i.overdue), default=0)

    @property
    def due_now(self) -> tuple[ItemCadence, ...]:
        """Items whose current period is not yet posted (pending or already overdue)."""
        return tuple(
            i for i in self.items if i.current and i.current.state in (DueState.PENDING, DueState.OVERDUE)
        )

    @property
    def finance_frequency_label(self) -> str:
        fin = [i for i in self.items if i.item.category == "finance"]
        return fin[0].frequency_label if fin else ("每月" if self.finance_busy else "每季度")


def _is_monthly(item: ItemInfo, busy: bool, rules: TownshipRules) -> bool:
    if item.cadence == "monthly":
        return True
    return item.category == "finance" and busy and rules.finance_monthly_if_busy


def _published(
    ctx: AppContext, village_ids: list[str], since: date, today: date
) -> dict[tuple[str, str | None, str], list[date]]:
    """(village, item id, kind) → posting dates of posted (or later corrected) disclosures in the window."""
    out: dict[tuple[str, str | None, str], list[date]] = defaultdict(list)
    with ctx.read() as s:
        rows = s.execute(
            select(Disclosure.village_id, Disclosure.item_id, Disclosure.kind, Disclosure.posted_from).where(
                Disclosure.village_id.in_(village_ids),
                Disclosure.status.in_(PUBLISHED),
                Disclosure.posted_from >= since,
                Disclosure.posted_from <= today,
                # a correction posts the same content again; the first posting is what counted
                Disclosure.supersedes_id.is_(None),
            )
        ).all()
    for vid, item_id, kind, posted in rows:
        if posted is not None:
            out[(vid, item_id, kind)].append(posted)
    return out


def _village(
    v: VillageInfo,
    items: list[ItemInfo],
    published: dict[tuple[str, str | None, str], list[date]],
    since: date,
    today: date,
    rules: TownshipRules,
    fb: FeedbackCounts,
) -> VillageCadence:
    regular = [i for i in items if i.cadence in ("quarterly", "monthly", "fixed")]
    first_finance = next((i for i in regular if i.category == "finance" and i.cadence != "fixed"), None)
    out = []
    for item in regular:
        dates = [d for (vid, iid, _k), ds in published.items() if vid == v.id and iid == item.id for d in ds]
        if item is first_finance:  # finance period disclosures filed without an item still count (C20)
            dates += published.get((v.id, None, "finance_period"), [])
        yearly = item.cadence == "fixed"
        monthly = not yearly and _is_monthly(item, v.finance_busy, rules)
        eff = rules.with_changes(finance_monthly_if_busy=True) if monthly else rules
        periods = due_disclosures(dates, since, today, busy=monthly, rules=eff, yearly=yearly)
        out.append(ItemCadence(item, monthly, tuple(periods), yearly))
    year_start = date(today.year, 1, 1)
    fixed_missing = tuple(
        i.name
        for i in items
        if i.cadence == "fixed"
        and not any(
            vid == v.id and iid == i.id and any(d >= year_start for d in ds)
            for (vid, iid, _k), ds in published.items()
        )
    )
    return VillageCadence(v.id, v.label, v.finance_busy, since, today, tuple(out), fixed_missing, fb)


def village_cadence(
    ctx: AppContext, village_id: str, *, today: date | None = None, since: date | None = None
) -> VillageCadence:
    """What is due, pending and overdue for one village (工作台 panel)."""
    ctx.require_village(village_id)
    today = today or ctx.clock.today()
    since = since or default_since(today)
    v = get_village(ctx, village_id)
    rules = get_rules(ctx, village_id)
    published = _published(ctx, [v.id], since, today)
    fb = feedback_counts(ctx, [v.id])[v.id]
    return _village(v, list_items(ctx, v.id), published, since, today, rules, fb)


def township_overview(
    ctx: AppContext, *, today: date | None = None, since: date | None = None
) -> list[VillageCadence]:
    """Every village the user may see, with overdue counts (sort in the view)."""
    today = today or ctx.clock.today()
    since = since or default_since(today)
    villages = list_villages(ctx)
    if not villages:
        return []
    ids = [v.id for v in villages]
    rules = {v.id: get_rules(ctx, v.id) for v in villages}  # each by its own township's rules
    published = _published(ctx, ids, since, today)
    fb = feedback_counts(ctx, ids)
    return [
        _village(v, list_items(ctx, v.id), published, since, today, rules[v.id], fb[v.id]) for v in villages
    ]


# ---------------------------------------------------------------------------------------------------------
# batch printing


def due_notices(ctx: AppContext, village_ids: list[str], today: date) -> list[tuple[str, str]]:
    """Notices to print this month for batch printing, as (kind, record id), never printed before:

    - ("finance", disclosure id): 财务公开 with a valid 村监会 review (C31), not yet posted, or posted this month;
    - ("resolution" | "result", matter step id): 决议公开 / 实施结果公开 disclosures made from the register;
    - ("disclosure", disclosure id): other 党务/村务 disclosures ready or posted this month.
    Drafts of 财务公开 without a review are left out (C31), and so are those of a category the township requires
    to be reviewed (``disclosure_review_scope``)."""
    for vid in village_ids:
        ctx.require_village(vid)
    month = month_of(today)
    out: list[tuple[str, str]] = []
    with ctx.read() as s:
        printed = {(k, r) for k, r in s.execute(select(NoticePrint.kind, NoticePrint.record_id))}
        rows = s.scalars(
            select(Disclosure)
            .where(
                Disclosure.village_id.in_(village_ids), Disclosure.status.in_(("draft", "reviewed", "posted"))
            )
            .order_by(Disclosure.village_id, Disclosure.due_on, Disclosure.created_at)
        ).all()
        for d in rows:
            if d.status == "posted":
                ready = d.posted_from is not None and month.contains(d.posted_from)
            elif rules_in(s, d.village_id).review_required(
                d.category
            ):  # 财务, and what the township adds (C31)
                ready = d.status == "reviewed" and review_valid(d)
            else:
                ready = d.due_on is None or d.due_on <= month.end
            if not ready:
                continue
            if d.kind in ("resolution", "result") and d.step_id:
                key = (d.kind, d.step_id)
            elif d.kind in ("contract", "evaluation"):  # 合同公开, 民主评议结果公告: their own layouts
                key = (d.kind, d.id)
            else:
                key = ("finance" if d.category == "finance" else "disclosure", d.id)
            if key not in printed and key not in out:
                out.append(key)
    return out
