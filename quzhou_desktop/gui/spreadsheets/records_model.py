"""数据预览: the first valid records as the program understood them (dates as 2026-10-05, amounts as 1,234.50),
so the clerk can see that each column was read right before importing."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any

from quzhou_desktop.core.money import format_fen
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.paged_model import LEFT, RIGHT, Column, PagedTableModel
from quzhou_desktop.services.imports.plan import ImportPlan
from quzhou_desktop.spreadsheets.schemas import FieldSpec, Record, kind_spec

SAMPLE_ROWS = 20


def field_text(f: FieldSpec, value: Any) -> str:
    """One parsed value as the clerk would write it."""
    if value is None or value == ():
        return ""
    if f.type in ("fen", "area"):  # both in hundredths
        return format_fen(int(value), symbol=False)
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return "、".join(str(v) for v in value)
    return str(value)


def _field_value(f: FieldSpec) -> Callable[[Record], str]:
    def value(r: Record) -> str:
        return field_text(f, getattr(r, f.key))

    return value


def _status(plan: ImportPlan) -> Column[Record]:
    new = {r.row for r, _ in plan.new}
    bad = plan.bad_rows

    def status(r: Record) -> str:
        if r.row in bad:
            return tr("有问题")
        return tr("新记录") if r.row in new else tr("已存在，不重复导入")

    return Column(tr("状态"), status)


def record_columns(plan: ImportPlan) -> list[Column[Record]]:
    """行, then every field the sheet has a column for (and 村名, which may come from the chosen village)."""
    spec = kind_spec(plan.kind)
    mapped = plan.parse.mapping.columns
    cols: list[Column[Record]] = [Column(tr("行"), lambda r: r.row, align=RIGHT)]
    for f in spec.fields:
        if f.key in mapped or f.key == "village":
            align = RIGHT if f.type in ("fen", "count", "area") else LEFT
            cols.append(Column(f.label, _field_value(f), align=align))
    cols.append(_status(plan))
    return cols


def records_model(plan: ImportPlan, *, limit: int = SAMPLE_ROWS) -> PagedTableModel[Record]:
    rows = plan.parse.rows[:limit]
    model = PagedTableModel(
        record_columns(plan), lambda o, n, _s, _d: rows[o : o + n], lambda: len(rows), page_size=limit
    )
    model.reload()
    return model
