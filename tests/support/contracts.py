"""A village for the contract services: its roster (a tenant), a clerk, a 村民代表会议 决议 that passed and one that
failed, a 村务联席会议 decision, an asset, ledger lines of rent received and a works voucher."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from quzhou_desktop.services.contracts import assets as A
from quzhou_desktop.services.contracts.contract import ContractFields, PartyFields, ScheduleFields
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.store.models import LedgerLine, Matter, MatterStep, Person, Voucher
from tests.support.world import World

D = date.fromisoformat


@dataclass
class Village:
    world: World
    vid: str
    clerk: AppContext
    tenant: str  # person id
    passed: str  # a passed 村民代表会议 决议 (2026-03-10)
    failed: str  # a failed one
    joint: str  # a 村务联席会议 商议 step
    hall: str  # asset id: the village hall, idle
    rent_2026: str  # ledger line: rent received 2026-04-02, ¥12,000
    rent_small: str  # ledger line: ¥8,000 received 2027-04-03
    works_voucher: str  # a ¥30,000 voucher for the works contract

    def lease(self, **kw: object) -> ContractFields:
        base: dict[str, object] = {
            "number": "HT-2026-01",
            "title": "村文化礼堂租赁合同",
            "kind": "lease",
            "amount_fen": 2_400_000,
            "start_date": D("2026-04-01"),
            "end_date": D("2028-03-31"),
            "signed_on": D("2026-03-20"),
            "asset_id": self.hall,
            "decision_step_id": self.passed,
            "parties": (PartyFields("villager", person_id=self.tenant),),
            "schedule": (
                ScheduleFields(D("2026-04-01"), 1_200_000, "receivable", "第一年租金"),
                ScheduleFields(D("2027-04-01"), 1_200_000, "receivable", "第二年租金"),
            ),
        }
        base.update(kw)
        return ContractFields(**base)  # type: ignore[arg-type]  # the defaults above, overridden by keyword


def _step(
    s: Session, matter: Matter, seq: int, step_type: str, body: str, passed: bool, on: date
) -> MatterStep:
    st = MatterStep(matter_id=matter.id, seq=seq, step_type=step_type, body=body, meeting_date=on, passed=passed,
                    valid=True, state="final")  # fmt: skip
    s.add(st)
    s.flush()
    return st


def make_village(world: World) -> Village:
    vid = world.village_ids[0]
    with world.admin.write("test.setup") as s:
        tenant = Person(village_id=vid, name="王建国", phone="13857001001", id_number="33080219660307101X")
        s.add(tenant)
        lease = Matter(village_id=vid, title="村文化礼堂对外出租", category="asset_disposal", source="村干部提议",
                       year=2026, status="in_progress")  # fmt: skip
        other = Matter(village_id=vid, title="集体茶园承包方案", category="collective_project", source="村干部提议",
                       year=2026, status="failed")  # fmt: skip
        s.add_all([lease, other])
        s.flush()
        joint = _step(s, lease, 1, "consult", "joint", True, D("2026-02-20"))
        passed = _step(s, lease, 2, "resolve", "representatives", True, D("2026-03-10"))
        failed = _step(s, other, 1, "resolve", "representatives", False, D("2026-03-12"))
        lines = [
            LedgerLine(village_id=vid, entry_date=D("2026-04-02"), voucher_no="J0402", summary="收文化礼堂租金",
                       income_fen=1_200_000, expense_fen=0, counterparty="王建国"),
            LedgerLine(village_id=vid, entry_date=D("2027-04-03"), voucher_no="J0403", summary="收文化礼堂租金（部分）",
                       income_fen=800_000, expense_fen=0, counterparty="王建国"),
        ]  # fmt: skip
        s.add_all(lines)
        voucher = Voucher(village_id=vid, year=2026, number="031", version=1, voucher_date=D("2026-06-30"),
                          handler_name="王建国", payee="衢州市某建筑公司", purpose="村道硬化工程进度款",
                          amount_fen=3_000_000, invoice_count=1, status="accepted")  # fmt: skip
        s.add(voucher)
        s.flush()
        ids = (tenant.id, passed.id, failed.id, joint.id, lines[0].id, lines[1].id, voucher.id)
    clerk = world.new_user("wenshu", Role.CLERK, villages=[vid])
    hall = A.create_asset(clerk, vid, A.AssetFields(name="村文化礼堂", kind="building", status="idle", code="ZC-001",
                                                     area_centi=42000, value_fen=80_000_000))  # fmt: skip
    return Village(world, vid, clerk, ids[0], ids[1], ids[2], ids[3], hall, ids[4], ids[5], ids[6])
