"""民主评议: the verdict from the votes (C22 with the township's shares), chair, body and year of a review (C35), and
what two consecutive 不称职 verdicts mean for the office (C22)."""

from __future__ import annotations

from datetime import date

import pytest

from quzhou_desktop.core.evaluations import (
    EvaluatedOffice,
    EvaluationResult,
    Votes,
    check_evaluation,
    consequence,
    missing_years,
    verdict_of,
)
from quzhou_desktop.core.meetings import Body
from quzhou_desktop.core.rules_config import TownshipRules

D = date.fromisoformat
E = EvaluationResult
DEFAULT = TownshipRules()
STRICT = TownshipRules(evaluation_competent_pct=80, evaluation_incompetent_pct=30)


@pytest.mark.parametrize(
    ("votes", "rules", "verdict"),
    [
        pytest.param((31, 20, 9), DEFAULT, E.COMPETENT, id="C22-satisfied-over-half-competent"),
        pytest.param((30, 20, 10), DEFAULT, E.BASICALLY_COMPETENT, id="C22-satisfied-exactly-half-not-over"),
        pytest.param((10, 19, 31), DEFAULT, E.INCOMPETENT, id="C22-dissatisfied-over-half-incompetent"),
        pytest.param((10, 20, 30), DEFAULT, E.BASICALLY_COMPETENT, id="C22-dissatisfied-exactly-half"),
        pytest.param((45, 5, 9), STRICT, E.BASICALLY_COMPETENT, id="C22-township-80-pct-for-competent"),
        pytest.param((30, 10, 19), STRICT, E.INCOMPETENT, id="C22-township-30-pct-for-incompetent"),
    ],
)
def test_c22_verdict_from_the_votes(votes: tuple[int, int, int], rules: TownshipRules, verdict: E) -> None:
    assert verdict_of(Votes(*votes), rules) is verdict


def test_c22_no_votes_is_no_verdict() -> None:
    with pytest.raises(ValueError):
        verdict_of(Votes(0, 0, 0), DEFAULT)


GOOD = {"body": Body.REPRESENTATIVES, "chair_on_supervisory": True, "chair_name": "张海军",
        "held_on": D("2026-12-10"), "year": 2026, "participants": 40}  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "details"),
    [
        pytest.param({}, [], id="C35-chaired-by-the-supervisory-committee"),
        pytest.param({"chair_on_supervisory": False, "chair_name": "李秀英"}, ["chair"],
                     id="C35-2025-review-chaired-by-the-director"),
        pytest.param({"body": Body.JOINT}, ["body"], id="C35-held-by-the-joint-meeting"),
        pytest.param({"body": None}, ["body"], id="C35-no-body"),
        pytest.param({"body": Body.VILLAGERS}, [], id="C35-villagers-meeting"),
        pytest.param({"held_on": D("2027-01-05")}, ["year"], id="C35-held-in-another-year"),
    ],
)  # fmt: skip
def test_c35_chair_body_and_year(changes: dict[str, object], details: list[str]) -> None:
    found = check_evaluation(**{**GOOD, **changes}, votes=[("王建国", Votes(30, 8, 2))])  # type: ignore[arg-type]
    assert [f.detail for f in found] == details
    assert all(f.code == "C35" for f in found)
    if details:
        assert "第三十三条" in found[0].shown


@pytest.mark.parametrize(
    ("votes", "detail"),
    [
        pytest.param(Votes(0, 0, 0), "no_votes", id="C22-no-votes-counted"),
        pytest.param(Votes(30, 8, 3), "too_many_votes", id="C22-41-votes-from-40-participants"),
    ],
)
def test_c22_votes_must_be_counted(votes: Votes, detail: str) -> None:
    found = check_evaluation(**GOOD, votes=[("王建国", votes)])  # type: ignore[arg-type]
    assert [(f.code, f.detail) for f in found] == [("C22", detail)]


def test_c35_missing_years() -> None:
    assert missing_years([2024, 2026], 2024, 2027) == (2025, 2027)


@pytest.mark.parametrize(
    ("office", "history", "ends", "remind"),
    [
        pytest.param(EvaluatedOffice.COMMITTEE, [("2025-12-01", E.INCOMPETENT), ("2026-12-01", E.INCOMPETENT)],
                     True, False, id="C22-committee-two-incompetent-office-ends"),
        pytest.param(EvaluatedOffice.COMMITTEE, [("2025-12-01", E.INCOMPETENT), ("2026-12-01", E.BASICALLY_COMPETENT)],
                     False, False, id="C22-committee-recovered"),
        pytest.param(EvaluatedOffice.COMMITTEE,
                     [("2024-12-01", E.INCOMPETENT), ("2025-12-01", E.COMPETENT), ("2026-12-01", E.INCOMPETENT)],
                     False, False, id="C22-not-consecutive"),
        pytest.param(EvaluatedOffice.SUPERVISORY, [("2025-12-01", E.INCOMPETENT), ("2026-12-01", E.INCOMPETENT)],
                     False, True, id="C22-supervisory-member-only-a-reminder"),
        pytest.param(EvaluatedOffice.COMMITTEE, [("2026-12-01", E.INCOMPETENT)], False, False,
                     id="C22-first-incompetent"),
    ],
)  # fmt: skip
def test_c22_two_consecutive_incompetent(
    office: EvaluatedOffice, history: list[tuple[str, E]], ends: bool, remind: bool
) -> None:
    c = consequence(office, [(D(d), r) for d, r in history], person="王建国")
    assert (c.ends_office, c.remind) == (ends, remind)
    assert all(f.code == "C22" for f in c.findings)
    if ends:
        assert "王建国在2025年、2026年民主评议中连续两次被评为不称职，其职务终止" in c.findings[0].message
