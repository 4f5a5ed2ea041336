"""工作台 panel for 村务监督: awaiting my review, awaiting my signature, returned to me, awaiting the agency,
months not yet reviewed, and vouchers waiting too long for review.  Each line links to the voucher or month.

One of ``gui.shell.dashboard.PANELS``.
"""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.pages import DashboardPanel
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.vouchers import queues
from quzhou_desktop.services.vouchers.todo import voucher_todo
from quzhou_desktop.services.vouchers.voucher import VoucherRow

SHOW = 8


def _voucher_lines(rows: list[VoucherRow], village_id: str | None, empty: str) -> str:
    rows = [r for r in rows if village_id is None or r.village_id == village_id]
    if not rows:
        return f"<span style='color:#777'>{empty}</span>"
    out = [
        f"<a href='voucher:{r.id}'>【{escape(r.village_name)}】{escape(r.number_text)} {escape(r.purpose)}</a>"
        f" {r.amount_text}（{escape(r.status_label)}，{r.voucher_date.isoformat()}）"
        for r in rows[:SHOW]
    ]
    if len(rows) > SHOW:
        out.append(tr("……另有{n}张，请到“村务监督”查看").format(n=len(rows) - SHOW))
    return "<br>".join(out)


class VouchersPanel(DashboardPanel):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setTitle(tr("村务监督待办（先审后签）"))
        lay = QVBoxLayout(self)
        self.labels: dict[str, QLabel] = {}
        sections = [
            ("review", tr("待我审核的凭证")),
            ("sign", tr("待我签字的凭证")),
            ("returned", tr("退回给我的凭证（需补正、退回、不同意）")),
            ("deliver", tr("已签字、待报送代理记账中心的凭证")),
            ("agency", tr("待代理记账中心受理")),
            ("months", tr("尚未完成月度审核的月份")),
            ("stale", tr("提交超过{n}天仍未审核的凭证").format(n=queues.STALE_DAYS)),
        ]
        for key, title in sections:
            head = QLabel(f"<b>{title}</b>")
            label = QLabel()
            label.setWordWrap(True)
            label.linkActivated.connect(self._open)
            lay.addWidget(head)
            lay.addWidget(label)
            self.labels[key] = label
            label.setProperty("head", head)
        lay.addStretch(1)

    def _set(self, key: str, html: str | None) -> None:
        label = self.labels[key]
        visible = html is not None
        label.setVisible(visible)
        head = label.property("head")
        if isinstance(head, QLabel):
            head.setVisible(visible)
        if html is not None:
            label.setText(html)

    def refresh(self) -> None:
        vid = self.village_id
        try:
            todo = voucher_todo(self.ctx, vid)  # the six lists in one query
            review, sign, returned, agency = todo.review, todo.sign, todo.returned, todo.agency
            deliver, stale, agency_here = todo.deliver, todo.stale, todo.agency_here
            months = queues.months_not_reviewed(self.ctx, village_id=vid)
        except QuzhouError as exc:
            self._set("review", escape(str(exc)))
            return
        c = self.ctx.can
        self._set(
            "review", _voucher_lines(review, vid, tr("没有待审核的凭证")) if c(Perm.VOUCHER_REVIEW) else None
        )
        deliver_text = _voucher_lines(deliver, vid, tr("没有待报送的凭证"))
        self._set("deliver", deliver_text if c(Perm.VOUCHER_DELIVER) else None)
        can_sign = c(Perm.VOUCHER_SIGN_DIRECTOR) or c(Perm.VOUCHER_SIGN_SECRETARY)
        self._set("sign", _voucher_lines(sign, vid, tr("没有待签字的凭证")) if can_sign else None)
        self._set(
            "returned", _voucher_lines(returned, vid, tr("没有退回的凭证")) if c(Perm.VOUCHER_EDIT) else None
        )
        self._set(
            "agency",
            _voucher_lines(agency, vid, tr("没有待受理的凭证"))
            if c(Perm.VOUCHER_ACCEPT) and agency_here
            else None,
        )
        if months:
            lines = [
                f"<a href='month:{m.village_id}:{m.year}:{m.month}'>{escape(m.label)}</a>"
                for m in months[:SHOW]
            ]
            if len(months) > SHOW:
                lines.append(tr("……另有{n}个月").format(n=len(months) - SHOW))
            self._set("months", "<br>".join(lines))
        else:
            self._set("months", f"<span style='color:#777'>{tr('各月均已完成月度审核')}</span>")
        self._set("stale", _voucher_lines(stale, vid, tr("没有积压的凭证")))

    def _open(self, link: str) -> None:
        """Go to the 村务监督 section and show the voucher or month (the main window, duck-typed: this panel
        sits below the window's package)."""
        from quzhou_desktop.gui.vouchers.page import VouchersPage  # loaded with the section, not the 工作台

        win = self.window()
        show = getattr(win, "show_section", None)
        if show is None:
            return
        page = show("vouchers")
        if not isinstance(page, VouchersPage):
            return
        kind, _, rest = link.partition(":")
        if kind == "voucher":
            page.open_voucher(rest)
        elif kind == "month":
            village_id, year, month = rest.split(":")
            select = getattr(win, "select_village", None)
            if select is not None:
                select(village_id)
            page.open_month(int(year), int(month))
