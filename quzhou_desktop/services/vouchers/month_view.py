"""The 村监会月度审核 of one village and month as the screen and the printed 意见书 show it: the values
(``MonthlyReviewView``, ``MonthItem``, ``Blocker``), the facts they are made of (``MonthFacts``) and the
composition (``compose_view``). No queries here: ``services.vouchers.month_gather`` reads the facts, for one month
or for the months of many villages at once; ``services.vouchers.monthly`` records, signs, locks and unlocks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.core.vouchers import VoucherState
from quzhou_desktop.services.vouchers.common import SUPERSEDED
from quzhou_desktop.services.vouchers.flow import Committee, committee_of
from quzhou_desktop.services.vouchers.voucher import VoucherRow
from quzhou_desktop.store.models import MonthlyReview

__all__ = [
    "NOT_COUNTED",
    "OPEN_STATES",
    "UNREVIEWED_KEY",
    "WAITING",
    "Blocker",
    "MonthFacts",
    "MonthItem",
    "MonthlyReviewFields",
    "MonthlyReviewView",
    "Seat",
    "blockers_of",
    "compose_view",
    "month_bounds",
    "unreviewed_refusal",
]

OPEN_STATES = frozenset(
    {
        VoucherState.DRAFT.value,
        VoucherState.SUBMITTED.value,
        VoucherState.NEEDS_CORRECTION.value,
        VoucherState.RETURNED.value,
    }
)
NOT_COUNTED = frozenset({VoucherState.VOID.value, VoucherState.REJECTED.value, SUPERSEDED})
# Kept in the review's item opinions (no schema change), so the signature covers it.
UNREVIEWED_KEY = "_unreviewed_reason"
# An open voucher's real state and who must act on it.
WAITING: dict[str, tuple[str, str]] = {
    VoucherState.DRAFT.value: ("草稿，尚未提交审核", "报账员提交审核"),
    VoucherState.SUBMITTED.value: ("待村监会审核", "村监会成员审核"),
    VoucherState.NEEDS_CORRECTION.value: ("待报账员补正", "报账员补正后重新提交"),
    VoucherState.RETURNED.value: ("代理中心退回，待报账员更正", "报账员更正后重新提交"),
}


@dataclass(frozen=True)
class Blocker:
    """A voucher of the month that still awaits someone."""

    number: str
    state: str  # "待报账员补正"
    who: str  # "报账员补正后重新提交"

    @property
    def text(self) -> str:
        return f"凭证{self.number}（{self.state}，须{self.who}）"


def blockers_of(items: tuple[MonthItem, ...] | list[MonthItem]) -> list[Blocker]:
    out = []
    for i in items:
        if i.open:
            state, who = WAITING.get(i.voucher.status, (i.voucher.status_label, "处理"))
            out.append(Blocker(i.voucher.number_text, state, who))
    return out


@dataclass(frozen=True)
class MonthItem:
    voucher: VoucherRow
    reviews: str  # "张三 同意；李四 需补正（缺发票）"
    opinion: str  # the meeting's note on this voucher
    open: bool  # still awaits review or correction


@dataclass(frozen=True)
class MonthlyReviewFields:
    meeting_date: date
    attendee_ids: tuple[str, ...]
    overall_opinion: str = ""
    open_items: str = ""
    place: str = ""
    item_opinions: dict[str, str] = field(default_factory=dict)
    unreviewed_reason: str = ""  # why the meeting signs although some vouchers are not reviewed yet


@dataclass(frozen=True)
class MonthlyReviewView:
    village_id: str
    village_name: str
    year: int
    month: int
    review_id: str | None
    meeting_date: date | None
    place: str
    attendee_ids: tuple[str, ...]
    members: tuple[tuple[str, str, bool], ...]  # (person id, name, is chair) on the meeting date or today
    items: tuple[MonthItem, ...]
    overall_opinion: str
    open_items: str
    state: str  # none, draft, signed
    signed_at: datetime | None
    signed_by: str
    locked: bool
    lock_reason: str
    unreviewed_reason: str = ""

    @property
    def blockers(self) -> list[Blocker]:
        return blockers_of(self.items)

    @property
    def sign_block(self) -> str:
        """Why the record cannot be signed yet ("" when it can): shown on the disabled sign button."""
        if self.locked or self.state == "signed":
            return "例会记录已经签署"
        if self.state == "none":
            return "请先填写并保存例会记录"
        if not self.overall_opinion:
            return "签署前请填写总体审核意见并保存"
        if self.blockers and not self.unreviewed_reason:
            return unreviewed_refusal(self.blockers)
        return ""

    @property
    def counted(self) -> list[MonthItem]:
        return [i for i in self.items if i.voucher.status not in NOT_COUNTED]

    @property
    def total_fen(self) -> int:
        return sum(i.voucher.amount_fen for i in self.counted)

    @property
    def open_count(self) -> int:
        return sum(1 for i in self.items if i.open)

    @property
    def state_label(self) -> str:
        if self.locked:
            return "已签署并锁定"
        return {"none": "尚未记录", "draft": "已记录，未签署", "signed": "已签署，未锁定"}.get(
            self.state, self.state
        )


def unreviewed_refusal(blockers: list[Blocker]) -> str:
    return (
        "本月还有凭证未审核完毕："
        + "；".join(b.text for b in blockers)
        + "。审核完毕后再签署；如确需先签署，请在“未审核说明”中写明原因并保存"
    )


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """First day of the month and first day of the next."""
    if not 1 <= month <= 12:
        raise ValidationError(field="月份", reason="应在1到12之间")
    return date(year, month, 1), date(year + (month == 12), month % 12 + 1, 1)


@dataclass(frozen=True)
class Seat:
    """A 村监会 membership (person, role, name) and the dates it holds."""

    person_id: str
    role: str
    name: str
    start: date
    end: date | None


@dataclass(frozen=True)
class MonthFacts:
    village_id: str
    village_name: str
    year: int
    month: int
    review: MonthlyReview | None
    rows: list[VoucherRow] = field(default_factory=list)  # the month's vouchers, superseded versions left out
    review_texts: dict[str, str] = field(
        default_factory=dict
    )  # voucher id -> "张三 同意；李四 需补正（缺发票）"
    seats: list[Seat] = field(default_factory=list)  # the village's 村监会 memberships, by role then name
    signer_name: str = ""

    def committee_on(self, on: date) -> Committee:
        """``flow.committee_in`` of the village on ``on``, from the memberships read with the batch."""
        held = [
            (x.person_id, x.role, x.name)
            for x in self.seats
            if x.start <= on and (x.end is None or x.end >= on)
        ]
        return committee_of(held)


def compose_view(facts: MonthFacts, today: date) -> MonthlyReviewView:
    """The review of ``facts``' village and month; the committee is the one in office on the meeting date (today
    while no meeting is recorded)."""
    r = facts.review
    opinions: dict[str, str] = json.loads(r.item_opinions_json) if r else {}
    unreviewed = opinions.pop(UNREVIEWED_KEY, "")
    texts = facts.review_texts
    items = tuple(
        MonthItem(v, texts.get(v.id, ""), opinions.get(v.id, ""), v.status in OPEN_STATES) for v in facts.rows
    )
    com = facts.committee_on((r.meeting_date if r and r.meeting_date else None) or today)
    members = tuple((pid, com.names.get(pid, ""), pid == com.chair_id) for pid in com.member_ids)
    return MonthlyReviewView(
        village_id=facts.village_id,
        village_name=facts.village_name,
        year=facts.year,
        month=facts.month,
        review_id=r.id if r else None,
        meeting_date=r.meeting_date if r else None,
        place=(r.place or "") if r else "",
        attendee_ids=tuple(json.loads(r.attendee_ids_json)) if r else (),
        members=members,
        items=items,
        overall_opinion=(r.overall_opinion or "") if r else "",
        open_items=(r.open_items or "") if r else "",
        state=r.state if r else "none",
        signed_at=r.signed_at if r else None,
        signed_by=facts.signer_name,
        locked=bool(r and r.locked),
        lock_reason=(r.lock_reason or "") if r else "",
        unreviewed_reason=unreviewed,
    )
