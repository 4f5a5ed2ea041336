"""工作台 panel for contracts and assets: contracts ending soon, overdue receivables (the biggest first), assets
let or contracted out with no contract, and the 村务监督委员会's list of disposals without a 决议 (C33).
Each line links to the contract or the asset register.

One of ``gui.shell.dashboard.PANELS``.
"""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.core.rules import basis
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.pages import DashboardPanel
from quzhou_desktop.services.contracts import reminders
from quzhou_desktop.services.contracts.query import ContractRow
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.settings import get_rules

SHOW = 8
GREY = "<span style='color:#777'>{}</span>"


def _more(lines: list[str], n: int) -> list[str]:
    if n > SHOW:
        lines = [*lines[:SHOW], tr("……另有{n}项，请到“合同与资产”查看").format(n=n - SHOW)]
    return lines


def _contract_lines(rows: list[ContractRow], tail: str, empty: str) -> str:
    if not rows:
        return GREY.format(empty)
    out = [
        f"<a href='contract:{r.id}'>【{escape(r.village_name)}】{escape(r.number)} {escape(r.title)}</a>"
        f"（{escape(r.parties)}）{tail.format(end=r.end_date.isoformat(), start=r.start_date.isoformat())}"
        for r in rows
    ]
    return "<br>".join(_more(out, len(rows)))


class ContractsPanel(DashboardPanel):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setTitle(tr("合同与资产提醒"))
        lay = QVBoxLayout(self)
        self.labels: dict[str, QLabel] = {}
        self.heads: dict[str, QLabel] = {}
        for key in ("expiring", "overdue", "no_contract", "undecided"):
            head, label = QLabel(), QLabel()
            label.setWordWrap(True)
            label.linkActivated.connect(self._open)
            lay.addWidget(head)
            lay.addWidget(label)
            self.labels[key], self.heads[key] = label, head
        lay.addStretch(1)

    def refresh(self) -> None:
        vid = self.village_id
        try:
            days = get_rules(self.ctx, vid).contract_expiry_days
            expiring = reminders.expiring_contracts(self.ctx, vid)
            overdue = reminders.overdue_receivables(self.ctx, vid)
            idle = reminders.leased_without_contract(self.ctx, vid)
            undecided = reminders.undecided_contracts(self.ctx, vid)
        except QuzhouError as exc:
            self.labels["expiring"].setText(escape(str(exc)))
            return
        self.heads["expiring"].setText(f"<b>{tr('{n}天内到期的合同').format(n=days)}</b>")
        self.labels["expiring"].setText(
            _contract_lines(expiring, tr("，{end}到期"), tr("没有即将到期的合同"))
        )
        self.heads["overdue"].setText(f"<b>{tr('逾期未收的款项（金额大的在前）')}</b>")
        if overdue:
            lines = [f"<a href='contract:{o.contract_id}'>{escape(o.label)}</a>" for o in overdue]
            self.labels["overdue"].setText("<br>".join(_more(lines, len(overdue))))
        else:
            self.labels["overdue"].setText(GREY.format(tr("没有逾期未收的款项")))
        self.heads["no_contract"].setText(f"<b>{tr('标为出租、承包但没有合同的资产资源')}</b>")
        if idle:
            lines = [
                f"<a href='assets:{a.village_id}'>【{escape(a.village_name)}】{escape(a.name)}</a>（{escape(a.status_label)}）"
                for a in idle
            ]
            self.labels["no_contract"].setText("<br>".join(_more(lines, len(idle))))
        else:
            self.labels["no_contract"].setText(GREY.format(tr("出租、承包的资产资源都有合同")))
        self.heads["undecided"].setText(
            f"<b>{tr('村务监督：未经村民（代表）会议决议的承包、租赁合同')}</b>"
            f"<span style='color:#777'>（{basis('C33')}）</span>"
        )
        self.labels["undecided"].setText(
            _contract_lines(undecided, tr("，{start}起"), tr("承包、租赁合同都有决议"))
        )

    def _open(self, link: str) -> None:
        """Go to the 合同与资产 section (the main window, duck-typed: this panel sits below the window)."""
        from quzhou_desktop.gui.contracts.page import ContractsPage

        win = self.window()
        show = getattr(win, "show_section", None)
        if show is None:
            return
        page = show("contracts")
        if not isinstance(page, ContractsPage):
            return
        kind, _, rest = link.partition(":")
        if kind == "contract":
            page.open_contract(rest)
        elif kind == "assets":
            select = getattr(win, "select_village", None)
            if select is not None:
                select(rest)
            page.open_assets_without_contract()
