"""C16: a voucher cites the decision its amount tier needs — a passed 联席会议 决定 (数额较大) and a passed
村民(代表)会议 决议 (重大) of its own village, held on or before the voucher. The chooser offers only those,
named by their matter in Chinese; the service refuses anything else."""

from __future__ import annotations

from datetime import date

import pytest

from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.core.vouchers import DecisionKind
from quzhou_desktop.services.matters.matter import MatterFields, create_matter
from quzhou_desktop.services.vouchers.query import decision_choices
from quzhou_desktop.services.vouchers.voucher import create_voucher
from quzhou_desktop.store.models import MatterStep
from tests.support.vouchers import VoucherVillage

VOUCHER_DAY = date(2026, 11, 3)


def decisions(village: VoucherVillage) -> dict[str, str]:
    """Passed (and one failed) meetings of two matters: name → step id."""
    hall = create_matter(village.world.admin, MatterFields(village_id=village.vid, title="村文化礼堂提升改造",
                                                     category="public_welfare", source="村干部提议"))  # fmt: skip
    road = create_matter(village.world.admin, MatterFields(village_id=village.vid, title="村道硬化",
                                                     category="public_welfare", source="村干部提议"))  # fmt: skip
    rows = {
        "hall_joint": (hall.id, "consult", "joint", date(2026, 10, 8), True),
        "hall_branch": (hall.id, "propose", "branch", date(2026, 10, 2), True),
        "hall_party": (hall.id, "deliberate", "party", date(2026, 10, 20), True),
        "hall_reps": (hall.id, "resolve", "representatives", date(2026, 10, 25), True),
        "road_joint_later": (road.id, "consult", "joint", date(2026, 12, 4), True),
        "road_joint_failed": (road.id, "consult", "joint", date(2026, 9, 4), False),
    }
    out = {}
    with village.world.admin.write("test.steps") as s:
        for seq, (name, (mid, step, body, on, passed)) in enumerate(rows.items(), start=1):
            row = MatterStep(matter_id=mid, seq=seq, step_type=step, state="final", body=body,
                             meeting_date=on, valid=True, passed=passed)  # fmt: skip
            s.add(row)
            s.flush()
            out[name] = row.id
    return out


def test_the_chooser_offers_only_the_body_the_tier_needs_on_or_before_the_voucher(
    village: VoucherVillage,
) -> None:
    ids = decisions(village)
    joint = decision_choices(village.clerk, village.vid, DecisionKind.JOINT_MEETING, on=VOUCHER_DAY)
    assert [c.step_id for c in joint] == [ids["hall_joint"]]  # not 支委会/党员大会, not later, not failed
    assert joint[0].label == "村文化礼堂提升改造——2026年10月8日村务联席会议决定"
    resolution = decision_choices(
        village.clerk, village.vid, DecisionKind.VILLAGERS_RESOLUTION, on=VOUCHER_DAY
    )
    assert [c.label for c in resolution] == ["村文化礼堂提升改造——2026年10月25日村民代表会议决议"]
    later = decision_choices(village.clerk, village.vid, DecisionKind.JOINT_MEETING, on=date(2026, 12, 31))
    assert [c.step_id for c in later] == [ids["road_joint_later"], ids["hall_joint"]]
    for c in joint + resolution + later:  # Chinese only: no body keys
        assert not any(word in c.label for word in ("joint", "branch", "party", "representatives", " · "))


@pytest.mark.parametrize(
    ("slot", "step", "reason"),
    [
        ("decision_step_id", "hall_branch", "须关联村务联席会议的决定"),
        ("decision_step_id", "hall_party", "须关联村务联席会议的决定"),
        ("decision_step_id", "hall_reps", "须关联村务联席会议的决定"),
        ("decision_step_id", "road_joint_later", "晚于凭证日期"),
        ("decision_step_id", "road_joint_failed", "未获通过"),
        ("resolution_step_id", "hall_joint", "须关联村民会议或村民代表会议的决议"),
    ],
)
def test_c16_the_service_refuses_a_wrong_decision(
    village: VoucherVillage, slot: str, step: str, reason: str
) -> None:
    ids = decisions(village)
    with pytest.raises(ValidationError, match=reason) as exc:
        create_voucher(village.clerk, village.vid, village.fields(2_500_000, **{slot: ids[step]}))
    assert ("C16" not in str(exc.value) and "依据" in str(exc.value)) or "未获通过" in reason


def test_c16_a_right_decision_is_accepted(village: VoucherVillage) -> None:
    ids = decisions(village)
    vid, warnings = create_voucher(
        village.clerk, village.vid, village.fields(2_500_000, decision_step_id=ids["hall_joint"])
    )
    assert vid and not [w for w in warnings if "联席会议" in w]


def test_c16_a_decision_of_another_village_is_refused(village: VoucherVillage) -> None:
    ids = decisions(village)
    other = village.world.village_ids[1]
    clerk = village.world.new_user("wenshu2", village.clerk.require_user().role, [other])
    with pytest.raises(ValidationError, match="不是本村的决策"):
        create_voucher(clerk, other, village.fields(2_500_000, decision_step_id=ids["hall_joint"]))
