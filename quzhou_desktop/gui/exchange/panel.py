"""工作台 panel for the data exchange: the villages that need a person — a forked history, open conflicts,
packages waiting for missing records, no report for more than ``STALE_DAYS`` days. Each line opens the
数据交换 section. Shown where this site exchanges with others (a township with enrolled villages, a village
PC) to users with the exchange right; hidden elsewhere.

One of ``gui.shell.dashboard.PANELS``.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.gui.exchange.labels import gap_text, gaps
from quzhou_desktop.gui.exchange.peers import STALE_DAYS, is_stale
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.pages import DashboardPanel
from quzhou_desktop.services.exchange.status import PeerStatus, exchange_status
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm

SHOW = 8
GREY = "<span style='color:#777'>{}</span>"
LINK = "exchange"


def reasons(p: PeerStatus, now: datetime) -> list[str]:
    """What needs doing about one peer, most urgent first (empty: nothing)."""
    out = []
    if p.forks:
        out.append(tr("历史分叉，须管理员裁定"))
    if p.conflicts:
        out.append(tr("{n}处冲突待处理").format(n=p.conflicts))
    if p.waiting:
        out.append(gap_text(gaps(p.accepted_seq, p.waiting)))
    if is_stale(p, now):
        if p.last_package_at is None:
            out.append(tr("从未上报数据包"))
        else:
            out.append(
                tr("超过{n}天未上报（最近{d}）").format(n=STALE_DAYS, d=p.last_package_at.date().isoformat())
            )
    return out


class ExchangePanel(DashboardPanel):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setTitle(tr("数据交换提醒"))
        lay = QVBoxLayout(self)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.linkActivated.connect(self._open)
        lay.addWidget(self.label)

    def refresh(self) -> None:
        """Hidden for a user without the exchange right and where this database exchanges with no other PC
        (a township that keeps its villages itself): nothing there for them to act on."""
        if not self.ctx.can(Perm.EXCHANGE):
            self.setVisible(False)
            return
        try:
            status = exchange_status(self.ctx)
        except QuzhouError as exc:
            self.label.setText(GREY.format(escape(str(exc))))
            return
        shown = status.site is not None and any(p.state == "enrolled" for p in status.peers)
        self.setVisible(shown)
        if not shown:
            return
        now = self.ctx.clock.now()
        peers = [p for p in status.peers if self.village_id is None or p.village_id == self.village_id]
        lines = []
        for p in peers:
            found = reasons(p, now)
            if found:
                lines.append(f"<a href='{LINK}'>【{escape(p.name)}】</a>{escape('；'.join(found))}")
        if not lines:
            self.label.setText(GREY.format(tr("数据交换正常，没有需要处理的村")))
            return
        if len(lines) > SHOW:
            more = tr("……另有{n}个，请到“数据交换”查看").format(n=len(lines) - SHOW)
            lines = [*lines[:SHOW], f"<a href='{LINK}'>{more}</a>"]
        self.label.setText("<br>".join(lines))

    def _open(self, _link: str) -> None:
        """Go to the 数据交换 section (the main window, duck-typed: this panel sits below the window)."""
        show = getattr(self.window(), "show_section", None)
        if show is not None:
            show("exchange")
