"""What the 村务监督 signed acts vouch for, one builder per record, shared by signing and ``verify``.

- A voucher (``voucher.review``, ``voucher.sign_director``, ``voucher.sign_secretary``, ``voucher.accept``,
  ``voucher.return``): ``content`` is the voucher as a reviewer or signer relies on it — village, year, 凭证号,
  version, date, payee, purpose, amount, funding, the decisions it cites, handler, preparer — and the SHA-256
  of every scan; ``decision`` is the event the act wrote (opinion, text, who, when). A submitted voucher never
  changes (a correction is a new version), so ``verify`` compares every voucher act with the voucher as it is.
- The monthly review (``month.sign``): the meeting (date, place, attendees, opinions per voucher, overall
  opinion, open items, count and total); ``decision`` lists the month's vouchers as they stood (id, 凭证号,
  version, amount, status). The lock and unlock (``month.lock``, ``month.unlock``): the month and the new
  lock state, with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quzhou_desktop.services.kernel.statements import json_object, jsonable
from quzhou_desktop.store.models import Attachment, MonthlyReview, Voucher, VoucherEvent

CONTENT_FIELDS = (
    "id",
    "village_id",
    "year",
    "number",
    "version",
    "supersedes_id",
    "voucher_date",
    "handler_name",
    "handler_person_id",
    "witness_name",
    "payee",
    "payee_person_id",
    "purpose",
    "amount_fen",
    "funding_source",
    "budget_line",
    "invoice_count",
    "decision_ref",
    "decision_step_id",
    "resolution_ref",
    "resolution_step_id",
    "note",
    "prepared_by",
)
"""The voucher's fields a reviewer or signer vouches for (with the scans' hashes)."""

VOUCHER_ACTS = {
    "review": "voucher.review",
    "sign_director": "voucher.sign_director",
    "sign_secretary": "voucher.sign_secretary",
    "accept": "voucher.accept",
    "return": "voucher.return",
}
"""Voucher event kind → the signed act that writes it."""

SIGN_BOTH = "voucher.sign_both"
"""One person who is both 主任（社长） and 书记 (一肩挑) signs once: one act over both signature events."""


def scan_hashes(s: Session, voucher_id: str) -> list[str]:
    return sorted(
        s.scalars(
            select(Attachment.sha256).where(
                Attachment.owner_kind == "voucher",
                Attachment.owner_id == voucher_id,
                Attachment.active.is_(True),
            )
        )
    )


def voucher_content(s: Session, v: Voucher) -> dict[str, Any]:
    out: dict[str, Any] = {f: jsonable(getattr(v, f)) for f in CONTENT_FIELDS}
    out["scans"] = scan_hashes(s, v.id)
    return out


def event_decision(e: VoucherEvent) -> dict[str, Any]:
    return json_object(
        {
            "event": e.id,
            "kind": e.kind,
            "opinion": e.opinion,
            "text": e.text,
            "user_id": e.user_id,
            "person_id": e.person_id,
            "actor_name": e.actor_name,
            "actor_role": e.actor_role,
            "at": e.at,
        }
    )


def month_content(r: MonthlyReview) -> dict[str, Any]:
    return json_object(
        {
            "id": r.id,
            "village_id": r.village_id,
            "year": r.year,
            "month": r.month,
            "meeting_date": r.meeting_date,
            "place": r.place,
            "attendees": json.loads(r.attendee_ids_json or "[]"),
            "item_opinions": json.loads(r.item_opinions_json or "{}"),
            "overall_opinion": r.overall_opinion,
            "open_items": r.open_items,
            "voucher_count": r.voucher_count,
            "total_fen": r.total_fen,
            "signed_by": r.signed_by,
            "signed_at": r.signed_at,
        }
    )


def month_vouchers(vouchers: list[Voucher]) -> list[list[Any]]:
    """The month's vouchers as they stood when the review was signed or the month locked."""
    return [[v.id, v.number, v.version, v.amount_fen, v.status] for v in vouchers]


def lock_content(r: MonthlyReview) -> dict[str, Any]:
    return {
        "id": r.id,
        "village_id": r.village_id,
        "year": r.year,
        "month": r.month,
        "locked": bool(r.locked),
        "reason": r.lock_reason,
    }


def events_decision(events: Sequence[VoucherEvent]) -> dict[str, Any]:
    """The decision of one act over several events (一肩挑): each event's, in the order the chain asks for."""
    order = list(VOUCHER_ACTS)
    ordered = sorted(events, key=lambda e: order.index(e.kind) if e.kind in order else len(order))
    return {"events": [event_decision(e) for e in ordered]}


def signed_decision(s: Session, e: VoucherEvent) -> dict[str, Any]:
    """What the act that signed ``e`` decided, rebuilt from the database: the event's own decision, or — when
    the act signed several events (一肩挑) — all of them."""
    if e.signature is None:
        return event_decision(e)
    shared = list(s.scalars(select(VoucherEvent).where(VoucherEvent.signature == e.signature)))
    return event_decision(e) if len(shared) <= 1 else events_decision(shared)
