"""Demo step 50: the first village's assets and resources and its collective contracts, through the real services.

- the old village hall let to a company for three years on a decision kept on paper: the first year's rent
  received, the second only in part — an overdue receivable;
- the idle warehouse let after the 五议两公开 matter “村集体闲置仓库对外租赁” was resolved, its first rent received;
- the north fields contracted out to a villager for five years, paid up;
- the works contract of the matter “主干道硬化及路灯安装工程”, its advance due after the works start;
- a shop in the village office building let to a villager, ending within weeks;
- the south pond contracted out without any decision — on the 村务监督委员会's list (C33);
- an old grain store marked 出租 with no contract (a 工作台 reminder).
Rent received comes in as lines of the 收支明细 (as an import from the bookkeeping agency would bring it).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from sqlalchemy import select

from quzhou_desktop.core.contracts import ContractKind, even_schedule
from quzhou_desktop.services.contracts import assets as A
from quzhou_desktop.services.contracts.contract import (
    ContractFields,
    DepositFields,
    PartyFields,
    ScheduleFields,
    create_contract,
)
from quzhou_desktop.services.contracts.payments import link_payment
from quzhou_desktop.services.contracts.query import contract_detail, decision_choices
from quzhou_desktop.services.demo.state import DEMO_PASSWORD, DemoState
from quzhou_desktop.services.disclosures.disclosure import post_disclosure
from quzhou_desktop.services.disclosures.from_records import create_from_contract
from quzhou_desktop.store.models import LedgerLine, Person

ASSETS = [
    # key, code, name, kind, location, area (hundredths), value (fen), status
    ("office", "ZC-001", "村办公楼", "building", "村委会院内", 86_000, 180_000_000, "self_use"),
    ("hall", "ZC-002", "村老会堂", "building", "村中心路18号", 42_000, 65_000_000, "idle"),
    ("warehouse", "ZC-003", "村东闲置仓库", "building", "村东路口", 36_000, 24_000_000, "idle"),
    ("shop", "ZC-004", "村办公楼一楼店面", "building", "村委会院内临街", 8_550, 12_000_000, "idle"),
    ("grain", "ZC-005", "村东旧粮站", "building", "村东路3号", 21_000, 8_000_000, "leased"),
    ("fields", "ZY-001", "村北农田", "land", "第一、第二村民小组北片", 8_650, None, "idle"),
    ("pond", "ZY-002", "村南山塘", "water", "村南", 1_250, None, "idle"),
    ("forest", "ZY-003", "后山集体林地", "forest", "后山坞", 32_000, None, "idle"),
    ("mill", "SB-001", "碾米机", "equipment", "村东旧粮站内", None, 1_800_000, "idle"),
]


def _months_later(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    return date(d.year + y, m + 1, min(d.day, calendar.monthrange(d.year + y, m + 1)[1]))


def _first(d: date) -> date:
    return date(d.year, d.month, 1)


def build(state: DemoState) -> None:
    ctx = state.login("wenshu")
    vid = state.village_ids[0]
    today = state.today
    people = state.people[vid]
    asset = {key: A.create_asset(ctx, vid, A.AssetFields(
        name=name, kind=kind, status=status, code=code, location=loc, area_centi=area, value_fen=value,
    )) for key, code, name, kind, loc, area, value, status in ASSETS}  # fmt: skip
    with ctx.read() as s:
        names = {p.id: p.name for p in s.scalars(select(Person).where(Person.village_id == vid))}
    reps = [str(p) for p in people["reps"]]
    decisions = {c.title: c for c in decision_choices(ctx, vid)}

    def contract(
        number: str,
        title: str,
        kind: ContractKind,
        amount_yuan: int,
        start: date,
        years: int,
        *,
        parties: tuple[PartyFields, ...],
        signed_on: date,
        subject: str,
        asset_id: str | None = None,
        decision_ref: str | None = None,
        decision_step_id: str | None = None,
        deposits: tuple[DepositFields, ...] = (),
        lines: list[ScheduleFields] | None = None,
    ) -> str:
        end = _months_later(start, 12 * years) - timedelta(days=1)
        if lines is None:
            lines = [ScheduleFields(d, a, kind.direction.value)
                     for d, a in even_schedule(start, end, amount_yuan * 100, "year")]  # fmt: skip
        fields = ContractFields(
            number=number, title=title, kind=kind.value, amount_fen=amount_yuan * 100, start_date=start,
            end_date=end, signed_on=signed_on, asset_id=asset_id, subject=subject, decision_step_id=decision_step_id,
            decision_ref=decision_ref, parties=parties, schedule=tuple(lines), deposits=deposits,
        )  # fmt: skip
        cid, _ = create_contract(ctx, vid, fields)
        return cid

    def received(
        cid: str, n: int, fen: int, on: date, payer: str, summary: str, *, paid: bool = False
    ) -> None:
        """A ledger line for schedule line ``n``: money received (a payment made when ``paid``), linked to it."""
        with ctx.write("demo.ledger") as s:
            ln = LedgerLine(village_id=vid, entry_date=on, voucher_no=f"{'付' if paid else '收'}{on:%m%d}",
                            summary=summary, subject="公益支出" if paid else "经营收入",
                            income_fen=0 if paid else fen, expense_fen=fen if paid else 0,
                            counterparty=payer)  # fmt: skip
            s.add(ln)
            s.flush()
            line_id = ln.id
        line = contract_detail(ctx, cid).lines[n]
        link_payment(ctx, line.id, amount_fen=fen, ledger_line_id=line_id)

    # the old village hall: three years from 14 months ago, the second year's rent only in part
    company = PartyFields("company", "衢州市柯城区绿源农产品有限公司", id_code="91330802MA2DEMO01X",
                          phone="0570-3012345")  # fmt: skip
    hall_start = _first(today - timedelta(days=430))
    hall = contract("XK-ZL-2025-01", "村老会堂租赁合同", ContractKind.LEASE, 144_000, hall_start, 3,
                    asset_id=asset["hall"], subject="村老会堂整栋420平方米，用作农产品仓储",
                    signed_on=hall_start - timedelta(days=10), parties=(company,),
                    decision_ref=f"{hall_start.year}年村民代表会议决议（纸质记录，存村档案室）",
                    deposits=(DepositFields("押金", "receivable", 1_000_000, hall_start - timedelta(days=10)),))  # fmt: skip
    received(hall, 0, 4_800_000, hall_start + timedelta(days=3), company.name, "收村老会堂第一年租金")
    second = _months_later(hall_start, 12)
    received(hall, 1, 3_000_000, second + timedelta(days=5), company.name, "收村老会堂第二年租金（部分）")

    # the idle warehouse, let after the 五议两公开 decision
    warehouse = decisions.get("村集体闲置仓库对外租赁")
    if warehouse is not None and warehouse.on is not None:
        signed = min(today, warehouse.on + timedelta(days=4))
        tenant = PartyFields("villager", person_id=reps[3])
        wh = contract("XK-ZL-2026-02", "村东闲置仓库租赁合同", ContractKind.LEASE, 144_000, signed, 3,
                      asset_id=asset["warehouse"], subject="村东闲置仓库360平方米", signed_on=signed,
                      parties=(tenant,), decision_step_id=warehouse.step_id)  # fmt: skip
        received(wh, 0, 4_800_000, signed, names[reps[3]], "收村东闲置仓库第一年租金")

    # the north fields, contracted out for five years on a decision kept on paper, paid up
    fields_start = date(today.year - 2, 1, 1)
    farmer = PartyFields("villager", person_id=reps[5])
    fields = contract("XK-CB-2024-01", "村北农田承包合同", ContractKind.CONTRACTING, 259_500, fields_start, 5,
                      asset_id=asset["fields"], subject="村北农田86.5亩，种植水稻、油菜",
                      signed_on=fields_start - timedelta(days=20), parties=(farmer,),
                      decision_ref=f"{fields_start.year - 1}年12月村民代表会议决议（土地承包方案，纸质记录）")  # fmt: skip
    for n in range(3):
        on = date(fields_start.year + n, 1, 6)
        if on <= today:
            received(fields, n, 5_190_000, on, names[reps[5]], f"收村北农田{fields_start.year + n}年承包金")

    # the works contract of the road matter, decided by its 村民代表会议
    road = decisions.get("主干道硬化及路灯安装工程")
    if road is not None and road.on is not None:
        signed = road.on + timedelta(days=3)
        builder = PartyFields("company", "衢州市通达路桥工程有限公司", id_code="91330800MA2DEMO02Y")
        amounts = (11_376_000, 22_752_000, 3_792_000)  # the price of the open selection, 37.92万元
        dues = (signed + timedelta(days=7), signed + timedelta(days=40), _months_later(signed, 13))
        works = contract("XK-GC-2026-01", "村主干道硬化及路灯安装工程施工合同", ContractKind.WORKS, 379_200, signed, 1,
                         subject="主干道水泥硬化1.6公里，安装太阳能路灯48盏", signed_on=signed, parties=(builder,),
                         decision_step_id=road.step_id,
                         lines=[ScheduleFields(d, a, "payable", note)
                                for d, a, note in zip(dues, amounts, ("预付款30%", "完工款60%", "质保金10%"), strict=True)],
                         deposits=(DepositFields("履约保证金", "receivable", 1_896_000, signed),))  # fmt: skip
        for n, (due, fen, what) in enumerate(zip(dues[:2], amounts, ("预付款", "完工款"), strict=False)):
            if due <= today:
                received(works, n, fen, due, builder.name, f"付主干道硬化及路灯安装工程{what}", paid=True)
        state.extra["works"] = works

    # a shop let to a villager for two years, ending within weeks
    shop_start = _months_later(today + timedelta(days=40), -24) + timedelta(days=1)
    shop = contract("XK-ZL-2024-03", "村办公楼一楼店面租赁合同", ContractKind.LEASE, 24_000, shop_start, 2,
                    asset_id=asset["shop"], subject="一楼临街店面85.5平方米，经营小卖部",
                    signed_on=shop_start - timedelta(days=5), parties=(PartyFields("villager", person_id=reps[8]),),
                    decision_ref=f"{shop_start.year}年村民代表会议决议（纸质记录）")  # fmt: skip
    for n in range(2):
        on = _months_later(shop_start, 12 * n) + timedelta(days=2)
        if on <= today:
            received(shop, n, 1_200_000, on, names[reps[8]], "收店面租金")

    # the south pond, contracted out with no decision: the 村务监督委员会 supervises it (C33)
    pond_start = _first(today - timedelta(days=100))
    pond = contract("XK-CB-2026-02", "村南山塘养殖承包合同", ContractKind.CONTRACTING, 27_000, pond_start, 3,
                    asset_id=asset["pond"], subject="村南山塘12.5亩，养殖淡水鱼", signed_on=pond_start,
                    parties=(PartyFields("villager", person_id=reps[11]),))  # fmt: skip
    link_payment(ctx, contract_detail(ctx, pond).lines[0].id, amount_fen=900_000, receipt_no="0006",
                 paid_on=pond_start + timedelta(days=2))  # fmt: skip
    state.extra["contracts"] = {"hall": hall, "pond": pond, "shop": shop, "fields": fields}

    # 合同公开 on the board a few days after signing: the hall lease and, when it exists, the road works
    for cid in (hall, *(c for c in (state.extra.get("works"),) if isinstance(c, str))):
        signed_on = contract_detail(ctx, cid).signed_on or today
        on = min(today, signed_on + timedelta(days=3))
        did = create_from_contract(ctx, cid)
        post_disclosure(
            ctx,
            did,
            channels=("公开栏",),
            posted_from=on,
            posted_to=on + timedelta(days=7),
            password=DEMO_PASSWORD,
        )
