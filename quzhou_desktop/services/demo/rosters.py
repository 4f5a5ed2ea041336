"""Demo step 10: the township, five villages with full rosters, and one user per role (all of 溪口村, the demo
village, except the township staff)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from quzhou_desktop.services.demo.names import birth_date, id_number, mobile, person_name
from quzhou_desktop.services.demo.state import DEMO_PASSWORD, DemoState, StoryClock, utc_at
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.services.kernel.users import create_user
from quzhou_desktop.services.roster.setup import initialise
from quzhou_desktop.services.roster.villages import VillageSpec
from quzhou_desktop.store.models import KinLink, Membership, Person

VILLAGES = [
    VillageSpec(name="溪口村", code="330802101201", households=420, adults=1130, finance_busy=True),
    VillageSpec(name="上洋村", code="330802101202", households=310, adults=860, finance_busy=False),
    VillageSpec(name="东坑村", code="330802101203", households=265, adults=702, finance_busy=False),
    VillageSpec(name="横路村", code="330802101204", households=540, adults=1488, finance_busy=True),
    VillageSpec(name="石门村", code="330802101205", households=198, adults=530, finance_busy=False),
]
GROUPS = ["第一村民小组", "第二村民小组", "第三村民小组", "第四村民小组", "第五村民小组", "第六村民小组"]


def build(state: DemoState) -> None:
    """The township is set up (and its users created, with their signing keys) before the two years of
    history the other parts tell, so every signature of that history falls within its key's validity."""
    real = state.ctx.clock
    state.ctx.clock = StoryClock(utc_at(date(state.today.year - 2, 1, 2), 9))
    try:
        _build(state)
    finally:
        state.ctx.clock = real


def _build(state: DemoState) -> None:
    ctx, today = state.ctx, state.today
    sheet = initialise(
        ctx,
        township_name="石梁镇",
        township_code="330802101",
        villages=VILLAGES,
        admin_username="admin",
        admin_password=DEMO_PASSWORD,
        admin_display_name="周建华",
    )
    state.users["admin"] = sheet.admin_id
    from quzhou_desktop.services.roster.villages import list_villages

    admin = state.login("admin")
    villages = list_villages(admin)
    by_name = {v.name: v for v in villages}
    state.village_ids = [by_name[v.name].id for v in VILLAGES]
    term_start = date(today.year - 2 if today.month < 3 else today.year - 1, 3, 1)
    for spec in VILLAGES:
        vid = by_name[spec.name].id
        state.people[vid] = _village_roster(state, vid, int(spec.households), term_start)
    _users(state)


def _village_roster(
    state: DemoState, village_id: str, households: int, term_start: date
) -> dict[str, object]:
    rng, today = state.rng, state.today
    used: set[str] = set()
    people: list[Person] = []
    reps_target = max(20, min(households // 10, 45))
    n_people = 40 + reps_target + 20
    for i in range(n_people):
        female = i % 3 == 0 or (i >= 40 and i % 2 == 0)
        name = person_name(rng, female)
        while name in used:
            name = person_name(rng, female)
        used.add(name)
        born = birth_date(rng, today, 25, 75)
        people.append(
            Person(
                village_id=village_id,
                name=name,
                gender="女" if female else "男",
                id_number=id_number(rng, born, female),
                phone=mobile(rng),
                group_name=GROUPS[i % len(GROUPS)],
                household_head=not female and rng.random() < 0.6,
            )
        )
    men = [p for p in people if p.gender == "男"]
    women = [p for p in people if p.gender == "女"]
    info: dict[str, object] = {}
    with state.ctx.write("demo.roster") as s:
        s.add_all(people)
        s.flush()
        ms: list[Membership] = []

        def seat(
            p: Person,
            body: str,
            role: str = "member",
            party_status: str | None = None,
            start: date = term_start,
        ) -> None:
            ms.append(
                Membership(
                    village_id=village_id,
                    person_id=p.id,
                    body=body,
                    role=role,
                    party_status=party_status,
                    start_date=start,
                )
            )

        branch = men[0:4] + women[0:1]  # 书记 + 4 委员
        committee = men[4:7] + women[1:3]  # 主任 + 4 委员
        supervisory = men[7:9] + women[3:4]  # 村监会主任 + 2 委员
        for k, p in enumerate(branch):
            seat(p, "party_branch", "secretary" if k == 0 else ("deputy_secretary" if k == 1 else "member"))
        for k, p in enumerate(committee):
            seat(
                p, "village_committee", "director" if k == 0 else ("deputy_director" if k == 1 else "member")
            )
        for k, p in enumerate(supervisory):
            seat(p, "supervisory", "chair" if k == 0 else "member")
        for p in branch + committee + supervisory[:1]:
            seat(p, "joint_meeting")
        party = branch + committee[:3] + supervisory[:2] + men[9:25] + women[4:12]
        for k, p in enumerate(party):
            seat(p, "party_meeting", party_status="probationary" if k % 13 == 12 else "full")
        # 村民代表: at least one third women (C5), between H/15 and H/5 (C6)
        rep_pool_w = women[12:]
        rep_pool_m = men[25:]
        n_w = min(len(rep_pool_w), (reps_target + 5 + 2) // 3 + 2)
        reps = rep_pool_w[:n_w] + rep_pool_m[: reps_target - n_w]
        for p in reps:
            seat(p, "rep_meeting", "rep")
        for leader in (men + women)[30 : 30 + len(GROUPS)]:
            seat(leader, "villager_group", "leader")
        s.add_all(ms)
        # A close relative of a 村委会 member (the kind C19 keeps off the 村监会)
        s.add(KinLink(person_a_id=committee[0].id, person_b_id=men[20].id, relation="兄弟姐妹"))
        s.flush()
        info = {
            "secretary": branch[0].id,
            "director": committee[0].id,
            "supervisory_chair": supervisory[0].id,
            "supervisory": [p.id for p in supervisory],
            "party_branch": [p.id for p in branch],
            "committee": [p.id for p in committee],
            "party": [p.id for p in party],
            "reps": [p.id for p in reps],
            "all": [p.id for p in people],
            "clerk_name": women[2].name,
            "kin_of_director": men[20].id,
        }
    return info


def _users(state: DemoState) -> None:
    """One user per role, all of the demo village (the first: 溪口村), so what one enters the others can review
    and sign; the township's staff (administrator, 农经站) see every village."""
    v1 = state.village_ids[0]
    p1 = state.people[v1]
    specs = [
        ("wenshu", "报账员", Role.CLERK, None, [v1]),
        ("jianwei_zr", "村监会主任", Role.SUPERVISOR_CHAIR, p1["supervisory_chair"], [v1]),
        ("jianwei", "村监会委员", Role.SUPERVISOR, p1["supervisory"][1], [v1]),
        ("zhuren", "村委会主任", Role.DIRECTOR, p1["director"], [v1]),
        ("shuji", "村党组织书记", Role.SECRETARY, p1["secretary"], [v1]),
        ("chakan", "农经站查看员", Role.READONLY, None, list(state.village_ids)),
    ]
    admin, grant = state.signing("admin")
    names: dict[str, str] = {}
    with state.ctx.read() as s:
        for p in s.scalars(select(Person).where(Person.village_id == v1)):
            names[p.id] = p.name
    for username, _title, role, person_id, villages in specs:
        if person_id is not None:
            display = names[str(person_id)]
        elif role is Role.CLERK:
            display = str(p1["clerk_name"])
        else:
            display = "吴晓梅"
        info = create_user(
            admin,
            username=username,
            display_name=display,
            role=role,
            password=DEMO_PASSWORD,
            village_ids=villages,
            person_id=person_id,
            credential=grant,
            must_change=False,
        )
        state.users[username] = info.id
