"""Printable documents of the 五议两公开 register: 方案公示, 决议公告, 实施结果公告 and the 登记表.

Built straight from the store (matters, steps with their amendments applied, vouchers that cite the matter), so
the printed text is a pure function of the database: ``verify_notice`` rebuilds it and compares hashes.  The
成文日期 is always a date held in the record (posting start, meeting date), never "today".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quzhou_desktop.core.errors import NotFound, ValidationError
from quzhou_desktop.core.matters import StepType
from quzhou_desktop.core.meetings import VOTE_METHOD_LABELS
from quzhou_desktop.printing.documents import (
    AmountLine,
    Meeting,
    PlanNotice,
    RegisterForm,
    RegisterStep,
    ResolutionNotice,
    ResultNotice,
    Votes,
)
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.matters.common import POSTING_STEPS, StepView, run_steps, step_views
from quzhou_desktop.services.notices.common import NoticeCache, feedback_text
from quzhou_desktop.store.models import Matter, MatterStep, Voucher

# Generic posting period when the register holds no posting step (a common 7 days; no source sets it).
DEFAULT_POSTING_DAYS = 7
CONSULT_STEPS = (StepType.CONSULT, StepType.PROPOSE_AND_CONSULT)
# Vouchers that did not (or no longer) spend money.
NOT_SPENT = ("draft", "void", "superseded", "rejected")
# Print order of the spent vouchers on a 实施结果公告 (version and id only break ties the data never has).
SPENT_ORDER = (Voucher.voucher_date, Voucher.number, Voucher.version, Voucher.id)


class NotPrintable(ValidationError):
    code = "print_source"
    template = "不能打印{what}：{reason}"


def plan_name(title: str) -> str:
    """ "村道硬化工程" → "村道硬化工程方案"; a title that already names a plan ("…分配方案", "…收支计划") stays."""
    return title if title.endswith(("方案", "计划", "规划")) else f"{title}方案"


# notice kinds printed from a step of a matter, and from the matter itself
STEP_KINDS = ("plan", "resolution", "result")
MATTER_KINDS = ("register",)
_IN = 900  # keep IN lists under SQLite's variable limit


def _read_batch(s: Session, cache: NoticeCache) -> None:
    """Every matter the batch's 五议两公开 notices print, with its final steps' views, in a few queries (the
    same views ``_load`` reads one matter at a time: the document does not depend on which way it was read)."""
    cache.matters_read = True
    step_ids = sorted({rid for kind, rid in cache.batch if kind in STEP_KINDS})
    matter_ids = {rid for kind, rid in cache.batch if kind in MATTER_KINDS}
    for i in range(0, len(step_ids), _IN):
        part = step_ids[i : i + _IN]
        rows = s.execute(select(MatterStep.id, MatterStep.matter_id).where(MatterStep.id.in_(part)))
        cache.step_matter.update({sid: mid for sid, mid in rows})
    ids = sorted(matter_ids | set(cache.step_matter.values()))
    views_of: dict[str, list[StepView]] = {}
    for i in range(0, len(ids), _IN):
        part = ids[i : i + _IN]
        matters = list(s.scalars(select(Matter).where(Matter.id.in_(part))))
        steps = s.scalars(
            select(MatterStep)
            .where(MatterStep.matter_id.in_(part), MatterStep.state.in_(("final",)))
            .order_by(MatterStep.matter_id, MatterStep.seq)
        )
        for v in step_views(s, list(steps), with_attendance=False):
            views_of.setdefault(v.matter_id, []).append(v)
        for m in matters:
            cache.matters[m.id] = (m, views_of.get(m.id, []))


def _batch_matter(
    s: Session, cache: NoticeCache | None, *, step_id: str = "", matter_id: str = ""
) -> tuple[Matter, list[StepView]] | None:
    """The matter (and its views) of a step or a matter of the batch, read with the batch; None otherwise."""
    if cache is None or not cache.batch:
        return None
    if not cache.matters_read:
        _read_batch(s, cache)
    found = cache.matters.get(matter_id or cache.step_matter.get(step_id, ""))
    return None if found is None else (found[0], list(found[1]))


def _load(s: Session, step_id: str, cache: NoticeCache | None = None) -> tuple[Matter, list[StepView]]:
    found = _batch_matter(s, cache, step_id=step_id)
    if found is not None:
        return found
    st = s.get(MatterStep, step_id)
    m = s.get(Matter, st.matter_id) if st is not None else None
    if st is None or m is None:
        raise NotFound(what="这个五议两公开步骤")
    return m, step_views(s, run_steps(s, m.id, include_drafts=False), with_attendance=False)


def _last(views: list[StepView], *types: StepType) -> StepView | None:
    found = [v for v in views if v.step in types]
    return found[-1] if found else None


def _meeting(v: StepView) -> Meeting:
    on = v["meeting_date"]
    if on is None:
        raise NotPrintable(what=v.label, reason="没有会议日期")
    return Meeting(
        body=v.body_label.removesuffix("（两委会）") or v.label,
        date=on,
        place=v["place"] or "",
        chair=v.chair_name,
        entitled=v["entitled_count"],
        present=v["present_count"],
    )


def _posting(
    v: StepView | None, after: dt.date, days: int, *, next_day: bool = True
) -> tuple[dt.date, dt.date]:
    if v is not None and v["posting_from"]:
        start: dt.date = v["posting_from"]
        end: dt.date = v["posting_to"] or start + dt.timedelta(days=days - 1)
        return start, end
    start = after + dt.timedelta(days=1 if next_day else 0)
    return start, start + dt.timedelta(days=days - 1)


def plan_notice(ctx: AppContext, step_id: str, cache: NoticeCache | None = None) -> PlanNotice:
    """方案公示 of the matter the step belongs to: the 商议 meeting and the 方案公示 period (C11)."""
    cache = cache or NoticeCache()
    with ctx.read() as s:
        m, views = _load(s, step_id, cache)
        ctx.require_village(m.village_id)
        days = cache.township_rules(s, m.village_id).plan_posting_days
        org = cache.org(s, m.village_id)
        consult = _last(views, *CONSULT_STEPS)
        if consult is None:
            raise NotPrintable(what="方案公示", reason="这个事项还没有已定稿的商议记录")
        posting = _last(views, StepType.PLAN_POSTING)
        start, end = _posting(posting, consult["meeting_date"], days)
        text = (
            (posting["plan_text"] if posting else None)
            or consult["plan_text"]
            or consult["decision_text"]
            or m.description
            or m.title
        )
        return PlanNotice(
            organisation=org.full,
            title=f"{org.village}关于{plan_name(m.title)}的公示",
            date=start,
            issuer=org.issuer,
            matter=m.title,
            plan_text=text,
            meeting=_meeting(consult),
            posting_from=start,
            posting_to=end,
            feedback=feedback_text(s, org, "公示期内，村民如有意见或建议", on=start, cache=cache),
        )


def resolution_notice(ctx: AppContext, step_id: str, cache: NoticeCache | None = None) -> ResolutionNotice:
    """决议公告: the 决议 meeting, attendance against the roster, the vote, the decision and the posting."""
    cache = cache or NoticeCache()
    with ctx.read() as s:
        m, views = _load(s, step_id, cache)
        ctx.require_village(m.village_id)
        days = max(DEFAULT_POSTING_DAYS, cache.township_rules(s, m.village_id).result_posting_days + 1)
        org = cache.org(s, m.village_id)
        resolve = _last(views, StepType.RESOLVE)
        if resolve is None:
            raise NotPrintable(what="决议公告", reason="这个事项还没有已定稿的决议记录")
        if resolve["passed"] is not True:
            raise NotPrintable(what="决议公告", reason="决议未获通过，不能作为决议公告")
        posting = _last(views, StepType.RESOLUTION_DISCLOSURE)
        start, end = _posting(posting, resolve["meeting_date"], days)
        return ResolutionNotice(
            organisation=org.full,
            title=f"{org.village}关于{m.title}的决议公告",
            date=start,
            issuer=org.issuer,
            matter=m.title,
            meeting=_meeting(resolve),
            votes=Votes(
                yes=resolve["votes_for"] or 0,
                no=resolve["votes_against"] or 0,
                abstain=resolve["votes_abstain"] or 0,
                method=VOTE_METHOD_LABELS.get(resolve["vote_method"] or "", VOTE_METHOD_LABELS["举手"]),
            ),
            decision_text=resolve["decision_text"] or m.title,
            posting_from=start,
            posting_to=end,
            objection=feedback_text(s, org, "", on=start, short=True, cache=cache),
        )


def _spending(
    s: Session, m: Matter, step_ids: list[str], cache: NoticeCache | None = None
) -> tuple[AmountLine, ...]:
    if step_ids:
        cited = _cited_vouchers(s, m.village_id, cache, step_ids)
        if cited is None:
            q = (
                select(Voucher.purpose, Voucher.amount_fen)
                .where(
                    # The village narrows the scan to a village index (≈3 ms instead of a ≈40 ms scan of every
                    # voucher at township scale); a voucher cites only its own village's decisions.
                    Voucher.village_id == m.village_id,
                    (Voucher.decision_step_id.in_(step_ids)) | (Voucher.resolution_step_id.in_(step_ids)),
                    Voucher.status.not_in(NOT_SPENT),
                )
                .order_by(*SPENT_ORDER)
            )
            rows = [(purpose, fen) for purpose, fen in s.execute(q)]
        else:
            ids = set(step_ids)
            rows = [(purpose, fen) for dec, res, purpose, fen in cited if dec in ids or res in ids]
        if rows:
            return tuple(AmountLine(label=purpose, fen=fen) for purpose, fen in rows)
    if m.amount_fen:
        return (AmountLine(label="项目资金", fen=m.amount_fen),)
    return ()


# A batch's cited vouchers are read with one query per village while its result steps fit one IN list (twice).
_SPENT_STEPS = 400


def _batch_cited(s: Session, village_id: str, step_ids: list[str], cache: NoticeCache) -> list[Any] | None:
    """The spent vouchers citing any step of the batch's 实施结果公告 in the village, read with one query the first
    time one is built ((decision step, resolution step, purpose, 分) in print order); None when the steps are
    not all the batch's or too many for one query."""
    if not cache.batch or not cache.matters_read:
        return None
    got = cache.batch_spending.get(village_id)
    if got is None:
        steps: set[str] = set()
        for kind, rid in cache.batch:
            found = cache.matters.get(cache.step_matter.get(rid, "")) if kind == "result" else None
            if found is not None and found[0].village_id == village_id:
                steps.update(v.id for v in found[1])
        rows: list[Any] | None = None
        if len(steps) <= _SPENT_STEPS:
            part = sorted(steps)
            q = (
                select(
                    Voucher.decision_step_id, Voucher.resolution_step_id, Voucher.purpose, Voucher.amount_fen
                )
                .where(
                    Voucher.village_id == village_id,
                    (Voucher.decision_step_id.in_(part)) | (Voucher.resolution_step_id.in_(part)),
                    Voucher.status.not_in(NOT_SPENT),
                )
                .order_by(*SPENT_ORDER)
            )
            rows = [tuple(r) for r in s.execute(q)]
        got = cache.batch_spending[village_id] = (frozenset(steps), rows)
    covered, rows = got
    return rows if rows is not None and covered.issuperset(step_ids) else None


def _cited_vouchers(
    s: Session, village_id: str, cache: NoticeCache | None, step_ids: list[str]
) -> list[Any] | None:
    """The spent vouchers of the village that may cite ``step_ids``, shared by the batch's notices ((decision step,
    resolution step, purpose, 分) in print order; the caller keeps those citing its steps); None = query per
    notice. A batch that knows its records reads those citing its result notices' steps (``_batch_cited``);
    otherwise, from the second 实施结果公告 of a village on, every spent voucher of the village that cites a step
    is read once."""
    if cache is None:
        return None
    batch = _batch_cited(s, village_id, step_ids, cache)
    if batch is not None:
        return batch
    found = cache.spending.get(village_id)
    if found is not None:
        return found
    asks = cache.spending_asks[village_id] = cache.spending_asks.get(village_id, 0) + 1
    if asks < 2:  # one notice: the narrow query is cheaper than reading every cited voucher
        return None
    q = (
        select(Voucher.decision_step_id, Voucher.resolution_step_id, Voucher.purpose, Voucher.amount_fen)
        .where(
            Voucher.village_id == village_id,
            Voucher.decision_step_id.is_not(None) | Voucher.resolution_step_id.is_not(None),
            Voucher.status.not_in(NOT_SPENT),
        )
        .order_by(*SPENT_ORDER)
    )
    found = cache.spending[village_id] = [tuple(r) for r in s.execute(q)]
    return found


def result_notice(ctx: AppContext, step_id: str, cache: NoticeCache | None = None) -> ResultNotice:
    """实施结果公告: what was done, the money spent (vouchers citing the matter's decisions), feedback."""
    with ctx.read() as s:
        m, views = _load(s, step_id, cache)
        ctx.require_village(m.village_id)
        cache = cache or NoticeCache()
        org = cache.org(s, m.village_id)
        implement = _last(views, StepType.IMPLEMENT)
        if implement is None or implement["meeting_date"] is None:
            raise NotPrintable(what="实施结果公告", reason="这个事项还没有已定稿的实施记录")
        posting = _last(views, StepType.RESULT_DISCLOSURE)
        start, end = _posting(posting, implement["meeting_date"], DEFAULT_POSTING_DAYS)
        summary = implement["minutes"] or f"“{m.title}”已按决议组织实施。"  # 实施情况 as entered
        return ResultNotice(
            organisation=org.full,
            title=f"{org.village}关于{m.title}实施结果的公告",
            date=start,
            issuer=org.issuer,
            matter=m.title,
            summary=summary,
            amounts=_spending(s, m, [v.id for v in views], cache),
            completed=implement["meeting_date"],
            feedback=feedback_text(s, org, "村民对实施结果和资金使用如有意见", on=start, cache=cache),
            posting_from=start,
            posting_to=end,
        )


# The 登记表 is a summary: a cell holds at most this many characters of one text (the record keeps it whole).
CELL_CHARS = 90


def _clip(text: str | None) -> str:
    flat = " ".join(part.strip() for part in (text or "").splitlines() if part.strip())
    return flat if len(flat) <= CELL_CHARS else flat[: CELL_CHARS - 1] + "…"


def _period(v: StepView, verb: str) -> str:
    """ "于村务公开栏公示11月2日至11月18日" from a posting step's place and dates."""
    a, b = v["posting_from"], v["posting_to"]
    if a is None:
        return ""
    where = f"于{v['posting_place']}" if v["posting_place"] else ""
    until = f"至{b.month}月{b.day}日" if b is not None else "起"
    return f"{where}{verb}{a.month}月{a.day}日{until}"


def _content(v: StepView) -> str:
    """主要内容 of a step as the clerk entered it, per step (the form shows a different text field per step):

    建议 → 建议内容; a meeting → 决议/意见 (else the 方案, else the minutes); 方案公示 → where and when, the plan;
    决议公开 → where and when, the decision made public; 实施 → 实施情况 (entered as the step's record text);
    实施结果公开 → where and when, the result made public, 群众评议情况.  Texts a step carries over from an earlier
    step but does not show (the plan on an 实施 record) are never printed for it.
    """
    st = v.step
    if st is StepType.SUGGEST:
        parts = [_clip(v["plan_text"])]
    elif st is StepType.PLAN_POSTING:
        parts = [_period(v, "公示"), _clip(v["plan_text"])]
    elif st is StepType.RESOLUTION_DISCLOSURE:
        parts = [_period(v, "公开"), _clip(v["decision_text"])]
    elif st is StepType.IMPLEMENT:
        parts = [_clip(v["minutes"])]
    elif st is StepType.RESULT_DISCLOSURE:
        review = _clip(v["minutes"])
        parts = [_period(v, "公开"), _clip(v["decision_text"]), f"群众评议：{review}" if review else ""]
    else:  # 提议、商议、村监会核议、审议、决议: meetings
        parts = [_clip(v["decision_text"] or v["plan_text"] or v["minutes"])]
    return "\n".join(p for p in parts if p)


def _votes(v: StepView) -> tuple[int | None, int | None, int | None, str]:
    """Votes of a vote step with its result ("通过" / "未通过" / "会议无效"); nothing for other steps."""
    if not v.step.is_vote or v["votes_for"] is None:
        return None, None, None, ""
    return v["votes_for"], v["votes_against"] or 0, v["votes_abstain"] or 0, v.result_label


def _form(v: StepView, source: str) -> str:
    """会议形式: the body that met; a posting is 张榜公布; 建议 names where it came from."""
    if v.body_label:
        return v.body_label
    if v.step in POSTING_STEPS:
        return "张榜公布"
    if v.step is StepType.SUGGEST:
        return source
    if v.step is StepType.IMPLEMENT:
        return "组织实施"
    return ""


def _signatures(v: StepView) -> str:
    """主持人、记录人 (names only, chair first), then the township's attendees of 审议 and 决议 with their posts."""
    names = "、".join(dict.fromkeys(n for n in (v.chair_name, v.recorder_name) if n))
    township = (v["township_attendees"] or "").strip()
    return "\n".join(p for p in (names, f"乡镇：{township}" if township else "") if p)


def _row(v: StepView, source: str) -> RegisterStep:
    """One line of the 登记表, from what was entered for the step."""
    assert v.on is not None
    yes, no, abstain, result = _votes(v)
    return RegisterStep(
        step=v.label,
        date=v.on,
        form=_form(v, source),
        entitled=v["entitled_count"],
        present=v["present_count"],
        yes=yes,
        no=no,
        abstain=abstain,
        result=result,
        content=_content(v),
        signatures=_signatures(v),
    )


def register_form(ctx: AppContext, matter_id: str, cache: NoticeCache | None = None) -> RegisterForm:
    """五议两公开登记表: one matter, every final step with 应到/实到/比例, votes and who signed."""
    with ctx.read() as s:
        found = _batch_matter(s, cache, matter_id=matter_id)
        m = found[0] if found is not None else s.get(Matter, matter_id)
        if m is None:
            raise NotFound(what="这个事项")
        ctx.require_village(m.village_id)
        cache = cache or NoticeCache()
        org = cache.org(s, m.village_id)
        views = found[1] if found is not None else step_views(s, run_steps(s, m.id, include_drafts=False))
        steps = tuple(_row(v, m.source) for v in views if v.on is not None)
        last = max((st.date for st in steps), default=m.created_at.date())
        from quzhou_desktop.core.matters import MatterCategory

        try:
            category = MatterCategory(m.category).label
        except ValueError:
            category = m.category
        run = f"（第{m.run_no}轮）" if m.run_no > 1 else ""
        return RegisterForm(
            organisation=org.full,
            title=f"{org.village}五议两公开登记表",
            date=last,
            issuer=org.issuer,
            matter=m.title + run,
            category=category,
            steps=steps,
        )
