"""A lazy table model over SQL pages, for every register (台账) in the app.

The model never holds more rows than the view has scrolled to: it asks ``count()`` for the total and
``fetch(offset, limit, sort, descending)`` for one page at a time (``canFetchMore``/``fetchMore``). Clicking a
sortable header re-queries with the column's ``sort`` key, so ordering happens in SQL. Filters live in the
closures: change them and call ``reload()`` (or hand new closures to ``set_source``).

    columns = [Column("姓名", lambda r: r.name, sort="name"), Column("电话", lambda r: r.phone)]
    model = PagedTableModel(columns, fetch=lambda o, n, s, d: svc.list_x(ctx, ..., offset=o, limit=n,
                            sort=s or "name", descending=d), count=lambda: svc.count_x(ctx, ...))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from quzhou_desktop.gui.i18n import tr

R = TypeVar("R")
Fetch = Callable[[int, int, "str | None", bool], Sequence[R]]
Count = Callable[[], int]
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter


def display(value: object) -> str:
    """How a plain value shows in a cell: booleans as 是/空, dates as ISO, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return tr("是") if value else ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column: header title, the cell value for a row, and the service's sort key (None = unsortable)."""

    title: str
    value: Callable[[R], object]
    sort: str | None = None
    align: Qt.AlignmentFlag = LEFT
    tooltip: Callable[[R], str] | None = None


class PagedTableModel(QAbstractTableModel, Generic[R]):
    """Read-only lazy model. ``row(i)`` gives the row object; ``total`` the count of matching rows."""

    reloaded = Signal(int)  # total after a reload

    def __init__(
        self,
        columns: Sequence[Column[R]],
        fetch: Fetch[R],
        count: Count,
        *,
        page_size: int = 200,
        sort: str | None = None,
        descending: bool = False,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._fetch, self._count = fetch, count
        self.page_size = page_size
        self.sort_key, self.descending = sort, descending
        self._rows: list[R] = []
        self.total = 0

    # -- source ------------------------------------------------------------------------------------------

    def set_source(self, fetch: Fetch[R], count: Count) -> None:
        self._fetch, self._count = fetch, count
        self.reload()

    def reload(self) -> None:
        """Re-count and restart from the first page (after a filter change or an edit)."""
        self.beginResetModel()
        self._rows = []
        self.total = max(int(self._count()), 0)
        self.endResetModel()
        if self.total:
            self.fetchMore(QModelIndex())
        self.reloaded.emit(self.total)

    def clear(self) -> None:
        """Show nothing (e.g. no village selected) without querying."""
        self.beginResetModel()
        self._rows, self.total = [], 0
        self.endResetModel()
        self.reloaded.emit(0)

    def row(self, index: int | _Index) -> R:
        i = index if isinstance(index, int) else index.row()
        return self._rows[i]

    def loaded_rows(self) -> list[R]:
        return list(self._rows)

    def find(self, predicate: Callable[[R], bool]) -> int:
        """Row number of the first loaded row matching ``predicate`` (-1 if none is loaded)."""
        return next((i for i, r in enumerate(self._rows) if predicate(r)), -1)

    # -- lazy loading ------------------------------------------------------------------------------------

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self.total

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or len(self._rows) >= self.total:
            return
        start = len(self._rows)
        page = list(self._fetch(start, self.page_size, self.sort_key, self.descending))
        if not page:  # rows vanished since the count: stop asking
            self.total = start
            return
        self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()
        if len(self._rows) > self.total:
            self.total = len(self._rows)

    # -- Qt model API ------------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        col, row = self.columns[index.column()], self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return display(col.value(row))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(col.align.value)
        if role == Qt.ItemDataRole.ToolTipRole and col.tooltip is not None:
            return col.tooltip(row)
        if role == ROW_ROLE:
            return row
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title if 0 <= section < len(self.columns) else None
        return str(section + 1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """SQL-side sort on the column's key; unsortable columns are ignored."""
        if not 0 <= column < len(self.columns) or self.columns[column].sort is None:
            return
        key, desc = self.columns[column].sort, order == Qt.SortOrder.DescendingOrder
        if (key, desc) == (self.sort_key, self.descending) and self._rows:
            return
        self.sort_key, self.descending = key, desc
        self.reload()

    def sort_column(self) -> int:
        return next((i for i, c in enumerate(self.columns) if c.sort and c.sort == self.sort_key), -1)
