"""Table-shaped documents: 财务公开表, 村监会月度审核意见书, 支出凭证审批单, 五议两公开登记表."""

from __future__ import annotations

import datetime as dt

from quzhou_desktop.core.money import fen_to_upper, format_fen
from quzhou_desktop.printing.documents import FinanceNotice, RegisterForm, ReviewReport, Signoff, VoucherForm
from quzhou_desktop.printing.layout import PITCH, X0, X1, Composer, baseline_in_box
from quzhou_desktop.printing.notices import cn, heading, paragraphs, rate
from quzhou_desktop.printing.tables import Cell, Row, columns, table

META_SIZE = 14.0
SMALL = 10.5  # 五号, for wide tables
BLANK = "＿＿＿＿＿＿"


def short(d: dt.date) -> str:
    return f"{d.month}月{d.day}日"


def meta(comp: Composer, left: str, right: str = "") -> None:
    """One grid line: ``left`` flush left, ``right`` flush right (4号 body face)."""
    comp.ensure(PITCH)
    base = baseline_in_box(comp.y, PITCH, META_SIZE, comp.descent(comp.fonts.font_name("body")))
    w_left = comp.text_width(left, field="表头", size=META_SIZE)
    comp.text_at(X0, base, left, field="表头", size=META_SIZE)
    if right:
        w = comp.text_width(right, field="表头", size=META_SIZE)
        if w_left + w + 2 * META_SIZE > X1 - X0:  # no room beside each other: right part on its own line
            comp.y -= PITCH
            comp.ensure(PITCH)
            base = baseline_in_box(comp.y, PITCH, META_SIZE, comp.descent(comp.fonts.font_name("body")))
        comp.text_at(X1 - w, base, right, field="表头", size=META_SIZE)
    comp.y -= PITCH


def sign_lines(comp: Composer, items: list[tuple[str, str]], field: str) -> None:
    """ "角色（签字）：姓名" pairs, two per line; a missing name leaves a blank to sign by hand."""
    texts = [f"{role}（签字）：{name or BLANK}" for role, name in items]
    for i in range(0, len(texts), 2):
        pair = texts[i : i + 2]
        comp.ensure(PITCH)
        base = baseline_in_box(comp.y, PITCH, META_SIZE, comp.descent(comp.fonts.font_name("body")))
        comp.text_at(X0 + 2 * META_SIZE, base, pair[0], field=field, size=META_SIZE)
        if len(pair) > 1:
            comp.text_at((X0 + X1) / 2 + META_SIZE, base, pair[1], field=field, size=META_SIZE)
        comp.y -= PITCH


FIN_W = (2.8, 5.4, 8.8, 7.4, 7.4, 5.0, 5.0, 4.8)
FIN_HEAD = (
    "序号",
    "日期",
    "摘要\n（开支项目）",
    "收入（元）",
    "支出（元）",
    "资金来源",
    "使用部门",
    "审核\n意见",
)
FIN_FIELDS = ("序号", "日期", "摘要", "收入", "支出", "资金来源", "使用部门", "审核意见")


def render_finance(comp: Composer, doc: FinanceNotice) -> None:
    comp.title(doc.title)
    meta(comp, f"单位：{doc.organisation}", f"公开期间：{doc.period}")
    head = columns(FIN_W, FIN_HEAD, aligns=("center",) * 8, role="heading", size=SMALL)
    aligns = ("center", "center", "left", "right", "right", "left", "left", "center")
    rows = [
        columns(
            FIN_W,
            (
                str(i),
                short(ln.date),
                ln.summary,
                format_fen(ln.income_fen, symbol=False) if ln.income_fen else "",
                format_fen(ln.expense_fen, symbol=False) if ln.expense_fen else "",
                ln.source,
                ln.department,
                ln.opinion,
            ),
            aligns=aligns,
            fields=FIN_FIELDS,
            size=SMALL,
        )
        for i, ln in enumerate(doc.lines, 1)
    ]
    income = sum(ln.income_fen for ln in doc.lines)
    expense = sum(ln.expense_fen for ln in doc.lines)
    w = FIN_W
    rows.append(
        Row(
            [
                Cell("合计（小写）", w[0] + w[1] + w[2], "center"),
                Cell(format_fen(income), w[3], "right"),
                Cell(format_fen(expense), w[4], "right"),
                Cell("", w[5] + w[6] + w[7]),
            ],
            size=SMALL,
        )
    )
    rows.append(
        Row(
            [
                Cell("合计（大写）", w[0] + w[1] + w[2], "center"),
                Cell(f"收入：{fen_to_upper(income)}；支出：{fen_to_upper(expense)}", sum(w[3:])),
            ],
            size=SMALL,
        )
    )
    table(comp, rows, header=[head], name="财务公开表")
    comp.skip_lines(0.5)
    comp.paragraph(
        f"村务监督委员会审核意见：{doc.review_opinion}", field="审核意见", size=META_SIZE, indent=0
    )
    meta(comp, f"审核人：{'、'.join(doc.reviewers)}", f"审核日期：{cn(doc.review_date)}")
    comp.signature(doc.issuer, cn(doc.date))


REV_W = (5.8, 4.4, 7.4, 8.4, 6.4, 5.6)
REV_HEAD = ("凭证号", "日期", "收款人", "用途", "金额（元）", "审核意见")


def render_review(comp: Composer, doc: ReviewReport) -> None:
    comp.title(doc.title)
    meta(comp, f"村（社区）：{doc.organisation}", f"审核月份：{doc.month}")
    comp.paragraph(
        f"{cn(doc.meeting_date)}，村务监督委员会召开月度工作例会，对{doc.month}的财务收支凭证逐笔进行了审核。"
        f"参加人员：{'、'.join(doc.attendees)}。审核情况如下：",
        field="例会情况",
    )
    head = columns(REV_W, REV_HEAD, aligns=("center",) * 6, role="heading", size=SMALL)
    aligns = ("center", "center", "left", "left", "right", "center")
    fields = ("凭证号", "日期", "收款人", "用途", "金额", "审核意见")
    rows = [
        columns(
            REV_W,
            (v.no, short(v.date), v.payee, v.purpose, format_fen(v.fen, symbol=False), v.opinion),
            aligns=aligns,
            fields=fields,
            size=SMALL,
        )
        for v in doc.vouchers
    ]
    total = sum(v.fen for v in doc.vouchers)
    rows.append(
        Row(
            [
                Cell(f"合计 {len(doc.vouchers)} 笔", REV_W[0] + REV_W[1], "center"),
                Cell(fen_to_upper(total), REV_W[2] + REV_W[3]),
                Cell(format_fen(total), REV_W[4], "right"),
                Cell("", REV_W[5]),
            ],
            size=SMALL,
        )
    )
    table(comp, rows, header=[head], name="凭证审核表")
    comp.skip_lines(0.5)
    heading(comp, 1, "总体意见")
    paragraphs(comp, doc.overall_opinion, "总体意见")
    comp.skip_lines(0.5)
    sign_lines(comp, [(s.role, s.name) for s in doc.signers], "签字")
    comp.signature(doc.issuer, cn(doc.date))


def _signoff(s: Signoff, label: str) -> str:
    parts = [s.opinion] if s.opinion else []
    parts.append(f"{label}：{s.name or BLANK}")
    parts.append(f"日期：{cn(s.date) if s.date else '　　年　　月　　日'}")
    return "\n".join(parts)


def render_voucher(comp: Composer, doc: VoucherForm) -> None:
    comp.title(doc.title)
    meta(comp, f"单位：{doc.organisation}", f"编号：{doc.no}　　日期：{cn(doc.voucher_date)}")
    L, V = 2.2, 4.8  # label / value weights

    def pair(a: str, b: str, c: str = "", d: str = "", tall: float = 0.0) -> Row:
        cells = [Cell(a, L, "center", "heading"), Cell(b, V if c else V + L + V, field=a)]
        if c:
            cells += [Cell(c, L, "center", "heading"), Cell(d, V, field=c)]
        return Row(cells, min_height=tall)

    rows = [
        pair("收款单位（人）", doc.payee),
        pair("支出用途", doc.purpose),
        pair("金额（小写）", format_fen(doc.fen), "资金来源", doc.funding_source),
        pair("金额（大写）", fen_to_upper(doc.fen)),
        pair("经手人", doc.handler, "证明人", doc.witness),
        pair("附件", f"{doc.attachments} 张", "决议依据", doc.decision_ref or "—"),
        pair("村务监督委员会审核", _signoff(doc.review, "审核人"), tall=84),
        pair(
            "主任（社长）签字",
            _signoff(doc.director, "签字"),
            "书记签字",
            _signoff(doc.secretary, "签字"),
            tall=72,
        ),
        pair("代理记账中心受理", _signoff(doc.agency, "受理人"), tall=60),
    ]
    table(comp, rows, name="支出凭证审批单")
    comp.skip_lines(0.5)
    if doc.joint_note:
        comp.paragraph(f"注：{doc.joint_note}。", field="一肩挑", size=12.0, indent=0)
    comp.paragraph(
        "说明：村务监督委员会审核后，主任（社长）、书记方可签字（先审后签）。",
        field="说明",
        size=12.0,
        indent=0,
    )


REG_W = (4.6, 7.4, 5.4, 4.6, 4.4, 8.6, 4.6)
REG_HEAD = ("步骤", "日期", "会议形式", "应到/实到/比例", "表决（同意/反对/弃权）", "主要内容", "签字")


def render_register(comp: Composer, doc: RegisterForm) -> None:
    comp.title(doc.title)
    meta(comp, f"村（社区）：{doc.organisation}", f"类别：{doc.category}" if doc.category else "")
    comp.paragraph(f"事项名称：{doc.matter}", field="事项", size=META_SIZE, indent=0)
    head = columns(REG_W, REG_HEAD, aligns=("center",) * 7, role="heading", size=SMALL)
    aligns = ("center", "center", "center", "center", "center", "left", "center")
    fields = ("步骤", "日期", "会议形式", "应到实到", "表决", "主要内容", "签字")
    rows = []
    for s in doc.steps:
        att = (
            f"{s.entitled}/{s.present}\n{rate(s.present, s.entitled)}"
            if s.entitled is not None and s.present is not None
            else "—"
        )
        votes = f"{s.yes}/{s.no}/{s.abstain}" if s.yes is not None else "—"
        if s.result:
            votes += f"\n{s.result}"
        rows.append(
            columns(
                REG_W,
                (s.step, cn(s.date), s.form, att, votes, s.content, s.signatures),
                aligns=aligns,
                fields=fields,
                size=SMALL,
                min_height=44,
            )
        )
    table(comp, rows, header=[head], name="五议两公开登记表")
    comp.signature(doc.issuer, cn(doc.date))
