"""工作台: a summary of the township built from existing services, plus panels later sections add.

Other sections extend the dashboard with ``register_panel(factory)``; ``factory(ctx, parent)`` returns a
QWidget that may implement ``set_village(village_id)`` and ``refresh()``. A section registers its panel at
import time from a module named ``quzhou_desktop.gui.<its package>.panel``: the dashboard imports every such
module the first time it is built (``discover_panels``), so panels appear without the section page having
been opened. Panels sit below the built-in summary in registration order.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from collections import Counter
from collections.abc import Callable

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

from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.roster import people as people_svc
from quzhou_desktop.services.roster import villages as villages_svc
from quzhou_desktop.services.roster.bodies import BODY_LABELS

log = logging.getLogger(__name__)
PanelFactory = Callable[[AppContext, QWidget | None], QWidget]
_PANELS: list[PanelFactory] = []


def register_panel(factory: PanelFactory) -> None:
    """Add a dashboard panel (idempotent for the same factory)."""
    if factory not in _PANELS:
        _PANELS.append(factory)


def panels() -> list[PanelFactory]:
    return list(_PANELS)


def discover_panels() -> None:
    """Import every ``quzhou_desktop.gui.<package>.panel`` module (each registers its panel on import)."""
    import pkgutil

    import quzhou_desktop.gui as gui_pkg

    for info in sorted(pkgutil.iter_modules(gui_pkg.__path__), key=lambda m: m.name):
        if not info.ispkg:
            continue
        name = f"quzhou_desktop.gui.{info.name}.panel"
        try:
            if importlib.util.find_spec(name) is None:
                continue
            importlib.import_module(name)
        except Exception:
            log.exception("dashboard panel module %s failed to import", name)


def composition_findings(ctx: AppContext, village_id: str) -> list[str] | None:
    """Composition warnings (C5, C6, C19) from ``services.composition.village_findings`` when that exists;
    None when the module or function is not there yet."""
    try:
        mod = importlib.import_module("quzhou_desktop.services.roster.composition")
    except ModuleNotFoundError:
        return None
    fn = getattr(mod, "village_findings", None)
    if fn is None:
        return None
    out = []
    for f in fn(ctx, village_id):
        level = getattr(f, "level", "warning")
        prefix = tr("错误") if level == "error" else tr("提醒")
        out.append(f"{prefix}：{getattr(f, 'shown', getattr(f, 'message', f))}")
    return out


class DashboardPage(QWidget):
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

        self.panel_widgets: list[QWidget] = []
        discover_panels()
        for factory in _PANELS:
            try:
                w = factory(ctx, body)
            except Exception:
                log.exception("dashboard panel %r failed", factory)
                continue
            self.panel_widgets.append(w)
            self.layout_.addWidget(w)
        self.layout_.addStretch(1)
        self._loaded = False  # the township overview loads with the first set_village()

    def set_village(self, village_id: str | None) -> None:
        """Show ``village_id``: each panel queries once; the township overview only on first use."""
        self.village_id = village_id
        if not self._loaded:
            self._refresh_township()
        self._refresh_village()
        for w in self.panel_widgets:
            setter = getattr(w, "set_village", None)
            if setter is not None:
                setter(village_id)

    def refresh(self) -> None:
        """Everything again (the section was shown again)."""
        self._refresh_township()
        self._refresh_village()
        for w in self.panel_widgets:
            refresh = getattr(w, "refresh", None)
            if refresh is not None:
                refresh()

    def _refresh_township(self) -> None:
        self._loaded = True
        t = villages_svc.township(self.ctx)
        self.heading.setText(f"<h2>{t.name if t else ''} {tr('工作台')}</h2>")
        vs = villages_svc.list_villages(self.ctx)
        self.villages_table.setRowCount(len(vs))
        for r, v in enumerate(vs):
            cells = [
                v.name,
                v.code or "",
                str(v.households),
                str(v.adults),
                tr("是") if v.finance_busy else tr("否"),
                str(people_svc.count_people(self.ctx, v.id)),
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
        if findings is None:
            self.checks_label.setText(tr("组成检查模块尚未就绪，暂不显示。"))
        elif not findings:
            self.checks_label.setText(tr("未发现问题。"))
        else:
            self.checks_label.setText("\n".join(findings))
