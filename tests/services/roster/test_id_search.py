"""Searching the 花名册: a user who may not see full ID numbers finds a person by the whole number only, never by
fragments of the hidden digits; what is typed is searched literally; a read-only user sees linked villages only."""

from __future__ import annotations

import pytest

from quzhou_desktop.core.errors import PermissionDenied
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.services.roster import people, villages
from quzhou_desktop.services.roster.people import PersonFields
from tests.support.world import PASSWORD, World

VALID_ID = "330802199001011232"  # the birth date 19900101 and the sequence 123 are hidden when masked


def _setup(world: World) -> tuple[str, AppContext]:
    vid = world.village_ids[0]
    people.add_person(world.admin, vid, PersonFields(name="徐建国", id_number=VALID_ID))
    people.add_person(world.admin, vid, PersonFields(name="百分之_百", note="x"))
    people.add_person(world.admin, vid, PersonFields(name="王五"))
    return vid, world.new_user("chakan", Role.READONLY)


def _names(ctx: AppContext, vid: str, text: str) -> list[str]:
    return [r.name for r in people.list_people(ctx, vid, search=text)]


def test_the_digit_by_digit_attack_finds_nothing(world: World) -> None:
    """The attack: the masked roster shows 330802********1232; searching "3308021", "33080219", … would tell
    each hidden digit in turn (about 40 searches for a whole number)."""
    vid, reader = _setup(world)
    recovered = ""
    for _ in range(6, 14):
        hit = [d for d in "0123456789X" if _names(reader, vid, VALID_ID[:6] + recovered + d)]
        if not hit:
            break
        recovered += hit[0]
    assert recovered == ""
    assert _names(reader, vid, "19900101") == [] and _names(reader, vid, "0101123") == []
    assert people.count_people(reader, vid, search="1990") == 0


def test_the_whole_number_finds_the_person_for_everyone(world: World) -> None:
    vid, reader = _setup(world)
    assert _names(reader, vid, VALID_ID) == ["徐建国"]
    assert _names(reader, vid, " 330802 19900101 1232 ") == ["徐建国"]  # spaces as read out are fine
    assert people.count_people(reader, vid, search=VALID_ID) == 1


def test_who_sees_full_numbers_may_search_by_any_part(world: World) -> None:
    vid, _reader = _setup(world)
    assert _names(world.admin, vid, "19900101") == ["徐建国"]
    clerk = world.new_user("wenshu", Role.CLERK)  # 编辑花名册 in this village
    assert _names(clerk, vid, "0101123") == ["徐建国"]


@pytest.mark.parametrize(
    ("text", "expected"), [("%", []), ("_", ["百分之_百"]), ("之_", ["百分之_百"]), ("\\", [])]
)
def test_search_text_is_literal(world: World, text: str, expected: list[str]) -> None:
    vid, reader = _setup(world)
    assert _names(world.admin, vid, text) == expected
    assert _names(reader, vid, text) == expected


def test_read_only_user_without_villages_sees_no_village(world: World) -> None:
    """A read-only account with no village links (possible in databases made before this rule) sees nothing,
    where it used to see the whole township."""
    from tests.pg import raw_connection

    vid, reader = _setup(world)
    assert reader.user is not None
    con = raw_connection(world.db)  # behind the app's back, as an old release left it
    con.execute("DELETE FROM user_village WHERE user_id = ?", (reader.user.id,))
    con.commit()
    con.close()
    lonely = world.as_user(reader.user.id)
    assert lonely.visible_village_ids() == frozenset()
    assert villages.list_villages(lonely) == []
    with pytest.raises(PermissionDenied):
        people.list_people(lonely, vid)


def test_a_read_only_user_needs_a_village(world: World) -> None:
    from quzhou_desktop.core.errors import ValidationError
    from quzhou_desktop.services.kernel.users import create_user

    with pytest.raises(ValidationError, match="至少要关联一个村"):
        create_user(
            world.admin,
            username="ck2",
            display_name="查看",
            role=Role.READONLY,
            password="pass-word-1",
            credential=PASSWORD,
        )
