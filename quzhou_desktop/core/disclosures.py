"""三务公开: the default 公开目录, cadence and deadlines (C20, C21), 民主评议 (C22),
reply deadlines (C23) and the pre-review of financial notices (C31)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from quzhou_desktop.core.dates import (
    Period,
    format_chinese_date,
    months_between,
    year_of,
)
from quzhou_desktop.core.money import Finding
from quzhou_desktop.core.rules_config import TownshipRules

__all__ = [
    "CATALOGUE",
    "CatalogueItem",
    "DisclosureCategory",
    "DisclosureKind",
    "DueItem",
    "DueState",
    "EvaluationResult",
    "EvaluationStatus",
    "ReplyStatus",
    "check_can_post",
    "check_finance_cadence",
    "due_disclosures",
    "evaluate_evaluations",
    "period_deadline",
    "reply_deadline",
    "reply_status",
]


class DisclosureCategory(Enum):
    PARTY = "party"
    VILLAGE = "village"
    FINANCE = "finance"

    @property
    def label(self) -> str:
        return {"party": "党务公开", "village": "村务公开", "finance": "财务公开"}[self.value]


class DisclosureKind(Enum):
    FIXED = "fixed"
    REGULAR = "regular"
    IMMEDIATE = "immediate"

    @property
    def label(self) -> str:
        return {"fixed": "固定公开", "regular": "定期公开", "immediate": "即时公开"}[self.value]


@dataclass(frozen=True)
class CatalogueItem:
    category: DisclosureCategory
    kind: DisclosureKind
    title: str
    cadence: str  # Chinese description of when
    source: str


# Where each default item comes from, as a clerk would quote it (shown in the 公开目录's 依据 column).
_ART30 = "《中华人民共和国村民委员会组织法》第三十条"
_ZJ_CATALOGUE = "浙江省县级村务公开目录（地方做法）"
_ART30_ZJ = f"{_ART30}；{_ZJ_CATALOGUE}"
_PARTY_PRACTICE = "外地党务公开的做法（参考）"
_FIVE_STEPS = "“四议两公开”工作法；浙江省宁海县村级小微权力清单（地方做法）"
_FINANCE = "《农村集体经济组织财务公开规定》"

_P, _V, _F = DisclosureCategory.PARTY, DisclosureCategory.VILLAGE, DisclosureCategory.FINANCE
_FX, _RG, _IM = DisclosureKind.FIXED, DisclosureKind.REGULAR, DisclosureKind.IMMEDIATE
CATALOGUE: tuple[CatalogueItem, ...] = (
    CatalogueItem(_P, _FX, "党组织设置及成员、任期目标、后备干部、年度目标", "每年", _PARTY_PRACTICE),
    CatalogueItem(_P, _RG, "党员党费缴纳情况", "每季度", _PARTY_PRACTICE),
    CatalogueItem(_P, _RG, "党员荣辱档案、党组织财务报表、村务工作完成情况", "每季度", _PARTY_PRACTICE),
    CatalogueItem(_P, _IM, "发展党员、预备党员转正等", "随时", _PARTY_PRACTICE),
    CatalogueItem(_V, _RG, "村民代表会议决议事项清单及执行情况", "每季度首月20日前", _ART30_ZJ),
    CatalogueItem(_V, _RG, "宅基地审批", "每季度首月20日前", _ZJ_CATALOGUE),
    CatalogueItem(_V, _RG, "农业补贴、低保名单、残疾人补贴、救助慰问等", "每季度首月20日前", _ART30_ZJ),
    CatalogueItem(_V, _RG, "政府拨付和社会捐赠的救灾救助、补贴补助资金物资管理使用", "每季度", _ART30),
    CatalogueItem(_V, _RG, "协助政府开展工作的情况", "每季度", _ART30),
    CatalogueItem(_V, _IM, "涉及村民利益的重大事项（投入资金5万元以上等）", "随时", _ART30_ZJ),
    CatalogueItem(_V, _IM, "五议两公开决议公开、实施结果公开", "随时", _FIVE_STEPS),
    CatalogueItem(_F, _RG, "财务收支情况（财务计划、收入、支出、资产、资源、债权债务、收益分配、其他）",
                  "每季度；往来较多的每月", _FINANCE),
    CatalogueItem(_F, _IM, "土地征占补偿及分配", "专项、随时", _FINANCE),
    CatalogueItem(_F, _IM, "集体资产资源发包、租赁、出让、投资及收益", "专项、随时", _FINANCE),
    CatalogueItem(_F, _IM, "工程招投标及预决算", "专项、随时", _FINANCE),
    CatalogueItem(_F, _IM, "一事一议筹资筹劳", "专项、随时", _FINANCE),
)  # fmt: skip


def _d(d: date) -> str:
    return format_chinese_date(d)


# ---------------------------------------------------------------------------------------------------------
# C20, C21


def _monthly(busy: bool, rules: TownshipRules) -> bool:
    return busy and rules.finance_monthly_if_busy


def period_deadline(period: Period, rules: TownshipRules) -> date:
    """C21: the ``disclosure_deadline_day`` of the period's first month (Q3 2024 → 2024-07-20); for a year (a
    固定公开 item, posted once a year) of its ``fixed_disclosure_month`` (2024 → 2024-01-20 by default)."""
    if period.months == 12:
        return date(period.year, rules.fixed_disclosure_month, rules.disclosure_deadline_day)
    return date(period.year, period.first_month, rules.disclosure_deadline_day)


def _periods(since: date, today: date, *, monthly: bool, yearly: bool) -> list[Period]:
    if yearly:
        return [year_of(date(y, 1, 1)) for y in range(since.year, today.year + 1)]
    return months_between(since, today, quarterly=not monthly)


def check_finance_cadence(
    published: Iterable[date], start: date, end: date, *, busy: bool, rules: TownshipRules
) -> list[Finding]:
    """C20: monthly (busy) or quarterly — each calendar month/quarter in [start, end] has a 财务公开."""
    dates = list(published)
    monthly = _monthly(busy, rules)
    out = []
    for p in months_between(start, end, quarterly=not monthly):
        if not any(p.contains(d) for d in dates):
            why = "财务往来较多，须每月公开" if monthly else "须至少每季度公开一次"
            out.append(Finding("error", "C20", f"{p.label}没有财务公开记录（{why}）", p.label))
    return out


class DueState(Enum):
    DONE = "done"
    LATE = "late"  # published, after the deadline
    OVERDUE = "overdue"  # not published, deadline passed
    PENDING = "pending"  # not published, deadline not yet passed

    @property
    def label(self) -> str:
        return {"done": "已按时公开", "late": "逾期公开", "overdue": "已逾期未公开", "pending": "待公开"}[
            self.value
        ]


@dataclass(frozen=True)
class DueItem:
    period: Period
    deadline: date
    state: DueState
    published_on: date | None
    days_late: int  # LATE: days after the deadline; OVERDUE: days overdue at ``today``; else 0

    @property
    def explanation(self) -> str:
        what = "固定公开" if self.period.months == 12 else "定期公开"
        head = f"{self.period.label}{what}（{_d(self.deadline)}前）"
        if self.state is DueState.DONE:
            return f"{head}已于{_d(self.published_on or self.deadline)}公开"
        if self.state is DueState.LATE:
            return f"{head}于{_d(self.published_on or self.deadline)}公开，逾期{self.days_late}天"
        if self.state is DueState.OVERDUE:
            return f"{head}尚未公开，已逾期{self.days_late}天"
        return f"{head}尚未公开"


def due_disclosures(
    published: Iterable[date],
    since: date,
    today: date,
    *,
    busy: bool,
    rules: TownshipRules,
    yearly: bool = False,
) -> list[DueItem]:
    """C20/C21: each month (busy), quarter or — ``yearly``, for 固定公开 items — year from ``since`` to ``today``
    with its deadline and state.

    A publication counts for the period that contains its date.
    """
    dates = sorted(published)
    monthly = _monthly(busy, rules)
    out = []
    for p in _periods(since, today, monthly=monthly, yearly=yearly):
        deadline = period_deadline(p, rules)
        first = next((d for d in dates if p.contains(d)), None)
        if first is not None and first <= deadline:
            out.append(DueItem(p, deadline, DueState.DONE, first, 0))
        elif first is not None:
            out.append(DueItem(p, deadline, DueState.LATE, first, (first - deadline).days))
        elif today > deadline:
            out.append(DueItem(p, deadline, DueState.OVERDUE, None, (today - deadline).days))
        else:
            out.append(DueItem(p, deadline, DueState.PENDING, None, 0))
    return out


# ---------------------------------------------------------------------------------------------------------
# C22 民主评议


class EvaluationResult(Enum):
    COMPETENT = "competent"
    BASICALLY_COMPETENT = "basically_competent"
    INCOMPETENT = "incompetent"

    @property
    def label(self) -> str:
        return {"competent": "称职", "basically_competent": "基本称职", "incompetent": "不称职"}[self.value]


@dataclass(frozen=True)
class EvaluationStatus:
    missing_years: tuple[int, ...]
    terminate: bool
    findings: tuple[Finding, ...]


def evaluate_evaluations(
    evaluations: Sequence[tuple[date, EvaluationResult]],
    first_year: int,
    last_year: int,
    *,
    person: str = "",
) -> EvaluationStatus:
    """C22: at least one 民主评议 per year in [first_year, last_year]; two consecutive 不称职 → 职务终止."""
    ordered = sorted(evaluations, key=lambda e: e[0])
    years = {d.year for d, _ in ordered}
    missing = tuple(y for y in range(first_year, last_year + 1) if y not in years)
    findings = [Finding("error", "C22", f"{y}年未进行民主评议", "missing_year") for y in missing]
    terminate = False
    for (d1, r1), (d2, r2) in itertools.pairwise(ordered):
        if r1 is EvaluationResult.INCOMPETENT and r2 is EvaluationResult.INCOMPETENT:
            terminate = True
            who = person or "该成员"
            findings.append(
                Finding(
                    "error",
                    "C22",
                    f"{who}在{d1.year}年、{d2.year}年民主评议中连续两次被评为不称职，其职务终止",
                    "terminate",
                )
            )
            break
    return EvaluationStatus(missing, terminate, tuple(findings))


# ---------------------------------------------------------------------------------------------------------
# C23 replies, C31 pre-review


def reply_deadline(objection_on: date, rules: TownshipRules) -> date:
    """C23: last day for a reply (objection date + ``reply_days``)."""
    return objection_on + timedelta(days=rules.reply_days)


@dataclass(frozen=True)
class ReplyStatus:
    deadline: date
    late: bool
    days_late: int
    explanation: str


def reply_status(
    objection_on: date, replied_on: date | None, today: date, rules: TownshipRules
) -> ReplyStatus:
    """C23: 03-01 objection, 03-12 reply → late (N=10)."""
    deadline = reply_deadline(objection_on, rules)
    end = replied_on or today
    days_late = max(0, (end - deadline).days)
    head = f"意见于{_d(objection_on)}提出，应在{rules.reply_days}日内（{_d(deadline)}前）答复"
    if replied_on is not None:
        text = f"{head}，于{_d(replied_on)}答复" + (f"，逾期{days_late}天" if days_late else "")
    else:
        text = f"{head}，尚未答复" + (f"，已逾期{days_late}天" if days_late else "")
    return ReplyStatus(deadline, days_late > 0, days_late, text)


def check_can_post(
    category: DisclosureCategory, *, reviewed: bool, rules: TownshipRules | None = None
) -> list[Finding]:
    """C31: a 财务公开 — and any category the township's ``disclosure_review_scope`` names — cannot be posted (or
    printed) without a 村监会 review signature; other items get a warning (浙江: 村监会对村务公开事项进行事先审查)."""
    if reviewed:
        return []
    required = (rules or TownshipRules()).review_required(
        category.value
    ) or category is DisclosureCategory.FINANCE
    if required:
        what = "财务公开" if category is DisclosureCategory.FINANCE else f"本乡镇规定{category.label}"
        return [
            Finding("error", "C31", f"{what}须经村务监督委员会审核签字后方可公开、打印", "review_required")
        ]
    return [
        Finding("warning", "C31", f"{category.label}事项尚未经村务监督委员会事先审查", "review_recommended")
    ]
