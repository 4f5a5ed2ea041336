"""村务公开 made from other registers: 合同公开 from a collective contract, 民主评议结果公开 from a final 民主评议.

Each is an ordinary 村务公开 disclosure (drafted, reviewed by the 村监会, posted, corrected like any other), kind
``contract`` or ``evaluation``; its ``body`` reads as the notice in words and its ``table`` holds the contract or the
review as it stood when the disclosure was made, which is what ``services.notices.contract_notices`` prints. The contract
and the review keep the link (``disclosure_id``). Made again while still a draft, the content is refreshed; once
reviewed or posted it stays, and a change goes through 更正 in 三务公开.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from quzhou_desktop.core.dates import format_chinese_date
from quzhou_desktop.core.errors import NotFound, ValidationError
from quzhou_desktop.core.money import fen_to_upper, format_fen
from quzhou_desktop.services.contracts.query import contract_detail
from quzhou_desktop.services.disclosures.disclosure import DisclosureSpec, _apply, _clean
from quzhou_desktop.services.evaluations.query import evaluation_detail
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.settings import get_rules
from quzhou_desktop.store.models import Contract, Disclosure, Evaluation

__all__ = ["contract_table", "create_from_contract", "create_from_evaluation", "evaluation_table"]


def contract_table(ctx: AppContext, contract_id: str) -> tuple[str, str, dict[str, Any], str]:
    """(village id, title, table, body) of the 合同公开 of a contract as it stands."""
    d = contract_detail(ctx, contract_id)
    r = d.row
    parties = [{"kind": p.kind_label, "name": p.name, "id": p.id_shown} for p in d.parties]
    schedule = [[x.due_on.isoformat(), x.direction_label, x.amount_fen] for x in d.lines]
    table: dict[str, Any] = {
        "number": r.number,
        "title": r.title,
        "kind": r.kind_label,
        "parties": parties,
        "subject": "；".join(x for x in (r.asset_name, d.subject) if x),
        "amount_fen": r.amount_fen,
        "start": r.start_date.isoformat(),
        "end": r.end_date.isoformat(),
        "signed_on": d.signed_on.isoformat() if d.signed_on else "",
        "decision": d.decision_phrase,
        "deposits": [x.text for x in d.deposits],
        "schedule": schedule,
    }
    names = "、".join(p.name for p in d.parties)
    lines = [
        f"合同名称：{r.title}（编号{r.number}，{r.kind_label}）",
        f"乙方：{names}",
        f"标的：{table['subject'] or '见合同'}",
        f"合同金额：{format_fen(r.amount_fen)}（{fen_to_upper(r.amount_fen)}）",
        f"合同期限：{format_chinese_date(r.start_date)}至{format_chinese_date(r.end_date)}",
        f"决议依据：{d.decision_text or '无'}",
    ]
    if d.deposits:
        lines.append("保证金：" + "；".join(x.text for x in d.deposits))
    if d.lines:
        plan = [f"{x.due_on.isoformat()}{x.direction_label}{format_fen(x.amount_fen)}" for x in d.lines]
        lines.append("收付款计划：" + "；".join(plan))
    lines.append("如有异议，请在公开期内向村务监督委员会反映或投入公开栏旁意见箱。")
    return r.village_id, f"{r.village_name}关于《{r.title}》的合同公开", table, "\n".join(lines)


def evaluation_table(ctx: AppContext, evaluation_id: str) -> tuple[str, str, dict[str, Any], str]:
    """(village id, title, table, body) of the 民主评议结果公开 of a final review."""
    d = evaluation_detail(ctx, evaluation_id)
    if d.state != "final":
        raise ValidationError(field="民主评议", reason="评议记录定稿后才能公开评议结果")
    entries = [
        [e.name, e.role_text, e.votes.satisfied, e.votes.basically_satisfied, e.votes.dissatisfied,
         e.verdict_label, e.consequence]
        for e in d.entries
    ]  # fmt: skip
    table: dict[str, Any] = {
        "year": d.year,
        "held_on": d.held_on.isoformat(),
        "body": d.body_label,
        "chair": d.chair_name,
        "place": d.place,
        "participants": d.participants,
        "entries": entries,
    }
    lines = [
        f"{format_chinese_date(d.held_on)}，本村召开{d.body_label}，由村务监督委员会{d.chair_name}主持，"
        f"对村民委员会成员和村务监督委员会成员{d.year}年度履行职责情况进行民主评议。"
        + (f"参加评议{d.participants}人。" if d.participants else "")
    ]
    for name, role, sat, basic, dis, verdict, what in entries:
        lines.append(
            f"{name}（{role}）：满意{sat}票，基本满意{basic}票，不满意{dis}票，评议结果为{verdict}。{what}"
        )
    return d.village_id, f"{d.village_name}{d.year}年度民主评议结果公告", table, "\n".join(lines)


def _make(
    ctx: AppContext, kind: str, village_id: str, title: str, table: dict[str, Any], body: str, model: Any
) -> str:
    u = ctx.require(Perm.DISCLOSURE_EDIT, village_id)
    rules = get_rules(ctx, village_id)
    spec = _clean(DisclosureSpec(village_id=village_id, category="village", title=title, body=body, kind=kind,
                                 table=table))  # fmt: skip
    with ctx.write(f"disclosure.from_{kind}") as s:
        record = s.get(model, table["source_id"])
        if record is None:
            raise NotFound(what="所公开的记录")
        d = s.get(Disclosure, record.disclosure_id) if record.disclosure_id else None
        if d is not None and d.status in ("reviewed", "posted"):
            return d.id  # it stays as it was reviewed or posted: a change is a 更正 in 三务公开
        if d is None or d.status != "draft":
            d = Disclosure(created_by=u.id, status="draft")
        _apply(s, d, spec, rules)
        s.add(d)
        s.flush()
        record.disclosure_id = d.id
        return d.id


def create_from_contract(ctx: AppContext, contract_id: str) -> str:
    """The 合同公开 (a draft 村务公开) of a contract; returns the disclosure id."""
    village_id, title, table, body = contract_table(ctx, contract_id)
    return _make(ctx, "contract", village_id, title, {**table, "source_id": contract_id}, body, Contract)


def create_from_evaluation(ctx: AppContext, evaluation_id: str) -> str:
    """The 民主评议结果公开 (a draft 村务公开) of a final review; returns the disclosure id."""
    village_id, title, table, body = evaluation_table(ctx, evaluation_id)
    return _make(
        ctx, "evaluation", village_id, title, {**table, "source_id": evaluation_id}, body, Evaluation
    )


def linked(ctx: AppContext, disclosure_id: str) -> tuple[str, str] | None:
    """("contract" | "evaluation", record id) a disclosure was made from, None for others."""
    with ctx.read() as s:
        for kind, model in (("contract", Contract), ("evaluation", Evaluation)):
            rid = s.scalars(select(model.id).where(model.disclosure_id == disclosure_id)).first()
            if rid is not None:
                return kind, rid
    return None
