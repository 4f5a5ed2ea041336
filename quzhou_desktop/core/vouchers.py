"""Vouchers and 先审后签 (C16, C17, C18, C32 separation of duties, C38 month lock in ``core.rules``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from quzhou_desktop.core.errors import RuleViolation
from quzhou_desktop.core.money import Finding, format_fen
from quzhou_desktop.core.rules_config import TownshipRules

__all__ = [
    "TRANSITIONS",
    "DecisionKind",
    "InvalidTransition",
    "MonthLockCheck",
    "SignatureTimes",
    "SpendingTier",
    "VoucherState",
    "VoucherSummary",
    "can_lock_month",
    "check_decisions",
    "check_review_completeness",
    "check_separation",
    "check_signature_order",
    "check_transition",
    "required_decisions",
    "spending_tier",
]


class VoucherState(Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    NEEDS_CORRECTION = "needs_correction"
    REJECTED = "rejected"
    REVIEWED = "reviewed"
    DIRECTOR_SIGNED = "director_signed"
    SECRETARY_SIGNED = "secretary_signed"
    DELIVERED = "delivered"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    VOID = "void"

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]


_STATE_LABELS = {
    VoucherState.DRAFT: "草稿",
    VoucherState.SUBMITTED: "待村监会审核",
    VoucherState.NEEDS_CORRECTION: "需补正",
    VoucherState.REJECTED: "村监会不同意",
    VoucherState.REVIEWED: "村监会已审核",
    VoucherState.DIRECTOR_SIGNED: "主任（社长）已签",
    VoucherState.SECRETARY_SIGNED: "书记已签",
    VoucherState.DELIVERED: "已送代理记账中心",
    VoucherState.ACCEPTED: "代理中心已受理",
    VoucherState.RETURNED: "代理中心退回",
    VoucherState.VOID: "已作废",
}

_S = VoucherState
TRANSITIONS: dict[VoucherState, frozenset[VoucherState]] = {
    _S.DRAFT: frozenset({_S.SUBMITTED, _S.VOID}),
    _S.SUBMITTED: frozenset({_S.REVIEWED, _S.NEEDS_CORRECTION, _S.REJECTED, _S.VOID}),
    _S.NEEDS_CORRECTION: frozenset({_S.SUBMITTED, _S.VOID}),
    _S.REJECTED: frozenset({_S.VOID}),
    _S.REVIEWED: frozenset({_S.DIRECTOR_SIGNED, _S.VOID}),
    _S.DIRECTOR_SIGNED: frozenset({_S.SECRETARY_SIGNED, _S.VOID}),
    _S.SECRETARY_SIGNED: frozenset({_S.DELIVERED, _S.VOID}),
    _S.DELIVERED: frozenset({_S.ACCEPTED, _S.RETURNED}),
    _S.RETURNED: frozenset({_S.SUBMITTED, _S.VOID}),
    _S.ACCEPTED: frozenset(),
    _S.VOID: frozenset(),
}
"""Allowed state changes.  A returned voucher goes back to the 村监会 (re-review, C17); void needs a reason."""


class InvalidTransition(RuleViolation):
    code = "C17"
    template = "凭证当前状态为“{current}”，不能变为“{new}”"


def check_transition(current: VoucherState, new: VoucherState) -> None:
    """Raise ``InvalidTransition`` unless ``current → new`` is allowed (先审后签 order, C17)."""
    if new not in TRANSITIONS[current]:
        raise InvalidTransition(current=current.label, new=new.label)


# ---------------------------------------------------------------------------------------------------------
# C16 spending tiers


class SpendingTier(Enum):
    SMALL = "small"
    LARGE = "large"
    HUGE = "huge"

    @property
    def label(self) -> str:
        return {"small": "数额较小", "large": "数额较大", "huge": "数额巨大"}[self.value]


class DecisionKind(Enum):
    JOINT_MEETING = "joint_meeting"
    VILLAGERS_RESOLUTION = "villagers_resolution"

    @property
    def label(self) -> str:
        if self is DecisionKind.JOINT_MEETING:
            return "村务联席会议决定"
        return "村民（代表）会议决议"


def spending_tier(amount_fen: int, rules: TownshipRules) -> SpendingTier:
    """C16: < t1 small; t1 ≤ amount < t2 large; ≥ t2 huge (以上 includes the threshold)."""
    if amount_fen >= rules.spending_t2_fen:
        return SpendingTier.HUGE
    if amount_fen >= rules.spending_t1_fen:
        return SpendingTier.LARGE
    return SpendingTier.SMALL


def required_decisions(amount_fen: int, rules: TownshipRules) -> tuple[DecisionKind, ...]:
    tier = spending_tier(amount_fen, rules)
    if tier is SpendingTier.HUGE:
        return (DecisionKind.JOINT_MEETING, DecisionKind.VILLAGERS_RESOLUTION)
    if tier is SpendingTier.LARGE:
        return (DecisionKind.JOINT_MEETING,)
    return ()


def check_decisions(
    amount_fen: int,
    rules: TownshipRules,
    *,
    joint_meeting_ref: str | None = None,
    resolution_ref: str | None = None,
) -> list[Finding]:
    """C16: the voucher must reference the decisions its amount tier requires."""
    tier = spending_tier(amount_fen, rules)
    refs = {DecisionKind.JOINT_MEETING: joint_meeting_ref, DecisionKind.VILLAGERS_RESOLUTION: resolution_ref}
    out = []
    for kind in required_decisions(amount_fen, rules):
        if not refs[kind]:
            limit = rules.spending_t1_fen if kind is DecisionKind.JOINT_MEETING else rules.spending_t2_fen
            out.append(
                Finding(
                    "error",
                    "C16",
                    f"支出{format_fen(amount_fen)}属于{tier.label}（{format_fen(limit)}以上），"
                    f"须关联{kind.label}",
                    kind.value,
                )
            )
    return out


# ---------------------------------------------------------------------------------------------------------
# C17 order of signatures


@dataclass(frozen=True)
class SignatureTimes:
    handler: datetime | None = None  # 经手人
    review: datetime | None = None  # 村监会审核
    director: datetime | None = None  # 村委会主任 / 社长
    secretary: datetime | None = None  # 村党组织书记
    agency: datetime | None = None  # 代理记账中心受理


def _t(d: datetime) -> str:
    return f"{d.year}年{d.month}月{d.day}日 {d:%H:%M}"


def check_signature_order(times: SignatureTimes) -> list[Finding]:
    """C17: 经手人 < 村监会 ≤ 主任 ≤ 书记 < 代理中心; any leader signature before the review → reject."""
    chain = [
        ("经手人签字", times.handler),
        ("村监会审核", times.review),
        ("主任（社长）签字", times.director),
        ("书记签字", times.secretary),
        ("代理中心受理", times.agency),
    ]
    strict_links = {1, 4}  # handler < review and secretary < agency are strict; the others allow equality
    out: list[Finding] = []
    reported: set[str] = set()
    for i in range(1, len(chain)):
        name, when = chain[i]
        if when is None:
            continue
        missing = [n for n, t in chain[:i] if t is None and n not in reported]
        reported.update(missing)
        if missing:
            out.append(Finding("error", "C17", f"{name}前缺少{'、'.join(missing)}", "missing"))
        j = max((k for k in range(i) if chain[k][1] is not None), default=None)
        if j is None:
            continue
        prev_name, prev = chain[j]
        assert prev is not None
        strict = any(link in strict_links for link in range(j + 1, i + 1))
        if prev > when or (strict and prev == when):
            word = "早于" if prev > when else "与"
            tail = "违反先审后签" if prev > when else "同时，顺序无法确认"
            out.append(
                Finding("error", "C17", f"{name}（{_t(when)}）{word}{prev_name}（{_t(prev)}）{tail}", "order")
            )
    return out


# ---------------------------------------------------------------------------------------------------------
# C18 completeness of the 村监会 review, separation of duties


def check_review_completeness(
    amount_fen: int,
    member_ids: Iterable[str],
    chair_id: str | None,
    concurring_ids: Iterable[str],
    rules: TownshipRules,
    names: dict[str, str] | None = None,
) -> list[Finding]:
    """C18: mode "all_members" → every member signs; mode "chair_above" → the 主任 signs when the amount
    exceeds the threshold.  Both modes: at least ``review_min_concurring`` members (0 = more than half)."""
    members = list(dict.fromkeys(member_ids))
    concurring = set(concurring_ids)
    names = names or {}
    out: list[Finding] = []
    outsiders = [m for m in concurring if m not in members]
    if outsiders:
        who = "、".join(names.get(m, m) for m in sorted(outsiders))
        out.append(Finding("error", "C18", f"{who}不是村务监督委员会成员，其签字无效", "not_member"))
    signed = [m for m in members if m in concurring]
    needed = rules.review_min_concurring or len(members) // 2 + 1
    if rules.review_mode == "all_members":
        missing = [m for m in members if m not in concurring]
        if missing:
            who = "、".join(names.get(m, m) for m in missing)
            out.append(Finding("error", "C18", f"须村务监督委员会全体成员签字，{who}未签", "all_members"))
    elif len(signed) < needed:
        out.append(
            Finding(
                "error", "C18", f"村务监督委员会须至少{needed}名成员签字同意，现有{len(signed)}名", "too_few"
            )
        )
    if rules.review_mode == "chair_above" and amount_fen > rules.review_chair_threshold_fen:
        if chair_id is None or chair_id not in concurring:
            out.append(
                Finding(
                    "error",
                    "C18",
                    f"支出{format_fen(amount_fen)}超过{format_fen(rules.review_chair_threshold_fen)}，"
                    "须村务监督委员会主任签字",
                    "chair_required",
                )
            )
    return out


def check_separation(
    *,
    preparer_id: str | None,
    payee_id: str | None = None,
    reviewer_ids: Iterable[str] = (),
    director_id: str | None = None,
    secretary_id: str | None = None,
    names: dict[str, str] | None = None,
) -> list[Finding]:
    """C32: nobody reviews or signs a voucher they prepared (经手) or are paid by."""
    names = names or {}
    involved = {p: role for p, role in ((preparer_id, "经手人"), (payee_id, "收款人")) if p}
    out: list[Finding] = []
    acts = [(r, "审核") for r in reviewer_ids] + [(director_id, "主任签字"), (secretary_id, "书记签字")]
    for person, act in acts:
        if person and person in involved:
            out.append(
                Finding(
                    "error",
                    "C32",
                    f"{names.get(person, person)}是本凭证的{involved[person]}，不能{act}",
                    "separation",
                )
            )
    return out


# ---------------------------------------------------------------------------------------------------------
# month lock


@dataclass(frozen=True)
class VoucherSummary:
    number: str
    state: VoucherState


@dataclass(frozen=True)
class MonthLockCheck:
    ok: bool
    blocking: tuple[tuple[str, str], ...]  # (voucher number, Chinese reason)

    @property
    def explanation(self) -> str:
        if self.ok:
            return "本月凭证均已审核完毕，可以锁定"
        return "以下凭证尚未审核完毕：" + "；".join(f"{n}（{r}）" for n, r in self.blocking)


_OPEN_STATES = frozenset({_S.DRAFT, _S.SUBMITTED, _S.NEEDS_CORRECTION, _S.RETURNED})


def can_lock_month(vouchers: Iterable[VoucherSummary], *, review_meeting_held: bool = True) -> MonthLockCheck:
    """C38: a month can be locked when the monthly review was held and no voucher still awaits review."""
    blocking = [(v.number, v.state.label) for v in vouchers if v.state in _OPEN_STATES]
    if not review_meeting_held:
        blocking.insert(0, ("—", "本月村监会月度审核例会尚未记录"))
    return MonthLockCheck(not blocking, tuple(blocking))
