"""工作台 panel for 民主评议: by-elections due after an office ended (C22) and the villages that held no review last
year (C35). Each line links to the 民主评议 section.

One of ``gui.shell.dashboard.PANELS``.
"""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.core.rules import basis
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.pages import DashboardPanel
from quzhou_desktop.services.evaluations import query
from quzhou_desktop.services.kernel.context import AppContext

GREY = "<span style='color:#777'>{}</span>"


class EvaluationsPanel(DashboardPanel):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setTitle(tr("民主评议提醒"))
        lay = QVBoxLayout(self)
        self.by_election_head = QLabel(f"<b>{tr('职务终止、须组织补选')}</b>")
        self.by_election = QLabel()
        self.missed_head = QLabel()
        self.missed = QLabel()
        for w in (self.by_election_head, self.by_election, self.missed_head, self.missed):
            if w in (self.by_election, self.missed):
                w.setWordWrap(True)
                w.linkActivated.connect(self._open)
            lay.addWidget(w)
        lay.addStretch(1)

    def refresh(self) -> None:
        vid = self.village_id
        last_year = self.ctx.clock.today().year - 1
        try:
            due = query.by_elections_due(self.ctx, vid)
            missed = [(v, n) for v, n in query.missed_years(self.ctx, last_year) if vid is None or v == vid]
        except QuzhouError as exc:
            self.by_election.setText(escape(str(exc)))
            return
        if due:
            self.by_election.setText("<br>".join(
                f"<a href='evaluations:{b.village_id}'>{escape(b.label)}</a>"
                f"<span style='color:#777'>（{basis('C22')}）</span>" for b in due))  # fmt: skip
        else:
            self.by_election.setText(GREY.format(tr("没有须补选的职位")))
        self.missed_head.setText(f"<b>{tr('{y}年度没有完成民主评议的村').format(y=last_year)}</b>")
        if missed:
            self.missed.setText(
                "、".join(f"<a href='overview:{v}'>{escape(n)}</a>" for v, n in missed)
                + f"<span style='color:#777'>（{tr('民主评议每年至少一次')}，{basis('C35')}）</span>"
            )
        else:
            self.missed.setText(GREY.format(tr("各村均已完成")))

    def _open(self, link: str) -> None:
        from quzhou_desktop.gui.evaluations.page import EvaluationsPage

        win = self.window()
        show = getattr(win, "show_section", None)
        if show is None:
            return
        kind, _, village_id = link.partition(":")
        select = getattr(win, "select_village", None)
        if select is not None and kind == "evaluations":
            select(village_id)
        page = show("evaluations")
        if isinstance(page, EvaluationsPage) and kind == "overview":
            page.show_overview()
