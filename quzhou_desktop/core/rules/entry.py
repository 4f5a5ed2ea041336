"""One catalogue entry."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """A rule as users read it.

    ``id`` is for developers and tests only ("C16"); ``title`` a short Chinese name; ``statement`` the rule in
    plain words; ``source`` what a clerk would quote after "依据" (a law and article, a standard and clause, or
    an honest "（地方做法）"/"通行做法"); ``settings`` the ``core.rules_config.FIELDS`` keys that change it;
    ``checked`` False for a rule listed for reference that the app does not check yet; ``note`` caveats about
    the source (article numbering, what is local practice).
    """

    id: str
    title: str
    statement: str
    source: str
    settings: tuple[str, ...] = ()
    checked: bool = True
    note: str = ""
