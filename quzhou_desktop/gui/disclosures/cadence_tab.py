"""应公开提醒: the cadence engine (C20, C21) for the chosen village, and the township view of all villages with
their overdue counts (sortable)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.core.disclosures import DueState
from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.core.rules import with_basis
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.services.disclosures import cadence as cad
from quzhou_desktop.services.disclosures.disclosure import CATEGORY_LABELS
from quzhou_desktop.services.kernel.context import AppContext

RED = QColor("#b00020")
ITEM_HEADERS = ("类别", "公开事项", "频次", "本期", "本期截止", "本期状态", "已逾期期数", "逾期公开次数")
TOWN_HEADERS = ("村", "财务公开频次", "已逾期（项次）", "最长逾期（天）", "逾期公开（次）", "本期待公开（项）",
                "未答复意见", "答复逾期")  # fmt: skip


class NumberItem(QTableWidgetItem):
    """Sorts by number, not text."""

    def __init__(self, value: int) -> None:
        super().__init__(str(value))
        self.setData(Qt.ItemDataRole.UserRole, value)
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        a, b = self.data(Qt.ItemDataRole.UserRole), other.data(Qt.ItemDataRole.UserRole)
        if isinstance(a, int) and isinstance(b, int):
            return a < b
        return super().__lt__(other)


def _table(headers: tuple[str, ...]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels([tr(h) for h in headers])
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return t


def short_item_name(name: str) -> str:
    """A catalogue name without its parenthesised detail, never cut mid-word:
    "财务收支情况（财务计划、各项收入和支出…）" → "财务收支情况"."""
    head = name.split("（", 1)[0].split("(", 1)[0].strip()
    return head or name


def village_summary(vc: cad.VillageCadence) -> str:
    """One Chinese paragraph: what is due now and what is overdue (also used by the 工作台 panel)."""
    parts = []
    due = vc.due_now
    if due:
        names = "、".join(short_item_name(i.item.name) for i in due[:4]) + ("等" if len(due) > 4 else "")
        parts.append(f"本期尚未公开{len(due)}项：{names}")
    else:
        parts.append("本期定期公开已全部完成")
    if vc.overdue_count:
        parts.append(f"已逾期{vc.overdue_count}项次，最长逾期{vc.max_days_overdue}天")
    if vc.late_count:
        parts.append(f"逾期公开{vc.late_count}次")
    if vc.feedback.open:
        parts.append(f"未答复群众意见{vc.feedback.open}条（其中超过答复期限{vc.feedback.overdue_open}条）")
    return "；".join(parts) + "。"


class CadenceTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.village_id: str | None = None
        lay = QVBoxLayout(self)
        self.village_box = QGroupBox(tr("本村应公开事项"))
        vl = QVBoxLayout(self.village_box)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.items = _table(ITEM_HEADERS)
        self.items.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        vl.addWidget(self.summary)
        vl.addWidget(self.items)
        lay.addWidget(self.village_box, 3)
        town = QGroupBox(tr("全镇各村公开情况（点击列标题排序）"))
        tl = QVBoxLayout(town)
        self.rule = QLabel()
        self.rule.setWordWrap(True)
        self.town = _table(TOWN_HEADERS)
        self.town.setSortingEnabled(True)
        self.town.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        tl.addWidget(self.rule)
        tl.addWidget(self.town)
        lay.addWidget(town, 2)

    def set_village(self, village_id: str | None) -> None:
        self.village_id = village_id
        self.refresh()

    def refresh(self) -> None:
        try:
            rows = cad.township_overview(self.ctx)
        except QuzhouError as exc:
            self.summary.setText(str(exc))
            return
        self._fill_town(rows)
        vc = next((r for r in rows if r.village_id == self.village_id), None)
        self.village_box.setTitle(f"{vc.village_name}{tr('应公开事项')}" if vc else tr("本村应公开事项"))
        if vc is None:
            self.summary.setText(tr("请先在上方选择一个村。"))
            self.items.setRowCount(0)
            return
        self.summary.setText(
            f"{village_summary(vc)}\n{tr('统计自')}{vc.since.isoformat()}{tr('起')}。"
            + (
                f"{tr('本年度尚未公开的固定公开事项')}：{'、'.join(vc.fixed_missing)}。"
                if vc.fixed_missing
                else ""
            )
        )
        self.items.setRowCount(len(vc.items))
        for r, ic in enumerate(vc.items):
            cur = ic.current
            cells: list[QTableWidgetItem] = [
                QTableWidgetItem(CATEGORY_LABELS.get(ic.item.category, "")),
                QTableWidgetItem(ic.item.name),
                QTableWidgetItem(ic.frequency_label),
                QTableWidgetItem(cur.period.label if cur else ""),
                QTableWidgetItem(cur.deadline.isoformat() if cur else ""),
                QTableWidgetItem(cur.state.label if cur else ""),
                NumberItem(len(ic.overdue)),
                NumberItem(len(ic.late)),
            ]
            if cur is not None:
                cells[5].setToolTip(cur.explanation)
                if cur.state is DueState.OVERDUE:
                    cells[5].setForeground(RED)
            if ic.overdue:
                cells[6].setForeground(RED)
                cells[6].setToolTip("\n".join(p.explanation for p in ic.overdue))
            for c, item in enumerate(cells):
                self.items.setItem(r, c, item)

    def _fill_town(self, rows: list[cad.VillageCadence]) -> None:
        if rows:
            r0 = rows[0]
            self.rule.setText(
                with_basis(tr("财务往来较多的村每月公开财务收支，其他村至少每季度公开一次；定期公开须在每季度"
                              "（或每月）第一个月的规定日期前完成"), ("C20", "C21"))
                + "。"
                + f"{tr('统计自')}{r0.since.isoformat()}{tr('至')}{r0.today.isoformat()}。"
            )  # fmt: skip
        self.town.setSortingEnabled(False)
        self.town.setRowCount(len(rows))
        for r, vc in enumerate(rows):
            cells: list[QTableWidgetItem] = [
                QTableWidgetItem(vc.village_name),
                QTableWidgetItem(vc.finance_frequency_label),
                NumberItem(vc.overdue_count),
                NumberItem(vc.max_days_overdue),
                NumberItem(vc.late_count),
                NumberItem(len(vc.due_now)),
                NumberItem(vc.feedback.open),
                NumberItem(vc.feedback.overdue_open + vc.feedback.late_replies),
            ]
            if vc.overdue_count:
                cells[2].setForeground(RED)
            for c, item in enumerate(cells):
                self.town.setItem(r, c, item)
        self.town.setSortingEnabled(True)
