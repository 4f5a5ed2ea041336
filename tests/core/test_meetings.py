"""Quorum and pass rules: C1–C4, C7–C9, C37 (docs/RULES.md)."""

from __future__ import annotations

import pytest

from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.core.meetings import (
    Attendance,
    Body,
    QuorumNotMet,
    RosterCounts,
    Votes,
    evaluate_meeting,
    more_than_half,
    two_thirds,
)
from quzhou_desktop.core.rules_config import TownshipRules

BASE = TownshipRules()
STRICT_REPS = TownshipRules(rep_pass_base_all_members=True)
NATIONAL_PARTY = TownshipRules(party_two_thirds_attendance=False)


@pytest.mark.parametrize(
    ("n", "half", "third2"),
    [(0, 1, 0), (1, 1, 1), (30, 16, 20), (31, 16, 21), (45, 23, 30), (600, 301, 400), (240, 121, 160)],
    ids=["n0", "n1", "n30", "n31", "n45", "n600", "n240"],
)
def test_thresholds(n: int, half: int, third2: int) -> None:
    assert more_than_half(n) == half
    assert two_thirds(n) == third2


@pytest.mark.parametrize(
    ("adults", "present", "households", "reps", "valid"),
    [
        pytest.param(600, 301, 0, 0, True, id="C1-N600-A301-valid"),
        pytest.param(600, 300, 0, 0, False, id="C1-N600-A300-exactly-half-invalid"),
        pytest.param(600, 100, 240, 160, True, id="C1-H240-R160-valid"),
        pytest.param(600, 100, 240, 159, False, id="C1-H240-R159-invalid"),
        pytest.param(601, 301, 0, 0, True, id="C1-N601-A301-valid"),
        pytest.param(601, 300, 240, 0, False, id="C1-N601-A300-invalid"),
    ],
)
def test_c1_villagers_quorum(adults: int, present: int, households: int, reps: int, valid: bool) -> None:
    out = evaluate_meeting(
        Body.VILLAGERS, RosterCounts(adults, households=households), Attendance(present, reps), None, BASE
    )
    assert out.valid is valid
    assert out.passed is None
    assert "C1" in out.rules
    assert out.explanation_lines[-1] == ("会议有效" if valid else "会议无效")


@pytest.mark.parametrize(
    ("present", "yes", "passed"),
    [
        pytest.param(301, 151, True, id="C2-P301-Y151-pass"),
        pytest.param(301, 150, False, id="C2-P301-Y150-fail"),
        pytest.param(302, 151, False, id="C2-P302-Y151-exactly-half-fail"),
        pytest.param(302, 152, True, id="C2-P302-Y152-pass"),
    ],
)
def test_c2_villagers_pass(present: int, yes: int, passed: bool) -> None:
    out = evaluate_meeting(Body.VILLAGERS, RosterCounts(600), Attendance(present), Votes(yes), BASE)
    assert out.valid
    assert out.passed is passed
    assert out.rules == ("C1", "C2")


@pytest.mark.parametrize(
    ("members", "present", "valid", "required"),
    [
        pytest.param(45, 30, True, 30, id="C3-M45-P30-valid"),
        pytest.param(45, 29, False, 30, id="C3-M45-P29-invalid"),
        pytest.param(30, 20, True, 20, id="C3-M30-P20-exactly-two-thirds-valid"),
        pytest.param(30, 19, False, 20, id="C3-M30-P19-invalid"),
        pytest.param(31, 21, True, 21, id="C3-M31-P21-valid"),
        pytest.param(31, 20, False, 21, id="C3-M31-P20-invalid"),
    ],
)
def test_c3_representatives_quorum(members: int, present: int, valid: bool, required: int) -> None:
    out = evaluate_meeting(Body.REPRESENTATIVES, RosterCounts(members), Attendance(present), None, BASE)
    assert (out.valid, out.required_present) == (valid, required)


def test_c3_explanation_text() -> None:
    out = evaluate_meeting(Body.REPRESENTATIVES, RosterCounts(45), Attendance(29), None, BASE)
    assert out.explanation_lines == ("应到45人，实到29人，不足三分之二（需30人），会议无效",)
    with pytest.raises(QuorumNotMet) as info:
        out.raise_if_not_valid()
    assert info.value.params["rule"] == "C3"
    assert "需30人" in str(info.value)


@pytest.mark.parametrize(
    ("rules", "present", "yes", "passed", "required_yes"),
    [
        pytest.param(BASE, 30, 16, True, 16, id="C4-M45-P30-Y16-pass"),
        pytest.param(BASE, 30, 15, False, 16, id="C4-M45-P30-Y15-exactly-half-fail"),
        pytest.param(STRICT_REPS, 30, 16, False, 23, id="C4-strict-Y16-fail"),
        pytest.param(STRICT_REPS, 30, 23, True, 23, id="C4-strict-Y23-pass"),
        pytest.param(STRICT_REPS, 30, 22, False, 23, id="C4-strict-Y22-fail"),
    ],
)
def test_c4_representatives_pass(
    rules: TownshipRules, present: int, yes: int, passed: bool, required_yes: int
) -> None:
    out = evaluate_meeting(Body.REPRESENTATIVES, RosterCounts(45), Attendance(present), Votes(yes, 1), rules)
    assert (out.passed, out.required_yes) == (passed, required_yes)
    assert out.rules == ("C3", "C4")


def test_c4_invalid_meeting_never_passes() -> None:
    out = evaluate_meeting(Body.REPRESENTATIVES, RosterCounts(45), Attendance(29), Votes(29), BASE)
    assert (out.valid, out.passed) == (False, False)
    with pytest.raises(QuorumNotMet):
        out.raise_if_not_valid()


def test_c4_not_passed_is_explained() -> None:
    out = evaluate_meeting(Body.REPRESENTATIVES, RosterCounts(45), Attendance(30), Votes(15, 15), BASE)
    assert (out.valid, out.passed, out.rules[-1]) == (True, False, "C4")
    assert out.explanation_lines[-1] == "到会30人，赞成15人，未超过半数（需16人），未通过"


@pytest.mark.parametrize(
    ("formal", "excluded", "present", "yes", "valid", "passed", "req_present", "req_yes"),
    [
        pytest.param(31, 0, 16, 16, True, True, 16, 16, id="C7-E31-A16-Y16"),
        pytest.param(31, 0, 15, 15, False, False, 16, 16, id="C7-E31-A15-invalid"),
        pytest.param(30, 0, 16, 16, True, True, 15, 16, id="C7-E30-A16-Y16-pass"),
        pytest.param(30, 0, 15, 15, True, False, 15, 16, id="C7-E30-A15-exactly-half-present-Y15-fail"),
        pytest.param(30, 0, 14, 0, False, False, 15, 16, id="C7-E30-A14-invalid"),
        pytest.param(33, 3, 16, 16, True, True, 15, 16, id="C7-exclusions-E30-pass"),
        pytest.param(33, 0, 16, 16, False, False, 17, 17, id="C7-no-exclusions-E33-invalid"),
    ],
)
def test_c7_party_floor(
    formal: int,
    excluded: int,
    present: int,
    yes: int,
    valid: bool,
    passed: bool,
    req_present: int,
    req_yes: int,
) -> None:
    out = evaluate_meeting(
        Body.PARTY, RosterCounts(formal, excluded=excluded), Attendance(present), Votes(yes), NATIONAL_PARTY
    )
    assert (out.valid, out.required_present, out.required_yes) == (valid, req_present, req_yes)
    assert out.passed is passed
    assert out.rules == ("C7",)
    assert out.entitled == formal - excluded


@pytest.mark.parametrize(
    ("present", "yes", "valid", "passed"),
    [
        pytest.param(20, 16, True, True, id="C8-T30-A20-Y16-pass"),
        pytest.param(19, 16, False, False, id="C8-T30-A19-invalid"),
        pytest.param(20, 15, True, False, id="C8-T30-Y15-exactly-half-fail"),
        pytest.param(30, 16, True, True, id="C8-T30-all-present"),
    ],
)
def test_c8_party_local_rule(present: int, yes: int, valid: bool, passed: bool) -> None:
    out = evaluate_meeting(Body.PARTY, RosterCounts(30), Attendance(present), Votes(yes), BASE)
    assert (out.valid, out.passed, out.required_present, out.required_yes) == (valid, passed, 20, 16)
    assert out.rules == ("C7", "C8")


@pytest.mark.parametrize(
    ("headcount", "probationary", "voting"),
    [
        pytest.param(25, 3, 22, id="C9-25-incl-3-probationary-22"),
        pytest.param(10, 0, 10, id="C9-no-probationary"),
        pytest.param(3, 3, 0, id="C9-all-probationary"),
    ],
)
def test_c9_only_formal_members_count(headcount: int, probationary: int, voting: int) -> None:
    assert Attendance.party(headcount, probationary).present == voting


def test_c9_probationary_ballots_rejected() -> None:
    # 22 formal members present; 25 ballots (incl. 3 预备党员) cannot be counted
    with pytest.raises(ValidationError):
        evaluate_meeting(Body.PARTY, RosterCounts(30), Attendance.party(25, 3), Votes(20, 3, 2), BASE)


@pytest.mark.parametrize("probationary", [-1, 26], ids=["C9-negative", "C9-more-than-headcount"])
def test_c9_bad_probationary(probationary: int) -> None:
    with pytest.raises(ValidationError):
        Attendance.party(25, probationary)


@pytest.mark.parametrize(
    "body", [Body.JOINT, Body.BRANCH, Body.SUPERVISORY], ids=["C37-joint", "C37-branch", "C37-jw"]
)
@pytest.mark.parametrize(
    ("members", "present", "yes", "valid", "passed"),
    [
        pytest.param(9, 9, 5, True, True, id="M9-Y5-pass"),
        pytest.param(9, 9, 4, True, False, id="M9-Y4-fail"),
        pytest.param(8, 8, 4, True, False, id="M8-Y4-exactly-half-fail"),
        pytest.param(8, 5, 5, True, True, id="M8-P5-Y5-pass"),
        pytest.param(8, 4, 4, False, False, id="M8-P4-invalid"),
    ],
)
def test_s37_simple_majority_of_members(
    body: Body, members: int, present: int, yes: int, valid: bool, passed: bool
) -> None:
    out = evaluate_meeting(body, RosterCounts(members), Attendance(present), Votes(yes), BASE)
    assert (out.valid, out.passed) == (valid, passed)


@pytest.mark.parametrize(
    ("roster", "attendance", "votes"),
    [
        pytest.param(RosterCounts(45), Attendance(46), None, id="present-above-entitled"),
        pytest.param(RosterCounts(45), Attendance(-1), None, id="present-negative"),
        pytest.param(RosterCounts(45), Attendance(30), Votes(20, 10, 1), id="votes-above-present"),
        pytest.param(RosterCounts(45), Attendance(30), Votes(-1), id="votes-negative"),
        pytest.param(RosterCounts(-5), Attendance(0), None, id="members-negative"),
    ],
)
def test_bad_inputs(roster: RosterCounts, attendance: Attendance, votes: Votes | None) -> None:
    with pytest.raises(ValidationError):
        evaluate_meeting(Body.REPRESENTATIVES, roster, attendance, votes, BASE)


def test_bad_household_reps() -> None:
    with pytest.raises(ValidationError):
        evaluate_meeting(Body.VILLAGERS, RosterCounts(600, households=240), Attendance(10, 241), None, BASE)


def test_party_exclusions_cannot_exceed_members() -> None:
    with pytest.raises(ValidationError):
        evaluate_meeting(Body.PARTY, RosterCounts(5, excluded=6), Attendance(0), None, BASE)


def test_body_labels() -> None:
    assert [b.label for b in Body][:3] == ["村民会议", "村民代表会议", "党员大会"]
