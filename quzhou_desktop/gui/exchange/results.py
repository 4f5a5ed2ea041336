"""The 导入结果 table: one row per imported file (and per waiting package applied after it, indented), its
outcome and the service's Chinese message; refusals and forks in red, waiting packages in amber."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

from quzhou_desktop.gui.exchange.labels import OUTCOMES
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.table import table
from quzhou_desktop.services.exchange.apply import ImportResult

RED, AMBER = "#b00020", "#8a5a00"


def results_table() -> QTableWidget:
    return table(["文件", "结果", "说明"])


def flatten(results: list[ImportResult]) -> list[tuple[ImportResult, str]]:
    """Each result with the indent it is shown with (follow-ups under the package that let them apply)."""
    flat: list[tuple[ImportResult, str]] = []

    def add(r: ImportResult, indent: str) -> None:
        flat.append((r, indent))
        for t in r.then:
            add(t, indent + "　↳ ")

    for r in results:
        add(r, "")
    return flat


def fill_results(t: QTableWidget, results: list[ImportResult]) -> list[ImportResult]:
    """Show ``results``; returns them flattened in the order shown."""
    flat = flatten(results)
    t.setRowCount(len(flat))
    for row, (r, indent) in enumerate(flat):
        outcome = tr(OUTCOMES.get(r.status, r.status))
        message = r.message
        if r.receipt is not None:
            message += tr("　回执：{p}").format(p=r.receipt.name)
        for c, text in enumerate([indent + r.file, outcome, message]):
            item = QTableWidgetItem(text)
            item.setToolTip(message)
            if r.status in ("refused", "fork"):
                item.setForeground(QColor(RED))
            elif r.status == "waiting":
                item.setForeground(QColor(AMBER))
            t.setItem(row, c, item)
    return [r for r, _ in flat]
