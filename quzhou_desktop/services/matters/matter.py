"""五议两公开 register: matters (事项) and their runs (C10–C15).

A matter goes through the configured step sequence (``core.matters.step_sequence``).  Steps are recorded and
finalised in ``services.matters.steps``; the register list and 工作台 queries live in ``services.matters.query``; the
台账 export in ``services.matters.export`` (printed notices: ``services.notices.register``).  A failed vote closes a run as 未通过; a
revised plan opens a new run (a new matter row linked by ``previous_run_id``), so history is never lost.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select

from quzhou_desktop.core.errors import Conflict, ValidationError
from quzhou_desktop.core.matters import MatterCategory, StepType, step_sequence
from quzhou_desktop.core.money import format_fen
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.settings import rules_in
from quzhou_desktop.services.kernel.validate import optional, required
from quzhou_desktop.services.matters.common import (
    SOURCES,
    STATUS_LABELS,
    Due,
    StepView,
    category_of,
    due_of,
    fmt_date,
    load_matter,
    long_text,
    run_steps,
    step_views,
    village_name,
)
from quzhou_desktop.store.models import Matter, MatterStep

__all__ = [
    "CATEGORIES",
    "SOURCES",
    "MatterDetail",
    "MatterFields",
    "MatterRow",
    "create_matter",
    "get_matter",
    "matter_row",
    "start_new_run",
    "step_choices",
    "update_matter",
    "withdraw_matter",
]

CATEGORIES: tuple[tuple[str, str], ...] = tuple((c.value, c.label) for c in MatterCategory)


@dataclass(frozen=True)
class MatterFields:
    village_id: str
    title: str
    category: str
    source: str
    amount_fen: int | None = None
    suggested_by: str | None = None
    description: str | None = None
    year: int | None = None  # default: the year it is registered


@dataclass(frozen=True)
class MatterRow:
    id: str
    village_id: str
    village_name: str
    title: str
    category: str
    category_label: str
    amount_fen: int | None
    source: str
    suggested_by: str | None
    description: str | None
    year: int
    status: str
    current_step: str | None
    next_due_date: date | None
    next_deadline: date | None
    run_no: int
    previous_run_id: str | None
    created_at: datetime
    row_version: int
    overdue: bool

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def current_step_label(self) -> str:
        return StepType(self.current_step).label if self.current_step else "尚未开始"

    @property
    def amount_text(self) -> str:
        return format_fen(self.amount_fen) if self.amount_fen is not None else ""

    @property
    def display_title(self) -> str:
        return self.title if self.run_no == 1 else f"{self.title}（第{self.run_no}轮）"


@dataclass(frozen=True)
class MatterDetail:
    matter: MatterRow
    steps: tuple[StepView, ...]  # drafts included, in order
    due: Due
    sequence: tuple[StepType, ...]
    later_run_id: str | None

    @property
    def final_steps(self) -> tuple[StepView, ...]:
        return tuple(s for s in self.steps if s.is_final)

    @property
    def draft(self) -> StepView | None:
        return next((s for s in self.steps if s.state == "draft"), None)


def matter_row(m: Matter, village: str, today: date) -> MatterRow:
    return MatterRow(
        m.id,
        m.village_id,
        village,
        m.title,
        m.category,
        category_of(m.category).label,
        m.amount_fen,
        m.source,
        m.suggested_by,
        m.description,
        m.year,
        m.status,
        m.current_step,
        m.next_due_date,
        m.next_deadline,
        m.run_no,
        m.previous_run_id,
        m.created_at,
        m.row_version,
        m.status == "in_progress" and m.next_deadline is not None and m.next_deadline < today,
    )


def _clean(fields: MatterFields, today: date) -> MatterFields:
    category_of(fields.category)
    if fields.source not in SOURCES:
        raise ValidationError(field="动议来源", reason="请选择" + "、".join(SOURCES) + "之一")
    if fields.amount_fen is not None and (
        isinstance(fields.amount_fen, bool) or not isinstance(fields.amount_fen, int) or fields.amount_fen < 0
    ):
        raise ValidationError(field="预计金额", reason="应为不小于0的金额")
    year = fields.year or today.year
    if not 2000 <= year <= today.year + 1:
        raise ValidationError(field="年度", reason=f"应在2000年至{today.year + 1}年之间")
    return replace(
        fields,
        title=required(fields.title, "事项名称", max_len=200),
        suggested_by=optional(fields.suggested_by, "建议人", max_len=100),
        description=long_text(fields.description, "事项说明", max_len=5000),
        year=year,
    )


def create_matter(ctx: AppContext, fields: MatterFields) -> MatterRow:
    user = ctx.require(Perm.MATTER_EDIT, fields.village_id)
    today = ctx.clock.today()
    f = _clean(fields, today)
    with ctx.write("matter.create") as s:
        m = Matter(
            village_id=f.village_id,
            title=f.title,
            category=f.category,
            amount_fen=f.amount_fen,
            source=f.source,
            suggested_by=f.suggested_by,
            description=f.description,
            year=f.year,
            status="in_progress",
            current_step=None,
            next_due_date=today,
            next_deadline=None,
            run_no=1,
            created_by=user.id,
        )
        s.add(m)
        s.flush()
        return matter_row(m, village_name(s, m.village_id), today)


def update_matter(
    ctx: AppContext, matter_id: str, fields: MatterFields, *, expected_version: int
) -> MatterRow:
    """Edit the matter's own fields; only while no step of it is final (afterwards they are on record)."""
    today = ctx.clock.today()
    with ctx.read() as s:
        village_id = load_matter(s, matter_id).village_id
    ctx.require(Perm.MATTER_EDIT, village_id)
    if fields.village_id != village_id:
        raise ValidationError(field="村", reason="事项登记后不能改到别的村")
    f = _clean(fields, today)
    with ctx.write("matter.update") as s:
        m = load_matter(s, matter_id)
        if m.row_version != expected_version:
            raise Conflict("这个事项已被其他人修改，请刷新后再改")
        if run_steps(s, matter_id, include_drafts=False):
            raise Conflict("事项已有定稿的步骤，名称、类别等不能再改；如有错误请在步骤中登记更正")
        for k in ("title", "category", "amount_fen", "source", "suggested_by", "description", "year"):
            if getattr(m, k) != getattr(f, k):
                setattr(m, k, getattr(f, k))
        s.flush()
        return matter_row(m, village_name(s, m.village_id), today)


def get_matter(ctx: AppContext, matter_id: str) -> MatterDetail:
    today = ctx.clock.today()
    with ctx.read() as s:
        m = load_matter(s, matter_id)
        ctx.require_village(m.village_id)
        rules = rules_in(s, m.village_id)
        views = step_views(s, run_steps(s, matter_id), with_attendance=True)
        records = [v.record() for v in views if v.in_run]
        later = s.scalar(select(Matter.id).where(Matter.previous_run_id == matter_id))
        row = matter_row(m, village_name(s, m.village_id), today)
    if row.status == "withdrawn":
        due = Due(None, None, None, "事项已撤销")
    else:
        due = due_of(records, rules, created=row.created_at.date())
    return MatterDetail(row, tuple(views), due, step_sequence(rules), later)


def step_choices(ctx: AppContext, matter_id: str) -> list[tuple[StepType, bool]]:
    """The configured steps with whether each may be recorded next (for the 登记步骤 menu)."""
    detail = get_matter(ctx, matter_id)
    done = {v.step for v in detail.final_steps}
    nxt = detail.due.step
    out = []
    for st in detail.sequence:
        ok = detail.matter.status == "in_progress" and st not in done and st is nxt
        if st is StepType.SUGGEST and not done and detail.matter.status == "in_progress":
            ok = True  # optional first step
        out.append((st, ok))
    if nxt is not None and detail.matter.status == "in_progress":
        # the step after an optional one may also be taken directly
        seq = list(detail.sequence)
        if nxt is StepType.SUGGEST and len(seq) > 1:
            out = [(st, ok or st is seq[1]) for st, ok in out]
    return out


def start_new_run(ctx: AppContext, matter_id: str, *, reason: str, title: str | None = None) -> MatterRow:
    """Open a new run of a 未通过 matter with a revised plan; the old run stays closed and linked."""
    if not reason.strip():
        raise ValidationError(field="修改说明", reason="请写明方案作了哪些修改")
    today = ctx.clock.today()
    with ctx.read() as s:
        old = load_matter(s, matter_id)
        village_id = old.village_id
    user = ctx.require(Perm.MATTER_EDIT, village_id)
    with ctx.write("matter.new_run", reason=reason.strip()) as s:
        old = load_matter(s, matter_id)
        if old.status != "failed":
            raise Conflict("只有未通过的事项才能修改方案后重新提议")
        if s.scalar(select(Matter.id).where(Matter.previous_run_id == matter_id)) is not None:
            raise Conflict("这个事项已经重新提议过，请在新一轮中继续")
        new_desc = (old.description or "").rstrip()
        note = f"第{old.run_no}轮未通过，修改方案后重新提议：{reason.strip()}"
        m = Matter(
            village_id=old.village_id,
            title=required(title, "事项名称") if title else old.title,
            category=old.category,
            amount_fen=old.amount_fen,
            source=old.source,
            suggested_by=old.suggested_by,
            description=(new_desc + "\n" + note).strip(),
            year=today.year,
            status="in_progress",
            next_due_date=today,
            run_no=old.run_no + 1,
            previous_run_id=old.id,
            created_by=user.id,
        )
        s.add(m)
        s.flush()
        return matter_row(m, village_name(s, m.village_id), today)


def withdraw_matter(ctx: AppContext, matter_id: str, *, reason: str) -> None:
    """Close a matter that will not go ahead (e.g. the township cancelled the project). Kept with its steps."""
    if not reason.strip():
        raise ValidationError(field="原因", reason="撤销事项需要写明原因")
    with ctx.read() as s:
        village_id = load_matter(s, matter_id).village_id
    ctx.require(Perm.MATTER_EDIT, village_id)
    with ctx.write("matter.withdraw", reason=reason.strip()) as s:
        m = load_matter(s, matter_id)
        if m.status != "in_progress":
            raise Conflict(f"事项{STATUS_LABELS[m.status]}，不能撤销")
        for st in s.scalars(
            select(MatterStep).where(MatterStep.matter_id == m.id, MatterStep.state == "draft")
        ):
            st.state = "void"
        m.status = "withdrawn"
        m.next_deadline = None


def describe_due(due: Due) -> str:
    """One line for the detail view: "下一步：党员大会审议，2026年5月17日起（最迟…）"."""
    if due.step is None:
        return due.explanation
    text = due.explanation
    if due.notice_by:
        text += f"；如在{fmt_date(due.earliest)}开会，应于{fmt_date(due.notice_by)}前通知"
    return text
