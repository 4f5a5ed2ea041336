"""The selected contract: its terms, parties, decision (C33), deposits and findings, and the schedule with each
line's state (已收清 / 未到期 / 到期待收 / 逾期, C34) and the vouchers, ledger lines or receipts behind it."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QSplitter, QTableWidgetItem, QTextBrowser, QVBoxLayout, QWidget

from quzhou_desktop.core.contracts import LineState
from quzhou_desktop.core.money import format_fen
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.table import table
from quzhou_desktop.services.contracts.payments import LineRow
from quzhou_desktop.services.contracts.query import ContractDetail

RED, AMBER, GREEN = "#b00020", "#8a5a00", "#1b5e20"
STATE_COLOURS = {LineState.OVERDUE: RED, LineState.DUE: AMBER, LineState.PAID: GREEN}


def _row(label: str, value: str) -> str:
    return f"<tr><td style='color:#555;padding-right:10px' nowrap>{escape(label)}</td><td>{escape(value)}</td></tr>"


class ContractDetailView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: ContractDetail | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        split = QSplitter(Qt.Orientation.Vertical)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.lines = table(["期次", "日期", "收付", "金额", "已收付", "状态", "收付款依据"])
        split.addWidget(self.text)
        split.addWidget(self.lines)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        lay.addWidget(split)
        self.show_empty()

    def show_empty(self) -> None:
        self.detail = None
        self.text.setHtml(f"<p style='color:#666'>{tr('在左侧选择一份合同查看内容和收付款情况。')}</p>")
        self.lines.setRowCount(0)

    def selected_line(self) -> LineRow | None:
        if self.detail is None:
            return None
        rows = self.lines.selectionModel().selectedRows()
        if rows:
            return self.detail.lines[rows[0].row()]
        return next((x for x in self.detail.lines if x.state is not LineState.PAID), None)

    def show_detail(self, d: ContractDetail) -> None:
        self.detail = d
        r = d.row
        parts = [f"<h3>{escape(r.title)}</h3><p>{escape(r.village_name)} · {escape(r.number)} · "
                 f"{escape(r.kind_label)} · <b>{escape(r.status_label)}</b></p>"]  # fmt: skip
        for f in d.findings:
            colour = RED if f.is_error else AMBER
            prefix = tr("错误") if f.is_error else tr("提醒")
            parts.append(f"<p style='color:{colour}'><b>{prefix}：</b>{escape(f.shown)}</p>")
        parties = "；".join(
            f"{p.name}（{p.kind_label}{'，' + p.id_shown if p.id_shown else ''}{'，' + p.phone if p.phone else ''}）"
            for p in d.parties
        )
        parts.append("<table>")
        parts += [
            _row(tr("乙方"), parties),
            _row(
                tr("标的"), "；".join(x for x in (r.asset_name, d.subject) if x) or tr("（不涉及资产资源）")
            ),
            _row(tr("合同金额"), r.amount_text),
            _row(tr("合同期限"), r.term_text),
            _row(tr("签订日期"), d.signed_on.isoformat() if d.signed_on else ""),
            _row(tr("决议依据"), d.decision_text or tr("无")),
            _row(tr("保证金"), "；".join(x.text for x in d.deposits) or tr("无")),
            _row(tr("已收付"), f"{r.settled_text}　{tr('尚欠')} {format_fen(d.outstanding_fen)}"),
        ]
        if d.terminated_on:
            parts.append(_row(tr("终止"), f"{d.terminated_on.isoformat()} {d.termination_reason or ''}"))
        if d.note:
            parts.append(_row(tr("备注"), d.note))
        parts.append("</table>")
        if d.disclosure_id:
            parts.append(f"<p>{tr('已生成合同公开，可在“三务公开”中审核、公开。')}</p>")
        self.text.setHtml("".join(parts))
        self.lines.setRowCount(len(d.lines))
        for i, x in enumerate(d.lines):
            source = "；".join(
                f"{p.paid_on.isoformat()} {format_fen(p.amount_fen)} {p.source}" for p in x.payments
            )
            cells = [str(i + 1), x.due_on.isoformat(), x.direction_label, format_fen(x.amount_fen),
                     format_fen(x.paid_fen), x.state_label, source]  # fmt: skip
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 5 and x.state in STATE_COLOURS:
                    item.setForeground(QColor(STATE_COLOURS[x.state]))
                if c == 5:
                    item.setToolTip(x.status.explanation)
                self.lines.setItem(i, c, item)
