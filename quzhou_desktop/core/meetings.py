"""Meeting bodies, quorum and pass rules (C1–C4, C7–C9, C37 in ``core.rules``).

Every rule is integer arithmetic ("过半数" = strictly more than half, "三分之二以上" includes two thirds).
``evaluate_meeting`` returns a ``MeetingOutcome`` with the numbers and Chinese explanation lines such as
"应到45人，实到29人，不足三分之二（需30人），会议无效".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from quzhou_desktop.core.errors import RuleViolation, ValidationError
from quzhou_desktop.core.rules import basis
from quzhou_desktop.core.rules_config import TownshipRules

__all__ = [
    "VOTE_METHODS",
    "VOTE_METHOD_LABELS",
    "Attendance",
    "Body",
    "MeetingOutcome",
    "QuorumNotMet",
    "RosterCounts",
    "Votes",
    "evaluate_meeting",
    "more_than_half",
    "two_thirds",
]

# How a vote is taken: the value a step stores, and how notices and forms write it.
VOTE_METHOD_LABELS: dict[str, str] = {"举手": "举手表决", "无记名": "无记名投票"}
VOTE_METHODS: tuple[str, ...] = tuple(VOTE_METHOD_LABELS)


class Body(Enum):
    """Meeting bodies; ``value`` is a stable key, ``label`` the Chinese name."""

    VILLAGERS = "villagers"
    REPRESENTATIVES = "representatives"
    PARTY = "party"
    JOINT = "joint"
    BRANCH = "branch"
    SUPERVISORY = "supervisory"

    @property
    def label(self) -> str:
        return _BODY_LABELS[self]


_BODY_LABELS = {
    Body.VILLAGERS: "村民会议",
    Body.REPRESENTATIVES: "村民代表会议",
    Body.PARTY: "党员大会",
    Body.JOINT: "村务联席会议（两委会）",
    Body.BRANCH: "支委会",
    Body.SUPERVISORY: "村务监督委员会会议",
}


class QuorumNotMet(RuleViolation):
    """Params: body, entitled, present, required, rule (C1/C3/C7/C8/C37, also the ``code``), explanation."""

    code = "quorum"
    template = "{explanation}"


@dataclass(frozen=True)
class RosterCounts:
    """Who may attend.

    ``members``: 村民会议 adults (18+); 代表会议 组成人员 (村委会成员 + 代表); 党员大会 正式党员 (预备党员 not
    counted, C9); other bodies their members.  ``households``: 村民会议 only.  ``excluded``: 党员大会 members
    excluded from 应到 with 上级党组织 approval (C7).
    """

    members: int
    households: int = 0
    excluded: int = 0


@dataclass(frozen=True)
class Attendance:
    """Who came.  ``present`` counts people with a vote (党员大会: 正式党员 only — use
    ``Attendance.party(total, probationary)``); ``household_reps`` is the 村民会议 household path (C1)."""

    present: int
    household_reps: int = 0

    @classmethod
    def party(cls, headcount: int, probationary: int) -> Attendance:
        """C9: 25 present incl. 3 预备党员 → 22 count."""
        if probationary < 0 or probationary > headcount:
            raise ValidationError(field="预备党员人数", reason="应在0至到会人数之间")
        return cls(present=headcount - probationary)


@dataclass(frozen=True)
class Votes:
    """Ballots of voting members (预备党员 ballots excluded, C9)."""

    yes: int
    no: int = 0
    abstain: int = 0


@dataclass(frozen=True)
class MeetingOutcome:
    body: Body
    valid: bool
    passed: bool | None  # None when no votes were given
    entitled: int
    present: int
    required_present: int
    yes: int | None
    required_yes: int | None
    explanation_lines: tuple[str, ...]
    rules: tuple[str, ...]
    household_reps: int = 0
    required_household_reps: int = 0

    @property
    def explanation(self) -> str:
        return "；".join(self.explanation_lines)

    @property
    def basis(self) -> str:
        """The legal sources of ``rules`` as "依据…" (the ids stay for developers and tests)."""
        return basis(self.rules)

    def raise_if_not_valid(self) -> None:
        if not self.valid:
            raise QuorumNotMet(
                body=self.body.label,
                entitled=self.entitled,
                present=self.present,
                required=self.required_present,
                rule=self.rules[0],
                explanation=self.explanation,
            )


def more_than_half(n: int) -> int:
    """Smallest count strictly more than half of ``n`` (过半数)."""
    return n // 2 + 1


def two_thirds(n: int) -> int:
    """Smallest count that is at least two thirds of ``n`` (三分之二以上)."""
    return -(-2 * n // 3)


def at_least_half(n: int) -> int:
    """Smallest count that is at least half of ``n`` (半数以上)."""
    return -(-n // 2)


def _non_negative(label: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(field=label, reason="应为不小于0的整数")


def _check_inputs(roster: RosterCounts, attendance: Attendance, votes: Votes | None, entitled: int) -> None:
    _non_negative("应到人数", roster.members)
    _non_negative("户数", roster.households)
    _non_negative("经批准不计入应到人数的党员", roster.excluded)
    _non_negative("实到人数", attendance.present)
    _non_negative("到会户代表", attendance.household_reps)
    if entitled < 0:
        raise ValidationError(field="经批准不计入应到人数的党员", reason="不能多于党员人数")
    if attendance.present > entitled:
        raise ValidationError(field="实到人数", reason=f"实到{attendance.present}人，多于应到{entitled}人")
    if attendance.household_reps > roster.households:
        raise ValidationError(
            field="到会户代表", reason=f"到会{attendance.household_reps}户，多于总户数{roster.households}户"
        )
    if votes is not None:
        _non_negative("赞成票", votes.yes)
        _non_negative("反对票", votes.no)
        _non_negative("弃权票", votes.abstain)
        cast = votes.yes + votes.no + votes.abstain
        if cast > attendance.present:
            raise ValidationError(
                field="表决票数",
                reason=f"赞成、反对、弃权合计{cast}票，多于有表决权的到会人数{attendance.present}人",
            )


def _quorum_line(entitled: int, present: int, required: int, ok: bool, words: str) -> str:
    verdict = f"达到{words}（需{required}人），会议有效" if ok else f"不足{words}（需{required}人），会议无效"
    return f"应到{entitled}人，实到{present}人，{verdict}"


def _pass_line(base_label: str, base: int, yes: int, required: int) -> str:
    ok = yes >= required
    verdict = "超过" if ok else "未超过"
    result = "通过" if ok else "未通过"
    return f"{base_label}{base}人，赞成{yes}人，{verdict}半数（需{required}人），{result}"


def evaluate_meeting(
    body: Body,
    roster: RosterCounts,
    attendance: Attendance,
    votes: Votes | None,
    rules: TownshipRules,
) -> MeetingOutcome:
    """Quorum and (when ``votes`` is given) pass result for one sitting of ``body``."""
    entitled = roster.members - roster.excluded if body is Body.PARTY else roster.members
    _check_inputs(roster, attendance, votes, entitled)
    present = attendance.present
    lines: list[str] = []
    rules_used: list[str] = []
    req_reps = 0

    if body is Body.VILLAGERS:  # C1, C2
        required = more_than_half(entitled)
        req_reps = two_thirds(roster.households)
        by_adults = present >= required
        by_households = roster.households > 0 and attendance.household_reps >= req_reps
        valid = by_adults or by_households
        lines.append(
            f"十八周岁以上村民{entitled}人，到会{present}人，"
            + ("超过半数" if by_adults else "未超过半数")
            + f"（需{required}人）"
        )
        if roster.households:
            lines.append(
                f"全村{roster.households}户，到会户代表{attendance.household_reps}户，"
                + ("达到三分之二" if by_households else "不足三分之二")
                + f"（需{req_reps}户）"
            )
        lines.append("会议有效" if valid else "会议无效")
        rules_used.append("C1")
        base_label, base, pass_rule = "到会", present, "C2"
    elif body is Body.REPRESENTATIVES:  # C3, C4
        required = two_thirds(entitled)
        valid = present >= required
        lines.append(_quorum_line(entitled, present, required, valid, "三分之二"))
        rules_used.append("C3")
        if rules.rep_pass_base_all_members:
            base_label, base = "全体组成人员", entitled
        else:
            base_label, base = "到会", present
        pass_rule = "C4"
    elif body is Body.PARTY:  # C7 floor, C8 local rule, C9
        floor = at_least_half(entitled)
        required = floor
        rules_used.append("C7")
        if rules.party_two_thirds_attendance:
            required = max(floor, two_thirds(entitled))
            rules_used.append("C8")
        valid = present >= required
        words = "三分之二" if rules.party_two_thirds_attendance else "半数"
        prefix = (
            "" if not roster.excluded else f"正式党员{roster.members}人，经批准不计入{roster.excluded}人，"
        )
        lines.append(prefix + _quorum_line(entitled, present, required, valid, words))
        base_label, base, pass_rule = "应到", entitled, rules_used[-1]
    else:  # JOINT, BRANCH, SUPERVISORY: more than half of members (C37; the quorum is the app's default)
        required = more_than_half(entitled)
        valid = present >= required
        lines.append(_quorum_line(entitled, present, required, valid, "半数以上"))
        rules_used.append("C37")
        base_label, base, pass_rule = "全体成员", entitled, "C37"

    passed: bool | None = None
    yes: int | None = None
    required_yes: int | None = None
    if votes is not None:
        yes = votes.yes
        required_yes = more_than_half(base)
        if valid:
            passed = yes >= required_yes
            lines.append(_pass_line(base_label, base, yes, required_yes))
        else:
            passed = False
            lines.append("会议无效，表决结果不发生效力")
        if pass_rule not in rules_used:
            rules_used.append(pass_rule)

    return MeetingOutcome(
        body=body,
        valid=valid,
        passed=passed,
        entitled=entitled,
        present=present,
        required_present=required,
        yes=yes,
        required_yes=required_yes,
        explanation_lines=tuple(lines),
        rules=tuple(rules_used),
        household_reps=attendance.household_reps,
        required_household_reps=req_reps,
    )
