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
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.signatures import office_of, sign_act
from quzhou_desktop.services.kernel.site import home_township, keep_site
from quzhou_desktop.services.kernel.statements import township_content
from quzhou_desktop.store.models import Matter, Township, Village


def default_rules_json() -> str:
    return json.dumps(TownshipRules().to_dict(), ensure_ascii=False, sort_keys=True)


_RULES = "township_rules"  # Session.info: township id -> TownshipRules
_TOWNSHIP_OF = "village_township"  # Session.info: village id -> township id


def rules_of(t: Township | None) -> TownshipRules:
    """The rules a township row's settings hold (the defaults for none)."""
    return TownshipRules() if t is None else TownshipRules.from_dict(json.loads(t.rules_json or "{}"))


def rules_in(s: Session, village_id: str | None = None) -> TownshipRules:
    """The rules of ``village_id``'s township (None, or a village not found: this office's own township,
    ``home_township``), read in session ``s`` once per township (``Session.info``).

    A township or village database has one township, so every village has the same rules; a county database
    holds the rows of several townships, and each village is judged by its own township's settings."""
    towns: dict[str, str] = s.info.setdefault(_TOWNSHIP_OF, {})
    cache: dict[str | None, TownshipRules] = s.info.setdefault(_RULES, {})
    tid: str | None = None
    if village_id is not None:
        tid = towns.get(village_id)
        if tid is None:
            tid = s.scalar(select(Village.township_id).where(Village.id == village_id))
            if tid is not None:
                towns[village_id] = tid
    if tid is None:
        home = home_township(s)
        tid = None if home is None else home.id
    found = cache.get(tid)
    if found is None:
        found = cache[tid] = rules_of(None if tid is None else s.get(Township, tid))
    return found


def get_rules(ctx: AppContext, village_id: str | None = None) -> TownshipRules:
    """The rules of ``village_id``'s township, or of this office's own township when None (the settings page,
    registers over every village of a one-township database). Read once per township and session (inside
    ``ctx.snapshot()`` every panel shares them)."""
    with ctx.read() as s:
        return rules_in(s, village_id)


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
        t = home_township(s)
        if t is None:
            raise NotFound(what="乡镇信息")
        t.rules_json = keep_site(
            t.rules_json, json.dumps(rules.to_dict(), ensure_ascii=False, sort_keys=True)
        )
        _shift_matter_deadlines(s, t.id, old, rules)
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


def _shift_matter_deadlines(s: Session, township_id: str, old: TownshipRules, new: TownshipRules) -> None:
    """Matters in progress keep ``next_deadline`` = start of the wait + the period (``matters.common.due_of``):
    when a period changes, move their stored deadlines (of the township's own villages) by the difference,
    audited like any other change."""
    periods = ("resolution_disclosure_days", "result_disclosure_days", "stall_days")
    if all(getattr(old, k) == getattr(new, k) for k in periods):
        return
    rows = s.scalars(
        select(Matter)
        .join(Village, Village.id == Matter.village_id)
        .where(
            Village.township_id == township_id,
            Matter.status == "in_progress",
            Matter.next_deadline.is_not(None),
        )
    )
    for m in rows:
        key = _DEADLINE_KEYS.get(m.current_step or "", "stall_days")
        delta = getattr(new, key) - getattr(old, key)
        if delta and m.next_deadline is not None:
            m.next_deadline = m.next_deadline + timedelta(days=delta)
