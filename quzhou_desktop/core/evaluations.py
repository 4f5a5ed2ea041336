"""民主评议 (村民委员会组织法 第三十三条): the verdict from the votes, who chairs and how often (C35), and what two
consecutive 不称职 verdicts mean (C22, with ``core.disclosures.evaluate_evaluations``).

``verdict_of`` turns the counts of 满意 / 基本满意 / 不满意 into 称职 / 基本称职 / 不称职 by the township's shares;
``check_evaluation`` checks one review meeting (chair from the 村务监督委员会, a deciding body, counts that add
up); ``consequence`` says what follows for the person's office after a new verdict.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum

from quzhou_desktop.core.disclosures import EvaluationResult, evaluate_evaluations
from quzhou_desktop.core.meetings import Body
from quzhou_desktop.core.money import Finding
from quzhou_desktop.core.rules_config import TownshipRules

__all__ = [
    "EVALUATING_BODIES",
    "Consequence",
    "EvaluatedOffice",
    "EvaluationResult",
    "Votes",
    "check_evaluation",
    "consequence",
    "missing_years",
    "verdict_of",
]

EVALUATING_BODIES = (Body.VILLAGERS, Body.REPRESENTATIVES)
"""第三十三条: 民主评议 is held by the 村民会议 or the 村民代表会议."""


class EvaluatedOffice(Enum):
    """Who is reviewed: 村委会 members (C22 ends their office), the 村监会's members, paid staff (聘用人员)."""

    COMMITTEE = "village_committee"
    SUPERVISORY = "supervisory"
    STAFF = "staff"

    @property
    def label(self) -> str:
        return {"village_committee": "村民委员会", "supervisory": "村务监督委员会", "staff": "聘用人员"}[
            self.value
        ]

    @property
    def ends_on_two_incompetent(self) -> bool:
        """第三十三条 ends the office of 村民委员会成员 only."""
        return self is EvaluatedOffice.COMMITTEE


@dataclass(frozen=True)
class Votes:
    satisfied: int
    basically_satisfied: int
    dissatisfied: int

    @property
    def total(self) -> int:
        return self.satisfied + self.basically_satisfied + self.dissatisfied


def _share_over(part: int, total: int, pct: int) -> bool:
    """part / total > pct % in integer arithmetic (超过: the share itself does not count)."""
    return part * 100 > total * pct


def verdict_of(votes: Votes, rules: TownshipRules) -> EvaluationResult:
    """不称职 when 不满意 is over the township's share of the votes, 称职 when 满意 is over its share, else
    基本称职 (defaults: over half each). With no votes, 基本称职 cannot be judged: ``ValueError``."""
    if min(votes.satisfied, votes.basically_satisfied, votes.dissatisfied) < 0 or votes.total == 0:
        raise ValueError("votes must be non-negative and not all zero")
    if _share_over(votes.dissatisfied, votes.total, rules.evaluation_incompetent_pct):
        return EvaluationResult.INCOMPETENT
    if _share_over(votes.satisfied, votes.total, rules.evaluation_competent_pct):
        return EvaluationResult.COMPETENT
    return EvaluationResult.BASICALLY_COMPETENT


def check_evaluation(
    *,
    body: Body | None,
    chair_on_supervisory: bool,
    chair_name: str,
    held_on: date,
    year: int,
    participants: int | None,
    votes: Sequence[tuple[str, Votes]],
) -> list[Finding]:
    """C35: chaired by a member of the 村务监督委员会, held by the 村民会议 or 村民代表会议, in its year; C22: each
    person's votes are counted (no more votes than participants)."""
    out: list[Finding] = []
    if not chair_on_supervisory:
        who = f"主持人{chair_name}" if chair_name else "没有主持人，"
        out.append(
            Finding(
                "error",
                "C35",
                f"{who}不是本村在任的村务监督委员会成员，民主评议须由村务监督机构主持",
                "chair",
            )
        )
    if body not in EVALUATING_BODIES:
        named = body.label if body is not None else "未写明的会议"
        out.append(
            Finding("error", "C35", f"民主评议须由村民会议或村民代表会议进行，不能由{named}进行", "body")
        )
    if held_on.year != year:
        out.append(Finding("error", "C35", f"评议日期在{held_on.year}年，与评议年度{year}年不符", "year"))
    for name, v in votes:
        if v.total == 0:
            out.append(
                Finding("error", "C22", f"{name}的评议票数为零，请填写满意、基本满意、不满意票数", "no_votes")
            )
        elif participants is not None and v.total > participants:
            out.append(
                Finding(
                    "error",
                    "C22",
                    f"{name}的评议票数共{v.total}票，多于参加评议的{participants}人",
                    "too_many_votes",
                )
            )
    return out


def missing_years(held: Sequence[int], first_year: int, last_year: int) -> tuple[int, ...]:
    """C35: the years in [first_year, last_year] without a 民主评议."""
    years = set(held)
    return tuple(y for y in range(first_year, last_year + 1) if y not in years)


@dataclass(frozen=True)
class Consequence:
    ends_office: bool
    remind: bool  # two 不称职 in a row for somebody whose office the law does not end: tell the township
    findings: tuple[Finding, ...]


def consequence(
    office: EvaluatedOffice, history: Sequence[tuple[date, EvaluationResult]], *, person: str
) -> Consequence:
    """C22 after a new verdict: ``history`` holds the person's verdicts in this office, the new one included.
    Two consecutive 不称职 end a 村委会 member's office; for others the 村民会议 decides, so it is a reminder."""
    years = [d.year for d, _ in history]
    status = evaluate_evaluations(history, min(years, default=0), max(years, default=0), person=person)
    if not status.terminate:
        return Consequence(False, False, ())
    found = [f for f in status.findings if f.detail == "terminate"]
    if office.ends_on_two_incompetent:
        return Consequence(True, False, tuple(found))
    text = (
        f"{person}（{office.label}）连续两次民主评议被评为不称职；法律规定职务终止的只限村民委员会成员，"
        "请按村规民约或村民会议的决定处理"
    )
    return Consequence(False, True, (Finding("warning", "C22", text, "remind"),))
