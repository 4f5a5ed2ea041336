"""CSV output, safe to open in Excel, WPS or LibreOffice (the rule for every CSV the app writes).

A CSV file has no cell types: a spreadsheet program reads a field that starts with ``=``, ``+``, ``-`` or ``@``
(and, in some programs, after a leading tab or carriage return) as a formula. A payee typed as
``=HYPERLINK("http://…","点此")`` in a village's sheet, imported, then exported to CSV would run on the
township's PC. So text fields that start with one of those characters are written with a leading apostrophe
(``'=HYPERLINK(…)``), which Excel and WPS show as text and hide. Numbers, amounts and dates are written as plain
numbers and never prefixed. Workbooks (.xlsx) need none of this: their text cells are typed as text.

Files are UTF-8 with a BOM (Excel and WPS on Chinese Windows otherwise read them as GBK), CRLF line ends.
"""

from __future__ import annotations

import csv
import datetime as _dt
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from quzhou_desktop.spreadsheets.xlsx_stream import yuan_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(text: str) -> str:
    """``text`` as a CSV field a spreadsheet program will not run as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_field(value: Any, kind: str = "text") -> str:
    """One field: ``fen`` (integer 分) as 元 with two decimals, ``int`` as digits, ``date`` as yyyy-mm-dd,
    anything else as neutralised text. ``None`` is an empty field."""
    if value is None:
        return ""
    if kind == "fen" and type(value) is int:
        return yuan_text(value)
    if kind == "int" and type(value) is int:
        return str(value)
    if kind == "date" and isinstance(value, _dt.date):
        return (value.date() if isinstance(value, _dt.datetime) else value).isoformat()
    return neutralised(value if isinstance(value, str) else str(value))


def write_csv(
    path: str | Path,
    *,
    headers: Sequence[str],
    kinds: Sequence[str],
    rows: Iterable[Sequence[Any]],
    progress: Callable[[int], None] | None = None,
    progress_every: int = 5000,
) -> int:
    """Write a header line and ``rows`` (fields typed by ``kinds``) to a partial file renamed on success;
    return the number of data rows."""
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    count = 0
    try:
        with partial.open("w", encoding="utf-8-sig", newline="") as f:
            out = csv.writer(f, lineterminator="\r\n")
            out.writerow([neutralised(h) for h in headers])
            for values in rows:
                out.writerow([csv_field(v, k) for v, k in zip(values, kinds, strict=False)])
                count += 1
                if progress is not None and count % progress_every == 0:
                    progress(count)
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count
