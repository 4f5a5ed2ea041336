"""Township rule settings (the thresholds and periods of ``core.rules``), editable by an administrator, audited.

The same JSON (``Township.rules_json``) also holds the site's identity and public keys under ``"site"``
(``services.kernel.site``); editing the rules keeps that entry as it is."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from quzhou_desktop.core.errors import NotFound
from quzhou_desktop.core.rules_config import TownshipRules
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.site import keep_site
from quzhou_desktop.store.models import Township


def default_rules_json() -> str:
    return json.dumps(TownshipRules().to_dict(), ensure_ascii=False, sort_keys=True)


def get_rules(ctx: AppContext) -> TownshipRules:
    with ctx.read() as s:
        t = s.scalars(select(Township)).first()
        if t is None:
            return TownshipRules()
        return TownshipRules.from_dict(json.loads(t.rules_json or "{}"))


def update_rules(ctx: AppContext, values: dict[str, Any]) -> TownshipRules:
    """Replace the given keys (others keep their value). Validates the whole set before saving."""
    ctx.require(Perm.SETTINGS_EDIT)
    current = get_rules(ctx).to_dict()
    current.update(values)
    rules = TownshipRules.from_dict(current)
    rules.validate()
    with ctx.write("settings.update_rules") as s:
        t = s.scalars(select(Township)).first()
        if t is None:
            raise NotFound(what="乡镇信息")
        t.rules_json = keep_site(
            t.rules_json, json.dumps(rules.to_dict(), ensure_ascii=False, sort_keys=True)
        )
    return rules
