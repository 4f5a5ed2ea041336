"""The small editable tables of the contract dialog: parties, the payment schedule and deposits.

Each keeps the id of a row it was loaded with (an existing party, line or deposit) in the first cell, so the
service updates that row instead of replacing it; cells are read back into the service's field records.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QTableWidget, QTableWidgetItem

from quzhou_desktop.core.dates import parse_date
from quzhou_desktop.core.errors import QuzhouError, ValidationError
from quzhou_desktop.core.money import fen_to_yuan_str, parse_amount
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.services.contracts.common import DEPOSIT_KINDS, PARTY_KINDS
from quzhou_desktop.services.contracts.contract import DepositFields, PartyFields, ScheduleFields

ID_ROLE = Qt.ItemDataRole.UserRole
PARTY_ROLE = Qt.ItemDataRole.UserRole + 1
DIRECTIONS = (("receivable", "应收"), ("payable", "应付"))


def editable_table(headers: list[str], *, editable: bool = True) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels([tr(h) for h in headers])
    t.verticalHeader().setVisible(False)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    if not editable:
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    header = t.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    return t


def _text(t: QTableWidget, row: int, col: int) -> str:
    item = t.item(row, col)
    return item.text().strip() if item is not None else ""


def _combo(choices: tuple[tuple[str, str], ...], value: str) -> QComboBox:
    c = QComboBox()
    for key, label in choices:
        c.addItem(tr(label), key)
    c.setCurrentIndex(max(c.findData(value), 0))
    return c


def _date(text: str, field: str, row: int) -> date:
    try:
        return parse_date(text)
    except (QuzhouError, ValueError):
        raise ValidationError(field=field, reason=f"第{row + 1}行的日期“{text}”应写作 2026-04-01") from None


def _amount(text: str, field: str, row: int) -> int:
    if not text:
        raise ValidationError(field=field, reason=f"第{row + 1}行没有填写金额")
    try:
        return parse_amount(text)
    except QuzhouError as exc:
        raise ValidationError(field=field, reason=f"第{row + 1}行：{exc}") from None


def remove_selected(t: QTableWidget) -> None:
    rows = t.selectionModel().selectedRows()
    if rows:
        t.removeRow(rows[0].row())


# -- parties ----------------------------------------------------------------------------------------------


def party_table() -> QTableWidget:
    t = editable_table(["类型", "名称", "证件号或统一社会信用代码", "电话"], editable=False)
    for col, width in enumerate((110, 170, 200)):
        t.setColumnWidth(col, width)
    return t


def add_party(t: QTableWidget, p: PartyFields, id_shown: str = "") -> None:
    row = t.rowCount()
    t.insertRow(row)
    first = QTableWidgetItem(tr(PARTY_KINDS.get(p.kind, p.kind)))
    first.setData(PARTY_ROLE, p)
    t.setItem(row, 0, first)
    for col, text in enumerate((p.name, id_shown or p.id_code or "", p.phone or ""), 1):
        t.setItem(row, col, QTableWidgetItem(text))


def read_parties(t: QTableWidget) -> tuple[PartyFields, ...]:
    out = []
    for r in range(t.rowCount()):
        item = t.item(r, 0)
        p = item.data(PARTY_ROLE) if item is not None else None
        if isinstance(p, PartyFields):
            out.append(p)
    return tuple(out)


# -- schedule ---------------------------------------------------------------------------------------------


def schedule_table() -> QTableWidget:
    t = editable_table(["日期", "收付", "金额（元）", "说明"])
    for col, width in enumerate((120, 90, 130)):
        t.setColumnWidth(col, width)
    return t


def add_line(t: QTableWidget, line: ScheduleFields | None = None, *, direction: str = "receivable") -> None:
    row = t.rowCount()
    t.insertRow(row)
    first = QTableWidgetItem(line.due_on.isoformat() if line else "")
    first.setData(ID_ROLE, line.id if line else None)
    t.setItem(row, 0, first)
    t.setCellWidget(row, 1, _combo(DIRECTIONS, line.direction if line else direction))
    money = QTableWidgetItem(fen_to_yuan_str(line.amount_fen) if line else "")
    money.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    t.setItem(row, 2, money)
    t.setItem(row, 3, QTableWidgetItem(line.note or "" if line else ""))


def read_schedule(t: QTableWidget) -> tuple[ScheduleFields, ...]:
    out = []
    for r in range(t.rowCount()):
        first = t.item(r, 0)
        if not _text(t, r, 0) and not _text(t, r, 2):
            continue  # an empty row the user added and left
        combo = t.cellWidget(r, 1)
        direction = combo.currentData() if isinstance(combo, QComboBox) else "receivable"
        out.append(
            ScheduleFields(
                due_on=_date(_text(t, r, 0), "收付款计划", r),
                amount_fen=_amount(_text(t, r, 2), "收付款计划金额", r),
                direction=str(direction),
                note=_text(t, r, 3) or None,
                id=first.data(ID_ROLE) if first is not None else None,
            )
        )
    return tuple(out)


def schedule_total(t: QTableWidget) -> int | None:
    """The sum of the amounts typed so far; None while one cannot be read."""
    total = 0
    for r in range(t.rowCount()):
        text = _text(t, r, 2)
        if not text:
            continue
        try:
            total += parse_amount(text)
        except QuzhouError:
            return None
    return total


# -- deposits ---------------------------------------------------------------------------------------------

DEPOSIT_DIRECTIONS = (("receivable", "收取"), ("payable", "缴纳"))


def deposit_table() -> QTableWidget:
    t = editable_table(["种类", "收取或缴纳", "金额（元）", "收取日期", "退还日期", "说明"])
    for col, width in enumerate((110, 100, 110, 110, 110)):
        t.setColumnWidth(col, width)
    return t


def add_deposit(t: QTableWidget, d: DepositFields | None = None) -> None:
    row = t.rowCount()
    t.insertRow(row)
    kinds = tuple((k, k) for k in DEPOSIT_KINDS)
    kind = _combo(kinds, d.kind if d else DEPOSIT_KINDS[0])
    t.setCellWidget(row, 0, kind)
    holder = QTableWidgetItem()
    holder.setData(ID_ROLE, d.id if d else None)
    t.setItem(row, 0, holder)
    t.setCellWidget(row, 1, _combo(DEPOSIT_DIRECTIONS, d.direction if d else "receivable"))
    cells = (
        fen_to_yuan_str(d.amount_fen) if d else "",
        d.received_on.isoformat() if d and d.received_on else "",
        d.returned_on.isoformat() if d and d.returned_on else "",
        d.note or "" if d else "",
    )
    for col, text in enumerate(cells, 2):
        t.setItem(row, col, QTableWidgetItem(text))


def read_deposits(t: QTableWidget) -> tuple[DepositFields, ...]:
    out = []
    for r in range(t.rowCount()):
        if not _text(t, r, 2):
            continue
        kind, direction = t.cellWidget(r, 0), t.cellWidget(r, 1)
        holder = t.item(r, 0)
        received, returned = _text(t, r, 3), _text(t, r, 4)
        out.append(
            DepositFields(
                kind=str(kind.currentData()) if isinstance(kind, QComboBox) else DEPOSIT_KINDS[0],
                direction=str(direction.currentData()) if isinstance(direction, QComboBox) else "receivable",
                amount_fen=_amount(_text(t, r, 2), "保证金金额", r),
                received_on=_date(received, "保证金", r) if received else None,
                returned_on=_date(returned, "保证金", r) if returned else None,
                note=_text(t, r, 5) or None,
                id=holder.data(ID_ROLE) if holder is not None else None,
            )
        )
    return tuple(out)
