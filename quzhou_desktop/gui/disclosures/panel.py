"""工作台 panel for 三务公开: what the village must still post this period, what is overdue (C20, C21) and
open feedback (C23); without a village, the villages with overdue disclosures.

One of ``gui.shell.dashboard.PANELS``."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.gui.disclosures.cadence_tab import village_summary
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.pages import DashboardPanel
from quzhou_desktop.services.disclosures import cadence as cad
from quzhou_desktop.services.kernel.context import AppContext


class DisclosuresPanel(DashboardPanel):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setTitle(tr("三务公开提醒"))
        self.text = QLabel()
        self.text.setWordWrap(True)
        QVBoxLayout(self).addWidget(self.text)

    def refresh(self) -> None:
        try:
            if self.village_id is not None:
                vc = cad.village_cadence(self.ctx, self.village_id)
                color = "#b00020" if vc.overdue_count else "#222"
                self.text.setText(
                    f"<span style='color:{color}'>{vc.village_name}：{village_summary(vc)}</span>"
                )
                return
            rows = sorted(cad.township_overview(self.ctx), key=lambda r: -r.overdue_count)
        except QuzhouError as exc:
            self.text.setText(str(exc))
            return
        behind = [r for r in rows if r.overdue_count]
        if not behind:
            self.text.setText(tr("各村定期公开均已按时完成。"))
            return
        lines = [
            f"<span style='color:#b00020'>【{r.village_name}】{tr('已逾期')}{r.overdue_count}{tr('项次')}，"
            f"{tr('最长')}{r.max_days_overdue}{tr('天')}</span>"
            for r in behind
        ]
        self.text.setText("<br>".join(lines) + "<br>" + tr("详情请到“三务公开 → 应公开提醒”查看。"))
