"""Plain sheet data shared by the readers: a row, a merged range, a sheet read whole into memory."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Row = list[Any]
MergedRange = tuple[int, int, int, int]  # first_row, first_col, last_row, last_col (0-based, inclusive)


@dataclass
class SheetRows:
    """One sheet read whole: rows from row 1 (blank cells ``""``), merged ranges, and whether it is hidden."""

    name: str
    rows: list[Row]
    merged: list[MergedRange] = field(default_factory=list)
    hidden: bool = False
