"""Recognising 合计 / 小计 / 本月合计 / 本年累计 rows (checked against the rows above, never imported)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

TOTAL = re.compile(r"\s*(本\s*[页月期年季]|全\s*年|总)?\s*([合总小累])\s*计\s*(?:金\s*额|数)?\s*[:：]?\s*")


def _total_labels() -> frozenset[str]:
    words = ["合计", "总计", "小计", "累计", "总合计"]
    words += [
        p + w for p in ("本页", "本月", "本期", "本年", "本季", "全年") for w in ("合计", "累计", "小计")
    ]
    out: set[str] = set()
    for w in words:
        for inner in ("", " ", "  ", "\u3000"):
            spaced = inner.join(w) if len(w) == 2 else w
            for tail in ("", ":", "："):
                for pad in ("", " ", "\u3000"):
                    out.add(pad + spaced + tail + pad)
    return frozenset(out)


# The usual spellings, for a C-level ``isdisjoint`` test over whole chunks; :data:`TOTAL` decides a row.
TOTAL_LABELS = _total_labels()


def total_label(values: Sequence[Any]) -> str | None:
    """The cell that makes ``values`` a 合计 row (“本月合计”, “合 计：”…), or ``None``."""
    return next((v for v in values if type(v) is str and v and TOTAL.fullmatch(v)), None)
