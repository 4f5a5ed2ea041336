"""A short read-only list as a plain table (任职, 近亲属, users, villages, backups): whole rows selected one at a
time, columns sized to their contents."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget

from quzhou_desktop.gui.i18n import tr


def table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels([tr(h) for h in headers])
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setMinimumSectionSize(t.fontMetrics().horizontalAdvance("任职开始") + 16)
    t.horizontalHeader().setStretchLastSection(True)
    return t
