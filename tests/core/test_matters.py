"""五议两公开 steps: C10–C15 and next-step computation."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from quzhou_desktop.core.matters import (
    MatterCategory,
    StepNotAllowed,
    StepRecord,
    StepType,
    check_matter_approval,
    check_step,
    next_step_due,
    require_step,
    step_sequence,
)
from quzhou_desktop.core.meetings import Body
from quzhou_desktop.core.rules_config import TownshipRules

S = StepType
RULES = TownshipRules()
NO_SUGGEST = TownshipRules(include_suggest=False)


def rec(step: StepType, d: str, **kw: Any) -> StepRecord:
    passed = kw.pop("passed", True if step.is_vote else None)
    return StepRecord(step, date.fromisoformat(d), passed=passed, **kw)


# a run up to (and including) the plan posting on 2024-05-01
UP_TO_POSTING = [
    rec(S.SUGGEST, "2024-04-01"),
    rec(S.PROPOSE, "2024-04-10", body=Body.BRANCH),
    rec(S.CONSULT, "2024-04-20", body=Body.JOINT),
    rec(S.PLAN_POSTING, "2024-05-01"),
]
UP_TO_DELIBERATE = [*UP_TO_POSTING, rec(S.DELIBERATE, "2024-05-17", body=Body.PARTY)]


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        pytest.param(
            RULES,
            [S.SUGGEST, S.PROPOSE, S.CONSULT, S.PLAN_POSTING, S.DELIBERATE, S.RESOLVE,
             S.RESOLUTION_DISCLOSURE, S.IMPLEMENT, S.RESULT_DISCLOSURE],
            id="C10-default-zhejiang",
        ),
        pytest.param(
            TownshipRules(include_suggest=False, include_plan_posting=False),
            [S.PROPOSE, S.CONSULT, S.DELIBERATE, S.RESOLVE, S.RESOLUTION_DISCLOSURE, S.IMPLEMENT,
             S.RESULT_DISCLOSURE],
            id="C10-national-four",
        ),
        pytest.param(
            TownshipRules(include_supervisory_review=True, merge_propose_consult=True),
            [S.SUGGEST, S.PROPOSE_AND_CONSULT, S.SUPERVISORY_REVIEW, S.PLAN_POSTING, S.DELIBERATE,
             S.RESOLVE, S.RESOLUTION_DISCLOSURE, S.IMPLEMENT, S.RESULT_DISCLOSURE],
            id="C10-yijiantiao-and-jianyi-review",
        ),
    ],
)  # fmt: skip
def test_step_sequence(rules: TownshipRules, expected: list[StepType]) -> None:
    assert list(step_sequence(rules)) == expected


@pytest.mark.parametrize(
    ("existing", "new", "rules", "codes"),
    [
        pytest.param(
            [], rec(S.PROPOSE, "2024-04-10", body=Body.BRANCH), RULES, [], id="C10-suggest-optional"
        ),
        pytest.param(
            [], rec(S.CONSULT, "2024-04-10"), RULES, [("C10", "order")], id="C10-consult-before-propose"
        ),
        pytest.param(
            [rec(S.PROPOSE, "2024-05-01"), rec(S.CONSULT, "2024-05-12")],
            rec(S.DELIBERATE, "2024-05-10", body=Body.PARTY),
            NO_SUGGEST.with_changes(include_plan_posting=False),
            [("C10", "date_order")],
            id="C10-deliberate-0510-before-consult-0512",
        ),
        pytest.param(
            [rec(S.PROPOSE, "2024-05-01"), rec(S.CONSULT, "2024-05-12")],
            rec(S.DELIBERATE, "2024-05-12", body=Body.PARTY),
            NO_SUGGEST.with_changes(include_plan_posting=False),
            [],
            id="C10-same-day-ok",
        ),
        pytest.param(
            [rec(S.PROPOSE, "2024-05-01"), rec(S.CONSULT, "2024-05-12", passed=False)],
            rec(S.DELIBERATE, "2024-05-20", body=Body.PARTY),
            NO_SUGGEST,
            [("C10", "run_closed")],
            id="C10-consult-failed-closes-run",
        ),
        pytest.param(
            UP_TO_POSTING[:3],
            rec(S.PLAN_POSTING, "2024-05-01"),
            RULES,
            [],
            id="C10-plan-posting-after-consult",
        ),
        pytest.param(
            [*UP_TO_POSTING, rec(S.DELIBERATE, "2024-05-17", body=Body.PARTY, passed=False)],
            rec(S.RESOLVE, "2024-06-01", body=Body.REPRESENTATIVES, notice_on=date(2024, 5, 25)),
            RULES,
            [("C10", "run_closed")],
            id="C10-resolve-requires-passed-deliberate",
        ),
        pytest.param(
            [*UP_TO_POSTING, rec(S.DELIBERATE, "2024-05-17", body=Body.PARTY, passed=None)],
            rec(S.RESOLVE, "2024-06-01", body=Body.REPRESENTATIVES, notice_on=date(2024, 5, 25)),
            RULES,
            [("C10", "vote_missing")],
            id="C10-deliberate-vote-missing",
        ),
        pytest.param(
            UP_TO_DELIBERATE,
            rec(S.CONSULT, "2024-05-20"),
            RULES,
            [("C10", "duplicate"), ("C10", "order")],
            id="C10-no-repeat-or-backfill",
        ),
        pytest.param(
            UP_TO_POSTING,
            rec(S.DELIBERATE, "2024-05-17", body=Body.JOINT),
            RULES,
            [("C10", "body")],
            id="C10-deliberate-needs-party-meeting",
        ),
        pytest.param(
            [],
            rec(S.SUPERVISORY_REVIEW, "2024-05-17"),
            RULES,
            [("C10", "not_configured")],
            id="C10-step-not-configured",
        ),
        pytest.param(
            UP_TO_POSTING,
            rec(S.DELIBERATE, "2024-05-16", body=Body.PARTY),
            RULES,
            [("C11", "posting_period")],
            id="C11-posted-0501-deliberate-0516-too-early",
        ),
        pytest.param(
            UP_TO_POSTING, rec(S.DELIBERATE, "2024-05-17", body=Body.PARTY), RULES, [], id="C11-0517-ok"
        ),
        pytest.param(
            UP_TO_POSTING,
            rec(S.DELIBERATE, "2024-05-09", body=Body.PARTY),
            RULES.with_changes(plan_posting_days=7),
            [],
            id="C11-cfg-7-days-0509-ok",
        ),
        pytest.param(
            UP_TO_POSTING,
            rec(S.DELIBERATE, "2024-05-08", body=Body.PARTY),
            RULES.with_changes(plan_posting_days=7),
            [("C11", "posting_period")],
            id="C11-cfg-7-days-0508-early",
        ),
        pytest.param(
            UP_TO_DELIBERATE,
            rec(S.RESOLVE, "2024-06-20", body=Body.VILLAGERS, notice_on=date(2024, 6, 10)),
            RULES,
            [],
            id="C13-villagers-notice-0610-ok",
        ),
        pytest.param(
            UP_TO_DELIBERATE,
            rec(S.RESOLVE, "2024-06-20", body=Body.VILLAGERS, notice_on=date(2024, 6, 11)),
            RULES,
            [("C13", "notice_late")],
            id="C13-villagers-notice-0611-late",
        ),
        pytest.param(
            UP_TO_DELIBERATE,
            rec(S.RESOLVE, "2024-06-20", body=Body.VILLAGERS, notice_on=date(2024, 6, 19), urgent=True),
            RULES,
            [],
            id="C13-urgent-exempt",
        ),
        pytest.param(
            UP_TO_DELIBERATE,
            rec(S.RESOLVE, "2024-06-20", body=Body.REPRESENTATIVES, notice_on=date(2024, 6, 17)),
            RULES,
            [],
            id="C13-reps-3-days-ok",
        ),
        pytest.param(
            UP_TO_DELIBERATE,
            rec(S.RESOLVE, "2024-06-20", body=Body.REPRESENTATIVES, notice_on=date(2024, 6, 18)),
            RULES,
            [("C13", "notice_late")],
            id="C13-reps-2-days-late",
        ),
        pytest.param(
            UP_TO_DELIBERATE,
            rec(S.RESOLVE, "2024-06-20", body=Body.REPRESENTATIVES),
            RULES,
            [("C13", "notice_missing")],
            id="C13-notice-missing-warning",
        ),
        pytest.param(
            [*UP_TO_DELIBERATE, rec(S.RESOLVE, "2024-06-01", body=Body.REPRESENTATIVES)],
            rec(S.RESOLUTION_DISCLOSURE, "2024-06-03", ends_on=date(2024, 6, 6)),
            RULES,
            [("C12", "posting_period")],
            id="C12-posted-0603-removed-0606-too-early",
        ),
        pytest.param(
            [*UP_TO_DELIBERATE, rec(S.RESOLVE, "2024-06-01", body=Body.REPRESENTATIVES)],
            rec(S.RESOLUTION_DISCLOSURE, "2024-06-03", ends_on=date(2024, 6, 7)),
            RULES,
            [],
            id="C12-removed-0607-ok",
        ),
    ],
)
def test_check_step(
    existing: list[StepRecord], new: StepRecord, rules: TownshipRules, codes: list[tuple[str, str]]
) -> None:
    findings = check_step(existing, new, rules)
    assert [(f.code, f.detail) for f in findings] == codes


def test_c11_message_has_dates() -> None:
    [finding] = check_step(UP_TO_POSTING, rec(S.DELIBERATE, "2024-05-16", body=Body.PARTY), RULES)
    assert "2024年5月1日" in finding.message and "2024年5月17日" in finding.message


@pytest.mark.parametrize(
    ("category", "body", "codes"),
    [
        pytest.param(
            MatterCategory.VILLAGE_RULES, Body.REPRESENTATIVES, ["C15"], id="C15-village-rules-by-reps"
        ),
        pytest.param(MatterCategory.CHARTER, Body.REPRESENTATIVES, ["C15"], id="C15-charter-by-reps"),
        pytest.param(MatterCategory.RECALL_COMMITTEE, Body.REPRESENTATIVES, ["C15"], id="C15-recall-by-reps"),
        pytest.param(MatterCategory.VILLAGE_RULES, Body.VILLAGERS, [], id="C15-village-rules-by-villagers"),
        pytest.param(MatterCategory.HOMESTEAD, Body.REPRESENTATIVES, [], id="C15-homestead-by-reps-ok"),
    ],
)
def test_c15_reserved_to_villagers_meeting(category: MatterCategory, body: Body, codes: list[str]) -> None:
    new = rec(S.RESOLVE, "2024-06-20", body=body, notice_on=date(2024, 6, 1))
    assert [f.code for f in check_step(UP_TO_DELIBERATE, new, RULES, category)] == codes


@pytest.mark.parametrize(
    ("category", "steps", "blocked"),
    [
        pytest.param(MatterCategory.HOMESTEAD, [rec(S.CONSULT, "2024-05-01", body=Body.JOINT)], True,
                     id="C14-homestead-only-liangwei-minutes-block"),
        pytest.param(MatterCategory.HOMESTEAD, [rec(S.RESOLVE, "2024-05-01", passed=False)], True,
                     id="C14-failed-resolution-block"),
        pytest.param(MatterCategory.HOMESTEAD, [rec(S.RESOLVE, "2024-05-01")], False, id="C14-resolved-ok"),
        pytest.param(MatterCategory.ASSET_TRANSFER, [], True, id="C14-zhejiang-asset-transfer-block"),
        pytest.param(MatterCategory.EXTERNAL_INVESTMENT, [], True, id="C14-zhejiang-investment-block"),
        pytest.param(MatterCategory.OTHER, [], False, id="C14-other-not-required"),
    ],
)  # fmt: skip
def test_c14_requires_resolution(category: MatterCategory, steps: list[StepRecord], blocked: bool) -> None:
    findings = check_matter_approval(category, steps)
    assert bool(findings) is blocked
    assert all(f.code == "C14" for f in findings)


def test_c14_on_implement_step() -> None:
    rules = NO_SUGGEST.with_changes(include_plan_posting=False)
    steps = [rec(S.PROPOSE, "2024-05-01"), rec(S.CONSULT, "2024-05-02")]
    findings = check_step(steps, rec(S.IMPLEMENT, "2024-05-03"), rules, MatterCategory.HOMESTEAD)
    assert ("C14", "resolution_required") in [(f.code, f.detail) for f in findings]


def test_categories_have_labels_and_flags() -> None:
    labels = {c.label for c in MatterCategory}
    assert len(labels) == len(MatterCategory)
    assert (
        sum(c.source.startswith("《中华人民共和国村民委员会组织法》第二十四条（") for c in MatterCategory)
        == 9
    )
    assert {c for c in MatterCategory if c.villagers_meeting_only} == {
        MatterCategory.RECALL_COMMITTEE,
        MatterCategory.CHARTER,
        MatterCategory.VILLAGE_RULES,
    }


def test_require_step_raises_with_rule_id() -> None:
    with pytest.raises(StepNotAllowed) as info:
        require_step(UP_TO_POSTING, rec(S.DELIBERATE, "2024-05-16", body=Body.PARTY), RULES)
    assert info.value.params["rule"] == "C11" and info.value.code == "C11"
    # the dates and period, then the source — local practice said to be local practice, no rule id
    assert "须公示满15日，2024年5月17日起方可审议" in str(info.value)
    assert "，依据浙江省宁海县村级小微权力清单（地方做法）" in str(info.value) and "C11" not in str(
        info.value
    )
    warnings = require_step(UP_TO_DELIBERATE, rec(S.RESOLVE, "2024-06-20", body=Body.REPRESENTATIVES), RULES)
    assert [w.level for w in warnings] == ["warning"]


@pytest.mark.parametrize(
    ("existing", "step", "earliest"),
    [
        pytest.param([], S.SUGGEST, None, id="next-start"),
        pytest.param(UP_TO_POSTING[:1], S.PROPOSE, date(2024, 4, 1), id="next-after-suggest"),
        pytest.param(UP_TO_POSTING, S.DELIBERATE, date(2024, 5, 17), id="next-C11-after-posting"),
        pytest.param(UP_TO_DELIBERATE, S.RESOLVE, date(2024, 5, 17), id="next-resolve"),
        pytest.param(
            [*UP_TO_POSTING[:2], rec(S.CONSULT, "2024-04-20", passed=False)], None, None, id="next-closed"
        ),
    ],
)
def test_next_step_due(existing: list[StepRecord], step: StepType | None, earliest: date | None) -> None:
    nxt = next_step_due(existing, RULES)
    assert (nxt.step, nxt.earliest) == (step, earliest)
    assert nxt.explanation


def test_next_step_done() -> None:
    steps = [
        *UP_TO_DELIBERATE,
        rec(S.RESOLVE, "2024-06-01", body=Body.REPRESENTATIVES),
        rec(S.RESOLUTION_DISCLOSURE, "2024-06-03"),
        rec(S.IMPLEMENT, "2024-07-01"),
        rec(S.RESULT_DISCLOSURE, "2024-09-01"),
    ]
    assert next_step_due(steps, RULES).step is None
    assert next_step_due(steps[:-1], RULES).step is S.RESULT_DISCLOSURE
    resolve_next = next_step_due(UP_TO_DELIBERATE, RULES)
    assert resolve_next.notice_by == date(2024, 5, 14)
