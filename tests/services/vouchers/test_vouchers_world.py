"""A village with a 村务监督委员会 (chair + 2 members), 主任, 书记 and a clerk, each a logged-in context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.services.kernel.users import create_user
from quzhou_desktop.services.vouchers.voucher import VoucherFields, create_voucher, submit_voucher
from quzhou_desktop.store.models import Membership, Person
from tests.factories import PASSWORD, World


@dataclass
class Village:
    world: World
    vid: str
    clerk: AppContext
    chair: AppContext
    member1: AppContext
    member2: AppContext
    director: AppContext
    secretary: AppContext
    persons: dict[str, str]

    def fields(self, amount_fen: int = 150_000, **kw: object) -> VoucherFields:
        base: dict[str, object] = {
            "number": "001",
            "voucher_date": date(2026, 11, 3),
            "handler_name": "王小明",
            "payee": "衢州市柯城区某某建材店",
            "purpose": "村道修补水泥",
            "amount_fen": amount_fen,
            "invoice_count": 2,
            "funding_source": "村集体经营收入",
        }
        base.update(kw)
        return VoucherFields(**base)  # type: ignore[arg-type]

    def submitted(self, amount_fen: int = 150_000, **kw: object) -> str:
        vid, _ = create_voucher(self.clerk, self.vid, self.fields(amount_fen, **kw))
        self.world.clock.advance(minutes=5)
        submit_voucher(self.clerk, vid)
        self.world.clock.advance(minutes=5)
        return vid


def make_village(world: World) -> Village:
    vid = world.village_ids[0]
    names = ["监委甲", "监委乙", "监委丙", "主任丁", "书记戊", "经手王小明"]
    with world.admin.write("test.roster") as s:
        people = [Person(village_id=vid, name=n) for n in names]
        s.add_all(people)
        s.flush()
        start = date(2024, 3, 1)
        s.add_all(
            [
                Membership(
                    village_id=vid, person_id=people[0].id, body="supervisory", role="chair", start_date=start
                ),
                Membership(village_id=vid, person_id=people[1].id, body="supervisory", start_date=start),
                Membership(village_id=vid, person_id=people[2].id, body="supervisory", start_date=start),
                Membership(
                    village_id=vid,
                    person_id=people[3].id,
                    body="village_committee",
                    role="director",
                    start_date=start,
                ),
                Membership(
                    village_id=vid,
                    person_id=people[4].id,
                    body="party_branch",
                    role="secretary",
                    start_date=start,
                ),
            ]
        )
        ids = {n: p.id for n, p in zip(names, people, strict=True)}

    def user(username: str, role: Role, person: str | None) -> AppContext:
        info = create_user(
            world.admin,
            username=username,
            display_name=person or username,
            role=role,
            password=PASSWORD,
            village_ids=[vid],
            person_id=ids[person] if person else None,
            credential=PASSWORD,
        )
        return world.as_user(info.id)

    return Village(
        world,
        vid,
        clerk=user("wenshu", Role.CLERK, None),
        chair=user("jianwei_zr", Role.SUPERVISOR_CHAIR, "监委甲"),
        member1=user("jianwei1", Role.SUPERVISOR, "监委乙"),
        member2=user("jianwei2", Role.SUPERVISOR, "监委丙"),
        director=user("zhuren", Role.DIRECTOR, "主任丁"),
        secretary=user("shuji", Role.SECRETARY, "书记戊"),
        persons=ids,
    )
