"""The ``town``: the demo township's rosters (four villages with full 两委, 党员, 村民代表 and 村监会 rosters) in
an in-memory database, a clerk of 溪口村 logged in, and helpers that record 五议两公开 steps which satisfy every rule.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from quzhou_desktop.services.demo import DemoState, rosters
from quzhou_desktop.services.demo.state import DEMO_PASSWORD as PASSWORD
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.matters import matter as M
from quzhou_desktop.services.matters import steps as S
from quzhou_desktop.services.matters.common import StepView
from quzhou_desktop.store.db import Database
from tests.support.world import FixedClock

TODAY = date(2026, 11, 25)
D0 = date(2026, 9, 1)  # a matter's first meeting; rosters run from 2025-03-01


@dataclass
class MattersTown:
    state: DemoState
    clerk: AppContext  # wenshu, clerk of the demo village
    vid: str  # 溪口村
    people: dict[str, Any]  # 溪口村's roster: "secretary", "committee", … (see services.demo.rosters)

    def login(self, username: str) -> AppContext:
        return self.state.login(username)


def make_matters_town() -> MattersTown:
    ctx = AppContext(Database(None), clock=FixedClock.on(TODAY))
    state = DemoState(ctx=ctx, rng=random.Random(7), today=TODAY)
    rosters.build(state)
    vid = state.village_ids[0]
    return MattersTown(state, state.login("wenshu"), vid, state.people[vid])


def new_matter(
    town: MattersTown, category: str = "public_welfare", title: str = "村道硬化工程"
) -> M.MatterRow:
    return M.create_matter(
        town.clerk,
        M.MatterFields(
            village_id=town.vid, title=title, category=category, source="村干部提议", amount_fen=12_000_000
        ),
    )


def meeting(
    town: MattersTown, step: str, body: str, on: date, *, absent: int = 0, yes: int | None = None, **kw: Any
) -> S.StepInput:
    """Everyone on the roster present except the first ``absent``; all voting present vote yes unless ``yes``."""
    roster = S.meeting_roster(town.clerk, town.vid, body, on)
    att = tuple(
        S.AttendanceEntry(e.person_id, "absent" if i < absent else "present")
        for i, e in enumerate(roster.entries)
    )
    voting_present = sum(1 for i, e in enumerate(roster.entries) if i >= absent and e.votes)
    y = voting_present if yes is None else yes
    return S.StepInput(
        step,
        body=body,
        meeting_date=on,
        place="村委会会议室",
        chair_person_id=town.people["secretary"],
        recorder_person_id=town.people["committee"][2],
        attendance=att,
        votes_for=y,
        votes_against=voting_present - y,
        votes_abstain=0,
        vote_method="举手",
        plan_text="方案全文",
        decision_text="同意方案",
        **kw,
    )


def posting(step: str, start: date, end: date, **kw: Any) -> S.StepInput:
    return S.StepInput(
        step,
        posting_from=start,
        posting_to=end,
        posting_place="村务公开栏",
        plan_text="方案",
        decision_text="决议内容",
        **kw,
    )


def run_to(town: MattersTown, matter_id: str, upto: str) -> dict[str, StepView]:
    """Record the default sequence (propose … ``upto``) with dates that satisfy every rule."""
    plan: list[tuple[str, Callable[[], S.StepInput]]] = [
        ("propose", lambda: meeting(town, "propose", "branch", D0)),
        ("consult", lambda: meeting(town, "consult", "joint", D0 + timedelta(3))),
        ("plan_posting", lambda: posting("plan_posting", D0 + timedelta(4), D0 + timedelta(20))),
        ("deliberate", lambda: meeting(town, "deliberate", "party", D0 + timedelta(20))),
        (
            "resolve",
            lambda: meeting(
                town, "resolve", "representatives", D0 + timedelta(23), notice_date=D0 + timedelta(20)
            ),
        ),
        (
            "resolution_disclosure",
            lambda: posting("resolution_disclosure", D0 + timedelta(24), D0 + timedelta(28)),
        ),
        (
            "implement",
            lambda: S.StepInput("implement", meeting_date=D0 + timedelta(50), minutes="已完工验收"),
        ),
        ("result_disclosure", lambda: posting("result_disclosure", D0 + timedelta(52), D0 + timedelta(60))),
    ]
    out = {}
    for key, make in plan:
        out[key] = S.save_step(town.clerk, matter_id, make(), final=True, password=PASSWORD)
        if key == upto:
            break
    return out
