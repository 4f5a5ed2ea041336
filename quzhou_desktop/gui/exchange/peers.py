"""The table of this site's peers (the villages at a township, the township at a village): last package and
date, entries, last receipt, waiting gaps, forks, conflicts; sortable, first ordered by what needs a person."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from quzhou_desktop.gui.exchange.labels import gap_text, gaps, when
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.table import table
from quzhou_desktop.services.exchange.status import PeerStatus

STALE_DAYS = 35  # a village that sent nothing for more than a month (the monthly review cycle) needs a call
RED, AMBER, GREY = "#b00020", "#8a5a00", "#666666"
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
PEER_ROLE = Qt.ItemDataRole.UserRole
COLUMNS = [
    "需要处理",
    "对方",
    "最近收到数据包",
    "上次条数",
    "已接收对方到",
    "对方最近回执",
    "暂存（缺少的记录）",
    "分叉",
    "冲突",
]
GAP_COLUMN = 6


class SortItem(QTableWidgetItem):
    """A cell that sorts by the value in ``SORT_ROLE`` (numbers and dates), not by its text."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        a, b = self.data(SORT_ROLE), other.data(SORT_ROLE)
        if a is None or b is None:
            return super().__lt__(other)
        return bool(a < b)


def is_stale(p: PeerStatus, now: datetime) -> bool:
    """A peer that reports to this site (a village to its township, a township to its county) and has not for
    a while; a peer this site only receives dispatches from, or sends to, is never stale."""
    if p.state != "enrolled" or not p.reports:
        return False
    return p.last_package_at is None or now - p.last_package_at > timedelta(days=STALE_DAYS)


def urgency(p: PeerStatus, now: datetime) -> tuple[int, str, str]:
    """(rank, short text, colour): forks, then conflicts, then gaps, then stale, then an unfinished enrolment."""
    if p.forks:
        return 5, tr("历史分叉"), RED
    if p.conflicts:
        return 4, tr("有冲突"), RED
    if p.waiting:
        return 3, tr("缺少数据包"), AMBER
    if is_stale(p, now):
        return 2, tr("长时间未上报"), AMBER
    if p.state != "enrolled":
        return 1, tr("等待村的回复"), GREY
    return 0, tr("正常"), ""


def peer_table(parent: QWidget | None = None) -> QTableWidget:
    t = table(COLUMNS)
    t.setParent(parent)
    t.horizontalHeader().setStretchLastSection(False)
    t.horizontalHeader().setSectionResizeMode(GAP_COLUMN, QHeaderView.ResizeMode.Stretch)
    t.setSortingEnabled(True)
    return t


def fill(t: QTableWidget, peers: list[PeerStatus], now: datetime) -> None:
    t.setSortingEnabled(False)
    t.setRowCount(len(peers))
    for r, p in enumerate(peers):
        rank, text, colour = urgency(p, now)
        missing = gaps(p.accepted_seq, p.waiting)
        waiting = gap_text(missing) if missing else ""
        if p.waiting and not missing:
            waiting = tr("{n}个，待处理").format(n=len(p.waiting))
        cells: list[tuple[str, object]] = [
            (text, rank * 100 + p.forks * 10 + min(p.conflicts, 9)),
            (p.name, p.name),
            (when(p.last_package_at), (p.last_package_at or datetime.min).isoformat()),
            (str(p.last_package_entries) if p.last_package_at else "", p.last_package_entries),
            (tr("第{n}条").format(n=p.accepted_seq) if p.accepted_seq else "—", p.accepted_seq),
            (_receipt(p), (p.last_receipt_at or datetime.min).isoformat()),
            (waiting, len(missing) or len(p.waiting)),
            (str(p.forks) if p.forks else "", p.forks),
            (str(p.conflicts) if p.conflicts else "", p.conflicts),
        ]
        for c, (shown, key) in enumerate(cells):
            item = SortItem(shown)
            item.setData(SORT_ROLE, key)
            item.setData(PEER_ROLE, p.peer_id)
            if c == 0 and colour:
                item.setForeground(QColor(colour))
            if c == GAP_COLUMN and waiting:
                item.setForeground(QColor(AMBER))
                item.setToolTip(tr("请先导入包含这些记录的数据包；暂存的数据包会自动接上"))
            if c in (7, 8) and key:
                item.setForeground(QColor(RED))
            t.setItem(r, c, item)
    t.setSortingEnabled(True)
    t.sortItems(0, Qt.SortOrder.DescendingOrder)


def _receipt(p: PeerStatus) -> str:
    if p.last_receipt_at is None:
        return tr("从未")
    return tr("{t}（到本站点第{n}条）").format(t=when(p.last_receipt_at), n=p.receipt_seq)
