"""工作台: a summary of the township built from existing services, then one panel per section.

The panels are the ``DashboardPanel`` classes in ``PANELS``; each is built as ``cls(ctx, parent)`` below the
built-in summary, in that order, and follows the village selector like the page does.
"""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.gui.contracts.panel import ContractsPanel
from quzhou_desktop.gui.disclosures.panel import DisclosuresPanel
from quzhou_desktop.gui.evaluations.panel import EvaluationsPanel
from quzhou_desktop.gui.exchange.panel import ExchangePanel
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.matters.panel import MattersPanel
from quzhou_desktop.gui.vouchers.panel import VouchersPanel
from quzhou_desktop.gui.widgets.pages import DashboardPanel, SectionPage
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.roster import people as people_svc
from quzhou_desktop.services.roster import villages as villages_svc
from quzhou_desktop.services.roster.bodies import BODY_LABELS
from quzhou_desktop.services.roster.composition import village_findings

PANELS: tuple[type[DashboardPanel], ...] = (
    DisclosuresPanel,
    MattersPanel,
    VouchersPanel,
    ContractsPanel,
    EvaluationsPanel,
    ExchangePanel,
)


def composition_findings(ctx: AppContext, village_id: str) -> list[str]:
    """Composition warnings (C5, C6, C19) of the village's roster today, one line each."""
    out = []
    for f in village_findings(ctx, village_id):
        prefix = tr("错误") if f.level == "error" else tr("提醒")
        out.append(f"{prefix}：{f.shown}")
    return out


class DashboardPage(SectionPage):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.village_id: str | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        self.layout_ = QVBoxLayout(body)

        self.heading = QLabel()
        self.layout_.addWidget(self.heading)

        box = QGroupBox(tr("各村概况"))
        lay = QVBoxLayout(box)
        self.villages_table = QTableWidget(0, 6)
        self.villages_table.setHorizontalHeaderLabels(
            [tr("村"), tr("代码"), tr("户数"), tr("18周岁以上人数"), tr("财务往来较多"), tr("花名册在册人数")]
        )
        self.villages_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.villages_table.verticalHeader().setVisible(False)
        self.villages_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.villages_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        lay.addWidget(self.villages_table)
        self.layout_.addWidget(box)

        self.bodies_box = QGroupBox(tr("本村组织成员"))
        self.bodies_label = QLabel()
        self.bodies_label.setWordWrap(True)
        QVBoxLayout(self.bodies_box).addWidget(self.bodies_label)
        self.layout_.addWidget(self.bodies_box)

        self.checks_box = QGroupBox(tr("组成检查（村民代表会议、村务监督委员会）"))
        self.checks_label = QLabel()
        self.checks_label.setWordWrap(True)
        QVBoxLayout(self.checks_box).addWidget(self.checks_label)
        self.layout_.addWidget(self.checks_box)

        self.panel_widgets: list[DashboardPanel] = []
        for panel_class in PANELS:
            panel = panel_class(ctx, body)
            self.panel_widgets.append(panel)
            self.layout_.addWidget(panel)
        self.layout_.addStretch(1)
        self._loaded = False  # the township overview loads with the first set_village()

    def set_village(self, village_id: str | None) -> None:
        """Show ``village_id``: each panel queries once; the township overview only on first use."""
        self.village_id = village_id
        with self.ctx.snapshot():  # one read transaction for every panel (a server answers in one go)
            if not self._loaded:
                self._refresh_township()
            self._refresh_village()
            for panel in self.panel_widgets:
                panel.set_village(village_id)

    def refresh(self) -> None:
        """Everything again (the section was shown again)."""
        with self.ctx.snapshot():
            self._refresh_township()
            self._refresh_village()
            for panel in self.panel_widgets:
                panel.refresh()

    def _refresh_township(self) -> None:
        self._loaded = True
        t = villages_svc.township(self.ctx)
        self.heading.setText(f"<h2>{t.name if t else ''} {tr('工作台')}</h2>")
        vs = villages_svc.list_villages(self.ctx)
        people = people_svc.count_active_people_by_village(self.ctx)
        self.villages_table.setRowCount(len(vs))
        for r, v in enumerate(vs):
            cells = [
                v.label,
                v.code or "",
                str(v.households),
                str(v.adults),
                tr("是") if v.finance_busy else tr("否"),
                str(people.get(v.id, 0)),
            ]
            for c, text in enumerate(cells):
                self.villages_table.setItem(r, c, QTableWidgetItem(text))
        self._fit_table()

    def _fit_table(self) -> None:
        """Show up to 12 villages without a scroll bar and no empty space below them."""
        t = self.villages_table
        t.resizeColumnsToContents()
        rows = min(t.rowCount(), 12)
        height = t.horizontalHeader().height() + 2 * t.frameWidth()
        height += (
            sum(t.rowHeight(r) for r in range(rows)) if rows else t.verticalHeader().defaultSectionSize()
        )
        t.setFixedHeight(height + 2)

    def _refresh_village(self) -> None:
        if self.village_id is None:
            self.bodies_label.setText(tr("请先在上方选择一个村。"))
            self.checks_label.setText("")
            return
        counts = Counter(m.body for m in people_svc.members(self.ctx, self.village_id))
        lines = [f"{label}：{counts.get(body, 0)}{tr('人')}" for body, label in BODY_LABELS.items()]
        self.bodies_label.setText("\n".join(lines))
        findings = composition_findings(self.ctx, self.village_id)
        if not findings:
            self.checks_label.setText(tr("未发现问题。"))
        else:
            self.checks_label.setText("\n".join(findings))
