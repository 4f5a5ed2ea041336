"""The selected voucher: fields, 大写, spending tier (C16), review progress (C18), the signed trail and versions."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QTextBrowser, QWidget

from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.services.vouchers.data import VoucherDetail

RED = "#b00020"
AMBER = "#8a5a00"


def _row(label: str, value: str) -> str:
    return f"<tr><td style='color:#555;padding-right:10px' nowrap>{escape(label)}</td><td>{escape(value)}</td></tr>"


class VoucherDetailView(QTextBrowser):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.show_empty()

    def show_empty(self) -> None:
        self.setHtml(f"<p style='color:#666'>{tr('在左侧选择一张凭证查看详情和审批过程。')}</p>")

    def show_detail(self, d: VoucherDetail) -> None:
        r = d.row
        parts = [f"<h3>{escape(r.village_name)} {tr('支出凭证')} {escape(r.number_text)}</h3>"]
        parts.append(f"<p><b>{tr('状态')}：{escape(r.status_label)}</b>")
        if d.month_locked:
            parts.append(f"　<span style='color:{AMBER}'>{tr('（所属月份已锁定）')}</span>")
        parts.append("</p>")
        for t in d.tamper:
            parts.append(f"<p style='color:{RED}'><b>{tr('警告')}：</b>{escape(t)}</p>")
        parts.append("<table>")
        parts += [
            _row(tr("凭证日期"), r.voucher_date.isoformat()),
            _row(tr("金额（小写）"), r.amount_text),
            _row(tr("金额（大写）"), r.amount_upper),
            _row(tr("用途"), r.purpose),
            _row(tr("收款人"), r.payee),
            _row(tr("经手人"), r.handler_name),
            _row(tr("证明人"), d.witness_name),
            _row(tr("资金来源"), d.funding_source),
            _row(tr("预算项目"), d.budget_line),
            _row(tr("附单据"), f"{d.invoice_count}{tr('张')}"),
            _row(tr("数额档次"), d.tier_label),
            _row(tr("联席会议决定"), d.decision_ref),
            _row(tr("村民（代表）会议决议"), d.resolution_ref),
            _row(tr("备注"), d.note),
            _row(tr("扫描件"), "、".join(n for _, n in d.scans) or tr("无")),
        ]
        parts.append("</table>")
        for p in d.decision_problems:
            parts.append(f"<p style='color:{AMBER}'>{escape(p)}</p>")
        if d.review_progress:
            parts.append(
                f"<p style='color:{AMBER}'>{tr('村监会审核尚未完成')}：{escape('；'.join(d.review_progress))}</p>"
            )
        parts.append(f"<h4>{tr('审批过程')}</h4><table>")
        if not d.events:
            parts.append(_row("", tr("尚未提交")))
        for e in d.events:
            who = f"{e.actor_name}（{e.actor_role}）" if e.actor_role else e.actor_name
            sig = f"　{tr('签名码')} {e.signature[:8]}" if e.signature else ""
            parts.append(_row(f"{e.at:%Y-%m-%d %H:%M}", f"{who} {e.summary}{sig}"))
        parts.append("</table>")
        if len(d.versions) > 1:
            parts.append(f"<h4>{tr('版本')}</h4><p>")
            parts.append(
                "<br>".join(
                    f"{tr('第')}{v}{tr('版')}：{escape(label)}" + (tr("（当前查看）") if vid == r.id else "")
                    for vid, v, label in d.versions
                )
            )
            parts.append("</p>")
        self.setHtml("".join(parts))
