"""Finding what to print: the records of each kind with their IDs and human names (``list_records``), and the
record a human key names (``resolve``: village + matter title + step, village + voucher number, village +
period), so the command line can print without an ID read from the database.

Only the villages the user may see are listed or searched.  Names are matched exactly first, then as a unique
part ("仓库" finds "村集体闲置仓库对外租赁"); an ambiguous key is refused with the candidates and their IDs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from quzhou_desktop.core.dates import Period, month_of, quarter_of, year_of
from quzhou_desktop.core.errors import NotFound, ValidationError
from quzhou_desktop.core.matters import StepType
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm, Role
from quzhou_desktop.services.roster.villages import village_named
from quzhou_desktop.store.models import (
    Disclosure,
    Matter,
    MatterStep,
    MonthlyReview,
    UserAccount,
    UserVillage,
    Village,
    Voucher,
)

LIST_KINDS: dict[str, str] = {
    "villages": "村",
    "users": "用户",
    "matters": "五议两公开事项",
    "steps": "五议两公开步骤",
    "vouchers": "支出凭证",
    "disclosures": "三务公开",
    "reviews": "村监会月度审核",
}
# The step a notice of the 五议两公开 register is printed from when the key names none.
NOTICE_STEPS = {
    "plan": (StepType.PLAN_POSTING, StepType.CONSULT, StepType.PROPOSE_AND_CONSULT),
    "resolution": (StepType.RESOLUTION_DISCLOSURE, StepType.RESOLVE),
    "result": (StepType.RESULT_DISCLOSURE, StepType.IMPLEMENT),
}
# Short names clerks use for the steps, besides the full labels and the internal values.
STEP_WORDS = {
    "建议": StepType.SUGGEST,
    "提议": StepType.PROPOSE,
    "商议": StepType.CONSULT,
    "核议": StepType.SUPERVISORY_REVIEW,
    "公示": StepType.PLAN_POSTING,
    "审议": StepType.DELIBERATE,
    "决议": StepType.RESOLVE,
    "实施": StepType.IMPLEMENT,
}
STATUS = {
    "draft": "草稿",
    "final": "已定稿",
    "void": "已作废",
    "reviewed": "已审核",
    "posted": "已公开",
    "superseded": "已更正",
    "in_progress": "进行中",
    "failed": "未通过",
    "completed": "已完成",
    "withdrawn": "已撤销",
}


REVIEW_STATES = {"draft": "已记录，未签署", "signed": "已签署"}


def _voucher_state(value: str) -> str:
    from quzhou_desktop.core.vouchers import VoucherState

    try:
        return VoucherState(value).label
    except ValueError:
        return STATUS.get(value, value)


class AmbiguousKey(ValidationError):
    code = "print_key"
    template = "{what}“{key}”不止一条，请写得更完整，或用 --id 指定：\n{choices}"


@dataclass(frozen=True)
class RecordRow:
    """One listed record: its ID, village, human name and what ``print`` accepts for it."""

    kind: str
    id: str
    village: str
    name: str
    detail: str = ""
    key: str = ""  # the print options that find it, e.g. "--village 溪口村 --matter 村道硬化工程"
    prints: tuple[str, ...] = field(default=())  # print kinds

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "id": self.id,
            "village": self.village,
            "name": self.name,
            "detail": self.detail,
            "print_key": self.key,
            "print_kinds": list(self.prints),
        }


def _villages(ctx: AppContext, s: Session, village: str | None) -> dict[str, str]:
    """id → name of the villages the user may see, or of the one named (refused when unknown or not visible)."""
    visible = ctx.visible_village_ids()
    rows = s.execute(select(Village.id, Village.name).order_by(Village.code, Village.name)).all()
    seen = {vid: name for vid, name in rows if visible is None or vid in visible}
    if village is None:
        return seen
    vid = village_named(s, village, visible)
    return {vid: seen[vid]}


def _date(d: dt.date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def _arg(value: str) -> str:
    return f'"{value}"' if re.search(r"\s", value) else value


def list_records(ctx: AppContext, kind: str, *, village: str | None = None) -> list[RecordRow]:
    """The records of ``kind`` (a key of ``LIST_KINDS``) in the villages the user sees, oldest first."""
    if kind not in LIST_KINDS:
        choices = "、".join(f"{k}（{v}）" for k, v in LIST_KINDS.items())
        raise ValidationError(field="列表类型", reason=f"“{kind}”不支持，可选：{choices}")
    ctx.require_user()
    if kind == "users":
        ctx.require(Perm.USERS_MANAGE)
    with ctx.read() as s:
        vs = _villages(ctx, s, village)
        return _LISTERS[kind](s, vs)


def _list_villages(s: Session, vs: dict[str, str]) -> list[RecordRow]:
    return [RecordRow("villages", vid, name, name, key=f"--village {name}") for vid, name in vs.items()]


def _list_users(s: Session, vs: dict[str, str]) -> list[RecordRow]:
    seats: dict[str, list[str]] = {}
    for uid, vid in s.execute(select(UserVillage.user_id, UserVillage.village_id)):
        seats.setdefault(uid, []).append(vid)
    out = []
    for u in s.scalars(select(UserAccount).order_by(UserAccount.username)):
        names = [vs[v] for v in seats.get(u.id, []) if v in vs]
        if seats.get(u.id) and not names:
            continue  # a village user of villages outside the filter
        out.append(RecordRow("users", u.id, "、".join(names) or "全乡镇", f"{u.username}（{u.display_name}）",
                             detail=Role(u.role).label, key=f"--user {u.username}"))  # fmt: skip
    return out


def _list_matters(s: Session, vs: dict[str, str]) -> list[RecordRow]:
    q = select(Matter).where(Matter.village_id.in_(vs)).order_by(Matter.village_id, Matter.created_at)
    out = []
    for m in s.scalars(q):
        run = f"（第{m.run_no}轮）" if m.run_no > 1 else ""
        step = StepType(m.current_step).label if m.current_step else "尚未开始"
        out.append(
            RecordRow("matters", m.id, vs[m.village_id], m.title + run,
                      detail=f"{STATUS.get(m.status, m.status)}，{step}",
                      key=f"--village {vs[m.village_id]} --matter {_arg(m.title)}",
                      prints=("register", "plan", "resolution", "result"))
        )  # fmt: skip
    return out


def _list_steps(s: Session, vs: dict[str, str]) -> list[RecordRow]:
    q = (
        select(MatterStep, Matter.title, Matter.village_id)
        .join(Matter, Matter.id == MatterStep.matter_id)
        .where(Matter.village_id.in_(vs), MatterStep.state != "void")
        .order_by(Matter.village_id, Matter.created_at, MatterStep.seq)
    )
    out = []
    for st, title, vid in s.execute(q):
        t = StepType(st.step_type)
        on = st.meeting_date or st.posting_from
        prints = tuple(k for k, steps in NOTICE_STEPS.items() if t in steps and st.state == "final")
        out.append(
            RecordRow("steps", st.id, vs[vid], f"{title} · {t.label}",
                      detail=f"{_date(on)} {STATUS.get(st.state, st.state)}".strip(),
                      key=f"--village {vs[vid]} --matter {_arg(title)} --step {t.label}", prints=prints)
        )  # fmt: skip
    return out


def _list_vouchers(s: Session, vs: dict[str, str]) -> list[RecordRow]:
    from quzhou_desktop.core.money import format_fen

    q = (
        select(Voucher)
        .where(Voucher.village_id.in_(vs))
        .order_by(Voucher.village_id, Voucher.voucher_date, Voucher.number, Voucher.version)
    )
    out = []
    for v in s.scalars(q):
        version = f"（第{v.version}版）" if v.version > 1 else ""
        out.append(
            RecordRow("vouchers", v.id, vs[v.village_id], f"{v.number}{version} {v.purpose}",
                      detail=f"{_date(v.voucher_date)} {v.payee} {format_fen(v.amount_fen)} {_voucher_state(v.status)}",
                      key=f"--village {vs[v.village_id]} --number {v.number}", prints=("voucher",))
        )  # fmt: skip
    return out


def _list_disclosures(s: Session, vs: dict[str, str]) -> list[RecordRow]:
    from quzhou_desktop.services.notices.disclosure import period_label

    q = (
        select(Disclosure)
        .where(Disclosure.village_id.in_(vs))
        .order_by(Disclosure.village_id, Disclosure.period_start, Disclosure.created_at)
    )
    rows = list(s.scalars(q))

    def group(d: Disclosure) -> tuple[str, bool, object, object]:
        return d.village_id, d.category == "finance", d.period_start, d.period_end

    shared = Counter(group(d) for d in rows if d.status != "superseded")
    out = []
    for d in rows:
        period = period_label(d.period_start, d.period_end)
        kind = "finance" if d.category == "finance" else "disclosure"
        key = f"--village {vs[d.village_id]}" + (f" --period {_period_arg(d)}" if period else "")
        if shared[group(d)] > 1:  # several in one period: the title tells them apart
            key += f" --title {_arg(d.title)}"
        out.append(
            RecordRow("disclosures", d.id, vs[d.village_id], d.title,
                      detail=f"{period} {STATUS.get(d.status, d.status)}".strip(), key=key, prints=(kind,))
        )  # fmt: skip
    return out


def _list_reviews(s: Session, vs: dict[str, str]) -> list[RecordRow]:
    q = (
        select(MonthlyReview)
        .where(MonthlyReview.village_id.in_(vs))
        .order_by(MonthlyReview.village_id, MonthlyReview.year, MonthlyReview.month)
    )
    return [
        RecordRow("reviews", r.id, vs[r.village_id], f"{r.year}年{r.month}月村监会月度审核",
                  detail=f"例会{_date(r.meeting_date)} {REVIEW_STATES.get(r.state, r.state)}" + ("，已锁定" if r.locked else ""),
                  key=f"--village {vs[r.village_id]} --period {r.year}-{r.month:02d}", prints=("review",))
        for r in s.scalars(q)
    ]  # fmt: skip


_LISTERS = {
    "villages": _list_villages,
    "users": _list_users,
    "matters": _list_matters,
    "steps": _list_steps,
    "vouchers": _list_vouchers,
    "disclosures": _list_disclosures,
    "reviews": _list_reviews,
}


# ---------------------------------------------------------------------------------------------------------
# human keys


@dataclass(frozen=True)
class PrintKey:
    """What a clerk types instead of an ID: the village and, by kind, a matter title (and step), a voucher
    number, a period; ``title`` picks one of several disclosures of a period."""

    village: str
    matter: str | None = None
    step: str | None = None
    number: str | None = None
    period: str | None = None
    title: str | None = None


_QUARTER = re.compile(r"^(\d{4})\s*(?:[-/]?[Qq]|年第)([1-4一二三四])(?:季度)?$")
_MONTH = re.compile(r"^(\d{4})\s*(?:[-/.]|年)(\d{1,2})月?$")
_YEAR = re.compile(r"^(\d{4})年?$")


def parse_period(text: str) -> Period:
    """ "2026-10" / "2026年10月" → the month; "2026Q3" / "2026-Q3" / "2026年第三季度" → the quarter; "2026" → the year."""
    t = "".join(text.split())
    m = _QUARTER.match(t)
    if m:
        q = "1234".find(m[2]) + 1 or "一二三四".find(m[2]) + 1
        return quarter_of(dt.date(int(m[1]), 3 * q - 2, 1))
    m = _MONTH.match(t)
    if m and 1 <= int(m[2]) <= 12:
        return month_of(dt.date(int(m[1]), int(m[2]), 1))
    m = _YEAR.match(t)
    if m:
        return year_of(dt.date(int(m[1]), 1, 1))
    raise ValidationError(
        field="期间",
        reason=f"“{text}”应写成 2026-10（月）、2026Q3（季度）或 2026（年），也可写 2026年第三季度",
    )


def _span(text: str) -> tuple[dt.date, dt.date, str]:
    """(first day, last day, label) of a period as typed, or of one day ("2026-11-24": a 即时 disclosure)."""
    try:
        day = dt.date.fromisoformat("".join(text.split()))
    except ValueError:
        p = parse_period(text)
        return p.start, p.end, p.label
    return day, day, _date(day)


def _period_arg(d: Disclosure) -> str:
    if d.period_start is None or d.period_end is None:
        return ""
    for p, text in (
        (month_of(d.period_start), f"{d.period_start.year}-{d.period_start.month:02d}"),
        (quarter_of(d.period_start), f"{d.period_start.year}Q{(d.period_start.month - 1) // 3 + 1}"),
        (year_of(d.period_start), str(d.period_start.year)),
    ):
        if (p.start, p.end) == (d.period_start, d.period_end):
            return text
    return d.period_start.isoformat()


def _one(what: str, key: str, rows: Sequence[tuple[str, str]]) -> str:
    """The id of the only (id, label) row; refused when none or several."""
    if not rows:
        raise NotFound(what=f"{what}“{key}”")
    ids = list(dict.fromkeys(r[0] for r in rows))
    if len(ids) > 1:
        choices = "\n".join(f"  {label}  编号 {rid}" for rid, label in dict(rows).items())
        raise AmbiguousKey(what=what, key=key, choices=choices)
    return ids[0]


def _by_name(names: dict[str, str], wanted: str) -> list[str]:
    """Ids whose name equals ``wanted``, else whose name contains it."""
    exact = [i for i, n in names.items() if n == wanted]
    return exact or [i for i, n in names.items() if wanted in n]


def step_type_of(text: str) -> StepType:
    t = "".join(text.split())
    for st in StepType:
        if t in (st.value, st.label):
            return st
    if t in STEP_WORDS:
        return STEP_WORDS[t]
    words = "、".join([*list(STEP_WORDS), "方案公示", "决议公开", "实施结果公开"])
    raise ValidationError(field="步骤", reason=f"不认识“{text}”，可写：{words}")


def resolve(ctx: AppContext, kind: str, key: PrintKey) -> str:
    """The record id the human ``key`` names for printing ``kind`` (refused when none or several)."""
    with ctx.read() as s:
        vid = next(iter(_villages(ctx, s, key.village)))
        if kind in ("register", "plan", "resolution", "result"):
            return _matter_record(s, vid, kind, key)
        if kind == "voucher":
            return _voucher(s, vid, key)
        if kind in ("finance", "disclosure"):
            return _disclosure(s, vid, kind, key)
        if kind == "review":
            return _review(s, vid, key)
    raise ValidationError(field="打印类型", reason=f"“{kind}”不能按名称查找，请用 --id")


def _matter_record(s: Session, vid: str, kind: str, key: PrintKey) -> str:
    if not key.matter:
        raise ValidationError(field="事项", reason="请用 --matter 写出事项名称（可用 list matters 查看）")
    wanted = "".join(key.matter.split())
    rows = s.execute(select(Matter.id, Matter.title, Matter.run_no).where(Matter.village_id == vid)).all()
    ids = _by_name({i: "".join(t.split()) for i, t, _r in rows}, wanted)
    titles = {t for i, t, _r in rows if i in ids}
    if len(titles) == 1:  # one matter with several runs: the latest run
        ids = [max(((r, i) for i, _t, r in rows if i in ids))[1]]
    matter_id = _one("事项", key.matter, [(i, f"{t}（第{r}轮）") for i, t, r in rows if i in ids])
    if kind == "register":
        return matter_id
    wanted_steps = (step_type_of(key.step),) if key.step else NOTICE_STEPS[kind]
    steps = s.execute(
        select(MatterStep.id, MatterStep.step_type).where(
            MatterStep.matter_id == matter_id, MatterStep.state == "final"
        ).order_by(MatterStep.seq.desc())
    ).all()  # fmt: skip
    for st in wanted_steps:
        found = next((sid for sid, t in steps if t == st.value), None)
        if found is not None:
            return found
    raise NotFound(what=f"事项“{key.matter}”中已定稿的{'或'.join(st.label for st in wanted_steps)}记录")


def _voucher(s: Session, vid: str, key: PrintKey) -> str:
    if not key.number:
        raise ValidationError(field="凭证号", reason="请用 --number 写出凭证号（可用 list vouchers 查看）")
    wanted = "".join(key.number.split())
    rows = s.execute(
        select(Voucher.id, Voucher.number, Voucher.version, Voucher.status).where(Voucher.village_id == vid)
    ).all()
    exact = [r for r in rows if r[1] == wanted]
    found = exact or [r for r in rows if r[1].endswith(wanted) or wanted in r[1]]
    numbers = {r[1] for r in found}
    if len(numbers) == 1:  # a corrected voucher: its latest version
        found = [max(found, key=lambda r: r[2])]
    return _one("凭证号", key.number, [(r[0], f"{r[1]}（第{r[2]}版，{r[3]}）") for r in found])


def _disclosure(s: Session, vid: str, kind: str, key: PrintKey) -> str:
    if not key.period:
        raise ValidationError(field="期间", reason="请用 --period 写出公开所属期间，如 2026-10 或 2026Q3")
    start, end, label = _span(key.period)
    finance = kind == "finance"
    q = select(Disclosure.id, Disclosure.title, Disclosure.status).where(
        Disclosure.village_id == vid,
        Disclosure.period_start == start,
        Disclosure.period_end == end,
        (Disclosure.category == "finance") if finance else (Disclosure.category != "finance"),
        Disclosure.status != "superseded",
    )
    rows = [(i, t, st) for i, t, st in s.execute(q)]
    if key.title:
        wanted = "".join(key.title.split())
        exact = [r for r in rows if "".join(r[1].split()) == wanted]
        rows = exact or [r for r in rows if wanted in "".join(r[1].split())]
    what = "财务公开" if finance else "党务、村务公开"
    return _one(
        f"{label}的{what}",
        key.title or key.period,
        [(i, f"{t}（{STATUS.get(st, st)}）") for i, t, st in rows],
    )


def _review(s: Session, vid: str, key: PrintKey) -> str:
    if not key.period:
        raise ValidationError(field="月份", reason="请用 --period（或 --month）写出审核月份，如 2026-10")
    p = parse_period(key.period)
    if p.months != 1:
        raise ValidationError(field="月份", reason=f"“{key.period}”不是一个月份，应写成 2026-10")
    rid = s.scalars(
        select(MonthlyReview.id).where(
            MonthlyReview.village_id == vid,
            MonthlyReview.year == p.year,
            MonthlyReview.month == p.first_month,
        )
    ).first()
    if rid is None:
        raise NotFound(what=f"{p.label}的村监会月度审核记录")
    return rid
