"""The archive's own pages as printing documents: a meeting's 会议记录, the 卷内目录 and the 校验报告."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session

from quzhou_desktop.core.errors import NotFound
from quzhou_desktop.core.matters import StepType
from quzhou_desktop.core.meetings import Body
from quzhou_desktop.printing.archive import CatalogueDoc, CatalogueLine, MinutesDoc, VerifyReportDoc
from quzhou_desktop.services.notices.common import Org
from quzhou_desktop.store.models import Matter, MatterStep, Person

__all__ = ["catalogue_doc", "minutes_doc", "verify_doc"]


def _name(s: Session, person_id: str | None) -> str:
    p = s.get(Person, person_id) if person_id else None
    return p.name if p is not None else ""


def _body(value: str | None) -> str:
    if not value:
        return ""
    try:
        return Body(value).label
    except ValueError:
        return value


def minutes_doc(s: Session, org: Org, step_id: str, today: dt.date) -> MinutesDoc:
    st = s.get(MatterStep, step_id)
    if st is None or st.meeting_date is None:
        raise NotFound(what="这次会议的记录")
    m = s.get(Matter, st.matter_id)
    assert m is not None
    label = StepType(st.step_type).label
    attendance = ""
    if st.entitled_count is not None and st.present_count is not None:
        attendance = f"应到{st.entitled_count}人，实到{st.present_count}人"
    votes = ""
    if st.votes_for is not None:
        votes = f"赞成{st.votes_for}票，反对{st.votes_against or 0}票，弃权{st.votes_abstain or 0}票"
        if st.vote_method:
            votes += f"（{st.vote_method}表决）"
    return MinutesDoc(
        organisation=org.full,
        title=f"{m.title}{label}会议记录",
        date=st.meeting_date,
        issuer=org.issuer,
        matter=m.title,
        step=label,
        body=_body(st.body),
        meeting_date=st.meeting_date,
        place=st.place or "",
        chair=_name(s, st.chair_person_id),
        recorder=_name(s, st.recorder_person_id),
        attendance=attendance,
        votes=votes,
        minutes=st.minutes or "",
        decision=st.decision_text or "",
    )


def catalogue_doc(
    org: Org, span: str, built: str, today: dt.date, lines: Sequence[CatalogueLine]
) -> CatalogueDoc:
    return CatalogueDoc(
        organisation=org.full,
        title=f"{org.village}村务档案卷内目录（{span}）",
        date=today,
        issuer=org.issuer,
        span=span,
        built=built,
        lines=tuple(lines),
    )


def verify_doc(
    org: Org, today: dt.date, passed: bool, summary: str, problems: Sequence[str], anchor: Sequence[str]
) -> VerifyReportDoc:
    return VerifyReportDoc(
        organisation=org.full,
        title=f"{org.village}村务档案校验报告",
        date=today,
        issuer=org.issuer,
        passed=passed,
        summary=summary,
        problems=tuple(problems),
        anchor=tuple(anchor),
    )
