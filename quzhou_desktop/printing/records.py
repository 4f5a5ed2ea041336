"""村务公开 notices of two registers: 合同公开 (a collective contract) and 民主评议结果公告 (the year's review of
village officials), laid out like the other 公开栏 notices (GB/T 9704 geometry, C27–C30)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from quzhou_desktop.core.money import fen_to_upper, format_fen
from quzhou_desktop.printing.documents import Notice
from quzhou_desktop.printing.forms import SMALL
from quzhou_desktop.printing.layout import Composer
from quzhou_desktop.printing.notices import cn, heading, opening, paragraphs
from quzhou_desktop.printing.tables import Cell, Row, columns, table


@dataclass(frozen=True, kw_only=True)
class ScheduleItem:
    due_on: dt.date
    direction: str  # 应收 / 应付
    fen: int


@dataclass(frozen=True, kw_only=True)
class ContractNotice(Notice):
    kind: ClassVar[str] = "contract"
    number: str
    contract: str  # 合同名称
    contract_kind: str  # 租赁, 发包/承包 …
    parties: tuple[str, ...]  # "王建国（本村村民）"
    subject: str
    fen: int
    start: dt.date
    end: dt.date
    signed_on: dt.date | None
    decision: str  # the 决议 it rests on, in words ("" when none)
    deposits: tuple[str, ...]
    schedule: tuple[ScheduleItem, ...]
    feedback: str
    review: str = ""  # the 村监会's review line, when reviewed


@dataclass(frozen=True, kw_only=True)
class EvaluatedPerson:
    name: str
    office: str
    satisfied: int
    basically_satisfied: int
    dissatisfied: int
    verdict: str
    consequence: str = ""


@dataclass(frozen=True, kw_only=True)
class EvaluationNotice(Notice):
    kind: ClassVar[str] = "evaluation"
    year: int
    held_on: dt.date
    body: str  # 村民代表会议 / 村民会议
    chair: str
    place: str
    participants: int | None
    people: tuple[EvaluatedPerson, ...]
    feedback: str


ITEM_W = (4.0, 12.0)


def _item(label: str, value: str, field: str) -> Row:
    return Row([Cell(label, ITEM_W[0], "center", "heading"), Cell(value or "—", ITEM_W[1], field=field)])


def render_contract(comp: Composer, doc: ContractNotice) -> None:
    opening(comp, doc.title)
    basis = f"经{doc.decision}，" if doc.decision else ""
    signed = f"于{cn(doc.signed_on)}" if doc.signed_on else ""
    comp.paragraph(
        f"{basis}本村{signed}与{'、'.join(p.split('（')[0] for p in doc.parties)}签订《{doc.contract}》。"
        "根据村务公开的规定，现将合同主要内容公开如下：",
        field="合同概况",
    )
    heading(comp, 1, "合同主要内容")
    rows = [
        _item("合同编号", doc.number, "合同编号"),
        _item("合同类型", doc.contract_kind, "合同类型"),
        _item("甲方", doc.issuer, "甲方"),
        _item("乙方", "、".join(doc.parties), "乙方"),
        _item("标的", doc.subject, "标的"),
        _item("合同金额", f"{format_fen(doc.fen)}（{fen_to_upper(doc.fen)}）", "合同金额"),
        _item("合同期限", f"{cn(doc.start)}至{cn(doc.end)}", "合同期限"),
        _item("决议依据", doc.decision or "无", "决议依据"),
    ]
    if doc.deposits:
        rows.append(_item("保证金", "；".join(doc.deposits), "保证金"))
    table(comp, rows, name="合同主要内容")
    n = 2
    if doc.schedule:
        comp.skip_lines(0.5)
        heading(comp, n, "收付款计划")
        weights = (2.2, 5.0, 3.0, 5.8)
        head = columns(weights, ("期次", "日期", "收付", "金额（元）"), aligns=("center",) * 4, role="heading",
                       size=SMALL)  # fmt: skip
        lines = [
            columns(
                weights,
                (str(i), cn(x.due_on), x.direction, format_fen(x.fen, symbol=False)),
                aligns=("center", "center", "center", "right"),
                fields=("期次", "日期", "收付", "金额"),
                size=SMALL,
            )
            for i, x in enumerate(doc.schedule, 1)
        ]
        total = sum(x.fen for x in doc.schedule)
        lines.append(Row([Cell("合计", sum(weights[:3]), "center"), Cell(format_fen(total), weights[3], "right")],
                         size=SMALL))  # fmt: skip
        table(comp, lines, header=[head], name="收付款计划")
        n += 1
    comp.skip_lines(0.5)
    heading(comp, n, "意见反馈")
    paragraphs(comp, doc.feedback, "意见反馈")
    if doc.review:
        comp.paragraph(doc.review, field="审核意见", size=14.0, indent=0)
    comp.signature(doc.issuer, cn(doc.date))


EVAL_W = (2.0, 3.6, 4.8, 2.4, 2.6, 2.4, 3.2)
EVAL_HEAD = ("序号", "姓名", "职务", "满意", "基本\n满意", "不满意", "评议结果")


def render_evaluation(comp: Composer, doc: EvaluationNotice) -> None:
    opening(comp, doc.title)
    where = f"在{doc.place}" if doc.place else ""
    joined = f"参加评议{doc.participants}人，" if doc.participants else ""
    comp.paragraph(
        f"{cn(doc.held_on)}，本村{where}召开{doc.body}，由村务监督委员会{doc.chair}主持，对村民委员会成员和村务"
        f"监督委员会成员{doc.year}年度履行职责情况进行民主评议，{joined}现将评议结果公告如下：",
        field="评议概况",
    )
    head = columns(EVAL_W, EVAL_HEAD, aligns=("center",) * 7, role="heading", size=SMALL)
    rows = [
        columns(
            EVAL_W,
            (
                str(i),
                p.name,
                p.office,
                str(p.satisfied),
                str(p.basically_satisfied),
                str(p.dissatisfied),
                p.verdict,
            ),
            aligns=("center", "center", "left", "center", "center", "center", "center"),
            fields=("序号", "姓名", "职务", "满意", "基本满意", "不满意", "评议结果"),
            size=SMALL,
        )
        for i, p in enumerate(doc.people, 1)
    ]
    table(comp, rows, header=[head], name="民主评议结果")
    followed = [p.consequence for p in doc.people if p.consequence]
    n = 1
    comp.skip_lines(0.5)
    if followed:
        heading(comp, n, "评议结果的处理")
        for text in followed:
            comp.paragraph(text, field="评议结果的处理")
        n += 1
    heading(comp, n, "意见反馈")
    paragraphs(comp, doc.feedback, "意见反馈")
    comp.signature(doc.issuer, cn(doc.date))
