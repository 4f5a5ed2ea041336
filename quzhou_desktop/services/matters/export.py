"""The 五议两公开台账 export: one row per final step, amendments applied, with the corrections and their reasons.

(Printed notices are built by ``services.notices.register`` from the same step views.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.matters.common import (
    STATUS_LABELS,
    StepView,
    category_of,
    fmt_date,
    step_views,
)
from quzhou_desktop.store.models import Matter, MatterStep, Village

__all__ = ["EXPORT_COLUMNS", "export_rows"]


@dataclass(frozen=True)
class _StepRow:
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


def _ratio(present: int | None, entitled: int | None) -> str:
    if not entitled or present is None:
        return ""
    tenths = (present * 1000 + entitled // 2) // entitled
    return f"{tenths // 10}.{tenths % 10}%"


def _step_row(v: StepView) -> _StepRow:
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
    return _StepRow(
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
        r = _step_row(v)
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
