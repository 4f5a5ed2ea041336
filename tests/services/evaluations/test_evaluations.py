"""民主评议 over a real SQLite file: a review chaired by the 村监会 (C35), verdicts from the votes, two
consecutive 不称职 ending a 村委会 member's office in the roster (C22), the by-election reminder, the township
overview, and an audit chain that verifies."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from quzhou_desktop.core.errors import PermissionDenied, ValidationError
from quzhou_desktop.services.evaluations import query as Q
from quzhou_desktop.services.evaluations.evaluation import (
    EntryFields,
    EvaluationFields,
    finalize_evaluation,
    save_evaluation,
)
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.services.kernel.settings import update_rules
from quzhou_desktop.services.roster.people import add_membership
from quzhou_desktop.services.vouchers.common import RuleFailed
from quzhou_desktop.store.audit.verify import verify_all
from quzhou_desktop.store.models import Membership, Person
from tests.support.world import PASSWORD, World

D = date.fromisoformat
START = D("2024-03-01")


@pytest.fixture
def w(world: World) -> dict[str, str]:
    vid = world.village_ids[0]
    names = {
        "director": "李主任",
        "member": "张委员",
        "chair": "刘监委",
        "sup": "陈监委",
        "newcomer": "吴新人",
    }
    with world.admin.write("test.roster") as s:
        people = {k: Person(village_id=vid, name=n) for k, n in names.items()}
        s.add_all(people.values())
        s.flush()
        seats = [("director", "village_committee", "director"), ("member", "village_committee", "member"),
                 ("member", "joint_meeting", "member"), ("chair", "supervisory", "chair"),
                 ("sup", "supervisory", "member")]  # fmt: skip
        s.add_all([Membership(village_id=vid, person_id=people[k].id, body=b, role=r, start_date=START)
                   for k, b, r in seats])  # fmt: skip
        ids = {k: p.id for k, p in people.items()}
    return {"vid": vid, **ids}


def _fields(
    w: dict[str, str], year: int, member_votes: tuple[int, int, int], **kw: object
) -> EvaluationFields:
    entries = (
        EntryFields(w["director"], "village_committee", "村委会主任", 30, 6, 2),
        EntryFields(w["member"], "village_committee", "村委会委员", *member_votes),
        EntryFields(w["sup"], "supervisory", "村监会委员", 18, 12, 8),
    )
    base: dict[str, object] = {"village_id": w["vid"], "year": year, "held_on": D(f"{year}-12-10"),
                               "body": "representatives", "chair_person_id": w["chair"], "entries": entries,
                               "participants": 38}  # fmt: skip
    base.update(kw)
    return EvaluationFields(**base)  # type: ignore[arg-type]


def test_two_incompetent_verdicts_in_a_row_end_the_office(world: World, w: dict[str, str]) -> None:
    clerk = world.new_user("wenshu", Role.CLERK, villages=[w["vid"]])
    # 2025: the member is found 不称职 (不满意 over half) — nothing ends yet
    e25, findings = save_evaluation(clerk, _fields(w, 2025, (5, 10, 23)))
    assert findings == []
    assert finalize_evaluation(clerk, e25, password=PASSWORD) == []
    d25 = Q.evaluation_detail(clerk, e25)
    assert [e.verdict_label for e in d25.entries] == ["称职", "不称职", "基本称职"]
    # 2026: 不称职 again → the office ends on the review date (C22), the 联席会议 seat with it
    e26, _ = save_evaluation(clerk, _fields(w, 2026, (4, 9, 25)))
    done = finalize_evaluation(clerk, e26, password=PASSWORD)
    assert len(done) == 1 and "张委员在2025年、2026年民主评议中连续两次被评为不称职，其职务终止" in done[0]
    assert "第三十三条" in done[0]
    with world.db.read() as s:
        seats = {m.body: m for m in s.scalars(select(Membership).where(Membership.person_id == w["member"]))}
    assert seats["village_committee"].end_date == D("2026-12-10")
    assert "连续两次被评为不称职" in (seats["village_committee"].end_reason or "")
    assert seats["joint_meeting"].end_date == D("2026-12-10")
    entry = next(e for e in Q.evaluation_detail(clerk, e26).entries if e.name == "张委员")
    assert entry.office_ended and "补选" in entry.consequence
    # the by-election is due until somebody is seated on the 村委会
    due = Q.by_elections_due(clerk, w["vid"])
    assert [b.person_name for b in due] == ["张委员"] and "请村民委员会组织补选" in due[0].label
    add_membership(
        world.admin, w["newcomer"], body="village_committee", role="member", start_date=D("2027-01-15")
    )
    assert Q.by_elections_due(clerk, w["vid"]) == []
    with world.db.read_engine.connect() as conn:
        assert verify_all(conn) == []


def test_supervisory_member_twice_incompetent_is_only_a_reminder(world: World, w: dict[str, str]) -> None:
    clerk = world.new_user("wenshu", Role.CLERK, villages=[w["vid"]])
    for year in (2025, 2026):
        entries = (EntryFields(w["sup"], "supervisory", "村监会委员", 3, 5, 30),)
        eid, _ = save_evaluation(clerk, _fields(w, year, (0, 0, 1), entries=entries))
        done = finalize_evaluation(clerk, eid, password=PASSWORD)
    assert len(done) == 1 and "法律规定职务终止的只限村民委员会成员" in done[0]
    with world.db.read() as s:
        seat = s.scalars(select(Membership).where(Membership.person_id == w["sup"])).one()
    assert seat.end_date is None


def test_c35_chaired_by_the_director_is_refused_at_finalising(world: World, w: dict[str, str]) -> None:
    clerk = world.new_user("wenshu", Role.CLERK, villages=[w["vid"]])
    eid, findings = save_evaluation(clerk, _fields(w, 2025, (30, 5, 3), chair_person_id=w["director"]))
    assert [(f.code, f.detail) for f in findings] == [("C35", "chair")]
    assert Q.evaluation_detail(clerk, eid).findings[0].detail == "chair"
    with pytest.raises(RuleFailed, match="村务监督机构主持") as exc:
        finalize_evaluation(clerk, eid, password=PASSWORD)
    assert exc.value.code == "C35"
    # corrected (the 村监会主任 chaired it), it finalises; a final review is not edited again
    save_evaluation(clerk, _fields(w, 2025, (30, 5, 3)), evaluation_id=eid)
    assert finalize_evaluation(clerk, eid, password=PASSWORD) == []
    with pytest.raises(ValidationError, match="已定稿"):
        save_evaluation(clerk, _fields(w, 2025, (30, 5, 3)), evaluation_id=eid)


def test_votes_must_add_up_and_verdicts_follow_the_township_shares(world: World, w: dict[str, str]) -> None:
    clerk = world.new_user("wenshu", Role.CLERK, villages=[w["vid"]])
    _, findings = save_evaluation(clerk, _fields(w, 2025, (30, 5, 4)))  # 39 votes, 38 participants
    assert [(f.code, f.detail) for f in findings] == [("C22", "too_many_votes")]
    update_rules(world.admin, {"evaluation_incompetent_pct": 30}, credential=PASSWORD)
    eid, _ = save_evaluation(clerk, _fields(w, 2026, (20, 6, 12)))  # 12/38 = 31.6 % dissatisfied
    assert [e.verdict_label for e in Q.evaluation_detail(clerk, eid).entries][1] == "不称职"


def test_overview_lists_who_was_and_was_not_reviewed(world: World, w: dict[str, str]) -> None:
    clerk = world.new_user("wenshu", Role.CLERK, villages=[w["vid"]])
    fields = _fields(w, 2026, (5, 10, 23))
    eid, _ = save_evaluation(clerk, replace(fields, entries=fields.entries[:2]))
    finalize_evaluation(clerk, eid, password=PASSWORD)
    rows = {r.village_name: r for r in Q.overview(world.admin, 2026)}
    mine = rows["溪口村"]
    assert (mine.status_label, mine.reviewed, mine.members) == ("已评议", 2, 4)
    assert set(mine.not_reviewed) == {"刘监委", "陈监委"} and mine.incompetent == ("张委员",)
    assert rows["上洋村"].status_label == "未评议"
    assert Q.missed_years(world.admin, 2026) == [(world.village_ids[1], "上洋村")]
    assert [c.label for c in Q.candidates(clerk, w["vid"], D("2026-12-01"))][:2] == [
        "李主任（村委会主任）", "张委员（村委会委员）",
    ]  # fmt: skip
    assert [label for _, label in Q.chair_choices(clerk, w["vid"], D("2026-12-01"))] == [
        "刘监委（村监会主任）", "陈监委（村监会委员）",
    ]  # fmt: skip


def test_rights(world: World, w: dict[str, str]) -> None:
    director = world.new_user("zhuren", Role.DIRECTOR, villages=[w["vid"]])
    with pytest.raises(PermissionDenied, match="登记民主评议"):
        save_evaluation(director, _fields(w, 2026, (30, 5, 3)))
    chair = world.new_user("jianwei_zr", Role.SUPERVISOR_CHAIR, villages=[w["vid"]])
    eid, _ = save_evaluation(chair, _fields(w, 2026, (30, 5, 3)))
    assert finalize_evaluation(chair, eid, password=PASSWORD) == []
