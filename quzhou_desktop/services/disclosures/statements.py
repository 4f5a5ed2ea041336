"""What the 三务公开 signed acts vouch for, shared by signing and ``verify``.

- ``disclosure.review`` (C31, a 村监会 member): ``content`` is the disclosure as posted on the board — village,
  category, item, kind, period, title, body, the table (for 财务公开 every line with its amounts) and the
  totals; ``decision`` the review (reviewer, time, opinion). A later change of any content voids the review
  (the disclosure goes back to draft), so only the review a disclosure still names is compared.
- ``disclosure.post`` (the clerk): the same ``content``; ``decision`` where and from when to when it is posted,
  and the review act it relies on. A posted disclosure never changes.
"""

from __future__ import annotations

import json
from typing import Any

from quzhou_desktop.services.kernel.statements import json_object
from quzhou_desktop.store.models import Disclosure


def disclosure_content(d: Disclosure) -> dict[str, Any]:
    return json_object(
        {
            "id": d.id,
            "village_id": d.village_id,
            "category": d.category,
            "item_id": d.item_id,
            "kind": d.kind,
            "period_start": d.period_start,
            "period_end": d.period_end,
            "title": d.title,
            "body": d.body,
            "table": json.loads(d.table_json) if d.table_json else None,
            "total_income_fen": d.total_income_fen,
            "total_expense_fen": d.total_expense_fen,
            "matter_id": d.matter_id,
            "step_id": d.step_id,
            "supersedes_id": d.supersedes_id,
        }
    )


def review_decision(d: Disclosure) -> dict[str, Any]:
    return json_object(
        {
            "reviewed_by_person_id": d.reviewed_by_person_id,
            "reviewed_by_user": d.reviewed_by_user,
            "reviewed_at": d.reviewed_at,
            "opinion": d.review_opinion,
        }
    )


def post_decision(d: Disclosure) -> dict[str, Any]:
    return json_object(
        {
            "channels": d.channels,
            "posted_from": d.posted_from,
            "posted_to": d.posted_to,
            "review": d.review_signature,
        }
    )
