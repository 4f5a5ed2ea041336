"""What administrators' signed acts vouch for: an account with its role and villages, a village, the township and
its rules. One builder per record, shared by signing (``users``, ``settings``, ``trust``, ``roster.villages``)
and by ``verify`` (which rebuilds the content from the database and compares it with what was signed).

Every builder returns plain JSON values (``jsonable``): text, integers, booleans, None, lists, objects.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quzhou_desktop.services.kernel.site import SETTINGS_KEY, home_township
from quzhou_desktop.store.models import Township, UserAccount, UserVillage, Village


def jsonable(value: Any) -> Any:
    """A value as a statement holds it: times as ``YYYY-MM-DD HH:MM:SS.ffffff`` (UTC), dates ISO, bytes hex;
    mappings and sequences converted all the way down."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def json_object(values: Mapping[str, Any]) -> dict[str, Any]:
    """``jsonable`` for an object."""
    return {str(k): jsonable(v) for k, v in values.items()}


def active_village_ids(s: Session, user_id: str) -> list[str]:
    return sorted(
        s.scalars(
            select(UserVillage.village_id).where(UserVillage.user_id == user_id, UserVillage.active.is_(True))
        )
    )


def account_content(s: Session, acc: UserAccount) -> dict[str, Any]:
    """An account as an administrator grants it: name, role, linked person, active, and its villages."""
    return {
        "id": acc.id,
        "username": acc.username,
        "display_name": acc.display_name,
        "role": acc.role,
        "person_id": acc.person_id,
        "active": bool(acc.active),
        "villages": active_village_ids(s, acc.id),
    }


ACCOUNT_FIELDS = ("id", "username", "display_name", "role", "person_id", "active", "villages")


def village_content(v: Village) -> dict[str, Any]:
    return {
        "id": v.id,
        "name": v.name,
        "code": v.code,
        "households": v.households,
        "adults": v.adults,
        "finance_busy": bool(v.finance_busy),
        "active": bool(v.active),
    }


def township_content(t: Township) -> dict[str, Any]:
    """The township and its rule settings (as the settings tab saves them). The site's identity and keys, kept
    in the same JSON (``services.kernel.site``), are not an administrator's decision and are left out."""
    rules = json.loads(t.rules_json or "{}")
    if isinstance(rules, dict):
        rules.pop(SETTINGS_KEY, None)
    return {"id": t.id, "name": t.name, "code": t.code, "rules": rules}


def the_township(s: Session) -> Township | None:
    """This office's own township row (``site.home_township``): the one a county database's own acts name."""
    return home_township(s)


def villages_content(villages: Sequence[Village]) -> list[dict[str, Any]]:
    return [village_content(v) for v in sorted(villages, key=lambda v: v.id)]
