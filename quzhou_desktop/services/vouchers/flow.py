"""先审后签: the 村监会 review, the 主任（社长） and 书记 signatures, delivery to the 代理记账中心.

Each review, signature, acceptance and return is a signed act: the user re-enters the password (or holds a
``SignatureGrant``), which unseals the user's signing key, and the act's statement covers the voucher's content
(amount, payee, purpose, scans …) and the event (``services.vouchers.statements``).  The order (C17), the
completeness of the committee's review (C18) and the separation of duties come from ``core.vouchers``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from quzhou_desktop.core.errors import PermissionDenied, ValidationError
from quzhou_desktop.core.vouchers import (
    SignatureTimes,
    VoucherState,
    check_review_completeness,
    check_separation,
    check_signature_order,
    check_transition,
)
from quzhou_desktop.services.kernel.context import AppContext, CurrentUser
from quzhou_desktop.services.kernel.keys import Credential, signer_for
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.settings import get_rules
from quzhou_desktop.services.kernel.signatures import office_of
from quzhou_desktop.services.kernel.site import enrolled_township
from quzhou_desktop.services.kernel.validate import required
from quzhou_desktop.services.vouchers.common import (
    OPINION_LABELS,
    ReviewBeforeSign,
    RuleFailed,
    SeparationOfDuties,
    add_event,
    check_month_open,
    events_of,
    load_voucher,
    new_event,
    sign_events,
    state_of,
    status_label,
)
from quzhou_desktop.store.models import Membership, Person, Voucher, VoucherEvent

__all__ = [
    "OFFICES",
    "Committee",
    "Office",
    "accept_voucher",
    "agency_acts_here",
    "committee",
    "deliver_voucher",
    "offices_held",
    "return_voucher",
    "review_round",
    "review_voucher",
    "sign_block",
    "sign_voucher",
    "signing_offices",
]

_PRE_REVIEW = frozenset(
    {VoucherState.DRAFT, VoucherState.SUBMITTED, VoucherState.NEEDS_CORRECTION, VoucherState.RETURNED}
)


@dataclass(frozen=True)
class Committee:
    """The 村务监督委员会 on a date: member person ids (chair first), the chair and names."""

    member_ids: tuple[str, ...]
    chair_id: str | None
    names: dict[str, str]


def committee_in(s: Session, village_id: str, on: date) -> Committee:
    q = (
        select(Membership.person_id, Membership.role, Person.name)
        .join(Person, Person.id == Membership.person_id)
        .where(
            Membership.village_id == village_id,
            Membership.body == "supervisory",
            Membership.start_date <= on,
            or_(Membership.end_date.is_(None), Membership.end_date >= on),
        )
        .order_by(Membership.role, Person.name)
    )
    return committee_of([(pid, role, name) for pid, role, name in s.execute(q)])


def committee_of(rows: Sequence[tuple[str, str, str]]) -> Committee:
    """The committee of the (person id, role, name) memberships in force, ordered by role then name."""
    chair = next((pid for pid, role, _ in rows if role == "chair"), None)
    ids = tuple(dict.fromkeys([*([chair] if chair else []), *(pid for pid, _, _ in rows)]))
    return Committee(ids, chair, {pid: name for pid, _, name in rows})


def committee(ctx: AppContext, village_id: str, on: date | None = None) -> Committee:
    ctx.require_village(village_id)
    with ctx.read() as s:
        return committee_in(s, village_id, on or ctx.clock.today())


def _round(events: list[VoucherEvent]) -> list[VoucherEvent]:
    """Review events since the last submission (a resubmitted voucher is reviewed afresh)."""
    last_submit = max((i for i, e in enumerate(events) if e.kind == "submit"), default=-1)
    return [e for e in events[last_submit + 1 :] if e.kind == "review"]


def review_round(ctx: AppContext, voucher_id: str) -> list[tuple[str, str, str]]:
    """(name, opinion label, text) of the current round of reviews."""
    with ctx.read() as s:
        v = load_voucher(s, voucher_id)
        ctx.require_village(v.village_id)
        return [
            (e.actor_name or "", OPINION_LABELS.get(e.opinion or "", ""), e.text or "")
            for e in _round(events_of(s, v.id))
        ]


def _person_name(s: Session, person_id: str | None) -> str | None:
    p = s.get(Person, person_id) if person_id else None
    return p.name if p else None


def _check_separation(s: Session, v: Voucher, user: CurrentUser, act: str) -> None:
    """Nobody reviews or signs a voucher they entered, handled (经手) or are paid by."""
    if v.prepared_by and v.prepared_by == user.id:
        raise SeparationOfDuties(name=user.display_name, role="录入人（制单人）", act=act)
    pid = user.person_id
    if pid is None:
        return
    acts = {"reviewer_ids": [pid]} if act == "审核" else {"director_id": pid}
    findings = check_separation(
        preparer_id=v.handler_person_id, payee_id=v.payee_person_id, names={pid: user.display_name}, **acts
    )
    if findings:
        raise RuleFailed(findings)
    # 经手人/收款人 typed as a name that the roster could not resolve to one person: compare names too.
    name = _person_name(s, pid)
    for role, typed, linked in (
        ("经手人", v.handler_name, v.handler_person_id),
        ("收款人", v.payee, v.payee_person_id),
    ):
        if linked is None and name and typed == name:
            raise SeparationOfDuties(name=name, role=role, act=act)


def _times(events: list[VoucherEvent], extra: dict[str, datetime]) -> SignatureTimes:
    """C17 times of the current round (since the last submission)."""
    last_submit = max((i for i, e in enumerate(events) if e.kind == "submit"), default=0)
    events = events[last_submit:]

    def last(kind: str) -> datetime | None:
        return max((e.at for e in events if e.kind == kind), default=None)

    reviews = [e.at for e in events if e.kind == "review" and e.opinion == "agree"]
    base = {
        "handler": last("submit"),
        "review": max(reviews) if reviews else None,
        "director": last("sign_director"),
        "secretary": last("sign_secretary"),
        "agency": last("accept"),
    }
    base.update(extra)
    return SignatureTimes(**base)


def review_voucher(ctx: AppContext, voucher_id: str, opinion: str, text: str, password: Credential) -> str:
    """Record one 村监会 member's review: "agree" 同意, "correct" 需补正 (text says what is missing),
    "disagree" 不同意 (text gives the reason).  Returns the voucher's new status.

    The voucher becomes reviewed once the concurring members satisfy C18; 需补正 sends it back to the clerk;
    不同意 rejects it when concurrence can no longer be reached (all-members mode, the chair objects, or too
    few members left), otherwise the objection stays on record (监督台账) and the review continues."""
    if opinion not in OPINION_LABELS:
        raise ValidationError(field="审核意见", reason="请选择同意、需补正或不同意")
    text = (text or "").strip()
    if opinion != "agree" and not text:
        what = "需要补正的内容" if opinion == "correct" else "不同意的理由"
        raise ValidationError(field="审核意见", reason=f"请写明{what}")
    if len(text) > 1000:
        raise ValidationError(field="审核意见", reason="不能超过1000个字")
    with ctx.read() as s:
        village_id = load_voucher(s, voucher_id).village_id
    user = ctx.require(Perm.VOUCHER_REVIEW, village_id)
    signer = signer_for(ctx, password)
    rules = get_rules(ctx, village_id)
    with ctx.write(f"voucher.review.{opinion}") as s:
        v = load_voucher(s, voucher_id)
        state = state_of(v)
        if state is not VoucherState.SUBMITTED:
            if state is VoucherState.DRAFT:
                raise ValidationError(field="凭证", reason=f"{v.number}还是草稿，报账员提交后才能审核")
            raise ValidationError(
                field="凭证", reason=f"{v.number}现为“{status_label(v.status)}”，不在待审核状态"
            )
        check_month_open(s, v.village_id, v.voucher_date, "审核凭证")
        com = committee_in(s, v.village_id, ctx.clock.today())
        if user.person_id is None or user.person_id not in com.member_ids:
            raise PermissionDenied(f"「{user.display_name}」不是本村村务监督委员会的现任成员，不能审核凭证")
        _check_separation(s, v, user, "审核")
        events = events_of(s, v.id)
        current = _round(events)
        if any(e.person_id == user.person_id for e in current):
            raise ValidationError(field="审核", reason=f"您已审核过凭证{v.number}，不能重复审核")
        role = "村监会主任" if user.person_id == com.chair_id else "村监会委员"
        add_event(
            s,
            v,
            "review",
            at=ctx.clock.now(),
            user_id=user.id,
            person_id=user.person_id,
            actor_name=user.display_name,
            actor_role=role,
            opinion=opinion,
            text=text or None,
            signer=signer,
            office=office_of(s, user, v.village_id, title=role),
        )
        opinions = {e.person_id: e.opinion for e in current}
        opinions[user.person_id] = opinion
        agree = [p for p, o in opinions.items() if o == "agree" and p is not None]
        against = [p for p, o in opinions.items() if o == "disagree"]
        new: VoucherState | None = None
        if opinion == "correct":
            new = VoucherState.NEEDS_CORRECTION
        elif opinion == "disagree":
            needed = rules.review_min_concurring or len(com.member_ids) // 2 + 1
            chair_needed = (
                rules.review_mode == "chair_above" and v.amount_fen > rules.review_chair_threshold_fen
            )
            if (
                rules.review_mode == "all_members"
                or (chair_needed and user.person_id == com.chair_id)
                or len(com.member_ids) - len(against) < needed
            ):
                new = VoucherState.REJECTED
        elif not check_review_completeness(
            v.amount_fen, com.member_ids, com.chair_id, agree, rules, com.names
        ):
            new = VoucherState.REVIEWED
        if new is not None:
            check_transition(VoucherState.SUBMITTED, new)
            v.status = new.value
        return v.status


@dataclass(frozen=True)
class Office:
    """A signature the chain asks for (C17), in order: the 主任（社长） first, then the 书记."""

    key: str  # roster office: ("village_committee", "director") → "director"
    kind: str  # the event it records
    label: str
    perm: Perm
    want: VoucherState  # the voucher's state before this signature
    new: VoucherState


OFFICES = (
    Office("director", "sign_director", "主任（社长）", Perm.VOUCHER_SIGN_DIRECTOR,
           VoucherState.REVIEWED, VoucherState.DIRECTOR_SIGNED),
    Office("secretary", "sign_secretary", "书记", Perm.VOUCHER_SIGN_SECRETARY,
           VoucherState.DIRECTOR_SIGNED, VoucherState.SECRETARY_SIGNED),
)  # fmt: skip
_ROSTER_OFFICES = {("village_committee", "director"): "director", ("party_branch", "secretary"): "secretary"}


def offices_held(s: Session, ctx: AppContext, village_id: str, on: date) -> set[str]:
    """The signing offices the user holds: by the account's role, and — for an account that may sign at all —
    by the roster on ``on`` (一肩挑: one person is both 书记 and 主任, C32)."""
    held = {o.key for o in OFFICES if ctx.can(o.perm, village_id)}
    pid = ctx.require_user().person_id
    if held and pid:
        rows = s.execute(
            select(Membership.body, Membership.role).where(
                Membership.village_id == village_id,
                Membership.person_id == pid,
                Membership.start_date <= on,
                or_(Membership.end_date.is_(None), Membership.end_date >= on),
            )
        )
        held |= {_ROSTER_OFFICES[(b, r)] for b, r in rows if (b, r) in _ROSTER_OFFICES}
    return held


def _signing_act(s: Session, ctx: AppContext, v: Voucher) -> list[Office]:
    """The offices this user's signature records now: the next office the chain asks for and, where the
    same person holds the following one too (一肩挑), that one as well. Refuses, in Chinese, what C17 forbids."""
    held = offices_held(s, ctx, v.village_id, ctx.clock.today())
    if not held:
        if ctx.county:
            ctx.require(Perm.VOUCHER_SIGN_DIRECTOR, v.village_id)  # refused with the county's reason
        raise PermissionDenied("您的账号没有签字权限")
    state = state_of(v)
    first = next(o for o in OFFICES if o.key in held)
    if state in _PRE_REVIEW or state is None:
        raise ReviewBeforeSign(number=v.number, state=status_label(v.status), who=first.label)
    pending = [
        o
        for o in OFFICES
        if OFFICES.index(o) >= next((i for i, o in enumerate(OFFICES) if o.want is state), 99)
    ]
    act: list[Office] = []
    for o in pending:
        if o.key not in held:
            break
        act.append(o)
    for o in act:  # separation of duties holds for every office the act records
        _check_separation(s, v, ctx.require_user(), f"{o.label}签字")
    if not act:
        if pending and pending[0].key == "director":
            raise ValidationError(
                field="签字", reason=f"{v.number}须先由村委会主任（社长）签字，再由书记签字"
            )
        raise ValidationError(
            field="签字", reason=f"{v.number}现为“{status_label(v.status)}”，不需要{first.label}签字"
        )
    return act


def sign_block(ctx: AppContext, voucher_id: str) -> str:
    """Why this user cannot sign ``voucher_id`` now ("" when they can): the sign button shows it before any
    password is typed."""
    from quzhou_desktop.core.errors import QuzhouError

    try:
        with ctx.read() as s:
            v = load_voucher(s, voucher_id)
            ctx.require_village(v.village_id)
            _signing_act(s, ctx, v)
    except QuzhouError as exc:
        return str(exc)
    return ""


def signing_offices(ctx: AppContext, voucher_id: str) -> list[str]:
    """Labels of the offices a signature by this user would record now ([] when they cannot sign)."""
    from quzhou_desktop.core.errors import QuzhouError

    try:
        with ctx.read() as s:
            return [o.label for o in _signing_act(s, ctx, load_voucher(s, voucher_id))]
    except QuzhouError:
        return []


def sign_voucher(ctx: AppContext, voucher_id: str, password: Credential) -> str:
    """The 主任（社长） signs a reviewed voucher, then the 书记 signs (C17). The signer's offices (account role,
    and the roster for 一肩挑) decide which signatures this act records: one person who is both 主任 and 书记
    signs once and the act records both offices, each as its own event with a note, under one signed act
    (``voucher.sign_both``) whose statement covers both events. Returns the new status."""
    user = ctx.require_user()
    with ctx.read() as s:
        planned = _signing_act(s, ctx, load_voucher(s, voucher_id))  # refuse before the password is checked
    signer = signer_for(ctx, password)
    action = "voucher." + "_".join([planned[0].kind, *(o.key for o in planned[1:])])  # voucher.sign_director
    with ctx.write(action) as s:
        v = load_voucher(s, voucher_id)
        act = _signing_act(s, ctx, v)
        now = ctx.clock.now()
        both = len(act) > 1
        note = (
            f"一肩挑：{user.display_name}兼任村委会主任和村党组织书记，一次签字同时记为两个职务"
            if both
            else None
        )
        events: list[VoucherEvent] = []
        for office in act:
            check_transition(state_of(v) or VoucherState.DRAFT, office.new)
            times = _times([*events_of(s, v.id), *events], {office.kind.removeprefix("sign_"): now})
            findings = check_signature_order(times)
            if findings:
                raise RuleFailed(findings)
            events.append(
                new_event(
                    s,
                    v,
                    office.kind,
                    at=now,
                    user_id=user.id,
                    person_id=user.person_id,
                    actor_name=user.display_name,
                    actor_role=office.label if both else user.role_label,
                    text=note,
                )
            )
            v.status = office.new.value
        title = "、".join(o.label for o in act)
        sign_events(s, v, events, signer=signer, office=office_of(s, user, v.village_id, title=title))
        return v.status


def deliver_voucher(ctx: AppContext, voucher_id: str) -> None:
    """The 报账员 hands the fully signed voucher to the township 代理记账中心."""
    _move(ctx, voucher_id, Perm.VOUCHER_DELIVER, VoucherState.DELIVERED, "deliver", None, None)


def agency_acts_here(ctx: AppContext) -> bool:
    """Whether the 代理记账中心's 受理/退回 can be recorded on this database: not on a village PC enrolled with
    its township (they are made at the township and arrive in its 下发数据包)."""
    with ctx.read() as s:
        return enrolled_township(s) is None


def accept_voucher(ctx: AppContext, voucher_id: str, password: Credential) -> None:
    """代理记账中心 受理 (township staff): a signed act."""
    _move(ctx, voucher_id, Perm.VOUCHER_ACCEPT, VoucherState.ACCEPTED, "accept", None, password)


def return_voucher(ctx: AppContext, voucher_id: str, reason: str, password: Credential) -> None:
    """代理记账中心 退回 with a reason (a signed act); the clerk corrects it (new version) or resubmits it to the
    村监会."""
    why = required(reason, "退回原因", max_len=500)
    _move(ctx, voucher_id, Perm.VOUCHER_ACCEPT, VoucherState.RETURNED, "return", why, password)


def _move(
    ctx: AppContext,
    voucher_id: str,
    perm: Perm,
    new: VoucherState,
    kind: str,
    text: str | None,
    password: Credential | None,
) -> None:
    with ctx.read() as s:
        village_id = load_voucher(s, voucher_id).village_id
        township = enrolled_township(s) if kind in ("accept", "return") else None
    user = ctx.require(perm, village_id)
    if township is not None:
        raise PermissionDenied(
            f"受理和退回凭证由{township}代理记账中心在乡镇的电脑上办理，结果随下发数据包到达本村"
        )
    signer = signer_for(ctx, password) if password is not None else None
    with ctx.write(f"voucher.{kind}", reason=text) as s:
        v = load_voucher(s, voucher_id)
        state = state_of(v)
        if state is None:
            raise ValidationError(field="凭证", reason="这张凭证已被更正版本取代")
        check_transition(state, new)
        now = ctx.clock.now()
        if kind == "accept":
            findings = check_signature_order(_times(events_of(s, v.id), {"agency": now}))
            if findings:
                raise RuleFailed(findings)
        add_event(
            s,
            v,
            kind,
            at=now,
            user_id=user.id,
            actor_name=user.display_name,
            actor_role=user.role_label,
            text=text,
            signer=signer,
            office=office_of(s, user, v.village_id) if signer is not None else None,
        )
        v.status = new.value
