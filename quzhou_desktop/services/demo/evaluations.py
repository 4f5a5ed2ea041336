"""Demo step 60: two years of 民主评议, through the real services.

The first village's 村委会 and 村监会 also served the term before this one (re-elected), so it holds the reviews of
the last two Decembers; one 村委会 member is found 不称职 both times, and the second review ends her office (C22)
— the by-election is then due on the 工作台. The second and third villages reviewed last year; the fourth and fifth
did not (C35 lists them).
"""

from __future__ import annotations

from datetime import date, timedelta

from quzhou_desktop.services.demo.state import DEMO_PASSWORD, DemoState
from quzhou_desktop.services.disclosures.disclosure import post_disclosure
from quzhou_desktop.services.disclosures.from_records import create_from_evaluation
from quzhou_desktop.services.evaluations.evaluation import (
    EntryFields,
    EvaluationFields,
    finalize_evaluation,
    save_evaluation,
)
from quzhou_desktop.services.evaluations.query import candidates
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.roster.people import add_membership, person_memberships

PLACE = "村委会二楼会议室"


def _december(today: date, back: int) -> date:
    """The 10 December ``back`` reviews ago (0: the last one before today)."""
    last = date(today.year, 12, 10)
    if last >= today:
        last = date(today.year - 1, 12, 10)
    return date(last.year - back, 12, 10)


def build(state: DemoState) -> None:
    admin = state.login("admin")
    today = state.today
    v1 = state.village_ids[0]
    _previous_term(state, admin, v1, _december(today, 1))
    bad = str(state.people[v1]["committee"][3])
    for back in (1, 0):
        _review(state, admin, v1, _december(today, back), bad=bad)
    for vid in state.village_ids[1:3]:
        _review(state, admin, vid, _december(today, 0), bad=None)


def _previous_term(state: DemoState, admin: AppContext, vid: str, since: date) -> None:
    """The term before this one for the 村委会 and the 村监会 (the same people, re-elected)."""
    people = state.people[vid]
    term_start = min(m.start_date for pid in people["committee"] for m in person_memberships(admin, str(pid)))
    start = min(since, term_start) - timedelta(days=3 * 365)
    for body, key in (("village_committee", "committee"), ("supervisory", "supervisory")):
        for k, pid in enumerate(people[key]):
            if body == "village_committee":
                role = "director" if k == 0 else ("deputy_director" if k == 1 else "member")
            else:
                role = "chair" if k == 0 else "member"
            add_membership(admin, str(pid), body=body, role=role, start_date=start,
                           end_date=term_start - timedelta(days=1))  # fmt: skip


def _review(state: DemoState, admin: AppContext, vid: str, held_on: date, *, bad: str | None) -> None:
    rng = state.rng
    participants = len(state.people[vid]["reps"]) + 5
    entries = []
    for c in candidates(admin, vid, held_on):
        if c.person_id == bad:
            dissatisfied = participants // 2 + rng.randint(2, 6)
            basic = rng.randint(3, participants - dissatisfied - 2)
            votes = (participants - dissatisfied - basic, basic, dissatisfied)
        else:
            satisfied = participants * rng.randint(62, 90) // 100
            dissatisfied = rng.randint(0, 3)
            votes = (satisfied, participants - satisfied - dissatisfied, dissatisfied)
        entries.append(EntryFields(c.person_id, c.office, c.role_text, *votes))
    chair = str(state.people[vid]["supervisory_chair"])
    fields = EvaluationFields(vid, held_on.year, held_on, "representatives", chair, tuple(entries), place=PLACE,
                              participants=participants)  # fmt: skip
    eid, _ = save_evaluation(admin, fields)
    finalize_evaluation(admin, eid, password=DEMO_PASSWORD)
    posted = min(
        state.today, held_on + timedelta(days=2)
    )  # the result notice on the board (民主评议结果公开)
    post_disclosure(admin, create_from_evaluation(admin, eid), channels=("公开栏",), posted_from=posted,
                    posted_to=posted + timedelta(days=7), password=DEMO_PASSWORD)  # fmt: skip
