"""民主评议 against someone with the database file: a review made final behind the app (no electronic signature)
and a final review changed afterwards, each with the audit chain made to agree, are named by ``verify``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from quzhou_desktop.services.evaluations.evaluation import (
    EntryFields,
    EvaluationFields,
    finalize_evaluation,
    save_evaluation,
)
from quzhou_desktop.services.integrity import verify_db
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.models import Membership, Person
from tests.pg import target_of
from tests.services.integrity import attacker
from tests.support.world import PASSWORD, World

D = date.fromisoformat


@pytest.fixture
def draft(world: World) -> tuple[World, str, AppContext]:
    """溪口村's 2025 民主评议 saved as a draft by the clerk, chaired by the 村监会主任."""
    vid = world.village_ids[0]
    with world.admin.write("test.roster") as s:
        director, chair = Person(village_id=vid, name="李主任"), Person(village_id=vid, name="刘监委")
        s.add_all([director, chair])
        s.flush()
        start = D("2024-03-01")
        s.add_all([Membership(village_id=vid, person_id=director.id, body="village_committee", role="director",
                              start_date=start),
                   Membership(village_id=vid, person_id=chair.id, body="supervisory", role="chair",
                              start_date=start)])  # fmt: skip
        ids = director.id, chair.id
    clerk = world.new_user("wenshu", Role.CLERK, villages=[vid])
    fields = EvaluationFields(vid, 2025, D("2025-12-10"), "representatives", ids[1],
                              (EntryFields(ids[0], "village_committee", "村委会主任", 30, 6, 2),), participants=38)  # fmt: skip
    eid, _ = save_evaluation(clerk, fields)
    return world, eid, clerk


def _problems(path: Path | str) -> list[str]:
    db = Database(path)
    try:
        return [p.message for p in verify_db(db).problems]
    finally:
        db.dispose()


def _behind_the_app(world: World, eid: str, sets: str, action: str) -> list[str]:
    """Change the evaluation row behind the app (``sets``: sqlite3 on the file, or the server as its
    superuser), append a chained entry saying so, and verify."""
    path = target_of(world.db)
    assert _problems(path) == []
    world.db.dispose()
    con = attacker.connect(world.db)
    before = attacker.state(con, "evaluation", eid)
    con.execute(f"UPDATE evaluation SET {sets}, row_version = row_version + 1 WHERE id = ?", (eid,))
    attacker.append(con, action=action, entity="evaluation", entity_id=eid, before=before,
                    after=attacker.state(con, "evaluation", eid))  # fmt: skip
    attacker.close(con)
    return _problems(path)


def test_a_review_made_final_behind_the_app_is_named(draft: tuple[World, str, AppContext]) -> None:
    world, eid, _clerk = draft
    found = _behind_the_app(world, eid, "state = 'final'", "evaluation.finalize")
    assert "溪口村 2025年民主评议：信任根建立之后定稿，却没有电子签名" in found


def test_a_final_review_changed_afterwards_is_named(draft: tuple[World, str, AppContext]) -> None:
    world, eid, clerk = draft
    finalize_evaluation(clerk, eid, password=PASSWORD)
    found = _behind_the_app(world, eid, "participants = 60", "evaluation.update")
    assert "溪口村 2025年民主评议：已定稿的民主评议记录被改动" in found
