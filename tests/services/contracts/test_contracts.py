"""Contracts and assets over a real SQLite file: C33 on save and on the 村监会's queue, C34 on schedules and
payments, the lazy registers, the 工作台 reminders, termination, and an audit chain that verifies."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from sqlalchemy import select

from quzhou_desktop.core.contracts import ContractKind, LineState, check_decision
from quzhou_desktop.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from quzhou_desktop.services.contracts import assets as A
from quzhou_desktop.services.contracts import query as Q
from quzhou_desktop.services.contracts import reminders as R
from quzhou_desktop.services.contracts.common import decision_of
from quzhou_desktop.services.contracts.contract import (
    PartyFields,
    ScheduleFields,
    contract_fields,
    create_contract,
    terminate_contract,
    update_contract,
)
from quzhou_desktop.services.contracts.payments import link_payment, payment_candidates, withdraw_payment
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.services.kernel.settings import update_rules
from quzhou_desktop.services.vouchers.common import RuleFailed
from quzhou_desktop.store.audit.verify import verify_all
from quzhou_desktop.store.models import Asset, Contract
from tests.support.contracts import D, Village, make_village
from tests.support.world import PASSWORD, World


@pytest.fixture
def v(world: World) -> Village:
    return make_village(world)


def _today(v: Village, iso: str) -> None:
    v.world.clock._now = datetime.fromisoformat(iso + "T02:00:00")


def test_a_lease_from_decision_to_its_last_payment(v: Village) -> None:
    # Given the 村民代表会议's passed 决议, a two-year lease of the village hall is recorded
    cid, shown = create_contract(v.clerk, v.vid, v.lease())
    assert [f.detail for f in shown] == ["asset_status"]  # no C33 error; the hall is now 出租
    assert A.get_asset(v.clerk, v.hall).status_label == "出租"
    detail = Q.contract_detail(v.clerk, cid)
    assert detail.decision_text == "村文化礼堂对外出租（2026年3月10日村民代表会议决议通过）"
    assert detail.parties[0].name == "王建国" and detail.parties[0].id_shown.startswith("330802")
    assert "*" in detail.parties[0].id_shown
    # When the first year's rent is tied to the ledger line that received it
    first, second = detail.lines
    link_payment(v.clerk, first.id, amount_fen=1_200_000, ledger_line_id=v.rent_2026)
    # Then the first line is paid, the second not due yet
    detail = Q.contract_detail(v.clerk, cid)
    assert [x.state for x in detail.lines] == [LineState.PAID, LineState.NOT_DUE]
    assert detail.lines[0].payments[0].paid_on == D("2026-04-02")
    assert "收支明细 2026-04-02 J0402 收文化礼堂租金" in detail.lines[0].payments[0].source
    # A year later only ¥8,000 came in: ¥4,000 overdue from the day after the due date (grace 0, C34)
    _today(v, "2027-04-03")
    link_payment(v.clerk, second.id, amount_fen=800_000, ledger_line_id=v.rent_small)
    detail = Q.contract_detail(v.clerk, cid)
    line = detail.lines[1]
    assert (line.state, line.status.outstanding_fen, line.status.overdue_from) == (
        LineState.OVERDUE, 400_000, D("2027-04-02"),
    )  # fmt: skip
    assert detail.overdue_fen == 400_000 and [f.code for f in detail.findings] == ["C34"]
    assert [o.overdue_fen for o in R.overdue_receivables(v.clerk, v.vid)] == [400_000]
    # With a 15-day grace the line is only due
    update_rules(v.world.admin, {"contract_grace_days": 15}, credential=PASSWORD)
    assert Q.contract_detail(v.clerk, cid).lines[1].state is LineState.DUE
    assert R.overdue_receivables(v.clerk, v.vid) == []
    # The rest arrives on a paper receipt: the contract is settled; nothing more may be received (C34)
    link_payment(v.clerk, second.id, amount_fen=400_000, receipt_no="0012", paid_on=D("2027-04-10"))
    detail = Q.contract_detail(v.clerk, cid)
    assert [x.state for x in detail.lines] == [LineState.PAID, LineState.PAID] and detail.outstanding_fen == 0
    assert detail.row.settled_fen == 2_400_000
    with pytest.raises(RuleFailed, match="超过合同金额") as exc:
        link_payment(v.clerk, second.id, amount_fen=1, receipt_no="0013", paid_on=D("2027-04-11"))
    assert exc.value.code == "C34"
    with v.world.db.read_engine.connect() as conn:
        assert verify_all(conn) == []


def test_c33_a_lease_without_decision_is_saved_flagged_and_queued(v: Village) -> None:
    # Given a 5-year lease recorded without any decision
    fields = v.lease(decision_step_id=None, end_date=D("2031-03-31"))
    cid, shown = create_contract(v.clerk, v.vid, fields)
    c33 = [f for f in shown if f.code == "C33"]
    assert [(f.level, f.detail) for f in c33] == [("error", "missing")]
    assert "村民委员会组织法》第二十四条" in c33[0].shown
    # Then it is on the 村监会's queue and in the register's 缺少决议 filter
    chair = v.world.new_user("jianwei_zr", Role.SUPERVISOR_CHAIR, villages=[v.vid])
    assert [r.id for r in R.undecided_contracts(chair, v.vid)] == [cid]
    assert Q.count_contracts(v.clerk, Q.ContractFilter(village_id=v.vid, status="no_decision")) == 1
    # A failed vote does not help; the joint meeting is not a 决议 at all
    shown = update_contract(v.clerk, cid, replace(fields, decision_step_id=v.failed))
    assert [f.detail for f in shown if f.code == "C33"] == ["not_passed"]
    with pytest.raises(ValidationError, match="村民会议或村民代表会议的决议"):
        update_contract(v.clerk, cid, replace(fields, decision_step_id=v.joint))
    # A decision kept on paper, named in words, is accepted; the passed 决议 too
    assert not [f for f in update_contract(v.clerk, cid, replace(fields, decision_ref="2019年村民代表会议决议"))
                if f.code == "C33"]  # fmt: skip
    assert R.undecided_contracts(chair, v.vid) == []
    update_contract(v.clerk, cid, replace(fields, decision_step_id=v.passed))
    assert R.undecided_contracts(chair, v.vid) == []
    # Signed before the decision: flagged again
    shown = update_contract(
        v.clerk, cid, replace(fields, decision_step_id=v.passed, signed_on=D("2026-03-01"))
    )
    assert [f.detail for f in shown if f.code == "C33"] == ["after_signing"]
    assert [r.id for r in R.undecided_contracts(chair, v.vid)] == [cid]


def test_works_contracts_need_no_decision_and_pay_by_voucher(v: Village) -> None:
    works = v.lease(number="HT-2026-02", title="村道硬化工程施工合同", kind="works", asset_id=None,
                    decision_step_id=None, amount_fen=5_000_000, end_date=D("2026-12-31"),
                    parties=(PartyFields("company", "衢州市某建筑公司", id_code="91330800MA2XXXXX0X"),),
                    schedule=(ScheduleFields(D("2026-06-30"), 3_000_000, "payable"),
                              ScheduleFields(D("2026-12-31"), 2_000_000, "payable")))  # fmt: skip
    cid, shown = create_contract(v.clerk, v.vid, works)
    assert shown == []
    line = Q.contract_detail(v.clerk, cid).lines[0]
    assert [c.kind for c in payment_candidates(v.clerk, line.id)] == ["voucher"]
    with pytest.raises(ValidationError, match="方向不符"):
        link_payment(v.clerk, line.id, amount_fen=100, ledger_line_id=v.rent_2026)
    pid = link_payment(v.clerk, line.id, amount_fen=3_000_000, voucher_id=v.works_voucher)
    assert Q.contract_detail(v.clerk, cid).lines[0].state_label == "已付清"
    with pytest.raises(ValidationError, match=r"只剩¥0\.00"):
        link_payment(v.clerk, Q.contract_detail(v.clerk, cid).lines[1].id, amount_fen=1,
                     voucher_id=v.works_voucher)  # fmt: skip
    withdraw_payment(v.clerk, pid, "对错了合同")
    assert Q.contract_detail(v.clerk, cid).lines[0].paid_fen == 0


def test_schedule_and_payment_refusals(v: Village) -> None:
    too_much = v.lease(schedule=(ScheduleFields(D("2026-04-01"), 1_200_000, "receivable"),
                                 ScheduleFields(D("2027-04-01"), 1_300_000, "receivable")))  # fmt: skip
    with pytest.raises(RuleFailed, match="超过合同金额") as exc:
        create_contract(v.clerk, v.vid, too_much)
    assert exc.value.code == "C34"
    cid, _ = create_contract(v.clerk, v.vid, v.lease())
    with pytest.raises(Conflict, match="HT-2026-01"):
        create_contract(v.clerk, v.vid, v.lease())
    first = Q.contract_detail(v.clerk, cid).lines[0]
    with pytest.raises(ValidationError, match="超过本期尚未收"):
        link_payment(v.clerk, first.id, amount_fen=1_200_001, receipt_no="1", paid_on=D("2026-04-02"))
    with pytest.raises(ValidationError, match="三者取一"):
        link_payment(v.clerk, first.id, amount_fen=100)
    with pytest.raises(ValidationError, match="只能对应应付"):
        link_payment(v.clerk, first.id, amount_fen=100, voucher_id=v.works_voucher)
    link_payment(v.clerk, first.id, amount_fen=1_200_000, ledger_line_id=v.rent_2026)
    # a paid line cannot be dropped from the schedule, nor cut below what was paid
    fields = contract_fields(v.clerk, cid)
    with pytest.raises(ValidationError, match="不能删除"):
        update_contract(v.clerk, cid, replace(fields, schedule=fields.schedule[1:]))
    cut = replace(fields.schedule[0], amount_fen=1_000_000)
    with pytest.raises(ValidationError, match="不能少于"):
        update_contract(v.clerk, cid, replace(fields, schedule=(cut, fields.schedule[1])))


def test_registers_filter_search_and_sort_in_sql(v: Village) -> None:
    for n, (title, kind, start, end, amount) in enumerate([
        ("村文化礼堂租赁合同", "lease", "2026-04-01", "2028-03-31", 2_400_000),
        ("山塘承包合同", "contracting", "2020-01-01", "2026-12-31", 900_000),
        ("保洁服务合同", "service", "2025-01-01", "2025-12-31", 360_000),
    ], 1):  # fmt: skip
        decision = v.passed if kind != "service" else None
        create_contract(v.clerk, v.vid, v.lease(number=f"HT-{n:02d}", title=title, kind=kind, start_date=D(start),
                                                end_date=D(end), amount_fen=amount, asset_id=None, schedule=(),
                                                decision_step_id=decision, signed_on=None))  # fmt: skip
    flt = Q.ContractFilter(village_id=v.vid)
    assert Q.count_contracts(v.clerk, flt) == 3
    by_amount = Q.list_contracts(v.clerk, flt, sort="amount", descending=True)
    assert [r.amount_fen for r in by_amount] == [2_400_000, 900_000, 360_000]
    assert [r.number for r in Q.list_contracts(v.clerk, flt, offset=1, limit=1, sort="number")] == ["HT-02"]
    assert [r.title for r in Q.list_contracts(v.clerk, replace(flt, text="王建国"), sort="number")] == [
        "村文化礼堂租赁合同", "山塘承包合同", "保洁服务合同",
    ]  # fmt: skip
    assert [r.title for r in Q.list_contracts(v.clerk, replace(flt, text="山塘"))] == ["山塘承包合同"]
    assert [r.status_label for r in Q.list_contracts(v.clerk, replace(flt, status="expired"))] == ["已到期"]
    # 2026-11-24: the 承包 ends 2026-12-31, within the 90-day reminder
    assert [r.title for r in R.expiring_contracts(v.clerk, v.vid)] == ["山塘承包合同"]
    update_rules(v.world.admin, {"contract_expiry_days": 30}, credential=PASSWORD)
    assert R.expiring_contracts(v.clerk, v.vid) == []
    assert Q.next_number(v.clerk, v.vid, 2026) == "HT-2026-01"


def test_sql_and_core_agree_on_which_contracts_lack_a_decision(v: Village) -> None:
    """The register's 缺少决议 filter (SQL) lists exactly the contracts core's C33 check flags."""
    cases = [(kind, step, ref, signed) for kind in ContractKind
             for step, ref in [(None, None), (v.passed, None), (v.failed, None), (None, "纸质决议")]
             for signed in (D("2026-03-01"), D("2026-03-20"))]  # fmt: skip
    with v.world.admin.write("test.contracts") as s:
        for n, (kind, step, ref, signed) in enumerate(cases):
            s.add(Contract(village_id=v.vid, number=f"X{n}", title="t", kind=kind.value, amount_fen=1,
                           start_date=D("2026-04-01"), end_date=D("2027-03-31"), signed_on=signed,
                           decision_step_id=step, decision_ref=ref, status="active"))  # fmt: skip
    with v.world.db.read() as s:
        flagged = {
            c.number for c in s.scalars(select(Contract))
            if check_decision(ContractKind(c.kind), decision_of(s, c)[0], signed_on=c.signed_on or c.start_date)
        }  # fmt: skip
    listed = {r.number for r in Q.list_contracts(v.clerk, Q.ContractFilter(status="no_decision"), limit=500)}
    assert (
        listed == flagged and len(flagged) == 2 * 2 * 2 + 2
    )  # no/failed decision twice; passed-after-signing


def test_assets_register_and_reminders(v: Village) -> None:
    pond = A.create_asset(v.clerk, v.vid, A.AssetFields(name="村南山塘", kind="water", status="contracted",
                                                         area_centi=1250, location="村南"))  # fmt: skip
    A.create_asset(
        v.clerk, v.vid, A.AssetFields(name="旧碾米机", kind="equipment", status="idle", code="ZC-009")
    )
    row = A.get_asset(v.clerk, pond)
    assert (row.area_text, row.kind_label, row.contract) == ("12.5亩", "水面", "")
    assert [a.name for a in R.leased_without_contract(v.clerk, v.vid)] == ["村南山塘"]
    create_contract(v.clerk, v.vid, v.lease(number="HT-9", title="山塘承包", kind="contracting", asset_id=pond,
                                            start_date=D("2026-01-01"), end_date=D("2030-12-31"), schedule=()))  # fmt: skip
    assert R.leased_without_contract(v.clerk, v.vid) == []
    assert A.get_asset(v.clerk, pond).contract == "HT-9 王建国"
    flt = A.AssetFilter(village_id=v.vid)
    assert A.count_assets(v.clerk, flt) == 3
    assert [a.name for a in A.list_assets(v.clerk, flt, sort="code")] == [
        "村南山塘",
        "村文化礼堂",
        "旧碾米机",
    ]
    assert [a.name for a in A.list_assets(v.clerk, replace(flt, text="ZC-00"), sort="code")] == [
        "村文化礼堂",
        "旧碾米机",
    ]
    with pytest.raises(Conflict, match="ZC-001"):
        A.create_asset(v.clerk, v.vid, A.AssetFields(name="重复", kind="other", status="idle", code="ZC-001"))
    A.dispose_asset(v.clerk, pond, "2026年11月经村民代表会议决议公开拍卖")
    assert A.count_assets(v.clerk, flt) == 2
    assert A.count_assets(v.clerk, replace(flt, status="disposed")) == 1
    with pytest.raises(ValidationError, match="已处置"):
        A.update_asset(v.clerk, pond, A.asset_fields(v.clerk, pond))


def test_terminating_drops_future_lines_and_frees_the_asset(v: Village) -> None:
    cid, _ = create_contract(v.clerk, v.vid, v.lease())
    first = Q.contract_detail(v.clerk, cid).lines[0]
    link_payment(v.clerk, first.id, amount_fen=1_200_000, ledger_line_id=v.rent_2026)
    done = terminate_contract(v.clerk, cid, on=D("2026-11-30"), reason="承租人申请提前退租，经两委会同意")
    assert done == [
        "终止日以后未收付的1期款项（共¥12,000.00）不再计收付",
        "资产资源“村文化礼堂”的使用状态改为闲置",
    ]
    detail = Q.contract_detail(v.clerk, cid)
    assert detail.row.status_label == "已终止" and len(detail.lines) == 1 and detail.findings == ()
    with v.world.db.read() as s:
        hall = s.get(Asset, v.hall)
        assert hall is not None and hall.status == "idle"
    with pytest.raises(ValidationError, match="已终止"):
        update_contract(v.clerk, cid, v.lease())


def test_rights_and_village_scope(v: Village) -> None:
    reader = v.world.new_user("chakan", Role.READONLY, villages=[v.vid])
    with pytest.raises(PermissionDenied, match="登记集体合同和资产资源"):
        create_contract(reader, v.vid, v.lease())
    other = v.world.village_ids[1]
    with pytest.raises(PermissionDenied):
        create_contract(v.clerk, other, v.lease())
    with pytest.raises(PermissionDenied, match="无权查看"):
        Q.count_contracts(v.clerk, Q.ContractFilter(village_id=other))
    # a tenant and an asset of another village are refused
    stranger = v.world.new_user("clerk2", Role.CLERK, villages=[other])
    outsider = A.create_asset(stranger, other, A.AssetFields(name="外村仓库", kind="building", status="idle"))
    with pytest.raises(NotFound):
        create_contract(v.clerk, v.vid, v.lease(asset_id=outsider))
    with pytest.raises(NotFound):
        create_contract(stranger, other, v.lease(asset_id=None, decision_step_id=None))
