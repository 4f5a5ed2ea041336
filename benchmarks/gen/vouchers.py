"""Vouchers with their 先审后签 trail (signed events), ledger lines and signed monthly reviews for a village-year.

Event signatures and monthly-review signatures are computed with the services' own hash functions, so the
generated trails verify like real ones.
"""

from __future__ import annotations

import bisect
import json
from collections import defaultdict
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from benchmarks.gen import vocab
from benchmarks.gen.common import Gen, VillageData, add_days, at, row
from benchmarks.gen.matters import Resolution
from quzhou_desktop.services.vouchers.common import CONTENT_FIELDS, _digest, _norm, event_signature
from quzhou_desktop.services.vouchers.monthly import review_signature

LARGE_FEN = 5_000_000  # vouchers from 5万元 cite a 决议 (C16, example tier)


def content_hash(v: dict[str, Any]) -> str:
    """``services.vouchers.common.content_hash`` for a row without scans (the generator attaches none)."""
    payload = {f: _norm(v[f]) for f in CONTENT_FIELDS}
    payload["scans"] = []
    return _digest(payload)


def build_year(
    g: Gen, v: VillageData, year: int, resolutions: list[Resolution]
) -> dict[tuple[int, int], list[int]]:
    """Insert the year's vouchers, events, ledger lines and monthly reviews.

    Returns ``{(year, month): [income, expense]}`` in 分 for the finance disclosures."""
    rng = g.rng
    last = g.year_end(year)
    span = (last - date(year, 1, 1)).days
    n = max(1, round(g.scale.vouchers * v.weight / g.scale.years))
    days = sorted(add_days(date(year, 1, 1), rng.randint(0, span)) for _ in range(n))
    res_days = [r.on for r in resolutions]
    by_month: dict[int, list[dict[str, Any]]] = defaultdict(list)
    totals: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for k, d in enumerate(days, 1):
        vo = _voucher(g, v, year, k, d, resolutions, res_days)
        by_month[d.month].append(vo)
        if rng.random() < 0.85:
            _ledger_expense(g, v, vo)
            totals[(year, d.month)][1] += vo["amount_fen"]
    n_income = max(1, round(g.scale.ledger_lines * v.weight / g.scale.years) - round(n * 0.85))
    for _ in range(n_income):
        d = add_days(date(year, 1, 1), rng.randint(0, span))
        summary, subject, party, lo, hi = rng.choice(vocab.LEDGER_INCOME)
        fen = rng.randint(lo // 100, hi // 100) * 100
        totals[(year, d.month)][0] += fen
        g.writer.add("ledger_line", row("ledger_line", rng, at(d, 15), village_id=v.id, entry_date=d, summary=summary,
                                        subject=subject, income_fen=fen, expense_fen=0,
                                        counterparty=party or v.names[rng.choice(v.people)]))  # fmt: skip
    for month, vouchers in sorted(by_month.items()):
        _monthly_review(g, v, year, month, vouchers)
    return totals


def _voucher(g: Gen, v: VillageData, year: int, k: int, d: date, resolutions: list[Resolution],
             res_days: list[date]) -> dict[str, Any]:  # fmt: skip
    rng = g.rng
    pattern, lo, hi = rng.choice(vocab.VOUCHER_PURPOSES)
    amount = rng.randint(lo, hi)
    if rng.random() < 0.6:
        amount = amount // 100 * 100  # most amounts are whole 元
    decision_id = decision_ref = None
    if amount >= LARGE_FEN:
        i = bisect.bisect_right(res_days, d)
        if i:
            r = resolutions[rng.randrange(max(0, i - 5), i)]
            decision_id, decision_ref = r.step_id, f"{r.on:%Y年%m月%d日}村民代表会议决议（{r.title}）"
    handler = v.officers["clerk"]
    payee_person = rng.random() < 0.3
    payee_pid = rng.choice(v.people) if payee_person else None
    submitted = at(d, rng.randint(9, 17), rng.randint(0, 59))
    vo = row(
        "voucher", rng, submitted - timedelta(hours=1),
        village_id=v.id, year=year, number=f"记-{k:04d}", version=1, voucher_date=d,
        handler_name=v.names[handler], handler_person_id=handler,
        witness_name=v.names[v.committee[2]], payee=v.names[payee_pid] if payee_pid else rng.choice(vocab.PAYEES),
        payee_person_id=payee_pid, purpose=pattern.format(nv=rng.choice(vocab.NATURAL_VILLAGES)),
        amount_fen=amount, funding_source=rng.choice(vocab.FUND_SOURCES), budget_line=rng.choice(vocab.BUDGET_LINES),
        invoice_count=rng.randint(1, 6), decision_ref=decision_ref, decision_step_id=decision_id,
        submitted_at=submitted, status="submitted", prepared_by=v.users["clerk"],
    )  # fmt: skip
    g.writer.add("voucher", vo)
    _trail(g, v, vo, d)
    return vo


def _trail(g: Gen, v: VillageData, vo: dict[str, Any], d: date) -> None:
    """Review (sometimes 补正 first), then the director's and the secretary's signatures, up to ``as_of``."""
    rng, w = g.rng, g.writer
    limit = at(g.as_of, 23, 59)
    review_day = add_days(date(d.year + (d.month == 12), d.month % 12 + 1, 1), rng.randint(0, 8))
    t = at(review_day, rng.randint(9, 11), rng.randint(0, 59))
    o, names = v.officers, v.names
    steps: list[tuple[str, str | None, str | None, str, str]] = []
    if rng.random() < 0.02:
        steps.append(("review", "correct", vocab.CORRECTION_TEXT, o["sup_chair"], "supervisor_chair"))
    steps += [("review", "agree", rng.choice(vocab.REVIEW_OPINIONS), o["sup_chair"], "supervisor_chair"),
              ("sign_director", None, None, o["director"], "director"),
              ("sign_secretary", None, None, o["secretary"], "secretary")]  # fmt: skip
    content = content_hash(vo)
    previous: str | None = None
    status = "submitted"
    for kind, opinion, text, pid, role in steps:
        if t > limit:
            break
        key = {"supervisor_chair": "sup_chair"}.get(role, role)
        e = row("voucher_event", rng, t, voucher_id=vo["id"], village_id=vo["village_id"], kind=kind, opinion=opinion, text=text,
                user_id=v.users[key], person_id=pid, actor_name=names[pid], actor_role=role, at=t)  # fmt: skip
        e["signature"] = previous = event_signature(content, SimpleNamespace(**e), previous)  # type: ignore[arg-type]
        w.add("voucher_event", e)
        status = {"review": "reviewed" if opinion == "agree" else "needs_correction",
                  "sign_director": "director_signed", "sign_secretary": "secretary_signed"}[kind]  # fmt: skip
        t += timedelta(days=rng.choice((0, 1, 1, 2, 3, 7)), hours=rng.randint(1, 5))
    vo["status"] = status


def _ledger_expense(g: Gen, v: VillageData, vo: dict[str, Any]) -> None:
    d = add_days(vo["voucher_date"], g.rng.randint(10, 40))
    g.writer.add("ledger_line", row("ledger_line", g.rng, at(d, 14), village_id=v.id, entry_date=d,
                                    voucher_no=vo["number"], summary=vo["purpose"], subject=vo["budget_line"],
                                    income_fen=0, expense_fen=vo["amount_fen"], counterparty=vo["payee"][:100]))  # fmt: skip


def _monthly_review(g: Gen, v: VillageData, year: int, month: int, vouchers: list[dict[str, Any]]) -> None:
    rng = g.rng
    meeting = add_days(date(year + (month == 12), month % 12 + 1, 1), rng.randint(0, 6))
    if meeting > g.as_of:
        return
    signed_at: datetime = at(meeting, 16, rng.randint(0, 59))
    locked = (g.as_of - meeting).days > 45
    attendees = list(v.supervisory)
    r = row("monthly_review", rng, at(meeting, 9), village_id=v.id, year=year, month=month, meeting_date=meeting,
            place=rng.choice(vocab.PLACES), attendee_ids_json=json.dumps(attendees),
            voucher_count=len(vouchers), total_fen=sum(x["amount_fen"] for x in vouchers), item_opinions_json="{}",
            overall_opinion="本月凭证票据齐全、手续完备，同意。", open_items=None, state="signed", signed_at=signed_at,
            signed_by=v.users["sup_chair"], locked=locked, locked_at=signed_at + timedelta(days=3) if locked else None,
            lock_reason="月度审核已完成" if locked else None)  # fmt: skip
    ordered = sorted(vouchers, key=lambda x: (x["voucher_date"], x["number"]))
    r["signature"] = review_signature(SimpleNamespace(**r), [SimpleNamespace(**x) for x in ordered])  # type: ignore[arg-type]
    g.writer.add("monthly_review", r)
