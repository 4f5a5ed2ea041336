"""工作台 panel for the 五议两公开 register: waiting matters, postings ending soon, results not disclosed.

One of ``gui.shell.dashboard.PANELS``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.pages import DashboardPanel
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.matters.query import DashboardItem, dashboard

SHOW = 8


def _lines(items: tuple[DashboardItem, ...], empty: str) -> str:
    if not items:
        return f"<span style='color:#777'>{empty}</span>"
    out = []
    for it in items[:SHOW]:
        color = "#b00020" if it.overdue else "#222"
        out.append(f"<span style='color:{color}'>【{it.village_name}】{it.title}：{it.text}</span>")
    if len(items) > SHOW:
        out.append(tr("……另有") + f"{len(items) - SHOW}" + tr("项，请到“五议两公开”查看"))
    return "<br>".join(out)


class MattersPanel(DashboardPanel):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setTitle(tr("五议两公开待办"))
        lay = QVBoxLayout(self)
        self.waiting = QLabel()
        self.postings = QLabel()
        self.undisclosed = QLabel()
        for title, label in ((tr("等待下一步的事项"), self.waiting), (tr("即将期满的公示"), self.postings),
                             (tr("尚未公开的决议和实施结果"), self.undisclosed)):  # fmt: skip
            head = QLabel(f"<b>{title}</b>")
            label.setWordWrap(True)
            lay.addWidget(head)
            lay.addWidget(label)

    def refresh(self) -> None:
        try:
            d = dashboard(self.ctx, village_id=self.village_id)
        except QuzhouError as exc:
            self.waiting.setText(str(exc))
            return
        self.waiting.setText(_lines(d.waiting, tr("没有等待办理的事项")))
        self.postings.setText(_lines(d.postings_ending, tr("近3天没有期满的公示")))
        self.undisclosed.setText(_lines(d.undisclosed, tr("没有待公开的决议或结果")))
