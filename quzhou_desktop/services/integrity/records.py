"""``verify``'s comparison of a signed act with its record as it is now (one function per kind of record).

A voucher never changes once submitted, a final meeting record never changes, a posted disclosure never
changes: every act about them is compared. A review can be voided by the app (a disclosure edited after its
review, a month unlocked): only the act the record still names is compared; the others are history.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from quzhou_desktop.services.disclosures.statements import disclosure_content, post_decision, review_decision
from quzhou_desktop.services.evaluations.statements import evaluation_content
from quzhou_desktop.services.integrity.describe import changed_fields
from quzhou_desktop.services.matters.statements import step_content
from quzhou_desktop.services.vouchers.statements import month_content, signed_decision, voucher_content
from quzhou_desktop.store.models import (
    Attachment,
    Disclosure,
    Evaluation,
    MatterStep,
    MonthlyReview,
    SignedAct,
    Voucher,
    VoucherEvent,
)

Finding = tuple[str, str]  # (kind, Chinese sentence)

CHANGED = "签名后{what}被改动（与签署时的不符）"


def _compare(signed: Any, current: Any) -> list[Finding]:
    if signed == current:
        return []
    return [("content", CHANGED.format(what=changed_fields(signed, current)))]


def check_record_act(s: Session, act: SignedAct, st: dict[str, Any]) -> list[Finding]:
    content, decision = st.get("content"), st.get("decision")
    kind = act.act.split(".", 1)[0]
    if kind == "voucher":
        return _voucher(s, act, content, decision)
    if act.act == "month.sign":
        return _month(s, act, content, decision)
    if act.act == "disclosure.review":
        return _disclosure_review(s, act, content, decision)
    if act.act == "disclosure.post":
        return _disclosure_post(s, act, content, decision)
    if act.act == "matter.finalize":
        return _step(s, act, content, decision)
    if act.act == "evaluation.finalize":
        ev = s.get(Evaluation, act.record_id)
        if ev is None:
            return [("content", "民主评议记录已不在数据库中：数据被删除")]
        return _compare(content, evaluation_content(s, ev))
    return []


def _voucher(s: Session, act: SignedAct, content: Any, decision: Any) -> list[Finding]:
    v = s.get(Voucher, act.record_id)
    if v is None:
        return [("content", "凭证已不在数据库中：数据被删除")]
    out = _compare(content, voucher_content(s, v))
    e = s.get(VoucherEvent, act.subject_id) if act.subject_id else None
    if e is None or e.voucher_id != v.id:
        out.append(("content", "签名对应的审核或签字记录已不在数据库中"))
    elif e.signature != act.id:
        out.append(("content", "审核或签字记录没有指向这份签名（被改写）"))
    elif decision != signed_decision(s, e):
        out.append(("content", CHANGED.format(what=changed_fields(decision, signed_decision(s, e)))))
    return out


def _month(s: Session, act: SignedAct, content: Any, decision: Any) -> list[Finding]:
    r = s.get(MonthlyReview, act.record_id)
    if r is None:
        return [("content", "月度审核记录已不在数据库中：数据被删除")]
    out: list[Finding] = []
    if r.signature == act.id:
        out.extend(_compare(content, month_content(r)))
    for row in (decision or {}).get("vouchers", []):
        v = s.get(Voucher, row[0])
        if v is None or [v.number, v.version, v.amount_fen] != row[1:4]:
            out.append(("content", f"例会审核过的凭证{row[1]}号已被删除或改动"))
    return out


def _disclosure_review(s: Session, act: SignedAct, content: Any, decision: Any) -> list[Finding]:
    d = s.get(Disclosure, act.record_id)
    if d is None:
        return [("content", "公开记录已不在数据库中：数据被删除")]
    if d.review_signature != act.id:
        return []  # a review the app voided (content edited afterwards, then reviewed again or not)
    return _compare(content, disclosure_content(d)) + _compare(decision, review_decision(d))


def _disclosure_post(s: Session, act: SignedAct, content: Any, decision: Any) -> list[Finding]:
    d = s.get(Disclosure, act.record_id)
    if d is None:
        return [("content", "公开记录已不在数据库中：数据被删除")]
    if d.status not in ("posted", "superseded"):
        return [("content", "已公开的内容被改回未公开状态")]
    return _compare(content, disclosure_content(d)) + _compare(decision, post_decision(d))


def _step(s: Session, act: SignedAct, content: Any, decision: Any) -> list[Finding]:
    row = s.get(MatterStep, act.record_id)
    if row is None:
        return [("content", "会议记录已不在数据库中：数据被删除")]
    if row.state != "final":
        return [("content", "已定稿的会议记录被改回草稿")]
    out = _compare(content, step_content(s, row))
    for a_id, sha in (decision or {}).get("scans", []):
        a = s.get(Attachment, a_id)
        if a is None or a.sha256 != sha:
            out.append(("content", "定稿时附上的扫描件已被删除或替换"))
    return out
