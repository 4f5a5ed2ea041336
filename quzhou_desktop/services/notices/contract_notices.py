"""Printable 合同公开 and 民主评议结果公告, built from their 村务公开 disclosure (``services.disclosures.from_records``).

The notice prints what the disclosure holds — the contract or the review as it stood when the disclosure was made —
so the paper is a function of the record and ``verify_notice`` can rebuild it. The 成文日期 is the posting date,
else the day of the 村监会's review, else the day the disclosure was made.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from quzhou_desktop.core.dates import format_chinese_date
from quzhou_desktop.core.errors import NotFound
from quzhou_desktop.printing.records import ContractNotice, EvaluatedPerson, EvaluationNotice, ScheduleItem
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.notices.common import NoticeCache, feedback_text
from quzhou_desktop.store.models import Disclosure

SHANGHAI = dt.timedelta(hours=8)


def _load(ctx: AppContext, s: Any, disclosure_id: str, kind: str) -> tuple[Disclosure, dict[str, Any]]:
    d = s.get(Disclosure, disclosure_id)
    if d is None or d.kind != kind or not d.table_json:
        raise NotFound(what="这份" + ("合同公开" if kind == "contract" else "民主评议结果公开"))
    ctx.require_village(d.village_id)
    table: dict[str, Any] = json.loads(d.table_json)
    return d, table


def _date(d: Disclosure) -> dt.date:
    if d.posted_from is not None:
        return d.posted_from
    if d.reviewed_at is not None:
        return (d.reviewed_at + SHANGHAI).date()
    return (d.created_at + SHANGHAI).date()


def _review_line(s: Any, d: Disclosure) -> str:
    from quzhou_desktop.services.disclosures.disclosure import _reviewer_name, review_valid

    if not (d.status in ("reviewed", "posted", "superseded") and review_valid(d) and d.reviewed_at):
        return ""
    on = format_chinese_date((d.reviewed_at + SHANGHAI).date())
    return f"村务监督委员会审核意见：{d.review_opinion}　审核人：{_reviewer_name(s, d) or ''}　{on}"


def contract_notice(ctx: AppContext, disclosure_id: str, cache: NoticeCache | None = None) -> ContractNotice:
    cache = cache or NoticeCache()
    with ctx.read() as s:
        d, t = _load(ctx, s, disclosure_id, "contract")
        org = cache.org(s, d.village_id)
        on = _date(d)
        return ContractNotice(
            organisation=org.full,
            title=d.title,
            date=on,
            issuer=org.issuer,
            number=str(t["number"]),
            contract=str(t["title"]),
            contract_kind=str(t["kind"]),
            parties=tuple(f"{p['name']}（{p['kind']}）" for p in t["parties"]),
            subject=str(t["subject"]),
            fen=int(t["amount_fen"]),
            start=dt.date.fromisoformat(t["start"]),
            end=dt.date.fromisoformat(t["end"]),
            signed_on=dt.date.fromisoformat(t["signed_on"]) if t["signed_on"] else None,
            decision=str(t["decision"]),
            deposits=tuple(t["deposits"]),
            schedule=tuple(ScheduleItem(due_on=dt.date.fromisoformat(a), direction=b, fen=int(c))
                           for a, b, c in t["schedule"]),
            feedback=feedback_text(s, org, "村民对本合同如有异议", on=on, cache=cache),
            review=_review_line(s, d),
        )  # fmt: skip


def evaluation_notice(
    ctx: AppContext, disclosure_id: str, cache: NoticeCache | None = None
) -> EvaluationNotice:
    cache = cache or NoticeCache()
    with ctx.read() as s:
        d, t = _load(ctx, s, disclosure_id, "evaluation")
        org = cache.org(s, d.village_id)
        on = _date(d)
        people = tuple(
            EvaluatedPerson(name=n, office=o, satisfied=a, basically_satisfied=b, dissatisfied=c, verdict=v,
                            consequence=what)
            for n, o, a, b, c, v, what in t["entries"]
        )  # fmt: skip
        return EvaluationNotice(
            organisation=org.full,
            title=d.title,
            date=on,
            issuer=f"{org.village}村务监督委员会",
            year=int(t["year"]),
            held_on=dt.date.fromisoformat(t["held_on"]),
            body=str(t["body"]),
            chair=str(t["chair"]),
            place=str(t["place"] or ""),
            participants=t["participants"],
            people=people,
            feedback=feedback_text(s, org, "村民对评议结果如有意见", on=on, cache=cache),
        )
