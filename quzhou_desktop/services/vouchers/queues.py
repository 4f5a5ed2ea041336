"""工作台 queues for 先审后签 and the 监督台账 (every review and objection, per village and month)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from quzhou_desktop.core.money import format_fen
from quzhou_desktop.core.vouchers import VoucherState
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.search import contains, contains_pattern
from quzhou_desktop.services.kernel.site import enrolled_township
from quzhou_desktop.services.vouchers.common import EVENT_LABELS, OPINION_LABELS, status_label
from quzhou_desktop.services.vouchers.voucher import VoucherRow
from quzhou_desktop.store.dialects.sql import RowKey, ServerPlanHint, YearMonth
from quzhou_desktop.store.models import AuditEntry, MonthlyReview, Village, Voucher, VoucherEvent

__all__ = [
    "STALE_DAYS",
    "LedgerFilter",
    "LedgerPages",
    "LedgerRow",
    "OpenMonth",
    "awaiting_acceptance",
    "awaiting_delivery",
    "awaiting_my_review",
    "awaiting_my_signature",
    "count_ledger",
    "ledger_rows",
    "months_not_reviewed",
    "returned_to_me",
    "stale_unreviewed",
]

STALE_DAYS = 15
"""Default N for "submitted more than N days ago and still not reviewed" (no township setting exists yet)."""
_LIMIT = 500


def _visible(ctx: AppContext, q: Any, village_id: str | None = None) -> Any:
    """Only the villages the user sees; only ``village_id`` when given (the 工作台 shows one village)."""
    if village_id is not None:
        ctx.require_village(village_id)
        return q.where(Voucher.village_id == village_id)
    ids = ctx.visible_village_ids()
    return q if ids is None else q.where(Voucher.village_id.in_(ids))


# Plain columns in ``VoucherRow``'s order: a queue of 500 vouchers is read as tuples, not as 500 ORM objects.
_ROW_COLUMNS = (
    Voucher.id, Voucher.village_id, Village.name, Voucher.year, Voucher.number, Voucher.version,
    Voucher.voucher_date, Voucher.handler_name, Voucher.payee, Voucher.purpose, Voucher.amount_fen,
    Voucher.status, Voucher.submitted_at, Voucher.prepared_by,
)  # fmt: skip


def _rows(s: Session, q: Any) -> list[VoucherRow]:
    return [VoucherRow(*r) for r in s.execute(q)]


def _base(
    ctx: AppContext, *statuses: VoucherState, village_id: str | None = None, extra: tuple[Any, ...] = ()
) -> Any:
    q: Any = select(*_ROW_COLUMNS, *extra).join(Village, Village.id == Voucher.village_id)
    q = q.where(Voucher.status.in_([st.value for st in statuses]))
    return _visible(ctx, q, village_id).order_by(Voucher.voucher_date, Voucher.number).limit(_LIMIT)


def awaiting_my_review(ctx: AppContext, village_id: str | None = None) -> list[VoucherRow]:
    """Submitted vouchers the logged-in 村监会 member has not yet reviewed in this round and may review."""
    user = ctx.require_user()
    if not ctx.can(Perm.VOUCHER_REVIEW) or user.person_id is None:
        return []
    n = len(_ROW_COLUMNS)
    extra = (Voucher.handler_person_id, Voucher.payee_person_id)
    with ctx.read() as s:
        candidates = [
            VoucherRow(*r[:n])
            for r in s.execute(_base(ctx, VoucherState.SUBMITTED, village_id=village_id, extra=extra))
            if r.prepared_by != user.id and user.person_id not in r[n:]
        ]
        done = _reviewed_since_submit(s, [r.id for r in candidates], user.person_id)
    return [r for r in candidates if r.id not in done]


def _reviewed_since_submit(s: Session, voucher_ids: list[str], person_id: str) -> set[str]:
    """Those of ``voucher_ids`` that ``person_id`` reviewed after their latest submission: the events of all of
    them in one query (in ``events_of``'s order), not one query per voucher."""
    if not voucher_ids:
        return set()
    q = (
        select(VoucherEvent.voucher_id, VoucherEvent.kind, VoucherEvent.person_id)
        .where(VoucherEvent.voucher_id.in_(voucher_ids), VoucherEvent.kind.in_(("submit", "review")))
        .order_by(VoucherEvent.voucher_id, VoucherEvent.at, VoucherEvent.created_at, VoucherEvent.id)
    )
    done: set[str] = set()
    for vid, kind, pid in s.execute(q):
        if kind == "submit":
            done.discard(vid)  # a new round: earlier reviews no longer count
        elif pid == person_id:
            done.add(vid)
    return done


def awaiting_my_signature(ctx: AppContext, village_id: str | None = None) -> list[VoucherRow]:
    """主任（社长）: reviewed vouchers; 书记: vouchers the 主任 has signed."""
    ctx.require_user()
    if ctx.can(Perm.VOUCHER_SIGN_DIRECTOR):
        state = VoucherState.REVIEWED
    elif ctx.can(Perm.VOUCHER_SIGN_SECRETARY):
        state = VoucherState.DIRECTOR_SIGNED
    else:
        return []
    with ctx.read() as s:
        return _rows(s, _base(ctx, state, village_id=village_id))


def awaiting_acceptance(ctx: AppContext, village_id: str | None = None) -> list[VoucherRow]:
    """代理记账中心: delivered vouchers to accept or return."""
    ctx.require_user()
    if not ctx.can(Perm.VOUCHER_ACCEPT):
        return []
    with ctx.read() as s:
        if enrolled_township(s) is not None:  # a village PC: the township accepts, not this office
            return []
        return _rows(s, _base(ctx, VoucherState.DELIVERED, village_id=village_id))


def returned_to_me(ctx: AppContext, village_id: str | None = None) -> list[VoucherRow]:
    """报账员: vouchers sent back (需补正, 代理中心退回, 不同意)."""
    ctx.require_user()
    if not ctx.can(Perm.VOUCHER_EDIT):
        return []
    with ctx.read() as s:
        back = (VoucherState.NEEDS_CORRECTION, VoucherState.RETURNED, VoucherState.REJECTED)
        return _rows(s, _base(ctx, *back, village_id=village_id))


def awaiting_delivery(ctx: AppContext, village_id: str | None = None) -> list[VoucherRow]:
    """报账员: fully signed vouchers still to hand to the 代理记账中心."""
    ctx.require_user()
    if not ctx.can(Perm.VOUCHER_DELIVER):
        return []
    with ctx.read() as s:
        return _rows(s, _base(ctx, VoucherState.SECRETARY_SIGNED, village_id=village_id))


def stale_unreviewed(
    ctx: AppContext, days: int = STALE_DAYS, village_id: str | None = None
) -> list[VoucherRow]:
    """Submitted more than ``days`` days ago and still not reviewed."""
    ctx.require_user()
    limit = ctx.clock.now() - timedelta(days=days)
    with ctx.read() as s:
        q = _base(ctx, VoucherState.SUBMITTED, village_id=village_id).where(Voucher.submitted_at < limit)
        return _rows(s, q)


@dataclass(frozen=True)
class OpenMonth:
    village_id: str
    village_name: str
    year: int
    month: int
    voucher_count: int
    total_fen: int
    state: str  # none / draft / signed (signed but not locked is not listed)

    @property
    def label(self) -> str:
        what = {"none": "未开例会", "draft": "例会记录未签署"}.get(self.state, "")
        return f"{self.village_name} {self.year}年{self.month}月：{self.voucher_count}张凭证 {format_fen(self.total_fen)}，{what}"


_MAX_RUNS = 200
"""Above this many runs of unsigned months the vouchers are grouped in one pass instead (most months are
unsigned then, so most vouchers are counted anyway)."""


def months_not_reviewed(
    ctx: AppContext, *, today: date | None = None, village_id: str | None = None
) -> list[OpenMonth]:
    """Past months with vouchers whose monthly review is not signed yet, oldest first.

    Only the vouchers of unsigned months are read: the signed months are known from ``monthly_review``, the
    months in between become date ranges per village (consecutive months merged), and the vouchers are
    counted over those ranges of ``ix_voucher_village_date`` — not a pass over every voucher of the
    township, whose months are nearly all signed."""
    ctx.require_user()
    today = today or ctx.clock.today()
    end = date(today.year, today.month, 1)
    live = Voucher.status.notin_(["superseded", VoucherState.VOID.value])
    with ctx.read() as s:
        if village_id is not None:  # (the 工作台's snapshot has the village loaded already)
            ctx.require_village(village_id)
            v = s.get(Village, village_id)
            pairs: Any = [] if v is None else [(v.id, v.name)]
        else:
            pairs = s.execute(select(Village.id, Village.name))
        visible = ctx.visible_village_ids()
        names = {vid: name for vid, name in pairs if visible is None or vid in visible}
        first = s.scalar(select(func.min(Voucher.voucher_date)).where(Voucher.voucher_date < end))
        if not names or first is None:
            return []
        states: dict[tuple[str, int, int], str] = {}
        rq = select(MonthlyReview.village_id, MonthlyReview.year, MonthlyReview.month, MonthlyReview.state)
        rq = rq.where(MonthlyReview.state.in_(("signed", "draft")), MonthlyReview.village_id.in_(list(names)))
        for vid, y, m, st in s.execute(rq):  # (only the villages asked about: the 工作台 asks about one)
            states[(vid, y, m)] = st
        runs = _unsigned_runs(names, states, first, end)
        ym = YearMonth(Voucher.voucher_date)
        q: Any = select(Voucher.village_id, ym, func.count(), func.sum(Voucher.amount_fen)).where(
            live, Voucher.voucher_date < end
        )
        if len(runs) <= _MAX_RUNS:
            if not runs:
                return []
            q = q.where(
                or_(*(and_(Voucher.village_id == vid, Voucher.voucher_date >= lo, Voucher.voucher_date < hi)
                      for vid, lo, hi in runs))
            )  # fmt: skip
        else:
            q = q.where(Voucher.village_id.in_(list(names)))
        out = []
        for vid, key, n, total in s.execute(q.group_by(Voucher.village_id, ym)):
            y, m = (int(x) for x in str(key).split("-"))
            state = states.get((vid, y, m))
            if state == "signed":
                continue
            out.append(
                OpenMonth(vid, names[vid], y, m, int(n), int(total or 0), "draft" if state else "none")
            )
    out.sort(key=lambda o: (o.year, o.month, o.village_name))
    return out


def _unsigned_runs(
    names: dict[str, str], states: dict[tuple[str, int, int], str], first: date, end: date
) -> list[tuple[str, date, date]]:
    """(village, from, to) date ranges covering each village's months from ``first`` up to ``end`` whose
    review is not signed, consecutive months merged into one range."""
    months = []
    y, m = first.year, first.month
    while date(y, m, 1) < end:
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    runs = []
    for vid in names:
        lo: date | None = None
        for y, m in months:
            start = date(y, m, 1)
            if states.get((vid, y, m)) == "signed":
                if lo is not None:
                    runs.append((vid, lo, start))
                    lo = None
            elif lo is None:
                lo = start
        if lo is not None:
            runs.append((vid, lo, end))
    return runs


# ---------------------------------------------------------------------------------------------------------
# 监督台账


@dataclass(frozen=True)
class LedgerFilter:
    village_id: str | None = None
    year: int | None = None
    month: int | None = None
    kind: str = ""  # "" all, "agree", "correct", "disagree", "objections" (需补正/不同意/退回)
    text: str = ""


@dataclass(frozen=True)
class LedgerRow:
    event_id: str
    village_name: str
    voucher_id: str
    number: str
    version: int
    voucher_date: date
    purpose: str
    payee: str
    amount_fen: int
    event_kind: str
    opinion: str | None
    text: str | None
    actor_name: str | None
    actor_role: str | None
    at: datetime
    voucher_status: str

    @property
    def month_text(self) -> str:
        return f"{self.voucher_date.year}年{self.voucher_date.month}月"

    @property
    def opinion_label(self) -> str:
        if self.event_kind == "review":
            return OPINION_LABELS.get(self.opinion or "", "")
        return EVENT_LABELS.get(self.event_kind, self.event_kind)

    @property
    def amount_text(self) -> str:
        return format_fen(self.amount_fen)

    @property
    def status_label(self) -> str:
        return status_label(self.voucher_status)

    @property
    def number_text(self) -> str:
        return self.number if self.version == 1 else f"{self.number}（第{self.version}版）"


# The rowid is in every index entry, so the page's keys come from the covering indexes; the text id is not.
_EVENT_ROWID: Any = RowKey("voucher_event")  # the id on PostgreSQL
_LEDGER_KINDS = ("review", "return")
LEDGER_SORTS: dict[str, Any] = {
    "at": VoucherEvent.at,
    "date": Voucher.voucher_date,
    "amount": Voucher.amount_fen,
}


def _ledger_query(ctx: AppContext, flt: LedgerFilter, *columns: Any, event_index: bool = True) -> Any:
    """``columns`` of the matching review/return events; joins only what the filter needs, so the count and
    the page's ids are answered from the covering indexes ix_voucher_village_id and ix_voucher_event_voucher.
    ``event_index=False`` leaves out the hint that sends PostgreSQL to the village's events first: a page in
    voucher date or amount order walks the village's vouchers in that order instead (at county scale the
    hint's row estimate made it hash-join every event of the village: 54 ms against 12)."""
    q = select(*columns).select_from(VoucherEvent).join(Voucher, Voucher.id == VoucherEvent.voucher_id)
    q = q.where(VoucherEvent.kind.in_(_LEDGER_KINDS))
    text = flt.text.strip()
    if flt.village_id:
        ctx.require_village(flt.village_id)
        if text:  # the matches are the village's already; SQLite then starts from them, not from the village
            q = q.where(_EVENT_ROWID.in_(_village_matches(flt.village_id, contains_pattern(text))))
        else:
            q = q.where(Voucher.village_id == flt.village_id)
            if event_index:  # PostgreSQL: from the events' index
                q = q.where(ServerPlanHint(VoucherEvent.village_id == flt.village_id))
    else:
        q = _visible(ctx, q)
    if flt.year:
        q = q.where(Voucher.year == flt.year)
        if flt.month:
            start = date(flt.year, flt.month, 1)
            end = date(flt.year + (flt.month == 12), flt.month % 12 + 1, 1)
            q = q.where(Voucher.voucher_date >= start, Voucher.voucher_date < end)
    if flt.kind in OPINION_LABELS:
        q = q.where(VoucherEvent.kind == "review", VoucherEvent.opinion == flt.kind)
    elif flt.kind == "objections":
        q = q.where(
            or_(
                VoucherEvent.kind == "return",
                and_(VoucherEvent.kind == "review", VoucherEvent.opinion != "agree"),
            )
        )
    if text and not flt.village_id:
        like = contains_pattern(text)
        q = q.where(
            or_(
                contains(Voucher.number, like),
                contains(Voucher.purpose, like),
                contains(VoucherEvent.actor_name, like),
                contains(VoucherEvent.text, like),
            )
        )
    return q


def _village_matches(village_id: str, like: str) -> Any:
    """Row ids of a village's review/return events whose reviewer or opinion text matches (one range of
    ix_voucher_event_village), or whose voucher's number or purpose does (the village's vouchers, then their
    events): the search reads neither every voucher's events nor every event's row."""
    e, v = VoucherEvent.__table__, Voucher.__table__
    by_event = (
        select(_EVENT_ROWID)
        .select_from(e)
        .where(e.c.village_id == village_id, e.c.kind.in_(_LEDGER_KINDS))
        .where(or_(contains(e.c.actor_name, like), contains(e.c.text, like)))
        .correlate(None)
    )
    by_voucher = (
        select(_EVENT_ROWID)
        .select_from(v.join(e, e.c.voucher_id == v.c.id))
        .where(v.c.village_id == village_id, or_(contains(v.c.number, like), contains(v.c.purpose, like)))
        .where(e.c.kind.in_(_LEDGER_KINDS))
        .correlate(None)
    )
    return by_event.union(by_voucher)


def _order(sort: str, descending: bool) -> list[Any]:
    col = LEDGER_SORTS.get(sort, VoucherEvent.at)
    return [col.desc(), _EVENT_ROWID.desc()] if descending else [col.asc(), _EVENT_ROWID.asc()]


def count_ledger(ctx: AppContext, flt: LedgerFilter) -> int:
    """Number of matching events."""
    ctx.require_user()
    with ctx.read() as s:
        return int(s.scalar(_ledger_query(ctx, flt, func.count())) or 0)


def ledger_rows(
    ctx: AppContext,
    flt: LedgerFilter,
    *,
    offset: int = 0,
    limit: int = 200,
    sort: str = "at",
    descending: bool = True,
) -> list[LedgerRow]:
    """One page of the 监督台账: first the page's event ids over the covering indexes (no voucher or event row
    is read for the rows skipped or sorted), then the full rows of those ids only."""
    ctx.require_user()
    sort = sort if sort in LEDGER_SORTS else "at"
    with ctx.read() as s:
        return _rows_of(s, _page_ids(ctx, s, flt, offset, limit, sort, descending))


def _page_ids(
    ctx: AppContext, s: Session, flt: LedgerFilter, offset: int, limit: int, sort: str, descending: bool
) -> list[int]:
    ids_q = _ledger_query(ctx, flt, _EVENT_ROWID, event_index=sort == "at").order_by(
        *_order(sort, descending)
    )
    return list(s.scalars(ids_q.offset(offset).limit(limit)))


def _rows_of(s: Session, ids: list[int]) -> list[LedgerRow]:
    if not ids:
        return []
    e, v = VoucherEvent, Voucher
    rows_q = (  # plain columns in LedgerRow's order (Core rows: no ORM object per event and voucher)
        select(_EVENT_ROWID, e.id, Village.name, v.id, v.number, v.version, v.voucher_date, v.purpose,
               v.payee, v.amount_fen, e.kind, e.opinion, e.text, e.actor_name, e.actor_role, e.at, v.status)
        .select_from(e)
        .join(v, v.id == e.voucher_id)
        .join(Village, Village.id == v.village_id)
        .where(_EVENT_ROWID.in_(ids))
    )  # fmt: skip
    by_id = {r[0]: r for r in s.connection().execute(rows_q)}
    return [LedgerRow(*by_id[i][1:]) for i in ids if i in by_id]


PREFETCH_PAGE = 200  # PagedTableModel's page size
_PREFETCH_SECONDS = 3.0


class LedgerPages:
    """The 监督台账 as one table reads it: ``count`` for the filter, then ``rows`` page by page.

    The table counts and then asks for the first page of the same filter at once. Both have to visit the
    village's vouchers and their events (no index orders a village's events by time), so for the time order
    ``count`` takes page and total from one query (``count(*) OVER ()``) and keeps the page's event ids for
    the ``rows`` call that follows: one slot, used once, within a few seconds, and only while the newest
    audit_log seq (every write appends to the audit chain) is the one seen when counting. The table that
    holds this object owns that slot, so nothing one table reads can change what another is given; it is
    meant for one table on one thread.
    """

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self._sort: tuple[str, bool] = (
            "at",
            True,
        )  # the sort of the latest page asked for (the table's sort)
        self._kept: tuple[tuple[Any, ...], list[int], float] | None = None  # (key, page ids, monotonic time)

    def count(self, flt: LedgerFilter, *, sort: str | None = None, descending: bool = True) -> int:
        """Number of matching events; the first page in the table's sort (``sort``, else the latest sort
        asked for) is kept for ``rows``."""
        ctx = self.ctx
        ctx.require_user()
        if sort is not None:
            self._sort = (sort if sort in LEDGER_SORTS else "at", descending)
        sort, descending = self._sort
        if sort != "at" or not flt.village_id:
            # a page in voucher date or amount order is read in index order and stops after the page, and
            # the township-wide window costs more than it saves: a plain count then
            return count_ledger(ctx, flt)
        q = _ledger_query(ctx, flt, _EVENT_ROWID, func.count().over())
        q = q.order_by(*_order(sort, descending)).limit(PREFETCH_PAGE)
        with ctx.read() as s:
            token = _change_token(s)
            rows = s.execute(q).all()
        # no match is an answer too: the page that follows needs no second search
        self._kept = (self._key(flt, sort, descending, token), [r[0] for r in rows], time.monotonic())
        return int(rows[0][1]) if rows else 0

    def rows(
        self,
        flt: LedgerFilter,
        *,
        offset: int = 0,
        limit: int = 200,
        sort: str = "at",
        descending: bool = True,
    ) -> list[LedgerRow]:
        """One page, as ``ledger_rows``; the first page may be the one ``count`` kept."""
        ctx = self.ctx
        ctx.require_user()
        sort = sort if sort in LEDGER_SORTS else "at"
        self._sort = (sort, descending)
        kept, self._kept = self._kept, None
        with ctx.read() as s:
            ids: list[int] | None = None
            if offset == 0 and kept is not None:
                ids = _kept_ids(kept, self._key(flt, sort, descending, _change_token(s)), limit)
            if ids is None:
                ids = _page_ids(ctx, s, flt, offset, limit, sort, descending)
            return _rows_of(s, ids)

    def _key(self, flt: LedgerFilter, sort: str, descending: bool, token: Any) -> tuple[Any, ...]:
        user = self.ctx.user.id if self.ctx.user is not None else None
        visible = self.ctx.visible_village_ids()
        return (user, None if visible is None else frozenset(visible), flt, sort, descending, token)


def _change_token(s: Session) -> Any:
    return s.scalar(select(func.max(AuditEntry.seq)))


def _kept_ids(
    kept: tuple[tuple[Any, ...], list[int], float], key: tuple[Any, ...], limit: int
) -> list[int] | None:
    if kept[0] != key or time.monotonic() - kept[2] > _PREFETCH_SECONDS:
        return None
    ids = kept[1]
    if limit <= len(ids):
        return ids[:limit]
    return ids if len(ids) < PREFETCH_PAGE else None  # fewer than a page: that is every match
