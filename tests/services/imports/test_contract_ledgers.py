"""Asset and contract ledgers in and out with the importer's guarantees: preview, one transaction, duplicates
skipped, a row that differs from the stored one refused naming its column, per-cell errors in Chinese, batch audit
entries that verify, and an exported ledger that imports again as already there."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from quzhou_desktop.cli import main
from quzhou_desktop.services.contracts import assets as A
from quzhou_desktop.services.contracts import query as Q
from quzhou_desktop.services.contracts import reminders as R
from quzhou_desktop.services.exports.registers import export_register
from quzhou_desktop.services.imports.plan import commit_import, preview_import, run_import
from quzhou_desktop.spreadsheets.templates import write_template
from quzhou_desktop.store.audit.verify import verify_all
from quzhou_desktop.store.models import AuditEntry, Contract, ContractScheduleLine
from tests.support.contracts import Village, make_village
from tests.support.spreadsheets import book
from tests.support.world import World

ASSET_HEADER = ["资产编号", "资产名称", "类别", "坐落位置", "面积", "价值（元）", "使用状态", "村名"]
ASSETS = [
    ["ZC-101", "村老会堂", "房屋", "村中心路18号", "420平方米", "650,000.00", "出租", "溪口村"],
    ["ZY-101", "村南山塘", "山塘", "村南", "12.5", "", "承包", "溪口村"],
    ["", "碾米机", "机器设备", "旧粮站", "", "18000", "闲置", "溪口村"],
]
CONTRACT_HEADER = ["合同编号", "合同名称", "合同类型", "承租方", "标的资产", "合同金额", "签订日期", "开始日期",
                   "结束日期", "收付方式", "押金", "决议依据", "村名"]  # fmt: skip
CONTRACTS = [
    ["ZL-01", "村老会堂租赁合同", "出租", "衢州市某某农产品有限公司", "村老会堂", "144,000", "2025-09-21",
     "2025-10-01", "2028-09-30", "每年", "10000", "2025年9月村民代表会议决议", "溪口村"],
    ["CB-01", "村南山塘养殖承包合同", "承包", "王建国", "ZY-101", "27000", "2026-07-25", "2026-08-01",
     "2029-07-31", "每年", "", "", "溪口村"],
    ["FW-01", "村道保洁服务合同", "服务", "衢州市某保洁公司", "", "36000", "", "2026-01-01", "2026-12-31",
     "每季度", "", "", "溪口村"],
]  # fmt: skip


@pytest.fixture
def v(world: World) -> Village:
    return make_village(world)


def test_assets_import_once_then_as_duplicates(v: Village, tmp_path: Path) -> None:
    path = book(tmp_path / "资产.xlsx", ASSET_HEADER, ASSETS)
    plan = preview_import(v.clerk, path, "assets")
    assert plan.ok and len(plan.new) == 3
    report = commit_import(v.clerk, plan)
    assert (report.imported, report.duplicates) == (3, 0)
    rows = {a.name: a for a in A.list_assets(v.clerk, A.AssetFilter(village_id=v.vid))}
    assert (rows["村老会堂"].kind_label, rows["村老会堂"].area_text, rows["村老会堂"].value_text) == (
        "房屋建筑物", "420平方米", "¥650,000.00",
    )  # fmt: skip
    assert (rows["村南山塘"].area_text, rows["村南山塘"].status_label) == ("12.5亩", "承包")  # a pond in 亩
    assert run_import(v.clerk, path, "assets").duplicates == 3
    # the same asset with another status is refused, naming the column
    changed = book(tmp_path / "改.xlsx", ASSET_HEADER, [[*ASSETS[0][:6], "闲置", "溪口村"]])
    report = run_import(v.clerk, changed, "assets")
    assert (
        report.imported == 0
        and "「使用状态」列的值“闲置”与资产资源台账中已登记的“ZC-101”不一致（已登记的使用状态为“出租”）"
        in report.errors[0].message
    )
    with v.world.db.read_engine.connect() as conn:
        assert verify_all(conn) == []
        batches = (
            conn.execute(select(AuditEntry.entity).where(AuditEntry.action == "import.assets"))
            .scalars()
            .all()
        )
    assert batches == ["asset#batch"]


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        pytest.param(["X1", "某资产", "飞机", "", "", "", "闲置", "溪口村"], "类别", "不是可识别的类别", id="kind"),
        pytest.param(["X1", "某资产", "土地", "", "", "", "报废", "溪口村"], "使用状态", "不是可识别的使用状态",
                     id="status"),
        pytest.param(["X1", "某资产", "土地", "", "12.345", "", "闲置", "溪口村"], "面积", "最多两位小数", id="area"),
    ],
)  # fmt: skip
def test_asset_rows_with_problems(
    v: Village, tmp_path: Path, row: list[str], column: str, reason: str
) -> None:
    report = run_import(v.clerk, book(tmp_path / "x.xlsx", ASSET_HEADER, [row]), "assets")
    assert report.imported == 0 and report.errors[0].column == column and reason in report.errors[0].message


def test_contracts_import_with_schedule_party_asset_and_deposit(v: Village, tmp_path: Path) -> None:
    run_import(v.clerk, book(tmp_path / "资产.xlsx", ASSET_HEADER, ASSETS), "assets")
    path = book(tmp_path / "合同.xlsx", CONTRACT_HEADER, CONTRACTS)
    report = run_import(v.clerk, path, "contracts")
    assert report.ok and report.imported == 3 and report.total_fen == 20_700_000
    rows = {r.number: r for r in Q.list_contracts(v.clerk, Q.ContractFilter(village_id=v.vid))}
    hall = Q.contract_detail(v.clerk, rows["ZL-01"].id)
    assert (hall.row.kind_label, hall.row.asset_name, hall.parties[0].kind) == ("租赁", "村老会堂", "company")
    assert [x.amount_fen for x in hall.lines] == [4_800_000] * 3 and hall.deposits[0].text.startswith(
        "押金¥10,000.00"
    )
    assert hall.decision_text == "2025年9月村民代表会议决议" and not [
        f for f in hall.findings if f.code == "C33"
    ]
    pond = Q.contract_detail(v.clerk, rows["CB-01"].id)
    assert (
        pond.parties[0].kind == "villager" and pond.row.asset_name == "村南山塘"
    )  # the roster's 王建国, by 编号
    assert [r.number for r in R.undecided_contracts(v.clerk, v.vid)] == ["CB-01"]  # C33: no decision
    cleaning = Q.contract_detail(v.clerk, rows["FW-01"].id)
    assert [x.direction_label for x in cleaning.lines] == ["应付"] * 4
    # again: every row already there
    assert run_import(v.clerk, path, "contracts").duplicates == 3
    with v.world.db.read() as s:
        assert s.scalar(select(func.count()).select_from(ContractScheduleLine)) == 3 + 3 + 4
    with v.world.db.read_engine.connect() as conn:
        assert verify_all(conn) == []


def test_contract_rows_with_problems(v: Village, tmp_path: Path) -> None:
    bad = [
        [*CONTRACTS[0][:8], "2024-09-30", *CONTRACTS[0][9:]],  # ends before it starts
        [*CONTRACTS[1][:2], "借用", *CONTRACTS[1][3:]],  # no such kind
        CONTRACTS[2],
        CONTRACTS[2],  # the same number twice in the file
    ]
    report = run_import(v.clerk, book(tmp_path / "坏.xlsx", CONTRACT_HEADER, bad), "contracts")
    assert report.imported == 0
    messages = {e.row: e.message for e in report.errors}
    assert "早于开始日期2025-10-01" in messages[3] and "不是可识别的合同类型" in messages[4]
    assert "与第5行重复（同一村的合同编号不能重复）" in messages[6]
    # only the clean rows, when asked
    report = run_import(
        v.clerk, book(tmp_path / "坏2.xlsx", CONTRACT_HEADER, bad), "contracts", clean_rows_only=True
    )
    assert report.imported == 1
    with v.world.db.read() as s:
        assert s.scalars(select(Contract.number)).all() == ["FW-01"]


def test_exported_ledgers_import_again_as_already_there(v: Village, tmp_path: Path) -> None:
    run_import(v.clerk, book(tmp_path / "资产.xlsx", ASSET_HEADER, ASSETS), "assets")
    run_import(v.clerk, book(tmp_path / "合同.xlsx", CONTRACT_HEADER, CONTRACTS), "contracts")
    for kind, n in (("assets", 4), ("contracts", 3)):  # the hall of the world plus three imported assets
        out = tmp_path / f"导出{kind}.xlsx"
        assert export_register(v.clerk, kind, out, village_id=v.vid) == n
        report = run_import(v.clerk, out, kind)
        assert report.ok and (report.imported, report.duplicates) == (0, n), report.errors
    ws = load_workbook(tmp_path / "导出contracts.xlsx").active
    assert ws is not None
    header = [c.value for c in ws[2]]
    assert header[:4] == ["村名", "合同编号", "合同名称", "合同类型"] and "逾期（元）" in header


def test_templates_and_the_command_line(
    v: Village, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for kind, first in (("assets", "资产编号"), ("contracts", "*合同编号")):
        path = write_template(kind, tmp_path / f"{kind}.xlsx")
        ws = load_workbook(path).active
        assert ws is not None and ws.cell(2, 1).value == first
        assert run_import(v.clerk, path, kind).rows_read == 0  # the example row is skipped
    assert main(["template", "contracts", str(tmp_path / "模板.xlsx")]) == 0
    assert "已生成导入模板" in capsys.readouterr().out
