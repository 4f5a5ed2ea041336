"""What the 定稿 of a meeting or posting record vouches for (``matter.finalize``), shared by signing and
``verify``: the matter it belongs to, the step as recorded — body, dates, place, chair and recorder, the votes
and how they were cast, the counts from the roster, the outcome, the texts (plan, minutes, decision), the
posting — and every person's attendance. A final step never changes (a correction is a separate, audited
amendment), so ``verify`` compares the act with the step as it is. ``decision`` lists the scans attached at
定稿 (id and SHA-256): scans may be added later, but none of these may change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quzhou_desktop.services.kernel.statements import json_object
from quzhou_desktop.store.models import Attachment, Matter, MatterStep, StepAttendance

STEP_FIELDS = (
    "id", "matter_id", "seq", "step_type", "body", "meeting_date", "place", "notice_date", "urgent",
    "chair_person_id", "recorder_person_id", "roster_count", "entitled_count", "present_count",
    "households_count", "household_reps_present", "votes_for", "votes_against", "votes_abstain", "vote_method",
    "township_attendees", "plan_text", "minutes", "decision_text", "posting_from", "posting_to",
    "posting_place", "valid", "passed", "outcome_text", "finalized_at", "finalized_by",
)  # fmt: skip


def step_content(s: Session, row: MatterStep) -> dict[str, Any]:
    m = s.get(Matter, row.matter_id)
    attendance = s.execute(
        select(
            StepAttendance.person_id,
            StepAttendance.status,
            StepAttendance.reason,
            StepAttendance.party_status,
        )
        .where(StepAttendance.step_id == row.id, StepAttendance.status != "void")
        .order_by(StepAttendance.person_id)
    ).all()
    return json_object(
        {
            "matter": {
                "id": m.id if m else None,
                "village_id": m.village_id if m else None,
                "title": m.title if m else None,
                "category": m.category if m else None,
                "amount_fen": m.amount_fen if m else None,
                "run_no": m.run_no if m else None,
            },
            "step": {f: getattr(row, f) for f in STEP_FIELDS},
            "attendance": [list(a) for a in attendance],
        }
    )


def step_scans(s: Session, step_id: str) -> list[list[str]]:
    return [
        [a_id, sha]
        for a_id, sha in s.execute(
            select(Attachment.id, Attachment.sha256)
            .where(Attachment.owner_kind == "matter_step", Attachment.owner_id == step_id)
            .order_by(Attachment.id)
        )
    ]
