"""The catalogue of every rule the app checks: id, Chinese title, plain statement, legal source, settings.

Pure data, no I/O.  Developers and tests name rules by id ("C16"); users only ever see the title, the
statement and the source, e.g. "…，依据《中华人民共和国村民委员会组织法》第二十二条" (``with_basis``).
The entries live in one module per area; ``docs/RULES.md`` is generated from them
(``python scripts/gen_rules_doc.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from quzhou_desktop.core.rules import archives, disclosures, matters, meetings, money, printing, vouchers
from quzhou_desktop.core.rules.entry import Rule

__all__ = ["AREAS", "RULES", "Rule", "basis", "is_rule_id", "rule", "rules_for_setting", "with_basis"]

AREAS: tuple[tuple[str, tuple[Rule, ...]], ...] = (
    (meetings.AREA, meetings.RULES),
    (matters.AREA, matters.RULES),
    (vouchers.AREA, vouchers.RULES),
    (disclosures.AREA, disclosures.RULES),
    (money.AREA, money.RULES),
    (printing.AREA, printing.RULES),
    (archives.AREA, archives.RULES),
)
"""(Chinese area name, its rules) in the order the documentation shows them."""

_ID = re.compile(r"C(\d+)")


def _number(rule_id: str) -> int:
    m = _ID.fullmatch(rule_id)
    return int(m.group(1)) if m else 0


RULES: tuple[Rule, ...] = tuple(sorted((r for _, rs in AREAS for r in rs), key=lambda r: _number(r.id)))
_BY_ID = {r.id: r for r in RULES}


def is_rule_id(code: object) -> bool:
    """True for an id of the catalogue ("C1" … ), False for other error codes ("quorum", "validation")."""
    return isinstance(code, str) and code in _BY_ID


def rule(rule_id: str) -> Rule:
    """The entry for ``rule_id``; ``KeyError`` for an unknown id (a programming error)."""
    return _BY_ID[rule_id]


def rules_for_setting(key: str) -> tuple[Rule, ...]:
    """Rules whose outcome the township setting ``key`` changes."""
    return tuple(r for r in RULES if key in r.settings)


def basis(rule_ids: str | Iterable[str]) -> str:
    """The sources of one rule id or several as "依据…" (joined with "；", each once); "" for none."""
    ids = [rule_ids] if isinstance(rule_ids, str) else list(rule_ids)
    sources = list(dict.fromkeys(_BY_ID[i].source for i in ids if i in _BY_ID))
    return "依据" + "；".join(sources) if sources else ""


def with_basis(text: str, rule_ids: str | Iterable[str]) -> str:
    """``text`` followed by the legal source of its rule(s): "…，依据《…》第二十二条"."""
    cited = basis(rule_ids)
    if not cited:
        return text
    return f"{text.rstrip('。；，')}，{cited}"
