"""村监会月度工作例会 (村财务月度审核) and the month lock.

For one village and month the committee records the meeting (date, place, attendees from the 村监会
roster), goes through the month's vouchers (totals, per-voucher opinions, open items), records its overall
opinion and the chair signs with the password (a signed act, ``month.sign``; the review's ``signature`` names
it).  A signed month can be locked (``core.vouchers.can_lock_month``); nothing dated in a locked month can then
be entered, edited, submitted, reviewed, corrected or voided. Unlocking needs the 乡镇管理员 and a reason, and
re-opens the review (the signed state stays in the audit log and its act). Locking and unlocking are signed
acts too (``month.lock``, ``month.unlock``).

The record cannot be signed while any of the month's vouchers still awaits the committee or the clerk, unless the
meeting records why (``unreviewed_reason``: kept with the review, covered by its signature, printed on the
意见书). Every refusal names each blocking voucher, its real state and who must act (``Blocker``).

What the review shows is composed in ``month_view`` from facts ``month_gather`` reads (one month, or the months of
many villages with a few queries: ``monthly_reviews``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from quzhou_desktop.core.errors import PermissionDenied, ValidationError
from quzhou_desktop.core.vouchers import VoucherState, VoucherSummary, can_lock_month
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.keys import Credential, signer_for
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.signatures import Signer, office_of, sign_act
from quzhou_desktop.services.kernel.validate import optional, required
from quzhou_desktop.services.vouchers.common import SUPERSEDED, month_review
from quzhou_desktop.services.vouchers.flow import committee_in
from quzhou_desktop.services.vouchers.month_gather import gather_months
from quzhou_desktop.services.vouchers.month_view import (
    NOT_COUNTED,
    OPEN_STATES,
    UNREVIEWED_KEY,
    WAITING,
    Blocker,
    MonthItem,
    MonthlyReviewFields,
    MonthlyReviewView,
    compose_view,
    month_bounds,
    unreviewed_refusal,
)
from quzhou_desktop.services.vouchers.statements import lock_content, month_content, month_vouchers
from quzhou_desktop.store.models import MonthlyReview, Voucher, new_uuid

__all__ = [
    "Blocker",
    "MonthItem",
    "MonthlyReviewFields",
    "MonthlyReviewView",
    "lock_month",
    "monthly_review",
    "monthly_reviews",
    "save_monthly_review",
    "sign_monthly_review",
    "unlock_month",
]


def _number(v: Voucher) -> str:
    return v.number if v.version == 1 else f"{v.number}（第{v.version}版）"


def _month_vouchers(s: Session, village_id: str, year: int, month: int) -> list[Voucher]:
    start, end = month_bounds(year, month)
    q = (
        select(Voucher)
        .where(
            Voucher.village_id == village_id,
            Voucher.voucher_date >= start,
            Voucher.voucher_date < end,
            Voucher.status != SUPERSEDED,
        )
        .order_by(Voucher.voucher_date, Voucher.number)
    )
    return list(s.scalars(q))


def monthly_review(ctx: AppContext, village_id: str, year: int, month: int) -> MonthlyReviewView:
    """Everything the one-screen monthly review shows (nothing is created until it is saved)."""
    return monthly_reviews(ctx, [(village_id, year, month)])[(village_id, year, month)]


def monthly_reviews(
    ctx: AppContext, keys: Sequence[tuple[str, int, int]]
) -> dict[tuple[str, int, int], MonthlyReviewView]:
    """``monthly_review`` of each (village id, year, month), gathered with a few queries for all of them (a print
    batch's 月度审核意见书); each equals the one read alone."""
    wanted = list(dict.fromkeys(keys))
    for village_id, year, month in wanted:
        ctx.require_village(village_id)
        month_bounds(year, month)
    today = ctx.clock.today()
    with ctx.read() as s:
        facts = gather_months(s, wanted)
        return {k: compose_view(facts[k], today) for k in wanted}


def _check_fields(
    s: Session, ctx: AppContext, village_id: str, year: int, month: int, f: MonthlyReviewFields
) -> None:
    start, _ = month_bounds(year, month)
    if f.meeting_date < start:
        raise ValidationError(field="例会日期", reason=f"不能早于{year}年{month}月1日")
    if f.meeting_date > ctx.clock.today():
        raise ValidationError(field="例会日期", reason="不能晚于今天")
    com = committee_in(s, village_id, f.meeting_date)
    outsiders = [a for a in f.attendee_ids if a not in com.member_ids]
    if outsiders:
        raise ValidationError(field="出席人员", reason="只能从例会当日在任的村务监督委员会成员中选择")


def save_monthly_review(
    ctx: AppContext, village_id: str, year: int, month: int, fields: MonthlyReviewFields
) -> str:
    """Record or update the meeting (draft). Returns the review id."""
    ctx.require(Perm.MONTH_REVIEW, village_id)
    with ctx.write("month.review.save") as s:
        _check_fields(s, ctx, village_id, year, month, fields)
        r = month_review(s, village_id, year, month)
        if r is None:
            r = MonthlyReview(village_id=village_id, year=year, month=month)
            s.add(r)
        elif r.locked:
            raise ValidationError(field="月度审核", reason=f"{year}年{month}月已锁定，不能修改例会记录")
        elif r.state == "signed":
            raise ValidationError(field="月度审核", reason="例会记录已签署，不能再修改")
        r.meeting_date = fields.meeting_date
        r.place = optional(fields.place, "地点", max_len=100)
        r.attendee_ids_json = json.dumps(list(dict.fromkeys(fields.attendee_ids)))
        opinions = {
            k: v.strip() for k, v in fields.item_opinions.items() if v and v.strip() and k != UNREVIEWED_KEY
        }
        why = optional(fields.unreviewed_reason, "未审核说明", max_len=500)
        if why:
            opinions[UNREVIEWED_KEY] = why
        r.item_opinions_json = json.dumps(opinions, ensure_ascii=False)
        r.overall_opinion = optional(fields.overall_opinion, "总体意见", max_len=2000)
        r.open_items = optional(fields.open_items, "遗留问题", max_len=2000)
        r.state = "draft"
        s.flush()
        return r.id


def review_signature(r: MonthlyReview, vouchers: list[Voucher]) -> str:
    """The signature of a release before signing keys (a hash over the meeting and the month's vouchers).
    Reviews signed since name their ``month.sign`` act instead; these hashes are only checked."""
    payload = {
        "id": r.id,
        "village_id": r.village_id,
        "year": r.year,
        "month": r.month,
        "meeting_date": r.meeting_date.isoformat() if r.meeting_date else None,
        "place": r.place,
        "attendees": json.loads(r.attendee_ids_json),
        "items": json.loads(r.item_opinions_json),
        "overall": r.overall_opinion,
        "open": r.open_items,
        "signed_by": r.signed_by,
        "signed_at": r.signed_at.isoformat() if r.signed_at else None,
        "vouchers": [[v.id, v.version, v.status, v.amount_fen] for v in vouchers],
    }
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sign_monthly_review(
    ctx: AppContext, village_id: str, year: int, month: int, password: Credential
) -> None:
    """The chair (or a member holding the meeting) signs the recorded meeting with the password."""
    user = ctx.require(Perm.MONTH_REVIEW, village_id)
    signer = signer_for(ctx, password)
    with ctx.write("month.review.sign") as s:
        r = month_review(s, village_id, year, month)
        if r is None or r.meeting_date is None:
            raise ValidationError(field="月度审核", reason="请先填写并保存例会记录")
        if r.state == "signed":
            raise ValidationError(field="月度审核", reason="例会记录已经签署")
        com = committee_in(s, village_id, r.meeting_date)
        attendees = json.loads(r.attendee_ids_json)
        if user.person_id is None or user.person_id not in attendees:
            raise PermissionDenied("只有出席例会的村务监督委员会成员才能签署例会记录")
        if 2 * len(attendees) <= len(com.member_ids):
            raise ValidationError(
                field="出席人员",
                reason=f"村务监督委员会共{len(com.member_ids)}人，出席{len(attendees)}人，须过半数出席",
            )
        if not r.overall_opinion:
            raise ValidationError(field="总体意见", reason="签署前请填写总体审核意见")
        vouchers = _month_vouchers(s, village_id, year, month)
        blocking = [
            Blocker(_number(v), *WAITING.get(v.status, (v.status, "处理")))
            for v in vouchers
            if v.status in OPEN_STATES
        ]
        if blocking and not json.loads(r.item_opinions_json).get(UNREVIEWED_KEY):
            raise ValidationError(field="月度审核", reason=unreviewed_refusal(blocking))
        r.voucher_count = sum(1 for v in vouchers if v.status not in NOT_COUNTED)
        r.total_fen = sum(v.amount_fen for v in vouchers if v.status not in NOT_COUNTED)
        now = ctx.clock.now()
        act_id = new_uuid()
        r.state = "signed"
        r.signed_by = user.id
        r.signed_at = now
        r.signature = act_id
        s.flush()
        title = "村监会主任" if user.person_id == com.chair_id else "村监会委员"
        sign_act(
            s,
            signer,
            act="month.sign",
            record_kind="monthly_review",
            record_id=r.id,
            record_version=r.row_version,
            content=month_content(r),
            decision={"vouchers": month_vouchers(vouchers)},
            office=office_of(s, user, village_id, title=title),
            at=now,
            act_id=act_id,
        )


def _sign_lock(
    s: Session,
    signer: Signer,
    ctx: AppContext,
    r: MonthlyReview,
    act: str,
    vouchers: list[Voucher],
    review_act: str | None,
) -> None:
    s.flush()
    sign_act(
        s,
        signer,
        act=act,
        record_kind="monthly_review",
        record_id=r.id,
        record_version=r.row_version,
        content=lock_content(r),
        decision={"vouchers": month_vouchers(vouchers), "review_act": review_act},
        office=office_of(s, ctx.require_user(), r.village_id),
        at=ctx.clock.now(),
    )


def lock_month(ctx: AppContext, village_id: str, year: int, month: int, password: Credential) -> None:
    """Lock a month whose review is signed and whose vouchers are all reviewed (``can_lock_month``): a signed
    act."""
    ctx.require(Perm.MONTH_LOCK, village_id)
    signer = signer_for(ctx, password)
    with ctx.write("month.lock") as s:
        r = month_review(s, village_id, year, month)
        if r is not None and r.locked:
            raise ValidationError(field="月份", reason=f"{year}年{month}月已经锁定")
        held = r is not None and r.state == "signed"
        vouchers = _month_vouchers(s, village_id, year, month)
        summaries = [VoucherSummary(v.number, VoucherState(v.status)) for v in vouchers]
        check = can_lock_month(summaries, review_meeting_held=held)
        if not check.ok:
            reasons = (
                [] if held else ["本月村监会月度审核例会尚未记录" if r is None else "本月例会记录尚未签署"]
            )
            reasons += [
                Blocker(_number(v), *WAITING.get(v.status, (v.status, "处理"))).text
                for v in _month_vouchers(s, village_id, year, month)
                if v.status in OPEN_STATES
            ]
            raise ValidationError(field=f"{year}年{month}月", reason="不能锁定：" + "；".join(reasons))
        assert r is not None
        r.locked = True
        r.locked_at = ctx.clock.now()
        r.lock_reason = None
        _sign_lock(s, signer, ctx, r, "month.lock", vouchers, r.signature)


def unlock_month(
    ctx: AppContext, village_id: str, year: int, month: int, reason: str, password: Credential
) -> None:
    """乡镇管理员 only, with a reason (a signed act). The review goes back to draft and must be signed again."""
    ctx.require(Perm.MONTH_UNLOCK, village_id)
    why = required(reason, "解锁原因", max_len=500)
    signer = signer_for(ctx, password)
    with ctx.write("month.unlock", reason=why) as s:
        r = month_review(s, village_id, year, month)
        if r is None or not r.locked:
            raise ValidationError(field="月份", reason=f"{year}年{month}月没有锁定")
        voided = r.signature
        r.locked = False
        r.lock_reason = why
        r.state = "draft"
        r.signature = None
        vouchers = _month_vouchers(s, village_id, year, month)
        _sign_lock(s, signer, ctx, r, "month.unlock", vouchers, voided)
