"""花名册: validation with field names, paging/search/sort, memberships, kinship and C5/C6/C19 checks."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from quzhou_desktop.core.errors import Conflict, ValidationError
from quzhou_desktop.services.roster import people
from quzhou_desktop.services.roster.composition import CompositionViolation, village_findings
from quzhou_desktop.services.roster.people import PersonFields
from tests.support.world import World

VALID_ID = "330802199001011232"  # check digit computed per GB 11643


def _add(world: World, name: str, **kw: Any) -> str:
    return people.add_person(world.admin, world.village_ids[0], PersonFields(name=name, **kw)).id


@pytest.mark.parametrize(
    "fields,field,reason",
    [
        (PersonFields(name="  "), "姓名", "不能为空"),
        (PersonFields(name="张三", gender="M"), "性别", "只能填"),
        (PersonFields(name="张三", phone="12345"), "联系电话", "不像手机号"),
        (PersonFields(name="张三", id_number="330802199001011231"), "身份证号", "校验位错误"),
        (PersonFields(name="张三", id_number="33080219900101123"), "身份证号", "应为18位"),
        (PersonFields(name="张三", gender="女", id_number=VALID_ID), "性别", "身份证号显示为"),
    ],
    ids=["empty-name", "gender", "phone", "id-check-digit", "id-length", "gender-vs-id"],
)
def test_bad_person_fields_name_the_field(
    world: World, fields: PersonFields, field: str, reason: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        people.add_person(world.admin, world.village_ids[0], fields)
    assert str(exc.value).startswith(field)  # the message names the field first
    assert reason in str(exc.value)
    assert people.count_people(world.admin, world.village_ids[0]) == 0


def test_names_are_cleaned_and_id_masked_in_lists(world: World) -> None:
    pid = _add(world, " 徐\u3000建 国 ", id_number=VALID_ID, phone="１３８００００１１１１")
    row = people.list_people(world.admin, world.village_ids[0])[0]
    assert row.id == pid and row.name == "徐建国" and row.gender == "男"
    assert row.id_masked == "330802********1232" and row.phone == "13800001111"
    _, fields = people.get_person(world.admin, pid)
    assert fields.id_number == "330802********1232"
    _, revealed = people.get_person(world.admin, pid, reveal_id=True)
    assert revealed.id_number == VALID_ID


def test_same_id_number_twice_is_refused(world: World) -> None:
    _add(world, "甲", id_number=VALID_ID)
    with pytest.raises(Conflict, match="已登记在“甲”名下"):
        _add(world, "乙", id_number=VALID_ID)


def test_masked_id_sent_back_keeps_the_stored_number(world: World) -> None:
    pid = _add(world, "甲", id_number=VALID_ID)
    people.update_person(
        world.admin, pid, PersonFields(name="甲", phone="13900001111", id_number="330802********1232")
    )
    _, f = people.get_person(world.admin, pid, reveal_id=True)
    assert f.id_number == VALID_ID and f.phone == "13900001111"


def test_stale_edit_is_refused(world: World) -> None:
    pid = _add(world, "甲")
    row, _ = people.get_person(world.admin, pid)
    people.update_person(world.admin, pid, PersonFields(name="甲乙"), expected_version=row.row_version)
    with pytest.raises(Conflict, match="已被其他人修改"):
        people.update_person(world.admin, pid, PersonFields(name="甲丙"), expected_version=row.row_version)


def test_paging_search_and_sort(world: World) -> None:
    for i in range(25):
        _add(world, f"测试{i:02d}", group_name="第一组" if i % 2 else "第二组")
    vid = world.village_ids[0]
    assert people.count_people(world.admin, vid) == 25
    page1 = people.list_people(world.admin, vid, offset=0, limit=10)
    page3 = people.list_people(world.admin, vid, offset=20, limit=10)
    assert [p.name for p in page1][:2] == ["测试00", "测试01"] and len(page3) == 5
    desc = people.list_people(world.admin, vid, sort="name", descending=True, limit=1)
    assert desc[0].name == "测试24"
    assert people.count_people(world.admin, vid, search="第一组") == 12


def test_membership_overlap_and_end(world: World) -> None:
    pid = _add(world, "党员甲")
    row, warnings = people.add_membership(
        world.admin, pid, body="party_meeting", start_date=date(2020, 1, 1), party_status="full"
    )
    assert row.party_status_label == "正式党员" and warnings == []
    with pytest.raises(Conflict, match="重叠"):
        people.add_membership(
            world.admin, pid, body="party_meeting", start_date=date(2021, 1, 1), party_status="full"
        )
    with pytest.raises(ValidationError, match="请选择正式党员或预备党员"):
        people.add_membership(
            world.admin, _add(world, "乙"), body="party_meeting", start_date=date(2021, 1, 1)
        )
    with pytest.raises(ValidationError, match="不能早于"):
        people.end_membership(world.admin, row.id, end_date=date(2019, 1, 1), reason="换届")
    people.end_membership(world.admin, row.id, end_date=date(2023, 1, 1), reason="换届")
    assert people.members(world.admin, world.village_ids[0], "party_meeting", on=date(2024, 1, 1)) == []
    assert len(people.members(world.admin, world.village_ids[0], "party_meeting", on=date(2022, 6, 1))) == 1


def _seat(
    world: World, name: str, body: str, role: str = "member", **kw: Any
) -> tuple[people.MembershipRow, list[str]]:
    return people.add_membership(
        world.admin, _add(world, name, **kw), body=body, role=role, start_date=date(2025, 3, 1)
    )


def test_c19_committee_member_cannot_sit_on_supervisory(world: World) -> None:
    row, _ = _seat(world, "主任甲", "village_committee", "director")
    with pytest.raises(CompositionViolation, match="村民委员会成员，不得担任村务监督委员会成员"):
        people.add_membership(
            world.admin, row.person_id, body="supervisory", role="chair", start_date=date(2025, 3, 1)
        )


def test_c19_close_relative_refused_in_law_warned(world: World) -> None:
    director, _ = _seat(world, "主任甲", "village_committee", "director")
    brother = _add(world, "主任弟")
    in_law = _add(world, "主任亲家")
    people.add_kin_link(world.admin, director.person_id, brother, "兄弟姐妹")
    people.add_kin_link(world.admin, director.person_id, in_law, "近姻亲")
    with pytest.raises(CompositionViolation, match="兄弟姐妹，不得担任"):
        people.add_membership(
            world.admin, brother, body="supervisory", role="chair", start_date=date(2025, 3, 1)
        )
    _, warnings = people.add_membership(
        world.admin, in_law, body="supervisory", role="chair", start_date=date(2025, 3, 1)
    )
    assert any("近姻亲" in w for w in warnings)


def test_c19_size_and_chair_rules(world: World) -> None:
    _, w1 = _seat(world, "监委一", "supervisory", "chair")
    assert any("3至5人" in w for w in w1)  # building up: a warning, not a refusal
    with pytest.raises(CompositionViolation, match="只能设主任1名"):
        _seat(world, "监委二", "supervisory", "chair")
    for i in range(4):
        _seat(world, f"监委{i + 3}", "supervisory")
    with pytest.raises(CompositionViolation, match="现有6人"):
        _seat(world, "监委七", "supervisory")


def test_c19_chair_who_is_secretary_is_a_warning(world: World) -> None:
    sec, _ = _seat(world, "书记甲", "party_branch", "secretary")
    _, warnings = people.add_membership(
        world.admin, sec.person_id, body="supervisory", role="chair", start_date=date(2025, 3, 1)
    )
    assert any("由村党组织书记兼任" in w for w in warnings)


def test_c5_c6_findings_for_the_village(world: World) -> None:
    # 溪口村: 300 households → C6 needs 20..60 representatives; C5 needs a third women.
    for i in range(5):
        _seat(world, f"委员{i}", "village_committee", "director" if i == 0 else "member")
    for i in range(18):
        _seat(world, f"代表{i:02d}", "rep_meeting", "rep", gender="女" if i < 7 else "男")
    msgs = [f.message for f in village_findings(world.admin, world.village_ids[0], on=date(2025, 6, 1))]
    assert any("全村300户，村民代表18人，少于每15户1人（应为20至60人）" in m for m in msgs)
    assert any("妇女村民代表7人，不足三分之一（需8人）" in m for m in msgs)
    assert any("村民代表18人，不足五分之四（需19人）" in m for m in msgs)
