"""The 资产资源台账 and 合同台账 as workbooks, under the column names the importer reads, so an exported ledger
imports again as “already there” (and a village's own ledger, laid out the same way, imports as new).

The contract ledger adds what the schedule says today (已收付, 尚欠, 逾期, C34) after the columns the importer
reads. A villager's ID number is not exported; a company's credit code is.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from quzhou_desktop.core.contracts import LineState
from quzhou_desktop.services.contracts.assets import AssetFilter, list_assets
from quzhou_desktop.services.contracts.query import ContractFilter, contract_detail, list_contracts
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.spreadsheets.writer import ColumnSpec

__all__ = ["ASSET_COLUMNS", "CONTRACT_COLUMNS", "asset_rows", "contract_rows"]

PAGE = 500

ASSET_COLUMNS = (
    ColumnSpec("村名", width=10), ColumnSpec("资产编号", width=10), ColumnSpec("资产名称", width=20),
    ColumnSpec("类别", width=12), ColumnSpec("坐落位置", width=20), ColumnSpec("面积", "fen", 10),
    ColumnSpec("面积单位", width=8), ColumnSpec("价值（元）", "fen"), ColumnSpec("取得日期", "date"),
    ColumnSpec("使用状态", width=10), ColumnSpec("当前合同", width=24), ColumnSpec("备注", width=20),
)  # fmt: skip

CONTRACT_COLUMNS = (
    ColumnSpec("村名", width=10), ColumnSpec("合同编号", width=14), ColumnSpec("合同名称", width=24),
    ColumnSpec("合同类型", width=10), ColumnSpec("乙方", width=24), ColumnSpec("证件号码", width=20),
    ColumnSpec("联系电话", width=14), ColumnSpec("标的资产", width=16), ColumnSpec("标的说明", width=20),
    ColumnSpec("合同金额（元）", "fen"), ColumnSpec("签订日期", "date"), ColumnSpec("开始日期", "date"),
    ColumnSpec("结束日期", "date"), ColumnSpec("收付方式", width=10), ColumnSpec("保证金（元）", "fen"),
    ColumnSpec("决议依据", width=28), ColumnSpec("备注", width=20), ColumnSpec("状态", width=8),
    ColumnSpec("已收付（元）", "fen"), ColumnSpec("尚欠（元）", "fen"), ColumnSpec("逾期（元）", "fen"),
)  # fmt: skip


def _pages(fetch: Any) -> Iterator[Any]:
    offset = 0
    while True:
        page = fetch(offset)
        yield from page
        if len(page) < PAGE:
            return
        offset += PAGE


def asset_rows(
    ctx: AppContext, village_ids: list[str] | None, since: date | None, until: date | None
) -> Iterator[tuple[Any, ...]]:
    """The assets in hand, village by village (a register of what is held: the period does not apply)."""
    for vid in village_ids if village_ids is not None else [None]:
        flt = AssetFilter(village_id=vid)
        rows = _pages(lambda o, f=flt: list_assets(ctx, f, offset=o, limit=PAGE, sort="code"))
        for a in rows:
            yield (a.village_name, a.code, a.name, a.kind_label, a.location, a.area_centi, a.area_unit, a.value_fen,
                   None, a.status_label, a.contract, None)  # fmt: skip


def contract_rows(
    ctx: AppContext, village_ids: list[str] | None, since: date | None, until: date | None
) -> Iterator[tuple[Any, ...]]:
    """Every contract whose term meets [since, until], village by village, with its schedule's state today."""
    for vid in village_ids if village_ids is not None else [None]:
        flt = ContractFilter(village_id=vid)
        rows = _pages(lambda o, f=flt: list_contracts(ctx, f, offset=o, limit=PAGE, sort="number"))
        for r in rows:
            if (since and r.end_date < since) or (until and r.start_date > until):
                continue
            d = contract_detail(ctx, r.id)
            party = d.parties[0] if d.parties else None
            code = party.id_shown if party is not None and party.kind == "company" else ""
            deposit = sum(x.amount_fen for x in d.deposits) or None
            overdue = sum(x.status.outstanding_fen for x in d.lines if x.state is LineState.OVERDUE)
            yield (r.village_name, r.number, r.title, r.kind_label, "、".join(p.name for p in d.parties), code,
                   party.phone if party else "", r.asset_name, d.subject, r.amount_fen, d.signed_on, r.start_date,
                   r.end_date, "", deposit, d.decision_text, d.note, r.status_label, r.settled_fen,
                   d.outstanding_fen, overdue)  # fmt: skip
