"""Export every register (台账) as a styled workbook through ``spreadsheets.writer.write_register``.

    export_register(ctx, "vouchers", path, village_id=vid, date_from=d1, date_to=d2)

Kinds: people 花名册, vouchers 支出凭证台账 (with the review and signature trail), ledger 收支明细, matters
五议两公开台账 (every step and vote, from ``services.matters.export.export_rows``), disclosures 三务公开台账 (with
feedback, from ``services.disclosures.register.export_rows``), supervision 村务监督台账 (from
``services.vouchers.data.ledger_export_rows``). People, vouchers and ledger lines are read here with one lean query each
(the 100,000-row budget); amounts leave as integer 分 and are written as #,##0.00 元.
ID numbers are masked unless the caller asks for them and holds ``Perm.EXPORT_ID_NUMBERS``; a file with full ID
numbers is created readable by its owner only (0600 on POSIX) and the export is an audited act
(``export.id_numbers``: who, when, which file, how many numbers).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Select, select

from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.core.idcard import mask_id
from quzhou_desktop.core.money import parse_amount
from quzhou_desktop.services.exports.kinds import EXPORT_KINDS
from quzhou_desktop.services.exports.rows import people_rows, voucher_rows
from quzhou_desktop.services.kernel.acts import record_act
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.spreadsheets.writer import ColumnKind, ColumnSpec, write_register
from quzhou_desktop.store.models import LedgerLine, Village

__all__ = ["EXPORT_KINDS", "ExportRequest", "export_register", "register_columns"]

ProgressFn = Callable[[int], None]


@dataclass(frozen=True)
class ExportRequest:
    kind: str
    village_id: str | None = None  # None: every village the user may see
    date_from: date | None = None
    date_to: date | None = None
    with_id_numbers: bool = False


def _village_scope(ctx: AppContext, village_id: str | None) -> list[str] | None:
    """Village ids to export (None = every village, for township-wide users)."""
    if village_id is not None:
        ctx.require_village(village_id)
        return [village_id]
    visible = ctx.visible_village_ids()
    return None if visible is None else sorted(visible)


def _title(ctx: AppContext, req: ExportRequest) -> str:
    where = "全镇"
    if req.village_id is not None:
        with ctx.read() as s:
            v = s.get(Village, req.village_id)
            where = v.name if v is not None else ""
    span = ""
    if req.date_from or req.date_to:
        a = req.date_from.isoformat() if req.date_from else "…"
        b = req.date_to.isoformat() if req.date_to else "…"
        span = f"（{a} 至 {b}）"
    return f"{where}{EXPORT_KINDS[req.kind]}{span}"


def _fen(text: Any) -> int | None:
    """Amounts other services hand over as display text (“¥1,234.50”, “1234.50”) back to 分."""
    if text is None or text == "":
        return None
    if isinstance(text, int):
        return text
    return parse_amount(str(text))


def register_columns(kind: str) -> list[ColumnSpec]:
    return list(_COLUMNS[kind])


_COLUMNS: dict[str, Sequence[ColumnSpec]] = {
    "people": (
        ColumnSpec("村", width=10), ColumnSpec("姓名", width=10), ColumnSpec("性别", width=6),
        ColumnSpec("身份证号", width=21), ColumnSpec("联系电话", width=14), ColumnSpec("村民小组", width=12),
        ColumnSpec("身份", width=28), ColumnSpec("户代表", width=8), ColumnSpec("状态", width=8),
    ),
    "vouchers": (
        ColumnSpec("村", width=10), ColumnSpec("凭证号", width=12), ColumnSpec("版本", "int", 6),
        ColumnSpec("日期", "date"), ColumnSpec("经手人", width=10), ColumnSpec("收款方", width=24),
        ColumnSpec("摘要", width=30), ColumnSpec("金额（元）", "fen"), ColumnSpec("资金来源", width=14),
        ColumnSpec("附件张数", "int", 9), ColumnSpec("状态", width=12), ColumnSpec("审核与签字记录", width=60),
    ),
    "ledger": (
        ColumnSpec("村", width=10), ColumnSpec("日期", "date"), ColumnSpec("凭证号", width=10),
        ColumnSpec("摘要", width=30), ColumnSpec("科目", width=14), ColumnSpec("收入金额（元）", "fen"),
        ColumnSpec("支出金额（元）", "fen"), ColumnSpec("对方单位", width=22),
    ),
    "supervision": (
        ColumnSpec("村", width=10), ColumnSpec("月份", width=10), ColumnSpec("凭证号", width=12),
        ColumnSpec("凭证日期", "date"), ColumnSpec("用途", width=28), ColumnSpec("收款人", width=20),
        ColumnSpec("金额（元）", "fen"), ColumnSpec("审核/退回", width=10), ColumnSpec("意见内容", width=30),
        ColumnSpec("审核人", width=10), ColumnSpec("身份", width=12), ColumnSpec("时间", width=17),
        ColumnSpec("凭证状态", width=12),
    ),
}  # fmt: skip


def _matters_columns() -> list[ColumnSpec]:
    from quzhou_desktop.services.matters.export import EXPORT_COLUMNS

    kinds: dict[str, ColumnKind] = {"amount_yuan": "fen", "date": "date", "year": "int", "run_no": "int"}
    ints = {"entitled", "present", "yes", "no", "abstain"}
    out = []
    for key, label in EXPORT_COLUMNS:
        kind: ColumnKind = kinds.get(key, "int" if key in ints else "text")
        width = 30 if key in ("matter", "content", "corrections") else None
        out.append(ColumnSpec(label, kind, width))
    return out


def _disclosure_columns() -> list[ColumnSpec]:
    from quzhou_desktop.services.disclosures.register import EXPORT_HEADERS

    dates = {"截止日期", "公开日期", "撤下日期", "意见收到日期", "答复日期"}
    money = {"收入合计", "支出合计"}
    return [
        ColumnSpec(
            h + ("（元）" if h in money else ""),
            "date" if h in dates else "fen" if h in money else "text",
            30 if h in ("标题", "意见内容", "答复") else None,
        )
        for h in EXPORT_HEADERS
    ]


def _ledger_rows(ctx: AppContext, req: ExportRequest) -> Iterator[tuple[Any, ...]]:
    t, v = LedgerLine.__table__, Village.__table__
    q: Select[Any] = select(
        v.c.name, t.c.entry_date, t.c.voucher_no, t.c.summary, t.c.subject, t.c.income_fen, t.c.expense_fen,
        t.c.counterparty,
    ).join(v, v.c.id == t.c.village_id)  # fmt: skip
    scope = _village_scope(ctx, req.village_id)
    if scope is not None:
        q = q.where(t.c.village_id.in_(scope))
    if req.date_from:
        q = q.where(t.c.entry_date >= req.date_from)
    if req.date_to:
        q = q.where(t.c.entry_date <= req.date_to)
    q = q.order_by(v.c.name, t.c.entry_date, t.c.id)
    with ctx.db.read_engine.connect() as conn:
        yield from (tuple(r) for r in conn.execute(q))


def _supervision_rows(ctx: AppContext, req: ExportRequest) -> Iterator[tuple[Any, ...]]:
    from quzhou_desktop.services.vouchers.data import ledger_export_rows
    from quzhou_desktop.services.vouchers.queues import LedgerFilter

    villages = _village_scope(ctx, req.village_id)
    scope: list[str | None] = [None] if villages is None else list(villages)  # None: every village at once
    years: list[int | None] = [None]  # the span's years only (a village-year of a ten-year register)
    if req.date_from and req.date_to:
        years = list(range(req.date_from.year, req.date_to.year + 1))
    for vid, year in ((v, y) for v in scope for y in years):
        for r in ledger_export_rows(ctx, LedgerFilter(village_id=vid, year=year)):
            if (req.date_from and r[3] < req.date_from) or (req.date_to and r[3] > req.date_to):
                continue
            yield (*r[:6], _fen(r[6]), *r[7:11], f"{r[11]:%Y-%m-%d %H:%M}" if r[11] else "", r[12])


def _matter_rows(ctx: AppContext, req: ExportRequest) -> Iterator[tuple[Any, ...]]:
    from quzhou_desktop.services.matters.export import EXPORT_COLUMNS, export_rows

    keys = [k for k, _ in EXPORT_COLUMNS]
    for row in export_rows(ctx, village_id=req.village_id, date_from=req.date_from, date_to=req.date_to):
        yield tuple(_fen(row[k]) if k == "amount_yuan" else row[k] for k in keys)


def _disclosure_rows(ctx: AppContext, req: ExportRequest) -> Iterator[tuple[Any, ...]]:
    from quzhou_desktop.services.disclosures.register import DisclosureFilter, export_rows

    flt = DisclosureFilter(village_id=req.village_id, period_from=req.date_from, period_to=req.date_to)
    for row in export_rows(ctx, flt):
        yield tuple(_fen(v) if i in (10, 11) else v for i, v in enumerate(row))


def _rows(ctx: AppContext, req: ExportRequest) -> tuple[list[ColumnSpec], Iterable[Sequence[Any]]]:
    if req.kind == "people":
        reveal = req.with_id_numbers
        if reveal:
            ctx.require(Perm.EXPORT_ID_NUMBERS, req.village_id)
        scope = _village_scope(ctx, req.village_id)
        return register_columns("people"), people_rows(
            ctx, scope, ctx.clock.today(), mask=None if reveal else mask_id
        )
    if req.kind == "vouchers":
        scope = _village_scope(ctx, req.village_id)
        return register_columns("vouchers"), voucher_rows(ctx, scope, req.date_from, req.date_to)
    if req.kind == "ledger":
        return register_columns("ledger"), _ledger_rows(ctx, req)
    if req.kind == "supervision":
        return register_columns("supervision"), _supervision_rows(ctx, req)
    if req.kind == "matters":
        return _matters_columns(), _matter_rows(ctx, req)
    if req.kind == "disclosures":
        return _disclosure_columns(), _disclosure_rows(ctx, req)
    if req.kind in ("contracts", "assets"):
        from quzhou_desktop.services.exports import contracts as c

        scope = _village_scope(ctx, req.village_id)
        if req.kind == "contracts":
            return list(c.CONTRACT_COLUMNS), c.contract_rows(ctx, scope, req.date_from, req.date_to)
        return list(c.ASSET_COLUMNS), c.asset_rows(ctx, scope, req.date_from, req.date_to)
    raise ValidationError(field="台账", reason=f"未知的台账“{req.kind}”（可选：{'、'.join(EXPORT_KINDS)}）")


def export_register(
    ctx: AppContext,
    kind: str,
    path: str | Path,
    *,
    village_id: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    with_id_numbers: bool = False,
    progress: ProgressFn | None = None,
) -> int:
    """Write the register ``kind`` to ``path`` (.xlsx); returns the number of data rows."""
    ctx.require_user()
    if date_from and date_to and date_from > date_to:
        raise ValidationError(field="日期", reason="开始日期晚于结束日期")
    req = ExportRequest(kind, village_id, date_from, date_to, with_id_numbers)
    columns, rows = _rows(ctx, req)
    full_ids = kind == "people" and with_id_numbers
    counted = _CountIds(rows, _ID_COLUMN) if full_ids else None
    n = write_register(
        path,
        title=_title(ctx, req),
        columns=columns,
        rows=counted if counted is not None else rows,
        sheet_name=EXPORT_KINDS[kind],
        totals=kind in ("vouchers", "ledger", "supervision", "contracts"),
        progress=progress,
        private=full_ids,
    )
    if counted is not None:
        details = {
            "kind": kind,
            "file": str(path),
            "village_id": village_id,
            "rows": n,
            "id_numbers": counted.count,
        }
        try:
            record_act(ctx.db, ctx.actor, "export.id_numbers", "export", details)
        except BaseException:
            Path(path).unlink(missing_ok=True)  # no unrecorded file of full ID numbers is left behind
            raise
    return n


_ID_COLUMN = 3  # 身份证号 in the 花名册 rows (``services.exports.rows.people_rows``)


class _CountIds:
    """The rows, counting the full ID numbers that pass."""

    def __init__(self, rows: Iterable[Sequence[Any]], column: int) -> None:
        self._rows, self._column, self.count = rows, column, 0

    def __iter__(self) -> Iterator[Sequence[Any]]:
        for row in self._rows:
            if row[self._column]:
                self.count += 1
            yield row
