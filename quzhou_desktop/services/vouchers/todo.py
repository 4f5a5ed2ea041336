"""The 工作台's 先审后签 to-do lists of one village (or every visible one) read in one query.

``voucher_todo`` gives exactly the lists of ``queues.awaiting_my_review``, ``awaiting_my_signature``,
``returned_to_me``, ``awaiting_acceptance``, ``awaiting_delivery`` and ``stale_unreviewed`` — each the first 500
vouchers by date and number of its statuses, empty when the user lacks the right — but from one statement: the
first 500 vouchers of every status involved (for submitted ones: of those submitted before the stale limit,
and of the others), each part walking ``ix_voucher_village_date`` in order, put together with UNION ALL. A
queue's first 500 are among the first 500 of each of its parts, so the lists are the same. On a unit's server
that is one round trip instead of five or six (the reviewer's events are one more).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, literal, or_, select, union_all

from quzhou_desktop.core.vouchers import VoucherState
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.site import enrolled_township
from quzhou_desktop.services.vouchers import queues
from quzhou_desktop.services.vouchers.queues import STALE_DAYS
from quzhou_desktop.services.vouchers.voucher import VoucherRow
from quzhou_desktop.store.models import Village, Voucher

__all__ = ["VoucherTodo", "voucher_todo"]

_BACK = (VoucherState.NEEDS_CORRECTION, VoucherState.RETURNED, VoucherState.REJECTED)


@dataclass(frozen=True)
class VoucherTodo:
    review: list[VoucherRow] = field(default_factory=list)  # awaiting_my_review
    sign: list[VoucherRow] = field(default_factory=list)  # awaiting_my_signature
    returned: list[VoucherRow] = field(default_factory=list)  # returned_to_me
    agency: list[VoucherRow] = field(default_factory=list)  # awaiting_acceptance
    deliver: list[VoucherRow] = field(default_factory=list)  # awaiting_delivery
    stale: list[VoucherRow] = field(default_factory=list)  # stale_unreviewed
    agency_here: bool = True  # flow.agency_acts_here


@lru_cache(maxsize=64)
def _statement(states: tuple[str, ...], scope: str, rows: int) -> Any:
    """The query for these statuses, built once (building the column collections of eight subqueries costs
    more than running them): ``scope`` "village" (``:village``), "some" (``:villages``) or "all"; the stale
    limit is ``:stale_before``."""
    stale = Voucher.submitted_at < bindparam("stale_before")
    parts: list[tuple[str, bool | None]] = [(st, None) for st in states if st != VoucherState.SUBMITTED.value]
    parts += [(VoucherState.SUBMITTED.value, True), (VoucherState.SUBMITTED.value, False)]
    members = []
    for state, is_stale in parts:  # the first ``rows`` of each status (submitted: stale or not) ...
        m: Any = select(
            *queues._ROW_COLUMNS,
            Voucher.handler_person_id,
            Voucher.payee_person_id,
            literal(bool(is_stale)).label("stale"),
        ).join(Village, Village.id == Voucher.village_id)
        m = m.where(Voucher.status == state)
        if is_stale is not None:
            m = m.where(stale if is_stale else or_(Voucher.submitted_at.is_(None), ~stale))
        if scope == "village":
            m = m.where(Voucher.village_id == bindparam("village"))
        elif scope == "some":
            m = m.where(Voucher.village_id.in_(bindparam("villages", expanding=True)))
        m = m.order_by(Voucher.voucher_date, Voucher.number).limit(rows)
        members.append(select(m.subquery()))
    both = union_all(*members).subquery()  # ... in one statement, merged in date order
    return select(*both.c).order_by(both.c.voucher_date, both.c.number)


def voucher_todo(
    ctx: AppContext, village_id: str | None = None, *, stale_days: int = STALE_DAYS
) -> VoucherTodo:
    """The to-do lists of the logged-in user (see the module docstring)."""
    user = ctx.require_user()
    c = ctx.can
    sign_state = (
        VoucherState.REVIEWED
        if c(Perm.VOUCHER_SIGN_DIRECTOR)
        else VoucherState.DIRECTOR_SIGNED
        if c(Perm.VOUCHER_SIGN_SECRETARY)
        else None
    )
    limit = ctx.clock.now() - timedelta(days=stale_days)
    with ctx.read() as s:
        agency_here = enrolled_township(s) is None
        wanted = {VoucherState.SUBMITTED}  # the stale list is everyone's
        if sign_state is not None:
            wanted.add(sign_state)
        if c(Perm.VOUCHER_EDIT):
            wanted.update(_BACK)
        if c(Perm.VOUCHER_ACCEPT) and agency_here:
            wanted.add(VoucherState.DELIVERED)
        if c(Perm.VOUCHER_DELIVER):
            wanted.add(VoucherState.SECRETARY_SIGNED)
        states = tuple(sorted(st.value for st in wanted))
        params: dict[str, Any] = {"stale_before": limit}
        if village_id is not None:
            ctx.require_village(village_id)
            scope, params["village"] = "village", village_id
        else:
            ids = ctx.visible_village_ids()
            scope = "all" if ids is None else "some"
            if ids is not None:
                params["villages"] = sorted(ids)
        q = _statement(states, scope, queues._LIMIT)
        width = len(queues._ROW_COLUMNS)
        rows = [
            (VoucherRow(*r[:width]), r[width], r[width + 1], bool(r[width + 2])) for r in s.execute(q, params)
        ]

        def queue(*states: VoucherState, stale_only: bool = False) -> list[VoucherRow]:
            values = {st.value for st in states}
            return [v for v, _h, _p, late in rows if v.status in values and (late or not stale_only)][
                : queues._LIMIT
            ]

        review: list[VoucherRow] = []
        if c(Perm.VOUCHER_REVIEW) and user.person_id is not None:
            submitted = {v.id for v in queue(VoucherState.SUBMITTED)}
            candidates = [
                v
                for v, handler, payee, _stale in rows
                if v.id in submitted and v.prepared_by != user.id and user.person_id not in (handler, payee)
            ]
            done = queues._reviewed_since_submit(s, [v.id for v in candidates], user.person_id)
            review = [v for v in candidates if v.id not in done]
    return VoucherTodo(
        review=review,
        sign=queue(sign_state) if sign_state is not None else [],
        returned=queue(*_BACK) if c(Perm.VOUCHER_EDIT) else [],
        agency=queue(VoucherState.DELIVERED) if c(Perm.VOUCHER_ACCEPT) and agency_here else [],
        deliver=queue(VoucherState.SECRETARY_SIGNED) if c(Perm.VOUCHER_DELIVER) else [],
        stale=queue(VoucherState.SUBMITTED, stale_only=True),
        agency_here=agency_here,
    )
