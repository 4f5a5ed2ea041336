"""Township rule settings (the thresholds and periods of ``core.rules``), editable by an administrator: audited,
and a signed act (``settings.rules``) whose statement holds the whole set as saved.

The same JSON (``Township.rules_json``) also holds the site's identity and public keys under ``"site"``
(``services.kernel.site``); editing the rules keeps that entry as it is, and the signed statement leaves it out
(``services.kernel.statements.township_content``): the site's keys are vouched for by the anchors they sign."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from quzhou_desktop.core.errors import NotFound
from quzhou_desktop.core.rules_config import TownshipRules
from quzhou_desktop.services.kernel import keys
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.signatures import office_of, sign_act
from quzhou_desktop.services.kernel.site import keep_site
from quzhou_desktop.services.kernel.statements import township_content
from quzhou_desktop.store.models import Township


def default_rules_json() -> str:
    return json.dumps(TownshipRules().to_dict(), ensure_ascii=False, sort_keys=True)


def get_rules(ctx: AppContext) -> TownshipRules:
    with ctx.read() as s:
        t = s.scalars(select(Township)).first()
        if t is None:
            return TownshipRules()
        return TownshipRules.from_dict(json.loads(t.rules_json or "{}"))


def update_rules(ctx: AppContext, values: dict[str, Any], *, credential: keys.Credential) -> TownshipRules:
    """Replace the given keys (others keep their value). Validates the whole set before saving; signed with
    the administrator's ``credential`` (password or grant)."""
    me = ctx.require(Perm.SETTINGS_EDIT)
    current = get_rules(ctx).to_dict()
    current.update(values)
    rules = TownshipRules.from_dict(current)
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
