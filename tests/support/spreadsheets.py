"""Workbooks for the import tests: a titled sheet with a header row, and a voucher register of ``n`` rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

from quzhou_desktop.spreadsheets.result import ParseResult
from quzhou_desktop.spreadsheets.schemas import LedgerRecord, PersonRecord, VoucherRecord

VOUCHER_HEADER = ["凭证号", "日期", "经手人", "收款方", "摘要", "金额", "村名"]


def book(
    path: Path, header: Sequence[str], rows: Sequence[Sequence[object]], title: str | None = "导入测试"
) -> Path:
    """An .xlsx at ``path``: an optional title row, ``header``, then ``rows``."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    if title:
        ws.append([title])
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


def voucher_book(path: Path, n: int = 3, village: str = "溪口村", start: int = 1) -> Path:
    """``n`` October vouchers 记-001… of ¥100.50, ¥200.50, … for ``village``."""
    rows: list[list[object]] = [
        [
            f"记-{i:03d}",
            dt.date(2026, 10, i % 28 + 1),
            "李四",
            "某某建材",
            f"路灯材料第{i}批",
            f"{i * 100}.50",
            village,
        ]
        for i in range(start, start + n)
    ]
    return book(path, VOUCHER_HEADER, rows)


def voucher_records(result: ParseResult) -> list[VoucherRecord]:
    """The rows of a parse of vouchers (typed)."""
    rows = [r for r in result.rows if isinstance(r, VoucherRecord)]
    assert len(rows) == len(result.rows), f"a parse of {result.kind}, not of vouchers"
    return rows


def ledger_records(result: ParseResult) -> list[LedgerRecord]:
    """The rows of a parse of ledger lines (typed)."""
    rows = [r for r in result.rows if isinstance(r, LedgerRecord)]
    assert len(rows) == len(result.rows), f"a parse of {result.kind}, not of the ledger"
    return rows


def people_records(result: ParseResult) -> list[PersonRecord]:
    """The rows of a parse of people (typed)."""
    rows = [r for r in result.rows if isinstance(r, PersonRecord)]
    assert len(rows) == len(result.rows), f"a parse of {result.kind}, not of people"
    return rows
