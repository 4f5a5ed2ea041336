"""A village of the ``world`` staffed for 先审后签: a 村务监督委员会 (chair + 2 members), 主任, 书记 and a clerk,
each a logged-in context."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.services.kernel.users import create_user
from quzhou_desktop.services.vouchers.flow import deliver_voucher, review_voucher, sign_voucher
from quzhou_desktop.services.vouchers.voucher import VoucherFields, create_voucher, submit_voucher
from quzhou_desktop.store.models import Membership, Person
from tests.support.world import PASSWORD, World

BASE_FIELDS = VoucherFields(
    number="001",
    voucher_date=date(2026, 11, 3),
    handler_name="王小明",
    payee="衢州市柯城区某某建材店",
    purpose="村道修补水泥",
    amount_fen=150_000,
    invoice_count=2,
    funding_source="村集体经营收入",
)


@dataclass
class VoucherVillage:
    world: World
    vid: str  # 溪口村
    clerk: AppContext
    chair: AppContext  # 村监会主任 监委甲
    member1: AppContext  # 监委乙
    member2: AppContext  # 监委丙
    director: AppContext  # 村委会主任 主任丁
    secretary: AppContext  # 村党组织书记 书记戊
    persons: dict[str, str]  # roster name -> person id

    def fields(self, amount_fen: int = 150_000, /, **kw: Any) -> VoucherFields:
        """A valid voucher (``BASE_FIELDS``) of ``amount_fen`` with ``kw`` replaced (``kw`` wins)."""
        return replace(BASE_FIELDS, **{"amount_fen": amount_fen, **kw})

    def submitted(self, amount_fen: int = 150_000, /, **kw: Any) -> str:
        """A voucher created and submitted by the clerk, five minutes apart; its id."""
        vid, _ = create_voucher(self.clerk, self.vid, self.fields(amount_fen, **kw))
        self.world.clock.advance(minutes=5)
        submit_voucher(self.clerk, vid)
        self.world.clock.advance(minutes=5)
        return vid

    def delivered(self, amount_fen: int = 150_000, /, **kw: Any) -> str:
        """A submitted voucher reviewed by two 村监会 members, signed by 主任 and 书记 and delivered to the
        代理记账中心, five minutes apart; its id."""
        vid = self.submitted(amount_fen, **kw)
        steps = (
            lambda: review_voucher(self.member1, vid, "agree", "", PASSWORD),
            lambda: review_voucher(self.member2, vid, "agree", "", PASSWORD),
            lambda: sign_voucher(self.director, vid, PASSWORD),
            lambda: sign_voucher(self.secretary, vid, PASSWORD),
            lambda: deliver_voucher(self.clerk, vid),
        )
        for step in steps:
            step()
            self.world.clock.advance(minutes=5)
        return vid


def make_voucher_village(world: World) -> VoucherVillage:
    vid = world.village_ids[0]
    names = ["监委甲", "监委乙", "监委丙", "主任丁", "书记戊", "经手王小明"]
    with world.admin.write("test.roster") as s:
        people = [Person(village_id=vid, name=n) for n in names]
        s.add_all(people)
        s.flush()
        start = date(2024, 3, 1)
        seats = [
            (people[0], "supervisory", "chair"),
            (people[1], "supervisory", "member"),
            (people[2], "supervisory", "member"),
            (people[3], "village_committee", "director"),
            (people[4], "party_branch", "secretary"),
        ]
        for person, body, role in seats:
            s.add(Membership(village_id=vid, person_id=person.id, body=body, role=role, start_date=start))
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

    return VoucherVillage(
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
