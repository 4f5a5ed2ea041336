"""What a parse returns: validated records, per-cell errors and counts (plain data, no database)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from quzhou_desktop.spreadsheets.headers import ColumnMapping
from quzhou_desktop.spreadsheets.schemas import Record


@dataclass(frozen=True, slots=True)
class CellError:
    sheet: str
    row: int  # 1-based, as shown in Excel/WPS
    column: str  # header text (or the field's label when the column is missing)
    column_letter: str  # "" when the column is missing altogether
    value: str
    message: str  # full Chinese sentence

    def as_dict(self) -> dict[str, Any]:
        """The shape of one entry of the CLI's ``--json`` "errors" list."""
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "column_letter": self.column_letter,
            "value": self.value,
            "message": self.message,
        }


@dataclass
class ParseResult:
    kind: str
    file: str
    sheet: str
    sheet_names: list[str]
    header_row: int
    mapping: ColumnMapping
    rows: list[Record] = field(default_factory=list)  # valid rows only, in file order
    errors: list[CellError] = field(default_factory=list)
    total_fen: int = 0  # vouchers: sum of 金额; ledger: 收入 − 支出; people: 0 (valid rows only)
    totals: dict[str, int] = field(default_factory=dict)  # per money field, valid rows only
    rows_read: int = 0  # data rows seen (not blank, not 合计, not footer/example)
    skipped: dict[str, int] = field(default_factory=dict)  # blank / total / footer / example
    encoding: str | None = None  # the text encoding chosen for CSV, HTML and XML files (None: a workbook)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_rows(self) -> set[int]:
        return {e.row for e in self.errors}

    def as_dict(self) -> dict[str, Any]:
        """Summary without the records (for ``--json``; the service adds "imported" and "duplicates")."""
        return {
            "kind": self.kind,
            "file": self.file,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "rows_read": self.rows_read,
            "valid_rows": len(self.rows),
            "total_fen": self.total_fen,
            "errors": [e.as_dict() for e in self.errors],
        }


@dataclass(frozen=True, slots=True)
class ParseProgress:
    done: int  # sheet rows processed so far
    total: int  # sheet rows expected (an estimate for CSV)
    result: ParseResult | None = None  # set on the last item only
