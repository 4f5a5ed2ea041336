"""The table view every register uses: whole-row single selection, read-only, SQL-side sorting by header."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget


def register_view(
    model: QAbstractItemModel,
    *,
    parent: QWidget | None = None,
    sort_column: int | None = None,
    descending: bool = False,
    stretch_last: bool = True,
) -> QTableView:
    """A QTableView over ``model`` (a ``PagedTableModel``, which sorts in SQL when a header is clicked).

    ``sort_column`` sets the header's sort indicator to match the order the model loaded first."""
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.setAlternatingRowColors(True)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(stretch_last)
    if sort_column is not None:
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        header.setSortIndicator(sort_column, order)
    view.setSortingEnabled(True)
    return view
