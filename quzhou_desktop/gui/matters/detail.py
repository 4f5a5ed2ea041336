"""The matter's timeline: facts, what is due next, every step with its numbers, texts, corrections and scans."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QTextBrowser, QWidget

from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.services.kernel.attachments import AttachmentInfo
from quzhou_desktop.services.matters.common import StepView, fmt_date
from quzhou_desktop.services.matters.matter import MatterDetail, describe_due


def _p(text: str | None) -> str:
    return escape(text or "").replace("\n", "<br>")


def _row(label: str, value: str) -> str:
    return f"<tr><td style='color:#555;padding-right:8px' nowrap>{escape(label)}</td><td>{value}</td></tr>"


def step_html(v: StepView, files: list[AttachmentInfo]) -> str:
    color = {"通过": "#1b5e20", "未通过": "#b00020", "会议无效": "#b00020", "草稿": "#8a6d00"}.get(
        v.result_label, "#333"
    )
    head = f"<h3 style='margin-bottom:2px'>{v.seq}. {escape(v.label)} <span style='color:{color}'>【{escape(v.result_label)}】</span></h3>"
    rows = []
    if v.body:
        rows.append(_row(tr("会议"), escape(v.body_label)))
    if v["meeting_date"]:
        rows.append(_row(tr("日期"), fmt_date(v["meeting_date"])))
    if v["notice_date"]:
        rows.append(_row(tr("通知日期"), fmt_date(v["notice_date"])))
    if v["urgent"]:
        rows.append(_row(tr("通知"), tr("紧急情况，未提前通知")))
    if v["place"]:
        rows.append(_row(tr("地点"), escape(v["place"])))
    if v.chair_name or v.recorder_name:
        rows.append(_row(tr("主持人/记录人"), f"{escape(v.chair_name)} / {escape(v.recorder_name)}"))
    if v["township_attendees"]:
        rows.append(_row(tr("乡镇参会人员"), escape(v["township_attendees"])))
    if v["entitled_count"] is not None:
        rows.append(_row(tr("应到/实到"), f"{v['entitled_count']} / {v['present_count']}"))
    if v["votes_for"] is not None and v.body:
        method = escape(v["vote_method"] or "")
        rows.append(
            _row(
                tr("表决"),
                f"赞成{v['votes_for']}，反对{v['votes_against'] or 0}，弃权{v['votes_abstain'] or 0}（{method}）",
            )
        )
    if v["outcome_text"]:
        rows.append(_row(tr("计算"), _p(v["outcome_text"])))
    excluded = [a for a in v.attendance if a.status == "excluded"]
    if excluded:
        rows.append(
            _row(
                tr("不计入应到"), "；".join(f"{escape(a.name)}（{escape(a.reason or '')}）" for a in excluded)
            )
        )
    absent = [a.name for a in v.attendance if a.status == "absent"]
    if absent:
        rows.append(_row(tr("缺席"), escape("、".join(absent))))
    if v["posting_from"]:
        rows.append(_row(tr("公示期"), f"{fmt_date(v['posting_from'])} 至 {fmt_date(v['posting_to'])}"))
    if v["posting_place"]:
        rows.append(_row(tr("公示地点"), escape(v["posting_place"])))
    for key, label in (("plan_text", "方案"), ("decision_text", "决议/公开内容"), ("minutes", "记录")):
        if v[key]:
            rows.append(_row(tr(label), _p(v[key])))
    if files:
        rows.append(_row(tr("扫描件"), escape("、".join(f"{f.filename}（{f.size_text}）" for f in files))))
    for a in v.amendments:
        changes = "；".join(f"{escape(c[0])}：{_p(c[1])} → {_p(c[2])}" for c in a.changes)
        when = a.at.strftime("%Y-%m-%d %H:%M")
        rows.append(
            _row(
                tr("更正"),
                f"<span style='color:#8a6d00'>{when} {escape(a.by)}，原因：{escape(a.reason)}<br>{changes}</span>",
            )
        )
    return head + "<table>" + "".join(rows) + "</table>"


class MatterDetailView(QTextBrowser):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.show_empty()

    def show_empty(self) -> None:
        self.setHtml(f"<p style='color:#777'>{tr('在左侧选择一个事项，这里显示它的全部步骤和下一步。')}</p>")

    def show_detail(self, d: MatterDetail, files: dict[str, list[AttachmentInfo]]) -> None:
        m = d.matter
        status_color = {"未通过": "#b00020", "已完成": "#1b5e20"}.get(m.status_label, "#333")
        parts = [
            f"<h2 style='margin-bottom:4px'>{escape(m.display_title)}</h2>",
            "<table>",
            _row(tr("村"), escape(m.village_name)),
            _row(tr("类别"), escape(m.category_label)),
            _row(
                tr("动议事由"), escape(m.source) + (f"（{escape(m.suggested_by)}）" if m.suggested_by else "")
            ),
            _row(tr("预计金额"), escape(m.amount_text or "—")),
            _row(tr("状态"), f"<b style='color:{status_color}'>{escape(m.status_label)}</b>"),
        ]
        if m.description:
            parts.append(_row(tr("说明"), _p(m.description)))
        parts.append("</table>")
        due_color = "#b00020" if m.overdue else "#0d47a1"
        parts.append(f"<p style='color:{due_color}'><b>{escape(describe_due(d.due))}</b></p>")
        if d.later_run_id:
            parts.append(f"<p>{tr('本轮未通过，方案修改后已重新提议（见下一轮）。')}</p>")
        if m.previous_run_id:
            parts.append(f"<p>{tr('这是修改方案后的第')}{m.run_no}{tr('轮；上一轮未通过。')}</p>")
        if not d.steps:
            parts.append(f"<p>{tr('尚未登记任何步骤。')}</p>")
        for v in d.steps:
            parts.append(step_html(v, files.get(v.id, [])))
        self.setHtml("".join(parts))
