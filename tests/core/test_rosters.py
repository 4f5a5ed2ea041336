"""Roster composition: C5, C6 (村民代表会议) and C19 (村务监督委员会)."""

from __future__ import annotations

import pytest

from quzhou_desktop.core.rosters import (
    KinLink,
    KinRelation,
    SupervisoryMember,
    check_representative_composition,
    check_representative_ratio,
    check_supervisory_committee,
)
from quzhou_desktop.core.rules_config import TownshipRules

RULES = TownshipRules()


@pytest.mark.parametrize(
    ("members", "reps", "women", "details"),
    [
        pytest.param(45, 40, 15, [], id="C5-M45-Rp40-W15-ok"),
        pytest.param(45, 40, 14, ["women"], id="C5-M45-W14-fail"),
        pytest.param(45, 36, 15, [], id="C5-M45-Rp36-exactly-four-fifths"),
        pytest.param(45, 35, 15, ["representatives"], id="C5-M45-Rp35-fail"),
        pytest.param(46, 37, 16, [], id="C5-M46-rounding-up"),
        pytest.param(46, 36, 15, ["representatives", "women"], id="C5-M46-both-fail"),
    ],
)
def test_c5_composition(members: int, reps: int, women: int, details: list[str]) -> None:
    findings = check_representative_composition(members, reps, women)
    assert [f.detail for f in findings] == details
    assert all(f.code == "C5" for f in findings)


@pytest.mark.parametrize(
    ("households", "reps", "details"),
    [
        pytest.param(300, 20, [], id="C6-H300-Rp20-lower-bound"),
        pytest.param(300, 60, [], id="C6-H300-Rp60-upper-bound"),
        pytest.param(300, 18, ["too_few"], id="C6-H300-Rp18-fail"),
        pytest.param(300, 19, ["too_few"], id="C6-H300-Rp19-fail"),
        pytest.param(300, 61, ["too_many"], id="C6-H300-Rp61-fail"),
        pytest.param(301, 21, [], id="C6-H301-Rp21"),
        pytest.param(301, 20, ["too_few"], id="C6-H301-Rp20-fail"),
    ],
)
def test_c6_ratio(households: int, reps: int, details: list[str]) -> None:
    assert [f.detail for f in check_representative_ratio(households, reps, RULES)] == details


def test_c6_group_mode_skips() -> None:
    assert check_representative_ratio(300, 5, RULES.with_changes(rep_ratio_mode="groups")) == []


def m(pid: str, name: str, **kw: bool) -> SupervisoryMember:
    kw.setdefault("has_finance_skill", True)
    return SupervisoryMember(pid, name, **kw)


GOOD = [m("a", "张一", is_chair=True), m("b", "李二"), m("c", "王三")]
COMMITTEE = ["x", "y"]  # 村委会成员


@pytest.mark.parametrize(
    ("members", "kin", "secretary", "expected"),
    [
        pytest.param(GOOD, [], None, [], id="C19-three-ok"),
        pytest.param([*GOOD, m("d", "赵四"), m("e", "钱五")], [], None, [], id="C19-five-ok"),
        pytest.param([*GOOD, m("d", "赵四"), m("e", "钱五"), m("f", "孙六")], [], None, [("error", "size")],
                     id="C19-six-members-error"),
        pytest.param(GOOD[:2], [], None, [("error", "size")], id="C19-two-members-error"),
        pytest.param([m("a", "张一"), m("b", "李二"), m("c", "王三")], [], None, [("error", "chair_count")],
                     id="C19-no-chair"),
        pytest.param([m("a", "张一", is_chair=True), m("b", "李二", is_chair=True), m("c", "王三")], [], None,
                     [("error", "chair_count")], id="C19-two-chairs"),
        pytest.param([*GOOD[:2], m("x", "村委甲")], [], None, [("error", "in_committee")], id="C19-committee-member"),
        pytest.param(GOOD, [KinLink("b", "x", KinRelation.SPOUSE)], None, [("error", "close_relative")],
                     id="C19-spouse-of-committee-member"),
        pytest.param(GOOD, [KinLink("y", "c", KinRelation.SIBLING)], None, [("error", "close_relative")],
                     id="C19-sibling-reverse-link"),
        pytest.param(GOOD, [KinLink("b", "c", KinRelation.SPOUSE)], None, [], id="C19-kin-among-members-ok"),
        pytest.param(GOOD, [KinLink("b", "x", KinRelation.IN_LAW)], None, [("warning", "in_law")],
                     id="C19-in-law-warning"),
        pytest.param(GOOD, [], "a", [("warning", "secretary_chair")], id="C19-chair-is-secretary-warning"),
        pytest.param([m("a", "张一", is_chair=True, has_finance_skill=False), m("b", "李二", has_finance_skill=False),
                      m("c", "王三", has_finance_skill=False)], [], None, [("warning", "skills")], id="C19-no-skills"),
        pytest.param([*GOOD[:2], m("c", "王三", is_village_staff=True)], [], None, [("warning", "staff")],
                     id="C19-hired-staff-warning"),
    ],
)  # fmt: skip
def test_c19_supervisory_committee(
    members: list[SupervisoryMember],
    kin: list[KinLink],
    secretary: str | None,
    expected: list[tuple[str, str]],
) -> None:
    findings = check_supervisory_committee(
        members, COMMITTEE, kin, secretary_id=secretary, names={"x": "村委甲"}
    )
    assert [(f.level, f.detail) for f in findings] == expected
    assert all(f.code == "C19" for f in findings)


def test_c19_message_names_both_people() -> None:
    [finding] = check_supervisory_committee(
        GOOD, COMMITTEE, [KinLink("b", "x", KinRelation.SPOUSE)], names={"x": "周村委"}
    )
    assert finding.message == "李二是村民委员会成员周村委的配偶，不得担任村务监督委员会成员"
