"""三务公开: the 公开目录, drafting, 村监会 review (C31), posting, correction by supersession, photos.

Companion modules: ``services.disclosures.finance`` (the 财务公开 table from vouchers and the ledger, print data),
``services.disclosures.cadence`` (C20/C21, due notices), ``services.disclosures.feedback`` (villagers' feedback, C23, history),
``services.disclosures.register`` (the filtered register and export rows), ``services.disclosures.from_matters`` (决议公开 and
实施结果公开 from the 五议两公开 register).

Life of a disclosure: draft → (reviewed) → posted → (superseded by a correction).  Posted records are
immutable; a correction is a new draft carrying ``supersedes_id`` and, once it is posted, the old one becomes
``superseded``.  Both are kept.

The 村监会 review and the posting are signed acts (``disclosure.review``, ``disclosure.post``; statements in
``services.disclosures.statements``); ``review_signature`` names the review's act (or, for a review made before
signing keys, holds its old hash).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from quzhou_desktop.core.dates import Period, month_of, quarter_of, year_of
from quzhou_desktop.core.disclosures import (
    DisclosureCategory,
    check_can_post,
    period_deadline,
)
from quzhou_desktop.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation, ValidationError
from quzhou_desktop.core.rules_config import TownshipRules
from quzhou_desktop.services.disclosures.statements import disclosure_content, post_decision, review_decision
from quzhou_desktop.services.kernel.acts import check_act
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.keys import Credential, signer_for
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.settings import get_rules
from quzhou_desktop.services.kernel.signatures import Office, Signer, is_legacy_hash, office_of, sign_act
from quzhou_desktop.services.kernel.validate import required
from quzhou_desktop.store.models import (
    Disclosure,
    DisclosureItem,
    Membership,
    Person,
    UserAccount,
    Village,
    new_uuid,
)

CATEGORY_LABELS = {c.value: c.label for c in DisclosureCategory}
CADENCE_LABELS = {
    "fixed": "固定公开（每年）",
    "quarterly": "定期公开（每季度）",
    "monthly": "定期公开（每月）",
    "immediate": "即时公开",
}
STATUS_LABELS = {"draft": "草稿", "reviewed": "已审核", "posted": "已公开", "superseded": "已更正"}
KIND_LABELS = {
    "general": "一般公开",
    "finance_period": "财务收支公开",
    "resolution": "决议公开",
    "result": "实施结果公开",
    "contract": "合同公开",
    "evaluation": "民主评议结果公开",
}
CHANNELS = ("公开栏", "广播", "明白纸", "网络")
# Where villagers take questions and objections about what is posted (the bodies' closing sentence).
WHERE_TO_ASK = "向村务监督委员会反映或投入公开栏旁意见箱"
EDITABLE = ("draft", "reviewed")


class ReviewRequired(RuleViolation):
    """C31: 财务公开 cannot be posted or printed without the 村监会 review."""

    code = "C31"
    template = "“{title}”是财务公开，须经村务监督委员会审核签字后方可公开、打印"


class TownshipReviewRequired(RuleViolation):
    """C31 as the township extends it (``disclosure_review_scope``): this category needs the review too."""

    code = "C31"
    template = "本乡镇规定{category}须经村务监督委员会审核签字后方可公开、打印：“{title}”还没有有效的审核"


class DisclosureLocked(RuleViolation):
    code = "disclosure.locked"
    template = "“{title}”已{status}，不能再修改；如需更正，请新建一份更正公开"


class NotSupervisor(PermissionDenied):
    code = "C31"
    template = "没有权限：{name}不是{village}村务监督委员会的在任成员，不能审核公开内容"


@dataclass(frozen=True)
class DisclosureSpec:
    """What a clerk types. ``table`` rows are free lists of strings (non-finance) or finance lines."""

    village_id: str
    category: str
    title: str
    body: str = ""
    item_id: str | None = None
    kind: str = "general"
    period_start: date | None = None
    period_end: date | None = None
    channels: tuple[str, ...] = ()
    posted_from: date | None = None
    posted_to: date | None = None
    table: dict[str, object] | None = None
    total_income_fen: int | None = None
    total_expense_fen: int | None = None
    matter_id: str | None = None
    step_id: str | None = None


@dataclass(frozen=True)
class DisclosureInfo:
    id: str
    village_id: str
    village_name: str
    category: str
    item_id: str | None
    item_name: str | None
    kind: str
    period_start: date | None
    period_end: date | None
    due_on: date | None
    title: str
    body: str
    table: dict[str, object] | None
    total_income_fen: int | None
    total_expense_fen: int | None
    channels: tuple[str, ...]
    posted_from: date | None
    posted_to: date | None
    status: str
    reviewer_name: str | None
    reviewed_at: datetime | None
    review_opinion: str | None
    matter_id: str | None
    step_id: str | None
    supersedes_id: str | None
    superseded_by_id: str | None
    row_version: int
    warnings: tuple[str, ...] = field(default=())

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS.get(self.category, self.category)

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE


# ---------------------------------------------------------------------------------------------------------
# drafting


def check_category(category: str) -> None:
    if category not in CATEGORY_LABELS:
        raise ValidationError(field="公开类别", reason="应为党务公开、村务公开或财务公开")


def cadence_period(d: date, *, monthly: bool) -> Period:
    return month_of(d) if monthly else quarter_of(d)


def due_date_for(
    cadence: str | None, period_end: date | None, *, busy: bool, rules: TownshipRules, category: str
) -> date | None:
    """C21 deadline for posting a 定期 disclosure covering a period ending ``period_end``: the deadline of the
    next month (monthly) or quarter — "Q3 2024 → by 2024-07-20" publishes the second quarter.  A 固定公开 item
    (once a year) covering a year is due in that year, by the ``fixed_disclosure_month``'s deadline day."""
    if period_end is None:
        return None
    if cadence == "fixed":
        return period_deadline(year_of(period_end), rules)
    if cadence not in ("quarterly", "monthly"):
        return None
    monthly = cadence == "monthly" or (category == "finance" and busy and rules.finance_monthly_if_busy)
    return period_deadline(cadence_period(period_end, monthly=monthly).next(), rules)


def _clean(spec: DisclosureSpec) -> DisclosureSpec:
    check_category(spec.category)
    if spec.kind not in KIND_LABELS:
        raise ValidationError(field="公开种类", reason=f"未知的种类“{spec.kind}”")
    bad = [c for c in spec.channels if c not in CHANNELS]
    if bad:
        raise ValidationError(field="公开方式", reason=f"“{bad[0]}”不是公开栏、广播、明白纸或网络")
    if spec.period_start and spec.period_end and spec.period_end < spec.period_start:
        raise ValidationError(field="公开期间", reason="结束日期不能早于开始日期")
    if spec.posted_from and spec.posted_to and spec.posted_to < spec.posted_from:
        raise ValidationError(field="公开起止", reason="撤下日期不能早于张贴日期")
    return replace(
        spec,
        title=required(spec.title, "标题", max_len=200),
        body=(spec.body or "").strip(),
        channels=tuple(c for c in CHANNELS if c in spec.channels),
    )


def _apply(s: Session, d: Disclosure, spec: DisclosureSpec, rules: TownshipRules) -> None:
    village = s.get(Village, spec.village_id)
    if village is None:
        raise NotFound(what="这个村")
    cadence = None
    if spec.item_id is not None:
        item = s.get(DisclosureItem, spec.item_id)
        if item is None or item.village_id not in (None, spec.village_id):
            raise NotFound(what="这个公开事项")
        if item.category != spec.category:
            raise ValidationError(
                field="公开事项", reason=f"“{item.name}”不属于{CATEGORY_LABELS[spec.category]}"
            )
        cadence = item.cadence
    d.village_id, d.category, d.item_id, d.kind = spec.village_id, spec.category, spec.item_id, spec.kind
    d.period_start, d.period_end = spec.period_start, spec.period_end
    d.due_on = due_date_for(
        cadence, spec.period_end, busy=village.finance_busy, rules=rules, category=spec.category
    )
    d.title, d.body = spec.title, spec.body or None
    d.table_json = json.dumps(spec.table, ensure_ascii=False, sort_keys=True) if spec.table else None
    d.total_income_fen, d.total_expense_fen = spec.total_income_fen, spec.total_expense_fen
    d.channels = "、".join(spec.channels) or None
    d.posted_from, d.posted_to = spec.posted_from, spec.posted_to
    d.matter_id, d.step_id = spec.matter_id, spec.step_id


def create_disclosure(ctx: AppContext, spec: DisclosureSpec, *, supersedes_id: str | None = None) -> str:
    """A new draft. Returns its id."""
    u = ctx.require(Perm.DISCLOSURE_EDIT, spec.village_id)
    spec = _clean(spec)
    rules = get_rules(ctx, spec.village_id)
    action = "disclosure.correct" if supersedes_id else "disclosure.create"
    with ctx.write(action) as s:
        d = Disclosure(created_by=u.id, status="draft", supersedes_id=supersedes_id)
        _apply(s, d, spec, rules)
        s.add(d)
        s.flush()
        return d.id


def update_draft(ctx: AppContext, disclosure_id: str, spec: DisclosureSpec, *, expected_version: int) -> None:
    """Change a draft (or a reviewed one — the review is then void and must be given again)."""
    ctx.require(Perm.DISCLOSURE_EDIT, spec.village_id)
    spec = _clean(spec)
    rules = get_rules(ctx, spec.village_id)
    with ctx.write("disclosure.update") as s:
        d = _load_for_change(s, disclosure_id, expected_version)
        if d.village_id != spec.village_id:
            raise ValidationError(field="村", reason="不能把公开内容移到另一个村")
        before = content_hash(d)
        _apply(s, d, spec, rules)
        if d.status == "reviewed" and content_hash(d) != before:
            _clear_review(d)


def _load_for_change(s: Session, disclosure_id: str, expected_version: int | None) -> Disclosure:
    d = s.get(Disclosure, disclosure_id)
    if d is None:
        raise NotFound(what="这份公开内容")
    if d.status not in EDITABLE:
        raise DisclosureLocked(title=d.title, status=STATUS_LABELS[d.status])
    if expected_version is not None and d.row_version != expected_version:
        raise Conflict("这份公开内容已被其他人修改，请刷新后再改")
    return d


def _clear_review(d: Disclosure) -> None:
    d.status = "draft"
    d.reviewed_by_person_id = d.reviewed_by_user = d.review_opinion = d.review_signature = None
    d.reviewed_at = None


def content_hash(d: Disclosure) -> str:
    """SHA-256 over what the 村监会 reviews: a later change to any of it voids the review."""
    data = [
        d.village_id, d.category, d.item_id, d.kind, str(d.period_start), str(d.period_end), d.title,
        d.body or "", d.table_json or "", d.total_income_fen, d.total_expense_fen,
    ]  # fmt: skip
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------------------------
# C31 review, posting, correction


def review_disclosure(
    ctx: AppContext,
    disclosure_id: str,
    *,
    password: Credential,
    opinion: str,
    expected_version: int | None = None,
) -> None:
    """C31: a 村监会 member re-enters the password; the signed act covers the content as it stands."""
    with ctx.read() as s:
        d0 = s.get(Disclosure, disclosure_id)
        if d0 is None:
            raise NotFound(what="这份公开内容")
        village_id = d0.village_id
    u = ctx.require(Perm.DISCLOSURE_REVIEW, village_id)
    signer = signer_for(ctx, password)
    opinion = required(opinion, "审核意见", max_len=500)
    now = ctx.clock.now()
    with ctx.write("disclosure.review") as s:
        d = _load_for_change(s, disclosure_id, expected_version)
        if not _is_supervisor(s, u.person_id, village_id, ctx.clock.today()):
            v = s.get(Village, village_id)
            raise NotSupervisor(name=u.display_name, village=v.name if v else "本村")
        sign_review(
            s,
            d,
            signer,
            office_of(s, u, village_id, title="村务监督委员会成员"),
            person_id=u.person_id,
            at=now,
            opinion=opinion,
            signed_at=now,
        )


def _is_supervisor(s: Session, person_id: str | None, village_id: str, on: date) -> bool:
    if person_id is None:
        return False
    row = s.scalars(
        select(Membership.id).where(
            Membership.person_id == person_id,
            Membership.village_id == village_id,
            Membership.body == "supervisory",
            Membership.start_date <= on,
            (Membership.end_date.is_(None)) | (Membership.end_date >= on),
        )
    ).first()
    return row is not None


def _review_payload(d: Disclosure) -> str:
    at = d.reviewed_at.isoformat() if d.reviewed_at else ""
    return f"{content_hash(d)}|{d.reviewed_by_user}|{at}|{d.review_opinion}"


def sign_review(
    s: Session,
    d: Disclosure,
    signer: Signer,
    office: Office,
    *,
    person_id: str | None,
    at: datetime,
    opinion: str,
    signed_at: datetime,
) -> None:
    """Record the 村监会 review on ``d`` as a signed act (caller has checked permission and seat): ``at`` is
    the review's date as recorded, ``signed_at`` when it was signed."""
    act_id = new_uuid()
    d.status = "reviewed"
    d.reviewed_by_person_id, d.reviewed_by_user = person_id, signer.user.id
    d.reviewed_at, d.review_opinion = at, opinion
    d.review_signature = act_id
    s.flush()
    sign_act(
        s,
        signer,
        act="disclosure.review",
        record_kind="disclosure",
        record_id=d.id,
        record_version=d.row_version,
        content=disclosure_content(d),
        decision=review_decision(d),
        office=office,
        at=signed_at,
        act_id=act_id,
    )


def review_valid(d: Disclosure) -> bool:
    """The recorded review still matches the content (nothing changed since it was signed): its signed act
    holds, or (a review made before signing keys) its old hash does."""
    if not (d.review_signature and d.reviewed_by_user and d.reviewed_at):
        return False
    if is_legacy_hash(d.review_signature):
        return hashlib.sha256(_review_payload(d).encode("utf-8")).hexdigest() == d.review_signature
    s = object_session(d)
    if s is None:
        return False
    return (
        check_act(s, d.review_signature, content=disclosure_content(d), decision=review_decision(d)) is None
    )


def mark_posted(
    s: Session,
    d: Disclosure,
    signer: Signer,
    office: Office,
    *,
    channels: str,
    posted_from: date,
    posted_to: date | None,
    signed_at: datetime,
) -> None:
    """Post ``d`` (immutable from now on) as a signed act; the correction it supersedes becomes superseded."""
    d.channels = channels
    d.posted_from, d.posted_to = posted_from, posted_to
    d.status = "posted"
    if d.supersedes_id:
        old = s.get(Disclosure, d.supersedes_id)
        if old is not None and old.status == "posted":
            old.status = "superseded"
    s.flush()
    sign_act(
        s,
        signer,
        act="disclosure.post",
        record_kind="disclosure",
        record_id=d.id,
        record_version=d.row_version,
        content=disclosure_content(d),
        decision=post_decision(d),
        office=office,
        at=signed_at,
    )


def post_disclosure(
    ctx: AppContext,
    disclosure_id: str,
    *,
    channels: tuple[str, ...],
    posted_from: date,
    posted_to: date | None = None,
    expected_version: int | None = None,
    password: Credential,
) -> list[str]:
    """Mark as posted (immutable from now on), a signed act of the clerk. 财务 needs a valid 村监会 review
    (C31); other categories without review are posted with a warning, returned as Chinese sentences."""
    with ctx.read() as s:
        d0 = s.get(Disclosure, disclosure_id)
        if d0 is None:
            raise NotFound(what="这份公开内容")
        village_id = d0.village_id
        reviewed0 = d0.status == "reviewed" and review_valid(d0)
        if any(f.is_error for f in check_can_post(DisclosureCategory(d0.category), reviewed=reviewed0)):
            raise ReviewRequired(title=d0.title)  # before asking the key: nothing to sign
    u = ctx.require(Perm.DISCLOSURE_EDIT, village_id)
    if not channels:
        raise ValidationError(field="公开方式", reason="至少选择一种（公开栏、广播、明白纸或网络）")
    signer = signer_for(ctx, password)
    warnings: list[str] = []
    rules = get_rules(ctx, village_id)
    with ctx.write("disclosure.post") as s:
        d = _load_for_change(s, disclosure_id, expected_version)
        reviewed = d.status == "reviewed" and review_valid(d)
        category = DisclosureCategory(d.category)
        for f in check_can_post(category, reviewed=reviewed, rules=rules):
            if f.is_error and category is DisclosureCategory.FINANCE:
                raise ReviewRequired(title=d.title)
            if f.is_error:
                raise TownshipReviewRequired(title=d.title, category=category.label)
            warnings.append(f.shown)
        spec = _clean(DisclosureSpec(d.village_id, d.category, d.title, channels=channels,
                                     posted_from=posted_from, posted_to=posted_to))  # fmt: skip
        mark_posted(
            s,
            d,
            signer,
            office_of(s, u, village_id),
            channels="、".join(spec.channels),
            posted_from=posted_from,
            posted_to=posted_to,
            signed_at=ctx.clock.now(),
        )
    return warnings


def start_correction(ctx: AppContext, disclosure_id: str, *, reason: str) -> str:
    """A correction of a posted disclosure: a new draft copying its content, linked by ``supersedes_id``."""
    reason = required(reason, "更正原因", max_len=500)
    with ctx.read() as s:
        old = s.get(Disclosure, disclosure_id)
        if old is None:
            raise NotFound(what="这份公开内容")
        if old.status != "posted":
            raise ValidationError(field="更正", reason="只有已公开的内容需要更正；草稿可直接修改")
        pending = s.scalars(
            select(Disclosure.id).where(Disclosure.supersedes_id == old.id, Disclosure.status != "superseded")
        ).first()
        if pending is not None:
            raise Conflict(f"“{old.title}”已有一份更正，请在那份上继续")
        spec = DisclosureSpec(
            village_id=old.village_id,
            category=old.category,
            title=old.title if old.title.startswith("（更正）") else f"（更正）{old.title}",
            body=(old.body or "") + f"\n\n更正说明：{reason}",
            item_id=old.item_id,
            kind=old.kind,
            period_start=old.period_start,
            period_end=old.period_end,
            table=json.loads(old.table_json) if old.table_json else None,
            total_income_fen=old.total_income_fen,
            total_expense_fen=old.total_expense_fen,
            matter_id=old.matter_id,
            step_id=old.step_id,
        )
    ctx.require(Perm.DISCLOSURE_EDIT, spec.village_id)
    spec = _clean(spec)
    rules = get_rules(ctx, spec.village_id)
    with ctx.write("disclosure.correct", reason=reason) as s:
        d = Disclosure(created_by=ctx.require_user().id, status="draft", supersedes_id=disclosure_id)
        _apply(s, d, spec, rules)
        s.add(d)
        s.flush()
        return d.id


# ---------------------------------------------------------------------------------------------------------
# reading


def _reviewer_name(s: Session, d: Disclosure) -> str | None:
    if d.reviewed_by_person_id:
        p = s.get(Person, d.reviewed_by_person_id)
        if p is not None:
            return p.name
    if d.reviewed_by_user:
        acc = s.get(UserAccount, d.reviewed_by_user)
        if acc is not None:
            return acc.display_name
    return None


def info_of(s: Session, d: Disclosure) -> DisclosureInfo:
    v = s.get(Village, d.village_id)
    item = s.get(DisclosureItem, d.item_id) if d.item_id else None
    newer = s.scalars(select(Disclosure.id).where(Disclosure.supersedes_id == d.id)).first()
    warnings = []
    if d.status == "reviewed" and not review_valid(d):
        warnings.append("审核签名与内容不符，内容可能在审核后被改动，请重新审核")
    return DisclosureInfo(
        id=d.id, village_id=d.village_id, village_name=v.name if v else "", category=d.category,
        item_id=d.item_id, item_name=item.name if item else None, kind=d.kind,
        period_start=d.period_start, period_end=d.period_end, due_on=d.due_on, title=d.title,
        body=d.body or "", table=json.loads(d.table_json) if d.table_json else None,
        total_income_fen=d.total_income_fen, total_expense_fen=d.total_expense_fen,
        channels=tuple(c for c in (d.channels or "").split("、") if c),
        posted_from=d.posted_from, posted_to=d.posted_to, status=d.status,
        reviewer_name=_reviewer_name(s, d), reviewed_at=d.reviewed_at, review_opinion=d.review_opinion,
        matter_id=d.matter_id, step_id=d.step_id, supersedes_id=d.supersedes_id, superseded_by_id=newer,
        row_version=d.row_version, warnings=tuple(warnings),
    )  # fmt: skip


def get_disclosure(ctx: AppContext, disclosure_id: str) -> DisclosureInfo:
    with ctx.read() as s:
        d = s.get(Disclosure, disclosure_id)
        if d is None:
            raise NotFound(what="这份公开内容")
        ctx.require_village(d.village_id)
        return info_of(s, d)
