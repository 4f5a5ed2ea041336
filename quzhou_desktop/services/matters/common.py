"""Shared pieces of the 五议两公开 register services: labels, body ↔ 花名册 mapping, step views with amendments
applied, the run's step records for ``core.matters`` and the overdue policy."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quzhou_desktop.core.errors import NotFound, ValidationError
from quzhou_desktop.core.matters import MatterCategory, NextStep, StepRecord, StepType, next_step_due
from quzhou_desktop.core.meetings import Body
from quzhou_desktop.core.rules_config import TownshipRules
from quzhou_desktop.store.models import Matter, MatterStep, Person, StepAmendment, Village

SOURCES = ("党员群众建议", "村干部提议", "上级党委政府安排")
STATUS_LABELS = {"in_progress": "进行中", "failed": "未通过", "completed": "已完成", "withdrawn": "已撤销"}
STATE_LABELS = {"draft": "草稿", "final": "已定稿", "void": "已作废"}
ATTENDANCE_LABELS = {"present": "到会", "absent": "缺席", "excluded": "不计入应到", "void": "不在名册"}

# Which 花名册 bodies make up each meeting body (C3: 代表会议 = 村委会成员 + 村民代表).
BODY_MEMBERSHIPS: dict[Body, tuple[str, ...]] = {
    Body.BRANCH: ("party_branch",),
    Body.JOINT: ("joint_meeting",),
    Body.SUPERVISORY: ("supervisory",),
    Body.PARTY: ("party_meeting",),
    Body.REPRESENTATIVES: ("village_committee", "rep_meeting"),
}
# When a village keeps no separate 联席会议 list, the 两委 members sit in it.
JOINT_FALLBACK = ("party_branch", "village_committee")

POSTING_STEPS = frozenset({StepType.PLAN_POSTING, StepType.RESOLUTION_DISCLOSURE, StepType.RESULT_DISCLOSURE})
DATED_STEPS = frozenset({StepType.SUGGEST, StepType.IMPLEMENT})

# Overdue policy (C41: the app's reminders, not law): when the next step counts as late.  The periods are
# township settings (``TownshipRules.resolution_disclosure_days`` — 决议公开 "当日或次日" after a 重大村务票决制度
# template, default the day after —, ``result_disclosure_days`` after the 实施, default 30, and ``stall_days``
# for any other step, default 90).

# Fields a correction (amendment) of a final step may change; dates, attendance and votes decide validity and
# are never amended — a wrong vote needs the meeting to be held again.
AMENDABLE: dict[str, str] = {
    "place": "地点",
    "chair_person_id": "主持人",
    "recorder_person_id": "记录人",
    "township_attendees": "乡镇参会人员",
    "vote_method": "表决方式",
    "plan_text": "方案内容",
    "minutes": "会议记录",
    "decision_text": "决议内容",
    "posting_place": "公示地点",
}


def step_type(value: str) -> StepType:
    try:
        return StepType(value)
    except ValueError:
        raise ValidationError(field="步骤", reason=f"未知的步骤“{value}”") from None


def body_of(value: str | None) -> Body | None:
    if not value:
        return None
    try:
        return Body(value)
    except ValueError:
        raise ValidationError(field="会议", reason=f"未知的会议类型“{value}”") from None


def category_of(value: str) -> MatterCategory:
    try:
        return MatterCategory(value)
    except ValueError:
        raise ValidationError(field="事项类别", reason=f"未知的类别“{value}”") from None


def long_text(value: str | None, field_name: str, *, max_len: int = 20000) -> str | None:
    """Multi-line text (minutes, plans): NFC, trailing spaces and blank edges trimmed, line breaks kept."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n")).strip("\n ")
    if not text:
        return None
    if len(text) > max_len:
        raise ValidationError(field=field_name, reason=f"不能超过{max_len}个字（现在{len(text)}个）")
    return text


def fmt_date(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


@dataclass(frozen=True)
class AmendmentView:
    id: str
    step_id: str
    at: datetime
    by: str
    reason: str
    changes: tuple[tuple[str, str, str], ...]  # (field label, old text, new text)


@dataclass(frozen=True)
class AttendanceView:
    person_id: str
    name: str
    status: str
    reason: str | None
    party_status: str | None

    @property
    def status_label(self) -> str:
        return ATTENDANCE_LABELS.get(self.status, self.status)


@dataclass(frozen=True)
class StepView:
    """One step with every amendment applied (``values``) and the names resolved."""

    id: str
    matter_id: str
    seq: int
    step: StepType
    body: Body | None
    state: str
    values: dict[str, Any]
    chair_name: str
    recorder_name: str
    attendance: tuple[AttendanceView, ...] = ()
    amendments: tuple[AmendmentView, ...] = ()
    finalized_at: datetime | None = None
    row_version: int = 1

    def __getitem__(self, key: str) -> Any:
        return self.values.get(key)

    @property
    def label(self) -> str:
        return self.step.label

    @property
    def is_final(self) -> bool:
        return self.state == "final"

    @property
    def in_run(self) -> bool:
        """Final and counting for the procedure: an inquorate meeting (会议无效) is on record but the step is
        still to be done."""
        return self.is_final and self.values.get("valid") is not False

    @property
    def on(self) -> date | None:
        """The step's date: the meeting, or the first day of the posting."""
        if self.step in POSTING_STEPS:
            return self.values.get("posting_from") or self.values.get("meeting_date")
        return self.values.get("meeting_date")

    @property
    def body_label(self) -> str:
        return self.body.label if self.body else ""

    @property
    def result_label(self) -> str:
        if self.state != "final":
            return STATE_LABELS.get(self.state, self.state)
        if self.values.get("valid") is False:
            return "会议无效"
        passed = self.values.get("passed")
        if passed is True:
            return "通过"
        if passed is False:
            return "未通过"
        return "已完成"

    def record(self) -> StepRecord:
        on = self.on
        assert on is not None
        return StepRecord(
            step=self.step,
            on=on,
            body=self.body,
            passed=self.values.get("passed") if self.step.is_vote else None,
            notice_on=self.values.get("notice_date"),
            urgent=bool(self.values.get("urgent")),
            ends_on=self.values.get("posting_to"),
        )


_STEP_COLUMNS = [c.key for c in MatterStep.__table__.columns]


def _names(s: Session, ids: set[str]) -> dict[str, str]:
    ids.discard("")
    if not ids:
        return {}
    return {r[0]: r[1] for r in s.execute(select(Person.id, Person.name).where(Person.id.in_(ids)))}


def step_views(
    s: Session, steps: list[MatterStep], *, with_attendance: bool = False, users: dict[str, str] | None = None
) -> list[StepView]:
    """Views of ``steps`` with their amendments applied, in the given order."""
    from quzhou_desktop.store.models import StepAttendance, UserAccount

    if not steps:
        return []
    ids = [st.id for st in steps]
    amends: dict[str, list[StepAmendment]] = {}
    for a in s.scalars(
        select(StepAmendment).where(StepAmendment.step_id.in_(ids)).order_by(StepAmendment.created_at)
    ):
        amends.setdefault(a.step_id, []).append(a)
    values_by: dict[str, dict[str, Any]] = {}
    people: set[str] = set()
    for st in steps:
        vals = {k: getattr(st, k) for k in _STEP_COLUMNS}
        for a in amends.get(st.id, []):
            for k, change in json.loads(a.changes_json).items():
                vals[k] = _load(k, change["new"])
        values_by[st.id] = vals
        people.update(v for k in ("chair_person_id", "recorder_person_id") if (v := vals.get(k)))
        for a in amends.get(st.id, []):
            for k, change in json.loads(a.changes_json).items():
                if k.endswith("_person_id"):
                    people.update(x for x in (change["old"], change["new"]) if x)
    att: dict[str, list[tuple[StepAttendance, str]]] = {}
    if with_attendance:
        rows = s.execute(
            select(StepAttendance, Person.name)
            .join(Person, Person.id == StepAttendance.person_id)
            .where(StepAttendance.step_id.in_(ids), StepAttendance.status != "void")
            .order_by(Person.name)
        )
        for a_row, name in rows:
            att.setdefault(a_row.step_id, []).append((a_row, name))
    names = _names(s, people)
    user_names = dict(users or {})
    user_ids = {a.amended_by for lst in amends.values() for a in lst if a.amended_by}
    if user_ids - user_names.keys():
        q = select(UserAccount.id, UserAccount.display_name).where(UserAccount.id.in_(user_ids))
        user_names.update({r[0]: r[1] for r in s.execute(q)})

    def show(k: str, v: Any) -> str:
        if v is None or v == "":
            return "（空）"
        if k.endswith("_person_id"):
            return names.get(v, "？")
        return str(v)

    out = []
    for st in steps:
        vals = values_by[st.id]
        amendment_views = tuple(
            AmendmentView(
                a.id,
                st.id,
                a.created_at,
                user_names.get(a.amended_by or "", "系统"),
                a.reason,
                tuple(
                    (AMENDABLE.get(k, k), show(k, ch["old"]), show(k, ch["new"]))
                    for k, ch in json.loads(a.changes_json).items()
                ),
            )
            for a in amends.get(st.id, [])
        )
        out.append(
            StepView(
                id=st.id,
                matter_id=st.matter_id,
                seq=st.seq,
                step=StepType(st.step_type),
                body=Body(st.body) if st.body else None,
                state=st.state,
                values=vals,
                chair_name=names.get(vals.get("chair_person_id") or "", ""),
                recorder_name=names.get(vals.get("recorder_person_id") or "", ""),
                attendance=tuple(
                    AttendanceView(a.person_id, n, a.status, a.reason, a.party_status)
                    for a, n in att.get(st.id, [])
                ),
                amendments=amendment_views,
                finalized_at=st.finalized_at,
                row_version=st.row_version,
            )
        )
    return out


def _load(key: str, value: Any) -> Any:
    return value


def run_steps(s: Session, matter_id: str, *, include_drafts: bool = True) -> list[MatterStep]:
    q = select(MatterStep).where(MatterStep.matter_id == matter_id)
    states = ("draft", "final") if include_drafts else ("final",)
    q = q.where(MatterStep.state.in_(states)).order_by(MatterStep.seq)
    return list(s.scalars(q))


@dataclass(frozen=True)
class Due:
    """What the matter waits for: the next step, from when, until when (overdue after), and why."""

    step: StepType | None
    earliest: date | None
    deadline: date | None
    explanation: str
    notice_by: date | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def due_of(records: list[StepRecord], rules: TownshipRules, *, created: date) -> Due:
    nxt: NextStep = next_step_due(records, rules)
    if nxt.step is None:
        return Due(None, None, None, nxt.explanation)
    start = nxt.earliest or created
    if nxt.step is StepType.RESOLUTION_DISCLOSURE:
        deadline = start + timedelta(days=rules.resolution_disclosure_days)
        why = f"决议通过后应及时公开，最迟{fmt_date(deadline)}"
    elif nxt.step is StepType.RESULT_DISCLOSURE:
        deadline = start + timedelta(days=rules.result_disclosure_days)
        why = f"实施完成后应在{rules.result_disclosure_days}日内公开结果，最迟{fmt_date(deadline)}"
    else:
        deadline = start + timedelta(days=rules.stall_days)
        why = f"超过{fmt_date(deadline)}仍未推进即列为逾期"
    return Due(nxt.step, nxt.earliest, deadline, f"{nxt.explanation}。{why}", nxt.notice_by)


def load_matter(s: Session, matter_id: str) -> Matter:
    m = s.get(Matter, matter_id)
    if m is None:
        raise NotFound(what="这个事项")
    return m


def village_name(s: Session, village_id: str) -> str:
    """The village as the register shows it ("乡镇 村" on a database of several townships)."""
    from quzhou_desktop.services.roster.villages import shown_village, village_labels

    v = s.get(Village, village_id)
    return shown_village(village_labels(s), village_id, v.name) if v else ""
