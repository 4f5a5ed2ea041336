"""决议公开 and 实施结果公开 created from a matter's entry in the 五议两公开 register, linked back to it by
``Disclosure.matter_id`` / ``step_id`` (the register lists them with ``disclosures_for_matter``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from quzhou_desktop.core.dates import format_chinese_date
from quzhou_desktop.core.errors import NotFound, ValidationError
from quzhou_desktop.core.matters import StepType
from quzhou_desktop.core.meetings import Body
from quzhou_desktop.core.money import fen_to_upper, format_fen
from quzhou_desktop.services.disclosures.catalogue import list_items
from quzhou_desktop.services.disclosures.disclosure import (
    STATUS_LABELS,
    WHERE_TO_ASK,
    DisclosureSpec,
    create_disclosure,
)
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.store.models import Disclosure, Matter, MatterStep, Village

# step the disclosure is made from → disclosure kind
_SOURCES = {
    StepType.RESOLVE.value: "resolution",
    StepType.RESOLUTION_DISCLOSURE.value: "resolution",
    StepType.IMPLEMENT.value: "result",
    StepType.RESULT_DISCLOSURE.value: "result",
}
_ITEM_NAME = "五议两公开决议公开、实施结果公开"


@dataclass(frozen=True)
class MatterDisclosure:
    id: str
    kind: str
    title: str
    status: str
    posted_from: date | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


def _body_label(key: str | None) -> str:
    try:
        return Body(key).label if key else ""
    except ValueError:
        return key or ""


def _resolution_body(m: Matter, st: MatterStep) -> str:
    parts = []
    if st.meeting_date:
        where = f"在{st.place}" if st.place else ""
        parts.append(f"{format_chinese_date(st.meeting_date)}，本村{where}召开{_body_label(st.body)}，"
                     f"对“{m.title}”进行表决。")  # fmt: skip
    if st.entitled_count is not None and st.present_count is not None:
        parts.append(f"应到{st.entitled_count}人，实到{st.present_count}人。")
    if st.votes_for is not None:
        parts.append(
            f"表决结果：赞成{st.votes_for}票，反对{st.votes_against or 0}票，弃权{st.votes_abstain or 0}票"
            + ("，决议通过。" if st.passed else "。")
        )
    if st.decision_text:
        parts.append(f"决议内容：{st.decision_text}")
    if m.amount_fen:
        parts.append(f"涉及金额：{format_fen(m.amount_fen)}（{fen_to_upper(m.amount_fen)}）。")
    parts.append(f"如有异议，请在公开期内{WHERE_TO_ASK}。")
    return "\n".join(parts)


def _result_body(m: Matter, st: MatterStep) -> str:
    parts = [f"“{m.title}”已实施完毕。"]
    if st.minutes:  # the 实施 record's text is its 实施情况
        parts.append(f"实施情况：{st.minutes}")
    if m.amount_fen:
        parts.append(f"涉及金额：{format_fen(m.amount_fen)}（{fen_to_upper(m.amount_fen)}）。")
    parts.append("欢迎广大村民监督评议，意见请向村务监督委员会反映。")
    return "\n".join(parts)


def create_from_matter_step(ctx: AppContext, step_id: str) -> str:
    """A draft 决议公开 (from the 决议 / 决议公开 step) or 实施结果公开 (from 实施 / 实施结果公开), linked to the
    matter and step. Returns the disclosure id."""
    with ctx.read() as s:
        st = s.get(MatterStep, step_id)
        if st is None:
            raise NotFound(what="这个五议两公开步骤")
        m = s.get(Matter, st.matter_id)
        if m is None:
            raise NotFound(what="这个事项")
        kind = _SOURCES.get(st.step_type)
        if kind is None:
            raise ValidationError(field="步骤", reason="只能从决议或实施步骤生成决议公开、实施结果公开")
        if st.step_type == StepType.RESOLVE.value and st.passed is False:
            raise ValidationError(field="步骤", reason="这项决议未通过，不能作为决议公开")
        v = s.get(Village, m.village_id)
        vname = v.name if v else ""
        if kind == "resolution":
            resolve = st
            if st.step_type != StepType.RESOLVE.value:
                resolve = (
                    s.scalars(
                        select(MatterStep)
                        .where(MatterStep.matter_id == m.id, MatterStep.step_type == StepType.RESOLVE.value)
                        .order_by(MatterStep.seq.desc())
                    ).first()
                    or st
                )
            title, body = f"{vname}关于“{m.title}”的决议公开", _resolution_body(m, resolve)
        else:
            implement = st
            if st.step_type != StepType.IMPLEMENT.value:
                implement = (
                    s.scalars(
                        select(MatterStep)
                        .where(MatterStep.matter_id == m.id, MatterStep.step_type == StepType.IMPLEMENT.value)
                        .order_by(MatterStep.seq.desc())
                    ).first()
                    or st
                )
            title, body = f"{vname}关于“{m.title}”实施结果的公开", _result_body(m, implement)
        village_id, matter_id = m.village_id, m.id
        on = st.meeting_date or st.posting_from
    ctx.require(Perm.DISCLOSURE_EDIT, village_id)
    item = next((i for i in list_items(ctx, village_id) if i.name == _ITEM_NAME), None)
    spec = DisclosureSpec(
        village_id=village_id,
        category="village",
        title=title,
        body=body,
        item_id=item.id if item else None,
        kind=kind,
        period_start=on,
        period_end=on,
        matter_id=matter_id,
        step_id=step_id,
    )
    return create_disclosure(ctx, spec)


def disclosures_for_matter(ctx: AppContext, matter_id: str) -> list[MatterDisclosure]:
    """The 决议公开 / 实施结果公开 disclosures linked to a matter (for the register's link back)."""
    with ctx.read() as s:
        m = s.get(Matter, matter_id)
        if m is None:
            raise NotFound(what="这个事项")
        ctx.require_village(m.village_id)
        rows = s.scalars(
            select(Disclosure).where(Disclosure.matter_id == matter_id).order_by(Disclosure.created_at)
        ).all()
        return [MatterDisclosure(d.id, d.kind, d.title, d.status, d.posted_from) for d in rows]
