"""Shared pieces of the 村务监督 services: labels, errors, the month lock, content hashes and signatures.

The rules themselves (states, transitions, C16–C18, C32 separation of duties) live in ``core.vouchers``; this
module only adds what needs the database: loading rows, the month lock and the signature hashes.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quzhou_desktop.core.errors import NotFound, RuleViolation
from quzhou_desktop.core.money import Finding
from quzhou_desktop.core.vouchers import VoucherState
from quzhou_desktop.services.kernel.acts import check_act

# Electronic signature credentials live in ``services.kernel.keys`` (a grant holds the unsealed key of a batch).
from quzhou_desktop.services.kernel.keys import Credential as Credential
from quzhou_desktop.services.kernel.keys import SignatureGrant as SignatureGrant
from quzhou_desktop.services.kernel.keys import grant_signature as grant_signature
from quzhou_desktop.services.kernel.keys import signer_for as signer_for
from quzhou_desktop.services.kernel.signatures import Office, Signer, is_legacy_hash, sign_act
from quzhou_desktop.services.vouchers.statements import CONTENT_FIELDS as CONTENT_FIELDS
from quzhou_desktop.services.vouchers.statements import (
    SIGN_BOTH,
    VOUCHER_ACTS,
    event_decision,
    events_decision,
    scan_hashes,
    signed_decision,
    voucher_content,
)
from quzhou_desktop.store.models import MonthlyReview, SignedAct, Voucher, VoucherEvent, new_uuid

SUPERSEDED = "superseded"
"""Status of a voucher replaced by a correction (new version). Not (yet) a ``core.vouchers.VoucherState``."""

OPINION_LABELS = {"agree": "同意", "correct": "需补正", "disagree": "不同意"}
EVENT_LABELS = {
    "submit": "提交村监会审核",
    "review": "村监会审核",
    "sign_director": "主任（社长）签字",
    "sign_secretary": "书记签字",
    "deliver": "报送代理记账中心",
    "accept": "代理记账中心受理",
    "return": "代理记账中心退回",
    "void": "作废",
    "superseded": "生成更正版本",
}
SIGNED_KINDS = frozenset({"review", "sign_director", "sign_secretary", "accept", "return"})
"""Events that are electronic signatures (signed acts: the user re-entered the password)."""


def local_time(utc: datetime) -> datetime:
    """A stored UTC timestamp as Asia/Shanghai wall-clock time (naive), for display and print."""
    return utc + timedelta(hours=8)


def status_label(status: str) -> str:
    if status == SUPERSEDED:
        return "已被更正版本取代"
    try:
        return VoucherState(status).label
    except ValueError:
        return status


def state_of(v: Voucher) -> VoucherState | None:
    """The core state, or None for a superseded voucher."""
    return None if v.status == SUPERSEDED else VoucherState(v.status)


class MonthLocked(RuleViolation):
    code = "C38"
    template = (
        "{year}年{month}月已完成村监会月度审核并锁定，不能{action}。如确需改动，请乡镇管理员先解锁该月份"
    )


class RuleFailed(RuleViolation):
    """One or more rule findings (C16, C17, C18, C32) refuse the action; each cites its own rule."""

    template = "{message}"
    cites = False

    def __init__(self, findings: list[Finding]) -> None:
        errors = [f for f in findings if f.level == "error"] or findings
        super().__init__("；".join(f.shown for f in errors))
        self.findings = errors
        self.code = errors[0].code if errors else "rule"


class ReviewBeforeSign(RuleViolation):
    code = "C17"
    template = "先审后签：凭证{number}目前为“{state}”，须经村监会审核同意后才能由{who}签字"


class SeparationOfDuties(RuleViolation):
    code = "C32"
    template = "{name}是本凭证的{role}，不能{act}"


def load_voucher(s: Session, voucher_id: str) -> Voucher:
    v = s.get(Voucher, voucher_id)
    if v is None:
        raise NotFound(what="这张凭证")
    return v


def month_review(s: Session, village_id: str, year: int, month: int) -> MonthlyReview | None:
    return s.scalars(
        select(MonthlyReview).where(
            MonthlyReview.village_id == village_id, MonthlyReview.year == year, MonthlyReview.month == month
        )
    ).first()


def is_month_locked(s: Session, village_id: str, on: date) -> bool:
    r = month_review(s, village_id, on.year, on.month)
    return bool(r and r.locked)


def check_month_open(s: Session, village_id: str, on: date, action: str) -> None:
    """Refuse ``action`` on anything dated in a locked month."""
    if is_month_locked(s, village_id, on):
        raise MonthLocked(year=on.year, month=on.month, action=action)


# ---------------------------------------------------------------------------------------------------------
# content hashes and signatures


def _norm(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _digest(payload: dict[str, Any]) -> str:
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_hash(s: Session, v: Voucher) -> str:
    """SHA-256 over everything a reviewer or signer vouches for, including the scans' hashes (the old
    signatures' content; see ``event_signature``)."""
    payload = {f: _norm(getattr(v, f)) for f in CONTENT_FIELDS}
    payload["scans"] = scan_hashes(s, v.id)
    return _digest(payload)


def event_signature(content: str, e: VoucherEvent, previous: str | None) -> str:
    """The signature of a release before signing keys: a hash over the voucher content, the event and the
    previous event's signature (a per-voucher chain). Events written since are signed acts; these hashes are
    only checked."""
    payload = {
        "content": content,
        "previous": previous or "",
        "id": e.id,
        "voucher_id": e.voucher_id,
        "kind": e.kind,
        "opinion": e.opinion,
        "text": e.text,
        "user_id": e.user_id,
        "person_id": e.person_id,
        "actor_name": e.actor_name,
        "actor_role": e.actor_role,
        "at": _norm(e.at),
    }
    return _digest(payload)


def events_of(s: Session, voucher_id: str) -> list[VoucherEvent]:
    return list(
        s.scalars(
            select(VoucherEvent)
            .where(VoucherEvent.voucher_id == voucher_id)
            .order_by(VoucherEvent.at, VoucherEvent.created_at, VoucherEvent.id)
        )
    )


def new_event(
    s: Session,
    v: Voucher,
    kind: str,
    *,
    at: datetime,
    user_id: str | None,
    actor_name: str | None,
    actor_role: str | None,
    person_id: str | None = None,
    opinion: str | None = None,
    text: str | None = None,
) -> VoucherEvent:
    """An event of ``v``, not yet added to the session (``add_event`` or ``sign_events`` adds it)."""
    previous = events_of(s, v.id)
    if previous and at < previous[-1].at:
        at = previous[-1].at  # a clock that went backwards never reorders the chain
    return VoucherEvent(
        id=new_uuid(),
        voucher_id=v.id,
        village_id=v.village_id,
        kind=kind,
        opinion=opinion,
        text=text,
        user_id=user_id,
        person_id=person_id,
        actor_name=actor_name,
        actor_role=actor_role,
        at=at,
    )


def sign_events(
    s: Session, v: Voucher, events: list[VoucherEvent], *, signer: Signer, office: Office
) -> SignedAct:
    """Sign one act over ``events`` (new, not yet added) and add them: the statement covers the voucher's content
    and the events. One event is the act its kind names (``VOUCHER_ACTS``); the 主任 and 书记 signatures of one
    person (一肩挑) are one act, ``voucher.sign_both``, whose decision lists both events. Signed before the
    insert, so each row is written once (and audited with its act)."""
    if len(events) == 1:
        act_name, decision = VOUCHER_ACTS[events[0].kind], event_decision(events[0])
    else:
        act_name, decision = SIGN_BOTH, events_decision(events)
    act = sign_act(
        s,
        signer,
        act=act_name,
        record_kind="voucher",
        record_id=v.id,
        record_version=v.version,
        content=voucher_content(s, v),
        decision=decision,
        office=office,
        at=events[0].at,
        subject_id=events[0].id,
    )
    for e in events:
        e.signature = act.id
        s.add(e)
    s.flush()
    return act


def add_event(
    s: Session,
    v: Voucher,
    kind: str,
    *,
    at: datetime,
    user_id: str | None,
    actor_name: str | None,
    actor_role: str | None,
    person_id: str | None = None,
    opinion: str | None = None,
    text: str | None = None,
    signer: Signer | None = None,
    office: Office | None = None,
) -> VoucherEvent:
    """Append an event. A review, signature, acceptance or return is a signed act (``signer`` required): the
    statement covers the voucher's content and the event, and the event's ``signature`` names the act."""
    e = new_event(
        s,
        v,
        kind,
        at=at,
        user_id=user_id,
        actor_name=actor_name,
        actor_role=actor_role,
        person_id=person_id,
        opinion=opinion,
        text=text,
    )
    if VOUCHER_ACTS.get(kind) is not None:
        if signer is None or office is None:
            raise ValueError(f"a {kind} event is a signed act")
        sign_events(s, v, [e], signer=signer, office=office)
        return e
    s.add(e)
    s.flush()
    return e


def verify_events(s: Session, v: Voucher) -> list[str]:
    """Chinese findings for every signed event that no longer matches the voucher: a signed act whose
    signature or content fails, or an event signed the old way (a hash, before signing keys) whose hash no
    longer matches. The whole database is checked by ``services.integrity``."""
    out: list[str] = []
    events = events_of(s, v.id)
    content = content_hash(s, v) if any(is_legacy_hash(e.signature) for e in events) else ""
    current: dict[str, Any] | None = None
    previous: str | None = None
    for e in events:
        what = f"{EVENT_LABELS.get(e.kind, e.kind)}（{e.actor_name or ''}，{e.at:%Y-%m-%d %H:%M}）"
        if is_legacy_hash(e.signature):
            if e.signature != event_signature(content, e, previous):
                out.append(f"{what}的签名与凭证现有内容不符")
        elif e.signature is not None:
            if current is None:
                current = voucher_content(s, v)
            problem = check_act(s, e.signature, content=current, decision=signed_decision(s, e))
            if problem:
                out.append(f"{what}：{problem}")
        previous = e.signature
    return out
