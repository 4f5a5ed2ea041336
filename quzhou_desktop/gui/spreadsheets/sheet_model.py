"""The first rows of a sheet as the import wizard shows them: row numbers and column letters as Excel/WPS
shows them, merged cells spanning their columns, the header rows highlighted and the rows above it greyed.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.spreadsheets.reader import column_letter
from quzhou_desktop.spreadsheets.sheet_preview import SheetPreview

_Index = QModelIndex | QPersistentModelIndex
HEADER_FILL = QColor("#ffe699")  # Excel's light gold: the rows read as the header
ABOVE_TEXT = QColor("#8c8c8c")  # title rows above the header: not imported
MAX_COLUMN_WIDTH = 220


class SheetPreviewModel(QAbstractTableModel):
    """Read-only grid over a :class:`SheetPreview`; ``set_header`` moves the highlight."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview: SheetPreview | None = None
        self.first_row = 0  # 1-based first header row; 0 = none
        self.header_rows = 1
        self._bold = QFont()
        self._bold.setBold(True)

    def set_preview(self, preview: SheetPreview | None) -> None:
        self.beginResetModel()
        self.preview = preview
        self.endResetModel()

    def set_header(self, first_row: int, header_rows: int) -> None:
        self.first_row, self.header_rows = first_row, header_rows
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

    def row_number(self, index: int) -> int:
        """The sheet row number (1-based) of the model row ``index``."""
        assert self.preview is not None
        return self.preview.rows[index][0]

    def index_of_row(self, row_number: int) -> int:
        """The model row showing sheet row ``row_number`` (-1 if not read)."""
        numbers = self.preview.row_numbers() if self.preview is not None else []
        return numbers.index(row_number) if row_number in numbers else -1

    # -- Qt model API ------------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.preview is None else len(self.preview.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.preview is None else self.preview.width

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        p = self.preview
        if p is None or not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return p.text(index.row(), index.column())
        number = p.rows[index.row()][0]
        in_header = self.first_row <= number < self.first_row + self.header_rows
        if role == Qt.ItemDataRole.BackgroundRole and in_header:
            return QBrush(HEADER_FILL)
        if role == Qt.ItemDataRole.FontRole and in_header:
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole and number < self.first_row:
            return QBrush(ABOVE_TEXT)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if self.preview is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return column_letter(section) if role == Qt.ItemDataRole.DisplayRole else None
        if not 0 <= section < len(self.preview.rows):
            return None
        number = self.preview.rows[section][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(number)
        in_header = self.first_row <= number < self.first_row + self.header_rows
        if role == Qt.ItemDataRole.ToolTipRole and in_header:
            return tr("表头行")
        if role == Qt.ItemDataRole.FontRole and in_header:
            return self._bold
        return None


def fixed_rows(view: QTableView) -> None:
    """One line per row, all rows the same height: the view never measures rows (100,000 problems)."""
    view.setWordWrap(False)
    rows = view.verticalHeader()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(view.fontMetrics().height() + 8)


def sheet_view(model: SheetPreviewModel, parent: QWidget | None = None) -> QTableView:
    """A read-only view with whole-row selection, row numbers on the left and fixed row heights."""
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    fixed_rows(view)
    view.verticalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return view


def show_preview(view: QTableView, model: SheetPreviewModel, preview: SheetPreview) -> None:
    """Load ``preview`` into ``view``: merged ranges as spans, columns sized to their (non-merged) text."""
    model.set_preview(preview)
    view.clearSpans()
    index = {n: i for i, n in enumerate(preview.row_numbers())}
    spanned: set[tuple[int, int]] = set()
    for r1, c1, r2, c2 in preview.merged:
        top = index.get(r1 + 1)
        if top is None or (r1, c1) == (r2, c2):
            continue
        view.setSpan(top, c1, r2 - r1 + 1, c2 - c1 + 1)
        spanned.add((top, c1))
    metrics = view.fontMetrics()
    head = view.horizontalHeader()
    for c in range(preview.width):
        texts = (preview.text(i, c) for i in range(len(preview.rows)) if (i, c) not in spanned)
        widest = max((metrics.horizontalAdvance(t) for t in texts), default=0)
        head.resizeSection(c, max(48, min(widest + 16, MAX_COLUMN_WIDTH)))
