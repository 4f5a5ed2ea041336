"""Lean export queries for the big registers (花名册, 支出凭证台账): one query for the rows, one for what hangs
off them (memberships, review and signature events), streamed in order. Amounts stay integer 分."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from sqlalchemy import Select, or_, select, tuple_

from quzhou_desktop.services.exports.stream import json_page, read_ahead, trail_sql
from quzhou_desktop.services.imports.people import ROLE_SEATS
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.roster.bodies import PARTY_STATUS_LABELS, body_label, role_label
from quzhou_desktop.services.vouchers.common import status_label
from quzhou_desktop.store.dialects.sql import RowKey
from quzhou_desktop.store.models import Membership, Person, Village, Voucher

_CHUNK = 2000  # rows handed to the writer at a time

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
    """Every voucher version with its status and the review/signature trail in one text cell, by village
    name, date, number and version.

    Per village, keyset pages over ix_voucher_village_date in index order (date, number, version, rowid: no
    sort), the trail concatenated by SQLite (``trail_sql``), each page one JSON row (``json_page``), all read
    ahead on a thread while the caller writes."""
    t, v = Voucher.__table__, Village.__table__
    rowid: Any = RowKey("voucher")
    keys = (t.c.voucher_date, t.c.number, t.c.version, rowid)
    vq: Select[Any] = select(v.c.id, v.c.name).order_by(v.c.name, v.c.id)
    q: Select[Any] = select(
        t.c.number, t.c.version, t.c.voucher_date, t.c.handler_name, t.c.payee, t.c.purpose, t.c.amount_fen,
        t.c.funding_source, t.c.invoice_count, t.c.status, trail_sql(t.c.id), rowid.label("row_id"),
    ).order_by(*keys).limit(_CHUNK)  # fmt: skip
    if scope is not None:
        vq = vq.where(v.c.id.in_(scope))
    if date_from:
        q = q.where(t.c.voucher_date >= date_from)
    if date_to:
        q = q.where(t.c.voucher_date <= date_to)
    labels: dict[str, str] = {}

    def produce() -> Iterator[list[tuple[Any, ...]]]:
        with ctx.db.read_engine.connect() as conn:
            villages = conn.execute(vq).all()
        for vid, village in villages:
            page = q.where(t.c.village_id == vid)
            while True:
                with ctx.db.read_engine.connect() as conn:
                    rows = json.loads(conn.execute(json_page(page)).scalar_one())
                out = []
                for (
                    number,
                    version,
                    on,
                    handler,
                    payee,
                    purpose,
                    fen,
                    source,
                    invoices,
                    status,
                    trail,
                    _,
                ) in rows:
                    label = labels.get(status)
                    if label is None:
                        label = labels[status] = status_label(status)
                    out.append((village, number, version, date.fromisoformat(on), handler, payee, purpose, fen,
                                source, invoices, label, trail))  # fmt: skip
                if out:
                    yield out
                if len(rows) < _CHUNK:
                    break
                last = rows[-1]
                page = q.where(
                    t.c.village_id == vid, tuple_(*keys) > tuple_(out[-1][3], last[0], last[1], last[11])
                )

    yield from read_ahead(produce, threaded=not ctx.db.memory)
