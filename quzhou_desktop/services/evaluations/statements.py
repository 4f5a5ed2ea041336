"""What the 民主评议's 定稿 vouches for: the meeting (village, year, date, body, chair, place, participants) and
every person's votes, verdict and what followed (C22, C35). Shared by the signing (``finalize_evaluation``) and
by ``verify``, which rebuilds it from the database and compares it with what was signed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quzhou_desktop.services.kernel.statements import json_object
from quzhou_desktop.store.models import Evaluation, EvaluationEntry

__all__ = ["evaluation_content"]


def evaluation_content(s: Session, ev: Evaluation) -> dict[str, Any]:
    entries = s.scalars(
        select(EvaluationEntry)
        .where(EvaluationEntry.evaluation_id == ev.id, EvaluationEntry.active.is_(True))
        .order_by(EvaluationEntry.seq)
    )
    return json_object(
        {
            "id": ev.id,
            "village_id": ev.village_id,
            "year": ev.year,
            "held_on": ev.held_on,
            "body": ev.body,
            "chair_person_id": ev.chair_person_id,
            "place": ev.place,
            "participants": ev.participants,
            "note": ev.note,
            "state": ev.state,
            "finalized_at": ev.finalized_at,
            "finalized_by": ev.finalized_by,
            "entries": [
                json_object(
                    {
                        "seq": e.seq,
                        "person_id": e.person_id,
                        "office": e.office,
                        "role_text": e.role_text,
                        "satisfied": e.satisfied,
                        "basically_satisfied": e.basically_satisfied,
                        "dissatisfied": e.dissatisfied,
                        "verdict": e.verdict,
                        "office_ended": bool(e.office_ended),
                        "consequence": e.consequence,
                    }
                )
                for e in entries
            ],
        }
    )
