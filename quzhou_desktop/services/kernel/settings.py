"""Township rule settings (the thresholds and periods of ``core.rules``), editable by an administrator: audited,
and a signed act (``settings.rules``) whose statement holds the whole set as saved.

The same JSON (``Township.rules_json``) also holds the site's identity and public keys under ``"site"``
(``services.kernel.site``); editing the rules keeps that entry as it is, and the signed statement leaves it out
(``services.kernel.statements.township_content``): the site's keys are vouched for by the anchors they sign."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quzhou_desktop.core.errors import NotFound
from quzhou_desktop.core.rules_config import TownshipRules
from quzhou_desktop.services.kernel import keys
from quzhou_desktop.services.kernel.context import AppContext, township_row
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.signatures import office_of, sign_act
from quzhou_desktop.services.kernel.site import keep_site
from quzhou_desktop.services.kernel.statements import township_content
from quzhou_desktop.store.models import Matter, Township


def default_rules_json() -> str:
    return json.dumps(TownshipRules().to_dict(), ensure_ascii=False, sort_keys=True)


def get_rules(ctx: AppContext) -> TownshipRules:
    """The township's rules; read once per session (inside ``ctx.snapshot()`` every panel shares one)."""
    with ctx.read() as s:
        cached = s.info.get("township_rules")
        if isinstance(cached, TownshipRules):
            return cached
        t = township_row(s)
        rules = TownshipRules() if t is None else TownshipRules.from_dict(json.loads(t.rules_json or "{}"))
        s.info["township_rules"] = rules
        return rules


def update_rules(ctx: AppContext, values: dict[str, Any], *, credential: keys.Credential) -> TownshipRules:
    """Replace the given keys (others keep their value). Validates the whole set before saving; signed with
    the administrator's ``credential`` (password or grant)."""
    me = ctx.require(Perm.SETTINGS_EDIT)
    old = get_rules(ctx)
    rules = TownshipRules.from_dict({**old.to_dict(), **values})
    rules.validate()
    signer = keys.signer_for(ctx, credential)
    now = ctx.clock.now()
    with ctx.write("settings.update_rules") as s:
        t = s.scalars(select(Township)).first()
        if t is None:
            raise NotFound(what="乡镇信息")
        t.rules_json = keep_site(
            t.rules_json, json.dumps(rules.to_dict(), ensure_ascii=False, sort_keys=True)
        )
        _shift_matter_deadlines(s, old, rules)
        s.flush()
        sign_act(
            s,
            signer,
            act="settings.rules",
            record_kind="township",
            record_id=t.id,
            record_version=t.row_version,
            content={"township": township_content(t)},
            office=office_of(s, me),
            at=now,
        )
    return rules


# The step a matter waits for after its last recorded step, where the overdue period depends on it (C41).
_DEADLINE_KEYS = {"resolve": "resolution_disclosure_days", "implement": "result_disclosure_days"}


def _shift_matter_deadlines(s: Session, old: TownshipRules, new: TownshipRules) -> None:
    """Matters in progress keep ``next_deadline`` = start of the wait + the period (``matters.common.due_of``):
    when a period changes, move their stored deadlines by the difference, audited like any other change."""
    periods = ("resolution_disclosure_days", "result_disclosure_days", "stall_days")
    if all(getattr(old, k) == getattr(new, k) for k in periods):
        return
    rows = s.scalars(select(Matter).where(Matter.status == "in_progress", Matter.next_deadline.is_not(None)))
    for m in rows:
        key = _DEADLINE_KEYS.get(m.current_step or "", "stall_days")
        delta = getattr(new, key) - getattr(old, key)
        if delta and m.next_deadline is not None:
            m.next_deadline = m.next_deadline + timedelta(days=delta)
