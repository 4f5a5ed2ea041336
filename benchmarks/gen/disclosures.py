"""三务公开 for a village-year: finance postings reviewed by the 村监会 (C31), party/village affairs, the
决议公开 and 实施结果公开 of the register's matters, and villagers' feedback with replies (C23)."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from benchmarks.gen import vocab
from benchmarks.gen.common import Gen, VillageData, add_days, at, row
from quzhou_desktop.services.disclosures.disclosure import content_hash


def _period_end(start: date, months: int) -> date:
    y, m = start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1
    return date(y, m, 1) - timedelta(days=1)


def build_year(g: Gen, v: VillageData, year: int, totals: dict[tuple[int, int], list[int]]) -> None:
    rng = g.rng
    months = 1 if v.finance_busy else 3
    for m0 in range(1, 13, months):
        start = date(year, m0, 1)
        end = _period_end(start, months)
        posted = add_days(end, rng.randint(3, 10))
        if posted > g.as_of:
            break
        inc = sum(totals.get((year, m), [0, 0])[0] for m in range(m0, m0 + months))
        exp = sum(totals.get((year, m), [0, 0])[1] for m in range(m0, m0 + months))
        label = f"{year}年{m0}月" if months == 1 else f"{year}年第{(m0 + 2) // 3}季度"
        _add(g, v, category="finance", kind="finance_period", item=g.items["finance:monthly"], start=start, end=end,
             due=add_days(end, 15), title=f"{v.name}{label}财务公开表", body=f"{label}收支情况，详见附表。",
             income=inc, expense=exp, posted=posted, review=True)  # fmt: skip
    for q in range(1, 5):
        start = date(year, 3 * q - 2, 1)
        end = _period_end(start, 3)
        posted = add_days(end, rng.randint(2, 12))
        if posted > g.as_of:
            break
        for cat, pattern in vocab.DISCLOSURE_GENERAL:
            _add(g, v, category=cat, kind="general", item=g.items[f"{cat}:quarterly"], start=start, end=end,
                 due=add_days(end, 15), title=v.name + pattern.format(year=year, q=q), body="详见公开栏。",
                 posted=posted)  # fmt: skip


def from_matter(g: Gen, v: VillageData, matter: dict[str, Any], steps: list[dict[str, Any]]) -> None:
    """决议公开 and 实施结果公开 postings made from the register's disclosure steps."""
    for st in steps:
        kind = {"resolution_disclosure": "resolution", "result_disclosure": "result"}.get(st["step_type"])
        if kind is None:
            continue
        what = "决议" if kind == "resolution" else "实施结果"
        _add(g, v, category="village", kind=kind, item=g.items["village:immediate"], start=None, end=None,
             due=st["posting_from"], title=f"{v.name}关于{matter['title']}的{what}公告",
             body=f"{matter['title']}{what}公开。", posted=st["posting_from"], until=st["posting_to"],
             matter_id=matter["id"], step_id=st["id"])  # fmt: skip


def _add(g: Gen, v: VillageData, *, category: str, kind: str, item: str, start: date | None, end: date | None,
         due: date, title: str, body: str, posted: date, until: date | None = None, income: int | None = None,
         expense: int | None = None, review: bool = False, matter_id: str | None = None,
         step_id: str | None = None) -> None:  # fmt: skip
    rng = g.rng
    d = row("disclosure", rng, at(add_days(posted, -2), 10), village_id=v.id, category=category, item_id=item,
            kind=kind, period_start=start, period_end=end, due_on=due, title=title, body=body,
            total_income_fen=income, total_expense_fen=expense, channels="公开栏", posted_from=posted,
            posted_to=until or add_days(posted, 30), status="posted", matter_id=matter_id, step_id=step_id,
            created_by=v.users["clerk"])  # fmt: skip
    if review:
        when = at(add_days(posted, -1), 15, rng.randint(0, 59))
        opinion = "经审核，收支真实、合规，同意公开。"
        d.update(reviewed_by_person_id=v.officers["sup_chair"], reviewed_by_user=v.users["sup_chair"],
                 reviewed_at=when, review_opinion=opinion)  # fmt: skip
        payload = f"{content_hash(SimpleNamespace(**d))}|{d['reviewed_by_user']}|{when.isoformat()}|{opinion}"  # type: ignore[arg-type]
        d["review_signature"] = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    g.writer.add("disclosure", d)
    if rng.random() < 0.05:
        received = add_days(posted, rng.randint(0, 6))
        fb_kind, pattern = rng.choice(vocab.FEEDBACK)
        replied = add_days(received, rng.randint(1, 12))
        answered = replied <= g.as_of
        g.writer.add("disclosure_feedback", row(
            "disclosure_feedback", rng, at(received, 11), disclosure_id=d["id"], received_on=received,
            from_name=v.names[rng.choice(v.people)] if rng.random() < 0.7 else None,
            channel=rng.choice(vocab.FEEDBACK_CHANNELS), kind=fb_kind, content=pattern.format(what=title[:20]),
            reply=rng.choice(vocab.REPLIES) if answered else None, replied_on=replied if answered else None,
            replied_by=v.users["clerk"] if answered else None,
        ))  # fmt: skip
