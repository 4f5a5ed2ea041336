"""五议两公开 matters for one village and year: the steps with dates, rosters, attendance counts and votes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from benchmarks.gen import disclosures, vocab
from benchmarks.gen.common import Gen, VillageData, add_days, at, row

MEETINGS = {"propose": "branch", "consult": "joint", "deliberate": "party", "resolve": "representatives"}
LABEL = {
    "branch": "村党组织会议",
    "joint": "村务联席会议",
    "party": "党员大会",
    "representatives": "村民代表会议",
}


@dataclass(frozen=True)
class Resolution:
    """A passed 决议 a large voucher can cite (C16)."""

    on: date
    step_id: str
    title: str


def _entitled(v: VillageData, body: str) -> int:
    if body == "branch":
        return len(v.branch)
    if body == "joint":
        return len(set(v.branch) | set(v.committee))
    if body == "party":
        return v.party_count
    return v.reps_count + len(v.committee)


def build_year(g: Gen, v: VillageData, year: int) -> list[Resolution]:
    """Insert this village's matters created in ``year``; return the passed resolutions (for vouchers)."""
    rng = g.rng
    n = max(1, round(g.scale.matters * v.weight / g.scale.years))
    last = g.year_end(year)
    span = (last - date(year, 1, 1)).days
    out: list[Resolution] = []
    for _ in range(n):
        d0 = add_days(date(year, 1, 1), rng.randint(0, span))
        out.extend(_matter(g, v, d0))
    return out


def _matter(g: Gen, v: VillageData, d0: date) -> list[Resolution]:
    rng, w = g.rng, g.writer
    category, pattern, lo, hi = rng.choice(vocab.MATTER_TEMPLATES)
    title = pattern.format(nv=rng.choice(vocab.NATURAL_VILLAGES), year=d0.year)
    amount = rng.randint(lo // 100, hi // 100) * 100 if hi else None
    fate = rng.random()  # < 0.03 fails at the vote, < 0.04 withdrawn after consultation
    m = row(
        "matter",
        rng,
        at(d0, rng.randint(8, 17), rng.randint(0, 59)),
        village_id=v.id,
        title=title,
        category=category,
        amount_fen=amount,
        source=rng.choice(vocab.SUGGESTERS),
        suggested_by=v.names[rng.choice(v.people)] if rng.random() < 0.4 else None,
        description=f"{title}，预计投入{amount // 100 if amount else 0}元，按五议两公开程序办理。",
        year=d0.year,
        status="in_progress",
        run_no=1,
        created_by=v.users["clerk"],
    )
    plan = [("propose", 0), ("consult", rng.randint(3, 12))]
    if rng.random() < 0.3:
        plan.append(("plan_posting", rng.randint(1, 3)))
    plan += [("deliberate", rng.randint(3, 10)), ("resolve", rng.randint(2, 8)), ("resolution_disclosure", 1),
             ("implement", rng.randint(20, 150)), ("result_disclosure", rng.randint(3, 25))]  # fmt: skip
    steps: list[dict[str, object]] = []
    resolutions: list[Resolution] = []
    day, status, current = d0, "completed", None
    for seq, (kind, gap) in enumerate(plan, 1):
        day = add_days(day, gap)
        if day > g.as_of:
            status = "in_progress"
            break
        if fate < 0.04 and fate >= 0.03 and kind == "deliberate":
            status = "withdrawn"
            break
        st = _step(g, v, m["id"], seq, kind, day, failed=fate < 0.03 and kind == "resolve")
        steps.append(st)
        current = kind
        if kind == "resolve":
            if not st["passed"]:
                status = "failed"
                break
            resolutions.append(Resolution(day, st["id"], title))  # type: ignore[arg-type]
        if kind.endswith("posting") or kind.endswith("disclosure"):
            day = st["posting_to"]  # type: ignore[assignment]
    m["status"], m["current_step"] = status, current
    if status == "in_progress":
        m["next_due_date"] = add_days(day, 1)
        m["next_deadline"] = add_days(
            day, 1 if current == "resolve" else 30 if current == "implement" else 90
        )
    w.add("matter", m)
    w.extend("matter_step", steps)
    disclosures.from_matter(g, v, m, steps)
    return resolutions


def _step(
    g: Gen, v: VillageData, matter_id: str, seq: int, kind: str, day: date, *, failed: bool
) -> dict[str, object]:
    rng = g.rng
    o = v.officers
    values: dict[str, object] = {"matter_id": matter_id, "seq": seq, "step_type": kind, "state": "final", "valid": True,
                                 "finalized_at": at(day, 17, rng.randint(0, 59)), "finalized_by": v.users["clerk"]}  # fmt: skip
    body = MEETINGS.get(kind)
    if body is not None:
        entitled = max(_entitled(v, body), 1)
        present = max(entitled - rng.randint(0, max(1, entitled // 8)), entitled // 2 + 1)
        values.update(
            body=body,
            meeting_date=day,
            place=rng.choice(vocab.PLACES),
            notice_date=add_days(day, -rng.randint(2, 5)),
            chair_person_id=o["director"] if body == "representatives" else o["secretary"],
            recorder_person_id=o["clerk"],
            roster_count=entitled,
            entitled_count=entitled,
            present_count=present,
            minutes=f"{LABEL[body]}应到{entitled}人，实到{present}人。会议讨论了事项的必要性、资金来源和实施方式。",
        )
        if kind in ("deliberate", "resolve"):
            against = rng.randint(0, max(0, present // 10))
            abstain = rng.randint(0, max(0, present // 15))
            yes = present - against - abstain
            if failed:
                yes, against = present // 3, present - present // 3 - abstain
            values.update(votes_for=yes, votes_against=against, votes_abstain=abstain,
                          vote_method="无记名" if rng.random() < 0.2 else "举手", passed=2 * yes > present)  # fmt: skip
        else:
            values["passed"] = True
        if kind == "resolve":
            values["decision_text"] = (
                "同意实施，由村民委员会组织，村务监督委员会全程监督。" if values["passed"] else None
            )
            values["township_attendees"] = "镇联村干部" if rng.random() < 0.5 else None
        if kind == "consult":
            values["plan_text"] = "（一）建设内容；（二）资金预算；（三）实施方式：委托镇招投标中心组织比选。"
    elif kind == "implement":
        values.update(
            meeting_date=day, outcome_text="工程已完工，经镇村建办、村务监督委员会和村民代表验收合格。"
        )
    else:
        values.update(posting_from=day, posting_to=add_days(day, rng.randint(5, 7)),
                      posting_place=rng.choice(vocab.POSTING_PLACES))  # fmt: skip
    return row("matter_step", rng, at(day, 16, rng.randint(0, 59)), **values)
