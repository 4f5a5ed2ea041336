"""导出问题清单 as CSV: cell values quoted from the imported file are neutralised (spreadsheets.csv_out)."""

from __future__ import annotations

import csv
from pathlib import Path

from quzhou_desktop.spreadsheets.result import CellError


def test_problem_list_as_csv_neutralises_the_values_quoted_from_the_file(tmp_path: Path) -> None:
    from quzhou_desktop.gui.spreadsheets.error_model import write_error_list

    err = CellError("凭证", 3, "收款方", "D", '=HYPERLINK("http://x")', "第3行「收款方」列……")
    out = tmp_path / "问题清单.csv"
    assert write_error_list(out, [err], title="t") == 1
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[1] == ["凭证", "3", "D 收款方", '\'=HYPERLINK("http://x")', "第3行「收款方」列……"]
