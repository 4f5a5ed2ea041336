"""Every mutating foundation service refuses a user without the right (the GUI and CLI cannot bypass it).

Other sections add their own mutating services to their own tables (tests/services/test_*).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from quzhou_desktop.core.errors import PermissionDenied
from quzhou_desktop.services.contracts import assets, contract
from quzhou_desktop.services.evaluations import evaluation
from quzhou_desktop.services.kernel import auth, settings, users
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import GRANTS, Perm, Role
from quzhou_desktop.services.roster import people, villages
from tests.support.world import PASSWORD, World


def _person(world: World) -> str:
    return people.add_person(
        world.admin, world.village_ids[0], people.PersonFields(name="徐志强", gender="男")
    ).id


def _asset(world: World) -> str:
    return assets.create_asset(
        world.admin,
        world.village_ids[0],
        assets.AssetFields(name="村文化礼堂", kind="building", status="idle"),
    )


def _contract(village_id: str) -> contract.ContractFields:
    return contract.ContractFields(
        number="HT-1", title="保洁服务合同", kind="service", amount_fen=100_000, start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31), parties=(contract.PartyFields("company", "某保洁公司"),),
    )  # fmt: skip


def _evaluation(world: World) -> evaluation.EvaluationFields:
    person = _person(world)
    return evaluation.EvaluationFields(
        world.village_ids[0], 2026, date(2026, 12, 1), "representatives", None,
        (evaluation.EntryFields(person, "village_committee", "村委会委员", 10, 2, 1),),
    )  # fmt: skip


Call = Callable[[World, AppContext], object]
CALLS: list[tuple[str, Perm, Call]] = [
    (
        "add_person",
        Perm.ROSTER_EDIT,
        lambda w, c: people.add_person(c, w.village_ids[0], people.PersonFields(name="甲")),
    ),
    (
        "update_person",
        Perm.ROSTER_EDIT,
        lambda w, c: people.update_person(c, _person(w), people.PersonFields(name="乙")),
    ),
    (
        "deactivate_person",
        Perm.ROSTER_EDIT,
        lambda w, c: people.set_person_active(c, _person(w), False, reason="迁出"),
    ),
    (
        "add_membership",
        Perm.ROSTER_EDIT,
        lambda w, c: people.add_membership(
            c, _person(w), body="rep_meeting", role="rep", start_date=date(2026, 1, 1)
        ),
    ),
    ("add_kin_link", Perm.ROSTER_EDIT, lambda w, c: people.add_kin_link(c, _person(w), _person(w), "配偶")),
    (
        "add_village",
        Perm.VILLAGE_MANAGE,
        lambda w, c: villages.add_village(c, villages.VillageSpec(name="新村"), credential=PASSWORD),
    ),
    (
        "update_village",
        Perm.VILLAGE_MANAGE,
        lambda w, c: villages.update_village(
            c, w.village_ids[0], villages.VillageSpec(name="溪口村", households=1), credential=PASSWORD
        ),
    ),
    (
        "update_rules",
        Perm.SETTINGS_EDIT,
        lambda w, c: settings.update_rules(c, {"reply_days": 7}, credential=PASSWORD),
    ),
    (
        "create_user",
        Perm.USERS_MANAGE,
        lambda w, c: users.create_user(
            c,
            username="x1",
            display_name="某",
            role=Role.READONLY,
            password="pass-word-1",
            village_ids=[w.village_ids[0]],
            credential=PASSWORD,
        ),
    ),
    (
        "reset_password",
        Perm.USERS_MANAGE,
        lambda w, c: auth.reset_password(c, w.admin.require_user().id, "pass-word-2", credential=PASSWORD),
    ),
    (
        "create_asset",
        Perm.CONTRACT_EDIT,
        lambda w, c: assets.create_asset(
            c, w.village_ids[0], assets.AssetFields(name="山塘", kind="water", status="idle")
        ),
    ),
    ("dispose_asset", Perm.CONTRACT_EDIT, lambda w, c: assets.dispose_asset(c, _asset(w), "拍卖")),
    (
        "create_contract",
        Perm.CONTRACT_EDIT,
        lambda w, c: contract.create_contract(c, w.village_ids[0], _contract(w.village_ids[0])),
    ),
    (
        "terminate_contract",
        Perm.CONTRACT_EDIT,
        lambda w, c: contract.terminate_contract(
            c,
            contract.create_contract(w.admin, w.village_ids[0], _contract(w.village_ids[0]))[0],
            on=date(2026, 6, 30),
            reason="提前终止",
        ),
    ),
    ("save_evaluation", Perm.EVALUATION_EDIT, lambda w, c: evaluation.save_evaluation(c, _evaluation(w))),
    (
        "finalize_evaluation",
        Perm.EVALUATION_EDIT,
        lambda w, c: evaluation.finalize_evaluation(
            c, evaluation.save_evaluation(w.admin, _evaluation(w))[0], password=PASSWORD
        ),
    ),
]


CASES = [(name, perm, call, role) for name, perm, call in CALLS for role in Role if perm not in GRANTS[role]]


@pytest.mark.parametrize("name,perm,call,role", CASES, ids=[f"{c[0]}-{c[3].value}" for c in CASES])
def test_mutating_service_refuses_role_without_the_right(
    world: World, name: str, perm: Perm, call: Call, role: Role
) -> None:
    ctx = world.new_user(f"u_{role.value}", role)
    with pytest.raises(PermissionDenied):
        call(world, ctx)


def test_village_scope_is_enforced(world: World) -> None:
    clerk = world.new_user("wenshu", Role.CLERK, villages=[world.village_ids[0]])
    people.add_person(clerk, world.village_ids[0], people.PersonFields(name="本村人"))
    with pytest.raises(PermissionDenied, match="不能代表这个村"):
        people.add_person(clerk, world.village_ids[1], people.PersonFields(name="外村人"))
    with pytest.raises(PermissionDenied, match="无权查看"):
        people.list_people(clerk, world.village_ids[1])


def test_not_logged_in_is_refused(world: World) -> None:
    from quzhou_desktop.services.kernel.context import AppContext

    with pytest.raises(PermissionDenied, match="请先登录"):
        people.add_person(AppContext(world.db), world.village_ids[0], people.PersonFields(name="匿名"))
