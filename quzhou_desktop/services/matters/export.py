"""Plain data for the printed notices (方案公示, 决议公告, 实施结果公告, 五议两公开登记表) and the 台账 export.

Printing never reads the database; it takes these frozen records (field names follow
``printing.documents``) and lays them out.  Amendments are applied; only final steps are printed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from quzhou_desktop.core.errors import NotFound, ValidationError
from quzhou_desktop.core.matters import StepType
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.matters.common import (
    STATUS_LABELS,
    StepView,
    category_of,
    fmt_date,
    load_matter,
    run_steps,
    step_views,
)
from quzhou_desktop.store.models import Matter, MatterStep, Township, Village

__all__ = [
    "EXPORT_COLUMNS",
    "MeetingFacts",
    "NoticeHeader",
    "PlanNoticeData",
    "RegisterData",
    "RegisterStepData",
    "ResolutionNoticeData",
    "ResultNoticeData",
    "VoteFacts",
    "export_rows",
    "plan_notice_data",
    "register_data",
    "resolution_notice_data",
    "result_notice_data",
]

FEEDBACK = "如有意见或建议，请在公示期内向村务监督委员会反映，或投入村务公开栏旁的意见箱。"
METHOD_TEXT = {"举手": "举手表决", "无记名": "无记名投票"}


@dataclass(frozen=True)
class NoticeHeader:
    matter_id: str
    step_id: str
    township: str
    village: str
    organisation: str  # "石梁镇溪口村"
    issuer: str  # "溪口村村民委员会"
    matter: str  # the matter's title
    category: str
    date: dt.date  # 成文日期: the posting start
    run_no: int


@dataclass(frozen=True)
class MeetingFacts:
    step: str  # 村民（代表）会议决议
    body: str  # 村民代表会议
    date: dt.date
    place: str
    chair: str
    recorder: str
    notice_date: dt.date | None
    entitled: int | None  # 应到
    present: int | None  # 实到
    roster: int | None
    township_attendees: str
    outcome: str  # the rule and the arithmetic, one sentence per line
    valid: bool | None
    passed: bool | None


@dataclass(frozen=True)
class VoteFacts:
    yes: int
    no: int
    abstain: int
    method: str  # 举手表决 / 无记名投票


@dataclass(frozen=True)
class PlanNoticeData:
    header: NoticeHeader
    title: str
    plan_text: str
    meeting: MeetingFacts | None  # the 商议 meeting
    posting_from: dt.date
    posting_to: dt.date
    posting_place: str
    feedback: str


@dataclass(frozen=True)
class ResolutionNoticeData:
    header: NoticeHeader
    title: str
    meeting: MeetingFacts
    votes: VoteFacts
    decision_text: str
    posting_from: dt.date | None  # None until the 决议公开 step is recorded
    posting_to: dt.date | None
    posting_place: str
    objection: str


@dataclass(frozen=True)
class ResultNoticeData:
    header: NoticeHeader
    title: str
    summary: str  # the 实施 notes
    result_text: str  # what is disclosed
    amount_fen: int | None
    completed: dt.date | None
    posting_from: dt.date | None
    posting_to: dt.date | None
    posting_place: str
    feedback: str
    public_review: str  # 群众评议


@dataclass(frozen=True)
class RegisterStepData:
    step: str
    date: dt.date | None
    form: str  # 会议形式 / 公示
    place: str
    chair: str
    recorder: str
    entitled: int | None
    present: int | None
    ratio: str  # 到会比例 "93.3%"
    yes: int | None
    no: int | None
    abstain: int | None
    method: str
    result: str
    content: str
    township_attendees: str
    supervision: str  # amendments with reasons (监督意见 / 更正记录)


@dataclass(frozen=True)
class RegisterData:
    header: NoticeHeader
    source: str  # 动议事由
    suggested_by: str
    amount_fen: int | None
    status: str
    steps: tuple[RegisterStepData, ...]


def _ratio(present: int | None, entitled: int | None) -> str:
    if not entitled or present is None:
        return ""
    tenths = (present * 1000 + entitled // 2) // entitled
    return f"{tenths // 10}.{tenths % 10}%"


def _load(ctx: AppContext, step_id: str) -> tuple[Matter, list[StepView], StepView, str, str]:
    with ctx.read() as s:
        row = s.get(MatterStep, step_id)
        if row is None:
            raise NotFound(what="这个步骤")
        m = load_matter(s, row.matter_id)
        ctx.require_village(m.village_id)
        views = step_views(s, run_steps(s, m.id, include_drafts=False), with_attendance=False)
        v = s.get(Village, m.village_id)
        t = s.scalars(select(Township)).first()
        s.expunge(m)
    target = next((x for x in views if x.id == step_id), None)
    if target is None:
        raise ValidationError(field="打印", reason="草稿不能打印，请先定稿")
    return m, views, target, v.name if v else "", t.name if t else ""


def _header(m: Matter, step: StepView, village: str, township: str) -> NoticeHeader:
    return NoticeHeader(
        m.id,
        step.id,
        township,
        village,
        f"{township}{village}",
        f"{village}村民委员会",
        m.title,
        category_of(m.category).label,
        step.on or dt.date.today(),
        m.run_no,
    )


def _meeting(v: StepView) -> MeetingFacts:
    return MeetingFacts(
        v.label,
        v.body_label,
        v["meeting_date"],
        v["place"] or "",
        v.chair_name,
        v.recorder_name,
        v["notice_date"],
        v["entitled_count"],
        v["present_count"],
        v["roster_count"],
        v["township_attendees"] or "",
        v["outcome_text"] or "",
        v["valid"],
        v["passed"],
    )


def _find(views: list[StepView], st: StepType) -> StepView | None:
    return next((x for x in views if x.step is st), None)


def _need(step: StepView, allowed: tuple[StepType, ...], what: str) -> None:
    if step.step not in allowed:
        raise ValidationError(
            field="打印", reason=f"{what}须从“{'”或“'.join(a.label for a in allowed)}”步骤打印"
        )


def plan_notice_data(ctx: AppContext, step_id: str) -> PlanNoticeData:
    """方案公示 from the 方案公示 step (with the 商议 meeting that produced the plan)."""
    m, views, step, village, township = _load(ctx, step_id)
    _need(step, (StepType.PLAN_POSTING,), "方案公示")
    consult = _find(views, StepType.CONSULT) or _find(views, StepType.PROPOSE_AND_CONSULT)
    return PlanNoticeData(
        _header(m, step, village, township),
        f"{village}关于{m.title if m.title.endswith(('方案', '计划', '规划')) else m.title + '方案'}的公示",
        step["plan_text"] or "",
        _meeting(consult) if consult else None,
        step["posting_from"],
        step["posting_to"],
        step["posting_place"] or "",
        FEEDBACK,
    )


def resolution_notice_data(ctx: AppContext, step_id: str) -> ResolutionNoticeData:
    """决议公告 from the 决议 step or the 决议公开 step of the same run."""
    m, views, step, village, township = _load(ctx, step_id)
    _need(step, (StepType.RESOLVE, StepType.RESOLUTION_DISCLOSURE), "决议公告")
    resolve = step if step.step is StepType.RESOLVE else _find(views, StepType.RESOLVE)
    if resolve is None:
        raise ValidationError(field="打印", reason="没有找到决议记录")
    disclosure = _find(views, StepType.RESOLUTION_DISCLOSURE)
    header = _header(m, disclosure or resolve, village, township)
    decision = (disclosure["decision_text"] if disclosure else None) or resolve["decision_text"] or ""
    return ResolutionNoticeData(
        header,
        f"{village}关于{m.title}的决议公告",
        _meeting(resolve),
        VoteFacts(
            resolve["votes_for"] or 0,
            resolve["votes_against"] or 0,
            resolve["votes_abstain"] or 0,
            METHOD_TEXT.get(resolve["vote_method"] or "", "举手表决"),
        ),
        decision,
        disclosure["posting_from"] if disclosure else None,
        disclosure["posting_to"] if disclosure else None,
        (disclosure["posting_place"] or "") if disclosure else "",
        FEEDBACK,
    )


def result_notice_data(ctx: AppContext, step_id: str) -> ResultNoticeData:
    """实施结果公告 from the 实施结果公开 step (or the 实施 step, before disclosure)."""
    m, views, step, village, township = _load(ctx, step_id)
    _need(step, (StepType.IMPLEMENT, StepType.RESULT_DISCLOSURE), "实施结果公告")
    implement = _find(views, StepType.IMPLEMENT)
    disclosure = _find(views, StepType.RESULT_DISCLOSURE)
    return ResultNoticeData(
        _header(m, disclosure or step, village, township),
        f"{village}关于{m.title}实施结果的公告",
        (implement["minutes"] or "") if implement else "",
        (disclosure["decision_text"] or "") if disclosure else "",
        m.amount_fen,
        implement["meeting_date"] if implement else None,
        disclosure["posting_from"] if disclosure else None,
        disclosure["posting_to"] if disclosure else None,
        (disclosure["posting_place"] or "") if disclosure else "",
        FEEDBACK,
        (disclosure["minutes"] or "") if disclosure else "",
    )


def _register_step(v: StepView) -> RegisterStepData:
    vote = v.step.is_vote
    content = v["plan_text"] or v["decision_text"] or v["minutes"] or ""
    if vote and v["decision_text"]:
        content = v["decision_text"]
    form = v.body_label or ("公示" if v["posting_from"] else "")
    when = v.on
    place = v["place"] or v["posting_place"] or ""
    if v["posting_from"] and v["posting_to"]:
        content = f"公示期{fmt_date(v['posting_from'])}至{fmt_date(v['posting_to'])}。{content}"
    notes = "；".join(
        f"{fmt_date(a.at.date())}{a.by}更正{'、'.join(c[0] for c in a.changes)}，原因：{a.reason}"
        for a in v.amendments
    )
    return RegisterStepData(
        v.label,
        when,
        form,
        place,
        v.chair_name,
        v.recorder_name,
        v["entitled_count"] if vote else None,
        v["present_count"] if vote else None,
        _ratio(v["present_count"], v["entitled_count"]) if vote else "",
        v["votes_for"] if vote else None,
        v["votes_against"] if vote else None,
        v["votes_abstain"] if vote else None,
        v["vote_method"] or "",
        v.result_label,
        content,
        v["township_attendees"] or "",
        notes,
    )


def register_data(ctx: AppContext, matter_id: str) -> RegisterData:
    """五议两公开登记表: the matter and every final step of its run."""
    with ctx.read() as s:
        m = load_matter(s, matter_id)
        ctx.require_village(m.village_id)
        views = step_views(s, run_steps(s, m.id, include_drafts=False))
        v = s.get(Village, m.village_id)
        t = s.scalars(select(Township)).first()
        village, township = (v.name if v else ""), (t.name if t else "")
        header = NoticeHeader(
            m.id,
            "",
            township,
            village,
            f"{township}{village}",
            f"{village}村民委员会",
            m.title,
            category_of(m.category).label,
            views[-1].on if views and views[-1].on else m.created_at.date(),
            m.run_no,
        )
        return RegisterData(
            header,
            m.source,
            m.suggested_by or "",
            m.amount_fen,
            STATUS_LABELS.get(m.status, m.status),
            tuple(_register_step(x) for x in views),
        )


EXPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("village", "村"),
    ("year", "年度"),
    ("matter", "事项"),
    ("run_no", "轮次"),
    ("category", "类别"),
    ("source", "动议事由"),
    ("amount_yuan", "预计金额（元）"),
    ("status", "事项状态"),
    ("step", "步骤"),
    ("date", "日期"),
    ("form", "会议形式"),
    ("place", "地点"),
    ("chair", "主持人"),
    ("recorder", "记录人"),
    ("entitled", "应到"),
    ("present", "实到"),
    ("ratio", "到会比例"),
    ("yes", "赞成"),
    ("no", "反对"),
    ("abstain", "弃权"),
    ("method", "表决方式"),
    ("result", "结果"),
    ("content", "内容"),
    ("township_attendees", "乡镇参会人员"),
    ("corrections", "更正记录"),
)


def export_rows(
    ctx: AppContext,
    *,
    village_id: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[dict[str, Any]]:
    """台账 export: one row per final step (keys = ``EXPORT_COLUMNS``), by village, matter, step order."""
    visible = ctx.visible_village_ids()
    with ctx.read() as s:
        q = (
            select(MatterStep, Matter, Village.name)
            .join(Matter, Matter.id == MatterStep.matter_id)
            .join(Village, Village.id == Matter.village_id)
            .where(MatterStep.state == "final")
        )
        if village_id:
            ctx.require_village(village_id)
            q = q.where(Matter.village_id == village_id)
        elif visible is not None:
            q = q.where(Matter.village_id.in_(sorted(visible)))
        on = func.coalesce(MatterStep.posting_from, MatterStep.meeting_date)
        if date_from:
            q = q.where(on >= date_from)
        if date_to:
            q = q.where(on <= date_to)
        q = q.order_by(Village.name, Matter.year, Matter.created_at, Matter.id, MatterStep.seq)
        rows = list(s.execute(q))
        views: list[StepView] = []
        for i in range(0, len(rows), 500):  # keep IN lists short
            views += step_views(s, [r[0] for r in rows[i : i + 500]])
    out: list[dict[str, Any]] = []
    for (_, m, vname), v in zip(rows, views, strict=True):
        r = _register_step(v)
        out.append(
            {
                "village": vname,
                "year": m.year,
                "matter": m.title,
                "run_no": m.run_no,
                "category": category_of(m.category).label,
                "source": m.source,
                "amount_yuan": None
                if m.amount_fen is None
                else f"{m.amount_fen // 100}.{m.amount_fen % 100:02d}",
                "status": STATUS_LABELS.get(m.status, m.status),
                "step": r.step,
                "date": r.date,
                "form": r.form,
                "place": r.place,
                "chair": r.chair,
                "recorder": r.recorder,
                "entitled": r.entitled,
                "present": r.present,
                "ratio": r.ratio,
                "yes": r.yes,
                "no": r.no,
                "abstain": r.abstain,
                "method": r.method,
                "result": r.result,
                "content": r.content,
                "township_attendees": r.township_attendees,
                "corrections": r.supervision,
            }
        )
    return out
