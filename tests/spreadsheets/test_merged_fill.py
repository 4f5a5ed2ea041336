"""spreadsheets.merged_fill: a vertical merge's value is filled down the data rows it covers."""

from __future__ import annotations

from typing import Any

import pytest

from quzhou_desktop.spreadsheets.merged_fill import fill_down

Rows = list[list[Any]]


@pytest.mark.parametrize(
    ("rows", "merged", "skip", "filled"),
    [
        # 村名 merged over three data rows (header on row 1)
        (
            [["村名", "摘要"], ["溪口村", "a"], ["", "b"], ["", "c"], ["", "d"]],
            [(1, 0, 3, 0)],
            (),
            [["村名", "摘要"], ["溪口村", "a"], ["溪口村", "b"], ["溪口村", "c"], ["", "d"]],
        ),
        # a merge that starts in the header is not data
        ([["村名", "x"], ["", "a"]], [(0, 0, 1, 0)], (), [["村名", "x"], ["", "a"]]),
        # stops at a 合计 row: nothing goes into it or below it
        (
            [["h", "h"], ["2026-01-01", "a"], ["", "b"], ["", "合计"], ["", "c"]],
            [(1, 0, 4, 0)],
            (),
            [["h", "h"], ["2026-01-01", "a"], ["2026-01-01", "b"], ["", "合计"], ["", "c"]],
        ),
        # a merge starting on a 小计 row is not filled
        ([["h", "h"], ["本月合计", 5], ["", 6]], [(1, 0, 2, 0)], (), [["h", "h"], ["本月合计", 5], ["", 6]]),
        # horizontal merges are left alone; a block merge fills its first column only
        (
            [["h", "h", "h"], ["a", "", ""], ["b", "", ""], ["", "", ""]],
            [(1, 0, 1, 2), (2, 0, 3, 1)],
            (),
            [["h", "h", "h"], ["a", "", ""], ["b", "", ""], ["b", "", ""]],
        ),
        # amount columns are never filled
        (
            [["h", "金额"], ["x", 100], ["y", ""]],
            [(1, 1, 2, 1)],
            (1,),
            [["h", "金额"], ["x", 100], ["y", ""]],
        ),
        # a short row is padded to reach the merged column; a blank top cell fills nothing
        (
            [["h", "h", "h"], ["a", "", "村"], ["b"], ["c", "", ""]],
            [(1, 2, 2, 2), (1, 1, 3, 1)],
            (),
            [["h", "h", "h"], ["a", "", "村"], ["b", "", "村"], ["c", "", ""]],
        ),
        # a value already in a covered cell (some writers keep it) is not overwritten
        ([["h"], ["甲"], ["乙"]], [(1, 0, 2, 0)], (), [["h"], ["甲"], ["乙"]]),
    ],
)
def test_fill_down(
    rows: Rows, merged: list[tuple[int, int, int, int]], skip: tuple[int, ...], filled: Rows
) -> None:
    original = [list(r) for r in rows]
    out = list(fill_down(list(enumerate(rows, 1))[1:], merged, 1, skip_columns=skip))
    assert [r for _, r in out] == filled[1:]
    assert [n for n, _ in out] == list(range(2, len(rows) + 1))
    assert rows == original  # the reader's rows are not changed in place


def test_no_data_merges_returns_the_rows_untouched() -> None:
    rows = [(2, ["a"]), (3, ["b"])]
    assert fill_down(rows, [(0, 0, 0, 3)], 1) is rows
