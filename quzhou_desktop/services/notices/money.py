"""Printable money documents: 支出凭证审批单, 村监会月度审核意见书 and 财务公开表.

The voucher form is built from the voucher and its signed events; the monthly report from
``services.vouchers.monthly.monthly_review``; the finance table from ``services.disclosures.finance.finance_notice_data``
(which enforces C31: no 村监会 review, no print).
"""

from __future__ import annotations

import datetime as dt

from quzhou_desktop.core.errors import NotFound
from quzhou_desktop.printing.documents import (
    FinanceLine,
    FinanceNotice,
    ReviewedVoucher,
    ReviewReport,
    Signer,
    Signoff,
    VoucherForm,
)
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.notices.common import NoticeCache, Org
from quzhou_desktop.services.notices.register import NotPrintable
from quzhou_desktop.services.vouchers.common import OPINION_LABELS
from quzhou_desktop.store.models import MonthlyReview, Voucher, VoucherEvent

SHANGHAI = dt.timedelta(hours=8)
_IN = 900  # keep IN lists under SQLite's variable limit


def local_date(at: dt.datetime) -> dt.date:
    """A stored UTC timestamp as the Asia/Shanghai calendar date."""
    return (at + SHANGHAI).date()


def _review_signoff(events: list[VoucherEvent]) -> Signoff:
    """The 村监会 review of the latest submission round: every reviewer, the opinions, the last date."""
    last_submit = max((i for i, e in enumerate(events) if e.kind == "submit"), default=-1)
    reviews = [e for e in events[last_submit + 1 :] if e.kind == "review"]
    if not reviews:
        return Signoff()
    names = "、".join(dict.fromkeys(e.actor_name or "" for e in reviews if e.actor_name))
    opinions = "；".join(
        OPINION_LABELS.get(e.opinion or "", e.opinion or "") + (f"（{e.text}）" if e.text else "")
        for e in reviews
    )
    return Signoff(name=names, date=local_date(reviews[-1].at), opinion=opinions)


def _last_signoff(events: list[VoucherEvent], *kinds: str) -> Signoff:
    found = [e for e in events if e.kind in kinds]
    if not found:
        return Signoff()
    e = found[-1]
    opinion = {"accept": "受理", "return": "退回"}.get(e.kind, "")
    if e.text and not e.kind.startswith("sign_"):  # a signature's note (一肩挑) is printed once, below
        opinion += f"：{e.text}" if opinion else e.text
    return Signoff(name=e.actor_name or "", date=local_date(e.at), opinion=opinion)


def voucher_form(ctx: AppContext, voucher_id: str, cache: NoticeCache | None = None) -> VoucherForm:
    """支出凭证审批单 of one voucher version, with its review and signature boxes filled from the events (a
    batch's vouchers are read together, ``_batch_vouchers``)."""
    from sqlalchemy import select

    cache = cache or NoticeCache()
    if cache.batch and not cache.vouchers_read:
        _batch_vouchers(ctx, cache)
    found = cache.vouchers.get(voucher_id)
    if found is not None:
        v, events = found
        ctx.require_village(v.village_id)
        org = cache.orgs.get(v.village_id)
        if org is None:
            with ctx.read() as s:
                org = cache.org(s, v.village_id)
        return _voucher_form(v, events, org)
    with ctx.read() as s:
        one = s.get(Voucher, voucher_id)
        if one is None:
            raise NotFound(what="这张凭证")
        ctx.require_village(one.village_id)
        org = cache.org(s, one.village_id)
        events = list(
            s.scalars(select(VoucherEvent).where(VoucherEvent.voucher_id == one.id).order_by(VoucherEvent.at))
        )
        return _voucher_form(one, events, org)


def _batch_vouchers(ctx: AppContext, cache: NoticeCache) -> None:
    """Every voucher the batch prints with its events, in two queries per 900 vouchers, and the villages' names.

    The events of one voucher come in time order, as ``voucher_form`` reads them alone. Two events of one voucher
    at the same instant (一肩挑: one signature recorded for both offices) have no order but the one the database
    happens to return for the single voucher's query; such a voucher is left out here and read alone, so its form
    is exactly what printing it alone gives."""
    from sqlalchemy import select

    cache.vouchers_read = True
    ids = sorted({rid for kind, rid in cache.batch if kind == "voucher"})
    found: dict[str, tuple[Voucher, list[VoucherEvent]]] = {}
    with ctx.read() as s:
        for i in range(0, len(ids), _IN):
            part = ids[i : i + _IN]
            found.update((v.id, (v, [])) for v in s.scalars(select(Voucher).where(Voucher.id.in_(part))))
            q = (
                select(VoucherEvent)
                .where(VoucherEvent.voucher_id.in_(part))
                .order_by(VoucherEvent.voucher_id, VoucherEvent.at)
            )
            for e in s.scalars(q):
                found[e.voucher_id][1].append(e)
        cache.read_orgs(s, [v.village_id for v, _ in found.values()])
    for vid, (v, events) in found.items():
        if len({e.at for e in events}) == len(events):  # no two at the same instant
            cache.vouchers[vid] = (v, events)


def _voucher_form(v: Voucher, events: list[VoucherEvent], org: Org) -> VoucherForm:
    refs = "；".join(r for r in (v.decision_ref, v.resolution_ref) if r)
    no = v.number + (f"（第{v.version}版）" if v.version > 1 else "")
    if v.status == "void":
        no += "（已作废）"
    return VoucherForm(
        organisation=org.full,
        title=f"{org.village}支出凭证审批单",
        date=v.voucher_date,
        issuer=f"{org.village}股份经济合作社",
        no=no,
        voucher_date=v.voucher_date,
        handler=v.handler_name,
        witness=v.witness_name or "",
        payee=v.payee,
        purpose=v.purpose,
        fen=v.amount_fen,
        funding_source=v.funding_source or "",
        attachments=v.invoice_count,
        decision_ref=refs,
        review=_review_signoff(events),
        director=_last_signoff(events, "sign_director"),
        secretary=_last_signoff(events, "sign_secretary"),
        agency=_last_signoff(events, "accept", "return"),
        joint_note=_joint_note(events),
    )


def _joint_note(events: list[VoucherEvent]) -> str:
    """一肩挑 (C32): the last 主任 and 书记 signatures are one act of one person — say so once."""
    director = [e for e in events if e.kind == "sign_director"]
    secretary = [e for e in events if e.kind == "sign_secretary"]
    if not director or not secretary:
        return ""
    d, s = director[-1], secretary[-1]
    if d.person_id and d.person_id == s.person_id and d.at == s.at:
        return s.text or f"一肩挑：{s.actor_name}一次签字同时记为主任（社长）和书记两个职务"
    return ""


def review_record_id(ctx: AppContext, village_id: str, year: int, month: int) -> str:
    """The MonthlyReview row of a village and month (the record a 月度审核意见书 is printed from)."""
    from sqlalchemy import select

    ctx.require_village(village_id)
    with ctx.read() as s:
        rid = s.scalars(
            select(MonthlyReview.id).where(
                MonthlyReview.village_id == village_id,
                MonthlyReview.year == year,
                MonthlyReview.month == month,
            )
        ).first()
    if rid is None:
        raise NotPrintable(what="月度审核意见书", reason=f"{year}年{month}月尚未记录村监会月度审核")
    return rid


def _batch_reviews(ctx: AppContext, cache: NoticeCache) -> None:
    """Every 月度审核 the batch prints (in villages the user may see), with the villages' names, in a few queries
    (``services.vouchers.monthly.monthly_reviews``): the views equal those read one at a time."""
    from sqlalchemy import select

    from quzhou_desktop.services.vouchers.monthly import monthly_reviews

    cache.reviews_read = True
    ids = sorted({rid for kind, rid in cache.batch if kind == "review"})
    visible = ctx.visible_village_ids()
    keys: dict[str, tuple[str, int, int]] = {}
    with ctx.read() as s:
        for i in range(0, len(ids), 900):
            q = select(MonthlyReview.id, MonthlyReview.village_id, MonthlyReview.year, MonthlyReview.month)
            for rid, vid, year, month in s.execute(q.where(MonthlyReview.id.in_(ids[i : i + 900]))):
                if visible is None or vid in visible:
                    keys[rid] = (vid, year, month)
        cache.read_orgs(s, [k[0] for k in keys.values()])
    views = monthly_reviews(ctx, list(keys.values()))
    cache.reviews.update((rid, views[key]) for rid, key in keys.items())


def review_report(ctx: AppContext, review_id: str, cache: NoticeCache | None = None) -> ReviewReport:
    """村监会月度审核意见书 from the recorded monthly review: the month's vouchers, opinions and signers (a batch's
    reviews are read together, ``_batch_reviews``)."""
    from quzhou_desktop.services.vouchers.monthly import monthly_review

    cache = cache or NoticeCache()
    if cache.batch and not cache.reviews_read:
        _batch_reviews(ctx, cache)
    view = cache.reviews.get(review_id)
    if view is not None:
        ctx.require_village(view.village_id)
        org = cache.orgs.get(view.village_id)
        if org is None:
            with ctx.read() as s:
                org = cache.org(s, view.village_id)
        year, month = view.year, view.month
    else:
        with ctx.read() as s:
            r = s.get(MonthlyReview, review_id)
            if r is None:
                raise NotFound(what="这次月度审核")
            village_id, year, month = r.village_id, r.year, r.month
            org = cache.org(s, village_id)
        view = monthly_review(ctx, village_id, year, month)
    if view.meeting_date is None:
        raise NotPrintable(what="月度审核意见书", reason="没有记录例会日期")
    names = {pid: name for pid, name, _ in view.members}
    attendees = tuple(names.get(pid, "") for pid in view.attendee_ids if names.get(pid))
    vouchers = tuple(
        ReviewedVoucher(
            no=i.voucher.number_text,
            date=i.voucher.voucher_date,
            payee=i.voucher.payee,
            purpose=i.voucher.purpose,
            fen=i.voucher.amount_fen,
            opinion=i.opinion or _opinion_of(i.reviews) or ("待审核" if i.open else ""),
        )
        for i in view.counted
    )
    signers = _signers(view.members)
    opinion = view.overall_opinion or "经审核，本月财务收支凭证真实、合规。"
    if view.open_items:
        opinion += f"\n需整改或补正事项：{view.open_items}"
    if view.unreviewed_reason:
        pending = "、".join(b.text for b in view.blockers) or "无"
        opinion += f"\n签署时尚未审核完毕的凭证：{pending}；说明：{view.unreviewed_reason}"
    return ReviewReport(
        organisation=org.full,
        title=f"{org.village}村务监督委员会月度审核意见书",
        date=view.meeting_date,
        issuer=f"{org.village}村务监督委员会",
        month=f"{year}年{month}月",
        meeting_date=view.meeting_date,
        attendees=attendees,
        vouchers=vouchers,
        overall_opinion=opinion,
        signers=signers,
    )


def _signers(members: tuple[tuple[str, str, bool], ...]) -> tuple[Signer, ...]:
    """One hand-signature line per committee member (chair first); the names are signed on paper."""
    return tuple(Signer(role="主任" if is_chair else "委员") for _, _, is_chair in members) or (
        Signer(role="主任"),
    )


def _opinion_of(reviews: str) -> str:
    """The last reviewer's opinion word from "张三 同意；李四 需补正（缺发票）"."""
    if not reviews:
        return ""
    last = reviews.split("；")[-1]
    return last.split(" ", 1)[-1]


def finance_notice(ctx: AppContext, disclosure_id: str, cache: NoticeCache | None = None) -> FinanceNotice:
    """财务公开表 from a reviewed 财务公开 disclosure (C31 enforced by the data source; ``cache``: a print batch's,
    whose 财务公开 are read together)."""
    from quzhou_desktop.services.disclosures.finance import finance_notice_data, finance_notices_data

    d = None
    if cache is not None and cache.batch:
        if not cache.finance_read:  # the batch's 财务公开 read together, the first time one is built
            cache.finance_read = True
            ids = [rid for kind, rid in cache.batch if kind == "finance"]
            cache.finance.update(finance_notices_data(ctx, ids))
        d = cache.finance.get(disclosure_id)
    if d is None:  # alone, or not printable: read alone, it says why
        d = finance_notice_data(ctx, disclosure_id)
    lines = tuple(
        FinanceLine(
            date=ln.date,
            summary=ln.summary,
            income_fen=ln.income_fen,
            expense_fen=ln.expense_fen,
            source=ln.subject,
            department="",  # the data source has no 使用部门; the payee is not one
            opinion="同意" if ln.source == "凭证" else "",
        )
        for ln in d.lines
    )
    return FinanceNotice(
        organisation=d.organisation,
        title=d.title,
        date=d.date,
        issuer=d.issuer,
        period=d.period,
        lines=lines,
        reviewers=d.reviewers,
        review_date=d.review_date,
        review_opinion=d.review_opinion or "经审核，以上收支真实、合规，同意公开。",
    )


def month_of(text: str) -> tuple[int, int]:
    """ "2026-10" → (2026, 10); raises a Chinese error otherwise."""
    from quzhou_desktop.core.errors import ValidationError

    try:
        y, m = (int(x) for x in text.strip().replace("/", "-").split("-"))
    except ValueError:
        raise ValidationError(field="月份", reason=f"“{text}”应写成 YYYY-MM，如 2026-10") from None
    if not (2000 <= y <= 2100 and 1 <= m <= 12):
        raise ValidationError(field="月份", reason=f"“{text}”不是有效的年月")
    return y, m
