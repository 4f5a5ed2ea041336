"""Lean export queries for the big registers (花名册, 支出凭证台账): one query for the rows, one for what hangs
off them (memberships, review and signature events), streamed in order. Amounts stay integer 分."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from sqlalchemy import Select, or_, select

from quzhou_desktop.services.bodies import PARTY_STATUS_LABELS, body_label, role_label
from quzhou_desktop.services.context import AppContext
from quzhou_desktop.services.imports_people import ROLE_SEATS
from quzhou_desktop.services.vouchers_common import EVENT_LABELS, OPINION_LABELS, local_time, status_label
from quzhou_desktop.store.models import Membership, Person, Village, Voucher, VoucherEvent

_SEAT_NAMES = {seat: name for name, seat in ROLE_SEATS.items()}


def seat_name(body: str, role: str, party_status: str | None) -> str:
    """“村监会主任”, “正式党员”, “村民代表”… as the import's 身份 column writes them (so exports re-import)."""
    name = _SEAT_NAMES.get((body, role, party_status))
    if name is not None:
        return name
    if body == "party_meeting" and party_status in PARTY_STATUS_LABELS:
        return PARTY_STATUS_LABELS[party_status]
    return f"{body_label(body)}{role_label(body, role)}"


def people_rows(
    ctx: AppContext, scope: list[str] | None, on: date, *, mask: Callable[[str], str] | None
) -> Iterator[tuple[Any, ...]]:
    p, v, m = Person.__table__, Village.__table__, Membership.__table__
    q: Select[Any] = select(
        p.c.id, v.c.name, p.c.name, p.c.gender, p.c.id_number, p.c.phone, p.c.group_name, p.c.household_head,
        p.c.active,
    ).join(v, v.c.id == p.c.village_id)  # fmt: skip
    mq: Select[Any] = select(m.c.person_id, m.c.body, m.c.role, m.c.party_status).where(
        m.c.start_date <= on, or_(m.c.end_date.is_(None), m.c.end_date >= on)
    )
    if scope is not None:
        q = q.where(p.c.village_id.in_(scope))
        mq = mq.where(m.c.village_id.in_(scope))
    q = q.order_by(v.c.name, p.c.active.desc(), p.c.group_name, p.c.name, p.c.id)
    with ctx.db.read_engine.connect() as conn:
        seats: dict[str, list[str]] = {}
        for pid, body, role, status in conn.execute(mq.order_by(m.c.body, m.c.role)):
            seats.setdefault(pid, []).append(seat_name(body, role, status))
        for pid, village, name, gender, idn, phone, group, head, active in conn.execute(q):
            shown = idn if (idn is None or mask is None) else mask(idn)
            yield (
                village, name, gender, shown, phone, group, "、".join(seats.get(pid, ())),
                "是" if head else "", "在册" if active else "已停用",
            )  # fmt: skip


def voucher_rows(
    ctx: AppContext, scope: list[str] | None, date_from: date | None, date_to: date | None
) -> Iterator[tuple[Any, ...]]:
    """Every voucher version with its status and the review/signature trail in one text cell."""
    t, v, e = Voucher.__table__, Village.__table__, VoucherEvent.__table__
    q: Select[Any] = select(
        t.c.id, v.c.name, t.c.number, t.c.version, t.c.voucher_date, t.c.handler_name, t.c.payee, t.c.purpose,
        t.c.amount_fen, t.c.funding_source, t.c.invoice_count, t.c.status,
    ).join(v, v.c.id == t.c.village_id)  # fmt: skip
    eq: Select[Any] = select(e.c.voucher_id, e.c.kind, e.c.opinion, e.c.text, e.c.actor_name, e.c.at).join(
        t, t.c.id == e.c.voucher_id
    )
    for cond in (
        t.c.village_id.in_(scope) if scope is not None else None,
        t.c.voucher_date >= date_from if date_from else None,
        t.c.voucher_date <= date_to if date_to else None,
    ):
        if cond is not None:
            q, eq = q.where(cond), eq.where(cond)
    q = q.order_by(v.c.name, t.c.voucher_date, t.c.number, t.c.version)
    labels: dict[str, str] = {}
    with ctx.db.read_engine.connect() as conn:
        trails: dict[str, list[str]] = {}
        for vid, kind, opinion, text, actor, at in conn.execute(eq.order_by(e.c.voucher_id, e.c.at)):
            trails.setdefault(vid, []).append(
                f"{local_time(at):%Y-%m-%d %H:%M} {actor or ''}{EVENT_LABELS.get(kind, kind)}"
                + (f"：{OPINION_LABELS[opinion]}" if opinion in OPINION_LABELS else "")
                + (f"（{text}）" if text else "")
            )
        for row in conn.execute(q):
            status = row[11]
            label = labels.get(status)
            if label is None:
                label = labels[status] = status_label(status)
            trail = trails.get(row[0])
            yield (*row[1:11], label, "；".join(trail) if trail else "")
