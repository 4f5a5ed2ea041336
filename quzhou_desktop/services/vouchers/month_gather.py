"""The facts a 村监会月度审核 is composed from, read for many (village, year, month) at once: the review rows,
the villages' names, the months' vouchers as the columns their rows show, the review events' texts, the
supervisory memberships and the signers' names — a few queries for a whole print batch instead of six a month.
``month_view.compose_view`` turns the facts of one month into what the screen and the 意见书 show.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from quzhou_desktop.services.vouchers.common import OPINION_LABELS, SUPERSEDED
from quzhou_desktop.services.vouchers.month_view import MonthFacts, Seat, month_bounds
from quzhou_desktop.services.vouchers.voucher import VoucherRow
from quzhou_desktop.store.models import (
    Membership,
    MonthlyReview,
    Person,
    UserAccount,
    Village,
    Voucher,
    VoucherEvent,
)

__all__ = ["gather_months", "month_rows"]

MonthKey = tuple[str, int, int]  # (village id, year, month)
_IN = 900  # keep IN lists under SQLite's variable limit
_MONTHS = 200  # (village, month) terms of one OR query: 3 variables each

_ROW_COLUMNS = (
    Voucher.id,
    Voucher.village_id,
    Voucher.year,
    Voucher.number,
    Voucher.version,
    Voucher.voucher_date,
    Voucher.handler_name,
    Voucher.payee,
    Voucher.purpose,
    Voucher.amount_fen,
    Voucher.status,
    Voucher.submitted_at,
    Voucher.prepared_by,
)
# The order the review lists its vouchers (version and id only break ties the data never has).
_ROW_ORDER = (Voucher.voucher_date, Voucher.number, Voucher.version, Voucher.id)


def _month_terms(keys: Sequence[MonthKey]) -> Any:
    terms = []
    for village_id, year, month in keys:
        start, end = month_bounds(year, month)
        terms.append(
            and_(Voucher.village_id == village_id, Voucher.voucher_date >= start, Voucher.voucher_date < end)
        )
    return or_(*terms)


def month_rows(
    s: Session, keys: Sequence[MonthKey], names: dict[str, str]
) -> dict[MonthKey, list[VoucherRow]]:
    """The vouchers of each month (superseded versions left out), read as the columns a review row shows: the
    review and its printed report only show them, so no ORM object is built per voucher."""
    out: dict[MonthKey, list[VoucherRow]] = {k: [] for k in keys}
    for i in range(0, len(keys), _MONTHS):
        part = keys[i : i + _MONTHS]
        q = (
            select(*_ROW_COLUMNS)
            .where(_month_terms(part), Voucher.status != SUPERSEDED)
            .order_by(*_ROW_ORDER)
        )
        for vid, vil, *rest in s.connection().execute(q):
            on: date = rest[3]
            got = out.get((vil, on.year, on.month))
            if got is not None:
                got.append(VoucherRow(vid, vil, names.get(vil, ""), *rest))
    return out


def _review_texts(s: Session, ids: list[str]) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    for i in range(0, len(ids), _IN):
        q = (  # columns, not entities: a month's review events are only formatted here
            select(VoucherEvent.voucher_id, VoucherEvent.actor_name, VoucherEvent.opinion, VoucherEvent.text)
            .where(VoucherEvent.voucher_id.in_(ids[i : i + _IN]), VoucherEvent.kind == "review")
            .order_by(VoucherEvent.at)
        )
        for voucher_id, actor_name, opinion, note in s.connection().execute(q):
            text = f"{actor_name} {OPINION_LABELS.get(opinion or '', '')}"
            out.setdefault(voucher_id, []).append(text + (f"（{note}）" if note else ""))
    return {k: "；".join(v) for k, v in out.items()}


def _reviews(s: Session, keys: Sequence[MonthKey]) -> dict[MonthKey, MonthlyReview]:
    out: dict[MonthKey, MonthlyReview] = {}
    for i in range(0, len(keys), _MONTHS):
        terms = [
            and_(MonthlyReview.village_id == v, MonthlyReview.year == y, MonthlyReview.month == m)
            for v, y, m in keys[i : i + _MONTHS]
        ]
        for r in s.scalars(select(MonthlyReview).where(or_(*terms))):
            out.setdefault((r.village_id, r.year, r.month), r)
    return out


def _seats(s: Session, village_ids: list[str]) -> dict[str, list[Seat]]:
    out: dict[str, list[Seat]] = {v: [] for v in village_ids}
    for i in range(0, len(village_ids), _IN):
        q = (
            select(Membership.village_id, Membership.person_id, Membership.role, Person.name,
                   Membership.start_date, Membership.end_date)
            .join(Person, Person.id == Membership.person_id)
            .where(Membership.village_id.in_(village_ids[i : i + _IN]), Membership.body == "supervisory")
            .order_by(Membership.village_id, Membership.role, Person.name)
        )  # fmt: skip
        for vil, pid, role, name, start, end in s.execute(q):
            out[vil].append(Seat(pid, role, name, start, end))
    return out


def _by_ids(s: Session, columns: tuple[Any, Any], ids: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for i in range(0, len(ids), _IN):
        out.update((k, v) for k, v in s.execute(select(*columns).where(columns[0].in_(ids[i : i + _IN]))))
    return out


def gather_months(s: Session, keys: Sequence[MonthKey]) -> dict[MonthKey, MonthFacts]:
    """The facts of every (village id, year, month) in ``keys`` (no permission check: the caller's), with seven
    queries whatever their number (more only past a few hundred months or villages)."""
    wanted = list(dict.fromkeys(keys))
    village_ids = sorted({k[0] for k in wanted})
    names = _by_ids(s, (Village.id, Village.name), village_ids)
    reviews = _reviews(s, wanted)
    rows = month_rows(s, wanted, names)
    texts = _review_texts(s, [v.id for k in wanted for v in rows[k]])
    seats = _seats(s, village_ids)
    signers = _by_ids(
        s,
        (UserAccount.id, UserAccount.display_name),
        sorted({r.signed_by for r in reviews.values() if r.signed_by}),
    )
    out: dict[MonthKey, MonthFacts] = {}
    for key in wanted:
        r = reviews.get(key)
        out[key] = MonthFacts(
            village_id=key[0],
            village_name=names.get(key[0], ""),
            year=key[1],
            month=key[2],
            review=r,
            rows=rows[key],
            review_texts={v.id: texts[v.id] for v in rows[key] if v.id in texts},
            seats=seats[key[0]],
            signer_name=signers.get(r.signed_by, "") if r and r.signed_by else "",
        )
    return out
