"""先审后签: voucher states, C16 tiers, C17 order, C18 completeness, separation of duties, month lock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from quzhou_desktop.core.errors import RuleViolation
from quzhou_desktop.core.rules_config import TownshipRules
from quzhou_desktop.core.vouchers import (
    TRANSITIONS,
    DecisionKind,
    InvalidTransition,
    SignatureTimes,
    SpendingTier,
    VoucherState,
    VoucherSummary,
    can_lock_month,
    check_decisions,
    check_review_completeness,
    check_separation,
    check_signature_order,
    check_transition,
    required_decisions,
    spending_tier,
)

V = VoucherState
RULES = TownshipRules()
ALL_MEMBERS = TownshipRules(review_mode="all_members")


@pytest.mark.parametrize(
    ("current", "new"),
    [
        (V.DRAFT, V.SUBMITTED),
        (V.SUBMITTED, V.REVIEWED),
        (V.SUBMITTED, V.NEEDS_CORRECTION),
        (V.SUBMITTED, V.REJECTED),
        (V.NEEDS_CORRECTION, V.SUBMITTED),
        (V.REVIEWED, V.DIRECTOR_SIGNED),
        (V.DIRECTOR_SIGNED, V.SECRETARY_SIGNED),
        (V.SECRETARY_SIGNED, V.DELIVERED),
        (V.DELIVERED, V.ACCEPTED),
        (V.DELIVERED, V.RETURNED),
        (V.RETURNED, V.SUBMITTED),
        (V.REJECTED, V.VOID),
    ],
    ids=lambda s: s.value,
)
def test_allowed_transitions(current: VoucherState, new: VoucherState) -> None:
    check_transition(current, new)


@pytest.mark.parametrize(
    ("current", "new"),
    [
        pytest.param(V.SUBMITTED, V.DIRECTOR_SIGNED, id="C17-sign-before-review"),
        pytest.param(V.SUBMITTED, V.SECRETARY_SIGNED, id="C17-secretary-before-review"),
        pytest.param(V.REVIEWED, V.SECRETARY_SIGNED, id="C17-secretary-before-director"),
        pytest.param(V.DRAFT, V.REVIEWED, id="C17-review-unsubmitted"),
        pytest.param(V.NEEDS_CORRECTION, V.REVIEWED, id="C17-correction-needs-resubmission"),
        pytest.param(V.REJECTED, V.DIRECTOR_SIGNED, id="C17-rejected-cannot-be-signed"),
        pytest.param(V.RETURNED, V.DELIVERED, id="C17-returned-needs-re-review"),
        pytest.param(V.ACCEPTED, V.VOID, id="accepted-final"),
        pytest.param(V.VOID, V.DRAFT, id="void-final"),
    ],
)
def test_forbidden_transitions(current: VoucherState, new: VoucherState) -> None:
    with pytest.raises(InvalidTransition) as info:
        check_transition(current, new)
    assert isinstance(info.value, RuleViolation)
    assert current.label in str(info.value)


def test_every_state_has_label_and_transitions() -> None:
    assert set(TRANSITIONS) == set(VoucherState)
    assert len({s.label for s in VoucherState}) == len(VoucherState)


@pytest.mark.parametrize(
    ("yuan", "tier", "needs"),
    [
        pytest.param(4_999.99, SpendingTier.SMALL, (), id="C16-below-t1"),
        pytest.param(5_000, SpendingTier.LARGE, (DecisionKind.JOINT_MEETING,), id="C16-exactly-t1-inclusive"),
        pytest.param(12_000, SpendingTier.LARGE, (DecisionKind.JOINT_MEETING,), id="C16-12000-joint"),
        pytest.param(49_999.99, SpendingTier.LARGE, (DecisionKind.JOINT_MEETING,), id="C16-below-t2"),
        pytest.param(
            50_000,
            SpendingTier.HUGE,
            (DecisionKind.JOINT_MEETING, DecisionKind.VILLAGERS_RESOLUTION),
            id="C16-exactly-t2-inclusive",
        ),
    ],
)
def test_c16_tiers(yuan: float, tier: SpendingTier, needs: tuple[DecisionKind, ...]) -> None:
    fen = round(yuan * 100)
    assert spending_tier(fen, RULES) is tier
    assert required_decisions(fen, RULES) == needs


@pytest.mark.parametrize(
    ("fen", "joint", "resolution", "details"),
    [
        pytest.param(1_200_000, None, None, ["joint_meeting"], id="C16-12000-without-joint-record"),
        pytest.param(1_200_000, "LX-2024-03", None, [], id="C16-12000-with-joint-record"),
        pytest.param(
            6_000_000, "LX-2024-03", None, ["villagers_resolution"], id="C16-60000-needs-resolution"
        ),
        pytest.param(
            6_000_000, None, None, ["joint_meeting", "villagers_resolution"], id="C16-60000-needs-both"
        ),
        pytest.param(6_000_000, "LX", "JY", [], id="C16-60000-complete"),
        pytest.param(10_000, None, None, [], id="C16-small-none"),
    ],
)
def test_c16_decision_refs(fen: int, joint: str | None, resolution: str | None, details: list[str]) -> None:
    findings = check_decisions(fen, RULES, joint_meeting_ref=joint, resolution_ref=resolution)
    assert [f.detail for f in findings] == details
    assert all(f.code == "C16" for f in findings)


def t(day: int, hour: int = 9) -> datetime:
    return datetime(2024, 7, day, hour)


@pytest.mark.parametrize(
    ("times", "details"),
    [
        pytest.param(SignatureTimes(t(1), t(5), t(6), t(7), t(10)), [], id="C17-full-chain-ok"),
        pytest.param(SignatureTimes(t(1), t(5), t(5), t(5)), [], id="C17-review-and-signs-same-time-ok"),
        pytest.param(
            SignatureTimes(t(1), t(5), None, t(2)), ["missing", "order"], id="C17-secretary-0702-review-0705"
        ),
        pytest.param(SignatureTimes(t(1), t(5), t(3)), ["order"], id="C17-director-before-review"),
        pytest.param(SignatureTimes(t(1), None, t(3)), ["missing"], id="C17-director-without-review"),
        pytest.param(SignatureTimes(t(1), t(5), t(7), t(6)), ["order"], id="C17-secretary-before-director"),
        pytest.param(SignatureTimes(t(1), t(1)), ["order"], id="C17-review-same-time-as-handler"),
        pytest.param(SignatureTimes(t(1), t(5), t(6), t(7), t(7)), ["order"], id="C17-agency-same-time"),
        pytest.param(SignatureTimes(t(1)), [], id="C17-only-handler"),
    ],
)
def test_c17_signature_order(times: SignatureTimes, details: list[str]) -> None:
    findings = check_signature_order(times)
    assert [f.detail for f in findings] == details
    assert all(f.code == "C17" for f in findings)


MEMBERS = ["m1", "m2", "m3"]


@pytest.mark.parametrize(
    ("rules", "fen", "concurring", "details"),
    [
        pytest.param(RULES, 250_000, {"m2", "m3"}, ["chair_required"], id="C18-B-2500-without-chair-reject"),
        pytest.param(RULES, 250_000, {"m1", "m2"}, [], id="C18-B-2500-with-chair-ok"),
        pytest.param(RULES, 200_000, {"m2", "m3"}, [], id="C18-B-exactly-2000-not-over"),
        pytest.param(RULES, 200_001, {"m2", "m3"}, ["chair_required"], id="C18-B-2000.01-over"),
        pytest.param(RULES, 10_000, {"m2"}, ["too_few"], id="C18-B-one-of-three-too-few"),
        pytest.param(RULES.with_changes(review_min_concurring=1), 10_000, {"m2"}, [], id="C18-B-cfg-one"),
        pytest.param(ALL_MEMBERS, 10_000, {"m1", "m2"}, ["all_members"], id="C18-A-missing-member"),
        pytest.param(ALL_MEMBERS, 900_000, {"m1", "m2", "m3"}, [], id="C18-A-all-signed"),
        pytest.param(RULES, 10_000, {"m1", "m2", "x9"}, ["not_member"], id="C18-outsider"),
    ],
)
def test_c18_completeness(rules: TownshipRules, fen: int, concurring: set[str], details: list[str]) -> None:
    findings = check_review_completeness(fen, MEMBERS, "m1", concurring, rules, names={"m3": "王芳"})
    assert [f.detail for f in findings] == details


def test_c18_names_people() -> None:
    [finding] = check_review_completeness(
        10_000, MEMBERS, "m1", {"m1", "m2"}, ALL_MEMBERS, names={"m3": "王芳"}
    )
    assert "王芳" in finding.message


@pytest.mark.parametrize(
    ("kw", "count"),
    [
        pytest.param({"preparer_id": "p1", "reviewer_ids": ["p1", "m2"]}, 1, id="SOD-preparer-reviews"),
        pytest.param({"preparer_id": "p1", "payee_id": "p2", "director_id": "p2"}, 1, id="SOD-payee-signs"),
        pytest.param({"preparer_id": "p1", "secretary_id": "p1", "director_id": "p1"}, 2, id="SOD-preparer-signs-twice"),
        pytest.param({"preparer_id": "p1", "reviewer_ids": ["m1"], "director_id": "d", "secretary_id": "s"}, 0,
                     id="SOD-clean"),
    ],
)  # fmt: skip
def test_separation_of_duties(kw: dict[str, Any], count: int) -> None:
    findings = check_separation(names={"p1": "李明"}, **kw)
    assert len(findings) == count
    assert all(f.is_error for f in findings)


def test_separation_message_names_person() -> None:
    [finding] = check_separation(preparer_id="p1", reviewer_ids=["p1"], names={"p1": "李明"})
    assert finding.message == "李明是本凭证的经手人，不能审核"


@pytest.mark.parametrize(
    ("states", "held", "ok"),
    [
        pytest.param(
            [V.REVIEWED, V.ACCEPTED, V.VOID, V.REJECTED, V.SECRETARY_SIGNED], True, True, id="lock-ok"
        ),
        pytest.param([V.REVIEWED, V.SUBMITTED], True, False, id="lock-submitted-blocks"),
        pytest.param([V.NEEDS_CORRECTION], True, False, id="lock-correction-blocks"),
        pytest.param([V.RETURNED], True, False, id="lock-returned-blocks"),
        pytest.param([V.DRAFT], True, False, id="lock-draft-blocks"),
        pytest.param([V.REVIEWED], False, False, id="lock-no-review-meeting"),
        pytest.param([], True, True, id="lock-empty-month"),
    ],
)
def test_month_lock(states: list[VoucherState], held: bool, ok: bool) -> None:
    vouchers = [VoucherSummary(f"2024-07-{i:03d}", s) for i, s in enumerate(states, 1)]
    check = can_lock_month(vouchers, review_meeting_held=held)
    assert check.ok is ok
    assert check.explanation
