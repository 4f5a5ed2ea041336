"""Vertical merges in the data area: offices merge 村名, 日期, 经手人 … over the rows they apply to.

Readers give a merged range's value in its top-left cell only; :func:`fill_down` copies it into the cells of
that column the merge covers, for merges that start below the header. A fill stops at a 合计 row (nothing is
carried into or across it), amount columns are never filled (one merged amount is one amount, not one per
row: the rows below then report a missing amount instead of counting it twice), and horizontal merges are
left alone.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any

from quzhou_desktop.spreadsheets.reader import MergedRange, Row
from quzhou_desktop.spreadsheets.totals import total_label


def fill_down(
    rows: Iterable[tuple[int, Row]],
    merged: Sequence[MergedRange],
    header_row: int,
    *,
    skip_columns: Collection[int] = (),
) -> Iterable[tuple[int, Row]]:
    """``rows`` with each vertical merge below ``header_row`` (1-based) filled down its first column."""
    starts: dict[int, list[tuple[int, int]]] = {}  # 1-based top row → [(column, 1-based last row)]
    for r1, c1, r2, _c2 in merged:
        if r2 > r1 and r1 + 1 > header_row and c1 not in skip_columns:
            starts.setdefault(r1 + 1, []).append((c1, r2 + 1))
    if not starts:
        return rows
    return _filled(rows, starts)


def _blank(v: Any) -> bool:
    return v is None or v == ""


def _filled(
    rows: Iterable[tuple[int, Row]], starts: dict[int, list[tuple[int, int]]]
) -> Iterator[tuple[int, Row]]:
    active: dict[int, tuple[Any, int]] = {}  # column → (value, last row)
    for n, values in rows:
        if active:
            if total_label(values) is not None:
                active.clear()
            else:
                copied = False
                for col, (value, last) in list(active.items()):
                    if n > last:
                        del active[col]
                        continue
                    if col >= len(values) or _blank(values[col]):
                        if not copied:
                            values = list(values)
                            copied = True
                        if col >= len(values):
                            values.extend([""] * (col + 1 - len(values)))
                        values[col] = value
        for col, last in starts.pop(n, ()):
            if col < len(values) and not _blank(values[col]) and total_label(values) is None:
                active[col] = (values[col], last)
        yield n, values
