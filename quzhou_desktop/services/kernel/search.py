"""Text search in SQL: what a user types is searched for literally ("%" is a percent sign, "_" an underscore)."""

from __future__ import annotations

from typing import Any

ESCAPE = "\\"


def contains_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, its wildcards and the escape character escaped."""
    escaped = text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return f"%{escaped}%"


def contains(column: Any, pattern: str) -> Any:
    """``column LIKE pattern ESCAPE '\\'`` for a pattern made by ``contains_pattern``."""
    return column.like(pattern, escape=ESCAPE)
